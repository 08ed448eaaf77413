//! The backup app: a non-browser app (CloudBacko's Office 365 backup set)
//! that signs in to Exchange with basic auth — the account password, or an
//! app password once MFA is Enforced (FAQ 2.5, 3.1.4). Its sign-in, and
//! what Exchange answered it.

use super::DocWorld;

/// What Exchange answered the backup app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Accepted,
    /// 401 because MFA is enforced: an app password is needed.
    AppPasswordRequired,
    /// 401 for a wrong password.
    WrongPassword,
    /// 403: sign-in blocked.
    Blocked,
    /// 401 that offers no Basic scheme: Exchange takes only OAuth tokens
    /// (basic authentication switched off, as it is today).
    BasicAuthOff,
    Other(String),
}

impl Outcome {
    pub fn describe(&self) -> String {
        match self {
            Outcome::Accepted => "accepted".into(),
            Outcome::AppPasswordRequired => "refused: app password required".into(),
            Outcome::WrongPassword => "refused: wrong password".into(),
            Outcome::Blocked => "blocked".into(),
            Outcome::BasicAuthOff => {
                "refused: basic authentication is off (Exchange asks for an OAuth token)".into()
            }
            Outcome::Other(s) => format!("answered {s}"),
        }
    }
    pub fn parse(s: &str) -> Option<Outcome> {
        match s {
            "accepted" => Some(Outcome::Accepted),
            "refused: app password required" => Some(Outcome::AppPasswordRequired),
            "refused: wrong password" => Some(Outcome::WrongPassword),
            "blocked" => Some(Outcome::Blocked),
            _ => None,
        }
    }
}

/// Which password the backup app is configured with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    AccountPassword,
    AppPassword,
}

/// The backup app's last sign-in, so a later step can try it again.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub upn: String,
    pub credential: Credential,
    pub outcome: Outcome,
    /// When Exchange answered.
    pub at: std::time::Instant,
}

const GET_FOLDER: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
  <soap:Body><m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="msgfolderroot"/></m:FolderIds></m:GetFolder></soap:Body>
</soap:Envelope>"#;

/// One EWS request with basic auth, classified.
pub async fn sign_in(
    w: &mut DocWorld,
    upn: &str,
    credential: Credential,
) -> anyhow::Result<Outcome> {
    let password = match credential {
        Credential::AccountPassword => w.account(upn)?.password.expose().to_string(),
        Credential::AppPassword => w
            .user
            .app_passwords
            .get(upn)
            .map(|p| p.expose().to_string())
            .ok_or_else(|| {
                w.fail(format!(
                    "no app password of {upn} was copied in this scenario (FAQ 3.1.4)"
                ))
            })?,
    };
    let ews = w.sites().await?.ews;
    let resp = super::api()
        .post(&ews)
        .basic_auth(upn, Some(password))
        .header("Content-Type", "text/xml; charset=utf-8")
        .body(GET_FOLDER)
        .send()
        .await
        .map_err(|e| w.fail(format!("Exchange at {ews} did not answer: {e}")))?;
    let status = resp.status().as_u16();
    // Which schemes the refusal offers: without Basic, no password helps.
    let offers_basic = resp
        .headers()
        .get_all(reqwest::header::WWW_AUTHENTICATE)
        .iter()
        .any(|v| {
            v.to_str()
                .is_ok_and(|v| v.trim_start().to_ascii_lowercase().starts_with("basic"))
        });
    let body = resp.text().await.unwrap_or_default();
    Ok(match status {
        200..=299 if body.contains("NoError") => Outcome::Accepted,
        401 if !offers_basic => Outcome::BasicAuthOff,
        401 if body.to_lowercase().contains("app password") => Outcome::AppPasswordRequired,
        401 => Outcome::WrongPassword,
        403 => Outcome::Blocked,
        _ => Outcome::Other(format!("HTTP {status}")),
    })
}
