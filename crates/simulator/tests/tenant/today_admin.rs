//! Today's admin center (`Profile::Today`): Active users and per-user MFA.

use crate::common::*;
use docproof_contract::domain::MfaStatus;
use docproof_contract::profile::Profile;
use docproof_simulator::{RunningTenant, Settings};
use scraper::{Html, Selector};

const PER_USER_MFA: &str = "/entra/users/per-user-mfa";
const SERVICE_SETTINGS: &str = "/entra/users/per-user-mfa/service-settings";

async fn spawn_today() -> RunningTenant {
    spawn_with(Settings {
        profile: Profile::Today,
        ..Settings::default()
    })
    .await
}

fn status_of(t: &RunningTenant, user: &str) -> MfaStatus {
    t.tenant().user(&upn(user)).unwrap().admin_view.status
}

fn attrs(page: &Page, selector: &str, attr: &str) -> Vec<String> {
    let doc = Html::parse_document(&page.html);
    doc.select(&Selector::parse(selector).unwrap())
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

fn texts(page: &Page, selector: &str) -> Vec<String> {
    let doc = Html::parse_document(&page.html);
    doc.select(&Selector::parse(selector).unwrap())
        .map(element_text)
        .collect()
}

/// The users the table lists, in order.
fn listed(page: &Page) -> Vec<String> {
    attrs(page, "#peruser-mfa-users tbody tr[data-upn]", "data-upn")
}

fn row_status(page: &Page, user: &str) -> Option<String> {
    page.text(&format!(
        r#"#peruser-mfa-users tr[data-upn="{user}"] td.peruser-mfa-status"#
    ))
}

/// Follows the link `selector` on `page`.
async fn follow(c: &reqwest::Client, page: &Page, selector: &str) -> Page {
    let href = page
        .attr(selector, "href")
        .unwrap_or_else(|| panic!("no link {selector} on {}:\n{}", page.url, page.html));
    let url = reqwest::Url::parse(&page.url).unwrap().join(&href).unwrap();
    get(c, url.as_str()).await
}

async fn mfa_page(c: &reqwest::Client, t: &RunningTenant, query: &str) -> Page {
    let page = get(c, &format!("{}{PER_USER_MFA}{query}", t.base_url)).await;
    assert_controls_named(&page);
    page
}

/// Ticks `users` in the table and presses the command `button`, as a browser does.
async fn press(c: &reqwest::Client, page: &Page, button: &str, users: &[&str]) -> Page {
    let (url, mut fields) = form_submission(page, button, &[]);
    for user in users {
        assert!(
            page.has(&format!(
                r#"#peruser-mfa-users tr[data-upn="{user}"] input[type=checkbox][name=upn]"#
            )),
            "no checkbox for {user}"
        );
        fields.push(("upn".into(), user.to_string()));
    }
    Page::from(c.post(url).form(&fields).send().await.unwrap()).await
}

/// Ticks `users`, presses `button` and confirms its dialog.
async fn apply(c: &reqwest::Client, page: &Page, button: &str, users: &[&str]) -> Page {
    let dialog = press(c, page, button, users).await;
    assert_eq!(dialog.status, 200, "{}", dialog.html);
    let done = submit(c, &dialog, "#peruser-mfa-dialog-confirm", &[]).await;
    assert_eq!(done.status, 200, "{}", done.html);
    done
}

/// The session's canary, from the page's form.
fn canary(page: &Page) -> String {
    page.attr(r#"input[name="canary"]"#, "value")
        .expect("a canary")
}

// ------------------------------------------------------------ Active users

#[tokio::test]
async fn today_active_users_has_the_mfa_button_and_none_of_the_2020_menus() {
    let t = spawn_today().await;
    let c = admin_client(&t).await;
    let users = get(&c, &format!("{}/admin/users", t.base_url)).await;
    assert_eq!(users.status, 200);
    assert_eq!(
        users.text("#active-users-heading").as_deref(),
        Some("Active users")
    );
    assert_eq!(users.text("#add-user").as_deref(), Some("+ Add a user"));
    assert_eq!(
        users.text("#export-users").as_deref(),
        Some("↓ Export users")
    );
    assert_eq!(
        users.text("#users-toolbar a#users-mfa-button").as_deref(),
        Some("Multi-factor authentication")
    );
    for gone in [
        "#admin-mode",
        "#admin-mode-switch",
        "#more-actions",
        "#more-actions-menu",
        "#more-dropdown",
        "#setup-mfa",
    ] {
        assert!(!users.has(gone), "{gone} is from 2020");
    }
    assert!(!users.html.contains("Setup Multifactor authentication"));
    assert_eq!(listed_active(&users).len(), 6);
    // `?mode=` means nothing any more.
    let classic = get(&c, &format!("{}/admin/users?mode=classic", t.base_url)).await;
    assert_eq!(classic.status, 200);
    assert!(!classic.has("#more-dropdown"));

    let mfa = follow(&c, &users, "#users-mfa-button").await;
    assert_eq!(mfa.status, 200);
    assert!(mfa.url.ends_with(PER_USER_MFA), "{}", mfa.url);
    assert_eq!(
        mfa.text("#peruser-mfa-heading").as_deref(),
        Some("Per-user multifactor authentication")
    );
    assert_eq!(
        mfa.text("title").as_deref(),
        Some("Per-user multifactor authentication - Microsoft Entra admin center")
    );
    assert_eq!(
        mfa.text("#peruser-mfa-breadcrumb").as_deref(),
        Some("Home > Users > Per-user multifactor authentication")
    );
    assert_eq!(
        mfa.text("#peruser-mfa-entra-title").as_deref(),
        Some("Microsoft Entra admin center")
    );
    assert_eq!(mfa.text("#admin-user").as_deref(), Some("QA Global Admin"));
    assert_eq!(mfa.text("#admin-signout").as_deref(), Some("Sign out"));
    // The FAQ's page is not served today.
    let legacy = c
        .get(format!(
            "{}/UserManagement/MultifactorVerification.aspx",
            t.base_url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(legacy.status(), 404);
}

fn listed_active(page: &Page) -> Vec<String> {
    attrs(page, "#active-users-table tr[data-upn]", "data-upn")
}

#[tokio::test]
async fn the_faq_profile_keeps_its_2020_active_users() {
    let t = spawn_tenant().await;
    let c = admin_client(&t).await;
    let users = get(&c, &format!("{}/admin/users", t.base_url)).await;
    assert_eq!(users.text("#more-actions").as_deref(), Some("…"));
    assert_eq!(
        users.text("#more-actions-menu #setup-mfa").as_deref(),
        Some("Setup Multifactor authentication")
    );
    assert!(users.has("#admin-mode"));
    assert!(!users.has("#users-mfa-button"));
    for path in [PER_USER_MFA, SERVICE_SETTINGS] {
        let resp = c.get(format!("{}{path}", t.base_url)).send().await.unwrap();
        assert_eq!(resp.status(), 404, "{path} is today's");
    }
}

// ------------------------------------------------------------------ access

#[tokio::test]
async fn pages_require_an_admin() {
    let t = spawn_today().await;
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = anonymous
        .get(format!("{}{PER_USER_MFA}?status=enabled", t.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(
        resp.headers()["location"].to_str().unwrap(),
        "/common/oauth2/v2.0/authorize?redirect_uri=%2Fentra%2Fusers%2Fper-user-mfa%3Fstatus%3Denabled"
    );
    let resp = anonymous
        .post(format!("{}{PER_USER_MFA}", t.base_url))
        .form(&[
            ("action", "enable"),
            ("upn", SMS_USER.0),
            ("canary", "x"),
            ("confirm", "true"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(status_of(&t, SMS_USER.0), MfaStatus::Disabled);

    // A signed-in user who is not an admin.
    let c = client();
    let landed = Page::from(sign_in(&c, &t.base_url, SMS_USER.0, SMS_USER.1, "/owa").await).await;
    assert_eq!(landed.status, 200, "{}", landed.html);
    for path in ["/admin/users", PER_USER_MFA, SERVICE_SETTINGS] {
        let page = get(&c, &format!("{}{path}", t.base_url)).await;
        assert_eq!(page.status, 403, "{path}");
        assert_eq!(
            page.text("#admin-denied").as_deref(),
            Some("You don't have permission to access this page")
        );
    }
    for (path, form) in [
        (
            PER_USER_MFA,
            vec![
                ("action", "enforce"),
                ("upn", SMS_USER.0),
                ("canary", "x"),
                ("confirm", "true"),
            ],
        ),
        (
            SERVICE_SETTINGS,
            vec![("app_passwords", "allow"), ("canary", "x")],
        ),
    ] {
        let page = Page::from(
            c.post(format!("{}{path}", t.base_url))
                .form(&form)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(page.status, 403, "{path}");
        assert!(page.has("#admin-denied"));
    }
    assert_eq!(status_of(&t, SMS_USER.0), MfaStatus::Disabled);
    assert!(!t.tenant().app_passwords_allowed());
}

#[tokio::test]
async fn posts_without_the_sessions_canary_change_nothing() {
    let t = spawn_today().await;
    let c = admin_client(&t).await;
    let (user, _) = SMS_USER;
    let list = mfa_page(&c, &t, "").await;
    let dialog = press(&c, &list, "#peruser-mfa-enable", &[user]).await;
    let good = canary(&dialog);
    assert!(good.len() >= 16);
    let url = format!("{}{PER_USER_MFA}", t.base_url);

    let missing = Page::from(
        c.post(&url)
            .form(&[("action", "enable"), ("upn", user), ("confirm", "true")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(missing.status, 400);
    assert!(
        missing
            .text("#peruser-mfa-error")
            .unwrap()
            .contains("no canary"),
        "{}",
        missing.html
    );

    let wrong = submit(
        &c,
        &dialog,
        "#peruser-mfa-dialog-confirm",
        &[("canary", "forged-canary-value")],
    )
    .await;
    assert_eq!(wrong.status, 400);
    assert!(wrong
        .text("#peruser-mfa-error")
        .unwrap()
        .contains("canary does not match"));

    // Another admin session's canary does not work either.
    let other = admin_client(&t).await;
    let (_, fields) = form_submission(&dialog, "#peruser-mfa-dialog-confirm", &[]);
    let resp = other.post(&url).form(&fields).send().await.unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(status_of(&t, user), MfaStatus::Disabled);

    // Service settings check it too.
    let settings = get(&c, &format!("{}{SERVICE_SETTINGS}", t.base_url)).await;
    let refused = submit(
        &c,
        &settings,
        "#peruser-mfa-service-save",
        &[("app_passwords", "allow"), ("canary", "")],
    )
    .await;
    assert_eq!(refused.status, 400);
    assert!(refused
        .text("#peruser-mfa-error")
        .unwrap()
        .contains("no canary"));
    assert!(!t.tenant().app_passwords_allowed());

    // The real form still works.
    let done = submit(&c, &dialog, "#peruser-mfa-dialog-confirm", &[]).await;
    assert_eq!(done.status, 200);
    assert_eq!(status_of(&t, user), MfaStatus::Enabled);
}

// ------------------------------------------------------------------- list

#[tokio::test]
async fn the_list_shows_every_users_per_user_mfa_status() {
    let t = spawn_today().await;
    let c = admin_client(&t).await;
    let page = mfa_page(&c, &t, "").await;
    assert_eq!(
        texts(&page, "#peruser-mfa-users thead th"),
        [
            "Select",
            "Display name",
            "User principal name",
            "Per-user MFA status"
        ]
    );
    assert_eq!(
        attrs(&page, "#peruser-mfa-users thead th", "scope"),
        ["col"; 4]
    );
    assert_eq!(listed(&page).len(), 6);
    assert_eq!(page.text("#peruser-mfa-count").as_deref(), Some("6 users"));
    assert_eq!(
        row_status(&page, ENFORCED_USER.0).as_deref(),
        Some("Enforced")
    );
    assert_eq!(row_status(&page, SMS_USER.0).as_deref(), Some("Disabled"));
    // Each row's checkbox is labelled with the user's name.
    let check = format!(r#"tr[data-upn="{}"] input[type=checkbox]"#, SMS_USER.0);
    let id = page.attr(&check, "id").unwrap();
    assert_eq!(page.attr(&check, "value").as_deref(), Some(SMS_USER.0));
    assert_eq!(
        page.text(&format!(r#"label[for="{id}"]"#)).as_deref(),
        Some("Select O365 SMS User")
    );
    assert_eq!(
        texts(&page, "#peruser-mfa-toolbar button"),
        [
            "Enable MFA",
            "Disable MFA",
            "Enforce MFA",
            "User MFA settings"
        ]
    );
    assert_eq!(
        page.attr("#peruser-mfa-toolbar", "role").as_deref(),
        Some("toolbar")
    );
    assert_eq!(
        page.attr("#peruser-mfa-service-settings", "href")
            .as_deref(),
        Some(SERVICE_SETTINGS)
    );
}

/// Submits the (GET) filter form with `values`, as a browser does.
async fn filter(c: &reqwest::Client, page: &Page, values: &[(&str, &str)]) -> Page {
    let (url, fields) = form_submission(page, "#peruser-mfa-apply", values);
    let doc = Html::parse_document(&page.html);
    let form = doc
        .select(&Selector::parse("#peruser-mfa-filter").unwrap())
        .next()
        .expect("filter form");
    assert_eq!(form.value().attr("method"), Some("get"));
    Page::from(c.get(url).query(&fields).send().await.unwrap()).await
}

#[tokio::test]
async fn filters_by_status_view_and_search_and_refuse_bad_values() {
    let t = spawn_today().await;
    let c = admin_client(&t).await;
    let start = mfa_page(&c, &t, "").await;
    assert_eq!(
        texts(&start, "#peruser-mfa-status option"),
        ["Any", "Disabled", "Enabled", "Enforced"]
    );
    assert_eq!(
        texts(&start, "#peruser-mfa-view option"),
        [
            "All users",
            "Sign-in allowed users",
            "Sign-in blocked users"
        ]
    );
    for (id, label) in [
        ("peruser-mfa-search", "Search"),
        ("peruser-mfa-status", "Status"),
        ("peruser-mfa-view", "View"),
    ] {
        assert_eq!(
            start.text(&format!(r#"label[for="{id}"]"#)).as_deref(),
            Some(label)
        );
    }

    let enforced = filter(&c, &start, &[("status", "enforced")]).await;
    assert_eq!(enforced.status, 200);
    assert_eq!(listed(&enforced), [ENFORCED_USER.0]);
    assert_eq!(
        enforced
            .attr("#peruser-mfa-status option[selected]", "value")
            .as_deref(),
        Some("enforced")
    );
    // The filters ride along in the command form.
    assert_eq!(
        enforced
            .attr(r#"form[method="post"] input[name="status"]"#, "value")
            .as_deref(),
        Some("enforced")
    );

    let disabled = filter(&c, &start, &[("status", "disabled"), ("search", "o365")]).await;
    let mut found = listed(&disabled);
    found.sort();
    assert_eq!(
        found,
        [BACKUP_USER.0, CALL_USER.0, SMS_USER.0],
        "o365 accounts without MFA"
    );
    assert_eq!(
        disabled.attr("#peruser-mfa-search", "value").as_deref(),
        Some("o365")
    );

    let enabled = mfa_page(&c, &t, "?status=Enabled").await;
    assert!(enabled.has("#peruser-mfa-no-results"));
    assert_eq!(
        enabled.text("#peruser-mfa-count").as_deref(),
        Some("0 users")
    );

    let allowed = mfa_page(&c, &t, "?view=allowed").await;
    assert_eq!(listed(&allowed).len(), 6);
    let blocked = mfa_page(&c, &t, "?view=blocked").await;
    assert!(blocked.has("#peruser-mfa-no-results"));
    assert_eq!(
        blocked
            .attr("#peruser-mfa-view option[selected]", "value")
            .as_deref(),
        Some("blocked")
    );

    let bad = mfa_page(&c, &t, "?status=sometimes").await;
    assert_eq!(bad.status, 400);
    let error = bad.text("#peruser-mfa-error").unwrap();
    assert!(
        error.contains("'sometimes'") && error.contains("Any, Disabled, Enabled or Enforced"),
        "{error}"
    );
    assert_eq!(
        bad.attr("#peruser-mfa-error", "role").as_deref(),
        Some("alert")
    );
    assert_eq!(listed(&bad).len(), 6, "the list still shows");
    let bad = mfa_page(&c, &t, "?view=everyone").await;
    assert_eq!(bad.status, 400);
    assert!(bad
        .text("#peruser-mfa-error")
        .unwrap()
        .contains("'everyone' is not a view"));
}

// --------------------------------------------------------------- commands

#[tokio::test]
async fn enable_asks_to_confirm_then_the_status_is_enabled() {
    let t = spawn_today().await;
    let c = admin_client(&t).await;
    let (user, _) = SMS_USER;
    let list = mfa_page(&c, &t, "?search=o365").await;

    let dialog = press(&c, &list, "#peruser-mfa-enable", &[user]).await;
    assert_eq!(dialog.status, 200, "{}", dialog.html);
    assert!(dialog.has("dialog[open]#peruser-mfa-dialog"));
    assert_eq!(
        dialog
            .attr("#peruser-mfa-dialog", "aria-labelledby")
            .as_deref(),
        Some("peruser-mfa-dialog-title")
    );
    assert_eq!(
        dialog.text("#peruser-mfa-dialog-title").as_deref(),
        Some("Enable multifactor authentication")
    );
    assert_eq!(
        texts(&dialog, "#peruser-mfa-dialog-users li"),
        [format!("O365 SMS User ({user})")]
    );
    assert_eq!(
        dialog.text("#peruser-mfa-dialog-confirm").as_deref(),
        Some("Enable")
    );
    assert_eq!(
        dialog.text("#peruser-mfa-dialog-cancel").as_deref(),
        Some("Cancel")
    );
    assert!(dialog.attr("#admin-main", "inert").is_some());
    // Nothing changes until the admin confirms.
    assert_eq!(status_of(&t, user), MfaStatus::Disabled);
    let cancelled = follow(&c, &dialog, "#peruser-mfa-dialog-cancel").await;
    assert!(!cancelled.has("#peruser-mfa-dialog"));
    assert_eq!(
        cancelled.attr("#peruser-mfa-search", "value").as_deref(),
        Some("o365")
    );
    assert_eq!(status_of(&t, user), MfaStatus::Disabled);

    let done = submit(&c, &dialog, "#peruser-mfa-dialog-confirm", &[]).await;
    assert_eq!(done.status, 200, "{}", done.html);
    assert_eq!(
        done.text("#peruser-mfa-message").as_deref(),
        Some("Per-user MFA status updated for 1 user.")
    );
    assert_eq!(
        done.attr("#peruser-mfa-message", "role").as_deref(),
        Some("status")
    );
    assert!(!done.has("#peruser-mfa-dialog"));
    assert_eq!(row_status(&done, user).as_deref(), Some("Enabled"));
    assert_eq!(status_of(&t, user), MfaStatus::Enabled);
    assert_eq!(
        done.attr("#peruser-mfa-search", "value").as_deref(),
        Some("o365"),
        "the search is kept"
    );
}

#[tokio::test]
async fn enforce_and_disable_apply_to_every_selected_user() {
    let t = spawn_today().await;
    let c = admin_client(&t).await;
    let both = [SMS_USER.0, CALL_USER.0];
    let list = mfa_page(&c, &t, "").await;

    let dialog = press(&c, &list, "#peruser-mfa-enforce", &both).await;
    assert_eq!(
        dialog.text("#peruser-mfa-dialog-title").as_deref(),
        Some("Enforce multifactor authentication")
    );
    assert_eq!(
        attrs(&dialog, "#peruser-mfa-dialog-users li", "data-upn"),
        both
    );
    assert_eq!(
        dialog.text("#peruser-mfa-dialog-confirm").as_deref(),
        Some("Enforce")
    );
    // The ticked rows stay ticked behind the dialog.
    assert_eq!(
        attrs(&dialog, "#peruser-mfa-users input[checked]", "value"),
        [CALL_USER.0, SMS_USER.0]
    );
    let done = submit(&c, &dialog, "#peruser-mfa-dialog-confirm", &[]).await;
    assert_eq!(
        done.text("#peruser-mfa-message").as_deref(),
        Some("Per-user MFA status updated for 2 users.")
    );
    for user in both {
        assert_eq!(row_status(&done, user).as_deref(), Some("Enforced"));
        assert_eq!(status_of(&t, user), MfaStatus::Enforced);
    }
    assert_eq!(status_of(&t, BACKUP_USER.0), MfaStatus::Disabled);

    let done = apply(&c, &done, "#peruser-mfa-disable", &both).await;
    assert_eq!(
        done.text("#peruser-mfa-message").as_deref(),
        Some("Per-user MFA status updated for 2 users.")
    );
    for user in both {
        assert_eq!(row_status(&done, user).as_deref(), Some("Disabled"));
        assert_eq!(status_of(&t, user), MfaStatus::Disabled);
    }
}

#[tokio::test]
async fn enabling_a_registered_user_enforces_and_says_so() {
    let t = spawn_today().await;
    let c = admin_client(&t).await;
    let (user, _) = ENFORCED_USER;
    let list = mfa_page(&c, &t, "").await;
    let done = apply(&c, &list, "#peruser-mfa-disable", &[user]).await;
    assert_eq!(status_of(&t, user), MfaStatus::Disabled);
    let done = apply(&c, &done, "#peruser-mfa-enable", &[user]).await;
    let message = done.text("#peruser-mfa-message").unwrap();
    assert!(
        message.starts_with("Per-user MFA status updated for 1 user.")
            && message.contains("now Enforced: O365 Enforced User"),
        "{message}"
    );
    assert_eq!(row_status(&done, user).as_deref(), Some("Enforced"));
    assert_eq!(status_of(&t, user), MfaStatus::Enforced);
}

#[tokio::test]
async fn a_command_needs_between_one_and_fifty_known_users() {
    let t = spawn_today().await;
    let c = admin_client(&t).await;
    let list = mfa_page(&c, &t, "").await;

    let none = press(&c, &list, "#peruser-mfa-enable", &[]).await;
    assert_eq!(none.status, 400);
    assert_eq!(
        none.text("#peruser-mfa-error").as_deref(),
        Some("Select at least one user.")
    );
    assert!(!none.has("#peruser-mfa-dialog"));

    // 51 users, posted by hand with the session's canary.
    let mut form = vec![
        ("canary".to_string(), canary(&list)),
        ("action".into(), "enforce".into()),
        ("confirm".into(), "true".into()),
        ("upn".into(), SMS_USER.0.into()),
    ];
    for i in 0..50 {
        form.push((
            "upn".into(),
            format!("bulk{i}@cloudbacko-qa.onmicrosoft.com"),
        ));
    }
    let url = format!("{}{PER_USER_MFA}", t.base_url);
    let many = Page::from(c.post(&url).form(&form).send().await.unwrap()).await;
    assert_eq!(many.status, 400);
    let error = many.text("#peruser-mfa-error").unwrap();
    assert!(
        error.contains("51 users") && error.contains("at most 50"),
        "{error}"
    );
    assert_eq!(status_of(&t, SMS_USER.0), MfaStatus::Disabled);

    // One unknown user and nothing changes, not even for the known one.
    form.truncate(5);
    let ghost = Page::from(c.post(&url).form(&form).send().await.unwrap()).await;
    assert_eq!(ghost.status, 404);
    assert!(ghost
        .text("#peruser-mfa-error")
        .unwrap()
        .contains("'bulk0@cloudbacko-qa.onmicrosoft.com' was not found"));
    assert_eq!(status_of(&t, SMS_USER.0), MfaStatus::Disabled);

    // A command that is not one.
    form.truncate(4);
    form[1].1 = "promote".into();
    let bad = Page::from(c.post(&url).form(&form).send().await.unwrap()).await;
    assert_eq!(bad.status, 400);
    assert!(bad
        .text("#peruser-mfa-error")
        .unwrap()
        .contains("'promote' is not a per-user MFA command"));
    form[1].1 = "enforce".into();
    form[2].1 = "maybe".into();
    let bad = Page::from(c.post(&url).form(&form).send().await.unwrap()).await;
    assert_eq!(bad.status, 400);
    assert!(bad.text("#peruser-mfa-error").unwrap().contains("'maybe'"));
    assert_eq!(status_of(&t, SMS_USER.0), MfaStatus::Disabled);
}

// ------------------------------------------------------ User MFA settings

#[tokio::test]
async fn user_mfa_settings_require_registration_again_and_delete_app_passwords() {
    let t = spawn_today().await;
    let c = admin_client(&t).await;
    let (user, _) = SMS_USER;
    // Setup: the user has registered, holds an app password and a remembered device.
    register(&t, user, "+1 2065550101");
    let device = t.tenant().remember_device(&upn(user));
    let view = || t.tenant().user(&upn(user)).unwrap().admin_view;
    assert_eq!(view().app_passwords.len(), 1);
    let list = mfa_page(&c, &t, "").await;

    let two = press(
        &c,
        &list,
        "#peruser-mfa-user-settings",
        &[user, CALL_USER.0],
    )
    .await;
    assert_eq!(two.status, 400);
    assert!(two
        .text("#peruser-mfa-error")
        .unwrap()
        .contains("Select exactly one user"));

    let dialog = press(&c, &list, "#peruser-mfa-user-settings", &[user]).await;
    assert_eq!(
        dialog.text("#peruser-mfa-dialog-title").as_deref(),
        Some("User MFA settings")
    );
    for (id, label) in [
        (
            "peruser-mfa-require-contact-methods",
            "Require selected users to provide contact methods again",
        ),
        (
            "peruser-mfa-delete-app-passwords",
            "Delete all existing app passwords generated by the selected users",
        ),
        (
            "peruser-mfa-restore-devices",
            "Restore multifactor authentication on all remembered devices",
        ),
    ] {
        assert_eq!(
            dialog.attr(&format!("#{id}"), "type").as_deref(),
            Some("checkbox")
        );
        assert_eq!(
            dialog.text(&format!(r#"label[for="{id}"]"#)).as_deref(),
            Some(label)
        );
    }
    assert_eq!(
        dialog.text("#peruser-mfa-dialog-confirm").as_deref(),
        Some("Save")
    );

    let nothing = submit(&c, &dialog, "#peruser-mfa-dialog-confirm", &[]).await;
    assert_eq!(nothing.status, 400);
    assert!(nothing
        .text("#peruser-mfa-dialog-error")
        .unwrap()
        .contains("at least one setting"));

    let done = submit(
        &c,
        &dialog,
        "#peruser-mfa-dialog-confirm",
        &[("require_contact_methods", "true")],
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.html);
    assert!(done
        .text("#peruser-mfa-message")
        .unwrap()
        .contains("contact methods are required again"));
    assert!(view().registration.is_none());
    assert_eq!(view().app_passwords.len(), 1, "kept unless asked");
    assert!(t.tenant().is_remembered(&device, &upn(user)));

    let done = submit(
        &c,
        &dialog,
        "#peruser-mfa-dialog-confirm",
        &[
            ("delete_app_passwords", "true"),
            ("restore_devices", "true"),
        ],
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.html);
    let message = done.text("#peruser-mfa-message").unwrap();
    assert!(
        message.contains("app passwords were deleted") && message.contains("remembered devices"),
        "{message}"
    );
    assert!(view().app_passwords.is_empty());
    assert!(!t.tenant().is_remembered(&device, &upn(user)));
}

// -------------------------------------------------------- service settings

#[tokio::test]
async fn service_settings_save_whether_app_passwords_are_allowed() {
    let t = spawn_today().await;
    let c = admin_client(&t).await;
    assert!(!t.tenant().app_passwords_allowed(), "off by default today");
    let list = mfa_page(&c, &t, "").await;
    let page = follow(&c, &list, "#peruser-mfa-service-settings").await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.text("#peruser-mfa-service-heading").as_deref(),
        Some("multi-factor authentication")
    );
    assert_eq!(
        page.text("#peruser-mfa-service-tab").as_deref(),
        Some("service settings")
    );
    assert_eq!(
        page.text("#peruser-mfa-app-passwords-title").as_deref(),
        Some("app passwords")
    );
    for (id, label) in [
        (
            "peruser-mfa-allow-app-passwords",
            "Allow users to create app passwords to sign in to non-browser apps",
        ),
        (
            "peruser-mfa-deny-app-passwords",
            "Do not allow users to create app passwords to sign in to non-browser apps",
        ),
    ] {
        assert_eq!(
            page.attr(&format!("#{id}"), "type").as_deref(),
            Some("radio")
        );
        assert_eq!(
            page.text(&format!(r#"label[for="{id}"]"#)).as_deref(),
            Some(label)
        );
    }
    assert!(page
        .attr("#peruser-mfa-deny-app-passwords", "checked")
        .is_some());
    assert!(page
        .attr("#peruser-mfa-allow-app-passwords", "checked")
        .is_none());

    let saved = submit(
        &c,
        &page,
        "#peruser-mfa-service-save",
        &[("app_passwords", "allow")],
    )
    .await;
    assert_eq!(saved.status, 200, "{}", saved.html);
    assert_eq!(
        saved.text("#peruser-mfa-message").as_deref(),
        Some("Your settings were saved.")
    );
    assert!(t.tenant().app_passwords_allowed());
    assert!(saved
        .attr("#peruser-mfa-allow-app-passwords", "checked")
        .is_some());

    let saved = submit(
        &c,
        &saved,
        "#peruser-mfa-service-save",
        &[("app_passwords", "deny")],
    )
    .await;
    assert_eq!(saved.status, 200);
    assert!(!t.tenant().app_passwords_allowed());

    let bad = submit(
        &c,
        &saved,
        "#peruser-mfa-service-save",
        &[("app_passwords", "sometimes")],
    )
    .await;
    assert_eq!(bad.status, 400);
    assert!(bad
        .text("#peruser-mfa-error")
        .unwrap()
        .contains("'sometimes' is not an app passwords setting"));
    assert!(!bad.has("#peruser-mfa-message"));
    let url = format!("{}{SERVICE_SETTINGS}", t.base_url);
    let missing = Page::from(
        c.post(&url)
            .form(&[("canary", canary(&saved))])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(missing.status, 400);
    assert!(missing
        .text("#peruser-mfa-error")
        .unwrap()
        .contains("Choose whether"));
    assert!(!t.tenant().app_passwords_allowed());

    let back = follow(&c, &saved, "#peruser-mfa-service-tab-users").await;
    assert!(back.has("#peruser-mfa-heading"));
}
