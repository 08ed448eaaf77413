//! `docproof run`: the options, handed to [`crate::run::run`].

use super::{Ending, RunArgs};
use crate::run::browsers::BrowserOptions;

pub async fn run(args: RunArgs) -> Ending {
    let opts = crate::run::RunOptions {
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
        snapshots: (!args.no_snapshots).then_some(args.snapshots),
        verbose: !args.quiet,
    };
    match crate::run::run(opts).await {
        Ok(summary) => {
            crate::run::print_summary(&summary);
            Ending::from_verdict(summary.success())
        }
        Err(e) => Ending::CannotStart(e),
    }
}
