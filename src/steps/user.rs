//! The user: goes to the OWA site and logs in (FAQ 3.1.2 / 3.2.2), sets up
//! additional security verification (3.1.3–3.1.4, 3.2.3–3.2.4), signs in
//! again with the second factor (3.1.5, 3.2.5).

use super::world::browse::HEADING;
use super::world::settle::{eventually, Expectation, Settle};
use super::world::{today, Actor, DocWorld};
use crate::pages::{owa, proof_up, second_factor as sas, sign_in};
use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use docproof_contract::domain::Secret;
use docproof_contract::profile::Profile;
use futures::FutureExt as _;

const USER: Actor = Actor::User;

/// Where a browser sign-in with the right password leads (FAQ 2.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInOutcome {
    /// Straight to Outlook ("Stay signed in?" first): no second factor.
    Outlook,
    /// "More information required": set up verification first.
    MoreInformation,
    /// "Enter code": a text was sent.
    Code,
    /// "Answer the call": the phone is ringing.
    Call,
    /// Anything else: a real failure, not a setting still on its way.
    Other(String),
}

impl SignInOutcome {
    fn parse(s: &str) -> Option<SignInOutcome> {
        match s {
            "goes straight to Outlook" => Some(SignInOutcome::Outlook),
            "asks for more information" => Some(SignInOutcome::MoreInformation),
            "asks for a verification code" => Some(SignInOutcome::Code),
            "calls the phone" => Some(SignInOutcome::Call),
            _ => None,
        }
    }
    fn describe(&self) -> String {
        match self {
            SignInOutcome::Outlook => "went straight to Outlook".into(),
            SignInOutcome::MoreInformation => "asked for more information".into(),
            SignInOutcome::Code => "asked for a verification code".into(),
            SignInOutcome::Call => "called the phone".into(),
            SignInOutcome::Other(page) => format!("stopped at {page}"),
        }
    }
}

#[when(expr = "{string} goes to the OWA site and logs in")]
#[when(expr = "{string} signs in to OWA in a browser with the account password")]
async fn owa_login(w: &mut DocWorld, step: &Step, name: String) -> anyhow::Result<()> {
    w.at(step).await?;
    w.user.account = Some(name);
    // While a change may still be on its way (FAQ 4.1), which page comes
    // next depends on timing; the step after this one judges it, and the
    // transcript keeps only what is certain.
    let uncertain = w.change_in_flight();
    w.log_in().await?;
    if !uncertain {
        w.see_heading(USER).await?;
    }
    Ok(())
}

/// Reads which page the sign-in stopped at.
async fn outcome(w: &mut DocWorld) -> anyhow::Result<SignInOutcome> {
    let checks = [
        (sign_in::KMSI, SignInOutcome::Outlook),
        (owa::SIGNED_IN_AS, SignInOutcome::Outlook),
        (sign_in::PROOF_UP_TITLE, SignInOutcome::MoreInformation),
        (sas::CODE_TITLE, SignInOutcome::Code),
        (sas::CALL_TITLE, SignInOutcome::Call),
    ];
    for (selector, outcome) in checks {
        if w.visible(USER, selector).await? {
            return Ok(outcome);
        }
    }
    Ok(SignInOutcome::Other(w.describe_page(USER).await))
}

#[then(
    regex = r"^the browser sign-in (goes straight to Outlook|asks for more information|asks for a verification code|calls the phone)(, once the change has taken effect)?$"
)]
async fn sign_in_outcome(
    w: &mut DocWorld,
    step: &Step,
    expected: String,
    settle: String,
) -> anyhow::Result<()> {
    w.at(step).await?;
    let expected = SignInOutcome::parse(&expected).expect("the regex lists only known outcomes");
    let settle = Settle::from_suffix(&settle);
    let first = outcome(w).await?;
    let first_at = w
        .user
        .signed_in_at
        .ok_or_else(|| w.fail("the user has not signed in yet in this scenario"))?;
    let e = Expectation {
        what: "the browser sign-in",
        expected,
        settle,
        limit: w.settle_limit(),
        retry: |w| {
            Box::pin(async move {
                w.log_in().await?;
                outcome(w).await
            })
        },
        describe: SignInOutcome::describe,
        stale: |o| !matches!(o, SignInOutcome::Other(_)),
    };
    let got = eventually(w, e, first, first_at).await?;
    w.saw("sign-in", &got.describe());
    Ok(())
}

