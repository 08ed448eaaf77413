//! Per-user MFA's "service settings": whether users may create app
//! passwords to sign in to non-browser apps (off by default today).

use super::{admin_post, Posted};
use crate::html;
use crate::pages::admin::require_admin;
use crate::server::AppState;
use crate::state::UserView;
use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Form;
use docproof_contract::ids::{admin_center, per_user_mfa};
use docproof_contract::routes;

#[derive(Template)]
#[template(path = "admin/today/service_settings.html")]
struct ServiceSettings<'a> {
    title: &'a str,
    me: &'a UserView,
    canary: &'a str,
    /// "Allow users to create app passwords…" is the chosen radio button.
    allowed: bool,
    alert: Option<String>,
    /// "Your settings were saved."
    saved: bool,
}

fn render(
    sim: &AppState,
    me: &UserView,
    canary: &str,
    alert: Option<String>,
    saved: bool,
) -> Response {
    let status = match alert {
        Some(_) => StatusCode::BAD_REQUEST,
        None => StatusCode::OK,
    };
    let page = ServiceSettings {
        title: "service settings - multi-factor authentication - Microsoft Entra admin center",
        me,
        canary,
        allowed: sim.tenant.app_passwords_allowed(),
        alert,
        saved,
    };
    (status, html::render(&page)).into_response()
}

pub(super) async fn page(State(sim): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    match require_admin(&sim, &headers, &uri) {
        Ok((session, me)) => render(&sim, &me, session.canary.expose(), None, false),
        Err(r) => r,
    }
}

/// The app passwords choice: allow or deny.
fn app_passwords(form: &Posted) -> Result<bool, String> {
    match form.get(per_user_mfa::APP_PASSWORDS_FIELD).map(str::trim) {
        Some(v) if v.eq_ignore_ascii_case("allow") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("deny") => Ok(false),
        None | Some("") => Err(
            "Choose whether users may create app passwords to sign in to non-browser apps, then save.".into(),
        ),
        Some(other) => Err(format!(
            "'{other}' is not an app passwords setting: use allow or deny."
        )),
    }
}

pub(super) async fn save(
    State(sim): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    form: Result<Form<Posted>, FormRejection>,
) -> Response {
    let (session, me, form) = match admin_post(&sim, &headers, &uri, form, "service settings") {
        Ok(x) => x,
        Err(r) => return r,
    };
    let canary = session.canary.expose();
    match app_passwords(&form) {
        Ok(allowed) => {
            sim.tenant.set_app_passwords_allowed(allowed);
            tracing::info!(admin = %me.upn, allowed, "service settings saved");
            render(&sim, &me, canary, None, true)
        }
        Err(message) => render(&sim, &me, canary, Some(message), false),
    }
}
