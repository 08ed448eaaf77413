//! The test's phone: reads the texts and answers the calls a tenant sends
//! through a Twilio-compatible provider, over Twilio's REST API only, as a
//! program would against Twilio itself (HTTP basic auth
//! `AccountSid:AuthToken`):
//!
//! - texts: `GET …/Messages.json?To=…` ([`Phone::wait_for_text`]);
//! - calls: `GET …/Calls.json?To=…` ([`Phone::wait_for_call`]);
//! - keys: "update a call", `POST …/Calls/{CallSid}.json` with
//!   `Twiml=<Response><Play digits="#"/></Response>` ([`Phone::answer`],
//!   [`Phone::press`]); hanging up: `Status=completed`.
//!
//! Two things real Twilio has no API for, the phone takes from docproof's
//! documented additions (`docproof_contract::twilio`), which the
//! simulator's virtual carrier serves: what a call said (the `docproof`
//! field of a Call resource), and the controls a test needs: letting a call
//! ring out now and switching the provider's faults ([`FaultSwitches`]).
//! Against a provider without them, those moves fail saying so.
//!
//! Nothing here knows the simulator's internals: a phone is built from a
//! provider's base URL and the account's credentials.

mod api;
mod call;
mod faults;

pub use faults::FaultSwitches;

use api::Api;
use docproof_contract::domain::Secret;
use regex::Regex;
use serde_json::Value;
use std::fmt;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

/// How often `wait_for_*` asks the provider again.
const POLL: Duration = Duration::from_millis(25);

/// The test's phone, talking to the provider at one base URL.
#[derive(Debug, Clone)]
pub struct Phone {
    api: Api,
}

/// A text message the provider delivered.
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

/// A call the provider placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedCall {
    /// The provider's call sid (`CA` + 32 hex digits).
    pub sid: String,
    pub to: String,
    pub from: String,
    /// Twilio's call status when the phone saw it (`ringing`, …).
    pub status: String,
}

/// What a call said when answered, and after the keys were pressed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallAnswer {
    /// What the call said before the first key was pressed (when
    /// answering: the greeting and the keypad prompt).
    pub said: Vec<String>,
    /// What it said after the keys.
    pub after_keys: Vec<String>,
    /// The call ended after the keys.
    pub hung_up: bool,
    /// The call asked for keys again after the keys (e.g. a wrong key);
    /// [`Phone::press`] answers it.
    pub waiting_for_keys: bool,
}

impl CallAnswer {
    /// Whether, after the keys, the call asked again the question it asked
    /// for the pound key when answered (Microsoft repeats its prompt after a
    /// wrong key). Another question that also wants the pound key, such as
    /// confirming a fraud alert after 0, is not asking again.
    pub fn asks_again(asked: &[String], after_keys: &[String]) -> bool {
        asked
            .iter()
            .filter(|line| asks_for_pound_key(line))
            .any(|question| after_keys.contains(question))
    }
}

/// Whether a line the call says asks for the pound key (#).
fn asks_for_pound_key(line: &str) -> bool {
    let line = line.to_lowercase();
    line.contains("pound key") || line.contains('#')
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
    #[error("the phone could not reach the telephony provider to {what} ({url}): {error}")]
    Unreachable {
        what: String,
        url: String,
        error: String,
    },
    #[error("the telephony provider refused to {what} ({url}): HTTP {status}{}", twilio_said(.code, .message))]
    Refused {
        what: String,
        url: String,
        status: u16,
        /// Twilio's error code, when the answer had one.
        code: Option<u64>,
        message: String,
    },
    #[error("the telephony provider's answer to {what} ({url}) is not what Twilio answers ({problem}): {received}")]
    NotTwilio {
        what: String,
        url: String,
        problem: String,
        received: String,
    },
    #[error("the telephony provider at {base} does not tell what a call says (its Call resources have no `docproof` field): only docproof's virtual carrier lets the phone hear a call")]
    CannotHear { base: String },
    #[error("{keys:?} cannot be pressed on a phone: use the keys 0-9, * and #")]
    BadKeys { keys: String },
    #[error("the call to {to} ({sid}) can no longer be answered: it is {status}")]
    NotRinging {
        to: String,
        sid: String,
        status: String,
    },
    #[error("the call to {to} ({sid}) is not waiting for a key: it is {status}")]
    NotWaiting {
        to: String,
        sid: String,
        status: String,
    },
    #[error("the call to {to} ({sid}) ended without asking for a key; it said: {}", said_or_nothing(.said))]
    NoKeysAsked {
        to: String,
        sid: String,
        said: Vec<String>,
    },
    #[error("the call to {to} ({sid}) failed: {error}")]
    CallFailed {
        to: String,
        sid: String,
        error: String,
    },
    #[error("the call to {to} ({sid}) was still playing after {:.1} s: it neither asked for keys nor ended", .waited.as_secs_f64())]
    StillPlaying {
        to: String,
        sid: String,
        waited: Duration,
    },
    #[error("the call to {to} ({sid}) did not ring out: it is {status}")]
    DidNotRingOut {
        to: String,
        sid: String,
        status: String,
    },
    #[error("the telephony provider at {base} has no docproof controls ({url} answered HTTP 404): faults can be switched, and calls rung out at once, only on docproof's virtual carrier")]
    NoControls { base: String, url: String },
}

