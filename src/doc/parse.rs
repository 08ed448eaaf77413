//! Documentation text → [`Doc`]. Two readers share one builder: the wiki's
//! rendered text (what the FAQ page shows, navigation and footer included)
//! and Markdown with numbered headings and ordered lists. Each reader only
//! says what a line is; the builder decides where it belongs.

use super::model::{Doc, Image, Label, LabelKind, Line, Procedure, Section, Step, StepKind};
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// How a document is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The wiki page as rendered text (`office-365-mfa.txt`).
    WikiText,
    Markdown,
}

impl Format {
    /// By file name: `.md`/`.markdown` are Markdown, anything else text.
    pub fn of_name(name: &str) -> Format {
        let lower = name.to_ascii_lowercase();
        let path = lower.split(['?', '#']).next().unwrap_or("");
        if path.ends_with(".md") || path.ends_with(".markdown") {
            Format::Markdown
        } else {
            Format::WikiText
        }
    }
}

/// What one line of the document is.
#[derive(Debug, PartialEq)]
enum Token {
    Blank,
    /// The page title (wiki: the line after the page id; Markdown: `# T`).
    Title(String),
    /// `2. Set up …`: a top-level numbered section.
    Section(String, String),
    /// `3.1 Authentication phone (SMS)`: a numbered heading, no dot.
    Heading(String, String),
    /// `3.1.4. The App will …`: a step with its full number.
    Step(String, String),
    /// `  1. This is known …`: an ordered-list item, numbered under the
    /// heading above it.
    Item(u32, String),
    /// `–. Enter Verification code …`
    SubStep(String),
    Image(Image),
    /// Text continuing whatever step is open.
    Prose(String),
    /// Text that closes the open step (Markdown: a paragraph after a list).
    Loose(String),
    /// An unnumbered heading (Markdown): list items under it are not the
    /// numbered section's before it (`doc::outline` reads them).
    Unnumbered,
    /// Everything from here on is page chrome (the wiki's footer).
    End,
}

/// `3.1.1. Set …`, and `2.1.In …` as the wiki prints it (no space), but
/// not `1.1.1 Send …` (a heading whose number runs on).
static DOTTED_STEP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d+(?:\.\d+)+[a-z]?)\.(?:\s+(\S.*)|([^\d\s].*))$").expect("valid regex")
});
static HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d+(?:\.\d+)+[a-z]?)\s+(\S.*)$").expect("valid regex"));
static SECTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d+)\.\s+(\S.*)$").expect("valid regex"));
static ITEM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d+)[.)]\s+(\S.*)$").expect("valid regex"));
static IMAGE_FILE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\w.\-/:]+\.(?:jpe?g|png|gif|svg|webp)$").expect("valid regex")
});
/// A DokuWiki page id such as `public:faq:office-365-mfa`.
static PAGE_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z0-9_\-]+(?::[a-z0-9_.\-]+)+$").expect("valid regex"));
static MD_IMAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"!\[([^\]]*)\]\(([^)\s]+)(?:\s+[^)]*)?\)").expect("valid regex"));

/// Reads `text` as written in `format`; `source` names it in the model.
pub fn parse(text: &str, format: Format, source: &str) -> Doc {
    let tokens = match format {
        Format::WikiText => wiki_tokens(text),
        Format::Markdown => markdown_tokens(text),
    };
    let mut b = Builder::new(source);
    for (line, token) in tokens {
        if token == Token::End {
            break;
        }
        b.add(line, token);
    }
    b.finish()
}

/// The wiki's rendered text. Navigation chrome ends at the page id; the
/// footer starts at "… · Last modified: …".
fn wiki_tokens(text: &str) -> Vec<(usize, Token)> {
    let lines: Vec<&str> = text.lines().collect();
    // Without a page id, nothing is chrome: the builder ignores unnumbered
    // lines before the first section anyway.
    let start = lines
        .iter()
        .position(|l| PAGE_ID.is_match(l.trim()))
        .map_or(0, |i| i + 1);
    let mut out = Vec::new();
    let mut title_seen = start == 0;
    for (i, raw) in lines.iter().enumerate().skip(start) {
        let line = i + 1;
        let t = raw.trim();
        let indented = raw.starts_with([' ', '\t']);
        let token = if t.is_empty() {
            Token::Blank
        } else if t.contains(" · Last modified:") {
            Token::End
        } else if !title_seen {
            title_seen = true;
            Token::Title(t.to_string())
        } else {
            wiki_line(t, indented)
        };
        out.push((line, token));
    }
    out
}

