//! The visitation pack (*bezoekpakket*, [`Pack`]) as files: PDF, DOCX, Markdown, CSV,
//! JSON, and a zip holding all of them.
//!
//! This module owns the public API ([`Format`], [`Rendered`], [`render`], [`ExportError`])
//! and the file names. The report's layout is decided once, in [`outline`], as a list of
//! blocks; the PDF, DOCX and Markdown renderers only draw those blocks. CSV and JSON are
//! data formats and read the pack directly.
//!
//! Board texts are written by participants and are never trusted: every renderer keeps
//! them inert in its own format (escaped Markdown and HTML, formula-safe CSV cells,
//! HTML-safe JSON, plain PDF text without actions).

mod archive;
mod docx;
mod json;
mod markdown;
pub mod outline;
mod pdf;
mod spreadsheet;
#[cfg(test)]
mod tests;

use leerkring_shared::pack::Pack;

/// One way to download the pack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Pdf,
    Docx,
    Markdown,
    Csv,
    Json,
    Zip,
}

impl Format {
    /// Every format, in the order the download menu shows them.
    pub const ALL: [Format; 6] = [
        Format::Pdf,
        Format::Docx,
        Format::Markdown,
        Format::Csv,
        Format::Json,
        Format::Zip,
    ];

    /// The format named by a query parameter: its file extension (`pdf`, `docx`, `md`,
    /// `csv`, `json`, `zip`), in any case.
    pub fn parse(text: &str) -> Option<Format> {
        let text = text.trim();
        Format::ALL
            .into_iter()
            .find(|format| format.extension().eq_ignore_ascii_case(text))
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Markdown => "md",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Zip => "zip",
        }
    }

    /// The media type to send the file with.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
            Format::Zip => "application/zip",
        }
    }
}

/// A rendered file, ready to send.
#[derive(Clone, Debug)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    /// `bezoekpakket-<team>-<last meeting or "concept">.<ext>`: ASCII letters, digits, `-`
    /// and one `.`, so it can go into a `Content-Disposition` header as it is.
    pub file_name: String,
}

/// Why a pack could not be rendered. Rendering never panics on a pack's content.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("PDF: {0}")]
    Pdf(String),
    #[error("DOCX: {0}")]
    Docx(String),
    #[error("CSV: {0}")]
    Csv(#[from] ::csv::Error),
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("zip: {0}")]
    Zip(#[from] ::zip::result::ZipError),
    #[error("writing: {0}")]
    Io(#[from] std::io::Error),
}

/// Renders the pack in one format.
pub fn render(pack: &Pack, format: Format) -> Result<Rendered, ExportError> {
    let bytes = match format {
        Format::Pdf => pdf::render(&outline::outline(pack), &document_title(pack))?,
        Format::Docx => docx::render(&outline::outline(pack), &document_title(pack))?,
        Format::Markdown => markdown::render(&outline::outline(pack)).into_bytes(),
        Format::Csv => spreadsheet::combined(pack)?,
        Format::Json => json::render(pack)?,
        Format::Zip => archive::render(pack)?,
    };
    Ok(Rendered {
        bytes,
        content_type: format.content_type(),
        file_name: file_name(pack, format),
    })
}

/// The title in the PDF's and DOCX's metadata.
fn document_title(pack: &Pack) -> String {
    format!("Bezoekpakket {}", pack.team.trim())
}

/// `bezoekpakket-<team slug>-<period.to or "concept">.<ext>`.
pub fn file_name(pack: &Pack, format: Format) -> String {
    let team = match slug(&pack.team) {
        team if team.is_empty() => "team".to_owned(),
        team => team,
    };
    let date = pack
        .period
        .as_ref()
        .map(|period| slug(&period.to))
        .filter(|date| !date.is_empty())
        .unwrap_or_else(|| "concept".to_owned());
    format!("bezoekpakket-{team}-{date}.{}", format.extension())
}

/// Lower-case ASCII letters and digits with single `-` between words, at most 60
/// characters: `Team Zuidoever – Coöperatie` becomes `team-zuidoever-cooperatie`.
pub fn slug(text: &str) -> String {
    let mut slug = String::new();
    let mut dash = false;
    for ch in text.chars().flat_map(char::to_lowercase) {
        let ascii = fold_to_ascii(ch);
        if ascii.is_empty() {
            dash = !slug.is_empty();
            continue;
        }
        for ascii in ascii.chars() {
            if dash {
                slug.push('-');
                dash = false;
            }
            slug.push(ascii);
        }
        if slug.len() >= 60 {
            break;
        }
    }
    slug.truncate(60);
    slug.trim_end_matches('-').to_owned()
}

/// A lower-case letter or digit in ASCII (`ë` as `e`, `ß` as `ss`); empty for
/// anything else.
fn fold_to_ascii(ch: char) -> &'static str {
    const LETTERS: &str = "abcdefghijklmnopqrstuvwxyz0123456789";
    if ch.is_ascii_alphanumeric() {
        let index = LETTERS.find(ch).unwrap_or(0);
        return &LETTERS[index..index + 1];
    }
    match ch {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'æ' => "ae",
        'ç' => "c",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ĳ' => "ij",
        'ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
        'œ' => "oe",
        'ß' => "ss",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ý' | 'ÿ' => "y",
        _ => "",
    }
}
