//! The report's blocks ([`Block`]) as an A4 PDF, drawn with `krilla`.
//!
//! This file owns the page layout: margins, type sizes and colours, line breaking (by
//! the embedded font's advance widths, read with `ttf-parser`), keeping headings with
//! what follows, tables that continue on the next page under a repeated header, the
//! footer with page numbers, and the bookmarks (the PDF's outline). Layout first puts
//! every page's drawing operations in a list, so the footer can say "pagina 2 van 9".
//!
//! The PDF holds text, filled rectangles and the two embedded DejaVu Sans fonts
//! (`server/assets/fonts/`, subset by krilla): no JavaScript, no actions, no links.

use krilla::color::rgb;
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::Document;

use super::outline::{is_hidden_control, Block};
use super::ExportError;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

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

/// The embedded fonts, for drawing (krilla) and for measuring (ttf-parser).
struct Fonts {
    regular: Font,
    bold: Font,
    regular_face: ttf_parser::Face<'static>,
    bold_face: ttf_parser::Face<'static>,
}

impl Fonts {
    fn load() -> Result<Self, ExportError> {
        let missing =
            |what: &str| ExportError::Pdf(format!("the embedded font {what} is unreadable"));
        Ok(Self {
            regular: Font::new(REGULAR.into(), 0).ok_or_else(|| missing("DejaVuSans"))?,
            bold: Font::new(BOLD.into(), 0).ok_or_else(|| missing("DejaVuSans-Bold"))?,
            regular_face: ttf_parser::Face::parse(REGULAR, 0).map_err(|_| missing("DejaVuSans"))?,
            bold_face: ttf_parser::Face::parse(BOLD, 0).map_err(|_| missing("DejaVuSans-Bold"))?,
        })
    }

    /// The width of `text` at `size` points.
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
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
    fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
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
fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter_map(|ch| match ch {
            '\t' | '\r' => Some(' '),
            ch if is_hidden_control(ch) => None,
            ch => Some(ch),
        })
        .collect()
}

/// One drawing operation on a page.
enum Op {
    /// Text with its baseline at `y`.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        colour: Colour,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        colour: Colour,
    },
}

/// A heading to list in the PDF's outline.
struct Bookmark {
    level: u8,
    text: String,
    page: usize,
    y: f32,
}

/// Places blocks on pages, top to bottom.
struct Layout<'f> {
    fonts: &'f Fonts,
    pages: Vec<Vec<Op>>,
    /// The top of the next line on the last page.
    y: f32,
    bookmarks: Vec<Bookmark>,
    /// Each chapter's heading and page number (from 1), for the table of contents.
    chapter_pages: Vec<(String, usize)>,
}

