//! The virtual carrier's Twilio-compatible REST API, under
//! `/carrier/2010-04-01/Accounts/{AccountSid}` (HTTP basic auth
//! `AccountSid:AuthToken`, checked against the tenant's telephony settings;
//! errors in Twilio's JSON shape):
//!
//! - `POST …/Messages.json` (`To`, `From`, `Body`, optional
//!   `StatusCallback`) → 201 message JSON; the text reaches the virtual
//!   phone at once.
//! - `GET  …/Messages.json?To=&From=&PageSize=` → newest first.
//! - `GET  …/Messages/{MessageSid}.json`.
//! - `POST …/Calls.json` (`To`, `From`, `Url` or `Twiml`, `Method`,
//!   `StatusCallback`, `StatusCallbackMethod`, `Timeout`) → 201 call JSON;
//!   the call rings until answered, declined, or `Timeout` seconds pass
//!   (then `no-answer`).
//! - `GET  …/Calls.json?To=&From=&Status=&PageSize=` → newest first.
//! - `GET  …/Calls/{CallSid}.json`.
//! - `POST …/Calls/{CallSid}.json`, Twilio's "update a call": `Status`
//!   (`canceled` or `completed`) ends it; `Url` or `Twiml` replace the
//!   instructions of a call in progress. One simulator convention (see
//!   [`update_call`]): `Twiml` holding only `<Play digits="…"/>` is the
//!   keypad of the phone at `To`.
//!
//! A Call resource carries docproof's own field `docproof`
//! ([`CallExtension`]): what the phone heard and pressed, whether the call
//! waits for keys, and the TwiML URL it was placed with. Twilio has none
//! of these.
//!
//! Sending a text and placing a call obey the fault switches (`faults`).

use super::numbers::{non_empty, number_display, number_field, number_key};
use super::virtual_carrier::{Message, Next, NotNow, PhoneCall};
use crate::html;
use crate::server::AppState;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use docproof_contract::domain::Secret;
use docproof_contract::twilio::faults::{Fault, Resource};
use docproof_contract::twilio::{
    self, account_uri, limits, new_sid, CallExtension, CallResource, MessageResource, API_VERSION,
    VIRTUAL_CARRIER,
};
use docproof_contract::twiml;
use serde_json::Value;
use std::collections::HashMap;
use std::future::Future;
use std::time::{Duration, SystemTime};

/// Twilio's default and maximum ring time for `Calls.json` `Timeout`.
const DEFAULT_RING_SECS: u64 = 60;
const MAX_RING_SECS: u64 = 600;
const DEFAULT_PAGE_SIZE: usize = 50;
const MAX_PAGE_SIZE: usize = 1000;

pub fn router() -> Router<AppState> {
    let account = format!("{VIRTUAL_CARRIER}/{API_VERSION}/Accounts/{{account}}");
    Router::new()
        .route(
            &format!("{account}/Messages.json"),
            post(create_message).get(list_messages),
        )
        .route(&format!("{account}/Messages/{{file}}"), get(one_message))
        .route(
            &format!("{account}/Calls.json"),
            post(create_call).get(list_calls),
        )
        .route(
            &format!("{account}/Calls/{{file}}"),
            get(one_call).post(update_call),
        )
}

/// Twilio's error answer.
pub(super) fn twilio_error(status: StatusCode, code: u32, message: &str) -> Response {
    let body = twilio::error_json(status.as_u16(), code, message);
    (status, Json(body)).into_response()
}

/// A call that could not be acted on: 404 for an unknown call, 422 for a
/// value Twilio would not take (its 20422, "Invalid parameter"), else 400.
fn not_now(refused: NotNow) -> Response {
    let status = match refused.code {
        20404 => StatusCode::NOT_FOUND,
        20422 => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::BAD_REQUEST,
    };
    twilio_error(status, refused.code, &refused.message)
}

