//! "Per-user multifactor authentication": the users list with its Search,
//! Status and View filters, the users' Per-user MFA status, and the
//! commands on the ticked users: Enable, Disable and Enforce MFA (each
//! confirmed in a dialog), and User MFA settings for one user.

use super::filters::{Choice, Filters, SignInView, StatusFilter};
use super::{admin_post, checked, error_page, Posted};
use crate::html;
use crate::pages::admin::{require_admin, Params};
use crate::server::AppState;
use crate::state::{Session, UserView};
use askama::Template;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Form;
use docproof_contract::domain::{MfaStatus, Upn};
use docproof_contract::ids::{admin_center, per_user_mfa, Id};
use docproof_contract::routes;

/// A command applies to at most this many users at a time; more is refused
/// rather than half done.
const MAX_BATCH: usize = 50;

// --------------------------------------------------------------- commands

/// A command of the command bar, as its button posts it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Action {
    Enable,
    Disable,
    Enforce,
    Settings,
}

impl Action {
    /// In the command bar's order.
    const ALL: [Action; 4] = [
        Action::Enable,
        Action::Disable,
        Action::Enforce,
        Action::Settings,
    ];

    fn parse(raw: &str) -> Result<Action, String> {
        Action::ALL
            .into_iter()
            .find(|a| a.value().eq_ignore_ascii_case(raw.trim()))
            .ok_or_else(|| {
                format!("'{raw}' is not a per-user MFA command: use enable, disable, enforce or settings.")
            })
    }
    fn value(self) -> &'static str {
        match self {
            Action::Enable => "enable",
            Action::Disable => "disable",
            Action::Enforce => "enforce",
            Action::Settings => "settings",
        }
    }
    fn id(self) -> Id {
        match self {
            Action::Enable => per_user_mfa::ENABLE,
            Action::Disable => per_user_mfa::DISABLE,
            Action::Enforce => per_user_mfa::ENFORCE,
            Action::Settings => per_user_mfa::USER_SETTINGS,
        }
    }
    /// The command bar's button.
    fn command(self) -> &'static str {
        match self {
            Action::Enable => "Enable MFA",
            Action::Disable => "Disable MFA",
            Action::Enforce => "Enforce MFA",
            Action::Settings => "User MFA settings",
        }
    }
    /// The dialog's title and confirm button.
    fn title(self) -> &'static str {
        match self {
            Action::Enable => "Enable multifactor authentication",
            Action::Disable => "Disable multifactor authentication",
            Action::Enforce => "Enforce multifactor authentication",
            Action::Settings => "User MFA settings",
        }
    }
    fn confirm(self) -> &'static str {
        match self {
            Action::Enable => "Enable",
            Action::Disable => "Disable",
            Action::Enforce => "Enforce",
            Action::Settings => "Save",
        }
    }
    /// The status Enable, Disable and Enforce set.
    fn status(self) -> Option<MfaStatus> {
        match self {
            Action::Enable => Some(MfaStatus::Enabled),
            Action::Disable => Some(MfaStatus::Disabled),
            Action::Enforce => Some(MfaStatus::Enforced),
            Action::Settings => None,
        }
    }
}

// ------------------------------------------------------------------- page

/// A row of the users table.
struct Row {
    user: UserView,
    selected: bool,
    /// The row checkbox's id, for its label.
    check_id: String,
}

/// A command's dialog over the list.
struct Dialog<'a> {
    action: Action,
    users: &'a [UserView],
    error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "admin/today/per_user_mfa.html")]
struct PerUserMfa<'a> {
    title: &'a str,
    me: &'a UserView,
    canary: &'a str,
    filters: &'a Filters,
    statuses: &'static [StatusFilter],
    views: &'static [SignInView],
    actions: [Action; 4],
    rows: Vec<Row>,
    alerts: Vec<String>,
    notice: Option<String>,
    dialog: Option<Dialog<'a>>,
    /// A dialog's Cancel: back to the list.
    cancel: String,
}

/// Who is looking at which list: what every rendering of the page needs.
struct Screen<'a> {
    sim: &'a AppState,
    me: &'a UserView,
    session: &'a Session,
    filters: &'a Filters,
}

