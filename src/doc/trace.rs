//! The traceability convention: a Gherkin step ends with the number of the
//! FAQ step it transcribes, in square brackets.
//!
//! ```gherkin
//! When the user enters the code from the text message and clicks Verify [3.1.4]
//! ```
//!
//! A number is what the FAQ prints before the step, without its trailing
//! dot: `2.1`, `2.2a`, `3.1.4`, `4.1`. A step without a citation is set-up
//! (e.g. "Given the admin is signed in") and transcribes nothing. The
//! citation is taken off before the step is matched against step
//! definitions, so step definitions never mention it.

use regex::Regex;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};

/// A FAQ step number such as `3.1.4` or `2.2a`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocStep(String);

impl DocStep {
    pub fn parse(raw: &str) -> Option<DocStep> {
        static NUMBER: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"^\d+(?:\.\d+)*[a-z]?$").expect("valid regex"));
        let raw = raw.trim().trim_end_matches('.');
        NUMBER.is_match(raw).then(|| DocStep(raw.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The procedure the step belongs to: `3.1` for `3.1.4`, `2` for `2.2a`.
    pub fn procedure(&self) -> &str {
        match self.0.rsplit_once('.') {
            Some((head, _)) => head,
            None => &self.0,
        }
    }
}

impl fmt::Display for DocStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Splits `text [3.1.4]` into `text` and the cited step. Text without a
/// well-formed trailing citation comes back unchanged.
pub fn split_citation(text: &str) -> (&str, Option<DocStep>) {
    static CITATION: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?P<text>.*?)\s*\[(?P<step>\d+(?:\.\d+)*[a-z]?)\]\s*$").expect("valid regex")
    });
    match CITATION.captures(text) {
        Some(c) => {
            let body = c.name("text").map_or("", |m| m.as_str());
            (body, DocStep::parse(&c["step"]))
        }
        None => (text, None),
    }
}

/// Every citation read from the feature files of this run, by feature file
/// and line. The parser fills it; steps look up the step they carry out.
static CITATIONS: LazyLock<Mutex<HashMap<(PathBuf, usize), DocStep>>> =
    LazyLock::new(Default::default);

pub fn record(path: &Path, line: usize, step: DocStep) {
    CITATIONS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert((path.to_path_buf(), line), step);
}

/// The FAQ step the Gherkin step at `path:line` cites, if any.
pub fn cited_at(path: &Path, line: usize) -> Option<DocStep> {
    CITATIONS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&(path.to_path_buf(), line))
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citation_comes_off_the_end() {
        let (text, step) = split_citation("the user clicks Verify [3.1.4]");
        assert_eq!(text, "the user clicks Verify");
        assert_eq!(step.unwrap().as_str(), "3.1.4");
        let (text, step) = split_citation("the admin uses Preview mode [2.2a]");
        assert_eq!(
            (text, step.unwrap().procedure()),
            ("the admin uses Preview mode", "2")
        );
    }

    #[test]
    fn text_without_a_citation_is_unchanged() {
        assert_eq!(
            split_citation("the admin is signed in"),
            ("the admin is signed in", None)
        );
        assert_eq!(split_citation("press [#] now"), ("press [#] now", None));
        assert_eq!(split_citation("see [3.1.4] later").1, None);
    }

    #[test]
    fn procedure_of_a_step() {
        assert_eq!(DocStep::parse("3.1.4.").unwrap().procedure(), "3.1");
        assert_eq!(DocStep::parse("4.1").unwrap().procedure(), "4");
        assert!(DocStep::parse("3.x").is_none());
    }
}
