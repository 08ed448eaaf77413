//! The tenant's memory: users and their MFA state machine, sign-in flows,
//! sessions, one-time codes, calls, Graph tokens, and propagation (FAQ 4.1).
//!
//! Everything sits behind one mutex: the simulator serves a handful of
//! concurrent users, and a single lock keeps every transition atomic. No lock
//! is ever held across an `.await`.

use super::config::{AppSeed, TenantFile, TenantInfo};
use super::settings::Settings;
use docproof_contract::domain::{
    random_token, AppPassword, Method, MfaStatus, PhoneNumber, Secret, Upn, VerificationCode,
};
use docproof_contract::profile::Profile;
use rand::Rng;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

/// A completed registration: the authentication phone and how to use it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registration {
    pub method: Method,
    pub phone: PhoneNumber,
}

/// The part of a user that takes time to propagate (FAQ 4.1).
#[derive(Clone, Debug)]
pub struct Security {
    pub status: MfaStatus,
    pub registration: Option<Registration>,
    pub app_passwords: Vec<AppPassword>,
}

impl Security {
    /// A verified phone is registered. Registered and Enabled is Enforced
    /// (FAQ 3.1.6); an admin may have disabled MFA meanwhile, and
    /// registering does not re-enable it.
    fn register(&mut self, registration: Registration) {
        self.registration = Some(registration);
        if self.status != MfaStatus::Disabled {
            self.status = MfaStatus::Enforced;
        }
    }

    /// Why Security info would refuse this user an app password, if it
    /// would, with app passwords `allowed` by the service settings.
    pub fn app_password_refused(&self, allowed: bool) -> Option<AppPasswordRefused> {
        if !allowed {
            Some(AppPasswordRefused::NotAllowed)
        } else if self.status != MfaStatus::Enforced {
            Some(AppPasswordRefused::NotEnforced)
        } else if self.app_passwords.len() >= AppPassword::MAX_PER_USER {
            Some(AppPasswordRefused::TooMany)
        } else {
            None
        }
    }
}

/// A value whose changes become effective only after a delay. The admin
/// center sees the newest version at once; sign-in sees the newest version
/// whose time has come.
#[derive(Debug)]
struct Propagating<T> {
    versions: Vec<(Instant, T)>,
}

impl<T: Clone> Propagating<T> {
    fn new(value: T, now: Instant) -> Self {
        Propagating {
            versions: vec![(now, value)],
        }
    }
    fn latest(&self) -> &T {
        &self.versions.last().expect("never empty").1
    }
    fn effective(&self, now: Instant) -> &T {
        self.versions
            .iter()
            .rev()
            .find(|(at, _)| *at <= now)
            .map(|(_, v)| v)
            .unwrap_or(&self.versions[0].1)
    }
    fn pending_until(&self, now: Instant) -> Option<Instant> {
        let last = self.versions.last().expect("never empty").0;
        (last > now).then_some(last)
    }
    /// Applies `change` to the newest version, effective at `at` (never
    /// before an earlier pending change, so changes land in order).
    fn change(&mut self, now: Instant, at: Instant, change: impl FnOnce(&mut T)) {
        let mut next = self.latest().clone();
        change(&mut next);
        let at = at.max(self.versions.last().expect("never empty").0);
        // Drop versions no reader can see any more.
        let keep_from = self
            .versions
            .iter()
            .rposition(|(t, _)| *t <= now)
            .unwrap_or(0);
        self.versions.drain(..keep_from);
        self.versions.push((at, next));
    }
}

#[derive(Debug)]
struct User {
    upn: Upn,
    display_name: String,
    password: Secret,
    admin: bool,
    phone: Option<PhoneNumber>,
    office_phone: Option<PhoneNumber>,
    security: Propagating<Security>,
    /// Set by a fraud alert (`0#` on a verification call); blocks sign-in at once.
    blocked: bool,
    /// Smart lockout: wrong passwords since the last right one or lock.
    wrong_passwords: u32,
    /// Smart lockout: no password is tried before this.
    locked_until: Option<Instant>,
}

/// Wrong passwords in a row before smart lockout locks an account for
/// `Settings::lockout_duration` (Microsoft's default threshold, 10).
pub const LOCKOUT_THRESHOLD: u32 = 10;

/// What tests and the admin center may read about a user.
#[derive(Clone, Debug)]
pub struct UserView {
    pub upn: Upn,
    pub display_name: String,
    pub admin: bool,
    pub phone: Option<PhoneNumber>,
    pub office_phone: Option<PhoneNumber>,
    /// As the admin center shows it (at once).
    pub admin_view: Security,
    /// As sign-in and basic auth see it now.
    pub effective: Security,
    /// When the last change becomes effective, if it has not yet.
    pub pending_until: Option<Instant>,
    pub blocked: bool,
}

