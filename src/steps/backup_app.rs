//! The backup app's steps (FAQ 2.5, 3.1.4): it signs in to Exchange with
//! basic auth, and what it gets, once a change has taken effect.

use super::world::backup_app::{sign_in, Attempt, Credential, Outcome};
use super::world::settle::{eventually, Expectation, NotYetEffective, Settle};
use super::world::{today, DocWorld};
use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use std::time::Duration;

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
    let (credential, outcome) = match sign_in(w, &upn, credential).await {
        Ok(outcome) => (credential, outcome),
        // No app password was handed out today: the user has the account
        // password only.
        Err(e) => {
            let found = "no app password was handed out";
            w.drifted_answer(Err(e), today::BASIC_AUTH_OFF, found)
                .await?;
            let credential = Credential::AccountPassword;
            (credential, sign_in(w, &upn, credential).await?)
        }
    };
    let which = match credential {
        Credential::AppPassword => "app password",
        Credential::AccountPassword => "account password",
    };
    // While a change made in this scenario may still be on its way, what
    // Exchange answers depends on how fast the machine got here: the step
    // that waits for the change records the outcome it settled on.
    let settling = w.office.changed_at.is_some() && !w.settle_limit().is_zero();
    let answered = match settling {
        true => "answered while a change may still be taking effect (FAQ 4.1)".to_string(),
        false => outcome.describe(),
    };
    w.saw("backup app", &format!("{upn} with the {which}: {answered}"));
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
    match eventually(w, e, first, first_at).await {
        Ok(got) => {
            w.saw("backup app", &got.describe());
            Ok(())
        }
        Err(e) => {
            let found = answered(w);
            w.drifted_answer(Err(e), today::BASIC_AUTH_OFF, &found)
                .await?;
            today::basic_auth_off(w)
        }
    }
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
            _ => {
                let faq = Err(w.fail(format!("expected a 'not yet effective' report, got: {e}")));
                let found = answered(w);
                w.drifted_answer(faq, today::BASIC_AUTH_OFF, &found).await?;
                today::basic_auth_off(w)
            }
        },
    }
}

/// What Exchange last answered the backup app, for a finding.
fn answered(w: &DocWorld) -> String {
    match &w.backup_app {
        Some(a) => format!("Exchange answered the backup app: {}", a.outcome.describe()),
        None => "the backup app has not signed in".into(),
    }
}
