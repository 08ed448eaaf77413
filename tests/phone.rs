//! The test's side of the phone: the wiremock telephony provider on its own
//! (Twilio-shaped requests posted directly), then end to end with the
//! simulator texting and calling through it.

#[path = "../crates/simulator/tests/tenant/common.rs"]
mod common;

use common::{after_password, client, spawn_with, submit, upn, Page, CALL_USER, ENFORCED_USER};
use docproof::phone::{code_in, PhoneError, PlacedCall, TelephonyProvider, Text};
use docproof_contract::domain::MfaStatus;
use docproof_simulator::{RunningTenant, Settings};
use serde_json::Value;
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ACCOUNT: &str = "AC00000000000000000000000000000001";
const SHORT: Duration = Duration::from_millis(100);
const PATIENT: Duration = Duration::from_secs(5);

// ------------------------------------------------------------- provider

async fn post_to(
    provider: &TelephonyProvider,
    resource: &str,
    form: &[(&str, &str)],
    auth: bool,
) -> (u16, Value) {
    let url = format!(
        "{}/2010-04-01/Accounts/{ACCOUNT}/{resource}.json",
        provider.base_url()
    );
    let mut req = reqwest::Client::new().post(url).form(form);
    if auth {
        req = req.basic_auth(ACCOUNT, Some("token"));
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn send_text(provider: &TelephonyProvider, to: &str, body: &str) -> (u16, Value) {
    post_to(
        provider,
        "Messages",
        &[("To", to), ("From", "+1 4255550100"), ("Body", body)],
        true,
    )
    .await
}

async fn place_call(provider: &TelephonyProvider, to: &str, twiml_url: &str) -> (u16, Value) {
    post_to(
        provider,
        "Calls",
        &[
            ("To", to),
            ("From", "+14255550100"),
            ("Url", twiml_url),
            ("Method", "POST"),
            ("StatusCallback", "http://127.0.0.1:9/status"),
            ("Timeout", "120"),
        ],
        true,
    )
    .await
}

fn is_sid(v: &Value, prefix: &str) -> bool {
    v.as_str().is_some_and(|s| {
        s.len() == 34 && s.starts_with(prefix) && s[2..].chars().all(|c| c.is_ascii_hexdigit())
    })
}

#[tokio::test]
async fn texts_are_answered_in_twilios_shape_and_logged() {
    let p = TelephonyProvider::start().await;
    let body = "Use verification code 123456 for Microsoft authentication.";
    let (status, json) = send_text(&p, "+1 2065550101", body).await;
    assert_eq!(status, 201, "{json}");
    assert!(is_sid(&json["sid"], "SM"), "{json}");
    assert_eq!(json["account_sid"], ACCOUNT);
    assert_eq!(json["to"], "+12065550101");
    assert_eq!(json["from"], "+14255550100");
    assert_eq!(json["body"], body);
    assert_eq!(json["status"], "queued");
    assert_eq!(json["direction"], "outbound-api");
    assert_eq!(json["api_version"], "2010-04-01");
    assert!(json["error_code"].is_null() && json["error_message"].is_null());
    assert_eq!(json["num_segments"], "1");

    let texts = p.texts().await;
    assert_eq!(
        texts,
        [Text {
            sid: json["sid"].as_str().unwrap().to_string(),
            to: "+12065550101".into(),
            from: "+14255550100".into(),
            body: body.into(),
        }]
    );
    assert!(p.calls().await.is_empty());
}

#[tokio::test]
async fn calls_are_answered_in_twilios_shape_and_logged() {
    let p = TelephonyProvider::start().await;
    let (status, json) = place_call(&p, "+1 2065550102", "http://t.example/voice/1/twiml").await;
    assert_eq!(status, 201, "{json}");
    assert!(is_sid(&json["sid"], "CA"), "{json}");
    assert_eq!(json["status"], "queued");
    assert_eq!(json["to"], "+12065550102");
    assert_eq!(json["direction"], "outbound-api");

    let calls = p.calls().await;
    assert_eq!(
        calls,
        [PlacedCall {
            sid: json["sid"].as_str().unwrap().to_string(),
            account_sid: ACCOUNT.into(),
            to: "+12065550102".into(),
            from: "+14255550100".into(),
            twiml_url: "http://t.example/voice/1/twiml".into(),
            method: "POST".into(),
            status_callback: Some("http://127.0.0.1:9/status".into()),
            timeout_secs: Some(120),
        }]
    );
    assert!(p.texts().await.is_empty());
}

#[tokio::test]
async fn requests_without_basic_auth_get_twilios_401_and_deliver_nothing() {
    let p = TelephonyProvider::start().await;
    for resource in ["Messages", "Calls"] {
        let (status, json) = post_to(
            &p,
            resource,
            &[
                ("To", "+12065550101"),
                ("From", "+14255550100"),
                ("Body", "hi"),
            ],
            false,
        )
        .await;
        assert_eq!(status, 401, "{resource}: {json}");
        assert_eq!(json["code"], 20003);
        assert_eq!(json["message"], "Authenticate");
        assert_eq!(json["status"], 401);
    }
    assert!(p.texts().await.is_empty() && p.calls().await.is_empty());
}

#[tokio::test]
async fn missing_fields_get_twilios_400() {
    let p = TelephonyProvider::start().await;
    let (status, json) = post_to(&p, "Messages", &[("To", "+12065550101")], true).await;
    assert_eq!(status, 400);
    assert_eq!(json["code"], 21603, "{json}");
    let (status, json) = post_to(
        &p,
        "Messages",
        &[("To", "+12065550101"), ("From", "+14255550100")],
        true,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(json["code"], 21602, "{json}");
    let (status, json) = post_to(
        &p,
        "Calls",
        &[("To", "+12065550101"), ("From", "+14255550100")],
        true,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(json["code"], 21205, "{json}");
    assert!(p.texts().await.is_empty() && p.calls().await.is_empty());
}

#[test]
fn code_in_finds_the_standalone_six_digit_code() {
    assert_eq!(
        code_in("Use verification code 123456 for Microsoft authentication.").as_deref(),
        Some("123456")
    );
    assert_eq!(code_in("Code:654321").as_deref(), Some("654321"));
    assert_eq!(code_in("call +12065550101 or use 1234567"), None);
    assert_eq!(code_in("12345 then 000042.").as_deref(), Some("000042"));
    assert_eq!(code_in("no code here"), None);
}

#[test]
fn a_texts_debug_never_shows_the_code() {
    let text = Text {
        sid: "SM0".into(),
        to: "+12065550101".into(),
        from: "+14255550100".into(),
        body: "Use verification code 123456 for Microsoft authentication. Ref 12345678".into(),
    };
    let shown = format!("{text:?}");
    assert!(!shown.contains("123456"), "{shown}");
    assert!(
        shown.contains("Use verification code •••••• for Microsoft authentication. Ref ••••••"),
        "{shown}"
    );
    // Numbers keep their digits: only the body is redacted.
    assert!(shown.contains("+12065550101"), "{shown}");
}

#[tokio::test]
async fn wait_for_text_compares_numbers_by_digits_and_skips_those_seen() {
    let p = TelephonyProvider::start().await;
    send_text(&p, "+1 2065550101", "first 111111").await;
    send_text(&p, "+1 2065550199", "other 222222").await;
    send_text(&p, "+12065550101", "second 333333").await;
    let first = p.wait_for_text("+12065550101", 0, SHORT).await.unwrap();
    assert_eq!(code_in(&first.body).as_deref(), Some("111111"));
    let second = p.wait_for_text("+1 2065550101", 1, SHORT).await.unwrap();
    assert_eq!(code_in(&second.body).as_deref(), Some("333333"));
}

#[tokio::test]
async fn wait_for_text_says_which_number_got_nothing_and_where_texts_went() {
    let p = TelephonyProvider::start().await;
    send_text(&p, "+1 2065550199", "elsewhere").await;
    send_text(&p, "+1 2065550198", "elsewhere").await;
    let started = Instant::now();
    let err = p
        .wait_for_text("+1 2065550101", 0, SHORT)
        .await
        .unwrap_err();
    let waited = started.elapsed();
    assert!(
        waited >= SHORT && waited < Duration::from_secs(1),
        "{waited:?}"
    );
    assert_eq!(
        err.to_string(),
        "no text message reached +1 2065550101 within 0.1 s (2 texts went to other numbers)"
    );
    assert!(matches!(
        err,
        PhoneError::NoText {
            texts_to_others: 2,
            seen: 0,
            ..
        }
    ));

    send_text(&p, "+1 2065550101", "mine").await;
    let err = p
        .wait_for_text("+1 2065550101", 1, SHORT)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "no new text message reached +1 2065550101 within 0.1 s after the 1 text already seen (2 texts went to other numbers)"
    );
    let err = p
        .wait_for_call("+1 2065550101", 0, SHORT)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "no call reached +1 2065550101 within 0.1 s (no calls went to other numbers)"
    );
}

#[tokio::test]
async fn an_outage_answers_its_status_and_delivers_nothing_until_recover() {
    let p = TelephonyProvider::start().await;
    p.fail_texts(503).await;
    p.fail_calls(500).await;
    let (status, json) = send_text(&p, "+12065550101", "lost 123456").await;
    assert_eq!(status, 503);
    assert_eq!(json["code"], 20503, "{json}");
    assert_eq!(json["message"], "Service Unavailable");
    let (status, _) = place_call(&p, "+12065550102", "http://t.example/twiml").await;
    assert_eq!(status, 500);
    // Still a 401 without credentials, outage or not.
    let (status, _) = post_to(&p, "Messages", &[("To", "+1")], false).await;
    assert_eq!(status, 401);
    assert!(p.texts().await.is_empty() && p.calls().await.is_empty());
    assert!(p.wait_for_text("+12065550101", 0, SHORT).await.is_err());

    // A later fault on texts replaces the earlier one.
    p.fail_texts(429).await;
    assert_eq!(send_text(&p, "+12065550101", "lost").await.0, 429);

    p.recover().await;
    assert_eq!(send_text(&p, "+12065550101", "kept 654321").await.0, 201);
    assert_eq!(
        place_call(&p, "+12065550102", "http://t.example/twiml")
            .await
            .0,
        201
    );
    let texts = p.texts().await;
    assert_eq!(texts.len(), 1);
    assert_eq!(code_in(&texts[0].body).as_deref(), Some("654321"));
    assert_eq!(p.calls().await.len(), 1);
}

#[tokio::test]
async fn a_delayed_text_arrives_once_its_answer_goes_out() {
    let p = TelephonyProvider::start().await;
    let delay = Duration::from_millis(300);
    p.delay_texts(delay).await;
    let started = Instant::now();
    let url = p.base_url();
    let sender = tokio::spawn(async move {
        reqwest::Client::new()
            .post(format!("{url}/2010-04-01/Accounts/{ACCOUNT}/Messages.json"))
            .basic_auth(ACCOUNT, Some("token"))
            .form(&[
                ("To", "+12065550101"),
                ("From", "+14255550100"),
                ("Body", "slow"),
            ])
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    });
    let text = p.wait_for_text("+12065550101", 0, PATIENT).await.unwrap();
    assert!(started.elapsed() >= delay, "{:?}", started.elapsed());
    assert_eq!(text.body, "slow");
    assert_eq!(sender.await.unwrap(), 201);
    p.recover().await;
    let started = Instant::now();
    assert_eq!(send_text(&p, "+12065550101", "fast").await.0, 201);
    assert!(started.elapsed() < delay);
}

// ------------------------------------------------- answering, on a mock

/// A call whose TwiML lives at `{server}/twiml`.
fn call_to(server: &MockServer, status_callback: Option<String>) -> PlacedCall {
    PlacedCall {
        sid: "CA0123456789abcdef0123456789abcdef".into(),
        account_sid: ACCOUNT.into(),
        to: "+12065550102".into(),
        from: "+14255550100".into(),
        twiml_url: format!("{}/twiml", server.uri()),
        method: "POST".into(),
        status_callback,
        timeout_secs: Some(60),
    }
}

fn xml(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "text/xml")
        .set_body_string(format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>"#
        ))
}

