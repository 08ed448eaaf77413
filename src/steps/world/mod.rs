//! The scenario's world: its own tenant on port 0, the user's phone (on the
//! tenant's telephony provider), one browser per actor, the accounts it may
//! use, and the transcript of what was seen. Steps drive the tenant only over HTTP;
//! they read tenant state only to assert.

pub mod backup_app;
pub mod browse;
pub mod graph;
pub mod labels;
pub mod settle;

use crate::doc::trace::{self, DocStep};
use crate::drive::{Browsers, Cookie, Driver};
use crate::pages::Sites;
use crate::phone::Phone;
use crate::report::transcript::Transcript;
use crate::target::Target;
use anyhow::{anyhow, Context as _};
use cucumber::gherkin::Step;
use docproof_contract::domain::Secret;
use docproof_contract::twilio;
use docproof_simulator::{RunningTenant, Settings, TenantFile};
use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, RwLock};
use std::time::Duration;

/// What every scenario of a run shares.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The seed every scenario's simulator starts from.
    pub seed: TenantFile,
    /// The accounts and Graph app the steps use.
    pub target: Arc<Target>,
    /// How long an interaction waits for an element to be visible.
    pub wait: Duration,
    /// How long a step waits for the phone to receive a text or call.
    pub phone_wait: Duration,
    /// Extra time, beyond the configured propagation delay, that a step
    /// waits for a settings change to take effect (FAQ 4.1).
    pub settle_margin: Duration,
    /// What an actor's browser is: plain HTTP or a real browser session.
    pub browsers: Browsers,
    /// Where screenshots and failure artefacts go (the report folder).
    pub report: PathBuf,
    /// The FAQ, for the labels its steps quote (checked on the pages).
    pub doc: Option<Arc<crate::doc::Doc>>,
    /// Labels the pages spell with other case or spacing, each once.
    pub label_warnings: labels::LabelWarnings,
}

impl RunConfig {
    pub fn new(seed: TenantFile, target: Target) -> RunConfig {
        RunConfig {
            seed,
            target: Arc::new(target),
            wait: crate::drive::DEFAULT_WAIT,
            phone_wait: Duration::from_secs(5),
            settle_margin: Duration::from_secs(3),
            browsers: Browsers::Http,
            report: PathBuf::from("target/docproof"),
            doc: None,
            label_warnings: Default::default(),
        }
    }
}

/// cucumber builds each world with no arguments, so the run's configuration
/// reaches it through here. One run at a time per process: `run::run`
/// holds [`RUN_LOCK`] while its scenarios run.
static CONFIG: LazyLock<RwLock<Option<Arc<RunConfig>>>> = LazyLock::new(Default::default);

/// Held by a run for its whole length, so runs in one process take turns.
pub static RUN_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Sets the configuration the next scenarios start with.
pub fn configure(config: RunConfig) {
    *CONFIG.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(config));
}

fn config() -> anyhow::Result<Arc<RunConfig>> {
    CONFIG
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .ok_or_else(|| anyhow!("docproof is not configured: start scenarios through docproof::run"))
}

/// One HTTP client for the API calls steps make (Graph, EWS): reqwest
/// clients pool connections and are costly to build, and the FAQ 4.1
/// retries sign in many times.
static API: LazyLock<reqwest::Client> = LazyLock::new(|| {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a plain reqwest client always builds")
});

/// The client for Graph and EWS calls (cheap to clone).
pub fn api() -> reqwest::Client {
    API.clone()
}

/// Who is at the keyboard. Each has their own browser (cookies, session).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    Admin,
    User,
}

pub use crate::target::Account;

/// The step being carried out now.
#[derive(Debug, Clone, Default)]
pub struct Current {
    pub doc: Option<DocStep>,
    pub line: usize,
}

