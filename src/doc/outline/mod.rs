//! Procedures as most docs write them: headings, and under a heading an
//! ordered list whose items are the steps. Each format has a reader that
//! says only what the document's blocks are ([`Outline`]); [`build`] turns
//! them into the same [`Doc`] whichever format they came from, so a guide
//! in Markdown and its HTML rendering give one model.
//!
//! A doc whose sections are numbered (the FAQ) keeps its own numbers
//! (`doc::parse`); here a step's id is the slug of its heading and its
//! position (`migrating-authentication-of-microsoft-365-backup-set.4`),
//! and a nested item's id adds its own position (`….12.3`).

pub mod dokuwiki;
pub mod html;
pub mod markdown;

use super::model::{Doc, Image, Line, Procedure, Section, Step, StepKind};
use super::parse::{is_numbered_heading, labels_in};
use std::collections::HashSet;

/// A document as a sequence of blocks.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Outline {
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading {
        level: u8,
        text: Inline,
    },
    List {
        ordered: bool,
        items: Vec<Item>,
    },
    Paragraph(Inline),
    /// A note, warning or tip set apart (a blockquote, an admonition).
    Note(Inline),
    Image(Image),
}

/// One list item: its own text, then what it holds (continuation
/// paragraphs, images, notes, nested lists).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub text: Inline,
    pub blocks: Vec<Block>,
}

/// A run of text as a reader reads it, with the spans the writer marked
/// (bold, code), which docs use to name controls.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Inline {
    pub line: usize,
    pub text: String,
    pub marked: Vec<String>,
}

impl Inline {
    pub fn new(line: usize, text: &str) -> Inline {
        Inline {
            line,
            text: super::model::normalise(text),
            marked: Vec::new(),
        }
    }
}

/// Words that start a note rather than a step: "Important! …", "Note: …".
const NOTE_WORDS: &[&str] = &[
    "important",
    "note",
    "notes",
    "warning",
    "caution",
    "tip",
    "attention",
    "remark",
];

/// Whether a line of text is a note by its first word.
pub fn is_note(text: &str) -> bool {
    let text = text.trim_start();
    // The word is measured on the text as written: lower case may be
    // longer or shorter in bytes.
    let end = text
        .char_indices()
        .find(|(_, c)| !c.is_alphabetic())
        .map_or(text.len(), |(i, _)| i);
    let (word, rest) = text.split_at(end);
    NOTE_WORDS.contains(&word.to_lowercase().as_str())
        && matches!(rest.chars().next(), Some('!' | ':') | None)
}

/// `Migrating Authentication of "Microsoft 365" Backup Set` →
/// `migrating-authentication-of-microsoft-365-backup-set`.
pub fn slug(heading: &str) -> String {
    let mut out = String::new();
    for c in heading.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() && c.is_ascii() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "procedure".to_string()
    } else {
        out
    }
}

/// The model of an outline read from `source`.
pub fn build(outline: Outline, source: &str) -> Doc {
    build_with(outline, source, false)
}

/// The procedures under the unnumbered headings of a doc whose numbered
/// sections `doc::parse` reads (a "Troubleshooting" list in a numbered
/// guide): lists under numbered headings are left to it.
pub fn build_unnumbered(outline: Outline, source: &str) -> Doc {
    build_with(outline, source, true)
}

fn build_with(outline: Outline, source: &str, unnumbered_only: bool) -> Doc {
    let mut b = Builder {
        doc: Doc {
            source: source.to_string(),
            title: None,
            sections: Vec::new(),
        },
        heading: None,
        open: false,
        slugs: HashSet::new(),
        skipping: false,
        unnumbered_only,
    };
    let first_heading = outline.blocks.iter().find_map(|block| match block {
        Block::Heading { text, .. } => Some(text.text.clone()),
        _ => None,
    });
    for block in outline.blocks {
        b.block(block);
    }
    // A doc without an H1 is titled by its first heading.
    if b.doc.title.is_none() {
        b.doc.title = first_heading;
    }
    b.doc
}

struct Builder {
    doc: Doc,
    /// The heading now in force and its line.
    heading: Option<(String, usize)>,
    /// Whether the last section's procedure takes steps from the list
    /// that follows (the same heading: a list interrupted by a paragraph
    /// goes on numbering).
    open: bool,
    slugs: HashSet<String>,
    /// Under a numbered heading while `unnumbered_only`: lists are not ours.
    skipping: bool,
    unnumbered_only: bool,
}

impl Builder {
    fn block(&mut self, block: Block) {
        match block {
            Block::Heading { level, text } => {
                if level == 1 && self.doc.title.is_none() {
                    self.doc.title = Some(text.text.clone());
                }
                self.skipping = self.unnumbered_only && is_numbered_heading(&text.text);
                self.heading = Some((text.text, text.line));
                self.open = false;
            }
            // The wiki's page numbers its sections in paragraphs, not headings.
            Block::Paragraph(text) if self.unnumbered_only && is_numbered_heading(&text.text) => {
                self.skipping = true;
                self.open = false;
            }
            _ if self.skipping => {}
            Block::List {
                ordered: true,
                items,
            } => {
                for item in items {
                    self.item(item);
                }
            }
            // A bullet list or a paragraph outside a procedure's list
            // describes; it is not a step.
            Block::List { ordered: false, .. } | Block::Paragraph(_) => {}
            Block::Note(text) => {
                if let Some(step) = self.last_step() {
                    step.notes.push(line_of(&text, None));
                }
            }
            Block::Image(image) => {
                if self.open {
                    if let Some(section) = self.doc.sections.last_mut() {
                        section.procedures[0].images.push(image);
                    }
                }
            }
        }
    }

