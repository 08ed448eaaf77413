//! "Additional security verification" (aka.ms/mfasetup): Step 1 contact
//! method, Step 2 verify, Step 3 app password (FAQ 3.1.3–3.1.4, 3.2.3–3.2.4).

pub const TITLE: &str = "#tfa_title";
/// "Step 1: How should we contact you?" and so on.
pub const STEP: &str = "#tfa_step";
pub const CONTACT_METHOD: &str = "#tfa_authmethod";
pub const COUNTRY: &str = "#tfa_country";
/// The choices of "Country or region", e.g. "United States (+1)".
pub const COUNTRY_OPTIONS: &str = "#tfa_country option";
pub const PHONE: &str = "#tfa_phone";
pub const METHOD_TEXT: &str = "#tfa_method_text";
pub const METHOD_CALL: &str = "#tfa_method_call";
pub const NEXT: &str = "#tfa_next";
pub const ERROR: &str = "#tfa_error";
pub const CODE: &str = "#tfa_code";
pub const VERIFY: &str = "#tfa_verify";
pub const CODE_ERROR: &str = "#tfa_code_error";
pub const RESEND: &str = "#tfa_resend";
pub const CALL_DESCRIPTION: &str = "#tfa_call_description";
pub const APP_PASSWORD: &str = "#tfa_app_password";
pub const DONE: &str = "#tfa_done";

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
