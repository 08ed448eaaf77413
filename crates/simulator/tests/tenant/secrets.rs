//! Secrets never reach the logs: every log line the tenant writes during a
//! whole FAQ 3.1 walk (wrong password, proof-up by text, app password, Graph,
//! basic auth) is captured and searched for each secret it handled.

use crate::common::*;
use docproof_contract::domain::{MfaStatus, Upn};
use docproof_simulator::{Settings, TelephonySettings};
use std::io::Write;
use std::sync::{Arc, Mutex};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// current_thread: the tenant's tasks run on this thread, under this
// thread's log subscriber.
#[tokio::test(flavor = "current_thread")]
async fn no_password_code_app_password_or_token_is_logged() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let provider = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"sid": "SMlog"})))
        .mount(&provider)
        .await;
    let t = spawn_with(Settings {
        telephony: TelephonySettings {
            base_url: Some(provider.uri()),
            ..TelephonySettings::default()
        },
        ..Settings::default()
    })
    .await;
    let upn = Upn::parse(SMS_USER.0).unwrap();
    t.tenant().set_mfa_status(&upn, MfaStatus::Enabled);

    let c = client();
    let page = get(&c, &format!("{}/owa", t.base_url)).await;
    let flow_token = page.attr("input[name=flowToken]", "value").unwrap();
    let page = submit(&c, &page, "#idSIButton9", &[("loginfmt", SMS_USER.0)]).await;
    let page = submit(&c, &page, "#idSIButton9", &[("passwd", "Wrong-Guess-123")]).await;
    let page = submit(&c, &page, "#idSIButton9", &[("passwd", SMS_USER.1)]).await;
    let page = proof_up_step1(&c, &page, "2065550101", "text").await;
    let requests = provider.received_requests().await.unwrap();
    let sms: Vec<(String, String)> = url::form_urlencoded::parse(&requests[0].body)
        .into_owned()
        .collect();
    let body = &sms.iter().find(|(k, _)| k == "Body").unwrap().1;
    let code = docproof_contract::domain::code_in(body).expect("a six-digit code in the text");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let page = submit(&c, &page, "#tfa_verify", &[("otc", wrong)]).await;
    let page = submit(&c, &page, "#tfa_verify", &[("otc", &code)]).await;
    let app_password = page.text("#tfa_app_password").unwrap();
    submit(&c, &page, "#tfa_done", &[]).await;

    let http = reqwest::Client::new();
    let client_secret = APP.1;
    let access_token = token_for(&t.base_url, APP).await;
    let got = http
        .get(format!(
            "{}/beta/users/{}/authentication/requirements",
            t.base_url, SMS_USER.0
        ))
        .bearer_auth(&access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    for password in [app_password.as_str(), SMS_USER.1] {
        http.post(format!("{}/EWS/Exchange.asmx", t.base_url))
            .basic_auth(SMS_USER.0, Some(password))
            .send()
            .await
            .unwrap();
    }

    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    // The capture works: these events are there...
    assert!(logs.contains("verification text sent"), "{logs}");
    assert!(logs.contains("MFA registration completed"), "{logs}");
    // ...and no secret is.
    for (what, secret) in [
        ("account password", SMS_USER.1),
        ("wrong password", "Wrong-Guess-123"),
        ("one-time code", code.as_str()),
        ("app password", app_password.as_str()),
        ("flowToken", flow_token.as_str()),
        ("Graph client secret", client_secret),
        ("Graph access token", access_token.as_str()),
    ] {
        assert!(
            !logs.contains(secret),
            "the {what} appears in the logs:\n{logs}"
        );
    }
}
