//! The run's result, as every report writer and the console read it.

use super::ledger::{ScenarioResult, Verdict};
use crate::drive::DriverKind;
use docproof_contract::profile::Profile;
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
    /// Every Gherkin step as it ran (report.html, the audit).
    pub steps: Vec<super::drift::StepRun>,
    /// Browser sessions that failed to start once and were started again
    /// with a fresh profile.
    pub browser_start_retries: usize,
    /// Steps of scenarios tagged @pending: transcribed, not yet automated.
    pub pending: Vec<crate::doc::trace::PendingStep>,
    /// Which service the simulator played.
    pub profile: Profile,
    /// The share of the scenarios this run ran (`--shard i/n`), if any.
    pub shard: Option<String>,
    /// The drift audit's verdicts (`docproof audit` only).
    pub audit: Option<super::drift::Audit>,
}

impl RunSummary {
    /// What the run ran against, as JUnit properties.
    pub fn properties(&self) -> Vec<(&'static str, String)> {
        let mut props = vec![("profile", self.profile.name().to_string())];
        if let Some(shard) = &self.shard {
            props.push(("shard", shard.clone()));
        }
        if let Some(driver) = self.driver {
            props.push(("driver", driver.name().to_string()));
        }
        if let Some(browser) = &self.browser {
            props.push(("browser", browser.clone()));
        }
        props
    }

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
    /// Why an audit could not judge the doc, if it could not: the features
    /// did not run, a step had no definition, or the machinery failed.
    /// Drift itself is the audit's output, not a reason.
    pub fn audit_not_judged(&self) -> Option<String> {
        let mut why = Vec::new();
        if !self.problems.is_empty() {
            why.push(count(
                self.problems.len(),
                "problem in the features",
                "problems in the features",
            ));
        }
        let infrastructure = self.infrastructure_errors();
        if infrastructure > 0 {
            why.push(format!(
                "{} stopped by the machinery",
                count(infrastructure, "scenario", "scenarios")
            ));
        }
        if self.hook_errors > 0 {
            why.push(count(self.hook_errors, "hook error", "hook errors"));
        }
        if let Some(first) = self.audit.as_ref().and_then(|a| a.crashes.first()) {
            let n = self.audit.as_ref().map_or(0, |a| a.crashes.len());
            why.push(format!(
                "{} in docproof's own code (first: {first})",
                count(n, "step failed", "steps failed")
            ));
        }
        let undefined = self
            .scenarios
            .iter()
            .filter(|s| s.verdict == Verdict::Skipped)
            .count();
        if undefined > 0 {
            why.push(format!(
                "{} a step with no definition",
                count(undefined, "scenario has", "scenarios have")
            ));
        }
        (!why.is_empty()).then(|| why.join(", "))
    }

    /// Whether the release gate opens: nothing in [`RunSummary::failures`].
    pub fn success(&self) -> bool {
        self.failures().is_empty()
    }

    /// Why the run fails, one phrase per reason; empty when it passes. The
    /// one place the verdict is decided: the exit code, the console's last
    /// line and `summary.md` all read it.
    pub fn failures(&self) -> Vec<String> {
        let mut why = Vec::new();
        if !self.problems.is_empty() {
            why.push(format!(
                "{} kept the scenarios from running",
                count(
                    self.problems.len(),
                    "problem in the features",
                    "problems in the features"
                )
            ));
        }
        if !self.pending.is_empty() {
            why.push(format!(
                "{} transcribed, not yet automated",
                count(self.pending.len(), "step is pending:", "steps are pending:")
            ));
        }
        if !self.doc_problems.is_empty() {
            why.push(format!(
                "the drift gate found {} between the doc and the features",
                count(self.doc_problems.len(), "problem", "problems")
            ));
        }
        let failed = self.failed();
        if failed > 0 {
            why.push(format!("{} failed", count(failed, "scenario", "scenarios")));
        } else {
            // A failed scenario already accounts for its failed or skipped steps.
            if self.steps_failed > 0 {
                why.push(format!(
                    "{} failed",
                    count(self.steps_failed, "step", "steps")
                ));
            }
            if self.steps_skipped > 0 {
                why.push(format!(
                    "{} skipped or undefined",
                    count(self.steps_skipped, "step was", "steps were")
                ));
            }
        }
        if self.hook_errors > 0 {
            why.push(format!(
                "{} failed",
                count(self.hook_errors, "hook", "hooks")
            ));
        }
        if self.scenarios.is_empty() && self.problems.is_empty() {
            why.push("no scenario ran".to_string());
        }
        why
    }

