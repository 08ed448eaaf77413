//! The Microsoft Graph subset an automation uses to set per-user MFA, with
//! the identity platform's client-credentials token endpoint in front of it.
//!
//! | route | what |
//! |---|---|
//! | `POST /{tenant}/oauth2/v2.0/token` | client credentials → bearer token |
//! | `GET/PATCH /beta/users/{upn}/authentication/requirements` | `perUserMfaState` |
//! | `GET/POST /v1.0/users/{upn}/authentication/phoneMethods` | phone methods |
//! | `GET /v1.0/users/{upn}/authentication/phoneMethods/{id}` | one phone method |
//!
//! Shapes follow Microsoft's: token errors are
//! `{"error","error_description":"AADSTS…","error_codes",…}`, Graph errors are
//! `{"error":{"code","message","innerError":{…}}}`. The admin side sees a
//! change at once (`UserView::admin_view`); sign-in sees it after the
//! propagation delay (FAQ 4.1). Tokens and secrets are never logged.

// Helpers return `Result<_, Response>` so handlers can hand the refusal
// straight back; boxing axum's 128-byte Response would only add noise.
#![allow(clippy::result_large_err)]

use super::server::AppState;
use super::state::{UserView, GRAPH_TOKEN_LIFETIME};
use axum::body::Bytes;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use docproof_contract::domain::{Method, MfaStatus, PhoneNumber, Upn};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use docproof_contract::graph::{
    DEFAULT_SCOPE as GRAPH_DEFAULT_SCOPE, MOBILE_METHOD_ID, OFFICE_METHOD_ID,
    POLICY_READ_ALL as ROLE_POLICY_READ_ALL,
    POLICY_READ_WRITE_AUTHENTICATION_METHOD as ROLE_POLICY_RW_AUTH_METHOD,
    USER_AUTHENTICATION_METHOD_READ_ALL as ROLE_UAM_READ_ALL,
    USER_AUTHENTICATION_METHOD_READ_WRITE_ALL as ROLE_UAM_RW_ALL,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/{tenant}/oauth2/v2.0/token", post(token))
        .route(
            "/beta/users/{upn}/authentication/requirements",
            get(get_requirements).patch(patch_requirements),
        )
        .route(
            "/v1.0/users/{upn}/authentication/phoneMethods",
            get(list_phone_methods).post(create_phone_method),
        )
        .route(
            "/v1.0/users/{upn}/authentication/phoneMethods/{id}",
            get(get_phone_method),
        )
}

// ------------------------------------------------------------------ token

#[derive(Deserialize)]
struct TokenForm {
    client_id: Option<String>,
    client_secret: Option<String>,
    scope: Option<String>,
    grant_type: Option<String>,
}

