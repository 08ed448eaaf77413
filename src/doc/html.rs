//! The published wiki page (HTML) → the text a reader sees, one block per
//! line, so that the page read over HTTP gives the same model as its text
//! rendering: ordered-list items keep their numbers (`  1. …`) and images
//! become their file names, as in `office-365-mfa.txt`.

use regex::Regex;
use scraper::{ElementRef, Html, Node};
use std::sync::LazyLock;

/// How deep a page may nest its elements. The FAQ's page nests about 15
/// deep; the HTML parser's work grows with the square of the depth (30,000
/// nested `<div>`s take minutes), so a deeper page is refused by name.
pub const MAX_DEPTH: usize = 512;

/// A page nested deeper than [`MAX_DEPTH`], and the line where it got so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the page nests elements more than {MAX_DEPTH} deep here, deeper than any documentation page; pass --doc with the FAQ's page, or a saved copy of its text")]
pub struct TooDeep {
    pub line: usize,
}

/// The page's visible text, a block element per line; a page nested
/// deeper than [`MAX_DEPTH`] is refused before it is parsed.
pub fn to_text(html: &str) -> Result<String, TooDeep> {
    Ok(text_of(&parse(html)?))
}

/// The page parsed, once its depth is known to be safe.
pub fn parse(html: &str) -> Result<Html, TooDeep> {
    check_depth(html)?;
    Ok(Html::parse_document(html))
}

/// Whether the page's text could hold a line that starts a numbered
/// section (`2. Set up …`): such a line begins a text node, and every text
/// node follows a `>` (or starts the page). Checked on the source, so a
/// page that cannot have one skips rendering its text ([`text_of`]); a
/// page that may have one is rendered and decided exactly.
pub fn may_have_numbered_section(html: &str) -> bool {
    static START: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?:^|>)\s*\d+\.\s+\S").expect("valid regex"));
    START.is_match(html)
}

/// [`to_text`] of a parsed page.
pub fn text_of(page: &Html) -> String {
    let mut out = Lines::default();
    out.walk(page.root_element());
    out.flush();
    out.lines.join("\n") + "\n"
}

/// Counts open elements as the tags come, without building the tree: a
/// start tag opens one unless it is void, self-closed, or one the parser
/// closes by itself when the next comes (`<p>`, `<li>`, table cells…, not
/// counted, so that a page that leaves them open is not taken for deep).
fn check_depth(html: &str) -> Result<(), TooDeep> {
    const NOT_COUNTED: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "param", "keygen", "p", "li", "dt", "dd", "tr", "td", "th", "option",
        "thead", "tbody", "tfoot", "colgroup", "rb", "rt", "rp", "optgroup",
    ];
    const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "noscript"];
    let bytes = html.as_bytes();
    let mut depth: usize = 0;
    let mut i = 0;
    while let Some(at) = bytes[i..].iter().position(|&b| b == b'<') {
        i += at + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(bytes.len(), |e| i + e + 3);
            continue;
        }
        let closing = bytes.get(i) == Some(&b'/');
        let name_start = i + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
        if name_len == 0 {
            continue; // `<!DOCTYPE`, `< 3`: not an element
        }
        let name = &html[name_start..name_start + name_len];
        let is_one_of = |names: &[&str]| names.iter().any(|n| n.eq_ignore_ascii_case(name));
        let end = tag_end(bytes, name_start + name_len);
        let self_closed = end >= 2 && bytes.get(end - 2) == Some(&b'/');
        i = end;
        if closing {
            if !is_one_of(NOT_COUNTED) {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        if is_one_of(RAW_TEXT) {
            // Its text may hold `<`: skip to its end tag.
            i = end_tag_at(html, i, name).unwrap_or(bytes.len());
            continue;
        }
        if self_closed || is_one_of(NOT_COUNTED) {
            continue;
        }
        depth += 1;
        if depth > MAX_DEPTH {
            let line = html[..i].matches('\n').count() + 1;
            return Err(TooDeep { line });
        }
    }
    Ok(())
}

