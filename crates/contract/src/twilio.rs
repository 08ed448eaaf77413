//! Twilio's REST API resources as JSON: a Message, a Call, a list page and
//! the error answer, under `/2010-04-01/Accounts/{AccountSid}`; and the few
//! things docproof adds to it, each marked as docproof's own:
//!
//! - [`CallExtension`]: one extra field, `docproof`, on a Call resource:
//!   what the phone at `To` heard and pressed, and whether the call waits
//!   for keys. Real Twilio has no way to tell what a call said.
//! - [`faults`]: a control resource outside Twilio's API that switches a
//!   provider's faults on and off (refused or slow texts and calls).
//!
//! Twilio's REST API is a public protocol, like TwiML (`twiml`): the
//! simulator's virtual carrier serves it, the tenant's telephony client and
//! the test's phone (`docproof::phone`) speak it, so they render and read
//! each resource here.

use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;

/// Where the simulator serves its embedded Twilio-compatible provider, the
/// virtual carrier: the provider's base URL is the tenant's address plus
/// this (`http://127.0.0.1:41234/carrier`), and Twilio's paths follow it.
pub const VIRTUAL_CARRIER: &str = "/carrier";

/// The REST API version in every path and resource.
/// A time as Twilio writes `date_created` and `date_updated` (RFC 2822,
/// UTC): `Wed, 02 Dec 2026 03:57:09 +0000`.
pub fn date(t: std::time::SystemTime) -> String {
    match jiff::Timestamp::try_from(t) {
        Ok(ts) => ts.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string(),
        Err(_) => String::new(),
    }
}

/// The REST API version in every path and resource.
/// At most `max` characters of an answer, on one line, for an error that
/// quotes what came back ("(empty)" for nothing).
pub fn excerpt(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None if flat.is_empty() => "(empty)".to_string(),
        None => flat,
    }
}

pub const API_VERSION: &str = "2010-04-01";

/// The account's resource path, which every resource `uri` starts with.
pub fn account_uri(account_sid: &str) -> String {
    format!("/{API_VERSION}/Accounts/{account_sid}")
}

/// The parameters Twilio sends with every request about a call (TwiML
/// fetches, status callbacks): `CallSid`, `AccountSid`, `From`, `To`, then
/// `extra` (what the sender adds, in order), then `Direction` and
/// `ApiVersion`.
pub fn call_params(
    sid: &str,
    account_sid: &str,
    from: &str,
    to: &str,
    extra: impl IntoIterator<Item = (&'static str, String)>,
) -> Vec<(&'static str, String)> {
    let mut params = vec![
        ("CallSid", sid.to_string()),
        ("AccountSid", account_sid.to_string()),
        ("From", from.to_string()),
        ("To", to.to_string()),
    ];
    params.extend(extra);
    params.push(("Direction", "outbound-api".to_string()));
    params.push(("ApiVersion", API_VERSION.to_string()));
    params
}

/// A new resource sid shaped like Twilio's: `prefix` (`SM`, `CA`) and 32
/// lowercase hex digits.
pub fn new_sid(prefix: &str) -> String {
    let mut rng = rand::rng();
    let mut s = String::from(prefix);
    for _ in 0..16 {
        s.push_str(&format!("{:02x}", rng.random::<u8>()));
    }
    s
}

/// Twilio counts 160 GSM characters per single segment, 153 when split;
/// 70 / 67 for anything outside ASCII (UCS-2).
pub fn num_segments(body: &str) -> usize {
    let n = body.chars().count();
    let (single, multi) = if body.is_ascii() {
        (160, 153)
    } else {
        (70, 67)
    };
    if n <= single {
        1
    } else {
        n.div_ceil(multi)
    }
}

/// Twilio's error answer; `more_info` points at the code's documentation.
pub fn error_json(status: u16, code: u32, message: &str) -> Value {
    json!({
        "code": code,
        "message": message,
        "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
        "status": status,
    })
}

/// An outbound Message resource (`Messages.json`). Dates are RFC 2822
/// strings, as Twilio writes them.
pub struct MessageResource<'a> {
    pub sid: &'a str,
    pub account_sid: &'a str,
    pub to: &'a str,
    pub from: &'a str,
    pub body: &'a str,
    /// `queued`, `sent`, `delivered`, …
    pub status: &'a str,
    pub date_created: &'a str,
    pub date_updated: &'a str,
    /// `None` (null) until the message is sent.
    pub date_sent: Option<&'a str>,
}

