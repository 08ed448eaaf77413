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

use crate::tenant::html;
use crate::tenant::server::AppState;
use axum::Router;

/// The signed-in session cookie (Microsoft's is also called ESTSAUTH).
pub const SESSION_COOKIE: &str = "ESTSAUTH";

/// Where an unauthenticated browser is sent to sign in, then back to `return_to`.
pub fn sign_in_url(return_to: &str) -> String {
    format!(
        "/common/oauth2/v2.0/authorize?redirect_uri={}",
        html::urlencode(return_to)
    )
}

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(admin::router())
        .merge(signin::router())
        .merge(sas::router())
        .merge(proofup::router())
        .merge(owa::router())
}
