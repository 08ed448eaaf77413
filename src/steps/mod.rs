//! Cucumber step definitions, grouped by actor: the admin (admin center,
//! Graph), the user (sign-in, proof-up, OWA), the user's phone, the backup
//! app (a non-browser app using basic auth), and Office 365 itself (settings
//! that take time, FAQ 4.1).
//!
//! Every step function takes the Gherkin `step` and calls
//! [`DocWorld::at`] first, so the transcript and every failure name the FAQ
//! step it carries out. Step bodies are plain async functions, so compound
//! set-up steps can reuse them.

pub mod admin;
pub mod backup_app;
pub mod office365;
pub mod phone;
pub mod user;
pub mod world;

pub use world::{Actor, DocWorld, RunConfig};

use docproof_contract::domain::MfaStatus;
use std::str::FromStr;

/// `{status}`: a Multi-Factor Auth Status as the admin page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "status", regex = "Disabled|Enabled|Enforced")]
pub struct Status(pub MfaStatus);

impl FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MfaStatus::parse(s).map(Status)
    }
}
