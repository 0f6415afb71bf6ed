//! Drawing the laid-out pages with krilla: each page's operations, its footer (the title
//! and "Pagina n van m"), the document's metadata and the outline of bookmarks.

use krilla::color::rgb;
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::surface::Surface;
use krilla::text::TextDirection;
use krilla::Document;

use super::fonts::{clean, fit, Fonts};
use super::layout::{Bookmark, Op};
use super::{
    Colour, CONTENT_WIDTH, MARGIN_LEFT, MARGIN_RIGHT, MUTED, PAGE_HEIGHT, PAGE_WIDTH, RULE,
};
use crate::export::ExportError;

/// Draws the laid-out pages with a footer each, and the outline.
pub(super) fn write(
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

/// Draws one operation.
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
            surface.draw_text(
                Point::from_xy(*x, *y),
                fonts.font(*bold).clone(),
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
