//! PLACEHOLDER: the voice menu (TwiML) served to the provider. Being written.
use crate::tenant::server::AppState;
use axum::Router;
pub fn router() -> Router<AppState> { Router::new() }

/// Where the provider fetches the call's TwiML (voice menu).
pub fn twiml_url(base: &str, call_id: &str) -> String {
    format!("{base}/voice/{call_id}/twiml")
}
/// Where the provider reports the call's status (Twilio `StatusCallback`).
pub fn status_callback_url(base: &str, call_id: &str) -> String {
    format!("{base}/voice/{call_id}/status")
}
