//! `docproof run`: the options, handed to [`crate::run::run`].

use super::{Ending, RunArgs, RunCmd, Signal};
use crate::run::browsers::BrowserOptions;
use crate::run::{RunOptions, RunSummary};
use std::path::Path;

pub async fn run(cmd: RunCmd) -> Ending {
    let last_failed = cmd.common.last_failed;
    let mut opts = options(cmd.common);
    if let Some(ending) = only_last_failed(last_failed, &mut opts) {
        return ending;
    }
    opts.snapshots = (!cmd.no_snapshots).then_some(cmd.snapshots);
    opts.profile = cmd.profile;
    match until_signal(opts).await {
        Ok(summary) => {
            crate::run::print_summary(&summary);
            Ending::from_verdict(summary.success())
        }
        Err(ending) => ending,
    }
}

/// With `--last-failed`, narrows `opts` to the scenarios that did not pass
/// in the last run in its report folder; the `Ending` when there is
/// nothing to run (all passed: done) or no last run to read.
pub fn only_last_failed(last_failed: bool, opts: &mut RunOptions) -> Option<Ending> {
    if !last_failed {
        return None;
    }
    match crate::report::record::RunRecord::read(&opts.report) {
        Ok(last) => {
            let failed = last.not_passed();
            if failed.is_empty() {
                println!(
                    "docproof: every scenario of the last run passed ({}); nothing to re-run",
                    opts.report.join(crate::report::record::RUN_JSON).display()
                );
                return Some(Ending::Passed);
            }
            opts.only = Some(failed);
            None
        }
        Err(e) => Some(Ending::CannotStart(e.context(
            "--last-failed re-runs what failed in the last run, and there is none to read",
        ))),
    }
}

/// The options `run` and `audit` share.
pub fn options(args: RunArgs) -> RunOptions {
    RunOptions {
        features: args.features,
        doc: args.doc.doc.into(),
        max_doc_size: args.doc.max_doc_size,
        tags: args.tags,
        report: args.report,
        concurrency: args.concurrency,
        browser: BrowserOptions {
            driver: args.driver,
            webdriver: args.webdriver,
            require_browser: args.require_browser,
            pool: None,
        },
        tenant: args.tenant,
        verbose: !args.quiet,
        shard: args.shard,
        ..RunOptions::default()
    }
}

/// Runs until done or until a signal stops it; the `Err` is how the
/// command ends without a summary.
pub async fn until_signal(opts: RunOptions) -> Result<RunSummary, Ending> {
    let report = opts.report.clone();
    // A signal drops the run, and with it chromedriver and every browser it
    // started (their guards clean up on drop); then the reports say so.
    // Biased: the handlers are installed before the run's first step.
    let signal = tokio::select! {
        biased;
        signal = super::interrupted() => signal,
        outcome = crate::run::run(opts) => return outcome.map_err(Ending::CannotStart),
    };
    Err(Ending::Interrupted {
        signal,
        done: stopped_reports(&report, signal),
    })
}

/// Records in the reports that `signal` stopped the run; says what was done.
fn stopped_reports(report: &Path, signal: Signal) -> String {
    let why = format!("stopped by {}", signal.name());
    match crate::report::folder::stopped(report, &why, &[]) {
        Ok(()) => format!(
            "browsers closed, and the reports in {} say the run was stopped",
            report.display()
        ),
        // A folder that could not be prepared has nothing of this run's.
        Err(e) => format!(
            "browsers closed; the reports in {} could not record the stop ({e})",
            report.display()
        ),
    }
}
