//! Outlook on the web (OWA): where a signed-in user lands, naming who is
//! signed in, with a "Sign out" control.

use super::{sign_in_url, SESSION_COOKIE};
use crate::html::{self, clear_cookie, see_other, with_cookie};
use crate::server::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use docproof_contract::ids::owa as ids;
use docproof_contract::routes;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(routes::OWA, get(landing))
        .route("/owa/", get(landing))
        .route(routes::OWA_SIGN_OUT, get(sign_out).post(sign_out))
}

/// The inbox of a signed-in user.
#[derive(Template)]
#[template(path = "owa/inbox.html")]
struct Inbox<'a> {
    title: &'a str,
    name: &'a str,
    upn: &'a str,
}

/// "You signed out of your account".
#[derive(Template)]
#[template(path = "owa/signed_out.html")]
struct SignedOut<'a> {
    title: &'a str,
    sign_in_again: &'a str,
}

async fn landing(State(sim): State<AppState>, headers: HeaderMap) -> Response {
    let user = html::cookie(&headers, SESSION_COOKIE)
        .and_then(|id| sim.tenant.session(&id))
        .and_then(|s| sim.tenant.user(&s.upn));
    let Some(user) = user else {
        return see_other(&sign_in_url(routes::OWA));
    };
    if user.blocked {
        // A fraud alert ends sessions that were already open, too.
        return super::sas::blocked_page();
    }
    html::render(&Inbox {
        title: "Mail - Outlook",
        name: &user.display_name,
        upn: user.upn.as_str(),
    })
}

async fn sign_out(State(sim): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(id) = html::cookie(&headers, SESSION_COOKIE) {
        sim.tenant.end_session(&id);
    }
    let page = html::render(&SignedOut {
        title: "Signed out",
        sign_in_again: &sign_in_url(routes::OWA),
    });
    with_cookie(page, clear_cookie(SESSION_COOKIE))
}
