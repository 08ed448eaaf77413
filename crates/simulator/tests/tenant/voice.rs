//! The voice menu of a verification call (`/voice/{call_id}/…`), driven the
//! way a Twilio-compatible provider drives it: fetch TwiML, post `Digits`
//! to the `<Gather>` action, report the call's end to the StatusCallback.

use super::common::{call_user, spawn_tenant, start_call};
use docproof_simulator::carrier::voice::{self, wording};
use docproof_simulator::state::CallOutcome;
use docproof_simulator::RunningTenant;

/// What the provider posts to the `<Gather>` action: Digits plus Twilio's
/// other fields, which the menu ignores.
async fn press(app: &RunningTenant, call_id: &str, digits: &str) -> String {
    let resp = reqwest::Client::new()
        .post(format!("{}/voice/{call_id}/gather", app.base_url))
        .form(&[
            ("CallSid", "CA0123456789abcdef0123456789abcdef"),
            ("AccountSid", "AC00000000000000000000000000000001"),
            ("From", "+14255550100"),
            ("To", "+12065550102"),
            ("CallStatus", "in-progress"),
            ("Digits", digits),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/xml"));
    resp.text().await.unwrap()
}

fn outcome(app: &RunningTenant, call_id: &str) -> CallOutcome {
    app.tenant().call(call_id).unwrap().outcome
}

fn say(text: &str) -> String {
    format!("<Say>{text}</Say>")
}

#[tokio::test]
async fn the_menu_asks_for_pound_and_delivers_it_as_a_digit() {
    let app = spawn_tenant().await;
    let id = start_call(&app);
    let url = voice::twiml_url(&app.base_url, &id);
    assert_eq!(url, format!("{}/voice/{id}/twiml", app.base_url));
    let http = reqwest::Client::new();
    for resp in [
        http.get(&url).send().await.unwrap(),
        http.post(&url)
            .form(&[("CallSid", "CA1")])
            .send()
            .await
            .unwrap(),
    ] {
        assert_eq!(resp.status(), 200);
        assert!(resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/xml"));
        let xml = resp.text().await.unwrap();
        assert!(
            xml.starts_with(r#"<?xml version="1.0" encoding="UTF-8"?><Response>"#),
            "{xml}"
        );
        let gather = format!(
            r#"<Gather action="{}/voice/{id}/gather" method="POST" numDigits="1" finishOnKey="" timeout="{}">"#,
            app.base_url,
            voice::GATHER_TIMEOUT_SECS
        );
        assert!(xml.contains(&gather), "{xml}");
        assert!(xml.contains(&say(
            "Thank you for using Microsoft's sign-in verification system. Please press the pound key to finish your verification."
        )));
        assert!(xml.contains(&say(
            "If you did not initiate this verification, press zero then the pound key to report fraud."
        )));
        assert!(
            xml.ends_with(&format!(
                "</Gather>{}<Hangup/></Response>",
                say(wording::NO_RESPONSE)
            )),
            "{xml}"
        );
    }
    assert_eq!(outcome(&app, &id), CallOutcome::Ringing);
}

#[tokio::test]
async fn pound_verifies_the_sign_in_and_ends_the_menu() {
    let app = spawn_tenant().await;
    let id = start_call(&app);
    let xml = press(&app, &id, "#").await;
    assert!(
        xml.contains("<Say>Your sign in was successfully verified. Goodbye.</Say><Hangup/>"),
        "{xml}"
    );
    assert_eq!(outcome(&app, &id), CallOutcome::Verified);
    // The call is over: keys and the menu no longer do anything.
    assert!(press(&app, &id, "#").await.contains(&say(wording::ENDED)));
    let menu = reqwest::get(voice::twiml_url(&app.base_url, &id))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        menu.contains(&say(wording::ENDED)) && !menu.contains("<Gather"),
        "{menu}"
    );
    assert_eq!(outcome(&app, &id), CallOutcome::Verified);
}

#[tokio::test]
async fn zero_then_pound_reports_fraud_and_blocks_the_user() {
    let app = spawn_tenant().await;
    let id = start_call(&app);
    let (upn, _) = call_user();
    let xml = press(&app, &id, "0").await;
    assert!(xml.contains(&say(wording::CONFIRM_FRAUD)), "{xml}");
    assert!(xml.contains(&format!(
        r#"<Gather action="{}""#,
        voice::gather_url(&app.base_url, &id)
    )));
    assert!(xml.contains(r#"finishOnKey="""#));
    assert_eq!(outcome(&app, &id), CallOutcome::Ringing);
    assert!(!app.tenant().user(&upn).unwrap().blocked);

    let xml = press(&app, &id, "#").await;
    assert!(
        xml.contains(&say(wording::FRAUD_REPORTED)) && xml.contains("<Hangup/>"),
        "{xml}"
    );
    assert_eq!(outcome(&app, &id), CallOutcome::Fraud);
    assert!(app.tenant().user(&upn).unwrap().blocked);
}

#[tokio::test]
async fn zero_pound_in_one_post_reports_fraud() {
    let app = spawn_tenant().await;
    let id = start_call(&app);
    let xml = press(&app, &id, "0#").await;
    assert!(xml.contains(&say(wording::FRAUD_REPORTED)), "{xml}");
    assert_eq!(outcome(&app, &id), CallOutcome::Fraud);
    assert!(app.tenant().user(&call_user().0).unwrap().blocked);
}

#[tokio::test]
async fn a_wrong_key_repeats_the_menu_and_pound_still_verifies() {
    let app = spawn_tenant().await;
    let id = start_call(&app);
    let xml = press(&app, &id, "5").await;
    assert!(xml.starts_with(&format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Response><Say>That key is not valid.</Say><Gather action="{}""#,
        voice::gather_url(&app.base_url, &id)
    )), "{xml}");
    assert!(xml.contains(&say(wording::GREETING)));
    assert_eq!(outcome(&app, &id), CallOutcome::Ringing);
    // A wrong key between 0 and # cancels the fraud alert.
    press(&app, &id, "0").await;
    assert!(press(&app, &id, "7").await.contains(wording::WRONG_KEY));
    assert!(press(&app, &id, "#")
        .await
        .contains(&say(wording::VERIFIED)));
    assert_eq!(outcome(&app, &id), CallOutcome::Verified);
    assert!(!app.tenant().user(&call_user().0).unwrap().blocked);
}

#[tokio::test]
async fn no_digits_plays_the_menu_again() {
    let app = spawn_tenant().await;
    let id = start_call(&app);
    for form in [vec![("CallSid", "CA1")], vec![("Digits", "")]] {
        let xml = reqwest::Client::new()
            .post(voice::gather_url(&app.base_url, &id))
            .form(&form)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            xml.contains("<Gather") && xml.contains(&say(wording::GREETING)),
            "{xml}"
        );
        assert!(!xml.contains(wording::WRONG_KEY));
    }
    assert_eq!(outcome(&app, &id), CallOutcome::Ringing);
}

async fn post_status(app: &RunningTenant, call_id: &str, status: &str) -> u16 {
    reqwest::Client::new()
        .post(voice::status_callback_url(&app.base_url, call_id))
        .form(&[
            ("CallSid", "CA1"),
            ("CallStatus", status),
            ("CallDuration", "0"),
        ])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn status_callback_ends_an_unanswered_call() {
    let app = spawn_tenant().await;
    let id = start_call(&app);
    assert_eq!(post_status(&app, &id, "ringing").await, 204);
    assert_eq!(post_status(&app, &id, "completed").await, 204);
    assert_eq!(outcome(&app, &id), CallOutcome::Ringing);
    assert_eq!(post_status(&app, &id, "no-answer").await, 204);
    assert_eq!(
        outcome(&app, &id),
        CallOutcome::NotAnswered("no-answer".into())
    );
    // Keys after the call ended do not verify it.
    assert!(press(&app, &id, "#").await.contains(&say(wording::ENDED)));
    assert_eq!(
        outcome(&app, &id),
        CallOutcome::NotAnswered("no-answer".into())
    );

    for status in ["busy", "failed", "canceled"] {
        let id = start_call(&app);
        assert_eq!(post_status(&app, &id, status).await, 204);
        assert_eq!(outcome(&app, &id), CallOutcome::NotAnswered(status.into()));
    }
    // A verified call stays verified whatever the provider reports next.
    let id = start_call(&app);
    press(&app, &id, "#").await;
    assert_eq!(post_status(&app, &id, "no-answer").await, 204);
    assert_eq!(outcome(&app, &id), CallOutcome::Verified);
}

#[tokio::test]
async fn an_unknown_call_says_it_is_no_longer_valid() {
    let app = spawn_tenant().await;
    let menu = reqwest::get(voice::twiml_url(&app.base_url, "nosuchcall"))
        .await
        .unwrap();
    assert_eq!(menu.status(), 200);
    let xml = menu.text().await.unwrap();
    assert!(
        xml.contains(&format!("{}<Hangup/>", say(wording::UNKNOWN_CALL))),
        "{xml}"
    );
    assert!(!xml.contains("<Gather"));
    assert!(press(&app, "nosuchcall", "#")
        .await
        .contains(&say(wording::UNKNOWN_CALL)));
    assert_eq!(post_status(&app, "nosuchcall", "no-answer").await, 204);
}
