//! The embedded virtual carrier: a Twilio-compatible telephony provider
//! served at `/carrier` on the simulator's own address (the default
//! provider), and the virtual phone at `/phone` for people exploring by hand.
//!
//! Provider API (HTTP basic auth `AccountSid:AuthToken`, checked against the
//! tenant's telephony settings; errors in Twilio's JSON shape):
//! - `POST /carrier/2010-04-01/Accounts/{AccountSid}/Messages.json`
//!   (`To`, `From`, `Body`, optional `StatusCallback`) → 201 message JSON.
//! - `GET  …/Messages.json?To=&From=&PageSize=` → newest first.
//! - `GET  …/Messages/{MessageSid}.json`.
//! - `POST …/Calls.json` (`To`, `From`, `Url` or `Twiml`, `Method`,
//!   `StatusCallback`, `Timeout`) → 201 call JSON; the call rings on the
//!   virtual phone until answered, declined or `Timeout` seconds pass
//!   (then `no-answer`).
//! - `GET  …/Calls.json?To=&From=&Status=&PageSize=` → newest first.
//! - `GET  …/Calls/{CallSid}.json`.
//!
//! Call JSON carries one non-standard field, `url`: the TwiML URL the call
//! was placed with (Twilio does not return it), so a test can answer the
//! call "the Twilio way" by fetching it itself.
//!
//! Virtual phone (HTML): `GET /phone` lists the known numbers; `GET
//! /phone/{number}` shows one phone's texts and calls; `POST
//! /phone/{number}/calls/{CallSid}/{answer|keys|hangup|decline}` act on a
//! call. Answering fetches the call's TwiML like Twilio does, shows what the
//! call says and offers a keypad that posts `Digits` to the `<Gather>`
//! action. Every POST carries an anti-forgery token bound to a cookie.

use crate::html;
use crate::server::AppState;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use docproof_contract::domain::{random_token, PhoneNumber, Secret};
use docproof_contract::twilio::{
    self, account_uri, new_sid, CallResource, MessageResource, API_VERSION,
};
use docproof_contract::twiml::{self, Heard};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

/// Twilio's default and maximum ring time for `Calls.json` `Timeout`.
const DEFAULT_RING_SECS: u64 = 60;
const MAX_RING_SECS: u64 = 600;
const DEFAULT_PAGE_SIZE: usize = 50;
const MAX_PAGE_SIZE: usize = 1000;
/// `<Redirect>`s followed in a row before the phone gives up on a call.
const MAX_REDIRECTS: usize = 10;
/// The phone page's anti-forgery cookie (double-submit: the form's `csrf`
/// field must equal it).
pub const PHONE_CSRF_COOKIE: &str = "docproof_phone";
/// What Twilio says when a call's instructions cannot be used.
const APPLICATION_ERROR: &str = "We are sorry, an application error has occurred. Goodbye.";

// ------------------------------------------------------------------ model

/// A text message the carrier accepted.
#[derive(Debug, Clone)]
pub struct Message {
    pub sid: String,
    pub account_sid: String,
    /// E.164 when the number parses, else as given.
    pub to: String,
    pub from: String,
    pub body: String,
    pub status: String,
    pub created: SystemTime,
    pub status_callback: Option<String>,
}

/// One line of what happened on a call, as the phone page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Utterance {
    /// A `<Say>`.
    Said(String),
    /// A key the person pressed.
    Pressed(String),
    /// Something the phone noticed (a skipped verb, the call ending).
    Note(String),
    /// The call's instructions could not be fetched or understood.
    Error(String),
}

impl From<Heard> for Utterance {
    /// What the page shows for what the call played: `<Play>` and verbs the
    /// virtual phone does not act on become notes, so nothing passes silently.
    fn from(heard: Heard) -> Self {
        match heard {
            Heard::Said(text) => Utterance::Said(text),
            Heard::Played(url) => Utterance::Note(format!("(plays audio {url})")),
            Heard::Skipped(verb) => {
                Utterance::Note(format!("(<{verb}> is not supported here; skipped)"))
            }
        }
    }
}

/// A `<Gather>` waiting for keys.
#[derive(Debug, Clone)]
pub struct Gathering {
    /// Absolute URL the keys are posted to.
    pub action: String,
    pub method: String,
    /// `numDigits`; `None` = until `finishOnKey`.
    pub num_digits: Option<usize>,
    /// `finishOnKey`; empty = none (every key is a digit).
    pub finish_on_key: String,
    /// Keys pressed so far for this gather.
    pub typed: String,
    /// The verbs after the `<Gather>`: what plays when no key comes.
    after: Vec<twiml::Node>,
    doc_url: String,
}

impl Gathering {
    /// The gather is complete: its keys are posted to its action.
    fn post_keys(self) -> Next {
        Next::Fetch {
            url: self.action,
            method: self.method,
            digits: Some(self.typed),
        }
    }
}

/// A call the carrier placed.
#[derive(Debug, Clone)]
pub struct PhoneCall {
    pub sid: String,
    pub account_sid: String,
    pub to: String,
    pub from: String,
    /// The TwiML URL (`Url`) or `None` when placed with inline `Twiml`.
    pub url: Option<String>,
    pub twiml: Option<String>,
    pub method: String,
    pub status_callback: Option<String>,
    pub status_callback_method: String,
    pub timeout_secs: u64,
    /// Twilio's call status: `ringing`, `in-progress`, `completed`,
    /// `no-answer`, `busy`, `failed`, `canceled`.
    pub status: String,
    pub created: SystemTime,
    pub answered: Option<SystemTime>,
    pub ended: Option<SystemTime>,
    pub transcript: Vec<Utterance>,
    pub gathering: Option<Gathering>,
}

