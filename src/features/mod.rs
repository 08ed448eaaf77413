//! The Gherkin side: the feature files that transcribe the doc's steps.
//! `parse` reads them (moving each step's FAQ citation to its keyword),
//! `preflight` finds steps no definition matches, and `check` is the drift
//! gate between the doc, the features and the wording recorded in their
//! `lock`; `gate` runs it for `docproof run`.

pub mod check;
pub mod gate;
pub mod lock;
pub mod parse;
pub mod preflight;

use cucumber::gherkin;
use std::path::Path;

/// The feature files of `dir`, parsed: the ones that parse, and a problem
/// (with file and line) for each one that does not. An unreadable or
/// missing folder is an error: nothing can run.
pub fn load(dir: &Path) -> anyhow::Result<(Vec<gherkin::Feature>, Vec<String>)> {
    let mut features = Vec::new();
    let mut problems = Vec::new();
    for path in parse::feature_files(dir)? {
        match parse::parse_feature(&path) {
            Ok(f) => features.push(f),
            Err(e) => problems.push(e),
        }
    }
    Ok((features, problems))
}
