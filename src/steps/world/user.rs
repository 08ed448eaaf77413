//! The user's moves that the FAQ's way and today's way share: logging in
//! to OWA, and typing the mobile phone number into a registration form.

use super::{Actor, DocWorld};
use crate::pages::sign_in;

const USER: Actor = Actor::User;

impl DocWorld {
    /// Opens OWA in a fresh browser and logs in with the account password.
    pub async fn log_in(&mut self) -> anyhow::Result<()> {
        let w = self;
        let account = w.the_user()?;
        let owa_url = w.sites().await?.owa;
        let r = w.browser(USER).await?.reset().await;
        r.map_err(|e| w.fail(e))?;
        w.goto(USER, &owa_url).await?;
        let wait = w.config().wait;
        let r = sign_in::enter_credentials(
            w.browser(USER).await?,
            &account.upn,
            account.password.expose(),
            wait,
        )
        .await;
        r.map_err(|e| w.fail(e))?;
        if w.visible(USER, sign_in::PASSWORD_ERROR).await? {
            let error = w.read(USER, sign_in::PASSWORD_ERROR).await?;
            return Err(w.fail(format!(
                "the password of {} was refused: {error}",
                account.upn
            )));
        }
        w.user.signed_in_at = Some(std::time::Instant::now());
        Ok(())
    }

    /// Chooses the user's country or region by its calling code and types the
    /// mobile phone number, on the form whose fields these are. Returns what
    /// the form shows: "United States (+1), 2065550101".
    pub async fn enter_phone(
        &mut self,
        country: &str,
        options: &str,
        number: &str,
    ) -> anyhow::Result<String> {
        let w = self;
        let account = w.the_user()?;
        let phone = account.phone.ok_or_else(|| {
            w.fail(format!(
                "{} has no mobile phone in the tenant file",
                account.upn
            ))
        })?;
        let countries = w.read_all(USER, options).await?;
        let suffix = format!("(+{})", phone.country_code());
        let choice = countries
            .iter()
            .find(|c| c.ends_with(&suffix))
            .cloned()
            .ok_or_else(|| {
                w.fail(format!(
                    "no country or region with code +{} is offered",
                    phone.country_code()
                ))
            })?;
        w.choose(USER, country, &choice).await?;
        w.fill(USER, number, phone.national()).await?;
        // What the page shows chosen, not what the step asked for.
        let shown_country = w.chosen(USER, country).await?;
        let shown_phone = w.value(USER, number).await?;
        Ok(format!("{shown_country}, {shown_phone}"))
    }
}
