//! The scenario's world: its own tenant on port 0, the user's phone (on the
//! tenant's telephony provider), one browser per actor, the accounts it may
//! use, and the transcript of what was seen. Steps drive the tenant only over HTTP;
//! they read tenant state only to assert.

pub mod backup_app;
pub mod browse;
pub mod drift;
pub mod graph;
pub mod labels;
pub mod phone;
pub mod settle;
pub mod today;
pub mod user;

use crate::doc::trace::{self, DocStep};
use crate::drive::{Browsers, Cookie, DriveError, Driver, DriverKind, FailureKind};
use crate::pages::Sites;
use crate::phone::Phone;
use crate::report::folder::{step_file, FAILURES, SCREENSHOTS};
use crate::report::transcript::Transcript;
use crate::target::Target;
use anyhow::{anyhow, Context as _};
use cucumber::gherkin::Step;
use docproof_contract::domain::Secret;
use docproof_contract::profile::Profile;
use docproof_contract::twilio;
use docproof_simulator::{RunningTenant, Settings, TenantFile};
use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

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
    /// Which service each scenario's simulator plays (`--profile`).
    pub profile: Profile,
    /// In an audit (`docproof audit`), where steps record drift; `None` in
    /// a run, where drift fails the step.
    pub audit: Option<crate::report::drift::Findings>,
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
            profile: Profile::default(),
            audit: None,
        }
    }
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
    /// The Gherkin step's text, keyword first.
    pub text: String,
}

/// One scenario's world: the run's configuration, handed in by the run's
/// `before` hook; the scenario's own bookkeeping; its Office 365 (the
/// simulator, started at first use); and the state of each actor — the
/// admin and the user at their browsers, the user's phone, the backup app.
#[derive(cucumber::World)]
#[world(init = Self::new)]
pub struct DocWorld {
    config: Option<Arc<RunConfig>>,
    pub scenario: Scenario,
    pub office: Office,
    /// Each actor's browser (the admin's and the user's are separate).
    pub browsers: ActorBrowsers,
    pub user: UserState,
    pub phone: PhoneState,
    /// The backup app's last sign-in.
    pub backup_app: Option<backup_app::Attempt>,
    /// The account the admin selected on the MFA page (FAQ 2.4).
    pub selected_account: Option<String>,
}

/// The scenario being run: where it comes from, the step it is on, and
/// what it has recorded.
#[derive(Default)]
pub struct Scenario {
    /// The feature file it comes from.
    pub feature_path: PathBuf,
    /// `<feature file stem>__<scenario slug>`: names its transcript,
    /// screenshots and failure artefacts.
    pub name: String,
    pub current: Current,
    /// How many steps called [`DocWorld::at`]; checked after the scenario.
    pub steps_begun: usize,
    pub transcript: Transcript,
    /// Screenshots taken so far, by FAQ step (a step seen twice gets `-2`).
    pub shots: HashMap<String, usize>,
    /// The labels the current FAQ step quotes, and whether pages showed them.
    pub labels: labels::LabelCheck,
}

/// The scenario's Office 365: the simulator with the settings it starts
/// with, and when a step last changed a setting (FAQ 4.1).
pub struct Office {
    /// Applied when the tenant starts (it starts at first use).
    pub settings: Settings,
    tenant: Option<RunningTenant>,
    /// When this scenario last changed a setting (MFA status).
    pub changed_at: Option<Instant>,
}

/// The actors' browsers, opened at first use.
#[derive(Default)]
pub struct ActorBrowsers {
    drivers: HashMap<Actor, Box<dyn Driver>>,
    /// The actor whose browser the current FAQ step used last.
    looked_at: Option<Actor>,
    /// The actor whose browser was used last (failure artefacts).
    last_actor: Option<Actor>,
}

/// The user: who signs in, and what they were given.
#[derive(Default)]
pub struct UserState {
    /// The account the user of this scenario signs in with.
    pub account: Option<String>,
    /// The app password copied at FAQ 3.1.4 / 3.2.4, by account.
    pub app_passwords: HashMap<String, Secret>,
    /// The last verification code read from a text.
    pub code: Option<Secret>,
    /// When the user's last browser sign-in reached its outcome page.
    pub signed_in_at: Option<Instant>,
}

