//! The virtual carrier's limits, as Twilio's: message and TwiML sizes with
//! Twilio's error codes, the request body cap, the retention of its logs,
//! and the hosts it fetches from.

use super::carrier::{
    account, api, get_json, heard, place_call, post_form, ring_call_user, update,
};
use super::common::{client, get, spawn_tenant, spawn_with};
use docproof_contract::twilio::limits;
use docproof_simulator::carrier::phone_page::PAGE_SHOWS;
use docproof_simulator::carrier::virtual_carrier::KEPT_PER_ACCOUNT;
use docproof_simulator::server::MAX_REQUEST_BYTES;
use docproof_simulator::{RunningTenant, Settings};
use serde_json::Value;

async fn text(app: &RunningTenant, body: &str) -> (u16, Value) {
    let (sid, token) = account();
    post_form(
        &api(app, "Messages.json"),
        Some((&sid, &token)),
        &[
            ("To", "+12065550101"),
            ("From", "+14255550100"),
            ("Body", body),
        ],
    )
    .await
}

fn code(answer: &Value) -> Option<u64> {
    answer["code"].as_u64()
}

#[tokio::test]
async fn a_body_over_1600_characters_is_twilios_21617() {
    let app = spawn_tenant().await;
    let (status, refused) = text(&app, &"a".repeat(1601)).await;
    assert_eq!((status, code(&refused)), (400, Some(21617)), "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("exceeds the 1600 character limit"),
        "{refused}"
    );
    assert!(app.carrier().messages().is_empty());
    // The limit counts characters, not bytes.
    for body in ["a".repeat(1600), "é".repeat(1600)] {
        let (status, sent) = text(&app, &body).await;
        assert_eq!(status, 201, "{sent}");
    }
    assert_eq!(app.carrier().messages().len(), 2);
}

#[tokio::test]
async fn bodies_over_the_request_limit_are_refused_and_not_kept() {
    let app = spawn_tenant().await;
    let huge = "a".repeat(1_900_000);
    for _ in 0..50 {
        let (status, refused) = text(&app, &huge).await;
        assert_eq!((status, code(&refused)), (413, Some(20413)), "{refused}");
        assert!(refused["message"]
            .as_str()
            .unwrap()
            .contains(&MAX_REQUEST_BYTES.to_string()));
    }
    assert!(app.carrier().messages().is_empty());
    let page = get(&client(), &format!("{}/phone/12065550101", app.base_url)).await;
    assert!(page.html.len() < 100_000, "{} bytes", page.html.len());
}

#[tokio::test]
async fn inline_twiml_over_4000_characters_is_twilios_32018() {
    let app = spawn_tenant().await;
    let long = format!("<Response><Say>{}</Say></Response>", "a".repeat(4000));
    let (status, refused) = place_call(
        &app,
        &[
            ("To", "+12065550102"),
            ("From", "+14255550100"),
            ("Twiml", &long),
        ],
    )
    .await;
    assert_eq!((status, code(&refused)), (400, Some(32018)), "{refused}");
    assert!(app.carrier().calls().is_empty());

    let (_, sid) = ring_call_user(&app, None).await;
    let (status, refused) = update(&app, &sid, &[("Twiml", &long)]).await;
    assert_eq!((status, code(&refused)), (400, Some(32018)), "{refused}");
    assert_eq!(app.carrier().call(&sid).unwrap().status, "ringing");
}

/// A TwiML server answering `body` to every request.
async fn serving(body: String) -> wiremock::MockServer {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .insert_header("content-type", "text/xml")
                .set_body_string(body),
        )
        .mount(&server)
        .await;
    server
}

/// A document of exactly `bytes` bytes that says one long sentence.
fn say_document(bytes: usize) -> String {
    let shell = "<Response><Say></Say></Response>";
    format!(
        "<Response><Say>{}</Say></Response>",
        "a".repeat(bytes - shell.len())
    )
}

