//! Today's combined registration (`Profile::Today`), "Keep your account
//! secure" at mysignins.microsoft.com/register, reached from the sign-in
//! interrupt "Let's keep your account secure". One page at a time:
//! Install Microsoft Authenticator → "I want to set up a different method"
//! → Phone → the code (or the call) → "SMS verified" → Success! → Done.
//!
//! Microsoft builds these pages with scripts; the simulator serves them as
//! forms that post back to `/register` with the button pressed
//! (`ids::register::ACTION_FIELD`), so they work with and without
//! JavaScript. Sending the code and placing the call are the second
//! factor's (`sas`). No app password is handed out here: today they are
//! made at Security info.

use super::flow::{self, with_checked_flow, FormFields};
use super::proofup::{phone_from, COUNTRIES};
use super::sas::{self, ChallengeCheck, VerifyFailure};
use crate::html::{self, see_other};
use crate::server::AppState;
use crate::state::{Challenge, Registration, Stage, Wizard};
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use docproof_contract::domain::{Method, PhoneNumber, Upn, VerificationCode};
use docproof_contract::ids::{register as ids, sas as sas_ids, Id};
use docproof_contract::routes;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(routes::REGISTER, get(current).post(press))
        .route(routes::REGISTER_RESEND, post(resend))
}

/// Every page's title.
const TITLE: &str = "Keep your account secure";
/// The drop-down of "Choose a different method": (value, label).
const METHODS: [(&str, &str); 2] = [("authenticator", "Authenticator app"), ("phone", "Phone")];
/// The Phone page's options: (method, radio id, value, label).
const OPTIONS: [(Method, Id, &str, &str); 2] = [
    (Method::Text, ids::RECEIVE_CODE, "text", "Receive a code"),
    (Method::Call, ids::CALL_ME, "call", "Call me"),
];
/// The country chosen before the user picks one.
const DEFAULT_COUNTRY: &str = "US";
/// Why the Authenticator page's own Next cannot go on here.
const NO_AUTHENTICATOR: &str = "Microsoft Authenticator can't be set up in this tenant: choose \"I want to set up a different method\" and then Phone.";

/// The buttons a page posts, by their `action` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Button {
    /// The interrupt's Next (it posts no action).
    Start,
    Next,
    Back,
    DifferentMethod,
    Confirm,
    Cancel,
    Done,
}

impl Button {
    fn of(form: &FormFields) -> Option<Button> {
        Some(match form.get(ids::ACTION_FIELD.name).map(String::as_str) {
            None => Button::Start,
            Some("next") => Button::Next,
            Some("back") => Button::Back,
            Some("different-method") => Button::DifferentMethod,
            Some("confirm") => Button::Confirm,
            Some("cancel") => Button::Cancel,
            Some("done") => Button::Done,
            Some(_) => return None,
        })
    }
}

/// Shows the page the flow is at (a refresh, or a bookmark).
async fn current(State(sim): State<AppState>, headers: HeaderMap) -> Response {
    let page = flow::with_flow(&sim, &headers, |f| {
        let token = f.token.expose().to_string();
        match &f.stage {
            Stage::Register(wizard) => page_of(&sim, &token, wizard, None),
            _ => see_other(routes::LOGIN),
        }
    });
    page.unwrap_or_else(|e| e)
}

/// What a button leads to once the flow's lock is released: the tenant's
/// lock is not re-entrant, so texting, registering and signing in happen
/// after the flow has been read and moved.
enum After {
    /// Show this page.
    Show(Response),
    /// The Phone page's Next: check the number, then text or call.
    SendTo { token: String, upn: Upn },
    /// The code or the call checked out: register the phone.
    Register {
        token: String,
        upn: Upn,
        registration: Registration,
    },
    /// "Done" on Success!: signed in.
    SignIn {
        flow_id: String,
        upn: Upn,
        return_to: String,
    },
}

