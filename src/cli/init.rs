//! `docproof init`: features scaffolded from a doc, one per procedure,
//! and their wording recorded in the lock, so that `docproof doc check`
//! passes at once and coverage grows as steps are automated.

use super::{Ending, InitArgs};
use crate::doc::Doc;
use crate::features::check::{self, Features};
use crate::features::scaffold::scaffold;
use anyhow::{bail, Context as _};

pub async fn init(args: InitArgs) -> Ending {
    write(&args).await.unwrap_or_else(Ending::CannotStart)
}

async fn write(args: &InitArgs) -> anyhow::Result<Ending> {
    let doc = Doc::load_within(&args.doc.doc, args.doc.limits()).await?;
    let files = scaffold(&doc);
    if files.is_empty() {
        bail!(
            "{}: no procedure found (no ordered list of steps under a heading); `docproof doc show --doc {}` prints what was read",
            doc.source,
            doc.source
        );
    }
    let dir = &args.features;
    // Nothing is written unless everything can be: an engineer's own
    // feature is never overwritten.
    for f in &files {
        let path = dir.join(&f.file);
        if path.exists() {
            bail!(
                "{}: already exists; docproof init writes new feature files only: move it away, or pass --features with another folder",
                path.display()
            );
        }
    }
    std::fs::create_dir_all(dir).with_context(|| {
        format!(
            "{}: cannot create the features folder; pass --features with a writable folder",
            dir.display()
        )
    })?;
    for f in &files {
        let path = dir.join(&f.file);
        crate::atomic::write(&path, &f.text)
            .with_context(|| format!("{}: cannot write", path.display()))?;
    }
    let (parsed, problems) = crate::features::load(dir)?;
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{p}");
        }
        bail!(
            "{}: the lock was not written: fix the feature files above first",
            dir.display()
        );
    }
    let features = Features {
        dir,
        parsed: &parsed,
    };
    let lock = check::accept(&doc, &features);
    let lock_path = features.lock_path();
    lock.write(&lock_path).map_err(anyhow::Error::msg)?;
    let pending = crate::features::pending_steps(&parsed).len();
    for f in &files {
        println!("wrote {}", dir.join(&f.file).display());
    }
    println!(
        "docproof init: {} feature{} with {pending} pending steps citing {} steps of {}; wording recorded in {}",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        doc.steps_to_transcribe().count(),
        doc.source,
        lock_path.display()
    );
    println!(
        "next: `docproof doc check --doc {} --features {}`, then automate the steps and remove @pending",
        args.doc.doc,
        dir.display()
    );
    Ok(Ending::Passed)
}
