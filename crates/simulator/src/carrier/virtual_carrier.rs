//! The embedded virtual carrier's memory and its calls: the texts it
//! delivered, the calls it placed and how each went, its fault switches,
//! and the way a call is played (fetch TwiML like Twilio, say, gather keys,
//! follow redirects, report the end to the `StatusCallback`).
//!
//! Who acts on a call: the phone page (`/phone`, a person clicking), the
//! REST API (a test's phone updating the call, `api`), and the carrier's
//! own ring timer or docproof's ring-out control (`faults`). Each goes
//! through the methods here, so a call behaves the same whoever acts.

use super::hosts::AllowedHosts;
use docproof_contract::twilio::faults::{Fault, Resource};
use docproof_contract::twilio::{self, limits, CallLine};
use docproof_contract::twiml::{self, Heard};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

/// `<Redirect>`s followed in a row before the phone gives up on a call.
const MAX_REDIRECTS: usize = 10;
/// What Twilio says when a call's instructions cannot be used.
const APPLICATION_ERROR: &str = "We are sorry, an application error has occurred. Goodbye.";
/// How much of a failed TwiML fetch's answer an error quotes.
const EXCERPT_CHARS: usize = 200;
/// Texts and calls kept per account, newest first: older ones are
/// forgotten so a long `docproof serve` keeps a flat memory.
pub const KEPT_PER_ACCOUNT: usize = 1000;

/// A text message the carrier accepted.
#[derive(Debug, Clone)]
pub struct Message {
    pub sid: String,
    pub account_sid: String,
    /// E.164 when the number parses, else as given.
    pub to: String,
    pub from: String,
    pub body: String,
    pub status: String,
    pub created: SystemTime,
    pub status_callback: Option<String>,
}

/// What the page shows for what the call played: `<Play>` and verbs the
/// virtual phone does not act on become notes, so nothing passes silently.
fn heard_line(heard: Heard) -> CallLine {
    match heard {
        Heard::Said(text) => CallLine::Said(text),
        Heard::Played(url) => CallLine::Note(format!("(plays audio {url})")),
        Heard::Tones(digits) => CallLine::Note(format!("(plays the tones {digits})")),
        Heard::Skipped(verb) => {
            CallLine::Note(format!("(<{verb}> is not supported here; skipped)"))
        }
    }
}

/// A `<Gather>` waiting for keys.
#[derive(Debug, Clone)]
pub struct Gathering {
    /// Absolute URL the keys are posted to.
    pub action: String,
    pub method: String,
    /// `numDigits`; `None` = until `finishOnKey`.
    pub num_digits: Option<usize>,
    /// `finishOnKey`; empty = none (every key is a digit).
    pub finish_on_key: String,
    /// Keys pressed so far for this gather.
    pub typed: String,
    /// The verbs after the `<Gather>`: what plays when no key comes.
    after: Vec<twiml::Node>,
    doc_url: String,
}

impl Gathering {
    /// The gather is complete: its keys are posted to its action.
    fn post_keys(self) -> Next {
        Next::Fetch {
            url: self.action,
            method: self.method,
            digits: Some(self.typed),
        }
    }
}

/// A call the carrier placed.
#[derive(Debug, Clone)]
pub struct PhoneCall {
    pub sid: String,
    pub account_sid: String,
    pub to: String,
    pub from: String,
    /// The TwiML URL (`Url`) or `None` when placed with inline `Twiml`.
    pub url: Option<String>,
    pub twiml: Option<String>,
    pub method: String,
    pub status_callback: Option<String>,
    pub status_callback_method: String,
    pub timeout_secs: u64,
    /// Twilio's call status: `ringing`, `in-progress`, `completed`,
    /// `no-answer`, `busy`, `failed`, `canceled`.
    pub status: String,
    pub created: SystemTime,
    pub answered: Option<SystemTime>,
    pub ended: Option<SystemTime>,
    /// What happened on the call, as the phone at `To` lived it.
    pub transcript: Vec<CallLine>,
    pub gathering: Option<Gathering>,
}

