//! [`Driver`] over plain HTTP: a browser without JavaScript. Requests go
//! through reqwest with a cookie jar; pages are parsed with `scraper`; what
//! the person types, ticks and opens is kept beside the page until the next
//! navigation.
//!
//! The one script it stands in for is a menu button's: clicking a
//! `<button aria-haspopup aria-controls>` opens or closes the popup it
//! controls (`hidden` until then), as the small script on Microsoft's pages
//! (and the simulator's) does.

mod act;
mod dom;
mod form;

use super::{Cookie, DriveError, Driver, Result};
use act::Change;
use async_trait::async_trait;
use dom::Page;
use form::{Method, Submission};
use reqwest::cookie::{CookieStore as _, Jar};
use reqwest::header::{self, HeaderMap, HeaderValue};
use std::sync::Arc;
use std::time::{Duration, Instant};
use url::Url;

const USER_AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Bounds on the wait between reloads of a self-refreshing page.
const MIN_RELOAD: Duration = Duration::from_millis(50);
const MAX_RELOAD: Duration = Duration::from_secs(1);

/// A browser without JavaScript, over HTTP.
pub struct HttpDriver {
    client: reqwest::Client,
    /// The client's cookie jar; `reset` replaces both.
    jar: Arc<Jar>,
    /// `about:blank` until something is opened.
    page: Page,
    opened: bool,
}

impl Default for HttpDriver {
    fn default() -> Self {
        Self::new()
    }
}

impl HttpDriver {
    pub fn new() -> HttpDriver {
        let jar = Arc::new(Jar::default());
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static(ACCEPT));
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("en-US,en;q=0.9"),
        );
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .user_agent(USER_AGENT)
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::limited(10))
            .timeout(REQUEST_TIMEOUT)
            .build()
            .expect("reqwest client with static settings builds");
        HttpDriver {
            client,
            jar,
            page: Page::blank(),
            opened: false,
        }
    }

    /// Loads a page and makes it current. HTTP error pages become the page
    /// too (a person sees them); only a failed exchange is an error.
    async fn load(&mut self, s: Submission) -> Result<()> {
        let Submission { method, url, body } = s;
        tracing::debug!(method = ?method, path = url.path(), "http driver request");
        let mut req = match method {
            Method::Get => self.client.get(url.clone()),
            Method::Post => self.client.post(url.clone()),
        };
        if self.opened && matches!(self.page.url.scheme(), "http" | "https") {
            let mut referer = self.page.url.clone();
            referer.set_fragment(None);
            req = req.header(header::REFERER, referer.as_str());
            if method == Method::Post {
                req = req.header(header::ORIGIN, self.page.url.origin().ascii_serialization());
            }
        }
        if let Some(body) = body {
            req = req
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body);
        }
        let transport = |e: reqwest::Error| DriveError::Transport {
            url: redact(&url),
            why: describe_error(&e),
        };
        let resp = req.send().await.map_err(transport)?;
        let final_url = resp.url().clone();
        let status = resp.status().as_u16();
        let header_text = |name| {
            resp.headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header_text(header::CONTENT_TYPE).unwrap_or_default();
        let refresh = header_text(header::REFRESH);
        let body = resp.text().await.map_err(transport)?;
        self.page = Page::new(final_url, status, &content_type, body, refresh);
        self.opened = true;
        Ok(())
    }

    /// Applies an action's outcome, following any navigation it causes.
    async fn apply(&mut self, change: Change) -> Result<()> {
        match change.apply(&mut self.page.state) {
            Some(s) => self.load(s).await,
            None => Ok(()),
        }
    }

    /// Looks for `selector` on the page as it is now.
    fn check(&self, css: &str) -> Result<Check> {
        let sel = dom::selector(css)?;
        let d = self.page.dom();
        Ok(Check {
            visible: d.html.select(&sel).any(|e| d.is_visible(e)),
            refresh: d.refresh(),
            page: d.describe(),
        })
    }
}

/// What [`HttpDriver::check`] saw.
struct Check {
    visible: bool,
    /// The page's own refresh: delay and target.
    refresh: Option<(Duration, Url)>,
    page: String,
}

/// The URL without its query, which can carry tokens.
fn redact(url: &Url) -> String {
    crate::drive::shown_url(url.as_str())
}

/// reqwest's error with its causes (the useful part is usually innermost).
fn describe_error(e: &reqwest::Error) -> String {
    let mut why = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        why.push_str(": ");
        why.push_str(&s.to_string());
        source = s.source();
    }
    why
}

#[async_trait]
impl Driver for HttpDriver {
    fn kind(&self) -> crate::drive::DriverKind {
        crate::drive::DriverKind::Http
    }

    fn runs_scripts(&self) -> bool {
        false
    }

