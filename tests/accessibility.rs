//! Every page the features visit, as assistive technology and role-based
//! locators (Playwright's getByRole, Testing Library) see it, in a real
//! browser: the admin's walk to the per-user MFA page and its quick-step
//! dialogs, and two users' registration and later sign-in, by text message
//! and by call.
//!
//! On each page every visible interactive element is asked for the role
//! and the accessible name Chromium computes (WebDriver's Get Computed Role
//! and Get Computed Label, which fantoccini does not wrap, so they go out
//! as raw W3C commands). Each must have both. Each menu opener must be a
//! button that says it opens a popup (aria-haspopup) and whether it is open
//! (aria-expanded), which a real click flips to "true", and Escape back.
//! The walk itself finds what the FAQ names by role and name ("button More
//! actions", "menuitem Setup Multifactor authentication") and clicks it
//! with WebDriver's own click, as a person would.
//!
//! Needs Chromium and chromedriver; without them it says so and passes,
//! unless DOCPROOF_REQUIRE_BROWSER=1 (as in CI). With
//! DOCPROOF_A11Y_SCREENSHOTS=<dir> it saves a PNG of every page it checks.

#[path = "support/browser.rs"]
mod browser_support;

use docproof::drive::browser::chromedriver::Installation;
use docproof::drive::browser::{BrowserPool, Session};
use docproof::phone::{code_in, Phone};
use docproof_contract::ids::{admin_center, portal};
use docproof_simulator::{spawn, Settings, TenantFile};
use fantoccini::elements::{Element, ElementRef};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::Client;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

const ADMIN: (&str, &str) = ("admin@cloudbacko-qa.onmicrosoft.com", "Adm1n-Passw0rd!");
const SMS_USER: (&str, &str) = ("o365.sms@cloudbacko-qa.onmicrosoft.com", "Sms-Passw0rd!");
const SMS_PHONE: &str = "+1 2065550101";
const CALL_USER: (&str, &str) = ("o365.call@cloudbacko-qa.onmicrosoft.com", "Call-Passw0rd!");
const CALL_PHONE: &str = "+1 2065550102";

/// What a person can interact with (the brief's list of interactive
/// elements), hidden form fields aside.
const INTERACTIVE: &str = "a[href], button, input:not([type=hidden]), select, textarea, summary, \
     [role=button], [role=menuitem], [role=link], [tabindex]";

/// The key W3C WebDriver gives an element reference in JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

fn browser() -> Option<Installation> {
    browser_support::browser_for("accessibility test")
}

/// W3C WebDriver's Get Computed Role / Get Computed Label of an element
/// (`GET /session/{id}/element/{eid}/computedrole|computedlabel`).
#[derive(Debug)]
struct Computed {
    what: &'static str,
    element: String,
}

impl WebDriverCompatibleCommand for Computed {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/element/{}/{}",
            session_id.unwrap_or_default(),
            self.element,
            self.what
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::GET, None)
    }
}

/// One visible interactive element of a page, as assistive technology
/// sees it.
#[derive(Debug, Clone)]
struct Control {
    element: String,
    tag: String,
    id: String,
    html: String,
    role: String,
    label: String,
    haspopup: Option<String>,
    expanded: Option<String>,
    controls: Option<String>,
    /// The ids of the elements around it, innermost first, for scoping.
    within: Vec<String>,
}

impl Control {
    /// `<button id=more-actions> <button type="button" …>`: for failures.
    fn describe(&self) -> String {
        let id = if self.id.is_empty() {
            String::new()
        } else {
            format!(" id={}", self.id)
        };
        format!("<{}{id}> {}", self.tag, self.html)
    }
}

/// Collects the visible interactive elements with what the page says
/// about them; `el` comes back as a WebDriver element reference.
const VISIBLE_CONTROLS: &str = r#"
// Shown, and not inert (as the page behind a modal dialog is).
const shown = (el) => !el.closest('[inert]') && (el.checkVisibility ? el.checkVisibility({checkVisibilityCSS: true}) : el.getClientRects().length > 0);
const within = (el) => { const ids = []; for (let a = el.parentElement; a; a = a.parentElement) if (a.id) ids.push(a.id); return ids; };
return Array.from(document.querySelectorAll(arguments[0])).filter(shown).map((el) => ({
  el,
  tag: el.tagName.toLowerCase(),
  id: el.id,
  html: el.outerHTML.replace(/\s+/g, ' ').slice(0, 160),
  haspopup: el.getAttribute('aria-haspopup'),
  expanded: el.getAttribute('aria-expanded'),
  controls: el.getAttribute('aria-controls'),
  within: within(el),
}));
"#;

