//! Where Microsoft serves each page and API, as paths. The simulator serves
//! them all from one origin; Microsoft spreads them over several hosts
//! (login.microsoftonline.com, admin.microsoft.com, outlook.office.com,
//! graph.microsoft.com), so a path here never carries a host.

/// The Office 365 portal home with the app launcher (FAQ 2.1).
pub const PORTAL: &str = "/";
/// The Microsoft 365 admin center.
pub const ADMIN: &str = "/admin";
/// Users > Active users.
pub const ACTIVE_USERS: &str = "/admin/users";
/// "Export users" on Active users.
pub const EXPORT_USERS: &str = "/admin/users/export";
/// "+ Add a user" on Active users.
pub const ADD_USER: &str = "/admin/users/add";
/// The legacy per-user MFA page (FAQ 2.2–2.5), as Microsoft names it.
pub const MFA_PAGE: &str = "/UserManagement/MultifactorVerification.aspx";

/// Today (`Profile::Today`): the Entra admin center's "Per-user
/// multifactor authentication" page, which Active users' "Multi-factor
/// authentication" button opens. Microsoft serves it under a `#view/…`
/// fragment of entra.microsoft.com; the path is the simulator's.
pub const PER_USER_MFA: &str = "/entra/users/per-user-mfa";
/// Today: its "service settings" (app passwords, trusted IPs, methods).
pub const PER_USER_MFA_SERVICE_SETTINGS: &str = "/entra/users/per-user-mfa/service-settings";

/// The converged sign-in's OAuth 2.0 authorize endpoint.
pub const AUTHORIZE: &str = "/common/oauth2/v2.0/authorize";
/// Where the sign-in pages post the user name and password.
pub const LOGIN: &str = "/common/login";
/// "Stay signed in?".
pub const KMSI: &str = "/kmsi";
/// The second factor's begin, process and end (SAS: strong authentication
/// service).
pub const SAS_BEGIN_AUTH: &str = "/common/SAS/BeginAuth";
pub const SAS_PROCESS_AUTH: &str = "/common/SAS/ProcessAuth";
pub const SAS_END_AUTH: &str = "/common/SAS/EndAuth";

/// "Additional security verification" (aka.ms/mfasetup), and its steps.
pub const PROOF_UP: &str = "/proofup.aspx";
pub const PROOF_UP_CONTACT: &str = "/proofup.aspx/contact";
pub const PROOF_UP_VERIFY: &str = "/proofup.aspx/verify";
pub const PROOF_UP_RESEND: &str = "/proofup.aspx/resend";
pub const PROOF_UP_BACK: &str = "/proofup.aspx/back";
pub const PROOF_UP_DONE: &str = "/proofup.aspx/done";

/// Today: combined registration, "Keep your account secure"
/// (mysignins.microsoft.com/register): one wizard, one page at a time.
pub const REGISTER: &str = "/register";
/// Today: "Resend code" / "Call again" / "Retry" in the wizard.
pub const REGISTER_RESEND: &str = "/register/resend";
/// Today: My Sign-Ins > Security info (mysignins.microsoft.com/security-info),
/// where app passwords are created.
pub const SECURITY_INFO: &str = "/security-info";

/// Outlook on the web ("the OWA site" of FAQ 3.1.2) and its sign-out.
pub const OWA: &str = "/owa";
pub const OWA_SIGN_OUT: &str = "/owa/logoff.owa";
/// Exchange Web Services: where non-browser apps use basic authentication.
pub const EWS: &str = "/EWS/Exchange.asmx";

/// Where an unauthenticated browser is sent to sign in, then back to
/// `return_to`.
pub fn sign_in_url(return_to: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(return_to.as_bytes()).collect();
    format!("{AUTHORIZE}?redirect_uri={encoded}")
}

/// Graph's client-credentials token endpoint for a tenant (id or domain).
pub fn token_path(tenant: &str) -> String {
    format!("/{tenant}/oauth2/v2.0/token")
}