impl PhoneCall {
    pub fn is_over(&self) -> bool {
        !matches!(self.status.as_str(), "queued" | "ringing" | "in-progress")
    }
    /// Queued or ringing: not yet answered, declined or rung out.
    pub fn is_ringing(&self) -> bool {
        matches!(self.status.as_str(), "queued" | "ringing")
    }
    fn end(&mut self, status: &str) {
        self.status = status.to_string();
        self.ended = Some(SystemTime::now());
        self.gathering = None;
    }
    fn duration_secs(&self) -> Option<u64> {
        let (a, e) = (self.answered?, self.ended?);
        Some(e.duration_since(a).unwrap_or_default().as_secs())
    }
}

#[derive(Default)]
struct Book {
    /// Oldest first; listings reverse it.
    messages: Vec<Message>,
    calls: Vec<PhoneCall>,
}

/// The embedded carrier's memory and its way out (to fetch TwiML and post
/// status callbacks). The mutex is never held across an `.await`.
pub struct VirtualCarrier {
    book: Mutex<Book>,
    http: reqwest::Client,
}

impl Default for VirtualCarrier {
    fn default() -> Self {
        VirtualCarrier {
            book: Mutex::new(Book::default()),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .expect("a plain reqwest client always builds"),
        }
    }
}

impl VirtualCarrier {
    fn lock(&self) -> MutexGuard<'_, Book> {
        self.book.lock().unwrap_or_else(|e| e.into_inner())
    }
    /// Every message, newest first.
    pub fn messages(&self) -> Vec<Message> {
        self.lock().messages.iter().rev().cloned().collect()
    }
    /// Every call, newest first.
    pub fn calls(&self) -> Vec<PhoneCall> {
        self.lock().calls.iter().rev().cloned().collect()
    }
    pub fn call(&self, sid: &str) -> Option<PhoneCall> {
        self.lock().calls.iter().find(|c| c.sid == sid).cloned()
    }
    fn with_call<R>(&self, sid: &str, f: impl FnOnce(&mut PhoneCall) -> R) -> Option<R> {
        self.lock().calls.iter_mut().find(|c| c.sid == sid).map(f)
    }

    /// Ends a call still ringing (declined, or rung out); returns it so its
    /// status callback can be posted.
    fn end_ringing(&self, sid: &str, status: &str, note: &str) -> Option<PhoneCall> {
        self.with_call(sid, |c| {
            if !c.is_ringing() {
                return None;
            }
            c.end(status);
            c.transcript.push(Utterance::Note(note.to_string()));
            Some(c.clone())
        })
        .flatten()
    }

    /// Posts the call's final status to its `StatusCallback`, as Twilio does
    /// when a call completes. Failures are logged, never raised.
    async fn post_status(&self, call: &PhoneCall) {
        let Some(url) = &call.status_callback else {
            return;
        };
        let mut form = call_params(call);
        form.push(("CallStatus", call.status.clone()));
        if let Some(d) = call.duration_secs() {
            form.push(("CallDuration", d.to_string()));
        }
        let req = if call.status_callback_method.eq_ignore_ascii_case("GET") {
            self.http.get(url).query(&form)
        } else {
            self.http.post(url).form(&form)
        };
        match req.send().await {
            Ok(r) if r.status().is_success() => {}
            Ok(r) => {
                tracing::warn!(status = %r.status(), sid = %call.sid, "status callback refused")
            }
            Err(e) => {
                tracing::warn!(error = %e.without_url(), sid = %call.sid, "status callback failed")
            }
        }
    }

    /// Fetches TwiML like Twilio: POST (form) or GET (query) with the
    /// call's parameters. Returns the document text.
    async fn fetch(
        &self,
        url: &str,
        method: &str,
        params: &[(&str, String)],
    ) -> Result<String, String> {
        let req = if method.eq_ignore_ascii_case("GET") {
            self.http.get(url).query(params)
        } else {
            self.http.post(url).form(params)
        };
        let resp = req.send().await.map_err(|e| {
            let why = if e.is_timeout() {
                "it did not answer in time".to_string()
            } else if e.is_connect() {
                "no connection could be made".to_string()
            } else {
                e.without_url().to_string()
            };
            format!("Could not reach the call's instructions at {url}: {why}.")
        })?;
        let status = resp.status();
        if !status.is_success() {
            return Err(format!(
                "The call's instructions at {url} answered HTTP {status}."
            ));
        }
        resp.text().await.map_err(|e| {
            format!(
                "The call's instructions at {url} could not be read: {}.",
                e.without_url()
            )
        })
    }

    /// Plays the call from `next` on: fetches documents, follows
    /// `<Redirect>`s, records what is said, and stops at a `<Gather>` or
    /// the end of the call. Posts the status callback if the call ended.
    async fn run(&self, sid: &str, mut next: Next) {
        let Some(call) = self.call(sid) else { return };
        for _ in 0..=MAX_REDIRECTS {
            let (doc_url, verbs) = match next {
                Next::Fetch {
                    url,
                    method,
                    digits,
                } => {
                    let mut params = call_params(&call);
                    params.push(("CallStatus", "in-progress".to_string()));
                    if let Some(d) = digits {
                        params.push(("Digits", d));
                    }
                    let parsed = self.fetch(&url, &method, &params).await.and_then(|text| {
                        twiml::parse(&text).map_err(|e| {
                            format!("The call's instructions at {url} are not valid TwiML: {e}.")
                        })
                    });
                    match parsed {
                        Ok(verbs) => (url, verbs),
                        Err(e) => {
                            tracing::warn!(%sid, error = %e, "virtual phone could not play the call");
                            self.fail(sid, e).await;
                            return;
                        }
                    }
                }
                Next::Inline { doc_url, xml } => match twiml::parse(&xml) {
                    Ok(verbs) => (doc_url, verbs),
                    Err(e) => {
                        self.fail(sid, format!("The call's TwiML is not valid: {e}."))
                            .await;
                        return;
                    }
                },
                Next::Verbs { doc_url, verbs } => (doc_url, verbs),
            };
            let mut said = Vec::new();
            let ending = twiml::play(&verbs, &doc_url, |heard| said.push(heard.into()));
            match ending {
                twiml::Ending::Gather(g) => {
                    let g = Gathering {
                        action: g.action,
                        method: g.method,
                        num_digits: g.num_digits,
                        finish_on_key: g.finish_on_key,
                        typed: String::new(),
                        after: g.rest,
                        doc_url,
                    };
                    let still_on = self
                        .with_call(sid, |c| {
                            c.transcript.extend(said);
                            if c.status == "in-progress" {
                                c.gathering = Some(g);
                                true
                            } else {
                                false
                            }
                        })
                        .unwrap_or(false);
                    if !still_on {
                        tracing::debug!(%sid, "call ended while its instructions were fetched");
                    }
                    return;
                }
                twiml::Ending::Redirect { url, method } => {
                    self.with_call(sid, |c| c.transcript.extend(said));
                    next = Next::Fetch {
                        url,
                        method,
                        digits: None,
                    };
                }
                twiml::Ending::Hangup => {
                    self.finish(sid, said).await;
                    return;
                }
            }
        }
        self.finish(
            sid,
            vec![Utterance::Error(format!(
                "The call's instructions redirected more than {MAX_REDIRECTS} times in a row."
            ))],
        )
        .await;
    }

    /// The call's instructions could not be used: the phone shows why and,
    /// like Twilio, says an application error occurred and hangs up.
    async fn fail(&self, sid: &str, error: String) {
        self.finish(
            sid,
            vec![
                Utterance::Error(error),
                Utterance::Said(APPLICATION_ERROR.into()),
            ],
        )
        .await;
    }

    /// The call is over (hung up by the instructions, or they failed).
    async fn finish(&self, sid: &str, said: Vec<Utterance>) {
        let ended = self
            .with_call(sid, |c| {
                c.transcript.extend(said);
                if c.is_over() {
                    return None;
                }
                c.end("completed");
                c.transcript.push(Utterance::Note("The call ended.".into()));
                Some(c.clone())
            })
            .flatten();
        if let Some(call) = ended {
            self.post_status(&call).await;
        }
    }
}

