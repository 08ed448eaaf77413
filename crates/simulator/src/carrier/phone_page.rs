//! The virtual phone, for people exploring by hand (askama templates under
//! `templates/phone/`):
//!
//! - `GET /phone` lists the known numbers (seeded users' phones and every
//!   number a text or call went to) and opens one by number.
//! - `GET /phone/{number}` shows one phone's texts and calls; it refreshes
//!   itself every 2 s while no call is on the line.
//! - `POST /phone/{number}/calls/{CallSid}/{answer|keys|hangup|decline}`
//!   act on a call: answering plays the call's TwiML like Twilio does and
//!   shows what it says; the keypad presses one key at a time.
//!
//! Every POST carries an anti-forgery token bound to a cookie.

use super::numbers::{key_from_path, number_display, phone_path};
use super::virtual_carrier::{Message, PhoneCall};
use crate::html;
use crate::server::AppState;
use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use docproof_contract::domain::{random_token, PhoneNumber, Secret};
use docproof_contract::twilio::{self, CallLine};
use docproof_contract::twiml;
use std::collections::{BTreeMap, HashMap};

/// The phone page's anti-forgery cookie (double-submit: the form's `csrf`
/// field must equal it).
pub const PHONE_CSRF_COOKIE: &str = "docproof_phone";

/// Texts and past calls one phone page shows, newest first; older ones
/// stay in the carrier's log (`Messages.json`, `Calls.json`).
pub const PAGE_SHOWS: usize = 50;

/// The keypad, in the order a phone shows it.
const KEYS: [&str; 12] = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/phone", get(phone_index))
        .route("/phone/{number}", get(phone_page))
        .route("/phone/{number}/calls/{sid}/answer", post(answer))
        .route("/phone/{number}/calls/{sid}/keys", post(press_key))
        .route("/phone/{number}/calls/{sid}/hangup", post(hang_up))
        .route("/phone/{number}/calls/{sid}/decline", post(decline))
}

// ------------------------------------------------------------ templates

#[derive(Template)]
#[template(path = "phone/index.html")]
struct Index {
    title: &'static str,
    error: Option<String>,
    numbers: Vec<KnownNumber>,
}

/// A phone number someone might want to open, and who it belongs to.
struct KnownNumber {
    path: String,
    shown: String,
    /// "Megan (mobile), …", or empty.
    owners: String,
}

#[derive(Template)]
#[template(path = "phone/phone.html")]
struct Phone {
    title: String,
    number: String,
    /// This phone's page, which the call forms post under.
    path: String,
    csrf: String,
    keys: [&'static str; 12],
    in_call: Option<InCall>,
    incoming: Vec<Incoming>,
    /// No call is on the line: the page refreshes itself.
    waiting: bool,
    texts: Vec<TextShown>,
    past: Vec<PastCall>,
}

struct InCall {
    sid: String,
    from: String,
    lines: Vec<Line>,
    /// A `<Gather>` waits for keys: the keypad shows.
    gathering: bool,
    typed: String,
}

struct Incoming {
    sid: String,
    from: String,
}

struct TextShown {
    from: String,
    date: String,
    body: String,
}

struct PastCall {
    from: String,
    status: String,
    date: String,
    lines: Vec<Line>,
}

/// One line of a call's transcript as the page shows it.
struct Line {
    class: &'static str,
    text: String,
    alert: bool,
}

impl From<&CallLine> for Line {
    fn from(line: &CallLine) -> Line {
        let (class, text, alert) = match line {
            CallLine::Said(t) => ("said", format!("“{t}”"), false),
            CallLine::Pressed(k) => ("pressed", format!("You pressed {k}"), false),
            CallLine::Note(t) => ("note", t.clone(), false),
            CallLine::Error(t) => ("error", t.clone(), true),
        };
        Line { class, text, alert }
    }
}

fn lines(call: &PhoneCall) -> Vec<Line> {
    call.transcript.iter().map(Line::from).collect()
}

#[derive(Template)]
#[template(path = "phone/refused.html")]
struct Refused<'a> {
    title: &'static str,
    message: &'a str,
    back: &'a str,
}

