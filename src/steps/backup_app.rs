//! The backup app: a non-browser app (CloudBacko's Office 365 backup set)
//! that signs in to Exchange with basic auth — the account password, or an
//! app password once MFA is Enforced (FAQ 2.5, 3.1.4).

use super::office365::{eventually, Expectation, NotYetEffective, Settle};
use super::world::DocWorld;
use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use std::time::Duration;

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
    Other(String),
}

impl Outcome {
    fn describe(&self) -> String {
        match self {
            Outcome::Accepted => "accepted".into(),
            Outcome::AppPasswordRequired => "refused: app password required".into(),
            Outcome::WrongPassword => "refused: wrong password".into(),
            Outcome::Blocked => "blocked".into(),
            Outcome::Other(s) => format!("answered {s}"),
        }
    }
    fn parse(s: &str) -> Option<Outcome> {
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
async fn sign_in(w: &mut DocWorld, upn: &str, credential: Credential) -> anyhow::Result<Outcome> {
    let password = match credential {
        Credential::AccountPassword => w.account(upn)?.password.expose().to_string(),
        Credential::AppPassword => w
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
    let resp = super::world::api()
        .post(&ews)
        .basic_auth(upn, Some(password))
        .header("Content-Type", "text/xml; charset=utf-8")
        .body(GET_FOLDER)
        .send()
        .await
        .map_err(|e| w.fail(format!("Exchange at {ews} did not answer: {e}")))?;
    let status = resp.status().as_u16();
    let body = resp.text().await.unwrap_or_default();
    Ok(match status {
        200..=299 if body.contains("NoError") => Outcome::Accepted,
        401 if body.to_lowercase().contains("app password") => Outcome::AppPasswordRequired,
        401 => Outcome::WrongPassword,
        403 => Outcome::Blocked,
        _ => Outcome::Other(format!("HTTP {status}")),
    })
}

#[given(
    regex = r#"^the backup app signs in to Exchange as "([^"]+)" with the (account password|app password)$"#
)]
#[when(
    regex = r#"^the backup app signs in to Exchange as "([^"]+)" with the (account password|app password)$"#
)]
async fn backup_sign_in(
    w: &mut DocWorld,
    step: &Step,
    name: String,
    which: String,
) -> anyhow::Result<()> {
    w.at(step).await?;
    let upn = w.account(&name)?.upn;
    let credential = if which == "app password" {
        Credential::AppPassword
    } else {
        Credential::AccountPassword
    };
    let outcome = sign_in(w, &upn, credential).await?;
    w.saw(
        "backup app",
        &format!("{upn} with the {which}: {}", outcome.describe()),
    );
    w.backup_app = Some(Attempt {
        upn,
        credential,
        outcome,
        at: std::time::Instant::now(),
    });
    Ok(())
}

fn retry(w: &mut DocWorld) -> futures::future::LocalBoxFuture<'_, anyhow::Result<Outcome>> {
    Box::pin(async move {
        let last = w
            .backup_app
            .clone()
            .ok_or_else(|| w.fail("the backup app has not signed in"))?;
        let outcome = sign_in(w, &last.upn, last.credential).await?;
        if let Some(a) = w.backup_app.as_mut() {
            a.outcome = outcome.clone();
            a.at = std::time::Instant::now();
        }
        Ok(outcome)
    })
}

fn last_attempt(w: &DocWorld) -> anyhow::Result<(Outcome, std::time::Instant)> {
    w.backup_app
        .as_ref()
        .map(|a| (a.outcome.clone(), a.at))
        .ok_or_else(|| w.fail("the backup app has not signed in yet in this scenario"))
}

fn expectation(expected: Outcome, settle: Settle, limit: Duration) -> Expectation<Outcome> {
    Expectation {
        what: "the backup app",
        expected,
        settle,
        limit,
        retry,
        describe: Outcome::describe,
        stale,
    }
}

/// An answer some MFA status would give: maybe a change still on its way.
fn stale(o: &Outcome) -> bool {
    matches!(o, Outcome::Accepted | Outcome::AppPasswordRequired)
}

#[given(
    regex = r"^the backup app is (accepted|refused: app password required|refused: wrong password|blocked)(, once the change has taken effect)?$"
)]
#[then(
    regex = r"^the backup app is (accepted|refused: app password required|refused: wrong password|blocked)(, once the change has taken effect)?$"
)]
async fn backup_outcome(
    w: &mut DocWorld,
    step: &Step,
    expected: String,
    settle: String,
) -> anyhow::Result<()> {
    w.at(step).await?;
    let expected = Outcome::parse(&expected).expect("the regex lists only known outcomes");
    let (first, first_at) = last_attempt(w)?;
    let e = expectation(expected, Settle::from_suffix(&settle), w.settle_limit());
    let got = eventually(w, e, first, first_at).await?;
    w.saw("backup app", &got.describe());
    Ok(())
}

#[then(
    expr = "waiting {float} second(s) for the backup app to be accepted fails as not yet effective"
)]
async fn never_effective(w: &mut DocWorld, step: &Step, seconds: f64) -> anyhow::Result<()> {
    w.at(step).await?;
    let (first, first_at) = last_attempt(w)?;
    let e = expectation(
        Outcome::Accepted,
        Settle::Any,
        Duration::from_secs_f64(seconds),
    );
    let result = eventually(w, e, first, first_at).await;
    match result {
        Ok(_) => Err(w.fail("the backup app was accepted: the change took effect after all")),
        Err(e) => match e.downcast_ref::<NotYetEffective>() {
            Some(n)
                if n.to_string()
                    .contains(&format!("still not effective after {seconds:.1} s")) =>
            {
                w.saw(
                    "reported",
                    &format!("the change was still not effective after {seconds:.1} s"),
                );
                Ok(())
            }
            _ => Err(w.fail(format!("expected a 'not yet effective' report, got: {e}"))),
        },
    }
}