#[then(expr = "the page says {string}")]
async fn page_says(w: &mut DocWorld, step: &Step, text: String) -> anyhow::Result<()> {
    w.at(step).await?;
    let heading = w.read(USER, HEADING).await?;
    let faq = match heading == text {
        true => Ok(()),
        false => {
            let page = w.describe_page(USER).await;
            Err(w.fail(format!(
                "expected the page to say \"{text}\", but it shows {page}"
            )))
        }
    };
    if w.drifted(faq, &format!("The page says “{heading}”."))
        .await?
    {
        today::interrupt(w).await?;
        return Ok(());
    }
    w.saw("page", &heading);
    Ok(())
}

#[when("the user goes on to set up additional security verification")]
async fn proof_up_next(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    let faq = open_proof_up(w).await;
    if w.drifted(faq, today::REGISTER).await? {
        today::open_register(w).await?;
    }
    Ok(())
}

/// FAQ 3.1.2: on to "Additional security verification".
async fn open_proof_up(w: &mut DocWorld) -> anyhow::Result<()> {
    w.click(USER, sign_in::PROOF_UP_NEXT).await?;
    w.expect_shown(
        USER,
        proof_up::TITLE,
        "\"Additional security verification\"",
    )
    .await?;
    w.see(USER, "page", proof_up::TITLE).await?;
    w.see(USER, "step", proof_up::STEP).await?;
    Ok(())
}

#[when(
    expr = "the user selects {string}, enters the country or region and the mobile phone number"
)]
async fn contact(w: &mut DocWorld, step: &Step, method: String) -> anyhow::Result<()> {
    w.at(step).await?;
    let faq = enter_contact(w, &method).await;
    if w.drifted(faq, today::CHOOSE_PHONE).await? {
        today::choose_phone(w).await?;
    }
    Ok(())
}

async fn enter_contact(w: &mut DocWorld, method: &str) -> anyhow::Result<()> {
    if !w.visible(USER, proof_up::CONTACT_METHOD).await? {
        let page = w.describe_page(USER).await;
        return Err(w.fail(format!(
            "the page offers no contact method to select; it is {page}"
        )));
    }
    w.choose(USER, proof_up::CONTACT_METHOD, method).await?;
    let phone = w
        .enter_phone(
            proof_up::COUNTRY,
            proof_up::COUNTRY_OPTIONS,
            proof_up::PHONE,
        )
        .await?;
    let shown_method = w.chosen(USER, proof_up::CONTACT_METHOD).await?;
    w.saw("contact", &format!("{shown_method}, {phone}"));
    Ok(())
}

#[when(expr = "the user selects {string} as method and clicks Next")]
async fn method_next(w: &mut DocWorld, step: &Step, method: String) -> anyhow::Result<()> {
    w.at(step).await?;
    let faq = choose_method(w, &method).await;
    let today = match crate::pages::register::option_for(&method) {
        Some(crate::pages::register::CALL_ME) => today::CALL_ME,
        _ => today::RECEIVE_CODE,
    };
    if w.drifted(faq, today).await? {
        today::choose_option(w, &method).await?;
    }
    Ok(())
}

async fn choose_method(w: &mut DocWorld, method: &str) -> anyhow::Result<()> {
    let radio = proof_up::method_radio(method).ok_or_else(|| {
        w.fail(format!(
            "\"{method}\" is not a method: say \"Send me a code by text message\" or \"Call Me\""
        ))
    })?;
    w.expect_shown(USER, radio, &format!("method \"{method}\" to select"))
        .await?;
    let label = w.read(USER, &proof_up::label_of(radio)).await?;
    w.saw("method", &label);
    w.tick(USER, radio).await?;
    w.click(USER, proof_up::NEXT).await?;
    w.wait_for(USER, HEADING).await?;
    if w.visible(USER, proof_up::ERROR).await? {
        let error = w.read(USER, proof_up::ERROR).await?;
        return Err(w.fail(format!("Step 1 was refused: {error}")));
    }
    if w.visible(USER, proof_up::STEP).await? {
        w.see(USER, "step", proof_up::STEP).await?;
    } else {
        w.see_heading(USER).await?;
    }
    Ok(())
}

#[when("the user enters the verification code from the text message and clicks Verify")]
async fn enter_code(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    let code = w
        .user
        .code
        .clone()
        .ok_or_else(|| w.fail("no verification code has been read from a text message yet"))?;
    let faq = type_code(w, code.expose()).await;
    if w.drifted(faq, today::ENTER_CODE).await? {
        today::enter_code(w, code.expose()).await?;
    }
    Ok(())
}

#[when("the user enters a wrong verification code and clicks Verify")]
async fn wrong_code(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    let real = w
        .user
        .code
        .as_ref()
        .map(|c| c.expose().to_string())
        .unwrap_or_default();
    let wrong = if real == "000000" { "111111" } else { "000000" };
    let faq = type_code(w, wrong).await;
    if w.drifted(faq, today::ENTER_CODE).await? {
        today::enter_code(w, wrong).await?;
    }
    Ok(())
}

