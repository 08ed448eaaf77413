//! The current page as a person without JavaScript sees it: what is visible,
//! what text reads, and what the person has typed, ticked and opened so far
//! (a `<details>`, or a menu button's popup, as the page's own small script
//! would open it).
//!
//! `scraper::Html` is not `Send`, so the driver keeps the page as text and
//! parses it afresh for each call; parsing is deterministic, so the element
//! keys below (document-order positions) stay valid between calls.

use super::super::{collapse_whitespace, DriveError, Result};
use regex::Regex;
use scraper::{ElementRef, Html, Node, Selector};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;
use std::time::Duration;
use url::Url;

/// A loaded page and the person's changes to it (forgotten on navigation).
#[derive(Debug)]
pub(super) struct Page {
    pub url: Url,
    pub status: u16,
    /// The body as received, for `html()`.
    pub body: String,
    /// What gets parsed: the body, or non-HTML text wrapped in `<pre>`.
    pub markup: String,
    /// The `Refresh` response header, if any.
    pub refresh_header: Option<String>,
    pub state: PageState,
}

/// Keys are element positions in document order (see [`Dom::key`]).
#[derive(Debug, Default)]
pub(super) struct PageState {
    pub typed: HashMap<usize, String>,
    pub checked: HashMap<usize, bool>,
    /// `<select>` key → keys of its selected options.
    pub selected: HashMap<usize, Vec<usize>>,
    /// `<details>` whose open state the person flipped.
    pub toggled: HashSet<usize>,
    /// Menu buttons' `aria-expanded`, as the person's clicks left it.
    pub expanded: HashMap<usize, bool>,
    /// The `hidden` attribute of popups a menu button opened or closed.
    pub hidden: HashMap<usize, bool>,
}

impl Page {
    pub fn new(
        url: Url,
        status: u16,
        content_type: &str,
        body: String,
        refresh: Option<String>,
    ) -> Page {
        let ct = content_type.to_ascii_lowercase();
        let markup = if ct.is_empty() || ct.contains("html") || ct.contains("xml") {
            body.clone()
        } else {
            // A browser shows plain text and JSON as text, tags and all.
            format!("<pre>{}</pre>", escape(&body))
        };
        Page {
            url,
            status,
            body,
            markup,
            refresh_header: refresh,
            state: PageState::default(),
        }
    }

    /// What a browser shows before anything is opened.
    pub fn blank() -> Page {
        let url = Url::parse("about:blank").expect("valid URL");
        Page::new(url, 200, "text/html", String::new(), None)
    }

    pub fn dom(&self) -> Dom<'_> {
        Dom {
            html: Html::parse_document(
                &NOSCRIPT_TAG.replace_all(&self.markup, format!("<${{1}}{NOSCRIPT_NAME}${{2}}")),
            ),
            page: self,
        }
    }
}

/// The parser treats `<noscript>` as raw text (it assumes scripts run), but a
/// browser without scripts renders its content, so it is parsed under
/// another tag name; selectors naming `noscript` are renamed to match.
const NOSCRIPT_NAME: &str = "docproof-noscript";
static NOSCRIPT_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)<(/?)noscript([\s/>])").expect("valid regex"));
static NOSCRIPT_TYPE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(^|[\s>+~,(])noscript($|[^\w-])").expect("valid regex"));

/// Selectors the driver needs on every page, parsed once.
static TITLE: LazyLock<Selector> = LazyLock::new(|| fixed("title"));
static BASE: LazyLock<Selector> = LazyLock::new(|| fixed("base[href]"));
static BODY: LazyLock<Selector> = LazyLock::new(|| fixed("body"));
static META_REFRESH: LazyLock<Selector> = LazyLock::new(|| fixed("meta[http-equiv][content]"));

fn fixed(css: &str) -> Selector {
    Selector::parse(css).expect("valid selector")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Parses a CSS selector, naming it in the error.
pub(super) fn selector(css: &str) -> Result<Selector> {
    let renamed = NOSCRIPT_TYPE.replace_all(css, format!("${{1}}{NOSCRIPT_NAME}${{2}}"));
    Selector::parse(&renamed).map_err(|e| DriveError::BadSelector {
        selector: css.to_string(),
        why: e.to_string(),
    })
}

pub(super) fn tag(e: ElementRef<'_>) -> &str {
    e.value().name()
}

pub(super) fn attr_is(e: ElementRef<'_>, name: &str, value: &str) -> bool {
    e.attr(name)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(value))
}

/// An `<input>`'s type, lower-case, "text" when missing.
pub(super) fn input_type(e: ElementRef<'_>) -> String {
    e.attr("type")
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "text".to_string())
}