impl MessageResource<'_> {
    pub fn to_json(&self) -> Value {
        let uri = format!("{}/Messages/{}", account_uri(self.account_sid), self.sid);
        json!({
            "sid": self.sid,
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "to": self.to,
            "from": self.from,
            "body": self.body,
            "status": self.status,
            "direction": "outbound-api",
            "date_created": self.date_created,
            "date_updated": self.date_updated,
            "date_sent": self.date_sent,
            "error_code": null,
            "error_message": null,
            "num_segments": num_segments(self.body).to_string(),
            "num_media": "0",
            "price": null,
            "price_unit": "USD",
            "messaging_service_sid": null,
            "uri": format!("{uri}.json"),
            "subresource_uris": {
                "media": format!("{uri}/Media.json"),
            },
        })
    }
}

/// An outbound-api Call resource (`Calls.json`). Dates are RFC 2822
/// strings; `None` renders as null, as before the call starts or ends.
pub struct CallResource<'a> {
    pub sid: &'a str,
    pub account_sid: &'a str,
    pub to: &'a str,
    /// The number as shown to a person (Twilio: `(206) 555-0101`).
    pub to_formatted: &'a str,
    pub from: &'a str,
    pub from_formatted: &'a str,
    /// `queued`, `ringing`, `in-progress`, `completed`, `no-answer`, …
    pub status: &'a str,
    pub date_created: &'a str,
    pub date_updated: &'a str,
    pub start_time: Option<&'a str>,
    pub end_time: Option<&'a str>,
    /// Seconds from answer to end, once the call is over.
    pub duration_secs: Option<u64>,
}

impl CallResource<'_> {
    pub fn to_json(&self) -> Value {
        let uri = format!("{}/Calls/{}", account_uri(self.account_sid), self.sid);
        json!({
            "sid": self.sid,
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "to": self.to,
            "to_formatted": self.to_formatted,
            "from": self.from,
            "from_formatted": self.from_formatted,
            "status": self.status,
            "direction": "outbound-api",
            "date_created": self.date_created,
            "date_updated": self.date_updated,
            "start_time": self.start_time,
            "end_time": self.end_time,
            // Twilio sends the duration as a string.
            "duration": self.duration_secs.map(|d| d.to_string()),
            "price": null,
            "price_unit": "USD",
            "answered_by": null,
            "caller_name": null,
            "forwarded_from": null,
            "group_sid": null,
            "parent_call_sid": null,
            "phone_number_sid": null,
            "queue_time": "0",
            "trunk_sid": null,
            "uri": format!("{uri}.json"),
            "subresource_uris": {
                "notifications": format!("{uri}/Notifications.json"),
                "recordings": format!("{uri}/Recordings.json"),
            },
        })
    }
}

/// The name of docproof's own field on a Call resource (see
/// [`CallExtension`]). Not Twilio's: a client that reads it knows it talks
/// to docproof's virtual carrier.
pub const CALL_EXTENSION: &str = "docproof";

/// docproof's extension of a Call resource, under [`CALL_EXTENSION`]. Real
/// Twilio cannot tell anyone what a call said or which keys the person
/// pressed (its phones are real phones); the virtual carrier plays the
/// call's TwiML itself, so it reports what the phone at `To` lived through.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallExtension {
    /// The TwiML URL the call was placed with (`Url`); null when it was
    /// placed with inline `Twiml`.
    pub twiml_url: Option<String>,
    /// What happened on the call, oldest first.
    pub heard: Vec<CallLine>,
    /// The call is in progress and waits at a `<Gather>` for keys.
    pub waiting_for_keys: bool,
}

/// One line of what happened on a call, as the phone at `To` lived it.
/// In JSON: `{"kind": "said", "text": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "text", rename_all = "lowercase")]
pub enum CallLine {
    /// A `<Say>` the person heard.
    Said(String),
    /// A key the person pressed.
    Pressed(String),
    /// Something the phone noticed (answered, a skipped verb, the end).
    Note(String),
    /// The call's instructions could not be fetched or understood.
    Error(String),
}

