//! MFA registration ("proof-up"): the "More information required" interrupt
//! and the legacy "Additional security verification" page, Steps 1–3.
//!
//! Microsoft documents the visible words of this page but not its element
//! ids; the `tfa_*` ids below are ours (unconfirmed), kept in this one file
//! and mirrored by the page objects.

use super::flow::{self, error_div, token_fields, with_checked_flow, FormFields};
use super::sas::{self, ChallengeCheck, VerifyFailure};
use crate::html::{escape, see_other, sign_in_page};
use crate::server::AppState;
use crate::state::{Challenge, Registration, Stage};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use axum::{Form, Router};
use docproof_contract::domain::{AppPassword, Method, PhoneNumber};
use docproof_contract::routes;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(routes::PROOF_UP, post(start).get(current))
        .route(routes::PROOF_UP_CONTACT, post(contact))
        .route(routes::PROOF_UP_VERIFY, post(verify))
        .route(routes::PROOF_UP_RESEND, post(resend))
        .route(routes::PROOF_UP_BACK, post(back))
        .route(routes::PROOF_UP_DONE, post(done))
}

/// Country or region drop-down: (value, label, calling code).
const COUNTRIES: &[(&str, &str, &str)] = &[
    ("US", "United States (+1)", "1"),
    ("CA", "Canada (+1)", "1"),
    ("GB", "United Kingdom (+44)", "44"),
    ("HK", "Hong Kong SAR (+852)", "852"),
    ("AU", "Australia (+61)", "61"),
    ("DE", "Germany (+49)", "49"),
    ("IN", "India (+91)", "91"),
    ("JP", "Japan (+81)", "81"),
    ("SG", "Singapore (+65)", "65"),
];

const PAGE_TITLE: &str = "Additional security verification";

/// "More information required", shown after the password of a user who
/// must register.
pub fn interrupt_page(token: &str, upn: &str) -> Response {
    let body = format!(
        r#"<div id="displayName" class="identity">{upn}</div>
<div role="heading" aria-level="1" class="title" id="idDiv_ProofUp_Title">More information required</div>
<div class="description" id="idDiv_ProofUp_Description">Your organization needs more information to keep your account secure</div>
<form method="post" action="/proofup.aspx?proofup=1">
{fields}
<div class="buttons"><input type="submit" id="idSubmit_ProofUp_Redirect" class="button primary" value="Next"></div>
</form>"#,
        upn = escape(upn),
        fields = token_fields(token),
    );
    sign_in_page("More information required", &body)
}

/// The interrupt's Next: on to Step 1.
async fn start(
    State(sim): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<FormFields>,
) -> Response {
    let checked = with_checked_flow(&sim, &headers, &form, |f| {
        if matches!(f.stage, Stage::ProofUpInterrupt) {
            f.stage = Stage::ProofUpContact;
            Some(f.token.expose().to_string())
        } else {
            None
        }
    });
    match checked {
        Ok(Some(token)) => contact_page(&token, &ContactForm::default(), None),
        Ok(None) => see_other("/proofup.aspx"),
        Err(resp) => resp,
    }
}

/// Re-shows the current step (refresh, Back, or a bookmark of aka.ms/mfasetup).
async fn current(State(sim): State<AppState>, headers: HeaderMap) -> Response {
    let page = flow::with_flow(&sim, &headers, |f| {
        let token = f.token.expose().to_string();
        match &f.stage {
            Stage::ProofUpInterrupt => {
                interrupt_page(&token, f.upn.as_ref().map(|u| u.as_str()).unwrap_or(""))
            }
            Stage::ProofUpContact => contact_page(&token, &ContactForm::default(), None),
            Stage::ProofUpVerify(c) => verify_page(&sim, &token, c, None),
            Stage::ProofUpAppPassword(a) => app_password_page(&token, a),
            _ => see_other("/common/login"),
        }
    });
    page.unwrap_or_else(|e| e)
}

/// What was typed in Step 1, to show it again next to an error.
#[derive(Default)]
struct ContactForm {
    country: String,
    phone: String,
    method: String,
}

