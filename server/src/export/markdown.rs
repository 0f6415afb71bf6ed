//! The report's blocks ([`Block`]) as Markdown (CommonMark with GFM tables).
//!
//! This file owns the neutralising of board text: `<`, `>` and `&` become HTML entities
//! (no raw HTML), Markdown's inline characters are backslash-escaped (no links, images,
//! code or emphasis), a line never starts with a block marker (no headings, quotes or
//! lists made by a participant), line breaks become spaces, and `://`, `www.` and `@` are
//! broken up so GFM does not turn a bare URL or e-mail address into a link. Only the
//! outline's own structure is Markdown.

use super::outline::{is_hidden_control, Block};

pub fn render(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Title { title, subtitle } => {
                out.push_str(&format!(
                    "# {}: {}\n\n",
                    escape_inline(title),
                    escape_inline(subtitle)
                ));
            }
            Block::Heading { level, text } => {
                // The title is the only `#`; chapters are `##`.
                let marks = "#".repeat(usize::from((*level).clamp(1, 4)) + 1);
                out.push_str(&format!("{marks} {}\n\n", escape_inline(text)));
            }
            Block::Meta(fields) => {
                // A label with more values on the lines after it (empty labels) becomes a
                // list of its own.
                for (index, (label, value)) in fields.iter().enumerate() {
                    let continued = fields
                        .get(index + 1)
                        .is_some_and(|(next, _)| next.is_empty());
                    let value = escape(value);
                    match (label.is_empty(), continued) {
                        (true, _) => out.push_str(&format!("  - {value}\n")),
                        (false, true) => {
                            out.push_str(&format!("- **{}:**\n  - {value}\n", escape_inline(label)))
                        }
                        (false, false) => {
                            out.push_str(&format!("- **{}:** {value}\n", escape_inline(label)))
                        }
                    }
                }
                out.push('\n');
            }
            Block::Paragraph(text) => out.push_str(&format!("{}\n\n", escape(text))),
            Block::Note(text) => out.push_str(&format!("*{}*\n\n", escape(text))),
            Block::Bullets(items) => {
                for item in items {
                    out.push_str(&format!("- {}\n", escape(item)));
                }
                out.push('\n');
            }
            Block::Table { header, rows } => {
                let line = |cells: &[String]| {
                    let cells: Vec<String> = (0..header.len())
                        .map(|column| {
                            escape_inline(cells.get(column).map(String::as_str).unwrap_or(""))
                        })
                        .collect();
                    format!("| {} |\n", cells.join(" | "))
                };
                out.push_str(&line(header));
                out.push_str(&format!("|{}\n", " --- |".repeat(header.len())));
                for row in rows {
                    out.push_str(&line(row));
                }
                out.push('\n');
            }
            Block::Contents(chapters) => {
                for chapter in chapters {
                    out.push_str(&format!("- {}\n", escape(chapter)));
                }
                out.push('\n');
            }
            Block::PageBreak => out.push_str("---\n\n"),
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// Board text as inert Markdown on a line of its own or after a list marker.
pub fn escape(text: &str) -> String {
    let out = escape_inline(text);
    // A block marker at the start of the line: `#`, `>` (already `&gt;`), `-`, `+`,
    // `=` (a setext underline), or a number followed by `.` or `)` (an ordered list).
    match out.chars().next() {
        Some('#' | '-' | '+' | '=') => format!("\\{out}"),
        Some(first) if first.is_ascii_digit() => {
            let digits = out.chars().take_while(char::is_ascii_digit).count();
            match out[digits..].chars().next() {
                Some(mark @ ('.' | ')')) => {
                    format!("{}\\{mark}{}", &out[..digits], &out[digits + 1..])
                }
                _ => out,
            }
        }
        _ => out,
    }
}

/// Board text as inert Markdown inside a line (a heading's or a table cell's).
pub fn escape_inline(text: &str) -> String {
    let line: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|ch| !is_hidden_control(*ch))
        .collect();
    let mut out = String::with_capacity(line.len() + 8);
    for ch in line.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '@' => {
                out.push('\\');
                out.push(ch);
            }
            ch => out.push(ch),
        }
    }
    break_autolinks(&out.replace("://", ":\\/\\/"))
}

/// `www.` as `www\.`, in any case, so GFM does not link it; `@` is escaped already (no
/// e-mail links) and `://` broken up (no URL links).
fn break_autolinks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.to_ascii_lowercase().find("www.") {
        out.push_str(&rest[..at + 3]);
        out.push_str("\\.");
        rest = &rest[at + 4..];
    }
    out.push_str(rest);
    out
}