/// What the phone does next on a call.
enum Next {
    Fetch {
        url: String,
        method: String,
        digits: Option<String>,
    },
    Inline {
        doc_url: String,
        xml: String,
    },
    Verbs {
        doc_url: String,
        verbs: Vec<twiml::Node>,
    },
}

/// The parameters Twilio sends with every request about a call, with
/// `Caller` and `Called` as Twilio adds them; callers append `CallStatus`.
fn call_params(call: &PhoneCall) -> Vec<(&'static str, String)> {
    twilio::call_params(
        &call.sid,
        &call.account_sid,
        &call.from,
        &call.to,
        [("Caller", call.from.clone()), ("Called", call.to.clone())],
    )
}

// --------------------------------------------------------------- helpers

/// A number as the carrier files it: E.164 when it parses (`+1 2065550101`
/// and `+12065550101` are the same phone), else the text as given.
pub fn number_key(raw: &str) -> String {
    let t = raw.trim();
    if let Ok(p) = PhoneNumber::parse(t) {
        return p.e164();
    }
    if let Some(rest) = t.strip_prefix('+') {
        if !rest.is_empty()
            && rest.chars().any(|c| c.is_ascii_digit())
            && rest
                .chars()
                .all(|c| c.is_ascii_digit() || " -().".contains(c))
        {
            let digits: String = rest.chars().filter(|c| c.is_ascii_digit()).collect();
            return format!("+{digits}");
        }
    }
    // An unencoded `+` in a query string arrives as a space.
    if raw.starts_with(' ') && !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == ' ') {
        return number_key(&format!("+{t}"));
    }
    t.to_string()
}

/// How a number is shown to a person: `+1 2065550101` when it parses.
fn number_display(key: &str) -> String {
    PhoneNumber::parse(key)
        .map(|p| p.to_string())
        .unwrap_or_else(|_| key.to_string())
}

/// The path segment of a phone page: E.164 without `+`, or URL-encoded.
pub fn phone_path(key: &str) -> String {
    match key.strip_prefix('+') {
        Some(d) if !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()) => format!("/phone/{d}"),
        _ => format!("/phone/{}", html::urlencode(key)),
    }
}

/// The number a phone page's path segment names.
fn key_from_path(segment: &str) -> String {
    if !segment.is_empty() && segment.chars().all(|c| c.is_ascii_digit()) {
        number_key(&format!("+{segment}"))
    } else {
        number_key(segment)
    }
}

/// A phone number field, filed under [`number_key`]; `None` when blank.
/// Not trimmed first: an unencoded `+` arrives as a leading space.
fn number_field(form: &HashMap<String, String>, key: &str) -> Option<String> {
    form.get(key)
        .filter(|v| !v.trim().is_empty())
        .map(|v| number_key(v))
}

fn non_empty(form: &HashMap<String, String>, key: &str) -> Option<String> {
    form.get(key)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

// ------------------------------------------------------- Twilio-style API

fn twilio_error(status: StatusCode, code: u32, message: &str) -> Response {
    let body = twilio::error_json(status.as_u16(), code, message);
    (status, Json(body)).into_response()
}

/// Checks HTTP basic auth against the configured account and that the path
/// names the same account.
fn authenticate(sim: &AppState, headers: &HeaderMap, account: &str) -> Result<(), Box<Response>> {
    let expected = &sim.tenant.settings.telephony;
    let ok = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| html::parse_basic(v).ok())
        .is_some_and(|(user, token)| {
            Secret::new(expected.account_sid.clone()).matches(&user)
                && expected.auth_token.matches(&token)
        });
    if !ok {
        let mut resp = twilio_error(StatusCode::UNAUTHORIZED, 20003, "Authenticate");
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"Twilio API\""),
        );
        return Err(Box::new(resp));
    }
    if account != expected.account_sid {
        return Err(Box::new(twilio_error(
            StatusCode::NOT_FOUND,
            20404,
            &format!(
                "The requested resource {} was not found",
                account_uri(account)
            ),
        )));
    }
    Ok(())
}