/// ": Twilio error 20503: Service Unavailable", or nothing.
fn twilio_said(code: &Option<u64>, message: &str) -> String {
    match (code, message.is_empty()) {
        (Some(code), false) => format!(" (Twilio error {code}: {message})"),
        (Some(code), true) => format!(" (Twilio error {code})"),
        (None, false) => format!(": {message}"),
        (None, true) => String::new(),
    }
}

fn said_or_nothing(said: &[String]) -> String {
    if said.is_empty() {
        "nothing".to_string()
    } else {
        said.iter()
            .map(|s| format!("\"{s}\""))
            .collect::<Vec<_>>()
            .join(" ")
    }
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

impl Phone {
    /// A phone for the provider at `base_url` (Twilio's paths follow it:
    /// `{base_url}/2010-04-01/Accounts/{account_sid}/…`), signing its
    /// requests with the account's credentials.
    pub fn new(base_url: &str, account_sid: &str, auth_token: Secret) -> Phone {
        Phone {
            api: Api::new(base_url, account_sid, auth_token),
        }
    }

    /// The provider's base URL.
    pub fn base_url(&self) -> &str {
        self.api.base()
    }

    /// docproof's fault switches on the provider this phone talks to.
    pub fn provider_faults(&self) -> FaultSwitches<'_> {
        FaultSwitches::new(&self.api)
    }

    /// Every text delivered to `to`, oldest first (numbers compare by
    /// digits only: `+1 2065550101` is `+12065550101`).
    pub async fn texts(&self, to: &str) -> Result<Vec<Text>, PhoneError> {
        let listed = self.api.list("Messages", Some(to)).await?;
        let texts = listed.iter().filter_map(text_of);
        Ok(texts.filter(|t| same_number(&t.to, to)).collect())
    }

    /// Every call placed to `to`, oldest first.
    pub async fn calls(&self, to: &str) -> Result<Vec<PlacedCall>, PhoneError> {
        let listed = self.api.list("Calls", Some(to)).await?;
        let calls = listed.iter().filter_map(call_of);
        Ok(calls.filter(|c| same_number(&c.to, to)).collect())
    }

    /// The first text to `to` after the first `seen` ones to that number,
    /// waiting up to `timeout` for it.
    pub async fn wait_for_text(
        &self,
        to: &str,
        seen: usize,
        timeout: Duration,
    ) -> Result<Text, PhoneError> {
        let mine = self.wait_for_texts_beyond(to, seen, timeout).await?;
        Ok(mine[seen].clone())
    }

    /// The newest text to `to` once more than `seen` reached that number,
    /// and how many have: a person reads the latest text, and an earlier one
    /// may carry an older code.
    pub async fn wait_for_newest_text(
        &self,
        to: &str,
        seen: usize,
        timeout: Duration,
    ) -> Result<(Text, usize), PhoneError> {
        let mine = self.wait_for_texts_beyond(to, seen, timeout).await?;
        Ok((mine[mine.len() - 1].clone(), mine.len()))
    }

    /// The first call to `to` after the first `seen` ones to that number,
    /// waiting up to `timeout` for it.
    pub async fn wait_for_call(
        &self,
        to: &str,
        seen: usize,
        timeout: Duration,
    ) -> Result<PlacedCall, PhoneError> {
        let mine = self.wait_for_calls_beyond(to, seen, timeout).await?;
        Ok(mine[seen].clone())
    }

    /// The newest call to `to` once more than `seen` reached that number,
    /// and how many have.
    pub async fn wait_for_newest_call(
        &self,
        to: &str,
        seen: usize,
        timeout: Duration,
    ) -> Result<(PlacedCall, usize), PhoneError> {
        let mine = self.wait_for_calls_beyond(to, seen, timeout).await?;
        Ok((mine[mine.len() - 1].clone(), mine.len()))
    }

    async fn wait_for_texts_beyond(
        &self,
        to: &str,
        seen: usize,
        timeout: Duration,
    ) -> Result<Vec<Text>, PhoneError> {
        let started = Instant::now();
        loop {
            let mine = self.texts(to).await?;
            if mine.len() > seen {
                return Ok(mine);
            }
            if !pause(started, timeout).await {
                let all = self.api.list("Messages", None).await?;
                return Err(PhoneError::NoText {
                    to: to.to_string(),
                    waited: timeout,
                    seen,
                    texts_to_others: elsewhere(&all, to),
                });
            }
        }
    }

    async fn wait_for_calls_beyond(
        &self,
        to: &str,
        seen: usize,
        timeout: Duration,
    ) -> Result<Vec<PlacedCall>, PhoneError> {
        let started = Instant::now();
        loop {
            let mine = self.calls(to).await?;
            if mine.len() > seen {
                return Ok(mine);
            }
            if !pause(started, timeout).await {
                let all = self.api.list("Calls", None).await?;
                return Err(PhoneError::NoCall {
                    to: to.to_string(),
                    waited: timeout,
                    seen,
                    calls_to_others: elsewhere(&all, to),
                });
            }
        }
    }
}

