//! The report's blocks ([`Block`]) as an A4 PDF, drawn with `krilla`.
//!
//! Here: the page geometry, type sizes and colours, and [`render`], which lays the blocks
//! out twice (the table of contents needs the chapters' pages) and then draws them.
//! `fonts.rs`: the embedded fonts, measuring and line breaking (by the fonts' advance
//! widths, read with `ttf-parser`). `layout.rs`: placing blocks on pages, keeping
//! headings with what follows, tables that continue on the next page under a repeated
//! header, the bookmarks. `draw.rs`: drawing the pages with krilla, the footer with page
//! numbers, and the PDF's outline. Layout first puts every page's drawing operations in
//! a list, so the footer can say "pagina 2 van 9".
//!
//! The PDF holds text, filled rectangles and the two embedded DejaVu Sans fonts
//! (`server/assets/fonts/`, subset by krilla): no JavaScript, no actions, no links.

mod draw;
mod fonts;
mod layout;

use super::outline::Block;
use super::ExportError;
use draw::write;
use fonts::Fonts;
use layout::Layout;

/// A4 in points.
const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN_LEFT: f32 = 72.0;
const MARGIN_RIGHT: f32 = 72.0;
const MARGIN_TOP: f32 = 72.0;
/// Where text stops; the footer sits below.
const CONTENT_BOTTOM: f32 = PAGE_HEIGHT - 78.0;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;

const BODY_SIZE: f32 = 10.5;
const BODY_LEADING: f32 = 15.5;
const TABLE_SIZE: f32 = 9.5;
const TABLE_LEADING: f32 = 13.0;
const CELL_PADDING: f32 = 5.0;

type Colour = (u8, u8, u8);
const INK: Colour = (33, 37, 41);
const MUTED: Colour = (100, 108, 116);
const ACCENT: Colour = (22, 101, 110);
const RULE: Colour = (206, 212, 218);
const HEADER_FILL: Colour = (226, 239, 240);
const STRIPE_FILL: Colour = (246, 248, 249);

/// Renders the blocks; `title` goes into the document's metadata and footer.
pub fn render(blocks: &[Block], title: &str) -> Result<Vec<u8>, ExportError> {
    let fonts = Fonts::load()?;
    // Twice: the first pass finds the chapters' pages for the table of contents; the
    // second draws it with them (the same number of lines, so the same pages).
    let mut first = Layout::new(&fonts, Vec::new());
    for block in blocks {
        first.block(block);
    }
    let chapter_pages = first
        .bookmarks
        .iter()
        .filter(|bookmark| bookmark.level == 1)
        .map(|bookmark| (bookmark.text.clone(), bookmark.page + 1))
        .collect();
    let mut layout = Layout::new(&fonts, chapter_pages);
    for block in blocks {
        layout.block(block);
    }
    let Layout {
        pages, bookmarks, ..
    } = layout;
    write(&fonts, &pages, &bookmarks, title)
}
