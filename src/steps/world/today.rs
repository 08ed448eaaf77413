//! Today's way: what a person does instead of a FAQ step the service no
//! longer offers, on today's pages ([`crate::pages::per_user_mfa`],
//! [`crate::pages::register`]). The audit carries a drifted step out this
//! way (see [`DocWorld::drifted`]) so the steps after it still get a
//! verdict; set-up uses it where the service is today's. Each way comes
//! with what it says, in the FAQ's style: the draft `drift.md` offers.

use super::browse::HEADING;
use super::{Actor, DocWorld};
use crate::pages::{admin_center as ac, per_user_mfa as mfa, register};
use crate::steps::world::backup_app::Outcome;

const ADMIN: Actor = Actor::Admin;
const USER: Actor = Actor::User;

pub const ONE_VIEW: &str = "Active users has one view today: there is no Preview or Classic mode.";

pub const MFA_BUTTON: &str = "On the Active users toolbar, click “Multi-factor authentication”: \
     the Microsoft Entra admin center opens “Per-user multifactor authentication”.";

pub const TICK_ACCOUNT: &str =
    "Tick the checkbox in front of the account you want to enable MFA for.";

pub const COMMAND_BAR: &str =
    "There are no “quick steps”: with the account ticked, the command bar \
     offers “Enable MFA”, “Disable MFA” and “Enforce MFA”, each confirmed in a dialog; the \
     Per-user MFA status column shows Disabled, Enabled or Enforced.";

pub const INTERRUPT: &str = "After the password the page says “Let's keep your account secure”.";

pub const REGISTER: &str = "Click Next: the “Keep your account secure” wizard opens.";

pub const CHOOSE_PHONE: &str = "The wizard first asks you to install Microsoft Authenticator, \
     which the FAQ never mentions: click “I want to set up a different method”, choose “Phone” \
     and click Confirm. Select your Country or region and enter the mobile phone number.";

pub const RECEIVE_CODE: &str = "Select “Receive a code” and click Next.";

pub const CALL_ME: &str = "Select “Call me” and click Next.";

pub const ENTER_CODE: &str =
    "Enter the code from the text message under “Enter code” and click Next.";

pub const WRONG_CODE: &str = "A wrong code is refused on the same page; enter the right one.";

pub const NO_APP_PASSWORD: &str = "No app password is shown: the page says the phone was \
     registered successfully. Click Next.";

pub const DONE: &str = "“Success!” shows your default sign-in method; click Done. App passwords \
     are no longer made here: where the admin allows them, an Enforced user makes one at My \
     Sign-Ins > Security info > “+ Add sign-in method” > App password.";

pub const BASIC_AUTH_OFF: &str = "Exchange Online no longer accepts basic authentication \
     (switched off in October 2022), with the account password or an app password: non-browser \
     apps such as the backup app must sign in with modern authentication (OAuth 2.0).";

/// Active users, as it is: the one view there is.
pub async fn one_view(w: &mut DocWorld) -> anyhow::Result<()> {
    w.see(ADMIN, "page", ac::ACTIVE_USERS_HEADING).await?;
    Ok(())
}

/// Active users' "Multi-factor authentication" button, to the Entra page.
pub async fn open_per_user_mfa(w: &mut DocWorld) -> anyhow::Result<()> {
    let button = w.read(ADMIN, mfa::MFA_BUTTON).await?;
    w.saw("toolbar", &button);
    w.click(ADMIN, mfa::MFA_BUTTON).await?;
    w.see(ADMIN, "page", mfa::HEADING).await?;
    Ok(())
}

/// Ticks the account's row (searching for it first if it is not listed).
pub async fn tick_account(w: &mut DocWorld, upn: &str) -> anyhow::Result<()> {
    let tick = mfa::select_box(upn);
    if !w.visible(ADMIN, &tick).await? {
        w.fill(ADMIN, mfa::SEARCH, upn).await?;
        w.click(ADMIN, mfa::APPLY).await?;
    }
    w.tick(ADMIN, &tick).await?;
    w.saw("selected", upn);
    w.selected_account = Some(upn.to_string());
    Ok(())
}

/// The command bar offers `action` ("Enable") for the ticked account.
pub async fn command_offered(w: &mut DocWorld, action: &str, upn: &str) -> anyhow::Result<()> {
    let (button, label) = command(w, action)?;
    tick_account(w, upn).await?;
    let shown = w.read(ADMIN, button).await?;
    if shown != label {
        return Err(w.fail(format!("the command reads \"{shown}\", not \"{label}\"")));
    }
    if let Some(why) = w.why_not_clickable(ADMIN, button).await? {
        return Err(w.fail(format!("\"{shown}\" cannot be clicked: {why}")));
    }
    let bar = w.read(ADMIN, mfa::TOOLBAR).await?;
    w.saw("command bar", &bar);
    Ok(())
}

/// Ticks the account, runs the command for `action` and confirms it.
pub async fn run_command(w: &mut DocWorld, action: &str, upn: &str) -> anyhow::Result<()> {
    let (button, label) = command(w, action)?;
    tick_account(w, upn).await?;
    w.click(ADMIN, button).await?;
    w.see(ADMIN, "dialog", mfa::DIALOG_TITLE).await?;
    // Noted before the click: the change starts no earlier than this.
    w.office.changed_at = Some(std::time::Instant::now());
    w.click(ADMIN, mfa::DIALOG_CONFIRM).await?;
    for error in [mfa::DIALOG_ERROR, mfa::ERROR] {
        if w.visible(ADMIN, error).await? {
            let error = w.read(ADMIN, error).await?;
            return Err(w.fail(format!("\"{label}\" failed: {error}")));
        }
    }
    w.see(ADMIN, "message", mfa::MESSAGE).await?;
    Ok(())
}

