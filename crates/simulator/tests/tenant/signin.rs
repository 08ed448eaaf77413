//! OWA sign-in, proof-up, the second factor, and their error paths, with
//! wiremock as the telephony provider.

use crate::common::*;
use docproof_contract::domain::{MfaStatus, Upn};
use docproof_simulator::{RunningTenant, Settings, TelephonySettings, TenantFile};
use std::time::Duration;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A Twilio-compatible provider that accepts every text and call.
pub(crate) async fn provider() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path_regex(r"^/2010-04-01/Accounts/AC\w+/Messages\.json$"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({
            "sid": "SM0123456789abcdef0123456789abcdef", "status": "queued", "direction": "outbound-api"
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path_regex(r"^/2010-04-01/Accounts/AC\w+/Calls\.json$"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({
            "sid": "CA0123456789abcdef0123456789abcdef", "status": "queued"
        })))
        .mount(&server)
        .await;
    server
}

pub(crate) fn settings_for(provider: &MockServer) -> Settings {
    Settings {
        telephony: TelephonySettings {
            base_url: Some(provider.uri()),
            request_timeout: Duration::from_millis(500),
            ..TelephonySettings::default()
        },
        poll_interval: Duration::from_millis(100),
        ..Settings::default()
    }
}

/// The form fields of the provider requests to `resource` (Messages/Calls).
pub(crate) async fn sent(provider: &MockServer, resource: &str) -> Vec<Vec<(String, String)>> {
    provider
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path().ends_with(&format!("/{resource}.json")))
        .map(|r| url::form_urlencoded::parse(&r.body).into_owned().collect())
        .collect()
}