/// The visible headings' texts, level 1 first.
const HEADINGS: &str = r#"
const all = Array.from(document.querySelectorAll('h1, h2, [role=heading]')).filter((h) => h.getClientRects().length > 0);
const level = (h) => Number(h.getAttribute('aria-level') || h.tagName.slice(1) || 9);
return all.sort((a, b) => level(a) - level(b)).map((h) => h.innerText.replace(/\s+/g, ' ').trim());
"#;

/// The walk: one browser, what it has checked so far and what it found.
struct Walk {
    client: Client,
    base: String,
    pages: Vec<String>,
    elements: usize,
    menus: usize,
    problems: Vec<String>,
    screenshots: Option<PathBuf>,
    /// DOCPROOF_A11Y_VERBOSE=1: print every control's role and label.
    verbose: bool,
}

impl Walk {
    fn new(client: Client, base: &str) -> Walk {
        let screenshots = std::env::var_os("DOCPROOF_A11Y_SCREENSHOTS").map(PathBuf::from);
        if let Some(dir) = &screenshots {
            std::fs::create_dir_all(dir).expect("the screenshot folder is made");
        }
        Walk {
            client,
            base: base.to_string(),
            pages: Vec::new(),
            elements: 0,
            menus: 0,
            problems: Vec::new(),
            screenshots,
            verbose: std::env::var("DOCPROOF_A11Y_VERBOSE").is_ok_and(|v| v == "1"),
        }
    }

    /// The element's computed role or label; `None` when the element is
    /// gone (the page moved on meanwhile).
    async fn computed(&self, what: &'static str, element: &str) -> Option<String> {
        let cmd = Computed {
            what,
            element: element.to_string(),
        };
        match self.client.issue_cmd(cmd).await {
            Ok(Value::String(s)) => Some(s),
            Ok(other) => panic!("{what} answered {other}, not a string"),
            Err(e) if e.to_string().contains("stale element") => None,
            Err(e) => panic!("WebDriver's {what} failed: {e}"),
        }
    }

