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
//! citation is moved from the end of the step's text to the front of its
//! keyword (`[3.1.4] When `) before the step is matched against step
//! definitions: definitions never mention it, and every place that prints a
//! step — console, JUnit, Cucumber JSON, failure messages — shows it.
//!
//! A scenario tagged `@pending` is transcribed but not yet automated
//! (`docproof init` writes it so): its citations count for the drift gate,
//! and the run lists its steps instead of running them.

use regex::Regex;
use std::fmt;
use std::sync::LazyLock;

/// How a step id is written: a FAQ number (`3.1.4`, `2.2a`), or the slug
/// of an unnumbered heading and the step's position in it
/// (`migrating-authentication-of-microsoft-365-backup-set.4`, `….12.3`).
/// A slug needs a position after it, so a bracketed UI label at the end of
/// a Gherkin step (`[Authorize]`) is never taken for a citation.
const STEP_ID: &str = r"\d+(?:\.\d+)*[a-z]?|[a-z0-9]+(?:-[a-z0-9]+)*(?:\.\d+)+";

/// A doc step id such as `3.1.4`, `2.2a` or `reset-the-password.3`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocStep(String);

impl DocStep {
    pub fn parse(raw: &str) -> Option<DocStep> {
        static NUMBER: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(&format!("^(?:{STEP_ID})$")).expect("valid regex"));
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
        Regex::new(&format!(r"^(?P<text>.*?)\s*\[(?P<step>{STEP_ID})\]\s*$")).expect("valid regex")
    });
    match CITATION.captures(text) {
        Some(c) => {
            let body = c.name("text").map_or("", |m| m.as_str());
            (body, DocStep::parse(&c["step"]))
        }
        None => (text, None),
    }
}

/// Moves a step's citation from the end of its text to the front of its
/// keyword: `When the user clicks Verify [3.1.4]` becomes keyword
/// `[3.1.4] When `, text `the user clicks Verify`.
pub fn move_to_keyword(step: &mut cucumber::gherkin::Step) {
    let (text, cited) = split_citation(&step.value);
    if let Some(cited) = cited {
        step.value = text.to_string();
        step.keyword = format!("[{cited}] {}", step.keyword);
    }
}

/// The FAQ step a (parsed) Gherkin step cites, if any.
pub fn cited(step: &cucumber::gherkin::Step) -> Option<DocStep> {
    let rest = step.keyword.strip_prefix('[')?;
    let (number, _) = rest.split_once("] ")?;
    DocStep::parse(number)
}

/// The Gherkin keyword without the citation: `When `.
pub fn plain_keyword(step: &cucumber::gherkin::Step) -> &str {
    match step.keyword.split_once("] ") {
        Some((_, k)) if step.keyword.starts_with('[') => k,
        _ => &step.keyword,
    }
}

/// The tag of a scenario transcribed but not yet automated (`docproof
/// init` writes it): the run lists its steps as pending instead of running
/// them, and fails until none is left.
pub const PENDING_TAG: &str = "pending";

/// Whether the scenario is pending: tagged `@pending` itself, or in a rule
/// or feature that is.
pub fn is_pending(
    feature: &cucumber::gherkin::Feature,
    rule: Option<&cucumber::gherkin::Rule>,
    scenario: &cucumber::gherkin::Scenario,
) -> bool {
    feature
        .tags
        .iter()
        .chain(rule.iter().flat_map(|r| &r.tags))
        .chain(&scenario.tags)
        .any(|t| t == PENDING_TAG)
}

/// A step of a pending scenario, as the run reports it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PendingStep {
    pub feature: std::path::PathBuf,
    pub line: usize,
    /// The step as written, its citation included.
    pub text: String,
}

impl std::fmt::Display for PendingStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.feature.display(), self.line, self.text)
    }
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
