//! The coverage matrix: every step of the FAQ's executable procedures, the
//! scenarios whose steps cite it, and how they went (passed, failed, not
//! run). `coverage.md` in the report folder and the GitHub step summary.

use super::cell;
use super::ledger::{ScenarioResult, Verdict};
use crate::doc::{trace, Doc};
use cucumber::gherkin;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed,
    /// Its scenario stopped on an infrastructure error (a browser that
    /// would not start): neither proven nor drifted.
    NotProven,
    /// Cited only by a scenario tagged @pending.
    Pending,
    NotRun,
}

impl Outcome {
    fn word(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "**failed**",
            Outcome::NotProven => "**not proven (infrastructure error)**",
            Outcome::Pending => "transcribed, not yet automated",
            Outcome::NotRun => "not run",
        }
    }
}

/// A scenario citing a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Covering {
    pub feature: PathBuf,
    pub line: usize,
    pub name: String,
    pub outcome: Outcome,
}

/// One row: a FAQ step and the scenarios covering it.
#[derive(Debug, Clone)]
pub struct Row {
    pub step: String,
    pub wording: String,
    pub scenarios: Vec<Covering>,
}

impl Row {
    /// Failed if any covering scenario failed, else not proven if one
    /// stopped on an infrastructure error, passed if all that ran passed,
    /// not run if none ran (or none covers the step).
    pub fn outcome(&self) -> Outcome {
        let ran: Vec<Outcome> = self
            .scenarios
            .iter()
            .map(|s| s.outcome)
            .filter(|o| *o != Outcome::NotRun)
            .collect();
        if ran.contains(&Outcome::Failed) {
            Outcome::Failed
        } else if ran.contains(&Outcome::NotProven) {
            Outcome::NotProven
        } else if ran.is_empty() {
            Outcome::NotRun
        } else if ran.iter().all(|o| *o == Outcome::Pending) {
            Outcome::Pending
        } else {
            Outcome::Passed
        }
    }
}

/// The matrix for `doc`'s steps to transcribe, from the features' own
/// scenarios (so those a tag filter left out show as not run) and the
/// results of those that ran.
pub fn matrix(doc: &Doc, features: &[gherkin::Feature], results: &[ScenarioResult]) -> Vec<Row> {
    let scenarios = scenarios(features);
    doc.steps_to_transcribe()
        .map(|step| Row {
            step: step.id.clone(),
            wording: step.wording(),
            scenarios: scenarios
                .iter()
                .filter(|s| s.cites.contains(&step.id))
                .map(|s| Covering {
                    feature: s.feature.clone(),
                    line: s.line,
                    name: s.name.clone(),
                    outcome: if s.pending {
                        Outcome::Pending
                    } else {
                        outcome(s, results)
                    },
                })
                .collect(),
        })
        .collect()
}

/// How a scenario that is not pending went.
fn outcome(s: &Cited, results: &[ScenarioResult]) -> Outcome {
    results
        .iter()
        .find(|r| r.feature == s.feature && r.line == s.line)
        .map_or(Outcome::NotRun, |r| match r.verdict {
            Verdict::Passed => Outcome::Passed,
            Verdict::Failed | Verdict::Skipped => Outcome::Failed,
            Verdict::Infrastructure => Outcome::NotProven,
        })
}

/// A scenario and the doc steps it cites.
struct Cited {
    feature: PathBuf,
    line: usize,
    name: String,
    cites: BTreeSet<String>,
    /// Tagged @pending: transcribed, not yet automated.
    pending: bool,
}

