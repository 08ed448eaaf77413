//! Where secrets live on Microsoft's pages, and how reports show them:
//! the one list of secret places ([`PLACES`]) that the saved page HTML
//! ([`html`]), the browser's screenshots (`drive::browser`) and the reads
//! of the steps (`steps::world::browse`) all mask by; and the one way a
//! URL is printed ([`url`]).
//!
//! Masking by place catches what the harness has not learned yet (an app
//! password shown before a step read it); the transcript's `Redactor`
//! masks the values it has learned on top, wherever they appear.

pub mod html;
pub mod url;

use docproof_contract::ids::{proof_up, register, sas, security_info};

/// A place on a page that holds a secret: a CSS selector, and the label
/// its content is replaced with (`[app password]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub css: &'static str,
    pub label: &'static str,
}

/// The attribute that marks any element as holding a secret
/// (`<span data-secret>…</span>`). Microsoft's pages carry no such
/// marker, so the places below are known by id and type first; the marker
/// is for pages docproof does not know (a live tenant's new page, a test
/// page) and for a page author who wants a value kept out of reports.
pub const MARKER: &str = "data-secret";

/// Every secret place, most specific first: an element matching several
/// gets the first one's label. Hidden inputs carry the sign-in flow's
/// tokens (flowToken, canary, ctx).
pub const PLACES: &[Place] = &[
    // Step 3 of "Additional security verification" (FAQ 3.1.4, 3.2.4).
    Place {
        css: proof_up::APP_PASSWORD.css,
        label: "app password",
    },
    // Today's Security info > App password, shown once.
    Place {
        css: security_info::APP_PASSWORD.css,
        label: "app password",
    },
    // "Enter code" of a registered user's sign-in (FAQ 3.1.5).
    Place {
        css: sas::idTxtBx_SAOTCC_OTC.css,
        label: "code",
    },
    // Step 2's verification code box (FAQ 3.1.4).
    Place {
        css: proof_up::CODE.css,
        label: "code",
    },
    // Today's "Keep your account secure" code box.
    Place {
        css: register::CODE.css,
        label: "code",
    },
    Place {
        css: "[autocomplete=one-time-code i]",
        label: "code",
    },
    Place {
        css: "input[type=password i]",
        label: "password",
    },
    Place {
        css: "input[type=hidden i]",
        label: "token",
    },
    Place {
        css: "[data-secret]",
        label: "secret",
    },
];

/// How a masked secret reads: `[app password]`.
pub fn mask(label: &str) -> String {
    format!("[{label}]")
}

/// The label of the secret place `selector` names, if it names one (a step
/// reading the app password off the page): what is read there is a secret.
pub fn label_of(selector: &str) -> Option<&'static str> {
    PLACES.iter().find(|p| p.css == selector).map(|p| p.label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_place_is_valid_css_and_the_marker_is_one_of_them() {
        for p in PLACES {
            assert!(
                scraper::Selector::parse(p.css).is_ok(),
                "{} is not valid CSS",
                p.css
            );
        }
        assert!(PLACES.iter().any(|p| p.css == format!("[{MARKER}]")));
    }

    #[test]
    fn reading_the_app_password_or_a_code_box_is_reading_a_secret() {
        assert_eq!(label_of("#tfa_app_password"), Some("app password"));
        assert_eq!(label_of(sas::idTxtBx_SAOTCC_OTC.css), Some("code"));
        assert_eq!(label_of(proof_up::TITLE.css), None);
        // Today's pages too.
        assert_eq!(
            label_of("#security-info-app-password"),
            Some("app password")
        );
        assert_eq!(label_of(register::CODE.css), Some("code"));
    }
}