async fn token(
    State(sim): State<AppState>,
    Path(tenant): Path<String>,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    let info = &sim.tenant.info;
    let known = tenant.eq_ignore_ascii_case(&info.id) || tenant.eq_ignore_ascii_case(&info.domain);
    if !known {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            90002,
            &format!(
                "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Use the tenant id ({}) or its domain ({}).",
                info.id, info.domain
            ),
        );
    }
    let Form(form) = match form {
        Ok(f) => f,
        Err(e) => {
            return token_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                900144,
                &format!(
                    "The request body must be application/x-www-form-urlencoded with the parameters client_id, client_secret, scope and grant_type ({}).",
                    e.body_text()
                ),
            )
        }
    };
    let missing = |name: &str| {
        token_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900144,
            &format!("The request body must contain the following parameter: '{name}'."),
        )
    };
    let nonempty = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let Some(grant_type) = nonempty(&form.grant_type) else {
        return missing("grant_type");
    };
    if grant_type != "client_credentials" {
        return token_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            70003,
            &format!(
                "The app requested an unsupported grant type '{grant_type}'. This endpoint supports grant_type=client_credentials."
            ),
        );
    }
    let Some(client_id) = nonempty(&form.client_id) else {
        return missing("client_id");
    };
    let Some(scope) = nonempty(&form.scope) else {
        return missing("scope");
    };
    if scope != GRAPH_DEFAULT_SCOPE {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            1002012,
            &format!(
                "The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI): use {GRAPH_DEFAULT_SCOPE}."
            ),
        );
    }
    let Some(client_secret) = nonempty(&form.client_secret) else {
        return token_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        );
    };
    match sim.tenant.issue_graph_token(&client_id, &client_secret) {
        Ok(token) => {
            tracing::info!(client_id = %client_id, "Graph token issued (client credentials)");
            let mut resp = Json(json!({
                "token_type": "Bearer",
                "expires_in": GRAPH_TOKEN_LIFETIME.as_secs(),
                "ext_expires_in": GRAPH_TOKEN_LIFETIME.as_secs(),
                "access_token": token.expose(),
            }))
            .into_response();
            resp.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-store, no-cache"),
            );
            resp
        }
        Err((code, description)) => {
            tracing::info!(client_id = %client_id, aadsts = code, "Graph token refused");
            // As Microsoft answers: an unknown application is `unauthorized_client`
            // (400), a wrong secret `invalid_client` (401).
            let (status, error) = if code == 700016 {
                (StatusCode::BAD_REQUEST, "unauthorized_client")
            } else {
                (StatusCode::UNAUTHORIZED, "invalid_client")
            };
            let description = description
                .strip_prefix(&format!("AADSTS{code}: "))
                .unwrap_or(&description)
                .to_string();
            token_error(status, error, code, &description)
        }
    }
}

/// An identity-platform error: `error_description` starts with `AADSTS<code>: `.
fn token_error(status: StatusCode, error: &str, code: u32, description: &str) -> Response {
    let trace_id = guid();
    let correlation_id = guid();
    let timestamp = token_timestamp();
    let body = json!({
        "error": error,
        "error_description": format!(
            "AADSTS{code}: {description}\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\nTimestamp: {timestamp}"
        ),
        "error_codes": [code],
        "timestamp": timestamp,
        "trace_id": trace_id,
        "correlation_id": correlation_id,
    });
    (status, Json(body)).into_response()
}

// ------------------------------------------------------------- bearer check

/// Checks the bearer token and that it carries one of `roles`.
fn authorize(sim: &AppState, headers: &HeaderMap, roles: &[&str]) -> Result<(), Response> {
    let raw = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    let token = match raw {
        None | Some("") => {
            return Err(graph_unauthorized(
                headers,
                "Access token is empty. Send Authorization: Bearer <access_token> from POST /{tenant}/oauth2/v2.0/token.",
            ))
        }
        Some(v) => match v.split_once(' ') {
            Some((scheme, t)) if scheme.eq_ignore_ascii_case("bearer") && !t.trim().is_empty() => {
                t.trim()
            }
            _ => {
                return Err(graph_unauthorized(
                    headers,
                    "Access token validation failure: the Authorization header must be 'Bearer <access_token>'.",
                ))
            }
        },
    };
    let Some(granted) = sim.tenant.graph_token_roles(token) else {
        return Err(graph_unauthorized(
            headers,
            "Access token validation failure: the token is unknown or has expired. Request a new one.",
        ));
    };
    if roles.iter().any(|r| granted.iter().any(|g| g == r)) {
        Ok(())
    } else {
        tracing::info!(needed = ?roles, "Graph call refused: the application lacks the role");
        Err(graph_error(
            headers,
            StatusCode::FORBIDDEN,
            "Authorization_RequestDenied",
            &format!(
                "Insufficient privileges to complete the operation. The application needs one of these roles: {}.",
                roles.join(", ")
            ),
        ))
    }
}

fn graph_unauthorized(headers: &HeaderMap, message: &str) -> Response {
    let mut resp = graph_error(
        headers,
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
        message,
    );
    resp.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\""),
    );
    resp
}

