//! The telephony provider: a wiremock server answering Twilio's
//! `Messages.json` and `Calls.json` the way Twilio does, keeping its own log
//! of what it delivered, with faults that can be switched on and off.
//!
//! Faults are a switch the mounted responders read, not scoped mocks:
//! wiremock 0.6.5 sorts its mocks by priority in place on every request,
//! so a `MockGuard` (which remembers its mock by index) dropped after a
//! request with a higher-priority scoped mock deactivates some *other* mock
//! and leaves the fault in force.

use super::{same_number, PhoneError, PlacedCall, Text};
use base64::Engine as _;
use docproof_contract::twilio::{self, CallResource, MessageResource};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};
use wiremock::matchers::{method, path_regex};
use wiremock::{Match, Mock, MockServer, Request, Respond, ResponseTemplate};

/// How often `wait_for_*` looks at the log.
const POLL: Duration = Duration::from_millis(20);
/// Priority of the normal answers (wiremock: lower wins; its default is 5).
const NORMAL: u8 = 5;
/// Priority of the 401 for requests without credentials.
const UNAUTHENTICATED: u8 = 10;

/// A Twilio-compatible telephony provider for tests: point the tenant's
/// `Settings.telephony.base_url` at [`TelephonyProvider::base_url`].
pub struct TelephonyProvider {
    server: MockServer,
    log: Arc<Log>,
    faults: Arc<Faults>,
    pub(super) http: reqwest::Client,
}

/// Injected faults, at most one per resource, until `recover`.
#[derive(Default)]
struct Faults {
    texts: Mutex<Option<Fault>>,
    calls: Mutex<Option<Fault>>,
}

