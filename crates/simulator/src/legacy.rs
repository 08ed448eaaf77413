//! The endpoint non-browser apps use: Exchange Web Services with HTTP Basic
//! authentication, as a backup application (CloudBacko) signs in to a
//! mailbox. This is where FAQ 2.5's claims about non-browser apps are
//! observable:
//!
//! - Disabled, and Enabled before registration: the account password works.
//! - Enforced: the account password is refused; an app password works.
//! - App passwords never work at the browser sign-in page (that is
//!   `Tenant::sign_in`, not here).
//!
//! Changes reach this endpoint only after the propagation delay (FAQ 4.1):
//! it reads `UserView::effective`, through `Tenant::basic_auth`.
//!
//! `POST /EWS/Exchange.asmx` answers any SOAP request with a minimal
//! `GetFolderResponse` for the mailbox's root folder
//! (`templates/ews/get_folder.xml`); the request body is not interpreted. A refusal is a 401 with `WWW-Authenticate: Basic` and a
//! plain-text body saying why; its first line is one of the `REASON_*`
//! constants below so that clients and tests can tell the cases apart.
//! A fraud-blocked account gets 403.
//!
//! In the `today` profile Exchange Online has switched basic authentication
//! off (since 2022-10-01): every request, whatever its credentials and app
//! passwords included, gets 401 with a `Bearer` challenge, as Exchange
//! answers clients that must use OAuth 2.0.

// Helpers return `Result<_, Response>` so handlers can hand the refusal
// straight back; boxing axum's 128-byte Response would only add noise.
#![allow(clippy::result_large_err)]

use super::html;
use super::server::AppState;
use super::state::BasicAuthError;
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use axum::Router;
use base64::Engine;
use docproof_contract::domain::Upn;
use docproof_contract::profile::Profile;

use docproof_contract::routes::EWS as EWS_PATH;

/// First line of each refusal body.
pub const REASON_NO_HEADER: &str = "Authorization header missing";
pub const REASON_MALFORMED: &str = "Authorization header malformed";
pub const REASON_UNKNOWN_USER: &str = "Unknown user";
pub const REASON_BAD_PASSWORD: &str = "Wrong password";
pub const REASON_APP_PASSWORD_REQUIRED: &str = "App password required";
pub const REASON_BLOCKED: &str = "Sign-in blocked";
/// `today`: basic authentication is off for every account.
pub const REASON_BASIC_AUTH_DISABLED: &str = "Basic authentication is disabled";

/// Exchange Online's OAuth challenge: its resource's client id and the
/// authorize endpoint a client gets a token from (the shape Exchange
/// answers with; the simulator's own authorize path stands in for
/// login.microsoftonline.com's).
const BEARER_CHALLENGE: &str = "Bearer client_id=\"00000002-0000-0ff1-ce00-000000000000\", \
token_types=\"app_asserting_user\", authorization_uri=\"/common/oauth2/authorize\", error=\"invalid_token\"";

pub fn router(profile: Profile) -> Router<AppState> {
    match profile {
        Profile::Faq2020 => Router::new().route(EWS_PATH, post(ews_post).get(ews_get)),
        Profile::Today => Router::new().route(EWS_PATH, any(basic_auth_disabled)),
    }
}

/// `today`: 401 with a Bearer challenge for every request, saying why.
async fn basic_auth_disabled(headers: HeaderMap) -> Response {
    if headers.contains_key(header::AUTHORIZATION) {
        tracing::info!("EWS basic auth refused: basic authentication is disabled");
    }
    let mut resp = (
        StatusCode::UNAUTHORIZED,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!(
            "{REASON_BASIC_AUTH_DISABLED}\nExchange Online no longer accepts basic authentication, \
             account passwords and app passwords alike (switched off on 2022-10-01). \
             Sign in with OAuth 2.0 and send 'Authorization: Bearer <token>'.\n"
        ),
    )
        .into_response();
    resp.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(BEARER_CHALLENGE),
    );
    resp
}

/// Who the Basic credentials name, once they check out.
struct Authenticated {
    upn: Upn,
    display_name: String,
}

async fn ews_post(State(sim): State<AppState>, headers: HeaderMap) -> Response {
    match authenticate(&sim, &headers) {
        Ok(who) => soap_response(&who),
        Err(resp) => resp,
    }
}

