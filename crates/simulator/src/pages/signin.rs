//! The converged sign-in pages: username (`loginfmt`), password (`passwd`),
//! "Stay signed in?" (KMSI), and the "More information required" interrupt
//! that sends a user who must register to proof-up. Their templates are under
//! `templates/sign_in/`, with Microsoft's element ids from the contract.

use super::flow::{self, with_checked_flow, FormFields, FLOW_COOKIE};
use super::sas;
use crate::html::{self, set_cookie, with_cookie};
use crate::server::AppState;
use crate::state::{SecondFactor, SignInError, Stage};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use docproof_contract::domain::Upn;
use docproof_contract::ids::sign_in as ids;
use docproof_contract::profile::Profile;
use docproof_contract::routes;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(routes::AUTHORIZE, get(authorize))
        .route(routes::LOGIN, get(current_page).post(login))
        .route(routes::KMSI, post(kmsi))
}

/// Starts a sign-in flow and shows the username page.
async fn authorize(
    State(sim): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let return_to = q
        .get("redirect_uri")
        .map(String::as_str)
        .unwrap_or(routes::OWA);
    let (id, token) = sim.tenant.start_flow(flow::safe_return(return_to));
    with_cookie(
        username_page(token.expose(), "", None),
        set_cookie(FLOW_COOKIE, &id),
    )
}

/// Re-shows the page where the flow stands (a refresh, or Back).
async fn current_page(State(sim): State<AppState>, headers: HeaderMap) -> Response {
    let view = flow::with_flow(&sim, &headers, |f| {
        let token = f.token.expose().to_string();
        let upn = f.upn.clone();
        match &f.stage {
            Stage::Username => username_page(&token, "", None),
            Stage::Password => {
                password_page(&token, upn.as_ref().map(Upn::as_str).unwrap_or(""), None)
            }
            Stage::Kmsi => kmsi_page(&token),
            Stage::ProofUpInterrupt => proof_up_interrupt_page(
                sim.profile,
                &token,
                upn.as_ref().map(Upn::as_str).unwrap_or(""),
            ),
            Stage::SecondFactor(c) => sas::challenge_page(&sim, &token, c, None),
            Stage::Register(_) => html::see_other(routes::REGISTER),
            _ => html::see_other(routes::PROOF_UP),
        }
    });
    view.unwrap_or_else(|e| e)
}

/// One endpoint for the username and password pages, as Microsoft's `/common/login`.
async fn login(
    State(sim): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<FormFields>,
) -> Response {
    let stage = with_checked_flow(&sim, &headers, &form, |f| {
        let token = f.token.expose().to_string();
        match f.stage {
            Stage::Username => Some((token, None)),
            Stage::Password => Some((token, f.upn.clone())),
            _ => None,
        }
    });
    // The user is chosen once per flow, at the username page; every later
    // stage belongs to that user.
    let (token, upn) = match stage {
        Ok(Some((token, None))) => return username_submitted(&sim, &headers, &form, &token).await,
        Ok(Some((token, Some(upn)))) => (token, upn),
        Ok(None) => return flow::bad_flow(),
        Err(resp) => return resp,
    };
    password_submitted(
        &sim,
        &headers,
        &token,
        &upn,
        form.get(ids::passwd.name).map(String::as_str).unwrap_or(""),
    )
    .await
}

async fn username_submitted(
    sim: &AppState,
    headers: &HeaderMap,
    form: &FormFields,
    token: &str,
) -> Response {
    let typed = form.get(ids::loginfmt.name).map(|s| s.trim()).unwrap_or("");
    if typed.is_empty() {
        return username_page(
            token,
            typed,
            Some("Enter a valid email address, phone number, or Skype name."),
        );
    }
    let known = Upn::parse(typed)
        .ok()
        .filter(|u| sim.tenant.user(u).is_some());
    let Some(upn) = known else {
        return username_page(
            token,
            typed,
            Some("This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin."),
        );
    };
    // Same compare-and-set as flow::settle: only a flow still at the
    // username page takes a user.
    let chosen = with_checked_flow(sim, headers, form, |f| {
        let at_username = matches!(f.stage, Stage::Username);
        if at_username {
            f.upn = Some(upn.clone());
            f.stage = Stage::Password;
        }
        at_username
    });
    match chosen {
        Ok(true) => password_page(token, upn.as_str(), None),
        Ok(false) => flow::bad_flow(),
        Err(resp) => resp,
    }
}