/// Where the end tag `</name` (in any case) first stands at or after
/// `from`. Searched in place: a lower-cased copy of the rest of the page
/// for each `<title>` or `<style>` made a 1 MB page quadratic.
fn end_tag_at(html: &str, from: usize, name: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut at = from;
    while let Some(k) = html[at..].find("</") {
        let start = at + k;
        let candidate = bytes.get(start + 2..start + 2 + name.len())?;
        if candidate.eq_ignore_ascii_case(name.as_bytes()) {
            return Some(start);
        }
        at = start + 2;
    }
    None
}

/// Just past the `>` that ends the tag whose attributes start at `from`
/// (quoted values may hold `>`), or the end of the page.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote: Option<u8> = None;
    for (k, &b) in bytes.iter().enumerate().skip(from) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return k + 1,
            _ => {}
        }
    }
    bytes.len()
}

#[derive(Default)]
struct Lines {
    lines: Vec<String>,
    buffer: String,
    /// Put in front of the next line: an ordered-list item's number.
    prefix: String,
}

impl Lines {
    fn flush(&mut self) {
        let text = self.buffer.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() {
            self.lines.push(format!("{}{text}", self.prefix));
            self.lines.push(String::new());
            self.prefix.clear();
        }
        self.buffer.clear();
    }

    /// Walks the tree with a stack of its own rather than by recursion: a
    /// page may nest elements tens of thousands deep (issue 16), deeper
    /// than the thread's stack.
    fn walk(&mut self, root: ElementRef<'_>) {
        let mut work = vec![Work::Element(root)];
        while let Some(next) = work.pop() {
            match next {
                Work::Text(t) => self.buffer.push_str(t),
                Work::Element(e) => self.open(e, &mut work),
                Work::EndBlock => self.flush(),
                Work::Item(n, li) => {
                    self.flush();
                    self.prefix = format!("  {n}. ");
                    work.push(Work::EndItem);
                    push_children(li, &mut work);
                }
                Work::EndItem => {
                    self.flush();
                    self.prefix.clear();
                }
            }
        }
    }

    /// One element: what it says now, and what `work` has left to do
    /// for it (its children, then the end of its block).
    fn open<'a>(&mut self, element: ElementRef<'a>, work: &mut Vec<Work<'a>>) {
        let name = element.value().name();
        if matches!(
            name,
            "script" | "style" | "noscript" | "template" | "head" | "svg" | "button"
        ) {
            return;
        }
        if name == "img" {
            if let Some(file) = element.value().attr("src").and_then(image_file) {
                self.flush();
                self.buffer.push_str(&file);
                self.flush();
            }
            return;
        }
        if name == "br" {
            self.flush();
            return;
        }
        let block = is_block(name);
        if block {
            self.flush();
        }
        if name == "ol" {
            let start: u32 = element
                .value()
                .attr("start")
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(1);
            let items: Vec<_> = element
                .children()
                .filter_map(ElementRef::wrap)
                .filter(|e| e.value().name() == "li")
                .collect();
            // Numbered from `start`, saturating rather than overflowing on
            // a hostile `start="4294967295"`.
            let numbers = (0u32..).map(|i| start.saturating_add(i));
            let numbered: Vec<_> = numbers.zip(items).collect();
            for (n, li) in numbered.into_iter().rev() {
                work.push(Work::Item(n, li));
            }
            return;
        }
        if block {
            work.push(Work::EndBlock);
        }
        push_children(element, work);
    }
}

/// What is left to do while walking the page.
enum Work<'a> {
    Text(&'a str),
    /// An element and what it holds.
    Element(ElementRef<'a>),
    /// The end of a block element: its text becomes a line.
    EndBlock,
    /// An ordered-list item and its number.
    Item(u32, ElementRef<'a>),
    /// The end of an ordered-list item.
    EndItem,
}

/// `element`'s children, to be read first to last off the stack.
fn push_children<'a>(element: ElementRef<'a>, work: &mut Vec<Work<'a>>) {
    let children: Vec<_> = element
        .children()
        .filter_map(|child| match child.value() {
            Node::Text(t) => Some(Work::Text(t)),
            Node::Element(_) => ElementRef::wrap(child).map(Work::Element),
            _ => None,
        })
        .collect();
    work.extend(children.into_iter().rev());
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "tr"
            | "table"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "nav"
            | "main"
            | "aside"
            | "blockquote"
            | "pre"
            | "hr"
            | "form"
            | "figure"
            | "figcaption"
            | "body"
            | "html"
    )
}