impl CallExtension {
    /// The extension of a Call resource's JSON, if it has one.
    pub fn of(call: &Value) -> Option<CallExtension> {
        serde_json::from_value(call.get(CALL_EXTENSION)?.clone()).ok()
    }

    /// Adds the extension to a Call resource's JSON.
    pub fn add_to(&self, call: &mut Value) {
        call[CALL_EXTENSION] = serde_json::to_value(self).unwrap_or(Value::Null);
    }
}

/// Twilio's call statuses in which a call is over: it will not ring,
/// speak or listen again.
pub fn call_is_over(status: &str) -> bool {
    matches!(
        status,
        "completed" | "no-answer" | "busy" | "failed" | "canceled"
    )
}

/// docproof's fault switches: a control resource outside Twilio's API (no
/// Twilio account has one) that makes a provider fail the requests a tenant
/// makes, so a test can show what the tenant does when its provider is
/// down or slow. The virtual carrier serves it at `{provider}/docproof/faults`
/// with the account's basic auth:
///
/// - `GET` answers the switches: `{"Messages": {"fault": "none"}, "Calls":
///   {"fault": "refuse", "status": 503}}`.
/// - `POST` sets one, as a form or JSON: `resource` (`Messages` or
///   `Calls`), `fault` (`none`, `refuse` with `status`, or `delay` with
///   `delay_ms`); answers the switches.
/// - `DELETE` switches every fault off; answers the switches.
///
/// A fault applies to creating the resource (`POST …/Messages.json`: send a
/// text; `POST …/Calls.json`: place a call), the requests a tenant makes.
/// Reading and updating (what a test's phone does) are never affected.
pub mod faults {
    use super::*;

    /// The control resource, relative to the provider's base URL.
    pub const PATH: &str = "/docproof/faults";

    /// Which requests a fault affects.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Resource {
        /// Sending texts (`POST …/Messages.json`).
        Messages,
        /// Placing calls (`POST …/Calls.json`).
        Calls,
    }

    impl Resource {
        pub const ALL: [Resource; 2] = [Resource::Messages, Resource::Calls];

        pub fn as_str(self) -> &'static str {
            match self {
                Resource::Messages => "Messages",
                Resource::Calls => "Calls",
            }
        }

        fn parse(s: &str) -> Result<Resource, String> {
            Resource::ALL
                .into_iter()
                .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
                .ok_or_else(|| format!("resource '{s}' is not Messages or Calls"))
        }
    }

    /// What the provider does with a request to create the resource.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub enum Fault {
        /// Accept it as usual.
        #[default]
        None,
        /// Refuse it with this HTTP status (Twilio's error JSON, code
        /// 20000 + status); nothing is sent.
        Refuse(u16),
        /// Accept it, but answer only after this long. The text or call
        /// goes out once the answer does, even if the client gave up
        /// waiting: the provider had accepted it.
        Delay(Duration),
    }

    impl Fault {
        /// The switch as JSON: `{"fault": "refuse", "status": 503}`.
        pub fn to_json(self) -> Value {
            match self {
                Fault::None => json!({ "fault": "none" }),
                Fault::Refuse(status) => json!({ "fault": "refuse", "status": status }),
                Fault::Delay(by) => {
                    json!({ "fault": "delay", "delay_ms": u64::try_from(by.as_millis()).unwrap_or(u64::MAX) })
                }
            }
        }

        /// The request that sets `resource` to this fault, as JSON.
        pub fn request(self, resource: Resource) -> Value {
            let mut body = self.to_json();
            body["resource"] = json!(resource.as_str());
            body
        }

        /// Reads a `POST`'s fields (a form, or JSON with its values as
        /// text); the message says what is wrong.
        pub fn parse(fields: &HashMap<String, String>) -> Result<(Resource, Fault), String> {
            let field = |k: &str| fields.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
            let resource = Resource::parse(
                field("resource").ok_or("the field 'resource' (Messages or Calls) is required")?,
            )?;
            let fault = match field("fault")
                .ok_or("the field 'fault' (none, refuse or delay) is required")?
            {
                "none" => Fault::None,
                "refuse" => {
                    let status = field("status")
                        .and_then(|s| s.parse::<u16>().ok())
                        .filter(|s| (400..=599).contains(s))
                        .ok_or("fault 'refuse' needs 'status', an HTTP error status (400-599)")?;
                    Fault::Refuse(status)
                }
                "delay" => {
                    let ms = field("delay_ms")
                        .and_then(|s| s.parse::<u64>().ok())
                        .filter(|ms| *ms <= 600_000)
                        .ok_or("fault 'delay' needs 'delay_ms', milliseconds up to 600000")?;
                    Fault::Delay(Duration::from_millis(ms))
                }
                other => {
                    return Err(format!(
                        "fault '{other}' is not one of none, refuse or delay"
                    ))
                }
            };
            Ok((resource, fault))
        }
    }

    /// Every switch as JSON, by resource name.
    pub fn switches_json(of: impl Fn(Resource) -> Fault) -> Value {
        let mut body = json!({});
        for r in Resource::ALL {
            body[r.as_str()] = of(r).to_json();
        }
        body
    }

    /// A JSON object's values as text, so a JSON `POST` reads like a form.
    pub fn fields_of_json(body: &Value) -> Option<HashMap<String, String>> {
        let object = body.as_object()?;
        Some(
            object
                .iter()
                .map(|(k, v)| {
                    let text = match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (k.clone(), text)
                })
                .collect(),
        )
    }
}