fn refused(message: &str, back: &str) -> Response {
    let mut resp = html::render(&Refused {
        title: "Not done — virtual phone",
        message,
        back,
    });
    *resp.status_mut() = StatusCode::BAD_REQUEST;
    resp
}

// -------------------------------------------------------------- handlers

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
    for to in sim.carrier.numbers_reached() {
        known.entry(to).or_default();
    }
    known
        .into_iter()
        .map(|(key, owners)| KnownNumber {
            path: phone_path(&key),
            shown: number_display(&key),
            owners: owners.join(", "),
        })
        .collect()
}

async fn phone_index(
    State(sim): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut error = None;
    if let Some(raw) = q.get("number").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        match PhoneNumber::parse(raw) {
            Ok(p) => return html::see_other(&phone_path(&p.e164())),
            Err(e) => error = Some(e.to_string()),
        }
    }
    html::render(&Index {
        title: "Virtual phone",
        error,
        numbers: known_numbers(&sim),
    })
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

async fn phone_page(
    State(sim): State<AppState>,
    Path(number): Path<String>,
    headers: HeaderMap,
) -> Response {
    let key = key_from_path(&number);
    let (csrf, fresh) = csrf_token(&headers);
    // The calls still going (any age) and the newest ended ones the page lists.
    let calls: Vec<PhoneCall> = sim.carrier.with_calls(|all| {
        let mut ended = 0;
        all.filter(|c| c.to == key)
            .filter(|c| {
                if c.is_over() {
                    ended += 1;
                }
                !c.is_over() || ended <= PAGE_SHOWS
            })
            .cloned()
            .collect()
    });
    let texts: Vec<Message> = sim.carrier.with_messages(|all| {
        all.filter(|m| m.to == key)
            .take(PAGE_SHOWS)
            .cloned()
            .collect()
    });
    let in_call = calls
        .iter()
        .find(|c| c.status == "in-progress")
        .map(|c| InCall {
            sid: c.sid.clone(),
            from: number_display(&c.from),
            lines: lines(c),
            gathering: c.gathering.is_some(),
            typed: c
                .gathering
                .as_ref()
                .map(|g| g.typed.clone())
                .unwrap_or_default(),
        });
    let waiting = in_call.is_none();
    let page = Phone {
        title: format!("Phone {}", number_display(&key)),
        number: number_display(&key),
        path: phone_path(&key),
        csrf: csrf.clone(),
        keys: KEYS,
        in_call,
        incoming: calls
            .iter()
            .filter(|c| c.is_ringing())
            .map(|c| Incoming {
                sid: c.sid.clone(),
                from: number_display(&c.from),
            })
            .collect(),
        waiting,
        texts: texts
            .iter()
            .take(PAGE_SHOWS)
            .map(|m| TextShown {
                from: number_display(&m.from),
                date: twilio::date(m.created),
                body: m.body.clone(),
            })
            .collect(),
        past: calls
            .iter()
            .filter(|c| c.is_over())
            .take(PAGE_SHOWS)
            .map(|c| PastCall {
                from: number_display(&c.from),
                status: c.status.clone(),
                date: twilio::date(c.created),
                lines: lines(c),
            })
            .collect(),
    };
    let mut resp = html::render(&page);
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

/// A posted form; one that cannot be read counts as empty.
type PostedForm = Result<Form<HashMap<String, String>>, FormRejection>;

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
    match sim.carrier.call(sid) {
        Some(c) if c.to == key => Ok((form, back)),
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
    // A call no longer ringing (answered elsewhere, rung out) just shows as it is.
    let _ = sim.carrier.pick_up(&sid).await;
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
    let pressed = form.get("Digits").map(|d| d.trim()).unwrap_or_default();
    let mut keys = pressed.chars();
    let key = match (keys.next(), keys.next()) {
        (Some(k), None) if twiml::is_key(k) => k,
        _ => return refused("Press one key of the keypad: 0–9, * or #.", &back),
    };
    // A call that stopped waiting for keys just shows as it is.
    let _ = sim.carrier.press(&sid, key).await;
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
    let _ = sim.carrier.hang_up(&sid, "You hung up.").await;
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
    let _ = sim
        .carrier
        .end_unanswered(&sid, "no-answer", "You declined the call.")
        .await;
    html::see_other(&back)
}
