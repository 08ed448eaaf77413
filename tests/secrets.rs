//! Nothing secret reaches a report: scenarios that fail on each page that
//! holds a secret (the flow's hidden tokens, the texted code's boxes, the
//! app password before any step read it), over HTTP and in the browser,
//! leave no secret in any file of the report folder or in the output; the
//! browser masks the secret places while a screenshot is taken; and URLs
//! with credentials are printed without them.

#[path = "support/browser.rs"]
mod browser_support;
#[path = "support/run.rs"]
mod support;

use docproof::drive::browser::chromedriver::Installation;
use docproof::drive::browser::{BrowserDriver, BrowserPool};
use docproof::drive::Driver;
use docproof_contract::ids::{proof_up, sas, sign_in};
use regex::Regex;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use support::{docproof_with, files_under, report_dir, text};

const FIXTURE: &str = "tests/fixtures/features/secrets";

/// The pages the fixture's scenarios fail on, by the folder their failure
/// is saved in, and the secret place each page must hold, masked, in the
/// saved HTML: proof that the scenario reached a page with a secret, so
/// the scan below had something to find.
const PAGES: &[(&str, &str, &str)] = &[
    (
        "fails-on-more-information-required",
        r#"name="flowToken""#,
        "[token]",
    ),
    ("fails-on-step-2-after", r#"id="tfa_code""#, "[token]"),
    (
        "fails-on-step-3-before",
        r#"id="tfa_app_password""#,
        ">[app password]<",
    ),
    (
        "fails-on-enter-code",
        r#"id="idTxtBx_SAOTCC_OTC""#,
        "[token]",
    ),
];

/// Where a secret was found: the file (or output stream), the byte offset
/// and what kind of secret.
#[derive(Debug)]
struct Found {
    file: String,
    offset: usize,
    what: &'static str,
}

/// Every secret the tenant file holds (account passwords, app client
/// secrets), and the shapes of the secrets the tenant makes up as it runs:
/// a six-digit code, a 16-letter app password, a flow token or canary
/// (a long run of letters and digits).
struct Secrets {
    known: Vec<String>,
    code: Regex,
    app_password: Regex,
    token: Regex,
    /// JUnit's `time="5.259812"` and Cucumber JSON's `"duration": 123456`
    /// are numbers, not codes.
    timings: Regex,
}

impl Secrets {
    fn of_the_seeded_tenant() -> Secrets {
        let file = docproof_simulator::TenantFile::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/tenant.toml"),
        )
        .unwrap();
        let mut known: Vec<String> = file
            .users
            .iter()
            .map(|u| u.password.expose().to_string())
            .collect();
        known.extend(
            file.apps
                .iter()
                .map(|a| a.client_secret.expose().to_string()),
        );
        Secrets {
            known,
            code: Regex::new(r"\b\d{6}\b").unwrap(),
            app_password: Regex::new(r"\b[a-z]{16}\b").unwrap(),
            token: Regex::new(r"\b[A-Za-z0-9]{24,}\b").unwrap(),
            timings: Regex::new(r#"time="[\d.]+"|"duration":\s*\d+"#).unwrap(),
        }
    }

    /// The secrets in `bytes`. A PNG's pixels are compressed, so only text
    /// files are searched for shapes; every file is searched for the known
    /// secrets (a PNG's text chunks could hold one).
    fn scan(&self, name: &str, bytes: &[u8], found: &mut Vec<Found>) {
        let raw = String::from_utf8_lossy(bytes);
        for s in &self.known {
            if let Some(offset) = raw.find(s.as_str()) {
                found.push(Found {
                    file: name.into(),
                    offset,
                    what: "a password or client secret of the tenant file",
                });
            }
        }
        if bytes.starts_with(b"\x89PNG") {
            return;
        }
        // Timings are blanked with spaces, so offsets stay the file's.
        let text = self
            .timings
            .replace_all(&raw, |c: &regex::Captures| " ".repeat(c[0].len()));
        let mixed = |s: &str| {
            s.chars().any(|c| c.is_ascii_digit())
                && s.chars().any(|c| c.is_ascii_uppercase())
                && s.chars().any(|c| c.is_ascii_lowercase())
        };
        let shapes: [(&Regex, &'static str); 3] = [
            (&self.code, "a six-digit code"),
            (
                &self.app_password,
                "an app password (16 lower-case letters)",
            ),
            (
                &self.token,
                "a token (a long run of mixed letters and digits)",
            ),
        ];
        for (re, what) in shapes {
            for m in re.find_iter(&text) {
                if re.as_str() == self.token.as_str() && !mixed(m.as_str()) {
                    continue;
                }
                found.push(Found {
                    file: name.into(),
                    offset: m.start(),
                    what,
                });
            }
        }
    }
}

/// Fails naming each file, offset and kind of secret found in any file
/// under `report` (reports, transcripts, saved pages and screenshots,
/// junit.xml, cucumber.json) or in the run's output.
fn assert_no_secrets(report: &Path, out: &Output) {
    assert_none_in(
        report,
        out,
        &["junit.xml", "cucumber.json", ".html", ".url", ".txt"],
    );
}

/// [`assert_no_secrets`], where `must` are the kinds of file the report
/// must hold (so the scan is known to have read them).
fn assert_none_in(report: &Path, out: &Output, must: &[&str]) {
    let secrets = Secrets::of_the_seeded_tenant();
    let (stdout, stderr) = text(out);
    let mut found = vec![];
    let files = files_under(report);
    for f in &files {
        secrets.scan(
            &f.display().to_string(),
            &std::fs::read(f).unwrap(),
            &mut found,
        );
    }
    secrets.scan("stdout", stdout.as_bytes(), &mut found);
    secrets.scan("stderr", stderr.as_bytes(), &mut found);
    let names: Vec<_> = files.iter().map(|f| f.display().to_string()).collect();
    for must in must {
        assert!(
            names.iter().any(|n| n.ends_with(must)),
            "no {must} in the report to scan: {names:#?}"
        );
    }
    assert!(
        found.is_empty(),
        "secrets in the report or output: {found:#?}"
    );
}

/// Runs the fixture (exit 1: every scenario fails where it should) and
/// checks that each failure saved the page it was meant to fail on.
fn run_the_failing_fixture(report: &Path, driver: &str) -> Output {
    let out = docproof_with(
        &["--driver", driver, "--no-snapshots", "--features", FIXTURE],
        report,
        &[],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("0 scenarios passed, 4 failed"),
        "{stdout}\n{stderr}"
    );
    for (scenario, place, masked) in PAGES {
        let html = files_under(&report.join("failures"))
            .into_iter()
            .find(|p| {
                p.extension().is_some_and(|e| e == "html")
                    && p.display().to_string().contains(scenario)
            })
            .unwrap_or_else(|| panic!("no saved page for {scenario}\n{stderr}"));
        let html = std::fs::read_to_string(&html).unwrap();
        assert!(
            html.contains(place),
            "{scenario} did not stop on a page with {place}:\n{html}"
        );
        assert!(html.contains(masked), "{scenario}: no {masked} in\n{html}");
        if driver == "browser" {
            let png = report.join("failures").join(
                files_under(&report.join("failures"))
                    .into_iter()
                    .find(|p| {
                        p.extension().is_some_and(|e| e == "png")
                            && p.display().to_string().contains(scenario)
                    })
                    .unwrap_or_else(|| panic!("no screenshot for {scenario}")),
            );
            assert!(std::fs::read(png).unwrap().starts_with(b"\x89PNG"));
        }
    }
    // The app password was on the page, and no step had read it.
    assert!(
        stderr.contains("but it shows \"Additional security verification\""),
        "{stderr}"
    );
    out
}

#[test]
fn failures_on_pages_with_secrets_leave_none_in_the_report_over_http() {
    let report = report_dir("secrets-pages-http");
    let out = run_the_failing_fixture(&report, "http");
    assert_no_secrets(&report, &out);
}

/// The audit saves the pages today's service showed where the FAQ's way
/// failed (the registration wizard's code box among them) and quotes what
/// they said: none of it may carry a secret.
#[test]
fn the_audit_leaves_no_secret_in_its_findings() {
    let report = report_dir("secrets-audit-http");
    let out = support::docproof_command("audit", &["--driver", "http"], &report, &[]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    let pages = files_under(&report.join("drift"));
    assert!(
        pages
            .iter()
            .any(|p| p.display().to_string().contains("3.1.4")),
        "the audit saved the pages of 3.1.4: {pages:?}"
    );
    let must = [
        "drift.json",
        "drift.md",
        "junit.xml",
        "cucumber.json",
        ".html",
        ".txt",
    ];
    assert_none_in(&report, &out, &must);
}

fn browser() -> Option<Installation> {
    browser_support::browser_for("browser tests")
}

#[test]
fn failures_on_pages_with_secrets_leave_none_in_the_report_in_the_browser() {
    if browser().is_none() {
        return;
    }
    let report = report_dir("secrets-pages-browser");
    let out = run_the_failing_fixture(&report, "browser");
    assert_no_secrets(&report, &out);
}

/// The scan itself finds each kind of secret, naming the file and offset.
#[test]
fn the_scan_finds_each_kind_of_secret() {
    let s = Secrets::of_the_seeded_tenant();
    let password = s.known[0].clone();
    for (content, what) in [
        (format!("x {password} y"), "password"),
        ("code 123456 sent".to_string(), "six-digit"),
        (r#"<div id="tfa_app_password">kzjedviwgslncdgm</div>"#.to_string(), "app password"),
        (
            r#"<input type="hidden" name="flowToken" value="Q2x9rTb7mKk3LpZ0aaWe4YuIo8sD1fGh3jKl">"#.to_string(),
            "token",
        ),
    ] {
        let mut found = vec![];
        s.scan("page.html", content.as_bytes(), &mut found);
        assert!(
            found.iter().any(|f| f.what.contains(what) && f.file == "page.html" && f.offset > 0),
            "{content}: {found:?}"
        );
    }
    let mut found = vec![];
    s.scan(
        "junit.xml",
        br#"<testcase time="5.259812" name="3.1 Authentication phone (SMS)"/> "duration": 123456"#,
        &mut found,
    );
    assert!(found.is_empty(), "timings are not codes: {found:?}");
}

/// A page with each secret place, spelled with the contract's ids, as
/// the tenant's pages are.
fn secret_page() -> String {
    format!(
        r#"<!doctype html><html><head><title>Secrets</title></head><body>
<form><input id="{user}" name="loginfmt"><input type="password" id="{passwd}" name="passwd">
<input type="hidden" name="flowToken" value="TokenValue1">
<input id="{otc}" name="otc"><input id="{code}" name="otc2" autocomplete="one-time-code">
<input id="other" name="other" autocomplete="One-Time-Code"></form>
<div id="{app}"><span>kzjedvi</span>wgslncdgm</div>
<p id="note">Keep <b data-secret>the words</b> safe</p></body></html>"#,
        user = sign_in::i0116.name,
        passwd = sign_in::i0118.name,
        otc = sas::idTxtBx_SAOTCC_OTC.name,
        code = proof_up::CODE.name,
        app = proof_up::APP_PASSWORD.name,
    )
}

/// While a screenshot is taken, every secret place shows its label (the
/// DOM is read between masking and unmasking), and everything is put
/// back afterwards.
#[tokio::test]
async fn the_browser_masks_every_secret_place_for_a_screenshot() {
    let Some(install) = browser() else { return };
    let page = secret_page();
    let app = axum::Router::new().route(
        "/secrets",
        axum::routing::get(move || async move { axum::response::Html(page) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let pool = Arc::new(
        BrowserPool::local(&install, 1)
            .await
            .expect("chromedriver starts"),
    );
    let mut d = BrowserDriver::new(pool.lease().await.unwrap());
    d.goto(&format!("http://{addr}/secrets")).await.unwrap();
    let typed = [
        (sign_in::i0116.css, "o365.sms@contoso.example"),
        (sign_in::i0118.css, "Sms-Passw0rd!"),
        (sas::idTxtBx_SAOTCC_OTC.css, "482913"),
        (proof_up::CODE.css, "551204"),
        ("#other", "33x44"),
    ];
    for (css, value) in typed {
        d.fill(css, value).await.unwrap();
    }

    let masked = d.mask_secrets(&[]).await.unwrap();
    let during = [
        (sign_in::i0116.css, "o365.sms@contoso.example"),
        (sign_in::i0118.css, "[password]"),
        (sas::idTxtBx_SAOTCC_OTC.css, "[code]"),
        (proof_up::CODE.css, "[code]"),
        ("#other", "[code]"),
        (proof_up::APP_PASSWORD.css, "[app password]"),
        ("#note", "Keep [secret] safe"),
    ];
    for (css, shown) in during {
        assert_eq!(d.value(css).await.unwrap(), shown, "{css} while masked");
    }
    // Hidden inputs are never drawn, and a page's own script may submit
    // them: left alone.
    assert_eq!(
        d.attribute("[name=flowToken]", "value")
            .await
            .unwrap()
            .as_deref(),
        Some("TokenValue1")
    );
    // The app password, the password, three code boxes and the marked
    // words; not the hidden input.
    assert_eq!(masked.places, 6, "{masked:?}");
    assert!(d.unmask_secrets(&masked).await.unwrap());

    for (css, value) in typed {
        assert_eq!(d.value(css).await.unwrap(), value, "{css} put back");
    }
    assert_eq!(
        d.value(proof_up::APP_PASSWORD.css).await.unwrap(),
        "kzjedviwgslncdgm"
    );
    assert_eq!(d.value("#note").await.unwrap(), "Keep the words safe");
    assert!(d.screenshot(&[]).await.unwrap().is_some());
    drop(d);
    pool.shutdown().await;
}

/// Runs the docproof binary with `args` (it must fail at once: nothing
/// answers on port 1) and returns all it printed.
fn docproof_output(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_docproof"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the docproof binary runs");
    let (stdout, stderr) = text(&out);
    assert_ne!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    format!("{stdout}{stderr}")
}

#[test]
fn a_webdriver_url_is_printed_without_its_credentials() {
    let report = report_dir("secrets-webdriver-url");
    let all = docproof_output(&[
        "run",
        "--report",
        report.to_str().unwrap(),
        "--driver",
        "browser",
        "--webdriver",
        "http://gridUser:gridS3cret@127.0.0.1:1/wd/hub?token=t0kenS3cret",
    ]);
    assert!(all.contains("http://127.0.0.1:1/wd/hub"), "{all}");
    for secret in ["gridUser", "gridS3cret", "t0kenS3cret"] {
        assert!(!all.contains(secret), "{secret} printed:\n{all}");
    }
}

#[test]
fn a_doc_url_is_printed_without_its_credentials() {
    let report = report_dir("secrets-doc-url");
    let doc = "http://docUser:d0cPass@127.0.0.1:1/faq.txt?token=t0kenS3cret&lang=en";
    for args in [
        vec!["doc", "show", "--doc", doc],
        vec!["doc", "check", "--doc", doc],
        vec![
            "run",
            "--driver",
            "http",
            "--report",
            report.to_str().unwrap(),
            "--doc",
            doc,
        ],
    ] {
        let all = docproof_output(&args);
        assert!(
            all.contains("http://127.0.0.1:1/faq.txt?token=…&lang=en"),
            "{args:?}: {all}"
        );
        for secret in ["docUser", "d0cPass", "t0kenS3cret"] {
            assert!(!all.contains(secret), "{args:?}: {secret} printed:\n{all}");
        }
    }
}
