//! The user's phone as the steps use it: the user's number, and reading
//! the newest text for its code.

use super::DocWorld;
use docproof_contract::domain::Secret;

impl DocWorld {
    /// The user's phone number as the provider sees it.
    pub fn user_phone(&mut self) -> anyhow::Result<String> {
        let account = self.the_user()?;
        account.phone.map(|p| p.e164()).ok_or_else(|| {
            self.fail(format!(
                "{} has no mobile phone in the tenant file",
                account.upn
            ))
        })
    }

    /// Waits for the next text to the user's phone and keeps its code.
    pub async fn read_text(&mut self, must_be_new_code: bool) -> anyhow::Result<()> {
        let w = self;
        let to = w.user_phone()?;
        let seen = *w.phone.texts_read.get(&to).unwrap_or(&0);
        let wait = w.config().phone_wait;
        let text = w.phone().await?.wait_for_newest_text(&to, seen, wait).await;
        let (text, delivered) = text.map_err(|e| w.fail(e))?;
        w.phone.texts_read.insert(to.clone(), delivered);
        let code = crate::phone::code_in(&text.body)
            .ok_or_else(|| w.fail("the text message carries no 6-digit verification code"))?;
        if must_be_new_code && w.user.code.as_ref().is_some_and(|old| old.expose() == code) {
            return Err(w.fail("the new text message repeats the previous code"));
        }
        w.scenario.transcript.redactor.learn(&code, "code");
        w.saw("text message", &format!("to {to}: {}", text.body));
        w.user.code = Some(Secret::new(code));
        Ok(())
    }
}