async fn serve(server: &MockServer, at: &str, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(at))
        .respond_with(answer)
        .mount(server)
        .await;
}

fn form_of(req: &wiremock::Request) -> Vec<(String, String)> {
    url::form_urlencoded::parse(&req.body)
        .into_owned()
        .collect()
}

#[tokio::test]
async fn answering_plays_the_menu_presses_keys_and_hears_the_rest() {
    let p = TelephonyProvider::start().await;
    let menu = MockServer::start().await;
    serve(
        &menu,
        "/twiml",
        xml(r#"<Say>Hello.</Say><Gather action="keys" numDigits="1" finishOnKey=""><Say>Press pound.</Say></Gather><Say>No response. Goodbye.</Say><Hangup/>"#),
    )
    .await;
    serve(
        &menu,
        "/keys",
        xml("<Say>Verified. Goodbye.</Say><Hangup/>"),
    )
    .await;
    let answer = p.answer(&call_to(&menu, None), "#").await.unwrap();
    assert_eq!(answer.said, ["Hello.", "Press pound."]);
    assert_eq!(answer.after_keys, ["Verified. Goodbye."]);
    assert!(answer.hung_up && !answer.gathers_again);

    let requests = menu.received_requests().await.unwrap();
    let twiml = form_of(&requests[0]);
    for field in [
        ("CallSid", "CA0123456789abcdef0123456789abcdef"),
        ("CallStatus", "in-progress"),
        ("From", "+14255550100"),
        ("To", "+12065550102"),
    ] {
        assert!(
            twiml.contains(&(field.0.into(), field.1.into())),
            "{field:?} in {twiml:?}"
        );
    }
    assert_eq!(requests[1].url.path(), "/keys");
    assert!(form_of(&requests[1]).contains(&("Digits".into(), "#".into())));
}

#[tokio::test]
async fn pound_is_not_sent_when_the_gather_finishes_on_it_as_on_twilio() {
    let p = TelephonyProvider::start().await;
    let menu = MockServer::start().await;
    // Twilio's default finishOnKey is '#': pressing '#' alone sends nothing
    // and the call goes on after the <Gather>.
    serve(
        &menu,
        "/twiml",
        xml(r#"<Gather action="/keys"><Say>Press pound.</Say></Gather><Say>We didn't receive a response. Goodbye.</Say><Hangup/>"#),
    )
    .await;
    let answer = p.answer(&call_to(&menu, None), "#").await.unwrap();
    assert_eq!(
        answer.after_keys,
        ["We didn't receive a response. Goodbye."]
    );
    assert!(answer.hung_up);
    assert_eq!(menu.received_requests().await.unwrap().len(), 1);
    // Keys before the finishing key are sent without it.
    serve(&menu, "/keys", xml("<Say>Again.</Say><Gather/>")).await;
    let answer = p.answer(&call_to(&menu, None), "12#3").await.unwrap();
    assert!(answer.gathers_again && !answer.hung_up);
    let requests = menu.received_requests().await.unwrap();
    assert!(form_of(requests.last().unwrap()).contains(&("Digits".into(), "12".into())));
}

#[tokio::test]
async fn a_broken_voice_menu_is_reported_with_its_url_and_what_came_back() {
    let p = TelephonyProvider::start().await;
    let menu = MockServer::start().await;
    let url = format!("{}/twiml", menu.uri());
    let long = "x".repeat(500);
    let cases: [(ResponseTemplate, &str); 3] = [
        (
            ResponseTemplate::new(500).set_body_string(format!("boom {long}")),
            "answered HTTP 500: boom",
        ),
        (
            ResponseTemplate::new(200).set_body_string("<html><body>Sign in</body></html>"),
            "is not TwiML (the root element is <html>, not <Response>)",
        ),
        (
            xml("<Say>Goodbye.</Say><Hangup/>"),
            "never asks for a key (no <Gather>)",
        ),
    ];
    for (answer, expected) in cases {
        menu.reset().await;
        serve(&menu, "/twiml", answer).await;
        let err = p
            .answer(&call_to(&menu, None), "#")
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains(&url), "{err}");
        assert!(err.contains(expected), "{err}");
        assert!(err.len() < url.len() + 400, "not truncated: {err}");
    }

    let mut gone = call_to(&menu, None);
    gone.twiml_url = "http://127.0.0.1:9/voice/1/twiml".into();
    let err = p.answer(&gone, "#").await.unwrap_err();
    assert!(
        matches!(&err, PhoneError::TwimlUnreachable { url, .. } if url == "http://127.0.0.1:9/voice/1/twiml"),
        "{err}"
    );
    let err = p.answer(&gone, "5a").await.unwrap_err();
    assert!(matches!(err, PhoneError::BadKeys { .. }), "{err}");
}

#[tokio::test]
async fn ringing_out_posts_no_answer_to_the_status_callback() {
    let p = TelephonyProvider::start().await;
    let tenant = MockServer::start().await;
    serve(&tenant, "/status", ResponseTemplate::new(204)).await;
    let call = call_to(&tenant, Some(format!("{}/status", tenant.uri())));
    p.let_ring_out(&call).await.unwrap();
    let requests = tenant.received_requests().await.unwrap();
    let form = form_of(&requests[0]);
    assert!(
        form.contains(&("CallStatus".into(), "no-answer".into())),
        "{form:?}"
    );
    assert!(form.contains(&("CallSid".into(), call.sid.clone())));

    let err = p.let_ring_out(&call_to(&tenant, None)).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the call to +12065550102 (CA0123456789abcdef0123456789abcdef) has no StatusCallback, so nobody can be told it rang out"
    );
    let refusing = call_to(&tenant, Some(format!("{}/elsewhere", tenant.uri())));
    let err = p.let_ring_out(&refusing).await.unwrap_err();
    assert!(
        matches!(err, PhoneError::CallbackStatus { status: 404, .. }),
        "{err}"
    );
}

