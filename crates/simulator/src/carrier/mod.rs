//! Telephony: the client the tenant uses to text and call, the voice menu
//! (TwiML) the provider fetches for a call, and the embedded virtual carrier
//! with its phone page for people exploring by hand.

pub mod client;
pub mod virtual_carrier;
pub mod voice;

use super::server::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(voice::router())
        .merge(virtual_carrier::router())
}
