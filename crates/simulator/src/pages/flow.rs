//! What every sign-in page shares: finding the caller's flow from its cookie,
//! checking the form's `flowToken`, and finishing a sign-in with a session.

use super::SESSION_COOKIE;
use crate::html::{self, clear_cookie, set_cookie, with_cookie};
use crate::server::AppState;
use crate::state::{Flow, Stage};
use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use docproof_contract::domain::Upn;
use docproof_contract::ids::sign_in as ids;
use docproof_contract::routes;
use std::collections::HashMap;

/// Cookie naming the browser's sign-in flow (Microsoft's is also `esctx`).
pub const FLOW_COOKIE: &str = "esctx";

pub type FormFields = HashMap<String, String>;

/// The caller's flow id, from its cookie.
pub fn flow_id(headers: &HeaderMap) -> Option<String> {
    html::cookie(headers, FLOW_COOKIE)
}

/// Runs `f` on the caller's flow after checking the form's `flowToken` and
/// its `canary` (the page's copy of the flow's token, checked as
/// Microsoft checks its anti-forgery field); a missing cookie, or a missing
/// or wrong token or canary, gets `bad_flow()`.
pub fn with_checked_flow<R>(
    sim: &AppState,
    headers: &HeaderMap,
    form: &FormFields,
    f: impl FnOnce(&mut Flow) -> R,
) -> Result<R, Response> {
    let id = flow_id(headers).ok_or_else(bad_flow)?;
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or("");
    let (token, canary) = (field(ids::flowToken.name), field(ids::canary.name));
    if token.is_empty() || canary.is_empty() {
        return Err(bad_flow());
    }
    sim.tenant
        .with_flow(&id, Some(token), |flow| {
            flow.token.matches(canary).then(|| f(flow))
        })
        .flatten()
        .ok_or_else(bad_flow)
}

/// Runs `f` on the caller's flow without a token (GET re-renders only).
pub fn with_flow<R>(
    sim: &AppState,
    headers: &HeaderMap,
    f: impl FnOnce(&mut Flow) -> R,
) -> Result<R, Response> {
    let id = flow_id(headers).ok_or_else(bad_flow)?;
    sim.tenant.with_flow(&id, None, f).ok_or_else(bad_flow)
}

/// Moves the flow to `next` only if it still belongs to `upn` and is still
/// at a stage `expected` accepts. Handlers release the flow while a text or
/// call is sent; this keeps a concurrent post in the same flow (a double
/// click, or a forged switch of user) from redirecting what was verified.
pub fn settle(
    sim: &AppState,
    headers: &HeaderMap,
    upn: &Upn,
    expected: impl FnOnce(&Stage) -> bool,
    next: Stage,
) -> Result<(), Response> {
    let moved = with_flow(sim, headers, |f| {
        let ok = f.upn.as_ref() == Some(upn) && expected(&f.stage);
        if ok {
            f.stage = next;
        }
        ok
    })?;
    if moved {
        Ok(())
    } else {
        Err(bad_flow())
    }
}

/// "Sorry, but we're having trouble signing you in.", with a way to start over.
#[derive(Template)]
#[template(path = "sign_in/error.html")]
struct FlowError<'a> {
    title: &'a str,
    start_over: &'a str,
}

/// The answer to a post without a valid flow: stale tab, expired flow, or a
/// forged request. Says what happened and how to start over.
pub fn bad_flow() -> Response {
    let page = html::render(&FlowError {
        title: super::signin::TITLE,
        start_over: &super::sign_in_url(routes::OWA),
    });
    (StatusCode::BAD_REQUEST, page).into_response()
}

/// Signs the user in: a session cookie, the flow cookie cleared, and a
/// redirect to where the flow started.
pub fn finish_sign_in(sim: &AppState, flow_id: &str, upn: &Upn, return_to: &str) -> Response {
    if sim.tenant.user(upn).is_some_and(|u| u.blocked) {
        sim.tenant.end_flow(flow_id);
        return super::sas::blocked_page();
    }
    let session = sim.tenant.create_session(upn);
    sim.tenant.end_flow(flow_id);
    tracing::info!(%upn, "signed in");
    let resp = html::see_other(safe_return(return_to));
    let resp = with_cookie(resp, set_cookie(SESSION_COOKIE, &session));
    with_cookie(resp, clear_cookie(FLOW_COOKIE))
}

/// Only local paths are followed after sign-in (no open redirect): browsers
/// read `//host` and `/\host` as another site, and control characters
/// cannot go into a Location header.
pub fn safe_return(return_to: &str) -> &str {
    let local = return_to.starts_with('/')
        && !return_to[1..].starts_with(['/', '\\'])
        && !return_to.chars().any(|c| c.is_control());
    if local {
        return_to
    } else {
        routes::OWA
    }
}