    /// The page's visible interactive elements with their computed role and
    /// label, looked at again if the page changed while they were asked.
    async fn controls(&self) -> Vec<Control> {
        for _ in 0..5 {
            if let Some(controls) = self.try_controls().await {
                return controls;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the page kept changing while its controls were asked for their roles")
    }

    async fn try_controls(&self) -> Option<Vec<Control>> {
        let raw = self
            .client
            .execute(VISIBLE_CONTROLS, vec![json!(INTERACTIVE)])
            .await
            .expect("the page answers a script");
        let text = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
        let opt = |v: &Value, k: &str| v[k].as_str().map(str::to_string);
        let mut out = Vec::new();
        for v in raw.as_array().expect("a list of elements") {
            let element = v["el"][ELEMENT_KEY]
                .as_str()
                .expect("an element reference")
                .to_string();
            let role = self.computed("computedrole", &element).await?;
            let label = self.computed("computedlabel", &element).await?;
            out.push(Control {
                element,
                tag: text(v, "tag"),
                id: text(v, "id"),
                html: text(v, "html"),
                role,
                label: label.split_whitespace().collect::<Vec<_>>().join(" "),
                haspopup: opt(v, "haspopup"),
                expanded: opt(v, "expanded"),
                controls: opt(v, "controls"),
                within: v["within"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|s| s.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        }
        Some(out)
    }

    fn problem(&mut self, page: &str, what: String) {
        if self.verbose {
            println!("  problem: {what}");
        }
        self.problems.push(format!("{page}: {what}"));
    }

    /// Checks every visible interactive element of the page: a role and a
    /// label each, and what a menu opener must say.
    async fn check(&mut self, page: &str) -> Vec<Control> {
        let controls = self.controls().await;
        self.pages.push(page.to_string());
        self.elements += controls.len();
        if self.verbose {
            println!("{page}:");
            for c in &controls {
                println!("  {} {:?}  <{} id={:?}>", c.role, c.label, c.tag, c.id);
            }
        }
        for c in &controls {
            if c.role.trim().is_empty() || c.role == "none" || c.role == "generic" {
                self.problem(
                    page,
                    format!("{} has no role (computed role {:?})", c.describe(), c.role),
                );
            }
            if c.label.trim().is_empty() {
                self.problem(
                    page,
                    format!(
                        "{} has no accessible name (computed label is empty)",
                        c.describe()
                    ),
                );
            }
            if c.haspopup.is_some() || c.controls.is_some() && c.expanded.is_some() {
                self.check_opener(page, c);
            }
        }
        if let Some(dir) = &self.screenshots {
            // Secrets never reach a picture: the app password is masked
            // first (the check of this page is over).
            let mask = format!(
                "document.querySelectorAll('{}').forEach(e => e.textContent = '••••••••')",
                docproof_contract::ids::proof_up::APP_PASSWORD.css
            );
            self.client
                .execute(&mask, vec![])
                .await
                .expect("the mask applies");
            let png = self.client.screenshot().await.expect("a screenshot");
            let name: String = page
                .chars()
                .map(|ch| {
                    if ch.is_ascii_alphanumeric() {
                        ch.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect();
            let path = dir.join(format!("{:02}-{name}.png", self.pages.len()));
            std::fs::write(&path, png).expect("the screenshot is saved");
        }
        controls
    }

    /// A menu opener: a button that says it opens a popup, which one, and
    /// whether it is open.
    fn check_opener(&mut self, page: &str, c: &Control) {
        let mut missing = Vec::new();
        if c.role != "button" {
            missing.push(format!("role \"button\" (it is {:?})", c.role));
        }
        if c.haspopup
            .as_deref()
            .is_none_or(|h| h.is_empty() || h == "false")
        {
            missing.push("aria-haspopup".to_string());
        }
        if !matches!(c.expanded.as_deref(), Some("true" | "false")) {
            missing.push(format!(
                "aria-expanded true|false (it has {:?})",
                c.expanded
            ));
        }
        if c.controls.as_deref().is_none_or(str::is_empty) {
            missing.push("aria-controls".to_string());
        }
        if !missing.is_empty() {
            self.problem(
                page,
                format!("menu opener {} lacks {}", c.describe(), missing.join(", ")),
            );
        }
    }

    /// The one visible control with this role and name (inside the element
    /// with id `within`, if given), found as getByRole finds it.
    async fn find(&self, page: &str, role: &str, name: &str, within: Option<&str>) -> Control {
        let controls = self.controls().await;
        let hits: Vec<&Control> = controls
            .iter()
            .filter(|c| c.role == role && c.label == name)
            .filter(|c| within.is_none_or(|w| c.within.iter().any(|id| id == w)))
            .collect();
        match hits.as_slice() {
            [one] => (*one).clone(),
            [] => {
                let seen: Vec<String> = controls
                    .iter()
                    .map(|c| format!("{} {:?}", c.role, c.label))
                    .collect();
                panic!(
                    "{page}: no {role} named {name:?}{} among the visible controls: {}",
                    within.map(|w| format!(" inside #{w}")).unwrap_or_default(),
                    seen.join(", ")
                )
            }
            many => panic!(
                "{page}: {} controls are {role} {name:?} (a role-based locator would refuse to choose): {}",
                many.len(),
                many.iter().map(|c| c.describe()).collect::<Vec<_>>().join("; ")
            ),
        }
    }

    fn element(&self, c: &Control) -> Element {
        Element::from_element_id(self.client.clone(), ElementRef::from(c.element.clone()))
    }

    /// Clicks the control with this role and name with WebDriver's own
    /// click (pointer events, as a person's).
    async fn click(&self, page: &str, role: &str, name: &str) {
        self.click_within(page, role, name, None).await
    }

    /// Clicks a control that loads a page (a link, a submit button) and
    /// waits, up to 10 s, until the new page has loaded.
    async fn click_within(&self, page: &str, role: &str, name: &str, within: Option<&str>) {
        let c = self.find(page, role, name, within).await;
        let token = format!("{:x}", rand::random::<u64>());
        self.client
            .execute("window.__a11yPage = arguments[0];", vec![json!(token)])
            .await
            .expect("the page answers a script");
        self.element(&c)
            .click()
            .await
            .unwrap_or_else(|e| panic!("{page}: clicking {role} {name:?} failed: {e}"));
        let start = Instant::now();
        loop {
            let state = self
                .client
                .execute(
                    "return window.__a11yPage === arguments[0] ? 'same' : document.readyState;",
                    vec![json!(token)],
                )
                .await;
            if matches!(&state, Ok(Value::String(s)) if s == "complete") {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{page}: clicking {role} {name:?} loaded no new page within 10 s ({state:?})"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Clicks a control that changes the page in place (a radio button).
    async fn tick(&self, page: &str, role: &str, name: &str) {
        let c = self.find(page, role, name, None).await;
        self.element(&c)
            .click()
            .await
            .unwrap_or_else(|e| panic!("{page}: clicking {role} {name:?} failed: {e}"));
    }

    /// Types into the field with this role and name.
    async fn fill(&self, page: &str, role: &str, name: &str, text: &str) {
        let c = self.find(page, role, name, None).await;
        let e = self.element(&c);
        e.clear().await.expect("the field clears");
        e.send_keys(text).await.expect("the field takes keys");
    }

    /// Types into the page's only text box (the user name has no FAQ name).
    async fn fill_only_textbox(&self, page: &str, text: &str) {
        let controls = self.controls().await;
        let boxes: Vec<&Control> = controls.iter().filter(|c| c.role == "textbox").collect();
        let [only] = boxes.as_slice() else {
            panic!("{page}: {} text boxes, not one", boxes.len());
        };
        let e = self.element(only);
        e.clear().await.expect("the field clears");
        e.send_keys(text).await.expect("the field takes keys");
    }

    async fn headings(&self) -> Vec<String> {
        // A page on its way out (the call-wait pages move on by
        // themselves) may not answer: no headings yet.
        match self.client.execute(HEADINGS, vec![]).await {
            Ok(v) => serde_json::from_value(v).expect("a list of texts"),
            Err(_) => Vec::new(),
        }
    }

    /// Waits (up to 10 s: the call-wait pages move on by themselves) until
    /// a visible heading starts with `heading`.
    async fn on(&self, heading: &str) {
        let start = Instant::now();
        loop {
            let shown = self.headings().await;
            if shown.iter().any(|h| h.starts_with(heading)) {
                return;
            }
            if start.elapsed() > Duration::from_secs(10) {
                let url = self.client.current_url().await.map(|u| u.to_string());
                panic!("waited 10 s for a page with the heading {heading:?}; the page shows {shown:?} ({url:?})");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("opening {path} failed: {e}"));
    }

    /// Opens a menu by clicking its button, as a person does: the button is
    /// found by role and name, says it opens a popup and is closed; after
    /// a real click it says it is open and its popup shows. Escape closes
    /// it and a second click opens it again. Then the page is checked with
    /// the menu open. A menu that does not behave is the error.
    async fn open_menu(&mut self, page: &str, name: &str) -> Result<(), String> {
        let b = self.find(page, "button", name, None).await;
        let Some(popup) = b.controls.clone() else {
            return Err(format!(
                "{page}: the menu button {} names no popup (aria-controls)",
                b.describe()
            ));
        };
        if b.expanded.as_deref() != Some("false") {
            return Err(format!(
                "{page}: the menu button {} is not closed (aria-expanded=\"false\") before it is clicked",
                b.describe()
            ));
        }
        if !b
            .haspopup
            .as_deref()
            .is_some_and(|h| h == "true" || h == "menu")
        {
            return Err(format!(
                "{page}: the menu button {} lacks aria-haspopup=\"true\"",
                b.describe()
            ));
        }
        let button = self.element(&b);
        let popup_el = self
            .client
            .find(fantoccini::Locator::Id(&popup))
            .await
            .map_err(|e| {
                format!("{page}: the popup #{popup} of {name:?} is not on the page: {e}")
            })?;
        if popup_el.is_displayed().await.unwrap() {
            return Err(format!(
                "{page}: the popup #{popup} of {name:?} shows before the button is clicked"
            ));
        }
        button.click().await.expect("the menu button takes a click");
        if !self.menu_is(&button, &popup_el, true).await {
            return Err(format!(
                "{page}: after a click on {name:?}, aria-expanded is not \"true\" or #{popup} does not show"
            ));
        }
        // Escape closes it (the focus is on the button after the click).
        self.client
            .active_element()
            .await
            .expect("an active element")
            .send_keys("\u{E00C}")
            .await
            .expect("Escape is pressed");
        if !self.menu_is(&button, &popup_el, false).await {
            return Err(format!(
                "{page}: Escape did not close {name:?} (aria-expanded \"false\", #{popup} hidden)"
            ));
        }
        button.click().await.expect("the menu button takes a click");
        if !self.menu_is(&button, &popup_el, true).await {
            return Err(format!("{page}: {name:?} did not open again"));
        }
        self.menus += 1;
        self.check(&format!("{page} with {name:?} open")).await;
        Ok(())
    }

    /// Works a menu from the keyboard: Enter on its button opens it on its
    /// first item, ArrowDown moves to the next, Escape closes it and gives
    /// the focus back to the button.
    async fn keyboard_menu(&self, page: &str, name: &str, items: [&str; 2]) {
        const ENTER: &str = "\u{E007}";
        const ARROW_DOWN: &str = "\u{E015}";
        const ESCAPE: &str = "\u{E00C}";
        let b = self.find(page, "button", name, None).await;
        let focused = || async {
            let e = self
                .client
                .active_element()
                .await
                .expect("an active element");
            let label = self.computed("computedlabel", &e.element_id()).await;
            (e, label.unwrap_or_default())
        };
        // WebDriver's Send Keys focuses the element, then presses the key.
        self.element(&b)
            .send_keys(ENTER)
            .await
            .expect("Enter is pressed");
        let (item, label) = focused().await;
        assert_eq!(
            label, items[0],
            "{page}: Enter on {name:?} does not focus its first item"
        );
        item.send_keys(ARROW_DOWN)
            .await
            .expect("ArrowDown is pressed");
        let (item, label) = focused().await;
        assert_eq!(
            label, items[1],
            "{page}: ArrowDown in {name:?} does not move to the next item"
        );
        item.send_keys(ESCAPE).await.expect("Escape is pressed");
        let (_, label) = focused().await;
        assert_eq!(
            label, name,
            "{page}: Escape in {name:?} does not return to its button"
        );
        let expanded = self.element(&b).attr("aria-expanded").await.unwrap();
        assert_eq!(
            expanded.as_deref(),
            Some("false"),
            "{page}: Escape leaves {name:?} open"
        );
    }

    /// [`Walk::open_menu`], where a menu that does not behave ends the walk.
    async fn menu(&mut self, page: &str, name: &str) {
        if let Err(why) = self.open_menu(page, name).await {
            panic!("{why}");
        }
    }

    /// Whether the menu button says it is open (`aria-expanded`) and its
    /// popup shows, both as `open`.
    async fn menu_is(&self, button: &Element, popup: &Element, open: bool) -> bool {
        let expanded = button.attr("aria-expanded").await.unwrap();
        let shown = popup.is_displayed().await.unwrap();
        expanded.as_deref() == Some(if open { "true" } else { "false" }) && shown == open
    }

    /// The sign-in pages of the converged UI: user name, password, and
    /// "Stay signed in?" answered No. Checks each page the first time.
    async fn sign_in(&mut self, upn: &str, password: &str, check: bool) {
        self.on("Sign in").await;
        if check {
            self.check("sign-in: user name").await;
        }
        self.fill_only_textbox("sign-in: user name", upn).await;
        self.click("sign-in: user name", "button", "Next").await;
        self.on("Enter password").await;
        if check {
            self.check("sign-in: password").await;
        }
        self.fill("sign-in: password", "textbox", "Password", password)
            .await;
        self.click("sign-in: password", "button", "Sign in").await;
    }

    /// Answers "Stay signed in?" with No when it shows.
    async fn stay_signed_in(&mut self, check: bool) {
        self.on("Stay signed in?").await;
        if check {
            self.check("Stay signed in?").await;
        }
        self.click("Stay signed in?", "button", "No").await;
    }

    async fn sign_out_of_owa(&mut self) {
        self.on("Inbox").await;
        self.click("Outlook on the web", "link", "Sign out").await;
        self.on("You signed out of your account").await;
    }
}

/// The texted code, once the newest text to `phone` is the `n`th.
async fn texted_code(provider: &Phone, phone: &str, seen: usize) -> String {
    let (text, _) = provider
        .wait_for_newest_text(phone, seen, Duration::from_secs(10))
        .await
        .expect("the code is texted");
    code_in(&text.body).expect("the text carries a code")
}

/// Answers the newest call to `phone` by pressing the pound key.
async fn answer_call(provider: &Phone, phone: &str, seen: usize) {
    let (call, _) = provider
        .wait_for_newest_call(phone, seen, Duration::from_secs(10))
        .await
        .expect("the phone rings");
    provider
        .answer(&call, "#")
        .await
        .expect("the call is answered");
}

/// A browser of its own, its window as wide as a desktop's.
async fn start(install: &Installation) -> (Arc<BrowserPool>, Session) {
    let pool = Arc::new(
        BrowserPool::local(install, 1)
            .await
            .expect("chromedriver starts"),
    );
    let session = pool.lease().await.expect("a browser session");
    session
        .client()
        .set_window_size(1280, 900)
        .await
        .expect("the window is sized");
    (pool, session)
}

#[tokio::test]
async fn every_page_the_features_visit_names_its_controls() {
    let Some(install) = browser() else { return };
    let settings = Settings::default();
    let file = TenantFile::load(std::path::Path::new("fixtures/tenant.toml")).unwrap();
    let telephony = settings.telephony.clone();
    let tenant = spawn(file, settings, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    // The user's phone, on the tenant's own virtual carrier.
    let provider = Phone::new(
        &format!(
            "{}{}",
            tenant.base_url,
            docproof_contract::twilio::VIRTUAL_CARRIER
        ),
        &telephony.account_sid,
        telephony.auth_token,
    );
    let (pool, session) = start(&install).await;
    let mut w = Walk::new(session.client().clone(), &tenant.base_url);

    // ---- The admin (FAQ 2.1–2.5): the portal's main menu, the admin
    // center's menus, the MFA page and each quick step's dialog.
    w.goto("/").await;
    w.sign_in(ADMIN.0, ADMIN.1, true).await;
    w.stay_signed_in(true).await;
    w.on("Good day").await;
    w.check("portal home").await;
    w.click_within("portal home", "link", "Admin", Some(portal::MAIN_MENU.name))
        .await;
    w.on("Home").await;
    w.check("admin center home").await;
    w.menu("admin center home", "Office 365 Main Menu").await;
    let launcher = w
        .find("admin center home", "button", "Office 365 Main Menu", None)
        .await;
    w.element(&launcher).click().await.unwrap();
    w.menu("admin center home", "Users").await;
    // The home page's own "Active users" card link has the same name: the
    // FAQ's "Users > Active users" is the one in the navigation.
    w.click_within(
        "admin center home",
        "link",
        "Active users",
        Some(admin_center::NAV_USERS_LIST.name),
    )
    .await;
    w.on("Active users").await;
    w.check("Active users (Preview)").await;
    w.menu("Active users (Preview)", "More actions").await;
    w.click(
        "Active users (Preview)",
        "menuitem",
        "Setup Multifactor authentication",
    )
    .await;
    w.on("multi-factor authentication").await;
    w.check("multi-factor authentication").await;
    w.click("multi-factor authentication", "link", "Active users")
        .await;
    w.on("Active users").await;
    w.click("Active users (Preview)", "link", "Switch to classic")
        .await;
    w.on("Active users").await;
    w.check("Active users (Classic)").await;
    w.keyboard_menu(
        "Active users (Classic)",
        "More",
        ["Export users", "Multifactor Authentication setup"],
    )
    .await;
    w.menu("Active users (Classic)", "More").await;
    w.click(
        "Active users (Classic)",
        "menuitem",
        "Multifactor Authentication setup",
    )
    .await;
    w.on("multi-factor authentication").await;

    const MFA: &str = "multi-factor authentication";
    w.fill(MFA, "searchbox", "Search", "o365").await;
    w.click(MFA, "button", "Search").await;
    w.check("multi-factor authentication, searched for o365")
        .await;
    // FAQ 2.4: the account is clicked by its display name…
    w.click(MFA, "link", "O365 SMS User").await;
    w.on("O365 SMS User").await;
    w.check("multi-factor authentication, o365.sms selected")
        .await;
    w.click(MFA, "link", "Enable").await;
    w.on("About enabling multi-factor auth").await;
    let dialog = w
        .check("quick step Enable: About enabling multi-factor auth")
        .await;
    // Behind the modal dialog the page is inert: only the dialog's
    // controls can be reached.
    let reachable: Vec<(&str, &str)> = dialog
        .iter()
        .map(|c| (c.role.as_str(), c.label.as_str()))
        .collect();
    assert_eq!(
        reachable,
        [("button", "enable multi-factor auth"), ("link", "cancel")]
    );
    w.click(MFA, "button", "enable multi-factor auth").await;
    w.on("Updates successful").await;
    w.check("quick step Enable: Updates successful").await;
    w.click(MFA, "link", "close").await;
    // … or by its user name.
    w.click(MFA, "link", CALL_USER.0).await;
    w.on("O365 Call User").await;
    w.click(MFA, "link", "Enable").await;
    w.on("About enabling multi-factor auth").await;
    w.click(MFA, "button", "enable multi-factor auth").await;
    w.on("Updates successful").await;
    w.click(MFA, "link", "close").await;
    w.click(MFA, "link", "O365 Backup Account").await;
    w.on("O365 Backup Account").await;
    w.click(MFA, "link", "Enforce").await;
    w.on("About enforcing multi-factor auth").await;
    w.check("quick step Enforce: About enforcing multi-factor auth")
        .await;
    w.click(MFA, "link", "cancel").await;
    w.on("O365 Backup Account").await;
    w.click(MFA, "link", "Manage user settings").await;
    w.on("Manage user settings").await;
    w.check("quick step Manage user settings").await;
    w.click(MFA, "link", "cancel").await;
    w.click(MFA, "link", "O365 Enforced User").await;
    w.on("O365 Enforced User").await;
    w.click(MFA, "link", "Disable").await;
    w.on("Disable multi-factor authentication?").await;
    w.check("quick step Disable: Disable multi-factor authentication?")
        .await;
    w.click(MFA, "link", "no").await;
    w.on("O365 Enforced User").await;
    assert!(
        w.find(MFA, "checkbox", "Select O365 Enforced User", None)
            .await
            .html
            .contains("aria-checked=\"true\""),
        "the selected account's checkbox is ticked"
    );
    w.click(MFA, "link", "Sign out").await;
    w.on("You signed out of your account").await;
    w.check("Outlook on the web: signed out").await;

    // ---- FAQ 3.1: o365.sms registers by text message, then signs in
    // again with a new texted code.
    w.click("Outlook on the web: signed out", "link", "Sign in again")
        .await;
    w.sign_in(SMS_USER.0, SMS_USER.1, false).await;
    w.on("More information required").await;
    w.check("More information required").await;
    w.click("More information required", "button", "Next").await;
    w.on("Step 1").await;
    w.check("Additional security verification, Step 1").await;
    const STEP1: &str = "Additional security verification, Step 1";
    w.fill(STEP1, "textbox", "Phone number", "2065550101").await;
    w.tick(STEP1, "radio", "Send me a code by text message")
        .await;
    w.click(STEP1, "button", "Next").await;
    w.on("Step 2").await;
    w.check("Additional security verification, Step 2 (text)")
        .await;
    let code = texted_code(&provider, SMS_PHONE, 0).await;
    const STEP2: &str = "Additional security verification, Step 2 (text)";
    w.fill(STEP2, "textbox", "Enter the verification code", &code)
        .await;
    w.click(STEP2, "button", "Verify").await;
    w.on("Step 3").await;
    w.check("Additional security verification, Step 3").await;
    w.click("Additional security verification, Step 3", "button", "Done")
        .await;
    w.sign_out_of_owa_checked().await;
    w.click("Outlook on the web: signed out", "link", "Sign in again")
        .await;
    w.sign_in(SMS_USER.0, SMS_USER.1, false).await;
    w.on("Enter code").await;
    w.check("Enter code").await;
    let code = texted_code(&provider, SMS_PHONE, 1).await;
    w.fill("Enter code", "textbox", "Code", &code).await;
    w.click("Enter code", "button", "Verify").await;
    w.stay_signed_in_if_asked().await;
    w.sign_out_of_owa().await;

    // ---- FAQ 3.2: o365.call registers by phone call, then signs in again
    // by answering a new call.
    w.click("Outlook on the web: signed out", "link", "Sign in again")
        .await;
    w.sign_in(CALL_USER.0, CALL_USER.1, false).await;
    w.on("More information required").await;
    w.click("More information required", "button", "Next").await;
    w.on("Step 1").await;
    w.fill(STEP1, "textbox", "Phone number", "2065550102").await;
    w.tick(STEP1, "radio", "Call me").await;
    w.click(STEP1, "button", "Next").await;
    w.on("Step 2").await;
    w.check("Additional security verification, Step 2 (call)")
        .await;
    answer_call(&provider, CALL_PHONE, 0).await;
    w.on("Step 3").await;
    w.click("Additional security verification, Step 3", "button", "Done")
        .await;
    w.stay_signed_in_if_asked().await;
    w.sign_out_of_owa().await;
    w.click("Outlook on the web: signed out", "link", "Sign in again")
        .await;
    w.sign_in(CALL_USER.0, CALL_USER.1, false).await;
    w.on("Answer the call").await;
    w.check("Answer the call").await;
    answer_call(&provider, CALL_PHONE, 1).await;
    w.stay_signed_in_if_asked().await;
    w.sign_out_of_owa().await;

    println!(
        "accessibility: {} pages, {} interactive elements, {} menus checked",
        w.pages.len(),
        w.elements,
        w.menus
    );
    for page in &w.pages {
        println!("  checked: {page}");
    }
    drop(session);
    pool.shutdown().await;
    assert!(
        w.problems.is_empty(),
        "{} accessibility problems:\n{}",
        w.problems.len(),
        w.problems.join("\n")
    );
}

impl Walk {
    /// After registering: "Stay signed in?" if asked, then the inbox, whose
    /// page is checked, then signed out.
    async fn sign_out_of_owa_checked(&mut self) {
        self.stay_signed_in_if_asked().await;
        self.on("Inbox").await;
        self.check("Outlook on the web: inbox").await;
        self.sign_out_of_owa().await;
    }

    /// Waits for the inbox or "Stay signed in?", and answers the latter No.
    async fn stay_signed_in_if_asked(&mut self) {
        let start = Instant::now();
        loop {
            let shown = self.headings().await;
            if shown.iter().any(|h| h == "Stay signed in?") {
                return self.stay_signed_in(false).await;
            }
            if shown.iter().any(|h| h == "Inbox") {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "waited 10 s for the inbox or \"Stay signed in?\"; the page shows {shown:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Faults the check must catch, on a page written to have them.
const FAULTY: &str = r#"<!doctype html><html lang="en"><head><title>Faulty</title></head><body>
<h1>Faulty</h1>
<button id="nameless"></button>
<a id="image-link" href="/x"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="8" height="8"></a>
<input id="unlabelled">
<span id="focusable" tabindex="0">x</span>
<button type="button" id="half-menu" aria-haspopup="true" aria-controls="half">Half menu</button><ul id="half" hidden><li>a</li></ul>
<button type="button" id="dead-menu" aria-haspopup="true" aria-expanded="false" aria-controls="dead">Dead menu</button><ul id="dead" hidden><li>b</li></ul>
<label for="named">Named</label><input id="named">
</body></html>"#;

/// The checks themselves: each fault is named with its page, element and
/// what is missing, and a menu button whose popup never opens is refused.
#[tokio::test]
async fn the_check_names_the_page_the_element_and_what_is_missing() {
    let Some(install) = browser() else { return };
    let app = axum::Router::new().route(
        "/faulty",
        axum::routing::get(|| async { axum::response::Html(FAULTY) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let (pool, session) = start(&install).await;
    let mut w = Walk::new(session.client().clone(), &base);
    w.goto("/faulty").await;
    let controls = w.check("faulty page").await;
    assert_eq!(controls.len(), 7, "{controls:#?}");
    let named = w.find("faulty page", "textbox", "Named", None).await;
    assert_eq!(named.id, "named");
    let problems = w.problems.join("\n");
    for expected in [
        "faulty page: <button id=nameless> <button id=\"nameless\"></button> has no accessible name",
        "faulty page: <a id=image-link> <a id=\"image-link\" href=\"/x\">",
        "faulty page: <input id=unlabelled> <input id=\"unlabelled\"> has no accessible name",
        "faulty page: <span id=focusable> <span id=\"focusable\" tabindex=\"0\">x</span> has no role",
        "faulty page: menu opener <button id=half-menu> <button type=\"button\" id=\"half-menu\" aria-haspopup=\"true\" aria-controls=\"half\">Half menu</button> lacks aria-expanded true|false (it has None)",
    ] {
        assert!(problems.contains(expected), "missing {expected:?} in:\n{problems}");
    }
    assert_eq!(w.problems.len(), 6, "{problems}");

    // No script opens the dead menu: the walk stops there, saying so.
    let why = w
        .open_menu("faulty page", "Dead menu")
        .await
        .expect_err("a menu that does not open is refused");
    assert_eq!(
        why,
        "faulty page: after a click on \"Dead menu\", aria-expanded is not \"true\" or #dead does not show"
    );
    drop(session);
    pool.shutdown().await;
}
