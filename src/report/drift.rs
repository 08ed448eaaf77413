//! The drift audit's output (`docproof audit`): one verdict per numbered
//! step of the doc — `holds`, `drifted` or `not-reached` — judged from what
//! each Gherkin step citing it did, and written as `drift.json` and
//! `drift.md`, a draft of the updated procedure the doc team can edit.
//!
//! The steps record a [`Finding`] when the FAQ's way failed and they went
//! on today's way ([`crate::steps::world::DocWorld::drifted`]); the ledger
//! records every Gherkin step's outcome ([`StepRun`]).

use super::cell;
use super::folder::{step_file, FAILURES, SCREENSHOTS};
use crate::doc::Doc;
use docproof_contract::profile::Profile;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub const DRIFT_JSON: &str = "drift.json";
pub const DRIFT_MD: &str = "drift.md";
/// Evidence of each finding: the page as it was when the FAQ's way failed.
pub const DRIFT_FOLDER: &str = "drift";

/// A numbered step's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The FAQ's wording, quoted labels and outcome hold.
    Holds,
    /// The FAQ's way no longer works; today's way is in the finding.
    Drifted,
    /// No scenario got this far: no way forward exists today.
    NotReached,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::Drifted => "drifted",
            Verdict::NotReached => "not-reached",
        }
    }
}

/// What one Gherkin step found when the FAQ's way no longer worked.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The doc step it cites (`3.1.3`).
    pub step: String,
    /// `features/3.1-….feature:14`.
    pub feature: String,
    /// The Gherkin step's text.
    pub gherkin: String,
    /// What the FAQ's way expected, and why it failed.
    pub expected: String,
    /// What the page showed instead: its heading and visible labels.
    pub found: String,
    /// What a person does today instead, in the FAQ's style; `None` when
    /// no way forward is known.
    pub today: Option<String>,
    /// The page when the FAQ's way failed, relative to the report folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screenshot: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// The scenario's name (its screenshots' folder).
    #[serde(skip)]
    pub scenario: String,
}

/// The findings of a run, shared by its scenarios.
pub type Findings = Arc<Mutex<Vec<Finding>>>;

/// What a Gherkin step came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum StepOutcome {
    Passed,
    Failed,
    Skipped,
}

/// One Gherkin step of one scenario, as it ran.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct StepRun {
    pub feature: PathBuf,
    pub line: usize,
    pub scenario: String,
    pub text: String,
    /// The doc step it cites, if any.
    pub doc: Option<String>,
    pub outcome: StepOutcome,
    /// Why it failed.
    pub failure: Option<String>,
    /// How long it ran (none when skipped); kept as whole milliseconds in
    /// `run.json`, so no timing there is shaped like a code.
    #[serde(with = "whole_millis")]
    pub duration: Option<std::time::Duration>,
}

/// `Option<Duration>` as whole milliseconds.
mod whole_millis {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&(d.as_millis() as u64)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        Ok(Option::<u64>::deserialize(d)?.map(Duration::from_millis))
    }
}

/// A numbered step's verdict and its evidence, as `drift.json` has it.
#[derive(Debug, Clone, Serialize)]
pub struct StepVerdict {
    pub step: String,
    pub verdict: Verdict,
    /// The FAQ's words for the step.
    pub wording: String,
    pub expected: String,
    pub found: Option<String>,
    /// What a person does today: the FAQ's words where the step holds.
    pub today: Option<String>,
    /// The Gherkin step of the (first) finding, or the first that ran.
    pub feature: Option<String>,
    /// The page when the FAQ's way failed (drifted), or as the step left
    /// it (holds); relative to the report folder.
    pub screenshot: Option<String>,
    /// The page after today's way, relative to the report folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub today_screenshot: Option<String>,
    /// Every finding, in feature order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}

/// The audit: every numbered step's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Audit {
    pub profile: String,
    pub doc: String,
    pub steps: Vec<StepVerdict>,
    /// Steps that failed in docproof's own code (a panic, an error no step
    /// cited): not drift, and the audit cannot judge with them.
    #[serde(skip)]
    pub crashes: Vec<String>,
}

impl Audit {
    pub fn count(&self, verdict: Verdict) -> usize {
        self.steps.iter().filter(|s| s.verdict == verdict).count()
    }
}

/// What a person does when no way forward is known.
const NO_WAY: &str = "no way forward is known today";

