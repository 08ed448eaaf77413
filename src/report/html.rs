//! `report.html`: the run as a person opens it after a red CI job — the
//! doc section by section in its own words, each numbered step with its
//! status, the Gherkin steps citing it (result and time), its screenshots,
//! label warnings, failures with their saved page, and the audit's verdict
//! when `docproof audit` ran. One self-contained file: styles and the
//! filter script inline, images and saved pages linked relatively, so it
//! opens from disk and from a CI artifact. Rendered with askama from the
//! run's own summary, the model every other report reads.

use super::drift::{StepOutcome, StepRun, StepVerdict, Verdict};
use super::folder::{step_file, FAILURES, SCREENSHOTS};
use super::run_summary::RunSummary;
use crate::doc::Doc;
use askama::Template;

pub const REPORT_HTML: &str = "report.html";

/// A numbered step's status on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed,
    /// Cited, but the steps citing it were skipped or not selected.
    NotRun,
    /// Transcribed in a `@pending` scenario, not yet automated.
    Pending,
    /// No Gherkin step cites it.
    NotCovered,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Passed,
        Status::Failed,
        Status::NotRun,
        Status::Pending,
        Status::NotCovered,
    ];
    /// The CSS class and filter value.
    pub fn key(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::NotRun => "not-run",
            Status::Pending => "pending",
            Status::NotCovered => "not-covered",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::NotRun => "not run",
            Status::Pending => "pending",
            Status::NotCovered => "not covered",
        }
    }
}

struct Gherkin {
    place: String,
    scenario: String,
    text: String,
    outcome: &'static str,
    millis: String,
}

struct Failure {
    place: String,
    message: String,
    screenshot: Option<String>,
    page: Option<String>,
    url: Option<String>,
}

struct StepView {
    id: String,
    anchor: String,
    wording: String,
    status: Status,
    gherkin: Vec<Gherkin>,
    screenshots: Vec<String>,
    failures: Vec<Failure>,
    warnings: Vec<String>,
    verdict: Option<StepVerdict>,
}

struct ProcedureView {
    number: String,
    title: String,
    steps: Vec<StepView>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    title: String,
    verdict: String,
    passed: usize,
    failed: usize,
    seconds: String,
    walked: String,
    profile: String,
    commit: Option<String>,
    counts: Vec<(Status, usize)>,
    problems: Vec<&'a str>,
    procedures: Vec<ProcedureView>,
    audit: Option<(usize, usize, usize)>,
}

impl Page<'_> {
    /// `text` ending as a sentence does.
    fn sentence(&self, text: &str) -> String {
        let text = text.trim_end();
        match text.chars().last() {
            Some('.' | '!' | '?') | None => text.to_string(),
            _ => format!("{text}."),
        }
    }

    /// The verdict's CSS class.
    fn verdict_class(&self) -> &'static str {
        if self.verdict.starts_with("FAILED") {
            "failed"
        } else {
            "passed"
        }
    }
}

/// Writes `report.html` into the run's report folder.
pub fn write(s: &RunSummary, doc: &Doc) -> anyhow::Result<()> {
    let html = render(s, doc).map_err(|e| anyhow::anyhow!("cannot render {REPORT_HTML}: {e}"))?;
    crate::atomic::write(&s.report.join(REPORT_HTML), html)
        .map_err(|e| anyhow::anyhow!("{}: cannot write {REPORT_HTML} ({e})", s.report.display()))
}

