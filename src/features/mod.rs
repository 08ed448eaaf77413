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
pub mod scaffold;

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

pub use crate::doc::trace::{is_pending, PendingStep, PENDING_TAG};

/// Every step of the pending scenarios, in file order.
pub fn pending_steps(features: &[gherkin::Feature]) -> Vec<PendingStep> {
    let mut out = Vec::new();
    for feature in features {
        let path = feature.path.clone().unwrap_or_default();
        let scenarios = feature.scenarios.iter().map(|s| (None, s));
        let in_rules = feature
            .rules
            .iter()
            .flat_map(|r| r.scenarios.iter().map(move |s| (Some(r), s)));
        for (rule, scenario) in scenarios.chain(in_rules) {
            if !is_pending(feature, rule, scenario) {
                continue;
            }
            out.extend(scenario.steps.iter().map(|step| PendingStep {
                feature: path.clone(),
                line: step.position.line,
                text: match crate::doc::trace::cited(step) {
                    Some(id) => format!(
                        "{}{} [{id}]",
                        crate::doc::trace::plain_keyword(step),
                        step.value
                    ),
                    None => format!("{}{}", step.keyword, step.value),
                },
            }));
        }
    }
    out
}

/// The features without their pending scenarios: what runs, and what must
/// have step definitions.
pub fn without_pending(features: &[gherkin::Feature]) -> Vec<gherkin::Feature> {
    features
        .iter()
        .map(|f| {
            let mut kept = f.clone();
            kept.scenarios.retain(|s| !is_pending(f, None, s));
            for (rule, written) in kept.rules.iter_mut().zip(&f.rules) {
                rule.scenarios.retain(|s| !is_pending(f, Some(written), s));
            }
            kept
        })
        .collect()
}
