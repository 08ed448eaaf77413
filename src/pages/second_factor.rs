//! The sign-in's second factor for a registered user: "Enter code" (SAOTCC),
//! "Answer the call" (SAOTCAS) and the failure pages (SAASTO, SAASDS).

use const_format::concatcp;
use docproof_contract::ids::sas as ids;

pub const CODE_TITLE: &str = ids::idDiv_SAOTCC_Title.css;
/// "We texted your phone +X XXXXXXXX01. Please enter the code to sign in."
pub const CODE_DESCRIPTION: &str = ids::idDiv_SAOTCC_Description.css;
pub const CODE: &str = ids::otc.css;
pub const VERIFY: &str = ids::idSubmit_SAOTCC_Continue.css;
pub const CODE_ERROR: &str = ids::idSpan_SAOTCC_Error_OTC.css;
pub const REMEMBER: &str = ids::idChkBx_SAOTCC_TD.css;
pub const RESEND: &str = ids::idA_SAOTCC_Resend.css;

pub const CALL_TITLE: &str = ids::idDiv_SAOTCAS_Title.css;
pub const CALL_DESCRIPTION: &str = ids::idDiv_SAOTCAS_Description.css;
/// The no-script "I answered the call, continue" button of the call-wait
/// form, on sign-in and proof-up alike; with scripts the page submits the
/// form itself once the call is over.
pub const CALL_CONTINUE: &str = concatcp!(ids::idForm_SAOTCAS_Check.css, " [type=submit]");

pub const TIMED_OUT: &str = ids::idDiv_SAASTO_Description.css;
pub const TIMED_OUT_RETRY: &str = ids::idSubmit_SAASTO_Retry.css;
pub const SEND_FAILED_TITLE: &str = ids::idDiv_SAASDS_Title.css;
pub const SEND_FAILED: &str = ids::idDiv_SAASDS_Description.css;
pub const SEND_FAILED_RETRY: &str = ids::idSubmit_SAASDS_Retry.css;

/// What the failure pages say, in Microsoft's words. Several failures share
/// one page and its ids (a text not sent, a call not placed, a blocked
/// sign-in), so the words are what tell a person which one it is.
pub const SAYS_TEXT_NOT_SENT: &str = "couldn't send a text message";
pub const SAYS_CALL_NOT_ANSWERED: &str = "wasn't answered";

/// Whether `page` (a failure page's title and description) says `words`,
/// whatever the case or the apostrophe (Microsoft writes ’ as well as ').
pub fn says(page: &str, words: &str) -> bool {
    let plain = |s: &str| s.replace('\u{2019}', "'").to_lowercase();
    plain(page).contains(&plain(words))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_is_told_by_its_words() {
        let text = "We couldn’t send a text message. We couldn't send a text message to your phone. Please try again.";
        let call = "We couldn't call your phone. Please try again.";
        let blocked = "Your sign-in was blocked. A fraud alert was reported from your phone for this account.";
        let timed_out = "We didn't hear from you. We called your phone but didn't receive the expected response. The call wasn't answered, or the pound key (#) wasn't pressed.";
        assert!(says(text, SAYS_TEXT_NOT_SENT));
        assert!(!says(call, SAYS_TEXT_NOT_SENT));
        assert!(!says(blocked, SAYS_TEXT_NOT_SENT));
        assert!(says(timed_out, SAYS_CALL_NOT_ANSWERED));
        assert!(!says(blocked, SAYS_CALL_NOT_ANSWERED));
    }
}
