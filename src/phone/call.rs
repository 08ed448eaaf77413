//! Acting on a call the way Twilio's API allows: keys are touch tones the
//! phone's leg plays (`Twiml=<Response><Play digits="…"/></Response>` on
//! "update a call"), hanging up is `Status=completed`; and, as docproof's
//! control, letting a ringing call ring out now. What the call said comes
//! from the `docproof` field of the Call resource.

use super::{CallAnswer, Phone};
use super::{PhoneError, PlacedCall};
use docproof_contract::twilio::{self, call_is_over, CallExtension, CallLine};
use docproof_contract::twiml;
use reqwest::Method;
use serde_json::Value;
use std::time::{Duration, Instant};

/// How long an update may take to play out before the phone gives up: a
/// call's instructions are fetched over HTTP, each within the carrier's
/// own time limit.
const SETTLE: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(25);

/// A call as the provider reports it: Twilio's status and docproof's field.
struct CallState {
    status: String,
    ext: CallExtension,
}

impl CallState {
    /// Waits for keys, or is over: nothing more happens by itself.
    fn settled(&self) -> bool {
        self.ext.waiting_for_keys || call_is_over(&self.status)
    }
}

impl Phone {
    /// Answers the ringing `call` and presses `keys` once it asks for them
    /// (one by one, as a person would; Twilio's `finishOnKey` rules apply
    /// on the provider's side). Returns what the call said before and
    /// after the keys.
    pub async fn answer(&self, call: &PlacedCall, keys: &str) -> Result<CallAnswer, PhoneError> {
        check_keys(keys)?;
        let before = self.state(call).await?;
        if !matches!(before.status.as_str(), "queued" | "ringing") {
            return Err(PhoneError::NotRinging {
                to: call.to.clone(),
                sid: call.sid.clone(),
                status: before.status,
            });
        }
        self.play_keys(call, before.ext.heard.len(), keys).await
    }

    /// Presses `keys` on `call`, which is on the line and asked for keys
    /// again ([`CallAnswer::waiting_for_keys`]).
    pub async fn press(&self, call: &PlacedCall, keys: &str) -> Result<CallAnswer, PhoneError> {
        check_keys(keys)?;
        let before = self.state(call).await?;
        if !before.ext.waiting_for_keys {
            return Err(PhoneError::NotWaiting {
                to: call.to.clone(),
                sid: call.sid.clone(),
                status: before.status,
            });
        }
        self.play_keys(call, before.ext.heard.len(), keys).await
    }

    /// Hangs up `call` (`Status=completed`).
    pub async fn hang_up(&self, call: &PlacedCall) -> Result<(), PhoneError> {
        self.api
            .update_call("hang up the call", &call.sid, &[("Status", "completed")])
            .await
            .map(drop)
    }

    /// Lets the ringing `call` ring out now, as if nobody answered within
    /// its `Timeout` (docproof's ring-out control): the provider reports
    /// `no-answer` to the call's `StatusCallback` before this returns.
    pub async fn let_ring_out(&self, call: &PlacedCall) -> Result<(), PhoneError> {
        let path = twilio::ring_out_path(&call.sid);
        let rang_out = self
            .api
            .control("let the call ring out", Method::POST, &path, None)
            .await?;
        match rang_out["status"].as_str() {
            Some("no-answer") => Ok(()),
            other => Err(PhoneError::DidNotRingOut {
                to: call.to.clone(),
                sid: call.sid.clone(),
                status: other.unwrap_or("without a status").to_string(),
            }),
        }
    }

    /// Sends `keys` as the phone's touch tones and reads what happened
    /// after the first `seen` lines of the call.
    async fn play_keys(
        &self,
        call: &PlacedCall,
        seen: usize,
        keys: &str,
    ) -> Result<CallAnswer, PhoneError> {
        let updated = self
            .api
            .update_call("press keys", &call.sid, &[("Twiml", &twiml::keypad(keys))])
            .await?;
        let state = self.settle(call, updated).await?;
        let new = state.ext.heard.get(seen..).unwrap_or_default();
        if let Some(error) = new.iter().find_map(|l| match l {
            CallLine::Error(e) => Some(e.clone()),
            _ => None,
        }) {
            return Err(PhoneError::CallFailed {
                to: call.to.clone(),
                sid: call.sid.clone(),
                error,
            });
        }
        let said = |lines: &[CallLine]| -> Vec<String> {
            lines
                .iter()
                .filter_map(|l| match l {
                    CallLine::Said(s) => Some(s.clone()),
                    _ => None,
                })
                .collect()
        };
        let Some(first_key) = new.iter().position(|l| matches!(l, CallLine::Pressed(_))) else {
            return Err(PhoneError::NoKeysAsked {
                to: call.to.clone(),
                sid: call.sid.clone(),
                said: said(new),
            });
        };
        Ok(CallAnswer {
            said: said(&new[..first_key]),
            after_keys: said(&new[first_key..]),
            hung_up: call_is_over(&state.status),
            waiting_for_keys: state.ext.waiting_for_keys,
        })
    }

    /// The call once the update has played out: asking for keys, or over.
    async fn settle(&self, call: &PlacedCall, updated: Value) -> Result<CallState, PhoneError> {
        let started = Instant::now();
        let mut state = self.read_state(&updated)?;
        while !state.settled() {
            if started.elapsed() >= SETTLE {
                return Err(PhoneError::StillPlaying {
                    to: call.to.clone(),
                    sid: call.sid.clone(),
                    waited: SETTLE,
                });
            }
            tokio::time::sleep(POLL).await;
            state = self.state(call).await?;
        }
        Ok(state)
    }

    async fn state(&self, call: &PlacedCall) -> Result<CallState, PhoneError> {
        let json = self.api.call(&call.sid).await?;
        self.read_state(&json)
    }

    fn read_state(&self, json: &Value) -> Result<CallState, PhoneError> {
        let ext = CallExtension::of(json).ok_or_else(|| PhoneError::CannotHear {
            base: self.base_url().to_string(),
        })?;
        Ok(CallState {
            status: json["status"].as_str().unwrap_or_default().to_string(),
            ext,
        })
    }
}

/// A keypad has 0–9, `*` and `#`, and a press needs at least one.
fn check_keys(keys: &str) -> Result<(), PhoneError> {
    if !keys.is_empty() && keys.chars().all(twiml::is_key) {
        Ok(())
    } else {
        Err(PhoneError::BadKeys {
            keys: keys.to_string(),
        })
    }
}
