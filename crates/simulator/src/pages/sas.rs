//! The second factor at sign-in ("SAS" in Microsoft's URLs): sending the text
//! or placing the call, the "Enter code" page, the call-wait page that
//! advances by itself (and by a re-check form without JavaScript), and the
//! failure pages: rate limit, provider outage, unanswered call, fraud alert.

use super::flow::{self, with_checked_flow, FormFields};
use super::signin::kmsi_page;
use crate::carrier::client::TelephonyError;
use crate::carrier::voice;
use crate::html;
use crate::server::AppState;
use crate::settings::Settings;
use crate::state::{
    CallOutcome, Challenge, CodeCheck, CodeState, Flow, Registration, Stage, Wizard,
};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use docproof_contract::domain::{Method, Upn, VerificationCode};
use docproof_contract::ids::{sas as ids, sign_in as sign_in_ids};
use docproof_contract::routes;
use std::time::Instant;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(routes::SAS_BEGIN_AUTH, post(begin_again))
        .route(routes::SAS_PROCESS_AUTH, post(process))
        .route(routes::SAS_END_AUTH, get(poll))
}

/// Cookie of a browser remembered by "Don't ask again for 14 days".
pub const REMEMBER_COOKIE: &str = "MfaRememberedDevice";

/// The re-check's note while the call still rings.
pub const CALL_NOT_ANSWERED_YET: &str =
    "We haven't heard from your phone yet. Answer the call and press the pound key (#).";

/// Why no text or call went out.
#[derive(Debug, Clone)]
pub enum VerifyFailure {
    /// AADSTS50088: too many texts and calls in the window.
    RateLimited,
    Provider(Method, TelephonyError),
}

/// The text of the verification SMS. Microsoft's exact wording is
/// unconfirmed; this matches what users commonly report receiving.
pub fn sms_body(code: &VerificationCode) -> String {
    format!(
        "Use verification code {} for Microsoft authentication.",
        code.expose()
    )
}

/// Sends a fresh code or places a fresh call for `challenge`.
pub async fn begin(
    sim: &AppState,
    upn: &Upn,
    challenge: &mut Challenge,
) -> Result<(), VerifyFailure> {
    challenge.code = None;
    challenge.call_id = None;
    if !sim.tenant.telecom_allowed(upn) {
        tracing::warn!(%upn, "telecom limit reached (AADSTS50088)");
        return Err(VerifyFailure::RateLimited);
    }
    let base = sim.tenant.base_url();
    match challenge.method {
        Method::Text => {
            let code = VerificationCode::generate();
            sim.telephony
                .send_text(base, &challenge.phone, &sms_body(&code))
                .await
                .map_err(|e| VerifyFailure::Provider(Method::Text, e))?;
            challenge.code = Some(CodeState::new(code, Instant::now()));
        }
        Method::Call => {
            let call_id = sim.tenant.start_call(upn, &challenge.phone);
            let placed = sim
                .telephony
                .place_call(
                    base,
                    &challenge.phone,
                    &voice::twiml_url(base, &call_id),
                    &voice::status_callback_url(base, &call_id),
                    sim.tenant.settings.call_timeout.as_secs().max(1),
                )
                .await;
            match placed {
                // The provider's own id of the call, for its logs.
                Ok(sid) => tracing::info!(%upn, call = %call_id, %sid, "verification call placed"),
                Err(e) => {
                    sim.tenant.call_not_answered(&call_id, "provider-error");
                    return Err(VerifyFailure::Provider(Method::Call, e));
                }
            }
            challenge.call_id = Some(call_id);
        }
    }
    Ok(())
}