    /// The verdict as a sentence: `passed` or `FAILED: …`.
    pub fn verdict(&self) -> String {
        if let Some(audit) = &self.audit {
            return match self.audit_not_judged() {
                Some(why) => format!("FAILED to judge the doc: {why}"),
                None => format!("judged the doc: {}", audit_counts(audit)),
            };
        }
        let why = self.failures();
        if why.is_empty() {
            "passed".to_string()
        } else {
            format!("FAILED: {}", why.join("; "))
        }
    }
}

/// `1 problem`, `2 problems`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Writes `summary.md` into the report folder.
pub fn write_summary(s: &RunSummary) -> anyhow::Result<()> {
    let mut md = super::summary::markdown(
        &s.verdict(),
        &s.scenarios,
        &s.problems,
        s.elapsed.as_secs_f64(),
    );
    md.push_str(&super::summary::doc_check(
        &s.doc_problems,
        s.coverage.as_deref(),
    ));
    md.push_str(&super::summary::pending(&s.pending));
    md.push_str(&super::summary::label_warnings(&s.label_warnings));
    md.push_str(&format!(
        "\nAgainst the simulator's `{}` profile: {}.\n",
        s.profile,
        s.profile.describe()
    ));
    if let Some(b) = &s.browser {
        md.push_str(&format!("\nWalked in {b} over WebDriver.\n"));
    }
    if let Some(note) = s.retries_note() {
        md.push_str(&format!("\n{note}\n"));
    }
    let name = super::folder::SUMMARY;
    crate::atomic::write(&s.report.join(name), md)
        .map_err(|e| anyhow::anyhow!("{}: cannot write {name} ({e})", s.report.display()))
}

/// "20 numbered steps: 8 hold, 12 drifted, 0 not reached".
fn audit_counts(a: &super::drift::Audit) -> String {
    use super::drift::Verdict as V;
    format!(
        "{} numbered steps: {} hold, {} drifted, {} not reached",
        a.steps.len(),
        a.count(V::Holds),
        a.count(V::Drifted),
        a.count(V::NotReached)
    )
}

/// How the pages were walked: "in a real browser (…)", "over HTTP".
pub(super) fn walked(s: &RunSummary) -> String {
    match (s.driver, &s.browser) {
        (Some(DriverKind::Browser), Some(b)) => format!("in a real browser ({b})"),
        (Some(DriverKind::Browser), None) => "in a real browser".to_string(),
        (Some(DriverKind::Http), _) => "over HTTP".to_string(),
        _ => "before running".to_string(),
    }
}

/// An audit's lines: each step that no longer holds, then the counts.
/// Failed scenarios are not listed: their failures are the findings.
fn print_audit(s: &RunSummary, a: &super::drift::Audit) {
    for p in s.doc_problems.iter().chain(&s.problems) {
        eprintln!("error: {p}");
    }
    for r in s
        .scenarios
        .iter()
        .filter(|r| r.verdict == Verdict::Infrastructure)
    {
        eprintln!(
            "ERROR (infrastructure) {}:{} {} — {}",
            r.feature.display(),
            r.line,
            r.name,
            r.failure.as_deref().unwrap_or_default()
        );
    }
    for step in a
        .steps
        .iter()
        .filter(|st| st.verdict != super::drift::Verdict::Holds)
    {
        eprintln!(
            "{} {}: {}",
            step.verdict.as_str(),
            step.step,
            step.expected.lines().next().unwrap_or_default()
        );
    }
    println!(
        "docproof audit: {} against profile {} in {:.2} s {}; {} and {} in {}",
        audit_counts(a),
        s.profile,
        s.elapsed.as_secs_f64(),
        walked(s),
        super::drift::DRIFT_MD,
        super::drift::DRIFT_JSON,
        s.report.display()
    );
}

/// The summary lines both `docproof run` and `cargo test` print.
pub fn print_summary(s: &RunSummary) {
    if let Some(a) = &s.audit {
        return print_audit(s, a);
    }
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
    // The last line states the verdict the exit code gives: scenarios that
    // all passed do not make a run that failed its checks read as a pass.
    let verdict = match s.failures() {
        why if why.is_empty() => String::new(),
        why if s.failed() == 0 => format!(", but the run FAILED: {}", why.join("; ")),
        why => format!("; the run FAILED: {}", why.join("; ")),
    };
    println!(
        "docproof: {} scenarios passed, {} failed{} ({} steps passed, {} failed, {} skipped) in {:.2} s {}, profile {}{}{verdict}; reports in {}",
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
walked(s),
        s.profile,
        s.shard
            .as_ref()
            .map(|sh| format!(", shard {sh}"))
            .unwrap_or_default(),
        s.report.display()
    );
}