#[tokio::test]
async fn fetched_twiml_over_64_kb_fails_the_call_with_11750() {
    let app = spawn_tenant().await;
    let at_limit = serving(say_document(limits::TWIML_RESPONSE_BYTES)).await;
    let (_, sid) = ring_call_user(&app, Some(format!("{}/twiml", at_limit.uri()))).await;
    let (status, call) = update(
        &app,
        &sid,
        &[("Twiml", "<Response><Play digits=\"1\"/></Response>")],
    )
    .await;
    assert_eq!(status, 200, "{call}");
    assert!(
        heard(&call).iter().all(|l| !l.starts_with("error:")),
        "{:?}",
        heard(&call)
    );

    let over = serving(say_document(limits::TWIML_RESPONSE_BYTES + 1)).await;
    let (_, sid) = ring_call_user(&app, Some(format!("{}/twiml", over.uri()))).await;
    let (status, call) = update(
        &app,
        &sid,
        &[("Twiml", "<Response><Play digits=\"1\"/></Response>")],
    )
    .await;
    assert_eq!(status, 200, "{call}");
    assert_eq!(call["status"], "completed");
    let error = heard(&call)
        .into_iter()
        .find(|l| l.starts_with("error:"))
        .expect("the call says why it failed");
    assert!(error.contains("11750"), "{error}");
}

/// A TwiML server that answers with `body` in chunks and no length, as a
/// streaming server would: the carrier must stop reading at the limit.
async fn serving_chunked(body: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/twiml", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n";
                let _ = socket.write_all(head.as_bytes()).await;
                for chunk in body.as_bytes().chunks(8192) {
                    let framed =
                        [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
                    if socket.write_all(&framed).await.is_err() {
                        return;
                    }
                }
                let _ = socket.write_all(b"0\r\n\r\n").await;
            });
        }
    });
    url
}

#[tokio::test]
async fn streamed_twiml_is_read_only_up_to_64_kb() {
    let app = spawn_tenant().await;
    let keypad = "<Response><Play digits=\"1\"/></Response>";
    let fits = serving_chunked(say_document(limits::TWIML_RESPONSE_BYTES)).await;
    let (_, sid) = ring_call_user(&app, Some(fits)).await;
    let (_, call) = update(&app, &sid, &[("Twiml", keypad)]).await;
    assert!(
        heard(&call).iter().all(|l| !l.starts_with("error:")),
        "{:?}",
        heard(&call)
    );

    let over = serving_chunked(say_document(4 * limits::TWIML_RESPONSE_BYTES)).await;
    let (_, sid) = ring_call_user(&app, Some(over)).await;
    let (_, call) = update(&app, &sid, &[("Twiml", keypad)]).await;
    let error = heard(&call)
        .into_iter()
        .find(|l| l.starts_with("error:"))
        .expect("the call says why it failed");
    assert!(error.contains("11750"), "{error}");
}

#[tokio::test]
async fn the_carrier_keeps_the_newest_texts_of_each_account() {
    let app = spawn_tenant().await;
    let sent = KEPT_PER_ACCOUNT + 5;
    // One connection for all: a new one per text would take most of the time.
    let http = reqwest::Client::new();
    let (sid, token) = account();
    for n in 0..sent {
        let resp = http
            .post(api(&app, "Messages.json"))
            .basic_auth(&sid, Some(&token))
            .form(&[
                ("To", "+12065550101"),
                ("From", "+14255550100"),
                ("Body", &format!("text {n}")),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201);
    }
    assert_eq!(app.carrier().messages().len(), KEPT_PER_ACCOUNT);
    let (status, page) = get_json(
        &api(&app, "Messages.json"),
        &[("PageSize", &KEPT_PER_ACCOUNT.to_string())],
    )
    .await;
    assert_eq!(status, 200);
    let bodies: Vec<&str> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies.len(), KEPT_PER_ACCOUNT);
    assert_eq!(bodies.first(), Some(&format!("text {}", sent - 1).as_str()));
    assert_eq!(bodies.last(), Some(&"text 5"));

    // The phone page shows a bounded number, newest first.
    let phone = get(&client(), &format!("{}/phone/12065550101", app.base_url)).await;
    let doc = scraper::Html::parse_document(&phone.html);
    let shown: Vec<String> = doc
        .select(&scraper::Selector::parse(".sms .body").unwrap())
        .map(super::common::element_text)
        .collect();
    assert_eq!(shown.len(), PAGE_SHOWS);
    assert_eq!(shown[0], format!("text {}", sent - 1));
}

