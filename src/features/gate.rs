//! The doc check of a run: the drift gate between the FAQ, the features
//! and `features/doc.lock`, run before any scenario. Drift fails the run
//! but does not stop it, so the report is complete; a doc that cannot be
//! read, or is no FAQ the features transcribe ([`DocGate::unusable`]),
//! stops it.

use super::check::{self, Features};
use crate::doc::{Doc, Limits};
use cucumber::gherkin;
use std::path::Path;

/// The FAQ as read for this run, and its drift.
#[derive(Debug, Clone)]
pub struct DocGate {
    pub doc: Doc,
    pub problems: Vec<String>,
    /// The doc is no FAQ the features could transcribe (empty, unrelated):
    /// one message, in place of `problems`; nothing should run.
    pub unusable: Option<String>,
}

/// Reads the doc (file or URL) within `limits` and checks the features
/// against it. Errors are a doc that cannot be read: the run cannot start.
/// When some feature file did not parse (`all_parsed` false), the drift
/// is not checked: its advice ("step 3.1.1 is transcribed by no Gherkin
/// step") would only be the parse error's echo.
pub async fn check(
    doc: &Path,
    limits: Limits,
    features_dir: &Path,
    features: &[gherkin::Feature],
    all_parsed: bool,
) -> anyhow::Result<DocGate> {
    let doc = Doc::load_within(&doc.to_string_lossy(), limits).await?;
    let features = Features {
        dir: features_dir,
        parsed: features,
    };
    let unusable = check::unusable(&doc, &features);
    let problems = if all_parsed && unusable.is_none() {
        check::check(&doc, &features)
    } else {
        Vec::new()
    };
    Ok(DocGate {
        doc,
        problems,
        unusable,
    })
}
