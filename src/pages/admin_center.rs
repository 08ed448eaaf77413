//! The Office 365 portal and the Microsoft 365 admin center's Active users,
//! in Preview and Classic mode (FAQ 2.1–2.2b).

/// The app launcher ("Office 365 Main Menu") on admin pages.
pub const MAIN_MENU: &str = "#O365_MainLink_NavMenu";
/// The portal home's "Office 365 Main Menu" of app tiles.
pub const PORTAL_MAIN_MENU: &str = "#o365-main-menu";
pub const ADMIN_TILE: &str = "#O365_AppTile_Admin";
pub const TITLE: &str = "#admin-center-title";
pub const NAV_USERS: &str = "#nav-users > summary";
pub const NAV_ACTIVE_USERS: &str = "#nav-active-users";
pub const ACTIVE_USERS_HEADING: &str = "#active-users-heading";
/// Carries `data-mode` = "preview" or "classic".
pub const MODE: &str = "#admin-mode";
pub const MODE_SWITCH: &str = "#admin-mode-switch";
pub const EXPORT_USERS: &str = "#export-users";
pub const ADD_USER: &str = "#add-user";
/// Preview: the "…" after "↓ Export users".
pub const MORE_ACTIONS: &str = "#more-actions > summary";
/// Classic: the "More" drop-down beside "+ Add a user".
pub const MORE_DROPDOWN: &str = "#more-dropdown > summary";
/// "Setup Multifactor authentication" / "Multifactor Authentication setup".
pub const SETUP_MFA: &str = "#setup-mfa";
pub const SIGN_OUT: &str = "#admin-signout";

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
