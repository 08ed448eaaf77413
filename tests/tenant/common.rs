//! Shared helpers for the simulator's integration tests: spawn a tenant on
//! port 0, and drive its pages over HTTP the way a browser would.
#![allow(dead_code)]

use docproof::tenant::{self, RunningTenant, Settings, TenantFile};
use scraper::{Html, Selector};
use std::path::Path;

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

pub async fn spawn_tenant() -> RunningTenant {
    spawn_with(Settings::default()).await
}

pub async fn spawn_with(settings: Settings) -> RunningTenant {
    let file =
        TenantFile::load(Path::new("fixtures/tenant.toml")).expect("fixture tenant file loads");
    tenant::spawn(file, settings, "127.0.0.1:0".parse().unwrap())
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
    pub async fn from(resp: reqwest::Response) -> Page {
        Page {
            url: resp.url().to_string(),
            status: resp.status().as_u16(),
            html: resp.text().await.unwrap(),
        }
    }
    /// Whitespace-normalised text of the first match, if any.
    pub fn text(&self, selector: &str) -> Option<String> {
        let doc = Html::parse_document(&self.html);
        let sel = Selector::parse(selector).expect("valid selector");
        doc.select(&sel).next().map(|e| {
            e.text()
                .collect::<Vec<_>>()
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
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

/// Signs a user without a second factor in over the real pages, ending on
/// `return_to`.
pub async fn sign_in(
    client: &reqwest::Client,
    base: &str,
    upn: &str,
    password: &str,
    return_to: &str,
) -> reqwest::Response {
    let start = format!("{base}{}", docproof::tenant::pages::sign_in_url(return_to));
    let page = get(client, &start).await;
    let page = submit(client, &page, "#idSIButton9", &[("loginfmt", upn)]).await;
    let page = submit(client, &page, "#idSIButton9", &[("passwd", password)]).await;
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