    /// The procedure under the current heading, made on its first step.
    fn procedure(&mut self) -> &mut Procedure {
        if !self.open {
            let (title, line) = self
                .heading
                .clone()
                .or_else(|| self.doc.title.clone().map(|t| (t, 1)))
                .unwrap_or_else(|| ("Procedure".to_string(), 1));
            let mut number = slug(&title);
            let base = number.clone();
            let mut n = 2;
            while !self.slugs.insert(number.clone()) {
                number = format!("{base}-{n}");
                n += 1;
            }
            self.doc.sections.push(Section {
                number: number.clone(),
                title: title.clone(),
                line,
                executable: true,
                procedures: vec![Procedure {
                    number,
                    title,
                    line,
                    steps: Vec::new(),
                    images: Vec::new(),
                }],
                images: Vec::new(),
            });
            self.open = true;
        }
        let section = self.doc.sections.last_mut().expect("just made");
        &mut section.procedures[0]
    }

    fn last_step(&mut self) -> Option<&mut Step> {
        if !self.open {
            return None;
        }
        self.doc
            .sections
            .last_mut()?
            .procedures
            .last_mut()?
            .steps
            .last_mut()
    }

    fn item(&mut self, item: Item) {
        if is_note(&item.text.text) {
            if let Some(step) = self.last_step() {
                step.notes.push(line_of(&item.text, None));
                step.notes.extend(item_lines(&item.blocks));
                return;
            }
        }
        let procedure = self.procedure();
        let id = format!("{}.{}", procedure.number, procedure.steps.len() + 1);
        let mut step = Step {
            id: id.clone(),
            kind: StepKind::Action,
            line: item.text.line,
            text: item.text.text.clone(),
            details: Vec::new(),
            sub_steps: Vec::new(),
            notes: Vec::new(),
            labels: Vec::new(),
            images: Vec::new(),
        };
        let mut marked = vec![item.text.clone()];
        fill(&mut step, &id, item.blocks, &mut marked);
        step.labels = marked
            .iter()
            .flat_map(|i| labels_in(&i.text, &i.marked, i.line))
            .collect();
        procedure.steps.push(step);
    }
}

/// What an item holds, into its step: paragraphs continue it, notes and
/// images are its own, nested list items are sub-steps numbered under
/// `id` (deeper ones under theirs).
fn fill(step: &mut Step, id: &str, blocks: Vec<Block>, marked: &mut Vec<Inline>) {
    let mut position = 0;
    for block in blocks {
        match block {
            Block::Paragraph(text) if is_note(&text.text) => {
                step.notes.push(line_of(&text, None));
            }
            Block::Paragraph(text) => {
                step.details.push(line_of(&text, None));
                marked.push(text);
            }
            Block::Note(text) => step.notes.push(line_of(&text, None)),
            Block::Image(image) => step.images.push(image),
            Block::Heading { text, .. } => step.details.push(line_of(&text, None)),
            Block::List { items, .. } => {
                for item in items {
                    if is_note(&item.text.text) {
                        step.notes.push(line_of(&item.text, None));
                        continue;
                    }
                    position += 1;
                    let sub = format!("{id}.{position}");
                    step.sub_steps.push(line_of(&item.text, Some(sub.clone())));
                    marked.push(item.text);
                    fill(step, &sub, item.blocks, marked);
                }
            }
        }
    }
}

/// The text lines of a note item's own blocks.
fn item_lines(blocks: &[Block]) -> Vec<Line> {
    blocks
        .iter()
        .flat_map(|b| match b {
            Block::Paragraph(t) | Block::Note(t) => vec![line_of(t, None)],
            Block::List { items, .. } => items.iter().map(|i| line_of(&i.text, None)).collect(),
            _ => vec![],
        })
        .collect()
}

fn line_of(text: &Inline, id: Option<String>) -> Line {
    Line {
        line: text.line,
        text: text.text.clone(),
        id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_words_and_digits() {
        assert_eq!(
            slug("Migrating Authentication of “Microsoft 365” Backup Set"),
            "migrating-authentication-of-microsoft-365-backup-set"
        );
        assert_eq!(slug("  Étape 2: -- set up!  "), "tape-2-set-up");
        assert_eq!(slug("!!!"), "procedure");
    }

    #[test]
    fn notes_by_their_first_word() {
        assert!(is_note("Important! Save the password now."));
        assert!(is_note("Note: it takes a minute."));
        assert!(is_note("WARNING"));
        assert!(!is_note("Notepad opens."));
        assert!(!is_note("Click Important files."));
        assert!(!is_note("Ⱥ¡ changes length in lower case"));
    }
}