/// A button of the wizard: moves the flow on and shows the next page.
async fn press(
    State(sim): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<FormFields>,
) -> Response {
    let Some(button) = Button::of(&form) else {
        return flow::bad_flow();
    };
    let typed = form.get(ids::CODE_FIELD.name).map_or("", String::as_str);
    let call = sas::current_call_outcome(&sim, &headers);
    let settings = &sim.tenant.settings;
    let after = with_checked_flow(&sim, &headers, &form, |f| {
        let token = f.token.expose().to_string();
        let Some(upn) = f.upn.clone() else {
            return After::Show(flow::bad_flow());
        };
        let next = match (&mut f.stage, button) {
            (Stage::ProofUpInterrupt, Button::Start) => Wizard::Authenticator { choosing: false },
            (Stage::Register(Wizard::Authenticator { .. }), Button::DifferentMethod) => {
                Wizard::Authenticator { choosing: true }
            }
            (Stage::Register(Wizard::Authenticator { .. }), Button::Cancel) => {
                Wizard::Authenticator { choosing: false }
            }
            (Stage::Register(Wizard::Authenticator { .. }), Button::Confirm) => {
                match form.get(ids::METHOD_FIELD.name).map(String::as_str) {
                    Some("phone") => Wizard::Phone,
                    _ => Wizard::Authenticator { choosing: false },
                }
            }
            (Stage::Register(wizard @ Wizard::Authenticator { .. }), Button::Next) => {
                return After::Show(page_of(&sim, &token, wizard, Some(NO_AUTHENTICATOR)));
            }
            (Stage::Register(Wizard::Phone), Button::Back) => {
                Wizard::Authenticator { choosing: false }
            }
            (Stage::Register(Wizard::Phone), Button::Next) => {
                return After::SendTo { token, upn };
            }
            (Stage::Register(Wizard::Verify(_)), Button::Back) => Wizard::Phone,
            (Stage::Register(Wizard::Verify(c)), Button::Next) => {
                return match sas::check_challenge(c, typed, settings, &call) {
                    ChallengeCheck::Passed => After::Register {
                        token,
                        upn,
                        registration: c.registration(),
                    },
                    ChallengeCheck::Rejected(message) => {
                        After::Show(verify_page(&sim, &token, c, Some(&message)))
                    }
                    ChallengeCheck::Fraud => After::Show(sas::blocked_page()),
                    ChallengeCheck::Ringing => After::Show(verify_page(
                        &sim,
                        &token,
                        c,
                        Some(sas::CALL_NOT_ANSWERED_YET),
                    )),
                    ChallengeCheck::CallOver => {
                        After::Show(sas::call_timed_out_page(&token, routes::REGISTER_RESEND))
                    }
                };
            }
            (Stage::Register(Wizard::Verified(r)), Button::Next) => Wizard::Success(r.clone()),
            (Stage::Register(Wizard::Success(_)), Button::Done) => {
                return After::SignIn {
                    flow_id: f.id.clone(),
                    upn,
                    return_to: f.return_to.clone(),
                };
            }
            // A stale tab or a second click: show where the flow is.
            (Stage::Register(wizard), _) => {
                return After::Show(page_of(&sim, &token, wizard, None))
            }
            _ => return After::Show(flow::bad_flow()),
        };
        let page = page_of(&sim, &token, &next, None);
        f.stage = Stage::Register(next);
        After::Show(page)
    });
    match after {
        Err(page) | Ok(After::Show(page)) => page,
        Ok(After::SendTo { token, upn }) => phone_next(&sim, &headers, &token, &upn, &form).await,
        Ok(After::Register {
            token,
            upn,
            registration,
        }) => {
            if !sim.tenant.register_method(&upn, registration.clone()) {
                return flow::bad_flow();
            }
            let page = verified_page(&token, &registration);
            let waiting = |s: &Stage| matches!(s, Stage::Register(Wizard::Verify(_)));
            let next = Stage::Register(Wizard::Verified(registration));
            match flow::settle(&sim, &headers, &upn, waiting, next) {
                Ok(()) => page,
                Err(refused) => refused,
            }
        }
        Ok(After::SignIn {
            flow_id,
            upn,
            return_to,
        }) => flow::finish_sign_in(&sim, &flow_id, &upn, &return_to),
    }
}

/// The Phone page's Next: check what was typed, then text or call.
async fn phone_next(
    sim: &AppState,
    headers: &HeaderMap,
    token: &str,
    upn: &Upn,
    form: &FormFields,
) -> Response {
    let typed = Typed::from(form);
    let registration = match typed.parse() {
        Ok(r) => r,
        Err(message) => return phone_page(token, &typed, Some(&message)),
    };
    send(sim, headers, token, upn, &registration, |s| {
        matches!(s, Stage::Register(Wizard::Phone))
    })
    .await
}

/// Texts the code or places the call, and shows the page that waits for it.
async fn send(
    sim: &AppState,
    headers: &HeaderMap,
    token: &str,
    upn: &Upn,
    registration: &Registration,
    expected: impl FnOnce(&Stage) -> bool,
) -> Response {
    let render = |c: &Challenge, failure: Option<&VerifyFailure>| match failure {
        Some(f) => sas::send_failed_page(token, f, routes::REGISTER_RESEND),
        None => verify_page(sim, token, c, None),
    };
    let into = |c| Stage::Register(Wizard::Verify(c));
    sas::send_and_settle(sim, headers, upn, registration, expected, render, into).await
}

/// "Resend code" / "Call again" / "Retry".
async fn resend(
    State(sim): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<FormFields>,
) -> Response {
    let waiting = |s: &Stage| matches!(s, Stage::Register(Wizard::Verify(_)));
    match sas::resend_target(&sim, &headers, &form, waiting) {
        Ok(Some((token, upn, registration))) => {
            send(&sim, &headers, &token, &upn, &registration, waiting).await
        }
        Ok(None) => see_other(routes::REGISTER),
        Err(resp) => resp,
    }
}

