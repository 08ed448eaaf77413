//! The portal home and the Microsoft 365 admin center (FAQ 2.1–2.5): Active
//! users in Preview and Classic mode, and the legacy per-user MFA page
//! (`/UserManagement/MultifactorVerification.aspx`) with its quick steps.
//!
//! Every page is server-rendered and works without JavaScript: drop-downs and
//! menus are `<details><summary>`, so a click opens them in a browser and a
//! plain HTTP client can follow the links inside. Every state change is a
//! POST carrying the session's `canary`.
//!
//! Routes:
//!
//! | route | page |
//! |---|---|
//! | `GET /` | portal home, the "Office 365 Main Menu" with app tiles |
//! | `GET /admin` | admin center home |
//! | `GET /admin/users?mode=preview\|classic` | Active users (mode kept in cookie `admin_mode`) |
//! | `GET /admin/users/export` | Active users as CSV |
//! | `GET /admin/users/add` | "+ Add a user" (explains users come from the tenant file) |
//! | `GET /UserManagement/MultifactorVerification.aspx?search=&view=&selected=&dialog=` | multi-factor authentication, users tab |
//! | `POST /UserManagement/MultifactorVerification.aspx` | a quick step (form: `canary`, `action`, `upn`, `search`, `view`, checkboxes) |
//!
//! Stable element ids (page objects target these):
//!
//! | where | id / selector | what |
//! |---|---|---|
//! | every page | `#O365_MainLink_NavMenu` | app launcher summary, aria-label "Office 365 Main Menu" (admin pages) |
//! | every page | `#O365_AppTile_Admin`, `#O365_AppTile_Mail` | "Admin" (admins only) and "Outlook" tiles |
//! | admin pages | `#admin-center-title` | "Microsoft 365 admin center" |
//! | admin pages | `#admin-signout` | "Sign out" |
//! | admin nav | `#nav-home`, `#nav-users` (details), `#nav-active-users` | Home, Users > Active users |
//! | Active users | `#active-users-heading`, `#active-users-table` (rows `tr[data-upn]`) | |
//! | Active users | `#admin-mode`, `#admin-mode-switch` | current mode ("preview"/"classic" in `data-mode`), "Switch to classic" / "Try the new admin center" |
//! | Active users | `#add-user` | "+ Add a user" |
//! | Active users | `#export-users` | "↓ Export users" (Preview toolbar; inside More in Classic) |
//! | Preview | `#more-actions` (details), summary aria-label "More actions" ("…") | |
//! | Classic | `#more-dropdown` (details), summary "More" | |
//! | both | `#setup-mfa` | "Setup Multifactor authentication" (Preview) / "Multifactor Authentication setup" (Classic) |
//! | MFA page | `#mfa-heading` | "multi-factor authentication" |
//! | MFA page | `#mfa-tab-users` | the "users" tab |
//! | MFA page | `#mfa-filter` (form), `#mfa-search` (label "Search"), `#mfa-view` (label "View:"), `#mfa-search-button` | |
//! | MFA page | `#mfa-users` (table); rows `tr[data-upn]`; in a row `a.mfa-select` (display name), `a.mfa-check` (checkbox), `td.mfa-upn`, `td.mfa-status` | |
//! | MFA page | `#mfa-count`, `#mfa-no-results`, `#mfa-error` | |
//! | MFA page | `#mfa-user-panel`, `#mfa-user-panel-name`, `#mfa-user-panel-status`, `#mfa-no-selection` | |
//! | quick steps | `#mfa-quick-steps`, `#mfa-quick-enable`, `#mfa-quick-disable`, `#mfa-quick-enforce`, `#mfa-quick-manage` | |
//! | dialogs | `#mfa-dialog`, `#mfa-dialog-title`, `#mfa-dialog-text`, `#mfa-dialog-confirm`, `#mfa-dialog-cancel`, `#mfa-dialog-close`, `#mfa-dialog-error` | |
//! | manage user settings | `#mfa-require-contact-methods`, `#mfa-delete-app-passwords`, `#mfa-restore-devices` | the three checkboxes |

use super::{sign_in_url, SESSION_COOKIE};
use crate::html::{self, escape, hidden, see_other, set_cookie, with_cookie};
use crate::server::AppState;
use crate::state::{Session, UserView};
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use docproof_contract::domain::{MfaStatus, Upn};
use docproof_contract::routes;
use serde::Deserialize;

/// The legacy per-user MFA page.
use docproof_contract::routes::MFA_PAGE as MFA_PATH;
/// Remembers Preview or Classic mode.
pub const MODE_COOKIE: &str = "admin_mode";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(routes::PORTAL, get(portal))
        .route(routes::ADMIN, get(admin_home))
        .route("/admin/", get(admin_home))
        .route(routes::ACTIVE_USERS, get(active_users))
        .route(routes::EXPORT_USERS, get(export_users))
        .route(routes::ADD_USER, get(add_user))
        .route(MFA_PATH, get(mfa_page).post(mfa_update))
}

