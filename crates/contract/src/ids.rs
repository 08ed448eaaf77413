//! Element ids and form field names of Microsoft's pages: one constant each,
//! the one place both the simulator's templates and the harness's page
//! objects take them from.
//!
//! Where Microsoft's own id is known (the converged sign-in UI, the second
//! factor pages, the app launcher), the constant is that id, spelled as
//! Microsoft spells it. Where no public source shows Microsoft's id (the
//! legacy proof-up page, the admin center, the per-user MFA page), the id is
//! the simulator's choice, named in upper case so the difference shows.
#![allow(non_upper_case_globals)]

use std::fmt;

/// An element id: `name` goes into `id="…"`, `css` finds it (`#name`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Id {
    pub name: &'static str,
    pub css: &'static str,
}

/// A form field's name: `name` goes into `name="…"`, `css` finds the field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub css: &'static str,
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// `ids! { idSIButton9, MFA_HEADING = "mfa-heading" }`: a bare name is
/// Microsoft's own id; `NAME = "…"` is ours.
macro_rules! ids {
    ($( $(#[$doc:meta])* $konst:ident $(= $id:literal)? ),* $(,)?) => {
        $( ids!(@one $(#[$doc])* $konst $(= $id)?); )*
    };
    (@one $(#[$doc:meta])* $konst:ident = $id:literal) => {
        $(#[$doc])*
        pub const $konst: $crate::ids::Id = $crate::ids::Id { name: $id, css: concat!("#", $id) };
    };
    (@one $(#[$doc:meta])* $konst:ident) => {
        $(#[$doc])*
        pub const $konst: $crate::ids::Id =
            $crate::ids::Id { name: stringify!($konst), css: concat!("#", stringify!($konst)) };
    };
}

/// `fields! { loginfmt, PHONE = "phone" }`, as [`ids!`] for `name="…"`.
macro_rules! fields {
    ($( $(#[$doc:meta])* $konst:ident $(= $name:literal)? ),* $(,)?) => {
        $( fields!(@one $(#[$doc])* $konst $(= $name)?); )*
    };
    (@one $(#[$doc:meta])* $konst:ident = $name:literal) => {
        $(#[$doc])*
        pub const $konst: $crate::ids::Field =
            $crate::ids::Field { name: $name, css: concat!("[name=", $name, "]") };
    };
    (@one $(#[$doc:meta])* $konst:ident) => {
        $(#[$doc])*
        pub const $konst: $crate::ids::Field = $crate::ids::Field {
            name: stringify!($konst),
            css: concat!("[name=", stringify!($konst), "]"),
        };
    };
}

/// The converged sign-in page: user name, password, "Stay signed in?", the
/// registration interrupt and the error page (login.microsoftonline.com).
pub mod sign_in {
    ids! {
        /// "Sign in" / "Enter password" heading.
        loginHeader,
        /// The user name box.
        i0116,
        /// The password box.
        i0118,
        /// The user name and password pages' form.
        i0281,
        /// Who is signing in, above the password page's heading.
        displayName,
        /// "Next", "Sign in" and "Yes" are all this one button.
        idSIButton9,
        /// "No" on "Stay signed in?".
        idBtn_Back,
        usernameError,
        passwordError,
        /// "Stay signed in?" text.
        KmsiDescription,
        KmsiCheckboxField,
        /// "More information required" (the proof-up interrupt).
        idDiv_ProofUp_Title,
        idDiv_ProofUp_Description,
        idSubmit_ProofUp_Redirect,
        /// Today's interrupt: "Use a different account".
        cancelLink,
        /// Today's interrupt: "Learn more about verifying your identity".
        moreInfoLink,
        /// "Sign in with another account" / start over.
        idA_StartOver,
        idDiv_Error_Title,
        idDiv_Error_Description,
        idDiv_Error_Details,
    }
    fields! {
        loginfmt,
        passwd,
        /// "Don't show this again" on "Stay signed in?".
        DontShowAgain,
        /// The sign-in pages' form (`<form name="f1">`).
        f1,
        /// The token every form of a sign-in flow echoes.
        flowToken,
        /// A copy of the flow token (Microsoft's anti-forgery field).
        canary,
        /// Which button answered "Stay signed in?" (`Yes` or `No`).
        CHOICE = "choice",
    }
}

/// The second factor of a registered user's sign-in (SAS): "Enter code"
/// (SAOTCC), "Approve / answer the call" (SAOTCAS), time-out (SAASTO) and
/// "We couldn't send" (SAASDS).
pub mod sas {
    ids! {
        idDiv_SAOTCC_Title,
        /// "We texted your phone +X XXXXXXXX01. Please enter the code to sign in."
        idDiv_SAOTCC_Description,
        idTxtBx_SAOTCC_OTC,
        idSubmit_SAOTCC_Continue,
        idSpan_SAOTCC_Error_OTC,
        /// "Don't ask again for 14 days".
        idChkBx_SAOTCC_TD,
        idA_SAOTCC_Resend,
        idDiv_SAOTCAS_Title,
        idDiv_SAOTCAS_Description,
        idDiv_SAOTCAS_Pending,
        idChkBx_SAOTCAS_TD,
        /// The call-wait form; with scripts the page submits it itself.
        idForm_SAOTCAS_Check,
        idSubmit_SAOTCAS_Check,
        idDiv_SAASTO_Title,
        idDiv_SAASTO_Description,
        idSubmit_SAASTO_Retry,
        idDiv_SAASDS_Title,
        idDiv_SAASDS_Description,
        idSubmit_SAASDS_Retry,
    }
    fields! {
        /// The one-time code box (6 digits).
        otc,
        rememberMFA,
    }
}

/// "Additional security verification" (aka.ms/mfasetup): Step 1 contact
/// method, Step 2 verify, Step 3 app password. Microsoft's ids for this page
/// are not public; these follow its `tfa_` naming.
pub mod proof_up {
    ids! {
        TITLE = "tfa_title",
        /// "Step 1: How should we contact you?" and so on.
        STEP = "tfa_step",
        FORM_CONTACT = "tfa_form_contact",
        FORM_VERIFY = "tfa_form_verify",
        CONTACT_METHOD = "tfa_authmethod",
        COUNTRY = "tfa_country",
        PHONE = "tfa_phone",
        /// "Send me a code by text message".
        METHOD_TEXT = "tfa_method_text",
        /// "Call me".
        METHOD_CALL = "tfa_method_call",
        NEXT = "tfa_next",
        BACK = "tfa_back",
        ERROR = "tfa_error",
        CODE = "tfa_code",
        VERIFY = "tfa_verify",
        CODE_ERROR = "tfa_code_error",
        RESEND = "tfa_resend",
        CALL_DESCRIPTION = "tfa_call_description",
        /// Step 3's app password: a secret wherever it is shown.
        APP_PASSWORD = "tfa_app_password",
        COPY = "tfa_copy",
        DONE = "tfa_done",
    }
    fields! {
        AUTH_METHOD = "authMethod",
        COUNTRY_FIELD = "country",
        PHONE_FIELD = "phone",
        METHOD = "method",
        CODE_FIELD = "otc",
    }
}

/// Outlook on the web, where a signed-in user lands.
pub mod owa {
    ids! {
        APP = "owa_app",
        HEADING = "owa_heading",
        EMPTY = "owa_empty",
        USER = "owa_user",
        SIGN_OUT = "owa_signout",
        SIGNED_OUT = "owa_signedout",
        SIGN_IN_AGAIN = "owa_signin_again",
    }
}

/// The Office 365 portal home and the app launcher.
pub mod portal {
    ids! {
        /// The app launcher ("Office 365 Main Menu") on admin pages: the
        /// menu button that opens [`LAUNCHER_PANEL`].
        O365_MainLink_NavMenu,
        /// The app launcher's panel of app tiles, hidden until opened.
        LAUNCHER_PANEL = "o365-launcher-panel",
        O365_AppTile_Admin,
        O365_AppTile_Mail,
        /// The portal home's "Office 365 Main Menu" of app tiles.
        MAIN_MENU = "o365-main-menu",
        TITLE = "o365-title",
        MAIN = "portal-main",
        GREETING = "portal-greeting",
    }
}

/// The Microsoft 365 admin center: home, Active users (Preview and Classic),
/// and the pages its buttons open.
pub mod admin_center {
    ids! {
        TITLE = "admin-center-title",
        MAIN = "admin-main",
        USER = "admin-user",
        SIGN_OUT = "admin-signout",
        HOME_HEADING = "admin-home-heading",
        HOME_CARD_USERS = "home-card-users",
        HOME_USERS_TITLE = "home-users-title",
        NAV_HOME = "nav-home",
        /// The "Users" navigation group: the button that opens [`NAV_USERS_LIST`].
        NAV_USERS = "nav-users",
        /// The links of the "Users" group, hidden until opened.
        NAV_USERS_LIST = "nav-users-list",
        NAV_ACTIVE_USERS = "nav-active-users",
        ACTIVE_USERS_HEADING = "active-users-heading",
        ACTIVE_USERS_TABLE = "active-users-table",
        USERS_TOOLBAR = "users-toolbar",
        /// Carries `data-mode` = "preview" or "classic".
        MODE = "admin-mode",
        MODE_SWITCH = "admin-mode-switch",
        EXPORT_USERS = "export-users",
        ADD_USER = "add-user",
        ADD_USER_HEADING = "add-user-heading",
        ADD_USER_TEXT = "add-user-text",
        ADD_USER_BACK = "add-user-back",
        /// Preview: the "…" after "↓ Export users", the menu button that
        /// opens [`MORE_ACTIONS_MENU`].
        MORE_ACTIONS = "more-actions",
        MORE_ACTIONS_MENU = "more-actions-menu",
        /// Classic: the "More" drop-down beside "+ Add a user", the menu
        /// button that opens [`MORE_DROPDOWN_MENU`].
        MORE_DROPDOWN = "more-dropdown",
        MORE_DROPDOWN_MENU = "more-dropdown-menu",
        /// "Setup Multifactor authentication" / "Multifactor Authentication setup".
        SETUP_MFA = "setup-mfa",
        DENIED = "admin-denied",
        DENIED_TEXT = "admin-denied-text",
        DENIED_SIGN_OUT = "admin-denied-signout",
        ERROR = "admin-error",
    }
    fields! {
        /// Active users' `?mode=preview|classic`.
        MODE_FIELD = "mode",
    }
}

/// The legacy per-user "multi-factor authentication" page: search, the users
/// table with MULTI-FACTOR AUTH STATUS, quick steps and their dialogs.
pub mod mfa_page {
    ids! {
        HEADING = "mfa-heading",
        TAB_USERS = "mfa-tab-users",
        SEARCH = "mfa-search",
        SEARCH_BUTTON = "mfa-search-button",
        VIEW = "mfa-view",
        FILTER = "mfa-filter",
        COUNT = "mfa-count",
        USERS = "mfa-users",
        NO_RESULTS = "mfa-no-results",
        NO_SELECTION = "mfa-no-selection",
        ERROR = "mfa-error",
        BACK_TO_USERS = "mfa-back-to-users",
        USER_PANEL = "mfa-user-panel",
        PANEL_NAME = "mfa-user-panel-name",
        PANEL_UPN = "mfa-user-panel-upn",
        PANEL_STATUS = "mfa-user-panel-status",
        QUICK_STEPS = "mfa-quick-steps",
        /// The "quick steps" heading above the buttons (FAQ 2.5 quotes it).
        QUICK_STEPS_TITLE = "mfa-quick-steps-title",
        ENABLE = "mfa-quick-enable",
        DISABLE = "mfa-quick-disable",
        ENFORCE = "mfa-quick-enforce",
        MANAGE = "mfa-quick-manage",
        DIALOG = "mfa-dialog",
        DIALOG_TITLE = "mfa-dialog-title",
        DIALOG_TEXT = "mfa-dialog-text",
        DIALOG_CONFIRM = "mfa-dialog-confirm",
        DIALOG_CANCEL = "mfa-dialog-cancel",
        DIALOG_CLOSE = "mfa-dialog-close",
        DIALOG_ERROR = "mfa-dialog-error",
        RESTORE_DEVICES = "mfa-restore-devices",
        REQUIRE_CONTACT_METHODS = "mfa-require-contact-methods",
        DELETE_APP_PASSWORDS = "mfa-delete-app-passwords",
    }
    fields! {
        SEARCH_FIELD = "search",
        VIEW_FIELD = "view",
        /// The account whose quick steps show (a link's query).
        SELECTED_FIELD = "selected",
        /// The quick step whose dialog shows (a link's query).
        DIALOG_FIELD = "dialog",
        /// The session's anti-forgery token, in every quick step's form.
        CANARY_FIELD = "canary",
        /// The quick step a dialog's form applies: enable, enforce, disable or manage.
        ACTION_FIELD = "action",
        /// The account a dialog's form applies to.
        UPN_FIELD = "upn",
        REQUIRE_CONTACT_METHODS_FIELD = "require_contact_methods",
        DELETE_APP_PASSWORDS_FIELD = "delete_app_passwords",
        RESTORE_DEVICES_FIELD = "restore_devices",
    }
}

/// Today: Active users' "Multi-factor authentication" button and the Entra
/// admin center's "Per-user multifactor authentication" page with its
/// service settings. Microsoft's React pages publish no stable ids: these
/// are the simulator's, and page objects find controls by role and name.
pub mod per_user_mfa {
    ids! {
        /// On today's Active users toolbar: opens the per-user MFA page.
        MFA_BUTTON = "users-mfa-button",
        HEADING = "peruser-mfa-heading",
        /// "Microsoft Entra admin center" in the header.
        ENTRA_TITLE = "peruser-mfa-entra-title",
        /// "Home > Users > Per-user multifactor authentication".
        BREADCRUMB = "peruser-mfa-breadcrumb",
        BREADCRUMB_HOME = "peruser-mfa-breadcrumb-home",
        BREADCRUMB_USERS = "peruser-mfa-breadcrumb-users",
        /// The GET form with Search, Status, View and Apply.
        FILTER = "peruser-mfa-filter",
        SEARCH = "peruser-mfa-search",
        STATUS = "peruser-mfa-status",
        VIEW = "peruser-mfa-view",
        APPLY = "peruser-mfa-apply",
        /// The command bar over the users table: the buttons act on the
        /// users ticked in the table.
        TOOLBAR = "peruser-mfa-toolbar",
        ENABLE = "peruser-mfa-enable",
        DISABLE = "peruser-mfa-disable",
        ENFORCE = "peruser-mfa-enforce",
        USER_SETTINGS = "peruser-mfa-user-settings",
        /// The link to the service settings page.
        SERVICE_SETTINGS = "peruser-mfa-service-settings",
        COUNT = "peruser-mfa-count",
        USERS = "peruser-mfa-users",
        /// Each row's checkbox is `ROW_CHECK` + `-` + the row's index (from 0).
        ROW_CHECK = "peruser-mfa-select",
        NO_RESULTS = "peruser-mfa-no-results",
        /// A problem with the request (`role="alert"`).
        ERROR = "peruser-mfa-error",
        /// What a change did (`role="status"`).
        MESSAGE = "peruser-mfa-message",
        /// The confirm dialog of Enable, Disable and Enforce MFA, and the
        /// User MFA settings dialog.
        DIALOG = "peruser-mfa-dialog",
        DIALOG_TITLE = "peruser-mfa-dialog-title",
        DIALOG_TEXT = "peruser-mfa-dialog-text",
        /// The users a dialog acts on.
        DIALOG_USERS = "peruser-mfa-dialog-users",
        DIALOG_ERROR = "peruser-mfa-dialog-error",
        DIALOG_CONFIRM = "peruser-mfa-dialog-confirm",
        DIALOG_CANCEL = "peruser-mfa-dialog-cancel",
        REQUIRE_CONTACT_METHODS = "peruser-mfa-require-contact-methods",
        DELETE_APP_PASSWORDS = "peruser-mfa-delete-app-passwords",
        RESTORE_DEVICES = "peruser-mfa-restore-devices",
        /// Service settings: "multi-factor authentication".
        SERVICE_HEADING = "peruser-mfa-service-heading",
        /// Service settings' tabs: "users" (back to the list) and "service settings".
        SERVICE_TAB_USERS = "peruser-mfa-service-tab-users",
        SERVICE_TAB = "peruser-mfa-service-tab",
        APP_PASSWORDS_TITLE = "peruser-mfa-app-passwords-title",
        ALLOW_APP_PASSWORDS = "peruser-mfa-allow-app-passwords",
        DENY_APP_PASSWORDS = "peruser-mfa-deny-app-passwords",
        SERVICE_SAVE = "peruser-mfa-service-save",
    }
    fields! {
        SEARCH_FIELD = "search",
        /// The Status filter: any, disabled, enabled or enforced.
        STATUS_FIELD = "status",
        /// The View filter: all, allowed or blocked (sign-in).
        VIEW_FIELD = "view",
        /// The session's anti-forgery token, in every form that posts.
        CANARY_FIELD = "canary",
        /// What the posted form asks for: enable, disable, enforce or settings.
        ACTION_FIELD = "action",
        /// A selected user; repeated once per ticked row.
        UPN_FIELD = "upn",
        /// Set by a dialog's form: the admin confirmed, apply the action.
        CONFIRM_FIELD = "confirm",
        REQUIRE_CONTACT_METHODS_FIELD = "require_contact_methods",
        DELETE_APP_PASSWORDS_FIELD = "delete_app_passwords",
        RESTORE_DEVICES_FIELD = "restore_devices",
        /// Service settings' app passwords choice: allow or deny.
        APP_PASSWORDS_FIELD = "app_passwords",
    }
}

/// Today: combined registration, "Keep your account secure"
/// (mysignins.microsoft.com/register), one page of the wizard at a time.
pub mod register {
    ids! {
        /// "Keep your account secure".
        TITLE = "register-title",
        /// The page's own heading: "Microsoft Authenticator", "Phone",
        /// "Success!".
        HEADING = "register-heading",
        /// The page's text under the heading.
        DESCRIPTION = "register-description",
        /// "I want to set up a different method".
        DIFFERENT_METHOD = "register-different-method",
        /// "Choose a different method": a dialog with a drop-down.
        METHOD_DIALOG = "register-method-dialog",
        METHOD_CHOICE = "register-method-choice",
        CONFIRM = "register-confirm",
        CANCEL = "register-cancel",
        COUNTRY = "register-country",
        PHONE = "register-phone",
        /// The Phone page's options: "Receive a code" and "Call me".
        RECEIVE_CODE = "register-receive-code",
        CALL_ME = "register-call-me",
        CODE = "register-code",
        RESEND = "register-resend",
        ERROR = "register-error",
        /// "SMS verified. Your phone was registered successfully." and the
        /// call's "Call answered. …".
        VERIFIED = "register-verified",
        /// "Default sign-in method: Phone - text +1 …" on "Success!".
        DEFAULT_METHOD = "register-default-method",
        NEXT = "register-next",
        BACK = "register-back",
        DONE = "register-done",
    }
    fields! {
        /// Which button of the wizard's page was pressed (`next`, `back`,
        /// `different-method`, `confirm`, `cancel`, `done`).
        ACTION_FIELD = "action",
        METHOD_FIELD = "method",
        COUNTRY_FIELD = "country",
        PHONE_FIELD = "phone",
        /// "Receive a code" (`text`) or "Call me" (`call`).
        OPTION_FIELD = "option",
        CODE_FIELD = "otc",
    }
}

/// Today: My Sign-Ins > Security info, where a user adds a sign-in method,
/// app passwords included.
pub mod security_info {
    ids! {
        HEADING = "security-info-heading",
        DEFAULT_METHOD = "security-info-default",
        METHODS = "security-info-methods",
        /// "+ Add sign-in method".
        ADD_METHOD = "security-info-add",
        ADD_DIALOG = "security-info-add-dialog",
        METHOD_CHOICE = "security-info-method-choice",
        ADD = "security-info-add-confirm",
        CANCEL = "security-info-cancel",
        /// The App password dialog's name box.
        NAME = "security-info-app-password-name",
        NEXT = "security-info-next",
        /// The new app password, shown once: a secret wherever it is shown.
        APP_PASSWORD = "security-info-app-password",
        DONE = "security-info-done",
        ERROR = "security-info-error",
    }
    fields! {
        METHOD_FIELD = "method",
        NAME_FIELD = "name",
        CANARY_FIELD = "canary",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_microsoft_id_keeps_its_spelling_and_finds_itself() {
        assert_eq!(super::sign_in::idSIButton9.name, "idSIButton9");
        assert_eq!(super::sign_in::idSIButton9.css, "#idSIButton9");
        assert_eq!(super::mfa_page::HEADING.css, "#mfa-heading");
        assert_eq!(super::sign_in::loginfmt.css, "[name=loginfmt]");
    }
}