/// Checks HTTP basic auth against the configured account and that `account`
/// (the one a path names) is that account.
pub(super) fn authenticate(
    sim: &AppState,
    headers: &HeaderMap,
    account: &str,
) -> Result<(), Box<Response>> {
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
    let date = twilio::date(m.created);
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

/// A Call resource in Twilio's shape, plus docproof's `docproof` field.
pub(super) fn call_json(c: &PhoneCall) -> Value {
    let created = twilio::date(c.created);
    let updated = twilio::date(c.ended.or(c.answered).unwrap_or(c.created));
    let start_time = c.answered.map(twilio::date);
    let end_time = c.ended.map(twilio::date);
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
    // Not Twilio's: docproof's extension (see the module's documentation).
    CallExtension {
        twiml_url: c.url.clone(),
        heard: c.transcript.clone(),
        waiting_for_keys: c.waits_for_keys(),
    }
    .add_to(&mut json);
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
    let mut qs = url::form_urlencoded::Serializer::new(String::new());
    for f in filters {
        if let Some(v) = q.get(*f).filter(|v| !v.trim().is_empty()) {
            qs.append_pair(f, &number_or_text(f, v));
        }
    }
    qs.append_pair("PageSize", &size.to_string());
    qs.append_pair("Page", "0");
    (size, qs.finish())
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

/// A posted form.
type PostedForm = Result<Form<HashMap<String, String>>, FormRejection>;

/// The fields of a posted form: a body over the server's limit is Twilio's
/// 20413 (HTTP 413); any other unreadable form counts as empty, so the
/// missing field is named.
fn read_form(form: PostedForm) -> Result<HashMap<String, String>, Box<Response>> {
    match form {
        Ok(Form(fields)) => Ok(fields),
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(Box::new(twilio_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            limits::REQUEST_TOO_LARGE,
            &format!(
                "Request Entity Too Large: the request body is over {} bytes",
                crate::server::MAX_REQUEST_BYTES
            ),
        ))),
        Err(_) => Ok(HashMap::new()),
    }
}

/// A URL the carrier will fetch later (`Url`, `StatusCallback`), refused
/// now with Twilio's `code` unless it is on an allowed host.
fn fetchable(sim: &AppState, field: &str, url: &str, code: u32) -> Result<(), Box<Response>> {
    sim.carrier.allowed.check(url).map_err(|why| {
        let message = format!("{field} is not a valid URL: {url} ({why})");
        Box::new(twilio_error(StatusCode::BAD_REQUEST, code, &message))
    })
}

/// Twilio's 21205, for a call's `Url`.
const INVALID_URL: u32 = 21205;
/// Twilio's 21609, "Invalid 'StatusCallback'".
const INVALID_STATUS_CALLBACK: u32 = 21609;

/// An optional `StatusCallback`, checked like a `Url`.
fn status_callback(
    sim: &AppState,
    form: &HashMap<String, String>,
) -> Result<Option<String>, Box<Response>> {
    let url = non_empty(form, "StatusCallback");
    if let Some(u) = &url {
        fetchable(sim, "StatusCallback", u, INVALID_STATUS_CALLBACK)?;
    }
    Ok(url)
}

/// Inline `Twiml` within Twilio's 4,000 characters, else its 32018.
fn inline_twiml_fits(xml: &str) -> Result<(), Box<Response>> {
    let n = xml.chars().count();
    if n <= limits::INLINE_TWIML_CHARS {
        return Ok(());
    }
    Err(Box::new(twilio_error(
        StatusCode::BAD_REQUEST,
        limits::INLINE_TWIML_TOO_LONG,
        &format!(
            "Twiml size exceeded maximum allowed value of {} characters (it has {n})",
            limits::INLINE_TWIML_CHARS
        ),
    )))
}

/// `To` and `From` of a create request, filed as numbers, or Twilio's
/// refusal; `missing_to` and `missing_from` are the error code and message
/// for each.
fn numbers(
    form: &HashMap<String, String>,
    missing_to: (u32, &str),
    missing_from: (u32, &str),
) -> Result<(String, String), Box<Response>> {
    let required = |key: &str, (code, message): (u32, &str)| {
        number_field(form, key)
            .ok_or_else(|| Box::new(twilio_error(StatusCode::BAD_REQUEST, code, message)))
    };
    Ok((required("To", missing_to)?, required("From", missing_from)?))
}

/// Creates a resource the way the fault switch for it says: at once, not
/// at all (its refusal), or after a delay. A delayed creation runs on its
/// own task, so it completes even if the client stops waiting: the
/// provider had accepted the request.
async fn obeying_faults<F>(sim: &AppState, resource: Resource, create: F) -> Response
where
    F: Future<Output = Response> + Send + 'static,
{
    match sim.carrier.fault(resource) {
        Fault::None => create.await,
        Fault::Refuse(status) => refusal(status),
        Fault::Delay(by) => {
            let late = tokio::spawn(async move {
                tokio::time::sleep(by).await;
                create.await
            });
            late.await.unwrap_or_else(|e| {
                tracing::error!(error = %e, "a delayed request of the virtual carrier failed");
                twilio_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    20500,
                    "Internal Server Error",
                )
            })
        }
    }
}

