//! What a run leaves behind: per-scenario transcripts of what the user saw
//! (snapshotted with insta), the JUnit XML and Cucumber JSON that CI reads,
//! a one-line-per-scenario ledger, and `summary.md` made from it.

pub mod ledger;
pub mod summary;
pub mod transcript;
