//! The Office 365 portal home with its "Office 365 Main Menu" of app tiles
//! (FAQ 2.1), and the admin center's home.

use super::{admin_page, signed_in, Nav};
use crate::html;
use crate::pages::sign_in_url;
use crate::server::AppState;
use crate::state::UserView;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use docproof_contract::ids::{admin_center, portal};
use docproof_contract::routes;

#[derive(Template)]
#[template(path = "portal/home.html")]
struct PortalHome<'a> {
    title: &'a str,
    me: &'a UserView,
}

pub(super) async fn portal(State(sim): State<AppState>, headers: HeaderMap) -> Response {
    let Some((_, me)) = signed_in(&sim, &headers) else {
        return html::see_other(&sign_in_url(routes::PORTAL));
    };
    html::render(&PortalHome {
        title: "Microsoft Office Home",
        me: &me,
    })
}

#[derive(Template)]
#[template(path = "admin/home.html")]
struct AdminHome<'a> {
    title: &'a str,
    me: &'a UserView,
    current: Nav,
}

pub(super) async fn admin_home(
    State(sim): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    admin_page(&sim, &headers, &uri, |me| {
        html::render(&AdminHome {
            title: "Home - Microsoft 365 admin center",
            me,
            current: Nav::Home,
        })
    })
}