/// Types a code on whichever code page shows: proof-up Step 2 or the
/// sign-in's "Enter code".
async fn type_code(w: &mut DocWorld, code: &str) -> anyhow::Result<()> {
    let (field, button) = if w.visible(USER, proof_up::CODE).await? {
        (proof_up::CODE, proof_up::VERIFY)
    } else if w.visible(USER, sas::CODE).await? && w.visible(USER, sas::VERIFY).await? {
        (sas::CODE, sas::VERIFY)
    } else {
        let page = w.describe_page(USER).await;
        return Err(w.fail(format!(
            "no verification code box with a Verify button is shown; the page is {page}"
        )));
    };
    w.fill(USER, field, code).await?;
    w.click(USER, button).await
}

#[then("the page says the code is wrong and asks to try again")]
async fn code_wrong(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    let faq = code_error(w).await;
    if w.drifted(faq, today::WRONG_CODE).await? {
        today::code_refused(w).await?;
    }
    Ok(())
}

async fn code_error(w: &mut DocWorld) -> anyhow::Result<()> {
    for selector in [proof_up::CODE_ERROR, sas::CODE_ERROR] {
        if w.visible(USER, selector).await? {
            let error = w.see(USER, "error", selector).await?;
            if !error.contains("try again") {
                return Err(w.fail(format!("the error \"{error}\" does not ask to try again")));
            }
            return Ok(());
        }
    }
    let page = w.describe_page(USER).await;
    Err(w.fail(format!("no wrong-code error is shown; the page is {page}")))
}

#[then("the page shows an app password")]
async fn shows_app_password(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    let faq = app_password_shown(w).await;
    if w.drifted(faq, today::NO_APP_PASSWORD).await? {
        today::verified(w).await?;
    }
    Ok(())
}

/// FAQ 3.1.4 / 3.2.4: Step 3 shows the app password.
async fn app_password_shown(w: &mut DocWorld) -> anyhow::Result<()> {
    w.past_call_wait().await?;
    if !w.visible(USER, proof_up::APP_PASSWORD).await? {
        w.wait_for(USER, HEADING).await?;
        for error in [proof_up::CODE_ERROR, proof_up::ERROR] {
            if w.visible(USER, error).await? {
                let text = w.read(USER, error).await?;
                return Err(w.fail(format!("no app password: the page says \"{text}\"")));
            }
        }
    }
    w.expect_shown(USER, proof_up::APP_PASSWORD, "app password")
        .await?;
    // Learn the password first, so a failure on this page (a reworded
    // heading, say) saves it masked.
    let password = copy_app_password(w).await?;
    w.see(USER, "step", proof_up::STEP).await?;
    if password.len() != 16 || !password.chars().all(|c| c.is_ascii_lowercase()) {
        return Err(w.fail("the app password shown is not 16 lower-case letters"));
    }
    w.saw("app password", &password);
    Ok(())
}

/// Reads the app password off Step 3 and keeps it for the backup app
/// (FAQ 3.1.4 "Copy the App Password"); from now on it is masked.
async fn copy_app_password(w: &mut DocWorld) -> anyhow::Result<String> {
    let password = w.read(USER, proof_up::APP_PASSWORD).await?;
    w.scenario
        .transcript
        .redactor
        .learn(&password, "app password");
    let upn = w.the_user()?.upn;
    w.user
        .app_passwords
        .insert(upn, Secret::new(password.clone()));
    Ok(password)
}

#[when("the user copies the app password and clicks Done")]
async fn copy_and_done(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    let faq = copy_then_done(w).await;
    if w.drifted(faq, today::DONE).await? {
        today::done(w).await?;
    }
    Ok(())
}

async fn copy_then_done(w: &mut DocWorld) -> anyhow::Result<()> {
    w.expect_shown(USER, proof_up::DONE, "Done button under an app password")
        .await?;
    let upn = w.the_user()?.upn;
    if !w.user.app_passwords.contains_key(&upn) {
        copy_app_password(w).await?;
    }
    w.click(USER, proof_up::DONE).await
}

#[then("the user is signed in to Outlook")]
async fn in_outlook(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    w.past_call_wait().await?;
    let r = sign_in::decline_stay_signed_in(w.browser(USER).await?).await;
    r.map_err(|e| w.fail(e))?;
    let upn = w.the_user()?.upn;
    let wait = w.config().wait;
    if w.browser(USER)
        .await?
        .wait_for(owa::SIGNED_IN_AS, wait)
        .await
        .is_err()
    {
        let page = w.describe_page(USER).await;
        return Err(w.fail(format!(
            "{upn} is not signed in to Outlook; the page is {page}"
        )));
    }
    let who = w.see(USER, "Outlook", owa::SIGNED_IN_AS).await?;
    if !who.contains(&upn) {
        return Err(w.fail(format!("Outlook says it is signed in as {who}, not {upn}")));
    }
    Ok(())
}

