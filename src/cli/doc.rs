//! `docproof doc show | check | accept`: the doc model printed, the drift
//! gate on its own, and the lock rewritten after a review.

use super::{DocCommand, DocFormat, Ending};
use crate::doc::load::DEFAULT_MAX_DOC_BYTES;
use crate::doc::{size, Doc, Limits};
use crate::features::check::{self, Features};
use crate::features::gate;
use crate::report::coverage;
use cucumber::gherkin;
use std::path::Path;

/// Where the FAQ is and how much of it docproof reads: one definition for
/// `run` and every `doc` command.
#[derive(clap::Args, Debug, Clone)]
pub struct DocArgs {
    /// The FAQ: a file (.txt wiki text, .md Markdown, .html a saved page)
    /// or an http(s) URL.
    #[arg(long, default_value = "fixtures/docs/office-365-mfa.txt")]
    pub doc: String,
    /// The largest doc read, in bytes or e.g. 8MiB, 50MB; a bigger file or
    /// page is refused, and a page is dropped at this size.
    #[arg(long, value_name = "SIZE", default_value_t = DEFAULT_MAX_DOC_BYTES, value_parser = size::parse)]
    pub max_doc_size: u64,
}

impl DocArgs {
    pub(super) fn limits(&self) -> Limits {
        Limits::capped(self.max_doc_size)
    }
}

pub async fn doc(cmd: DocCommand) -> Ending {
    let ended = match cmd {
        DocCommand::Show { doc, format } => show(&doc, format).await,
        DocCommand::Check {
            doc,
            features,
            report,
            quiet,
        } => check(&doc, &features, &report, quiet).await,
        DocCommand::Accept { doc, features } => accept(&doc, &features).await,
    };
    ended.unwrap_or_else(Ending::CannotStart)
}

/// Prints the model of the doc (a file or URL).
async fn show(source: &DocArgs, format: DocFormat) -> anyhow::Result<Ending> {
    let doc = Doc::load_within(&source.doc, source.limits()).await?;
    let text = match format {
        DocFormat::Yaml => crate::doc::yaml::to_yaml(&doc).map_err(anyhow::Error::msg)?,
        DocFormat::Json => serde_json::to_string_pretty(&doc)? + "\n",
    };
    print!("{text}");
    Ok(Ending::Passed)
}

/// The drift gate: prints each problem on stderr, the coverage matrix
/// (every step "not run") on stdout unless `quiet`, and writes it to
/// `report/coverage.md`.
async fn check(
    source: &DocArgs,
    features_dir: &Path,
    report: &Path,
    quiet: bool,
) -> anyhow::Result<Ending> {
    // The same gate `docproof run` runs first.
    let (features, mut problems) = crate::features::load(features_dir)?;
    let all_parsed = problems.is_empty();
    let gate = gate::check(
        Path::new(&source.doc),
        source.limits(),
        features_dir,
        &features,
        all_parsed,
    )
    .await?;
    problems.extend(gate.unusable);
    problems.extend(gate.problems);
    let doc = gate.doc;
    let written = coverage::write(report, &doc, &features, &[])?;
    let (rows, md) = (written.rows, written.markdown);
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
        report.join(crate::report::folder::COVERAGE).display()
    );
    Ok(Ending::from_verdict(problems.is_empty()))
}

/// Rewrites the lock from the doc as it is now, then checks again.
async fn accept(source: &DocArgs, features_dir: &Path) -> anyhow::Result<Ending> {
    let (doc, features, problems) = inputs(source, features_dir).await?;
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{p}");
        }
        eprintln!("docproof doc accept: the lock was not written; fix the feature files first");
        return Ok(Ending::Failed);
    }
    let features = Features {
        dir: features_dir,
        parsed: &features,
    };
    // Accepting a doc that is no FAQ of these features would empty the lock.
    if let Some(why) = check::unusable(&doc, &features) {
        eprintln!("{why}");
        eprintln!("docproof doc accept: the lock was not written");
        return Ok(Ending::Failed);
    }
    let lock = check::accept(&doc, &features);
    let path = features.lock_path();
    lock.write(&path).map_err(anyhow::Error::msg)?;
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
    Ok(Ending::from_verdict(left.is_empty()))
}

/// The doc and the parsed features; malformed feature files are problems,
/// an unreadable doc or features folder stops the command.
async fn inputs(
    source: &DocArgs,
    features_dir: &Path,
) -> anyhow::Result<(Doc, Vec<gherkin::Feature>, Vec<String>)> {
    let doc = Doc::load_within(&source.doc, source.limits()).await?;
    let (features, problems) = crate::features::load(features_dir)?;
    Ok((doc, features, problems))
}
