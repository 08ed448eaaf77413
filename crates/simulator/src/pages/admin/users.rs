//! Users > Active users in Preview and Classic mode (FAQ 2.1–2.2b), and
//! what its toolbar opens: the CSV export and "+ Add a user".

use super::{admin_page, link, require_admin, Nav, Params};
use crate::html::{self, set_cookie, with_cookie};
use crate::server::AppState;
use crate::state::UserView;
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use docproof_contract::ids::{admin_center, portal};
use docproof_contract::routes;

/// Remembers Preview or Classic mode.
pub const MODE_COOKIE: &str = "admin_mode";

/// The admin center's two looks of Active users.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Preview,
    Classic,
}

impl Mode {
    fn parse(raw: &str) -> Option<Mode> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "preview" | "new" => Some(Mode::Preview),
            "classic" => Some(Mode::Classic),
            _ => None,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Mode::Preview => "preview",
            Mode::Classic => "classic",
        }
    }
    fn other(self) -> Mode {
        match self {
            Mode::Preview => Mode::Classic,
            Mode::Classic => Mode::Preview,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/active_users.html")]
struct ActiveUsers<'a> {
    title: &'a str,
    me: &'a UserView,
    current: Nav,
    mode: Mode,
    /// "Switch to classic" / "Try the new admin center".
    switch_href: String,
    /// A `mode=` that is not a mode, as asked.
    bad_mode: Option<&'a str>,
    users: Vec<UserView>,
}

pub(super) async fn active_users(
    State(sim): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    query: Result<Query<Params>, QueryRejection>,
) -> Response {
    let (_, me) = match require_admin(&sim, &headers, &uri) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let requested = query
        .get(admin_center::MODE_FIELD)
        .filter(|m| !m.trim().is_empty());
    let from_query = requested.and_then(Mode::parse);
    let bad_mode = requested.filter(|_| from_query.is_none());
    let mode = from_query
        .or_else(|| html::cookie(&headers, MODE_COOKIE).and_then(|c| Mode::parse(&c)))
        .unwrap_or(Mode::Preview);
    let page = ActiveUsers {
        title: "Active users - Microsoft 365 admin center",
        me: &me,
        current: Nav::ActiveUsers,
        mode,
        switch_href: link(
            routes::ACTIVE_USERS,
            &[(admin_center::MODE_FIELD, mode.other().name())],
        ),
        bad_mode,
        users: sim.tenant.users(),
    };
    let status = match bad_mode {
        Some(_) => StatusCode::BAD_REQUEST,
        None => StatusCode::OK,
    };
    let resp = (status, html::render(&page)).into_response();
    match from_query {
        Some(mode) => with_cookie(resp, set_cookie(MODE_COOKIE, mode.name())),
        None => resp,
    }
}

pub(super) async fn export_users(
    State(sim): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    if let Err(r) = require_admin(&sim, &headers, &uri) {
        return r;
    }
    fn field(s: &str) -> String {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    }
    let mut csv = String::from("Display name,User principal name,Multi-factor auth status\r\n");
    for u in sim.tenant.users() {
        csv.push_str(&format!(
            "{},{},{}\r\n",
            field(&u.display_name),
            field(u.upn.as_str()),
            u.admin_view.status
        ));
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"Users.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        csv,
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "admin/add_user.html")]
struct AddUser<'a> {
    title: &'a str,
    me: &'a UserView,
    current: Nav,
}

pub(super) async fn add_user(
    State(sim): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    admin_page(&sim, &headers, &uri, |me| {
        html::render(&AddUser {
            title: "Add a user - Microsoft 365 admin center",
            me,
            current: Nav::ActiveUsers,
        })
    })
}
