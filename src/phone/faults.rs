//! docproof's fault switches on the provider (not Twilio's API: see
//! `docproof_contract::twilio::faults`): refuse or slow down the texts and
//! calls the tenant sends, until switched off again.

use super::api::Api;
use super::PhoneError;
use docproof_contract::twilio::faults::{self, Fault, Resource};
use reqwest::Method;
use std::time::Duration;

/// The fault switches of the provider a [`super::Phone`] talks to.
pub struct FaultSwitches<'p> {
    api: &'p Api,
}

impl<'p> FaultSwitches<'p> {
    pub(super) fn new(api: &'p Api) -> FaultSwitches<'p> {
        FaultSwitches { api }
    }

    /// Sets the fault for sending texts (`Messages`) or placing calls
    /// (`Calls`); it replaces the one set before.
    pub async fn set(&self, resource: Resource, fault: Fault) -> Result<(), PhoneError> {
        let what = format!("switch the fault on {}", resource.as_str());
        let body = fault.request(resource);
        self.api
            .control(&what, Method::POST, faults::PATH, Some(&body))
            .await
            .map(drop)
    }

    /// Every text is refused with HTTP `status` (Twilio's error JSON) and
    /// not sent, until [`Self::recover`].
    pub async fn fail_texts(&self, status: u16) -> Result<(), PhoneError> {
        self.set(Resource::Messages, Fault::Refuse(status)).await
    }

    /// Every call is refused with HTTP `status` and not placed, until
    /// [`Self::recover`].
    pub async fn fail_calls(&self, status: u16) -> Result<(), PhoneError> {
        self.set(Resource::Calls, Fault::Refuse(status)).await
    }

    /// Texts are accepted, but answered only after `by`; each is sent once
    /// its answer goes out, even if the tenant gave up waiting.
    pub async fn delay_texts(&self, by: Duration) -> Result<(), PhoneError> {
        self.set(Resource::Messages, Fault::Delay(by)).await
    }

    /// Calls are accepted, but answered only after `by`.
    pub async fn delay_calls(&self, by: Duration) -> Result<(), PhoneError> {
        self.set(Resource::Calls, Fault::Delay(by)).await
    }

    /// Switches every fault off: texts and calls go out at once again (a
    /// delayed answer already under way still comes late).
    pub async fn recover(&self) -> Result<(), PhoneError> {
        self.api
            .control("switch the faults off", Method::DELETE, faults::PATH, None)
            .await
            .map(drop)
    }
}