fn command(w: &DocWorld, action: &str) -> anyhow::Result<(&'static str, &'static str)> {
    mfa::command(action).ok_or_else(|| {
        w.fail(format!(
            "\"{action}\" is not a command of the per-user MFA page: say Enable, Disable or Enforce"
        ))
    })
}

/// The sign-in's interrupt, as it reads today.
pub async fn interrupt(w: &mut DocWorld) -> anyhow::Result<()> {
    w.see_heading(USER).await?;
    Ok(())
}

/// On to "Keep your account secure" (from the interrupt, if still there).
pub async fn open_register(w: &mut DocWorld) -> anyhow::Result<()> {
    if !w.visible(USER, register::TITLE).await? {
        w.click(USER, crate::pages::sign_in::PROOF_UP_NEXT).await?;
    }
    w.see(USER, "page", register::TITLE).await?;
    w.see(USER, "step", register::HEADING).await?;
    Ok(())
}

/// Past "Install Microsoft Authenticator" to Phone; types the country and
/// the number.
pub async fn choose_phone(w: &mut DocWorld) -> anyhow::Result<()> {
    open_register(w).await?;
    if !w.visible(USER, register::PHONE).await? {
        w.click(USER, register::DIFFERENT_METHOD).await?;
        w.choose(USER, register::METHOD_CHOICE, register::PHONE_METHOD)
            .await?;
        w.click(USER, register::CONFIRM).await?;
        w.see(USER, "step", register::HEADING).await?;
    }
    let phone = w
        .enter_phone(
            register::COUNTRY,
            register::COUNTRY_OPTIONS,
            register::PHONE,
        )
        .await?;
    w.saw("phone", &phone);
    Ok(())
}

/// "Receive a code" or "Call me", then Next.
pub async fn choose_option(w: &mut DocWorld, faq_method: &str) -> anyhow::Result<()> {
    let option = register::option_for(faq_method).ok_or_else(|| {
        w.fail(format!(
            "\"{faq_method}\" is not a method: say \"Send me a code by text message\" or \"Call Me\""
        ))
    })?;
    let label = w
        .read(USER, &crate::pages::proof_up::label_of(option))
        .await?;
    w.saw("option", &label);
    w.tick(USER, option).await?;
    w.click(USER, register::NEXT).await?;
    w.wait_for(USER, HEADING).await?;
    refused(w, "Phone").await?;
    // A text that could not be sent shows the sign-in's failure page.
    match w.visible(USER, register::HEADING).await? {
        true => w.see(USER, "step", register::HEADING).await?,
        false => w.see_heading(USER).await?,
    };
    Ok(())
}

/// Fails with the wizard's error, if it shows one.
async fn refused(w: &mut DocWorld, page: &str) -> anyhow::Result<()> {
    if w.visible(USER, register::ERROR).await? {
        let error = w.read(USER, register::ERROR).await?;
        return Err(w.fail(format!("{page} was refused: {error}")));
    }
    Ok(())
}

/// Types `code` under "Enter code" and clicks Next.
pub async fn enter_code(w: &mut DocWorld, code: &str) -> anyhow::Result<()> {
    w.fill(USER, register::CODE, code).await?;
    w.click(USER, register::NEXT).await
}

/// The wizard's refusal of a wrong code.
pub async fn code_refused(w: &mut DocWorld) -> anyhow::Result<()> {
    let error = w.see(USER, "error", register::ERROR).await?;
    if !w.visible(USER, register::CODE).await? {
        return Err(w.fail(format!(
            "\"{error}\" is shown, but no code can be entered again"
        )));
    }
    Ok(())
}

/// "SMS verified…" or "Call answered…", then Next to "Success!".
pub async fn verified(w: &mut DocWorld) -> anyhow::Result<()> {
    w.past_call_wait().await?;
    refused(w, "The code").await?;
    w.see(USER, "verified", register::VERIFIED).await?;
    w.click(USER, register::NEXT).await?;
    w.see(USER, "step", register::HEADING).await?;
    Ok(())
}

/// "Success!": the default method, then Done.
pub async fn done(w: &mut DocWorld) -> anyhow::Result<()> {
    if w.visible(USER, register::VERIFIED).await? {
        w.click(USER, register::NEXT).await?;
    }
    w.see(USER, "default method", register::DEFAULT_METHOD)
        .await?;
    w.click(USER, register::DONE).await
}

/// Registers the user's phone by text message, the whole wizard, with no
/// checks: set-up on today's service. Returns Outlook's URL.
pub async fn register_by_text(w: &mut DocWorld) -> anyhow::Result<String> {
    w.log_in().await?;
    choose_phone(w).await?;
    choose_option(w, "text").await?;
    w.read_text(false).await?;
    let code = w.user.code.clone().ok_or_else(|| w.fail("no code"))?;
    enter_code(w, code.expose()).await?;
    verified(w).await?;
    done(w).await?;
    let r = crate::pages::sign_in::decline_stay_signed_in(w.browser(USER).await?).await;
    r.map_err(|e| w.fail(e))?;
    w.see(USER, "Outlook", crate::pages::owa::SIGNED_IN_AS)
        .await?;
    Ok(w.sites().await?.owa)
}

/// Today's answer to every basic-auth sign-in, whatever the FAQ expected.
pub fn basic_auth_off(w: &mut DocWorld) -> anyhow::Result<()> {
    match w.backup_app.as_ref().map(|a| &a.outcome) {
        Some(Outcome::BasicAuthOff) => {
            w.saw("backup app", &Outcome::BasicAuthOff.describe());
            Ok(())
        }
        Some(other) => {
            let other = other.describe();
            Err(w.fail(format!("the backup app was {other}")))
        }
        None => Err(w.fail("the backup app has not signed in yet in this scenario")),
    }
}
