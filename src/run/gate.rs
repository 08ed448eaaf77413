//! The doc check of a run: the drift gate between the FAQ, the features
//! and `features/doc.lock`, run before any scenario; and the coverage
//! matrix written after them. Drift fails the run but does not stop it, so
//! the report is complete; a doc that cannot be read at all stops it.

use crate::doc::check::{self, Features};
use crate::doc::Doc;
use crate::report::coverage;
use crate::report::ledger::ScenarioResult;
use cucumber::gherkin;
use std::path::{Path, PathBuf};

/// The FAQ as read for this run, and its drift.
#[derive(Debug, Clone)]
pub struct DocGate {
    pub doc: Doc,
    pub problems: Vec<String>,
}

/// Reads the doc (file or URL) and checks the features against it.
/// Errors are a doc that cannot be read: the run cannot start.
pub async fn check(
    doc: &Path,
    features_dir: &Path,
    features: &[gherkin::Feature],
) -> anyhow::Result<DocGate> {
    let doc = Doc::load(&doc.to_string_lossy()).await?;
    let problems = check::check(
        &doc,
        &Features {
            dir: features_dir,
            parsed: features,
        },
    );
    Ok(DocGate { doc, problems })
}

/// Writes `coverage.md` into the report folder and appends it to the
/// GitHub step summary when `GITHUB_STEP_SUMMARY` is set.
pub fn write_coverage(
    gate: &DocGate,
    features: &[gherkin::Feature],
    results: &[ScenarioResult],
    report: &Path,
) -> anyhow::Result<PathBuf> {
    let rows = coverage::matrix(&gate.doc, features, results);
    let md = coverage::markdown(&gate.doc, &rows);
    let path = report.join("coverage.md");
    std::fs::write(&path, format!("# docproof coverage\n\n{md}"))
        .map_err(|e| anyhow::anyhow!("{}: cannot write coverage.md ({e})", report.display()))?;
    coverage::append_to_step_summary(&md).map_err(|e| {
        anyhow::anyhow!("GITHUB_STEP_SUMMARY: cannot append the coverage matrix ({e})")
    })?;
    Ok(path)
}
