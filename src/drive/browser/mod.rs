//! The real browser: Chromium (or any WebDriver browser) driven by
//! fantoccini. Sessions come from a bounded [`pool::BrowserPool`], started
//! on a chromedriver docproof runs itself ([`chromedriver`]) or on a remote
//! WebDriver (`--webdriver URL`).
//!
//! Every interaction waits, bounded, for its element to be visible; pages
//! that advance by themselves (the call-wait page's script) are awaited by
//! polling for what comes next, never by sleeping a fixed time.

pub mod chromedriver;
pub mod pool;
mod script;

use super::{shown_url, Cookie, DriveError, Driver, Result};
use async_trait::async_trait;
use fantoccini::error::CmdError;
use fantoccini::Client;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

pub use pool::{BrowserPool, Session};

/// One actor's browser: a session leased from the pool for the scenario.
pub struct BrowserDriver {
    session: Session,
    /// How long a click that loads a page waits for it.
    settle: Duration,
}

/// A page masked for a screenshot ([`BrowserDriver::mask_secrets`]).
#[derive(Debug)]
pub struct Masked {
    token: String,
    /// How many secret places were masked.
    pub places: usize,
}

/// What [`BrowserDriver::act`] found.
enum Acted {
    Done(Value),
    Missing(String),
}

impl BrowserDriver {
    pub fn new(session: Session) -> BrowserDriver {
        BrowserDriver {
            session,
            settle: super::DEFAULT_WAIT,
        }
    }

    fn client(&self) -> &Client {
        self.session.client()
    }

    /// Runs a script; a failure is a [`DriveError`].
    async fn run(&mut self, script: &str, args: Vec<Value>) -> Result<Value> {
        let r = self.client().execute(script, args).await;
        r.map_err(|e| self.session_error(e))
    }

    /// Classifies a WebDriver failure: a session that is gone is
    /// [`DriveError::Session`] with where to look (and the pool will not
    /// lend it again); anything else is reported as it came.
    fn session_error(&mut self, e: CmdError) -> DriveError {
        let why = describe(&e);
        if is_session_lost(&e) {
            self.session.mark_broken();
            DriveError::Session(format!(
                "{why}. The browser crashed or was closed while the step ran{}",
                self.session.diagnostics()
            ))
        } else {
            DriveError::Session(why)
        }
    }

    /// Runs `body` ([`script::on_first_visible`]) on the first visible
    /// match of `selector`, in one round trip.
    async fn act(&mut self, selector: &str, body: &str, args: Vec<Value>) -> Result<Acted> {
        let mut all = vec![json!(selector)];
        all.extend(args);
        let v = self.run(&script::on_first_visible(body), all).await?;
        if let Some(bad) = v.get("bad").and_then(Value::as_str) {
            return Err(DriveError::BadSelector {
                selector: selector.to_string(),
                why: bad.to_string(),
            });
        }
        if let Some(why) = v.get("refused").and_then(Value::as_str) {
            return Err(DriveError::Unusable {
                selector: selector.to_string(),
                why: why.to_string(),
            });
        }
        if v.get("missing").is_some() {
            return Ok(Acted::Missing(page_of(&v)));
        }
        Ok(Acted::Done(v.get("ok").cloned().unwrap_or(Value::Null)))
    }

    /// [`Self::act`], where no visible match is [`DriveError::NotFound`].
    async fn on(&mut self, selector: &str, body: &str, args: Vec<Value>) -> Result<Value> {
        match self.act(selector, body, args).await? {
            Acted::Done(v) => Ok(v),
            Acted::Missing(page) => Err(DriveError::NotFound {
                selector: selector.to_string(),
                page,
            }),
        }
    }

