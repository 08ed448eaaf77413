//! One way for steps to work a web page, whatever is underneath: plain HTTP
//! (`http`, reqwest + cookie jar + HTML parser) or a real browser over
//! WebDriver (`browser`, fantoccini + Chromium). Steps and page objects see
//! only [`Driver`].
//!
//! Selectors are CSS selectors. Every interaction acts on the first element
//! matching the selector that is *visible* (a person cannot click what they
//! cannot see); an element that is absent or hidden is an error that names
//! the selector.

pub mod browser;
pub mod http;

use async_trait::async_trait;
use std::fmt;
use std::time::Duration;

/// What went wrong while working a page. Messages name the selector and the
/// page; the step that called adds the FAQ step (`steps::world::browse`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DriveError {
    /// No visible element matches the selector on the current page.
    NotFound { selector: String, page: String },
    /// The element is not visible and the page cannot change by itself: no
    /// script runs (HTTP driver) and the page does not refresh, so waiting
    /// would only pass time.
    WillNotAppear { selector: String, page: String },
    /// Waited for the selector to be visible, and it never was.
    Timeout {
        selector: String,
        waited: Duration,
        page: String,
    },
    /// Waited for the page to move on from the selector, and it never did.
    StillShown {
        selector: String,
        waited: Duration,
        page: String,
    },
    /// The element is there but cannot take this action (e.g. typing into a
    /// link, choosing an option a `<select>` does not have).
    Unusable { selector: String, why: String },
    /// The selector is not valid CSS.
    BadSelector { selector: String, why: String },
    /// The server or the network failed (connection refused, HTTP 5xx page
    /// that is not HTML, …).
    Transport { url: String, why: String },
    /// The browser or WebDriver went away.
    Session(String),
    /// No browser session could be started, even on a second try with a
    /// fresh profile.
    BrowserStart(String),
}

/// Whose fault a failed step is: the documented procedure's (the page did
/// not do what the FAQ says), or the machinery's (a browser that would not
/// start or went away). Reports keep them apart, so a flaky machine is
/// never read as documentation drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    Documentation,
    Infrastructure,
}

impl FailureKind {
    /// How an infrastructure failure's message starts, in every report
    /// (console, JUnit, Cucumber JSON, summary): the one place the kind is
    /// written, and read back by [`FailureKind::of_message`].
    pub const INFRASTRUCTURE_PREFIX: &'static str = "infrastructure error: ";

    /// The kind a step's failure message was written with.
    pub fn of_message(message: &str) -> FailureKind {
        if message.starts_with(Self::INFRASTRUCTURE_PREFIX) {
            FailureKind::Infrastructure
        } else {
            FailureKind::Documentation
        }
    }
}

impl DriveError {
    /// A browser or WebDriver that failed is the machinery's fault; every
    /// other error is what the page did.
    pub fn kind(&self) -> FailureKind {
        match self {
            DriveError::Session(_) | DriveError::BrowserStart(_) => FailureKind::Infrastructure,
            _ => FailureKind::Documentation,
        }
    }
}

impl fmt::Display for DriveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DriveError::NotFound { selector, page } => {
                write!(f, "no visible element matches `{selector}` on {page}")
            }
            DriveError::Timeout {
                selector,
                waited,
                page,
            } => write!(
                f,
                "waited {:.1} s for `{selector}` to be visible, but it never was; the page is {page}",
                waited.as_secs_f64()
            ),
            DriveError::StillShown {
                selector,
                waited,
                page,
            } => write!(
                f,
                "waited {:.1} s for the page to move on from `{selector}`, but it still shows it; the page is {page}",
                waited.as_secs_f64()
            ),
            DriveError::WillNotAppear { selector, page } => write!(
                f,
                "no visible element matches `{selector}` on {page}, and that page cannot change by itself (no script runs over HTTP and it does not refresh)"
            ),
            DriveError::Unusable { selector, why } => write!(f, "`{selector}`: {why}"),
            DriveError::BadSelector { selector, why } => {
                write!(f, "`{selector}` is not a valid CSS selector: {why}")
            }
            DriveError::Transport { url, why } => write!(f, "could not load {url}: {why}"),
            DriveError::Session(why) => write!(f, "the browser session failed: {why}"),
            DriveError::BrowserStart(why) => write!(f, "browser could not start: {why}"),
        }
    }
}

impl std::error::Error for DriveError {}

pub type Result<T> = std::result::Result<T, DriveError>;

/// How long interactions wait for an element to become visible by default.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(5);

/// How a driver walks pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriverKind {
    /// Plain HTTP: no scripts, no screenshots.
    Http,
    /// A real browser over WebDriver.
    Browser,
}

impl DriverKind {
    /// As reports and `--driver` name it.
    pub fn name(self) -> &'static str {
        match self {
            DriverKind::Http => "http",
            DriverKind::Browser => "browser",
        }
    }
}

/// What a person does with a web page.
#[async_trait]
pub trait Driver: Send + Sync {
    fn kind(&self) -> DriverKind;
    /// Whether pages' scripts run. Without scripts a person takes the page's
    /// no-script path (e.g. presses "continue" on the call-wait page).
    fn runs_scripts(&self) -> bool;

    /// Opens a URL (absolute, or relative to the current page).
    async fn goto(&mut self, url: &str) -> Result<()>;
    /// The current page's URL, after redirects.
    async fn url(&mut self) -> Result<String>;
    /// The current page's `<title>`.
    async fn title(&mut self) -> Result<String>;