// ------------------------------------------------- end to end, simulator

async fn tenant_with(provider: &TelephonyProvider) -> RunningTenant {
    let mut settings = Settings::default();
    settings.telephony.base_url = Some(provider.base_url());
    spawn_with(settings).await
}

/// Per-user MFA Enabled for the call user (setup), then proof-up Step 1
/// with "Call me": Step 2.
async fn proof_up_by_call(c: &reqwest::Client, t: &RunningTenant) -> Page {
    t.tenant()
        .set_mfa_status(&upn(CALL_USER.0), MfaStatus::Enabled);
    let page = after_password(c, &t.base_url, CALL_USER).await;
    let page = submit(c, &page, "#idSubmit_ProofUp_Redirect", &[]).await;
    let page = submit(
        c,
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
        page.text("#tfa_step").as_deref(),
        Some("Step 2: We're calling your phone at +1 2065550102"),
        "{}",
        page.html
    );
    page
}

#[tokio::test]
async fn the_texted_code_signs_the_enforced_user_in_to_owa() {
    let p = TelephonyProvider::start().await;
    let t = tenant_with(&p).await;
    let c = client();
    let page = after_password(&c, &t.base_url, ENFORCED_USER).await;
    assert_eq!(
        page.text("#idDiv_SAOTCC_Title").as_deref(),
        Some("Enter code")
    );

    let text = p.wait_for_text("+1 2065550104", 0, PATIENT).await.unwrap();
    assert!(text.body.starts_with("Use verification code "), "{text:?}");
    assert_eq!(text.from, "+14255550100");
    let code = code_in(&text.body).expect("a code in the text");
    let page = submit(&c, &page, "#idSubmit_SAOTCC_Continue", &[("otc", &code)]).await;
    assert!(page.has("#KmsiDescription"), "{}", page.html);
    let owa = submit(&c, &page, "#idBtn_Back", &[]).await;
    assert!(owa.url.ends_with("/owa"), "{}", owa.url);
    assert!(owa.text("#owa_user").unwrap().contains(ENFORCED_USER.0));
    assert_eq!(p.texts().await.len(), 1);
}

