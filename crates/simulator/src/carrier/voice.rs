//! The voice menu of a verification call, as Microsoft's side serves it: the
//! telephony provider fetches TwiML for the call, plays it, posts the keys
//! the user pressed to the `<Gather>` action, and reports how the call ended
//! to the `StatusCallback`.
//!
//! Routes (all under the simulator's own address):
//! - `GET|POST /voice/{call_id}/twiml`: the greeting and keypad menu.
//! - `POST /voice/{call_id}/gather`: form `Digits` (one key or several,
//!   e.g. `0#`); answers with what the call says next.
//! - `POST /voice/{call_id}/status`: form `CallStatus`; `no-answer`, `busy`,
//!   `failed` and `canceled` end the verification as not answered.
//!
//! An unknown call id is answered with HTTP 200 and TwiML that says the call
//! is no longer valid and hangs up: a provider (Twilio included) treats any
//! non-2xx answer as an application error and plays its own generic message,
//! which would hide what happened from the person on the phone.
//!
//! The keypad `<Gather>` uses `finishOnKey=""` so that `#` is delivered as a
//! digit: with Twilio's default (`#`), pressing `#` alone would send nothing.
//!
//! The TwiML is written with the contract's `twiml::Document` (quick-xml's
//! writer, which escapes text and URLs).

use crate::server::AppState;
use crate::state::{CallOutcome, KeyResult};
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use docproof_contract::twiml;
use serde::Deserialize;

/// Seconds the provider waits for a key before playing what follows the
/// `<Gather>`. Microsoft does not publish its value (unconfirmed); Twilio's
/// default is 5 s, which is short for someone taking the phone from a pocket.
pub const GATHER_TIMEOUT_SECS: u32 = 10;

/// What the call says, in one place so tests and the harness can quote it.
pub mod wording {
    pub const GREETING: &str = "Thank you for using Microsoft's sign-in verification system. Please press the pound key to finish your verification.";
    pub const FRAUD_HINT: &str =
        "If you did not initiate this verification, press zero then the pound key to report fraud.";
    pub const NO_RESPONSE: &str = "We didn't receive a response. Goodbye.";
    pub const VERIFIED: &str = "Your sign in was successfully verified. Goodbye.";
    pub const CONFIRM_FRAUD: &str =
        "You pressed zero to report fraud. To confirm the fraud alert, press the pound key.";
    pub const FRAUD_REPORTED: &str =
        "Your fraud alert was submitted and this sign-in has been blocked. Goodbye.";
    pub const WRONG_KEY: &str = "That key is not valid.";
    pub const ENDED: &str = "This verification call has ended. Goodbye.";
    pub const UNKNOWN_CALL: &str = "This verification call is no longer valid. Goodbye.";
}

/// Where the provider fetches the call's TwiML (voice menu).
pub fn twiml_url(base: &str, call_id: &str) -> String {
    format!("{base}/voice/{call_id}/twiml")
}
/// Where the provider reports the call's status (Twilio `StatusCallback`).
pub fn status_callback_url(base: &str, call_id: &str) -> String {
    format!("{base}/voice/{call_id}/status")
}
/// Where the `<Gather>` posts the pressed keys.
pub fn gather_url(base: &str, call_id: &str) -> String {
    format!("{base}/voice/{call_id}/gather")
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/voice/{call_id}/twiml", get(menu).post(menu))
        .route("/voice/{call_id}/gather", post(gather))
        .route("/voice/{call_id}/status", post(status))
}

/// A TwiML document under construction.
struct Twiml(twiml::Document);

impl Default for Twiml {
    fn default() -> Self {
        Twiml(twiml::Document::new())
    }
}

