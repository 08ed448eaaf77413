//! Today's My Sign-Ins > Security info (`Profile::Today`): the signed-in
//! user's default sign-in method and methods, and "+ Add sign-in method",
//! the only place app passwords are made today. App password is offered
//! only to per-user MFA Enforced users when the admin's service settings
//! allow app passwords; the password is shown once.
//!
//! Server-rendered like the admin center: the add dialog is a link, and
//! every change is a POST carrying the session's canary.

use super::admin::signed_in;
use super::register::default_method;
use super::sign_in_url;
use crate::html::{self, see_other};
use crate::server::AppState;
use crate::state::{AppPasswordRefused, UserView};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use docproof_contract::ids::security_info as ids;
use docproof_contract::routes;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new().route(routes::SECURITY_INFO, get(page).post(change))
}

/// The dialog a link or a post opens on the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dialog {
    None,
    /// "Add a method": which one.
    Add,
    /// "App password": its name.
    Name,
}

/// The value of App password in the add dialog's drop-down.
const APP_PASSWORD: &str = "app-password";
/// The longest app password name accepted.
const MAX_NAME: usize = 256;

#[derive(Template)]
#[template(path = "security_info/page.html")]
struct Page<'a> {
    title: &'a str,
    me: &'a UserView,
    canary: &'a str,
    default_method: Option<String>,
    app_passwords: usize,
    dialog: Dialog,
    /// Whether App password is among the methods to add.
    app_password_offered: bool,
    error: Option<&'a str>,
    /// The app password just made, shown once, with its name.
    created: Option<(&'a str, &'a str)>,
}

/// GET: the page, with `?dialog=add` the "Add a method" dialog open.
async fn page(
    State(sim): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some((session, me)) = signed_in(&sim, &headers) else {
        return see_other(&sign_in_url(routes::SECURITY_INFO));
    };
    let dialog = match query.get("dialog").map(String::as_str) {
        Some("add") => Dialog::Add,
        _ => Dialog::None,
    };
    render(&sim, &me, session.canary.expose(), dialog, None, None)
}

/// POST: the add dialog's "Add" (which method) and the name dialog's Next.
async fn change(
    State(sim): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let Some((session, me)) = signed_in(&sim, &headers) else {
        return see_other(&sign_in_url(routes::SECURITY_INFO));
    };
    let canary = session.canary.expose();
    let field = |f: docproof_contract::ids::Field| form.get(f.name).map(|v| v.trim());
    if !field(ids::CANARY_FIELD).is_some_and(|c| session.canary.matches(c)) {
        tracing::warn!(upn = %me.upn, "security info change refused: bad canary");
        let page = render(
            &sim,
            &me,
            canary,
            Dialog::None,
            Some("Your session's form token did not match, so nothing was changed. Reload the page and try again."),
            None,
        );
        return (StatusCode::FORBIDDEN, page).into_response();
    }
    match (field(ids::METHOD_FIELD), field(ids::NAME_FIELD)) {
        // "Add a method" with App password chosen: ask for its name.
        (Some(APP_PASSWORD), None) => render(&sim, &me, canary, Dialog::Name, None, None),
        (Some(_), None) | (None, None) => render(
            &sim,
            &me,
            canary,
            Dialog::Add,
            Some("Choose a method to add."),
            None,
        ),
        (_, Some(name)) if name.is_empty() || name.chars().count() > MAX_NAME => render(
            &sim,
            &me,
            canary,
            Dialog::Name,
            Some("Enter a name of 1 to 256 characters, to tell this app password from others."),
            None,
        ),
        (_, Some(name)) => match sim.tenant.create_app_password(&me.upn) {
            Ok(password) => {
                let me = sim.tenant.user(&me.upn).unwrap_or(me);
                render(
                    &sim,
                    &me,
                    canary,
                    Dialog::None,
                    None,
                    Some((name, password.expose())),
                )
            }
            Err(refused) => {
                let why = match refused {
                    AppPasswordRefused::NotAllowed => "Your organization doesn't allow app passwords.",
                    AppPasswordRefused::NotEnforced => "App passwords are only for accounts that must use multi-factor authentication for every sign-in.",
                    AppPasswordRefused::TooMany => "You already have the most app passwords allowed (40). Delete one before you add another.",
                };
                let page = render(&sim, &me, canary, Dialog::None, Some(why), None);
                (StatusCode::BAD_REQUEST, page).into_response()
            }
        },
    }
}

fn render(
    sim: &AppState,
    me: &UserView,
    canary: &str,
    dialog: Dialog,
    error: Option<&str>,
    created: Option<(&str, &str)>,
) -> Response {
    let security = &me.admin_view;
    html::render(&Page {
        title: "Security info",
        me,
        canary,
        default_method: security.registration.as_ref().map(default_method),
        app_passwords: security.app_passwords.len(),
        dialog,
        // Offered to whoever may have one; at Microsoft's 40 the Add says why not.
        app_password_offered: !matches!(
            security.app_password_refused(sim.tenant.app_passwords_allowed()),
            Some(AppPasswordRefused::NotAllowed | AppPasswordRefused::NotEnforced)
        ),
        error,
        created,
    })
}
