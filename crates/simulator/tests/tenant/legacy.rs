//! Non-browser apps (FAQ 2.5, 4.1): EWS with HTTP Basic auth, as a backup
//! application signs in, across Disabled, Enabled and Enforced, with app
//! passwords and propagation delay.

use crate::common::*;
use base64::Engine;
use docproof_contract::domain::{Method, PhoneNumber};
use docproof_simulator::legacy::{
    REASON_APP_PASSWORD_REQUIRED, REASON_BAD_PASSWORD, REASON_BLOCKED, REASON_MALFORMED,
    REASON_NO_HEADER, REASON_UNKNOWN_USER,
};
use docproof_simulator::state::{KeyResult, Registration};
use docproof_simulator::Settings;
use reqwest::StatusCode;
use std::time::{Duration, Instant};

const SOAP: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
  <soap:Body><m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape>
  <m:FolderIds><t:DistinguishedFolderId Id="msgfolderroot"/></m:FolderIds></m:GetFolder></soap:Body>
</soap:Envelope>"#;

pub(crate) struct Ews {
    pub(crate) status: StatusCode,
    pub(crate) challenge: Option<String>,
    pub(crate) content_type: String,
    pub(crate) body: String,
}

pub(crate) async fn ews_raw(base: &str, authorization: Option<&str>) -> Ews {
    let mut req = reqwest::Client::new()
        .post(format!("{base}/EWS/Exchange.asmx"))
        .header("content-type", "text/xml; charset=utf-8")
        .body(SOAP);
    if let Some(a) = authorization {
        req = req.header("authorization", a);
    }
    let resp = req.send().await.unwrap();
    Ews {
        status: resp.status(),
        challenge: resp
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap().to_string()),
        content_type: resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default(),
        body: resp.text().await.unwrap(),
    }
}

/// A GetFolder request as a backup app sends it, with Basic credentials.
pub(crate) async fn ews(base: &str, upn: &str, password: &str) -> Ews {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{upn}:{password}"));
    ews_raw(base, Some(&format!("Basic {basic}"))).await
}

fn assert_success(r: &Ews, display_name: &str) {
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.content_type.starts_with("text/xml"), "{}", r.content_type);
    assert!(
        r.body
            .contains(r#"<m:GetFolderResponseMessage ResponseClass="Success">"#),
        "{}",
        r.body
    );
    assert!(r.body.contains("<m:ResponseCode>NoError</m:ResponseCode>"));
    assert!(r.body.contains("Top of Information Store"));
    assert!(r.body.contains(display_name), "{}", r.body);
}

