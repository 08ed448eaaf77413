//! PLACEHOLDER: embedded Twilio-compatible carrier and /phone. Being written.
use crate::tenant::server::AppState;
use axum::Router;
#[derive(Default)]
pub struct VirtualCarrier {}
pub fn router() -> Router<AppState> { Router::new() }
