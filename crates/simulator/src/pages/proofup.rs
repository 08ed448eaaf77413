//! MFA registration ("proof-up"): the legacy "Additional security
//! verification" page a user reaches from the "More information required"
//! interrupt (`signin::proof_up_interrupt_page`). Step 1 asks for the phone
//! and method, Step 2 texts a code or calls, Step 3 shows the app password.
//! Their templates are under `templates/proof_up/`.
//!
//! Microsoft documents the visible words of this page but not its element
//! ids; ours (unconfirmed) are in the contract, `ids::proof_up`.

use super::flow::{self, with_checked_flow, FormFields};
use super::sas::{self, ChallengeCheck, VerifyFailure};
use super::signin::proof_up_interrupt_page;
use crate::html::{self, see_other};
use crate::server::AppState;
use crate::state::{Challenge, Registration, Stage};
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use axum::{Form, Router};
use docproof_contract::domain::{AppPassword, Method, PhoneNumber, VerificationCode};
use docproof_contract::ids::{proof_up as ids, sas as sas_ids, Id};
use docproof_contract::routes;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(routes::PROOF_UP, post(start).get(current))
        .route(routes::PROOF_UP_CONTACT, post(contact))
        .route(routes::PROOF_UP_VERIFY, post(verify))
        .route(routes::PROOF_UP_RESEND, post(resend))
        .route(routes::PROOF_UP_BACK, post(back))
        .route(routes::PROOF_UP_DONE, post(done))
}

/// Country or region drop-down: (value, label, calling code).
pub(super) const COUNTRIES: &[(&str, &str, &str)] = &[
    ("US", "United States (+1)", "1"),
    ("CA", "Canada (+1)", "1"),
    ("GB", "United Kingdom (+44)", "44"),
    ("HK", "Hong Kong SAR (+852)", "852"),
    ("AU", "Australia (+61)", "61"),
    ("DE", "Germany (+49)", "49"),
    ("IN", "India (+91)", "91"),
    ("JP", "Japan (+81)", "81"),
    ("SG", "Singapore (+65)", "65"),
];

const PAGE_TITLE: &str = "Additional security verification";

/// The number typed under a country of [`COUNTRIES`], or the message
/// naming what to fix (shared with today's registration).
pub(super) fn phone_from(country: &str, typed: &str) -> Result<PhoneNumber, String> {
    let Some((_, _, cc)) = COUNTRIES.iter().find(|(v, _, _)| *v == country) else {
        return Err("Select your country or region.".into());
    };
    if typed.is_empty() {
        return Err("Enter your phone number.".into());
    }
    PhoneNumber::from_parts(cc, typed).map_err(|e| {
        format!("The phone number isn't valid: {e}. Enter the number without the country code, e.g. 2065550101.")
    })
}

/// The interrupt's Next: on to Step 1.
async fn start(
    State(sim): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<FormFields>,
) -> Response {
    let checked = with_checked_flow(&sim, &headers, &form, |f| {
        if matches!(f.stage, Stage::ProofUpInterrupt) {
            f.stage = Stage::ProofUpContact;
            Some(f.token.expose().to_string())
        } else {
            None
        }
    });
    match checked {
        Ok(Some(token)) => contact_page(&token, &ContactForm::default(), None),
        Ok(None) => see_other(routes::PROOF_UP),
        Err(resp) => resp,
    }
}

/// Re-shows the current step (refresh, Back, or a bookmark of aka.ms/mfasetup).
async fn current(State(sim): State<AppState>, headers: HeaderMap) -> Response {
    let page = flow::with_flow(&sim, &headers, |f| {
        let token = f.token.expose().to_string();
        match &f.stage {
            Stage::ProofUpInterrupt => proof_up_interrupt_page(
                sim.profile,
                &token,
                f.upn.as_ref().map(|u| u.as_str()).unwrap_or(""),
            ),
            Stage::ProofUpContact => contact_page(&token, &ContactForm::default(), None),
            Stage::ProofUpVerify(c) => verify_page(&sim, &token, c, None),
            Stage::ProofUpAppPassword(a) => app_password_page(&token, a),
            _ => see_other(routes::LOGIN),
        }
    });
    page.unwrap_or_else(|e| e)
}

/// What was typed in Step 1, to show it again next to an error.
#[derive(Default)]
struct ContactForm {
    country: String,
    phone: String,
    method: String,
}

impl ContactForm {
    /// "Authentication phone", the one contact method offered.
    const AUTHENTICATION_PHONE: &str = "AuthenticationPhone";
    /// The country chosen before the user picks one.
    const DEFAULT_COUNTRY: &str = "US";
    /// The values of the Method radio buttons.
    const METHODS: [(Method, &str); 2] = [(Method::Text, "text"), (Method::Call, "call")];