#[tokio::test]
async fn a_text_outage_fails_the_sign_in_until_the_provider_recovers() {
    let p = TelephonyProvider::start().await;
    let t = tenant_with(&p).await;
    p.fail_texts(503).await;
    let c = client();
    let page = after_password(&c, &t.base_url, ENFORCED_USER).await;
    assert_eq!(
        page.text("#idDiv_SAASDS_Title").as_deref(),
        Some("We couldn't send a text message"),
        "{}",
        page.html
    );
    assert!(page
        .text("#idDiv_SAASDS_Description")
        .unwrap()
        .contains("HTTP 503"));
    assert!(
        p.texts().await.is_empty(),
        "a refused text is not delivered"
    );

    p.recover().await;
    let page = submit(&c, &page, "#idSubmit_SAASDS_Retry", &[]).await;
    assert_eq!(
        page.text("#idDiv_SAOTCC_Title").as_deref(),
        Some("Enter code")
    );
    let text = p.wait_for_text("+12065550104", 0, PATIENT).await.unwrap();
    let code = code_in(&text.body).unwrap();
    let page = submit(&c, &page, "#idSubmit_SAOTCC_Continue", &[("otc", &code)]).await;
    assert!(page.has("#KmsiDescription"), "{}", page.html);
}

#[tokio::test]
async fn proof_up_by_call_a_wrong_key_asks_again_and_pound_verifies() {
    let p = TelephonyProvider::start().await;
    let t = tenant_with(&p).await;
    let c = client();
    let page = proof_up_by_call(&c, &t).await;
    let call = p.wait_for_call("+1 2065550102", 0, PATIENT).await.unwrap();
    assert!(call.status_callback.is_some(), "{call:?}");

    let wrong = p.answer(&call, "1").await.unwrap();
    assert!(wrong.gathers_again && !wrong.hung_up, "{wrong:?}");
    assert_eq!(wrong.after_keys[0], "That key is not valid.");

    let answer = p.answer(&call, "#").await.unwrap();
    assert!(
        answer.said.iter().any(|s| s.contains("verification")),
        "{answer:?}"
    );
    assert_eq!(
        answer.after_keys,
        ["Your sign in was successfully verified. Goodbye."]
    );
    assert!(answer.hung_up && !answer.gathers_again);

    let page = submit(&c, &page, "#tfa_verify", &[]).await;
    assert_eq!(
        page.text("#tfa_step").as_deref(),
        Some("Step 3: Keep using your existing applications"),
        "{}",
        page.html
    );
    let owa = submit(&c, &page, "#tfa_done", &[]).await;
    assert!(owa.text("#owa_user").unwrap().contains(CALL_USER.0));
}

