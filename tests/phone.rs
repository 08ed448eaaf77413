//! The test's phone against the simulator's virtual carrier, through public
//! APIs only: the simulator is started with `spawn`, driven over HTTP (its
//! pages with the harness's HTTP driver and page objects, Graph, and the
//! carrier's Twilio API), and the phone talks Twilio's REST API plus
//! docproof's documented additions. wiremock stands in where a test needs a
//! provider or a voice menu that misbehaves on purpose.

use docproof::drive::http::HttpDriver;
use docproof::drive::Driver;
use docproof::pages::{proof_up, second_factor as sas, sign_in, Sites};
use docproof::phone::{code_in, Phone, PhoneError, PlacedCall, Text};
use docproof::target::{Account, Target};
use docproof_contract::domain::{MfaStatus, Secret};
use docproof_contract::twilio::{self, faults};
use docproof_contract::{graph, routes};
use docproof_simulator::{RunningTenant, Settings, TelephonySettings, TenantFile};
use serde_json::Value;
use std::path::Path;
use std::sync::LazyLock;
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SHORT: Duration = Duration::from_millis(100);
const PATIENT: Duration = Duration::from_secs(5);
const WAIT: Duration = Duration::from_secs(5);
const FIXTURE: &str = "fixtures/tenant.toml";
/// The seeded users' phones.
const SMS_PHONE: &str = "+12065550101";
const CALL_PHONE: &str = "+12065550102";
const ENFORCED_PHONE: &str = "+12065550104";

static SEED: LazyLock<TenantFile> =
    LazyLock::new(|| TenantFile::load(Path::new(FIXTURE)).expect("the fixture tenant file loads"));
static TARGET: LazyLock<Target> =
    LazyLock::new(|| Target::load(Path::new(FIXTURE)).expect("the fixture target loads"));

fn account(name: &str) -> Account {
    TARGET.account(name).expect("a seeded account").clone()
}