/// `/_media/public/faq/office_phone_call.jpg?w=600` or DokuWiki's
/// `fetch.php?media=public:faq:office_phone_call.jpg` → `office_phone_call.jpg`.
fn image_file(src: &str) -> Option<String> {
    let media = src
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("media="));
    let path = media.unwrap_or_else(|| src.split(['?', '#']).next().unwrap_or(""));
    let file = path.rsplit(['/', ':']).next()?.trim();
    (!file.is_empty()).then(|| file.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_elements_the_parser_keeps_open() {
        let nested = |n: usize| format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n));
        assert_eq!(check_depth(&nested(MAX_DEPTH)), Ok(()));
        assert_eq!(
            check_depth(&format!("<html>\n{}", nested(MAX_DEPTH + 1))),
            Err(TooDeep { line: 2 })
        );
        // Siblings, void and self-closed tags, unclosed `<p>`s, and tags
        // in scripts or comments add no depth.
        let flat = "<div></div><br><img src='a>b'><span/><p>".repeat(2 * MAX_DEPTH);
        let script = format!(
            "<script>{}</script><!-- {} -->",
            "<div>".repeat(600),
            "<div>".repeat(600)
        );
        assert_eq!(check_depth(&(flat + &script)), Ok(()));
        // A raw-text element ends at its end tag in any case, and only there.
        let deep = "<div>".repeat(MAX_DEPTH + 1);
        let shouted = format!("<SCRIPT>{deep}</sCrIpT >{}", nested(3));
        assert_eq!(check_depth(&shouted), Ok(()));
        let after = format!("<Style>a</b></STYLE>\n{deep}");
        assert_eq!(check_depth(&after), Err(TooDeep { line: 2 }));
        let unclosed = format!("<title>{deep}</titl");
        assert_eq!(check_depth(&unclosed), Ok(()));
    }

    #[test]
    fn only_a_page_whose_text_may_start_a_section_is_rendered_to_decide() {
        for may in [
            "2. Set up MFA",
            "<p>2. Set up MFA</p>",
            "<h2>\n  3. Users</h2>",
            "<p><b>x</b><!-- c -->10.  Next</p>",
        ] {
            assert!(may_have_numbered_section(may), "{may}");
        }
        for cannot in [
            "<ol><li>Open the portal.</li></ol>",
            "<p>Step 2. Click Next.</p>",
            "<p>Version 2.1 is out</p>",
            "<p>2.Set</p>",
        ] {
            assert!(!may_have_numbered_section(cannot), "{cannot}");
        }
        // Where it may, the rendered text decides, as before.
        let page = parse("<ol><li>1. Open</li></ol>").unwrap();
        assert!(may_have_numbered_section("<li>1. Open</li>"));
        assert!(!crate::doc::parse::has_numbered_section(&text_of(&page)));
    }

    #[test]
    fn blocks_are_lines_and_list_items_keep_their_numbers() {
        let html = r#"<html><head><title>x</title><style>p{}</style></head><body>
            <h2>4.1 Office 365 <em>settings</em></h2>
            <ol><li><div class="li">First one.</div></li><li>Second.</li></ol>
            <p>See <img src="/lib/exe/fetch.php?w=600&amp;media=public:faq:a_b.jpg"></p>
            <p>3.1.3. Select “Authentication Phone”.<br>–. Click Next.</p></body></html>"#;
        let text = to_text(html).unwrap();
        let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines,
            vec![
                "4.1 Office 365 settings",
                "  1. First one.",
                "  2. Second.",
                "See",
                "a_b.jpg",
                "3.1.3. Select “Authentication Phone”.",
                "–. Click Next."
            ]
        );
    }
}
