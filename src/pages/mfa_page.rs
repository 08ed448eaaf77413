//! The legacy per-user "multi-factor authentication" page (FAQ 2.3–2.5):
//! search, the users table with MULTI-FACTOR AUTH STATUS, quick steps and
//! their dialogs.

pub const HEADING: &str = "#mfa-heading";
pub const SEARCH: &str = "#mfa-search";
pub const SEARCH_BUTTON: &str = "#mfa-search-button";
pub const VIEW: &str = "#mfa-view";
pub const ROWS: &str = "#mfa-users tr[data-upn]";
pub const NO_RESULTS: &str = "#mfa-no-results";
pub const PANEL_NAME: &str = "#mfa-user-panel-name";
pub const PANEL_STATUS: &str = "#mfa-user-panel-status";
pub const QUICK_STEPS: &str = "#mfa-quick-steps";
/// The "quick steps" heading above the buttons (FAQ 2.5 quotes it).
pub const QUICK_STEPS_TITLE: &str = "#mfa-quick-steps-title";
/// The user name cell of every listed account.
pub const LISTED_UPNS: &str = "#mfa-users tr[data-upn] td.mfa-upn";
pub const ENABLE: &str = "#mfa-quick-enable";
pub const DISABLE: &str = "#mfa-quick-disable";
pub const ENFORCE: &str = "#mfa-quick-enforce";
pub const MANAGE: &str = "#mfa-quick-manage";
pub const DIALOG_TITLE: &str = "#mfa-dialog-title";
pub const DIALOG_TEXT: &str = "#mfa-dialog-text";
pub const DIALOG_CONFIRM: &str = "#mfa-dialog-confirm";
pub const DIALOG_CLOSE: &str = "#mfa-dialog-close";
pub const DIALOG_ERROR: &str = "#mfa-dialog-error";
pub const RESTORE_DEVICES: &str = "#mfa-restore-devices";
pub const REQUIRE_CONTACT_METHODS: &str = "#mfa-require-contact-methods";
pub const DELETE_APP_PASSWORDS: &str = "#mfa-delete-app-passwords";

/// The row of one account.
pub fn row(upn: &str) -> String {
    format!("#mfa-users tr[data-upn=\"{upn}\"]")
}
/// The account's display name link, which selects it (FAQ 2.4).
pub fn select_link(upn: &str) -> String {
    format!("{} a.mfa-select", row(upn))
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