#[tokio::test]
async fn the_carrier_fetches_only_from_allowed_hosts() {
    let app = spawn_tenant().await;
    let outside = "http://169.254.169.254/latest/meta-data";
    let (status, refused) = place_call(
        &app,
        &[
            ("To", "+12065550102"),
            ("From", "+14255550100"),
            ("Url", outside),
        ],
    )
    .await;
    assert_eq!((status, code(&refused)), (400, Some(21205)), "{refused}");
    let (status, refused) = place_call(
        &app,
        &[
            ("To", "+12065550102"),
            ("From", "+14255550100"),
            ("Twiml", "<Response><Hangup/></Response>"),
            ("StatusCallback", outside),
        ],
    )
    .await;
    assert_eq!((status, code(&refused)), (400, Some(21609)), "{refused}");
    let (sid, token) = account();
    let (status, refused) = post_form(
        &api(&app, "Messages.json"),
        Some((&sid, &token)),
        &[
            ("To", "+12065550101"),
            ("From", "+14255550100"),
            ("Body", "hi"),
            ("StatusCallback", outside),
        ],
    )
    .await;
    assert_eq!((status, code(&refused)), (400, Some(21609)), "{refused}");
    assert!(app.carrier().calls().is_empty() && app.carrier().messages().is_empty());

    // A call in progress is not sent elsewhere by an update...
    let (_, sid) = ring_call_user(&app, None).await;
    let keypad = "<Response><Play digits=\"1\"/></Response>";
    let (status, _) = update(&app, &sid, &[("Twiml", keypad)]).await;
    assert_eq!(status, 200);
    let (status, refused) = update(&app, &sid, &[("Url", outside)]).await;
    assert_eq!((status, code(&refused)), (400, Some(21205)), "{refused}");
    // ...nor by a <Redirect> in its TwiML: the call fails with Twilio's 11200.
    let redirect = format!("<Response><Redirect>{outside}</Redirect></Response>");
    let (status, call) = update(&app, &sid, &[("Twiml", &redirect)]).await;
    assert_eq!(status, 200, "{call}");
    assert_eq!(call["status"], "completed");
    let error = heard(&call)
        .into_iter()
        .find(|l| l.starts_with("error:"))
        .expect("the call says why it failed");
    assert!(
        error.contains("11200") && error.contains("169.254.169.254"),
        "{error}"
    );
}

#[tokio::test]
async fn the_allowed_hosts_are_one_setting() {
    let app = spawn_with(Settings {
        carrier_fetch_hosts: Vec::new(),
        ..Settings::default()
    })
    .await;
    let server = serving("<Response><Hangup/></Response>".into()).await;
    // The tenant's own host (127.0.0.1) is always allowed; `localhost` now is not.
    let by_name = server.uri().replace("127.0.0.1", "localhost");
    let (status, refused) = place_call(
        &app,
        &[
            ("To", "+12065550102"),
            ("From", "+14255550100"),
            ("Url", &by_name),
        ],
    )
    .await;
    assert_eq!((status, code(&refused)), (400, Some(21205)), "{refused}");
    let (status, call) = place_call(
        &app,
        &[
            ("To", "+12065550102"),
            ("From", "+14255550100"),
            ("Url", &server.uri()),
        ],
    )
    .await;
    assert_eq!(status, 201, "{call}");
}