/// What a correct account password leads to at browser sign-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecondFactor {
    /// Disabled: no second factor.
    None,
    /// Enabled (or Enforced) without a registration: "More information required".
    ProofUp,
    /// Registered: every sign-in asks for this.
    Verify(Registration),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignInError {
    UnknownUser,
    BadPassword,
    Blocked,
    /// Smart lockout (AADSTS50053): too many wrong passwords; no password,
    /// right or wrong, is tried until the lock ends.
    Locked,
}

/// Why Security info cannot create an app password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppPasswordRefused {
    /// The service settings do not allow app passwords.
    NotAllowed,
    /// Only per-user MFA Enforced users have app passwords.
    NotEnforced,
    /// Microsoft's limit of 40 per user.
    TooMany,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BasicAuthError {
    UnknownUser,
    /// Wrong password, or the account password while Enforced.
    Refused {
        app_password_required: bool,
    },
    Blocked,
}

/// A one-time code sent by text, with its own expiry and wrong-try count.
#[derive(Debug)]
pub struct CodeState {
    code: VerificationCode,
    issued: Instant,
    wrong_tries: u32,
}

#[derive(Debug, PartialEq, Eq)]
pub enum CodeCheck {
    Correct,
    /// Wrong; `tries_left` more attempts before the code is void.
    Wrong {
        tries_left: u32,
    },
    /// Too many wrong tries: the code is void, a new one is needed.
    Void,
    Expired,
    /// No code has been sent (or the last one was used).
    NoCode,
}

impl CodeState {
    pub fn new(code: VerificationCode, now: Instant) -> Self {
        CodeState {
            code,
            issued: now,
            wrong_tries: 0,
        }
    }
}

/// The second-factor exchange of one flow: the phone it goes to, and the
/// code or call in progress.
#[derive(Debug)]
pub struct Challenge {
    pub method: Method,
    pub phone: PhoneNumber,
    pub code: Option<CodeState>,
    pub call_id: Option<String>,
}

impl Challenge {
    pub fn new(registration: &Registration) -> Self {
        Challenge {
            method: registration.method,
            phone: registration.phone.clone(),
            code: None,
            call_id: None,
        }
    }
    /// The method and phone this challenge goes to.
    pub fn registration(&self) -> Registration {
        Registration {
            method: self.method,
            phone: self.phone.clone(),
        }
    }
    /// Checks a typed code; a correct code is consumed (single use).
    pub fn check_code(&mut self, typed: &str, settings: &Settings, now: Instant) -> CodeCheck {
        let Some(state) = self.code.as_mut() else {
            return CodeCheck::NoCode;
        };
        if now.duration_since(state.issued) > settings.code_lifetime {
            self.code = None;
            return CodeCheck::Expired;
        }
        if state.code.matches(typed) {
            self.code = None;
            return CodeCheck::Correct;
        }
        state.wrong_tries += 1;
        if state.wrong_tries >= settings.max_code_attempts {
            self.code = None;
            CodeCheck::Void
        } else {
            CodeCheck::Wrong {
                tries_left: settings.max_code_attempts - state.wrong_tries,
            }
        }
    }
}

/// Where a sign-in flow stands. Each form post must carry the flow's token.
#[derive(Debug)]
pub enum Stage {
    Username,
    Password,
    /// "More information required".
    ProofUpInterrupt,
    /// Proof-up Step 1: "How should we contact you?"
    ProofUpContact,
    /// Proof-up Step 2: the code or call for the phone just entered.
    ProofUpVerify(Challenge),
    /// Proof-up Step 3: "Keep using your existing applications".
    ProofUpAppPassword(AppPassword),
    /// Today's "Keep your account secure": the page of the wizard shown.
    Register(Wizard),
    /// Sign-in of a registered user: "Enter code" or "We're calling your phone".
    SecondFactor(Challenge),
    /// "Stay signed in?"
    Kmsi,
}

/// The pages of today's combined registration, in order.
#[derive(Debug)]
pub enum Wizard {
    /// "Microsoft Authenticator": install the app first; `choosing` while
    /// the "Choose a different method" dialog is open.
    Authenticator { choosing: bool },
    /// "Phone": the number, and "Receive a code" or "Call me".
    Phone,
    /// The code texted or the call placed, waiting for the user.
    Verify(Challenge),
    /// "SMS verified" / "Call answered": registered, Next goes on.
    Verified(Registration),
    /// "Success!", with the default sign-in method; Done signs in.
    Success(Registration),
}