impl Twiml {
    fn say(self, text: &str) -> Self {
        Twiml(self.0.say(text))
    }
    /// A one-key `<Gather>` playing `prompts`, followed by what the call
    /// says when no key comes.
    fn gather(self, action: &str, prompts: &[&str]) -> Self {
        let timeout = GATHER_TIMEOUT_SECS.to_string();
        let attrs = [
            ("action", action),
            ("method", "POST"),
            ("numDigits", "1"),
            ("finishOnKey", ""),
            ("timeout", timeout.as_str()),
        ];
        Twiml(self.0.gather(&attrs, prompts))
            .say(wording::NO_RESPONSE)
            .hangup()
    }
    fn hangup(self) -> Self {
        Twiml(self.0.hangup())
    }
    fn into_response(self) -> Response {
        let mut resp = self.0.finish().into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/xml; charset=utf-8"),
        );
        resp
    }
}

fn main_menu(base: &str, call_id: &str) -> Twiml {
    Twiml::default().gather(
        &gather_url(base, call_id),
        &[wording::GREETING, wording::FRAUD_HINT],
    )
}

fn goodbye(text: &str) -> Response {
    Twiml::default().say(text).hangup().into_response()
}

async fn menu(State(sim): State<AppState>, Path(call_id): Path<String>) -> Response {
    match sim.tenant.call(&call_id) {
        None => goodbye(wording::UNKNOWN_CALL),
        Some(call) if call.outcome != CallOutcome::Ringing => goodbye(wording::ENDED),
        Some(_) => main_menu(sim.tenant.base_url(), &call_id).into_response(),
    }
}

/// Twilio's `<Gather>` post. Other fields (CallSid, From, To, …) are ignored.
#[derive(Deserialize)]
struct GatherForm {
    #[serde(rename = "Digits")]
    digits: Option<String>,
}

async fn gather(
    State(sim): State<AppState>,
    Path(call_id): Path<String>,
    form: Result<Form<GatherForm>, FormRejection>,
) -> Response {
    let base = sim.tenant.base_url();
    let Some(call) = sim.tenant.call(&call_id) else {
        return goodbye(wording::UNKNOWN_CALL);
    };
    let digits: String = form
        .ok()
        .and_then(|Form(f)| f.digits)
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if digits.is_empty() {
        // No key: play the menu again (or say goodbye if the call is over).
        if call.outcome != CallOutcome::Ringing {
            return goodbye(wording::ENDED);
        }
        return main_menu(base, &call_id).into_response();
    }
    match sim.tenant.press_keys(&call_id, &digits) {
        KeyResult::Verified => goodbye(wording::VERIFIED),
        KeyResult::AwaitFraudConfirm => Twiml::default()
            .gather(&gather_url(base, &call_id), &[wording::CONFIRM_FRAUD])
            .into_response(),
        KeyResult::FraudReported => goodbye(wording::FRAUD_REPORTED),
        KeyResult::WrongKey(_) => Twiml::default()
            .say(wording::WRONG_KEY)
            .gather(
                &gather_url(base, &call_id),
                &[wording::GREETING, wording::FRAUD_HINT],
            )
            .into_response(),
        KeyResult::Ended => goodbye(wording::ENDED),
    }
}

/// Twilio's `StatusCallback` post. Other fields are ignored.
#[derive(Deserialize)]
struct StatusForm {
    #[serde(rename = "CallStatus")]
    call_status: Option<String>,
}

async fn status(
    State(sim): State<AppState>,
    Path(call_id): Path<String>,
    form: Result<Form<StatusForm>, FormRejection>,
) -> StatusCode {
    let status = form
        .ok()
        .and_then(|Form(f)| f.call_status)
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match status.as_str() {
        "no-answer" | "busy" | "failed" | "canceled" => {
            tracing::info!(%status, "verification call ended unanswered");
            sim.tenant.call_not_answered(&call_id, &status);
        }
        _ => tracing::debug!(%status, "verification call status"),
    }
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gather_asks_for_one_key_and_delivers_pound() {
        let t = Twiml::default()
            .gather("http://x/voice/1/gather?a=1&b=2", &["Hi"])
            .0
            .finish();
        assert!(t.contains(
            r#"<Response><Gather action="http://x/voice/1/gather?a=1&amp;b=2" method="POST" numDigits="1" finishOnKey="" timeout="10"><Say>Hi</Say></Gather>"#
        ), "{t}");
        assert!(t.ends_with("<Hangup/></Response>"), "{t}");
    }
}
