//! The published wiki page (HTML) → the text a reader sees, one block per
//! line, so that the page read over HTTP gives the same model as its text
//! rendering: ordered-list items keep their numbers (`  1. …`) and images
//! become their file names, as in `office-365-mfa.txt`.

use scraper::{ElementRef, Html, Node};

/// The page's visible text, a block element per line.
pub fn to_text(html: &str) -> String {
    let doc = Html::parse_document(html);
    let mut out = Lines::default();
    out.walk(doc.root_element());
    out.flush();
    out.lines.join("\n") + "\n"
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

    fn walk(&mut self, element: ElementRef<'_>) {
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
            let items = element
                .children()
                .filter_map(ElementRef::wrap)
                .filter(|e| e.value().name() == "li");
            for (n, li) in (start..).zip(items) {
                self.flush();
                self.prefix = format!("  {n}. ");
                self.children(li);
                self.flush();
                self.prefix.clear();
            }
            return;
        }
        self.children(element);
        if block {
            self.flush();
        }
    }

    fn children(&mut self, element: ElementRef<'_>) {
        for child in element.children() {
            match child.value() {
                Node::Text(t) => self.buffer.push_str(t),
                Node::Element(_) => {
                    if let Some(e) = ElementRef::wrap(child) {
                        self.walk(e);
                    }
                }
                _ => {}
            }
        }
    }
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
    fn blocks_are_lines_and_list_items_keep_their_numbers() {
        let html = r#"<html><head><title>x</title><style>p{}</style></head><body>
            <h2>4.1 Office 365 <em>settings</em></h2>
            <ol><li><div class="li">First one.</div></li><li>Second.</li></ol>
            <p>See <img src="/lib/exe/fetch.php?w=600&amp;media=public:faq:a_b.jpg"></p>
            <p>3.1.3. Select “Authentication Phone”.<br>–. Click Next.</p></body></html>"#;
        let text = to_text(html);
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