    async fn on_text(&mut self, selector: &str, body: &str) -> Result<String> {
        let v = self.on(selector, body, vec![]).await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// Clicks (or ticks) and, when that loads a page, waits until it has.
    async fn press(&mut self, selector: &str, tick_only: bool) -> Result<()> {
        let token = format!("{:016x}", rand::random::<u64>());
        let kind = self
            .on(
                selector,
                script::CLICK,
                vec![json!(token), json!(tick_only)],
            )
            .await?;
        if kind != "none" {
            self.until_loaded(&token).await?;
        }
        Ok(())
    }

    /// Waits until the document marked with `token` has been replaced by a
    /// loaded one. A click that did not navigate after all (a script
    /// cancelled the submit) is not an error: the next step's own wait
    /// says what is missing.
    async fn until_loaded(&mut self, token: &str) -> Result<()> {
        let mut pace = Pacer::new(self.settle);
        loop {
            match self.run(script::AFTER_CLICK, vec![json!(token)]).await {
                Ok(v) if v == "complete" => return Ok(()),
                Ok(_) => {}
                Err(e) => self.unless_unloading(e)?,
            }
            if pace.next().await.is_err() {
                tracing::debug!("a click did not load a new page within {:?}", self.settle);
                return Ok(());
            }
        }
    }

    /// A look that failed because the page was being replaced is taken
    /// again; any other failure stands.
    fn unless_unloading(&self, e: DriveError) -> Result<()> {
        match &e {
            DriveError::Session(why) if !self.session.is_broken() && unloading(why) => Ok(()),
            _ => Err(e),
        }
    }

    /// Runs a Chrome DevTools command ([`pool::Cdp`]).
    async fn cdp(&mut self, cmd: &'static str, params: Value) -> Result<Value> {
        let r = self.client().issue_cmd(pool::Cdp { cmd, params }).await;
        r.map_err(|e| self.session_error(e))
    }

    /// Takes a PNG of the viewport.
    pub async fn png(&mut self) -> Result<Vec<u8>> {
        let r = self.client().screenshot().await;
        r.map_err(|e| self.session_error(e))
    }

    /// Masks the page for a screenshot: its secret places
    /// ([`crate::redact::PLACES`]), then the known `secrets` (text, label)
    /// and six-digit runs. Returns what [`Self::unmask_secrets`] needs.
    pub async fn mask_secrets(&mut self, secrets: &[(String, String)]) -> Result<Masked> {
        let pairs: Vec<Value> = secrets.iter().map(|(s, l)| json!([s, l])).collect();
        let places: Vec<Value> = crate::redact::PLACES
            .iter()
            .map(|p| json!([p.css, p.label]))
            .collect();
        let token = format!("{:016x}", rand::random::<u64>());
        let args = vec![json!(pairs), json!(token), json!(places)];
        let places = self.run(script::MASK_SECRETS, args).await?;
        Ok(Masked {
            token,
            places: places.as_u64().unwrap_or(0) as usize,
        })
    }

    /// Puts back what [`Self::mask_secrets`] changed; false when the page
    /// is another one by now (it moved on by itself in between).
    pub async fn unmask_secrets(&mut self, masked: &Masked) -> Result<bool> {
        let same = self
            .run(script::UNMASK_SECRETS, vec![json!(masked.token)])
            .await?;
        Ok(same == true)
    }
}

/// The pauses between looks while waiting: short at first, since most
/// waits end within a page load, then every 150 ms. Never past the limit.
struct Pacer {
    start: Instant,
    limit: Duration,
    looks: usize,
}

impl Pacer {
    fn new(limit: Duration) -> Pacer {
        Pacer {
            start: Instant::now(),
            limit,
            looks: 0,
        }
    }

    /// Sleeps until the next look, or says how long was waited when the
    /// next look would come after the limit.
    async fn next(&mut self) -> std::result::Result<(), Duration> {
        const PAUSES_MS: [u64; 5] = [10, 20, 50, 100, 150];
        let pause = Duration::from_millis(PAUSES_MS[self.looks.min(PAUSES_MS.len() - 1)]);
        let waited = self.start.elapsed();
        if waited + pause > self.limit {
            return Err(waited);
        }
        self.looks += 1;
        tokio::time::sleep(pause).await;
        Ok(())
    }
}

/// `"Title" (url)` from a script's `{url, title}`.
fn page_of(v: &Value) -> String {
    format!(
        "\"{}\" ({})",
        v["title"].as_str().unwrap_or_default(),
        shown_url(v["url"].as_str().unwrap_or_default())
    )
}

#[async_trait]
impl Driver for BrowserDriver {
    fn kind(&self) -> crate::drive::DriverKind {
        crate::drive::DriverKind::Browser
    }

    fn runs_scripts(&self) -> bool {
        true
    }