fn wiki_line(t: &str, indented: bool) -> Token {
    if let Some(rest) = t.strip_prefix("–.").or_else(|| t.strip_prefix("-.")) {
        return Token::SubStep(rest.trim().to_string());
    }
    if t.chars().all(|c| c == '⇒') {
        return Token::Image(Image {
            file: None,
            alt: Some(t.to_string()),
            line: 0,
        });
    }
    if IMAGE_FILE.is_match(t) {
        return Token::Image(Image {
            file: Some(t.to_string()),
            alt: None,
            line: 0,
        });
    }
    if indented {
        if let Some(c) = ITEM.captures(t) {
            if let Ok(n) = c[1].parse() {
                return Token::Item(n, c[2].to_string());
            }
        }
    }
    numbered(t).unwrap_or_else(|| Token::Prose(t.to_string()))
}

/// `2. Title` (section), `3.1.4. Text` (step), `3.1 Title` (heading).
fn numbered(t: &str) -> Option<Token> {
    if let Some(c) = SECTION.captures(t) {
        return Some(Token::Section(c[1].to_string(), c[2].to_string()));
    }
    if let Some(c) = DOTTED_STEP.captures(t) {
        return Some(Token::Step(c[1].to_string(), step_text(&c)));
    }
    HEADING
        .captures(t)
        .map(|c| Token::Heading(c[1].to_string(), c[2].to_string()))
}

/// The text of a [`DOTTED_STEP`] match, whichever branch matched.
fn step_text(c: &regex::Captures<'_>) -> String {
    c.get(2)
        .or_else(|| c.get(3))
        .map_or("", |m| m.as_str())
        .to_string()
}

/// Markdown: `#` headings carry the numbers, ordered lists are steps,
/// nested bullets are sub-steps, `![alt](file)` are images.
fn markdown_tokens(text: &str) -> Vec<(usize, Token)> {
    let mut out = Vec::new();
    let mut in_code = false;
    let mut title_seen = false;
    let mut after_blank = true;
    let mut in_list = false;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let t = raw.trim();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_code = !in_code;
            continue;
        }
        if in_code || (t.starts_with("<!--") && t.ends_with("-->")) {
            continue;
        }
        let indented = raw.starts_with([' ', '\t']);
        // Images first: they may share a line with text.
        for c in MD_IMAGE.captures_iter(t) {
            out.push((
                line,
                Token::Image(Image {
                    file: Some(c[2].to_string()),
                    alt: Some(c[1].to_string()).filter(|a| !a.is_empty()),
                    line,
                }),
            ));
        }
        let t = MD_IMAGE.replace_all(t, "").trim().to_string();
        let t = t.replace("**", "").replace("__", "");
        let token = if t.is_empty() {
            if raw.trim().is_empty() {
                Token::Blank
            } else {
                continue;
            }
        } else if let Some(h) = t.strip_prefix('#') {
            in_list = false;
            let h = h.trim_start_matches('#').trim();
            match numbered_heading(h) {
                Some(tok) => tok,
                None if !title_seen => Token::Title(h.to_string()),
                None => Token::Unnumbered,
            }
        } else if let (false, Some(c)) = (indented, ITEM.captures(&t)) {
            in_list = true;
            match c[1].parse() {
                Ok(n) => Token::Item(n, c[2].to_string()),
                Err(_) => Token::Prose(t.clone()),
            }
        } else if let Some(rest) = t
            .strip_prefix("- ")
            .or_else(|| t.strip_prefix("* "))
            .or_else(|| t.strip_prefix("+ "))
            .or_else(|| t.strip_prefix("–."))
        {
            if indented || in_list {
                Token::SubStep(rest.trim().to_string())
            } else {
                Token::Loose(rest.trim().to_string())
            }
        } else if indented && ITEM.is_match(&t) {
            // A nested ordered list: sub-steps too.
            let rest = ITEM.replace(&t, "$2").to_string();
            Token::SubStep(rest)
        } else if let Some(tok) = (!indented).then(|| DOTTED_STEP.captures(&t)).flatten() {
            Token::Step(tok[1].to_string(), step_text(&tok))
        } else if indented || !after_blank {
            Token::Prose(t.clone())
        } else {
            in_list = false;
            Token::Loose(t.clone())
        };
        if matches!(token, Token::Title(_)) {
            title_seen = true;
        }
        after_blank = token == Token::Blank;
        out.push((line, token));
    }
    out
}