/// Judges every step the doc asks to transcribe from the steps' runs and
/// findings; `report` is where screenshots are looked for.
pub fn judge(
    doc: &Doc,
    profile: Profile,
    runs: &[StepRun],
    findings: &[Finding],
    report: &Path,
) -> Audit {
    let mut findings = findings.to_vec();
    findings.sort_by_key(|f| location_key(&f.feature));
    let (crashed, runs): (Vec<&StepRun>, Vec<&StepRun>) = runs
        .iter()
        .partition(|r| r.failure.as_deref().is_some_and(|f| !is_reported(f)));
    let mut runs = runs;
    runs.sort_by(|a, b| (&a.feature, a.line).cmp(&(&b.feature, b.line)));
    let shot = |scenario: &str, step: &str| {
        let rel = step_file(SCREENSHOTS, scenario, step, 1, "png");
        report.join(&rel).is_file().then_some(rel)
    };
    let steps = doc
        .steps_to_transcribe()
        .map(|step| {
            let id = step.id.as_str();
            let wording = step.wording();
            let mine: Vec<&StepRun> = runs
                .iter()
                .copied()
                .filter(|r| r.doc.as_deref() == Some(id))
                .collect();
            let mut found: Vec<Finding> =
                findings.iter().filter(|f| f.step == id).cloned().collect();
            // A step that failed with no way forward is a finding too.
            for r in mine.iter().filter(|r| r.outcome == StepOutcome::Failed) {
                let at = format!("{}:{}", r.feature.display(), r.line);
                if !found.iter().any(|f| f.feature == at) {
                    found.push(failed_without_way(r, at, report));
                }
            }
            if let Some(first) = found.first().cloned() {
                let mut today: Vec<String> = Vec::new();
                for t in found.iter().filter_map(|f| f.today.clone()) {
                    if !today.contains(&t) {
                        today.push(t);
                    }
                }
                return StepVerdict {
                    step: id.to_string(),
                    verdict: Verdict::Drifted,
                    wording,
                    expected: first.expected.clone(),
                    found: Some(first.found.clone()),
                    today: (!today.is_empty()).then(|| today.join(" ")),
                    feature: Some(first.feature.clone()),
                    screenshot: first.screenshot.clone(),
                    today_screenshot: shot(&first.scenario, id),
                    findings: found,
                };
            }
            let passed = mine.iter().find(|r| r.outcome == StepOutcome::Passed);
            match passed {
                Some(r) => StepVerdict {
                    step: id.to_string(),
                    verdict: Verdict::Holds,
                    expected: wording.clone(),
                    found: None,
                    today: Some(wording.clone()),
                    wording,
                    feature: Some(format!("{}:{}", r.feature.display(), r.line)),
                    screenshot: shot(&r.scenario, id),
                    today_screenshot: None,
                    findings: Vec::new(),
                },
                None => StepVerdict {
                    step: id.to_string(),
                    verdict: Verdict::NotReached,
                    expected: wording.clone(),
                    found: Some(match mine.first() {
                        Some(_) => {
                            "no scenario got this far: an earlier step had no way forward".into()
                        }
                        None => "no Gherkin step cites this step".into(),
                    }),
                    today: None,
                    wording,
                    feature: mine
                        .first()
                        .map(|r| format!("{}:{}", r.feature.display(), r.line)),
                    screenshot: None,
                    today_screenshot: None,
                    findings: Vec::new(),
                },
            }
        })
        .collect();
    Audit {
        profile: profile.name().to_string(),
        doc: doc.source.clone(),
        steps,
        crashes: crashed
            .iter()
            .map(|r| {
                let why = r.failure.as_deref().unwrap_or_default();
                format!("{}:{}: {why}", r.feature.display(), r.line)
            })
            .collect(),
    }
}

/// Whether a step's failure is one the steps report (it names the doc step
/// or the set-up step, or blames the machinery); anything else is a crash.
fn is_reported(failure: &str) -> bool {
    [
        "FAQ step ",
        "set-up step ",
        crate::drive::FailureKind::INFRASTRUCTURE_PREFIX,
    ]
    .iter()
    .any(|p| failure.starts_with(p))
}

/// The finding of a step that failed where no today's way was known: its
/// failure message, and the failing page saved by the run.
fn failed_without_way(r: &StepRun, at: String, report: &Path) -> Finding {
    let doc = r.doc.clone().unwrap_or_default();
    let saved = |ext: &str| {
        let rel = step_file(FAILURES, &r.scenario, &doc, 1, ext);
        report.join(&rel).is_file().then_some(rel)
    };
    Finding {
        step: doc.clone(),
        feature: at,
        gherkin: r.text.clone(),
        expected: strip_place(r.failure.as_deref().unwrap_or("the step failed")),
        found: String::new(),
        today: None,
        screenshot: saved("png"),
        page: saved("html"),
        scenario: r.scenario.clone(),
    }
}

