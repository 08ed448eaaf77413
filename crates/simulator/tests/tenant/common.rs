//! Shared helpers for the simulator's integration tests: spawn a tenant on
//! port 0, and drive its pages over HTTP the way a browser would.
#![allow(dead_code)]

use docproof_contract::domain::{Method, PhoneNumber, Upn};
use docproof_simulator::state::Registration;
use docproof_simulator::{self, RunningTenant, Settings, TenantFile};
use reqwest::StatusCode;
use scraper::{ElementRef, Html, Selector};
use serde_json::{json, Value};
use std::ops::AsyncFnMut;
use std::path::Path;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

pub const ADMIN: (&str, &str) = ("admin@cloudbacko-qa.onmicrosoft.com", "Adm1n-Passw0rd!");
pub const SMS_USER: (&str, &str) = ("o365.sms@cloudbacko-qa.onmicrosoft.com", "Sms-Passw0rd!");
pub const CALL_USER: (&str, &str) = ("o365.call@cloudbacko-qa.onmicrosoft.com", "Call-Passw0rd!");
pub const BACKUP_USER: (&str, &str) = (
    "o365.backup@cloudbacko-qa.onmicrosoft.com",
    "Backup-Passw0rd!",
);
pub const ENFORCED_USER: (&str, &str) = (
    "o365.enforced@cloudbacko-qa.onmicrosoft.com",
    "Enforced-Passw0rd!",
);

pub fn upn(s: &str) -> Upn {
    Upn::parse(s).unwrap()
}

/// The call user and the phone the sign-in pages call.
pub fn call_user() -> (Upn, PhoneNumber) {
    (
        upn(CALL_USER.0),
        PhoneNumber::parse("+1 2065550102").unwrap(),
    )
}

/// A call the tenant has started to the call user, as the sign-in page would.
pub fn start_call(app: &RunningTenant) -> String {
    let (upn, phone) = call_user();
    app.tenant().start_call(&upn, &phone)
}

/// Setup only: a completed registration by text (as proof-up does) →
/// Enforced plus an app password, which is returned.
pub fn register(t: &RunningTenant, user: &str, phone: &str) -> String {
    t.tenant()
        .complete_registration(
            &upn(user),
            Registration {
                method: Method::Text,
                phone: PhoneNumber::parse(phone).unwrap(),
            },
        )
        .unwrap()
        .expose()
        .to_string()
}

pub async fn spawn_tenant() -> RunningTenant {
    spawn_with(Settings::default()).await
}

/// The workspace's `fixtures/tenant.toml` (the one `docproof serve` and the
/// harness start with), found from whichever package's tests include this.
pub fn fixture_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("fixtures/tenant.toml"))
        .find(|path| path.exists())
        .expect("fixtures/tenant.toml in the workspace")
}

/// fixtures/tenant.toml, read and parsed once for all tests.
static FIXTURE: LazyLock<TenantFile> =
    LazyLock::new(|| TenantFile::load(&fixture_path()).expect("fixture tenant file loads"));

pub async fn spawn_with(settings: Settings) -> RunningTenant {
    docproof_simulator::spawn(FIXTURE.clone(), settings, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("tenant spawns on port 0")
}

/// A browser-like client: cookies kept, redirects followed.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap()
}

/// A fetched page.
#[derive(Debug, Clone)]
pub struct Page {
    pub url: String,
    pub status: u16,
    pub html: String,
}

impl Page {
    /// Reads a response; every HTML page read this way is also checked for
    /// controls without an accessible name and for duplicate ids.
    pub async fn from(resp: reqwest::Response) -> Page {
        let page = Page {
            url: resp.url().to_string(),
            status: resp.status().as_u16(),
            html: resp.text().await.unwrap(),
        };
        if page.html.starts_with("<!DOCTYPE html>") {
            assert_controls_named(&page);
        }
        page
    }
    /// Whitespace-normalised text of the first match, if any.
    pub fn text(&self, selector: &str) -> Option<String> {
        let doc = Html::parse_document(&self.html);
        let sel = Selector::parse(selector).expect("valid selector");
        doc.select(&sel).next().map(element_text)
    }
    pub fn has(&self, selector: &str) -> bool {
        let doc = Html::parse_document(&self.html);
        doc.select(&Selector::parse(selector).unwrap())
            .next()
            .is_some()
    }
    pub fn attr(&self, selector: &str, attr: &str) -> Option<String> {
        let doc = Html::parse_document(&self.html);
        let sel = Selector::parse(selector).unwrap();
        doc.select(&sel)
            .next()
            .and_then(|e| e.value().attr(attr))
            .map(str::to_string)
    }
}

