//! PLACEHOLDER: the voice menu (TwiML) served to the provider. Being written.
use crate::tenant::server::AppState;
use axum::Router;
pub fn router() -> Router<AppState> { Router::new() }