/// Sends a fresh text or places a fresh call to the registration's phone,
/// renders the result with `render`, and moves the flow to
/// `into(challenge)` — if the flow is still `upn`'s and at a stage
/// `expected` accepts (see `flow::settle`).
pub async fn send_and_settle(
    sim: &AppState,
    headers: &HeaderMap,
    upn: &Upn,
    registration: &Registration,
    expected: impl FnOnce(&Stage) -> bool,
    render: impl FnOnce(&Challenge, Option<&VerifyFailure>) -> Response,
    into: impl FnOnce(Challenge) -> Stage,
) -> Response {
    let mut challenge = Challenge::new(registration);
    let failure = begin(sim, upn, &mut challenge).await.err();
    let page = render(&challenge, failure.as_ref());
    match flow::settle(sim, headers, upn, expected, into(challenge)) {
        Ok(()) => page,
        Err(refused) => refused,
    }
}

/// Whichever challenge the flow is in: sign-in's or proof-up's Step 2.
pub fn challenge_of(flow: &mut Flow) -> Option<&mut Challenge> {
    match &mut flow.stage {
        Stage::SecondFactor(c) | Stage::ProofUpVerify(c) | Stage::Register(Wizard::Verify(c)) => {
            Some(c)
        }
        _ => None,
    }
}

/// Where the call of the caller's flow stands. Looks the call up after
/// releasing the flow, since the tenant's lock is not re-entrant.
pub fn current_call_outcome(sim: &AppState, headers: &HeaderMap) -> Option<(String, CallOutcome)> {
    let id = flow::with_flow(sim, headers, |f| {
        challenge_of(f).and_then(|c| c.call_id.clone())
    })
    .ok()
    .flatten()?;
    sim.tenant.call(&id).map(|c| (id, c.outcome))
}

/// The outcome looked up by `current_call_outcome`, if it is still about
/// this challenge's call (a "Call again" may have replaced it meanwhile).
pub fn outcome_for(
    c: &Challenge,
    looked_up: &Option<(String, CallOutcome)>,
) -> Option<CallOutcome> {
    looked_up
        .as_ref()
        .filter(|(id, _)| c.call_id.as_ref() == Some(id))
        .map(|(_, outcome)| outcome.clone())
}

/// What "Send a new code" / "Call again" / "Retry" needs from the caller's
/// flow: its token and user, and its challenge's method and phone. `None`
/// when the flow is not at a stage `at` accepts.
pub fn resend_target(
    sim: &AppState,
    headers: &HeaderMap,
    form: &FormFields,
    at: impl FnOnce(&Stage) -> bool,
) -> Result<Option<(String, Upn, Registration)>, Response> {
    with_checked_flow(sim, headers, form, |f| {
        if !at(&f.stage) {
            return None;
        }
        let token = f.token.expose().to_string();
        let upn = f.upn.clone()?;
        let c = challenge_of(f)?;
        Some((token, upn, c.registration()))
    })
}

/// "Send a new code" / "Call again" / "Retry".
async fn begin_again(
    State(sim): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<FormFields>,
) -> Response {
    let at_second_factor = |s: &Stage| matches!(s, Stage::SecondFactor(_));
    let (token, upn, registration) = match resend_target(&sim, &headers, &form, at_second_factor) {
        Ok(Some(v)) => v,
        Ok(None) => return flow::bad_flow(),
        Err(resp) => return resp,
    };
    send_and_settle(
        &sim,
        &headers,
        &upn,
        &registration,
        at_second_factor,
        |c, failure| challenge_page(&sim, &token, c, failure),
        Stage::SecondFactor,
    )
    .await
}

/// What a "Verify" or a call-wait re-check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChallengeCheck {
    /// The expected code, or the call answered with the pound key.
    Passed,
    /// A text's code of the wrong shape or not the expected one: why.
    Rejected(String),
    /// `0#` on the call: a fraud alert.
    Fraud,
    /// The call still rings.
    Ringing,
    /// The call ended without the pound key, or is no longer this challenge's.
    CallOver,
}