impl Screen<'_> {
    /// The page with `selected` ticked, problems in `alerts`, a change's
    /// `notice` and an open `dialog`, answered with `status`.
    fn render(
        &self,
        status: StatusCode,
        selected: &[UserView],
        alerts: Vec<String>,
        notice: Option<String>,
        dialog: Option<Dialog<'_>>,
    ) -> Response {
        let rows = self
            .sim
            .tenant
            .users()
            .into_iter()
            .filter(|u| self.filters.matches(u))
            .enumerate()
            .map(|(i, user)| Row {
                selected: selected.iter().any(|s| s.upn == user.upn),
                check_id: format!("{}-{i}", per_user_mfa::ROW_CHECK),
                user,
            })
            .collect();
        let page = PerUserMfa {
            title: "Per-user multifactor authentication - Microsoft Entra admin center",
            me: self.me,
            canary: self.session.canary.expose(),
            filters: self.filters,
            statuses: StatusFilter::ALL,
            views: SignInView::ALL,
            actions: Action::ALL,
            rows,
            alerts,
            notice,
            dialog,
            cancel: self.filters.href(),
        };
        (status, html::render(&page)).into_response()
    }
    /// The list with one problem to report.
    fn refuse(&self, status: StatusCode, selected: &[UserView], message: String) -> Response {
        self.render(status, selected, vec![message], None, None)
    }
}

pub(super) async fn page(
    State(sim): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    query: Result<Query<Params>, QueryRejection>,
) -> Response {
    let (session, me) = match require_admin(&sim, &headers, &uri) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Ok(Query(query)) = query else {
        return error_page(
            &me,
            StatusCode::BAD_REQUEST,
            "The address could not be read",
            "The query string could not be read. Use search=, status= and view=.",
        );
    };
    let (filters, alerts) = Filters::read(|f| query.get(f));
    let status = if alerts.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let screen = Screen {
        sim: &sim,
        me: &me,
        session: &session,
        filters: &filters,
    };
    screen.render(status, &[], alerts, None, None)
}

/// The ticked users, each once, in the order posted: the users, or the
/// problem (status and message) with the selection.
fn selection(sim: &AppState, form: &Posted) -> Result<Vec<UserView>, (StatusCode, String)> {
    let mut upns: Vec<&str> = Vec::new();
    for raw in form.all(per_user_mfa::UPN_FIELD).map(str::trim) {
        if !raw.is_empty() && !upns.iter().any(|u| u.eq_ignore_ascii_case(raw)) {
            upns.push(raw);
        }
    }
    if upns.is_empty() {
        return Err((StatusCode::BAD_REQUEST, "Select at least one user.".into()));
    }
    if upns.len() > MAX_BATCH {
        return Err((
            StatusCode::BAD_REQUEST,
            format!(
                "{} users are selected, but per-user MFA changes apply to at most {MAX_BATCH} users at a time. Select fewer users and try again.",
                upns.len()
            ),
        ));
    }
    upns.into_iter()
        .map(|raw| {
            Upn::parse(raw)
                .ok()
                .and_then(|u| sim.tenant.user(&u))
                .ok_or_else(|| {
                    (
                        StatusCode::NOT_FOUND,
                        format!("The user '{raw}' was not found in this directory, so nothing was changed."),
                    )
                })
        })
        .collect()
}