#[derive(cucumber::World)]
#[world(init = Self::new)]
pub struct DocWorld {
    pub config: Arc<RunConfig>,
    /// The feature file this scenario comes from.
    pub feature_path: PathBuf,
    /// `<feature file stem>__<scenario slug>`: names its transcript,
    /// screenshots and failure artefacts.
    pub scenario_name: String,
    pub current: Current,
    /// The actor whose browser the current FAQ step used last.
    pub looked_at: Option<Actor>,
    /// The actor whose browser was used last (failure artefacts).
    pub last_actor: Option<Actor>,
    /// Screenshots taken so far, by FAQ step (a step seen twice gets `-2`).
    pub shots: HashMap<String, usize>,
    /// The labels the current FAQ step quotes, and whether pages showed them.
    pub labels: labels::LabelCheck,
    /// How many steps called [`DocWorld::at`]; checked after the scenario.
    pub steps_begun: usize,
    pub transcript: Transcript,
    /// Applied when the tenant starts (it starts at first use).
    pub settings: Settings,
    tenant: Option<RunningTenant>,
    phone: Option<Phone>,
    browsers: HashMap<Actor, Box<dyn Driver>>,
    /// The account the user of this scenario signs in with.
    pub user: Option<String>,
    /// The app password copied at FAQ 3.1.4 / 3.2.4, by account.
    pub app_passwords: HashMap<String, Secret>,
    /// Texts and calls already looked at, by phone number.
    pub texts_read: HashMap<String, usize>,
    pub calls_read: HashMap<String, usize>,
    /// The last verification code read from a text.
    pub code: Option<Secret>,
    /// The last call the phone rang with.
    pub call: Option<crate::phone::PlacedCall>,
    /// The call on the line asks for keys again, after a wrong key.
    pub call_asking: bool,
    /// When this scenario last changed a setting (MFA status), for FAQ 4.1.
    pub changed_at: Option<std::time::Instant>,
    /// When the user's last browser sign-in reached its outcome page.
    pub signed_in_at: Option<std::time::Instant>,
    /// The backup app's last sign-in result.
    pub backup_app: Option<backup_app::Attempt>,
}