    async fn goto(&mut self, url: &str) -> Result<()> {
        let target = match url::Url::parse(url) {
            Ok(u) => u,
            Err(url::ParseError::RelativeUrlWithoutBase) => {
                let here = self.url().await?;
                url::Url::parse(&here)
                    .and_then(|b| b.join(url))
                    .map_err(|e| DriveError::Transport {
                        url: url.to_string(),
                        why: format!("not a valid URL: {e}"),
                    })?
            }
            Err(e) => {
                return Err(DriveError::Transport {
                    url: url.to_string(),
                    why: format!("not a valid URL: {e}"),
                })
            }
        };
        let r = self.client().goto(target.as_str()).await;
        match r {
            Ok(()) => Ok(()),
            Err(e) if is_session_lost(&e) => Err(self.session_error(e)),
            Err(e) => Err(DriveError::Transport {
                url: shown_url(target.as_str()),
                why: describe(&e),
            }),
        }
    }

    async fn url(&mut self) -> Result<String> {
        let r = self.client().current_url().await;
        r.map(|u| u.to_string()).map_err(|e| self.session_error(e))
    }

    async fn title(&mut self) -> Result<String> {
        let r = self.client().title().await;
        r.map_err(|e| self.session_error(e))
    }

    async fn fill(&mut self, selector: &str, value: &str) -> Result<()> {
        self.on(selector, script::FILL, vec![json!(value)]).await?;
        Ok(())
    }

    async fn choose(&mut self, selector: &str, option: &str) -> Result<()> {
        self.on(selector, script::CHOOSE, vec![json!(option)])
            .await?;
        Ok(())
    }

    async fn tick(&mut self, selector: &str) -> Result<()> {
        self.press(selector, true).await
    }

    /// Clicks ([`script::CLICK`]) and, when the click submits a form or
    /// follows a link, waits (bounded) until the new page has loaded, as a
    /// person waits before reading on.
    async fn click(&mut self, selector: &str) -> Result<()> {
        self.press(selector, false).await
    }

    async fn text(&mut self, selector: &str) -> Result<String> {
        self.on_text(selector, script::TEXT).await
    }

    async fn texts(&mut self, selector: &str) -> Result<Vec<String>> {
        let v = self.run(&script::texts(), vec![json!(selector)]).await?;
        if let Some(bad) = v.get("bad").and_then(Value::as_str) {
            return Err(DriveError::BadSelector {
                selector: selector.to_string(),
                why: bad.to_string(),
            });
        }
        Ok(serde_json::from_value(v["texts"].clone()).unwrap_or_default())
    }

    async fn value(&mut self, selector: &str) -> Result<String> {
        self.on_text(selector, script::VALUE).await
    }

    async fn attribute(&mut self, selector: &str, name: &str) -> Result<Option<String>> {
        let v = self
            .run(&script::attribute(), vec![json!(selector), json!(name)])
            .await?;
        if let Some(bad) = v.get("bad").and_then(Value::as_str) {
            return Err(DriveError::BadSelector {
                selector: selector.to_string(),
                why: bad.to_string(),
            });
        }
        if v.get("missing").is_some() {
            return Err(DriveError::NotFound {
                selector: selector.to_string(),
                page: page_of(&v),
            });
        }
        Ok(v["ok"].as_str().map(str::to_string))
    }

    async fn is_visible(&mut self, selector: &str) -> Result<bool> {
        Ok(matches!(
            self.act(selector, script::PRESENT, vec![]).await?,
            Acted::Done(_)
        ))
    }