fn assert_refused(r: &Ews, reason: &str) {
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    assert_eq!(
        r.challenge.as_deref(),
        Some(r#"Basic realm="cloudbacko-qa.onmicrosoft.com""#)
    );
    assert_eq!(r.body.lines().next(), Some(reason), "{}", r.body);
}

#[tokio::test]
async fn account_password_works_while_disabled_and_enabled_unregistered() {
    let t = spawn_tenant().await;
    let (user, password) = BACKUP_USER;
    assert_success(
        &ews(&t.base_url, user, password).await,
        "O365 Backup Account",
    );

    let token = token_for(&t.base_url, APP).await;
    set_per_user_mfa(&t.base_url, &token, user, "enabled").await;
    assert_success(
        &ews(&t.base_url, user, password).await,
        "O365 Backup Account",
    );
}

#[tokio::test]
async fn enforced_refuses_the_account_password_and_accepts_an_app_password() {
    let t = spawn_tenant().await;
    let (user, password) = BACKUP_USER;
    let token = token_for(&t.base_url, APP).await;
    set_per_user_mfa(&t.base_url, &token, user, "enforced").await;

    let refused = ews(&t.base_url, user, password).await;
    assert_refused(&refused, REASON_APP_PASSWORD_REQUIRED);
    assert!(
        refused
            .body
            .contains("multi-factor authentication enforced"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("create an app password"),
        "{}",
        refused.body
    );

    // Registering (proof-up Step 3) hands out an app password.
    let app_password = register(&t, user, "+1 2065550103");
    assert_success(
        &ews(&t.base_url, user, &app_password).await,
        "O365 Backup Account",
    );
    // As Microsoft shows it, in groups of four.
    let spaced: String = app_password
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    assert_success(
        &ews(&t.base_url, user, &spaced).await,
        "O365 Backup Account",
    );
    assert_refused(
        &ews(&t.base_url, user, password).await,
        REASON_APP_PASSWORD_REQUIRED,
    );
}

#[tokio::test]
async fn an_app_password_never_works_at_the_browser_sign_in_page() {
    let t = spawn_tenant().await;
    let (user, _) = SMS_USER;
    let app_password = register(&t, user, "+1 2065550101");
    let c = client();
    let start = format!(
        "{}{}",
        t.base_url,
        docproof_contract::routes::sign_in_url("/owa")
    );
    let page = after_password_from(&c, &start, (user, &app_password)).await;
    let error = page
        .text("#passwordError")
        .unwrap_or_else(|| panic!("no password error:\n{}", page.html));
    assert!(error.contains("incorrect"), "{error}");
    // But the same app password works for the non-browser app.
    assert_success(
        &ews(&t.base_url, user, &app_password).await,
        "O365 SMS User",
    );
}

#[tokio::test]
async fn refusals_say_why() {
    let t = spawn_tenant().await;
    let base = &t.base_url;

    let r = ews(base, BACKUP_USER.0, "wrong-password").await;
    assert_refused(&r, REASON_BAD_PASSWORD);
    assert!(r.body.contains("incorrect"));
    assert!(
        !r.body.contains("wrong-password"),
        "the password is never echoed"
    );

    let r = ews(base, "ghost@cloudbacko-qa.onmicrosoft.com", "x").await;
    assert_refused(&r, REASON_UNKNOWN_USER);
    assert!(r
        .body
        .contains("'ghost@cloudbacko-qa.onmicrosoft.com' does not exist"));

    let r = ews(base, "not a user", "x").await;
    assert_refused(&r, REASON_UNKNOWN_USER);

    let r = ews_raw(base, None).await;
    assert_refused(&r, REASON_NO_HEADER);
    assert!(r.body.contains("Authorization header"));

    for bad in [
        "Bearer abc",
        "Basic !!!notbase64",
        "Basic",
        "Basic bm9jb2xvbg==",
    ] {
        let r = ews_raw(base, Some(bad)).await;
        assert_refused(&r, REASON_MALFORMED);
        assert!(r.body.contains("Authorization header"), "{bad}: {}", r.body);
    }
    let r = ews_raw(base, Some("Bearer abc")).await;
    assert!(r.body.contains("'Basic'"), "{}", r.body);

    // A GET is challenged too, like Exchange.
    let resp = reqwest::Client::new()
        .get(format!("{base}/EWS/Exchange.asmx"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(resp.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Basic realm="));
    let resp = reqwest::Client::new()
        .get(format!("{base}/EWS/Exchange.asmx"))
        .basic_auth(BACKUP_USER.0, Some(BACKUP_USER.1))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

/// A 401 quotes nothing an attacker sent as markup, and no answer may be
/// sniffed as another type than it declares.
#[tokio::test]
async fn refusals_reflect_no_markup_and_are_never_sniffed() {
    let t = spawn_tenant().await;
    let markup = "<script>alert(1)</script>";
    let user = base64::engine::general_purpose::STANDARD.encode(format!("{markup}@x:pw"));
    for authorization in [format!("Basic {user}"), format!("{markup} abc")] {
        let resp = reqwest::Client::new()
            .post(format!("{}/EWS/Exchange.asmx", t.base_url))
            .header("authorization", &authorization)
            .body(SOAP)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
        let body = resp.text().await.unwrap();
        assert!(!body.contains("script"), "{authorization}: {body}");
    }
    // Every answer, not only EWS's, says nosniff.
    for path in ["/owa", "/phone", "/no-such-page"] {
        let resp = reqwest::get(format!("{}{path}", t.base_url)).await.unwrap();
        assert_eq!(
            resp.headers()
                .get("x-content-type-options")
                .map(|v| v.to_str().unwrap()),
            Some("nosniff"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_fraud_alert_blocks_basic_auth() {
    let t = spawn_tenant().await;
    let (user, password) = ENFORCED_USER;
    let app_password = t
        .tenant()
        .complete_registration(
            &upn(user),
            Registration {
                method: Method::Call,
                phone: PhoneNumber::parse("+1 2065550104").unwrap(),
            },
        )
        .unwrap();
    // Setup: the user answers a verification call with 0# (fraud alert).
    let call = t
        .tenant()
        .start_call(&upn(user), &PhoneNumber::parse("+1 2065550104").unwrap());
    assert_eq!(t.tenant().press_keys(&call, "0#"), KeyResult::FraudReported);

    for pw in [password, app_password.expose()] {
        let r = ews(&t.base_url, user, pw).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert_eq!(r.body.lines().next(), Some(REASON_BLOCKED));
        assert!(r.body.contains("Sign-in is blocked"), "{}", r.body);
    }
}

/// FAQ 4.1: a change shows in the admin view at once but reaches non-browser
/// sign-in only after the propagation delay.
#[tokio::test]
async fn enforcing_reaches_basic_auth_only_after_the_propagation_delay() {
    // Long enough that a loaded machine still answers well before it: the
    // first answer must come while the change is on its way.
    let delay = Duration::from_secs(2);
    let t = spawn_with(Settings {
        propagation_delay: delay,
        ..Default::default()
    })
    .await;
    let base = &t.base_url;
    let (user, password) = BACKUP_USER;
    let token = token_for(base, APP).await;
    let admin = admin_client(&t).await;

    let changed = Instant::now();
    set_per_user_mfa(base, &token, user, "enforced").await;
    let r = ews(base, user, password).await;
    let answered = changed.elapsed();
    assert!(
        answered < delay,
        "the machine is too slow for this test: the first basic-auth answer took {answered:?}"
    );
    assert_success(&r, "O365 Backup Account");

    // The admin side sees Enforced at once.
    assert_eq!(per_user_mfa(base, &token, user).await, "enforced");
    let page = get(
        &admin,
        &format!("{base}/UserManagement/MultifactorVerification.aspx?search=o365.backup"),
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert_eq!(
        page.text(r#"tr[data-upn="o365.backup@cloudbacko-qa.onmicrosoft.com"] td.mfa-status"#)
            .as_deref(),
        Some("Enforced")
    );

    // Non-browser sign-in follows within a bounded wait.
    let refused = eventually(
        Duration::from_secs(5),
        "not yet effective after 5 s",
        async || {
            let r = ews(base, user, password).await;
            (r.status != StatusCode::OK).then_some(r)
        },
    )
    .await;
    assert!(
        changed.elapsed() >= delay,
        "took effect before the delay: {:?}",
        changed.elapsed()
    );
    assert_refused(&refused, REASON_APP_PASSWORD_REQUIRED);
}
