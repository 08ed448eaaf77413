//! Outlook on the web, where a signed-in user lands.

use docproof_contract::ids::owa as ids;

pub const SIGNED_IN_AS: &str = ids::USER.css;
pub const SIGN_OUT: &str = ids::SIGN_OUT.css;
pub const SIGNED_OUT: &str = ids::SIGNED_OUT.css;
