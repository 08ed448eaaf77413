//! The legacy per-user "multi-factor authentication" page (FAQ 2.3–2.5):
//! the users tab with its search and view filter, the users table with
//! MULTI-FACTOR AUTH STATUS, the selected user's quick steps, and the
//! dialogs they open. Links carry the search, view and selection; a quick
//! step's dialog posts its form with the session's canary.

use super::{error_page, link, require_admin, Params};
use crate::html;
use crate::server::AppState;
use crate::state::{Session, UserView};
use askama::Template;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Form;
use docproof_contract::domain::{MfaStatus, Upn};
use docproof_contract::ids::{admin_center, mfa_page, portal, Id};
use docproof_contract::routes;

/// The view filter ("View:").
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum View {
    /// Every user, Disabled included.
    Any,
    Enabled,
    Enforced,
}

impl View {
    const ALL: [View; 3] = [View::Any, View::Enabled, View::Enforced];

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
    fn href(&self, selected: Option<&Upn>, dialog: Option<Action>) -> String {
        let mut pairs = Vec::new();
        if !self.search.is_empty() {
            pairs.push((mfa_page::SEARCH_FIELD, self.search.as_str()));
        }
        if self.view != View::Any {
            pairs.push((mfa_page::VIEW_FIELD, self.view.value()));
        }
        if let Some(upn) = selected {
            pairs.push((mfa_page::SELECTED_FIELD, upn.as_str()));
        }
        if let Some(action) = dialog {
            pairs.push((mfa_page::DIALOG_FIELD, action.value()));
        }
        link(routes::MFA_PAGE, &pairs)
    }
    fn matches(&self, user: &UserView) -> bool {
        let needle = self.search.trim().to_lowercase();
        let found = needle.is_empty()
            || user.display_name.to_lowercase().contains(&needle)
            || user.upn.as_str().contains(&needle);
        found && self.view.shows(user.admin_view.status)
    }
}

/// A quick step, as named in the dialog's form.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Action {
    Enable,
    Disable,
    Enforce,
    Manage,
}

impl Action {
    /// In the order the quick steps show.
    const ALL: [Action; 4] = [
        Action::Enable,
        Action::Disable,
        Action::Enforce,
        Action::Manage,
    ];

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
    /// The quick step's link.
    fn id(self) -> Id {
        match self {
            Action::Enable => mfa_page::ENABLE,
            Action::Disable => mfa_page::DISABLE,
            Action::Enforce => mfa_page::ENFORCE,
            Action::Manage => mfa_page::MANAGE,
        }
    }
    fn label(self) -> &'static str {
        match self {
            Action::Enable => "Enable",
            Action::Disable => "Disable",
            Action::Enforce => "Enforce",
            Action::Manage => "Manage user settings",
        }
    }
    /// The dialog's title, confirm and cancel buttons.
    fn title(self) -> &'static str {
        match self {
            Action::Enable => "About enabling multi-factor auth",
            Action::Enforce => "About enforcing multi-factor auth",
            Action::Disable => "Disable multi-factor authentication?",
            Action::Manage => "Manage user settings",
        }
    }
    fn confirm(self) -> &'static str {
        match self {
            Action::Enable => "enable multi-factor auth",
            Action::Enforce => "enforce multi-factor auth",
            Action::Disable => "yes",
            Action::Manage => "save",
        }
    }
    fn cancel(self) -> &'static str {
        match self {
            Action::Disable => "no",
            _ => "cancel",
        }
    }
}

/// A row of the users table; every link in it selects the user (or, if
/// selected, clears the selection).
struct Row {
    user: UserView,
    selected: bool,
    href: String,
}

/// A quick step offered for the selected user: its link opens the dialog.
struct QuickStep {
    id: Id,
    label: &'static str,
    href: String,
}

/// The dialog over the page, if any.
enum Dialog<'a> {
    None,
    /// A quick step's "About …" dialog with its form.
    Confirm {
        action: Action,
        target: &'a UserView,
        /// Back to the list, the user still selected.
        cancel: String,
        error: Option<&'a str>,
    },
    /// "Updates successful".
    Done {
        outcome: Outcome,
        close: String,
    },
}

impl Dialog<'_> {
    /// Whether a dialog shows, the page behind it inert.
    fn is_open(&self) -> bool {
        !matches!(self, Dialog::None)
    }
}

/// What a quick step did.
enum Outcome {
    /// The status is now this.
    Status(MfaStatus),
    /// Enable was asked for a user who had registered: now Enforced.
    EnabledGaveEnforced,
    Managed {
        contact: bool,
        delete: bool,
        restore: bool,
    },
}