fn message_json(m: &Message) -> Value {
    let date = docproof_contract::twilio::date(m.created);
    MessageResource {
        sid: &m.sid,
        account_sid: &m.account_sid,
        to: &m.to,
        from: &m.from,
        body: &m.body,
        status: &m.status,
        date_created: &date,
        date_updated: &date,
        // Delivered to the virtual phone the moment it was accepted.
        date_sent: Some(&date),
    }
    .to_json()
}

fn call_json(c: &PhoneCall) -> Value {
    let created = docproof_contract::twilio::date(c.created);
    let updated = docproof_contract::twilio::date(c.ended.or(c.answered).unwrap_or(c.created));
    let start_time = c.answered.map(docproof_contract::twilio::date);
    let end_time = c.ended.map(docproof_contract::twilio::date);
    let mut json = CallResource {
        sid: &c.sid,
        account_sid: &c.account_sid,
        to: &c.to,
        to_formatted: &number_display(&c.to),
        from: &c.from,
        from_formatted: &number_display(&c.from),
        status: &c.status,
        date_created: &created,
        date_updated: &updated,
        start_time: start_time.as_deref(),
        end_time: end_time.as_deref(),
        duration_secs: c.duration_secs(),
    }
    .to_json();
    // Not in Twilio's answer: the TwiML URL the call was placed with.
    json["url"] = json!(c.url);
    json
}

/// Page size and the query string for a listing's `uri`s.
fn listing_params(q: &HashMap<String, String>, filters: &[&str]) -> (usize, String) {
    let size = q
        .get("PageSize")
        .and_then(|s| s.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_PAGE_SIZE)
        .min(MAX_PAGE_SIZE);
    let mut qs = String::new();
    for f in filters {
        if let Some(v) = q.get(*f).filter(|v| !v.trim().is_empty()) {
            qs.push_str(&format!("{f}={}&", html::urlencode(&number_or_text(f, v))));
        }
    }
    qs.push_str(&format!("PageSize={size}&Page=0"));
    (size, qs)
}

fn number_or_text(field: &str, v: &str) -> String {
    if field == "To" || field == "From" {
        number_key(v)
    } else {
        v.trim().to_string()
    }
}

fn matches_filter(q: &HashMap<String, String>, field: &str, value: &str) -> bool {
    match q.get(field).filter(|v| !v.trim().is_empty()) {
        None => true,
        Some(want) => number_or_text(field, want) == number_or_text(field, value),
    }
}

/// A posted form; one that cannot be read counts as empty.
type PostedForm = Result<Form<HashMap<String, String>>, FormRejection>;

/// The form of an authenticated `Messages.json` or `Calls.json` post with
/// its `To` and `From` numbers, or the refusal; `missing_to` and
/// `missing_from` are Twilio's error code and message for each.
fn create_request(
    sim: &AppState,
    headers: &HeaderMap,
    account: &str,
    form: PostedForm,
    missing_to: (u32, &str),
    missing_from: (u32, &str),
) -> Result<(HashMap<String, String>, String, String), Box<Response>> {
    authenticate(sim, headers, account)?;
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let required = |key: &str, (code, message): (u32, &str)| {
        number_field(&form, key)
            .ok_or_else(|| Box::new(twilio_error(StatusCode::BAD_REQUEST, code, message)))
    };
    let to = required("To", missing_to)?;
    let from = required("From", missing_from)?;
    Ok((form, to, from))
}

async fn create_message(
    State(sim): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    form: PostedForm,
) -> Response {
    let (form, to, from) = match create_request(
        &sim,
        &headers,
        &account,
        form,
        (21604, "A 'To' phone number is required."),
        (21603, "A 'From' phone number is required."),
    ) {
        Ok(v) => v,
        Err(resp) => return *resp,
    };
    let Some(body) = form.get("Body").filter(|b| !b.trim().is_empty()).cloned() else {
        return twilio_error(StatusCode::BAD_REQUEST, 21602, "Message body is required.");
    };
    let message = Message {
        sid: new_sid("SM"),
        account_sid: account,
        to,
        from,
        body,
        status: "queued".into(),
        created: SystemTime::now(),
        status_callback: non_empty(&form, "StatusCallback"),
    };
    let answer = message_json(&message);
    {
        // The virtual phone receives the text at once.
        let mut stored = message.clone();
        stored.status = "delivered".into();
        sim.carrier.lock().messages.push(stored);
    }
    tracing::info!(sid = %message.sid, to = %message.to, "virtual carrier delivered a text");
    if let Some(url) = message.status_callback.clone() {
        let sim = sim.clone();
        tokio::spawn(async move {
            let form = [
                ("MessageSid", message.sid.clone()),
                ("SmsSid", message.sid.clone()),
                ("AccountSid", message.account_sid.clone()),
                ("From", message.from.clone()),
                ("To", message.to.clone()),
                ("MessageStatus", "delivered".to_string()),
                ("SmsStatus", "delivered".to_string()),
                ("ApiVersion", API_VERSION.to_string()),
            ];
            if let Err(e) = sim.carrier.http.post(&url).form(&form).send().await {
                tracing::warn!(error = %e.without_url(), "message status callback failed");
            }
        });
    }
    (StatusCode::CREATED, Json(answer)).into_response()
}

async fn list_messages(
    State(sim): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(resp) = authenticate(&sim, &headers, &account) {
        return *resp;
    }
    let (size, qs) = listing_params(&q, &["To", "From"]);
    let items: Vec<Value> = sim
        .carrier
        .messages()
        .iter()
        .filter(|m| m.account_sid == account)
        .filter(|m| matches_filter(&q, "To", &m.to) && matches_filter(&q, "From", &m.from))
        .take(size)
        .map(message_json)
        .collect();
    Json(twilio::page_json("Messages", items, &account, size, &qs)).into_response()
}