/// A Graph error body with its `innerError` (date, request-id, client-request-id).
fn graph_error(headers: &HeaderMap, status: StatusCode, code: &str, message: &str) -> Response {
    let request_id = guid();
    let client_request_id = headers
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64)
        .map(str::to_string)
        .unwrap_or_else(guid);
    let body = json!({
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": graph_date(),
                "request-id": request_id,
                "client-request-id": client_request_id,
            }
        }
    });
    let mut resp = (status, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        resp.headers_mut().insert("request-id", v);
    }
    resp
}

fn bad_request(headers: &HeaderMap, message: &str) -> Response {
    graph_error(headers, StatusCode::BAD_REQUEST, "BadRequest", message)
}

/// The bearer check for one of `roles`, then the user named in the path.
fn authorized_user(
    sim: &AppState,
    headers: &HeaderMap,
    roles: &[&str],
    raw: &str,
) -> Result<UserView, Response> {
    authorize(sim, headers, roles)?;
    find_user(sim, headers, raw)
}

/// The user named in the path, or Graph's 404.
fn find_user(sim: &AppState, headers: &HeaderMap, raw: &str) -> Result<UserView, Response> {
    Upn::parse(raw)
        .ok()
        .and_then(|upn| sim.tenant.user(&upn))
        .ok_or_else(|| user_not_found(headers, raw))
}

fn user_not_found(headers: &HeaderMap, raw: &str) -> Response {
    graph_error(
        headers,
        StatusCode::NOT_FOUND,
        "Request_ResourceNotFound",
        &format!(
            "Resource '{raw}' does not exist or one of its queried reference-property objects are not present."
        ),
    )
}

/// Parses a JSON object body, or says how it should look.
fn json_object(
    headers: &HeaderMap,
    body: &Bytes,
    example: &str,
) -> Result<Map<String, Value>, Response> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(bad_request(
            headers,
            &format!(
                "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format. Send a JSON object such as {example}."
            ),
        )),
    }
}

// ------------------------------------------------------------ requirements

const REQUIREMENTS_READ_ROLES: &[&str] = &[
    ROLE_POLICY_READ_ALL,
    ROLE_POLICY_RW_AUTH_METHOD,
    ROLE_UAM_READ_ALL,
    ROLE_UAM_RW_ALL,
];

async fn get_requirements(
    State(sim): State<AppState>,
    Path(upn): Path<String>,
    headers: HeaderMap,
) -> Response {
    let user = match authorized_user(&sim, &headers, REQUIREMENTS_READ_ROLES, &upn) {
        Ok(u) => u,
        Err(r) => return r,
    };
    Json(json!({
        "@odata.context": format!(
            "{}/beta/$metadata#users('{}')/authentication/requirements",
            sim.tenant.base_url(),
            user.upn
        ),
        "perUserMfaState": user.admin_view.status.graph_name(),
    }))
    .into_response()
}

async fn patch_requirements(
    State(sim): State<AppState>,
    Path(upn): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let user = match authorized_user(&sim, &headers, &[ROLE_POLICY_RW_AUTH_METHOD], &upn) {
        Ok(u) => u,
        Err(r) => return r,
    };
    const EXAMPLE: &str =
        r#"{"perUserMfaState":"enabled"} (perUserMfaState is one of disabled, enabled, enforced)"#;
    let map = match json_object(&headers, &body, EXAMPLE) {
        Ok(m) => m,
        Err(r) => return r,
    };
    if let Some(other) = map.keys().find(|k| *k != "perUserMfaState") {
        return bad_request(
            &headers,
            &format!(
                "Property '{other}' does not exist on type 'microsoft.graph.strongAuthenticationRequirements'. Send {EXAMPLE}."
            ),
        );
    }
    let status = match map.get("perUserMfaState") {
        None => {
            return bad_request(
                &headers,
                &format!("The property 'perUserMfaState' is required. Send {EXAMPLE}."),
            )
        }
        Some(Value::String(s)) => match MfaStatus::parse(s) {
            Ok(st) => st,
            Err(_) => {
                return bad_request(
                    &headers,
                    &format!(
                        "Invalid value '{s}' for property 'perUserMfaState': use disabled, enabled or enforced."
                    ),
                )
            }
        },
        Some(other) => {
            return bad_request(
                &headers,
                &format!(
                    "Invalid value {other} for property 'perUserMfaState': use the string disabled, enabled or enforced."
                ),
            )
        }
    };
    match sim.tenant.set_mfa_status(&user.upn, status) {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => user_not_found(&headers, &upn),
    }
}