/// The page for the run `s` of the doc `doc`.
pub fn render(s: &RunSummary, doc: &Doc) -> askama::Result<String> {
    let pending: Vec<String> = s
        .pending
        .iter()
        .filter_map(|p| crate::doc::trace::split_citation(&p.text).1)
        .map(|d| d.to_string())
        .collect();
    let mut procedures = Vec::new();
    for p in doc.procedures() {
        let steps: Vec<StepView> = p
            .steps
            .iter()
            .filter(|st| st.kind == crate::doc::model::StepKind::Action)
            .map(|st| step_view(s, &st.id, st.wording(), &pending))
            .collect();
        if !steps.is_empty() {
            procedures.push(ProcedureView {
                number: p.number.clone(),
                title: p.title.clone(),
                steps,
            });
        }
    }
    let counts = Status::ALL
        .iter()
        .map(|&status| {
            let n = procedures
                .iter()
                .flat_map(|p| &p.steps)
                .filter(|st| st.status == status)
                .count();
            (status, n)
        })
        .collect();
    let audit = s.audit.as_ref().map(|a| {
        (
            a.count(Verdict::Holds),
            a.count(Verdict::Drifted),
            a.count(Verdict::NotReached),
        )
    });
    Page {
        title: doc.title.clone().unwrap_or_else(|| doc.source.clone()),
        verdict: s.verdict(),
        passed: s.passed(),
        failed: s.failed(),
        seconds: format!("{:.2}", s.elapsed.as_secs_f64()),
        walked: super::run_summary::walked(s),
        profile: s.profile.name().to_string(),
        commit: commit(),
        counts,
        problems: s
            .problems
            .iter()
            .chain(&s.doc_problems)
            .map(String::as_str)
            .collect(),
        procedures,
        audit,
    }
    .render()
}

fn step_view(s: &RunSummary, id: &str, wording: String, pending: &[String]) -> StepView {
    let mine: Vec<&StepRun> = s
        .steps
        .iter()
        .filter(|r| r.doc.as_deref() == Some(id))
        .collect();
    let status = if mine.iter().any(|r| r.outcome == StepOutcome::Failed) {
        Status::Failed
    } else if mine.iter().any(|r| r.outcome == StepOutcome::Passed) {
        Status::Passed
    } else if pending.iter().any(|p| p == id) {
        Status::Pending
    } else if mine.is_empty() {
        Status::NotCovered
    } else {
        Status::NotRun
    };
    let exists = |rel: String| s.report.join(&rel).is_file().then_some(rel);
    let mut screenshots = Vec::new();
    let mut scenarios: Vec<&str> = mine.iter().map(|r| r.scenario.as_str()).collect();
    scenarios.dedup();
    for scenario in scenarios {
        for n in 1.. {
            match exists(step_file(SCREENSHOTS, scenario, id, n, "png")) {
                Some(shot) => screenshots.push(shot),
                None => break,
            }
        }
    }
    let failures = mine
        .iter()
        .filter(|r| r.outcome == StepOutcome::Failed)
        .map(|r| {
            let saved = |ext: &str| exists(step_file(FAILURES, &r.scenario, id, 1, ext));
            Failure {
                place: format!("{}:{}", r.feature.display(), r.line),
                // Where the page was saved is linked below, not repeated.
                message: r
                    .failure
                    .as_deref()
                    .map(|m| m.split("\n  saved: ").next().unwrap_or(m).to_string())
                    .unwrap_or_default(),
                screenshot: saved("png"),
                page: saved("html"),
                url: saved("url").and_then(|rel| std::fs::read_to_string(s.report.join(rel)).ok()),
            }
        })
        .collect();
    let quoted = format!("FAQ step {id} ");
    StepView {
        id: id.to_string(),
        anchor: format!("step-{}", id.replace('.', "-")),
        wording,
        status,
        gherkin: mine
            .iter()
            .map(|r| Gherkin {
                place: format!("{}:{}", r.feature.display(), r.line),
                scenario: r.scenario.clone(),
                text: r.text.clone(),
                outcome: match r.outcome {
                    StepOutcome::Passed => "passed",
                    StepOutcome::Failed => "failed",
                    StepOutcome::Skipped => "skipped",
                },
                millis: r
                    .duration
                    .map(|d| format!("{} ms", d.as_millis()))
                    .unwrap_or_default(),
            })
            .collect(),
        screenshots,
        failures,
        warnings: s
            .label_warnings
            .iter()
            .filter(|w| w.starts_with(&quoted))
            .cloned()
            .collect(),
        verdict: s
            .audit
            .as_ref()
            .and_then(|a| a.steps.iter().find(|v| v.step == id).cloned()),
    }
}

/// The commit the run checked: CI's own variable, else `git rev-parse`.
fn commit() -> Option<String> {
    if let Some(sha) = std::env::var("GITHUB_SHA").ok().filter(|s| !s.is_empty()) {
        return Some(sha.chars().take(12).collect());
    }
    let out = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
}