impl Faults {
    fn of(&self, resource: Resource) -> &Mutex<Option<Fault>> {
        match resource {
            Resource::Messages => &self.texts,
            Resource::Calls => &self.calls,
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Fault {
    /// Refuse with this HTTP status; nothing is delivered.
    Refuse(u16),
    /// Accept, but answer only after this long.
    Delay(Duration),
}

/// What the provider delivered, in the order it accepted it.
#[derive(Default)]
struct Log {
    texts: Mutex<Vec<Delivered<Text>>>,
    calls: Mutex<Vec<Delivered<PlacedCall>>>,
}

/// An accepted item, visible once its (possibly delayed) 201 went out.
struct Delivered<T> {
    item: T,
    visible_at: Instant,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not hide the log from the others.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Polls `log` until more than `seen` items went to `to`; returns every
/// item to `to`, oldest first, or after `timeout` how many went elsewhere.
async fn wait_beyond<T: Clone>(
    log: &Mutex<Vec<Delivered<T>>>,
    number: fn(&T) -> &String,
    to: &str,
    seen: usize,
    timeout: Duration,
) -> Result<Vec<T>, usize> {
    let started = Instant::now();
    loop {
        let (mine, others): (Vec<T>, Vec<T>) = visible(log)
            .into_iter()
            .partition(|item| same_number(number(item), to));
        if mine.len() > seen {
            return Ok(mine);
        }
        let waited = started.elapsed();
        if waited >= timeout {
            return Err(others.len());
        }
        tokio::time::sleep(POLL.min(timeout - waited)).await;
    }
}

fn visible<T: Clone>(log: &Mutex<Vec<Delivered<T>>>) -> Vec<T> {
    let now = Instant::now();
    lock(log)
        .iter()
        .filter(|d| d.visible_at <= now)
        .map(|d| d.item.clone())
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Resource {
    Messages,
    Calls,
}

impl Resource {
    fn path(self) -> &'static str {
        match self {
            Resource::Messages => r"^/2010-04-01/Accounts/[^/]+/Messages\.json$",
            Resource::Calls => r"^/2010-04-01/Accounts/[^/]+/Calls\.json$",
        }
    }
}

impl TelephonyProvider {
    /// Starts a provider that accepts every authenticated text and call (201,
    /// Twilio's JSON) for any account, and refuses requests without HTTP
    /// basic auth with Twilio's 401 (code 20003).
    pub async fn start() -> TelephonyProvider {
        let server = MockServer::start().await;
        let log = Arc::new(Log::default());
        let faults = Arc::new(Faults::default());
        for resource in [Resource::Messages, Resource::Calls] {
            Mock::given(method("POST"))
                .and(path_regex(resource.path()))
                .and(BasicAuth)
                .respond_with(Accept {
                    resource,
                    log: log.clone(),
                    faults: faults.clone(),
                })
                .with_priority(NORMAL)
                .mount(&server)
                .await;
            Mock::given(method("POST"))
                .and(path_regex(resource.path()))
                .respond_with(
                    twilio_error(401, 20003, "Authenticate")
                        .insert_header("WWW-Authenticate", "Basic realm=\"Twilio API\""),
                )
                .with_priority(UNAUTHENTICATED)
                .mount(&server)
                .await;
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("a plain reqwest client always builds");
        TelephonyProvider {
            server,
            log,
            faults,
            http,
        }
    }

    /// The provider's address, for `Settings.telephony.base_url`.
    pub fn base_url(&self) -> String {
        self.server.uri()
    }

    /// Every text delivered so far, oldest first (refused ones are not).
    pub async fn texts(&self) -> Vec<Text> {
        visible(&self.log.texts)
    }

    /// Every call placed so far, oldest first (refused ones are not).
    pub async fn calls(&self) -> Vec<PlacedCall> {
        visible(&self.log.calls)
    }

    /// The first text to `to` after the first `seen` ones to that number,
    /// waiting up to `timeout` for it (numbers compare by digits only).
    pub async fn wait_for_text(
        &self,
        to: &str,
        seen: usize,
        timeout: Duration,
    ) -> Result<Text, PhoneError> {
        let mine = self.wait_for_text_beyond(to, seen, timeout).await?;
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
        let mine = self.wait_for_text_beyond(to, seen, timeout).await?;
        Ok((mine[mine.len() - 1].clone(), mine.len()))
    }

    /// The first call to `to` after the first `seen` ones to that number,
    /// waiting up to `timeout` for it (numbers compare by digits only).
    pub async fn wait_for_call(
        &self,
        to: &str,
        seen: usize,
        timeout: Duration,
    ) -> Result<PlacedCall, PhoneError> {
        let mine = self.wait_for_call_beyond(to, seen, timeout).await?;
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
        let mine = self.wait_for_call_beyond(to, seen, timeout).await?;
        Ok((mine[mine.len() - 1].clone(), mine.len()))
    }

    async fn wait_for_text_beyond(
        &self,
        to: &str,
        seen: usize,
        timeout: Duration,
    ) -> Result<Vec<Text>, PhoneError> {
        wait_beyond(&self.log.texts, |t: &Text| &t.to, to, seen, timeout)
            .await
            .map_err(|texts_to_others| PhoneError::NoText {
                to: to.to_string(),
                waited: timeout,
                seen,
                texts_to_others,
            })
    }

    async fn wait_for_call_beyond(
        &self,
        to: &str,
        seen: usize,
        timeout: Duration,
    ) -> Result<Vec<PlacedCall>, PhoneError> {
        wait_beyond(&self.log.calls, |c: &PlacedCall| &c.to, to, seen, timeout)
            .await
            .map_err(|calls_to_others| PhoneError::NoCall {
                to: to.to_string(),
                waited: timeout,
                seen,
                calls_to_others,
            })
    }

    /// Until `recover`, every text is refused with HTTP `status` (Twilio's
    /// error JSON) and not delivered. Replaces an earlier fault on texts.
    pub async fn fail_texts(&self, status: u16) {
        self.inject(Resource::Messages, Fault::Refuse(status));
    }

    /// Until `recover`, every call is refused with HTTP `status` (Twilio's
    /// error JSON) and not placed. Replaces an earlier fault on calls.
    pub async fn fail_calls(&self, status: u16) {
        self.inject(Resource::Calls, Fault::Refuse(status));
    }

    /// Until `recover`, texts are answered 201 only after `by`; each counts
    /// as delivered once its answer went out (even if the tenant gave up
    /// waiting: the provider had accepted it). Replaces an earlier fault on
    /// texts.
    pub async fn delay_texts(&self, by: Duration) {
        self.inject(Resource::Messages, Fault::Delay(by));
    }

    /// Ends every injected fault: texts and calls are accepted again at once
    /// (a delayed answer already under way still comes late).
    pub async fn recover(&self) {
        for resource in [Resource::Messages, Resource::Calls] {
            *lock(self.faults.of(resource)) = None;
        }
    }

    fn inject(&self, resource: Resource, fault: Fault) {
        *lock(self.faults.of(resource)) = Some(fault);
    }
}

/// Matches requests carrying HTTP basic credentials with a user name (the
/// provider does not check them against anything).
struct BasicAuth;

impl Match for BasicAuth {
    fn matches(&self, request: &Request) -> bool {
        let Some(value) = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
        else {
            return false;
        };
        let Some((scheme, encoded)) = value.trim().split_once(' ') else {
            return false;
        };
        scheme.eq_ignore_ascii_case("basic")
            && base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .ok()
                .and_then(|raw| String::from_utf8(raw).ok())
                .and_then(|pair| pair.split_once(':').map(|(user, _)| !user.is_empty()))
                .unwrap_or(false)
    }
}

/// Accepts a text or call: 201 with Twilio's JSON, logged as delivered;
/// or, while a fault is injected, refuses it or answers late.
struct Accept {
    resource: Resource,
    log: Arc<Log>,
    faults: Arc<Faults>,
}

impl Respond for Accept {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let delay = match *lock(self.faults.of(self.resource)) {
            Some(Fault::Refuse(status)) => return refusal(status),
            Some(Fault::Delay(by)) => by,
            None => Duration::ZERO,
        };
        let form: HashMap<String, String> = url::form_urlencoded::parse(&request.body)
            .into_owned()
            .collect();
        let account = account_in(request.url.path());
        let visible_at = Instant::now() + delay;
        let answer = match self.resource {
            Resource::Messages => accept_text(&form, &account).map(|(text, body)| {
                lock(&self.log.texts).push(Delivered {
                    item: text,
                    visible_at,
                });
                body
            }),
            Resource::Calls => accept_call(&form, &account).map(|(call, body)| {
                lock(&self.log.calls).push(Delivered {
                    item: call,
                    visible_at,
                });
                body
            }),
        };
        match answer {
            Ok(body) => ResponseTemplate::new(201)
                .set_body_json(body)
                .set_delay(delay),
            Err(Missing { code, message }) => twilio_error(400, code, message),
        }
    }
}

/// An injected refusal: `status` with Twilio's error JSON.
fn refusal(status: u16) -> ResponseTemplate {
    let message = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    // Twilio's 20xxx codes mirror the HTTP status (20429, 20500, 20503).
    twilio_error(status, 20_000 + u32::from(status), message)
}

/// Twilio's error answer.
fn twilio_error(status: u16, code: u32, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(twilio::error_json(status, code, message))
}

/// The `{AccountSid}` of `/2010-04-01/Accounts/{AccountSid}/….json`.
fn account_in(path: &str) -> String {
    path.split('/').nth(3).unwrap_or_default().to_string()
}

/// A required field is missing: Twilio's error code and message for the
/// 400 (Twilio's codes; its exact wording is unconfirmed).
struct Missing {
    code: u32,
    message: &'static str,
}

/// A required form field, trimmed.
fn required(
    form: &HashMap<String, String>,
    key: &str,
    code: u32,
    message: &'static str,
) -> Result<String, Missing> {
    form.get(key)
        .filter(|v| !v.trim().is_empty())
        .map(|v| v.trim().to_string())
        .ok_or(Missing { code, message })
}

/// A number as Twilio echoes it: E.164 (`+12065550101`) when it looks like
/// one, else as given (e.g. an alphanumeric sender). An unencoded `+`
/// arrives as a space.
fn e164(raw: &str) -> String {
    let trimmed = raw.trim();
    let plus = trimmed.starts_with('+') || (raw.starts_with(' ') && !trimmed.is_empty());
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let only_phone_chars = trimmed
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if plus && only_phone_chars && !digits.is_empty() {
        format!("+{digits}")
    } else {
        trimmed.to_string()
    }
}

fn accept_text(form: &HashMap<String, String>, account: &str) -> Result<(Text, Value), Missing> {
    let to = e164(&required(
        form,
        "To",
        21604,
        "A 'To' phone number is required.",
    )?);
    let from = e164(&required(
        form,
        "From",
        21603,
        "A 'From' phone number is required.",
    )?);
    let body = required(form, "Body", 21602, "Message body is required.")?;
    let sid = twilio::new_sid("SM");
    let now = docproof_contract::twilio::date(SystemTime::now());
    let json = MessageResource {
        sid: &sid,
        account_sid: account,
        to: &to,
        from: &from,
        body: &body,
        status: "queued",
        date_created: &now,
        date_updated: &now,
        date_sent: None,
    }
    .to_json();
    Ok((
        Text {
            sid,
            to,
            from,
            body,
        },
        json,
    ))
}

fn accept_call(
    form: &HashMap<String, String>,
    account: &str,
) -> Result<(PlacedCall, Value), Missing> {
    let to = e164(&required(form, "To", 21201, "No 'To' number is specified")?);
    let from = e164(&required(
        form,
        "From",
        21213,
        "No 'From' number is specified",
    )?);
    // The test's phone answers by fetching `Url`; inline `Twiml` is not
    // supported here.
    let twiml_url = required(form, "Url", 21205, "Url parameter is required")?;
    let optional = |key: &str| {
        form.get(key)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let sid = twilio::new_sid("CA");
    let now = docproof_contract::twilio::date(SystemTime::now());
    let json = CallResource {
        sid: &sid,
        account_sid: account,
        to: &to,
        to_formatted: &to,
        from: &from,
        from_formatted: &from,
        status: "queued",
        date_created: &now,
        date_updated: &now,
        start_time: None,
        end_time: None,
        duration_secs: None,
    }
    .to_json();
    let call = PlacedCall {
        sid,
        account_sid: account.to_string(),
        to,
        from,
        twiml_url,
        method: optional("Method")
            .map(|m| m.to_ascii_uppercase())
            .unwrap_or_else(|| "POST".to_string()),
        status_callback: optional("StatusCallback"),
        timeout_secs: optional("Timeout").and_then(|t| t.parse().ok()),
    };
    Ok((call, json))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_echoed_in_e164() {
        assert_eq!(e164("+1 2065550101"), "+12065550101");
        assert_eq!(e164(" 12065550101"), "+12065550101");
        assert_eq!(e164("Microsoft"), "Microsoft");
        assert_eq!(e164("2065550101"), "2065550101");
    }

    #[test]
    fn the_account_comes_from_the_path() {
        assert_eq!(account_in("/2010-04-01/Accounts/AC1/Messages.json"), "AC1");
    }
}
