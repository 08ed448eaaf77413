//! The phone's requests to the provider: Twilio's REST API under
//! `{base}/2010-04-01/Accounts/{AccountSid}`, and docproof's controls under
//! `{base}/docproof/`, all with the account's basic auth. Answers are JSON;
//! refusals carry Twilio's error code and message.

use super::{excerpt, PhoneError};
use docproof_contract::domain::Secret;
use docproof_contract::twilio::account_uri;
use reqwest::{Method, RequestBuilder};
use serde_json::Value;
use std::sync::LazyLock;
use std::time::Duration;

/// Twilio's largest page: one request reads a scenario's every text.
const PAGE_SIZE: &str = "1000";

/// One client for every phone: reqwest clients pool connections and are
/// costly to build, and each scenario has a phone.
static HTTP: LazyLock<reqwest::Client> = LazyLock::new(|| {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a plain reqwest client always builds")
});

#[derive(Debug, Clone)]
pub(super) struct Api {
    http: reqwest::Client,
    /// No trailing slash.
    base: String,
    account_sid: String,
    auth_token: Secret,
}

impl Api {
    pub(super) fn new(base: &str, account_sid: &str, auth_token: Secret) -> Api {
        Api {
            http: HTTP.clone(),
            base: base.trim_end_matches('/').to_string(),
            account_sid: account_sid.to_string(),
            auth_token,
        }
    }

    pub(super) fn base(&self) -> &str {
        &self.base
    }

    /// `{base}/2010-04-01/Accounts/{sid}{path}`.
    fn resource(&self, path: &str) -> String {
        format!("{}{}{path}", self.base, account_uri(&self.account_sid))
    }

    /// `{base}{path}` for docproof's controls (`/docproof/…`).
    pub(super) fn control_url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn request(&self, method: Method, url: &str) -> RequestBuilder {
        self.http
            .request(method, url)
            .basic_auth(&self.account_sid, Some(self.auth_token.expose()))
    }

    /// Every `kind` (`Messages`, `Calls`) resource, to `to` if given,
    /// oldest first (Twilio lists newest first), following
    /// `next_page_uri`s.
    pub(super) async fn list(
        &self,
        kind: &str,
        to: Option<&str>,
    ) -> Result<Vec<Value>, PhoneError> {
        let what = format!("list {}", kind.to_ascii_lowercase());
        let mut query = vec![("PageSize", PAGE_SIZE.to_string())];
        if let Some(to) = to {
            query.push(("To", to.to_string()));
        }
        let first = self.resource(&format!("/{kind}.json"));
        let mut page = self
            .send(
                &what,
                &first,
                self.request(Method::GET, &first).query(&query),
            )
            .await?;
        let key = kind.to_ascii_lowercase();
        let mut all = Vec::new();
        loop {
            let Some(items) = page[&key].as_array() else {
                return Err(not_twilio(
                    &what,
                    &first,
                    &format!("no '{key}' list"),
                    &page,
                ));
            };
            all.extend(items.iter().cloned());
            // Twilio's next page is a path from its API's root.
            let Some(next) = page["next_page_uri"].as_str().filter(|n| !n.is_empty()) else {
                break;
            };
            let url = format!("{}{next}", self.base);
            page = self
                .send(&what, &url, self.request(Method::GET, &url))
                .await?;
        }
        all.reverse();
        Ok(all)
    }

    /// `GET …/Calls/{sid}.json`.
    pub(super) async fn call(&self, sid: &str) -> Result<Value, PhoneError> {
        let url = self.resource(&format!("/Calls/{sid}.json"));
        self.send("read the call", &url, self.request(Method::GET, &url))
            .await
    }

    /// Twilio's "update a call": `POST …/Calls/{sid}.json` with `form`.
    pub(super) async fn update_call(
        &self,
        what: &str,
        sid: &str,
        form: &[(&str, &str)],
    ) -> Result<Value, PhoneError> {
        let url = self.resource(&format!("/Calls/{sid}.json"));
        self.send(what, &url, self.request(Method::POST, &url).form(form))
            .await
    }

    /// A docproof control: `method` on `{base}{path}`, with `body` as JSON.
    pub(super) async fn control(
        &self,
        what: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, PhoneError> {
        let url = self.control_url(path);
        let mut req = self.request(method, &url);
        if let Some(body) = body {
            req = req.json(body);
        }
        // A 404 without Twilio's error body: no such route (a 404 about an
        // unknown call carries Twilio's 20404).
        self.send(what, &url, req).await.map_err(|e| match e {
            PhoneError::Refused {
                status: 404,
                code: None,
                ..
            } => PhoneError::NoControls {
                base: self.base.clone(),
                url: url.clone(),
            },
            e => e,
        })
    }

    /// Sends `req` (to `url`, to `what`) and reads its JSON answer.
    async fn send(&self, what: &str, url: &str, req: RequestBuilder) -> Result<Value, PhoneError> {
        let unreachable = |e: reqwest::Error| PhoneError::Unreachable {
            what: what.to_string(),
            url: url.to_string(),
            error: e.without_url().to_string(),
        };
        let resp = req.send().await.map_err(unreachable)?;
        let status = resp.status();
        let text = resp.text().await.map_err(unreachable)?;
        let json: Option<Value> = serde_json::from_str(&text).ok();
        if !status.is_success() {
            let json = json.unwrap_or(Value::Null);
            return Err(PhoneError::Refused {
                what: what.to_string(),
                url: url.to_string(),
                status: status.as_u16(),
                code: json["code"].as_u64(),
                message: json["message"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| excerpt(&text)),
            });
        }
        json.ok_or_else(|| PhoneError::NotTwilio {
            what: what.to_string(),
            url: url.to_string(),
            problem: "not JSON".into(),
            received: excerpt(&text),
        })
    }
}

fn not_twilio(what: &str, url: &str, problem: &str, received: &Value) -> PhoneError {
    PhoneError::NotTwilio {
        what: what.to_string(),
        url: url.to_string(),
        problem: problem.to_string(),
        received: excerpt(&received.to_string()),
    }
}