/// docproof's control that lets a ringing call ring out now, as if its
/// `Timeout` had passed with nobody answering (status `no-answer`, posted
/// to its `StatusCallback`): a test need not wait the minutes a tenant asks
/// a call to ring. Not Twilio's; relative to the provider's base URL, with
/// the account's basic auth: `POST /docproof/Calls/{CallSid}/ring-out`.
pub fn ring_out_path(call_sid: &str) -> String {
    format!("/docproof/Calls/{call_sid}/ring-out")
}

/// Twilio's size limits, with the error code Twilio answers when one is
/// passed (docs/m365-contract.md cites each).
pub mod limits {
    /// A Message's `Body`: at most 1,600 characters, else 21617.
    pub const MESSAGE_BODY_CHARS: usize = 1600;
    /// "The concatenated message body exceeds the 1600 character limit".
    pub const MESSAGE_TOO_LONG: u32 = 21617;
    /// A call's inline `Twiml` parameter: at most 4,000 characters, else 32018.
    pub const INLINE_TWIML_CHARS: usize = 4000;
    /// "Twiml size exceeded maximum allowed value".
    pub const INLINE_TWIML_TOO_LONG: u32 = 32018;
    /// A TwiML document fetched from a URL: at most 64 kB, else 11750.
    pub const TWIML_RESPONSE_BYTES: usize = 64 * 1024;
    /// "TwiML response body too large".
    pub const TWIML_RESPONSE_TOO_LARGE: u32 = 11750;
    /// "Request Entity Too Large": a request body over the server's limit.
    pub const REQUEST_TOO_LARGE: u32 = 20413;
}

