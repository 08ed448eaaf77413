//! Today's user pages (`Profile::Today`): the interrupt, combined
//! registration, Security info, and Exchange without basic authentication.

use crate::common::*;
use crate::legacy::ews;
use crate::signin::{answer_call, enable_mfa, latest_code, provider, settings_for};
use docproof_contract::domain::{Method, MfaStatus};
use docproof_contract::profile::Profile;
use docproof_simulator::legacy::REASON_BASIC_AUTH_DISABLED;
use docproof_simulator::{RunningTenant, Settings};
use reqwest::StatusCode;
use wiremock::MockServer;

async fn today(p: &MockServer) -> RunningTenant {
    spawn_with(Settings {
        profile: Profile::Today,
        ..settings_for(p)
    })
    .await
}

/// Sign-in as `user` (MFA Enabled, not registered) up to today's wizard's
/// Phone page, past "Install Microsoft Authenticator" and the dialog.
async fn to_phone_page(c: &reqwest::Client, t: &RunningTenant, user: (&str, &str)) -> Page {
    let page = after_password(c, &t.base_url, user).await;
    assert_eq!(
        page.text("#idDiv_ProofUp_Title").unwrap(),
        "Let's keep your account secure"
    );
    assert_eq!(
        page.text("#idDiv_ProofUp_Description").unwrap(),
        "We'll help you set up another way to verify it's you."
    );
    assert!(page.has("#cancelLink") && page.has("#moreInfoLink"));
    let page = submit(c, &page, "#idSubmit_ProofUp_Redirect", &[]).await;
    assert_eq!(
        page.text("#register-title").unwrap(),
        "Keep your account secure"
    );
    assert_eq!(
        page.text("#register-heading").unwrap(),
        "Install Microsoft Authenticator"
    );
    assert_controls_named(&page);
    // The app cannot be set up here: Next says so and stays.
    let page = submit(c, &page, "#register-next", &[]).await;
    assert!(page
        .text("#register-error")
        .unwrap()
        .contains("different method"));
    let page = submit(c, &page, "#register-different-method", &[]).await;
    assert!(page.has("#register-method-dialog"));
    assert_controls_named(&page);
    let page = submit(c, &page, "#register-confirm", &[("method", "phone")]).await;
    assert_eq!(page.text("#register-heading").unwrap(), "Phone");
    assert_controls_named(&page);
    page
}

#[tokio::test]
async fn registering_by_text_message_is_todays_wizard_without_an_app_password() {
    let p = provider().await;
    let t = today(&p).await;
    let upn = enable_mfa(&t, SMS_USER.0);
    let c = client();
    let page = to_phone_page(&c, &t, SMS_USER).await;

    // A missing option is named; the number typed is kept.
    let page = submit(&c, &page, "#register-next", &[("phone", "2065550101")]).await;
    assert!(page
        .text("#register-error")
        .unwrap()
        .contains("Receive a code"));
    assert_eq!(page.attr("#register-phone", "value").unwrap(), "2065550101");

    let page = submit(&c, &page, "#register-next", &[("option", "text")]).await;
    assert_eq!(
        page.text("#register-description").unwrap(),
        "We just sent a 6 digit code to +1 2065550101. Enter the code below."
    );
    let page = submit(&c, &page, "#register-next", &[("otc", "000000")]).await;
    assert!(page.has("#register-error"), "{}", page.html);
    let code = latest_code(&p, "+12065550101").await;
    let page = submit(&c, &page, "#register-next", &[("otc", &code)]).await;
    assert_eq!(
        page.text("#register-verified").unwrap(),
        "SMS verified. Your phone was registered successfully."
    );
    let user = t.tenant().user(&upn).unwrap();
    assert_eq!(user.admin_view.status, MfaStatus::Enforced);
    assert_eq!(user.admin_view.registration.unwrap().method, Method::Text);
    assert!(
        user.admin_view.app_passwords.is_empty(),
        "no app password today"
    );

    let page = submit(&c, &page, "#register-next", &[]).await;
    assert_eq!(page.text("#register-heading").unwrap(), "Success!");
    assert_eq!(
        page.text("#register-default-method").unwrap(),
        "Default sign-in method: Phone - text +1 2065550101"
    );
    let page = submit(&c, &page, "#register-done", &[]).await;
    assert!(page.url.ends_with("/owa"), "{}", page.url);
    assert!(page.has("#owa_heading"), "{}", page.html);
}

#[tokio::test]
async fn registering_by_call_waits_for_the_pound_key() {
    let p = provider().await;
    let t = today(&p).await;
    let upn = enable_mfa(&t, CALL_USER.0);
    let c = client();
    let page = to_phone_page(&c, &t, CALL_USER).await;
    let page = submit(
        &c,
        &page,
        "#register-next",
        &[("phone", "2065550102"), ("option", "call")],
    )
    .await;
    assert!(page
        .text("#register-description")
        .unwrap()
        .starts_with("We're calling +1 2065550102 now."));
    // Before the call is answered, the re-check says so.
    let page = submit(&c, &page, "#register-next", &[]).await;
    assert!(page.text("#register-error").unwrap().contains("pound key"));
    answer_call(&p, "#").await;
    let page = submit(&c, &page, "#register-next", &[]).await;
    assert_eq!(
        page.text("#register-verified").unwrap(),
        "Call answered. Your phone was registered successfully."
    );
    let registration = t.tenant().user(&upn).unwrap().admin_view.registration;
    assert_eq!(registration.unwrap().method, Method::Call);
}