async fn password_submitted(
    sim: &AppState,
    headers: &HeaderMap,
    token: &str,
    upn: &Upn,
    password: &str,
) -> Response {
    let at_password = |s: &Stage| matches!(s, Stage::Password);
    let settle =
        |page: Response, stage: Stage| match flow::settle(sim, headers, upn, at_password, stage) {
            Ok(()) => page,
            Err(refused) => refused,
        };
    match sim.tenant.sign_in(upn, password) {
        Err(SignInError::UnknownUser) => flow::bad_flow(),
        Err(SignInError::BadPassword) => {
            tracing::info!(%upn, "sign-in refused: wrong password (AADSTS50126)");
            password_page(
                token,
                upn.as_str(),
                Some("Your account or password is incorrect. If you don't remember your password, reset it now."),
            )
        }
        Err(SignInError::Locked) => {
            tracing::info!(%upn, "sign-in refused: account locked (AADSTS50053)");
            password_page(token, upn.as_str(), Some(LOCKED))
        }
        Err(SignInError::Blocked) => sas::blocked_page(),
        Ok(SecondFactor::None) => settle(kmsi_page(token), Stage::Kmsi),
        Ok(SecondFactor::ProofUp) => settle(
            proof_up_interrupt_page(sim.profile, token, upn.as_str()),
            Stage::ProofUpInterrupt,
        ),
        Ok(SecondFactor::Verify(_))
            if html::cookie(headers, sas::REMEMBER_COOKIE)
                .is_some_and(|t| sim.tenant.is_remembered(&t, upn)) =>
        {
            tracing::info!(%upn, "second factor skipped: remembered device");
            settle(kmsi_page(token), Stage::Kmsi)
        }
        Ok(SecondFactor::Verify(registration)) => {
            sas::send_and_settle(
                sim,
                headers,
                upn,
                &registration,
                at_password,
                |c, failure| sas::challenge_page(sim, token, c, failure),
                Stage::SecondFactor,
            )
            .await
        }
    }
}

/// "Stay signed in?": Yes or No both finish the sign-in.
async fn kmsi(
    State(sim): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<FormFields>,
) -> Response {
    let checked = with_checked_flow(&sim, &headers, &form, |f| {
        (
            f.id.clone(),
            f.upn.clone(),
            f.return_to.clone(),
            matches!(f.stage, Stage::Kmsi),
        )
    });
    match checked {
        Ok((id, Some(upn), return_to, true)) => flow::finish_sign_in(&sim, &id, &upn, &return_to),
        Ok(_) => flow::bad_flow(),
        Err(resp) => resp,
    }
}

/// The password page's error while smart lockout holds the account
/// (AADSTS50053).
pub const LOCKED: &str = "Your account is temporarily locked to prevent unauthorized use. You've tried to sign in too many times with an incorrect user ID or password. Try again later (AADSTS50053).";

/// The title of the converged sign-in pages.
pub const TITLE: &str = "Sign in to your account";

/// "Sign in": the user name, with what was typed and why it was refused.
#[derive(Template)]
#[template(path = "sign_in/username.html")]
struct Username<'a> {
    title: &'a str,
    token: &'a str,
    typed: &'a str,
    error: Option<&'a str>,
}

/// "Enter password" for the user chosen on the previous page.
#[derive(Template)]
#[template(path = "sign_in/password.html")]
struct Password<'a> {
    title: &'a str,
    token: &'a str,
    upn: &'a str,
    error: Option<&'a str>,
}

/// "Stay signed in?" (KMSI), the last page of a sign-in.
#[derive(Template)]
#[template(path = "sign_in/kmsi.html")]
struct Kmsi<'a> {
    title: &'a str,
    token: &'a str,
}

/// "More information required": a user who must register for MFA is sent
/// on to proof-up.
#[derive(Template)]
#[template(path = "sign_in/proof_up_interrupt.html")]
struct ProofUpInterrupt<'a> {
    title: &'a str,
    token: &'a str,
    upn: &'a str,
    says: &'a Interrupt,
}

/// What the registration interrupt says and where its Next leads.
pub struct Interrupt {
    pub heading: &'static str,
    pub description: &'static str,
    /// Where Next posts the flow.
    pub action: &'static str,
    /// Today's links under the text: "Use a different account" and
    /// "Learn more about verifying your identity".
    pub links: bool,
}

/// The FAQ's interrupt, on to "Additional security verification".
const INTERRUPT_2020: Interrupt = Interrupt {
    heading: "More information required",
    description: "Your organization needs more information to keep your account secure",
    action: routes::PROOF_UP,
    links: false,
};

/// Today's interrupt (same Next id), on to "Keep your account secure".
const INTERRUPT_TODAY: Interrupt = Interrupt {
    heading: "Let's keep your account secure",
    description: "We'll help you set up another way to verify it's you.",
    action: routes::REGISTER,
    links: true,
};

pub fn username_page(token: &str, typed: &str, error: Option<&str>) -> Response {
    html::render(&Username {
        title: TITLE,
        token,
        typed,
        error,
    })
}

pub fn password_page(token: &str, upn: &str, error: Option<&str>) -> Response {
    html::render(&Password {
        title: TITLE,
        token,
        upn,
        error,
    })
}

pub fn kmsi_page(token: &str) -> Response {
    html::render(&Kmsi {
        title: TITLE,
        token,
    })
}

/// Shown after the password of a user who must register.
pub fn proof_up_interrupt_page(profile: Profile, token: &str, upn: &str) -> Response {
    let says = match profile {
        Profile::Faq2020 => &INTERRUPT_2020,
        Profile::Today => &INTERRUPT_TODAY,
    };
    html::render(&ProofUpInterrupt {
        title: says.heading,
        token,
        upn,
        says,
    })
}