/// The user's phone: its line to the telephony provider, and what it has
/// already looked at.
#[derive(Default)]
pub struct PhoneState {
    line: Option<Phone>,
    /// Texts and calls already looked at, by phone number.
    pub texts_read: HashMap<String, usize>,
    pub calls_read: HashMap<String, usize>,
    /// The last call the phone rang with.
    pub call: Option<crate::phone::PlacedCall>,
    /// The call on the line asks for keys again, after a wrong key.
    pub call_asking: bool,
    /// What the call said when answered, and after the last keys.
    pub call_said: Vec<String>,
    pub call_said_after_keys: Vec<String>,
}

impl fmt::Debug for DocWorld {
    // Deliberately short: worlds are printed in failure reports, and must
    // not carry secrets there.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DocWorld")
            .field("feature", &self.scenario.feature_path)
            .field("step", &self.scenario.current)
            .field(
                "tenant",
                &self.office.tenant.as_ref().map(|t| t.base_url.clone()),
            )
            .field("user", &self.user.account)
            .finish_non_exhaustive()
    }
}

impl DocWorld {
    async fn new() -> anyhow::Result<DocWorld> {
        Ok(DocWorld {
            config: None,
            scenario: Scenario::default(),
            office: Office {
                // The call-wait page polls every second, as Microsoft's
                // does; a browser run need not idle that long after each call.
                settings: Settings {
                    poll_interval: Duration::from_millis(100),
                    ..Settings::default()
                },
                tenant: None,
                changed_at: None,
            },
            browsers: ActorBrowsers::default(),
            user: UserState::default(),
            phone: PhoneState::default(),
            backup_app: None,
            selected_account: None,
        })
    }

    /// Hands the world its run's configuration and its scenario: the run's
    /// `before` hook calls this before the first step.
    pub fn begin(&mut self, config: Arc<RunConfig>, scenario: Scenario) {
        self.office.settings.profile = config.profile;
        self.config = Some(config);
        self.scenario = scenario;
    }

    /// The run's configuration.
    pub fn config(&self) -> &RunConfig {
        // `begin` runs before any step; a world used outside a run is a
        // programming error that cucumber reports as the step's failure.
        self.config
            .as_deref()
            .expect("DocWorld::begin is called by the run's before hook")
    }

    /// Every step starts here: it notes which FAQ step it carries out, for
    /// the transcript and for every error message. When the FAQ step
    /// changes, the page the last one left is photographed, and the labels
    /// it quotes must have been shown ([`labels`]).
    pub async fn at(&mut self, step: &Step) -> anyhow::Result<()> {
        let doc = trace::cited(step);
        let changed = self.scenario.current.doc != doc;
        if changed {
            self.screenshot_doc_step().await;
        }
        let text = format!("{}{}", trace::plain_keyword(step), step.value);
        self.scenario.transcript.step(doc.clone(), &text);
        self.scenario.current = Current {
            doc,
            line: step.position.line,
            text,
        };
        self.scenario.steps_begun += 1;
        match self.labels_at_step(changed, &step.value) {
            Some((check, unseen)) => self.labels_drifted(check, unseen),
            None => Ok(()),
        }
    }

    /// "FAQ step 3.1.4 (features/x.feature:12): " — the prefix of every
    /// failure message.
    pub fn cite(&self) -> String {
        let place = format!(
            "{}:{}",
            self.scenario.feature_path.display(),
            self.scenario.current.line
        );
        match &self.scenario.current.doc {
            Some(d) => format!("FAQ step {d} ({place})"),
            None => format!("set-up step ({place})"),
        }
    }

    /// An error naming the FAQ step. Known secrets are masked, as in the
    /// transcript: failure messages end up in reports. When a browser is
    /// open, the message ends with where the page is saved if the scenario
    /// fails ([`DocWorld::finish`] writes it there).
    ///
    /// A browser that would not start or went away is the machinery's
    /// fault, not the FAQ's: its message starts with
    /// [`FailureKind::INFRASTRUCTURE_PREFIX`], which every report reads.
    pub fn fail(&self, msg: impl fmt::Display + 'static) -> anyhow::Error {
        let kind = failure_kind(&msg);
        let saved = match self.failure_artefacts() {
            Some(a) => format!("\n{}", a.describe()),
            None => String::new(),
        };
        let during = if self.failing_in_set_up() {
            " (in set-up walked over plain HTTP, to hand the session to the browser)"
        } else {
            ""
        };
        let infrastructure = match kind {
            FailureKind::Infrastructure => FailureKind::INFRASTRUCTURE_PREFIX,
            FailureKind::Documentation => "",
        };
        anyhow!(
            "{infrastructure}{}: {}{during}{saved}",
            self.cite(),
            self.scenario.transcript.redactor.redact(&msg.to_string())
        )
    }