impl fmt::Debug for DocWorld {
    // Deliberately short: worlds are printed in failure reports, and must
    // not carry secrets there.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DocWorld")
            .field("feature", &self.feature_path)
            .field("step", &self.current)
            .field("tenant", &self.tenant.as_ref().map(|t| t.base_url.clone()))
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl DocWorld {
    async fn new() -> anyhow::Result<DocWorld> {
        let config = config()?;
        Ok(DocWorld {
            config,
            feature_path: PathBuf::new(),
            scenario_name: String::new(),
            current: Current::default(),
            looked_at: None,
            last_actor: None,
            shots: HashMap::new(),
            labels: Default::default(),
            steps_begun: 0,
            transcript: Transcript::default(),
            // The call-wait page polls every second, as Microsoft's does;
            // a browser run need not idle that long after each call.
            settings: Settings {
                poll_interval: Duration::from_millis(100),
                ..Settings::default()
            },
            tenant: None,
            phone: None,
            browsers: HashMap::new(),
            user: None,
            app_passwords: HashMap::new(),
            texts_read: HashMap::new(),
            calls_read: HashMap::new(),
            code: None,
            call: None,
            call_asking: false,
            changed_at: None,
            signed_in_at: None,
            backup_app: None,
        })
    }

    /// Every step starts here: it notes which FAQ step it carries out, for
    /// the transcript and for every error message. When the FAQ step
    /// changes, the page the last one left is photographed, and the labels
    /// it quotes must have been shown ([`labels`]).
    pub async fn at(&mut self, step: &Step) -> anyhow::Result<()> {
        let doc = trace::cited(step);
        let changed = self.current.doc != doc;
        if changed {
            self.screenshot_doc_step().await;
        }
        let text = format!("{}{}", trace::plain_keyword(step), step.value);
        self.transcript.step(doc.clone(), &text);
        self.current = Current {
            doc,
            line: step.position.line,
        };
        self.steps_begun += 1;
        match self.labels_at_step(changed, &step.value) {
            Some(unseen) => Err(unseen),
            None => Ok(()),
        }
    }

    /// "FAQ step 3.1.4 (features/x.feature:12): " — the prefix of every
    /// failure message.
    pub fn cite(&self) -> String {
        let place = format!("{}:{}", self.feature_path.display(), self.current.line);
        match &self.current.doc {
            Some(d) => format!("FAQ step {d} ({place})"),
            None => format!("set-up step ({place})"),
        }
    }

    /// An error naming the FAQ step. Known secrets are masked, as in the
    /// transcript: failure messages end up in reports. When a browser is
    /// open, the message ends with where the page is saved if the scenario
    /// fails ([`DocWorld::finish`] writes it there).
    pub fn fail(&self, msg: impl fmt::Display) -> anyhow::Error {
        let saved = match self.failure_artefacts() {
            Some(a) => format!("\n{}", a.describe()),
            None => String::new(),
        };
        let during = if self.failing_in_set_up() {
            " (in set-up walked over plain HTTP, to hand the session to the browser)"
        } else {
            ""
        };
        anyhow!(
            "{}: {}{during}{saved}",
            self.cite(),
            self.transcript.redactor.redact(&msg.to_string())
        )
    }

    /// The scenario's tenant, started on first use with the settings so far.
    pub async fn tenant(&mut self) -> anyhow::Result<&RunningTenant> {
        if self.tenant.is_none() {
            let running = docproof_simulator::spawn(
                self.config.seed.clone(),
                self.settings.clone(),
                "127.0.0.1:0".parse().expect("valid address"),
            )
            .await
            .context("starting the scenario's tenant simulator")?;
            // The phone talks to the tenant's telephony provider, by
            // default the simulator's virtual carrier, with its account.
            let telephony = &self.settings.telephony;
            let provider = telephony
                .base_url
                .clone()
                .unwrap_or_else(|| format!("{}{}", running.base_url, twilio::VIRTUAL_CARRIER));
            self.phone = Some(Phone::new(
                &provider,
                &telephony.account_sid,
                telephony.auth_token.clone(),
            ));
            self.tenant = Some(running);
        }
        Ok(self.tenant.as_ref().expect("just started"))
    }

    /// Whether a settings change made in this scenario may not have taken
    /// effect yet (FAQ 4.1).
    pub fn change_in_flight(&self) -> bool {
        let delay = self.settings.propagation_delay + self.settings.propagation_jitter;
        self.changed_at.is_some_and(|t| t.elapsed() < delay)
    }

    /// Whether the tenant has started (settings can no longer change).
    pub fn tenant_started(&self) -> bool {
        self.tenant.is_some()
    }

    pub async fn sites(&mut self) -> anyhow::Result<Sites> {
        let base = self.tenant().await?.base_url.clone();
        Ok(Sites::simulator(&base))
    }

    /// The user's phone, on the provider the tenant texts and calls
    /// through.
    pub async fn phone(&mut self) -> anyhow::Result<&Phone> {
        self.tenant().await?;
        Ok(self.phone.as_ref().expect("made with the tenant"))
    }

    /// The actor's browser, opened on first use (a real browser comes from
    /// the run's pool, and may wait for a free session).
    pub async fn browser(&mut self, actor: Actor) -> anyhow::Result<&mut dyn Driver> {
        if !self.browsers.contains_key(&actor) {
            let opened = self.config.browsers.open().await;
            let driver = opened.map_err(|e| self.fail(e))?;
            self.browsers.insert(actor, driver);
        }
        self.looked_at = Some(actor);
        self.last_actor = Some(actor);
        Ok(self
            .browsers
            .get_mut(&actor)
            .expect("just inserted")
            .as_mut())
    }

    /// Whether the actors' browsers are real ones (not plain HTTP).
    pub fn in_real_browser(&self) -> bool {
        matches!(self.config.browsers, Browsers::Real(_))
    }

    /// Runs set-up for `actor` (signing in, registering a phone: what no
    /// FAQ step describes); `set_up` returns the URL it ended on. Over
    /// HTTP it simply runs. In a real browser it runs in a browser without
    /// scripts, over plain HTTP — a page there costs microseconds, not a
    /// browser's 20–40 ms, and the same pages are walked in the real
    /// browser by the documented steps — and the actor's browser then gets
    /// the session's cookies and opens that URL, as it would be had it
    /// walked the set-up itself.
    pub async fn set_up<F>(&mut self, actor: Actor, set_up: F) -> anyhow::Result<()>
    where
        F: for<'w> FnOnce(
            &'w mut DocWorld,
        ) -> futures::future::LocalBoxFuture<'w, anyhow::Result<String>>,
    {
        if !self.in_real_browser() {
            return set_up(self).await.map(drop);
        }
        let (url, cookies) = self.over_http(actor, set_up).await?;
        let r = self.browser(actor).await?.add_cookies(&url, &cookies).await;
        r.map_err(|e| self.fail(e))?;
        self.goto(actor, &url).await
    }