    fn from(form: &FormFields) -> Self {
        let get = |k: &str| {
            form.get(k)
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        ContactForm {
            country: get(ids::COUNTRY_FIELD.name),
            phone: get(ids::PHONE_FIELD.name),
            method: get(ids::METHOD.name),
        }
    }

    /// The phone and method, or the message naming the field to fix.
    fn parse(&self, auth_method: &str) -> Result<(PhoneNumber, Method), String> {
        if auth_method != Self::AUTHENTICATION_PHONE {
            return Err(
                "Select \"Authentication phone\" under \"How should we contact you?\".".into(),
            );
        }
        let phone = phone_from(&self.country, &self.phone)?;
        let Some((method, _)) = Self::METHODS.into_iter().find(|(_, v)| *v == self.method) else {
            return Err(
                "Select a method: \"Send me a code by text message\" or \"Call me\".".into(),
            );
        };
        Ok((phone, method))
    }
}

/// Step 1's Next: check the phone, then text or call it (Step 2).
async fn contact(
    State(sim): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<FormFields>,
) -> Response {
    let checked = with_checked_flow(&sim, &headers, &form, |f| match f.stage {
        Stage::ProofUpContact => Some((f.token.expose().to_string(), f.upn.clone()?)),
        _ => None,
    });
    let (token, upn) = match checked {
        Ok(Some(v)) => v,
        Ok(None) => return see_other(routes::PROOF_UP),
        Err(resp) => return resp,
    };
    let typed = ContactForm::from(&form);
    let auth_method = form
        .get(ids::AUTH_METHOD.name)
        .map(String::as_str)
        .unwrap_or("");
    let (phone, method) = match typed.parse(auth_method) {
        Ok(v) => v,
        Err(message) => return contact_page(&token, &typed, Some(&message)),
    };
    let registration = Registration { method, phone };
    send_step2(&sim, &headers, &token, &upn, &registration, |s| {
        matches!(s, Stage::ProofUpContact)
    })
    .await
}

/// Texts or calls the phone and shows Step 2 (or why it failed).
async fn send_step2(
    sim: &AppState,
    headers: &HeaderMap,
    token: &str,
    upn: &docproof_contract::domain::Upn,
    registration: &Registration,
    expected: impl FnOnce(&Stage) -> bool,
) -> Response {
    let render = |c: &Challenge, failure: Option<&VerifyFailure>| match failure {
        Some(f) => send_failed(token, f),
        None => verify_page(sim, token, c, None),
    };
    sas::send_and_settle(
        sim,
        headers,
        upn,
        registration,
        expected,
        render,
        Stage::ProofUpVerify,
    )
    .await
}

/// Step 2's Verify (a code), or the call-wait re-check.
async fn verify(
    State(sim): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<FormFields>,
) -> Response {
    let settings = &sim.tenant.settings;
    let typed = form.get(ids::CODE_FIELD.name).cloned().unwrap_or_default();
    let call = sas::current_call_outcome(&sim, &headers);
    let outcome = with_checked_flow(&sim, &headers, &form, |f| {
        let token = f.token.expose().to_string();
        let Stage::ProofUpVerify(c) = &mut f.stage else {
            return Err(see_other(routes::PROOF_UP));
        };
        match sas::check_challenge(c, &typed, settings, &call) {
            ChallengeCheck::Passed => Ok((token, f.upn.clone(), c.registration())),
            ChallengeCheck::Rejected(message) => Err(verify_page(&sim, &token, c, Some(&message))),
            ChallengeCheck::Fraud => Err(sas::blocked_page()),
            ChallengeCheck::Ringing => Err(verify_page(
                &sim,
                &token,
                c,
                Some(sas::CALL_NOT_ANSWERED_YET),
            )),
            ChallengeCheck::CallOver => {
                Err(sas::call_timed_out_page(&token, routes::PROOF_UP_RESEND))
            }
        }
    });
    let (token, upn, registration) = match outcome {
        Ok(Ok((token, Some(upn), registration))) => (token, upn, registration),
        Ok(Ok(_)) => return flow::bad_flow(),
        Ok(Err(page)) | Err(page) => return page,
    };
    let Some(app_password) = sim.tenant.complete_registration(&upn, registration) else {
        return flow::bad_flow();
    };
    let page = app_password_page(&token, &app_password);
    match flow::settle(
        &sim,
        &headers,
        &upn,
        |s| matches!(s, Stage::ProofUpVerify(_)),
        Stage::ProofUpAppPassword(app_password),
    ) {
        Ok(()) => page,
        Err(refused) => refused,
    }
}

/// Step 2's "Send a new code" / "Call again" / "Retry" after a failure.
async fn resend(
    State(sim): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<FormFields>,
) -> Response {
    let at_step2 = |s: &Stage| matches!(s, Stage::ProofUpVerify(_));
    let (token, upn, registration) = match sas::resend_target(&sim, &headers, &form, at_step2) {
        Ok(Some(v)) => v,
        Ok(None) => return see_other(routes::PROOF_UP),
        Err(resp) => return resp,
    };
    send_step2(&sim, &headers, &token, &upn, &registration, at_step2).await
}

/// Back from Step 2 to Step 1 (e.g. to correct the number).
async fn back(
    State(sim): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<FormFields>,
) -> Response {
    let checked = with_checked_flow(&sim, &headers, &form, |f| {
        if matches!(f.stage, Stage::ProofUpVerify(_)) {
            f.stage = Stage::ProofUpContact;
        }
        f.token.expose().to_string()
    });
    match checked {
        Ok(token) => contact_page(&token, &ContactForm::default(), None),
        Err(resp) => resp,
    }
}

/// Step 3's Done: signed in, on to OWA.
async fn done(
    State(sim): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<FormFields>,
) -> Response {
    let checked = with_checked_flow(&sim, &headers, &form, |f| match f.stage {
        Stage::ProofUpAppPassword(_) => Some((f.id.clone(), f.upn.clone()?, f.return_to.clone())),
        _ => None,
    });
    match checked {
        Ok(Some((id, upn, return_to))) => flow::finish_sign_in(&sim, &id, &upn, &return_to),
        Ok(None) => see_other(routes::PROOF_UP),
        Err(resp) => resp,
    }
}

/// Step 1: "How should we contact you?", with what was typed and why it
/// was refused.
#[derive(Template)]
#[template(path = "proof_up/step1.html")]
struct Step1<'a> {
    title: &'a str,
    token: &'a str,
    countries: Vec<CountryOption<'a>>,
    phone: &'a str,
    methods: Vec<MethodOption<'a>>,
    error: Option<&'a str>,
}

