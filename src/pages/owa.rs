//! Outlook on the web, where a signed-in user lands.

use crate::drive::{Driver, Result};

pub const SIGNED_IN_AS: &str = "#owa_user";
pub const SIGN_OUT: &str = "#owa_signout";
pub const SIGNED_OUT: &str = "#owa_signedout";

/// Who Outlook says is signed in, if Outlook is showing.
pub async fn signed_in_as(d: &mut dyn Driver) -> Result<Option<String>> {
    if d.is_visible(SIGNED_IN_AS).await? {
        Ok(Some(d.text(SIGNED_IN_AS).await?))
    } else {
        Ok(None)
    }
}
