//! Page objects: the small moves a person makes on each Microsoft page, with
//! selectors built from the contract's ids (`docproof_contract::ids`; see
//! `docs/m365-contract.md`). Shared by simulator and live runs; they
//! see pages only through a [`Driver`](crate::drive::Driver).

use docproof_contract::profile::Profile;
use docproof_contract::routes;

pub mod admin_center;
pub mod mfa_page;
pub mod owa;
pub mod per_user_mfa;
pub mod proof_up;
pub mod register;
pub mod second_factor;
pub mod sign_in;
pub mod status_page;

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
    /// Where the admin sets per-user MFA status: the legacy page of FAQ
    /// 2.2–2.5, or today's Entra "Per-user multifactor authentication".
    pub mfa_page: String,
    /// Exchange Web Services, where non-browser apps use basic auth.
    pub ews: String,
}

impl Sites {
    /// Every page of the embedded simulator at `base` (no trailing slash),
    /// as `profile` lays them out.
    pub fn simulator(base: &str, profile: Profile) -> Sites {
        let mfa_page = match profile {
            Profile::Faq2020 => routes::MFA_PAGE,
            Profile::Today => routes::PER_USER_MFA,
        };
        Sites {
            owa: format!("{base}{}", routes::OWA),
            portal: format!("{base}{}", routes::PORTAL),
            admin: format!("{base}{}", routes::ADMIN),
            mfa_page: format!("{base}{mfa_page}"),
            ews: format!("{base}{}", routes::EWS),
        }
    }
}