/// Elements whose text sits on its own line, so words do not run together.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "br",
    "caption",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "nav",
    "ol",
    "option",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Elements never rendered, whatever their styles.
const UNRENDERED: &[&str] = &["head", "script", "style", "template", "title"];

/// A parsed page, with the person's state alongside.
pub(super) struct Dom<'p> {
    pub html: Html,
    pub page: &'p Page,
}

impl Dom<'_> {
    pub fn state(&self) -> &PageState {
        &self.page.state
    }

    /// A stable name for an element across parses: its document position.
    pub fn key(&self, e: ElementRef<'_>) -> usize {
        self.html
            .tree
            .root()
            .descendants()
            .position(|n| n.id() == e.id())
            .expect("element belongs to this document")
    }

    /// `"Title" (url)`, for error messages.
    pub fn describe(&self) -> String {
        let status = match self.page.status {
            s if s >= 400 => format!(", HTTP {s}"),
            _ => String::new(),
        };
        format!(
            "\"{}\" ({}{status})",
            self.title(),
            crate::drive::shown_url(self.page.url.as_str())
        )
    }

    pub fn title(&self) -> String {
        let sel = &*TITLE;
        self.html
            .select(sel)
            .next()
            .map(|t| collapse_whitespace(&t.text().collect::<String>()))
            .unwrap_or_default()
    }

    /// The URL relative links resolve against: `<base href>` or the page's.
    pub fn base(&self) -> Url {
        let sel = &*BASE;
        self.html
            .select(sel)
            .next()
            .and_then(|b| self.page.url.join(b.attr("href")?.trim()).ok())
            .unwrap_or_else(|| self.page.url.clone())
    }

    /// The first visible match, or `NotFound`.
    pub fn first_visible(&self, css: &str) -> Result<ElementRef<'_>> {
        let sel = selector(css)?;
        self.html
            .select(&sel)
            .find(|e| self.is_visible(*e))
            .ok_or_else(|| self.not_found(css))
    }

    pub fn not_found(&self, css: &str) -> DriveError {
        DriveError::NotFound {
            selector: css.to_string(),
            page: self.describe(),
        }
    }

    pub fn is_open(&self, details: ElementRef<'_>) -> bool {
        details.attr("open").is_some() != self.state().toggled.contains(&self.key(details))
    }

    /// Whether a menu button says its popup is open (`aria-expanded`).
    pub fn is_expanded(&self, button: ElementRef<'_>) -> bool {
        let state = &self.state().expanded;
        if !state.is_empty() {
            if let Some(open) = state.get(&self.key(button)) {
                return *open;
            }
        }
        attr_is(button, "aria-expanded", "true")
    }

    /// Whether the element has the `hidden` attribute now.
    pub fn has_hidden(&self, e: ElementRef<'_>) -> bool {
        let state = &self.state().hidden;
        if !state.is_empty() {
            if let Some(hidden) = state.get(&self.key(e)) {
                return *hidden;
            }
        }
        e.attr("hidden").is_some()
    }

    /// An attribute as the page has it now: `open`, `aria-expanded` and
    /// `hidden` as the person's clicks left them, others as served.
    pub fn attr(&self, e: ElementRef<'_>, name: &str) -> Option<String> {
        let present = |on: bool, value: &str| on.then(|| value.to_string());
        match name.to_ascii_lowercase().as_str() {
            "open" if tag(e) == "details" => present(self.is_open(e), ""),
            "hidden" => present(self.has_hidden(e), e.attr("hidden").unwrap_or("")),
            "aria-expanded" if e.attr("aria-expanded").is_some() => {
                Some(self.is_expanded(e).to_string())
            }
            _ => e.attr(name).map(str::to_string),
        }
    }

    /// The elements a menu button's `aria-controls` names, or the ids it
    /// names that the page does not have.
    pub fn controlled(
        &self,
        button: ElementRef<'_>,
    ) -> std::result::Result<Vec<ElementRef<'_>>, Vec<String>> {
        let ids = button
            .attr("aria-controls")
            .unwrap_or("")
            .split_whitespace();
        let (found, missing): (Vec<_>, Vec<_>) = ids
            .map(|id| {
                let e = self
                    .html
                    .root_element()
                    .descendent_elements()
                    .find(|e| e.attr("id") == Some(id));
                e.ok_or_else(|| id.to_string())
            })
            .partition(|r| r.is_ok());
        if missing.is_empty() {
            Ok(found.into_iter().flatten().collect())
        } else {
            Err(missing.into_iter().filter_map(|r| r.err()).collect())
        }
    }

    /// Whether an element hides itself and everything in it.
    fn hides_itself(&self, e: ElementRef<'_>) -> bool {
        let name = tag(e);
        if UNRENDERED.contains(&name) || self.has_hidden(e) {
            return true;
        }
        if name == "input" && input_type(e) == "hidden" {
            return true;
        }
        e.attr("style").is_some_and(|style| {
            let style: String = style
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase();
            style.contains("display:none") || style.contains("visibility:hidden")
        })
    }

    /// Whether a closed `<details>` hides this child of it (all but its summary).
    fn details_hides(&self, details: ElementRef<'_>, child: ElementRef<'_>) -> bool {
        tag(details) == "details" && !self.is_open(details) && first_summary(details) != Some(child)
    }

    /// Whether a person can see the element: neither it nor an ancestor hides it.
    pub fn is_visible(&self, e: ElementRef<'_>) -> bool {
        let mut child: Option<ElementRef<'_>> = None;
        let mut cur = Some(e);
        while let Some(el) = cur {
            if self.hides_itself(el) || child.is_some_and(|c| self.details_hides(el, c)) {
                return false;
            }
            child = Some(el);
            cur = el.parent().and_then(ElementRef::wrap);
        }
        true
    }

    /// Visible text of a (visible) element, whitespace collapsed.
    pub fn text(&self, e: ElementRef<'_>) -> String {
        let mut out = String::new();
        self.push_text(e, &mut out);
        collapse_whitespace(&out)
    }

    fn push_text(&self, e: ElementRef<'_>, out: &mut String) {
        for child in e.children() {
            match child.value() {
                Node::Text(t) => out.push_str(t),
                Node::Element(_) => {
                    let Some(c) = ElementRef::wrap(child) else {
                        continue;
                    };
                    if self.hides_itself(c) || self.details_hides(e, c) {
                        continue;
                    }
                    let block = BLOCKS.contains(&tag(c));
                    if block {
                        out.push(' ');
                    }
                    self.push_text(c, out);
                    if block {
                        out.push(' ');
                    }
                }
                _ => {}
            }
        }
    }

    /// The body's visible text.
    pub fn page_text(&self) -> String {
        let sel = &*BODY;
        self.html
            .select(sel)
            .next()
            .map(|b| {
                if self.is_visible(b) {
                    self.text(b)
                } else {
                    String::new()
                }
            })
            .unwrap_or_default()
    }

    /// The page's own refresh: `<meta http-equiv=refresh>` or the `Refresh`
    /// header, as (delay, target URL).
    pub fn refresh(&self) -> Option<(Duration, Url)> {
        let sel = &*META_REFRESH;
        let meta = self
            .html
            .select(sel)
            .find(|m| attr_is(*m, "http-equiv", "refresh"))
            .and_then(|m| m.attr("content").map(str::to_string));
        let content = meta.or_else(|| self.page.refresh_header.clone())?;
        let (delay, target) = parse_refresh(&content)?;
        let url = match target {
            Some(t) => self.base().join(&t).ok()?,
            None => self.page.url.clone(),
        };
        Some((delay, url))
    }

    /// The selected options of a `<select>` (state, `selected`, or the first
    /// enabled option of a single-choice list).
    pub fn selected_options<'a>(&'a self, select: ElementRef<'a>) -> Vec<ElementRef<'a>> {
        let options = options(select);
        if let Some(keys) = self.state().selected.get(&self.key(select)) {
            return options
                .into_iter()
                .filter(|o| keys.contains(&self.key(*o)))
                .collect();
        }
        let marked: Vec<_> = options
            .iter()
            .copied()
            .filter(|o| o.attr("selected").is_some())
            .collect();
        if select.attr("multiple").is_some() {
            return marked;
        }
        match marked.last() {
            Some(o) => vec![*o],
            None => options
                .into_iter()
                .find(|o| o.attr("disabled").is_none())
                .into_iter()
                .collect(),
        }
    }

    /// The value an `<option>` submits: its `value`, else its text.
    pub fn option_value(&self, option: ElementRef<'_>) -> String {
        match option.attr("value") {
            Some(v) => v.to_string(),
            None => collapse_whitespace(&option.text().collect::<String>()),
        }
    }

    pub fn is_checked(&self, input: ElementRef<'_>) -> bool {
        self.state()
            .checked
            .get(&self.key(input))
            .copied()
            .unwrap_or_else(|| input.attr("checked").is_some())
    }

    /// A field's current value, as `value()` reports and forms submit.
    pub fn value(&self, e: ElementRef<'_>) -> String {
        if let Some(typed) = self.state().typed.get(&self.key(e)) {
            return typed.clone();
        }
        match tag(e) {
            "input" => match e.attr("value") {
                Some(v) => v.to_string(),
                None if matches!(input_type(e).as_str(), "checkbox" | "radio") => "on".into(),
                None => String::new(),
            },
            "select" => self
                .selected_options(e)
                .first()
                .map(|o| self.option_value(*o))
                .unwrap_or_default(),
            "textarea" => e.text().collect(),
            _ => self.text(e),
        }
    }
}