// ----------------------------------------------------------------- pages

/// What was typed on the Phone page, to show again beside an error.
#[derive(Default)]
struct Typed {
    country: String,
    phone: String,
    option: String,
}

impl Typed {
    fn from(form: &FormFields) -> Typed {
        let get = |field: docproof_contract::ids::Field| {
            form.get(field.name)
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        Typed {
            country: get(ids::COUNTRY_FIELD),
            phone: get(ids::PHONE_FIELD),
            option: get(ids::OPTION_FIELD),
        }
    }

    /// The phone and how to reach it, or what to fix.
    fn parse(&self) -> Result<Registration, String> {
        let phone = phone_from(&self.country, &self.phone)?;
        let Some((method, ..)) = OPTIONS.iter().find(|(_, _, v, _)| *v == self.option) else {
            return Err("Choose \"Receive a code\" or \"Call me\".".into());
        };
        Ok(Registration {
            method: *method,
            phone,
        })
    }
}

/// The page for where the wizard is.
fn page_of(sim: &AppState, token: &str, wizard: &Wizard, error: Option<&str>) -> Response {
    match wizard {
        Wizard::Authenticator { choosing } => html::render(&AuthenticatorPage {
            title: TITLE,
            token,
            choosing: *choosing,
            methods: &METHODS,
            error,
        }),
        Wizard::Phone => phone_page(token, &Typed::default(), error),
        Wizard::Verify(c) => verify_page(sim, token, c, error),
        Wizard::Verified(r) => verified_page(token, r),
        Wizard::Success(r) => html::render(&SuccessPage {
            title: TITLE,
            token,
            default_method: default_method(r),
        }),
    }
}

/// "Phone - text +1 2065550101", as Success! and Security info name it.
pub fn default_method(r: &Registration) -> String {
    let how = match r.method {
        Method::Text => "text",
        Method::Call => "call",
    };
    format!("Phone - {how} {}", r.phone)
}

/// Install Microsoft Authenticator, and "Choose a different method".
#[derive(Template)]
#[template(path = "register/authenticator.html")]
struct AuthenticatorPage<'a> {
    title: &'a str,
    token: &'a str,
    choosing: bool,
    methods: &'a [(&'a str, &'a str)],
    error: Option<&'a str>,
}

/// Phone: the number and "Receive a code" / "Call me".
#[derive(Template)]
#[template(path = "register/phone.html")]
struct PhonePage<'a> {
    title: &'a str,
    token: &'a str,
    countries: Vec<(&'a str, &'a str, bool)>,
    phone: &'a str,
    /// (id, value, label, checked) of each radio button.
    options: Vec<(Id, &'a str, &'a str, bool)>,
    error: Option<&'a str>,
}

/// "We just sent a 6 digit code to …" / "We're calling … now."
#[derive(Template)]
#[template(path = "register/verify.html")]
struct VerifyPage<'a> {
    title: &'a str,
    token: &'a str,
    phone: &'a PhoneNumber,
    by_text: bool,
    error: Option<&'a str>,
    poll_interval: u128,
}

/// "SMS verified. Your phone was registered successfully."
#[derive(Template)]
#[template(path = "register/verified.html")]
struct VerifiedPage<'a> {
    title: &'a str,
    token: &'a str,
    message: &'a str,
}

/// "Success!" with the default sign-in method.
#[derive(Template)]
#[template(path = "register/success.html")]
struct SuccessPage<'a> {
    title: &'a str,
    token: &'a str,
    default_method: String,
}

fn phone_page(token: &str, typed: &Typed, error: Option<&str>) -> Response {
    let country = if typed.country.is_empty() {
        DEFAULT_COUNTRY
    } else {
        typed.country.as_str()
    };
    html::render(&PhonePage {
        title: TITLE,
        token,
        countries: COUNTRIES
            .iter()
            .map(|&(value, label, _)| (value, label, value == country))
            .collect(),
        phone: &typed.phone,
        options: OPTIONS
            .iter()
            .map(|&(_, id, value, label)| (id, value, label, typed.option == value))
            .collect(),
        error,
    })
}

fn verify_page(sim: &AppState, token: &str, c: &Challenge, error: Option<&str>) -> Response {
    html::render(&VerifyPage {
        title: TITLE,
        token,
        phone: &c.phone,
        by_text: c.method == Method::Text,
        error,
        poll_interval: sas::poll_interval_ms(sim),
    })
}

fn verified_page(token: &str, r: &Registration) -> Response {
    let message = match r.method {
        Method::Text => "SMS verified. Your phone was registered successfully.",
        Method::Call => "Call answered. Your phone was registered successfully.",
    };
    html::render(&VerifiedPage {
        title: TITLE,
        token,
        message,
    })
}
