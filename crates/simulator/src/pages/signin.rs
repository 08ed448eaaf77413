//! The converged sign-in pages: username (`loginfmt`), password (`passwd`),
//! and "Stay signed in?" (KMSI), with Microsoft's element ids.

use super::flow::{self, error_div, token_fields, with_checked_flow, FormFields, FLOW_COOKIE};
use super::{proofup, sas};
use crate::html::{escape, set_cookie, sign_in_page, with_cookie};
use crate::server::AppState;
use crate::state::{SecondFactor, SignInError, Stage};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use docproof_contract::domain::Upn;
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
    let return_to = q.get("redirect_uri").map(String::as_str).unwrap_or("/owa");
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
            Stage::ProofUpInterrupt => {
                proofup::interrupt_page(&token, upn.as_ref().map(Upn::as_str).unwrap_or(""))
            }
            Stage::SecondFactor(c) => sas::challenge_page(&sim, &token, c, None),
            _ => crate::html::see_other("/proofup.aspx"),
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
        form.get("passwd").map(String::as_str).unwrap_or(""),
    )
    .await
}

async fn username_submitted(
    sim: &AppState,
    headers: &HeaderMap,
    form: &FormFields,
    token: &str,
) -> Response {
    let typed = form.get("loginfmt").map(|s| s.trim()).unwrap_or("");
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
        Err(SignInError::Blocked) => sas::blocked_page(),
        Ok(SecondFactor::None) => settle(kmsi_page(token), Stage::Kmsi),
        Ok(SecondFactor::ProofUp) => settle(
            proofup::interrupt_page(token, upn.as_str()),
            Stage::ProofUpInterrupt,
        ),
        Ok(SecondFactor::Verify(_))
            if crate::html::cookie(headers, sas::REMEMBER_COOKIE)
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

pub fn username_page(token: &str, typed: &str, error: Option<&str>) -> Response {
    let error_html = error_div("usernameError", error);
    let body = format!(
        r#"<div role="heading" aria-level="1" class="title" id="loginHeader">Sign in</div>
<form method="post" action="/common/login" name="f1" id="i0281" novalidate>
{error_html}
<label for="i0116">Email, phone, or Skype</label>
<input type="email" name="loginfmt" id="i0116" value="{typed}" autocomplete="username" aria-required="true"{invalid}>
{fields}
<div class="buttons"><input type="submit" id="idSIButton9" class="button primary" value="Next"></div>
</form>"#,
        typed = escape(typed),
        invalid = if error.is_some() {
            r#" aria-invalid="true" aria-describedby="usernameError""#
        } else {
            ""
        },
        fields = token_fields(token),
    );
    sign_in_page("Sign in to your account", &body)
}

pub fn password_page(token: &str, upn: &str, error: Option<&str>) -> Response {
    let error_html = error
        .map(|e| {
            format!(
                r#"<div class="error" id="passwordError" role="alert">{}</div>
<div class="error-details" id="idDiv_Error_Details">AADSTS50126: Error validating credentials due to invalid username or password.</div>"#,
                escape(e)
            )
        })
        .unwrap_or_default();
    let body = format!(
        r#"<div id="displayName" class="identity">{upn}</div>
<div role="heading" aria-level="1" class="title" id="loginHeader">Enter password</div>
<form method="post" action="/common/login" name="f1" id="i0281" novalidate>
{error_html}
<label for="i0118">Password</label>
<input type="password" name="passwd" id="i0118" autocomplete="current-password" aria-required="true"{invalid}>
{fields}
<div class="buttons"><input type="submit" id="idSIButton9" class="button primary" value="Sign in"></div>
</form>"#,
        upn = escape(upn),
        invalid = if error.is_some() {
            r#" aria-invalid="true" aria-describedby="passwordError""#
        } else {
            ""
        },
        fields = token_fields(token),
    );
    sign_in_page("Sign in to your account", &body)
}

pub fn kmsi_page(token: &str) -> Response {
    let body = format!(
        r#"<div role="heading" aria-level="1" class="title">Stay signed in?</div>
<form method="post" action="/kmsi" name="f1">
<div id="KmsiDescription" class="description">Do this to reduce the number of times you are asked to sign in.</div>
<div class="check"><input type="checkbox" name="DontShowAgain" id="KmsiCheckboxField" value="true"><label for="KmsiCheckboxField">Don't show this again</label></div>
{fields}
<div class="buttons">
<input type="submit" id="idBtn_Back" class="button secondary" name="choice" value="No">
<input type="submit" id="idSIButton9" class="button primary" name="choice" value="Yes">
</div>
</form>"#,
        fields = token_fields(token),
    );
    sign_in_page("Sign in to your account", &body)
}