fn field(form: &[(String, String)], name: &str) -> String {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// The code in the newest text to `to` (E.164).
pub(crate) async fn latest_code(provider: &MockServer, to: &str) -> String {
    let texts = sent(provider, "Messages").await;
    let text = texts
        .iter()
        .rev()
        .find(|t| field(t, "To") == to)
        .expect("a text was sent");
    docproof_contract::domain::code_in(&field(text, "Body")).expect("a six-digit code in the text")
}

/// Answers the newest call the Twilio way: fetch its TwiML, post Digits to
/// the `<Gather>` action. Returns the TwiML the action answered with.
pub(crate) async fn answer_call(provider: &MockServer, digits: &str) -> String {
    let calls = sent(provider, "Calls").await;
    let call = calls.last().expect("a call was placed");
    let http = reqwest::Client::new();
    let twiml = http
        .post(field(call, "Url"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let action = twiml
        .split("action=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no Gather action in {twiml}"))
        .replace("&amp;", "&");
    http.post(action)
        .form(&[("Digits", digits)])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Setup only: per-user MFA Enabled for `user`, as an admin would.
pub(crate) fn enable_mfa(t: &RunningTenant, user: &str) -> Upn {
    let upn = upn(user);
    t.tenant().set_mfa_status(&upn, MfaStatus::Enabled);
    upn
}

#[tokio::test]
async fn disabled_user_signs_in_with_password_only_and_lands_in_owa() {
    let t = spawn_tenant().await;
    let c = client();
    let page = after_password(&c, &t.base_url, SMS_USER).await;
    assert_eq!(
        page.text("#KmsiDescription").unwrap(),
        "Do this to reduce the number of times you are asked to sign in."
    );
    assert!(page.has("#idBtn_Back") && page.has("input[name=DontShowAgain]"));
    let owa = submit(&c, &page, "#idBtn_Back", &[]).await;
    assert!(owa.url.ends_with("/owa"), "{}", owa.url);
    assert!(owa.text("#owa_user").unwrap().contains(SMS_USER.0));
    assert_eq!(owa.text("#owa_signout").unwrap(), "Sign out");
    let out = get(&c, &format!("{}/owa/logoff.owa", t.base_url)).await;
    assert_eq!(
        out.text("#owa_signedout").unwrap(),
        "You signed out of your account"
    );
    let again = get(&c, &format!("{}/owa", t.base_url)).await;
    assert!(
        again.has("input[name=loginfmt]"),
        "signed out means signing in again"
    );
}

#[tokio::test]
async fn unknown_user_and_wrong_password_are_refused_with_microsofts_words() {
    let t = spawn_tenant().await;
    let c = client();
    let page = to_password_page(&c, &t.base_url, "nobody@cloudbacko-qa.onmicrosoft.com").await;
    assert!(page
        .text("#usernameError")
        .unwrap()
        .contains("This username may be incorrect"));
    assert!(page.has("input[name=loginfmt]"));

    let page = to_password_page(&c, &t.base_url, SMS_USER.0).await;
    assert_eq!(page.text("#loginHeader").unwrap(), "Enter password");
    let page = submit(&c, &page, "#idSIButton9", &[("passwd", "wrong")]).await;
    assert!(page
        .text("#passwordError")
        .unwrap()
        .contains("Your account or password is incorrect"));
    assert!(page.html.contains("AADSTS50126"));
    // The right password still works after a wrong one.
    let page = submit(&c, &page, "#idSIButton9", &[("passwd", SMS_USER.1)]).await;
    assert!(page.has("#KmsiDescription"));
}

#[tokio::test]
async fn forms_without_the_flow_token_are_refused_and_cookies_are_httponly_samesite() {
    let t = spawn_tenant().await;
    let c = client();
    let resp = c.get(format!("{}/owa", t.base_url)).send().await.unwrap();
    // reqwest followed the redirect; the flow cookie came with the sign-in page.
    let cookie = resp
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let page = Page::from(resp).await;
    let forged = c
        .post(format!("{}/common/login", t.base_url))
        .form(&[("loginfmt", SMS_USER.0), ("flowToken", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 400);
    assert!(forged.text().await.unwrap().contains("flowToken"));
    // A fresh client (no flow cookie) is refused too.
    let token = page.attr("input[name=flowToken]", "value").unwrap();
    let other = client()
        .post(format!("{}/common/login", t.base_url))
        .form(&[("loginfmt", SMS_USER.0), ("flowToken", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 400);
}

#[tokio::test]
async fn app_password_never_works_on_the_browser_sign_in_page() {
    let t = spawn_tenant().await;
    let app_password = register(&t, BACKUP_USER.0, "+1 2065550103");
    let c = client();
    let page = to_password_page(&c, &t.base_url, BACKUP_USER.0).await;
    let page = submit(&c, &page, "#idSIButton9", &[("passwd", &app_password)]).await;
    assert!(page.text("#passwordError").unwrap().contains("incorrect"));
}

/// FAQ 3.1: Enabled → sign in → proof-up by text → app password → OWA → Enforced.
#[tokio::test]
async fn proof_up_by_text_message_registers_and_enforces() {
    let p = provider().await;
    let t = spawn_with(settings_for(&p)).await;
    let upn = enable_mfa(&t, SMS_USER.0);
    let c = client();

    let page = after_password(&c, &t.base_url, SMS_USER).await;
    assert_eq!(
        page.text("#idDiv_ProofUp_Title").unwrap(),
        "More information required"
    );
    let page = submit(&c, &page, "#idSubmit_ProofUp_Redirect", &[]).await;
    assert_eq!(
        page.text("#tfa_step").unwrap(),
        "Step 1: How should we contact you?"
    );
    for label in [
        "How should we contact you?",
        "Country or region",
        "Phone number",
    ] {
        assert!(
            page.html.contains(&format!(">{label}</label>")),
            "label {label}"
        );
    }
    assert!(page.html.contains("Send me a code by text message") && page.html.contains("Call me"));

    // A bad phone number names the field and keeps what was typed.
    let bad = submit(
        &c,
        &page,
        "#tfa_next",
        &[("phone", "206-CALL-NOW"), ("method", "text")],
    )
    .await;
    assert!(
        bad.text("#tfa_error")
            .unwrap()
            .contains("phone number isn't valid"),
        "{:?}",
        bad.text("#tfa_error")
    );
    assert_eq!(bad.attr("#tfa_phone", "value").unwrap(), "206-CALL-NOW");
    assert!(
        sent(&p, "Messages").await.is_empty(),
        "nothing is texted to a bad number"
    );

    let page = submit(
        &c,
        &bad,
        "#tfa_next",
        &[
            ("country", "US"),
            ("phone", "2065550101"),
            ("method", "text"),
        ],
    )
    .await;
    assert_eq!(
        page.text("#tfa_step").unwrap(),
        "Step 2: We've sent a text message to your phone at +1 2065550101"
    );
    let texts = sent(&p, "Messages").await;
    assert_eq!(field(&texts[0], "To"), "+12065550101");
    assert!(field(&texts[0], "Body").starts_with("Use verification code "));

    let code = latest_code(&p, "+12065550101").await;
    let page = submit(&c, &page, "#tfa_verify", &[("otc", &code)]).await;
    assert_eq!(
        page.text("#tfa_step").unwrap(),
        "Step 3: Keep using your existing applications"
    );
    let app_password = page.text("#tfa_app_password").unwrap();
    assert_eq!(app_password.len(), 16);
    assert!(app_password.chars().all(|c| c.is_ascii_lowercase()));
    let owa = submit(&c, &page, "#tfa_done", &[]).await;
    assert!(owa.text("#owa_user").unwrap().contains(SMS_USER.0));

    let user = t.tenant().user(&upn).unwrap();
    assert_eq!(user.admin_view.status, MfaStatus::Enforced);
    assert!(user
        .admin_view
        .app_passwords
        .iter()
        .any(|a| a.expose() == app_password));

    // FAQ 3.1.5: the next sign-in sends another text, masked as Microsoft does.
    let c2 = client();
    let page = after_password(&c2, &t.base_url, SMS_USER).await;
    assert_eq!(page.text("#idDiv_SAOTCC_Title").unwrap(), "Enter code");
    assert_eq!(
        page.text("#idDiv_SAOTCC_Description").unwrap(),
        "We texted your phone +X XXXXXXXX01. Please enter the code to sign in."
    );
    assert_eq!(sent(&p, "Messages").await.len(), 2);
    let code2 = latest_code(&p, "+12065550101").await;
    let page = submit(&c2, &page, "#idSubmit_SAOTCC_Continue", &[("otc", &code2)]).await;
    assert!(page.has("#KmsiDescription"));
}

/// FAQ 3.2: proof-up by call, answered with #, with and without scripting's help.
#[tokio::test]
async fn proof_up_by_call_waits_for_the_pound_key() {
    let p = provider().await;
    let t = spawn_with(settings_for(&p)).await;
    let upn = enable_mfa(&t, CALL_USER.0);
    let c = client();
    let page = after_password(&c, &t.base_url, CALL_USER).await;
    let page = submit(&c, &page, "#idSubmit_ProofUp_Redirect", &[]).await;
    let page = submit(
        &c,
        &page,
        "#tfa_next",
        &[
            ("country", "US"),
            ("phone", "2065550102"),
            ("method", "call"),
        ],
    )
    .await;
    assert_eq!(
        page.text("#tfa_step").unwrap(),
        "Step 2: We're calling your phone at +1 2065550102"
    );
    let calls = sent(&p, "Calls").await;
    assert_eq!(field(&calls[0], "To"), "+12065550102");
    assert!(field(&calls[0], "Url").contains("/voice/"));

    // Not answered yet: the re-check form keeps waiting, and the poll says so.
    let waiting = submit(&c, &page, "#tfa_verify", &[]).await;
    assert!(waiting
        .text("#tfa_code_error")
        .unwrap()
        .contains("haven't heard from your phone"));
    let poll: serde_json::Value = c
        .get(format!("{}/common/SAS/EndAuth", t.base_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(poll["ResultValue"], "AuthenticationPending");

    let said = answer_call(&p, "#").await;
    assert!(
        said.contains("Your sign in was successfully verified. Goodbye."),
        "{said}"
    );
    let page = submit(&c, &waiting, "#tfa_verify", &[]).await;
    assert_eq!(
        page.text("#tfa_step").unwrap(),
        "Step 3: Keep using your existing applications"
    );
    assert_eq!(
        t.tenant().user(&upn).unwrap().admin_view.status,
        MfaStatus::Enforced
    );

    // FAQ 3.2.5: the next sign-in calls again.
    let c2 = client();
    let page = after_password(&c2, &t.base_url, CALL_USER).await;
    assert_eq!(
        page.text("#idDiv_SAOTCAS_Description").unwrap(),
        "We're calling your phone +X XXXXXXXX02. Please answer it to continue."
    );
    assert_eq!(sent(&p, "Calls").await.len(), 2);
    answer_call(&p, "#").await;
    let page = submit(&c2, &page, "#idSubmit_SAOTCAS_Check", &[]).await;
    assert!(page.has("#KmsiDescription"));
}

#[tokio::test]
async fn wrong_code_then_right_code_and_void_after_too_many_tries() {
    let p = provider().await;
    let t = spawn_with(settings_for(&p)).await;
    let c = client();
    let page = after_password(&c, &t.base_url, ENFORCED_USER).await;
    let code = latest_code(&p, "+12065550104").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let page = submit(&c, &page, "#idSubmit_SAOTCC_Continue", &[("otc", wrong)]).await;
    assert_eq!(
        page.text("#idSpan_SAOTCC_Error_OTC").unwrap(),
        "You didn't enter the expected verification code. Please try again."
    );
    let page = submit(&c, &page, "#idSubmit_SAOTCC_Continue", &[("otc", "12ab")]).await;
    assert_eq!(
        page.text("#idSpan_SAOTCC_Error_OTC").unwrap(),
        "Enter the 6-digit code from your phone."
    );
    let page = submit(&c, &page, "#idSubmit_SAOTCC_Continue", &[("otc", &code)]).await;
    assert!(
        page.has("#KmsiDescription"),
        "the right code after a wrong one signs in"
    );

    // Three wrong tries void the code; even the right one is then refused.
    let c = client();
    let mut page = after_password(&c, &t.base_url, ENFORCED_USER).await;
    let code = latest_code(&p, "+12065550104").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..3 {
        page = submit(&c, &page, "#idSubmit_SAOTCC_Continue", &[("otc", wrong)]).await;
    }
    assert!(page
        .text("#idSpan_SAOTCC_Error_OTC")
        .unwrap()
        .contains("too many times"));
    let page = submit(&c, &page, "#idSubmit_SAOTCC_Continue", &[("otc", &code)]).await;
    assert!(
        page.has("#idSpan_SAOTCC_Error_OTC"),
        "a void code stays void"
    );
    // A new code works.
    let page = submit(&c, &page, "#idA_SAOTCC_Resend", &[]).await;
    let fresh = latest_code(&p, "+12065550104").await;
    let page = submit(&c, &page, "#idSubmit_SAOTCC_Continue", &[("otc", &fresh)]).await;
    assert!(page.has("#KmsiDescription"));
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let p = provider().await;
    let t = spawn_with(Settings {
        code_lifetime: Duration::from_millis(200),
        ..settings_for(&p)
    })
    .await;
    let c = client();
    let page = after_password(&c, &t.base_url, ENFORCED_USER).await;
    let code = latest_code(&p, "+12065550104").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let page = submit(&c, &page, "#idSubmit_SAOTCC_Continue", &[("otc", &code)]).await;
    assert_eq!(
        page.text("#idSpan_SAOTCC_Error_OTC").unwrap(),
        "That code has expired. Send a new code."
    );
}

#[tokio::test]
async fn telecom_rate_limit_answers_aadsts50088() {
    let p = provider().await;
    let t = spawn_with(Settings {
        telecom_limit: 2,
        ..settings_for(&p)
    })
    .await;
    let c = client();
    let page = after_password(&c, &t.base_url, ENFORCED_USER).await;
    let page = submit(&c, &page, "#idA_SAOTCC_Resend", &[]).await;
    assert!(page.has("#idDiv_SAOTCC_Title"));
    let page = submit(&c, &page, "#idA_SAOTCC_Resend", &[]).await;
    assert_eq!(
        page.text("#idDiv_SAASDS_Description").unwrap(),
        "AADSTS50088: Limit on telecom MFA calls reached. Please try again in a few minutes."
    );
    assert_eq!(sent(&p, "Messages").await.len(), 2);
}

#[tokio::test]
async fn provider_outage_shows_couldnt_send_and_retry_works() {
    let p = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&p)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"sid": "SMok"})))
        .mount(&p)
        .await;
    let t = spawn_with(settings_for(&p)).await;
    let c = client();
    let page = after_password(&c, &t.base_url, ENFORCED_USER).await;
    let desc = page.text("#idDiv_SAASDS_Description").unwrap();
    assert!(
        desc.starts_with("We couldn't send a text message to your phone. Please try again."),
        "{desc}"
    );
    assert!(desc.contains("HTTP 503"), "{desc}");
    let page = submit(&c, &page, "#idSubmit_SAASDS_Retry", &[]).await;
    assert_eq!(page.text("#idDiv_SAOTCC_Title").unwrap(), "Enter code");
}

#[tokio::test]
async fn slow_or_absent_provider_counts_as_an_outage() {
    let p = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_delay(Duration::from_secs(3)))
        .mount(&p)
        .await;
    let t = spawn_with(settings_for(&p)).await;
    enable_mfa(&t, CALL_USER.0);
    let c = client();
    let page = after_password(&c, &t.base_url, CALL_USER).await;
    let page = proof_up_step1(&c, &page, "2065550102", "call").await;
    let desc = page.text("#idDiv_SAASDS_Description").unwrap();
    assert!(
        desc.starts_with("We couldn't call your phone. Please try again."),
        "{desc}"
    );
    assert!(desc.contains("did not answer in time"), "{desc}");

    // Nothing listening at all.
    let t2 = spawn_with(Settings {
        telephony: TelephonySettings {
            base_url: Some("http://127.0.0.1:9".into()),
            ..TelephonySettings::default()
        },
        ..Settings::default()
    })
    .await;
    let page = after_password(&client(), &t2.base_url, ENFORCED_USER).await;
    assert!(page
        .text("#idDiv_SAASDS_Description")
        .unwrap()
        .contains("unreachable"));
}

#[tokio::test]
async fn unanswered_call_times_out_and_wrong_key_is_retried() {
    let p = provider().await;
    // The provider reports the first call unanswered, as Twilio's status
    // callback does: no wall-clock time-out that a loaded machine could
    // also reach on the second call.
    let t = spawn_with(settings_for(&p)).await;
    enable_mfa(&t, CALL_USER.0);
    let c = client();
    let page = after_password(&c, &t.base_url, CALL_USER).await;
    let page = proof_up_step1(&c, &page, "2065550102", "call").await;
    let calls = sent(&p, "Calls").await;
    let callback = field(calls.last().expect("a call was placed"), "StatusCallback");
    let reported = reqwest::Client::new()
        .post(callback)
        .form(&[("CallStatus", "no-answer")])
        .send()
        .await
        .unwrap();
    assert!(reported.status().is_success());
    let page = submit(&c, &page, "#tfa_verify", &[]).await;
    assert!(page
        .text("#idDiv_SAASTO_Description")
        .unwrap()
        .contains("didn't receive the expected response"));

    // Call again; a wrong key is refused and the menu repeats; # then verifies.
    let page = submit(&c, &page, "#idSubmit_SAASTO_Retry", &[]).await;
    assert!(page
        .text("#tfa_step")
        .unwrap()
        .starts_with("Step 2: We're calling"));
    let said = answer_call(&p, "5").await;
    assert!(
        said.contains("<Gather"),
        "the menu is offered again after a wrong key: {said}"
    );
    let said = answer_call(&p, "#").await;
    assert!(said.contains("successfully verified"), "{said}");
    let page = submit(&c, &page, "#tfa_verify", &[]).await;
    assert!(page.text("#tfa_step").unwrap().starts_with("Step 3"));
}

#[tokio::test]
async fn fraud_alert_blocks_sign_in() {
    let p = provider().await;
    let t = spawn_with(settings_for(&p)).await;
    enable_mfa(&t, CALL_USER.0);
    let c = client();
    let page = after_password(&c, &t.base_url, CALL_USER).await;
    let page = proof_up_step1(&c, &page, "2065550102", "call").await;
    answer_call(&p, "0#").await;
    let page = submit(&c, &page, "#tfa_verify", &[]).await;
    assert!(page
        .text("#idDiv_SAASDS_Description")
        .unwrap()
        .contains("fraud alert"));
    let page = after_password(&client(), &t.base_url, CALL_USER).await;
    assert_eq!(
        page.text("#idDiv_SAASDS_Title").unwrap(),
        "Your sign-in was blocked"
    );
}

#[tokio::test]
async fn sign_in_sees_a_status_change_only_after_propagation() {
    let p = provider().await;
    // Long enough that a loaded machine signs in well before it.
    let t = spawn_with(Settings {
        propagation_delay: Duration::from_secs(2),
        ..settings_for(&p)
    })
    .await;
    let upn = enable_mfa(&t, SMS_USER.0);
    assert_eq!(
        t.tenant().user(&upn).unwrap().admin_view.status,
        MfaStatus::Enabled
    );
    // Not yet effective: the password alone still signs in.
    let page = after_password(&client(), &t.base_url, SMS_USER).await;
    assert!(page.has("#KmsiDescription"), "change not yet effective");
    // Bounded wait until it is.
    eventually(
        Duration::from_secs(5),
        "still not effective after 5 s",
        async || {
            let page = after_password(&client(), &t.base_url, SMS_USER).await;
            page.has("#idSubmit_ProofUp_Redirect").then_some(())
        },
    )
    .await;
}

#[test]
fn a_malformed_tenant_file_names_file_line_and_field() {
    let dir = std::env::temp_dir().join(format!("docproof-tenant-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tenant.toml");
    let good = std::fs::read_to_string(fixture_path()).unwrap();
    std::fs::write(
        &path,
        good.replace("mfa = \"enforced\"", "mfa = \"sometimes\""),
    )
    .unwrap();
    let err = TenantFile::load(&path).unwrap_err().to_string();
    let line = good
        .lines()
        .position(|l| l == "mfa = \"enforced\"")
        .unwrap()
        + 1;
    assert!(
        err.starts_with(&format!("{}:{line}: field `users[4].mfa`", path.display())),
        "{err}"
    );
    assert!(err.contains("use disabled, enabled or enforced"), "{err}");

    std::fs::write(&path, "[tenant\nid = 1").unwrap();
    let err = TenantFile::load(&path).unwrap_err().to_string();
    assert!(err.starts_with(&format!("{}:1", path.display())), "{err}");

    let err = TenantFile::load(&dir.join("missing.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("cannot read the tenant file") && err.contains("--tenant"),
        "{err}"
    );
    // One folder per test process: leave none behind.
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn dont_ask_again_remembers_the_browser_until_the_admin_restores_mfa() {
    let p = provider().await;
    let t = spawn_with(settings_for(&p)).await;
    let c = client();
    let page = after_password(&c, &t.base_url, ENFORCED_USER).await;
    assert_eq!(
        page.text("label[for=idChkBx_SAOTCC_TD]").unwrap(),
        "Don't ask again for 14 days"
    );
    let code = latest_code(&p, "+12065550104").await;
    let page = submit(
        &c,
        &page,
        "#idSubmit_SAOTCC_Continue",
        &[("otc", &code), ("rememberMFA", "true")],
    )
    .await;
    assert!(page.has("#KmsiDescription"));
    // The same browser skips the code; another browser does not.
    let page = after_password(&c, &t.base_url, ENFORCED_USER).await;
    assert!(
        page.has("#KmsiDescription"),
        "remembered browser skips the second factor"
    );
    let other = after_password(&client(), &t.base_url, ENFORCED_USER).await;
    assert!(other.has("#idDiv_SAOTCC_Title"));
    assert_eq!(sent(&p, "Messages").await.len(), 2);

    // Manage user settings > Restore MFA on all remembered devices.
    let admin = admin_client(&t).await;
    let url = format!(
        "{}/UserManagement/MultifactorVerification.aspx?selected={}&dialog=manage",
        t.base_url, ENFORCED_USER.0
    );
    let dialog = get(&admin, &url).await;
    let done = submit(
        &admin,
        &dialog,
        "#mfa-dialog-confirm",
        &[("restore_devices", "true")],
    )
    .await;
    assert!(done.html.contains("Updates successful"), "{}", done.html);
    let page = after_password(&c, &t.base_url, ENFORCED_USER).await;
    assert!(page.has("#idDiv_SAOTCC_Title"), "asked again after restore");
}

#[tokio::test]
async fn the_user_is_chosen_once_per_flow() {
    let t = spawn_tenant().await;
    let c = client();
    let page = to_password_page(&c, &t.base_url, SMS_USER.0).await;
    // A second username posted into the same flow does not switch users.
    let token = page.attr("input[name=flowToken]", "value").unwrap();
    let switched = Page::from(
        c.post(format!("{}/common/login", t.base_url))
            .form(&[
                ("loginfmt", ADMIN.0),
                ("flowToken", token.as_str()),
                ("canary", token.as_str()),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(switched.text("#displayName").unwrap(), SMS_USER.0);
    let page = submit(&c, &switched, "#idSIButton9", &[("passwd", ADMIN.1)]).await;
    assert!(
        page.has("#passwordError"),
        "the admin's password is not the SMS user's"
    );
    let page = submit(&c, &page, "#idSIButton9", &[("passwd", SMS_USER.1)]).await;
    let owa = submit(&c, &page, "#idSIButton9", &[]).await;
    assert!(owa.text("#owa_user").unwrap().contains(SMS_USER.0));
}

#[tokio::test]
async fn sign_in_returns_only_to_local_paths() {
    let t = spawn_tenant().await;
    for target in [
        "//evil.example/",
        "/\\evil.example/",
        "https://evil.example/",
    ] {
        let c = client();
        let url = format!(
            "{}{}",
            t.base_url,
            docproof_contract::routes::sign_in_url(target)
        );
        let page = after_password_from(&c, &url, SMS_USER).await;
        let landed = submit(&c, &page, "#idSIButton9", &[]).await;
        assert!(
            landed.url.starts_with(&t.base_url),
            "{target} led to {}",
            landed.url
        );
        assert!(
            landed.url.ends_with("/owa"),
            "{target} led to {}",
            landed.url
        );
    }
}

#[tokio::test]
async fn a_fraud_alert_ends_open_sessions_too() {
    let t = spawn_tenant().await;
    let c = client();
    let owa = Page::from(sign_in(&c, &t.base_url, CALL_USER.0, CALL_USER.1, "/owa").await).await;
    assert!(owa.has("#owa_user"));
    let call = start_call(&t);
    t.tenant().press_keys(&call, "0#");
    let owa = get(&c, &format!("{}/owa", t.base_url)).await;
    assert_eq!(owa.status, 403);
    assert_eq!(
        owa.text("#idDiv_SAASDS_Title").unwrap(),
        "Your sign-in was blocked"
    );
}

/// Every sign-in form carries a `canary` beside its `flowToken`: a form
/// without it, or with another flow's, is refused like a forged request.
#[tokio::test]
async fn the_canary_is_checked_like_the_flow_token() {
    let t = spawn_tenant().await;
    let c = client();
    let page = to_password_page(&c, &t.base_url, SMS_USER.0).await;
    let (url, fields) = form_submission(&page, "#idSIButton9", &[("passwd", SMS_USER.1)]);
    let canary = |value: Option<&str>| -> Vec<(String, String)> {
        fields
            .iter()
            .filter(|(k, _)| k != "canary")
            .cloned()
            .chain(value.map(|v| ("canary".to_string(), v.to_string())))
            .collect()
    };
    for (what, form) in [
        ("no canary", canary(None)),
        ("an empty canary", canary(Some(""))),
        ("a forged canary", canary(Some("forged"))),
    ] {
        let refused = Page::from(c.post(url.clone()).form(&form).send().await.unwrap()).await;
        assert_eq!(refused.status, 400, "{what}");
        assert!(
            refused.has("#idDiv_Error_Title"),
            "{what}: {}",
            refused.html
        );
        assert!(refused.html.contains("canary"), "{what}");
    }
    // The page's own form, canary and all, still signs in.
    let next = Page::from(c.post(url).form(&fields).send().await.unwrap()).await;
    assert_eq!(next.status, 200);
    assert!(
        !next.has("#idDiv_Error_Title") && !next.has("#passwordError"),
        "{}",
        next.html
    );
}

/// Smart lockout: after LOCKOUT_THRESHOLD wrong passwords the account is
/// locked (AADSTS50053), the right password included, until the lockout
/// period ends; other accounts are not affected.
#[tokio::test]
async fn smart_lockout_locks_an_account_after_ten_wrong_passwords() {
    use docproof_simulator::state::LOCKOUT_THRESHOLD;
    let lockout = Duration::from_secs(2);
    let t = spawn_with(Settings {
        lockout_duration: lockout,
        ..Settings::default()
    })
    .await;
    let c = client();
    let mut page = to_password_page(&c, &t.base_url, SMS_USER.0).await;
    let error = |p: &Page| p.text("#passwordError").unwrap_or_default();
    // A right password in between starts the count again.
    for _ in 1..LOCKOUT_THRESHOLD {
        page = submit(&c, &page, "#idSIButton9", &[("passwd", "Wrong-Guess-1")]).await;
        assert!(error(&page).contains("incorrect"), "{}", page.html);
    }
    assert!(t.tenant().sign_in(&upn(SMS_USER.0), SMS_USER.1).is_ok());
    for n in 1..=LOCKOUT_THRESHOLD {
        page = submit(&c, &page, "#idSIButton9", &[("passwd", "Wrong-Guess-1")]).await;
        assert!(
            error(&page).contains("incorrect"),
            "wrong password {n}: {}",
            page.html
        );
    }
    let locked = submit(&c, &page, "#idSIButton9", &[("passwd", SMS_USER.1)]).await;
    assert!(error(&locked).contains("AADSTS50053"), "{}", locked.html);
    assert!(error(&locked).contains("locked"), "{}", locked.html);
    // Another account signs in as usual.
    let past_password =
        |p: &Page| p.status == 200 && !p.has("#passwordError") && !p.has("#idDiv_Error_Title");
    let other_browser = client();
    let other = to_password_page(&other_browser, &t.base_url, CALL_USER.0).await;
    let other = submit(
        &other_browser,
        &other,
        "#idSIButton9",
        &[("passwd", CALL_USER.1)],
    )
    .await;
    assert!(past_password(&other), "{}", other.html);

    tokio::time::sleep(lockout + Duration::from_millis(200)).await;
    let after = submit(&c, &locked, "#idSIButton9", &[("passwd", SMS_USER.1)]).await;
    assert!(past_password(&after), "{}", after.html);
}
