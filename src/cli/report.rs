//! `docproof report merge`: the shards' report folders as one report.

use super::Ending;
use crate::report::record::{merge_cucumber_json, merge_junit, RunRecord};
use crate::report::{coverage, folder, html, run_summary};
use std::path::{Path, PathBuf};

pub async fn merge(folders: Vec<PathBuf>, out: PathBuf) -> Ending {
    match merged(&folders, &out).await {
        Ok(summary) => {
            run_summary::print_summary(&summary);
            Ending::from_verdict(summary.success())
        }
        Err(e) => Ending::CannotStart(e),
    }
}

async fn merged(folders: &[PathBuf], out: &Path) -> anyhow::Result<run_summary::RunSummary> {
    let same = |a: &Path, b: &Path| {
        std::fs::canonicalize(a)
            .ok()
            .is_some_and(|a| Some(a) == std::fs::canonicalize(b).ok())
    };
    if let Some(f) = folders.iter().find(|f| same(f, out)) {
        anyhow::bail!(
            "--out {} is one of the folders to merge ({}); pass --out with another folder",
            out.display(),
            f.display()
        );
    }
    let mut records = Vec::new();
    for dir in folders {
        records.push((dir.clone(), RunRecord::read(dir)?));
    }
    let record = RunRecord::merge(records)?;
    let doc = crate::doc::Doc::load(&record.doc).await?;
    let (features, _) = crate::features::load(&record.features)?;
    folder::begin(out)?;
    for dir in folders {
        for tree in [
            folder::TRANSCRIPTS,
            folder::SCREENSHOTS,
            folder::FAILURES,
            crate::report::drift::DRIFT_FOLDER,
        ] {
            copy_tree(&dir.join(tree), &out.join(tree))?;
        }
    }
    let write = |name: &str, text: String| {
        crate::atomic::write(&out.join(name), text)
            .map_err(|e| anyhow::anyhow!("{}: cannot write {name} ({e})", out.display()))
    };
    write(folder::JUNIT, merge_junit(folders)?)?;
    write(folder::CUCUMBER_JSON, merge_cucumber_json(folders)?)?;
    let mut summary = record.summary(out)?;
    folder::add_junit_properties(out, &summary.properties())?;
    summary.coverage = Some(coverage::write(out, &doc, &features, &summary.scenarios)?.path);
    run_summary::write_summary(&summary)?;
    html::write(&summary, &doc)?;
    record.write(out)?;
    Ok(summary)
}

/// Copies the files under `from` (if any) to the same places under `to`.
fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    let Ok(entries) = std::fs::read_dir(from) else {
        return Ok(());
    };
    std::fs::create_dir_all(to)
        .map_err(|e| anyhow::anyhow!("{}: cannot create it ({e})", to.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_tree(&path, &target)?;
        } else {
            std::fs::copy(&path, &target).map_err(|e| {
                anyhow::anyhow!(
                    "cannot copy {} to {} ({e})",
                    path.display(),
                    target.display()
                )
            })?;
        }
    }
    Ok(())
}
