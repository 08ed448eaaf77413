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
