//! Answering a call the Twilio way: fetch its TwiML, listen, press keys on
//! the `<Gather>`, listen again; or let it ring out.

use super::provider::TelephonyProvider;
use super::{excerpt, Asking, CallAnswer, PhoneError, PlacedCall};
use docproof_contract::twilio;
use docproof_contract::twiml::{self, Ending, Heard, Node};

/// `<Redirect>`s followed in a row before the phone gives up.
const MAX_REDIRECTS: usize = 10;

/// A TwiML document the phone fetched: its URL and verbs.
struct Document {
    url: String,
    verbs: Vec<Node>,
    /// The document as received, for error messages.
    raw: String,
}

impl TelephonyProvider {
    /// Answers `call`: fetches its TwiML (as Twilio does, with `CallSid`,
    /// `CallStatus=in-progress`, `From`, `To`), collects what it says up to
    /// the keypad prompt, presses `keys` (posted as one `Digits` value; keys
    /// from the gather's `finishOnKey` on are not sent, as on Twilio; no
    /// keys = silence), and collects what the call says next.
    pub async fn answer(&self, call: &PlacedCall, keys: &str) -> Result<CallAnswer, PhoneError> {
        check_keys(keys)?;
        let mut said = Vec::new();
        let doc = self
            .fetch(call, &call.twiml_url, &call.method, None)
            .await?;
        let (ending, doc) = self.play_through(call, doc, &mut said).await?;
        let Ending::Gather(gather) = ending else {
            return Err(PhoneError::NoGather {
                url: doc.url,
                received: excerpt(&doc.raw),
            });
        };
        let mut answer = self.press_on(call, gather, doc.url, keys).await?;
        answer.said = said;
        Ok(answer)
    }

    /// Presses `keys` on a call still on the line that asked again
    /// ([`CallAnswer::asking`]), as a person keeps listening: the keys go
    /// to the `<Gather>` the call is waiting on, not to a new answer.
    pub async fn press(
        &self,
        call: &PlacedCall,
        asking: &Asking,
        keys: &str,
    ) -> Result<CallAnswer, PhoneError> {
        check_keys(keys)?;
        self.press_on(call, asking.gather.clone(), asking.url.clone(), keys)
            .await
    }

    /// Presses `keys` on `gather` (in the document at `url`) and collects
    /// what the call says next.
    async fn press_on(
        &self,
        call: &PlacedCall,
        gather: twiml::Gather,
        url: String,
        keys: &str,
    ) -> Result<CallAnswer, PhoneError> {
        let mut answer = CallAnswer::default();
        let digits = gather.digits(keys);
        let next = if digits.is_empty() {
            // No key: Twilio plays what follows the <Gather>.
            Document {
                url,
                verbs: gather.rest,
                raw: String::new(),
            }
        } else {
            self.fetch(call, &gather.action, &gather.method, Some(digits))
                .await?
        };
        match self
            .play_through(call, next, &mut answer.after_keys)
            .await?
        {
            (Ending::Gather(again), doc) => {
                answer.gathers_again = true;
                answer.asking = Some(Asking {
                    gather: again,
                    url: doc.url,
                });
            }
            _ => answer.hung_up = true,
        }
        Ok(answer)
    }

    /// Reports `call` as rung out: posts `CallStatus=no-answer` (with
    /// `CallSid`, `From`, `To`) to its `StatusCallback`, as Twilio does.
    pub async fn let_ring_out(&self, call: &PlacedCall) -> Result<(), PhoneError> {
        let Some(url) = &call.status_callback else {
            return Err(PhoneError::NoStatusCallback {
                to: call.to.clone(),
                sid: call.sid.clone(),
            });
        };
        let mut form = call_params(call, "no-answer");
        form.push(("CallDuration", "0".to_string()));
        let resp = self.http.post(url).form(&form).send().await.map_err(|e| {
            PhoneError::CallbackUnreachable {
                url: url.clone(),
                error: e.without_url().to_string(),
            }
        })?;
        let status = resp.status();
        if !status.is_success() {
            return Err(PhoneError::CallbackStatus {
                url: url.clone(),
                status: status.as_u16(),
                received: excerpt(&resp.text().await.unwrap_or_default()),
            });
        }
        Ok(())
    }

    /// Plays `doc`, following `<Redirect>`s; returns how it ended and the
    /// document it ended in (its verbs consumed).
    async fn play_through(
        &self,
        call: &PlacedCall,
        mut doc: Document,
        said: &mut Vec<String>,
    ) -> Result<(Ending, Document), PhoneError> {
        for _ in 0..=MAX_REDIRECTS {
            let ending = twiml::play(&doc.verbs, &doc.url, |heard| {
                if let Heard::Said(text) = heard {
                    said.push(text);
                }
            });
            match ending {
                Ending::Redirect { url, method } => {
                    doc = self.fetch(call, &url, &method, None).await?;
                }
                ending => return Ok((ending, doc)),
            }
        }
        Err(PhoneError::TooManyRedirects {
            url: doc.url,
            hops: MAX_REDIRECTS,
        })
    }

    /// Fetches TwiML at `url` the way Twilio does: `GET` with the call's
    /// parameters in the query, anything else as a form post.
    async fn fetch(
        &self,
        call: &PlacedCall,
        url: &str,
        method: &str,
        digits: Option<&str>,
    ) -> Result<Document, PhoneError> {
        let mut params = call_params(call, "in-progress");
        if let Some(d) = digits {
            params.push(("Digits", d.to_string()));
        }
        let request = if method.eq_ignore_ascii_case("GET") {
            self.http.get(url).query(&params)
        } else {
            self.http.post(url).form(&params)
        };
        let resp = request
            .send()
            .await
            .map_err(|e| PhoneError::TwimlUnreachable {
                url: url.to_string(),
                error: e.without_url().to_string(),
            })?;
        let status = resp.status();
        let body = resp
            .text()
            .await
            .map_err(|e| PhoneError::TwimlUnreachable {
                url: url.to_string(),
                error: e.without_url().to_string(),
            })?;
        if !status.is_success() {
            return Err(PhoneError::TwimlStatus {
                url: url.to_string(),
                status: status.as_u16(),
                received: excerpt(&body),
            });
        }
        let verbs = twiml::parse(&body).map_err(|problem| PhoneError::NotTwiml {
            url: url.to_string(),
            problem,
            received: excerpt(&body),
        })?;
        Ok(Document {
            url: url.to_string(),
            verbs,
            raw: body,
        })
    }
}

/// A keypad has 0–9, `*` and `#`.
fn check_keys(keys: &str) -> Result<(), PhoneError> {
    if keys.chars().all(twiml::is_key) {
        Ok(())
    } else {
        Err(PhoneError::BadKeys {
            keys: keys.to_string(),
        })
    }
}

/// The parameters Twilio sends with every request about a call, with the
/// call's `CallStatus`.
fn call_params(call: &PlacedCall, status: &str) -> Vec<(&'static str, String)> {
    twilio::call_params(
        &call.sid,
        &call.account_sid,
        &call.from,
        &call.to,
        [("CallStatus", status.to_string())],
    )
}