impl ContactForm {
    fn from(form: &FormFields) -> Self {
        let get = |k: &str| {
            form.get(k)
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        ContactForm {
            country: get("country"),
            phone: get("phone"),
            method: get("method"),
        }
    }

    /// The phone and method, or the message naming the field to fix.
    fn parse(&self, auth_method: &str) -> Result<(PhoneNumber, Method), String> {
        if auth_method != "AuthenticationPhone" {
            return Err(
                "Select \"Authentication phone\" under \"How should we contact you?\".".into(),
            );
        }
        let Some((_, _, cc)) = COUNTRIES.iter().find(|(v, _, _)| *v == self.country) else {
            return Err("Select your country or region.".into());
        };
        if self.phone.is_empty() {
            return Err("Enter your phone number.".into());
        }
        let phone = PhoneNumber::from_parts(cc, &self.phone)
            .map_err(|e| format!("The phone number isn't valid: {e}. Enter the number without the country code, e.g. 2065550101."))?;
        let method = match self.method.as_str() {
            "text" => Method::Text,
            "call" => Method::Call,
            _ => {
                return Err(
                    "Select a method: \"Send me a code by text message\" or \"Call me\".".into(),
                )
            }
        };
        Ok((phone, method))
    }
}

/// Step 1's Next: check the phone, then text or call it (Step 2).
async fn contact(
    State(sim): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<FormFields>,
) -> Response {
    let checked = with_checked_flow(&sim, &headers, &form, |f| match f.stage {
        Stage::ProofUpContact => Some((f.token.expose().to_string(), f.upn.clone()?)),
        _ => None,
    });
    let (token, upn) = match checked {
        Ok(Some(v)) => v,
        Ok(None) => return see_other("/proofup.aspx"),
        Err(resp) => return resp,
    };
    let typed = ContactForm::from(&form);
    let auth_method = form.get("authMethod").map(String::as_str).unwrap_or("");
    let (phone, method) = match typed.parse(auth_method) {
        Ok(v) => v,
        Err(message) => return contact_page(&token, &typed, Some(&message)),
    };
    let registration = Registration { method, phone };
    send_step2(&sim, &headers, &token, &upn, &registration, |s| {
        matches!(s, Stage::ProofUpContact)
    })
    .await
}

/// Texts or calls the phone and shows Step 2 (or why it failed).
async fn send_step2(
    sim: &AppState,
    headers: &HeaderMap,
    token: &str,
    upn: &docproof_contract::domain::Upn,
    registration: &Registration,
    expected: impl FnOnce(&Stage) -> bool,
) -> Response {
    let render = |c: &Challenge, failure: Option<&VerifyFailure>| match failure {
        Some(f) => send_failed(token, f),
        None => verify_page(sim, token, c, None),
    };
    sas::send_and_settle(
        sim,
        headers,
        upn,
        registration,
        expected,
        render,
        Stage::ProofUpVerify,
    )
    .await
}

/// Step 2's Verify (a code), or the call-wait re-check.
async fn verify(
    State(sim): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<FormFields>,
) -> Response {
    let settings = &sim.tenant.settings;
    let typed = form.get("otc").cloned().unwrap_or_default();
    let call = sas::current_call_outcome(&sim, &headers);
    let outcome = with_checked_flow(&sim, &headers, &form, |f| {
        let token = f.token.expose().to_string();
        let Stage::ProofUpVerify(c) = &mut f.stage else {
            return Err(see_other("/proofup.aspx"));
        };
        match sas::check_challenge(c, &typed, settings, &call) {
            ChallengeCheck::Passed => Ok((token, f.upn.clone(), c.registration())),
            ChallengeCheck::Rejected(message) => Err(verify_page(&sim, &token, c, Some(&message))),
            ChallengeCheck::Fraud => Err(sas::blocked_page()),
            ChallengeCheck::Ringing => Err(verify_page(
                &sim,
                &token,
                c,
                Some(sas::CALL_NOT_ANSWERED_YET),
            )),
            ChallengeCheck::CallOver => {
                Err(sas::call_timed_out_page(&token, "/proofup.aspx/resend"))
            }
        }
    });
    let (token, upn, registration) = match outcome {
        Ok(Ok((token, Some(upn), registration))) => (token, upn, registration),
        Ok(Ok(_)) => return flow::bad_flow(),
        Ok(Err(page)) | Err(page) => return page,
    };
    let Some(app_password) = sim.tenant.complete_registration(&upn, registration) else {
        return flow::bad_flow();
    };
    let page = app_password_page(&token, &app_password);
    match flow::settle(
        &sim,
        &headers,
        &upn,
        |s| matches!(s, Stage::ProofUpVerify(_)),
        Stage::ProofUpAppPassword(app_password),
    ) {
        Ok(()) => page,
        Err(refused) => refused,
    }
}

/// Step 2's "Send a new code" / "Call again" / "Retry" after a failure.
async fn resend(
    State(sim): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<FormFields>,
) -> Response {
    let at_step2 = |s: &Stage| matches!(s, Stage::ProofUpVerify(_));
    let (token, upn, registration) = match sas::resend_target(&sim, &headers, &form, at_step2) {
        Ok(Some(v)) => v,
        Ok(None) => return see_other("/proofup.aspx"),
        Err(resp) => return resp,
    };
    send_step2(&sim, &headers, &token, &upn, &registration, at_step2).await
}

/// Back from Step 2 to Step 1 (e.g. to correct the number).
async fn back(
    State(sim): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<FormFields>,
) -> Response {
    let checked = with_checked_flow(&sim, &headers, &form, |f| {
        if matches!(f.stage, Stage::ProofUpVerify(_)) {
            f.stage = Stage::ProofUpContact;
        }
        f.token.expose().to_string()
    });
    match checked {
        Ok(token) => contact_page(&token, &ContactForm::default(), None),
        Err(resp) => resp,
    }
}

/// Step 3's Done: signed in, on to OWA.
async fn done(
    State(sim): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<FormFields>,
) -> Response {
    let checked = with_checked_flow(&sim, &headers, &form, |f| match f.stage {
        Stage::ProofUpAppPassword(_) => Some((f.id.clone(), f.upn.clone()?, f.return_to.clone())),
        _ => None,
    });
    match checked {
        Ok(Some((id, upn, return_to))) => flow::finish_sign_in(&sim, &id, &upn, &return_to),
        Ok(None) => see_other("/proofup.aspx"),
        Err(resp) => resp,
    }
}

fn proofup_page(step_title: &str, body: &str) -> Response {
    sign_in_page(
        PAGE_TITLE,
        &format!(
            r#"<div role="heading" aria-level="1" class="title" id="tfa_title">{PAGE_TITLE}</div>
<div class="description">Secure your account by adding phone verification to your password.</div>
<div role="heading" aria-level="2" class="step" id="tfa_step">{}</div>
{body}"#,
            escape(step_title)
        ),
    )
}

fn contact_page(token: &str, typed: &ContactForm, error: Option<&str>) -> Response {
    let countries: String = COUNTRIES
        .iter()
        .map(|(value, label, _)| {
            let selected =
                if *value == typed.country || (typed.country.is_empty() && *value == "US") {
                    " selected"
                } else {
                    ""
                };
            format!(
                r#"<option value="{value}"{selected}>{}</option>"#,
                escape(label)
            )
        })
        .collect();
    let radio = |m: Method, value: &str| {
        let checked = if typed.method == value {
            " checked"
        } else {
            ""
        };
        format!(
            r#"<div class="radio"><input type="radio" name="method" id="tfa_method_{value}" value="{value}"{checked}><label for="tfa_method_{value}">{}</label></div>"#,
            m.label()
        )
    };
    let body = format!(
        r#"<form method="post" action="/proofup.aspx/contact" id="tfa_form_contact">
{error}
<label for="tfa_authmethod">How should we contact you?</label>
<select name="authMethod" id="tfa_authmethod">
<option value="AuthenticationPhone" selected>Authentication phone</option>
</select>
<label for="tfa_country">Country or region</label>
<select name="country" id="tfa_country">{countries}</select>
<label for="tfa_phone">Phone number</label>
<input type="tel" name="phone" id="tfa_phone" value="{phone}" autocomplete="tel-national">
<fieldset><legend>Method</legend>
{text}{call}
</fieldset>
{fields}
<div class="buttons"><input type="submit" id="tfa_next" class="button primary" value="Next"></div>
<p class="description">Your phone numbers will only be used for account security. Standard telephone and SMS charges will apply.</p>
</form>"#,
        error = error_div("tfa_error", error),
        phone = escape(&typed.phone),
        text = radio(Method::Text, "text"),
        call = radio(Method::Call, "call"),
        fields = token_fields(token),
    );
    proofup_page("Step 1: How should we contact you?", &body)
}

fn verify_page(sim: &AppState, token: &str, c: &Challenge, error: Option<&str>) -> Response {
    let fields = token_fields(token);
    let back = format!(
        r#"<form method="post" action="/proofup.aspx/back">{fields}<button type="submit" id="tfa_back" class="button secondary">Back</button></form>"#
    );
    match c.method {
        Method::Text => {
            let body = format!(
                r#"<form method="post" action="/proofup.aspx/verify" id="tfa_form_verify">
{error}
<label for="tfa_code">Enter the verification code</label>
<input type="tel" name="otc" id="tfa_code" maxlength="6" inputmode="numeric" autocomplete="one-time-code">
{fields}
<div class="buttons"><input type="submit" id="tfa_verify" class="button primary" value="Verify"></div>
</form>
<form method="post" action="/proofup.aspx/resend">{fields}<button type="submit" id="tfa_resend" class="linkbutton">Send a new code</button></form>
{back}"#,
                error = error_div("tfa_code_error", error),
            );
            proofup_page(
                &format!(
                    "Step 2: We've sent a text message to your phone at {}",
                    c.phone
                ),
                &body,
            )
        }
        Method::Call => {
            let body = format!(
                r#"<div class="description" id="tfa_call_description">Answer the call and press the pound key (#) to continue. This page moves on by itself once you have.</div>
{error}
<form method="post" action="/proofup.aspx/verify" id="idForm_SAOTCAS_Check">
{fields}
<div class="buttons"><input type="submit" id="tfa_verify" class="button primary" value="I answered the call, continue"></div>
</form>
<form method="post" action="/proofup.aspx/resend">{fields}<button type="submit" id="tfa_resend" class="linkbutton">Call again</button></form>
{back}
{script}"#,
                error = error_div("tfa_code_error", error),
                script = sas::call_poll_script(sim),
            );
            proofup_page(
                &format!("Step 2: We're calling your phone at {}", c.phone),
                &body,
            )
        }
    }
}

fn send_failed(token: &str, failure: &VerifyFailure) -> Response {
    sas::send_failed_page(token, failure, "/proofup.aspx/resend")
}

fn app_password_page(token: &str, app_password: &AppPassword) -> Response {
    let body = format!(
        r#"<p class="description">In some apps, like Outlook, Apple Mail, and Microsoft Office on a phone or tablet, you can't use your phone to secure your account. To use these apps, you'll need to create a new "app password" to use in place of your work or school account password.</p>
<p class="description">Get started with this app password:</p>
<div class="app-password" id="tfa_app_password" aria-label="App password">{password}</div>
<button type="button" id="tfa_copy" class="linkbutton" onclick="navigator.clipboard&&navigator.clipboard.writeText(document.getElementById('tfa_app_password').textContent)">Copy password to clipboard</button>
<form method="post" action="/proofup.aspx/done">
{fields}
<div class="buttons"><input type="submit" id="tfa_done" class="button primary" value="Done"></div>
</form>"#,
        password = escape(app_password.expose()),
        fields = token_fields(token),
    );
    proofup_page("Step 3: Keep using your existing applications", &body)
}
