//! Today's "Per-user multifactor authentication" page in the Microsoft
//! Entra admin center, reached from the "Multi-factor authentication"
//! button of Active users: search and filters, a checkbox per user, and a
//! command bar (Enable MFA, Disable MFA, Enforce MFA) whose commands
//! confirm in a dialog. See `docs/m365-today.md`.

use docproof_contract::ids::per_user_mfa as ids;

/// The "Multi-factor authentication" button of today's Active users toolbar.
pub const MFA_BUTTON: &str = ids::MFA_BUTTON.css;
pub const HEADING: &str = ids::HEADING.css;
pub const SEARCH: &str = ids::SEARCH.css;
/// The filter's "Apply": runs the search.
pub const APPLY: &str = ids::APPLY.css;
pub const TOOLBAR: &str = ids::TOOLBAR.css;
pub const ROWS: &str = "#peruser-mfa-users tr[data-upn]";
pub const LISTED_UPNS: &str = "#peruser-mfa-users tr[data-upn] td.peruser-mfa-upn";
pub const DIALOG_TITLE: &str = ids::DIALOG_TITLE.css;
pub const DIALOG_CONFIRM: &str = ids::DIALOG_CONFIRM.css;
pub const DIALOG_ERROR: &str = ids::DIALOG_ERROR.css;
/// What a command did ("role=status").
pub const MESSAGE: &str = ids::MESSAGE.css;
pub const ERROR: &str = ids::ERROR.css;

/// The row of one account.
pub fn row(upn: &str) -> String {
    format!("{} tr[data-upn=\"{upn}\"]", ids::USERS.css)
}
/// The account's checkbox: ticking it selects the account for a command.
pub fn select_box(upn: &str) -> String {
    format!("{} input[type=checkbox]", row(upn))
}
/// The account's "Per-user MFA status" cell.
pub fn status_cell(upn: &str) -> String {
    format!("{} td.peruser-mfa-status", row(upn))
}

/// The command for "Enable", "Disable" or "Enforce", and its label.
pub fn command(action: &str) -> Option<(&'static str, &'static str)> {
    match action.trim().to_ascii_lowercase().as_str() {
        "enable" => Some((ids::ENABLE.css, "Enable MFA")),
        "disable" => Some((ids::DISABLE.css, "Disable MFA")),
        "enforce" => Some((ids::ENFORCE.css, "Enforce MFA")),
        _ => None,
    }
}