/// An element's text, whitespace-normalised.
pub fn element_text(e: ElementRef) -> String {
    e.text()
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub async fn get(client: &reqwest::Client, url: &str) -> Page {
    Page::from(client.get(url).send().await.unwrap()).await
}

/// Submits the form containing `button` (a selector) as a browser would: its
/// hidden and pre-filled fields, the given values on top, and the button's
/// own name/value if it has one.
pub async fn submit(
    client: &reqwest::Client,
    page: &Page,
    button: &str,
    values: &[(&str, &str)],
) -> Page {
    // The parsed document is not Send, so it lives only in a sync step.
    let (url, fields) = form_submission(page, button, values);
    Page::from(client.post(url).form(&fields).send().await.unwrap()).await
}

/// The URL and fields a browser would post for `button` on `page`.
pub fn form_submission(
    page: &Page,
    button: &str,
    values: &[(&str, &str)],
) -> (reqwest::Url, Vec<(String, String)>) {
    let doc = Html::parse_document(&page.html);
    let form_sel = Selector::parse("form").unwrap();
    let button_sel = Selector::parse(button).unwrap();
    let form = doc
        .select(&form_sel)
        .find(|f| f.select(&button_sel).next().is_some())
        .unwrap_or_else(|| panic!("no form with {button} on {}:\n{}", page.url, page.html));
    let mut fields: Vec<(String, String)> = Vec::new();
    for input in form.select(&Selector::parse("input").unwrap()) {
        let v = input.value();
        let (Some(name), kind) = (v.attr("name"), v.attr("type").unwrap_or("text")) else {
            continue;
        };
        match kind {
            "submit" | "button" => {}
            "checkbox" | "radio" if v.attr("checked").is_none() => {}
            _ => fields.push((name.into(), v.attr("value").unwrap_or("").into())),
        }
    }
    for select in form.select(&Selector::parse("select").unwrap()) {
        let name = select.value().attr("name").unwrap_or("");
        let opt_sel = Selector::parse("option").unwrap();
        let chosen = select
            .select(&opt_sel)
            .find(|o| o.value().attr("selected").is_some())
            .or_else(|| select.select(&opt_sel).next());
        if let Some(o) = chosen {
            fields.push((name.into(), o.value().attr("value").unwrap_or("").into()));
        }
    }
    for (k, v) in values {
        fields.retain(|(name, _)| name != k);
        fields.push((k.to_string(), v.to_string()));
    }
    if let Some(b) = doc.select(&button_sel).next() {
        if let Some(name) = b.value().attr("name") {
            fields.push((name.into(), b.value().attr("value").unwrap_or("").into()));
        }
    }
    let action = form.value().attr("action").unwrap_or("");
    let url = reqwest::Url::parse(&page.url)
        .unwrap()
        .join(action)
        .unwrap();
    (url, fields)
}

/// `start` (a page that sends an unauthenticated browser to sign in) → user
/// name: the password page, or the page saying why not.
pub async fn to_password_page_from(c: &reqwest::Client, start: &str, upn: &str) -> Page {
    let page = get(c, start).await;
    assert!(
        page.has("input[name=loginfmt]"),
        "{start} sends an unauthenticated browser to sign in, got:\n{}",
        page.html
    );
    submit(c, &page, "#idSIButton9", &[("loginfmt", upn)]).await
}

/// OWA → sign-in → user name: the password page, or the page saying why not.
pub async fn to_password_page(c: &reqwest::Client, base: &str, upn: &str) -> Page {
    to_password_page_from(c, &format!("{base}/owa"), upn).await
}

/// `start` → user name → password: the page after the password.
pub async fn after_password_from(
    c: &reqwest::Client,
    start: &str,
    (upn, password): (&str, &str),
) -> Page {
    let page = to_password_page_from(c, start, upn).await;
    submit(c, &page, "#idSIButton9", &[("passwd", password)]).await
}

/// OWA → sign-in → user name → password: the page after the password.
pub async fn after_password(c: &reqwest::Client, base: &str, user: (&str, &str)) -> Page {
    after_password_from(c, &format!("{base}/owa"), user).await
}

/// Signs a user without a second factor in over the real pages, ending on
/// `return_to`.
pub async fn sign_in(
    client: &reqwest::Client,
    base: &str,
    upn: &str,
    password: &str,
    return_to: &str,
) -> reqwest::Response {
    let start = format!(
        "{base}{}",
        docproof_contract::routes::sign_in_url(return_to)
    );
    let page = after_password_from(client, &start, (upn, password)).await;
    assert!(
        page.has("#KmsiDescription"),
        "expected Stay signed in? after password, got:\n{}",
        page.html
    );
    // "Yes" (#idSIButton9) posts choice=Yes with the flow's hidden fields.
    let (_, fields) = form_submission(&page, "#idSIButton9", &[]);
    client
        .post(format!("{base}/kmsi"))
        .form(&fields)
        .send()
        .await
        .unwrap()
}

/// A browser signed in as the global admin, landed on `/admin`.
pub async fn admin_client(t: &RunningTenant) -> reqwest::Client {
    let c = client();
    let landed = Page::from(sign_in(&c, &t.base_url, ADMIN.0, ADMIN.1, "/admin").await).await;
    assert_eq!(landed.status, 200, "{}", landed.html);
    assert!(landed.has("#admin-home-heading"), "{}", landed.html);
    c
}

/// From "More information required" through proof-up Step 1 with `phone`
/// (national number, default country) and `method` (`text` or `call`):
/// Step 2, or the page saying why it failed.
pub async fn proof_up_step1(c: &reqwest::Client, page: &Page, phone: &str, method: &str) -> Page {
    let page = submit(c, page, "#idSubmit_ProofUp_Redirect", &[]).await;
    submit(
        c,
        &page,
        "#tfa_next",
        &[("phone", phone), ("method", method)],
    )
    .await
}

/// Runs `check` until it gives a value, every 25 ms; panics with `what` once
/// `within` has passed without one.
pub async fn eventually<T>(
    within: Duration,
    what: &str,
    mut check: impl AsyncFnMut() -> Option<T>,
) -> T {
    let deadline = Instant::now() + within;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

// ------------------------------------------------------------------ Graph

pub const TENANT_ID: &str = "5d2f9a4e-7b1c-4c3e-9a8f-0c1d2e3f4a5b";
pub const GRAPH_SCOPE: &str = "https://graph.microsoft.com/.default";
/// The seeded Graph application with every role (client id, secret).
pub const APP: (&str, &str) = (
    "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d",
    "docproof-graph-secret",
);

/// The client-credentials form for `app` (client id, secret).
pub fn client_credentials<'a>(app: (&'a str, &'a str)) -> Vec<(&'a str, &'a str)> {
    vec![
        ("client_id", app.0),
        ("client_secret", app.1),
        ("scope", GRAPH_SCOPE),
        ("grant_type", "client_credentials"),
    ]
}

pub async fn token_request(base: &str, tenant: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{base}/{tenant}/oauth2/v2.0/token"))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap())
}

/// A bearer token for `app` (client id, secret).
pub async fn token_for(base: &str, app: (&str, &str)) -> String {
    let (status, body) = token_request(base, TENANT_ID, &client_credentials(app)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["access_token"].as_str().unwrap().to_string()
}

pub fn requirements_url(base: &str, upn: &str) -> String {
    format!("{base}/beta/users/{upn}/authentication/requirements")
}

/// `PATCH …/requirements` as an admin automation does it; panics unless 204.
pub async fn set_per_user_mfa(base: &str, token: &str, upn: &str, state: &str) {
    let resp = reqwest::Client::new()
        .patch(requirements_url(base, upn))
        .bearer_auth(token)
        .json(&json!({ "perUserMfaState": state }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::NO_CONTENT,
        "{}",
        resp.text().await.unwrap()
    );
}

/// `GET …/requirements` → the `perUserMfaState`.
pub async fn per_user_mfa(base: &str, token: &str, upn: &str) -> String {
    let (status, body) = send(
        reqwest::Client::new()
            .get(requirements_url(base, upn))
            .bearer_auth(token),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["perUserMfaState"].as_str().unwrap().to_string()
}

/// Sends a Graph request: the status, and the body as JSON (a JSON string
/// if it is not JSON, null if empty).
pub async fn send(req: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let text = resp.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}

/// Every interactive control has an accessible name: text, aria-label, or a label.
pub fn assert_controls_named(page: &Page) {
    let doc = Html::parse_document(&page.html);
    let sel = Selector::parse("a, button, summary, select, input:not([type=hidden])").unwrap();
    let mut ids = std::collections::HashSet::new();
    for e in doc.select(&sel) {
        let v = e.value();
        let text: String = e.text().collect::<String>().trim().to_string();
        let labelled = v.attr("aria-label").is_some_and(|a| !a.trim().is_empty())
            || v.attr("aria-labelledby").is_some()
            || v.attr("id").is_some_and(|id| {
                doc.select(&Selector::parse(&format!(r#"label[for="{id}"]"#)).unwrap())
                    .next()
                    .is_some()
            });
        let is_button_input = v.name() == "input"
            && matches!(v.attr("type"), Some("submit" | "button"))
            && v.attr("value").is_some_and(|t| !t.trim().is_empty());
        let named = match v.name() {
            "select" | "input" => labelled || is_button_input,
            _ => labelled || !text.is_empty(),
        };
        assert!(
            named,
            "control without an accessible name on {}: {}",
            page.url,
            e.html()
        );
    }
    for e in doc.select(&Selector::parse("[id]").unwrap()) {
        let id = e.value().attr("id").unwrap();
        assert!(
            ids.insert(id.to_string()),
            "duplicate id {id} on {}",
            page.url
        );
    }
}
