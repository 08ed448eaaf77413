//! The page where an admin sees and sets each user's Multi-Factor Auth
//! Status, whichever the service shows: the legacy "multi-factor
//! authentication" page of the FAQ ([`mfa_page`]) or today's Entra
//! "Per-user multifactor authentication" ([`per_user_mfa`]). Steps whose
//! FAQ wording names only the status (3.1.1 "Set the Multi-Factor Auth
//! Status … to Enabled", 3.1.6 "… is now turned to Enforced") use this;
//! steps that quote the 2020 page's controls use [`mfa_page`] itself.

use super::{mfa_page, per_user_mfa};
use docproof_contract::profile::Profile;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusPage {
    /// "multi-factor authentication" (2020): a link selects an account,
    /// "quick steps" change it.
    Legacy,
    /// "Per-user multifactor authentication" (today): a checkbox selects
    /// an account, the command bar changes it.
    PerUser,
}

impl StatusPage {
    /// The page the profile's service shows.
    pub fn of(profile: Profile) -> StatusPage {
        match profile {
            Profile::Faq2020 => StatusPage::Legacy,
            Profile::Today => StatusPage::PerUser,
        }
    }
    pub fn heading(self) -> &'static str {
        match self {
            StatusPage::Legacy => mfa_page::HEADING,
            StatusPage::PerUser => per_user_mfa::HEADING,
        }
    }
    pub fn search(self) -> &'static str {
        match self {
            StatusPage::Legacy => mfa_page::SEARCH,
            StatusPage::PerUser => per_user_mfa::SEARCH,
        }
    }
    /// The button that runs the search.
    pub fn search_button(self) -> &'static str {
        match self {
            StatusPage::Legacy => mfa_page::SEARCH_BUTTON,
            StatusPage::PerUser => per_user_mfa::APPLY,
        }
    }
    /// One element per listed account.
    pub fn rows(self) -> &'static str {
        match self {
            StatusPage::Legacy => mfa_page::ROWS,
            StatusPage::PerUser => per_user_mfa::ROWS,
        }
    }
    /// The user name (UPN) of every listed account.
    pub fn listed_upns(self) -> &'static str {
        match self {
            StatusPage::Legacy => mfa_page::LISTED_UPNS,
            StatusPage::PerUser => per_user_mfa::LISTED_UPNS,
        }
    }
    pub fn status_cell(self, upn: &str) -> String {
        match self {
            StatusPage::Legacy => mfa_page::status_cell(upn),
            StatusPage::PerUser => per_user_mfa::status_cell(upn),
        }
    }
}