/// Whether Markdown has a heading that starts with a number (`## 2. Set
/// up`): without one, [`parse`] finds no section, hence no step.
pub fn has_numbered_heading(markdown: &str) -> bool {
    markdown.lines().any(|l| {
        l.trim_start()
            .strip_prefix('#')
            .is_some_and(|h| is_numbered_heading(h.trim_start_matches('#').trim()))
    })
}

/// `2. Set up`, `3.1 Authentication phone`: a heading whose number the
/// numbered reader takes as its id.
pub fn is_numbered_heading(heading: &str) -> bool {
    numbered_heading(heading).is_some()
}

/// Whether wiki text has a line `doc::parse` would start a section with
/// (`2. Set up …`, not indented): without one it finds no step.
pub fn has_numbered_section(text: &str) -> bool {
    text.lines()
        .any(|l| !l.starts_with([' ', '\t']) && SECTION.is_match(l.trim()))
}

/// `2. Set up` → section, `2.1 Preview` → heading; anything else is not
/// numbered.
fn numbered_heading(h: &str) -> Option<Token> {
    static NUMBER: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(\d+(?:\.\d+)*[a-z]?)\.?\s+(\S.*)$").expect("valid regex"));
    let c = NUMBER.captures(h)?;
    let (number, title) = (c[1].to_string(), c[2].to_string());
    Some(if number.contains('.') {
        Token::Heading(number, title)
    } else {
        Token::Section(number, title)
    })
}

/// Puts each line where it belongs: sections, procedures, steps.
struct Builder {
    doc: Doc,
    /// The heading list items are numbered under (`4.1`, or `2`).
    context: Option<String>,
    /// Whether the open step takes continuation lines.
    step_open: bool,
    /// Per section, where its latest step is (procedure, step): the open
    /// step is the last section's, found here rather than searched for,
    /// since a search per line made a long doc quadratic.
    latest: Vec<Option<(usize, usize)>>,
    /// Indexes, so that no line searches what was read before it (a long
    /// or hostile doc would make that quadratic): the last section of
    /// each number, and per section and procedure number the first and
    /// the last procedure of that number.
    sections_by_number: HashMap<String, usize>,
    first_procedure: HashMap<(usize, String), usize>,
    last_procedure: HashMap<(usize, String), usize>,
    /// Last list item number per context (Markdown may write `1.` for all).
    last_item: u32,
}

impl Builder {
    fn new(source: &str) -> Builder {
        Builder {
            doc: Doc {
                source: source.to_string(),
                title: None,
                sections: Vec::new(),
            },
            context: None,
            step_open: false,
            latest: Vec::new(),
            sections_by_number: HashMap::new(),
            first_procedure: HashMap::new(),
            last_procedure: HashMap::new(),
            last_item: 0,
        }
    }

    fn add(&mut self, line: usize, token: Token) {
        match token {
            Token::Blank | Token::End => {}
            Token::Title(t) => {
                if self.doc.title.is_none() {
                    self.doc.title = Some(t);
                }
            }
            Token::Section(number, title) => {
                self.doc.sections.push(Section {
                    number: number.clone(),
                    title,
                    line,
                    executable: false,
                    procedures: Vec::new(),
                    images: Vec::new(),
                });
                self.latest.push(None);
                self.sections_by_number
                    .insert(number.clone(), self.doc.sections.len() - 1);
                self.enter(number);
            }
            Token::Heading(number, title) => self.heading(line, number, title),
            Token::Step(id, text) => self.step(line, id, text, StepKind::Action),
            Token::Item(n, text) => {
                let Some(context) = self.context.clone() else {
                    return;
                };
                let n = if n > self.last_item {
                    n
                } else {
                    self.last_item + 1
                };
                self.last_item = n;
                self.step(line, format!("{context}.{n}"), text, StepKind::Action);
            }
            Token::SubStep(text) => {
                if let Some(step) = self.open_step() {
                    step.sub_steps.push(Line {
                        line,
                        text,
                        id: None,
                    });
                }
            }
            Token::Image(mut image) => {
                image.line = line;
                if let Some(step) = self.open_step() {
                    step.images.push(image);
                } else if let Some(p) = self.current_procedure() {
                    p.images.push(image);
                } else if let Some(s) = self.doc.sections.last_mut() {
                    s.images.push(image);
                }
            }
            Token::Prose(text) => {
                if let Some(step) = self.open_step() {
                    step.details.push(Line {
                        line,
                        text,
                        id: None,
                    });
                }
            }
            Token::Loose(_) => self.step_open = false,
            Token::Unnumbered => {
                self.context = None;
                self.step_open = false;
            }
        }
    }