    /// Clears a text field (`input`, `textarea`) and types `value` into it.
    async fn fill(&mut self, selector: &str, value: &str) -> Result<()>;
    /// Picks the option of a `<select>` whose value or visible label is `option`.
    async fn choose(&mut self, selector: &str, option: &str) -> Result<()>;
    /// Ticks a radio button or checkbox (clicking it if it is not ticked yet).
    async fn tick(&mut self, selector: &str) -> Result<()>;
    /// Clicks a link, button, submit input or `<summary>`; follows what the
    /// click causes (navigation, form submission, opening a `<details>`).
    async fn click(&mut self, selector: &str) -> Result<()>;

    /// Visible text of the first visible element matching `selector`,
    /// whitespace collapsed.
    async fn text(&mut self, selector: &str) -> Result<String>;
    /// Visible texts of every visible element matching `selector`.
    async fn texts(&mut self, selector: &str) -> Result<Vec<String>>;
    /// The current value of a form field (or, for other elements, their text).
    async fn value(&mut self, selector: &str) -> Result<String>;
    /// An attribute of the first element matching `selector`, visible or not.
    async fn attribute(&mut self, selector: &str, name: &str) -> Result<Option<String>>;
    /// Whether some element matching `selector` is visible now.
    async fn is_visible(&mut self, selector: &str) -> Result<bool>;
    /// All visible text of the page body, whitespace collapsed.
    async fn page_text(&mut self) -> Result<String>;
    /// The page's HTML as the driver holds it (for failure reports).
    async fn html(&mut self) -> Result<String>;

    /// Waits, at most `timeout`, until an element matching `selector` is
    /// visible; a page that refreshes itself is followed meanwhile.
    async fn wait_for(&mut self, selector: &str, timeout: std::time::Duration) -> Result<()>;

    /// Waits, at most `timeout`, until no element matching `selector` is
    /// visible: a page that moves on by itself (the call-wait page) has
    /// moved on. Without scripts a page cannot, so a visible match is an
    /// error at once.
    async fn wait_gone(&mut self, selector: &str, timeout: Duration) -> Result<()> {
        if self.is_visible(selector).await? {
            return Err(DriveError::StillShown {
                selector: selector.to_string(),
                waited: Duration::ZERO,
                page: shown_url(&self.url().await?),
            });
        }
        let _ = timeout;
        Ok(())
    }

    /// A PNG of what the page looks like, where the driver can render one
    /// (the HTTP driver cannot).
    /// `secrets` (text, label) are masked on the page while it is taken,
    /// so no password or code reaches a report.
    async fn screenshot(&mut self, secrets: &[(String, String)]) -> Result<Option<Vec<u8>>> {
        let _ = secrets;
        Ok(None)
    }

    /// Forgets cookies and storage, as a fresh browser has none, before
    /// the next `goto`. (The page showing may stay until then; sessions
    /// lent to a new scenario are also left on `about:blank`.)
    async fn reset(&mut self) -> Result<()>;

    /// The cookies this browser would send to `url`: a signed-in session,
    /// to hand to another driver ([`Driver::add_cookies`]).
    async fn cookies(&mut self, url: &str) -> Result<Vec<Cookie>>;
    /// Takes cookies for `url`'s site as if the site had set them
    /// (`Path=/; HttpOnly; SameSite=Lax`, as the tenant sets its own), even
    /// before any page of it is open.
    async fn add_cookies(&mut self, url: &str, cookies: &[Cookie]) -> Result<()>;
}

/// A cookie handed from one driver to another. Its value is a session
/// token: `Debug` shows only the name.
#[derive(Clone, PartialEq, Eq)]
pub struct Cookie {
    pub name: String,
    pub value: String,
}

impl fmt::Debug for Cookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cookie({}=…)", self.name)
    }
}

/// `url` as an absolute URL, or the error naming it.
fn absolute(url: &str) -> Result<url::Url> {
    url::Url::parse(url).map_err(|e| DriveError::Transport {
        url: shown_url(url),
        why: format!("not a valid absolute URL: {e}"),
    })
}

/// What the run's actors open when they need a browser.
#[derive(Debug, Clone)]
pub enum Browsers {
    /// Plain HTTP: fast, no scripts, no screenshots.
    Http,
    /// A real browser session from the run's pool.
    Real(std::sync::Arc<browser::BrowserPool>),
}

impl Browsers {
    pub fn kind(&self) -> DriverKind {
        match self {
            Browsers::Http => DriverKind::Http,
            Browsers::Real(_) => DriverKind::Browser,
        }
    }

    /// A fresh browser for one actor of one scenario.
    pub async fn open(&self) -> Result<Box<dyn Driver>> {
        Ok(match self {
            Browsers::Http => Box::new(http::HttpDriver::new()),
            Browsers::Real(pool) => Box::new(browser::BrowserDriver::new(pool.lease().await?)),
        })
    }
}

/// Why a person could not click the element now, if they could not: it
/// is not visible (hidden, or behind an open dialog), disabled, or marked
/// `aria-disabled`. A quick step asks before it clicks, so its failure
/// names the reason instead of a click that did nothing.
pub async fn why_not_clickable(
    driver: &mut dyn Driver,
    selector: &str,
) -> Result<Option<&'static str>> {
    if !driver.is_visible(selector).await? {
        return Ok(Some("it is not visible"));
    }
    if driver.attribute(selector, "disabled").await?.is_some() {
        return Ok(Some("it is disabled"));
    }
    let aria = driver.attribute(selector, "aria-disabled").await?;
    if aria.is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return Ok(Some("it is marked aria-disabled"));
    }
    Ok(None)
}

/// A URL as messages, logs and reports show it: no user-info, no
/// fragment, secret query values masked ([`crate::redact::url::shown`]).
pub fn shown_url(url: &str) -> String {
    crate::redact::url::shown(url)
}

/// Collapses runs of whitespace to one space and trims the ends, as a
/// browser renders text.
pub fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