#[tokio::test]
async fn a_stale_or_forged_wizard_post_changes_nothing() {
    let p = provider().await;
    let t = today(&p).await;
    let upn = enable_mfa(&t, SMS_USER.0);
    let c = client();
    let page = to_phone_page(&c, &t, SMS_USER).await;
    // Done before the phone is verified shows the Phone page again.
    let (url, mut fields) = form_submission(&page, "#register-next", &[]);
    fields.retain(|(k, _)| k != "action");
    fields.push(("action".into(), "done".into()));
    let again = Page::from(c.post(url.clone()).form(&fields).send().await.unwrap()).await;
    assert_eq!(again.text("#register-heading").unwrap(), "Phone");
    // A wrong canary, or a button that does not exist, is refused.
    let forged: Vec<_> = fields
        .iter()
        .map(|(k, v)| match k.as_str() {
            "canary" => (k.clone(), "forged".to_string()),
            _ => (k.clone(), v.clone()),
        })
        .collect();
    let refused = c.post(url.clone()).form(&forged).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    fields.retain(|(k, _)| k != "action");
    fields.push(("action".into(), "skip".into()));
    let refused = c.post(url).form(&fields).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let user = t.tenant().user(&upn).unwrap();
    assert!(user.admin_view.registration.is_none());
}

/// Signs `user` in with a texted code (already registered) and opens
/// Security info.
async fn security_info(
    t: &RunningTenant,
    p: &MockServer,
    user: (&str, &str),
) -> (reqwest::Client, Page) {
    let c = client();
    let start = format!("{}/security-info", t.base_url);
    let page = after_password_from(&c, &start, user).await;
    let code = latest_code(p, "+12065550104").await;
    let page = submit(&c, &page, "#idSubmit_SAOTCC_Continue", &[("otc", &code)]).await;
    let page = submit(&c, &page, "#idSIButton9", &[]).await;
    assert_eq!(
        page.text("#security-info-heading").unwrap(),
        "Security info",
        "{}",
        page.html
    );
    (c, page)
}

#[tokio::test]
async fn app_passwords_come_from_security_info_only_when_the_admin_allows_them() {
    let p = provider().await;
    let t = today(&p).await;
    assert!(!t.tenant().app_passwords_allowed(), "off by default today");
    let (c, page) = security_info(&t, &p, ENFORCED_USER).await;
    assert_eq!(
        page.text("#security-info-default").unwrap(),
        "Default sign-in method: Phone - text +1 2065550104"
    );
    let add = get(&c, &format!("{}/security-info?dialog=add", t.base_url)).await;
    assert_controls_named(&add);
    assert!(
        !add.html.contains(">App password<"),
        "not offered while off"
    );

    t.tenant().set_app_passwords_allowed(true);
    let add = get(&c, &format!("{}/security-info?dialog=add", t.base_url)).await;
    let named = submit(
        &c,
        &add,
        "#security-info-add-confirm",
        &[("method", "app-password")],
    )
    .await;
    assert_controls_named(&named);
    let empty = submit(&c, &named, "#security-info-next", &[("name", " ")]).await;
    assert!(empty.text("#security-info-error").unwrap().contains("name"));
    let made = submit(&c, &named, "#security-info-next", &[("name", "CloudBacko")]).await;
    let password = made.text("#security-info-app-password").unwrap();
    assert_eq!(password.len(), 16, "{}", made.html);
    let upn = upn(ENFORCED_USER.0);
    let user = t.tenant().user(&upn).unwrap();
    assert!(user
        .admin_view
        .app_passwords
        .iter()
        .any(|a| a.matches(&password)));
    // Shown once: the page after Done does not repeat it.
    let after = get(&c, &format!("{}/security-info", t.base_url)).await;
    assert!(!after.html.contains(&password));
    // Exchange refuses it all the same: basic authentication is off.
    let r = ews(&t.base_url, ENFORCED_USER.0, &password).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // A forged post makes nothing.
    let (url, mut fields) = form_submission(&named, "#security-info-next", &[("name", "x")]);
    fields.retain(|(k, _)| k != "canary");
    let refused = c.post(url).form(&fields).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        t.tenant()
            .user(&upn)
            .unwrap()
            .admin_view
            .app_passwords
            .len(),
        1
    );
}

#[tokio::test]
async fn an_account_not_enforced_is_not_offered_an_app_password() {
    let p = provider().await;
    let t = today(&p).await;
    t.tenant().set_app_passwords_allowed(true);
    let c = client();
    let page =
        Page::from(sign_in(&c, &t.base_url, SMS_USER.0, SMS_USER.1, "/security-info").await).await;
    assert_eq!(
        page.text("#security-info-default").unwrap(),
        "Default sign-in method: none yet"
    );
    let add = get(&c, &format!("{}/security-info?dialog=add", t.base_url)).await;
    assert!(!add.html.contains(">App password<"));
    let named = submit(
        &c,
        &add,
        "#security-info-add-confirm",
        &[("method", "app-password")],
    )
    .await;
    let refused = submit(&c, &named, "#security-info-next", &[("name", "CloudBacko")]).await;
    assert_eq!(refused.status, 400);
    assert!(refused
        .text("#security-info-error")
        .unwrap()
        .contains("only for accounts"));
}

#[tokio::test]
async fn exchange_refuses_basic_authentication_with_a_bearer_challenge() {
    let p = provider().await;
    let t = today(&p).await;
    for (user, password) in [
        BACKUP_USER,
        SMS_USER,
        ("nobody@cloudbacko-qa.onmicrosoft.com", "N0body-Pass!"),
    ] {
        let r = ews(&t.base_url, user, password).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{user}");
        assert!(
            r.challenge.as_deref().unwrap().starts_with("Bearer "),
            "{user}"
        );
        assert_eq!(r.body.lines().next(), Some(REASON_BASIC_AUTH_DISABLED));
        assert!(!r.body.contains(password), "the password is not echoed");
    }
}
