//! The portal and the admin center (FAQ 2.1–2.5): sign-in required, admins
//! only, Preview and Classic paths to the multi-factor authentication page,
//! search and view, and the quick steps with their dialogs.

use crate::common::*;
use docproof_contract::domain::MfaStatus;
use docproof_simulator::RunningTenant;
use scraper::{Html, Selector};

const MFA: &str = "/UserManagement/MultifactorVerification.aspx";

fn status_of(t: &RunningTenant, user: &str) -> MfaStatus {
    t.tenant().user(&upn(user)).unwrap().admin_view.status
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Follows the link `selector` on `page`.
async fn follow(c: &reqwest::Client, page: &Page, selector: &str) -> Page {
    let href = page
        .attr(selector, "href")
        .unwrap_or_else(|| panic!("no link {selector} on {}:\n{}", page.url, page.html));
    let url = reqwest::Url::parse(&page.url).unwrap().join(&href).unwrap();
    get(c, url.as_str()).await
}

/// Whitespace-normalised text of every match.
fn texts(page: &Page, selector: &str) -> Vec<String> {
    let doc = Html::parse_document(&page.html);
    doc.select(&Selector::parse(selector).unwrap())
        .map(element_text)
        .collect()
}

fn attrs(page: &Page, selector: &str, attr: &str) -> Vec<String> {
    let doc = Html::parse_document(&page.html);
    doc.select(&Selector::parse(selector).unwrap())
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

/// Types `text` into the search box and submits the (GET) filter form, as a browser does.
async fn search(c: &reqwest::Client, page: &Page, text: &str) -> Page {
    let doc = Html::parse_document(&page.html);
    let form = doc
        .select(&Selector::parse("#mfa-filter").unwrap())
        .next()
        .expect("filter form");
    assert_eq!(form.value().attr("method"), Some("get"));
    let mut fields: Vec<(String, String)> = Vec::new();
    for select in form.select(&Selector::parse("select").unwrap()) {
        let chosen = select
            .select(&Selector::parse("option[selected]").unwrap())
            .next()
            .or_else(|| select.select(&Selector::parse("option").unwrap()).next())
            .unwrap();
        fields.push((
            select.value().attr("name").unwrap().into(),
            chosen.value().attr("value").unwrap().into(),
        ));
    }
    fields.push(("search".into(), text.into()));
    let action = form.value().attr("action").unwrap();
    let url = reqwest::Url::parse(&page.url)
        .unwrap()
        .join(action)
        .unwrap();
    Page::from(c.get(url).query(&fields).send().await.unwrap()).await
}

async fn mfa_page(c: &reqwest::Client, t: &RunningTenant, query: &str) -> Page {
    get(c, &format!("{}{MFA}{query}", t.base_url)).await
}

fn row_status(page: &Page, user: &str) -> Option<String> {
    page.text(&format!(
        r#"#mfa-users tr[data-upn="{user}"] td.mfa-status"#
    ))
}

// ------------------------------------------------------------------ access

#[tokio::test]
async fn admin_pages_require_sign_in() {
    let t = spawn_tenant().await;
    let c = no_redirects();
    for (path, return_to) in [
        ("/", "%2F"),
        ("/admin", "%2Fadmin"),
        (
            "/admin/users?mode=classic",
            "%2Fadmin%2Fusers%3Fmode%3Dclassic",
        ),
        (
            &format!("{MFA}?search=o365") as &str,
            "%2FUserManagement%2FMultifactorVerification.aspx%3Fsearch%3Do365",
        ),
    ] {
        let resp = c.get(format!("{}{path}", t.base_url)).send().await.unwrap();
        assert_eq!(resp.status(), 303, "{path}");
        let location = resp.headers()["location"].to_str().unwrap();
        assert_eq!(
            location,
            format!("/common/oauth2/v2.0/authorize?redirect_uri={return_to}"),
            "{path}"
        );
    }
    let resp = c
        .post(format!("{}{MFA}", t.base_url))
        .form(&[("action", "enable"), ("upn", SMS_USER.0), ("canary", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(status_of(&t, SMS_USER.0), MfaStatus::Disabled);

    // Signing in returns to the page asked for.
    let c = client();
    let landed = Page::from(
        sign_in(
            &c,
            &t.base_url,
            ADMIN.0,
            ADMIN.1,
            &format!("{MFA}?search=o365"),
        )
        .await,
    )
    .await;
    assert!(
        landed.url.ends_with(&format!("{MFA}?search=o365")),
        "{}",
        landed.url
    );
    assert_eq!(
        landed.text("#mfa-heading").as_deref(),
        Some("multi-factor authentication")
    );
}

#[tokio::test]
async fn non_admins_are_refused() {
    let t = spawn_tenant().await;
    let c = client();
    let landed = Page::from(sign_in(&c, &t.base_url, SMS_USER.0, SMS_USER.1, "/owa").await).await;
    assert_eq!(landed.status, 200);
    for path in ["/admin", "/admin/users", "/admin/users/export", MFA] {
        let page = get(&c, &format!("{}{path}", t.base_url)).await;
        assert_eq!(page.status, 403, "{path}");
        assert_eq!(
            page.text("#admin-denied").as_deref(),
            Some("You don't have permission to access this page")
        );
        assert!(page
            .text("#admin-denied-text")
            .unwrap()
            .contains("You don't have access"));
    }
    let resp = c
        .post(format!("{}{MFA}", t.base_url))
        .form(&[("action", "enable"), ("upn", SMS_USER.0), ("canary", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(status_of(&t, SMS_USER.0), MfaStatus::Disabled);

    // The portal works for everyone, but shows the Admin tile only to admins.
    let portal = get(&c, &format!("{}/", t.base_url)).await;
    assert_eq!(portal.status, 200);
    assert!(portal.has("#O365_AppTile_Mail"));
    assert!(!portal.has("#O365_AppTile_Admin"));
}

// ------------------------------------------------------------ FAQ 2.1, 2.2

#[tokio::test]
async fn faq_2_1_main_menu_admin_then_users_active_users() {
    let t = spawn_tenant().await;
    let c = admin_client(&t).await;
    let portal = get(&c, &format!("{}/", t.base_url)).await;
    assert_eq!(portal.status, 200);
    assert_eq!(
        portal.attr("#o365-main-menu", "aria-label").as_deref(),
        Some("Office 365 Main Menu")
    );
    assert_eq!(portal.text("#O365_AppTile_Admin").as_deref(), Some("Admin"));
    assert_eq!(
        portal.text("#O365_AppTile_Mail").as_deref(),
        Some("Outlook")
    );

    let home = follow(&c, &portal, "#O365_AppTile_Admin").await;
    assert_eq!(home.status, 200);
    assert_eq!(
        home.text("#admin-center-title").as_deref(),
        Some("Microsoft 365 admin center")
    );
    // "Users" is a menu button over its closed list of links.
    assert_eq!(home.text("#nav-users").as_deref(), Some("Users"));
    assert_eq!(
        home.attr("button#nav-users", "aria-controls").as_deref(),
        Some("nav-users-list")
    );
    assert_eq!(
        home.attr("#nav-users", "aria-expanded").as_deref(),
        Some("false")
    );
    assert!(home.attr("#nav-users-list", "hidden").is_some());
    assert_eq!(
        home.text("#nav-active-users").as_deref(),
        Some("Active users")
    );
    // The launcher on admin pages is the same main menu, closed.
    assert_eq!(
        home.attr("button#O365_MainLink_NavMenu", "aria-label")
            .as_deref(),
        Some("Office 365 Main Menu")
    );
    assert_eq!(
        home.attr("#O365_MainLink_NavMenu", "aria-haspopup")
            .as_deref(),
        Some("true")
    );
    assert!(home.attr("#o365-launcher-panel", "hidden").is_some());
    assert!(home.has("#o365-launcher-panel #O365_AppTile_Admin"));

    let users = follow(&c, &home, "#nav-active-users").await;
    assert_eq!(users.status, 200);
    // On a page under "Users", the group is open.
    assert_eq!(
        users.attr("#nav-users", "aria-expanded").as_deref(),
        Some("true")
    );
    assert!(users.attr("#nav-users-list", "hidden").is_none());
    assert_eq!(
        users.text("#active-users-heading").as_deref(),
        Some("Active users")
    );
    let listed = attrs(&users, "#active-users-table tr[data-upn]", "data-upn");
    assert_eq!(listed.len(), 6, "{listed:?}");
    assert!(users
        .text("#active-users-table")
        .unwrap()
        .contains("O365 SMS User"));
}

#[tokio::test]
async fn faq_2_2a_preview_more_actions_leads_to_mfa_setup() {
    let t = spawn_tenant().await;
    let c = admin_client(&t).await;
    let page = get(&c, &format!("{}/admin/users", t.base_url)).await;
    assert_eq!(
        page.attr("#admin-mode", "data-mode").as_deref(),
        Some("preview")
    );
    assert_eq!(page.text("#add-user").as_deref(), Some("+ Add a user"));
    assert_eq!(
        page.text("#export-users").as_deref(),
        Some("↓ Export users")
    );
    assert_eq!(
        page.attr("button#more-actions", "aria-label").as_deref(),
        Some("More actions")
    );
    assert_eq!(page.text("#more-actions").as_deref(), Some("…"));
    assert_eq!(
        page.attr("#more-actions", "aria-controls").as_deref(),
        Some("more-actions-menu")
    );
    assert!(page.attr("#more-actions-menu", "hidden").is_some());
    assert_eq!(
        page.text("#more-actions-menu [role=menuitem]#setup-mfa")
            .as_deref(),
        Some("Setup Multifactor authentication")
    );
    assert!(!page.has("#more-dropdown"));
    // The … button comes after Export users.
    let export = page.html.find(r#"id="export-users""#).unwrap();
    let more = page.html.find(r#"id="more-actions""#).unwrap();
    assert!(export < more);

    let mfa = follow(&c, &page, "#setup-mfa").await;
    assert_eq!(mfa.status, 200);
    assert!(mfa.url.ends_with(MFA), "{}", mfa.url);
    assert_eq!(
        mfa.text("#mfa-heading").as_deref(),
        Some("multi-factor authentication")
    );
}

#[tokio::test]
async fn faq_2_2b_classic_more_dropdown_leads_to_mfa_setup_and_mode_is_remembered() {
    let t = spawn_tenant().await;
    let c = admin_client(&t).await;
    let preview = get(&c, &format!("{}/admin/users", t.base_url)).await;
    assert_eq!(
        preview.text("#admin-mode-switch").as_deref(),
        Some("Switch to classic")
    );

    let classic = follow(&c, &preview, "#admin-mode-switch").await;
    assert_eq!(
        classic.attr("#admin-mode", "data-mode").as_deref(),
        Some("classic")
    );
    assert_eq!(classic.text("#add-user").as_deref(), Some("+ Add a user"));
    assert_eq!(
        classic.text("button#more-dropdown").as_deref(),
        Some("More")
    );
    assert_eq!(
        classic.attr("#more-dropdown", "aria-controls").as_deref(),
        Some("more-dropdown-menu")
    );
    assert!(classic.attr("#more-dropdown-menu", "hidden").is_some());
    assert_eq!(
        classic
            .text("#more-dropdown-menu [role=menuitem]#setup-mfa")
            .as_deref(),
        Some("Multifactor Authentication setup")
    );
    assert!(!classic.has("#more-actions"));
    // "More" sits beside "+ Add a user".
    let add = classic.html.find(r#"id="add-user""#).unwrap();
    let more = classic.html.find(r#"id="more-dropdown""#).unwrap();
    assert!(add < more);

    // Remembered in the admin_mode cookie.
    let again = get(&c, &format!("{}/admin/users", t.base_url)).await;
    assert_eq!(
        again.attr("#admin-mode", "data-mode").as_deref(),
        Some("classic")
    );
    assert_eq!(
        again.text("#admin-mode-switch").as_deref(),
        Some("Try the new admin center")
    );

    let mfa = follow(&c, &again, "#setup-mfa").await;
    assert_eq!(mfa.status, 200);
    assert_eq!(
        mfa.text("#mfa-heading").as_deref(),
        Some("multi-factor authentication")
    );

    let back = follow(&c, &again, "#admin-mode-switch").await;
    assert_eq!(
        back.attr("#admin-mode", "data-mode").as_deref(),
        Some("preview")
    );
    let bad = get(&c, &format!("{}/admin/users?mode=retro", t.base_url)).await;
    assert_eq!(bad.status, 400);
    assert!(bad.text("#admin-error").unwrap().contains("'retro'"));
}

#[tokio::test]
async fn export_and_add_user_controls_work() {
    let t = spawn_tenant().await;
    let c = admin_client(&t).await;
    let resp = c
        .get(format!("{}/admin/users/export", t.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = resp.text().await.unwrap();
    assert!(csv.starts_with("Display name,User principal name,Multi-factor auth status\r\n"));
    assert!(csv.contains("O365 Enforced User,o365.enforced@cloudbacko-qa.onmicrosoft.com,Enforced"));
    let add = get(&c, &format!("{}/admin/users/add", t.base_url)).await;
    assert_eq!(add.status, 200);
    assert!(add.text("#add-user-text").unwrap().contains("tenant.toml"));
}

// ------------------------------------------------------------ FAQ 2.3, 2.4

#[tokio::test]
async fn faq_2_3_search_o365_finds_exactly_the_o365_accounts() {
    let t = spawn_tenant().await;
    let c = admin_client(&t).await;
    let start = mfa_page(&c, &t, "").await;
    assert_eq!(
        start.text(r#"label[for="mfa-search"]"#).as_deref(),
        Some("Search")
    );
    assert_eq!(
        start.text(r#"label[for="mfa-view"]"#).as_deref(),
        Some("View:")
    );
    assert_eq!(
        texts(&start, "#mfa-users thead th"),
        [
            "Select",
            "DISPLAY NAME",
            "USER NAME",
            "MULTI-FACTOR AUTH STATUS"
        ]
    );
    assert!(start.has("#mfa-no-selection"));

    let found = search(&c, &start, "o365").await;
    let mut listed = attrs(&found, "#mfa-users tbody tr[data-upn]", "data-upn");
    listed.sort();
    assert_eq!(
        listed,
        [
            "o365.backup@cloudbacko-qa.onmicrosoft.com",
            "o365.call@cloudbacko-qa.onmicrosoft.com",
            "o365.enforced@cloudbacko-qa.onmicrosoft.com",
            "o365.sms@cloudbacko-qa.onmicrosoft.com",
        ]
    );
    assert_eq!(found.text("#mfa-count").as_deref(), Some("4 users"));
    assert_eq!(found.attr("#mfa-search", "value").as_deref(), Some("o365"));
    assert_eq!(
        row_status(&found, ENFORCED_USER.0).as_deref(),
        Some("Enforced")
    );
    assert_eq!(row_status(&found, SMS_USER.0).as_deref(), Some("Disabled"));

    // Case-insensitive, over display names too.
    let upper = mfa_page(&c, &t, "?search=O365").await;
    assert_eq!(
        attrs(&upper, "#mfa-users tbody tr[data-upn]", "data-upn").len(),
        4
    );
    let alex = mfa_page(&c, &t, "?search=wilber").await;
    assert_eq!(
        texts(&alex, "#mfa-users tbody a.mfa-select"),
        ["Alex Wilber"]
    );
    let none = mfa_page(&c, &t, "?search=nobody-here").await;
    assert!(none.has("#mfa-no-results"));
    assert_eq!(none.text("#mfa-count").as_deref(), Some("0 users"));
}

#[tokio::test]
async fn view_filter_any_enabled_enforced() {
    let t = spawn_tenant().await;
    let c = admin_client(&t).await;
    let any = mfa_page(&c, &t, "?view=any").await;
    assert_eq!(
        attrs(&any, "#mfa-users tbody tr[data-upn]", "data-upn").len(),
        6,
        "Any includes Disabled users"
    );
    assert_eq!(
        texts(&any, "#mfa-view option"),
        ["Any", "Enabled", "Enforced"]
    );

    let enforced = mfa_page(&c, &t, "?view=enforced").await;
    assert_eq!(
        attrs(&enforced, "#mfa-users tbody tr[data-upn]", "data-upn"),
        [ENFORCED_USER.0]
    );
    assert_eq!(
        enforced
            .attr("#mfa-view option[selected]", "value")
            .as_deref(),
        Some("enforced")
    );

    let enabled = mfa_page(&c, &t, "?view=enabled&search=o365").await;
    assert!(enabled.has("#mfa-no-results"));
    let token = token_for(&t.base_url, APP).await;
    set_per_user_mfa(&t.base_url, &token, CALL_USER.0, "enabled").await;
    let enabled = mfa_page(&c, &t, "?view=Enabled&search=o365").await;
    assert_eq!(
        attrs(&enabled, "#mfa-users tbody tr[data-upn]", "data-upn"),
        [CALL_USER.0]
    );

    let bad = mfa_page(&c, &t, "?view=sometimes").await;
    assert_eq!(bad.status, 400);
    assert!(bad
        .text("#mfa-error")
        .unwrap()
        .contains("'sometimes' is not a view"));
}

#[tokio::test]
async fn unknown_or_missing_selection_is_a_clear_error() {
    let t = spawn_tenant().await;
    let c = admin_client(&t).await;
    let page = mfa_page(
        &c,
        &t,
        "?search=o365&selected=ghost%40cloudbacko-qa.onmicrosoft.com",
    )
    .await;
    assert_eq!(page.status, 404);
    let error = page.text("#mfa-error").unwrap();
    assert!(
        error.contains("'ghost@cloudbacko-qa.onmicrosoft.com' was not found"),
        "{error}"
    );
    assert!(!page.has("#mfa-user-panel"));
    assert_eq!(
        attrs(&page, "#mfa-users tbody tr[data-upn]", "data-upn").len(),
        4,
        "the list is still shown"
    );

    let page = mfa_page(&c, &t, "?selected=not-a-upn&dialog=enable").await;
    assert_eq!(page.status, 404);
    assert!(!page.has("#mfa-dialog"));

    let page = mfa_page(&c, &t, "?dialog=enable").await;
    assert_eq!(page.status, 400);
    assert!(page
        .text("#mfa-error")
        .unwrap()
        .contains("Select a user first"));

    let page = mfa_page(&c, &t, &format!("?selected={}&dialog=promote", SMS_USER.0)).await;
    assert_eq!(page.status, 400);
    assert!(page
        .text("#mfa-error")
        .unwrap()
        .contains("'promote' is not a quick step"));
}

// ------------------------------------------------------------------ FAQ 2.5

/// Searches "o365" and clicks the account (FAQ 2.3, 2.4).
async fn select(c: &reqwest::Client, t: &RunningTenant, user: &str) -> Page {
    let list = mfa_page(c, t, "?search=o365").await;
    let page = follow(c, &list, &format!(r#"a.mfa-select[data-upn="{user}"]"#)).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert_eq!(page.text("#mfa-user-panel-upn").as_deref(), Some(user));
    assert_eq!(
        page.attr(
            &format!(r#"tr[data-upn="{user}"] a.mfa-check"#),
            "aria-checked"
        )
        .as_deref(),
        Some("true")
    );
    page
}

#[tokio::test]
async fn faq_2_4_the_user_name_selects_the_account_too() {
    let t = spawn_tenant().await;
    let c = admin_client(&t).await;
    let (user, _) = CALL_USER;
    let list = mfa_page(&c, &t, "?search=o365").await;
    let upn_link = format!(r#"tr[data-upn="{user}"] td.mfa-upn a"#);
    assert_eq!(list.text(&upn_link).as_deref(), Some(user));
    assert_eq!(
        list.attr(&upn_link, "href"),
        list.attr(&format!(r#"tr[data-upn="{user}"] a.mfa-select"#), "href"),
        "the display name and the user name select alike"
    );
    let page = follow(&c, &list, &upn_link).await;
    assert_eq!(page.text("#mfa-user-panel-upn").as_deref(), Some(user));
    assert_eq!(page.attr("#mfa-search", "value").as_deref(), Some("o365"));
    // Clicking the selected account again clears the selection.
    let cleared = follow(&c, &page, &upn_link).await;
    assert!(cleared.has("#mfa-no-selection"));
}

fn quick_steps(page: &Page) -> Vec<String> {
    texts(page, "#mfa-quick-steps a")
}

#[tokio::test]
async fn faq_2_5_enable_then_enforce_then_disable_with_quick_steps() {
    let t = spawn_tenant().await;
    let c = admin_client(&t).await;
    let (user, _) = SMS_USER;

    let selected = select(&c, &t, user).await;
    assert_eq!(
        selected.text("#mfa-user-panel-name").as_deref(),
        Some("O365 SMS User")
    );
    assert_eq!(
        selected.text("#mfa-quick-steps-title").as_deref(),
        Some("quick steps")
    );
    assert_eq!(
        quick_steps(&selected),
        ["Enable", "Enforce", "Manage user settings"]
    );

    // Enable.
    let dialog = follow(&c, &selected, "#mfa-quick-enable").await;
    assert_eq!(
        dialog.text("#mfa-dialog-title").as_deref(),
        Some("About enabling multi-factor auth")
    );
    let text = dialog.text("#mfa-dialog-text").unwrap();
    assert!(
        text.contains("next time they sign in") && text.contains("app passwords"),
        "{text}"
    );
    assert_eq!(
        dialog.text("#mfa-dialog-confirm").as_deref(),
        Some("enable multi-factor auth")
    );
    let done = submit(&c, &dialog, "#mfa-dialog-confirm", &[]).await;
    assert_eq!(done.status, 200, "{}", done.html);
    assert_eq!(
        done.text("#mfa-dialog-title").as_deref(),
        Some("Updates successful")
    );
    assert_eq!(
        done.text("#mfa-dialog-text").as_deref(),
        Some("Multi-factor auth is now enabled for the selected accounts.")
    );
    assert_eq!(status_of(&t, user), MfaStatus::Enabled);
    let closed = follow(&c, &done, "#mfa-dialog-close").await;
    assert!(!closed.has("#mfa-dialog"));
    assert_eq!(
        closed.attr("#mfa-search", "value").as_deref(),
        Some("o365"),
        "search kept"
    );
    assert_eq!(row_status(&closed, user).as_deref(), Some("Enabled"));
    assert_eq!(
        closed.text("#mfa-user-panel-status").as_deref(),
        Some("Enabled")
    );
    assert_eq!(
        quick_steps(&closed),
        ["Disable", "Enforce", "Manage user settings"]
    );

    // Enforce.
    let dialog = follow(&c, &closed, "#mfa-quick-enforce").await;
    assert_eq!(
        dialog.text("#mfa-dialog-title").as_deref(),
        Some("About enforcing multi-factor auth")
    );
    assert_eq!(
        dialog.text("#mfa-dialog-confirm").as_deref(),
        Some("enforce multi-factor auth")
    );
    let done = submit(&c, &dialog, "#mfa-dialog-confirm", &[]).await;
    assert_eq!(
        done.text("#mfa-dialog-title").as_deref(),
        Some("Updates successful")
    );
    assert_eq!(
        done.text("#mfa-dialog-text").as_deref(),
        Some("Multi-factor auth is now enforced for the selected accounts.")
    );
    let closed = follow(&c, &done, "#mfa-dialog-close").await;
    assert_eq!(row_status(&closed, user).as_deref(), Some("Enforced"));
    assert_eq!(quick_steps(&closed), ["Disable", "Manage user settings"]);
    assert_eq!(status_of(&t, user), MfaStatus::Enforced);

    // Disable: "no" changes nothing, "yes" disables.
    let dialog = follow(&c, &closed, "#mfa-quick-disable").await;
    assert_eq!(
        dialog.text("#mfa-dialog-title").as_deref(),
        Some("Disable multi-factor authentication?")
    );
    assert_eq!(dialog.text("#mfa-dialog-confirm").as_deref(), Some("yes"));
    assert_eq!(dialog.text("#mfa-dialog-cancel").as_deref(), Some("no"));
    let kept = follow(&c, &dialog, "#mfa-dialog-cancel").await;
    assert!(!kept.has("#mfa-dialog"));
    assert_eq!(status_of(&t, user), MfaStatus::Enforced);
    let done = submit(&c, &dialog, "#mfa-dialog-confirm", &[]).await;
    assert_eq!(
        done.text("#mfa-dialog-text").as_deref(),
        Some("Multi-factor auth is now disabled for the selected accounts.")
    );
    assert_eq!(row_status(&done, user).as_deref(), Some("Disabled"));
    assert_eq!(status_of(&t, user), MfaStatus::Disabled);
}

#[tokio::test]
async fn enabling_a_registered_user_says_it_is_enforced() {
    let t = spawn_tenant().await;
    let c = admin_client(&t).await;
    let (user, _) = ENFORCED_USER;
    let selected = select(&c, &t, user).await;
    assert_eq!(quick_steps(&selected), ["Disable", "Manage user settings"]);
    let dialog = follow(&c, &selected, "#mfa-quick-disable").await;
    let done = submit(&c, &dialog, "#mfa-dialog-confirm", &[]).await;
    let closed = follow(&c, &done, "#mfa-dialog-close").await;
    let dialog = follow(&c, &closed, "#mfa-quick-enable").await;
    let done = submit(&c, &dialog, "#mfa-dialog-confirm", &[]).await;
    assert!(
        done.text("#mfa-dialog-text")
            .unwrap()
            .contains("now enforced"),
        "{}",
        done.html
    );
    assert_eq!(row_status(&done, user).as_deref(), Some("Enforced"));
}

#[tokio::test]
async fn manage_user_settings_requires_registration_again_and_deletes_app_passwords() {
    let t = spawn_tenant().await;
    let c = admin_client(&t).await;
    let (user, _) = SMS_USER;
    // Setup: the user has registered and holds an app password.
    let app_password = register(&t, user, "+1 2065550101");
    assert_eq!(
        t.tenant()
            .user(&upn(user))
            .unwrap()
            .admin_view
            .app_passwords
            .len(),
        1
    );

    let selected = select(&c, &t, user).await;
    let dialog = follow(&c, &selected, "#mfa-quick-manage").await;
    assert_eq!(
        dialog.text("#mfa-dialog-title").as_deref(),
        Some("Manage user settings")
    );
    for (id, label) in [
        (
            "mfa-require-contact-methods",
            "Require selected users to provide contact methods again",
        ),
        (
            "mfa-delete-app-passwords",
            "Delete all existing app passwords generated by the selected users",
        ),
        (
            "mfa-restore-devices",
            "Restore multi-factor authentication on all remembered devices",
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
    assert_eq!(dialog.text("#mfa-dialog-confirm").as_deref(), Some("save"));

    // Nothing ticked: nothing to save.
    let refused = submit(&c, &dialog, "#mfa-dialog-confirm", &[]).await;
    assert_eq!(refused.status, 400);
    assert!(refused
        .text("#mfa-dialog-error")
        .unwrap()
        .contains("at least one"));

    let done = submit(
        &c,
        &dialog,
        "#mfa-dialog-confirm",
        &[("require_contact_methods", "true")],
    )
    .await;
    assert_eq!(
        done.text("#mfa-dialog-title").as_deref(),
        Some("Updates successful")
    );
    assert!(done
        .text("#mfa-dialog-text")
        .unwrap()
        .contains("provide contact methods again"));
    let u = t.tenant().user(&upn(user)).unwrap();
    assert!(u.admin_view.registration.is_none());
    assert_eq!(
        u.admin_view.app_passwords.len(),
        1,
        "app passwords kept unless asked"
    );

    let closed = follow(&c, &done, "#mfa-dialog-close").await;
    let dialog = follow(&c, &closed, "#mfa-quick-manage").await;
    let done = submit(
        &c,
        &dialog,
        "#mfa-dialog-confirm",
        &[
            ("delete_app_passwords", "true"),
            ("restore_devices", "true"),
        ],
    )
    .await;
    assert_eq!(
        done.text("#mfa-dialog-title").as_deref(),
        Some("Updates successful")
    );
    assert!(done
        .text("#mfa-dialog-text")
        .unwrap()
        .contains("app passwords"));
    assert!(t
        .tenant()
        .user(&upn(user))
        .unwrap()
        .admin_view
        .app_passwords
        .is_empty());
    // And the deleted app password no longer opens the mailbox.
    let resp = reqwest::Client::new()
        .post(format!("{}/EWS/Exchange.asmx", t.base_url))
        .basic_auth(user, Some(&app_password))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn posts_without_the_right_canary_are_refused() {
    let t = spawn_tenant().await;
    let c = admin_client(&t).await;
    let (user, _) = SMS_USER;
    let selected = select(&c, &t, user).await;
    let dialog = follow(&c, &selected, "#mfa-quick-enable").await;
    let canary = dialog
        .attr(r#"#mfa-dialog input[name="canary"]"#, "value")
        .unwrap();
    assert!(canary.len() >= 16);

    let url = format!("{}{MFA}", t.base_url);
    let missing = Page::from(
        c.post(&url)
            .form(&[("action", "enable"), ("upn", user)])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(missing.status, 400);
    assert!(
        missing.text("#mfa-error").unwrap().contains("no canary"),
        "{}",
        missing.html
    );

    let wrong = submit(
        &c,
        &dialog,
        "#mfa-dialog-confirm",
        &[("canary", "forged-canary-value")],
    )
    .await;
    assert_eq!(wrong.status, 400);
    assert!(wrong
        .text("#mfa-error")
        .unwrap()
        .contains("canary does not match"));
    assert_eq!(status_of(&t, user), MfaStatus::Disabled);

    // Another admin session's canary does not work either.
    let other = admin_client(&t).await;
    let resp = other
        .post(&url)
        .form(&[
            ("action", "enable"),
            ("upn", user),
            ("canary", canary.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(status_of(&t, user), MfaStatus::Disabled);

    // Bad action and unknown user, with a good canary.
    let bad = Page::from(
        c.post(&url)
            .form(&[
                ("action", "promote"),
                ("upn", user),
                ("canary", canary.as_str()),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert!(bad.text("#mfa-error").unwrap().contains("'promote'"));
    let ghost = Page::from(
        c.post(&url)
            .form(&[
                ("action", "enable"),
                ("upn", "ghost@cloudbacko-qa.onmicrosoft.com"),
                ("canary", canary.as_str()),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(ghost.status, 404);
    assert!(ghost.text("#mfa-error").unwrap().contains("was not found"));

    // The real form still works.
    let done = submit(&c, &dialog, "#mfa-dialog-confirm", &[]).await;
    assert_eq!(done.status, 200);
    assert_eq!(status_of(&t, user), MfaStatus::Enabled);
}