impl<'f> Layout<'f> {
    fn new(fonts: &'f Fonts, chapter_pages: Vec<(String, usize)>) -> Self {
        Self {
            fonts,
            pages: vec![Vec::new()],
            y: MARGIN_TOP,
            bookmarks: Vec::new(),
            chapter_pages,
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN_TOP;
    }

    fn at_page_top(&self) -> bool {
        self.y <= MARGIN_TOP
    }

    /// Starts a new page unless `height` more fits on this one.
    fn ensure(&mut self, height: f32) {
        if self.y + height > CONTENT_BOTTOM && !self.at_page_top() {
            self.new_page();
        }
    }

    /// Vertical space, dropped at the top of a page.
    fn space(&mut self, height: f32) {
        if !self.at_page_top() {
            self.y += height;
        }
    }

    fn op(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    /// Text on one line whose box starts at the current `y`; the baseline sits so that
    /// the font's ascent and descent are centred in `leading`.
    fn line(&mut self, x: f32, text: &str, size: f32, bold: bool, colour: Colour, leading: f32) {
        let baseline = self.y + (leading - size * 1.164) / 2.0 + size * 0.928;
        if !text.is_empty() {
            self.op(Op::Text {
                x,
                y: baseline,
                size,
                bold,
                colour,
                text: text.to_owned(),
            });
        }
    }

    /// Wrapped text, moving down line by line and on to the next page when needed.
    fn text(&mut self, x: f32, width: f32, text: &str, style: (f32, bool, Colour), leading: f32) {
        let (size, bold, colour) = style;
        for line in self.fonts.wrap(text, size, bold, width) {
            self.ensure(leading);
            self.line(x, &line, size, bold, colour, leading);
            self.y += leading;
        }
    }

    fn rect(&mut self, x: f32, y: f32, width: f32, height: f32, colour: Colour) {
        self.op(Op::Rect {
            x,
            y,
            width,
            height,
            colour,
        });
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Title { title, subtitle } => self.title(title, subtitle),
            Block::Heading { level, text } => self.heading(*level, text),
            Block::Meta(fields) => self.meta(fields),
            Block::Paragraph(text) => {
                self.text(
                    MARGIN_LEFT,
                    CONTENT_WIDTH,
                    text,
                    (BODY_SIZE, false, INK),
                    BODY_LEADING,
                );
                self.y += 8.0;
            }
            Block::Note(text) => {
                self.text(
                    MARGIN_LEFT,
                    CONTENT_WIDTH,
                    text,
                    (BODY_SIZE - 0.5, false, MUTED),
                    BODY_LEADING,
                );
                self.y += 8.0;
            }
            Block::Bullets(items) => self.bullets(items),
            Block::Contents(chapters) => self.contents(chapters),
            Block::Table { header, rows } => self.table(header, rows),
            Block::PageBreak => {
                if !self.at_page_top() {
                    self.new_page();
                }
            }
        }
    }

    fn title(&mut self, title: &str, subtitle: &str) {
        // A band of colour across the top of the title page.
        let top = self.y;
        self.rect(0.0, 0.0, PAGE_WIDTH, 14.0, ACCENT);
        self.y = top + 90.0;
        self.text(MARGIN_LEFT, CONTENT_WIDTH, title, (34.0, true, INK), 42.0);
        self.y += 4.0;
        self.text(
            MARGIN_LEFT,
            CONTENT_WIDTH,
            subtitle,
            (20.0, false, ACCENT),
            26.0,
        );
        self.y += 14.0;
        let y = self.y;
        self.rect(MARGIN_LEFT, y, 64.0, 3.0, ACCENT);
        self.y += 28.0;
    }

    fn heading(&mut self, level: u8, text: &str) {
        let (size, colour, before, after, keep) = match level {
            1 => (17.0, ACCENT, 24.0, 6.0, 110.0),
            2 => (13.0, INK, 14.0, 4.0, 80.0),
            _ => (11.0, INK, 9.0, 2.0, 60.0),
        };
        self.space(before);
        // Keep the heading with the first lines of what follows.
        self.ensure(keep);
        self.bookmarks.push(Bookmark {
            level,
            text: clean(text).replace('\n', " "),
            page: self.pages.len().saturating_sub(1),
            y: self.y,
        });
        self.text(
            MARGIN_LEFT,
            CONTENT_WIDTH,
            text,
            (size, true, colour),
            size * 1.35,
        );
        if level == 1 {
            self.y += 3.0;
            let y = self.y;
            self.rect(MARGIN_LEFT, y, CONTENT_WIDTH, 0.8, RULE);
            self.y += 8.0;
        }
        self.y += after;
    }

    /// The chapters with their page numbers on the right.
    fn contents(&mut self, chapters: &[String]) {
        let number_width = 40.0;
        for (index, chapter) in chapters.iter().enumerate() {
            let page = self
                .chapter_pages
                .get(index)
                .filter(|(text, _)| *text == clean(chapter).replace('\n', " "))
                .map(|(_, page)| page.to_string())
                .unwrap_or_default();
            let lines = self
                .fonts
                .wrap(chapter, BODY_SIZE, false, CONTENT_WIDTH - number_width);
            for (line_index, line) in lines.iter().enumerate() {
                self.ensure(BODY_LEADING + 2.5);
                self.line(MARGIN_LEFT, line, BODY_SIZE, false, INK, BODY_LEADING + 2.5);
                if line_index == 0 {
                    let x = MARGIN_LEFT + CONTENT_WIDTH - self.fonts.width(&page, BODY_SIZE, false);
                    self.line(x, &page, BODY_SIZE, false, MUTED, BODY_LEADING + 2.5);
                }
                self.y += BODY_LEADING + 2.5;
            }
            let y = self.y;
            self.rect(MARGIN_LEFT, y - 1.0, CONTENT_WIDTH, 0.4, RULE);
        }
        self.y += 8.0;
    }

    /// Label and value lines: the labels in a column of their own.
    fn meta(&mut self, fields: &[(String, String)]) {
        // One label column for every field list, so they line up through the report.
        let label_width = 140.0;
        let value_x = MARGIN_LEFT + label_width + 14.0;
        let value_width = CONTENT_WIDTH - label_width - 14.0;
        for (label, value) in fields {
            let label_lines = self.fonts.wrap(label, BODY_SIZE - 0.5, true, label_width);
            let value_lines = self.fonts.wrap(value, BODY_SIZE, false, value_width);
            // Keep a short field together; a long one may break after its first lines.
            let lines = label_lines.len().max(value_lines.len()).min(4);
            self.ensure(lines as f32 * BODY_LEADING);
            for index in 0..label_lines.len().max(value_lines.len()) {
                self.ensure(BODY_LEADING);
                if let Some(label) = label_lines.get(index) {
                    self.line(
                        MARGIN_LEFT,
                        label,
                        BODY_SIZE - 0.5,
                        true,
                        MUTED,
                        BODY_LEADING,
                    );
                }
                if let Some(value) = value_lines.get(index) {
                    self.line(value_x, value, BODY_SIZE, false, INK, BODY_LEADING);
                }
                self.y += BODY_LEADING;
            }
            self.y += 3.0;
        }
        self.y += 6.0;
    }

    fn bullets(&mut self, items: &[String]) {
        let indent = 16.0;
        for item in items {
            let lines = self
                .fonts
                .wrap(item, BODY_SIZE, false, CONTENT_WIDTH - indent);
            self.ensure(BODY_LEADING * lines.len().min(2) as f32);
            for (index, line) in lines.iter().enumerate() {
                self.ensure(BODY_LEADING);
                if index == 0 {
                    self.line(
                        MARGIN_LEFT + 3.0,
                        "•",
                        BODY_SIZE,
                        true,
                        ACCENT,
                        BODY_LEADING,
                    );
                }
                self.line(
                    MARGIN_LEFT + indent,
                    line,
                    BODY_SIZE,
                    false,
                    INK,
                    BODY_LEADING,
                );
                self.y += BODY_LEADING;
            }
            self.y += 3.0;
        }
        self.y += 6.0;
    }

    /// Column widths after what the cells hold, filling the text width.
    fn column_widths(&self, header: &[String], rows: &[Vec<String>]) -> Vec<f32> {
        let columns = header.len().max(1);
        let natural: Vec<f32> = (0..columns)
            .map(|column| {
                let cells = std::iter::once(header.get(column))
                    .chain(rows.iter().map(|row| row.get(column)))
                    .flatten();
                cells
                    .map(|cell| self.fonts.width(cell, TABLE_SIZE, false))
                    .fold(0.0_f32, f32::max)
                    .clamp(60.0, CONTENT_WIDTH * 0.6)
                    + 2.0 * CELL_PADDING
            })
            .collect();
        let total: f32 = natural.iter().sum();
        natural
            .iter()
            .map(|width| width * CONTENT_WIDTH / total.max(1.0))
            .collect()
    }

    fn table(&mut self, header: &[String], rows: &[Vec<String>]) {
        let widths = self.column_widths(header, rows);
        let wrap_row = |cells: &[String], bold: bool| -> Vec<Vec<String>> {
            widths
                .iter()
                .enumerate()
                .map(|(column, width)| {
                    let cell = cells.get(column).map(String::as_str).unwrap_or_default();
                    self.fonts
                        .wrap(cell, TABLE_SIZE, bold, width - 2.0 * CELL_PADDING)
                })
                .collect()
        };
        let header_cells = wrap_row(header, true);
        let body: Vec<Vec<Vec<String>>> = rows.iter().map(|row| wrap_row(row, false)).collect();
        let height = |cells: &[Vec<String>]| {
            let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            lines as f32 * TABLE_LEADING + 2.0 * CELL_PADDING
        };
        let header_height = height(&header_cells);
        let first_row = body.first().map(|row| height(row)).unwrap_or(0.0);
        self.ensure(header_height + first_row.min(4.0 * TABLE_LEADING));
        self.table_row(&widths, &header_cells, true, false);
        for (index, row) in body.iter().enumerate() {
            let stripe = index % 2 == 1;
            let row_height = height(row);
            let page_height = CONTENT_BOTTOM - MARGIN_TOP - header_height;
            if self.y + row_height > CONTENT_BOTTOM && row_height <= page_height {
                self.new_page();
                self.table_row(&widths, &header_cells, true, false);
            }
            if self.y + row_height <= CONTENT_BOTTOM {
                self.table_row(&widths, row, false, stripe);
                continue;
            }
            // A row taller than a page: as many lines as fit, then the rest.
            let mut rest: Vec<Vec<String>> = row.clone();
            while rest.iter().any(|cell| !cell.is_empty()) {
                let room = ((CONTENT_BOTTOM - self.y - 2.0 * CELL_PADDING) / TABLE_LEADING)
                    .floor()
                    .max(0.0) as usize;
                if room == 0 {
                    self.new_page();
                    self.table_row(&widths, &header_cells, true, false);
                    continue;
                }
                let part: Vec<Vec<String>> = rest
                    .iter_mut()
                    .map(|cell| cell.drain(..room.min(cell.len())).collect())
                    .collect();
                self.table_row(&widths, &part, false, stripe);
            }
        }
        self.y += 10.0;
    }

    fn table_row(&mut self, widths: &[f32], cells: &[Vec<String>], header: bool, stripe: bool) {
        let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let height = lines as f32 * TABLE_LEADING + 2.0 * CELL_PADDING;
        let top = self.y;
        if header {
            self.rect(MARGIN_LEFT, top, CONTENT_WIDTH, height, HEADER_FILL);
        } else if stripe {
            self.rect(MARGIN_LEFT, top, CONTENT_WIDTH, height, STRIPE_FILL);
        }
        let mut x = MARGIN_LEFT;
        for (cell, width) in cells.iter().zip(widths) {
            self.y = top + CELL_PADDING;
            for line in cell {
                self.line(
                    x + CELL_PADDING,
                    line,
                    TABLE_SIZE,
                    header,
                    if header { ACCENT } else { INK },
                    TABLE_LEADING,
                );
                self.y += TABLE_LEADING;
            }
            x += width;
        }
        let rule = if header { ACCENT } else { RULE };
        self.rect(MARGIN_LEFT, top + height - 0.6, CONTENT_WIDTH, 0.6, rule);
        self.y = top + height;
    }
}

/// Draws the laid-out pages with a footer each, and the outline.
fn write(
    fonts: &Fonts,
    pages: &[Vec<Op>],
    bookmarks: &[Bookmark],
    title: &str,
) -> Result<Vec<u8>, ExportError> {
    let mut document = Document::new();
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
        .ok_or_else(|| ExportError::Pdf("page size".to_owned()))?;
    let footer_title = fit(
        fonts,
        &clean(title).replace('\n', " "),
        8.5,
        CONTENT_WIDTH * 0.6,
    );
    for (index, ops) in pages.iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            draw(&mut surface, fonts, op);
        }
        // The footer: a rule, the title on the left, the page number on the right.
        let footer_y = PAGE_HEIGHT - 46.0;
        draw(
            &mut surface,
            fonts,
            &Op::Rect {
                x: MARGIN_LEFT,
                y: footer_y - 12.0,
                width: CONTENT_WIDTH,
                height: 0.5,
                colour: RULE,
            },
        );
        draw(
            &mut surface,
            fonts,
            &Op::Text {
                x: MARGIN_LEFT,
                y: footer_y,
                size: 8.5,
                bold: false,
                colour: MUTED,
                text: footer_title.clone(),
            },
        );
        let number = format!("Pagina {} van {}", index + 1, pages.len());
        let width = fonts.width(&number, 8.5, false);
        draw(
            &mut surface,
            fonts,
            &Op::Text {
                x: PAGE_WIDTH - MARGIN_RIGHT - width,
                y: footer_y,
                size: 8.5,
                bold: false,
                colour: MUTED,
                text: number,
            },
        );
        surface.finish();
        page.finish();
    }
    document.set_outline(outline(bookmarks));
    document.set_metadata(
        Metadata::new()
            .title(clean(title).replace('\n', " "))
            .language("nl-NL".to_owned())
            .creator("Leerkring".to_owned()),
    );
    document
        .finish()
        .map_err(|error| ExportError::Pdf(format!("{error:?}")))
}

