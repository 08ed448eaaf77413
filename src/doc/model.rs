//! The FAQ as a reader sees it: sections, the procedures in them, their
//! numbered steps with sub-steps, the UI labels a step quotes and the
//! images it names. Built by `doc::parse` from wiki text or Markdown.

use serde::Serialize;

/// A whole document.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Doc {
    /// Where it was read from: a path or a URL.
    pub source: String,
    /// The page title (the line after the wiki's page id, or `# Title`).
    pub title: Option<String>,
    pub sections: Vec<Section>,
}

/// A top-level numbered part: `2. Set up multi-factor authentication …`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Section {
    pub number: String,
    pub title: String,
    pub line: usize,
    /// Whether its steps are a procedure a reader performs (and so must be
    /// transcribed), rather than headings that describe (FAQ section 1).
    pub executable: bool,
    pub procedures: Vec<Procedure>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<Image>,
}

/// A numbered procedure (`3.1 Authentication phone (SMS)`), or the section
/// itself when its steps hang directly under it (`2.1`, `2.2a` …).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Procedure {
    pub number: String,
    pub title: String,
    pub line: usize,
    pub steps: Vec<Step>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<Image>,
}

/// A numbered step: `3.1.4. The App will send an SMS …`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Step {
    /// The number as the FAQ prints it, without its trailing dot; list
    /// items get their heading's number in front (`4.1` item 2 → `4.1.2`).
    pub id: String,
    pub kind: StepKind,
    pub line: usize,
    /// The step's own sentence, after its number.
    pub text: String,
    /// Lines that continue the step (2.5's "Disabled - …").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<Line>,
    /// The "–." lines under the step (or a nested list in Markdown).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sub_steps: Vec<Line>,
    /// Notes, warnings and "Important!" items that belong to the step:
    /// read, not performed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Line>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Label>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<Image>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum StepKind {
    /// Something the reader does or sees: `3.1.4.`, a list item.
    Action,
    /// A numbered heading under a procedure (`1.1.1 Send me a code …`).
    Heading,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Line {
    pub line: usize,
    pub text: String,
    /// A nested list item's own id (`….12.3`); none for other lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// Text a step names as the UI's: “Call Me”, "Next", [Authorize],
/// **Save**, each part of "Users > Active users".
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Label {
    pub text: String,
    pub line: usize,
    pub kind: LabelKind,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LabelKind {
    /// Words the UI shows: a button, a menu item, a method.
    Ui,
    /// Words the reader types: search for “o365”.
    Input,
}

/// An image the FAQ shows. The wiki's text rendering leaves `⇒⇒` where an
/// arrow between screenshots was: a placeholder without a file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Image {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt: Option<String>,
    pub line: usize,
}

impl Doc {
    /// Every procedure of every section, in order.
    pub fn procedures(&self) -> impl Iterator<Item = &Procedure> {
        self.sections.iter().flat_map(|s| &s.procedures)
    }

    /// Every step, in order, with whether its section is executable.
    pub fn steps(&self) -> impl Iterator<Item = (&Section, &Step)> {
        self.sections.iter().flat_map(|s| {
            s.procedures
                .iter()
                .flat_map(move |p| p.steps.iter().map(move |st| (s, st)))
        })
    }

    /// The steps a feature must transcribe: the actions of the executable
    /// sections (FAQ 2, 3 and 4, not 1's headings).
    pub fn steps_to_transcribe(&self) -> impl Iterator<Item = &Step> {
        self.steps()
            .filter(|(s, st)| s.executable && st.kind == StepKind::Action)
            .map(|(_, st)| st)
    }

    /// The step numbered `id` (`3.1.4`, `2.2a`, `4.1.2`).
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps().map(|(_, s)| s).find(|s| s.id == id)
    }

    /// The procedure numbered `number` (`3.1`, or `2` for section 2's steps).
    pub fn procedure(&self, number: &str) -> Option<&Procedure> {
        self.procedures().find(|p| p.number == number)
    }

    /// The UI labels step `id` quotes, for checking that a page still shows
    /// them: `doc.ui_labels("3.2.3")` → `["Authentication Phone", "Call Me"]`.
    /// Empty when the doc has no such step.
    pub fn ui_labels(&self, id: &str) -> Vec<&str> {
        self.step(id)
            .map(|s| s.ui_labels().collect())
            .unwrap_or_default()
    }
}

impl Procedure {
    /// `3.1.1–3.1.6` when numbered without gaps, else every number
    /// (`3.1.1, 3.1.2, 3.1.4`, `2.1, 2.2a, 2.2b`); what a message names.
    pub fn step_range(&self) -> String {
        let ids: Vec<&str> = self.steps.iter().map(|s| s.id.as_str()).collect();
        let numbers: Vec<Option<u32>> = ids
            .iter()
            .map(|id| id.rsplit('.').next().and_then(|n| n.parse().ok()))
            .collect();
        let gapless = ids.len() > 2
            && numbers
                .windows(2)
                .all(|w| matches!(w, [Some(a), Some(b)] if *b == a + 1));
        match ids.as_slice() {
            [] => "no steps".to_string(),
            [first, .., last] if gapless => format!("{first}–{last}"),
            _ => ids.join(", "),
        }
    }
}

impl Step {
    /// The step as a reader reads it, whitespace normalised: its sentence,
    /// continuation lines and "–." sub-steps. Images are not wording.
    pub fn wording(&self) -> String {
        let mut parts = vec![self.text.clone()];
        parts.extend(self.details.iter().map(|l| l.text.clone()));
        parts.extend(self.sub_steps.iter().map(|l| format!("–. {}", l.text)));
        parts.extend(self.notes.iter().map(|l| l.text.clone()));
        normalise(&parts.join(" "))
    }

    /// A stable hash of [`Step::wording`]: what a transcription records.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.wording())
    }

    /// The quoted UI labels (not the quoted text to type).
    pub fn ui_labels(&self) -> impl Iterator<Item = &str> {
        self.labels
            .iter()
            .filter(|l| l.kind == LabelKind::Ui)
            .map(|l| l.text.as_str())
    }

    /// The number of the procedure the step belongs to: `3.1` for `3.1.4`.
    pub fn procedure(&self) -> &str {
        self.id
            .rsplit_once('.')
            .map_or(self.id.as_str(), |(p, _)| p)
    }
}

/// Runs of whitespace become one space; ends are trimmed.
pub fn normalise(text: &str) -> String {
    // One string, no list of words: this runs for every block of a page.
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// FNV-1a (64 bit) of the whitespace-normalised text, as `fnv1a64:<hex>`.
/// Not for security: it only has to notice that wording changed, and be
/// the same on every machine and in every version.
pub fn fingerprint(wording: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in normalise(wording).bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("fnv1a64:{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_ignore_whitespace_only() {
        assert_eq!(
            fingerprint("Click  Next\n Button."),
            fingerprint("Click Next Button.")
        );
        assert_ne!(
            fingerprint("Click Next Button."),
            fingerprint("Click Next button.")
        );
        // The published FNV-1a test vector: "a" → af63dc4c8601ec8c.
        assert_eq!(fingerprint("a"), "fnv1a64:af63dc4c8601ec8c");
    }
}