    /// A new heading context: list items number under it, no step is open.
    fn enter(&mut self, number: String) {
        self.context = Some(number);
        self.step_open = false;
        self.last_item = 0;
    }

    /// `3.1 Title` opens a procedure; deeper headings (`1.1.1 Title`) are
    /// steps of kind heading in theirs.
    fn heading(&mut self, line: usize, number: String, title: String) {
        if number.matches('.').count() == 1 {
            let Some(at) = self.section_index(&number) else {
                return;
            };
            self.push_procedure(
                at,
                Procedure {
                    number: number.clone(),
                    title,
                    line,
                    steps: Vec::new(),
                    images: Vec::new(),
                },
            );
            self.enter(number);
        } else {
            // Its images (1.1.1's screenshot) follow it: keep it open.
            self.enter(number.clone());
            self.step(line, number, title, StepKind::Heading);
        }
    }

    fn step(&mut self, line: usize, id: String, text: String, kind: StepKind) {
        let parent = id.rsplit_once('.').map_or("", |(p, _)| p).to_string();
        let Some(at) = self.section_index(&id) else {
            return;
        };
        let section = &mut self.doc.sections[at];
        if kind == StepKind::Action {
            section.executable = true;
        }
        let section_title = section.title.clone();
        let section_line = section.line;
        let section_number = section.number.clone();
        let known = self.first_procedure.get(&(at, parent.clone())).copied();
        let index = match known {
            Some(i) => i,
            None => {
                // Steps right under the section (`2.1`) form its procedure.
                let title = if parent == section_number {
                    section_title
                } else {
                    String::new()
                };
                let first_line = if parent == section_number {
                    section_line
                } else {
                    line
                };
                self.push_procedure(
                    at,
                    Procedure {
                        number: parent,
                        title,
                        line: first_line,
                        steps: Vec::new(),
                        images: Vec::new(),
                    },
                )
            }
        };
        let procedure = &mut self.doc.sections[at].procedures[index];
        procedure.steps.push(Step {
            id,
            kind,
            line,
            text,
            details: Vec::new(),
            sub_steps: Vec::new(),
            notes: Vec::new(),
            labels: Vec::new(),
            images: Vec::new(),
        });
        self.latest[at] = Some((index, procedure.steps.len() - 1));
        self.step_open = true;
    }

    /// The section a number belongs to (`3` for `3.1.4`), the last one if
    /// several share it.
    fn section_index(&self, number: &str) -> Option<usize> {
        let top = number.split('.').next().unwrap_or("");
        self.sections_by_number.get(top).copied()
    }

    /// Adds a procedure to section `at`; its index there.
    fn push_procedure(&mut self, at: usize, procedure: Procedure) -> usize {
        let procedures = &mut self.doc.sections[at].procedures;
        let key = (at, procedure.number.clone());
        procedures.push(procedure);
        let index = procedures.len() - 1;
        self.first_procedure.entry(key.clone()).or_insert(index);
        self.last_procedure.insert(key, index);
        index
    }

    /// The last section's last procedure numbered as the context.
    fn current_procedure(&mut self) -> Option<&mut Procedure> {
        let context = self.context.clone()?;
        let at = self.doc.sections.len().checked_sub(1)?;
        let index = *self.last_procedure.get(&(at, context))?;
        self.doc.sections[at].procedures.get_mut(index)
    }

    fn open_step(&mut self) -> Option<&mut Step> {
        if !self.step_open {
            return None;
        }
        let (procedure, step) = (*self.latest.last()?)?;
        self.doc
            .sections
            .last_mut()?
            .procedures
            .get_mut(procedure)?
            .steps
            .get_mut(step)
    }

    fn finish(mut self) -> Doc {
        for section in &mut self.doc.sections {
            for procedure in &mut section.procedures {
                for step in &mut procedure.steps {
                    step.labels = labels_of(step);
                }
            }
        }
        self.doc
    }
}

