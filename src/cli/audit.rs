//! `docproof audit`: the doc's own features against a profile (today's
//! service by default), judged step by step into `drift.md` and
//! `drift.json` ([`crate::report::drift`]).

use super::run::{only_last_failed, options, until_signal};
use super::{AuditCmd, Ending};
use crate::report::drift::Verdict;

pub async fn audit(cmd: AuditCmd) -> Ending {
    let last_failed = cmd.common.last_failed;
    let mut opts = options(cmd.common);
    if let Some(ending) = only_last_failed(last_failed, &mut opts) {
        return ending;
    }
    opts.profile = cmd.profile;
    opts.audit = true;
    // Today's pages are not the FAQ's: what the user saw is the finding,
    // not a snapshot difference.
    opts.snapshots = None;
    let summary = match until_signal(opts).await {
        Ok(summary) => summary,
        Err(ending) => return ending,
    };
    crate::run::print_summary(&summary);
    if let Some(why) = summary.audit_not_judged() {
        return Ending::CannotStart(anyhow::anyhow!(
            "the audit could not judge the doc: {why}; see {}",
            summary.report.display()
        ));
    }
    let Some(audit) = &summary.audit else {
        return Ending::CannotStart(anyhow::anyhow!("the audit wrote no verdicts"));
    };
    let off = audit.count(Verdict::Drifted) + audit.count(Verdict::NotReached);
    Ending::from_verdict(!(cmd.fail_on_drift && off > 0))
}
