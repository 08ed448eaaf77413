//! docproof: proves that documented procedures still work.
//!
//! Data flows one way: doc → features → steps → (driver → pages → tenant)
//! and (phone ↔ telephony provider ↔ tenant) → transcript → report.

pub mod atomic;
pub mod cli;
pub mod doc;
pub mod drive;
pub mod features;
pub mod pages;
pub mod phone;
pub mod redact;
pub mod report;
pub mod run;
pub mod steps;
pub mod target;
