//! Placing the report's blocks on A4 pages, top to bottom, as drawing operations: text
//! wrapped to the column, headings kept with what follows, tables that continue on the
//! next page under a repeated header, and the headings' bookmarks.

use super::fonts::{clean, Fonts};
use super::{
    Colour, ACCENT, BODY_LEADING, BODY_SIZE, CELL_PADDING, CONTENT_BOTTOM, CONTENT_WIDTH,
    HEADER_FILL, INK, MARGIN_LEFT, MARGIN_TOP, MUTED, PAGE_WIDTH, RULE, STRIPE_FILL, TABLE_LEADING,
    TABLE_SIZE,
};
use crate::export::outline::Block;

/// One drawing operation on a page.
pub(super) enum Op {
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
pub(super) struct Bookmark {
    pub(super) level: u8,
    pub(super) text: String,
    pub(super) page: usize,
    pub(super) y: f32,
}

/// Places blocks on pages, top to bottom.
pub(super) struct Layout<'f> {
    fonts: &'f Fonts,
    pub(super) pages: Vec<Vec<Op>>,
    /// The top of the next line on the last page.
    y: f32,
    pub(super) bookmarks: Vec<Bookmark>,
    /// Each chapter's heading and page number (from 1), for the table of contents.
    chapter_pages: Vec<(String, usize)>,
}

impl<'f> Layout<'f> {
    pub(super) fn new(fonts: &'f Fonts, chapter_pages: Vec<(String, usize)>) -> Self {
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

    /// Places `block` after what is placed so far.
    pub(super) fn block(&mut self, block: &Block) {
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
