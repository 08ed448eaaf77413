//! The real browser: the WebDriver driver against hand-written pages, the
//! session pool's clean-up, and `docproof run --driver browser` end to end,
//! including the errors a QA engineer meets (no chromedriver, a crashed
//! browser, an element that never shows).
//!
//! Needs Chromium and chromedriver. Where they are missing these tests say
//! so and pass, unless DOCPROOF_REQUIRE_BROWSER=1 (as in CI), which makes a
//! missing browser a failure.

#[path = "support/browser.rs"]
mod browser_support;
#[path = "support/run.rs"]
mod support;

use axum::response::Html;
use axum::routing::get;
use axum::Router;
use docproof::drive::browser::chromedriver::Installation;
use docproof::drive::browser::{BrowserDriver, BrowserPool};
use docproof::drive::{DriveError, Driver};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{docproof_with, files_under, report_dir, text};

fn browser() -> Option<Installation> {
    browser_support::browser_for("browser tests")
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html><head><title>{title}</title></head><body>{body}</body></html>"
    ))
}

async fn serve() -> String {
    let app = Router::new()
        .route(
            "/form",
            get(|| async {
                page(
                    "Form",
                    r#"<form method="get" action="/done">
<input id="name" name="name"><input id="locked" disabled>
<select id="country" name="country"><option value="US">United States (+1)</option><option value="GB">United Kingdom (+44)</option></select>
<input type="radio" name="m" id="text" value="text"><label for="text">Text me</label>
<button id="go">Next</button></form>
<p id="hidden" hidden>not shown</p>
<div style="width:110px;line-height:3"><a id="wrapped" href="/done?wrapped=1">wrappedwrapped x</a></div>
<div style="position:relative"><button id="under">Under</button><div id="veil" style="position:absolute;inset:0;background:white"></div></div>"#,
                )
            }),
        )
        .route(
            "/done",
            get(|axum::extract::RawQuery(q): axum::extract::RawQuery| async move {
                page("Done", &format!(r#"<h1 id="result">{}</h1>"#, q.unwrap_or_default()))
            }),
        )
        .route(
            "/login",
            get(|| async {
                (
                    [(
                        axum::http::header::SET_COOKIE,
                        "session=s3cr3t-token; Path=/; HttpOnly; SameSite=Lax",
                    )],
                    page("Signed in", r#"<h1 id="result">signed in</h1>"#),
                )
            }),
        )
        .route(
            "/whoami",
            get(|headers: axum::http::HeaderMap| async move {
                let cookie = headers
                    .get(axum::http::header::COOKIE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("no cookie")
                    .to_string();
                page("Who am I", &format!(r#"<h1 id="result">{cookie}</h1>"#))
            }),
        )
        .route(
            "/later",
            // Moves on by itself, as the call-wait page does.
            get(|| async {
                page(
                    "Waiting",
                    r#"<p id="waiting">Please wait</p><script>setTimeout(() => { location.href = '/done?moved=1'; }, 300);</script>"#,
                )
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

async fn pool(install: &Installation) -> Arc<BrowserPool> {
    Arc::new(
        BrowserPool::local(install, 2)
            .await
            .expect("chromedriver starts"),
    )
}

#[tokio::test]
async fn drives_a_form_like_a_person() {
    let Some(install) = browser() else { return };
    let base = serve().await;
    let pool = pool(&install).await;
    let mut d = BrowserDriver::new(pool.lease().await.unwrap());
    d.goto(&format!("{base}/form")).await.unwrap();
    assert_eq!(d.title().await.unwrap(), "Form");
    d.fill("#name", "o365.sms").await.unwrap();
    assert_eq!(d.value("#name").await.unwrap(), "o365.sms");
    d.choose("#country", "United Kingdom (+44)").await.unwrap();
    d.tick("#text").await.unwrap();
    d.tick("#text").await.unwrap(); // already ticked: stays ticked
    assert!(!d.is_visible("#hidden").await.unwrap());
    assert_eq!(
        d.attribute("#hidden", "hidden").await.unwrap().as_deref(),
        Some("")
    );
    let options = d.texts("#country option").await.unwrap();
    assert_eq!(options, ["United States (+1)", "United Kingdom (+44)"]);
    // The click loads the next page before it returns.
    d.click("#go").await.unwrap();
    assert_eq!(
        d.text("#result").await.unwrap(),
        "name=o365.sms&country=GB&m=text"
    );
    // A link wrapped over lines is clicked on its text, not between lines.
    d.goto(&format!("{base}/form")).await.unwrap();
    d.click("#wrapped").await.unwrap();
    assert_eq!(d.text("#result").await.unwrap(), "wrapped=1");
    drop(d);
    pool.shutdown().await;
}

#[tokio::test]
async fn refuses_what_a_person_could_not_do() {
    let Some(install) = browser() else { return };
    let base = serve().await;
    let pool = pool(&install).await;
    let mut d = BrowserDriver::new(pool.lease().await.unwrap());
    d.goto(&format!("{base}/form")).await.unwrap();
    let err = d.click("#under").await.unwrap_err().to_string();
    assert!(err.contains("covered by <div#veil>"), "{err}");
    let err = d.fill("#locked", "x").await.unwrap_err().to_string();
    assert!(err.contains("`#locked`: it is disabled"), "{err}");
    let err = d
        .choose("#country", "France")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(
            "has no option \"France\"; it offers United States (+1), United Kingdom (+44)"
        ),
        "{err}"
    );
    let err = d.fill("#go", "x").await.unwrap_err().to_string();
    assert!(err.contains("cannot be typed into"), "{err}");
    let err = d.click("#hidden").await.unwrap_err();
    assert!(matches!(err, DriveError::NotFound { .. }), "{err}");
    let err = d.text("p[").await.unwrap_err();
    assert!(matches!(err, DriveError::BadSelector { .. }), "{err}");
    drop(d);
    pool.shutdown().await;
}

#[tokio::test]
async fn a_page_that_moves_on_by_itself_is_awaited_and_a_missing_element_times_out() {
    let Some(install) = browser() else { return };
    let base = serve().await;
    let pool = pool(&install).await;
    let mut d = BrowserDriver::new(pool.lease().await.unwrap());
    d.goto(&format!("{base}/later")).await.unwrap();
    d.wait_gone("#waiting", Duration::from_secs(5))
        .await
        .unwrap();
    d.wait_for("#result", Duration::from_secs(5)).await.unwrap();
    assert_eq!(d.text("#result").await.unwrap(), "moved=1");

    // An element that never shows: the error names the selector, how long
    // it waited and the page it was on.
    let started = Instant::now();
    let err = d
        .wait_for("#never", Duration::from_millis(400))
        .await
        .unwrap_err();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(2),
        "{waited:?}"
    );
    let msg = err.to_string();
    assert!(matches!(err, DriveError::Timeout { .. }), "{msg}");
    assert!(
        msg.contains("`#never` to be visible, but it never was"),
        "{msg}"
    );
    assert!(msg.contains("\"Done\" (http://127.0.0.1:"), "{msg}");
    // A query that holds no secret is kept (secret ones: tests/secrets.rs).
    assert!(msg.contains("/done?moved=1"), "{msg}");
    drop(d);
    pool.shutdown().await;
}

#[tokio::test]
async fn a_crashed_browser_is_reported_and_not_lent_again() {
    let Some(install) = browser() else { return };
    let base = serve().await;
    let pool = pool(&install).await;
    let workdir = pool.workdir().expect("docproof started chromedriver");
    let mut d = BrowserDriver::new(pool.lease().await.unwrap());
    d.goto(&format!("{base}/form")).await.unwrap();
    // Kill this session's browser, as a crash would.
    let killed = std::process::Command::new("pkill")
        .args([
            "-KILL",
            "-f",
            &format!("user-data-dir={}", workdir.display()),
        ])
        .status()
        .unwrap();
    assert!(killed.success(), "a browser was running");
    let err = d.click("#go").await.unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, DriveError::Session(_)), "{msg}");
    assert!(msg.contains("The browser crashed or was closed"), "{msg}");
    assert!(msg.contains("chromedriver's log ends:"), "{msg}");
    drop(d);
    // The broken session is not lent again: the next lease is a new browser.
    let mut fresh = BrowserDriver::new(pool.lease().await.unwrap());
    fresh.goto(&format!("{base}/form")).await.unwrap();
    drop(fresh);
    pool.shutdown().await;
}

/// Set-up signs in over HTTP and hands the session to the browser (as the
/// admin's "Given … is signed in" does); a reused session has none of it.
#[tokio::test]
async fn a_session_signed_in_over_http_is_handed_to_the_browser_and_cleared_on_reuse() {
    let Some(install) = browser() else { return };
    let base = serve().await;
    let pool = pool(&install).await;
    let mut http = docproof::drive::http::HttpDriver::new();
    http.goto(&format!("{base}/login")).await.unwrap();
    let cookies = http.cookies(&base).await.unwrap();
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    assert!(
        !format!("{cookies:?}").contains("s3cr3t"),
        "a cookie's value never reaches a log: {cookies:?}"
    );

    // No page of the site is open yet in the browser.
    let mut d = BrowserDriver::new(pool.lease().await.unwrap());
    d.add_cookies(&base, &cookies).await.unwrap();
    d.goto(&format!("{base}/whoami")).await.unwrap();
    assert_eq!(d.text("#result").await.unwrap(), "session=s3cr3t-token");
    assert_eq!(d.cookies(&base).await.unwrap(), cookies);
    drop(d);

    let mut again = BrowserDriver::new(pool.lease().await.unwrap());
    assert_eq!(pool.session_starts().len(), 1, "the session was reused");
    assert!(again.cookies(&base).await.unwrap().is_empty());
    again.goto(&format!("{base}/whoami")).await.unwrap();
    assert_eq!(again.text("#result").await.unwrap(), "no cookie");
    drop(again);

    // And back: the HTTP driver takes cookies the same way.
    let mut other = docproof::drive::http::HttpDriver::new();
    other.add_cookies(&base, &cookies).await.unwrap();
    other.goto(&format!("{base}/whoami")).await.unwrap();
    assert_eq!(other.text("#result").await.unwrap(), "session=s3cr3t-token");
    let err = other.add_cookies("not a url", &cookies).await.unwrap_err();
    assert!(
        err.to_string().contains("not a valid absolute URL"),
        "{err}"
    );
    pool.shutdown().await;
}

#[tokio::test]
async fn sessions_are_reused_cleared_and_everything_is_removed_at_the_end() {
    let Some(install) = browser() else { return };
    let base = serve().await;
    let pool = pool(&install).await;
    let workdir = pool.workdir().unwrap();
    let mut d = BrowserDriver::new(pool.lease().await.unwrap());
    d.goto(&format!("{base}/form")).await.unwrap();
    let _ = d.page_text().await.unwrap();
    drop(d);
    // The same browser comes back, on a blank page.
    let mut again = BrowserDriver::new(pool.lease().await.unwrap());
    assert_eq!(again.url().await.unwrap(), "about:blank");
    assert_eq!(pool.session_starts().len(), 1, "the session was reused");
    drop(again);
    assert!(workdir.is_dir());
    pool.shutdown().await;
    assert!(!workdir.exists(), "profiles and the log are removed");
    let left = std::process::Command::new("pgrep")
        .args(["-f", &workdir.display().to_string()])
        .output()
        .unwrap();
    assert!(
        left.stdout.is_empty(),
        "no browser or chromedriver is left: {left:?}"
    );
}

#[test]
fn a_missing_chromedriver_is_a_clear_error_or_a_plain_fallback() {
    let report = report_dir("no-browser");
    // Nothing on PATH: no chromedriver, no Chromium.
    // (and not CI's demand for a browser, unless a case sets it).
    let no_browser = [
        ("PATH", "/nonexistent"),
        ("CHROMEDRIVER", ""),
        ("CHROME_BIN", ""),
        ("DOCPROOF_REQUIRE_BROWSER", "0"),
    ];
    let out = docproof_with(&["--driver", "browser", "--quiet"], &report, &no_browser);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--driver browser needs a real browser, but chromedriver was not found"),
        "{stderr}"
    );
    assert!(
        stderr.contains("sudo apt-get install -y chromium chromium-driver"),
        "{stderr}"
    );
    assert!(
        stderr.contains("brew install --cask chromium chromedriver"),
        "{stderr}"
    );

    // A mistyped $CHROMEDRIVER is named, not silently replaced by PATH.
    let mut typo = no_browser.to_vec();
    typo.push(("CHROMEDRIVER", "/nonexistent/chromedriver"));
    let out = docproof_with(&["--driver", "browser", "--quiet"], &report, &typo);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("$CHROMEDRIVER is set to /nonexistent/chromedriver, which is not a file"),
        "{stderr}"
    );

    let out = docproof_with(
        &["--driver", "auto", "--require-browser", "--quiet"],
        &report,
        &no_browser,
    );
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--require-browser needs a real browser"),
        "{stderr}"
    );

    let mut required = no_browser.to_vec();
    required.push(("DOCPROOF_REQUIRE_BROWSER", "1"));
    let out = docproof_with(&["--driver", "auto", "--quiet"], &report, &required);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("$DOCPROOF_REQUIRE_BROWSER needs a real browser"),
        "{stderr}"
    );

    // auto without a browser runs over HTTP and says so.
    let out = docproof_with(
        &[
            "--driver",
            "auto",
            "--quiet",
            "--tags",
            "@doc-3.2",
            "--no-snapshots",
        ],
        &report,
        &no_browser,
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("docproof: no browser here"), "{stderr}");
    assert!(
        stderr.contains("Running over plain HTTP instead"),
        "{stderr}"
    );
    assert!(
        stdout.contains("3 scenarios passed, 0 failed") && stdout.contains("over HTTP"),
        "{stdout}"
    );
}

/// `docproof run --driver browser --no-snapshots` with `args`, which must
/// fail (exit 1); its stdout and stderr.
fn failing_browser_run(report: &std::path::Path, args: &[&str]) -> String {
    let mut all_args = vec!["--driver", "browser", "--no-snapshots"];
    all_args.extend_from_slice(args);
    let out = docproof_with(&all_args, report, &[]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    format!("{stdout}{stderr}")
}

/// The failure message's `saved: screenshot …, page HTML …, page URL …`:
/// the list as printed, and the paths in it.
fn saved_artefacts(output: &str) -> (&str, Vec<&str>) {
    let saved = output
        .lines()
        .find_map(|l| l.split("saved: ").nth(1))
        .unwrap_or_else(|| panic!("no saved artefacts in:\n{output}"));
    let paths = saved
        .split(", ")
        .map(|p| p.rsplit(' ').next().unwrap())
        .collect();
    (saved, paths)
}

#[test]
fn a_failing_step_in_the_browser_saves_its_screenshot_html_and_url() {
    if browser().is_none() {
        return;
    }
    let report = report_dir("browser-failing");
    // It fails on "More information required", whose form carries the
    // sign-in flow's tokens in hidden inputs.
    let all = failing_browser_run(
        &report,
        &[
            "--features",
            "tests/fixtures/features/secrets",
            "--tags",
            "@tokens",
        ],
    );
    let (saved, paths) = saved_artefacts(&all);
    assert_eq!(paths.len(), 3, "{saved}");
    assert!(
        paths[0].ends_with(".png") && paths[1].ends_with(".html") && paths[2].ends_with(".url"),
        "{saved}"
    );
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for p in &paths {
        let file = root.join(p);
        assert!(file.is_file(), "{} was not saved", file.display());
    }
    let png = std::fs::read(root.join(paths[0])).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let url = std::fs::read_to_string(root.join(paths[2])).unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let html = std::fs::read_to_string(root.join(paths[1])).unwrap();
    assert!(html.contains("<html"), "{html}");
    let page = scraper::Html::parse_document(&html);
    let hidden = scraper::Selector::parse("input[type=hidden]").unwrap();
    let tokens: Vec<_> = page
        .select(&hidden)
        .map(|i| (i.attr("name"), i.attr("value")))
        .collect();
    assert!(
        tokens.contains(&(Some("flowToken"), Some("[token]")))
            && tokens.contains(&(Some("canary"), Some("[token]"))),
        "the page saved has the flow's tokens, masked: {tokens:?}"
    );
    assert!(
        tokens.iter().all(|(_, v)| *v == Some("[token]")),
        "every hidden field is masked: {tokens:?}"
    );
    // One screenshot per FAQ step that ran before the failure.
    let shots = report.join("screenshots");
    let n = files_under(&shots)
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .count();
    assert!(n >= 1, "no step screenshots in {}", shots.display());
}

/// Set-up walked over HTTP for the browser (a phone registered in a
/// "Given") that fails: the message says so and keeps its cause, and the
/// page saved is the one the set-up stopped on, not the browser's.
#[test]
fn a_failing_set_up_over_http_says_so_and_saves_the_page_it_stopped_on() {
    if browser().is_none() {
        return;
    }
    let report = report_dir("browser-setup-fails");
    std::fs::create_dir_all(&report).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let seeded = std::fs::read_to_string(root.join("fixtures/tenant.toml")).unwrap();
    let no_phone = seeded.replace("phone = \"+1 2065550103\"\n", "");
    assert_ne!(seeded, no_phone, "o365.backup's phone is in the fixture");
    let tenant = report.join("tenant-without-phone.toml");
    std::fs::write(&tenant, no_phone).unwrap();
    let features = "tests/fixtures/features/setup-fails";
    let all = failing_browser_run(
        &report,
        &["--features", features, "--tenant", tenant.to_str().unwrap()],
    );
    assert!(
        all.contains("has no mobile phone in the tenant file (in set-up walked over plain HTTP"),
        "{all}"
    );
    let (saved, paths) = saved_artefacts(&all);
    // Plain HTTP renders no screenshot: the HTML and the URL.
    assert_eq!(paths.len(), 2, "{saved}");
    let html = std::fs::read_to_string(root.join(paths[0])).unwrap();
    assert!(html.contains("Additional security verification"), "{html}");
    let url = std::fs::read_to_string(root.join(paths[1])).unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
}

#[test]
fn an_interrupted_run_leaves_no_browser_or_profile_behind() {
    if browser().is_none() {
        return;
    }
    let report = report_dir("browser-interrupted");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_docproof"))
        .args([
            "run",
            "--driver",
            "browser",
            "--quiet",
            "--no-snapshots",
            "--report",
        ])
        .arg(&report)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let workdirs = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(std::env::temp_dir())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&format!("docproof-browser-{pid}-")))
            })
            .collect()
    };
    // Wait until its browsers are up, then press Ctrl-C.
    let started = Instant::now();
    while workdirs().is_empty() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let dirs = workdirs();
    assert_eq!(dirs.len(), 1, "chromedriver's folder appeared");
    std::thread::sleep(Duration::from_secs(2));
    std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("docproof: interrupted; browsers closed"),
        "{stderr}"
    );
    assert!(!dirs[0].exists(), "{} is removed", dirs[0].display());
    // Killed processes take a moment to exit.
    let mut left = std::process::Command::new("pgrep")
        .args(["-f", &dirs[0].display().to_string()])
        .output()
        .unwrap();
    let since = Instant::now();
    while !left.stdout.is_empty() && since.elapsed() < Duration::from_secs(3) {
        std::thread::sleep(Duration::from_millis(100));
        left = std::process::Command::new("pgrep")
            .args(["-f", &dirs[0].display().to_string()])
            .output()
            .unwrap();
    }
    assert!(
        left.stdout.is_empty(),
        "no chromedriver or browser is left: {}",
        String::from_utf8_lossy(&left.stdout)
    );
}

#[test]
fn a_remote_webdriver_serves_the_run_and_an_unreachable_one_is_named() {
    let Some(install) = browser() else { return };
    let rt = tokio::runtime::Runtime::new().unwrap();
    // A WebDriver server someone else runs: here a chromedriver started
    // apart from docproof.
    let driver = rt
        .block_on(docproof::drive::browser::chromedriver::ChromeDriver::start(
            &install,
        ))
        .expect("chromedriver starts");
    let report = report_dir("remote-webdriver");
    let out = docproof_with(
        &[
            "--driver",
            "browser",
            "--webdriver",
            &driver.url,
            "--tags",
            "@doc-3.2",
            "--quiet",
        ],
        &report,
        &[],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("in a real browser"), "{stdout}");
    rt.block_on(driver.shutdown());

    let out = docproof_with(
        &[
            "--driver",
            "browser",
            "--webdriver",
            "http://127.0.0.1:9",
            "--quiet",
        ],
        &report,
        &[],
    );
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr
            .contains("--webdriver http://127.0.0.1:9: no WebDriver answers at http://127.0.0.1:9"),
        "{stderr}"
    );
}
