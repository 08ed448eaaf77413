//! Today's per-user MFA (`Profile::Today`): Active users with its
//! "Multi-factor authentication" toolbar button, and the Entra admin
//! center's "Per-user multifactor authentication" page (`users`, its
//! filters in `filters`) with its service settings (`service_settings`).
//!
//! As on the FAQ's pages, everything works without scripts: filters are a
//! GET form, commands are submit buttons of one POST form around the users
//! table, and every POST carries the session's canary.

mod filters;
mod service_settings;
mod users;

use super::{require_admin, Nav};
use crate::html;
use crate::server::AppState;
use crate::state::{Session, UserView};
use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use docproof_contract::ids::{admin_center, per_user_mfa, portal, Field};
use docproof_contract::routes;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(routes::ACTIVE_USERS, get(active_users))
        .route(routes::PER_USER_MFA, get(users::page).post(users::update))
        .route(
            routes::PER_USER_MFA_SERVICE_SETTINGS,
            get(service_settings::page).post(service_settings::save),
        )
}

// ------------------------------------------------------------ Active users

/// Active users as the admin center shows it today.
#[derive(Template)]
#[template(path = "admin/today/active_users.html")]
struct ActiveUsers<'a> {
    title: &'a str,
    me: &'a UserView,
    current: Nav,
    users: Vec<UserView>,
}

async fn active_users(State(sim): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    super::admin_page(&sim, &headers, &uri, |me| {
        html::render(&ActiveUsers {
            title: "Active users - Microsoft 365 admin center",
            me,
            current: Nav::ActiveUsers,
            users: sim.tenant.users(),
        })
    })
}

// --------------------------------------------------------- posted forms

/// A posted form's fields in order, repeated names kept: the users table
/// posts one `upn` per ticked row.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(transparent)]
struct Posted(Vec<(String, String)>);

impl Posted {
    /// The field's first value.
    fn get(&self, field: Field) -> Option<&str> {
        self.all(field).next()
    }
    fn all(&self, field: Field) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(move |(name, _)| name == field.name)
            .map(|(_, value)| value.as_str())
    }
}

/// A ticked checkbox (browsers send `on` unless told a value).
fn checked(v: Option<&str>) -> bool {
    v.is_some_and(|s| matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "on" | "1"))
}

/// A POST's admin, session and form, once the admin is signed in, the form
/// is readable and it carries the session's canary; otherwise the page to
/// answer with. `reload` names the page to reload in the messages.
fn admin_post(
    sim: &AppState,
    headers: &HeaderMap,
    uri: &Uri,
    form: Result<Form<Posted>, FormRejection>,
    reload: &str,
) -> Result<(Session, UserView, Posted), Response> {
    let (session, me) = require_admin(sim, headers, uri)?;
    let Form(form) = form.map_err(|e| {
        error_page(
            &me,
            StatusCode::BAD_REQUEST,
            "The request could not be read",
            &format!(
                "The form could not be read ({}). Reload the {reload} page and try again.",
                e.body_text()
            ),
        )
    })?;
    // The anti-forgery check comes before anything else in the form is used.
    let refused = |why: &str| {
        tracing::warn!(admin = %me.upn, why, "per-user MFA change refused");
        error_page(
            &me,
            StatusCode::BAD_REQUEST,
            "The request could not be verified",
            &format!("{why}, so the change was not made. Reload the {reload} page and try again."),
        )
    };
    match form.get(per_user_mfa::CANARY_FIELD).filter(|c| !c.is_empty()) {
        None => Err(refused(
            "The form has no canary (the anti-forgery token of your session)",
        )),
        Some(c) if !session.canary.matches(c) => Err(refused(
            "The form's canary does not match your session (the page may be from an earlier sign-in)",
        )),
        Some(_) => Ok((session, me, form)),
    }
}

// ----------------------------------------------------------------- errors

/// A whole-page error in the Entra admin center.
#[derive(Template)]
#[template(path = "admin/today/error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    me: &'a UserView,
    heading: &'a str,
    message: &'a str,
}

fn error_page(me: &UserView, status: StatusCode, heading: &str, message: &str) -> Response {
    let title = format!("{heading} - Microsoft Entra admin center");
    let page = ErrorPage {
        title: &title,
        me,
        heading,
        message,
    };
    (status, html::render(&page)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posted_forms_keep_repeated_fields_in_order() {
        let form = Posted(
            url::form_urlencoded::parse(b"upn=a%40b.com&canary=c&upn=d%40e.com&upn=")
                .into_owned()
                .collect(),
        );
        assert_eq!(
            form.all(per_user_mfa::UPN_FIELD).collect::<Vec<_>>(),
            ["a@b.com", "d@e.com", ""]
        );
        assert_eq!(form.get(per_user_mfa::CANARY_FIELD), Some("c"));
        assert_eq!(form.get(per_user_mfa::ACTION_FIELD), None);
        assert!(checked(Some("on")) && checked(Some(" TRUE ")));
        assert!(!checked(Some("no")) && !checked(None));
    }
}
