//! DokuWiki's own markup (the page's source, as its editor shows it) →
//! [`Outline`]. `====== Heading ======` (six `=` is the top level), list
//! items indented by two spaces per level with `-` (ordered) or `*`,
//! `{{image.png|alt}}`, `[[link|text]]`, `**bold**`, `''monospace''`,
//! and `<note important>…</note>` boxes. No crate reads DokuWiki, and its
//! block syntax is line by line, so this reader is too.

use super::{Block, Inline, Item, Outline};
use crate::doc::model::{normalise, Image};
use regex::Regex;
use std::sync::LazyLock;

static HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(={2,6})\s*(.*?)\s*={2,6}\s*$").expect("valid regex"));
static IMAGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{\{\s*([^|}?]+?)\s*(?:\?[^|}]*)?(?:\|([^}]*))?\}\}").expect("valid regex")
});
static LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[\[([^|\]]+)(?:\|([^\]]*))?\]\]").expect("valid regex"));
static MARKED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\*\*(.+?)\*\*|''(.+?)''").expect("valid regex"));
static PLAIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(^|[^:])//(.+?)//|__(.+?)__").expect("valid regex"));

/// Whether `text` is written in DokuWiki's markup: it has a heading line.
pub fn looks_like(text: &str) -> bool {
    text.lines().take(200).any(|l| HEADING.is_match(l))
}

/// An open list: its indentation depth, kind and items so far.
struct OpenList {
    depth: usize,
    ordered: bool,
    items: Vec<Item>,
}

pub fn read(text: &str) -> Outline {
    let mut out = Vec::new();
    let mut lists: Vec<OpenList> = Vec::new();
    let mut note: Option<Inline> = None;
    let mut in_code = false;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let t = raw.trim();
        if in_code {
            in_code = !(t.contains("</code>") || t.contains("</file>"));
            continue;
        }
        if t.starts_with("<code") || t.starts_with("<file") {
            in_code = !(t.contains("</code>") || t.contains("</file>"));
            continue;
        }
        // `<note important>…</note>`, on one line or several.
        if let Some(rest) = t.strip_prefix("<note").or_else(|| t.strip_prefix("<WRAP")) {
            let body = rest.split_once('>').map_or("", |(_, b)| b);
            note = Some(Inline::new(line, ""));
            append(&mut note, body, line);
            if t.ends_with("</note>") || t.ends_with("</WRAP>") {
                finish_note(&mut note, &mut lists, &mut out);
            }
            continue;
        }
        if note.is_some() {
            append(&mut note, t, line);
            if t.ends_with("</note>") || t.ends_with("</WRAP>") {
                finish_note(&mut note, &mut lists, &mut out);
            }
            continue;
        }
        if let Some((depth, ordered, body)) = list_item(raw) {
            let (text, images) = inline(body, line);
            let mut item = Item {
                text,
                blocks: Vec::new(),
            };
            item.blocks.extend(images.into_iter().map(Block::Image));
            add_item(&mut lists, &mut out, depth, ordered, item);
            continue;
        }
        close_lists(&mut lists, &mut out, 0);
        if t.is_empty() {
            continue;
        }
        if let Some(c) = t.starts_with("==").then(|| HEADING.captures(raw)).flatten() {
            let level = 7 - c[1].len() as u8;
            out.push(Block::Heading {
                level,
                text: inline(&c[2], line).0,
            });
            continue;
        }
        let (text, images) = inline(t, line);
        if !text.text.is_empty() {
            out.push(Block::Paragraph(text));
        }
        out.extend(images.into_iter().map(Block::Image));
    }
    close_lists(&mut lists, &mut out, 0);
    Outline { blocks: out }
}

/// A list item line: indented by two spaces or a tab per level, then `-`
/// (ordered) or `*` (bullet) and a space. Its depth (1 for two spaces),
/// whether it is ordered, and its text.
fn list_item(raw: &str) -> Option<(usize, bool, &str)> {
    let body = raw.trim_start_matches([' ', '\t']);
    let indent = &raw[..raw.len() - body.len()];
    // Two spaces, or tabs only (a tab counts as two).
    let width = indent.len() + indent.matches('\t').count();
    let tabs_only = !indent.is_empty() && !indent.contains(' ');
    if width < 2 && !tabs_only {
        return None;
    }
    let ordered = match body.chars().next()? {
        '-' => true,
        '*' => false,
        _ => return None,
    };
    let text = &body[1..];
    let after = text.trim_start();
    (after.len() < text.len()).then_some((width / 2, ordered, after))
}