/// An entry of Step 1's "Country or region".
struct CountryOption<'a> {
    value: &'a str,
    label: &'a str,
    selected: bool,
}

/// A radio button of Step 1's "Method".
struct MethodOption<'a> {
    id: Id,
    value: &'a str,
    label: &'a str,
    checked: bool,
}

/// Step 2 by text: the code box, a resend and Back.
#[derive(Template)]
#[template(path = "proof_up/step2_text.html")]
struct Step2Text<'a> {
    title: &'a str,
    token: &'a str,
    phone: &'a PhoneNumber,
    error: Option<&'a str>,
}

/// Step 2 by call: the page waits for the pound key, re-checks, calls again.
#[derive(Template)]
#[template(path = "proof_up/step2_call.html")]
struct Step2Call<'a> {
    title: &'a str,
    token: &'a str,
    phone: &'a PhoneNumber,
    error: Option<&'a str>,
    poll_interval: u128,
}

/// Step 3: "Keep using your existing applications", with the app password.
#[derive(Template)]
#[template(path = "proof_up/step3.html")]
struct Step3<'a> {
    title: &'a str,
    token: &'a str,
    app_password: &'a str,
}

fn contact_page(token: &str, typed: &ContactForm, error: Option<&str>) -> Response {
    let country = if typed.country.is_empty() {
        ContactForm::DEFAULT_COUNTRY
    } else {
        typed.country.as_str()
    };
    let countries = COUNTRIES
        .iter()
        .map(|&(value, label, _)| CountryOption {
            value,
            label,
            selected: value == country,
        })
        .collect();
    let methods = ContactForm::METHODS
        .into_iter()
        .map(|(method, value)| MethodOption {
            id: match method {
                Method::Text => ids::METHOD_TEXT,
                Method::Call => ids::METHOD_CALL,
            },
            value,
            label: method.label(),
            checked: typed.method == value,
        })
        .collect();
    html::render(&Step1 {
        title: PAGE_TITLE,
        token,
        countries,
        phone: &typed.phone,
        methods,
        error,
    })
}

fn verify_page(sim: &AppState, token: &str, c: &Challenge, error: Option<&str>) -> Response {
    match c.method {
        Method::Text => html::render(&Step2Text {
            title: PAGE_TITLE,
            token,
            phone: &c.phone,
            error,
        }),
        Method::Call => html::render(&Step2Call {
            title: PAGE_TITLE,
            token,
            phone: &c.phone,
            error,
            poll_interval: sas::poll_interval_ms(sim),
        }),
    }
}

fn send_failed(token: &str, failure: &VerifyFailure) -> Response {
    sas::send_failed_page(token, failure, routes::PROOF_UP_RESEND)
}

fn app_password_page(token: &str, app_password: &AppPassword) -> Response {
    html::render(&Step3 {
        title: PAGE_TITLE,
        token,
        app_password: app_password.expose(),
    })
}