#[when("the user signs out and logs in again")]
async fn sign_out_and_in(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    w.click(USER, owa::SIGN_OUT).await?;
    w.see(USER, "page", owa::SIGNED_OUT).await?;
    w.log_in().await?;
    w.see_heading(USER).await?;
    Ok(())
}

#[then("the page asks for the code texted to the masked phone number")]
async fn asks_for_code(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    let description = w.see(USER, "prompt", sas::CODE_DESCRIPTION).await?;
    expect_masked(w, &description)
}

#[then("the page asks the user to answer the call to the masked phone number")]
async fn asks_to_answer(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    let description = w.see(USER, "prompt", sas::CALL_DESCRIPTION).await?;
    expect_masked(w, &description)
}

/// The prompt names the phone only by its last two digits.
fn expect_masked(w: &mut DocWorld, prompt: &str) -> anyhow::Result<()> {
    let phone = w
        .the_user()?
        .phone
        .ok_or_else(|| w.fail("the user has no phone"))?;
    if prompt.contains(phone.national()) {
        return Err(w.fail(format!(
            "the prompt shows the whole phone number: \"{prompt}\""
        )));
    }
    if !prompt.contains(&phone.masked()) {
        return Err(w.fail(format!(
            "the prompt \"{prompt}\" does not show the masked number {}",
            phone.masked()
        )));
    }
    Ok(())
}

#[then("the page says a text message could not be sent")]
async fn could_not_send(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    let title = w.see(USER, "page", sas::SEND_FAILED_TITLE).await?;
    let error = w.see(USER, "error", sas::SEND_FAILED).await?;
    failure_page_says(w, &format!("{title} {error}"), sas::SAYS_TEXT_NOT_SENT)
}

/// Fails unless the page's words say what the step claims.
fn failure_page_says(w: &DocWorld, page: &str, words: &str) -> anyhow::Result<()> {
    if sas::says(page, words) {
        return Ok(());
    }
    Err(w.fail(format!(
        "the page says \"{page}\"; the step expects it to say \"{words}\""
    )))
}

#[then("the page says the call was not answered")]
async fn call_not_answered(w: &mut DocWorld, step: &Step) -> anyhow::Result<()> {
    w.at(step).await?;
    w.past_call_wait().await?;
    let heading = w.see_heading(USER).await?;
    let error = w.see(USER, "error", sas::TIMED_OUT).await?;
    failure_page_says(
        w,
        &format!("{heading} {error}"),
        sas::SAYS_CALL_NOT_ANSWERED,
    )
}

#[given(
    expr = "{string} has registered an authentication phone by text message and copied the app password"
)]
async fn registered_by_text(w: &mut DocWorld, step: &Step, name: String) -> anyhow::Result<()> {
    w.at(step).await?;
    w.set_status_by_graph(&name, docproof_contract::domain::MfaStatus::Enabled)
        .await?;
    w.user.account = Some(name);
    // The same pages the 3.1 steps walk in the browser; today's service
    // has today's wizard, and hands out no app password.
    match w.config().profile {
        Profile::Faq2020 => w.set_up(USER, |w| register_by_text(w).boxed_local()).await,
        Profile::Today => {
            w.set_up(USER, |w| today::register_by_text(w).boxed_local())
                .await
        }
    }
}

/// FAQ 3.1.2–3.1.6 without the checks: signs in, registers the phone by
/// text message, copies the app password and lands in Outlook. Returns
/// Outlook's URL.
async fn register_by_text(w: &mut DocWorld) -> anyhow::Result<String> {
    w.log_in().await?;
    w.click(USER, sign_in::PROOF_UP_NEXT).await?;
    enter_contact(w, "Authentication phone").await?;
    choose_method(w, "Send me a code by text message").await?;
    w.read_text(false).await?;
    let code = w.user.code.clone().ok_or_else(|| w.fail("no code"))?;
    type_code(w, code.expose()).await?;
    copy_app_password(w).await?;
    w.click(USER, proof_up::DONE).await?;
    let r = sign_in::decline_stay_signed_in(w.browser(USER).await?).await;
    r.map_err(|e| w.fail(e))?;
    w.see(USER, "Outlook", owa::SIGNED_IN_AS).await?;
    Ok(w.sites().await?.owa)
}
