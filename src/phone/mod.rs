//! The test's side of the phone: a Twilio-compatible telephony provider
//! (wiremock) that the tenant texts and calls through, and a phone that
//! reads those texts and answers those calls the way Twilio would.
//!
//! - [`TelephonyProvider`] accepts `Messages.json` and `Calls.json` posts,
//!   logs what it delivered ([`Text`], [`PlacedCall`]), and can be made to
//!   fail or slow down until [`TelephonyProvider::recover`].
//! - [`TelephonyProvider::answer`] plays a call's TwiML and presses keys;
//!   [`TelephonyProvider::let_ring_out`] reports a call as not answered.
//!
//! Nothing here knows the simulator's internals: the same phone works
//! against any tenant that speaks Twilio's API to a configurable base URL.

mod call;
mod provider;

pub use provider::TelephonyProvider;

use regex::Regex;
use std::fmt;
use std::sync::LazyLock;
use std::time::Duration;

/// A text message the provider accepted (answered 201) for delivery.
#[derive(Clone, PartialEq, Eq)]
pub struct Text {
    /// The provider's message sid (`SM` + 32 hex digits).
    pub sid: String,
    pub to: String,
    pub from: String,
    /// May carry a one-time code: never printed in clear by `Debug`.
    pub body: String,
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Text")
            .field("sid", &self.sid)
            .field("to", &self.to)
            .field("from", &self.from)
            .field("body", &redact(&self.body))
            .finish()
    }
}

/// A call the provider accepted (answered 201) and is ringing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedCall {
    /// The provider's call sid (`CA` + 32 hex digits).
    pub sid: String,
    /// The account the call was placed on (from the request path).
    pub account_sid: String,
    pub to: String,
    pub from: String,
    /// Where the call's TwiML (voice menu) is fetched (`Url`).
    pub twiml_url: String,
    /// How the TwiML is fetched (`Method`, Twilio's default `POST`).
    pub method: String,
    /// Where the call's end is reported (`StatusCallback`), if anywhere.
    pub status_callback: Option<String>,
    /// Seconds the call rings before `no-answer` (`Timeout`), if given.
    pub timeout_secs: Option<u64>,
}

/// What a call said when answered, and after the keys were pressed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallAnswer {
    /// `<Say>` texts, in order, up to the keypad prompt (`<Gather>`).
    pub said: Vec<String>,
    /// `<Say>` texts, in order, after the keys were pressed.
    pub after_keys: Vec<String>,
    /// The call ended after the keys (`<Hangup/>`, `<Reject/>`, or no more
    /// instructions).
    pub hung_up: bool,
    /// The call asked for keys again after the keys (e.g. a wrong key).
    pub gathers_again: bool,
    /// When it asks again: the prompt it waits on, for
    /// [`TelephonyProvider::press`].
    pub asking: Option<Asking>,
}

/// A call on the line, waiting for keys at a `<Gather>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asking {
    pub(crate) gather: docproof_contract::twiml::Gather,
    /// The TwiML document the prompt is in.
    pub(crate) url: String,
}

/// Why the phone could not do what a test asked, worded for a QA engineer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("{}", no_arrival("text message", "text", .to, .waited, .seen, .texts_to_others))]
    NoText {
        to: String,
        waited: Duration,
        /// Texts to `to` that the caller had already seen.
        seen: usize,
        texts_to_others: usize,
    },
    #[error("{}", no_arrival("call", "call", .to, .waited, .seen, .calls_to_others))]
    NoCall {
        to: String,
        waited: Duration,
        /// Calls to `to` that the caller had already seen.
        seen: usize,
        calls_to_others: usize,
    },
    #[error("the phone could not reach the call's voice menu at {url}: {error}")]
    TwimlUnreachable { url: String, error: String },
    #[error("the call's voice menu at {url} answered HTTP {status}: {received}")]
    TwimlStatus {
        url: String,
        status: u16,
        received: String,
    },
    #[error("the call's voice menu at {url} is not TwiML ({problem}): {received}")]
    NotTwiml {
        url: String,
        problem: String,
        received: String,
    },
    #[error("the call's voice menu at {url} never asks for a key (no <Gather>): {received}")]
    NoGather { url: String, received: String },
    #[error("the call's voice menu redirected more than {hops} times in a row, last to {url}")]
    TooManyRedirects { url: String, hops: usize },
    #[error("{keys:?} cannot be pressed on a phone: use the keys 0-9, * and #")]
    BadKeys { keys: String },
    #[error("the call to {to} ({sid}) has no StatusCallback, so nobody can be told it rang out")]
    NoStatusCallback { to: String, sid: String },
    #[error("the phone could not report the call's status to {url}: {error}")]
    CallbackUnreachable { url: String, error: String },
    #[error("the call's StatusCallback at {url} answered HTTP {status}: {received}")]
    CallbackStatus {
        url: String,
        status: u16,
        received: String,
    },
}

/// "no text message reached +1 2065550101 within 5.0 s (2 texts went to
/// other numbers)", with "new … after the N already seen" when `seen` > 0.
fn no_arrival(
    what: &str,
    short: &str,
    to: &str,
    waited: &Duration,
    seen: &usize,
    others: &usize,
) -> String {
    let (new, before) = match *seen {
        0 => ("", String::new()),
        1 => ("new ", format!(" after the 1 {short} already seen")),
        n => ("new ", format!(" after the {n} {short}s already seen")),
    };
    let elsewhere = match *others {
        0 => format!("no {short}s went to other numbers"),
        1 => format!("1 {short} went to another number"),
        n => format!("{n} {short}s went to other numbers"),
    };
    format!(
        "no {new}{what} reached {to} within {:.1} s{before} ({elsewhere})",
        waited.as_secs_f64()
    )
}

pub use docproof_contract::domain::code_in;

/// `text` with every run of six or more digits replaced by `••••••`.
pub fn redact(text: &str) -> String {
    static DIGITS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new("[0-9]{6,}").expect("a valid pattern"));
    DIGITS.replace_all(text, "••••••").into_owned()
}

/// Two phone numbers are the same when their digits are
/// (`+1 2065550101` = `+12065550101` = `+1 (206) 555-0101`).
pub fn same_number(a: &str, b: &str) -> bool {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let da = digits(a);
    !da.is_empty() && da == digits(b)
}

/// At most 200 characters of what was received, for error messages.
fn excerpt(received: &str) -> String {
    const MAX: usize = 200;
    let flat = received.trim();
    match flat.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None if flat.is_empty() => "(empty)".to_string(),
        None => flat.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_cut_at_200_characters() {
        assert_eq!(excerpt(""), "(empty)");
        let long = "é".repeat(300);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), 201);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn numbers_compare_by_digits() {
        assert!(same_number("+1 2065550101", "+12065550101"));
        assert!(same_number(" 12065550101", "+1 (206) 555-0101"));
        assert!(!same_number("+1 2065550101", "+1 2065550102"));
        assert!(!same_number("", ""));
    }
}