    /// The scenario's tenant, started on first use with the settings so far.
    pub async fn tenant(&mut self) -> anyhow::Result<&RunningTenant> {
        if self.office.tenant.is_none() {
            let running = docproof_simulator::spawn(
                self.config().seed.clone(),
                self.office.settings.clone(),
                "127.0.0.1:0".parse().expect("valid address"),
            )
            .await
            .context("starting the scenario's tenant simulator")?;
            // The phone talks to the tenant's telephony provider, by
            // default the simulator's virtual carrier, with its account.
            let telephony = &self.office.settings.telephony;
            let provider = telephony
                .base_url
                .clone()
                .unwrap_or_else(|| format!("{}{}", running.base_url, twilio::VIRTUAL_CARRIER));
            self.phone.line = Some(Phone::new(
                &provider,
                &telephony.account_sid,
                telephony.auth_token.clone(),
            ));
            self.office.tenant = Some(running);
        }
        Ok(self.office.tenant.as_ref().expect("just started"))
    }

    /// Whether a settings change made in this scenario may not have taken
    /// effect yet (FAQ 4.1).
    pub fn change_in_flight(&self) -> bool {
        let delay =
            self.office.settings.propagation_delay + self.office.settings.propagation_jitter;
        self.office.changed_at.is_some_and(|t| t.elapsed() < delay)
    }

    /// Whether the tenant has started (settings can no longer change).
    pub fn tenant_started(&self) -> bool {
        self.office.tenant.is_some()
    }

    pub async fn sites(&mut self) -> anyhow::Result<Sites> {
        let base = self.tenant().await?.base_url.clone();
        Ok(Sites::simulator(&base, self.config().profile))
    }

    /// The user's phone, on the provider the tenant texts and calls
    /// through.
    pub async fn phone(&mut self) -> anyhow::Result<&Phone> {
        self.tenant().await?;
        Ok(self.phone.line.as_ref().expect("made with the tenant"))
    }

    /// The actor's browser, opened on first use (a real browser comes from
    /// the run's pool, and may wait for a free session).
    pub async fn browser(&mut self, actor: Actor) -> anyhow::Result<&mut dyn Driver> {
        if !self.browsers.drivers.contains_key(&actor) {
            let opened = self.config().browsers.open().await;
            let driver = opened.map_err(|e| self.fail(e))?;
            self.browsers.drivers.insert(actor, driver);
        }
        self.browsers.looked_at = Some(actor);
        self.browsers.last_actor = Some(actor);
        Ok(self
            .browsers
            .drivers
            .get_mut(&actor)
            .expect("just inserted")
            .as_mut())
    }

    /// Whether the actors' browsers are real ones (not plain HTTP).
    pub fn in_real_browser(&self) -> bool {
        matches!(self.config().browsers, Browsers::Real(_))
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
            .drivers
            .insert(actor, Box::new(crate::drive::http::HttpDriver::new()));
        let url = set_up(self).await?;
        let http = self
            .browsers
            .drivers
            .get_mut(&actor)
            .expect("inserted above");
        let cookies = match http.cookies(&url).await {
            Ok(c) if c.is_empty() => Err(self.fail(format!(
                "the set-up ended with no cookie for {}: there is no session to hand to the browser",
                crate::drive::shown_url(&url)
            ))),
            Ok(c) => Ok(c),
            Err(e) => Err(self.fail(e)),
        }?;
        match real {
            Some(b) => self.browsers.drivers.insert(actor, b),
            None => self.browsers.drivers.remove(&actor),
        };
        Ok((url, cookies))
    }