/// Sleeps until the next look, unless `timeout` since `started` has passed
/// (then says so with `false`).
async fn pause(started: Instant, timeout: Duration) -> bool {
    let waited = started.elapsed();
    if waited >= timeout {
        return false;
    }
    tokio::time::sleep(POLL.min(timeout - waited)).await;
    true
}

/// How many of `resources` went to a number other than `to`.
fn elsewhere(resources: &[Value], to: &str) -> usize {
    resources
        .iter()
        .filter(|r| !r["to"].as_str().is_some_and(|t| same_number(t, to)))
        .count()
}

fn field(resource: &Value, name: &str) -> Option<String> {
    resource[name].as_str().map(str::to_string)
}

/// A Message resource as a [`Text`]; `None` when it lacks a field.
fn text_of(m: &Value) -> Option<Text> {
    Some(Text {
        sid: field(m, "sid")?,
        to: field(m, "to")?,
        from: field(m, "from")?,
        body: field(m, "body")?,
    })
}

/// A Call resource as a [`PlacedCall`]; `None` when it lacks a field.
fn call_of(c: &Value) -> Option<PlacedCall> {
    Some(PlacedCall {
        sid: field(c, "sid")?,
        to: field(c, "to")?,
        from: field(c, "from")?,
        status: field(c, "status")?,
    })
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

/// At most 200 characters of what was received, six-digit runs masked
/// (an answer may quote a text with its code), for error messages.
fn excerpt(received: &str) -> String {
    docproof_contract::twilio::excerpt(&redact(received), 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_cut_at_200_characters_and_mask_codes() {
        assert_eq!(excerpt(""), "(empty)");
        let long = "é".repeat(300);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), 201);
        assert!(cut.ends_with('…'));
        assert_eq!(
            excerpt("{\"body\": \"code 123456\"}"),
            "{\"body\": \"code ••••••\"}"
        );
    }

    #[test]
    fn numbers_compare_by_digits() {
        assert!(same_number("+1 2065550101", "+12065550101"));
        assert!(same_number(" 12065550101", "+1 (206) 555-0101"));
        assert!(!same_number("+1 2065550101", "+1 2065550102"));
        assert!(!same_number("", ""));
    }

    #[test]
    fn refusals_quote_twilios_code_and_message() {
        let err = PhoneError::Refused {
            what: "read texts".into(),
            url: "http://p/2010-04-01/Accounts/AC1/Messages.json".into(),
            status: 503,
            code: Some(20503),
            message: "Service Unavailable".into(),
        };
        assert_eq!(
            err.to_string(),
            "the telephony provider refused to read texts (http://p/2010-04-01/Accounts/AC1/Messages.json): HTTP 503 (Twilio error 20503: Service Unavailable)"
        );
    }
}

#[cfg(test)]
mod asks_again {
    use super::CallAnswer;

    fn lines(l: &[&str]) -> Vec<String> {
        l.iter().map(|s| s.to_string()).collect()
    }

    const GREETING: &str = "Please press the pound key to finish your verification.";

    #[test]
    fn the_same_question_after_a_wrong_key_is_asking_again() {
        let asked = lines(&["Thank you.", GREETING]);
        let after = lines(&["That key is not valid.", GREETING]);
        assert!(CallAnswer::asks_again(&asked, &after));
    }

    #[test]
    fn another_question_or_silence_is_not() {
        let asked = lines(&["Thank you.", GREETING]);
        let fraud = lines(&[
            "You pressed zero to report fraud. To confirm the fraud alert, press the pound key.",
        ]);
        assert!(!CallAnswer::asks_again(&asked, &fraud));
        assert!(!CallAnswer::asks_again(&asked, &[]));
        // A greeting that never asked for the pound key has no question to repeat.
        assert!(!CallAnswer::asks_again(
            &lines(&["Thank you."]),
            &lines(&["Thank you."])
        ));
    }
}