pub(super) async fn update(
    State(sim): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    form: Result<Form<Posted>, FormRejection>,
) -> Response {
    let (session, me, form) = match admin_post(
        &sim,
        &headers,
        &uri,
        form,
        "Per-user multifactor authentication",
    ) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (filters, errors) = Filters::read(|f| form.get(f));
    let screen = Screen {
        sim: &sim,
        me: &me,
        session: &session,
        filters: &filters,
    };
    if !errors.is_empty() {
        return screen.render(StatusCode::BAD_REQUEST, &[], errors, None, None);
    }
    let action = match Action::parse(form.get(per_user_mfa::ACTION_FIELD).unwrap_or("")) {
        Ok(a) => a,
        Err(message) => return screen.refuse(StatusCode::BAD_REQUEST, &[], message),
    };
    let users = match selection(&sim, &form) {
        Ok(users) => users,
        Err((status, message)) => return screen.refuse(status, &[], message),
    };
    if action == Action::Settings && users.len() > 1 {
        return screen.refuse(
            StatusCode::BAD_REQUEST,
            &users,
            format!(
                "User MFA settings apply to one user at a time, and {} users are selected. Select exactly one user.",
                users.len()
            ),
        );
    }
    // The command bar's buttons open the dialog; the dialog's form confirms.
    let confirmed = match form.get(per_user_mfa::CONFIRM_FIELD).map(str::trim) {
        None | Some("") => false,
        Some(c) if checked(Some(c)) => true,
        Some(other) => {
            return screen.refuse(
                StatusCode::BAD_REQUEST,
                &users,
                format!("'{other}' is not a confirmation: the dialog's form sends confirm=true."),
            )
        }
    };
    if !confirmed {
        let dialog = Dialog {
            action,
            users: &users,
            error: None,
        };
        return screen.render(StatusCode::OK, &users, vec![], None, Some(dialog));
    }
    match action.status() {
        Some(wanted) => set_status(&screen, &users, wanted),
        None => manage_settings(&screen, &form, &users[0]),
    }
}

/// Enable, Disable or Enforce MFA, confirmed: the new status for every
/// selected user, then the list with the outcome.
fn set_status(screen: &Screen<'_>, users: &[UserView], wanted: MfaStatus) -> Response {
    let tenant = &screen.sim.tenant;
    let mut registered = Vec::new();
    for user in users {
        let Some(set) = tenant.set_mfa_status(&user.upn, wanted) else {
            let message = format!("The user '{}' no longer exists.", user.upn);
            return screen.refuse(StatusCode::NOT_FOUND, &[], message);
        };
        tracing::info!(admin = %screen.me.upn, upn = %user.upn, status = %set, "per-user MFA status set");
        // Enabling a user who has registered enforces MFA for them.
        if set != wanted {
            registered.push(user.display_name.as_str());
        }
    }
    let mut notice = format!(
        "Per-user MFA status updated for {} {}.",
        users.len(),
        if users.len() == 1 { "user" } else { "users" }
    );
    if !registered.is_empty() {
        notice.push_str(&format!(
            " Already registered for MFA, so now Enforced: {}.",
            registered.join(", ")
        ));
    }
    screen.render(StatusCode::OK, &[], vec![], Some(notice), None)
}

/// User MFA settings, saved for one user.
fn manage_settings(screen: &Screen<'_>, form: &Posted, user: &UserView) -> Response {
    let require = checked(form.get(per_user_mfa::REQUIRE_CONTACT_METHODS_FIELD));
    let delete = checked(form.get(per_user_mfa::DELETE_APP_PASSWORDS_FIELD));
    let restore = checked(form.get(per_user_mfa::RESTORE_DEVICES_FIELD));
    let users = std::slice::from_ref(user);
    if !(require || delete || restore) {
        let dialog = Dialog {
            action: Action::Settings,
            users,
            error: Some("Select at least one setting to save."),
        };
        return screen.render(StatusCode::BAD_REQUEST, users, vec![], None, Some(dialog));
    }
    let tenant = &screen.sim.tenant;
    if !tenant.manage_user_settings(&user.upn, require, delete) {
        let message = format!("The user '{}' no longer exists.", user.upn);
        return screen.refuse(StatusCode::NOT_FOUND, &[], message);
    }
    if restore {
        tenant.forget_remembered_devices(&user.upn);
    }
    tracing::info!(admin = %screen.me.upn, upn = %user.upn, require, delete, restore, "user MFA settings saved");
    let done: Vec<&str> = [
        (require, "contact methods are required again"),
        (delete, "existing app passwords were deleted"),
        (restore, "remembered devices ask for MFA again"),
    ]
    .into_iter()
    .filter_map(|(on, what)| on.then_some(what))
    .collect();
    let notice = format!(
        "User MFA settings saved for {}: {}.",
        user.display_name,
        done.join(", ")
    );
    screen.render(StatusCode::OK, &[], vec![], Some(notice), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_read_back_and_only_settings_sets_no_status() {
        for a in Action::ALL {
            assert_eq!(Action::parse(a.value()), Ok(a));
            assert_eq!(a.status().is_none(), a == Action::Settings);
        }
        assert!(Action::parse("promote").unwrap_err().contains("'promote'"));
    }
}
