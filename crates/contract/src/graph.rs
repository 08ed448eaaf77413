//! Microsoft Graph as the admin side uses it: the client-credentials token,
//! per-user MFA state (`authentication/requirements`, beta) and phone
//! methods (v1.0). Request and answer bodies are typed here so that the
//! simulator serves and the harness reads one shape.

use crate::domain::MfaStatus;
use serde::{Deserialize, Serialize};

/// The only scope the client-credentials grant asks for.
pub const DEFAULT_SCOPE: &str = "https://graph.microsoft.com/.default";
/// The grant type of an app signing in as itself.
pub const CLIENT_CREDENTIALS: &str = "client_credentials";

/// Application permissions, as Microsoft names them.
pub const POLICY_READ_ALL: &str = "Policy.Read.All";
pub const POLICY_READ_WRITE_AUTHENTICATION_METHOD: &str = "Policy.ReadWrite.AuthenticationMethod";
pub const USER_AUTHENTICATION_METHOD_READ_ALL: &str = "UserAuthenticationMethod.Read.All";
pub const USER_AUTHENTICATION_METHOD_READ_WRITE_ALL: &str =
    "UserAuthenticationMethod.ReadWrite.All";

/// Graph's fixed ids for phone methods (documented by Microsoft).
pub const MOBILE_METHOD_ID: &str = "3179e48a-750b-4051-897c-87b9720928f7";
pub const ALTERNATE_MOBILE_METHOD_ID: &str = "b6332ec1-7057-4abe-9331-3d72feddfe41";
pub const OFFICE_METHOD_ID: &str = "e37fc753-ff3b-4958-9484-eaa9425c82bc";

/// `/beta/users/{id|upn}/authentication/requirements`.
pub fn requirements_path(user: &str) -> String {
    format!("/beta/users/{user}/authentication/requirements")
}

/// `/v1.0/users/{id|upn}/authentication/phoneMethods`.
pub fn phone_methods_path(user: &str) -> String {
    format!("/v1.0/users/{user}/authentication/phoneMethods")
}

/// The token endpoint's answer to a granted request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenResponse {
    pub token_type: String,
    pub expires_in: u64,
    pub access_token: String,
}

/// The body of `GET` and `PATCH` on `authentication/requirements`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Requirements {
    pub per_user_mfa_state: MfaStatus,
}