/// A failure message without its places ("FAQ step 2.2a (features/…:16): ",
/// also where it quotes an inner failure) and the saved-page note after it.
pub fn strip_place(message: &str) -> String {
    static PLACE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?:FAQ step \S+|set-up step) \([^()]*:\d+\): ").expect("valid regex")
    });
    // The simulator's address changes with every scenario; a real
    // service's stays, and says where the page is.
    static LOOPBACK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"https?://127\.0\.0\.1:\d+").expect("valid regex")
    });
    let first = message.lines().next().unwrap_or_default();
    let first = PLACE.replace_all(first, "");
    LOOPBACK.replace_all(&first, "").trim().to_string()
}

/// `features/a.feature:14` sorts by file, then by line as a number.
fn location_key(at: &str) -> (String, usize) {
    match at.rsplit_once(':') {
        Some((file, line)) => (file.to_string(), line.parse().unwrap_or(0)),
        None => (at.to_string(), 0),
    }
}

/// Writes `drift.json` and `drift.md` into `report`.
pub fn write(report: &Path, audit: &Audit, doc: &Doc) -> std::io::Result<()> {
    let json = serde_json::to_string_pretty(audit).map_err(std::io::Error::other)?;
    crate::atomic::write(&report.join(DRIFT_JSON), json + "\n")?;
    crate::atomic::write(&report.join(DRIFT_MD), markdown(audit, doc))
}

/// `drift.md`: the verdict table, then each procedure step by step, in the
/// FAQ's order: a step that holds keeps its words; a drifted one gives
/// today's way first (the draft), then what the FAQ expected, what the page
/// showed, and the evidence.
pub fn markdown(audit: &Audit, doc: &Doc) -> String {
    let title = doc.title.clone().unwrap_or_else(|| audit.doc.clone());
    let mut md = format!(
        "# Drift audit: {title}\n\nThe doc's own features, unchanged, run against the `{}` profile. \
         {} numbered steps: {} hold, {} drifted, {} not reached.\n\n",
        audit.profile,
        audit.steps.len(),
        audit.count(Verdict::Holds),
        audit.count(Verdict::Drifted),
        audit.count(Verdict::NotReached),
    );
    md.push_str("| Step | Verdict | Gherkin step |\n|---|---|---|\n");
    for s in &audit.steps {
        md.push_str(&format!(
            "| [{id}](#step-{anchor}) | {} | {} |\n",
            s.verdict.as_str(),
            cell(s.feature.as_deref().unwrap_or("—")),
            id = s.step,
            anchor = anchor(&s.step),
        ));
    }
    for procedure in doc.procedures() {
        let mine: Vec<&StepVerdict> = audit
            .steps
            .iter()
            .filter(|s| procedure.steps.iter().any(|p| p.id == s.step))
            .collect();
        if mine.is_empty() {
            continue;
        }
        md.push_str(&format!("\n## {} {}\n", procedure.number, procedure.title));
        for s in mine {
            step_markdown(&mut md, s);
        }
    }
    md
}

fn step_markdown(md: &mut String, s: &StepVerdict) {
    md.push_str(&format!(
        "\n<a id=\"step-{}\"></a>\n### {} — {}\n\n",
        anchor(&s.step),
        s.step,
        s.verdict.as_str()
    ));
    match s.verdict {
        Verdict::Holds => {
            md.push_str(&format!("{}\n", s.wording));
            if let Some(shot) = &s.screenshot {
                md.push_str(&format!("\n![{} today]({shot})\n", s.step));
            }
        }
        Verdict::Drifted => {
            md.push_str(&format!(
                "**Today:** {}\n\n**The FAQ says:** {}\n",
                s.today.as_deref().unwrap_or(NO_WAY),
                s.wording
            ));
            if let Some(shot) = &s.today_screenshot {
                md.push_str(&format!("\n![{} today]({shot})\n", s.step));
            }
            md.push_str("\nWhat no longer holds:\n\n");
            for (f, times) in distinct(&s.findings) {
                md.push_str(&format!(
                    "- `{}` {}: {}",
                    f.feature,
                    cell(&f.gherkin),
                    cell(&f.expected)
                ));
                if times > 1 {
                    md.push_str(&format!(" ({times} times)"));
                }
                if !f.found.is_empty() {
                    md.push_str(&format!(" Found instead: {}.", cell(&f.found)));
                }
                let evidence: Vec<String> = [("screenshot", &f.screenshot), ("page", &f.page)]
                    .into_iter()
                    .filter_map(|(what, p)| p.as_ref().map(|p| format!("[{what}]({p})")))
                    .collect();
                if !evidence.is_empty() {
                    md.push_str(&format!(" ({})", evidence.join(", ")));
                }
                md.push('\n');
            }
        }
        Verdict::NotReached => {
            md.push_str(&format!(
                "{}\n\n*Not reached:* {}.\n",
                s.wording,
                s.found.as_deref().unwrap_or(NO_WAY)
            ));
        }
    }
}