// ------------------------------------------------------------ phone methods

fn phone_method_json(id: &str, phone: &PhoneNumber, phone_type: &str) -> Value {
    json!({
        "id": id,
        "phoneNumber": phone.to_string(),
        "phoneType": phone_type,
        "smsSignInState": if phone_type == "mobile" { "notAllowedByPolicy" } else { "notSupported" },
    })
}

/// The user's phone methods as the admin side sees them now.
fn phone_methods(user: &UserView) -> Vec<Value> {
    let mut out = Vec::new();
    if let Some(reg) = &user.admin_view.registration {
        // Text and call both use the authentication (mobile) phone.
        debug_assert!(matches!(reg.method, Method::Text | Method::Call));
        out.push(phone_method_json(MOBILE_METHOD_ID, &reg.phone, "mobile"));
    }
    if let Some(office) = &user.office_phone {
        out.push(phone_method_json(OFFICE_METHOD_ID, office, "office"));
    }
    out
}

/// `@odata.context` of one phone method.
fn phone_method_context(sim: &AppState, upn: &Upn) -> Value {
    Value::String(format!(
        "{}/v1.0/$metadata#users('{}')/authentication/phoneMethods/$entity",
        sim.tenant.base_url(),
        upn
    ))
}

const PHONE_READ_ROLES: &[&str] = &[ROLE_UAM_READ_ALL, ROLE_UAM_RW_ALL];

async fn list_phone_methods(
    State(sim): State<AppState>,
    Path(upn): Path<String>,
    headers: HeaderMap,
) -> Response {
    let user = match authorized_user(&sim, &headers, PHONE_READ_ROLES, &upn) {
        Ok(u) => u,
        Err(r) => return r,
    };
    Json(json!({
        "@odata.context": format!(
            "{}/v1.0/$metadata#users('{}')/authentication/phoneMethods",
            sim.tenant.base_url(),
            user.upn
        ),
        "value": phone_methods(&user),
    }))
    .into_response()
}