async fn tenant_with(settings: Settings) -> RunningTenant {
    docproof_simulator::spawn(SEED.clone(), settings, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("the tenant starts on port 0")
}

async fn tenant() -> RunningTenant {
    tenant_with(Settings::default()).await
}

/// The embedded carrier's base URL: the tenant's address and `/carrier`.
fn carrier_of(t: &RunningTenant) -> String {
    format!("{}{}", t.base_url, twilio::VIRTUAL_CARRIER)
}

/// The phone on the tenant's carrier, with the account the tenant uses.
fn phone_of(t: &RunningTenant) -> Phone {
    let telephony = TelephonySettings::default();
    Phone::new(
        &carrier_of(t),
        &telephony.account_sid,
        telephony.auth_token.clone(),
    )
}

/// Sends a text through the carrier, as a tenant does.
async fn send_text(t: &RunningTenant, to: &str, body: &str) {
    let telephony = TelephonySettings::default();
    let url = format!(
        "{}{}/Messages.json",
        carrier_of(t),
        twilio::account_uri(&telephony.account_sid)
    );
    let resp = reqwest::Client::new()
        .post(url)
        .basic_auth(&telephony.account_sid, Some(telephony.auth_token.expose()))
        .form(&[("To", to), ("From", "+1 4255550100"), ("Body", body)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
}

/// Places a call through the carrier whose voice menu is at `url`.
async fn place_call(t: &RunningTenant, to: &str, url: &str) -> String {
    let telephony = TelephonySettings::default();
    let resp = reqwest::Client::new()
        .post(format!(
            "{}{}/Calls.json",
            carrier_of(t),
            twilio::account_uri(&telephony.account_sid)
        ))
        .basic_auth(&telephony.account_sid, Some(telephony.auth_token.expose()))
        .form(&[("To", to), ("From", "+14255550100"), ("Url", url)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let json: Value = resp.json().await.unwrap();
    json["sid"].as_str().unwrap().to_string()
}

// ------------------------------------------------------------ reading texts

#[tokio::test]
async fn texts_are_read_by_number_oldest_first_skipping_those_seen() {
    let t = tenant().await;
    let phone = phone_of(&t);
    send_text(&t, "+1 2065550101", "first 111111").await;
    send_text(&t, "+1 2065550199", "other 222222").await;
    send_text(&t, SMS_PHONE, "second 333333").await;
    let first = phone.wait_for_text(SMS_PHONE, 0, SHORT).await.unwrap();
    assert_eq!(code_in(&first.body).as_deref(), Some("111111"));
    assert_eq!(
        (first.to.as_str(), first.from.as_str()),
        (SMS_PHONE, "+14255550100")
    );
    assert!(
        first.sid.starts_with("SM") && first.sid.len() == 34,
        "{first:?}"
    );
    let second = phone
        .wait_for_text("+1 (206) 555-0101", 1, SHORT)
        .await
        .unwrap();
    assert_eq!(code_in(&second.body).as_deref(), Some("333333"));
    let (newest, delivered) = phone
        .wait_for_newest_text(SMS_PHONE, 0, SHORT)
        .await
        .unwrap();
    assert_eq!((newest, delivered), (second, 2));
    assert_eq!(phone.texts(SMS_PHONE).await.unwrap().len(), 2);
    assert!(phone.texts(CALL_PHONE).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_text_sent_while_the_phone_waits_is_read_when_it_arrives() {
    let t = tenant().await;
    let phone = phone_of(&t);
    let later = Duration::from_millis(300);
    let started = Instant::now();
    let sender = async {
        tokio::time::sleep(later).await;
        send_text(
            &t,
            SMS_PHONE,
            "Use verification code 424242 for Microsoft authentication.",
        )
        .await;
    };
    let (text, ()) = tokio::join!(phone.wait_for_text(SMS_PHONE, 0, PATIENT), sender);
    assert!(started.elapsed() >= later, "{:?}", started.elapsed());
    assert_eq!(code_in(&text.unwrap().body).as_deref(), Some("424242"));
}

#[tokio::test]
async fn waiting_for_a_text_times_out_naming_the_number_and_where_texts_went() {
    let t = tenant().await;
    let phone = phone_of(&t);
    send_text(&t, "+1 2065550199", "elsewhere").await;
    send_text(&t, "+1 2065550198", "elsewhere").await;
    let started = Instant::now();
    let err = phone
        .wait_for_text("+1 2065550101", 0, SHORT)
        .await
        .unwrap_err();
    let waited = started.elapsed();
    assert!(
        waited >= SHORT && waited < Duration::from_secs(2),
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

    send_text(&t, "+1 2065550101", "mine").await;
    let err = phone
        .wait_for_text("+1 2065550101", 1, SHORT)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "no new text message reached +1 2065550101 within 0.1 s after the 1 text already seen (2 texts went to other numbers)"
    );
    let err = phone
        .wait_for_call("+1 2065550101", 0, SHORT)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "no call reached +1 2065550101 within 0.1 s (no calls went to other numbers)"
    );
}

#[tokio::test]
async fn the_provider_refusing_the_phones_credentials_is_named() {
    let t = tenant().await;
    let telephony = TelephonySettings::default();
    let phone = Phone::new(
        &carrier_of(&t),
        &telephony.account_sid,
        Secret::new("not-the-token"),
    );
    let err = phone.texts(SMS_PHONE).await.unwrap_err();
    assert!(
        matches!(
            &err,
            PhoneError::Refused {
                status: 401,
                code: Some(20003),
                ..
            }
        ),
        "{err}"
    );
    let shown = err.to_string();
    assert!(
        shown.contains("HTTP 401 (Twilio error 20003: Authenticate)"),
        "{shown}"
    );
    assert!(!shown.contains("not-the-token") && !shown.contains("docproof-carrier-token"));
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

#[test]
fn a_phones_debug_never_shows_the_token() {
    let phone = Phone::new("http://p", "AC1", Secret::new("s3cret-token"));
    let shown = format!("{phone:?}");
    assert!(!shown.contains("s3cret-token"), "{shown}");
}

// ------------------------------------------------ the tenant's pages (HTTP)

/// Per-user MFA set as an admin's script would, through Graph.
async fn set_mfa(t: &RunningTenant, name: &str, status: MfaStatus) {
    let app = TARGET
        .app_with(graph::POLICY_READ_WRITE_AUTHENTICATION_METHOD)
        .unwrap();
    let http = reqwest::Client::new();
    let token: graph::TokenResponse = http
        .post(format!(
            "{}{}",
            t.base_url,
            routes::token_path(&TARGET.tenant_id)
        ))
        .form(&[
            ("grant_type", graph::CLIENT_CREDENTIALS),
            ("client_id", app.client_id.as_str()),
            ("client_secret", app.client_secret.expose()),
            ("scope", graph::DEFAULT_SCOPE),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let resp = http
        .patch(format!(
            "{}{}",
            t.base_url,
            graph::requirements_path(&account(name).upn)
        ))
        .bearer_auth(token.access_token)
        .json(&graph::Requirements {
            per_user_mfa_state: status,
        })
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
}

/// OWA → user name → password, over plain HTTP: the page after the password.
async fn signed_in(t: &RunningTenant, name: &str) -> HttpDriver {
    let user = account(name);
    let mut d = HttpDriver::new();
    d.goto(&Sites::simulator(&t.base_url, docproof_contract::profile::Profile::Faq2020).owa)
        .await
        .unwrap();
    sign_in::enter_credentials(&mut d, &user.upn, user.password.expose(), WAIT)
        .await
        .unwrap();
    d
}

/// o365.call, Enabled, through proof-up Step 1 with "Call me": the page
/// after Next.
async fn proof_up_by_call(t: &RunningTenant) -> HttpDriver {
    set_mfa(t, "o365.call", MfaStatus::Enabled).await;
    let mut d = signed_in(t, "o365.call").await;
    d.click(sign_in::PROOF_UP_NEXT).await.unwrap();
    d.choose(proof_up::CONTACT_METHOD, "Authentication Phone")
        .await
        .unwrap();
    d.choose(proof_up::COUNTRY, "United States (+1)")
        .await
        .unwrap();
    d.fill(proof_up::PHONE, "2065550102").await.unwrap();
    d.tick(proof_up::METHOD_CALL).await.unwrap();
    d.click(proof_up::NEXT).await.unwrap();
    d
}

async fn step(d: &mut HttpDriver) -> String {
    d.text(proof_up::STEP)
        .await
        .unwrap_or_else(|_| panic!("no proof-up step shows"))
}

/// The call-wait page's no-script "continue".
async fn past_call_wait(d: &mut HttpDriver) {
    d.click(sas::CALL_CONTINUE).await.unwrap();
}

// --------------------------------------------------------------- answering

#[tokio::test]
async fn proof_up_by_call_a_wrong_key_asks_again_and_pound_verifies() {
    let t = tenant().await;
    let phone = phone_of(&t);
    let mut d = proof_up_by_call(&t).await;
    assert_eq!(
        step(&mut d).await,
        "Step 2: We're calling your phone at +1 2065550102"
    );
    let call = phone
        .wait_for_call("+1 2065550102", 0, PATIENT)
        .await
        .unwrap();
    assert_eq!(
        (call.to.as_str(), call.status.as_str()),
        (CALL_PHONE, "ringing")
    );

    let wrong = phone.answer(&call, "1").await.unwrap();
    assert_eq!(
        wrong.said,
        [
            "Thank you for using Microsoft's sign-in verification system. Please press the pound key to finish your verification.",
            "If you did not initiate this verification, press zero then the pound key to report fraud."
        ]
    );
    assert_eq!(wrong.after_keys[0], "That key is not valid.");
    assert_eq!(wrong.after_keys[1..], wrong.said[..]);
    assert!(wrong.waiting_for_keys && !wrong.hung_up, "{wrong:?}");
    // Answered already: the phone presses on the call instead.
    let again = phone.answer(&call, "#").await.unwrap_err();
    assert!(
        matches!(&again, PhoneError::NotRinging { status, .. } if status == "in-progress"),
        "{again}"
    );

    let pound = phone.press(&call, "#").await.unwrap();
    assert!(pound.said.is_empty(), "{pound:?}");
    assert_eq!(
        pound.after_keys,
        ["Your sign in was successfully verified. Goodbye."]
    );
    assert!(pound.hung_up && !pound.waiting_for_keys);
    let over = phone.press(&call, "#").await.unwrap_err();
    assert!(
        matches!(&over, PhoneError::NotWaiting { status, .. } if status == "completed"),
        "{over}"
    );

    past_call_wait(&mut d).await;
    assert_eq!(
        step(&mut d).await,
        "Step 3: Keep using your existing applications"
    );
    assert!(d.is_visible(proof_up::APP_PASSWORD).await.unwrap());
}

#[tokio::test]
async fn a_call_that_rings_out_shows_the_time_out_and_calling_again_works() {
    let t = tenant().await;
    let phone = phone_of(&t);
    let mut d = proof_up_by_call(&t).await;
    let call = phone.wait_for_call(CALL_PHONE, 0, PATIENT).await.unwrap();
    phone.let_ring_out(&call).await.unwrap();
    let calls = phone.calls(CALL_PHONE).await.unwrap();
    assert_eq!(calls[0].status, "no-answer");
    // Rung out: it can no longer be answered.
    let late = phone.answer(&call, "#").await.unwrap_err();
    assert!(
        matches!(&late, PhoneError::NotRinging { status, .. } if status == "no-answer"),
        "{late}"
    );
    let twice = phone.let_ring_out(&call).await.unwrap_err();
    assert!(
        matches!(
            &twice,
            PhoneError::Refused {
                code: Some(21220),
                ..
            }
        ),
        "{twice}"
    );

    past_call_wait(&mut d).await;
    let timed_out = d.text(sas::TIMED_OUT).await.unwrap();
    assert!(
        timed_out.contains("The call wasn't answered, or the pound key (#) wasn't pressed."),
        "{timed_out}"
    );
    d.click(sas::TIMED_OUT_RETRY).await.unwrap();
    let again = phone.wait_for_call(CALL_PHONE, 1, PATIENT).await.unwrap();
    assert_ne!(again.sid, call.sid);
    let answer = phone.answer(&again, "#").await.unwrap();
    assert!(answer.hung_up, "{answer:?}");
    past_call_wait(&mut d).await;
    assert_eq!(
        step(&mut d).await,
        "Step 3: Keep using your existing applications"
    );
}

#[tokio::test]
async fn hanging_up_ends_a_call_on_the_line() {
    let t = tenant().await;
    let phone = phone_of(&t);
    let _d = proof_up_by_call(&t).await;
    let call = phone.wait_for_call(CALL_PHONE, 0, PATIENT).await.unwrap();
    assert!(phone.answer(&call, "5").await.unwrap().waiting_for_keys);
    phone.hang_up(&call).await.unwrap();
    assert_eq!(
        phone.calls(CALL_PHONE).await.unwrap()[0].status,
        "completed"
    );
}

#[tokio::test]
async fn keys_are_checked_before_anything_is_sent() {
    let t = tenant().await;
    let phone = phone_of(&t);
    let call = PlacedCall {
        sid: "CA00000000000000000000000000000000".into(),
        to: CALL_PHONE.into(),
        from: "+14255550100".into(),
        status: "ringing".into(),
    };
    for keys in ["5a", "", " #"] {
        let err = phone.answer(&call, keys).await.unwrap_err();
        assert!(matches!(err, PhoneError::BadKeys { .. }), "{keys:?}: {err}");
    }
    let err = phone.answer(&call, "#").await.unwrap_err();
    assert!(
        matches!(
            &err,
            PhoneError::Refused {
                status: 404,
                code: Some(20404),
                ..
            }
        ),
        "{err}"
    );
}

// --------------------------------------- voice menus that misbehave (stubs)

fn twiml_answer(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "text/xml")
        .set_body_string(format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>"#
        ))
}

async fn menu_at(server: &MockServer, at: &str, answer: ResponseTemplate) {
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

/// A call to the call user's phone whose menu is `{menu}/twiml`.
async fn call_with_menu(t: &RunningTenant, phone: &Phone, menu: &MockServer) -> PlacedCall {
    let sid = place_call(t, CALL_PHONE, &format!("{}/twiml", menu.uri())).await;
    let calls = phone.calls(CALL_PHONE).await.unwrap();
    calls.into_iter().find(|c| c.sid == sid).unwrap()
}

#[tokio::test]
async fn keys_go_to_the_gather_one_by_one_as_twilio_posts_them() {
    let t = tenant().await;
    let phone = phone_of(&t);
    let menu = MockServer::start().await;
    menu_at(
        &menu,
        "/twiml",
        twiml_answer(r#"<Say>Hello.</Say><Gather action="keys" numDigits="1" finishOnKey=""><Say>Press pound.</Say></Gather><Say>No response. Goodbye.</Say><Hangup/>"#),
    )
    .await;
    menu_at(
        &menu,
        "/keys",
        twiml_answer("<Say>Verified. Goodbye.</Say><Hangup/>"),
    )
    .await;
    let call = call_with_menu(&t, &phone, &menu).await;
    let answer = phone.answer(&call, "#").await.unwrap();
    assert_eq!(answer.said, ["Hello.", "Press pound."]);
    assert_eq!(answer.after_keys, ["Verified. Goodbye."]);
    assert!(answer.hung_up && !answer.waiting_for_keys);

    let requests = menu.received_requests().await.unwrap();
    let fetched = form_of(&requests[0]);
    for field in [
        ("CallSid", call.sid.as_str()),
        ("CallStatus", "in-progress"),
        ("From", "+14255550100"),
        ("To", CALL_PHONE),
    ] {
        assert!(
            fetched.contains(&(field.0.into(), field.1.into())),
            "{field:?} in {fetched:?}"
        );
    }
    assert_eq!(requests[1].url.path(), "/keys");
    assert!(form_of(&requests[1]).contains(&("Digits".into(), "#".into())));
}

#[tokio::test]
async fn pound_is_not_sent_when_the_gather_finishes_on_it_as_on_twilio() {
    let t = tenant().await;
    let phone = phone_of(&t);
    let menu = MockServer::start().await;
    // Twilio's default finishOnKey is '#': pressing '#' alone sends nothing
    // and the call goes on after the <Gather>.
    menu_at(
        &menu,
        "/twiml",
        twiml_answer(r#"<Gather action="/keys"><Say>Press pound.</Say></Gather><Say>We didn't receive a response. Goodbye.</Say><Hangup/>"#),
    )
    .await;
    menu_at(&menu, "/keys", twiml_answer("<Say>Again.</Say><Gather/>")).await;
    let call = call_with_menu(&t, &phone, &menu).await;
    let answer = phone.answer(&call, "#").await.unwrap();
    assert_eq!(
        answer.after_keys,
        ["We didn't receive a response. Goodbye."]
    );
    assert!(answer.hung_up);
    assert_eq!(menu.received_requests().await.unwrap().len(), 1);

    // Keys before the finishing key are sent without it.
    let call = call_with_menu(&t, &phone, &menu).await;
    let answer = phone.answer(&call, "12#").await.unwrap();
    assert!(answer.waiting_for_keys && !answer.hung_up, "{answer:?}");
    assert_eq!(answer.after_keys, ["Again."]);
    let requests = menu.received_requests().await.unwrap();
    assert!(form_of(requests.last().unwrap()).contains(&("Digits".into(), "12".into())));
}

#[tokio::test]
async fn a_broken_voice_menu_is_reported_with_its_url_and_what_came_back() {
    let t = tenant().await;
    let phone = phone_of(&t);
    let menu = MockServer::start().await;
    let url = format!("{}/twiml", menu.uri());
    let long = "x".repeat(500);
    let cases: [(ResponseTemplate, &str); 2] = [
        (
            ResponseTemplate::new(500).set_body_string(format!("boom {long}")),
            "answered HTTP 500 Internal Server Error: boom",
        ),
        (
            ResponseTemplate::new(200).set_body_string("<html><body>Sign in</body></html>"),
            "not valid TwiML (the root element is <html>, not <Response>)",
        ),
    ];
    for (answer, expected) in cases {
        menu.reset().await;
        menu_at(&menu, "/twiml", answer).await;
        let call = call_with_menu(&t, &phone, &menu).await;
        let err = phone.answer(&call, "#").await.unwrap_err();
        assert!(matches!(err, PhoneError::CallFailed { .. }), "{err}");
        let err = err.to_string();
        assert!(err.contains(&url), "{err}");
        assert!(err.contains(expected), "{err}");
        assert!(err.len() < url.len() + 400, "not truncated: {err}");
    }

    menu.reset().await;
    menu_at(
        &menu,
        "/twiml",
        twiml_answer("<Say>Goodbye.</Say><Hangup/>"),
    )
    .await;
    let call = call_with_menu(&t, &phone, &menu).await;
    let err = phone.answer(&call, "#").await.unwrap_err();
    assert!(
        matches!(&err, PhoneError::NoKeysAsked { said, .. } if said == &["Goodbye."]),
        "{err}"
    );

    let closed = closed_port();
    let sid = place_call(&t, CALL_PHONE, &format!("http://127.0.0.1:{closed}/twiml")).await;
    let call = phone
        .calls(CALL_PHONE)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.sid == sid)
        .unwrap();
    let err = phone.answer(&call, "#").await.unwrap_err().to_string();
    assert!(
        err.contains("Could not reach the call's instructions") && err.contains("no connection"),
        "{err}"
    );
}

// -------------------------------------------------------------- faults

/// A port nobody listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[tokio::test]
async fn a_text_outage_fails_the_sign_in_until_the_provider_recovers() {
    let t = tenant().await;
    let phone = phone_of(&t);
    phone.provider_faults().fail_texts(503).await.unwrap();
    let mut d = signed_in(&t, "o365.enforced").await;
    assert_eq!(
        d.text(sas::SEND_FAILED_TITLE).await.unwrap(),
        "We couldn't send a text message"
    );
    let why = d.text(sas::SEND_FAILED).await.unwrap();
    assert!(why.contains("HTTP 503"), "{why}");
    assert!(
        phone.texts(ENFORCED_PHONE).await.unwrap().is_empty(),
        "a refused text is not delivered"
    );

    phone.provider_faults().recover().await.unwrap();
    d.click(sas::SEND_FAILED_RETRY).await.unwrap();
    assert_eq!(d.text(sas::CODE_TITLE).await.unwrap(), "Enter code");
    let text = phone
        .wait_for_text(ENFORCED_PHONE, 0, PATIENT)
        .await
        .unwrap();
    assert!(text.body.starts_with("Use verification code "), "{text:?}");
    let code = code_in(&text.body).unwrap();
    d.fill(sas::CODE, &code).await.unwrap();
    d.click(sas::VERIFY).await.unwrap();
    assert!(d.is_visible(sign_in::KMSI).await.unwrap());
}

#[tokio::test]
async fn a_call_outage_fails_proof_up_until_the_provider_recovers() {
    let t = tenant().await;
    let phone = phone_of(&t);
    let faults = phone.provider_faults();
    faults.fail_texts(429).await.unwrap();
    // A later fault on a resource replaces the earlier one; texts stay down.
    faults.fail_calls(503).await.unwrap();
    faults.fail_calls(500).await.unwrap();
    let mut d = proof_up_by_call(&t).await;
    let why = d.text(sas::SEND_FAILED).await.unwrap();
    assert!(
        why.starts_with("We couldn't call your phone. Please try again.")
            && why.contains("HTTP 500"),
        "{why}"
    );
    assert!(phone.calls(CALL_PHONE).await.unwrap().is_empty());
    let switches: Value = reqwest::Client::new()
        .get(format!("{}{}", carrier_of(&t), faults::PATH))
        .basic_auth(
            TelephonySettings::default().account_sid,
            Some(TelephonySettings::default().auth_token.expose()),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(switches["Messages"]["status"], 429);
    assert_eq!(switches["Calls"]["status"], 500);

    faults.recover().await.unwrap();
    d.click(sas::SEND_FAILED_RETRY).await.unwrap();
    let call = phone.wait_for_call(CALL_PHONE, 0, PATIENT).await.unwrap();
    assert!(phone.answer(&call, "#").await.unwrap().hung_up);
}

#[tokio::test]
async fn a_provider_slower_than_the_tenants_timeout_is_an_outage_and_the_late_text_still_arrives() {
    let t = tenant_with(Settings {
        telephony: TelephonySettings {
            request_timeout: Duration::from_millis(300),
            ..TelephonySettings::default()
        },
        ..Settings::default()
    })
    .await;
    let phone = phone_of(&t);
    phone
        .provider_faults()
        .delay_texts(Duration::from_millis(800))
        .await
        .unwrap();
    let mut d = signed_in(&t, "o365.enforced").await;
    let why = d.text(sas::SEND_FAILED).await.unwrap();
    assert!(why.contains("did not answer in time"), "{why}");
    // The provider had accepted it: the text arrives once its answer goes out.
    let late = phone
        .wait_for_text(ENFORCED_PHONE, 0, PATIENT)
        .await
        .unwrap();
    assert!(code_in(&late.body).is_some());

    phone.provider_faults().recover().await.unwrap();
    d.click(sas::SEND_FAILED_RETRY).await.unwrap();
    assert_eq!(d.text(sas::CODE_TITLE).await.unwrap(), "Enter code");
    phone
        .wait_for_text(ENFORCED_PHONE, 1, PATIENT)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_refused_connection_is_an_outage_for_the_tenant_and_an_error_for_the_phone() {
    let closed = format!("http://127.0.0.1:{}", closed_port());
    let t = tenant_with(Settings {
        telephony: TelephonySettings {
            base_url: Some(closed.clone()),
            ..TelephonySettings::default()
        },
        ..Settings::default()
    })
    .await;
    let mut d = signed_in(&t, "o365.enforced").await;
    let why = d.text(sas::SEND_FAILED).await.unwrap();
    assert!(why.contains("unreachable"), "{why}");

    let telephony = TelephonySettings::default();
    let phone = Phone::new(&closed, &telephony.account_sid, telephony.auth_token);
    let err = phone.wait_for_text(SMS_PHONE, 0, SHORT).await.unwrap_err();
    assert!(matches!(&err, PhoneError::Unreachable { .. }), "{err}");
    assert!(err.to_string().contains(&closed), "{err}");
}

/// A Twilio-compatible stub: texts answered `status`, calls accepted, and
/// a call resource without docproof's field.
async fn stub_provider(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path_regex(r"^/2010-04-01/Accounts/AC\w+/Messages\.json$"))
        .respond_with(
            ResponseTemplate::new(status).set_body_json(twilio::error_json(
                status,
                20_000 + u32::from(status),
                "Internal Server Error",
            )),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex(
            r"^/2010-04-01/Accounts/AC\w+/Calls/CA\w+\.json$",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "sid": "CA0123456789abcdef0123456789abcdef", "status": "ringing",
        })))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_tenant_pointed_at_a_provider_answering_500_says_it_could_not_send() {
    let stub = stub_provider(500).await;
    let t = tenant_with(Settings {
        telephony: TelephonySettings {
            base_url: Some(stub.uri()),
            ..TelephonySettings::default()
        },
        ..Settings::default()
    })
    .await;
    let mut d = signed_in(&t, "o365.enforced").await;
    assert_eq!(
        d.text(sas::SEND_FAILED_TITLE).await.unwrap(),
        "We couldn't send a text message"
    );
    assert!(d.text(sas::SEND_FAILED).await.unwrap().contains("HTTP 500"));

    // Against a provider that is not docproof's carrier, the phone says
    // what it cannot do there.
    let telephony = TelephonySettings::default();
    let phone = Phone::new(&stub.uri(), &telephony.account_sid, telephony.auth_token);
    let err = phone.provider_faults().fail_texts(503).await.unwrap_err();
    assert!(matches!(err, PhoneError::NoControls { .. }), "{err}");
    let call = PlacedCall {
        sid: "CA0123456789abcdef0123456789abcdef".into(),
        to: CALL_PHONE.into(),
        from: "+14255550100".into(),
        status: "ringing".into(),
    };
    let err = phone.answer(&call, "#").await.unwrap_err();
    assert!(matches!(err, PhoneError::CannotHear { .. }), "{err}");
}
