//! The sign-in's second factor for a registered user: "Enter code" (SAOTCC),
//! "Answer the call" (SAOTCAS) and the failure pages (SAASTO, SAASDS).

pub const CODE_TITLE: &str = "#idDiv_SAOTCC_Title";
/// "We texted your phone +X XXXXXXXX01. Please enter the code to sign in."
pub const CODE_DESCRIPTION: &str = "#idDiv_SAOTCC_Description";
pub const CODE: &str = "input[name=otc]";
pub const VERIFY: &str = "#idSubmit_SAOTCC_Continue";
pub const CODE_ERROR: &str = "#idSpan_SAOTCC_Error_OTC";
pub const REMEMBER: &str = "#idChkBx_SAOTCC_TD";
pub const RESEND: &str = "#idA_SAOTCC_Resend";

pub const CALL_TITLE: &str = "#idDiv_SAOTCAS_Title";
pub const CALL_DESCRIPTION: &str = "#idDiv_SAOTCAS_Description";
/// The no-script "I answered the call, continue" button of the call-wait
/// form, on sign-in and proof-up alike; with scripts the page submits the
/// form itself once the call is over.
pub const CALL_CONTINUE: &str = "#idForm_SAOTCAS_Check [type=submit]";

pub const TIMED_OUT: &str = "#idDiv_SAASTO_Description";
pub const TIMED_OUT_RETRY: &str = "#idSubmit_SAASTO_Retry";
pub const SEND_FAILED_TITLE: &str = "#idDiv_SAASDS_Title";
pub const SEND_FAILED: &str = "#idDiv_SAASDS_Description";
pub const SEND_FAILED_RETRY: &str = "#idSubmit_SAASDS_Retry";
