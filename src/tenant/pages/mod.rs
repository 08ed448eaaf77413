//! Browser pages: sign-in, proof-up, OWA, admin center.
use crate::tenant::server::AppState;
use axum::Router;
pub fn router() -> Router<AppState> { Router::new() }
