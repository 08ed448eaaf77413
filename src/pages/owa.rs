//! Outlook on the web, where a signed-in user lands.

pub const SIGNED_IN_AS: &str = "#owa_user";
pub const SIGN_OUT: &str = "#owa_signout";
pub const SIGNED_OUT: &str = "#owa_signedout";