/// Checks the code typed for a text (a correct code is consumed), or where
/// the challenge's call stands (`looked_up` from `current_call_outcome`).
pub fn check_challenge(
    c: &mut Challenge,
    typed: &str,
    settings: &Settings,
    looked_up: &Option<(String, CallOutcome)>,
) -> ChallengeCheck {
    match c.method {
        Method::Text => match VerificationCode::parse(typed) {
            Err(e) => ChallengeCheck::Rejected(e),
            Ok(code) => match c.check_code(&code, settings, Instant::now()) {
                CodeCheck::Correct => ChallengeCheck::Passed,
                other => ChallengeCheck::Rejected(code_error(&other).to_string()),
            },
        },
        Method::Call => match outcome_for(c, looked_up) {
            Some(CallOutcome::Verified) => ChallengeCheck::Passed,
            Some(CallOutcome::Fraud) => ChallengeCheck::Fraud,
            Some(CallOutcome::Ringing) => ChallengeCheck::Ringing,
            _ => ChallengeCheck::CallOver,
        },
    }
}

/// "Verify" on the Enter code page, or the call-wait page's re-check.
async fn process(
    State(sim): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<FormFields>,
) -> Response {
    let settings = &sim.tenant.settings;
    let typed = form.get(ids::otc.name).cloned().unwrap_or_default();
    let remember = form.get(ids::rememberMFA.name).is_some_and(|v| v == "true");
    let outcome = current_call_outcome(&sim, &headers);
    let mut passed_for = None;
    let result = with_checked_flow(&sim, &headers, &form, |f| {
        let token = f.token.expose().to_string();
        let Stage::SecondFactor(c) = &mut f.stage else {
            return Err(flow::bad_flow());
        };
        Ok(match check_challenge(c, &typed, settings, &outcome) {
            ChallengeCheck::Passed => {
                f.stage = Stage::Kmsi;
                passed_for = f.upn.clone();
                kmsi_page(&token)
            }
            ChallengeCheck::Rejected(message) => enter_code_page(&token, c, Some(&message)),
            ChallengeCheck::Fraud => blocked_page(),
            ChallengeCheck::Ringing => call_wait_page(&sim, &token, c, Some(CALL_NOT_ANSWERED_YET)),
            ChallengeCheck::CallOver => call_timed_out_page(&token, routes::SAS_BEGIN_AUTH),
        })
    });
    let page = match result {
        Ok(Ok(page)) | Ok(Err(page)) | Err(page) => page,
    };
    match passed_for {
        Some(upn) if remember => {
            let token = sim.tenant.remember_device(&upn);
            html::with_cookie(
                page,
                html::set_persistent_cookie(
                    REMEMBER_COOKIE,
                    &token,
                    sim.tenant.settings.remember_mfa_for,
                ),
            )
        }
        _ => page,
    }
}

/// The wait pages' script polls this until the call is answered or over.
async fn poll(State(sim): State<AppState>, headers: HeaderMap) -> Response {
    if flow::flow_id(&headers).is_none() {
        return (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({"Success": false, "ResultValue": "InvalidFlow"})),
        )
            .into_response();
    }
    let value = match current_call_outcome(&sim, &headers).map(|(_, o)| o) {
        Some(CallOutcome::Ringing) => "AuthenticationPending",
        Some(CallOutcome::Verified) => "Success",
        Some(CallOutcome::Fraud) => "FraudReported",
        Some(_) => "CallNotAnswered",
        None => "NoCall",
    };
    Json(serde_json::json!({"Success": value == "Success", "ResultValue": value})).into_response()
}

pub fn code_error(check: &CodeCheck) -> &'static str {
    match check {
        CodeCheck::Correct => "",
        CodeCheck::Wrong { .. } => "You didn't enter the expected verification code. Please try again.",
        CodeCheck::Void => {
            "You've entered the wrong code too many times, so this code can no longer be used. Send a new code."
        }
        CodeCheck::Expired => "That code has expired. Send a new code.",
        CodeCheck::NoCode => "There is no code waiting to be entered. Send a new code.",
    }
}