/// Exchange challenges a GET too; with good credentials it describes the service.
async fn ews_get(State(sim): State<AppState>, headers: HeaderMap) -> Response {
    match authenticate(&sim, &headers) {
        Ok(who) => (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!(
                "Exchange Web Services for {} <{}>. Send SOAP requests with POST to {EWS_PATH}.\n",
                who.display_name, who.upn
            ),
        )
            .into_response(),
        Err(resp) => resp,
    }
}

fn authenticate(sim: &AppState, headers: &HeaderMap) -> Result<Authenticated, Response> {
    let realm = sim.tenant.info.domain.clone();
    let refuse = |reason: &str, detail: &str| challenge(&realm, reason, detail);
    let Some(raw) = headers.get(header::AUTHORIZATION) else {
        return Err(refuse(
            REASON_NO_HEADER,
            "The request has no Authorization header. Send 'Authorization: Basic <base64 of user@domain:password>'.",
        ));
    };
    let (upn_raw, password) = html::parse_basic(raw).map_err(|why| {
        refuse(
            REASON_MALFORMED,
            &format!(
                "The Authorization header could not be read: {why}. Send 'Authorization: Basic <base64 of user@domain:password>'."
            ),
        )
    })?;
    // What was sent is not repeated: it is the caller's text, not a user name.
    let upn = Upn::parse(&upn_raw).map_err(|_| {
        refuse(
            REASON_UNKNOWN_USER,
            "The user name in the Authorization header is not valid: write it as name@domain.",
        )
    })?;
    match sim.tenant.basic_auth(&upn, &password) {
        Ok(display_name) => {
            tracing::info!(%upn, "EWS basic auth accepted");
            Ok(Authenticated { upn, display_name })
        }
        Err(BasicAuthError::UnknownUser) => {
            tracing::info!(%upn, "EWS basic auth refused: unknown user");
            Err(refuse(
                REASON_UNKNOWN_USER,
                &format!("The user '{upn}' does not exist in this tenant."),
            ))
        }
        Err(BasicAuthError::Refused {
            app_password_required: false,
        }) => {
            tracing::info!(%upn, "EWS basic auth refused: wrong password");
            Err(refuse(
                REASON_BAD_PASSWORD,
                &format!("The password for '{upn}' is incorrect."),
            ))
        }
        Err(BasicAuthError::Refused {
            app_password_required: true,
        }) => {
            tracing::info!(%upn, "EWS basic auth refused: MFA enforced, app password required");
            Err(refuse(
                REASON_APP_PASSWORD_REQUIRED,
                &format!(
                    "The account '{upn}' has multi-factor authentication enforced. Non-browser apps cannot sign in with the account password: create an app password and enter it instead of the account password."
                ),
            ))
        }
        Err(BasicAuthError::Blocked) => {
            tracing::warn!(%upn, "EWS basic auth refused: sign-in blocked by fraud alert");
            let body = format!(
                "{REASON_BLOCKED}\nSign-in is blocked for '{upn}': a fraud alert was reported for this account. Contact your administrator to unblock it.\n"
            );
            Err((
                StatusCode::FORBIDDEN,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                body,
            )
                .into_response())
        }
    }
}

/// A 401 with a Basic challenge and a plain-text reason.
fn challenge(realm: &str, reason: &str, detail: &str) -> Response {
    let mut resp = (
        StatusCode::UNAUTHORIZED,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{reason}\n{detail}\n"),
    )
        .into_response();
    let realm = realm.replace(['"', '\\'], "");
    if let Ok(v) = HeaderValue::from_str(&format!("Basic realm=\"{realm}\"")) {
        resp.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    resp
}

/// A minimal successful `GetFolderResponse` for the mailbox's root folder
/// (`templates/ews/get_folder.xml`, escaped as XML).
#[derive(Template)]
#[template(path = "ews/get_folder.xml")]
struct GetFolderResponse {
    /// Whose mailbox, for a comment: "Name <upn>".
    owner: String,
    /// A stable, opaque folder id per mailbox.
    folder_id: String,
}

fn soap_response(who: &Authenticated) -> Response {
    let page = GetFolderResponse {
        // An XML comment may not hold "--".
        owner: format!("{} <{}>", who.display_name, who.upn).replace("--", "- -"),
        folder_id: base64::engine::general_purpose::STANDARD
            .encode(format!("msgfolderroot:{}", who.upn)),
    };
    match page.render() {
        Ok(body) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "the EWS response failed to render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the simulator could not render this response: {e}"),
            )
                .into_response()
        }
    }
}