/// A refusal the fault switch asks for: `status` with Twilio's error JSON.
fn refusal(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let message = status.canonical_reason().unwrap_or("Error");
    // Twilio's 20xxx codes mirror the HTTP status (20429, 20500, 20503).
    twilio_error(status, 20_000 + u32::from(status.as_u16()), message)
}

async fn create_message(
    State(sim): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    form: PostedForm,
) -> Response {
    if let Err(resp) = authenticate(&sim, &headers, &account) {
        return *resp;
    }
    let form = match read_form(form) {
        Ok(f) => f,
        Err(resp) => return *resp,
    };
    let accept = accept_message(sim.clone(), account, form);
    obeying_faults(&sim, Resource::Messages, accept).await
}

async fn accept_message(sim: AppState, account: String, form: HashMap<String, String>) -> Response {
    let (to, from) = match numbers(
        &form,
        (21604, "A 'To' phone number is required."),
        (21603, "A 'From' phone number is required."),
    ) {
        Ok(v) => v,
        Err(resp) => return *resp,
    };
    let Some(body) = form.get("Body").filter(|b| !b.trim().is_empty()).cloned() else {
        return twilio_error(StatusCode::BAD_REQUEST, 21602, "Message body is required.");
    };
    let chars = body.chars().count();
    if chars > limits::MESSAGE_BODY_CHARS {
        return twilio_error(
            StatusCode::BAD_REQUEST,
            limits::MESSAGE_TOO_LONG,
            &format!(
                "The concatenated message body exceeds the {} character limit (it has {chars})",
                limits::MESSAGE_BODY_CHARS
            ),
        );
    }
    let status_callback = match status_callback(&sim, &form) {
        Ok(url) => url,
        Err(resp) => return *resp,
    };
    let message = Message {
        sid: new_sid("SM"),
        account_sid: account,
        to,
        from,
        body,
        status: "queued".into(),
        created: SystemTime::now(),
        status_callback,
    };
    let answer = message_json(&message);
    // The virtual phone receives the text at once.
    sim.carrier.deliver(Message {
        status: "delivered".into(),
        ..message.clone()
    });
    tracing::info!(sid = %message.sid, to = %message.to, "virtual carrier delivered a text");
    if let Some(url) = message.status_callback.clone() {
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
    let items: Vec<Value> = sim.carrier.with_messages(|all| {
        all.filter(|m| m.account_sid == account)
            .filter(|m| matches_filter(&q, "To", &m.to) && matches_filter(&q, "From", &m.from))
            .take(size)
            .map(message_json)
            .collect()
    });
    Json(twilio::page_json("Messages", items, &account, size, &qs)).into_response()
}

/// `{sid}.json` of a resource path, the sid.
fn sid_of(file: &str) -> &str {
    file.strip_suffix(".json").unwrap_or(file)
}

fn not_found(account: &str, kind: &str, sid: &str) -> Response {
    twilio_error(
        StatusCode::NOT_FOUND,
        20404,
        &format!(
            "The requested resource {}/{kind}/{sid}.json was not found",
            account_uri(account)
        ),
    )
}

async fn one_message(
    State(sim): State<AppState>,
    Path((account, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(resp) = authenticate(&sim, &headers, &account) {
        return *resp;
    }
    let sid = sid_of(&file);
    let found = sim.carrier.with_messages(|all| {
        all.filter(|m| m.sid == sid && m.account_sid == account)
            .map(message_json)
            .next()
    });
    match found {
        Some(m) => Json(m).into_response(),
        None => not_found(&account, "Messages", sid),
    }
}

async fn create_call(
    State(sim): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    form: PostedForm,
) -> Response {
    if let Err(resp) = authenticate(&sim, &headers, &account) {
        return *resp;
    }
    let form = match read_form(form) {
        Ok(f) => f,
        Err(resp) => return *resp,
    };
    let accept = accept_call(sim.clone(), account, form);
    obeying_faults(&sim, Resource::Calls, accept).await
}

async fn accept_call(sim: AppState, account: String, form: HashMap<String, String>) -> Response {
    let (to, from) = match numbers(
        &form,
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
    if let Some(Err(resp)) = url
        .as_deref()
        .map(|u| fetchable(&sim, "Url", u, INVALID_URL))
    {
        return *resp;
    }
    if let Some(Err(resp)) = inline.as_deref().map(inline_twiml_fits) {
        return *resp;
    }
    let status_callback = match status_callback(&sim, &form) {
        Ok(url) => url,
        Err(resp) => return *resp,
    };
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
        status_callback,
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
    tracing::info!(%sid, to = %call.to, "virtual carrier is ringing a phone");
    sim.carrier.ring(PhoneCall {
        status: "ringing".into(),
        ..call
    });
    // Nobody answers within `Timeout`: the call ends as no-answer.
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(timeout_secs)).await;
        // Answered, declined or rung out meanwhile: nothing to do.
        let _ = sim
            .carrier
            .end_unanswered(&sid, "no-answer", "Nobody answered.")
            .await;
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
    let items: Vec<Value> = sim.carrier.with_calls(|all| {
        all.filter(|c| c.account_sid == account)
            .filter(|c| {
                matches_filter(&q, "To", &c.to)
                    && matches_filter(&q, "From", &c.from)
                    && matches_filter(&q, "Status", &c.status)
            })
            .take(size)
            .map(call_json)
            .collect()
    });
    Json(twilio::page_json("Calls", items, &account, size, &qs)).into_response()
}

/// The call `file` names in `account`, or Twilio's 404.
fn call_in(sim: &AppState, account: &str, file: &str) -> Result<PhoneCall, Box<Response>> {
    let sid = sid_of(file);
    sim.carrier
        .call(sid)
        .filter(|c| c.account_sid == account)
        .ok_or_else(|| Box::new(not_found(account, "Calls", sid)))
}

async fn one_call(
    State(sim): State<AppState>,
    Path((account, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(resp) = authenticate(&sim, &headers, &account) {
        return *resp;
    }
    match call_in(&sim, &account, &file) {
        Ok(c) => Json(call_json(&c)).into_response(),
        Err(resp) => *resp,
    }
}

/// Twilio's "update a call" (`POST …/Calls/{CallSid}.json`), answered with
/// the call as it stands once the update has played out:
///
/// - `Status=canceled` ends a ringing call (`canceled`); `Status=completed`
///   ends one in progress (`completed`) or a ringing one (`canceled`). A
///   call already over is left as it is.
/// - `Url` (with `Method`) or `Twiml`: the call in progress goes on with
///   these instructions; any other call: Twilio's 21220.
///
/// **Simulator convention, not Twilio's:** `Twiml` whose verbs are only
/// `<Play digits="…"/>` (and `<Pause/>`) is the keypad of the phone at
/// `To`. A real handset picks up and presses keys; with real Twilio a test
/// would own the called number, and `<Play digits>` on its leg of the call
/// sends those tones to the caller's `<Gather>`. The virtual carrier keeps
/// one resource per call, so the keys go to the `<Gather>` the call waits
/// on, one at a time, and a ringing call is picked up first. The update
/// answers once the call waits for keys again or is over.
async fn update_call(
    State(sim): State<AppState>,
    Path((account, file)): Path<(String, String)>,
    headers: HeaderMap,
    form: PostedForm,
) -> Response {
    if let Err(resp) = authenticate(&sim, &headers, &account) {
        return *resp;
    }
    let call = match call_in(&sim, &account, &file) {
        Ok(c) => c,
        Err(resp) => return *resp,
    };
    let form = match read_form(form) {
        Ok(f) => f,
        Err(resp) => return *resp,
    };
    let sid = call.sid.as_str();
    let done = if let Some(status) = non_empty(&form, "Status") {
        end_call(&sim, &call, &status).await
    } else if let Some(xml) = non_empty(&form, "Twiml") {
        if let Err(resp) = inline_twiml_fits(&xml) {
            return *resp;
        }
        match twiml::parse(&xml) {
            Err(e) => Err(NotNow {
                // Twilio's "Document parse failure".
                code: 12100,
                message: format!("Twiml is not valid TwiML: {e}"),
            }),
            Ok(verbs) => match twiml::keypad_keys(&verbs) {
                Some(keys)
                    if !keys
                        .chars()
                        .all(|k| twiml::is_key(k) || k == 'w' || k == 'W') =>
                {
                    Err(NotNow {
                        code: 20422,
                        message: format!(
                            "Play digits '{keys}' are not keys: use 0-9, *, # and w (a wait)"
                        ),
                    })
                }
                Some(keys) => sim.carrier.keypad(sid, &keys).await,
                None => {
                    let next = Next::Verbs {
                        doc_url: String::new(),
                        verbs,
                    };
                    sim.carrier.redirect(sid, next).await
                }
            },
        }
    } else if let Some(url) = non_empty(&form, "Url") {
        if let Err(resp) = fetchable(&sim, "Url", &url, INVALID_URL) {
            return *resp;
        }
        let method = non_empty(&form, "Method").unwrap_or_else(|| "POST".into());
        let next = Next::Fetch {
            url,
            method,
            digits: None,
        };
        sim.carrier.redirect(sid, next).await
    } else {
        Err(NotNow {
            code: 20422,
            message: "Nothing to update: give Status, Url or Twiml.".into(),
        })
    };
    if let Err(refused) = done {
        return not_now(refused);
    }
    match sim.carrier.call(sid) {
        Some(c) => Json(call_json(&c)).into_response(),
        None => not_found(&account, "Calls", sid),
    }
}

/// `Status=canceled|completed` on `call`.
async fn end_call(sim: &AppState, call: &PhoneCall, status: &str) -> Result<(), NotNow> {
    let note = format!("The caller ended the call (Status={status}).");
    match status {
        "canceled" | "completed" if call.is_ringing() => {
            sim.carrier
                .end_unanswered(&call.sid, "canceled", &note)
                .await
        }
        "completed" if call.status == "in-progress" => sim.carrier.hang_up(&call.sid, &note).await,
        // Already over, or `canceled` on a call in progress: no effect, as on Twilio.
        "canceled" | "completed" => Ok(()),
        other => Err(NotNow {
            code: 20422,
            message: format!("Status '{other}' is not canceled or completed."),
        }),
    }
}
