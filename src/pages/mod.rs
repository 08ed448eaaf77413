//! Page objects: the selectors of the Microsoft contract
//! (`../shared/reference/m365-contract.md`) in one place, and the small
//! moves a person makes on each page. Shared by simulator and live runs; they
//! see pages only through a [`Driver`](crate::drive::Driver).

pub mod admin_center;
pub mod mfa_page;
pub mod owa;
pub mod proof_up;
pub mod second_factor;
pub mod sign_in;

/// Where the pages live. The simulator serves all of them from one origin;
/// Microsoft spreads them over several (login.microsoftonline.com,
/// admin.microsoft.com, outlook.office.com, account.activedirectory…).
#[derive(Debug, Clone)]
pub struct Sites {
    /// Outlook on the web: "the OWA site" of FAQ 3.1.2.
    pub owa: String,
    /// The Office 365 portal home with the app launcher (FAQ 2.1).
    pub portal: String,
    /// The Microsoft 365 admin center.
    pub admin: String,
    /// The legacy per-user MFA page (FAQ 2.2–2.5).
    pub mfa_page: String,
    /// Exchange Web Services, where non-browser apps use basic auth.
    pub ews: String,
}

impl Sites {
    /// Every page of the embedded simulator at `base` (no trailing slash).
    pub fn simulator(base: &str) -> Sites {
        Sites {
            owa: format!("{base}/owa"),
            portal: format!("{base}/"),
            admin: format!("{base}/admin"),
            mfa_page: format!("{base}{}", crate::tenant::pages::admin::MFA_PATH),
            ews: format!("{base}/EWS/Exchange.asmx"),
        }
    }
}
