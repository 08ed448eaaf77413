//! Today's combined registration, "Keep your account secure": Install
//! Microsoft Authenticator → "I want to set up a different method" →
//! Phone → "Receive a code" or "Call me" → the code → verified → Success!
//! → Done. It replaced "Additional security verification" in 2023; see
//! `docs/m365-today.md`.

use docproof_contract::ids::register as ids;

pub const TITLE: &str = ids::TITLE.css;
/// The wizard page's own heading: "Install Microsoft Authenticator",
/// "Phone", "Success!".
pub const HEADING: &str = ids::HEADING.css;
pub const DIFFERENT_METHOD: &str = ids::DIFFERENT_METHOD.css;
pub const METHOD_CHOICE: &str = ids::METHOD_CHOICE.css;
pub const CONFIRM: &str = ids::CONFIRM.css;
pub const COUNTRY: &str = ids::COUNTRY.css;
pub const COUNTRY_OPTIONS: &str = "#register-country option";
pub const PHONE: &str = ids::PHONE.css;
pub const RECEIVE_CODE: &str = ids::RECEIVE_CODE.css;
pub const CALL_ME: &str = ids::CALL_ME.css;
pub const CODE: &str = ids::CODE.css;
pub const ERROR: &str = ids::ERROR.css;
/// "SMS verified. Your phone was registered successfully." or "Call
/// answered. …".
pub const VERIFIED: &str = ids::VERIFIED.css;
pub const DEFAULT_METHOD: &str = ids::DEFAULT_METHOD.css;
pub const NEXT: &str = ids::NEXT.css;
pub const DONE: &str = ids::DONE.css;

/// The method a phone is registered with, in the "Choose a different
/// method" drop-down.
pub const PHONE_METHOD: &str = "Phone";

/// The Phone page's option for the FAQ's method ("Send me a code by text
/// message" is "Receive a code" today, "Call Me" is "Call me").
pub fn option_for(faq_method: &str) -> Option<&'static str> {
    match faq_method.to_ascii_lowercase().as_str() {
        "send me a code by text message" | "text" | "text message" => Some(RECEIVE_CODE),
        "call me" | "call" | "phone call" => Some(CALL_ME),
        _ => None,
    }
}