    /// [`Self::set_up`]'s walk over plain HTTP: the URL it ended on and the
    /// cookies for it. On success the actor's real browser, if open, is put
    /// back; on failure the page the set-up stopped on stays the actor's,
    /// so the failure's saved HTML and URL are that page.
    async fn over_http<F>(
        &mut self,
        actor: Actor,
        set_up: F,
    ) -> anyhow::Result<(String, Vec<Cookie>)>
    where
        F: for<'w> FnOnce(
            &'w mut DocWorld,
        ) -> futures::future::LocalBoxFuture<'w, anyhow::Result<String>>,
    {
        let real = self
            .browsers
            .insert(actor, Box::new(crate::drive::http::HttpDriver::new()));
        let url = set_up(self).await?;
        let http = self.browsers.get_mut(&actor).expect("inserted above");
        let cookies = match http.cookies(&url).await {
            Ok(c) if c.is_empty() => Err(self.fail(format!(
                "the set-up ended with no cookie for {}: there is no session to hand to the browser",
                crate::drive::shown_url(&url)
            ))),
            Ok(c) => Ok(c),
            Err(e) => Err(self.fail(e)),
        }?;
        match real {
            Some(b) => self.browsers.insert(actor, b),
            None => self.browsers.remove(&actor),
        };
        Ok((url, cookies))
    }

    /// Whether the failing page is set-up walked over plain HTTP in a
    /// real-browser run: the only time a browser actor drives over HTTP.
    fn failing_in_set_up(&self) -> bool {
        self.in_real_browser()
            && self
                .last_actor
                .and_then(|a| self.browsers.get(&a))
                .is_some_and(|d| d.name() == "http")
    }

    /// An account by its short name ("o365.sms") or full UPN; its password
    /// is masked in the transcript from now on.
    pub fn account(&mut self, name: &str) -> anyhow::Result<Account> {
        let found = self.config.target.account(name).cloned();
        let account = found.map_err(|e| self.fail(e))?;
        self.transcript
            .redactor
            .learn(account.password.expose(), "password");
        Ok(account)
    }

    /// The account the scenario's user is signed in as (or signing in as).
    pub fn the_user(&mut self) -> anyhow::Result<Account> {
        let name = self
            .user
            .clone()
            .ok_or_else(|| self.fail("no user has signed in yet in this scenario"))?;
        self.account(&name)
    }

    /// Records something the current actor saw.
    pub fn saw(&mut self, what: &str, text: &str) {
        self.transcript.saw(what, text);
    }

    /// Screenshot of the page the current FAQ step left, if it used a
    /// browser: `screenshots/<scenario>/<FAQ step>.png` in the report.
    async fn screenshot_doc_step(&mut self) {
        let (Some(actor), Some(doc)) = (self.looked_at.take(), self.current.doc.clone()) else {
            return;
        };
        let n = self.shots.entry(doc.to_string()).or_default();
        *n += 1;
        let file = match *n {
            1 => format!("{doc}.png"),
            n => format!("{doc}-{n}.png"),
        };
        let path = self
            .config
            .report
            .join("screenshots")
            .join(&self.scenario_name)
            .join(file);
        let secrets = self.transcript.redactor.secrets();
        let Some(b) = self.browsers.get_mut(&actor) else {
            return;
        };
        match b.screenshot(&secrets).await {
            Ok(Some(png)) => {
                if let Err(e) = write_file(&path, &png) {
                    tracing::warn!("cannot save {}: {e}", path.display());
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!("no screenshot of FAQ step {doc}: {e}"),
        }
    }

    /// Where the page is saved if the scenario fails now.
    fn failure_artefacts(&self) -> Option<FailureArtefacts> {
        let actor = self.last_actor?;
        let b = self.browsers.get(&actor)?;
        let stem = match &self.current.doc {
            Some(d) => format!("{d}"),
            None => format!("line-{}", self.current.line),
        };
        let dir = self
            .config
            .report
            .join("failures")
            .join(&self.scenario_name);
        Some(FailureArtefacts {
            actor,
            screenshot: (b.name() == "browser").then(|| dir.join(format!("{stem}.png"))),
            html: dir.join(format!("{stem}.html")),
            url: dir.join(format!("{stem}.url")),
        })
    }

    /// At the end of a scenario: the last FAQ step's screenshot, or, when it
    /// failed, the failing page's screenshot, HTML and URL (secrets masked).
    /// Returns the failure of labels the last FAQ step never showed.
    pub async fn finish(&mut self, failed: bool) -> Option<anyhow::Error> {
        if !failed {
            self.screenshot_doc_step().await;
            return self.unseen_labels();
        }
        let a = self.failure_artefacts()?;
        let secrets = self.transcript.redactor.secrets();
        let redactor = self.transcript.redactor.clone();
        let b = self.browsers.get_mut(&a.actor)?;
        let url = b.url().await.unwrap_or_default();
        let html = b.html().await.unwrap_or_default();
        let png = b.screenshot(&secrets).await.ok().flatten();
        let mut saved = vec![
            (
                a.url.clone(),
                redactor.redact(&crate::drive::shown_url(&url)).into_bytes(),
            ),
            (
                a.html.clone(),
                redactor.redact(&mask_hidden_fields(&html)).into_bytes(),
            ),
        ];
        if let (Some(path), Some(png)) = (a.screenshot.clone(), png) {
            saved.push((path, png));
        }
        for (path, bytes) in saved {
            if let Err(e) = write_file(&path, &bytes) {
                tracing::warn!("cannot save {}: {e}", path.display());
            }
        }
        None
    }

    /// Closes the browsers and stops the tenant (and its carrier).
    pub async fn stop(&mut self) {
        self.browsers.clear();
        self.phone = None;
        if let Some(t) = self.tenant.take() {
            t.stop().await;
        }
    }
}

/// Where a failing scenario's page is saved.
struct FailureArtefacts {
    actor: Actor,
    screenshot: Option<PathBuf>,
    html: PathBuf,
    url: PathBuf,
}

impl FailureArtefacts {
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = &self.screenshot {
            parts.push(format!("screenshot {}", s.display()));
        }
        parts.push(format!("page HTML {}", self.html.display()));
        parts.push(format!("page URL {}", self.url.display()));
        format!("  saved: {}", parts.join(", "))
    }
}

fn write_file(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, bytes)
}

/// Hidden form fields carry tokens (flowToken, canary): their values never
/// reach a saved page.
fn mask_hidden_fields(html: &str) -> String {
    static HIDDEN: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r#"(?i)(<input[^>]*type=["']?hidden["']?[^>]*value=)("[^"]*"|'[^']*')"#)
            .expect("valid regex")
    });
    static HIDDEN_AFTER: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r#"(?i)(<input[^>]*value=)("[^"]*"|'[^']*')([^>]*type=["']?hidden)"#)
            .expect("valid regex")
    });
    let once = HIDDEN.replace_all(html, r#"$1"[token]""#);
    HIDDEN_AFTER
        .replace_all(&once, r#"$1"[token]"$3"#)
        .into_owned()
}