/// The page for a challenge just begun: Enter code, the call-wait page,
/// or what went wrong sending it.
pub fn challenge_page(
    sim: &AppState,
    token: &str,
    c: &Challenge,
    failure: Option<&VerifyFailure>,
) -> Response {
    match failure {
        Some(f) => send_failed_page(token, f, routes::SAS_BEGIN_AUTH),
        None if c.method == Method::Text => enter_code_page(token, c, None),
        None => call_wait_page(sim, token, c, None),
    }
}

/// "Enter code": the code texted to the masked phone, and a resend.
#[derive(Template)]
#[template(path = "sas/enter_code.html")]
struct EnterCode<'a> {
    title: &'a str,
    token: &'a str,
    masked: String,
    error: Option<&'a str>,
}

/// "Answer the call", with the re-check form its script submits.
#[derive(Template)]
#[template(path = "sas/call_wait.html")]
struct CallWait<'a> {
    title: &'a str,
    token: &'a str,
    masked: String,
    note: Option<&'a str>,
    poll_interval: u128,
}

/// "We didn't hear from you": the call ended without the pound key.
#[derive(Template)]
#[template(path = "sas/timed_out.html")]
struct TimedOut<'a> {
    title: &'a str,
    token: &'a str,
    retry: &'a str,
}

/// No text or call went out, and why; a retry.
#[derive(Template)]
#[template(path = "sas/send_failed.html")]
struct SendFailed<'a> {
    title: &'a str,
    description: &'a str,
    token: &'a str,
    retry: &'a str,
}

/// "Your sign-in was blocked" after a fraud alert.
#[derive(Template)]
#[template(path = "sas/blocked.html")]
struct Blocked<'a> {
    title: &'a str,
}

pub fn enter_code_page(token: &str, c: &Challenge, error: Option<&str>) -> Response {
    html::render(&EnterCode {
        title: "Enter code",
        token,
        masked: c.phone.masked(),
        error,
    })
}

/// The call-wait page. With JavaScript it polls `EndAuth` and submits the
/// re-check form when the call is over; without, the user presses the button.
pub fn call_wait_page(sim: &AppState, token: &str, c: &Challenge, note: Option<&str>) -> Response {
    html::render(&CallWait {
        title: "Answer the call",
        token,
        masked: c.phone.masked(),
        note,
        poll_interval: poll_interval_ms(sim),
    })
}

/// How often the call-wait pages' script polls `EndAuth`, in milliseconds.
pub fn poll_interval_ms(sim: &AppState) -> u128 {
    sim.tenant.settings.poll_interval.as_millis().max(100)
}

/// The call ended without the pound key: Microsoft's time-out page. Its
/// "Call again" posts to `retry_action`.
pub fn call_timed_out_page(token: &str, retry_action: &str) -> Response {
    html::render(&TimedOut {
        title: "We didn't hear from you",
        token,
        retry: retry_action,
    })
}

/// Texting or calling did not work: say so and offer a retry.
pub fn send_failed_page(token: &str, failure: &VerifyFailure, retry_action: &str) -> Response {
    let (title, description) = match failure {
        VerifyFailure::RateLimited => (
            "We can't send a text or call right now",
            "AADSTS50088: Limit on telecom MFA calls reached. Please try again in a few minutes."
                .to_string(),
        ),
        VerifyFailure::Provider(Method::Text, e) => (
            "We couldn't send a text message",
            format!("We couldn't send a text message to your phone. Please try again. ({e}.)"),
        ),
        VerifyFailure::Provider(Method::Call, e) => (
            "We couldn't call your phone",
            format!("We couldn't call your phone. Please try again. ({e}.)"),
        ),
    };
    html::render(&SendFailed {
        title,
        description: &description,
        token,
        retry: retry_action,
    })
}

/// Sign-in after a fraud alert (`0#` on the call).
pub fn blocked_page() -> Response {
    let page = html::render(&Blocked {
        title: "Your sign-in was blocked",
    });
    (StatusCode::FORBIDDEN, page).into_response()
}
