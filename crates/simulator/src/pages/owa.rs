//! Outlook on the web (OWA): where a signed-in user lands, naming who is
//! signed in, with a "Sign out" control.

use super::{sign_in_url, SESSION_COOKIE};
use crate::html::{self, clear_cookie, escape, see_other, with_cookie};
use crate::server::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use docproof_contract::routes;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(routes::OWA, get(landing))
        .route("/owa/", get(landing))
        .route(routes::OWA_SIGN_OUT, get(sign_out).post(sign_out))
}

const OWA_CSS: &str = "
body{font-family:'Segoe UI',Helvetica,Arial,sans-serif;margin:0;color:#1b1b1b}
header{background:#0078d4;color:#fff;display:flex;justify-content:space-between;align-items:center;padding:8px 16px}
header a{color:#fff}
.app{font-weight:600;font-size:16px}
nav{float:left;width:200px;padding:16px;border-right:1px solid #ddd;height:80vh}
main{margin-left:240px;padding:16px}
.empty{color:#605e5c;margin-top:40px}
";

async fn landing(State(sim): State<AppState>, headers: HeaderMap) -> Response {
    let user = html::cookie(&headers, SESSION_COOKIE)
        .and_then(|id| sim.tenant.session(&id))
        .and_then(|s| sim.tenant.user(&s.upn));
    let Some(user) = user else {
        return see_other(&sign_in_url("/owa"));
    };
    if user.blocked {
        // A fraud alert ends sessions that were already open, too.
        return super::sas::blocked_page();
    }
    let body = format!(
        r#"<header><span class="app" id="owa_app">Outlook</span>
<span><span id="owa_user" aria-label="Signed in as">{name} ({upn})</span> · <a id="owa_signout" href="/owa/logoff.owa">Sign out</a></span></header>
<nav aria-label="Folders"><div>Inbox</div><div>Sent Items</div><div>Drafts</div></nav>
<main><h1 id="owa_heading">Inbox</h1><p class="empty" id="owa_empty">All done for the day. Enjoy your empty inbox.</p></main>"#,
        name = escape(&user.display_name),
        upn = escape(user.upn.as_str()),
    );
    html::page("Mail - Outlook", OWA_CSS, &body)
}

async fn sign_out(State(sim): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(id) = html::cookie(&headers, SESSION_COOKIE) {
        sim.tenant.end_session(&id);
    }
    let body = format!(
        r#"<main style="max-width:440px;margin:60px auto"><h1 id="owa_signedout">You signed out of your account</h1>
<p>It's a good idea to close all browser windows.</p><p><a id="owa_signin_again" href="{}">Sign in again</a></p></main>"#,
        escape(&sign_in_url("/owa"))
    );
    with_cookie(
        html::page("Signed out", OWA_CSS, &body),
        clear_cookie(SESSION_COOKIE),
    )
}
