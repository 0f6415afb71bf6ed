//! The pack as JSON, following `docs/visitation-pack.schema.json`.
//!
//! This file owns making the JSON inert inside HTML: `<`, `>` and `&` (and the line and
//! paragraph separators JavaScript once choked on) are written as `\u003c` and so on.
//! They can only occur inside JSON strings, where the escape means the same character,
//! so the document parses to the same pack.

use leerkring_shared::pack::Pack;

use super::ExportError;

pub fn render(pack: &Pack) -> Result<Vec<u8>, ExportError> {
    let text = serde_json::to_string_pretty(pack)?;
    let mut out = String::with_capacity(text.len() + 64);
    for ch in text.chars() {
        match ch {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            ch => out.push(ch),
        }
    }
    out.push('\n');
    Ok(out.into_bytes())
}
