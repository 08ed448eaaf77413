//! A bounded pool of browser sessions, reused across scenarios.
//!
//! Starting a browser costs about a second; clearing one costs a few
//! milliseconds. So sessions are kept and lent again, with their cookies
//! and storage cleared and the page left, so no scenario sees another's
//! state (each scenario also has its own tenant, on its own port).
//!
//! The bound is on open sessions. A scenario holds one session per actor
//! (admin, user), so [`BrowserPool::size_for_scenarios`] sizes the pool at
//! two per scenario running at once: no scenario waits for a session.

use super::chromedriver::{ChromeDriver, Installation};
use super::{describe, is_session_lost};
use crate::drive::DriveError;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The Chromium flags headless runs need on a CI machine or in a container.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--window-size=1280,900",
    // A page load without these costs a quarter more CPU: the back/forward
    // cache keeps each page alive after it is left, and a new document (or
    // browsing instance) per navigation means new frames, often a new
    // renderer process. No scenario goes back, and Playwright turns these
    // off for the same reason.
    "--disable-features=BackForwardCache,ProactivelySwapBrowsingInstance,RenderDocument,PaintHolding",
];

/// Where sessions come from.
enum Endpoint {
    /// A chromedriver docproof started; it owns the profile directories.
    Local {
        driver: Box<Mutex<Option<ChromeDriver>>>,
        chromium: PathBuf,
        url: String,
    },
    /// A WebDriver server someone else runs (Selenium Grid, a cloud grid,
    /// a chromedriver started by hand).
    Remote(String),
}

pub struct BrowserPool {
    endpoint: Endpoint,
    permits: Arc<Semaphore>,
    idle: Mutex<Vec<Client>>,
    started: AtomicUsize,
    /// Session starts that failed once and were tried again.
    start_retries: AtomicUsize,
    /// How long each session took to start, for the benchmark and report.
    starts: Mutex<Vec<Duration>>,
    /// "chrome-headless-shell 156.0.8078.108": what the first session said
    /// it was, for the run's summary.
    browser: Mutex<Option<String>>,
    pub size: usize,
}

impl std::fmt::Debug for BrowserPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrowserPool")
            .field(
                "webdriver",
                &crate::redact::url::shown(self.webdriver_url()),
            )
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

impl BrowserPool {
    /// Starts chromedriver on this machine and a pool of `size` sessions.
    pub async fn local(install: &Installation, size: usize) -> Result<BrowserPool, String> {
        let driver = ChromeDriver::start(install).await?;
        let url = driver.url.clone();
        Ok(BrowserPool::new(
            Endpoint::Local {
                driver: Box::new(Mutex::new(Some(driver))),
                chromium: install.chromium.clone(),
                url,
            },
            size,
        ))
    }