fn append(note: &mut Option<Inline>, text: &str, line: usize) {
    let text = text
        .trim_end()
        .trim_end_matches("</note>")
        .trim_end_matches("</WRAP>");
    let (add, _) = inline(text, line);
    if let Some(n) = note.as_mut() {
        n.text = normalise(&format!("{} {}", n.text, add.text));
        n.marked.extend(add.marked);
    }
}

/// A finished note belongs to the list item before it, or stands alone.
fn finish_note(note: &mut Option<Inline>, lists: &mut [OpenList], out: &mut Vec<Block>) {
    let Some(n) = note.take() else { return };
    match lists.last_mut().and_then(|l| l.items.last_mut()) {
        Some(item) => item.blocks.push(Block::Note(n)),
        None => out.push(Block::Note(n)),
    }
}

fn add_item(
    lists: &mut Vec<OpenList>,
    out: &mut Vec<Block>,
    depth: usize,
    ordered: bool,
    item: Item,
) {
    close_lists(lists, out, depth + 1);
    let same = lists
        .last()
        .is_some_and(|l| l.depth == depth && l.ordered == ordered);
    if !same {
        if lists.last().is_some_and(|l| l.depth == depth) {
            close_lists(lists, out, depth);
        }
        lists.push(OpenList {
            depth,
            ordered,
            items: Vec::new(),
        });
    }
    lists.last_mut().expect("just pushed").items.push(item);
}

/// Closes the lists at `depth` or deeper: each goes into the last item of
/// the list around it, or into the document.
fn close_lists(lists: &mut Vec<OpenList>, out: &mut Vec<Block>, depth: usize) {
    while lists.last().is_some_and(|l| l.depth >= depth) {
        let l = lists.pop().expect("checked");
        let block = Block::List {
            ordered: l.ordered,
            items: l.items,
        };
        match lists.last_mut().and_then(|p| p.items.last_mut()) {
            Some(parent) => parent.blocks.push(block),
            None => out.push(block),
        }
    }
}

/// A line's text as a reader sees it, its marked spans, and its images.
fn inline(raw: &str, line: usize) -> (Inline, Vec<Image>) {
    // Most lines have no markup: each pattern runs only where its marks are
    // (a 1 MB page is read in a tenth of the time).
    let mut images = Vec::new();
    let mut text = std::borrow::Cow::Borrowed(raw);
    if raw.contains("{{") {
        images = IMAGE
            .captures_iter(raw)
            .map(|c| Image {
                // `:kb:consent.png` names a file in a namespace: the file is the image.
                file: Some(c[1].rsplit(':').next().unwrap_or_default().to_string()),
                alt: c
                    .get(2)
                    .map(|a| a.as_str().trim().to_string())
                    .filter(|a| !a.is_empty()),
                line,
            })
            .collect();
        text = IMAGE.replace_all(raw, "").into_owned().into();
    }
    if text.contains("[[") {
        text = LINK
            .replace_all(&text, |c: &regex::Captures<'_>| {
                c.get(2).map_or(&c[1], |t| t.as_str()).trim().to_string()
            })
            .into_owned()
            .into();
    }
    let mut marked = Vec::new();
    if text.contains("**") || text.contains("''") {
        marked = MARKED
            .captures_iter(&text)
            .filter_map(|c| c.get(1).or_else(|| c.get(2)).map(|m| normalise(m.as_str())))
            .collect();
        text = MARKED.replace_all(&text, "$1$2").into_owned().into();
    }
    if text.contains("//") || text.contains("__") {
        text = PLAIN.replace_all(&text, "$1$2$3").into_owned().into();
    }
    let text = text.replace("\\\\", " ");
    let mut inline = Inline::new(line, &text);
    inline.marked = marked;
    (inline, images)
}
