//! The converged sign-in page ("Sign in", "Enter password", "Stay signed
//! in?") and the proof-up interrupt ("More information required").

use docproof_contract::ids::sign_in as ids;

use crate::drive::{Driver, Result};
use std::time::Duration;

pub const USERNAME: &str = ids::loginfmt.css;
pub const PASSWORD: &str = ids::passwd.css;
/// "Next", "Sign in" and "Yes" are all this one button.
pub const NEXT: &str = ids::idSIButton9.css;
pub const USERNAME_ERROR: &str = ids::usernameError.css;
pub const PASSWORD_ERROR: &str = ids::passwordError.css;
pub const KMSI: &str = ids::KmsiDescription.css;
/// "No" on "Stay signed in?".
pub const KMSI_NO: &str = ids::idBtn_Back.css;
pub const PROOF_UP_TITLE: &str = ids::idDiv_ProofUp_Title.css;
pub const PROOF_UP_NEXT: &str = ids::idSubmit_ProofUp_Redirect.css;

/// Types the account name and the password, as on Microsoft's two-page
/// sign-in. Stops on whatever page comes after the password.
pub async fn enter_credentials(
    d: &mut dyn Driver,
    upn: &str,
    password: &str,
    wait: Duration,
) -> Result<()> {
    d.wait_for(USERNAME, wait).await?;
    d.fill(USERNAME, upn).await?;
    d.click(NEXT).await?;
    d.wait_for(PASSWORD, wait).await?;
    d.fill(PASSWORD, password).await?;
    d.click(NEXT).await
}

/// Answers "Stay signed in?" with No, if the page asks.
pub async fn decline_stay_signed_in(d: &mut dyn Driver) -> Result<()> {
    if d.is_visible(KMSI).await? {
        d.click(KMSI_NO).await?;
    }
    Ok(())
}
