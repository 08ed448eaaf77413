//! "Additional security verification" (aka.ms/mfasetup): Step 1 contact
//! method, Step 2 verify, Step 3 app password (FAQ 3.1.3–3.1.4, 3.2.3–3.2.4).

use const_format::concatcp;
use docproof_contract::ids::proof_up as ids;

pub const TITLE: &str = ids::TITLE.css;
/// "Step 1: How should we contact you?" and so on.
pub const STEP: &str = ids::STEP.css;
pub const CONTACT_METHOD: &str = ids::CONTACT_METHOD.css;
pub const COUNTRY: &str = ids::COUNTRY.css;
/// The choices of "Country or region", e.g. "United States (+1)".
pub const COUNTRY_OPTIONS: &str = concatcp!(ids::COUNTRY.css, " option");
pub const PHONE: &str = ids::PHONE.css;
pub const METHOD_TEXT: &str = ids::METHOD_TEXT.css;
pub const METHOD_CALL: &str = ids::METHOD_CALL.css;
pub const NEXT: &str = ids::NEXT.css;
pub const ERROR: &str = ids::ERROR.css;
pub const CODE: &str = ids::CODE.css;
pub const VERIFY: &str = ids::VERIFY.css;
pub const CODE_ERROR: &str = ids::CODE_ERROR.css;
pub const RESEND: &str = ids::RESEND.css;
pub const CALL_DESCRIPTION: &str = ids::CALL_DESCRIPTION.css;
pub const APP_PASSWORD: &str = ids::APP_PASSWORD.css;
pub const DONE: &str = ids::DONE.css;

/// The visible label of a method radio button (`#tfa_method_text` →
/// `label[for='tfa_method_text']`).
pub fn label_of(radio: &str) -> String {
    format!("label[for='{}']", radio.trim_start_matches('#'))
}

/// The label of a method radio button, by the FAQ's name for it.
pub fn method_radio(method: &str) -> Option<&'static str> {
    match method.to_ascii_lowercase().as_str() {
        "send me a code by text message" | "text" | "text message" => Some(METHOD_TEXT),
        "call me" | "call" | "phone call" => Some(METHOD_CALL),
        _ => None,
    }
}
