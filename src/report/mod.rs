//! What a run leaves behind: per-scenario transcripts of what the user saw
//! (snapshotted with insta), the JUnit XML and Cucumber JSON that CI reads,
//! a one-line-per-scenario ledger, `summary.md` made from it, and the
//! coverage matrix of the FAQ's steps (`coverage.md`). Every file is
//! written atomically (`crate::atomic`); `folder` keeps a stopped run's
//! reports honest.

pub mod coverage;
pub mod drift;
pub mod folder;
pub mod html;
pub mod junit_errors;
pub mod ledger;
pub mod record;
pub mod run_summary;
pub mod summary;
pub mod transcript;

/// Text safe inside a Markdown table cell or list item.
pub fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}