impl PhoneCall {
    pub fn is_over(&self) -> bool {
        !matches!(self.status.as_str(), "queued" | "ringing" | "in-progress")
    }
    /// Queued or ringing: not yet answered, declined or rung out.
    pub fn is_ringing(&self) -> bool {
        matches!(self.status.as_str(), "queued" | "ringing")
    }
    /// In progress and waiting at a `<Gather>` for keys.
    pub fn waits_for_keys(&self) -> bool {
        self.status == "in-progress" && self.gathering.is_some()
    }
    fn end(&mut self, status: &str) {
        self.status = status.to_string();
        self.ended = Some(SystemTime::now());
        self.gathering = None;
    }
    pub fn duration_secs(&self) -> Option<u64> {
        let (a, e) = (self.answered?, self.ended?);
        Some(e.duration_since(a).unwrap_or_default().as_secs())
    }
    /// What the call's own instructions are, to start playing them.
    fn instructions(&self) -> Next {
        match (&self.url, &self.twiml) {
            (Some(url), _) => Next::Fetch {
                url: url.clone(),
                method: self.method.clone(),
                digits: None,
            },
            (None, Some(xml)) => Next::Inline {
                doc_url: String::new(),
                xml: xml.clone(),
            },
            (None, None) => Next::Verbs {
                doc_url: String::new(),
                verbs: Vec::new(),
            },
        }
    }
}

/// What the phone does next on a call.
pub enum Next {
    Fetch {
        url: String,
        method: String,
        digits: Option<String>,
    },
    Inline {
        doc_url: String,
        xml: String,
    },
    Verbs {
        doc_url: String,
        verbs: Vec<twiml::Node>,
    },
}

/// Why a call could not be acted on: Twilio's error code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotNow {
    pub code: u32,
    pub message: String,
}

impl NotNow {
    /// Twilio's 21220, "Invalid call state".
    fn state(call: &PhoneCall, wanted: &str) -> NotNow {
        NotNow {
            code: 21220,
            message: format!("Call is {}: {wanted}.", call.status),
        }
    }
}

#[derive(Default)]
struct Book {
    /// Oldest first; listings reverse it.
    messages: Vec<Message>,
    calls: Vec<PhoneCall>,
}

/// Appends `item` and forgets the oldest of its account beyond
/// [`KEPT_PER_ACCOUNT`].
fn keep_newest<T>(log: &mut Vec<T>, item: T, account: impl Fn(&T) -> &str) {
    let sid = account(&item).to_string();
    log.push(item);
    let mut over = log
        .iter()
        .filter(|x| account(x) == sid)
        .count()
        .saturating_sub(KEPT_PER_ACCOUNT);
    log.retain(|x| {
        let forget = over > 0 && account(x) == sid;
        if forget {
            over -= 1;
        }
        !forget
    });
}

/// The embedded carrier's memory, its fault switches and its way out (to
/// fetch TwiML and post status callbacks, to allowed hosts only). The
/// mutexes are never held across an `.await`.
pub struct VirtualCarrier {
    book: Mutex<Book>,
    faults: Mutex<HashMap<Resource, Fault>>,
    pub(super) http: reqwest::Client,
    pub(super) allowed: AllowedHosts,
}

