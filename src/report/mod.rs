//! What a run leaves behind: per-scenario transcripts of what the user saw
//! (snapshotted with insta), the JUnit XML and Cucumber JSON that CI reads,
//! and a one-line-per-scenario ledger for the summary.

pub mod ledger;
pub mod transcript;
