//! The doc check of a run: the drift gate between the FAQ, the features
//! and `features/doc.lock`, run before any scenario. Drift fails the run but does not stop it, so
//! the report is complete; a doc that cannot be read at all stops it.

use super::check::{self, Features};
use crate::doc::Doc;
use cucumber::gherkin;
use std::path::Path;

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
