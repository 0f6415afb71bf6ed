//! The report's blocks ([`Block`]) as a Word document, written with `docx-rs`.
//!
//! This file owns the document's styles: real heading styles (`Heading1` to `Heading3`,
//! named "heading 1" and so on with an outline level, so Word's navigation pane and
//! table of contents find the chapters), a bullet list numbering, tables with a shaded
//! header row, A4 pages and a footer with the page number. docx-rs escapes text for
//! XML, so board text stays text.

use docx_rs::{
    AbstractNumbering, AlignmentType, BreakType, Docx, Footer, IndentLevel, Level, LevelJc,
    LevelText, LineSpacing, NumberFormat, Numbering, NumberingId, PageMargin, PageNum, Paragraph,
    Run, RunFonts, Shading, SpecialIndentType, Start, Style, StyleType, Table, TableCell, TableRow,
    WidthType,
};

use super::outline::{is_hidden_control, Block};
use super::ExportError;

/// The numbering that draws bullets (docx-rs brings a decimal numbering with id 1).
const BULLETS: usize = 7;
/// A4 and 2.5 cm margins, in twentieths of a point.
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
const MARGIN: i32 = 1418;
const ACCENT: &str = "16656E";
const MUTED: &str = "646C74";

/// Renders the blocks; `title` goes into the footer.
pub fn render(blocks: &[Block], title: &str) -> Result<Vec<u8>, ExportError> {
    let mut docx = styled(title);
    for block in blocks {
        docx = match block {
            Block::Title { title, subtitle } => docx
                .add_paragraph(styled_text("Title", title))
                .add_paragraph(styled_text("Subtitle", subtitle)),
            Block::Heading { level, text } => {
                let style = format!("Heading{}", (*level).clamp(1, 3));
                docx.add_paragraph(styled_text(&style, text))
            }
            Block::Meta(fields) => fields.iter().fold(docx, |docx, (label, value)| {
                let mut paragraph = Paragraph::new().line_spacing(LineSpacing::new().after(60));
                if !label.is_empty() {
                    paragraph = paragraph.add_run(
                        Run::new()
                            .add_text(format!("{label}: "))
                            .bold()
                            .color(MUTED),
                    );
                }
                docx.add_paragraph(paragraph.add_run(Run::new().add_text(clean(value))))
            }),
            Block::Paragraph(text) => docx.add_paragraph(plain(text)),
            Block::Note(text) => docx.add_paragraph(
                Paragraph::new().add_run(Run::new().add_text(clean(text)).italic().color(MUTED)),
            ),
            Block::Bullets(items) => items.iter().fold(docx, |docx, item| {
                docx.add_paragraph(
                    plain(item).numbering(NumberingId::new(BULLETS), IndentLevel::new(0)),
                )
            }),
            Block::Table { header, rows } => docx.add_table(table(header, rows)),
            // Word's own table of contents would ask to update fields when opened; the
            // chapters as a list, and the navigation pane for the rest.
            Block::Contents(chapters) => chapters
                .iter()
                .fold(docx, |docx, chapter| docx.add_paragraph(plain(chapter))),
            Block::PageBreak => {
                docx.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))
            }
        };
    }
    let mut bytes = std::io::Cursor::new(Vec::new());
    docx.build()
        .pack(&mut bytes)
        .map_err(|error| ExportError::Docx(error.to_string()))?;
    Ok(bytes.into_inner())
}

/// An empty document with the report's page, styles, bullets and footer.
fn styled(title: &str) -> Docx {
    let heading = |level: usize, size: usize, colour: &str| {
        Style::new(format!("Heading{level}"), StyleType::Paragraph)
            .name(format!("heading {level}"))
            .based_on("Normal")
            .next("Normal")
            .outline_lvl(level - 1)
            .bold()
            .size(size)
            .color(colour)
    };
    let footer = Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Right)
            .add_run(
                Run::new()
                    .add_text(format!("{} – pagina ", clean(title)))
                    .size(17)
                    .color(MUTED),
            )
            .add_page_num(PageNum::new()),
    );
    Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(MARGIN)
                .bottom(MARGIN)
                .left(MARGIN)
                .right(MARGIN),
        )
        .default_fonts(
            RunFonts::new()
                .ascii("Calibri")
                .hi_ansi("Calibri")
                .cs("Calibri"),
        )
        .default_size(21)
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .based_on("Normal")
                .next("Normal")
                .bold()
                .size(64),
        )
        .add_style(
            Style::new("Subtitle", StyleType::Paragraph)
                .name("Subtitle")
                .based_on("Normal")
                .next("Normal")
                .size(36)
                .color(ACCENT),
        )
        .add_style(heading(1, 34, ACCENT))
        .add_style(heading(2, 26, "212529"))
        .add_style(heading(3, 22, "212529"))
        .add_abstract_numbering(
            AbstractNumbering::new(BULLETS).add_level(
                Level::new(
                    0,
                    Start::new(1),
                    NumberFormat::new("bullet"),
                    LevelText::new("•"),
                    LevelJc::new("left"),
                )
                .indent(
                    Some(540),
                    Some(SpecialIndentType::Hanging(270)),
                    None,
                    None,
                ),
            ),
        )
        .add_numbering(Numbering::new(BULLETS, BULLETS))
        .footer(footer)
}

fn styled_text(style: &str, text: &str) -> Paragraph {
    Paragraph::new()
        .style(style)
        .keep_next(style.starts_with("Heading"))
        .add_run(Run::new().add_text(clean(text)))
}

fn plain(text: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(clean(text)))
}

fn table(header: &[String], rows: &[Vec<String>]) -> Table {
    let columns = header.len().max(1);
    let width = (PAGE_WIDTH as usize - 2 * MARGIN as usize) / columns;
    let cell = |text: &str, head: bool| {
        let mut run = Run::new().add_text(clean(text));
        if head {
            run = run.bold();
        }
        let cell = TableCell::new()
            .width(width, WidthType::Dxa)
            .add_paragraph(Paragraph::new().add_run(run));
        if head {
            cell.shading(Shading::new().fill("E2EFF0"))
        } else {
            cell
        }
    };
    let mut table_rows = vec![TableRow::new(
        header.iter().map(|text| cell(text, true)).collect(),
    )];
    for row in rows {
        table_rows.push(TableRow::new(
            (0..columns)
                .map(|column| {
                    cell(
                        row.get(column).map(String::as_str).unwrap_or_default(),
                        false,
                    )
                })
                .collect(),
        ));
    }
    Table::new(table_rows)
        .set_grid(vec![width; columns])
        .width(width * columns, WidthType::Dxa)
}

/// Text without the control characters XML 1.0 forbids; line breaks as spaces.
fn clean(text: &str) -> String {
    text.chars()
        .map(|ch| if ch.is_whitespace() { ' ' } else { ch })
        .filter(|ch| !is_hidden_control(*ch))
        .collect()
}