/// The findings, each once with how often it was found: an outline's
/// examples find the same thing at the same line.
fn distinct(findings: &[Finding]) -> Vec<(&Finding, usize)> {
    let mut out: Vec<(&Finding, usize)> = Vec::new();
    for f in findings {
        match out
            .iter_mut()
            .find(|(seen, _)| seen.feature == f.feature && seen.expected == f.expected)
        {
            Some((_, n)) => *n += 1,
            None => out.push((f, 1)),
        }
    }
    out
}

/// `2.2a` → `2-2a`: an anchor GitHub and browsers both keep.
fn anchor(id: &str) -> String {
    id.replace('.', "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(line: usize, doc: &str, outcome: StepOutcome) -> StepRun {
        StepRun {
            feature: "features/x.feature".into(),
            line,
            scenario: "x__s".into(),
            text: format!("When step at {line}"),
            doc: Some(doc.into()),
            outcome,
            failure: (outcome == StepOutcome::Failed)
                .then(|| format!("FAQ step {doc} (features/x.feature:{line}): it broke")),
            duration: None,
        }
    }

    fn finding(line: usize, doc: &str, today: &str) -> Finding {
        Finding {
            step: doc.into(),
            feature: format!("features/x.feature:{line}"),
            gherkin: "When x".into(),
            expected: format!("expected at {line}"),
            found: "\"Active users\"".into(),
            today: Some(today.into()),
            screenshot: None,
            page: None,
            scenario: "x__s".into(),
        }
    }

    fn doc() -> Doc {
        let text = "# Guide\n\n## 1. Set up\n\n1. Open the page.\n2. Click **Go**.\n3. See the result.\n4. Done.\n";
        crate::doc::parse::parse(text, crate::doc::parse::Format::Markdown, "t.md")
    }

    #[test]
    fn a_message_loses_its_place_and_saved_note() {
        let m = "FAQ step 2.2a (features/2.feature:16): no visible element matches `#admin-mode`\n  saved: page HTML x";
        assert_eq!(strip_place(m), "no visible element matches `#admin-mode`");
        assert_eq!(strip_place("plain (x): words"), "plain (x): words");
        let nested = "FAQ step 4.1.1 (f.feature:30): got: FAQ step 4.1.1 (f.feature:30): refused";
        assert_eq!(strip_place(nested), "got: refused");
    }

    #[test]
    fn each_step_gets_one_verdict_from_its_runs_and_findings() {
        let runs = [
            run(3, "1.1", StepOutcome::Passed),
            run(4, "1.2", StepOutcome::Passed),
            run(5, "1.3", StepOutcome::Failed),
            run(6, "1.4", StepOutcome::Skipped),
            // Reached elsewhere: a step another scenario proves holds.
            run(20, "1.1", StepOutcome::Skipped),
        ];
        let findings = [
            finding(10, "1.2", "Click \"Go now\"."),
            finding(4, "1.2", "Click \"Go now\"."),
        ];
        let audit = judge(
            &doc(),
            Profile::Today,
            &runs,
            &findings,
            Path::new("/nowhere"),
        );
        let table: Vec<(&str, Verdict)> = audit
            .steps
            .iter()
            .map(|s| (s.step.as_str(), s.verdict))
            .collect();
        assert_eq!(
            table,
            [
                ("1.1", Verdict::Holds),
                ("1.2", Verdict::Drifted),
                ("1.3", Verdict::Drifted),
                ("1.4", Verdict::NotReached),
            ]
        );
        let drifted = &audit.steps[1];
        assert_eq!(
            drifted.expected, "expected at 4",
            "the first finding in feature order"
        );
        assert_eq!(
            drifted.today.as_deref(),
            Some("Click \"Go now\"."),
            "said once"
        );
        assert_eq!(drifted.findings.len(), 2);
        let failed = &audit.steps[2];
        assert_eq!(failed.today, None);
        assert_eq!(failed.expected, "it broke");
        assert!(audit.crashes.is_empty());
        let md = markdown(&audit, &doc());
        assert!(
            md.contains("4 numbered steps: 1 hold, 2 drifted, 1 not reached"),
            "{md}"
        );
        assert!(
            md.contains("**Today:** no way forward is known today"),
            "{md}"
        );
        let json: serde_json::Value = serde_json::to_value(&audit).unwrap();
        let mut panicked = run(7, "1.4", StepOutcome::Failed);
        panicked.failure = Some("called `Option::unwrap()` on a `None` value".into());
        let crashed = judge(
            &doc(),
            Profile::Today,
            &[panicked],
            &[],
            Path::new("/nowhere"),
        );
        assert_eq!(crashed.crashes.len(), 1, "a panic is not drift");
        assert_eq!(crashed.steps[3].verdict, Verdict::NotReached);
        assert_eq!(json["steps"][3]["verdict"], "not-reached");
        assert_eq!(json["profile"], "today");
    }
}