const ADMIN_CSS: &str = "
body{font-family:'Segoe UI',Helvetica,Arial,sans-serif;margin:0;color:#323130;background:#faf9f8}
a{color:#0078d4}
.topbar{background:#0078d4;color:#fff;display:flex;align-items:center;gap:16px;padding:0 16px;height:48px}
.topbar a{color:#fff;text-decoration:none}
.brand{font-weight:600;font-size:16px}
.me{margin-left:auto}
.launcher{position:relative}
.launcher>summary{list-style:none;cursor:pointer;font-size:18px;padding:8px}
.launcher>summary::-webkit-details-marker{display:none}
.launcher-menu{position:absolute;top:40px;left:0;background:#fff;box-shadow:0 4px 12px rgba(0,0,0,.25);padding:12px;z-index:10;min-width:220px}
.launcher-menu h2{font-size:14px;color:#323130;margin:0 0 8px}
.tiles{display:flex;flex-wrap:wrap;gap:12px;list-style:none;padding:0;margin:0}
.tile{display:flex;flex-direction:column;align-items:center;width:96px;padding:12px 4px;border:1px solid #edebe9;background:#fff;color:#323130 !important;text-decoration:none}
.tile .icon{font-size:28px}
.icon-mail::before{content:'\\2709'}
.icon-admin::before{content:'\\2699'}
.icon-waffle::before{content:'\\22EE\\22EE\\22EE'}
.icon-caret::before{content:' \\25BE'}
.layout{display:flex}
.leftnav{width:220px;min-height:calc(100vh - 48px);background:#f3f2f1;padding:12px 0}
.leftnav ul{list-style:none;margin:0;padding:0}
.leftnav a,.leftnav summary{display:block;padding:8px 20px;color:#323130;text-decoration:none;cursor:pointer}
.leftnav ul ul a{padding-left:40px}
.leftnav a[aria-current=page]{font-weight:600;border-left:3px solid #0078d4}
main{flex:1;padding:20px 32px}
h1{font-size:24px;font-weight:600;margin:8px 0 16px}
.toolbar{display:flex;gap:8px;align-items:center;margin:12px 0;border-bottom:1px solid #edebe9;padding-bottom:8px}
.cmd{background:none;border:0;color:#323130;padding:6px 8px;font-size:14px;cursor:pointer;text-decoration:none}
.cmd:hover{background:#edebe9}
.menu{position:relative}
.menu>summary{list-style:none}
.menu>summary::-webkit-details-marker{display:none}
.menu ul{position:absolute;top:32px;left:0;background:#fff;box-shadow:0 4px 12px rgba(0,0,0,.25);list-style:none;margin:0;padding:4px 0;z-index:5;min-width:260px}
.menu li a{display:block;padding:8px 12px;color:#323130;text-decoration:none}
.menu li a:hover{background:#f3f2f1}
.mode-line{font-size:13px;color:#605e5c}
table{border-collapse:collapse;width:100%;background:#fff}
th{text-align:left;font-size:12px;color:#605e5c;border-bottom:1px solid #edebe9;padding:8px}
td{padding:8px;border-bottom:1px solid #f3f2f1;font-size:14px}
tr.selected td{background:#deecf9}
.check{text-decoration:none;font-size:16px;color:#323130}
.mfa{display:flex;gap:24px;align-items:flex-start}
.mfa-list{flex:1}
.filter{display:flex;gap:8px;align-items:center;margin:8px 0 12px}
.filter input,.filter select{padding:4px 6px;font-size:14px}
.panel{width:300px;background:#fff;border:1px solid #edebe9;padding:16px}
.panel h2{font-size:18px;margin:0 0 4px}
.panel h3{font-size:13px;text-transform:lowercase;color:#605e5c;margin:16px 0 4px}
.panel ul{list-style:none;padding:0;margin:0}
.panel li{margin:4px 0}
.tabs{display:flex;gap:16px;border-bottom:1px solid #edebe9;margin-bottom:12px}
.tabs a{padding:6px 0;text-decoration:none;color:#323130}
.tabs a[aria-current=page]{border-bottom:2px solid #0078d4;font-weight:600}
.alert{background:#fde7e9;border-left:4px solid #a80000;padding:8px 12px;margin:8px 0}
.overlay{position:fixed;inset:0;background:rgba(0,0,0,.4);display:flex;align-items:center;justify-content:center}
.dialog{background:#fff;max-width:520px;padding:24px;box-shadow:0 8px 24px rgba(0,0,0,.3)}
.dialog h2{font-size:20px;margin:0 0 12px}
.dialog .buttons{margin-top:20px;display:flex;gap:8px;justify-content:flex-end;align-items:center}
.dialog label{display:block;margin:8px 0}
.button{padding:6px 16px;font-size:14px;border:1px solid #0078d4;background:#0078d4;color:#fff;cursor:pointer;text-decoration:none}
.button.secondary{background:#fff;color:#323130;border-color:#8a8886}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
";

// ----------------------------------------------------------------- access

/// The signed-in session and its user, if any.
fn signed_in(sim: &AppState, headers: &HeaderMap) -> Option<(Session, UserView)> {
    let id = html::cookie(headers, SESSION_COOKIE)?;
    let session = sim.tenant.session(&id)?;
    // A fraud alert (blocked sign-in) ends sessions already open, too.
    let user = sim.tenant.user(&session.upn).filter(|u| !u.blocked)?;
    Some((session, user))
}

/// An admin's session, or the response to send instead: the sign-in page
/// (then back to `return_to`) or "You don't have permission".
fn require_admin(
    sim: &AppState,
    headers: &HeaderMap,
    return_to: &str,
) -> Result<(Session, UserView), Response> {
    let Some((session, user)) = signed_in(sim, headers) else {
        return Err(see_other(&sign_in_url(return_to)));
    };
    if !user.admin {
        tracing::info!(upn = %user.upn, "admin center refused: not an admin");
        let body = format!(
            r#"{top}<main id="admin-main"><h1 id="admin-denied">You don't have permission to access this page</h1>
<p id="admin-denied-text">You don't have access to the Microsoft 365 admin center. You're signed in as {upn}, who isn't an admin in this organization. Sign in with a global admin account, or ask your admin for access.</p>
<p><a id="admin-denied-signout" href="/owa/logoff.owa">Sign out and sign in with a different account</a> · <a href="/">Go to Office 365 home</a></p></main>"#,
            top = top_bar(&user),
            upn = escape(user.upn.as_str()),
        );
        return Err((
            StatusCode::FORBIDDEN,
            html::page(
                "Access denied - Microsoft 365 admin center",
                ADMIN_CSS,
                &body,
            ),
        )
            .into_response());
    }
    Ok((session, user))
}

fn path_and_query(uri: &Uri) -> String {
    uri.path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| uri.path().to_string())
}

/// A whole-page error inside the admin chrome.
fn error_page(user: &UserView, status: StatusCode, title: &str, message: &str) -> Response {
    let body = format!(
        r#"{top}<main id="admin-main"><h1>{t}</h1><div class="alert" role="alert" id="mfa-error">{m}</div>
<p><a href="{MFA_PATH}">Back to multi-factor authentication</a> · <a href="/admin">Admin center home</a></p></main>"#,
        top = top_bar(user),
        t = escape(title),
        m = escape(message),
    );
    (status, html::page(title, ADMIN_CSS, &body)).into_response()
}

// ----------------------------------------------------------------- chrome

/// The app launcher ("Office 365 Main Menu"): Outlook for everyone, Admin for admins.
fn app_tiles(user: &UserView) -> String {
    let mut tiles = String::from(
        r#"<li><a class="tile" id="O365_AppTile_Mail" href="/owa"><span class="icon icon-mail" aria-hidden="true"></span>Outlook</a></li>"#,
    );
    if user.admin {
        tiles.push_str(
            r#"<li><a class="tile" id="O365_AppTile_Admin" href="/admin"><span class="icon icon-admin" aria-hidden="true"></span>Admin</a></li>"#,
        );
    }
    format!(r#"<ul class="tiles">{tiles}</ul>"#)
}

fn top_bar(user: &UserView) -> String {
    format!(
        r#"<header class="topbar">
<details class="launcher"><summary id="O365_MainLink_NavMenu" aria-label="Office 365 Main Menu" title="App launcher"><span class="icon-waffle" aria-hidden="true"></span></summary>
<nav class="launcher-menu" aria-label="Apps"><h2>Apps</h2>{tiles}</nav></details>
<a class="brand" id="admin-center-title" href="/admin">Microsoft 365 admin center</a>
<span class="me" id="admin-user">{name}</span><a id="admin-signout" href="/owa/logoff.owa">Sign out</a>
</header>"#,
        tiles = app_tiles(user),
        name = escape(&user.display_name),
    )
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum NavItem {
    Home,
    ActiveUsers,
}

fn left_nav(current: NavItem) -> String {
    let cur = |item: NavItem| {
        if item == current {
            r#" aria-current="page""#
        } else {
            ""
        }
    };
    format!(
        r#"<nav class="leftnav" aria-label="Admin center navigation"><ul>
<li><a id="nav-home" href="/admin"{home}>Home</a></li>
<li><details id="nav-users"{open}><summary>Users</summary><ul>
<li><a id="nav-active-users" href="/admin/users"{users}>Active users</a></li>
</ul></details></li>
</ul></nav>"#,
        home = cur(NavItem::Home),
        users = cur(NavItem::ActiveUsers),
        open = if current == NavItem::ActiveUsers {
            " open"
        } else {
            ""
        },
    )
}

fn admin_page(title: &str, user: &UserView, nav: NavItem, main: &str) -> Response {
    let body = format!(
        r#"{top}<div class="layout">{nav}<main id="admin-main">{main}</main></div>"#,
        top = top_bar(user),
        nav = left_nav(nav),
    );
    html::page(title, ADMIN_CSS, &body)
}

// ----------------------------------------------------------------- portal

async fn portal(State(sim): State<AppState>, headers: HeaderMap) -> Response {
    let Some((_, user)) = signed_in(&sim, &headers) else {
        return see_other(&sign_in_url("/"));
    };
    let body = format!(
        r#"<header class="topbar"><span class="brand" id="o365-title">Office 365</span>
<span class="me" id="admin-user">{name}</span><a id="admin-signout" href="/owa/logoff.owa">Sign out</a></header>
<main id="portal-main"><h1 id="portal-greeting">Good day, {name}</h1>
<nav id="o365-main-menu" aria-label="Office 365 Main Menu"><h2>Apps</h2>{tiles}</nav></main>"#,
        name = escape(&user.display_name),
        tiles = app_tiles(&user),
    );
    html::page("Microsoft Office Home", ADMIN_CSS, &body)
}

// ------------------------------------------------------------- admin home

async fn admin_home(State(sim): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    let (_, user) = match require_admin(&sim, &headers, &path_and_query(&uri)) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let main = r#"<h1 id="admin-home-heading">Home</h1>
<p>Welcome to the Microsoft 365 admin center.</p>
<section aria-labelledby="home-users-title" class="panel"><h2 id="home-users-title">User management</h2>
<p>Add, edit and remove users, reset passwords, and set up multi-factor authentication.</p>
<p><a id="home-card-users" href="/admin/users">Active users</a></p></section>"#;
    admin_page(
        "Home - Microsoft 365 admin center",
        &user,
        NavItem::Home,
        main,
    )
}

// ------------------------------------------------------------ active users

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
}

#[derive(Deserialize, Default)]
struct UsersQuery {
    mode: Option<String>,
}

async fn active_users(
    State(sim): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    query: Result<Query<UsersQuery>, QueryRejection>,
) -> Response {
    let (_, user) = match require_admin(&sim, &headers, &path_and_query(&uri)) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let mut alert = String::new();
    let requested = query.mode.as_deref().filter(|m| !m.trim().is_empty());
    let from_query = requested.and_then(Mode::parse);
    if let (Some(raw), None) = (requested, from_query) {
        alert = format!(
            r#"<div class="alert" role="alert" id="admin-error">'{}' is not an admin center mode: use mode=preview or mode=classic.</div>"#,
            escape(raw)
        );
    }
    let mode = from_query
        .or_else(|| html::cookie(&headers, MODE_COOKIE).and_then(|c| Mode::parse(&c)))
        .unwrap_or(Mode::Preview);

    let setup_href = MFA_PATH;
    let (mode_line, toolbar) = match mode {
        Mode::Preview => (
            r#"You're using the new admin center (preview). <a id="admin-mode-switch" href="/admin/users?mode=classic">Switch to classic</a>"#.to_string(),
            format!(
                r#"<div class="toolbar" role="toolbar" aria-label="Active users commands" id="users-toolbar">
<a class="cmd" id="add-user" href="/admin/users/add">+ Add a user</a>
<a class="cmd" id="export-users" href="/admin/users/export">↓ Export users</a>
<details class="menu" id="more-actions"><summary class="cmd" aria-label="More actions" title="More actions">…</summary>
<ul><li><a id="setup-mfa" href="{setup_href}">Setup Multifactor authentication</a></li></ul></details>
</div>"#
            ),
        ),
        Mode::Classic => (
            r#"You're using the classic admin center. <a id="admin-mode-switch" href="/admin/users?mode=preview">Try the new admin center</a>"#.to_string(),
            format!(
                r#"<div class="toolbar" role="toolbar" aria-label="Active users commands" id="users-toolbar">
<a class="cmd" id="add-user" href="/admin/users/add">+ Add a user</a>
<details class="menu" id="more-dropdown"><summary class="cmd">More<span class="icon-caret" aria-hidden="true"></span></summary>
<ul><li><a id="export-users" href="/admin/users/export">Export users</a></li>
<li><a id="setup-mfa" href="{setup_href}">Multifactor Authentication setup</a></li></ul></details>
</div>"#
            ),
        ),
    };
    let rows: String = sim
        .tenant
        .users()
        .iter()
        .map(|u| {
            format!(
                r#"<tr data-upn="{upn}"><td class="user-name">{name}</td><td class="user-upn">{upn}</td></tr>"#,
                upn = escape(u.upn.as_str()),
                name = escape(&u.display_name),
            )
        })
        .collect();
    let main = format!(
        r#"<h1 id="active-users-heading">Active users</h1>
<p class="mode-line" id="admin-mode" data-mode="{mode}">{mode_line}</p>
{alert}{toolbar}
<table id="active-users-table" aria-labelledby="active-users-heading"><thead><tr><th scope="col">Display name</th><th scope="col">Username</th></tr></thead>
<tbody>{rows}</tbody></table>"#,
        mode = mode.name(),
    );
    let status = if alert.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let resp = (
        status,
        admin_page(
            "Active users - Microsoft 365 admin center",
            &user,
            NavItem::ActiveUsers,
            &main,
        ),
    )
        .into_response();
    if from_query.is_some() {
        with_cookie(resp, set_cookie(MODE_COOKIE, mode.name()))
    } else {
        resp
    }
}

async fn export_users(State(sim): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    if let Err(r) = require_admin(&sim, &headers, &path_and_query(&uri)) {
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

async fn add_user(State(sim): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    let (_, user) = match require_admin(&sim, &headers, &path_and_query(&uri)) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let main = r#"<h1 id="add-user-heading">Add a user</h1>
<p id="add-user-text">Users of this tenant come from its tenant file (fixtures/tenant.toml). Add a <code>[[users]]</code> entry there and restart the tenant to add a user.</p>
<p><a id="add-user-back" href="/admin/users">Back to Active users</a></p>"#;
    admin_page(
        "Add a user - Microsoft 365 admin center",
        &user,
        NavItem::ActiveUsers,
        main,
    )
}

// ------------------------------------------------------- multi-factor page

/// The view filter ("View:").
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum View {
    /// Every user, Disabled included.
    Any,
    Enabled,
    Enforced,
}

impl View {
    fn parse(raw: &str) -> Result<View, String> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "" | "any" => Ok(View::Any),
            "enabled" => Ok(View::Enabled),
            "enforced" => Ok(View::Enforced),
            _ => Err(format!(
                "'{raw}' is not a view: choose Any, Enabled or Enforced."
            )),
        }
    }
    fn value(self) -> &'static str {
        match self {
            View::Any => "any",
            View::Enabled => "enabled",
            View::Enforced => "enforced",
        }
    }
    fn label(self) -> &'static str {
        match self {
            View::Any => "Any",
            View::Enabled => "Enabled",
            View::Enforced => "Enforced",
        }
    }
    fn shows(self, status: MfaStatus) -> bool {
        match self {
            View::Any => true,
            View::Enabled => status == MfaStatus::Enabled,
            View::Enforced => status == MfaStatus::Enforced,
        }
    }
}

/// What the list shows: search, view and selection, carried through every link.
#[derive(Clone, Debug)]
struct ListState {
    search: String,
    view: View,
    selected: Option<Upn>,
}

impl ListState {
    /// A link to the page with this search and view, `selected` and `dialog`.
    fn href(&self, selected: Option<&Upn>, dialog: Option<&str>) -> String {
        let mut params = Vec::new();
        if !self.search.is_empty() {
            params.push(format!("search={}", html::urlencode(&self.search)));
        }
        if self.view != View::Any {
            params.push(format!("view={}", self.view.value()));
        }
        if let Some(upn) = selected {
            params.push(format!("selected={}", html::urlencode(upn.as_str())));
        }
        if let Some(d) = dialog {
            params.push(format!("dialog={d}"));
        }
        if params.is_empty() {
            MFA_PATH.to_string()
        } else {
            format!("{MFA_PATH}?{}", params.join("&"))
        }
    }
    fn matches(&self, user: &UserView) -> bool {
        let needle = self.search.trim().to_lowercase();
        let found = needle.is_empty()
            || user.display_name.to_lowercase().contains(&needle)
            || user.upn.as_str().contains(&needle);
        found && self.view.shows(user.admin_view.status)
    }
}

#[derive(Deserialize, Default)]
struct MfaQuery {
    search: Option<String>,
    view: Option<String>,
    selected: Option<String>,
    dialog: Option<String>,
}

/// A quick step, as named in the dialog's form.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Action {
    Enable,
    Enforce,
    Disable,
    Manage,
}

impl Action {
    fn parse(raw: &str) -> Option<Action> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "enable" => Some(Action::Enable),
            "enforce" => Some(Action::Enforce),
            "disable" => Some(Action::Disable),
            "manage" => Some(Action::Manage),
            _ => None,
        }
    }
    fn value(self) -> &'static str {
        match self {
            Action::Enable => "enable",
            Action::Enforce => "enforce",
            Action::Disable => "disable",
            Action::Manage => "manage",
        }
    }
    /// Whether the quick step is offered for a user in `status` (Microsoft
    /// shows only the steps that change something).
    fn offered(self, status: MfaStatus) -> bool {
        match self {
            Action::Enable => status == MfaStatus::Disabled,
            Action::Enforce => status != MfaStatus::Enforced,
            Action::Disable => status != MfaStatus::Disabled,
            Action::Manage => true,
        }
    }
}

/// Problems the page reports at the top of the list, with the status to answer.
struct PageError {
    status: StatusCode,
    message: String,
}

async fn mfa_page(
    State(sim): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    query: Result<Query<MfaQuery>, QueryRejection>,
) -> Response {
    let (session, user) = match require_admin(&sim, &headers, &path_and_query(&uri)) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let query = match query {
        Ok(Query(q)) => q,
        Err(e) => {
            return error_page(
                &user,
                StatusCode::BAD_REQUEST,
                "The address could not be read",
                &format!(
                    "The query string could not be read ({}). Use search=, view= and selected=.",
                    e.body_text()
                ),
            )
        }
    };
    let mut errors: Vec<PageError> = Vec::new();
    let view = match View::parse(query.view.as_deref().unwrap_or("")) {
        Ok(v) => v,
        Err(message) => {
            errors.push(PageError {
                status: StatusCode::BAD_REQUEST,
                message,
            });
            View::Any
        }
    };
    let mut state = ListState {
        search: query.search.unwrap_or_default().trim().to_string(),
        view,
        selected: None,
    };
    let mut selected_user = None;
    if let Some(raw) = query.selected.as_deref().filter(|s| !s.trim().is_empty()) {
        match Upn::parse(raw).ok().and_then(|u| sim.tenant.user(&u)) {
            Some(u) => {
                state.selected = Some(u.upn.clone());
                selected_user = Some(u);
            }
            None => errors.push(PageError {
                status: StatusCode::NOT_FOUND,
                message: format!(
                    "The user '{raw}' was not found in this directory. Search for the account and select it in the list."
                ),
            }),
        }
    }
    let mut dialog = String::new();
    if let Some(raw) = query.dialog.as_deref().filter(|s| !s.trim().is_empty()) {
        match (Action::parse(raw), &selected_user) {
            (None, _) => errors.push(PageError {
                status: StatusCode::BAD_REQUEST,
                message: format!(
                    "'{raw}' is not a quick step: use enable, enforce, disable or manage."
                ),
            }),
            (Some(_), None) => {
                if errors.is_empty() {
                    errors.push(PageError {
                        status: StatusCode::BAD_REQUEST,
                        message: "Select a user first: quick steps apply to the selected user."
                            .into(),
                    })
                }
            }
            (Some(action), Some(target)) => {
                dialog = confirm_dialog(action, target, &state, &session, None);
            }
        }
    }
    let status = errors
        .iter()
        .map(|e| e.status)
        .max_by_key(|s| s.as_u16())
        .unwrap_or(StatusCode::OK);
    let alerts: Vec<String> = errors.into_iter().map(|e| e.message).collect();
    (
        status,
        mfa_document(
            &sim,
            &user,
            &state,
            selected_user.as_ref(),
            &alerts,
            &dialog,
        ),
    )
        .into_response()
}

/// The users tab: filter, table, side panel with quick steps, and an optional dialog.
fn mfa_document(
    sim: &AppState,
    admin: &UserView,
    state: &ListState,
    selected: Option<&UserView>,
    alerts: &[String],
    dialog: &str,
) -> Response {
    let users: Vec<UserView> = sim
        .tenant
        .users()
        .into_iter()
        .filter(|u| state.matches(u))
        .collect();
    let options: String = [View::Any, View::Enabled, View::Enforced]
        .iter()
        .map(|v| {
            format!(
                r#"<option value="{}"{}>{}</option>"#,
                v.value(),
                if *v == state.view { " selected" } else { "" },
                v.label()
            )
        })
        .collect();
    let rows: String = users
        .iter()
        .map(|u| {
            let is_selected = state.selected.as_ref() == Some(&u.upn);
            // Clicking the selected user again clears the selection.
            let href = state.href(if is_selected { None } else { Some(&u.upn) }, None);
            format!(
                r#"<tr data-upn="{upn}"{class}><td><a class="mfa-check check" role="checkbox" aria-checked="{checked}" aria-label="Select {name}" href="{href}">{glyph}</a></td><td><a class="mfa-select" data-upn="{upn}" href="{href}">{name}</a></td><td class="mfa-upn">{upn}</td><td class="mfa-status">{status}</td></tr>"#,
                upn = escape(u.upn.as_str()),
                name = escape(&u.display_name),
                href = escape(&href),
                class = if is_selected { r#" class="selected" aria-selected="true""# } else { "" },
                checked = is_selected,
                glyph = if is_selected { "☑" } else { "☐" },
                status = u.admin_view.status,
            )
        })
        .collect();
    let rows = if users.is_empty() {
        r#"<tr><td colspan="4" id="mfa-no-results">No users match this search and view.</td></tr>"#
            .to_string()
    } else {
        rows
    };
    let count = match users.len() {
        1 => "1 user".to_string(),
        n => format!("{n} users"),
    };
    let alerts: String = alerts
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let id = if i == 0 { r#" id="mfa-error""# } else { "" };
            format!(r#"<div class="alert" role="alert"{id}>{}</div>"#, escape(m))
        })
        .collect();
    let panel = match selected {
        Some(u) => side_panel(u, state),
        None => r#"<aside class="panel" aria-label="Selected user"><p id="mfa-no-selection">Select a user to see the quick steps.</p></aside>"#.to_string(),
    };
    let body = format!(
        r#"{top}<main id="admin-main">
<p><a id="mfa-back-to-users" href="/admin/users">Active users</a> &gt; multi-factor authentication</p>
<h1 id="mfa-heading">multi-factor authentication</h1>
<nav class="tabs" aria-label="multi-factor authentication"><a id="mfa-tab-users" href="{MFA_PATH}" aria-current="page">users</a></nav>
{alerts}
<div class="mfa"><div class="mfa-list">
<form class="filter" id="mfa-filter" method="get" action="{MFA_PATH}" role="search" aria-label="Find users">
<label for="mfa-view">View:</label><select id="mfa-view" name="view">{options}</select>
<label for="mfa-search">Search</label><input id="mfa-search" name="search" type="search" value="{search}">
<button class="button" id="mfa-search-button" type="submit">Search</button>
</form>
<p id="mfa-count">{count}</p>
<table id="mfa-users" aria-label="Users"><thead><tr><th scope="col"><span class="visually-hidden">Select</span></th><th scope="col">DISPLAY NAME</th><th scope="col">USER NAME</th><th scope="col">MULTI-FACTOR AUTH STATUS</th></tr></thead>
<tbody>{rows}</tbody></table>
</div>{panel}</div>
</main>{dialog}"#,
        top = top_bar(admin),
        search = escape(&state.search),
    );
    html::page("multi-factor authentication", ADMIN_CSS, &body)
}

fn side_panel(u: &UserView, state: &ListState) -> String {
    let status = u.admin_view.status;
    let step = |action: Action, id: &str, label: &str| {
        if action.offered(status) {
            format!(
                r#"<li><a id="{id}" href="{}">{label}</a></li>"#,
                escape(&state.href(Some(&u.upn), Some(action.value())))
            )
        } else {
            String::new()
        }
    };
    format!(
        r#"<aside class="panel" id="mfa-user-panel" aria-labelledby="mfa-user-panel-name">
<h2 id="mfa-user-panel-name">{name}</h2><p id="mfa-user-panel-upn">{upn}</p>
<p>Multi-factor auth status: <span id="mfa-user-panel-status">{status}</span></p>
<h3 id="mfa-quick-steps-title">quick steps</h3>
<ul id="mfa-quick-steps" aria-labelledby="mfa-quick-steps-title">{enable}{disable}{enforce}{manage}</ul></aside>"#,
        name = escape(&u.display_name),
        upn = escape(u.upn.as_str()),
        enable = step(Action::Enable, "mfa-quick-enable", "Enable"),
        disable = step(Action::Disable, "mfa-quick-disable", "Disable"),
        enforce = step(Action::Enforce, "mfa-quick-enforce", "Enforce"),
        manage = step(Action::Manage, "mfa-quick-manage", "Manage user settings"),
    )
}

/// The dialog a quick step opens, with its form.
fn confirm_dialog(
    action: Action,
    target: &UserView,
    state: &ListState,
    session: &Session,
    error: Option<&str>,
) -> String {
    let cancel_href = escape(&state.href(Some(&target.upn), None));
    let fields = format!(
        "{}{}{}{}{}",
        hidden("canary", session.canary.expose()),
        hidden("action", action.value()),
        hidden("upn", target.upn.as_str()),
        hidden("search", &state.search),
        hidden("view", state.view.value()),
    );
    let who = format!(
        "{} ({})",
        escape(&target.display_name),
        escape(target.upn.as_str())
    );
    let (title, text, confirm, cancel) = match action {
        Action::Enable => (
            "About enabling multi-factor auth",
            format!(
                r#"<p>You're about to enable multi-factor auth for {who}.</p>
<p>Users who are enabled for multi-factor auth will be asked to register additional security verification the next time they sign in through a browser. If your users do not regularly sign in through the browser, send them to aka.ms/MFASetup to register.</p>
<p>Until they register, non-browser apps (for example Outlook 2010 or a backup application) keep working with the account password. Once they have registered, non-browser apps need app passwords.</p>"#
            ),
            "enable multi-factor auth",
            "cancel",
        ),
        Action::Enforce => (
            "About enforcing multi-factor auth",
            format!(
                r#"<p>You're about to enforce multi-factor auth for {who}.</p>
<p>Every sign-in through a browser will require a second verification. Users who have not registered yet will be asked to register the next time they sign in.</p>
<p>Non-browser apps (for example Outlook 2010 or a backup application) will stop working with the account password: users must create app passwords and enter them in those apps.</p>"#
            ),
            "enforce multi-factor auth",
            "cancel",
        ),
        Action::Disable => (
            "Disable multi-factor authentication?",
            format!(
                r#"<p>Do you want to disable multi-factor auth for {who}?</p>
<p>The user will sign in with the account password only, and non-browser apps will accept the account password again.</p>"#
            ),
            "yes",
            "no",
        ),
        Action::Manage => (
            "Manage user settings",
            format!(
                r#"<p>Choose the settings to apply to {who}.</p>
<label for="mfa-require-contact-methods"><input type="checkbox" id="mfa-require-contact-methods" name="require_contact_methods" value="true"> Require selected users to provide contact methods again</label>
<label for="mfa-delete-app-passwords"><input type="checkbox" id="mfa-delete-app-passwords" name="delete_app_passwords" value="true"> Delete all existing app passwords generated by the selected users</label>
<label for="mfa-restore-devices"><input type="checkbox" id="mfa-restore-devices" name="restore_devices" value="true"> Restore multi-factor authentication on all remembered devices</label>"#
            ),
            "save",
            "cancel",
        ),
    };
    let error = error
        .map(|e| {
            format!(
                r#"<div class="alert" role="alert" id="mfa-dialog-error">{}</div>"#,
                escape(e)
            )
        })
        .unwrap_or_default();
    // The checkboxes must be inside the form, so the whole text is.
    format!(
        r#"<div class="overlay"><section class="dialog" id="mfa-dialog" role="dialog" aria-modal="true" aria-labelledby="mfa-dialog-title" aria-describedby="mfa-dialog-text">
<h2 id="mfa-dialog-title">{title}</h2>{error}
<form method="post" action="{MFA_PATH}">{fields}<div id="mfa-dialog-text">{text}</div>
<div class="buttons"><button class="button" id="mfa-dialog-confirm" type="submit">{confirm}</button><a class="button secondary" id="mfa-dialog-cancel" href="{cancel_href}">{cancel}</a></div>
</form></section></div>"#
    )
}

/// "Updates successful" with its close link back to the list.
fn success_dialog(message: &str, close_href: &str) -> String {
    format!(
        r#"<div class="overlay"><section class="dialog" id="mfa-dialog" role="dialog" aria-modal="true" aria-labelledby="mfa-dialog-title" aria-describedby="mfa-dialog-text">
<h2 id="mfa-dialog-title">Updates successful</h2>
<div id="mfa-dialog-text">{message}</div>
<div class="buttons"><a class="button" id="mfa-dialog-close" href="{href}">close</a></div>
</section></div>"#,
        href = escape(close_href)
    )
}

#[derive(Deserialize)]
struct UpdateForm {
    canary: Option<String>,
    action: Option<String>,
    upn: Option<String>,
    search: Option<String>,
    view: Option<String>,
    require_contact_methods: Option<String>,
    delete_app_passwords: Option<String>,
    restore_devices: Option<String>,
}

fn checked(v: &Option<String>) -> bool {
    v.as_deref()
        .is_some_and(|s| matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "on" | "1"))
}

async fn mfa_update(
    State(sim): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<UpdateForm>, FormRejection>,
) -> Response {
    let (session, admin) = match require_admin(&sim, &headers, MFA_PATH) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Form(form) = match form {
        Ok(f) => f,
        Err(e) => {
            return error_page(
                &admin,
                StatusCode::BAD_REQUEST,
                "The request could not be read",
                &format!(
                "The form could not be read ({}). Open the quick step again from the user list.",
                e.body_text()
            ),
            )
        }
    };
    // The anti-forgery check comes before anything else in the form is used.
    match form.canary.as_deref().filter(|c| !c.is_empty()) {
        None => {
            tracing::warn!(admin = %admin.upn, "admin update refused: no canary");
            return error_page(
                &admin,
                StatusCode::BAD_REQUEST,
                "The request could not be verified",
                "The form has no canary (the anti-forgery token of your session), so the change was not made. Reload the multi-factor authentication page and try again.",
            );
        }
        Some(c) if !session.canary.matches(c) => {
            tracing::warn!(admin = %admin.upn, "admin update refused: wrong canary");
            return error_page(
                &admin,
                StatusCode::BAD_REQUEST,
                "The request could not be verified",
                "The form's canary does not match your session (the page may be from an earlier sign-in), so the change was not made. Reload the multi-factor authentication page and try again.",
            );
        }
        Some(_) => {}
    }
    let Some(action) = form.action.as_deref().and_then(Action::parse) else {
        return error_page(
            &admin,
            StatusCode::BAD_REQUEST,
            "Unknown quick step",
            &format!(
                "The form's action '{}' is not a quick step: use enable, enforce, disable or manage.",
                form.action.as_deref().unwrap_or("")
            ),
        );
    };
    let raw_upn = form.upn.clone().unwrap_or_default();
    let Some(target) = Upn::parse(&raw_upn).ok().and_then(|u| sim.tenant.user(&u)) else {
        return error_page(
            &admin,
            StatusCode::NOT_FOUND,
            "User not found",
            &format!(
                "The user '{raw_upn}' was not found in this directory, so nothing was changed."
            ),
        );
    };
    let state = ListState {
        search: form.search.clone().unwrap_or_default().trim().to_string(),
        view: View::parse(form.view.as_deref().unwrap_or("")).unwrap_or(View::Any),
        selected: Some(target.upn.clone()),
    };
    let message = match action {
        Action::Enable | Action::Enforce | Action::Disable => {
            let wanted = match action {
                Action::Enable => MfaStatus::Enabled,
                Action::Enforce => MfaStatus::Enforced,
                _ => MfaStatus::Disabled,
            };
            let Some(set) = sim.tenant.set_mfa_status(&target.upn, wanted) else {
                return error_page(
                    &admin,
                    StatusCode::NOT_FOUND,
                    "User not found",
                    &format!("The user '{}' no longer exists.", target.upn),
                );
            };
            tracing::info!(admin = %admin.upn, upn = %target.upn, status = %set, "quick step applied");
            match (wanted, set) {
                (MfaStatus::Enabled, MfaStatus::Enforced) => {
                    "<p>Multi-factor auth is now enforced for the selected accounts: they had already registered a verification method, so enabling them enforces multi-factor auth.</p>".to_string()
                }
                (_, set) => format!(
                    "<p>Multi-factor auth is now {} for the selected accounts.</p>",
                    set.graph_name()
                ),
            }
        }
        Action::Manage => {
            let contact = checked(&form.require_contact_methods);
            let delete = checked(&form.delete_app_passwords);
            let restore = checked(&form.restore_devices);
            if !(contact || delete || restore) {
                let dialog = confirm_dialog(
                    Action::Manage,
                    &target,
                    &state,
                    &session,
                    Some("Select at least one setting to save."),
                );
                return (
                    StatusCode::BAD_REQUEST,
                    mfa_document(&sim, &admin, &state, Some(&target), &[], &dialog),
                )
                    .into_response();
            }
            if !sim
                .tenant
                .manage_user_settings(&target.upn, contact, delete)
            {
                return error_page(
                    &admin,
                    StatusCode::NOT_FOUND,
                    "User not found",
                    &format!("The user '{}' no longer exists.", target.upn),
                );
            }
            tracing::info!(admin = %admin.upn, upn = %target.upn, contact, delete, restore, "user settings managed");
            let mut items = String::new();
            if contact {
                items.push_str("<li>The selected users must provide contact methods again at their next sign-in.</li>");
            }
            if delete {
                items.push_str(
                    "<li>All existing app passwords of the selected users were deleted.</li>",
                );
            }
            if restore {
                sim.tenant.forget_remembered_devices(&target.upn);
                items.push_str("<li>Multi-factor authentication is required again on all remembered devices.</li>");
            }
            format!("<p>Your changes to the user settings were saved.</p><ul>{items}</ul>")
        }
    };
    let selected = sim.tenant.user(&target.upn);
    let dialog = success_dialog(&message, &state.href(Some(&target.upn), None));
    mfa_document(&sim, &admin, &state, selected.as_ref(), &[], &dialog)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_steps_offer_only_changes() {
        use MfaStatus::*;
        let offered = |s| {
            [Action::Enable, Action::Disable, Action::Enforce]
                .into_iter()
                .filter(|a| a.offered(s))
                .map(Action::value)
                .collect::<Vec<_>>()
        };
        assert_eq!(offered(Disabled), ["enable", "enforce"]);
        assert_eq!(offered(Enabled), ["disable", "enforce"]);
        assert_eq!(offered(Enforced), ["disable"]);
    }

    #[test]
    fn list_links_keep_search_and_view() {
        let state = ListState {
            search: "o365 sms".into(),
            view: View::Enabled,
            selected: None,
        };
        let upn = Upn::parse("o365.sms@contoso.com").unwrap();
        assert_eq!(
            state.href(Some(&upn), Some("enable")),
            format!("{MFA_PATH}?search=o365%20sms&view=enabled&selected=o365.sms%40contoso.com&dialog=enable")
        );
        assert!(View::parse("bogus")
            .unwrap_err()
            .contains("Any, Enabled or Enforced"));
        assert_eq!(View::parse("ENFORCED").unwrap(), View::Enforced);
    }
}