    async fn page_text(&mut self) -> Result<String> {
        let v = self.run(&script::page_text(), vec![]).await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    async fn html(&mut self) -> Result<String> {
        let r = self.client().source().await;
        r.map_err(|e| self.session_error(e))
    }

    /// Looks for the element until it is visible or `timeout` has passed.
    /// Pages that move on by themselves are followed, since every look is
    /// at the page the browser shows now.
    async fn wait_for(&mut self, selector: &str, timeout: Duration) -> Result<()> {
        let mut pace = Pacer::new(timeout);
        let mut page = String::new();
        loop {
            match self.act(selector, script::PRESENT, vec![]).await {
                Ok(Acted::Done(_)) => return Ok(()),
                Ok(Acted::Missing(p)) => page = p,
                Err(e) => self.unless_unloading(e)?,
            }
            if let Err(waited) = pace.next().await {
                return Err(DriveError::Timeout {
                    selector: selector.to_string(),
                    waited,
                    page,
                });
            }
        }
    }

    async fn wait_gone(&mut self, selector: &str, timeout: Duration) -> Result<()> {
        let mut pace = Pacer::new(timeout);
        loop {
            match self.act(selector, script::PRESENT, vec![]).await {
                Ok(Acted::Missing(_)) => return Ok(()),
                Ok(Acted::Done(_)) => {}
                Err(e) => self.unless_unloading(e)?,
            }
            if let Err(waited) = pace.next().await {
                let page = self.url().await.map(|u| shown_url(&u)).unwrap_or_default();
                return Err(DriveError::StillShown {
                    selector: selector.to_string(),
                    waited,
                    page,
                });
            }
        }
    }

    /// No blank page between: the caller opens its next page at once, and
    /// a load of `about:blank` would only cost one more page load.
    async fn reset(&mut self) -> Result<()> {
        let r = pool::forget(self.client()).await;
        r.map_err(|e| self.session_error(e))
    }

    async fn cookies(&mut self, url: &str) -> Result<Vec<Cookie>> {
        let url = super::absolute(url)?;
        let v = self
            .cdp("Network.getCookies", json!({ "urls": [url.as_str()] }))
            .await?;
        let list = v["cookies"].as_array().cloned().unwrap_or_default();
        Ok(list
            .iter()
            .map(|c| Cookie {
                name: c["name"].as_str().unwrap_or_default().to_string(),
                value: c["value"].as_str().unwrap_or_default().to_string(),
            })
            .collect())
    }

    /// Over DevTools, so no page of the site need be open first (WebDriver's
    /// own "add cookie" works only for the current page's site).
    async fn add_cookies(&mut self, url: &str, cookies: &[Cookie]) -> Result<()> {
        let url = super::absolute(url)?;
        let site = url.join("/").map_err(|e| DriveError::Transport {
            url: shown_url(url.as_str()),
            why: e.to_string(),
        })?;
        let list: Vec<Value> = cookies
            .iter()
            .map(|c| {
                json!({
                    "name": c.name,
                    "value": c.value,
                    "url": site.as_str(),
                    "path": "/",
                    "httpOnly": true,
                    "sameSite": "Lax",
                })
            })
            .collect();
        match self
            .cdp("Network.setCookies", json!({ "cookies": list }))
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if self.session.is_broken() => Err(e),
            Err(e) => {
                // A grid that hides DevTools: WebDriver's own, which adds
                // cookies only for the site of the page showing.
                tracing::debug!("setting cookies over DevTools failed ({e}); using WebDriver's");
                self.goto(site.as_str()).await?;
                for c in cookies {
                    let mut cookie =
                        fantoccini::cookies::Cookie::new(c.name.clone(), c.value.clone());
                    cookie.set_path("/");
                    cookie.set_http_only(true);
                    let r = self.client().add_cookie(cookie).await;
                    r.map_err(|e| self.session_error(e))?;
                }
                Ok(())
            }
        }
    }

    async fn screenshot(&mut self, secrets: &[(String, String)]) -> Result<Option<Vec<u8>>> {
        let masked = self.mask_secrets(secrets).await?;
        let png = self.png().await;
        // Put back what was masked: the page may still be used.
        let same_page = self.unmask_secrets(&masked).await?;
        let png = png?;
        if !same_page {
            // The page moved on by itself between masking and the shot:
            // what it shows was never masked, so it is not kept.
            tracing::debug!("screenshot dropped: the page changed while it was taken");
            return Ok(None);
        }
        Ok(Some(png))
    }
}

/// A script interrupted because the page navigated away.
fn unloading(why: &str) -> bool {
    [
        "unloaded",
        "detached",
        "navigat",
        "Execution context was destroyed",
        "Cannot find context with specified id",
    ]
    .iter()
    .any(|m| why.contains(m))
}

/// The session or the browser is gone: nothing more can be done in it.
pub(crate) fn is_session_lost(e: &CmdError) -> bool {
    match e {
        CmdError::Standard(w) => {
            use fantoccini::error::ErrorStatus::*;
            matches!(w.error, InvalidSessionId | NoSuchWindow | SessionNotCreated)
                || [
                    "session deleted",
                    "not reachable",
                    "disconnected",
                    "crash",
                    "target window already closed",
                ]
                .iter()
                .any(|m| w.message.contains(m))
        }
        CmdError::Lost(_) | CmdError::Failed(_) | CmdError::FailedC(_) => true,
        _ => false,
    }
}

/// A WebDriver error in one line, without the stack trace.
pub(crate) fn describe(e: &CmdError) -> String {
    let s = match e {
        CmdError::Standard(w) => format!("{}: {}", w.error, w.message),
        other => other.to_string(),
    };
    s.lines().next().unwrap_or_default().trim().to_string()
}