/// Every scenario (outlines expanded) with the FAQ steps its steps and its
/// background's cite.
fn scenarios(features: &[gherkin::Feature]) -> Vec<Cited> {
    let mut out = Vec::new();
    for feature in features {
        let path = feature.path.clone().unwrap_or_default();
        let cites = |bg: Option<&gherkin::Background>, sc: &gherkin::Scenario| {
            bg.into_iter()
                .flat_map(|b| &b.steps)
                .chain(&sc.steps)
                .filter_map(trace::cited)
                .map(|s| s.as_str().to_string())
                .collect::<BTreeSet<String>>()
        };
        let cited = |rule: Option<&gherkin::Rule>, sc: &gherkin::Scenario, cites| Cited {
            feature: path.clone(),
            line: sc.position.line,
            name: sc.name.clone(),
            cites,
            pending: trace::is_pending(feature, rule, sc),
        };
        for sc in &feature.scenarios {
            out.push(cited(None, sc, cites(feature.background.as_ref(), sc)));
        }
        for rule in &feature.rules {
            for sc in &rule.scenarios {
                let bg = rule.background.as_ref().or(feature.background.as_ref());
                let mut c = cites(bg, sc);
                if rule.background.is_some() {
                    c.extend(cites(feature.background.as_ref(), sc));
                }
                out.push(cited(Some(rule), sc, c));
            }
        }
    }
    out
}

/// The matrix as Markdown.
pub fn markdown(doc: &Doc, rows: &[Row]) -> String {
    let covered = rows.iter().filter(|r| !r.scenarios.is_empty()).count();
    let passed = rows
        .iter()
        .filter(|r| r.outcome() == Outcome::Passed)
        .count();
    let mut out = format!(
        "## Coverage of {}\n\n{covered} of {} FAQ steps are transcribed; {passed} passed.\n\n| FAQ step | wording | scenarios | result |\n|---|---|---|---|\n",
        doc.title.as_deref().unwrap_or(&doc.source),
        rows.len()
    );
    for row in rows {
        let scenarios: Vec<String> = row
            .scenarios
            .iter()
            .map(|s| {
                format!(
                    "`{}:{}` {} ({})",
                    s.feature.display(),
                    s.line,
                    cell(&s.name),
                    s.outcome.word().trim_matches('*')
                )
            })
            .collect();
        let result = if row.scenarios.is_empty() {
            "**not covered**"
        } else {
            row.outcome().word()
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {result} |",
            row.step,
            cell(&short(&row.wording, 70)),
            if scenarios.is_empty() {
                "—".to_string()
            } else {
                scenarios.join("<br>")
            },
        );
    }
    out
}

fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    match cut.rsplit_once(' ') {
        Some((head, _)) => format!("{head} …"),
        None => format!("{cut}…"),
    }
}

/// Appends `markdown` to the file named by `GITHUB_STEP_SUMMARY`, if set.
pub fn append_to_step_summary(markdown: &str) -> std::io::Result<()> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    use std::io::Write as _;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    writeln!(f, "{markdown}")
}

/// The coverage matrix as written for a run or a doc check.
pub struct Written {
    pub path: PathBuf,
    pub rows: Vec<Row>,
    pub markdown: String,
}

/// The one place `coverage.md` is written: into the report folder, and
/// appended to the GitHub step summary when `GITHUB_STEP_SUMMARY` is set
/// (a summary that cannot be appended to is a warning, not a failure).
pub fn write(
    report: &Path,
    doc: &Doc,
    features: &[gherkin::Feature],
    results: &[ScenarioResult],
) -> anyhow::Result<Written> {
    let rows = matrix(doc, features, results);
    let markdown = markdown(doc, &rows);
    let path = report.join(super::folder::COVERAGE);
    std::fs::create_dir_all(report)
        .and_then(|()| crate::atomic::write(&path, format!("# docproof coverage\n\n{markdown}")))
        .map_err(|e| {
            anyhow::anyhow!(
                "{}: cannot write {} ({e}); pass --report with a writable folder",
                report.display(),
                super::folder::COVERAGE
            )
        })?;
    if let Err(e) = append_to_step_summary(&markdown) {
        eprintln!("warning: GITHUB_STEP_SUMMARY: cannot append the coverage matrix ({e})");
    }
    Ok(Written {
        path,
        rows,
        markdown,
    })
}
