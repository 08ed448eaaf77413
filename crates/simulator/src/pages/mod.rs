//! Browser pages: sign-in (converged UI), proof-up, the second factor, OWA,
//! and the admin center.

// Handlers hand a refusal page straight back as the `Err` of their helpers;
// boxing axum's Response would only add noise.
#![allow(clippy::result_large_err)]

pub mod admin;
pub mod flow;
pub mod owa;
pub mod proofup;
pub mod sas;
pub mod signin;

use crate::server::AppState;
use axum::Router;

/// The signed-in session cookie (Microsoft's is also called ESTSAUTH).
pub const SESSION_COOKIE: &str = "ESTSAUTH";

pub use docproof_contract::routes::sign_in_url;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(admin::router())
        .merge(signin::router())
        .merge(sas::router())
        .merge(proofup::router())
        .merge(owa::router())
}
