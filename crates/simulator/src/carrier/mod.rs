//! Telephony: the client the tenant uses to text and call, the voice menu
//! (TwiML) the provider fetches for a call, and the embedded virtual
//! carrier, a Twilio-compatible provider at `/carrier` with its phone page
//! at `/phone`, the only provider `docproof serve` and the harness use.
//!
//! - `client`: texts and calls leave as Twilio REST requests.
//! - `voice`: the call's voice menu, written with quick-xml.
//! - `virtual_carrier`: the carrier's memory and how it plays a call.
//! - `api`: Twilio's REST API over it (and docproof's `docproof` field on
//!   a Call).
//! - `faults`: docproof's own controls: fault switches and ring-out.
//! - `hosts`: which hosts the carrier fetches from.
//! - `phone_page`: the virtual phone for people (askama templates).
//! - `numbers`: how the carrier files and shows phone numbers.

pub mod api;
pub mod client;
pub mod faults;
pub mod hosts;
pub mod numbers;
pub mod phone_page;
pub mod virtual_carrier;
pub mod voice;

use super::server::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(voice::router())
        .merge(api::router())
        .merge(faults::router())
        .merge(phone_page::router())
}