/// The first (and only) page of a listing of `kind` (`Messages`, `Calls`):
/// `items` under the lowercase kind, `query` the listing's query string.
pub fn page_json(
    kind: &str,
    items: Vec<Value>,
    account_sid: &str,
    size: usize,
    query: &str,
) -> Value {
    let uri = format!("{}/{kind}.json?{query}", account_uri(account_sid));
    let mut body = json!({
        "page": 0,
        "page_size": size,
        "uri": uri,
        "first_page_uri": uri,
        "next_page_uri": null,
        "previous_page_uri": null,
        "start": 0,
        "end": items.len().saturating_sub(1),
    });
    body[kind.to_ascii_lowercase()] = Value::Array(items);
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sids_and_segments() {
        let sid = new_sid("SM");
        assert_eq!(sid.len(), 34);
        assert!(sid[2..]
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_eq!(num_segments("hi"), 1);
        assert_eq!(num_segments(&"a".repeat(161)), 2);
        assert_eq!(num_segments(&"é".repeat(71)), 2);
    }

    #[test]
    fn call_params_put_extras_between_the_call_and_the_api_version() {
        let names: Vec<_> = call_params("CA1", "AC1", "+1", "+2", [("CallStatus", "x".into())])
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(
            names,
            [
                "CallSid",
                "AccountSid",
                "From",
                "To",
                "CallStatus",
                "Direction",
                "ApiVersion"
            ]
        );
    }

    #[test]
    fn resources_live_under_the_account() {
        let call = CallResource {
            sid: "CA1",
            account_sid: "AC1",
            to: "+12065550101",
            to_formatted: "+12065550101",
            from: "+14255550100",
            from_formatted: "+14255550100",
            status: "queued",
            date_created: "d",
            date_updated: "d",
            start_time: None,
            end_time: None,
            duration_secs: None,
        }
        .to_json();
        assert_eq!(call["uri"], "/2010-04-01/Accounts/AC1/Calls/CA1.json");
        assert_eq!(
            call["subresource_uris"]["recordings"],
            "/2010-04-01/Accounts/AC1/Calls/CA1/Recordings.json"
        );
        assert!(call["duration"].is_null() && call["start_time"].is_null());
        assert_eq!(error_json(401, 20003, "Authenticate")["status"], 401);
    }

    #[test]
    fn the_call_extension_is_one_docproof_field() {
        let mut call = json!({ "sid": "CA1" });
        let ext = CallExtension {
            twiml_url: Some("http://t/twiml".into()),
            heard: vec![
                CallLine::Said("Hello.".into()),
                CallLine::Pressed("#".into()),
            ],
            waiting_for_keys: false,
        };
        ext.add_to(&mut call);
        assert_eq!(
            call["docproof"],
            json!({
                "twiml_url": "http://t/twiml",
                "heard": [{"kind": "said", "text": "Hello."}, {"kind": "pressed", "text": "#"}],
                "waiting_for_keys": false,
            })
        );
        assert_eq!(CallExtension::of(&call), Some(ext));
        assert_eq!(CallExtension::of(&json!({ "sid": "CA1" })), None);
    }

    #[test]
    fn fault_switches_read_forms_and_json_and_say_what_is_wrong() {
        use faults::{Fault, Resource};
        let form = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<HashMap<_, _>>()
        };
        assert_eq!(
            Fault::parse(&form(&[
                ("resource", "Messages"),
                ("fault", "refuse"),
                ("status", "503")
            ])),
            Ok((Resource::Messages, Fault::Refuse(503)))
        );
        let json = Fault::Delay(Duration::from_millis(250)).request(Resource::Calls);
        assert_eq!(
            json,
            json!({"resource": "Calls", "fault": "delay", "delay_ms": 250})
        );
        assert_eq!(
            Fault::parse(&faults::fields_of_json(&json).unwrap()),
            Ok((Resource::Calls, Fault::Delay(Duration::from_millis(250))))
        );
        assert_eq!(
            Fault::parse(&form(&[("resource", "calls"), ("fault", "none")])),
            Ok((Resource::Calls, Fault::None))
        );
        for (pairs, why) in [
            (vec![("fault", "none")], "'resource'"),
            (
                vec![("resource", "Faxes"), ("fault", "none")],
                "not Messages or Calls",
            ),
            (vec![("resource", "Calls")], "'fault'"),
            (vec![("resource", "Calls"), ("fault", "refuse")], "'status'"),
            (
                vec![
                    ("resource", "Calls"),
                    ("fault", "refuse"),
                    ("status", "200"),
                ],
                "'status'",
            ),
            (
                vec![
                    ("resource", "Calls"),
                    ("fault", "delay"),
                    ("delay_ms", "soon"),
                ],
                "'delay_ms'",
            ),
            (
                vec![("resource", "Calls"), ("fault", "explode")],
                "'explode'",
            ),
        ] {
            let err = Fault::parse(&form(&pairs)).unwrap_err();
            assert!(err.contains(why), "{pairs:?}: {err}");
        }
        assert_eq!(
            faults::switches_json(|r| match r {
                Resource::Messages => Fault::Refuse(503),
                Resource::Calls => Fault::None,
            }),
            json!({"Messages": {"fault": "refuse", "status": 503}, "Calls": {"fault": "none"}})
        );
    }
}
