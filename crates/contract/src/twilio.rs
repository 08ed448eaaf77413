//! Twilio's REST API resources as JSON: a Message, a Call, a list page and
//! the error answer, under `/2010-04-01/Accounts/{AccountSid}`.
//!
//! Twilio's REST API is a public protocol, like TwiML (`twiml`): the test's
//! wiremock provider (`phone::provider`) and the simulator's virtual carrier
//! (`tenant::carrier`) both answer in it, so they render each resource here
//! and a tenant sees the same shape from either. Each side supplies what it
//! knows (status, dates, how it formats numbers) and adds its own extras.

use rand::Rng;
use serde_json::{json, Value};

/// The REST API version in every path and resource.
/// A time as Twilio writes `date_created` and `date_updated` (RFC 2822,
/// UTC): `Wed, 02 Dec 2026 03:57:09 +0000`.
pub fn date(t: std::time::SystemTime) -> String {
    match jiff::Timestamp::try_from(t) {
        Ok(ts) => ts.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string(),
        Err(_) => String::new(),
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
}
