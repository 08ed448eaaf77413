//! `docproof doc show | check | accept`: the doc model printed, the drift
//! gate on its own, and the lock rewritten after a review. Each returns
//! the process's exit code: 0 ok, 1 drift found, 2 cannot start.

use super::check::{self, Features};
use super::Doc;
use crate::report::coverage;
use cucumber::gherkin;
use std::path::Path;

/// How `doc show` prints the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShowFormat {
    Yaml,
    Json,
}

pub const OK: u8 = 0;
pub const DRIFT: u8 = 1;
pub const CANNOT_START: u8 = 2;

/// Prints the model of `source` (a file or URL).
pub async fn show(source: &str, format: ShowFormat) -> u8 {
    let doc = match Doc::load(source).await {
        Ok(d) => d,
        Err(e) => return cannot_start(&e),
    };
    let text = match format {
        ShowFormat::Yaml => super::yaml::to_yaml(&doc),
        ShowFormat::Json => serde_json::to_string_pretty(&doc)
            .map(|s| s + "\n")
            .map_err(|e| e.to_string()),
    };
    match text {
        Ok(t) => {
            print!("{t}");
            OK
        }
        Err(e) => cannot_start(&e),
    }
}

/// The drift gate: prints each problem on stderr, the coverage matrix
/// (every step "not run") on stdout unless `quiet`, and writes it to
/// `report/coverage.md`.
pub async fn check(source: &str, features_dir: &Path, report: &Path, quiet: bool) -> u8 {
    let (doc, features, mut problems) = match inputs(source, features_dir).await {
        Ok(x) => x,
        Err(code) => return code,
    };
    problems.extend(check::check(
        &doc,
        &Features {
            dir: features_dir,
            parsed: &features,
        },
    ));
    let rows = coverage::matrix(&doc, &features, &[]);
    let md = coverage::markdown(&doc, &rows);
    let written = std::fs::create_dir_all(report).and_then(|()| {
        std::fs::write(
            report.join("coverage.md"),
            format!("# docproof coverage\n\n{md}"),
        )
    });
    if let Err(e) = written {
        return cannot_start(&format!(
            "{}: cannot write coverage.md ({e}); pass --report with a writable folder",
            report.display()
        ));
    }
    if let Err(e) = coverage::append_to_step_summary(&md) {
        eprintln!("warning: GITHUB_STEP_SUMMARY: cannot append the coverage matrix ({e})");
    }
    if !quiet {
        println!("{md}");
    }
    for p in &problems {
        eprintln!("{p}");
    }
    let covered = rows.iter().filter(|r| !r.scenarios.is_empty()).count();
    println!(
        "docproof doc check: {} problem{}; {covered} of {} FAQ steps of {} transcribed by {}; coverage in {}",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        rows.len(),
        doc.source,
        features_dir.display(),
        report.join("coverage.md").display()
    );
    if problems.is_empty() {
        OK
    } else {
        DRIFT
    }
}

/// Rewrites the lock from the doc as it is now, then checks again.
pub async fn accept(source: &str, features_dir: &Path) -> u8 {
    let (doc, features, problems) = match inputs(source, features_dir).await {
        Ok(x) => x,
        Err(code) => return code,
    };
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{p}");
        }
        eprintln!("docproof doc accept: the lock was not written; fix the feature files first");
        return DRIFT;
    }
    let features = Features {
        dir: features_dir,
        parsed: &features,
    };
    let lock = check::accept(&doc, &features);
    let path = features.lock_path();
    if let Err(e) = lock.write(&path) {
        return cannot_start(&e);
    }
    let steps: std::collections::BTreeSet<&str> = lock
        .transcriptions
        .iter()
        .map(|t| t.step.as_str())
        .collect();
    println!(
        "{}: recorded {} transcriptions of {} FAQ steps of {}",
        path.display(),
        lock.transcriptions.len(),
        steps.len(),
        doc.source
    );
    let left = check::check(&doc, &features);
    for p in &left {
        eprintln!("{p}");
    }
    if left.is_empty() {
        OK
    } else {
        DRIFT
    }
}

/// The doc and the parsed features; malformed feature files are problems,
/// an unreadable doc or features folder is an exit code.
async fn inputs(
    source: &str,
    features_dir: &Path,
) -> Result<(Doc, Vec<gherkin::Feature>, Vec<String>), u8> {
    let doc = Doc::load(source).await.map_err(|e| cannot_start(&e))?;
    let files = crate::run::parse::feature_files(features_dir).map_err(|e| cannot_start(&e))?;
    let mut features = Vec::new();
    let mut problems = Vec::new();
    for path in files {
        match crate::run::parse::parse_feature(&path) {
            Ok(f) => features.push(f),
            Err(e) => problems.push(e),
        }
    }
    Ok((doc, features, problems))
}

fn cannot_start(e: &dyn std::fmt::Display) -> u8 {
    eprintln!("error: {e}");
    CANNOT_START
}
