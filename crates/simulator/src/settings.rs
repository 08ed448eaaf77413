//! Tunables of the simulated service. Defaults follow Microsoft where known
//! (m365-contract.md); values Microsoft does not publish are marked so.

use docproof_contract::profile::Profile;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Settings {
    /// Which service is played: the FAQ's (default) or today's. Chosen at
    /// start-up; it picks pages and rules, never a handler's branch.
    pub profile: Profile,
    /// How long a texted code stays valid. Microsoft does not publish it
    /// (unconfirmed); 10 minutes is a conservative choice.
    pub code_lifetime: Duration,
    /// Wrong codes accepted before the code is void and a new one is needed.
    pub max_code_attempts: u32,
    /// Texts and calls one user may trigger within `telecom_window`
    /// before AADSTS50088 ("Limit on telecom MFA calls reached").
    pub telecom_limit: u32,
    pub telecom_window: Duration,
    /// An unanswered call fails after this long (Microsoft: 120 s polling timeout).
    pub call_timeout: Duration,
    /// How often the call-wait page polls (Microsoft: `iPollingInterval` 5 s).
    pub poll_interval: Duration,
    /// "Don't ask again for 14 days" on the Enter code page.
    pub remember_mfa_for: Duration,
    /// FAQ 4.1: how long a change takes to reach sign-in and basic auth.
    pub propagation_delay: Duration,
    /// Random extra delay in [0, jitter) added to each change.
    pub propagation_jitter: Duration,
    pub telephony: TelephonySettings,
    /// How long smart lockout keeps an account locked after
    /// `state::LOCKOUT_THRESHOLD` wrong passwords (Microsoft: 60 s).
    pub lockout_duration: Duration,
    /// Hosts besides the tenant's own that the virtual carrier fetches
    /// TwiML from and posts status callbacks to (`carrier::hosts`).
    pub carrier_fetch_hosts: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct TelephonySettings {
    /// Base URL of a Twilio-compatible API; `None` = the embedded virtual
    /// carrier at `{tenant}/carrier`.
    pub base_url: Option<String>,
    pub account_sid: String,
    pub auth_token: docproof_contract::domain::Secret,
    /// The number texts and calls come from.
    pub from: String,
    /// A provider slower than this counts as an outage.
    pub request_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            profile: Profile::default(),
            code_lifetime: Duration::from_secs(600),
            max_code_attempts: 3,
            telecom_limit: 10,
            telecom_window: Duration::from_secs(300),
            call_timeout: Duration::from_secs(120),
            poll_interval: Duration::from_secs(1),
            remember_mfa_for: Duration::from_secs(14 * 24 * 3600),
            propagation_delay: Duration::ZERO,
            propagation_jitter: Duration::ZERO,
            telephony: TelephonySettings::default(),
            lockout_duration: Duration::from_secs(60),
            carrier_fetch_hosts: ["127.0.0.1", "localhost", "[::1]"]
                .map(String::from)
                .to_vec(),
        }
    }
}

impl Default for TelephonySettings {
    fn default() -> Self {
        TelephonySettings {
            base_url: None,
            account_sid: "AC00000000000000000000000000000001".into(),
            auth_token: docproof_contract::domain::Secret::new("docproof-carrier-token"),
            from: "+1 4255550100".into(),
            request_timeout: Duration::from_secs(5),
        }
    }
}
