//! The Office 365 portal home and the Microsoft 365 admin center (FAQ
//! 2.1–2.5): Active users in Preview and Classic mode, and the legacy
//! per-user MFA page (`/UserManagement/MultifactorVerification.aspx`) with
//! its quick steps.
//!
//! Every page is an askama template (`templates/portal/`,
//! `templates/admin/`) that takes its ids and field names from
//! `docproof_contract::ids` and its paths from `docproof_contract::routes`.
//! Menus are menu buttons as Microsoft's pages have them (`aria-haspopup`,
//! `aria-expanded`, `aria-controls`) over popups that stay `hidden` until a
//! small script opens them. Everything else works without scripts: links
//! carry the list's search, view and selection, and every state change is
//! a POST carrying the session's `canary`.

mod home;
mod mfa;
mod today;
mod users;

use super::{sign_in_url, SESSION_COOKIE};
use crate::html;
use crate::server::AppState;
use crate::state::{Session, UserView};
use askama::Template;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use docproof_contract::ids::{admin_center, mfa_page, portal, Field};
use docproof_contract::routes;
use std::collections::HashMap;

/// The FAQ's admin center (`Profile::Faq2020`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route(routes::PORTAL, get(home::portal))
        .route(routes::ADMIN, get(home::admin_home))
        .route("/admin/", get(home::admin_home))
        .route(routes::ACTIVE_USERS, get(users::active_users))
        .route(routes::EXPORT_USERS, get(users::export_users))
        .route(routes::ADD_USER, get(users::add_user))
        .route(routes::MFA_PAGE, get(mfa::page).post(mfa::update))
}

/// Today's admin center (`Profile::Today`): the portal home and admin home
/// as before, Active users with its "Multi-factor authentication" button,
/// and the Entra admin center's per-user MFA page (`today`).
pub fn today_router() -> Router<AppState> {
    Router::new()
        .route(routes::PORTAL, get(home::portal))
        .route(routes::ADMIN, get(home::admin_home))
        .route("/admin/", get(home::admin_home))
        .route(routes::EXPORT_USERS, get(users::export_users))
        .route(routes::ADD_USER, get(users::add_user))
        .merge(today::router())
}

/// A query string's or form's parameters, looked up by the contract's
/// field names.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(transparent)]
struct Params(HashMap<String, String>);

impl Params {
    fn get(&self, field: Field) -> Option<&str> {
        self.0.get(field.name).map(String::as_str)
    }
}

/// `path?name=value&…`, encoded as a browser encodes a form.
fn link(path: &str, pairs: &[(Field, &str)]) -> String {
    if pairs.is_empty() {
        return path.to_string();
    }
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().map(|(field, value)| (field.name, *value)))
        .finish();
    format!("{path}?{query}")
}

// ----------------------------------------------------------------- access

/// The signed-in session and its user, if any.
pub(in crate::pages) fn signed_in(
    sim: &AppState,
    headers: &HeaderMap,
) -> Option<(Session, UserView)> {
    let id = html::cookie(headers, SESSION_COOKIE)?;
    let session = sim.tenant.session(&id)?;
    // A fraud alert (blocked sign-in) ends sessions already open, too.
    let user = sim.tenant.user(&session.upn).filter(|u| !u.blocked)?;
    Some((session, user))
}

/// "You don't have permission to access this page".
#[derive(Template)]
#[template(path = "admin/denied.html")]
struct Denied<'a> {
    title: &'a str,
    me: &'a UserView,
}

/// An admin's session, or the response to send instead: the sign-in page
/// (then back to the page asked for) or "You don't have permission".
/// A page that only needs a signed-in admin: what `page` renders for them,
/// or the sign-in or "Access denied" page instead.
fn admin_page(
    sim: &AppState,
    headers: &HeaderMap,
    uri: &Uri,
    page: impl FnOnce(&UserView) -> Response,
) -> Response {
    match require_admin(sim, headers, uri) {
        Ok((_, me)) => page(&me),
        Err(r) => r,
    }
}

fn require_admin(
    sim: &AppState,
    headers: &HeaderMap,
    uri: &Uri,
) -> Result<(Session, UserView), Response> {
    let Some((session, user)) = signed_in(sim, headers) else {
        let return_to = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
        return Err(html::see_other(&sign_in_url(return_to)));
    };
    if !user.admin {
        tracing::info!(upn = %user.upn, "admin center refused: not an admin");
        let page = Denied {
            title: "Access denied - Microsoft 365 admin center",
            me: &user,
        };
        return Err((StatusCode::FORBIDDEN, html::render(&page)).into_response());
    }
    Ok((session, user))
}

/// A whole-page error inside the admin chrome.
#[derive(Template)]
#[template(path = "admin/error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    me: &'a UserView,
    message: &'a str,
}

fn error_page(me: &UserView, status: StatusCode, title: &str, message: &str) -> Response {
    let page = ErrorPage { title, me, message };
    (status, html::render(&page)).into_response()
}

/// Where an admin center page sits in the navigation on the left.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Nav {
    Home,
    ActiveUsers,
}

impl Nav {
    /// Whether the page is under "Users", which is then open.
    fn in_users(self) -> bool {
        self == Nav::ActiveUsers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_encode_their_query_as_a_form_does() {
        assert_eq!(link("/p", &[]), "/p");
        assert_eq!(
            link(
                "/p",
                &[
                    (mfa_page::SEARCH_FIELD, "o365 sms&x"),
                    (mfa_page::SELECTED_FIELD, "a@b.com")
                ]
            ),
            "/p?search=o365+sms%26x&selected=a%40b.com"
        );
    }
}