/// `text`, cut with an ellipsis to fit `width`.
fn fit(fonts: &Fonts, text: &str, size: f32, width: f32) -> String {
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

fn draw(surface: &mut Surface, fonts: &Fonts, op: &Op) {
    let fill = |(r, g, b): Colour| Fill {
        paint: rgb::Color::new(r, g, b).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::default(),
    };
    match op {
        Op::Text {
            x,
            y,
            size,
            bold,
            colour,
            text,
        } => {
            surface.set_fill(Some(fill(*colour)));
            let font = if *bold { &fonts.bold } else { &fonts.regular };
            surface.draw_text(
                Point::from_xy(*x, *y),
                font.clone(),
                *size,
                text,
                false,
                TextDirection::Auto,
            );
        }
        Op::Rect {
            x,
            y,
            width,
            height,
            colour,
        } => {
            let Some(rect) = Rect::from_xywh(*x, *y, *width, *height) else {
                return;
            };
            let mut builder = PathBuilder::new();
            builder.push_rect(rect);
            if let Some(path) = builder.finish() {
                surface.set_fill(Some(fill(*colour)));
                surface.draw_path(&path);
            }
        }
    }
}

/// Chapters with their sections, as the PDF viewer's bookmarks.
fn outline(bookmarks: &[Bookmark]) -> Outline {
    let mut outline = Outline::new();
    let mut chapter: Option<OutlineNode> = None;
    let node = |bookmark: &Bookmark| {
        OutlineNode::new(
            bookmark.text.clone(),
            XyzDestination::new(bookmark.page, Point::from_xy(MARGIN_LEFT, bookmark.y)),
        )
    };
    for bookmark in bookmarks {
        match bookmark.level {
            1 => {
                if let Some(done) = chapter.take() {
                    outline.push_child(done);
                }
                chapter = Some(node(bookmark));
            }
            2 => match chapter.as_mut() {
                Some(chapter) => chapter.push_child(node(bookmark)),
                None => outline.push_child(node(bookmark)),
            },
            _ => {}
        }
    }
    if let Some(done) = chapter.take() {
        outline.push_child(done);
    }
    outline
}
