//! The run's result, as every report writer and the console read it.

use super::ledger::{ScenarioResult, Verdict};
use crate::drive::DriverKind;
use std::path::PathBuf;
use std::time::Duration;

/// How the run went.
#[derive(Debug, Clone)]
pub struct RunSummary {
    pub scenarios: Vec<ScenarioResult>,
    /// Problems found before running (malformed files, undefined steps…).
    pub problems: Vec<String>,
    /// Drift between the doc, the features and their lock (doc check).
    pub doc_problems: Vec<String>,
    /// The coverage matrix written for this run.
    pub coverage: Option<PathBuf>,
    pub steps_passed: usize,
    pub steps_failed: usize,
    pub steps_skipped: usize,
    pub hook_errors: usize,
    pub elapsed: Duration,
    pub report: PathBuf,
    /// How the pages were walked; `None` when nothing ran.
    pub driver: Option<DriverKind>,
    /// The real browser's name and version ("chrome-headless-shell 156…").
    pub browser: Option<String>,
    /// UI labels the pages spell differently from the FAQ (case, spacing).
    pub label_warnings: Vec<String>,
    /// Browser sessions that failed to start once and were started again
    /// with a fresh profile.
    pub browser_start_retries: usize,
}

impl RunSummary {
    pub fn passed(&self) -> usize {
        self.scenarios
            .iter()
            .filter(|s| s.verdict == Verdict::Passed)
            .count()
    }
    pub fn failed(&self) -> usize {
        self.scenarios.len() - self.passed()
    }
    /// Of [`Self::failed`], those stopped by the machinery (a browser that
    /// would not start), not by the documentation.
    pub fn infrastructure_errors(&self) -> usize {
        self.scenarios
            .iter()
            .filter(|s| s.verdict == Verdict::Infrastructure)
            .count()
    }
    /// The note on browser starts that needed a second try, if any.
    pub fn retries_note(&self) -> Option<String> {
        (self.browser_start_retries > 0).then(|| {
            format!(
                "{} browser session start{} failed once and {} tried again with a fresh profile (a loaded machine, not the documentation; a second failure is reported as an infrastructure error).",
                self.browser_start_retries,
                if self.browser_start_retries == 1 { "" } else { "s" },
                if self.browser_start_retries == 1 { "was" } else { "were" }
            )
        })
    }
    /// Whether the release gate opens: no problem, no failed, undefined or
    /// skipped step, no failed hook, and at least one scenario ran.
    pub fn success(&self) -> bool {
        self.problems.is_empty()
            && self.doc_problems.is_empty()
            && self.failed() == 0
            && self.steps_failed == 0
            && self.steps_skipped == 0
            && self.hook_errors == 0
            && !self.scenarios.is_empty()
    }
}

/// Writes `summary.md` into the report folder.
pub fn write_summary(s: &RunSummary) -> anyhow::Result<()> {
    let mut md = super::summary::markdown(&s.scenarios, &s.problems, s.elapsed.as_secs_f64());
    md.push_str(&super::summary::doc_check(
        &s.doc_problems,
        s.coverage.as_deref(),
    ));
    md.push_str(&super::summary::label_warnings(&s.label_warnings));
    if let Some(b) = &s.browser {
        md.push_str(&format!("\nWalked in {b} over WebDriver.\n"));
    }
    if let Some(note) = s.retries_note() {
        md.push_str(&format!("\n{note}\n"));
    }
    std::fs::write(s.report.join("summary.md"), md)
        .map_err(|e| anyhow::anyhow!("{}: cannot write summary.md ({e})", s.report.display()))
}

/// The summary lines both `docproof run` and `cargo test` print.
pub fn print_summary(s: &RunSummary) {
    for w in &s.label_warnings {
        eprintln!("warning: {w}");
    }
    for p in s.doc_problems.iter().chain(&s.problems) {
        eprintln!("error: {p}");
    }
    if let Some(note) = s.retries_note() {
        eprintln!("note: {note}");
    }
    for r in s.scenarios.iter().filter(|r| r.verdict != Verdict::Passed) {
        eprintln!(
            "{} {}:{} {} — {}",
            match r.verdict {
                Verdict::Infrastructure => "ERROR (infrastructure)",
                _ => "FAILED",
            },
            r.feature.display(),
            r.line,
            r.name,
            r.failure
                .as_deref()
                .unwrap_or("a step was skipped or undefined")
        );
    }
    println!(
        "docproof: {} scenarios passed, {} failed{} ({} steps passed, {} failed, {} skipped) in {:.2} s {}; reports in {}",
        s.passed(),
        s.failed(),
        match s.infrastructure_errors() {
            0 => String::new(),
            n => format!(" ({n} by an infrastructure error, not the documentation)"),
        },
        s.steps_passed,
        s.steps_failed,
        s.steps_skipped,
        s.elapsed.as_secs_f64(),
        match (s.driver, &s.browser) {
            (Some(DriverKind::Browser), Some(b)) => format!("in a real browser ({b})"),
            (Some(DriverKind::Browser), None) => "in a real browser".to_string(),
            (Some(DriverKind::Http), _) => "over HTTP".to_string(),
            _ => "before running".to_string(),
        },
        s.report.display()
    );
}
