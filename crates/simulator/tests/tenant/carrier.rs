//! The embedded virtual carrier (`/carrier`, Twilio-compatible), docproof's
//! controls of it (fault switches, ring-out) and the virtual phone
//! (`/phone`).

use super::common::{
    client, eventually, get, spawn_tenant, spawn_with, start_call, submit, upn, Page, CALL_USER,
};
use docproof_contract::twiml;
use docproof_simulator::carrier::voice::{self, wording};
use docproof_simulator::state::CallOutcome;
use docproof_simulator::{RunningTenant, Settings};
use serde_json::Value;
use std::time::Duration;

pub(crate) fn account() -> (String, String) {
    let t = Settings::default().telephony;
    (t.account_sid, t.auth_token.expose().to_string())
}

pub(crate) fn api(app: &RunningTenant, resource: &str) -> String {
    format!(
        "{}/carrier/2010-04-01/Accounts/{}/{resource}",
        app.base_url,
        account().0
    )
}

pub(crate) async fn post_form(
    url: &str,
    auth: Option<(&str, &str)>,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let mut req = reqwest::Client::new().post(url).form(form);
    if let Some((user, token)) = auth {
        req = req.basic_auth(user, Some(token));
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

pub(crate) async fn get_json(url: &str, query: &[(&str, &str)]) -> (u16, Value) {
    let (sid, token) = account();
    let resp = reqwest::Client::new()
        .get(url)
        .query(query)
        .basic_auth(sid, Some(token))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

pub(crate) async fn send_text(app: &RunningTenant, to: &str, body: &str) -> Value {
    let (sid, token) = account();
    let (status, json) = post_form(
        &api(app, "Messages.json"),
        Some((&sid, &token)),
        &[("To", to), ("From", "+1 4255550100"), ("Body", body)],
    )
    .await;
    assert_eq!(status, 201, "{json}");
    json
}

pub(crate) async fn place_call(app: &RunningTenant, form: &[(&str, &str)]) -> (u16, Value) {
    let (sid, token) = account();
    post_form(&api(app, "Calls.json"), Some((&sid, &token)), form).await
}

#[tokio::test]
async fn a_text_is_accepted_in_twilios_shape() {
    let app = spawn_tenant().await;
    let json = send_text(
        &app,
        "+1 2065550101",
        "Use verification code 123456 for Microsoft authentication.",
    )
    .await;
    let sid = json["sid"].as_str().unwrap();
    assert!(sid.starts_with("SM") && sid.len() == 34, "{sid}");
    assert!(sid[2..].chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(json["account_sid"], account().0);
    assert_eq!(json["to"], "+12065550101");
    assert_eq!(json["from"], "+14255550100");
    assert_eq!(
        json["body"],
        "Use verification code 123456 for Microsoft authentication."
    );
    assert_eq!(json["status"], "queued");
    assert_eq!(json["direction"], "outbound-api");
    assert!(json["error_code"].is_null());
    assert_eq!(json["num_segments"], "1");
    assert!(json["date_created"].as_str().unwrap().ends_with(" +0000"));
    assert_eq!(
        json["uri"],
        format!("/2010-04-01/Accounts/{}/Messages/{sid}.json", account().0)
    );
    let (status, one) = get_json(&api(&app, &format!("Messages/{sid}.json")), &[]).await;
    assert_eq!(status, 200);
    assert_eq!(one["sid"], sid);
}

#[tokio::test]
async fn wrong_credentials_are_refused_like_twilio() {
    let app = spawn_tenant().await;
    let (sid, token) = account();
    let form = [
        ("To", "+12065550101"),
        ("From", "+14255550100"),
        ("Body", "hi"),
    ];
    let expected = serde_json::json!({
        "code": 20003,
        "message": "Authenticate",
        "more_info": "https://www.twilio.com/docs/errors/20003",
        "status": 401,
    });
    for auth in [
        None,
        Some((sid.as_str(), "wrong-token")),
        Some(("ACnotme", token.as_str())),
    ] {
        let (status, json) = post_form(&api(&app, "Messages.json"), auth, &form).await;
        assert_eq!(status, 401);
        assert_eq!(json, expected);
    }
    let resp = reqwest::Client::new()
        .get(api(&app, "Messages.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert!(resp.headers().contains_key("www-authenticate"));
    // Right credentials, someone else's account in the path.
    let other = format!(
        "{}/carrier/2010-04-01/Accounts/AC99/Messages.json",
        app.base_url
    );
    let (status, json) = post_form(&other, Some((&sid, &token)), &form).await;
    assert_eq!((status, json["code"].as_u64()), (404, Some(20404)));
    assert!(app.carrier().messages().is_empty());
}

#[tokio::test]
async fn missing_parameters_are_named() {
    let app = spawn_tenant().await;
    let (sid, token) = account();
    let auth = Some((sid.as_str(), token.as_str()));
    let (status, json) = post_form(
        &api(&app, "Messages.json"),
        auth,
        &[("From", "+14255550100"), ("Body", "hi")],
    )
    .await;
    assert_eq!((status, json["code"].as_u64()), (400, Some(21604)));
    assert!(json["message"].as_str().unwrap().contains("'To'"));
    assert_eq!(
        json["more_info"],
        "https://www.twilio.com/docs/errors/21604"
    );
    let (status, json) = post_form(
        &api(&app, "Messages.json"),
        auth,
        &[("To", "+12065550101"), ("From", "+14255550100")],
    )
    .await;
    assert_eq!((status, json["code"].as_u64()), (400, Some(21602)));
    assert!(json["message"].as_str().unwrap().contains("body"));
    let (status, json) =
        place_call(&app, &[("To", "+12065550102"), ("From", "+14255550100")]).await;
    assert_eq!((status, json["code"].as_u64()), (400, Some(21205)));
    assert!(json["message"].as_str().unwrap().contains("Url"));
    assert!(app.carrier().messages().is_empty() && app.carrier().calls().is_empty());
}

#[tokio::test]
async fn texts_are_listed_newest_first_by_either_number_spelling() {
    let app = spawn_tenant().await;
    send_text(&app, "+12065550101", "first").await;
    send_text(&app, "+1 2065550102", "for someone else").await;
    send_text(&app, "+1 2065550101", "second").await;
    for to in ["+12065550101", "+1 2065550101", "+1 (206) 555-0101"] {
        let (status, json) = get_json(&api(&app, "Messages.json"), &[("To", to)]).await;
        assert_eq!(status, 200);
        let bodies: Vec<&str> = json["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["body"].as_str().unwrap())
            .collect();
        assert_eq!(bodies, ["second", "first"], "To={to}");
        assert_eq!(json["page"], 0);
        assert_eq!(json["page_size"], 50);
        assert!(json["next_page_uri"].is_null() && json["previous_page_uri"].is_null());
        assert!(json["uri"].as_str().unwrap().contains("To=%2B12065550101"));
        assert_eq!(json["first_page_uri"], json["uri"]);
    }
    let (_, all) = get_json(&api(&app, "Messages.json"), &[]).await;
    assert_eq!(all["messages"].as_array().unwrap().len(), 3);
    assert_eq!(all["messages"][0]["body"], "second");
    let (_, from) = get_json(
        &api(&app, "Messages.json"),
        &[("From", "+1 4255550100"), ("PageSize", "1")],
    )
    .await;
    assert_eq!(from["messages"].as_array().unwrap().len(), 1);
    let (_, none) = get_json(&api(&app, "Messages.json"), &[("From", "+19999999999")]).await;
    assert!(none["messages"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn calls_are_placed_listed_and_read_one_by_one() {
    let app = spawn_tenant().await;
    let (status, first) = place_call(
        &app,
        &[
            ("To", "+1 2065550102"),
            ("From", "+14255550100"),
            ("Url", "http://127.0.0.1:9/first"),
        ],
    )
    .await;
    assert_eq!(status, 201, "{first}");
    let sid = first["sid"].as_str().unwrap().to_string();
    assert!(sid.starts_with("CA") && sid.len() == 34);
    assert_eq!(first["status"], "queued");
    assert_eq!(first["direction"], "outbound-api");
    assert_eq!(first["to"], "+12065550102");
    assert_eq!(
        first["uri"],
        format!("/2010-04-01/Accounts/{}/Calls/{sid}.json", account().0)
    );
    let (_, second) = place_call(
        &app,
        &[
            ("To", "+12065550102"),
            ("From", "+14255550100"),
            ("Url", "http://127.0.0.1:9/second"),
        ],
    )
    .await;
    place_call(
        &app,
        &[
            ("To", "+12065550101"),
            ("From", "+14255550100"),
            ("Url", "http://127.0.0.1:9/x"),
        ],
    )
    .await;

    let (status, list) = get_json(&api(&app, "Calls.json"), &[("To", "+1 2065550102")]).await;
    assert_eq!(status, 200);
    let calls = list["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0]["sid"], second["sid"]);
    assert_eq!(calls[0]["status"], "ringing");
    // docproof's own field, not Twilio's.
    assert_eq!(
        calls[0]["docproof"],
        serde_json::json!({
            "twiml_url": "http://127.0.0.1:9/second",
            "heard": [],
            "waiting_for_keys": false,
        })
    );
    assert_eq!(calls[1]["sid"], sid.as_str());

    let (status, one) = get_json(&api(&app, &format!("Calls/{sid}.json")), &[]).await;
    assert_eq!(status, 200);
    assert_eq!(one["sid"], sid.as_str());
    assert_eq!(one["status"], "ringing");
    let (status, missing) = get_json(
        &api(&app, "Calls/CA00000000000000000000000000000000.json"),
        &[],
    )
    .await;
    assert_eq!((status, missing["code"].as_u64()), (404, Some(20404)));
}

#[tokio::test]
async fn an_unanswered_call_rings_out_and_reports_no_answer() {
    let app = spawn_tenant().await;
    let id = start_call(&app);
    let (_, call) = place_call(
        &app,
        &[
            ("To", "+12065550102"),
            ("From", "+14255550100"),
            ("Url", &voice::twiml_url(&app.base_url, &id)),
            (
                "StatusCallback",
                &voice::status_callback_url(&app.base_url, &id),
            ),
            ("Timeout", "1"),
        ],
    )
    .await;
    let sid = call["sid"].as_str().unwrap().to_string();
    let status = eventually(
        Duration::from_secs(5),
        "still ringing after 5 s",
        async || {
            let status = app.carrier().call(&sid).unwrap().status;
            (status != "ringing").then_some(status)
        },
    )
    .await;
    assert_eq!(status, "no-answer");
    let outcome = eventually(
        Duration::from_secs(1),
        "the tenant still sees the call ringing 1 s after it rang out",
        async || {
            let outcome = app.tenant().call(&id).unwrap().outcome;
            (outcome != CallOutcome::Ringing).then_some(outcome)
        },
    )
    .await;
    assert_eq!(outcome, CallOutcome::NotAnswered("no-answer".into()));
}

// ------------------------------------------------------------ the phone

#[tokio::test]
async fn the_phone_lists_the_seeded_numbers() {
    let app = spawn_tenant().await;
    send_text(&app, "+1 3605550199", "to a stranger").await;
    let page = get(&client(), &format!("{}/phone", app.base_url)).await;
    assert_eq!(page.status, 200);
    for path in [
        "/phone/12065550101",
        "/phone/12065550102",
        "/phone/14255550112",
        "/phone/13605550199",
    ] {
        assert!(
            page.has(&format!(r#"a[href="{path}"]"#)),
            "{path} missing:\n{}",
            page.html
        );
    }
    assert_eq!(
        page.text(r#"label[for="number"]"#).as_deref(),
        Some("Phone number")
    );
    assert!(page.has(r#"input#number[name="number"][type="tel"]"#));

    // The form opens a phone by number, any spelling.
    let opened = get(
        &client(),
        &format!("{}/phone?number=%2B1+%28206%29+555-0102", app.base_url),
    )
    .await;
    assert!(opened.url.ends_with("/phone/12065550102"), "{}", opened.url);
    let bad = get(
        &client(),
        &format!("{}/phone?number=2065550102", app.base_url),
    )
    .await;
    assert!(bad.text("#number-error").unwrap().contains("+1 2065550101"));
}

#[tokio::test]
async fn the_phone_shows_its_texts_newest_first() {
    let app = spawn_tenant().await;
    send_text(&app, "+12065550101", "Your code is 111111").await;
    send_text(&app, "+12065550101", "Your code is <222222> & more").await;
    send_text(&app, "+12065550102", "not for this phone").await;
    let resp = client()
        .get(format!("{}/phone/12065550101", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.headers().get("refresh").map(|v| v.to_str().unwrap()),
        Some("2")
    );
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let page = Page::from(resp).await;
    assert_eq!(page.text("h1").as_deref(), Some("+1 2065550101"));
    assert_eq!(
        page.text(".sms .body").as_deref(),
        Some("Your code is <222222> & more")
    );
    assert!(page
        .text(".sms .meta")
        .unwrap()
        .contains("From +1 4255550100"));
    assert!(page.html.contains("Your code is 111111"));
    assert!(!page.html.contains("not for this phone"));
}

/// A verification call as the sign-in page places it, through the carrier.
pub(crate) async fn ring_call_user(app: &RunningTenant, url: Option<String>) -> (String, String) {
    let id = start_call(app);
    let url = url.unwrap_or_else(|| voice::twiml_url(&app.base_url, &id));
    let (status, call) = place_call(
        app,
        &[
            ("To", "+12065550102"),
            ("From", "+14255550100"),
            ("Url", &url),
            ("Method", "POST"),
            (
                "StatusCallback",
                &voice::status_callback_url(&app.base_url, &id),
            ),
            ("Timeout", "60"),
        ],
    )
    .await;
    assert_eq!(status, 201);
    let sid = call["sid"].as_str().unwrap().to_string();
    (id, sid)
}

#[tokio::test]
async fn answering_on_the_phone_and_pressing_pound_verifies() {
    let app = spawn_tenant().await;
    let (id, sid) = ring_call_user(&app, None).await;
    let browser = client();
    let page = get(&browser, &format!("{}/phone/12065550102", app.base_url)).await;
    assert!(page
        .text(r#"section[aria-label="Incoming call"]"#)
        .unwrap()
        .contains("+1 4255550100"));
    assert!(page.has("button.decline"));

    let page = submit(&browser, &page, "button.answer", &[]).await;
    assert_eq!(page.status, 200);
    assert!(page.url.ends_with("/phone/12065550102"));
    let said = page.text(".incall").unwrap();
    assert!(said.contains(wording::GREETING), "{said}");
    assert!(said.contains(wording::FRAUD_HINT));
    for key in ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"] {
        let button = format!(r#"button[aria-label="Press {key}"][name="Digits"][value="{key}"]"#);
        assert_eq!(page.text(&button).as_deref(), Some(key), "key {key}");
    }
    assert_eq!(app.carrier().call(&sid).unwrap().status, "in-progress");
    assert_eq!(
        app.tenant().call(&id).unwrap().outcome,
        CallOutcome::Ringing
    );

    let page = submit(&browser, &page, r#"button[aria-label="Press #"]"#, &[]).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains(wording::VERIFIED), "{}", page.html);
    assert!(!page.has(".keypad"));
    assert_eq!(
        app.tenant().call(&id).unwrap().outcome,
        CallOutcome::Verified
    );
    let call = app.carrier().call(&sid).unwrap();
    assert_eq!(call.status, "completed");
    let (_, json) = get_json(&api(&app, &format!("Calls/{sid}.json")), &[]).await;
    assert_eq!(json["status"], "completed");
    assert!(json["duration"].is_string());
}

#[tokio::test]
async fn fraud_reported_from_the_phone_blocks_the_user() {
    let app = spawn_tenant().await;
    let (id, _) = ring_call_user(&app, None).await;
    let browser = client();
    let page = get(&browser, &format!("{}/phone/12065550102", app.base_url)).await;
    let page = submit(&browser, &page, "button.answer", &[]).await;
    let page = submit(&browser, &page, r#"button[aria-label="Press 0"]"#, &[]).await;
    assert!(page
        .text(".incall")
        .unwrap()
        .contains(wording::CONFIRM_FRAUD));
    let page = submit(&browser, &page, r#"button[aria-label="Press #"]"#, &[]).await;
    assert!(page.html.contains(wording::FRAUD_REPORTED));
    assert_eq!(app.tenant().call(&id).unwrap().outcome, CallOutcome::Fraud);
    assert!(app.tenant().user(&upn(CALL_USER.0)).unwrap().blocked);
}

#[tokio::test]
async fn declining_reports_no_answer_to_the_tenant() {
    let app = spawn_tenant().await;
    let (id, sid) = ring_call_user(&app, None).await;
    let browser = client();
    let page = get(&browser, &format!("{}/phone/12065550102", app.base_url)).await;
    let page = submit(&browser, &page, "button.decline", &[]).await;
    assert_eq!(page.status, 200);
    assert!(!page.has("button.answer"));
    assert_eq!(app.carrier().call(&sid).unwrap().status, "no-answer");
    assert_eq!(
        app.tenant().call(&id).unwrap().outcome,
        CallOutcome::NotAnswered("no-answer".into())
    );
}

#[tokio::test]
async fn phone_posts_without_the_anti_forgery_token_are_refused() {
    let app = spawn_tenant().await;
    let (id, sid) = ring_call_user(&app, None).await;
    let answer = format!("{}/phone/12065550102/calls/{sid}/answer", app.base_url);
    // No cookie, no token.
    let page = Page::from(
        reqwest::Client::new()
            .post(&answer)
            .form(&[("x", "")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(page.status, 400);
    assert!(page
        .text("[role=alert]")
        .unwrap()
        .contains("anti-forgery token"));
    // A cookie but a different token in the form.
    let browser = client();
    get(&browser, &format!("{}/phone/12065550102", app.base_url)).await;
    let page = Page::from(
        browser
            .post(&answer)
            .form(&[("csrf", "forged")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(page.status, 400);
    assert_eq!(app.carrier().call(&sid).unwrap().status, "ringing");
    let keys = format!("{}/phone/12065550102/calls/{sid}/keys", app.base_url);
    let page = Page::from(
        browser
            .post(&keys)
            .form(&[("Digits", "#")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(page.status, 400);
    assert_eq!(
        app.tenant().call(&id).unwrap().outcome,
        CallOutcome::Ringing
    );
}

#[tokio::test]
async fn unreachable_or_failing_instructions_are_shown_on_the_phone() {
    let app = spawn_with(Settings::default()).await;
    // A port nobody listens on.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (_, sid) = ring_call_user(&app, Some(format!("http://127.0.0.1:{closed}/twiml"))).await;
    let browser = client();
    let page = get(&browser, &format!("{}/phone/12065550102", app.base_url)).await;
    let page = submit(&browser, &page, "button.answer", &[]).await;
    assert_eq!(page.status, 200);
    let alert = page.text(".call [role=alert]").unwrap();
    assert!(
        alert.contains("Could not reach the call's instructions"),
        "{alert}"
    );
    assert_eq!(app.carrier().call(&sid).unwrap().status, "completed");

    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(wiremock::ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let (_, sid) = ring_call_user(&app, Some(format!("{}/twiml", server.uri()))).await;
    let page = get(&browser, &format!("{}/phone/12065550102", app.base_url)).await;
    let page = submit(&browser, &page, "button.answer", &[]).await;
    assert_eq!(page.status, 200);
    assert!(
        page.text(".call [role=alert]")
            .unwrap()
            .contains("answered HTTP 500"),
        "{}",
        page.html
    );
    assert_eq!(app.carrier().call(&sid).unwrap().status, "completed");
}

#[tokio::test]
async fn an_unencoded_plus_still_files_the_number_under_e164() {
    let app = spawn_tenant().await;
    let (sid, token) = account();
    // `curl -d To=+12065550101` sends the plus unencoded: it decodes as a space.
    let resp = reqwest::Client::new()
        .post(api(&app, "Messages.json"))
        .basic_auth(&sid, Some(&token))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("To=+12065550101&From=+14255550100&Body=hello")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let json: Value = resp.json().await.unwrap();
    assert_eq!(
        (json["to"].as_str(), json["from"].as_str()),
        (Some("+12065550101"), Some("+14255550100"))
    );
    let page = get(&client(), &format!("{}/phone/12065550101", app.base_url)).await;
    assert_eq!(page.text(".sms .body").as_deref(), Some("hello"));
}

// -------------------------------------------- updating a call (Twilio API)

pub(crate) async fn update(app: &RunningTenant, sid: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let (account, token) = account();
    post_form(
        &api(app, &format!("Calls/{sid}.json")),
        Some((&account, &token)),
        form,
    )
    .await
}

/// The `docproof` field's `heard` lines as `kind: text`.
pub(crate) fn heard(call: &Value) -> Vec<String> {
    call["docproof"]["heard"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            format!(
                "{}: {}",
                l["kind"].as_str().unwrap(),
                l["text"].as_str().unwrap()
            )
        })
        .collect()
}

fn said(text: &str) -> String {
    format!("said: {text}")
}

#[tokio::test]
async fn the_keypad_answers_presses_and_reports_what_the_phone_heard() {
    let app = spawn_tenant().await;
    let (id, sid) = ring_call_user(&app, None).await;

    let (status, call) = update(&app, &sid, &[("Twiml", &twiml::keypad("1"))]).await;
    assert_eq!(status, 200, "{call}");
    assert_eq!(call["status"], "in-progress");
    assert_eq!(call["docproof"]["waiting_for_keys"], true);
    assert_eq!(
        heard(&call),
        [
            "note: You answered.".to_string(),
            said(wording::GREETING),
            said(wording::FRAUD_HINT),
            "pressed: 1".into(),
            said(wording::WRONG_KEY),
            said(wording::GREETING),
            said(wording::FRAUD_HINT),
        ]
    );
    assert_eq!(
        app.tenant().call(&id).unwrap().outcome,
        CallOutcome::Ringing
    );

    let (status, call) = update(&app, &sid, &[("Twiml", &twiml::keypad("#"))]).await;
    assert_eq!(status, 200, "{call}");
    assert_eq!(call["status"], "completed");
    assert_eq!(call["docproof"]["waiting_for_keys"], false);
    assert!(call["duration"].is_string());
    let lines = heard(&call);
    assert_eq!(
        lines[7..],
        [
            "pressed: #".to_string(),
            said(wording::VERIFIED),
            "note: The call ended.".into()
        ]
    );
    assert_eq!(
        app.tenant().call(&id).unwrap().outcome,
        CallOutcome::Verified
    );

    // Over: Twilio's "Invalid call state".
    let (status, refused) = update(&app, &sid, &[("Twiml", &twiml::keypad("#"))]).await;
    assert_eq!(
        (status, refused["code"].as_u64()),
        (400, Some(21220)),
        "{refused}"
    );
    assert!(refused["message"].as_str().unwrap().contains("completed"));
}

#[tokio::test]
async fn keys_in_one_update_go_one_by_one_and_leftovers_are_noted() {
    let app = spawn_tenant().await;
    let (id, sid) = ring_call_user(&app, None).await;
    // `w` is Twilio's half-second wait: skipped, nothing here waits.
    let (status, call) = update(&app, &sid, &[("Twiml", &twiml::keypad("w0#5"))]).await;
    assert_eq!(status, 200, "{call}");
    assert_eq!(call["status"], "completed");
    let lines = heard(&call);
    assert!(lines.contains(&said(wording::CONFIRM_FRAUD)), "{lines:?}");
    assert!(lines.contains(&said(wording::FRAUD_REPORTED)), "{lines:?}");
    assert_eq!(
        lines.last().unwrap(),
        "note: (the keys 5 were not pressed: the call no longer waits for keys)"
    );
    assert_eq!(app.tenant().call(&id).unwrap().outcome, CallOutcome::Fraud);
}

#[tokio::test]
async fn status_updates_end_calls_as_on_twilio() {
    let app = spawn_tenant().await;
    let (id, sid) = ring_call_user(&app, None).await;
    let (status, call) = update(&app, &sid, &[("Status", "canceled")]).await;
    assert_eq!((status, call["status"].as_str()), (200, Some("canceled")));
    assert_eq!(
        app.tenant().call(&id).unwrap().outcome,
        CallOutcome::NotAnswered("canceled".into())
    );

    let (_, sid) = ring_call_user(&app, None).await;
    update(&app, &sid, &[("Twiml", &twiml::keypad("1"))]).await;
    // `canceled` does not touch a call in progress; `completed` hangs it up.
    let (_, call) = update(&app, &sid, &[("Status", "canceled")]).await;
    assert_eq!(call["status"], "in-progress");
    let (status, call) = update(&app, &sid, &[("Status", "completed")]).await;
    assert_eq!((status, call["status"].as_str()), (200, Some("completed")));
    assert_eq!(
        heard(&call).last().unwrap(),
        "note: The caller ended the call (Status=completed)."
    );
    // Over already: left as it is.
    let (status, call) = update(&app, &sid, &[("Status", "completed")]).await;
    assert_eq!((status, call["status"].as_str()), (200, Some("completed")));

    for (form, code) in [
        (vec![("Status", "paused")], 20422),
        (vec![], 20422),
        (vec![("Twiml", "<Response><Say>unclosed</Response>")], 12100),
        (vec![("Url", "not-a-url")], 21205),
    ] {
        let (status, refused) = update(&app, &sid, &form).await;
        assert!(status == 400 || status == 422, "{form:?}: {status}");
        assert_eq!(refused["code"].as_u64(), Some(code), "{form:?}: {refused}");
    }
    let (status, refused) = update(
        &app,
        &sid,
        &[("Twiml", r#"<Response><Play digits="12a"/></Response>"#)],
    )
    .await;
    assert_eq!((status, refused["code"].as_u64()), (422, Some(20422)));
    let (status, missing) = update(
        &app,
        "CA00000000000000000000000000000000",
        &[("Status", "completed")],
    )
    .await;
    assert_eq!((status, missing["code"].as_u64()), (404, Some(20404)));
}

#[tokio::test]
async fn other_twiml_replaces_what_a_call_in_progress_does() {
    let app = spawn_tenant().await;
    let (_, sid) = ring_call_user(&app, None).await;
    // Only a call in progress can be redirected.
    let goodbye = twiml::Document::new()
        .say("Bye & thanks.")
        .hangup()
        .finish();
    let (status, refused) = update(&app, &sid, &[("Twiml", &goodbye)]).await;
    assert_eq!((status, refused["code"].as_u64()), (400, Some(21220)));

    update(&app, &sid, &[("Twiml", &twiml::keypad("1"))]).await;
    let (status, call) = update(&app, &sid, &[("Twiml", &goodbye)]).await;
    assert_eq!(status, 200, "{call}");
    assert_eq!(call["status"], "completed");
    let lines = heard(&call);
    assert_eq!(
        lines[lines.len() - 2..],
        [said("Bye & thanks."), "note: The call ended.".into()]
    );
}

// --------------------------------------------- docproof's own controls

fn control(app: &RunningTenant, path: &str) -> String {
    format!("{}/carrier/docproof/{path}", app.base_url)
}

async fn faults_request(
    app: &RunningTenant,
    req: reqwest::RequestBuilder,
    auth: bool,
) -> (u16, Value) {
    let _ = app;
    let (sid, token) = account();
    let req = if auth {
        req.basic_auth(sid, Some(token))
    } else {
        req
    };
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

#[tokio::test]
async fn fault_switches_refuse_texts_and_calls_until_switched_off() {
    let app = spawn_tenant().await;
    let http = reqwest::Client::new();
    let none = serde_json::json!({"Messages": {"fault": "none"}, "Calls": {"fault": "none"}});
    let (status, switches) = faults_request(&app, http.get(control(&app, "faults")), true).await;
    assert_eq!((status, &switches), (200, &none));

    // A form, as curl sends it.
    let (status, switches) = faults_request(
        &app,
        http.post(control(&app, "faults")).form(&[
            ("resource", "Messages"),
            ("fault", "refuse"),
            ("status", "503"),
        ]),
        true,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        switches["Messages"],
        serde_json::json!({"fault": "refuse", "status": 503})
    );
    let (sid, token) = account();
    let form = [
        ("To", "+12065550101"),
        ("From", "+14255550100"),
        ("Body", "lost 123456"),
    ];
    let (status, refused) =
        post_form(&api(&app, "Messages.json"), Some((&sid, &token)), &form).await;
    assert_eq!(status, 503);
    assert_eq!(
        refused,
        serde_json::json!({
            "code": 20503,
            "message": "Service Unavailable",
            "more_info": "https://www.twilio.com/docs/errors/20503",
            "status": 503,
        })
    );
    // Still a 401 without credentials, fault or not.
    assert_eq!(
        post_form(&api(&app, "Messages.json"), None, &form).await.0,
        401
    );
    assert!(
        app.carrier().messages().is_empty(),
        "a refused text is not delivered"
    );
    // Reading is never affected, nor are calls.
    assert_eq!(get_json(&api(&app, "Messages.json"), &[]).await.0, 200);
    let (status, _) = place_call(
        &app,
        &[
            ("To", "+12065550102"),
            ("From", "+14255550100"),
            ("Url", "http://127.0.0.1:9/x"),
        ],
    )
    .await;
    assert_eq!(status, 201);

    // JSON too; calls refused now.
    let (status, switches) = faults_request(
        &app,
        http.post(control(&app, "faults"))
            .json(&serde_json::json!({"resource": "Calls", "fault": "refuse", "status": 500})),
        true,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(switches["Calls"]["status"], 500);
    let (status, refused) = place_call(
        &app,
        &[
            ("To", "+12065550102"),
            ("From", "+14255550100"),
            ("Url", "http://127.0.0.1:9/x"),
        ],
    )
    .await;
    assert_eq!((status, refused["code"].as_u64()), (500, Some(20500)));
    assert_eq!(app.carrier().calls().len(), 1);

    // One switch off, then all.
    let (_, switches) = faults_request(
        &app,
        http.post(control(&app, "faults"))
            .form(&[("resource", "Messages"), ("fault", "none")]),
        true,
    )
    .await;
    assert_eq!(switches["Messages"]["fault"], "none");
    assert_eq!(switches["Calls"]["fault"], "refuse");
    let (status, switches) = faults_request(&app, http.delete(control(&app, "faults")), true).await;
    assert_eq!((status, &switches), (200, &none));
    send_text(&app, "+12065550101", "kept 654321").await;
    assert_eq!(app.carrier().messages().len(), 1);
}

#[tokio::test]
async fn fault_switches_need_the_accounts_credentials_and_a_clear_request() {
    let app = spawn_tenant().await;
    let http = reqwest::Client::new();
    let (status, refused) = faults_request(
        &app,
        http.post(control(&app, "faults")).form(&[
            ("resource", "Messages"),
            ("fault", "refuse"),
            ("status", "503"),
        ]),
        false,
    )
    .await;
    assert_eq!((status, refused["code"].as_u64()), (401, Some(20003)));
    for (form, why) in [
        (
            vec![("resource", "Faxes"), ("fault", "none")],
            "not Messages or Calls",
        ),
        (vec![("resource", "Calls"), ("fault", "refuse")], "'status'"),
        (
            vec![
                ("resource", "Calls"),
                ("fault", "delay"),
                ("delay_ms", "-1"),
            ],
            "'delay_ms'",
        ),
    ] {
        let (status, refused) =
            faults_request(&app, http.post(control(&app, "faults")).form(&form), true).await;
        assert_eq!(
            (status, refused["code"].as_u64()),
            (422, Some(20422)),
            "{form:?}"
        );
        assert!(
            refused["message"].as_str().unwrap().contains(why),
            "{refused}"
        );
    }
    let (status, refused) = faults_request(
        &app,
        http.post(control(&app, "faults"))
            .header("content-type", "application/json")
            .body("[1, 2]"),
        true,
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(
        app.carrier()
            .fault(docproof_contract::twilio::faults::Resource::Messages),
        docproof_contract::twilio::faults::Fault::None
    );
}

#[tokio::test]
async fn a_delayed_text_is_delivered_once_answered_even_if_the_sender_gave_up() {
    let app = spawn_tenant().await;
    let delay = Duration::from_millis(400);
    app.carrier().set_fault(
        docproof_contract::twilio::faults::Resource::Messages,
        docproof_contract::twilio::faults::Fault::Delay(delay),
    );
    let (sid, token) = account();
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = impatient
        .post(api(&app, "Messages.json"))
        .basic_auth(&sid, Some(&token))
        .form(&[
            ("To", "+12065550101"),
            ("From", "+14255550100"),
            ("Body", "late"),
        ])
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
    assert!(app.carrier().messages().is_empty(), "not before its answer");
    let delivered = eventually(
        Duration::from_secs(3),
        "the delayed text never arrived",
        async || app.carrier().messages().first().map(|m| m.body.clone()),
    )
    .await;
    assert_eq!(delivered, "late");

    // A patient sender gets its 201, late.
    let started = std::time::Instant::now();
    send_text(&app, "+12065550101", "patient").await;
    assert!(started.elapsed() >= delay, "{:?}", started.elapsed());
}

#[tokio::test]
async fn ring_out_ends_a_ringing_call_as_no_answer_at_once() {
    let app = spawn_tenant().await;
    let (id, sid) = ring_call_user(&app, None).await;
    let http = reqwest::Client::new();
    let ring_out = control(&app, &format!("Calls/{sid}/ring-out"));
    let (status, _) = faults_request(&app, http.post(&ring_out), false).await;
    assert_eq!(status, 401);
    let (status, call) = faults_request(&app, http.post(&ring_out), true).await;
    assert_eq!(
        (status, call["status"].as_str()),
        (200, Some("no-answer")),
        "{call}"
    );
    assert_eq!(heard(&call), ["note: Nobody answered."]);
    assert_eq!(
        app.tenant().call(&id).unwrap().outcome,
        CallOutcome::NotAnswered("no-answer".into())
    );
    let (status, refused) = faults_request(&app, http.post(&ring_out), true).await;
    assert_eq!((status, refused["code"].as_u64()), (400, Some(21220)));
    let (status, _) = faults_request(
        &app,
        http.post(control(
            &app,
            "Calls/CA00000000000000000000000000000000/ring-out",
        )),
        true,
    )
    .await;
    assert_eq!(status, 404);
}
