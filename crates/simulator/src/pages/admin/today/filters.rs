//! Per-user MFA's list filters: Search, Status (Any, Disabled, Enabled,
//! Enforced) and View (all users, or those whose sign-in is allowed or
//! blocked), read from a query or a posted form and kept through every
//! link and post.

use crate::pages::admin::link;
use crate::state::UserView;
use docproof_contract::domain::MfaStatus;
use docproof_contract::ids::{per_user_mfa, Field};
use docproof_contract::routes;

/// A filter's drop-down: its choices in order (the first is the default),
/// their query values and their labels.
pub(super) trait Choice: Copy + PartialEq + 'static {
    const ALL: &'static [Self];
    /// What the drop-down picks, for messages.
    const WHAT: &'static str;
    fn value(self) -> &'static str;
    fn label(self) -> &'static str;

    /// A query's value or label, in any case; empty is the default.
    fn parse(raw: &str) -> Result<Self, String> {
        let wanted = raw.trim();
        if wanted.is_empty() {
            return Ok(Self::ALL[0]);
        }
        Self::ALL
            .iter()
            .copied()
            .find(|c| {
                c.value().eq_ignore_ascii_case(wanted) || c.label().eq_ignore_ascii_case(wanted)
            })
            .ok_or_else(|| {
                let labels: Vec<&str> = Self::ALL.iter().map(|c| c.label()).collect();
                let (last, rest) = labels.split_last().expect("choices are never empty");
                format!(
                    "'{raw}' is not a {}: choose {} or {last}.",
                    Self::WHAT,
                    rest.join(", ")
                )
            })
    }
}

/// The Status filter.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum StatusFilter {
    Any,
    Only(MfaStatus),
}

impl Choice for StatusFilter {
    const ALL: &'static [Self] = &[
        StatusFilter::Any,
        StatusFilter::Only(MfaStatus::Disabled),
        StatusFilter::Only(MfaStatus::Enabled),
        StatusFilter::Only(MfaStatus::Enforced),
    ];
    const WHAT: &'static str = "per-user MFA status";
    fn value(self) -> &'static str {
        match self {
            StatusFilter::Any => "any",
            StatusFilter::Only(s) => s.graph_name(),
        }
    }
    fn label(self) -> &'static str {
        match self {
            StatusFilter::Any => "Any",
            StatusFilter::Only(MfaStatus::Disabled) => "Disabled",
            StatusFilter::Only(MfaStatus::Enabled) => "Enabled",
            StatusFilter::Only(MfaStatus::Enforced) => "Enforced",
        }
    }
}

/// The View filter: whether the users may sign in. The simulator's only
/// blocked sign-ins are the ones a fraud alert blocks.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum SignInView {
    All,
    Allowed,
    Blocked,
}

impl Choice for SignInView {
    const ALL: &'static [Self] = &[SignInView::All, SignInView::Allowed, SignInView::Blocked];
    const WHAT: &'static str = "view";
    fn value(self) -> &'static str {
        match self {
            SignInView::All => "all",
            SignInView::Allowed => "allowed",
            SignInView::Blocked => "blocked",
        }
    }
    fn label(self) -> &'static str {
        match self {
            SignInView::All => "All users",
            SignInView::Allowed => "Sign-in allowed users",
            SignInView::Blocked => "Sign-in blocked users",
        }
    }
}

/// What the list shows, kept through every link and post.
#[derive(Clone, Debug)]
pub(super) struct Filters {
    pub(super) search: String,
    pub(super) status: StatusFilter,
    pub(super) view: SignInView,
}

impl Filters {
    /// The filters in a query or form (`get` looks a field up), and what
    /// was wrong with them; a bad filter falls back to its default.
    pub(super) fn read<'a>(get: impl Fn(Field) -> Option<&'a str>) -> (Filters, Vec<String>) {
        fn choose<C: Choice>(raw: Option<&str>, errors: &mut Vec<String>) -> C {
            C::parse(raw.unwrap_or("")).unwrap_or_else(|e| {
                errors.push(e);
                C::ALL[0]
            })
        }
        let mut errors = Vec::new();
        let filters = Filters {
            search: get(per_user_mfa::SEARCH_FIELD)
                .unwrap_or("")
                .trim()
                .to_string(),
            status: choose(get(per_user_mfa::STATUS_FIELD), &mut errors),
            view: choose(get(per_user_mfa::VIEW_FIELD), &mut errors),
        };
        (filters, errors)
    }
    /// The list with these filters.
    pub(super) fn href(&self) -> String {
        let mut pairs = Vec::new();
        if !self.search.is_empty() {
            pairs.push((per_user_mfa::SEARCH_FIELD, self.search.as_str()));
        }
        if self.status != StatusFilter::Any {
            pairs.push((per_user_mfa::STATUS_FIELD, self.status.value()));
        }
        if self.view != SignInView::All {
            pairs.push((per_user_mfa::VIEW_FIELD, self.view.value()));
        }
        link(routes::PER_USER_MFA, &pairs)
    }
    pub(super) fn matches(&self, user: &UserView) -> bool {
        let needle = self.search.to_lowercase();
        let found = needle.is_empty()
            || user.display_name.to_lowercase().contains(&needle)
            || user.upn.as_str().contains(&needle);
        let status = match self.status {
            StatusFilter::Any => true,
            StatusFilter::Only(s) => user.admin_view.status == s,
        };
        let view = match self.view {
            SignInView::All => true,
            SignInView::Allowed => !user.blocked,
            SignInView::Blocked => user.blocked,
        };
        found && status && view
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_values_and_labels_and_name_bad_ones() {
        assert_eq!(StatusFilter::parse("").unwrap(), StatusFilter::Any);
        assert_eq!(
            StatusFilter::parse(" ENFORCED ").unwrap(),
            StatusFilter::Only(MfaStatus::Enforced)
        );
        assert_eq!(
            SignInView::parse("Sign-in blocked users").unwrap(),
            SignInView::Blocked
        );
        assert_eq!(
            StatusFilter::parse("sometimes").unwrap_err(),
            "'sometimes' is not a per-user MFA status: choose Any, Disabled, Enabled or Enforced."
        );
        assert!(SignInView::parse("x")
            .unwrap_err()
            .contains("choose All users, Sign-in allowed users or Sign-in blocked users"));
    }

    #[test]
    fn list_links_keep_only_the_filters_that_narrow() {
        let filters = Filters {
            search: "o365 sms".into(),
            status: StatusFilter::Only(MfaStatus::Enabled),
            view: SignInView::All,
        };
        assert_eq!(
            filters.href(),
            format!("{}?search=o365+sms&status=enabled", routes::PER_USER_MFA)
        );
        let (read, errors) = Filters::read(|f| (f == per_user_mfa::VIEW_FIELD).then_some("bogus"));
        assert_eq!(read.view, SignInView::All);
        assert_eq!(errors.len(), 1);
    }
}
