//! The Office 365 portal and the Microsoft 365 admin center's Active users,
//! in Preview and Classic mode (FAQ 2.1–2.2b).

use docproof_contract::ids::{admin_center as admin, portal};

/// The app launcher ("Office 365 Main Menu") on admin pages: a menu button.
pub const MAIN_MENU: &str = portal::O365_MainLink_NavMenu.css;
/// The portal home's "Office 365 Main Menu" of app tiles.
pub const PORTAL_MAIN_MENU: &str = portal::MAIN_MENU.css;
pub const ADMIN_TILE: &str = portal::O365_AppTile_Admin.css;
pub const TITLE: &str = admin::TITLE.css;
/// The "Users" navigation group: a menu button over its links.
pub const NAV_USERS: &str = admin::NAV_USERS.css;
pub const NAV_ACTIVE_USERS: &str = admin::NAV_ACTIVE_USERS.css;
pub const ACTIVE_USERS_HEADING: &str = admin::ACTIVE_USERS_HEADING.css;
/// Carries `data-mode` = "preview" or "classic".
pub const MODE: &str = admin::MODE.css;
pub const MODE_SWITCH: &str = admin::MODE_SWITCH.css;
pub const EXPORT_USERS: &str = admin::EXPORT_USERS.css;
pub const ADD_USER: &str = admin::ADD_USER.css;
/// Preview: the "…" after "↓ Export users", a menu button.
pub const MORE_ACTIONS: &str = admin::MORE_ACTIONS.css;
/// Classic: the "More" drop-down beside "+ Add a user", a menu button.
pub const MORE_DROPDOWN: &str = admin::MORE_DROPDOWN.css;
/// "Setup Multifactor authentication" / "Multifactor Authentication setup".
pub const SETUP_MFA: &str = admin::SETUP_MFA.css;
pub const SIGN_OUT: &str = admin::SIGN_OUT.css;

/// The admin center's two looks of Active users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Preview,
    Classic,
}

impl Mode {
    pub fn parse(s: &str) -> Option<Mode> {
        match s.trim().to_ascii_lowercase().as_str() {
            "preview" => Some(Mode::Preview),
            "classic" => Some(Mode::Classic),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Preview => "preview",
            Mode::Classic => "classic",
        }
    }
}
