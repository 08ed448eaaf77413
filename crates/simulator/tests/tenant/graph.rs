//! The Graph subset: client-credentials tokens, per-user MFA requirements,
//! phone methods, and their errors in Microsoft's shapes.

use crate::common::*;
use docproof_contract::domain::MfaStatus;
use reqwest::StatusCode;
use serde_json::{json, Value};

pub const TENANT_DOMAIN: &str = "cloudbacko-qa.onmicrosoft.com";
pub const READONLY_APP: (&str, &str) = (
    "0f0e0d0c-0b0a-4909-8807-060504030201",
    "docproof-readonly-secret",
);
const MOBILE_ID: &str = "3179e48a-750b-4051-897c-87b9720928f7";
const OFFICE_ID: &str = "e37fc753-ff3b-4958-9484-eaa9425c82bc";

fn phone_methods_url(base: &str, upn: &str) -> String {
    format!("{base}/v1.0/users/{upn}/authentication/phoneMethods")
}

/// Checks Microsoft's Graph error shape and returns the message.
fn graph_error(body: &Value, code: &str) -> String {
    assert_eq!(body["error"]["code"], code, "{body}");
    let inner = &body["error"]["innerError"];
    for key in ["date", "request-id", "client-request-id"] {
        assert!(inner[key].is_string(), "innerError.{key} missing: {body}");
    }
    body["error"]["message"].as_str().unwrap().to_string()
}

/// Checks the identity platform's error shape and returns the description.
fn token_error(body: &Value, error: &str, code: u64) -> String {
    assert_eq!(body["error"], error, "{body}");
    assert_eq!(body["error_codes"], json!([code]), "{body}");
    for key in ["timestamp", "trace_id", "correlation_id"] {
        assert!(body[key].is_string(), "{key} missing: {body}");
    }
    let d = body["error_description"].as_str().unwrap().to_string();
    assert!(d.starts_with(&format!("AADSTS{code}: ")), "{d}");
    d
}

// ------------------------------------------------------------------ token

#[tokio::test]
async fn token_is_issued_for_tenant_id_and_domain() {
    let t = spawn_tenant().await;
    for tenant in [TENANT_ID, TENANT_DOMAIN] {
        let (status, body) = token_request(&t.base_url, tenant, &client_credentials(APP)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 3599);
        assert_eq!(body["ext_expires_in"], 3599);
        assert!(body["access_token"].as_str().unwrap().len() >= 32);
    }
}

