//! The pack's tables as CSV for a spreadsheet: the virtue table (`deugdentabel.csv`) and
//! the development points (`ontwikkelpunten.csv`), both in the zip; and, for a single
//! CSV download, both in one file whose first column `soort` says what a row is
//! (`deugd` or `ontwikkelpunt`), each kind filling its own columns.
//!
//! This file owns the CSV dialect: UTF-8 with a byte order mark (so Excel reads ë and é
//! correctly), `;` between cells because Excel in a Dutch locale expects `;` (the comma
//! is the decimal separator there) and splits nothing on a `,`-separated file opened with
//! a double click, quotes where needed, and every cell that a spreadsheet could read as
//! a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) prefixed with
//! `'` (OWASP, CSV injection).

use leerkring_shared::pack::Pack;

use super::ExportError;

const BOM: &[u8] = "\u{feff}".as_bytes();

/// `deugdentabel.csv`: te weinig; deugd; te veel.
pub fn virtues(pack: &Pack) -> Result<Vec<u8>, ExportError> {
    let mut rows = vec![vec!["Te weinig", "Deugd", "Te veel"]
        .into_iter()
        .map(str::to_owned)
        .collect()];
    rows.extend(pack.compass.table.iter().map(|row| {
        vec![
            row.too_little.clone(),
            row.virtue.clone(),
            row.too_much.clone(),
        ]
    }));
    write(&rows)
}

const POINT_COLUMNS: [&str; 6] = [
    "Ontwikkelpunt",
    "Status",
    "Wanneer gelukt",
    "Wat stond in de weg",
    "Wat is nodig",
    "Herkomst",
];

fn point_cells(pack: &Pack) -> impl Iterator<Item = Vec<String>> + '_ {
    pack.development_points.iter().map(|point| {
        vec![
            point.text.clone(),
            point.status.label_nl().to_owned(),
            point.criterion.clone(),
            point.reason.clone(),
            point.needs.clone(),
            point.source.clone().unwrap_or_default(),
        ]
    })
}

/// `ontwikkelpunten.csv`: the point, its status, criterion, reason, needs and source.
pub fn points(pack: &Pack) -> Result<Vec<u8>, ExportError> {
    let mut rows = vec![POINT_COLUMNS.iter().map(|c| (*c).to_owned()).collect()];
    rows.extend(point_cells(pack));
    write(&rows)
}

/// Both tables in one file: `soort` first, then the virtue table's three columns, then
/// the development points' six; a row fills only its own kind's columns.
pub fn combined(pack: &Pack) -> Result<Vec<u8>, ExportError> {
    let mut header = vec!["Soort".to_owned()];
    header.extend(["Te weinig", "Deugd", "Te veel"].map(str::to_owned));
    header.extend(POINT_COLUMNS.map(str::to_owned));
    let mut rows = vec![header];
    for row in &pack.compass.table {
        let mut cells = vec![
            "deugd".to_owned(),
            row.too_little.clone(),
            row.virtue.clone(),
            row.too_much.clone(),
        ];
        cells.extend(std::iter::repeat_n(String::new(), POINT_COLUMNS.len()));
        rows.push(cells);
    }
    for point in point_cells(pack) {
        let mut cells = vec!["ontwikkelpunt".to_owned()];
        cells.extend(std::iter::repeat_n(String::new(), 3));
        cells.extend(point);
        rows.push(cells);
    }
    write(&rows)
}

fn write(rows: &[Vec<String>]) -> Result<Vec<u8>, ExportError> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    for row in rows {
        writer.write_record(row.iter().map(|cell| defuse(cell)))?;
    }
    writer
        .into_inner()
        .map_err(|error| ExportError::Io(error.into_error()))
}

/// A cell a spreadsheet will not run as a formula.
pub fn defuse(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}