/// The quoted labels of a step's sentence, continuation lines and sub-steps.
fn labels_of(step: &Step) -> Vec<Label> {
    let mut lines = vec![(step.line, step.text.as_str())];
    lines.extend(step.details.iter().map(|l| (l.line, l.text.as_str())));
    lines.extend(step.sub_steps.iter().map(|l| (l.line, l.text.as_str())));
    lines
        .into_iter()
        .flat_map(|(line, text)| {
            quoted(text)
                .into_iter()
                .map(move |(text, kind)| Label { text, line, kind })
        })
        .collect()
}

/// Words before a quote that make it text to type (search for “o365”).
static TYPED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:search(?:es)? for|type|types|enter|enters|input|fill in|key in|write)\s*$",
    )
    .expect("valid regex")
});

/// The kind of a label that starts at `at` in `text`.
fn kind_at(text: &str, at: usize) -> LabelKind {
    // Only the words just before the label can say "type": a short tail
    // spares a scan of the whole line for every label (1 MB docs).
    const TAIL: usize = 64;
    let mut from = at.saturating_sub(TAIL);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    if TYPED.is_match(&text[from..at]) {
        LabelKind::Input
    } else {
        LabelKind::Ui
    }
}

/// “…” and "…" in `text`, each with its kind: text the reader is told to
/// type (search for “o365”) is input, anything else is a UI label.
pub fn quoted(text: &str) -> Vec<(String, LabelKind)> {
    quoted_at(text)
        .into_iter()
        .map(|(_, label, kind)| (label, kind))
        .collect()
}

/// [`quoted`], with where each starts.
fn quoted_at(text: &str) -> Vec<(usize, String, LabelKind)> {
    static QUOTE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"“[^”]+”|"[^"]+""#).expect("valid regex"));
    // Matches only, no capture groups: the quotes are one character at
    // each end, and finding captures costs a second search per match.
    QUOTE
        .find_iter(text)
        .filter_map(|whole| {
            let inner = strip_ends(whole.as_str()).trim();
            (!inner.is_empty()).then(|| {
                (
                    whole.start(),
                    inner.to_string(),
                    kind_at(text, whole.start()),
                )
            })
        })
        .collect()
}

/// `text` without its first and last character (a match's quotes or
/// brackets).
fn strip_ends(text: &str) -> &str {
    let mut chars = text.chars();
    chars.next();
    chars.next_back();
    chars.as_str()
}

/// The labels a step's line names, in the order they appear: quoted
/// text, `[Authorize]` in square brackets, and the spans the writer
/// marked (`marked`: **bold**, `code`). A menu path ("Users > Active
/// users") is one label per part, in order.
pub fn labels_in(text: &str, marked: &[String], line: usize) -> Vec<Label> {
    static BRACKETED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\[[^\[\]]+\]").expect("valid regex"));
    static MENU_STEP: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\s+(?:>|›|→|->)\s+").expect("valid regex"));
    let mut found = quoted_at(text);
    for whole in BRACKETED.find_iter(text) {
        let inner = strip_ends(whole.as_str()).trim();
        if !inner.is_empty() {
            found.push((
                whole.start(),
                inner.to_string(),
                kind_at(text, whole.start()),
            ));
        }
    }
    let mut from = 0;
    for span in marked {
        let span = super::model::normalise(span);
        let at = text[from..].find(&span).map_or(text.len(), |i| from + i);
        from = (at + span.len()).min(text.len());
        let inside = found
            .iter()
            .any(|(start, label, _)| *start <= at && label.contains(&span));
        if !span.is_empty() && !inside {
            found.push((at, span, kind_at(text, at.min(text.len()))));
        }
    }
    found.sort_by_key(|(at, _, _)| *at);
    let mut labels: Vec<Label> = Vec::new();
    for (_, label, kind) in found {
        for part in MENU_STEP
            .split(&label)
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            if !labels.iter().any(|l| l.text == part) {
                labels.push(Label {
                    text: part.to_string(),
                    line,
                    kind,
                });
            }
        }
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_text_to_type_is_input() {
        assert_eq!(
            quoted("Search for the account (search for “o365”). Select \"Call Me\"."),
            vec![
                ("o365".to_string(), LabelKind::Input),
                ("Call Me".to_string(), LabelKind::Ui)
            ]
        );
    }

    #[test]
    fn format_by_name() {
        assert_eq!(Format::of_name("docs/a.MD"), Format::Markdown);
        assert_eq!(Format::of_name("http://x/a.md?x=1"), Format::Markdown);
        assert_eq!(Format::of_name("a.txt"), Format::WikiText);
    }
}