/// The users tab: filter, table, side panel with quick steps, and a dialog.
#[derive(Template)]
#[template(path = "admin/mfa.html")]
struct MfaPage<'a> {
    title: &'a str,
    me: &'a UserView,
    canary: &'a str,
    state: &'a ListState,
    views: [View; 3],
    rows: Vec<Row>,
    alerts: Vec<String>,
    selected: Option<&'a UserView>,
    quick_steps: Vec<QuickStep>,
    dialog: Dialog<'a>,
}

fn document(
    sim: &AppState,
    me: &UserView,
    session: &Session,
    state: &ListState,
    selected: Option<&UserView>,
    alerts: Vec<String>,
    dialog: Dialog<'_>,
) -> Response {
    let rows = sim
        .tenant
        .users()
        .into_iter()
        .filter(|u| state.matches(u))
        .map(|user| {
            let selected = state.selected.as_ref() == Some(&user.upn);
            // Clicking the selected user again clears the selection.
            let href = state.href((!selected).then_some(&user.upn), None);
            Row {
                user,
                selected,
                href,
            }
        })
        .collect();
    let quick_steps = selected
        .map(|u| {
            Action::ALL
                .into_iter()
                .filter(|a| a.offered(u.admin_view.status))
                .map(|a| QuickStep {
                    id: a.id(),
                    label: a.label(),
                    href: state.href(Some(&u.upn), Some(a)),
                })
                .collect()
        })
        .unwrap_or_default();
    html::render(&MfaPage {
        title: "multi-factor authentication",
        me,
        canary: session.canary.expose(),
        state,
        views: View::ALL,
        rows,
        alerts,
        selected,
        quick_steps,
        dialog,
    })
}

