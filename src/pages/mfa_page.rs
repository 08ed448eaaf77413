//! The legacy per-user "multi-factor authentication" page (FAQ 2.3–2.5):
//! search, the users table with MULTI-FACTOR AUTH STATUS, quick steps and
//! their dialogs.

use const_format::concatcp;
use docproof_contract::ids::mfa_page as ids;

pub const HEADING: &str = ids::HEADING.css;
pub const SEARCH: &str = ids::SEARCH.css;
pub const SEARCH_BUTTON: &str = ids::SEARCH_BUTTON.css;
pub const VIEW: &str = ids::VIEW.css;
pub const ROWS: &str = concatcp!(ids::USERS.css, " tr[data-upn]");
pub const NO_RESULTS: &str = ids::NO_RESULTS.css;
pub const PANEL_NAME: &str = ids::PANEL_NAME.css;
pub const PANEL_STATUS: &str = ids::PANEL_STATUS.css;
pub const QUICK_STEPS: &str = ids::QUICK_STEPS.css;
/// The "quick steps" heading above the buttons (FAQ 2.5 quotes it).
pub const QUICK_STEPS_TITLE: &str = ids::QUICK_STEPS_TITLE.css;
/// The user name cell of every listed account.
pub const LISTED_UPNS: &str = concatcp!(ids::USERS.css, " tr[data-upn] td.mfa-upn");
pub const ENABLE: &str = ids::ENABLE.css;
pub const DISABLE: &str = ids::DISABLE.css;
pub const ENFORCE: &str = ids::ENFORCE.css;
pub const MANAGE: &str = ids::MANAGE.css;
pub const DIALOG_TITLE: &str = ids::DIALOG_TITLE.css;
pub const DIALOG_TEXT: &str = ids::DIALOG_TEXT.css;
pub const DIALOG_CONFIRM: &str = ids::DIALOG_CONFIRM.css;
pub const DIALOG_CLOSE: &str = ids::DIALOG_CLOSE.css;
pub const DIALOG_ERROR: &str = ids::DIALOG_ERROR.css;
pub const RESTORE_DEVICES: &str = ids::RESTORE_DEVICES.css;
pub const REQUIRE_CONTACT_METHODS: &str = ids::REQUIRE_CONTACT_METHODS.css;
pub const DELETE_APP_PASSWORDS: &str = ids::DELETE_APP_PASSWORDS.css;

/// The row of one account.
pub fn row(upn: &str) -> String {
    format!("{} tr[data-upn=\"{upn}\"]", ids::USERS.css)
}
/// The account's display name link, which selects it (FAQ 2.4).
pub fn select_link(upn: &str) -> String {
    format!("{} a.mfa-select", row(upn))
}
/// The account's user name (UPN) link, which selects it too (FAQ 2.4).
pub fn user_name_link(upn: &str) -> String {
    format!("{} td.mfa-upn a", row(upn))
}
/// The account's MULTI-FACTOR AUTH STATUS cell.
pub fn status_cell(upn: &str) -> String {
    format!("{} td.mfa-status", row(upn))
}

/// The quick step button for "Enable", "Disable" or "Enforce".
pub fn quick_step(action: &str) -> Option<&'static str> {
    match action.trim().to_ascii_lowercase().as_str() {
        "enable" => Some(ENABLE),
        "disable" => Some(DISABLE),
        "enforce" => Some(ENFORCE),
        "manage user settings" => Some(MANAGE),
        _ => None,
    }
}
