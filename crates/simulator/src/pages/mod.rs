//! Browser pages: sign-in (converged UI), the second factor and OWA, and
//! per profile the admin center and registration: the FAQ's proof-up
//! ("Additional security verification"), or today's combined registration
//! ("Keep your account secure") and Security info.

// Handlers hand a refusal page straight back as the `Err` of their helpers;
// boxing axum's Response would only add noise.
#![allow(clippy::result_large_err)]

pub mod admin;
pub mod flow;
pub mod owa;
pub mod proofup;
pub mod register;
pub mod sas;
pub mod security_info;
pub mod signin;

use crate::server::AppState;
use axum::Router;
use docproof_contract::profile::Profile;

/// The signed-in session cookie (Microsoft's is also called ESTSAUTH).
pub const SESSION_COOKIE: &str = "ESTSAUTH";

pub use docproof_contract::routes::sign_in_url;

/// The pages of `profile`'s service. Sign-in, the second factor and OWA
/// are the same in both.
pub fn router(profile: Profile) -> Router<AppState> {
    let shared = Router::new()
        .merge(signin::router())
        .merge(sas::router())
        .merge(owa::router());
    match profile {
        Profile::Faq2020 => shared.merge(admin::router()).merge(proofup::router()),
        Profile::Today => shared
            .merge(admin::today_router())
            .merge(register::router())
            .merge(security_info::router()),
    }
}