    /// Whether the failing page is set-up walked over plain HTTP in a
    /// real-browser run: the only time a browser actor drives over HTTP.
    fn failing_in_set_up(&self) -> bool {
        self.in_real_browser()
            && self
                .browsers
                .last_actor
                .and_then(|a| self.browsers.drivers.get(&a))
                .is_some_and(|d| d.kind() == DriverKind::Http)
    }

    /// An account by its short name ("o365.sms") or full UPN; its password
    /// is masked in the transcript from now on.
    pub fn account(&mut self, name: &str) -> anyhow::Result<Account> {
        let found = self.config().target.account(name).cloned();
        let account = found.map_err(|e| self.fail(e))?;
        self.scenario
            .transcript
            .redactor
            .learn(account.password.expose(), "password");
        Ok(account)
    }

    /// The account the scenario's user is signed in as (or signing in as).
    pub fn the_user(&mut self) -> anyhow::Result<Account> {
        let name = self
            .user
            .account
            .clone()
            .ok_or_else(|| self.fail("no user has signed in yet in this scenario"))?;
        self.account(&name)
    }

    /// Records something the current actor saw.
    pub fn saw(&mut self, what: &str, text: &str) {
        self.scenario.transcript.saw(what, text);
    }

    /// Screenshot of the page the current FAQ step left, if it used a
    /// browser: `screenshots/<scenario>/<FAQ step>.png` in the report.
    async fn screenshot_doc_step(&mut self) {
        let (Some(actor), Some(doc)) = (
            self.browsers.looked_at.take(),
            self.scenario.current.doc.clone(),
        ) else {
            return;
        };
        let n = self.scenario.shots.entry(doc.to_string()).or_default();
        *n += 1;
        let file = step_file(SCREENSHOTS, &self.scenario.name, doc.as_str(), *n, "png");
        let path = self.config().report.join(file);
        let secrets = self.scenario.transcript.redactor.secrets();
        let Some(b) = self.browsers.drivers.get_mut(&actor) else {
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
        let actor = self.browsers.last_actor?;
        let b = self.browsers.drivers.get(&actor)?;
        let stem = match &self.scenario.current.doc {
            Some(d) => format!("{d}"),
            None => format!("line-{}", self.scenario.current.line),
        };
        let report = &self.config().report;
        let file = |ext| report.join(step_file(FAILURES, &self.scenario.name, &stem, 1, ext));
        Some(FailureArtefacts {
            actor,
            screenshot: (b.kind() == DriverKind::Browser).then(|| file("png")),
            html: file("html"),
            url: file("url"),
        })
    }

    /// At the end of a scenario: the last FAQ step's screenshot, or, when it
    /// failed, the failing page's screenshot, HTML and URL, masked by where
    /// secrets live ([`crate::redact`]) and by the secrets the scenario knows.
    /// Returns the failure of labels the last FAQ step never showed.
    pub async fn finish(&mut self, failed: bool) -> Option<anyhow::Error> {
        if !failed {
            self.screenshot_doc_step().await;
            let unseen = self.unseen_labels()?;
            let check = self.scenario.labels.clone();
            return self.labels_drifted(check, unseen).err();
        }
        let a = self.failure_artefacts()?;
        let secrets = self.scenario.transcript.redactor.secrets();
        let redactor = self.scenario.transcript.redactor.clone();
        let b = self.browsers.drivers.get_mut(&a.actor)?;
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
                redactor
                    .redact(&crate::redact::html::mask(&html))
                    .into_bytes(),
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
        self.browsers.drivers.clear();
        self.phone.line = None;
        if let Some(t) = self.office.tenant.take() {
            t.stop().await;
        }
    }
}

/// The kind of failure `msg` is: a [`DriveError`] (bare or inside an
/// `anyhow::Error`) knows its own; anything else a step says is about the
/// page.
fn failure_kind(msg: &dyn std::any::Any) -> FailureKind {
    msg.downcast_ref::<DriveError>()
        .or_else(|| {
            msg.downcast_ref::<anyhow::Error>()
                .and_then(|e| e.downcast_ref::<DriveError>())
        })
        .map_or(FailureKind::Documentation, DriveError::kind)
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

/// Writes a screenshot or saved page whole, as every report file is.
fn write_file(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    crate::atomic::write(path, bytes)
}
