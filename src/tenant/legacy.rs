//! PLACEHOLDER: being written.
use crate::tenant::server::AppState;
use axum::Router;
pub fn router() -> Router<AppState> { Router::new() }