/// Problems the page reports at the top of the list, with the status to answer.
struct PageError {
    status: StatusCode,
    message: String,
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
    let query = match query {
        Ok(Query(q)) => q,
        Err(e) => {
            return error_page(
                &me,
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
    let view = match View::parse(query.get(mfa_page::VIEW_FIELD).unwrap_or("")) {
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
        search: query
            .get(mfa_page::SEARCH_FIELD)
            .unwrap_or("")
            .trim()
            .to_string(),
        view,
        selected: None,
    };
    let mut selected = None;
    if let Some(raw) = query
        .get(mfa_page::SELECTED_FIELD)
        .filter(|s| !s.trim().is_empty())
    {
        match Upn::parse(raw).ok().and_then(|u| sim.tenant.user(&u)) {
            Some(u) => {
                state.selected = Some(u.upn.clone());
                selected = Some(u);
            }
            None => errors.push(PageError {
                status: StatusCode::NOT_FOUND,
                message: format!(
                    "The user '{raw}' was not found in this directory. Search for the account and select it in the list."
                ),
            }),
        }
    }
    let mut action = None;
    if let Some(raw) = query
        .get(mfa_page::DIALOG_FIELD)
        .filter(|s| !s.trim().is_empty())
    {
        match (Action::parse(raw), &selected) {
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
            (Some(a), Some(_)) => action = Some(a),
        }
    }
    let dialog = match (action, &selected) {
        (Some(action), Some(target)) => Dialog::Confirm {
            action,
            target,
            cancel: state.href(Some(&target.upn), None),
            error: None,
        },
        _ => Dialog::None,
    };
    let status = errors
        .iter()
        .map(|e| e.status)
        .max_by_key(|s| s.as_u16())
        .unwrap_or(StatusCode::OK);
    let alerts = errors.into_iter().map(|e| e.message).collect();
    let page = document(
        &sim,
        &me,
        &session,
        &state,
        selected.as_ref(),
        alerts,
        dialog,
    );
    (status, page).into_response()
}

fn checked(v: Option<&str>) -> bool {
    v.is_some_and(|s| matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "on" | "1"))
}

pub(super) async fn update(
    State(sim): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    form: Result<Form<Params>, FormRejection>,
) -> Response {
    let (session, me) = match require_admin(&sim, &headers, &uri) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Form(form) = match form {
        Ok(f) => f,
        Err(e) => {
            return error_page(
                &me,
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
    match form.get(mfa_page::CANARY_FIELD).filter(|c| !c.is_empty()) {
        None => {
            tracing::warn!(admin = %me.upn, "admin update refused: no canary");
            return error_page(
                &me,
                StatusCode::BAD_REQUEST,
                "The request could not be verified",
                "The form has no canary (the anti-forgery token of your session), so the change was not made. Reload the multi-factor authentication page and try again.",
            );
        }
        Some(c) if !session.canary.matches(c) => {
            tracing::warn!(admin = %me.upn, "admin update refused: wrong canary");
            return error_page(
                &me,
                StatusCode::BAD_REQUEST,
                "The request could not be verified",
                "The form's canary does not match your session (the page may be from an earlier sign-in), so the change was not made. Reload the multi-factor authentication page and try again.",
            );
        }
        Some(_) => {}
    }
    let raw_action = form.get(mfa_page::ACTION_FIELD).unwrap_or("");
    let Some(action) = Action::parse(raw_action) else {
        return error_page(
            &me,
            StatusCode::BAD_REQUEST,
            "Unknown quick step",
            &format!(
                "The form's action '{raw_action}' is not a quick step: use enable, enforce, disable or manage."
            ),
        );
    };
    let raw_upn = form.get(mfa_page::UPN_FIELD).unwrap_or("");
    let Some(target) = Upn::parse(raw_upn).ok().and_then(|u| sim.tenant.user(&u)) else {
        return error_page(
            &me,
            StatusCode::NOT_FOUND,
            "User not found",
            &format!(
                "The user '{raw_upn}' was not found in this directory, so nothing was changed."
            ),
        );
    };
    let gone = || {
        error_page(
            &me,
            StatusCode::NOT_FOUND,
            "User not found",
            &format!("The user '{}' no longer exists.", target.upn),
        )
    };
    let state = ListState {
        search: form
            .get(mfa_page::SEARCH_FIELD)
            .unwrap_or("")
            .trim()
            .to_string(),
        view: View::parse(form.get(mfa_page::VIEW_FIELD).unwrap_or("")).unwrap_or(View::Any),
        selected: Some(target.upn.clone()),
    };
    let outcome = match action {
        Action::Enable | Action::Enforce | Action::Disable => {
            let wanted = match action {
                Action::Enable => MfaStatus::Enabled,
                Action::Enforce => MfaStatus::Enforced,
                _ => MfaStatus::Disabled,
            };
            let Some(set) = sim.tenant.set_mfa_status(&target.upn, wanted) else {
                return gone();
            };
            tracing::info!(admin = %me.upn, upn = %target.upn, status = %set, "quick step applied");
            match (wanted, set) {
                (MfaStatus::Enabled, MfaStatus::Enforced) => Outcome::EnabledGaveEnforced,
                (_, set) => Outcome::Status(set),
            }
        }
        Action::Manage => {
            let contact = checked(form.get(mfa_page::REQUIRE_CONTACT_METHODS_FIELD));
            let delete = checked(form.get(mfa_page::DELETE_APP_PASSWORDS_FIELD));
            let restore = checked(form.get(mfa_page::RESTORE_DEVICES_FIELD));
            if !(contact || delete || restore) {
                let dialog = Dialog::Confirm {
                    action,
                    target: &target,
                    cancel: state.href(Some(&target.upn), None),
                    error: Some("Select at least one setting to save."),
                };
                let page = document(&sim, &me, &session, &state, Some(&target), vec![], dialog);
                return (StatusCode::BAD_REQUEST, page).into_response();
            }
            if !sim
                .tenant
                .manage_user_settings(&target.upn, contact, delete)
            {
                return gone();
            }
            if restore {
                sim.tenant.forget_remembered_devices(&target.upn);
            }
            tracing::info!(admin = %me.upn, upn = %target.upn, contact, delete, restore, "user settings managed");
            Outcome::Managed {
                contact,
                delete,
                restore,
            }
        }
    };
    let selected = sim.tenant.user(&target.upn);
    let dialog = Dialog::Done {
        outcome,
        close: state.href(Some(&target.upn), None),
    };
    document(
        &sim,
        &me,
        &session,
        &state,
        selected.as_ref(),
        vec![],
        dialog,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_steps_offer_only_changes() {
        use MfaStatus::*;
        let offered = |s| {
            Action::ALL
                .into_iter()
                .filter(|a| *a != Action::Manage && a.offered(s))
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
            state.href(Some(&upn), Some(Action::Enable)),
            format!(
                "{}?search=o365+sms&view=enabled&selected=o365.sms%40contoso.com&dialog=enable",
                routes::MFA_PAGE
            )
        );
        assert!(View::parse("bogus")
            .unwrap_err()
            .contains("Any, Enabled or Enforced"));
        assert_eq!(View::parse("ENFORCED").unwrap(), View::Enforced);
    }
}