    async fn goto(&mut self, url: &str) -> Result<()> {
        let target = match Url::parse(url) {
            Ok(u) => u,
            Err(url::ParseError::RelativeUrlWithoutBase) if self.opened => {
                let base = self.page.dom().base();
                base.join(url).map_err(|e| DriveError::Transport {
                    url: url.to_string(),
                    why: format!("not a valid URL: {e}"),
                })?
            }
            Err(url::ParseError::RelativeUrlWithoutBase) => {
                return Err(DriveError::Transport {
                    url: url.to_string(),
                    why: "a relative URL needs a current page to resolve against, and none is open"
                        .into(),
                })
            }
            Err(e) => {
                return Err(DriveError::Transport {
                    url: url.to_string(),
                    why: format!("not a valid URL: {e}"),
                })
            }
        };
        self.load(Submission {
            method: Method::Get,
            url: target,
            body: None,
        })
        .await
    }

    async fn url(&mut self) -> Result<String> {
        Ok(self.page.url.to_string())
    }

    async fn title(&mut self) -> Result<String> {
        Ok(self.page.dom().title())
    }

    async fn fill(&mut self, selector: &str, value: &str) -> Result<()> {
        let change = act::fill(&self.page.dom(), selector, value)?;
        self.apply(change).await
    }

    async fn choose(&mut self, selector: &str, option: &str) -> Result<()> {
        let change = act::choose(&self.page.dom(), selector, option)?;
        self.apply(change).await
    }

    async fn tick(&mut self, selector: &str) -> Result<()> {
        let change = act::tick(&self.page.dom(), selector)?;
        self.apply(change).await
    }

    async fn click(&mut self, selector: &str) -> Result<()> {
        let change = act::click(&self.page.dom(), selector)?;
        self.apply(change).await
    }

    async fn text(&mut self, selector: &str) -> Result<String> {
        let d = self.page.dom();
        let e = d.first_visible(selector)?;
        Ok(d.text(e))
    }

    async fn texts(&mut self, selector: &str) -> Result<Vec<String>> {
        let sel = dom::selector(selector)?;
        let d = self.page.dom();
        let texts = d
            .html
            .select(&sel)
            .filter(|e| d.is_visible(*e))
            .map(|e| d.text(e))
            .collect();
        Ok(texts)
    }

    async fn value(&mut self, selector: &str) -> Result<String> {
        let d = self.page.dom();
        let e = d.first_visible(selector)?;
        Ok(d.value(e))
    }

    async fn attribute(&mut self, selector: &str, name: &str) -> Result<Option<String>> {
        let sel = dom::selector(selector)?;
        let d = self.page.dom();
        let e = d
            .html
            .select(&sel)
            .next()
            .ok_or_else(|| d.not_found(selector))?;
        Ok(d.attr(e, name))
    }

    async fn is_visible(&mut self, selector: &str) -> Result<bool> {
        Ok(self.check(selector)?.visible)
    }

    async fn page_text(&mut self) -> Result<String> {
        Ok(self.page.dom().page_text())
    }

    async fn html(&mut self) -> Result<String> {
        Ok(self.page.body.clone())
    }

    /// Without scripts a page changes only by reloading itself (a meta
    /// refresh or `Refresh` header), which is followed here at most once a
    /// second. A page that does not refresh itself cannot change, so this
    /// gives up at once ([`DriveError::WillNotAppear`]).
    async fn wait_for(&mut self, selector: &str, timeout: Duration) -> Result<()> {
        let start = Instant::now();
        loop {
            let Check {
                visible,
                refresh,
                page,
            } = self.check(selector)?;
            if visible {
                return Ok(());
            }
            let waited = start.elapsed();
            let timed_out = || DriveError::Timeout {
                selector: selector.to_string(),
                waited,
                page: page.clone(),
            };
            let Some((delay, url)) = refresh else {
                return Err(DriveError::WillNotAppear {
                    selector: selector.to_string(),
                    page,
                });
            };
            let delay = delay.clamp(MIN_RELOAD, MAX_RELOAD);
            if waited + delay > timeout {
                return Err(timed_out());
            }
            tokio::time::sleep(delay).await;
            self.load(Submission {
                method: Method::Get,
                url,
                body: None,
            })
            .await?;
        }
    }

    async fn reset(&mut self) -> Result<()> {
        *self = HttpDriver::new();
        Ok(())
    }

    async fn cookies(&mut self, url: &str) -> Result<Vec<Cookie>> {
        let url = super::absolute(url)?;
        let header = self.jar.cookies(&url);
        let pairs = header.as_ref().and_then(|h| h.to_str().ok()).unwrap_or("");
        Ok(pairs
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .map(|(name, value)| Cookie {
                name: name.to_string(),
                value: value.to_string(),
            })
            .collect())
    }

    async fn add_cookies(&mut self, url: &str, cookies: &[Cookie]) -> Result<()> {
        let url = super::absolute(url)?;
        for c in cookies {
            let set = format!("{}={}; Path=/; HttpOnly; SameSite=Lax", c.name, c.value);
            self.jar.add_cookie_str(&set, &url);
        }
        Ok(())
    }
}