async fn get_phone_method(
    State(sim): State<AppState>,
    Path((upn, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let user = match authorized_user(&sim, &headers, PHONE_READ_ROLES, &upn) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Some(mut method) = phone_methods(&user)
        .into_iter()
        .find(|m| m["id"].as_str() == Some(id.as_str()))
    else {
        return graph_error(
            &headers,
            StatusCode::NOT_FOUND,
            "itemNotFound",
            &format!(
                "The phone method '{id}' does not exist for user '{}'.",
                user.upn
            ),
        );
    };
    method["@odata.context"] = phone_method_context(&sim, &user.upn);
    Json(method).into_response()
}

async fn create_phone_method(
    State(sim): State<AppState>,
    Path(upn): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let user = match authorized_user(&sim, &headers, &[ROLE_UAM_RW_ALL], &upn) {
        Ok(u) => u,
        Err(r) => return r,
    };
    const EXAMPLE: &str = r#"{"phoneNumber":"+1 2065555555","phoneType":"mobile"}"#;
    let map = match json_object(&headers, &body, EXAMPLE) {
        Ok(m) => m,
        Err(r) => return r,
    };
    if let Some(other) = map
        .keys()
        .find(|k| !matches!(k.as_str(), "phoneNumber" | "phoneType"))
    {
        return bad_request(
            &headers,
            &format!(
                "Property '{other}' does not exist on type 'microsoft.graph.phoneAuthenticationMethod'. Send {EXAMPLE}."
            ),
        );
    }
    let phone = match map.get("phoneNumber") {
        Some(Value::String(s)) => match PhoneNumber::parse(s) {
            Ok(p) => p,
            Err(e) => {
                return bad_request(
                    &headers,
                    &format!(
                        "Invalid value for property 'phoneNumber': {e}. Expected '+{{country code}} {{number}}', e.g. {EXAMPLE}."
                    ),
                )
            }
        },
        Some(other) => {
            return bad_request(
                &headers,
                &format!(
                    "Invalid value {other} for property 'phoneNumber': expected a string such as \"+1 2065555555\"."
                ),
            )
        }
        None => {
            return bad_request(
                &headers,
                &format!("The property 'phoneNumber' is required. Send {EXAMPLE}."),
            )
        }
    };
    let phone_type = match map.get("phoneType") {
        Some(Value::String(s)) => s.as_str(),
        Some(other) => {
            return bad_request(
                &headers,
                &format!(
                    "Invalid value {other} for property 'phoneType': use mobile, alternateMobile or office."
                ),
            )
        }
        None => {
            return bad_request(
                &headers,
                &format!("The property 'phoneType' is required. Send {EXAMPLE}."),
            )
        }
    };
    match phone_type {
        "mobile" => {}
        "alternateMobile" | "office" => {
            return bad_request(
                &headers,
                &format!(
                    "phoneType '{phone_type}' cannot be registered in this tenant: only 'mobile' (the authentication phone of FAQ 1.1) is supported."
                ),
            )
        }
        other => {
            return bad_request(
                &headers,
                &format!(
                    "Invalid value '{other}' for property 'phoneType': use mobile, alternateMobile or office."
                ),
            )
        }
    }
    if user.admin_view.registration.is_some() {
        // Graph refuses a second method of the same type (its exact status and
        // wording are unconfirmed; 400 BadRequest "phoneMethod already exists").
        return bad_request(
            &headers,
            &format!(
                "phoneMethod already exists: user '{}' already has a mobile phone method ({MOBILE_METHOD_ID}).",
                user.upn
            ),
        );
    }
    if !sim.tenant.register_phone(&user.upn, phone.clone()) {
        return user_not_found(&headers, &upn);
    }
    tracing::info!(upn = %user.upn, phone = %phone.masked(), "mobile phone method registered via Graph");
    let mut created = phone_method_json(MOBILE_METHOD_ID, &phone, "mobile");
    created["@odata.context"] = phone_method_context(&sim, &user.upn);
    let location = format!(
        "{}/v1.0/users/{}/authentication/phoneMethods/{MOBILE_METHOD_ID}",
        sim.tenant.base_url(),
        user.upn
    );
    let mut resp = (StatusCode::CREATED, Json(created)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

// ------------------------------------------------------------------ helpers

/// A random GUID (request ids, trace ids).
fn guid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// `2020-05-12 14:34:00Z`, as the token endpoint writes `timestamp`.
fn token_timestamp() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%d %H:%M:%SZ")
        .to_string()
}

/// `2020-05-12T14:34:00`, as Graph writes `innerError.date`.
fn graph_date() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_have_the_guid_shape() {
        let g = guid();
        let parts: Vec<_> = g.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12]);
        assert!(g.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
    }

    #[test]
    fn timestamps_look_like_microsofts() {
        let t = token_timestamp();
        assert_eq!(t.len(), "2020-05-12 14:34:00Z".len(), "{t}");
        assert!(t.ends_with('Z'));
        let d = graph_date();
        assert_eq!(&d[10..11], "T");
        assert!(d.starts_with("20"), "{d}");
    }
}
