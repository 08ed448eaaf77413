//! HTML → [`Outline`]: a saved or published page (Markdown rendered by a
//! static site, DokuWiki's page, Microsoft Learn's articles). Headings,
//! `<ol>`/`<ul>` with their `<li>`, paragraphs, images, and notes set apart
//! as `<blockquote>` or a box whose class says note, alert, warning, tip…
//! Navigation, headers, footers and scripts are chrome, not the doc.

use super::{Block, Inline, Item, Outline};
use crate::doc::html::TooDeep;
use crate::doc::model::Image;
use scraper::{ElementRef, Html, Node, Selector};
use std::sync::LazyLock;

/// Elements that are never part of the procedure a page shows.
const CHROME: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "button", "select", "svg", "head", "title",
];
/// Elements whose content is read as one run of text.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
    "br", "label", "font", "img",
];
/// Inline elements that mark the name of a control.
const MARKS: &[&str] = &["b", "strong", "code", "kbd", "samp"];
/// How far ahead of the last located text a block's words are looked for.
const LOCATE_WINDOW: usize = 16 * 1024;
/// Class words of a box that holds a note rather than steps.
const NOTE_CLASSES: &[&str] = &[
    "note",
    "notes",
    "alert",
    "warning",
    "important",
    "caution",
    "tip",
    "admonition",
    "callout",
];

pub fn read(html: &str) -> Result<Outline, TooDeep> {
    Ok(read_parsed(&crate::doc::html::parse(html)?, html))
}

/// [`read`] of a page already parsed from `html`.
pub fn read_parsed(page: &Html, html: &str) -> Outline {
    static MAIN: LazyLock<Selector> =
        LazyLock::new(|| Selector::parse("main, article, [role=main]").expect("valid selector"));
    let root = page
        .select(&MAIN)
        .next()
        .unwrap_or_else(|| page.root_element());
    let mut r = Reader {
        source: html,
        // Text in `<head>` (the `<title>` repeats the H1) is not the doc's.
        cursor: body_start(html),
        lines: std::iter::once(0)
            .chain(html.match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
    };
    Outline {
        blocks: r.blocks(root),
    }
}

struct Reader<'a> {
    source: &'a str,
    /// Where in the source the last located text was: lines are found by
    /// searching forward from it, as the blocks come in source order.
    cursor: usize,
    lines: Vec<usize>,
}

/// Text being gathered between block elements.
#[derive(Default)]
struct Run {
    text: String,
    marked: Vec<String>,
    images: Vec<Image>,
    first_words: Option<String>,
}