/// A `<select>`'s options, including those in `<optgroup>`s.
pub(super) fn options(select: ElementRef<'_>) -> Vec<ElementRef<'_>> {
    select
        .descendent_elements()
        .filter(|o| tag(*o) == "option")
        .collect()
}

/// The summary that stays visible when its `<details>` is closed.
pub(super) fn first_summary(details: ElementRef<'_>) -> Option<ElementRef<'_>> {
    details.child_elements().find(|c| tag(*c) == "summary")
}

/// `"5"`, `"5; url=/next"`, `"0,URL='x'"` → (delay, optional target).
fn parse_refresh(content: &str) -> Option<(Duration, Option<String>)> {
    let content = content.trim();
    let digits_end = content
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(content.len());
    let secs: f64 = content[..digits_end].parse().ok()?;
    let rest = content[digits_end..]
        .trim_start_matches(|c: char| c.is_whitespace() || c == ';' || c == ',');
    let target = if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case("url") {
        let after = rest[3..].trim_start();
        after.strip_prefix('=').map(str::trim).unwrap_or(after)
    } else {
        rest
    };
    let target = target.trim_matches(|c| c == '\'' || c == '"').trim();
    let target = (!target.is_empty()).then(|| target.to_string());
    Some((Duration::from_secs_f64(secs.max(0.0)), target))
}

#[cfg(test)]
mod tests {
    use super::parse_refresh;
    use std::time::Duration;

    #[test]
    fn refresh_forms() {
        assert_eq!(parse_refresh("2"), Some((Duration::from_secs(2), None)));
        assert_eq!(
            parse_refresh("0; URL='/next?a=1'"),
            Some((Duration::ZERO, Some("/next?a=1".into())))
        );
        assert_eq!(
            parse_refresh("1,url=http://x/y"),
            Some((Duration::from_secs(1), Some("http://x/y".into())))
        );
        assert_eq!(parse_refresh("soon"), None);
    }
}