async fn one_message(
    State(sim): State<AppState>,
    Path((account, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(resp) = authenticate(&sim, &headers, &account) {
        return *resp;
    }
    let sid = file.strip_suffix(".json").unwrap_or(&file);
    match sim
        .carrier
        .messages()
        .iter()
        .find(|m| m.sid == sid && m.account_sid == account)
    {
        Some(m) => Json(message_json(m)).into_response(),
        None => twilio_error(
            StatusCode::NOT_FOUND,
            20404,
            &format!(
                "The requested resource {}/Messages/{sid}.json was not found",
                account_uri(&account)
            ),
        ),
    }
}

async fn create_call(
    State(sim): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    form: PostedForm,
) -> Response {
    let (form, to, from) = match create_request(
        &sim,
        &headers,
        &account,
        form,
        (21201, "No 'To' number is specified"),
        (21213, "No 'From' number is specified"),
    ) {
        Ok(v) => v,
        Err(resp) => return *resp,
    };
    let url = non_empty(&form, "Url");
    let inline = non_empty(&form, "Twiml");
    if url.is_none() && inline.is_none() {
        return twilio_error(StatusCode::BAD_REQUEST, 21205, "Url parameter is required.");
    }
    if let Some(u) = &url {
        let absolute = reqwest::Url::parse(u).is_ok_and(|p| matches!(p.scheme(), "http" | "https"));
        if !absolute {
            return twilio_error(
                StatusCode::BAD_REQUEST,
                21205,
                &format!("Url is not a valid URL: {u}"),
            );
        }
    }
    let timeout_secs = non_empty(&form, "Timeout")
        .and_then(|t| t.parse::<u64>().ok())
        .unwrap_or(DEFAULT_RING_SECS)
        .clamp(1, MAX_RING_SECS);
    let call = PhoneCall {
        sid: new_sid("CA"),
        account_sid: account,
        to,
        from,
        url,
        twiml: inline,
        method: non_empty(&form, "Method").unwrap_or_else(|| "POST".into()),
        status_callback: non_empty(&form, "StatusCallback"),
        status_callback_method: non_empty(&form, "StatusCallbackMethod")
            .unwrap_or_else(|| "POST".into()),
        timeout_secs,
        status: "queued".into(),
        created: SystemTime::now(),
        answered: None,
        ended: None,
        transcript: Vec::new(),
        gathering: None,
    };
    let answer = call_json(&call);
    let sid = call.sid.clone();
    {
        let mut stored = call;
        stored.status = "ringing".into();
        tracing::info!(%sid, to = %stored.to, "virtual carrier is ringing a phone");
        sim.carrier.lock().calls.push(stored);
    }
    // Nobody answers within `Timeout`: the call ends as no-answer.
    let ring = sim.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(timeout_secs)).await;
        if let Some(call) = ring
            .carrier
            .end_ringing(&sid, "no-answer", "Nobody answered.")
        {
            ring.carrier.post_status(&call).await;
        }
    });
    (StatusCode::CREATED, Json(answer)).into_response()
}

async fn list_calls(
    State(sim): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(resp) = authenticate(&sim, &headers, &account) {
        return *resp;
    }
    let (size, qs) = listing_params(&q, &["To", "From", "Status"]);
    let items: Vec<Value> = sim
        .carrier
        .calls()
        .iter()
        .filter(|c| c.account_sid == account)
        .filter(|c| {
            matches_filter(&q, "To", &c.to)
                && matches_filter(&q, "From", &c.from)
                && matches_filter(&q, "Status", &c.status)
        })
        .take(size)
        .map(call_json)
        .collect();
    Json(twilio::page_json("Calls", items, &account, size, &qs)).into_response()
}