#[derive(Debug)]
pub struct Flow {
    pub id: String,
    /// Microsoft's `flowToken`: every form of the flow must echo it.
    pub token: Secret,
    /// Where to go once signed in (`/owa`, `/admin`, …).
    pub return_to: String,
    pub upn: Option<Upn>,
    pub stage: Stage,
    /// Flows older than an hour are dropped when new ones start.
    pub created: Instant,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub upn: Upn,
    /// The admin center's per-session anti-forgery token (`canary`).
    pub canary: Secret,
}

/// A verification call placed through the telephony provider.
#[derive(Debug, Clone)]
pub struct Call {
    pub id: String,
    pub upn: Upn,
    pub phone: PhoneNumber,
    pub started: Instant,
    pub outcome: CallOutcome,
    /// Keys pressed so far in this call (for `0#`).
    pub keys: String,
}

impl Call {
    /// A call still ringing past `timeout` has timed out.
    fn time_out_if_overdue(&mut self, now: Instant, timeout: Duration) {
        if self.outcome == CallOutcome::Ringing && now.duration_since(self.started) > timeout {
            self.outcome = CallOutcome::TimedOut;
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallOutcome {
    Ringing,
    Verified,
    /// `0#`: the user reported fraud; sign-in is blocked.
    Fraud,
    /// The provider reported the call ended unanswered, busy or failed.
    NotAnswered(String),
    TimedOut,
}

/// What the voice menu says after keys are pressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyResult {
    Verified,
    /// `0` pressed: wait for `#` to confirm the fraud alert.
    AwaitFraudConfirm,
    FraudReported,
    /// Not a key the menu understands; ask again.
    WrongKey(String),
    /// The call is over (already verified, failed or timed out).
    Ended,
}

#[derive(Debug, Clone)]
struct GraphToken {
    roles: Vec<String>,
    expires: Instant,
}

pub struct Tenant {
    pub info: TenantInfo,
    pub settings: Settings,
    base_url: OnceLock<String>,
    inner: Mutex<Inner>,
}

struct Inner {
    users: BTreeMap<Upn, User>,
    apps: Vec<AppSeed>,
    flows: HashMap<String, Flow>,
    sessions: HashMap<String, Session>,
    tokens: HashMap<String, GraphToken>,
    calls: HashMap<String, Call>,
    telecom: HashMap<Upn, VecDeque<Instant>>,
    /// "Don't ask again for N days": device token → (user, until).
    remembered: HashMap<String, (Upn, Instant)>,
    /// The service setting "Allow users to create app passwords to sign in
    /// to non-browser apps": on in the FAQ's service (proof-up hands one
    /// out), off by default today.
    app_passwords_allowed: bool,
}

pub const GRAPH_TOKEN_LIFETIME: Duration = Duration::from_secs(3599);

impl Tenant {
    pub fn new(file: TenantFile, settings: Settings) -> Self {
        let now = Instant::now();
        let users = file
            .users
            .into_iter()
            .map(|seed| {
                let registration = seed.registered.map(|method| Registration {
                    method,
                    phone: seed.phone.clone().expect("config checks phone"),
                });
                let user = User {
                    upn: seed.upn.clone(),
                    display_name: seed.display_name,
                    password: seed.password,
                    admin: seed.admin,
                    phone: seed.phone,
                    office_phone: seed.office_phone,
                    security: Propagating::new(
                        Security {
                            status: seed.mfa,
                            registration,
                            app_passwords: Vec::new(),
                        },
                        now,
                    ),
                    blocked: false,
                    wrong_passwords: 0,
                    locked_until: None,
                };
                (seed.upn, user)
            })
            .collect();
        Tenant {
            info: file.tenant,
            base_url: OnceLock::new(),
            inner: Mutex::new(Inner {
                users,
                apps: file.apps,
                flows: HashMap::new(),
                sessions: HashMap::new(),
                tokens: HashMap::new(),
                calls: HashMap::new(),
                telecom: HashMap::new(),
                remembered: HashMap::new(),
                app_passwords_allowed: settings.profile == Profile::Faq2020,
            }),
            settings,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic in one handler must not take the whole tenant down.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The simulator's own address, e.g. `http://127.0.0.1:8400` (no trailing slash).
    pub fn base_url(&self) -> &str {
        self.base_url.get().map(String::as_str).unwrap_or("")
    }
    pub(crate) fn set_base_url(&self, url: String) {
        let _ = self.base_url.set(url);
    }

    /// When a change made now becomes effective (FAQ 4.1).
    fn effective_at(&self, now: Instant) -> Instant {
        let jitter = self.settings.propagation_jitter;
        let extra = if jitter.is_zero() {
            Duration::ZERO
        } else {
            Duration::from_millis(rand::rng().random_range(0..jitter.as_millis().max(1) as u64))
        };
        now + self.settings.propagation_delay + extra
    }

    // ---------------------------------------------------------------- users

    pub fn user(&self, upn: &Upn) -> Option<UserView> {
        let now = Instant::now();
        self.lock().users.get(upn).map(|u| view(u, now))
    }

    pub fn users(&self) -> Vec<UserView> {
        let now = Instant::now();
        self.lock().users.values().map(|u| view(u, now)).collect()
    }

    /// Browser sign-in with the account password. App passwords never work here.
    /// Smart lockout: after [`LOCKOUT_THRESHOLD`] wrong passwords the
    /// account is locked for `lockout_duration`.
    pub fn sign_in(&self, upn: &Upn, password: &str) -> Result<SecondFactor, SignInError> {
        let now = Instant::now();
        let lock_for = self.settings.lockout_duration;
        let mut inner = self.lock();
        let user = inner.users.get_mut(upn).ok_or(SignInError::UnknownUser)?;
        if user.locked_until.is_some_and(|until| now < until) {
            return Err(SignInError::Locked);
        }
        user.locked_until = None;
        if !user.password.matches(password) {
            user.wrong_passwords += 1;
            if user.wrong_passwords >= LOCKOUT_THRESHOLD {
                user.wrong_passwords = 0;
                user.locked_until = Some(now + lock_for);
            }
            return Err(SignInError::BadPassword);
        }
        user.wrong_passwords = 0;
        if user.blocked {
            return Err(SignInError::Blocked);
        }
        let sec = user.security.effective(now);
        Ok(match (sec.status, &sec.registration) {
            (MfaStatus::Disabled, _) => SecondFactor::None,
            (_, Some(reg)) => SecondFactor::Verify(reg.clone()),
            (_, None) => SecondFactor::ProofUp,
        })
    }

    /// Non-browser (basic-auth) sign-in, as a backup application does it.
    /// Returns the user's display name.
    pub fn basic_auth(&self, upn: &Upn, password: &str) -> Result<String, BasicAuthError> {
        let now = Instant::now();
        let inner = self.lock();
        let user = inner.users.get(upn).ok_or(BasicAuthError::UnknownUser)?;
        let sec = user.security.effective(now);
        let enforced = sec.status == MfaStatus::Enforced;
        let app_password = sec.app_passwords.iter().any(|a| a.matches(password));
        let account_password = user.password.matches(password);
        // Credentials first: a stranger must not learn that a user is blocked.
        if !app_password && !account_password {
            return Err(BasicAuthError::Refused {
                app_password_required: enforced,
            });
        }
        if user.blocked {
            return Err(BasicAuthError::Blocked);
        }
        if app_password || !enforced {
            Ok(user.display_name.clone())
        } else {
            Err(BasicAuthError::Refused {
                app_password_required: true,
            })
        }
    }

    /// Sets the per-user MFA status (admin center quick steps, Graph PATCH).
    /// As Graph documents, enabling a user who has already registered
    /// yields Enforced. Returns the status actually set.
    pub fn set_mfa_status(&self, upn: &Upn, status: MfaStatus) -> Option<MfaStatus> {
        let now = Instant::now();
        let at = self.effective_at(now);
        let mut inner = self.lock();
        let user = inner.users.get_mut(upn)?;
        let mut set = status;
        user.security.change(now, at, |s| {
            if status == MfaStatus::Enabled && s.registration.is_some() {
                set = MfaStatus::Enforced;
            }
            s.status = set;
        });
        tracing::info!(%upn, status = %set, "per-user MFA status changed");
        Some(set)
    }

    /// "Manage user settings". Returns false for an unknown user.
    pub fn manage_user_settings(
        &self,
        upn: &Upn,
        require_reregistration: bool,
        delete_app_passwords: bool,
    ) -> bool {
        let now = Instant::now();
        let at = self.effective_at(now);
        let mut inner = self.lock();
        let Some(user) = inner.users.get_mut(upn) else {
            return false;
        };
        user.security.change(now, at, |s| {
            if require_reregistration {
                s.registration = None;
            }
            if delete_app_passwords {
                s.app_passwords.clear();
            }
        });
        true
    }

    /// Proof-up Step 2 done: the method is registered, the status turns to
    /// Enforced (FAQ 3.1.6) and a first app password is created (Step 3).
    pub fn complete_registration(
        &self,
        upn: &Upn,
        registration: Registration,
    ) -> Option<AppPassword> {
        let now = Instant::now();
        let at = self.effective_at(now);
        let mut inner = self.lock();
        let user = inner.users.get_mut(upn)?;
        let app_password = AppPassword::generate();
        let issued = app_password.clone();
        user.security.change(now, at, move |s| {
            s.register(registration);
            s.app_passwords.push(issued);
            let excess = s
                .app_passwords
                .len()
                .saturating_sub(AppPassword::MAX_PER_USER);
            s.app_passwords.drain(..excess);
        });
        tracing::info!(%upn, "MFA registration completed; status Enforced");
        Some(app_password)
    }

    /// Today's combined registration is done ("Success!"): the phone is
    /// registered and Enabled turns Enforced, as after proof-up, but no
    /// app password is handed out (they are made at Security info).
    pub fn register_method(&self, upn: &Upn, registration: Registration) -> bool {
        let now = Instant::now();
        let at = self.effective_at(now);
        let mut inner = self.lock();
        let Some(user) = inner.users.get_mut(upn) else {
            return false;
        };
        user.security
            .change(now, at, move |s| s.register(registration));
        tracing::info!(%upn, "phone registered");
        true
    }

    /// Whether users may create app passwords (service settings).
    pub fn app_passwords_allowed(&self) -> bool {
        self.lock().app_passwords_allowed
    }

    /// Service settings' "Allow users to create app passwords…", saved.
    pub fn set_app_passwords_allowed(&self, allowed: bool) {
        self.lock().app_passwords_allowed = allowed;
        tracing::info!(allowed, "service setting: app passwords");
    }

    /// Security info > "+ Add sign-in method" > App password: a new one
    /// for an Enforced user, when the service settings allow them and the
    /// user has fewer than Microsoft's 40.
    pub fn create_app_password(&self, upn: &Upn) -> Result<AppPassword, AppPasswordRefused> {
        let now = Instant::now();
        let at = self.effective_at(now);
        let mut inner = self.lock();
        let allowed = inner.app_passwords_allowed;
        let user = inner
            .users
            .get_mut(upn)
            .ok_or(AppPasswordRefused::NotEnforced)?;
        if let Some(refused) = user.security.latest().app_password_refused(allowed) {
            return Err(refused);
        }
        let app_password = AppPassword::generate();
        let issued = app_password.clone();
        user.security
            .change(now, at, move |s| s.app_passwords.push(issued));
        tracing::info!(%upn, "app password created");
        Ok(app_password)
    }

    /// Graph `POST …/phoneMethods` with a mobile phone: registers it for texts.
    pub fn register_phone(&self, upn: &Upn, phone: PhoneNumber) -> bool {
        self.register_method(
            upn,
            Registration {
                method: Method::Text,
                phone,
            },
        )
    }

    /// Counts one text or call against the user's telecom limit; false when
    /// the limit is reached (AADSTS50088).
    pub fn telecom_allowed(&self, upn: &Upn) -> bool {
        let now = Instant::now();
        let window = self.settings.telecom_window;
        let limit = self.settings.telecom_limit as usize;
        let mut inner = self.lock();
        let log = inner.telecom.entry(upn.clone()).or_default();
        while log.front().is_some_and(|t| now.duration_since(*t) > window) {
            log.pop_front();
        }
        if log.len() >= limit {
            return false;
        }
        log.push_back(now);
        true
    }

    /// "Don't ask again for 14 days" was ticked: remembers this browser
    /// for the user and returns the token its cookie carries.
    pub fn remember_device(&self, upn: &Upn) -> String {
        let token = random_token(40);
        let until = Instant::now() + self.settings.remember_mfa_for;
        let mut inner = self.lock();
        let now = Instant::now();
        inner.remembered.retain(|_, (_, until)| *until > now);
        inner.remembered.insert(token.clone(), (upn.clone(), until));
        token
    }

    /// Whether a remembered-device token still spares `upn` the second factor.
    pub fn is_remembered(&self, token: &str, upn: &Upn) -> bool {
        let now = Instant::now();
        self.lock()
            .remembered
            .get(token)
            .is_some_and(|(who, until)| who == upn && *until > now)
    }

    /// "Restore multi-factor authentication on all remembered devices".
    pub fn forget_remembered_devices(&self, upn: &Upn) {
        self.lock().remembered.retain(|_, (who, _)| who != upn);
    }

    // ---------------------------------------------------------------- flows

    pub fn start_flow(&self, return_to: &str) -> (String, Secret) {
        let id = random_token(32);
        let token = Secret::new(random_token(48));
        let mut inner = self.lock();
        // Abandoned flows would otherwise pile up in a long `docproof serve`.
        let now = Instant::now();
        inner
            .flows
            .retain(|_, f| now.duration_since(f.created) < Duration::from_secs(3600));
        inner.flows.insert(
            id.clone(),
            Flow {
                id: id.clone(),
                token: token.clone(),
                return_to: return_to.to_string(),
                upn: None,
                stage: Stage::Username,
                created: now,
            },
        );
        (id, token)
    }

    /// Runs `f` on a flow if it exists and `token` is its flowToken.
    pub fn with_flow<R>(
        &self,
        id: &str,
        token: Option<&str>,
        f: impl FnOnce(&mut Flow) -> R,
    ) -> Option<R> {
        let mut inner = self.lock();
        let flow = inner.flows.get_mut(id)?;
        if let Some(token) = token {
            if !flow.token.matches(token) {
                return None;
            }
        }
        Some(f(flow))
    }

    pub fn end_flow(&self, id: &str) {
        self.lock().flows.remove(id);
    }

    // ------------------------------------------------------------- sessions

    pub fn create_session(&self, upn: &Upn) -> String {
        let id = random_token(40);
        self.lock().sessions.insert(
            id.clone(),
            Session {
                upn: upn.clone(),
                canary: Secret::new(random_token(32)),
            },
        );
        id
    }

    pub fn session(&self, id: &str) -> Option<Session> {
        self.lock().sessions.get(id).cloned()
    }

    pub fn end_session(&self, id: &str) {
        self.lock().sessions.remove(id);
    }

    // ---------------------------------------------------------------- calls

    pub fn start_call(&self, upn: &Upn, phone: &PhoneNumber) -> String {
        let id = random_token(24);
        self.lock().calls.insert(
            id.clone(),
            Call {
                id: id.clone(),
                upn: upn.clone(),
                phone: phone.clone(),
                started: Instant::now(),
                outcome: CallOutcome::Ringing,
                keys: String::new(),
            },
        );
        id
    }

    /// The call as it stands now; a call still ringing past the timeout has timed out.
    pub fn call(&self, id: &str) -> Option<Call> {
        let now = Instant::now();
        let mut inner = self.lock();
        let call = inner.calls.get_mut(id)?;
        call.time_out_if_overdue(now, self.settings.call_timeout);
        Some(call.clone())
    }

    /// The provider reports the call ended without an answer (StatusCallback).
    pub fn call_not_answered(&self, id: &str, why: &str) {
        if let Some(c) = self.lock().calls.get_mut(id) {
            if c.outcome == CallOutcome::Ringing {
                c.outcome = CallOutcome::NotAnswered(why.to_string());
            }
        }
    }

    /// Keys pressed on the call (Twilio `<Gather>` Digits).
    pub fn press_keys(&self, id: &str, digits: &str) -> KeyResult {
        let now = Instant::now();
        let mut inner = self.lock();
        let Some(call) = inner.calls.get_mut(id) else {
            return KeyResult::Ended;
        };
        call.time_out_if_overdue(now, self.settings.call_timeout);
        if call.outcome != CallOutcome::Ringing {
            return KeyResult::Ended;
        }
        let mut result = KeyResult::WrongKey(String::new());
        for key in digits.chars() {
            let fraud_pending = call.keys.ends_with('0');
            call.keys.push(key);
            result = match (key, fraud_pending) {
                ('#', true) => KeyResult::FraudReported,
                ('#', false) => KeyResult::Verified,
                ('0', _) => KeyResult::AwaitFraudConfirm,
                (other, _) => {
                    // A wrong key cancels a half-entered fraud alert.
                    call.keys.clear();
                    KeyResult::WrongKey(other.to_string())
                }
            };
            if matches!(result, KeyResult::Verified | KeyResult::FraudReported) {
                break;
            }
        }
        let upn = call.upn.clone();
        match result {
            KeyResult::Verified => call.outcome = CallOutcome::Verified,
            KeyResult::FraudReported => {
                call.outcome = CallOutcome::Fraud;
                if let Some(u) = inner.users.get_mut(&upn) {
                    u.blocked = true;
                }
                tracing::warn!(%upn, "fraud alert reported on verification call; sign-in blocked");
            }
            _ => {}
        }
        result
    }

    // ---------------------------------------------------------------- graph

    /// Client-credentials grant. Err carries the AADSTS code and wording.
    pub fn issue_graph_token(
        &self,
        client_id: &str,
        client_secret: &str,
    ) -> Result<Secret, (u32, String)> {
        let mut inner = self.lock();
        let app = inner
            .apps
            .iter()
            .find(|a| a.client_id == client_id)
            .ok_or_else(|| {
                (
                    700016,
                    format!(
                        "AADSTS700016: Application with identifier '{client_id}' was not found in the directory '{}'.",
                        self.info.domain
                    ),
                )
            })?;
        if !app.client_secret.matches(client_secret) {
            return Err((
                7000215,
                "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.".into(),
            ));
        }
        let roles = app.roles.clone();
        let token = random_token(64);
        let now = Instant::now();
        inner.tokens.retain(|_, t| t.expires > now);
        inner.tokens.insert(
            token.clone(),
            GraphToken {
                roles,
                expires: now + GRAPH_TOKEN_LIFETIME,
            },
        );
        Ok(Secret::new(token))
    }

    /// The roles of a live bearer token, or None if unknown or expired.
    pub fn graph_token_roles(&self, token: &str) -> Option<Vec<String>> {
        let now = Instant::now();
        self.lock()
            .tokens
            .get(token)
            .filter(|t| t.expires > now)
            .map(|t| t.roles.clone())
    }
}

fn view(u: &User, now: Instant) -> UserView {
    UserView {
        upn: u.upn.clone(),
        display_name: u.display_name.clone(),
        admin: u.admin,
        phone: u.phone.clone(),
        office_phone: u.office_phone.clone(),
        admin_view: u.security.latest().clone(),
        effective: u.security.effective(now).clone(),
        pending_until: u.security.pending_until(now),
        blocked: u.blocked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn propagation_shows_admin_at_once_and_sign_in_later() {
        let t0 = Instant::now();
        let mut p = Propagating::new(1, t0);
        p.change(t0, t0 + Duration::from_secs(10), |v| *v = 2);
        assert_eq!(*p.latest(), 2);
        assert_eq!(*p.effective(t0 + Duration::from_secs(5)), 1);
        assert_eq!(*p.effective(t0 + Duration::from_secs(10)), 2);
        // A later change with a shorter delay still lands after the first.
        p.change(t0, t0 + Duration::from_secs(1), |v| *v = 3);
        assert_eq!(*p.effective(t0 + Duration::from_secs(5)), 1);
        assert_eq!(*p.effective(t0 + Duration::from_secs(10)), 3);
    }

    #[test]
    fn a_change_is_pending_until_the_instant_it_lands_and_not_at_it() {
        let t0 = Instant::now();
        let at = t0 + Duration::from_secs(10);
        let mut p = Propagating::new(1, t0);
        assert_eq!(p.pending_until(t0), None, "nothing changed yet");
        p.change(t0, at, |v| *v = 2);
        assert_eq!(p.pending_until(t0), Some(at));
        assert_eq!(p.pending_until(at), None, "effective at that instant");
    }

    #[test]
    fn a_call_rings_for_its_whole_timeout_and_times_out_after() {
        let t0 = Instant::now();
        let timeout = Duration::from_secs(30);
        let mut call = Call {
            id: "c1".into(),
            upn: Upn::parse("o365.call@cloudbacko-qa.onmicrosoft.com").unwrap(),
            phone: PhoneNumber::parse("+1 2065550102").unwrap(),
            started: t0,
            outcome: CallOutcome::Ringing,
            keys: String::new(),
        };
        call.time_out_if_overdue(t0 + timeout, timeout);
        assert_eq!(
            call.outcome,
            CallOutcome::Ringing,
            "the last instant still rings"
        );
        call.time_out_if_overdue(t0 + timeout + Duration::from_millis(1), timeout);
        assert_eq!(call.outcome, CallOutcome::TimedOut);
    }

    /// The tenant of `fixtures/tenant.toml` with `settings`.
    fn seeded(settings: Settings) -> Tenant {
        let file = TenantFile::load(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/tenant.toml"
        )))
        .unwrap();
        Tenant::new(file, settings)
    }

    #[test]
    fn propagation_delay_and_jitter_bound_when_a_change_lands() {
        let tenant = seeded(Settings {
            propagation_delay: Duration::from_millis(2000),
            propagation_jitter: Duration::from_millis(500),
            ..Settings::default()
        });
        let upn = Upn::parse("o365.sms@cloudbacko-qa.onmicrosoft.com").unwrap();
        let mut delays = Vec::new();
        for status in [MfaStatus::Enabled, MfaStatus::Disabled].repeat(10) {
            let before = Instant::now();
            tenant.set_mfa_status(&upn, status);
            let user = tenant.user(&upn).unwrap();
            assert_eq!(
                user.admin_view.status, status,
                "the admin view changes at once"
            );
            let until = user.pending_until.expect("a change is pending");
            delays.push(until.duration_since(before));
        }
        // Each change lands no earlier than the delay and, ordered after the
        // one before it, within delay + jitter of the first.
        assert!(
            delays.iter().all(|d| *d >= Duration::from_millis(2000)),
            "{delays:?}"
        );
        assert!(
            delays.iter().all(|d| *d < Duration::from_millis(2600)),
            "{delays:?}"
        );
        assert_eq!(
            tenant.user(&upn).unwrap().effective.status,
            MfaStatus::Disabled,
            "sign-in still sees the seeded status"
        );
    }

    /// AADSTS50088 lasts only as long as the window: once the texts that
    /// reached the limit are older than it, texts are allowed again.
    #[test]
    fn the_telecom_limit_lifts_once_the_window_has_passed() {
        // Long enough that no stall of a loaded machine ends it early.
        let window = Duration::from_secs(1);
        let tenant = seeded(Settings {
            telecom_limit: 2,
            telecom_window: window,
            ..Settings::default()
        });
        let upn = Upn::parse("o365.sms@cloudbacko-qa.onmicrosoft.com").unwrap();
        assert!(tenant.telecom_allowed(&upn));
        assert!(tenant.telecom_allowed(&upn));
        assert!(!tenant.telecom_allowed(&upn), "the limit is reached");
        std::thread::sleep(window + Duration::from_millis(100));
        assert!(tenant.telecom_allowed(&upn), "the window has passed");
        assert!(tenant.telecom_allowed(&upn));
        assert!(!tenant.telecom_allowed(&upn), "and counts afresh");
    }

    /// "Don't ask again" spares only the user who ticked it, and only
    /// until it runs out.
    #[test]
    fn a_remembered_device_spares_its_own_user_until_it_expires() {
        let remember_for = Duration::from_secs(1);
        let tenant = seeded(Settings {
            remember_mfa_for: remember_for,
            ..Settings::default()
        });
        let sms = Upn::parse("o365.sms@cloudbacko-qa.onmicrosoft.com").unwrap();
        let call = Upn::parse("o365.call@cloudbacko-qa.onmicrosoft.com").unwrap();
        let token = tenant.remember_device(&sms);
        assert!(tenant.is_remembered(&token, &sms));
        assert!(!tenant.is_remembered(&token, &call), "another user's token");
        assert!(!tenant.is_remembered("not-a-token", &sms));
        std::thread::sleep(remember_for + Duration::from_millis(100));
        assert!(!tenant.is_remembered(&token, &sms), "expired");
    }

    /// Pruning what has expired keeps what has not: a second remembered
    /// device, a second Graph token, leaves the first working.
    #[test]
    fn pruning_keeps_live_devices_and_tokens() {
        let tenant = seeded(Settings::default());
        let sms = Upn::parse("o365.sms@cloudbacko-qa.onmicrosoft.com").unwrap();
        let first = tenant.remember_device(&sms);
        let second = tenant.remember_device(&sms);
        assert!(tenant.is_remembered(&first, &sms) && tenant.is_remembered(&second, &sms));
        let app = (
            "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d",
            "docproof-graph-secret",
        );
        let first = tenant.issue_graph_token(app.0, app.1).unwrap();
        let second = tenant.issue_graph_token(app.0, app.1).unwrap();
        assert!(tenant.graph_token_roles(first.expose()).is_some());
        assert!(tenant.graph_token_roles(second.expose()).is_some());
    }

    /// A finished sign-in's flow, and a signed-out session, are gone: their
    /// cookies open nothing any more.
    #[test]
    fn ended_flows_and_sessions_are_gone() {
        let tenant = seeded(Settings::default());
        let (flow, _) = tenant.start_flow("/owa");
        assert!(tenant.with_flow(&flow, None, |_| ()).is_some());
        tenant.end_flow(&flow);
        assert!(tenant.with_flow(&flow, None, |_| ()).is_none());
        let sms = Upn::parse("o365.sms@cloudbacko-qa.onmicrosoft.com").unwrap();
        let session = tenant.create_session(&sms);
        assert_eq!(tenant.session(&session).unwrap().upn, sms);
        tenant.end_session(&session);
        assert!(tenant.session(&session).is_none());
    }

    #[test]
    fn codes_are_single_use_and_void_after_wrong_tries() {
        let settings = Settings::default();
        let now = Instant::now();
        let reg = Registration {
            method: Method::Text,
            phone: PhoneNumber::parse("+1 2065550101").unwrap(),
        };
        let mut c = Challenge::new(&reg);
        let code = VerificationCode::generate();
        let right = code.expose().to_string();
        let wrong = if right == "000000" {
            "111111"
        } else {
            "000000"
        };
        c.code = Some(CodeState::new(code, now));
        assert_eq!(
            c.check_code(wrong, &settings, now),
            CodeCheck::Wrong { tries_left: 2 }
        );
        assert_eq!(c.check_code(&right, &settings, now), CodeCheck::Correct);
        assert_eq!(c.check_code(&right, &settings, now), CodeCheck::NoCode);
        c.code = Some(CodeState::new(VerificationCode::generate(), now));
        for _ in 0..2 {
            c.check_code("not it", &settings, now);
        }
        assert_eq!(c.check_code("not it", &settings, now), CodeCheck::Void);
        c.code = Some(CodeState::new(VerificationCode::generate(), now));
        let later = now + settings.code_lifetime + Duration::from_secs(1);
        assert_eq!(c.check_code("123456", &settings, later), CodeCheck::Expired);
        // A code is good for its whole lifetime, the last instant included.
        let code = VerificationCode::generate();
        let right = code.expose().to_string();
        c.code = Some(CodeState::new(code, now));
        let last = now + settings.code_lifetime;
        assert_eq!(c.check_code(&right, &settings, last), CodeCheck::Correct);
    }
}
