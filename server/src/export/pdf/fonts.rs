//! The two embedded DejaVu Sans fonts (`server/assets/fonts/`): for drawing (krilla) and
//! for measuring text and breaking it into lines (ttf-parser).

use krilla::text::Font;

use crate::export::outline::is_hidden_control;
use crate::export::ExportError;

static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// The embedded fonts, for drawing (krilla) and for measuring (ttf-parser).
pub(super) struct Fonts {
    regular: Font,
    bold: Font,
    regular_face: ttf_parser::Face<'static>,
    bold_face: ttf_parser::Face<'static>,
}

impl Fonts {
    pub(super) fn load() -> Result<Self, ExportError> {
        let missing =
            |what: &str| ExportError::Pdf(format!("the embedded font {what} is unreadable"));
        Ok(Self {
            regular: Font::new(REGULAR.into(), 0).ok_or_else(|| missing("DejaVuSans"))?,
            bold: Font::new(BOLD.into(), 0).ok_or_else(|| missing("DejaVuSans-Bold"))?,
            regular_face: ttf_parser::Face::parse(REGULAR, 0).map_err(|_| missing("DejaVuSans"))?,
            bold_face: ttf_parser::Face::parse(BOLD, 0).map_err(|_| missing("DejaVuSans-Bold"))?,
        })
    }

    /// The font to draw with.
    pub(super) fn font(&self, bold: bool) -> &Font {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }

    /// The width of `text` at `size` points.
    pub(super) fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold {
            &self.bold_face
        } else {
            &self.regular_face
        };
        let units: f32 = text
            .chars()
            .map(|ch| {
                let glyph = face.glyph_index(ch).unwrap_or(ttf_parser::GlyphId(0));
                f32::from(face.glyph_hor_advance(glyph).unwrap_or(0))
            })
            .sum();
        units * size / f32::from(face.units_per_em().max(1))
    }

    /// `text` broken into lines no wider than `width`: at spaces, and inside words that
    /// are wider than a line by themselves. Line breaks in the text are kept.
    pub(super) fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let space = self.width(" ", size, bold);
        for hard_line in clean(text).split('\n') {
            let mut line = String::new();
            let mut line_width = 0.0;
            for word in hard_line.split_whitespace() {
                let word_width = self.width(word, size, bold);
                let candidate = if line.is_empty() {
                    word_width
                } else {
                    line_width + space + word_width
                };
                if candidate <= width {
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    line.push_str(word);
                    line_width = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                if word_width <= width {
                    line.push_str(word);
                    line_width = word_width;
                    continue;
                }
                // A word wider than the line goes over several lines.
                line_width = 0.0;
                for ch in word.chars() {
                    let mut buffer = [0; 4];
                    let ch_width = self.width(ch.encode_utf8(&mut buffer), size, bold);
                    if line_width + ch_width > width && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        line_width = 0.0;
                    }
                    line.push(ch);
                    line_width += ch_width;
                }
            }
            lines.push(line);
        }
        lines
    }
}

/// Board text without control characters; tabs as spaces, line breaks kept.
pub(super) fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter_map(|ch| match ch {
            '\t' | '\r' => Some(' '),
            ch if is_hidden_control(ch) => None,
            ch => Some(ch),
        })
        .collect()
}

/// `text`, cut with an ellipsis to fit `width`.
pub(super) fn fit(fonts: &Fonts, text: &str, size: f32, width: f32) -> String {
    if fonts.width(text, size, false) <= width {
        return text.to_owned();
    }
    let mut cut = String::new();
    for ch in text.chars() {
        cut.push(ch);
        if fonts.width(&cut, size, false) + fonts.width("…", size, false) > width {
            cut.pop();
            break;
        }
    }
    format!("{}…", cut.trim_end())
}