async fn one_call(
    State(sim): State<AppState>,
    Path((account, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(resp) = authenticate(&sim, &headers, &account) {
        return *resp;
    }
    let sid = file.strip_suffix(".json").unwrap_or(&file);
    match sim.carrier.call(sid).filter(|c| c.account_sid == account) {
        Some(c) => Json(call_json(&c)).into_response(),
        None => twilio_error(
            StatusCode::NOT_FOUND,
            20404,
            &format!(
                "The requested resource {}/Calls/{sid}.json was not found",
                account_uri(&account)
            ),
        ),
    }
}

pub fn router() -> Router<AppState> {
    const ACCOUNT: &str = "/carrier/2010-04-01/Accounts/{account}";
    Router::new()
        .route(
            &format!("{ACCOUNT}/Messages.json"),
            post(create_message).get(list_messages),
        )
        .route(&format!("{ACCOUNT}/Messages/{{file}}"), get(one_message))
        .route(
            &format!("{ACCOUNT}/Calls.json"),
            post(create_call).get(list_calls),
        )
        .route(&format!("{ACCOUNT}/Calls/{{file}}"), get(one_call))
        .route("/phone", get(phone_index))
        .route("/phone/{number}", get(phone_page))
        .route("/phone/{number}/calls/{sid}/answer", post(answer))
        .route("/phone/{number}/calls/{sid}/keys", post(press_key))
        .route("/phone/{number}/calls/{sid}/hangup", post(hang_up))
        .route("/phone/{number}/calls/{sid}/decline", post(decline))
}

// ---------------------------------------------------------- virtual phone

const PHONE_CSS: &str = "
body{font-family:'Segoe UI',Helvetica,Arial,sans-serif;background:#e8eaed;margin:0;color:#1b1b1b}
.phone{width:340px;margin:24px auto;background:#111;border-radius:40px;padding:18px 14px;box-shadow:0 8px 24px rgba(0,0,0,.35)}
.screen{background:#fafafa;border-radius:26px;min-height:560px;padding:18px 16px;overflow-wrap:anywhere}
.notch{width:110px;height:18px;background:#111;border-radius:0 0 12px 12px;margin:-18px auto 10px}
h1{font-size:20px;margin:4px 0 2px;text-align:center}
h2{font-size:15px;margin:18px 0 6px;color:#444;text-transform:uppercase;letter-spacing:.5px}
.sub{text-align:center;color:#666;font-size:13px;margin:0 0 10px}
ul{list-style:none;padding:0;margin:0}
.sms{background:#e5e5ea;border-radius:16px;padding:8px 12px;margin:6px 0}
.sms .meta,.call .meta{font-size:12px;color:#555}
.sms p{margin:4px 0;white-space:pre-wrap}
.incoming{background:#0b6b2f;color:#fff;border-radius:18px;padding:14px;text-align:center}
.incoming .who{font-size:18px;font-weight:600;margin:4px 0 12px}
.incall{background:#1f2a44;color:#fff;border-radius:18px;padding:12px}
.incall .said{margin:6px 0}
.pressed{color:#0b5394;font-family:Consolas,monospace}
.note{color:#5f5f5f;font-style:italic}
.incall .pressed{color:#9ecbff}
.incall .note{color:#c8c8c8}
.call ul{padding-left:14px;margin:4px 0}
.error{color:#b00020;background:#fde7ea;border-radius:8px;padding:6px 8px;margin:6px 0}
.incall .error{color:#fff;background:#b00020}
.row{display:flex;gap:10px;justify-content:center;margin-top:10px}
button{font:inherit;cursor:pointer;border:0;border-radius:24px;padding:10px 18px}
.answer{background:#34c759;color:#fff}
.decline,.hangup{background:#ff3b30;color:#fff}
.keypad{display:grid;grid-template-columns:repeat(3,64px);gap:10px;justify-content:center;margin:12px 0}
.keypad button{width:64px;height:64px;border-radius:50%;background:#3a4660;color:#fff;font-size:24px;padding:0}
.keypad button:focus,button:focus{outline:3px solid #ffbf47}
.call{border-bottom:1px solid #ddd;padding:6px 0}
details summary{cursor:pointer}
label{display:block;font-size:14px;margin:10px 0 4px}
input[type=tel]{width:100%;box-sizing:border-box;padding:8px;font-size:16px;border:1px solid #888;border-radius:8px}
.open{background:#0067b8;color:#fff;margin-top:10px}
a{color:#0067b8}
.numbers li{margin:6px 0}
";

fn phone_shell(title: &str, inner: &str) -> Response {
    html::page(
        title,
        PHONE_CSS,
        &format!(
            r#"<main class="phone" aria-label="Virtual phone"><div class="screen"><div class="notch" aria-hidden="true"></div>{inner}</div></main>"#
        ),
    )
}

/// A phone number someone might want to open, and who it belongs to.
struct KnownNumber {
    key: String,
    owners: Vec<String>,
}

fn known_numbers(sim: &AppState) -> Vec<KnownNumber> {
    let mut known: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for u in sim.tenant.users() {
        if let Some(p) = &u.phone {
            known
                .entry(p.e164())
                .or_default()
                .push(format!("{} (mobile)", u.display_name));
        }
        if let Some(p) = &u.office_phone {
            known
                .entry(p.e164())
                .or_default()
                .push(format!("{} (office)", u.display_name));
        }
    }
    let book = sim.carrier.lock();
    for to in book
        .messages
        .iter()
        .map(|m| &m.to)
        .chain(book.calls.iter().map(|c| &c.to))
    {
        known.entry(to.clone()).or_default();
    }
    drop(book);
    known
        .into_iter()
        .map(|(key, owners)| KnownNumber { key, owners })
        .collect()
}

async fn phone_index(
    State(sim): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut error = String::new();
    if let Some(raw) = q.get("number").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        match PhoneNumber::parse(raw) {
            Ok(p) => return html::see_other(&phone_path(&p.e164())),
            Err(e) => {
                error = format!(
                    r#"<p class="error" role="alert" id="number-error">{}</p>"#,
                    html::escape(&e)
                )
            }
        }
    }
    let items: String = known_numbers(&sim)
        .iter()
        .map(|n| {
            let who = if n.owners.is_empty() {
                String::new()
            } else {
                format!(" — {}", html::escape(&n.owners.join(", ")))
            };
            format!(
                r#"<li><a href="{}">{}</a>{who}</li>"#,
                html::escape(&phone_path(&n.key)),
                html::escape(&number_display(&n.key))
            )
        })
        .collect();
    let described = if error.is_empty() {
        ""
    } else {
        r#" aria-describedby="number-error""#
    };
    let body = format!(
        r#"<h1>Virtual phone</h1><p class="sub">Texts and calls the tenant sends through the embedded carrier.</p>
<form method="get" action="/phone" aria-label="Open a phone"><label for="number">Phone number</label>
<input type="tel" id="number" name="number" placeholder="+1 2065550101" autocomplete="tel"{described}>{error}
<button type="submit" class="open">Open phone</button></form>
<h2 id="known">Known numbers</h2><ul class="numbers" aria-labelledby="known">{items}</ul>"#
    );
    phone_shell("Virtual phone", &body)
}

/// The anti-forgery token of this browser: the cookie's, or a new one.
fn csrf_token(headers: &HeaderMap) -> (String, bool) {
    match html::cookie(headers, PHONE_CSRF_COOKIE) {
        Some(t) if t.len() == 32 && t.chars().all(|c| c.is_ascii_alphanumeric()) => (t, false),
        _ => (random_token(32), true),
    }
}

fn csrf_ok(headers: &HeaderMap, form: &HashMap<String, String>) -> bool {
    match (html::cookie(headers, PHONE_CSRF_COOKIE), form.get("csrf")) {
        (Some(cookie), Some(sent)) if !cookie.is_empty() => Secret::new(cookie).matches(sent),
        _ => false,
    }
}

fn refused(message: &str, back: &str) -> Response {
    let body = format!(
        r#"<h1>Not done</h1><p class="error" role="alert">{}</p><p><a href="{}">Back to the phone</a></p>"#,
        html::escape(message),
        html::escape(back)
    );
    let mut resp = phone_shell("Not done — virtual phone", &body);
    *resp.status_mut() = StatusCode::BAD_REQUEST;
    resp
}

fn transcript_html(lines: &[Utterance]) -> String {
    lines
        .iter()
        .map(|l| match l {
            Utterance::Said(t) => format!(r#"<li class="said">“{}”</li>"#, html::escape(t)),
            Utterance::Pressed(k) => format!(
                r#"<li class="pressed">You pressed {}</li>"#,
                html::escape(k)
            ),
            Utterance::Note(t) => format!(r#"<li class="note">{}</li>"#, html::escape(t)),
            Utterance::Error(t) => {
                format!(r#"<li class="error" role="alert">{}</li>"#, html::escape(t))
            }
        })
        .collect()
}

fn call_form(path: &str, sid: &str, action: &str, csrf: &str, class: &str, label: &str) -> String {
    format!(
        r#"<form method="post" action="{}/calls/{}/{action}">{}<button type="submit" class="{class}">{label}</button></form>"#,
        html::escape(path),
        html::escape(sid),
        html::hidden("csrf", csrf)
    )
}

async fn phone_page(
    State(sim): State<AppState>,
    Path(number): Path<String>,
    headers: HeaderMap,
) -> Response {
    let key = key_from_path(&number);
    let path = phone_path(&key);
    let (csrf, fresh) = csrf_token(&headers);
    let calls: Vec<PhoneCall> = sim
        .carrier
        .calls()
        .into_iter()
        .filter(|c| c.to == key)
        .collect();
    let texts: Vec<Message> = sim
        .carrier
        .messages()
        .into_iter()
        .filter(|m| m.to == key)
        .collect();

    let mut body = format!(
        r#"<h1>{}</h1><p class="sub">Virtual phone · <a href="/phone">All phones</a></p>"#,
        html::escape(&number_display(&key))
    );
    let in_call = calls.iter().find(|c| c.status == "in-progress");
    if let Some(c) = in_call {
        body.push_str(&format!(
            r#"<section class="incall" aria-labelledby="incall-title"><h2 id="incall-title" style="color:#fff">On a call with {}</h2><ul aria-live="polite">{}</ul>"#,
            html::escape(&number_display(&c.from)),
            transcript_html(&c.transcript)
        ));
        if let Some(g) = &c.gathering {
            if !g.typed.is_empty() {
                body.push_str(&format!(
                    r#"<p class="pressed">Keys so far: {}</p>"#,
                    html::escape(&g.typed)
                ));
            }
            body.push_str(&format!(
                r#"<form method="post" action="{}/calls/{}/keys" aria-label="Keypad">{}<div class="keypad" role="group" aria-label="Keypad">"#,
                html::escape(&path),
                html::escape(&c.sid),
                html::hidden("csrf", &csrf)
            ));
            for key in ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"] {
                body.push_str(&format!(
                    r#"<button type="submit" name="Digits" value="{k}" aria-label="Press {k}">{k}</button>"#,
                    k = html::escape(key)
                ));
            }
            body.push_str("</div></form>");
        }
        body.push_str(&format!(
            r#"<div class="row">{}</div></section>"#,
            call_form(&path, &c.sid, "hangup", &csrf, "hangup", "Hang up")
        ));
    }
    for c in calls.iter().filter(|c| c.is_ringing()) {
        body.push_str(&format!(
            r#"<section class="incoming" aria-label="Incoming call"><div>Incoming call</div><div class="who">{}</div><div class="row">{}{}</div></section>"#,
            html::escape(&number_display(&c.from)),
            call_form(&path, &c.sid, "answer", &csrf, "answer", "Answer"),
            call_form(&path, &c.sid, "decline", &csrf, "decline", "Decline"),
        ));
    }
    let waiting = in_call.is_none();
    if waiting {
        body.push_str(r#"<p class="sub" aria-live="polite">Waiting for texts and calls. This page refreshes by itself every 2 seconds; reload it if it does not.</p>"#);
    }

    body.push_str(r#"<h2 id="texts">Texts</h2>"#);
    if texts.is_empty() {
        body.push_str(r#"<p class="sub">No texts yet.</p>"#);
    } else {
        body.push_str(r#"<ul aria-labelledby="texts">"#);
        for m in &texts {
            body.push_str(&format!(
                r#"<li class="sms"><div class="meta">From <span class="from">{}</span> · <time>{}</time></div><p class="body">{}</p></li>"#,
                html::escape(&number_display(&m.from)),
                html::escape(&docproof_contract::twilio::date(m.created)),
                html::escape(&m.body)
            ));
        }
        body.push_str("</ul>");
    }

    let past: Vec<&PhoneCall> = calls.iter().filter(|c| c.is_over()).collect();
    if !past.is_empty() {
        body.push_str(r#"<h2 id="calls">Calls</h2><ul aria-labelledby="calls">"#);
        for (i, c) in past.iter().enumerate() {
            body.push_str(&format!(
                r#"<li class="call"><details{}><summary>From {} · {} · <time>{}</time></summary><ul>{}</ul></details></li>"#,
                if i == 0 { " open" } else { "" },
                html::escape(&number_display(&c.from)),
                html::escape(&c.status),
                html::escape(&docproof_contract::twilio::date(c.created)),
                transcript_html(&c.transcript)
            ));
        }
        body.push_str("</ul>");
    }

    let mut resp = phone_shell(&format!("Phone {}", number_display(&key)), &body);
    if waiting {
        // Works without JavaScript; every browser honours it.
        resp.headers_mut()
            .insert("refresh", HeaderValue::from_static("2"));
    }
    if fresh {
        resp = html::with_cookie(resp, html::set_cookie(PHONE_CSRF_COOKIE, &csrf));
    }
    resp
}

/// A post about a call on this phone: its form and the phone page to go
/// back to, once the anti-forgery token checks out and the call is this
/// phone's.
fn phone_call(
    sim: &AppState,
    headers: &HeaderMap,
    form: PostedForm,
    number: &str,
    sid: &str,
) -> Result<(HashMap<String, String>, String), Box<Response>> {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let key = key_from_path(number);
    let back = phone_path(&key);
    if !csrf_ok(headers, &form) {
        return Err(Box::new(refused(
            "This request was refused: its anti-forgery token is missing or does not match this browser. Open the phone page again and retry from there.",
            &back,
        )));
    }
    match sim.carrier.with_call(sid, |c| c.to == key) {
        Some(true) => Ok((form, back)),
        _ => Err(Box::new(refused(
            "There is no such call on this phone.",
            &back,
        ))),
    }
}

async fn answer(
    State(sim): State<AppState>,
    Path((number, sid)): Path<(String, String)>,
    headers: HeaderMap,
    form: PostedForm,
) -> Response {
    let (_, back) = match phone_call(&sim, &headers, form, &number, &sid) {
        Ok(found) => found,
        Err(resp) => return *resp,
    };
    let answered = sim
        .carrier
        .with_call(&sid, |c| {
            if !c.is_ringing() {
                return None;
            }
            c.status = "in-progress".into();
            c.answered = Some(SystemTime::now());
            c.transcript.push(Utterance::Note("You answered.".into()));
            Some(c.clone())
        })
        .flatten();
    if let Some(call) = answered {
        let next = match (&call.url, &call.twiml) {
            (Some(url), _) => Next::Fetch {
                url: url.clone(),
                method: call.method.clone(),
                digits: None,
            },
            (None, Some(xml)) => Next::Inline {
                doc_url: String::new(),
                xml: xml.clone(),
            },
            (None, None) => Next::Verbs {
                doc_url: String::new(),
                verbs: Vec::new(),
            },
        };
        sim.carrier.run(&sid, next).await;
    }
    html::see_other(&back)
}

async fn press_key(
    State(sim): State<AppState>,
    Path((number, sid)): Path<(String, String)>,
    headers: HeaderMap,
    form: PostedForm,
) -> Response {
    let (form, back) = match phone_call(&sim, &headers, form, &number, &sid) {
        Ok(found) => found,
        Err(resp) => return *resp,
    };
    let key = form
        .get("Digits")
        .map(|d| d.trim().to_string())
        .unwrap_or_default();
    let valid = key.chars().count() == 1 && key.chars().all(twiml::is_key);
    if !valid {
        return refused("Press one key of the keypad: 0–9, * or #.", &back);
    }
    let next = sim
        .carrier
        .with_call(&sid, |c| {
            if c.status != "in-progress" {
                return None;
            }
            let g = c.gathering.as_mut()?;
            let pressed = Utterance::Pressed(key.clone());
            let finishing = key
                .chars()
                .next()
                .is_some_and(|k| twiml::finishes(&g.finish_on_key, k));
            let next = if finishing {
                let g = c.gathering.take()?;
                if g.typed.is_empty() {
                    // Finished with no digits: Twilio plays what follows the Gather.
                    Some(Next::Verbs {
                        doc_url: g.doc_url,
                        verbs: g.after,
                    })
                } else {
                    Some(g.post_keys())
                }
            } else {
                g.typed.push_str(&key);
                if g.num_digits.is_some_and(|n| g.typed.chars().count() >= n) {
                    Some(c.gathering.take()?.post_keys())
                } else {
                    None
                }
            };
            c.transcript.push(pressed);
            next
        })
        .flatten();
    if let Some(next) = next {
        sim.carrier.run(&sid, next).await;
    }
    html::see_other(&back)
}

async fn hang_up(
    State(sim): State<AppState>,
    Path((number, sid)): Path<(String, String)>,
    headers: HeaderMap,
    form: PostedForm,
) -> Response {
    let (_, back) = match phone_call(&sim, &headers, form, &number, &sid) {
        Ok(found) => found,
        Err(resp) => return *resp,
    };
    let ended = sim
        .carrier
        .with_call(&sid, |c| {
            if c.status != "in-progress" {
                return None;
            }
            c.end("completed");
            c.transcript.push(Utterance::Note("You hung up.".into()));
            Some(c.clone())
        })
        .flatten();
    if let Some(call) = ended {
        sim.carrier.post_status(&call).await;
    }
    html::see_other(&back)
}

async fn decline(
    State(sim): State<AppState>,
    Path((number, sid)): Path<(String, String)>,
    headers: HeaderMap,
    form: PostedForm,
) -> Response {
    let (_, back) = match phone_call(&sim, &headers, form, &number, &sid) {
        Ok(found) => found,
        Err(resp) => return *resp,
    };
    if let Some(call) = sim
        .carrier
        .end_ringing(&sid, "no-answer", "You declined the call.")
    {
        sim.carrier.post_status(&call).await;
    }
    html::see_other(&back)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_file_under_e164() {
        assert_eq!(number_key("+1 2065550101"), "+12065550101");
        assert_eq!(number_key("+12065550101"), "+12065550101");
        assert_eq!(number_key(" 12065550101"), "+12065550101");
        assert_eq!(number_key("+44 20 7946 0000"), "+442079460000");
        assert_eq!(number_key("+442079460000"), "+442079460000");
        assert_eq!(number_key("client:alice"), "client:alice");
        assert_eq!(phone_path("+12065550101"), "/phone/12065550101");
        assert_eq!(phone_path("client:alice"), "/phone/client%3Aalice");
        assert_eq!(key_from_path("12065550101"), "+12065550101");
    }
}
