//! The scenario's world: its own tenant on port 0, its own telephony
//! provider (wiremock), one browser per actor, the accounts it may use, and
//! the transcript of what was seen. Steps drive the tenant only over HTTP;
//! they read tenant state only to assert.

use crate::doc::trace::{self, DocStep};
use crate::drive::{http::HttpDriver, Driver};
use crate::pages::Sites;
use crate::phone::TelephonyProvider;
use crate::report::transcript::Transcript;
use crate::tenant::domain::{PhoneNumber, Secret};
use crate::tenant::{RunningTenant, Settings, TenantFile};
use anyhow::{anyhow, Context as _};
use cucumber::gherkin::Step;
use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, RwLock};
use std::time::Duration;

/// What every scenario of a run shares.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The seeded tenant every scenario starts from.
    pub tenant_file: TenantFile,
    /// How long an interaction waits for an element to be visible.
    pub wait: Duration,
    /// How long a step waits for the phone to receive a text or call.
    pub phone_wait: Duration,
    /// Extra time, beyond the configured propagation delay, that a step
    /// waits for a settings change to take effect (FAQ 4.1).
    pub settle_margin: Duration,
}

impl RunConfig {
    pub fn new(tenant_file: TenantFile) -> RunConfig {
        RunConfig {
            tenant_file,
            wait: crate::drive::DEFAULT_WAIT,
            phone_wait: Duration::from_secs(5),
            settle_margin: Duration::from_secs(3),
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

/// A seeded account as the test knows it: its name, password and phone.
#[derive(Clone)]
pub struct Account {
    pub upn: String,
    pub password: Secret,
    pub phone: Option<PhoneNumber>,
}

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
    pub current: Current,
    /// How many steps called [`DocWorld::at`]; checked after the scenario.
    pub steps_begun: usize,
    pub transcript: Transcript,
    /// Applied when the tenant starts (it starts at first use).
    pub settings: Settings,
    tenant: Option<RunningTenant>,
    provider: Option<TelephonyProvider>,
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
    /// The prompt a call on the line waits on, after a wrong key.
    pub call_asking: Option<crate::phone::Asking>,
    /// When this scenario last changed a setting (MFA status), for FAQ 4.1.
    pub changed_at: Option<std::time::Instant>,
    /// When the user's last browser sign-in reached its outcome page.
    pub signed_in_at: Option<std::time::Instant>,
    /// The backup app's last sign-in result.
    pub backup_app: Option<super::backup_app::Attempt>,
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
            current: Current::default(),
            steps_begun: 0,
            transcript: Transcript::default(),
            settings: Settings::default(),
            tenant: None,
            provider: None,
            browsers: HashMap::new(),
            user: None,
            app_passwords: HashMap::new(),
            texts_read: HashMap::new(),
            calls_read: HashMap::new(),
            code: None,
            call: None,
            call_asking: None,
            changed_at: None,
            signed_in_at: None,
            backup_app: None,
        })
    }

    /// Every step starts here: it notes which FAQ step it carries out, for
    /// the transcript and for every error message.
    pub fn at(&mut self, step: &Step) {
        let doc = trace::cited(step);
        let text = format!("{}{}", trace::plain_keyword(step), step.value);
        self.transcript.step(doc.clone(), &text);
        self.current = Current {
            doc,
            line: step.position.line,
        };
        self.steps_begun += 1;
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
    /// transcript: failure messages end up in reports.
    pub fn fail(&self, msg: impl fmt::Display) -> anyhow::Error {
        anyhow!(
            "{}: {}",
            self.cite(),
            self.transcript.redactor.redact(&msg.to_string())
        )
    }

    /// The scenario's tenant, started on first use with the settings so far.
    pub async fn tenant(&mut self) -> anyhow::Result<&RunningTenant> {
        if self.tenant.is_none() {
            let provider = TelephonyProvider::start().await;
            let mut settings = self.settings.clone();
            settings.telephony.base_url = Some(provider.base_url());
            let running = crate::tenant::spawn(
                self.config.tenant_file.clone(),
                settings,
                "127.0.0.1:0".parse().expect("valid address"),
            )
            .await
            .context("starting the scenario's tenant simulator")?;
            self.provider = Some(provider);
            self.tenant = Some(running);
        }
        Ok(self.tenant.as_ref().expect("just started"))
    }

    /// Whether the tenant has started (settings can no longer change).
    pub fn tenant_started(&self) -> bool {
        self.tenant.is_some()
    }

    pub async fn sites(&mut self) -> anyhow::Result<Sites> {
        let base = self.tenant().await?.base_url.clone();
        Ok(Sites::simulator(&base))
    }

    /// The telephony provider the tenant texts and calls through.
    pub async fn provider(&mut self) -> anyhow::Result<&TelephonyProvider> {
        self.tenant().await?;
        Ok(self.provider.as_ref().expect("started with the tenant"))
    }

    /// The actor's browser, opened on first use.
    pub fn browser(&mut self, actor: Actor) -> &mut dyn Driver {
        self.browsers
            .entry(actor)
            .or_insert_with(|| Box::new(HttpDriver::new()))
            .as_mut()
    }

    /// A seeded account by its short name ("o365.sms") or full UPN.
    pub fn account(&mut self, name: &str) -> anyhow::Result<Account> {
        let file = &self.config.tenant_file;
        let wanted = if name.contains('@') {
            name.to_ascii_lowercase()
        } else {
            format!("{}@{}", name, file.tenant.domain).to_ascii_lowercase()
        };
        let seed = file
            .users
            .iter()
            .find(|u| u.upn.as_str().eq_ignore_ascii_case(&wanted))
            .ok_or_else(|| {
                let known: Vec<&str> = file.users.iter().map(|u| u.upn.as_str()).collect();
                self.fail(format!(
                    "the tenant has no account '{name}'; the seeded accounts are {}",
                    known.join(", ")
                ))
            })?;
        let account = Account {
            upn: seed.upn.as_str().to_string(),
            password: seed.password.clone(),
            phone: seed.phone.clone(),
        };
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

    /// Closes the browsers and stops the tenant and the provider.
    pub async fn stop(&mut self) {
        self.browsers.clear();
        if let Some(t) = self.tenant.take() {
            t.stop().await;
        }
        // wiremock's MockServer blocks the thread that drops it while it
        // checks its mocks; off the runtime's thread, that cannot stall
        // the other scenarios (or, under load, hang the run).
        if let Some(p) = self.provider.take() {
            let _ = tokio::task::spawn_blocking(move || drop(p)).await;
        }
    }
}