impl VirtualCarrier {
    pub fn new(allowed: AllowedHosts) -> Self {
        // HTTP redirects are followed only while they stay on allowed hosts.
        let hops = allowed.clone();
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() < MAX_REDIRECTS
                && hops.check(attempt.url().as_str()).is_ok()
            {
                attempt.follow()
            } else {
                attempt.stop()
            }
        });
        VirtualCarrier {
            book: Mutex::new(Book::default()),
            faults: Mutex::new(HashMap::new()),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .redirect(redirects)
                .build()
                .expect("a plain reqwest client always builds"),
            allowed,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl VirtualCarrier {
    /// Every message, newest first.
    pub fn messages(&self) -> Vec<Message> {
        self.with_messages(|all| all.cloned().collect())
    }
    /// Every call, newest first.
    pub fn calls(&self) -> Vec<PhoneCall> {
        self.with_calls(|all| all.cloned().collect())
    }
    /// Reads the messages, newest first, under the lock. Listings and pages
    /// copy only what they show: the log holds up to [`KEPT_PER_ACCOUNT`]
    /// per account, and a poll copying all of it made every scenario of a
    /// long run slower than the one before.
    pub fn with_messages<R>(
        &self,
        read: impl FnOnce(&mut dyn Iterator<Item = &Message>) -> R,
    ) -> R {
        read(&mut lock(&self.book).messages.iter().rev())
    }
    /// Reads the calls, newest first, under the lock (see [`Self::with_messages`]).
    pub fn with_calls<R>(&self, read: impl FnOnce(&mut dyn Iterator<Item = &PhoneCall>) -> R) -> R {
        read(&mut lock(&self.book).calls.iter().rev())
    }
    pub fn call(&self, sid: &str) -> Option<PhoneCall> {
        lock(&self.book)
            .calls
            .iter()
            .find(|c| c.sid == sid)
            .cloned()
    }
    pub(super) fn with_call<R>(&self, sid: &str, f: impl FnOnce(&mut PhoneCall) -> R) -> Option<R> {
        lock(&self.book)
            .calls
            .iter_mut()
            .find(|c| c.sid == sid)
            .map(f)
    }
    pub(super) fn deliver(&self, message: Message) {
        keep_newest(&mut lock(&self.book).messages, message, |m| &m.account_sid);
    }
    pub(super) fn ring(&self, call: PhoneCall) {
        keep_newest(&mut lock(&self.book).calls, call, |c| &c.account_sid);
    }
    /// Every number a text or call went to.
    pub(super) fn numbers_reached(&self) -> Vec<String> {
        let book = lock(&self.book);
        book.messages
            .iter()
            .map(|m| m.to.clone())
            .chain(book.calls.iter().map(|c| c.to.clone()))
            .collect()
    }

    // ---------------------------------------------------------- faults

    /// The fault switched on for creating `resource`, if any.
    pub fn fault(&self, resource: Resource) -> Fault {
        lock(&self.faults)
            .get(&resource)
            .copied()
            .unwrap_or_default()
    }
    pub fn set_fault(&self, resource: Resource, fault: Fault) {
        let mut faults = lock(&self.faults);
        match fault {
            Fault::None => faults.remove(&resource),
            fault => faults.insert(resource, fault),
        };
    }
    pub fn clear_faults(&self) {
        lock(&self.faults).clear();
    }

    // ----------------------------------------------------- call actions

    /// The person at `To` picks up a ringing call, and its instructions
    /// play until it waits for keys or ends.
    pub async fn pick_up(&self, sid: &str) -> Result<(), NotNow> {
        let call = self
            .with_call(sid, |c| {
                if !c.is_ringing() {
                    return Err(NotNow::state(c, "only a ringing call can be answered"));
                }
                c.status = "in-progress".into();
                c.answered = Some(SystemTime::now());
                c.transcript.push(CallLine::Note("You answered.".into()));
                Ok(c.clone())
            })
            .ok_or_else(|| unknown(sid))??;
        self.run(sid, call.instructions()).await;
        Ok(())
    }

    /// The person presses one key; a `<Gather>` it completes posts its
    /// keys and the call plays on.
    pub async fn press(&self, sid: &str, key: char) -> Result<(), NotNow> {
        let next = self
            .with_call(sid, |c| {
                if !c.waits_for_keys() {
                    return Err(NotNow::state(c, "it is not waiting for keys"));
                }
                let g = c.gathering.as_mut().expect("waits for keys");
                c.transcript.push(CallLine::Pressed(key.to_string()));
                if twiml::finishes(&g.finish_on_key, key) {
                    let g = c.gathering.take().expect("waits for keys");
                    if g.typed.is_empty() {
                        // Finished with no digits: Twilio plays what follows the Gather.
                        return Ok(Some(Next::Verbs {
                            doc_url: g.doc_url,
                            verbs: g.after,
                        }));
                    }
                    return Ok(Some(g.post_keys()));
                }
                g.typed.push(key);
                if g.num_digits.is_some_and(|n| g.typed.chars().count() >= n) {
                    return Ok(c.gathering.take().map(Gathering::post_keys));
                }
                Ok(None)
            })
            .ok_or_else(|| unknown(sid))??;
        if let Some(next) = next {
            self.run(sid, next).await;
        }
        Ok(())
    }

    /// A keypad's keys, one after another: picks a ringing call up first.
    /// `w` (Twilio's half-second wait) is skipped: nothing here waits.
    /// Keys left when the call stops waiting for keys are noted, not pressed.
    pub async fn keypad(&self, sid: &str, keys: &str) -> Result<(), NotNow> {
        let call = self.call(sid).ok_or_else(|| unknown(sid))?;
        if call.is_ringing() {
            self.pick_up(sid).await?;
        } else if call.status != "in-progress" {
            return Err(NotNow::state(
                &call,
                "keys can be pressed only during a call",
            ));
        }
        let keys: Vec<char> = keys.chars().filter(|k| !matches!(k, 'w' | 'W')).collect();
        for (i, key) in keys.iter().enumerate() {
            if self.press(sid, *key).await.is_err() {
                let rest: String = keys[i..].iter().collect();
                self.with_call(sid, |c| {
                    c.transcript.push(CallLine::Note(format!(
                        "(the keys {rest} were not pressed: the call no longer waits for keys)"
                    )))
                });
                break;
            }
        }
        Ok(())
    }

    /// The call goes on with other instructions (Twilio's call update
    /// with `Url` or `Twiml`): whatever it was doing stops.
    pub async fn redirect(&self, sid: &str, next: Next) -> Result<(), NotNow> {
        self.with_call(sid, |c| {
            if c.status != "in-progress" {
                return Err(NotNow::state(
                    c,
                    "only a call in progress can be redirected",
                ));
            }
            c.gathering = None;
            Ok(())
        })
        .ok_or_else(|| unknown(sid))??;
        self.run(sid, next).await;
        Ok(())
    }

    /// Ends a call in progress as `completed`, noting `note`.
    pub async fn hang_up(&self, sid: &str, note: &str) -> Result<(), NotNow> {
        let ended = self
            .with_call(sid, |c| {
                if c.status != "in-progress" {
                    return Err(NotNow::state(c, "only a call in progress can be hung up"));
                }
                c.end("completed");
                c.transcript.push(CallLine::Note(note.to_string()));
                Ok(c.clone())
            })
            .ok_or_else(|| unknown(sid))??;
        self.post_status(&ended).await;
        Ok(())
    }

    /// Ends a call still ringing as `status` (`no-answer` when declined or
    /// rung out, `canceled`), noting `note`, and posts its status callback.
    pub async fn end_unanswered(&self, sid: &str, status: &str, note: &str) -> Result<(), NotNow> {
        let ended = self
            .with_call(sid, |c| {
                if !c.is_ringing() {
                    return Err(NotNow::state(c, "only a ringing call can end unanswered"));
                }
                c.end(status);
                c.transcript.push(CallLine::Note(note.to_string()));
                Ok(c.clone())
            })
            .ok_or_else(|| unknown(sid))??;
        self.post_status(&ended).await;
        Ok(())
    }

    // ------------------------------------------------------- playing

    /// Posts the call's final status to its `StatusCallback`, as Twilio does
    /// when a call completes. Failures are logged, never raised.
    async fn post_status(&self, call: &PhoneCall) {
        let Some(url) = &call.status_callback else {
            return;
        };
        if let Err(why) = self.allowed.check(url) {
            tracing::warn!(sid = %call.sid, %why, "status callback not posted");
            return;
        }
        let mut form = call_params(call);
        form.push(("CallStatus", call.status.clone()));
        if let Some(d) = call.duration_secs() {
            form.push(("CallDuration", d.to_string()));
        }
        let req = if call.status_callback_method.eq_ignore_ascii_case("GET") {
            self.http.get(url).query(&form)
        } else {
            self.http.post(url).form(&form)
        };
        match req.send().await {
            Ok(r) if r.status().is_success() => {}
            Ok(r) => {
                tracing::warn!(status = %r.status(), sid = %call.sid, "status callback refused")
            }
            Err(e) => {
                tracing::warn!(error = %e.without_url(), sid = %call.sid, "status callback failed")
            }
        }
    }

    /// Fetches TwiML like Twilio: POST (form) or GET (query) with the
    /// call's parameters. Returns the document text, or what went wrong
    /// (with the start of what came back).
    async fn fetch(
        &self,
        url: &str,
        method: &str,
        params: &[(&str, String)],
    ) -> Result<String, String> {
        self.allowed.check(url).map_err(|why| {
            // Twilio's 11200, "HTTP retrieval failure".
            format!("Could not fetch the call's instructions at {url} (Twilio error 11200): {why}.")
        })?;
        let req = if method.eq_ignore_ascii_case("GET") {
            self.http.get(url).query(params)
        } else {
            self.http.post(url).form(params)
        };
        let resp = req.send().await.map_err(|e| {
            let why = if e.is_timeout() {
                "it did not answer in time".to_string()
            } else if e.is_connect() {
                "no connection could be made".to_string()
            } else {
                e.without_url().to_string()
            };
            format!("Could not reach the call's instructions at {url}: {why}.")
        })?;
        let status = resp.status();
        let text = read_bounded(resp).await.map_err(|why| match why {
            Unread::TooLarge => format!(
                "The call's instructions at {url} are larger than {} bytes (Twilio error {}, TwiML response body too large).",
                limits::TWIML_RESPONSE_BYTES,
                limits::TWIML_RESPONSE_TOO_LARGE
            ),
            Unread::Failed(e) => format!(
                "The call's instructions at {url} could not be read: {}.",
                e.without_url()
            ),
        })?;
        if !status.is_success() {
            return Err(format!(
                "The call's instructions at {url} answered HTTP {status}: {}",
                excerpt(&text)
            ));
        }
        Ok(text)
    }

    /// Plays the call from `next` on: fetches documents, follows
    /// `<Redirect>`s, records what is said, and stops at a `<Gather>` or
    /// the end of the call. Posts the status callback if the call ended.
    async fn run(&self, sid: &str, mut next: Next) {
        let Some(call) = self.call(sid) else { return };
        for _ in 0..=MAX_REDIRECTS {
            let (doc_url, verbs) = match next {
                Next::Fetch {
                    url,
                    method,
                    digits,
                } => {
                    let mut params = call_params(&call);
                    params.push(("CallStatus", "in-progress".to_string()));
                    if let Some(d) = digits {
                        params.push(("Digits", d));
                    }
                    let parsed = self.fetch(&url, &method, &params).await.and_then(|text| {
                        twiml::parse(&text).map_err(|e| {
                            format!(
                                "The call's instructions at {url} are not valid TwiML ({e}): {}",
                                excerpt(&text)
                            )
                        })
                    });
                    match parsed {
                        Ok(verbs) => (url, verbs),
                        Err(e) => {
                            tracing::warn!(%sid, error = %e, "virtual phone could not play the call");
                            self.fail(sid, e).await;
                            return;
                        }
                    }
                }
                Next::Inline { doc_url, xml } => match twiml::parse(&xml) {
                    Ok(verbs) => (doc_url, verbs),
                    Err(e) => {
                        self.fail(sid, format!("The call's TwiML is not valid: {e}."))
                            .await;
                        return;
                    }
                },
                Next::Verbs { doc_url, verbs } => (doc_url, verbs),
            };
            let mut said = Vec::new();
            let ending = twiml::play(&verbs, &doc_url, |heard| said.push(heard_line(heard)));
            match ending {
                twiml::Ending::Gather(g) => {
                    let g = Gathering {
                        action: g.action,
                        method: g.method,
                        num_digits: g.num_digits,
                        finish_on_key: g.finish_on_key,
                        typed: String::new(),
                        after: g.rest,
                        doc_url,
                    };
                    let still_on = self
                        .with_call(sid, |c| {
                            c.transcript.extend(said);
                            if c.status == "in-progress" {
                                c.gathering = Some(g);
                                true
                            } else {
                                false
                            }
                        })
                        .unwrap_or(false);
                    if !still_on {
                        tracing::debug!(%sid, "call ended while its instructions were fetched");
                    }
                    return;
                }
                twiml::Ending::Redirect { url, method } => {
                    self.with_call(sid, |c| c.transcript.extend(said));
                    next = Next::Fetch {
                        url,
                        method,
                        digits: None,
                    };
                }
                twiml::Ending::Hangup => {
                    self.finish(sid, said).await;
                    return;
                }
            }
        }
        self.finish(
            sid,
            vec![CallLine::Error(format!(
                "The call's instructions redirected more than {MAX_REDIRECTS} times in a row."
            ))],
        )
        .await;
    }

    /// The call's instructions could not be used: the phone shows why and,
    /// like Twilio, says an application error occurred and hangs up.
    async fn fail(&self, sid: &str, error: String) {
        self.finish(
            sid,
            vec![
                CallLine::Error(error),
                CallLine::Said(APPLICATION_ERROR.into()),
            ],
        )
        .await;
    }

    /// The call is over (hung up by the instructions, or they failed).
    async fn finish(&self, sid: &str, said: Vec<CallLine>) {
        let ended = self
            .with_call(sid, |c| {
                c.transcript.extend(said);
                if c.is_over() {
                    return None;
                }
                c.end("completed");
                c.transcript.push(CallLine::Note("The call ended.".into()));
                Some(c.clone())
            })
            .flatten();
        if let Some(call) = ended {
            self.post_status(&call).await;
        }
    }
}

/// Why a fetched document was not read.
enum Unread {
    TooLarge,
    Failed(reqwest::Error),
}

/// The answer's body as text, read chunk by chunk and given up past
/// Twilio's TwiML size limit, so a huge answer never sits in memory.
async fn read_bounded(mut resp: reqwest::Response) -> Result<String, Unread> {
    let max = limits::TWIML_RESPONSE_BYTES;
    if resp.content_length().is_some_and(|n| n > max as u64) {
        return Err(Unread::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(Unread::Failed)? {
        if body.len() + chunk.len() > max {
            return Err(Unread::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// Twilio's 20404 for a call sid the carrier does not know.
fn unknown(sid: &str) -> NotNow {
    NotNow {
        code: 20404,
        message: format!("The requested resource Calls/{sid}.json was not found"),
    }
}

/// The parameters Twilio sends with every request about a call, with
/// `Caller` and `Called` as Twilio adds them; callers append `CallStatus`.
pub(super) fn call_params(call: &PhoneCall) -> Vec<(&'static str, String)> {
    twilio::call_params(
        &call.sid,
        &call.account_sid,
        &call.from,
        &call.to,
        [("Caller", call.from.clone()), ("Called", call.to.clone())],
    )
}

/// At most [`EXCERPT_CHARS`] characters of what came back, on one line.
fn excerpt(text: &str) -> String {
    docproof_contract::twilio::excerpt(text, EXCERPT_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logged(account: &str, n: usize) -> (String, usize) {
        (account.to_string(), n)
    }

    #[test]
    fn each_account_keeps_only_its_newest() {
        let mut log = Vec::new();
        for n in 0..KEPT_PER_ACCOUNT + 5 {
            keep_newest(&mut log, logged("AC1", n), |x| &x.0);
        }
        keep_newest(&mut log, logged("AC2", 0), |x| &x.0);
        keep_newest(&mut log, logged("AC1", 9999), |x| &x.0);
        let ac1: Vec<usize> = log.iter().filter(|x| x.0 == "AC1").map(|x| x.1).collect();
        assert_eq!(ac1.len(), KEPT_PER_ACCOUNT);
        assert_eq!(ac1.first(), Some(&6));
        assert_eq!(ac1.last(), Some(&9999));
        assert!(log.contains(&logged("AC2", 0)));
    }

    #[test]
    fn excerpts_are_one_short_line() {
        assert_eq!(excerpt(" \n "), "(empty)");
        assert_eq!(excerpt("a\n  b"), "a b");
        let cut = excerpt(&"é".repeat(300));
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
    }
}
