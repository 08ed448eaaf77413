//! The tenant's side of telephony: texts and calls leave as Twilio-compatible
//! REST requests (`Messages.json`, `Calls.json`) to a configurable provider.

use crate::settings::TelephonySettings;
use docproof_contract::domain::PhoneNumber;
use docproof_contract::twilio;
use serde::Deserialize;
use std::fmt;

/// Why a text or call could not be handed to the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TelephonyError {
    /// The provider answered with a non-success status.
    Status(u16),
    /// The provider did not answer within the request timeout.
    Timeout,
    /// No connection could be made.
    Unreachable(String),
    /// The provider answered 2xx but not in Twilio's shape.
    BadResponse(String),
}

impl fmt::Display for TelephonyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TelephonyError::Status(s) => write!(f, "the telephony provider answered HTTP {s}"),
            TelephonyError::Timeout => write!(f, "the telephony provider did not answer in time"),
            TelephonyError::Unreachable(e) => {
                write!(f, "the telephony provider is unreachable ({e})")
            }
            TelephonyError::BadResponse(e) => write!(
                f,
                "the telephony provider's answer was not understood ({e})"
            ),
        }
    }
}

#[derive(Deserialize)]
struct Created {
    sid: String,
}

pub struct TelephonyClient {
    http: reqwest::Client,
    settings: TelephonySettings,
    /// The configured `From` in E.164 when it parses, else as configured
    /// (e.g. an alphanumeric sender).
    from: String,
}

impl TelephonyClient {
    pub fn new(settings: TelephonySettings) -> Self {
        let http = reqwest::Client::builder()
            .timeout(settings.request_timeout)
            .build()
            .expect("a plain reqwest client always builds");
        let from = PhoneNumber::parse(&settings.from)
            .map(|p| p.e164())
            .unwrap_or_else(|_| settings.from.clone());
        TelephonyClient {
            http,
            settings,
            from,
        }
    }

    /// The provider's base URL: the configured one, or the embedded carrier.
    pub fn provider_base(&self, tenant_base: &str) -> String {
        match &self.settings.base_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("{tenant_base}{}", twilio::VIRTUAL_CARRIER),
        }
    }

    fn resource(&self, tenant_base: &str, name: &str) -> String {
        format!(
            "{}{}/{name}.json",
            self.provider_base(tenant_base),
            twilio::account_uri(&self.settings.account_sid)
        )
    }

    async fn post(&self, url: String, form: &[(&str, String)]) -> Result<String, TelephonyError> {
        let resp = self
            .http
            .post(&url)
            .basic_auth(
                &self.settings.account_sid,
                Some(self.settings.auth_token.expose()),
            )
            .form(form)
            .send()
            .await
            .map_err(|e| {
                if e.is_timeout() {
                    TelephonyError::Timeout
                } else {
                    TelephonyError::Unreachable(e.without_url().to_string())
                }
            })?;
        let status = resp.status();
        if !status.is_success() {
            tracing::warn!(%status, "telephony provider refused the request");
            return Err(TelephonyError::Status(status.as_u16()));
        }
        let created: Created = resp.json().await.map_err(|e| {
            if e.is_timeout() {
                TelephonyError::Timeout
            } else {
                TelephonyError::BadResponse(e.without_url().to_string())
            }
        })?;
        Ok(created.sid)
    }

    /// Sends a text message; returns the provider's message sid (`SM…`).
    pub async fn send_text(
        &self,
        tenant_base: &str,
        to: &PhoneNumber,
        body: &str,
    ) -> Result<String, TelephonyError> {
        let url = self.resource(tenant_base, "Messages");
        let sid = self
            .post(
                url,
                &[
                    ("To", to.e164()),
                    ("From", self.from.clone()),
                    ("Body", body.to_string()),
                ],
            )
            .await?;
        tracing::info!(to = %to.masked(), %sid, "verification text sent");
        Ok(sid)
    }

    /// Places a call whose voice menu is served as TwiML at `twiml_url`;
    /// returns the provider's call sid (`CA…`).
    pub async fn place_call(
        &self,
        tenant_base: &str,
        to: &PhoneNumber,
        twiml_url: &str,
        status_callback: &str,
        timeout_secs: u64,
    ) -> Result<String, TelephonyError> {
        let url = self.resource(tenant_base, "Calls");
        let sid = self
            .post(
                url,
                &[
                    ("To", to.e164()),
                    ("From", self.from.clone()),
                    ("Url", twiml_url.to_string()),
                    ("Method", "POST".to_string()),
                    ("StatusCallback", status_callback.to_string()),
                    ("Timeout", timeout_secs.to_string()),
                ],
            )
            .await?;
        tracing::info!(to = %to.masked(), %sid, "verification call placed");
        Ok(sid)
    }
}