#[tokio::test]
async fn a_call_that_rings_out_shows_the_time_out_and_calling_again_works() {
    let p = TelephonyProvider::start().await;
    let t = tenant_with(&p).await;
    let c = client();
    let page = proof_up_by_call(&c, &t).await;
    let call = p.wait_for_call("+12065550102", 0, PATIENT).await.unwrap();
    p.let_ring_out(&call).await.unwrap();

    let page = submit(&c, &page, "#tfa_verify", &[]).await;
    assert_eq!(
        page.text("#idDiv_SAASTO_Title").as_deref(),
        Some("We didn't hear from you"),
        "{}",
        page.html
    );
    assert!(page
        .text("#idDiv_SAASTO_Description")
        .unwrap()
        .contains("The call wasn't answered, or the pound key (#) wasn't pressed."));
    // The rung-out call's menu says it is over.
    let late = p.answer(&call, "#").await;
    assert!(
        matches!(&late, Err(PhoneError::NoGather { .. })),
        "{late:?}"
    );

    let page = submit(&c, &page, "#idSubmit_SAASTO_Retry", &[]).await;
    assert!(page.status < 400, "{}", page.html);
    let again = p.wait_for_call("+12065550102", 1, PATIENT).await.unwrap();
    assert_ne!(again.sid, call.sid);
    let answer = p.answer(&again, "#").await.unwrap();
    assert!(answer.hung_up, "{answer:?}");
    let page = submit(&c, &page, "#tfa_verify", &[]).await;
    assert_eq!(
        page.text("#tfa_step").as_deref(),
        Some("Step 3: Keep using your existing applications"),
        "{}",
        page.html
    );
}