    /// A pool of `size` sessions on a WebDriver server at `url`.
    pub async fn remote(url: &str, size: usize) -> Result<BrowserPool, String> {
        let url = url.trim_end_matches('/').to_string();
        let shown = crate::redact::url::shown(&url);
        let status = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| e.to_string())?
            .get(format!("{url}/status"))
            .send()
            .await;
        match status {
            Ok(r) if r.status().is_success() => {}
            Ok(r) => {
                return Err(format!(
                    "the WebDriver at {shown} answered /status with HTTP {}; check --webdriver",
                    r.status().as_u16()
                ))
            }
            Err(e) => {
                return Err(format!(
                    "no WebDriver answers at {shown} ({}); start one there or check --webdriver",
                    e.without_url()
                ))
            }
        }
        Ok(BrowserPool::new(Endpoint::Remote(url), size))
    }

    fn new(endpoint: Endpoint, size: usize) -> BrowserPool {
        let size = size.max(1);
        BrowserPool {
            endpoint,
            permits: Arc::new(Semaphore::new(size)),
            idle: Mutex::new(Vec::new()),
            started: AtomicUsize::new(0),
            start_retries: AtomicUsize::new(0),
            starts: Mutex::new(Vec::new()),
            browser: Mutex::new(None),
            size,
        }
    }

    /// The pool size for `scenarios` running at once, each with up to two
    /// actors at a browser (admin and user): one session per actor, so no
    /// scenario waits for another to finish before its second actor can
    /// start. (One spare session was enough to rule out a circular wait,
    /// but left one scenario idle in two, a fifth of the suite's time.)
    pub fn size_for_scenarios(scenarios: usize) -> usize {
        scenarios.max(1) * 2
    }

    pub fn webdriver_url(&self) -> &str {
        match &self.endpoint {
            Endpoint::Local { url, .. } => url,
            Endpoint::Remote(url) => url,
        }
    }

    /// The folder holding the browsers' profiles and chromedriver's log,
    /// when docproof started chromedriver.
    pub fn workdir(&self) -> Option<PathBuf> {
        match &self.endpoint {
            Endpoint::Local { driver, .. } => lock(driver).as_ref().map(|d| d.workdir.clone()),
            Endpoint::Remote(_) => None,
        }
    }

    /// The browser's name and version, once a session has started.
    pub fn browser(&self) -> Option<String> {
        lock(&self.browser).clone()
    }

    /// How many session starts failed once and were tried again with a
    /// fresh profile, for the run's summary.
    pub fn start_retries(&self) -> usize {
        self.start_retries.load(Ordering::Relaxed)
    }

    /// How long each session so far took to start.
    pub fn session_starts(&self) -> Vec<Duration> {
        lock(&self.starts).clone()
    }

    /// Lends a session: an idle one, cleared, or a new one. Waits while
    /// `size` sessions are lent out.
    pub async fn lease(self: &Arc<Self>) -> Result<Session, DriveError> {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| DriveError::Session("the browser pool is shut down".into()))?;
        loop {
            let Some(client) = lock(&self.idle).pop() else {
                break;
            };
            match clear(&client).await {
                Ok(()) => return Ok(self.session(client, permit)),
                // A session that died while idle is replaced.
                Err(_) => close_quietly(client),
            }
        }
        let client = self.start_session().await?;
        Ok(self.session(client, permit))
    }

    fn session(self: &Arc<Self>, client: Client, permit: OwnedSemaphorePermit) -> Session {
        Session {
            client: Some(client),
            pool: Arc::clone(self),
            broken: false,
            _permit: permit,
        }
    }

    /// Starts `n` sessions at once and leaves them idle, so the first
    /// scenarios do not each wait for a browser to start.
    pub async fn warm(self: &Arc<Self>, n: usize) -> Result<(), DriveError> {
        let leases = futures::future::join_all((0..n.min(self.size)).map(|_| self.lease())).await;
        for l in leases {
            l?;
        }
        Ok(())
    }

    /// Starts a browser session. On a loaded machine a new Chromium now
    /// and then exits before it answers ("Chrome instance exited"); the
    /// start is tried once more, with a fresh profile, and said so. A
    /// second failure is [`DriveError::BrowserStart`]: the machinery's
    /// fault, not the documentation's.
    async fn start_session(&self) -> Result<Client, DriveError> {
        let first = match self.try_start_session().await {
            Ok(client) => return Ok(client),
            Err(why) => why,
        };
        let retries = self.start_retries.fetch_add(1, Ordering::Relaxed) + 1;
        tracing::warn!(
            "a browser session did not start ({first}); trying once more with a fresh profile (retry {retries} of this run)"
        );
        self.try_start_session().await.map_err(|second| {
            DriveError::BrowserStart(format!(
                "tried twice, each with a fresh profile; first: {first}; then: {second}"
            ))
        })
    }

    /// One try at starting a session, in a profile folder of its own.
    async fn try_start_session(&self) -> Result<Client, String> {
        let n = self.started.fetch_add(1, Ordering::Relaxed);
        let shell = match &self.endpoint {
            Endpoint::Local { chromium, .. } => super::chromedriver::is_headless_shell(chromium),
            Endpoint::Remote(_) => false,
        };
        let mut caps = serde_json::Map::new();
        // chromedriver drives the headless shell only when told it is one.
        let browser_name = if shell {
            "chrome-headless-shell"
        } else {
            "chrome"
        };
        caps.insert("browserName".into(), json!(browser_name));
        caps.insert("pageLoadStrategy".into(), json!("normal"));
        caps.insert(
            "timeouts".into(),
            json!({"pageLoad": 30_000, "script": 10_000, "implicit": 0}),
        );
        let mut args: Vec<String> = CHROMIUM_FLAGS
            .iter()
            // The shell is headless already, and has no other mode.
            .filter(|f| !(shell && f.starts_with("--headless")))
            .map(|s| s.to_string())
            .collect();
        let mut options = serde_json::Map::new();
        if let Endpoint::Local {
            driver, chromium, ..
        } = &self.endpoint
        {
            if let Some(d) = lock(driver).as_ref() {
                args.push(format!("--user-data-dir={}", d.profile_dir(n).display()));
            }
            options.insert("binary".into(), json!(chromium));
        }
        options.insert("args".into(), json!(args));
        // A new browser opens on the start page; Debian's Chromium makes that
        // a search engine's page that waits on the network (up to 5 s) before
        // the session answers at all. A blank page instead.
        options.insert(
            "prefs".into(),
            json!({
                "session.restore_on_startup": 4,
                "session.startup_urls": ["about:blank"],
                "homepage": "about:blank",
                "homepage_is_newtabpage": false,
            }),
        );
        caps.insert("goog:chromeOptions".into(), Value::Object(options));
        let started = Instant::now();
        let builder =
            ClientBuilder::rustls().map_err(|e| format!("cannot set up TLS for WebDriver: {e}"))?;
        let client = builder
            .clone()
            .capabilities(caps)
            .connect(self.webdriver_url())
            .await
            .map_err(|e| {
                format!(
                    "no session at {}: {}{}",
                    crate::redact::url::shown(self.webdriver_url()),
                    e.to_string().lines().next().unwrap_or_default(),
                    self.diagnostics()
                )
            })?;
        lock(&self.starts).push(started.elapsed());
        if let Some(caps) = client.capabilities() {
            let field = |k: &str| {
                caps.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_string()
            };
            lock(&self.browser).get_or_insert_with(|| {
                format!("{} {}", field("browserName"), field("browserVersion"))
            });
        }
        Ok(client)
    }

    /// Where to look when a session fails: chromedriver's log.
    pub fn diagnostics(&self) -> String {
        match &self.endpoint {
            Endpoint::Local { driver, .. } => lock(driver)
                .as_ref()
                .map(|d| format!("; chromedriver's log ends: {}", d.log_tail()))
                .unwrap_or_default(),
            Endpoint::Remote(url) => format!("; see the WebDriver server's log at {url}"),
        }
    }

    /// Closes every session and stops chromedriver, removing the browsers'
    /// profile directories.
    pub async fn shutdown(&self) {
        self.permits.close();
        let idle: Vec<Client> = std::mem::take(&mut *lock(&self.idle));
        futures::future::join_all(idle.into_iter().map(close)).await;
        if let Endpoint::Local { driver, .. } = &self.endpoint {
            let d = lock(driver).take();
            if let Some(d) = d {
                d.shutdown().await;
            }
        }
    }

    /// The synchronous last resort (Ctrl-C, a panic): kills chromedriver
    /// and its browsers and removes the profiles.
    pub fn kill(&self) {
        if let Endpoint::Local { driver, .. } = &self.endpoint {
            drop(lock(driver).take());
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Ends a session (its browser quits), giving up after 5 s.
async fn close(client: Client) {
    let _ = tokio::time::timeout(Duration::from_secs(5), client.close()).await;
}

/// [`close`], in the background (from `Drop` or a sync path).
fn close_quietly(client: Client) {
    if let Ok(rt) = tokio::runtime::Handle::try_current() {
        rt.spawn(close(client));
    }
}

/// A session lent to one actor of one scenario. Dropping it returns it to
/// the pool, unless it broke.
pub struct Session {
    client: Option<Client>,
    pool: Arc<BrowserPool>,
    broken: bool,
    _permit: OwnedSemaphorePermit,
}

impl Session {
    pub fn client(&self) -> &Client {
        self.client
            .as_ref()
            .expect("a session holds its client until dropped")
    }

    /// The browser went away: do not lend this session again.
    pub fn mark_broken(&mut self) {
        self.broken = true;
    }

    pub fn is_broken(&self) -> bool {
        self.broken
    }

    pub fn diagnostics(&self) -> String {
        self.pool.diagnostics()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            if self.broken {
                close_quietly(client);
            } else {
                lock(&self.pool.idle).push(client);
            }
        }
    }
}

/// A Chrome DevTools command through chromedriver (`goog/cdp/execute`):
/// what WebDriver cannot do, such as clearing the cookies of every site
/// (WebDriver sees only the current page's) or setting a site's cookies
/// before any page of it is open.
pub(crate) struct Cdp {
    pub cmd: &'static str,
    pub params: Value,
}

impl Cdp {
    pub fn new(cmd: &'static str) -> Cdp {
        Cdp {
            cmd,
            params: json!({}),
        }
    }
}

/// The command only: parameters may carry cookies.
impl std::fmt::Debug for Cdp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Cdp({})", self.cmd)
    }
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({"cmd": self.cmd, "params": self.params}).to_string()),
        )
    }
}

/// Makes a session as a fresh browser: [`forget`], then the page left for
/// a blank one, so nothing of the last scenario shows.
pub async fn clear(client: &Client) -> Result<(), fantoccini::error::CmdError> {
    forget(client).await?;
    client.goto("about:blank").await
}

/// Forgets what sites could know this browser by: the storage of the page
/// showing (the script shrugs off a page without any, such as
/// `about:blank`) and every site's cookies.
pub async fn forget(client: &Client) -> Result<(), fantoccini::error::CmdError> {
    client.execute(super::script::CLEAR_STORAGE, vec![]).await?;
    if let Err(e) = client
        .issue_cmd(Cdp::new("Network.clearBrowserCookies"))
        .await
    {
        if is_session_lost(&e) {
            return Err(e);
        }
        // Not a Chromium (or the grid hides DevTools): WebDriver's own.
        tracing::debug!(
            "clearing cookies over DevTools failed ({}); using WebDriver's",
            describe(&e)
        );
        client.delete_all_cookies().await?;
    }
    Ok(())
}