#[tokio::test]
async fn token_refuses_bad_secret_unknown_client_bad_tenant_and_bad_grant() {
    let t = spawn_tenant().await;
    let base = &t.base_url;
    let good = |overrides: &[(&'static str, &'static str)]| {
        let mut form = client_credentials(APP);
        for (k, v) in overrides {
            form.retain(|(name, _)| name != k);
            form.push((k, v));
        }
        form
    };

    let (status, body) = token_request(base, TENANT_ID, &good(&[("client_secret", "wrong")])).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let d = token_error(&body, "invalid_client", 7000215);
    assert!(d.contains("Invalid client secret"), "{d}");
    assert!(
        !body.to_string().contains("wrong\""),
        "the sent secret is not echoed"
    );

    let unknown = "11111111-2222-3333-4444-555555555555";
    let (status, body) = token_request(base, TENANT_ID, &good(&[("client_id", unknown)])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let d = token_error(&body, "unauthorized_client", 700016);
    assert!(
        d.contains(unknown) && d.contains("was not found in the directory"),
        "{d}"
    );

    let (status, body) = token_request(base, "nope.onmicrosoft.com", &good(&[])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let d = token_error(&body, "invalid_request", 90002);
    assert!(d.contains("Tenant 'nope.onmicrosoft.com' not found"), "{d}");

    let (status, body) = token_request(base, TENANT_ID, &good(&[("grant_type", "password")])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let d = token_error(&body, "unsupported_grant_type", 70003);
    assert!(d.contains("'password'"), "{d}");

    let (status, body) = token_request(base, TENANT_ID, &good(&[("scope", "User.Read")])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let d = token_error(&body, "invalid_scope", 1002012);
    assert!(d.contains("User.Read") && d.contains(GRAPH_SCOPE), "{d}");

    let (status, body) = token_request(
        base,
        TENANT_ID,
        &[
            ("client_secret", APP.1),
            ("scope", GRAPH_SCOPE),
            ("grant_type", "client_credentials"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let d = token_error(&body, "invalid_request", 900144);
    assert!(d.contains("'client_id'"), "{d}");

    let (status, body) = token_request(
        base,
        TENANT_ID,
        &[("client_id", APP.0), ("scope", GRAPH_SCOPE)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(token_error(&body, "invalid_request", 900144).contains("'grant_type'"));

    // Not a form at all.
    let resp = reqwest::Client::new()
        .post(format!("{base}/{TENANT_ID}/oauth2/v2.0/token"))
        .json(&json!({"client_id": APP.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body: Value = resp.json().await.unwrap();
    assert!(token_error(&body, "invalid_request", 900144).contains("x-www-form-urlencoded"));
}

// ------------------------------------------------------------ requirements

#[tokio::test]
async fn requirements_show_the_admin_view_and_patch_sets_it() {
    let t = spawn_tenant().await;
    let base = &t.base_url;
    let token = token_for(base, APP).await;

    let (status, body) = send(
        reqwest::Client::new()
            .get(requirements_url(base, ENFORCED_USER.0))
            .bearer_auth(&token),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["perUserMfaState"], "enforced");
    assert!(
        body["@odata.context"]
            .as_str()
            .unwrap()
            .contains("/authentication/requirements"),
        "{body}"
    );
    assert_eq!(per_user_mfa(base, &token, SMS_USER.0).await, "disabled");

    // Case-insensitive user names, as Graph.
    set_per_user_mfa(base, &token, &SMS_USER.0.to_uppercase(), "enabled").await;
    assert_eq!(per_user_mfa(base, &token, SMS_USER.0).await, "enabled");
    assert_eq!(
        t.tenant().user(&upn(SMS_USER.0)).unwrap().admin_view.status,
        MfaStatus::Enabled
    );

    set_per_user_mfa(base, &token, SMS_USER.0, "enforced").await;
    assert_eq!(per_user_mfa(base, &token, SMS_USER.0).await, "enforced");
    set_per_user_mfa(base, &token, SMS_USER.0, "disabled").await;
    assert_eq!(per_user_mfa(base, &token, SMS_USER.0).await, "disabled");
}

#[tokio::test]
async fn enabling_a_registered_user_yields_enforced() {
    let t = spawn_tenant().await;
    let base = &t.base_url;
    let token = token_for(base, APP).await;
    // The enforced user is registered: disable, then enable.
    set_per_user_mfa(base, &token, ENFORCED_USER.0, "disabled").await;
    set_per_user_mfa(base, &token, ENFORCED_USER.0, "enabled").await;
    assert_eq!(
        per_user_mfa(base, &token, ENFORCED_USER.0).await,
        "enforced"
    );

    // A phone registered through Graph counts as registered too.
    let (status, _) = send(
        reqwest::Client::new()
            .post(phone_methods_url(base, BACKUP_USER.0))
            .bearer_auth(&token)
            .json(&json!({"phoneNumber": "+1 2065550103", "phoneType": "mobile"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    set_per_user_mfa(base, &token, BACKUP_USER.0, "enabled").await;
    assert_eq!(per_user_mfa(base, &token, BACKUP_USER.0).await, "enforced");
}

#[tokio::test]
async fn graph_calls_without_a_good_token_are_401() {
    let t = spawn_tenant().await;
    let url = requirements_url(&t.base_url, SMS_USER.0);

    let resp = reqwest::Client::new()
        .get(&url)
        .header("client-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(resp.headers().get("www-authenticate").is_some());
    let body: Value = resp.json().await.unwrap();
    assert!(graph_error(&body, "InvalidAuthenticationToken").contains("Access token is empty"));
    assert_eq!(body["error"]["innerError"]["client-request-id"], "abc-123");

    let (status, body) = send(reqwest::Client::new().get(&url).bearer_auth("not-a-token")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(graph_error(&body, "InvalidAuthenticationToken").contains("unknown or has expired"));

    let (status, body) = send(reqwest::Client::new().get(&url).basic_auth("a", Some("b"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(graph_error(&body, "InvalidAuthenticationToken").contains("Bearer"));

    let (status, body) = send(
        reqwest::Client::new()
            .patch(&url)
            .json(&json!({"perUserMfaState": "enabled"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    graph_error(&body, "InvalidAuthenticationToken");
    assert_eq!(
        t.tenant().user(&upn(SMS_USER.0)).unwrap().admin_view.status,
        MfaStatus::Disabled
    );
}

#[tokio::test]
async fn graph_calls_without_the_role_are_403() {
    let t = spawn_tenant().await;
    let base = &t.base_url;
    let token = token_for(base, READONLY_APP).await;
    let c = reqwest::Client::new();
    let calls = [
        c.get(requirements_url(base, SMS_USER.0))
            .bearer_auth(&token),
        c.patch(requirements_url(base, SMS_USER.0))
            .bearer_auth(&token)
            .json(&json!({"perUserMfaState": "enabled"})),
        c.get(phone_methods_url(base, SMS_USER.0))
            .bearer_auth(&token),
        c.post(phone_methods_url(base, SMS_USER.0))
            .bearer_auth(&token)
            .json(&json!({"phoneNumber": "+1 2065555555", "phoneType": "mobile"})),
    ];
    for call in calls {
        let (status, body) = send(call).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let m = graph_error(&body, "Authorization_RequestDenied");
        assert!(
            m.starts_with("Insufficient privileges to complete the operation."),
            "{m}"
        );
    }
    let u = t.tenant().user(&upn(SMS_USER.0)).unwrap();
    assert_eq!(u.admin_view.status, MfaStatus::Disabled);
    assert!(u.admin_view.registration.is_none());
}

#[tokio::test]
async fn unknown_users_are_404() {
    let t = spawn_tenant().await;
    let base = &t.base_url;
    let token = token_for(base, APP).await;
    let ghost = "ghost@cloudbacko-qa.onmicrosoft.com";
    let c = reqwest::Client::new();
    for call in [
        c.get(requirements_url(base, ghost)).bearer_auth(&token),
        c.patch(requirements_url(base, ghost))
            .bearer_auth(&token)
            .json(&json!({"perUserMfaState": "enabled"})),
        c.get(phone_methods_url(base, ghost)).bearer_auth(&token),
        c.get(phone_methods_url(base, "not-a-upn"))
            .bearer_auth(&token),
    ] {
        let (status, body) = send(call).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        let m = graph_error(&body, "Request_ResourceNotFound");
        assert!(
            m.contains(
                "does not exist or one of its queried reference-property objects are not present"
            ),
            "{m}"
        );
    }
    let (_, body) = send(c.get(requirements_url(base, ghost)).bearer_auth(&token)).await;
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with(&format!("Resource '{ghost}'")));
}

#[tokio::test]
async fn bad_patch_bodies_are_400_naming_the_field() {
    let t = spawn_tenant().await;
    let base = &t.base_url;
    let token = token_for(base, APP).await;
    let patch = |body: &'static str| {
        reqwest::Client::new()
            .patch(requirements_url(base, SMS_USER.0))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
    };
    let cases = [
        ("{not json", "valid JSON"),
        (
            r#"{"perUserMfaState":"on"}"#,
            "'perUserMfaState': use disabled, enabled or enforced",
        ),
        (r#"{"perUserMfaState":true}"#, "'perUserMfaState'"),
        (r#"{}"#, "'perUserMfaState' is required"),
        (
            r#"{"perUserMfaState":"enabled","mode":"x"}"#,
            "Property 'mode' does not exist",
        ),
        (r#"["enabled"]"#, "perUserMfaState"),
    ];
    for (body, expected) in cases {
        let (status, resp) = send(patch(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let m = graph_error(&resp, "BadRequest");
        assert!(m.contains(expected), "{body}: {m}");
    }
    assert_eq!(per_user_mfa(base, &token, SMS_USER.0).await, "disabled");
}

// ------------------------------------------------------------ phone methods

#[tokio::test]
async fn phone_methods_list_registration_and_office_phone() {
    let t = spawn_tenant().await;
    let base = &t.base_url;
    let token = token_for(base, APP).await;
    let list = |user: &'static str| {
        send(
            reqwest::Client::new()
                .get(phone_methods_url(base, user))
                .bearer_auth(&token),
        )
    };

    let (status, body) = list(ENFORCED_USER.0).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["@odata.context"]
        .as_str()
        .unwrap()
        .contains("phoneMethods"));
    assert_eq!(
        body["value"],
        json!([{"id": MOBILE_ID, "phoneNumber": "+1 2065550104", "phoneType": "mobile", "smsSignInState": "notAllowedByPolicy"}])
    );

    // Not registered, but has an office phone.
    let (_, body) = list(CALL_USER.0).await;
    assert_eq!(body["value"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(body["value"][0]["id"], OFFICE_ID);
    assert_eq!(body["value"][0]["phoneType"], "office");
    assert_eq!(body["value"][0]["phoneNumber"], "+1 4255550112");

    let (_, body) = list(SMS_USER.0).await;
    assert_eq!(body["value"], json!([]));
}

/// Registered and Enabled is Enforced (as on the per-user MFA page); a
/// Disabled user who registers a phone stays Disabled.
#[tokio::test]
async fn a_registered_phone_enforces_an_enabled_user_only() {
    let t = spawn_tenant().await;
    let base = &t.base_url;
    let token = token_for(base, APP).await;
    t.tenant()
        .set_mfa_status(&upn(SMS_USER.0), MfaStatus::Enabled);
    for (user, expected) in [
        (SMS_USER.0, MfaStatus::Enforced),
        (CALL_USER.0, MfaStatus::Disabled),
    ] {
        let (status, _) = send(
            reqwest::Client::new()
                .post(phone_methods_url(base, user))
                .bearer_auth(&token)
                .json(&json!({"phoneNumber": "+1 2065555555", "phoneType": "mobile"})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{user}");
        let view = t.tenant().user(&upn(user)).unwrap().admin_view;
        assert_eq!(view.status, expected, "{user}");
    }
}

#[tokio::test]
async fn posting_a_mobile_phone_registers_it() {
    let t = spawn_tenant().await;
    let base = &t.base_url;
    let token = token_for(base, APP).await;
    let resp = reqwest::Client::new()
        .post(phone_methods_url(base, SMS_USER.0))
        .bearer_auth(&token)
        .json(&json!({"phoneNumber": "+1 (206) 555-5555", "phoneType": "mobile"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.ends_with(&format!("/authentication/phoneMethods/{MOBILE_ID}")),
        "{location}"
    );
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["id"], MOBILE_ID);
    assert_eq!(body["phoneNumber"], "+1 2065555555");
    assert_eq!(body["phoneType"], "mobile");
    assert_eq!(body["smsSignInState"], "notAllowedByPolicy");

    let reg = t
        .tenant()
        .user(&upn(SMS_USER.0))
        .unwrap()
        .admin_view
        .registration
        .unwrap();
    assert_eq!(reg.phone.to_string(), "+1 2065555555");

    let (status, one) = send(reqwest::Client::new().get(&location).bearer_auth(&token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["phoneNumber"], "+1 2065555555");
    let (_, listed) = send(
        reqwest::Client::new()
            .get(phone_methods_url(base, SMS_USER.0))
            .bearer_auth(&token),
    )
    .await;
    assert_eq!(listed["value"][0]["id"], MOBILE_ID);

    // A second mobile method is refused.
    let (status, body) = send(
        reqwest::Client::new()
            .post(phone_methods_url(base, SMS_USER.0))
            .bearer_auth(&token)
            .json(&json!({"phoneNumber": "+1 2065556666", "phoneType": "mobile"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(graph_error(&body, "BadRequest").contains("phoneMethod already exists"));
    let reg = t
        .tenant()
        .user(&upn(SMS_USER.0))
        .unwrap()
        .admin_view
        .registration
        .unwrap();
    assert_eq!(reg.phone.to_string(), "+1 2065555555");
}

#[tokio::test]
async fn bad_phone_method_posts_are_400_and_change_nothing() {
    let t = spawn_tenant().await;
    let base = &t.base_url;
    let token = token_for(base, APP).await;
    let cases = [
        (
            json!({"phoneNumber": "2065555555", "phoneType": "mobile"}),
            "'phoneNumber'",
            "+1 2065550101",
        ),
        (
            json!({"phoneNumber": "+1 20655abc", "phoneType": "mobile"}),
            "'phoneNumber'",
            "+{country code} {number}",
        ),
        (
            json!({"phoneType": "mobile"}),
            "'phoneNumber' is required",
            "",
        ),
        (
            json!({"phoneNumber": "+1 2065555555"}),
            "'phoneType' is required",
            "",
        ),
        (
            json!({"phoneNumber": "+1 2065555555", "phoneType": "office"}),
            "only 'mobile'",
            "",
        ),
        (
            json!({"phoneNumber": "+1 2065555555", "phoneType": "alternateMobile"}),
            "only 'mobile'",
            "",
        ),
        (
            json!({"phoneNumber": "+1 2065555555", "phoneType": "pager"}),
            "'phoneType': use mobile",
            "",
        ),
        (
            json!({"phoneNumber": 2065555555u64, "phoneType": "mobile"}),
            "'phoneNumber'",
            "",
        ),
        (
            json!({"phoneNumber": "+1 2065555555", "phoneType": "mobile", "extra": 1}),
            "Property 'extra'",
            "",
        ),
    ];
    for (body, expected, also) in cases {
        let (status, resp) = send(
            reqwest::Client::new()
                .post(phone_methods_url(base, SMS_USER.0))
                .bearer_auth(&token)
                .json(&body),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let m = graph_error(&resp, "BadRequest");
        assert!(m.contains(expected) && m.contains(also), "{body}: {m}");
    }
    assert!(t
        .tenant()
        .user(&upn(SMS_USER.0))
        .unwrap()
        .admin_view
        .registration
        .is_none());
}