impl Reader<'_> {
    /// The blocks `el` holds.
    fn blocks(&mut self, el: ElementRef<'_>) -> Vec<Block> {
        let mut out = Vec::new();
        let mut run = Run::default();
        for child in el.children() {
            match child.value() {
                Node::Text(t) => self.inline_text(&mut run, t),
                Node::Element(_) => {
                    let Some(c) = ElementRef::wrap(child) else {
                        continue;
                    };
                    let name = c.value().name();
                    if hidden(c) || CHROME.contains(&name) {
                        continue;
                    }
                    if INLINE.contains(&name) {
                        self.inline(&mut run, c);
                        continue;
                    }
                    self.flush(&mut run, &mut out);
                    self.block(c, &mut out);
                }
                _ => {}
            }
        }
        self.flush(&mut run, &mut out);
        out
    }

    fn block(&mut self, el: ElementRef<'_>, out: &mut Vec<Block>) {
        let name = el.value().name();
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = name[1..].parse().unwrap_or(6);
                if let Some(text) = self.run_of(el) {
                    out.push(Block::Heading { level, text });
                }
            }
            "ol" | "ul" => {
                let items = el
                    .children()
                    .filter_map(ElementRef::wrap)
                    .filter(|li| li.value().name() == "li" && !hidden(*li))
                    .map(|li| self.item(li))
                    .collect();
                out.push(Block::List {
                    ordered: name == "ol",
                    items,
                });
            }
            "blockquote" => {
                if let Some(text) = self.run_of(el) {
                    out.push(Block::Note(text));
                }
            }
            _ if is_note_box(el) => {
                if let Some(text) = self.run_of(el) {
                    out.push(Block::Note(text));
                }
            }
            _ => out.extend(self.blocks(el)),
        }
    }

    /// A list item: its first run of text is its own, the rest it holds.
    fn item(&mut self, li: ElementRef<'_>) -> Item {
        let mut blocks = self.blocks(li);
        let text = match blocks.first() {
            Some(Block::Paragraph(_)) => match blocks.remove(0) {
                Block::Paragraph(t) => t,
                _ => unreachable!("just matched"),
            },
            _ => Inline::default(),
        };
        Item { text, blocks }
    }

    /// All the text of `el` as one run (a heading, a note box).
    fn run_of(&mut self, el: ElementRef<'_>) -> Option<Inline> {
        let mut run = Run::default();
        self.inline(&mut run, el);
        let mut out = Vec::new();
        self.flush(&mut run, &mut out);
        out.into_iter().find_map(|b| match b {
            Block::Paragraph(t) => Some(t),
            _ => None,
        })
    }

    fn inline(&mut self, run: &mut Run, el: ElementRef<'_>) {
        let name = el.value().name();
        if hidden(el) || CHROME.contains(&name) {
            return;
        }
        if name == "img" {
            if let Some(src) = el.value().attr("src") {
                run.images.push(Image {
                    file: Some(src.to_string()),
                    alt: el
                        .value()
                        .attr("alt")
                        .map(str::to_string)
                        .filter(|a| !a.is_empty()),
                    line: 0,
                });
            }
            return;
        }
        if name == "br" {
            run.text.push(' ');
            return;
        }
        // A block inside (a note box's paragraphs) is its own words.
        let block = !INLINE.contains(&name);
        if block {
            run.text.push(' ');
        }
        let start = run.text.len();
        for child in el.children() {
            match child.value() {
                Node::Text(t) => self.inline_text(run, t),
                Node::Element(_) => {
                    if let Some(c) = ElementRef::wrap(child) {
                        self.inline(run, c);
                    }
                }
                _ => {}
            }
        }
        if block {
            run.text.push(' ');
        }
        if MARKS.contains(&name) {
            let span = crate::doc::model::normalise(&run.text[start..]);
            if !span.is_empty() {
                run.marked.push(span);
            }
        }
    }

    fn inline_text(&mut self, run: &mut Run, text: &str) {
        // The words as the source writes them too: up to the first
        // character an entity may stand for.
        if run.first_words.is_none() && !text.trim().is_empty() {
            let words: String = text
                .trim()
                .chars()
                .take_while(|c| !matches!(c, '"' | '&' | '<' | '>' | '\'' | '\u{a0}'))
                .take(40)
                .collect();
            run.first_words = Some(words).filter(|w| !w.trim().is_empty());
        }
        run.text.push_str(text);
    }

    /// Ends a run of text as a paragraph (and the images in it).
    fn flush(&mut self, run: &mut Run, out: &mut Vec<Block>) {
        let run = std::mem::take(run);
        let line = run.first_words.as_deref().map_or(0, |w| self.locate(w));
        let text = crate::doc::model::normalise(&run.text);
        if !text.is_empty() {
            out.push(Block::Paragraph(Inline {
                line,
                text,
                marked: run.marked,
            }));
        }
        for mut image in run.images {
            image.line = self.image_line(image.file.as_deref().unwrap_or_default(), line);
            out.push(Block::Image(image));
        }
    }

    /// The line of the source where `words` next appear (the line of the
    /// last located text when they do not appear as written, e.g. behind
    /// an entity).
    fn locate(&mut self, words: &str) -> usize {
        // Searched within a window: words written otherwise in the source
        // would make each miss a scan to the end (quadratic on a long page).
        let mut end = (self.cursor + LOCATE_WINDOW).min(self.source.len());
        while !self.source.is_char_boundary(end) {
            end -= 1;
        }
        if let Some(i) = self.source[self.cursor..end].find(words) {
            self.cursor += i;
        }
        self.lines.partition_point(|&start| start <= self.cursor)
    }

    fn image_line(&mut self, file: &str, fallback: usize) -> usize {
        if file.is_empty() {
            return fallback;
        }
        self.locate(file)
    }
}

/// Where `<body` (in any case) starts, or 0: found in place, not in a
/// lower-cased copy of the whole page.
fn body_start(html: &str) -> usize {
    html.match_indices('<')
        .map(|(i, _)| i)
        .find(|&i| {
            html.as_bytes()
                .get(i + 1..i + 5)
                .is_some_and(|name| name.eq_ignore_ascii_case(b"body"))
        })
        .unwrap_or(0)
}

/// Hidden from every reader: `hidden`, `aria-hidden`, or `display: none`.
fn hidden(el: ElementRef<'_>) -> bool {
    let e = el.value();
    e.attr("hidden").is_some()
        || e.attr("aria-hidden") == Some("true")
        || e.attr("style").is_some_and(|s| {
            let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            s.to_ascii_lowercase().contains("display:none")
        })
}

/// A box set apart as a note (`<div class="alert is-info">`,
/// `<div class="NOTE">`, DokuWiki's `<div class="noteimportant">`).
fn is_note_box(el: ElementRef<'_>) -> bool {
    // Compared in place: this runs for every block element of the page.
    let starts = |c: &str, w: &str| c.get(..w.len()).is_some_and(|p| p.eq_ignore_ascii_case(w));
    el.value().classes().any(|c| {
        starts(c, "note")
            || NOTE_CLASSES
                .iter()
                .any(|w| starts(c, w) && (c.len() == w.len() || c.as_bytes()[w.len()] == b'-'))
    })
}
