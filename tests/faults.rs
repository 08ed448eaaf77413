//! The fault suite: what docproof does when the machinery under it fails —
//! a browser that will not start, chromedriver or a browser killed mid-run,
//! SIGTERM mid-run, a doc URL that never answers. Each case checks the exit
//! code, the message, that no chromedriver or browser is left running and
//! no temporary folder is left behind, and that the reports agree (an
//! infrastructure failure is never reported as documentation drift).
//!
//! Every run gets a `TMPDIR` of its own, so "nothing left behind" means
//! that folder is empty afterwards, and "no process left" means no process
//! names it on its command line.
//!
//! Covered elsewhere, not repeated here:
//! - the telephony provider answering 5xx, timing out or refusing
//!   connections: `tests/phone.rs` (`a_tenant_pointed_at_a_provider_answering_500_says_it_could_not_send`,
//!   `a_provider_slower_than_the_tenants_timeout_is_an_outage_and_the_late_text_still_arrives`,
//!   `a_refused_connection_is_an_outage_for_the_tenant_and_an_error_for_the_phone`,
//!   `a_call_outage_fails_proof_up_until_the_provider_recovers`), and the
//!   features' own outage scenario (`features/troubleshooting.feature`);
//! - SIGINT and SIGTERM and the reports they leave: `tests/interrupted.rs`.
//!
//! Needs Chromium and chromedriver for the browser cases; where they are
//! missing those say so and pass, unless DOCPROOF_REQUIRE_BROWSER=1.

#[path = "support/browser.rs"]
mod browser_support;

use docproof::drive::browser::chromedriver::Installation;
use docproof::drive::browser::BrowserPool;
use docproof::drive::{DriveError, FailureKind};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn browser() -> Option<Installation> {
    browser_support::browser_for("browser fault cases")
}

/// A case's own folder: `tmp/` (the run's TMPDIR), `bin/` (wrappers),
/// `report/`, and the run's output.
struct Scratch {
    root: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Scratch {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("faults-{name}"));
        let _ = std::fs::remove_dir_all(&root);
        for d in ["tmp", "bin", "report"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        Scratch { root }
    }
    fn tmp(&self) -> PathBuf {
        self.root.join("tmp")
    }
    fn report(&self) -> PathBuf {
        self.root.join("report")
    }
    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.report().join(file))
            .unwrap_or_else(|e| panic!("{file} in the report: {e}"))
    }

    /// A stand-in for the browser binary, named as the real one (docproof
    /// treats the headless shell by its name): it counts its launches in
    /// `bin/launches` (one line each, with the profile it was given), exits
    /// at once on the launches numbered in `fail` — chromedriver then says
    /// "Chrome instance exited", as on a loaded machine — and otherwise
    /// runs the real browser.
    fn flaky_browser(&self, real: &Path, fail: &[usize]) -> PathBuf {
        let wrapper = self.root.join("bin").join(real.file_name().unwrap());
        let launches = self.root.join("bin").join("launches");
        let fail: Vec<String> = fail.iter().map(|n| n.to_string()).collect();
        let script = format!(
            r#"#!/bin/sh
profile=$(printf '%s\n' "$@" | grep -- '--user-data-dir=' | head -n 1)
echo "$profile" >> '{launches}'
n=$(wc -l < '{launches}')
for f in {fail}; do
  if [ "$n" -eq "$f" ]; then echo "flaky browser: launch $n exits at once" >&2; exit 1; fi
done
exec '{real}' "$@"
"#,
            launches = launches.display(),
            fail = fail.join(" "),
            real = real.display(),
        );
        std::fs::write(&wrapper, script).unwrap();
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
        wrapper
    }

    /// The profiles the flaky browser was started with, launch by launch.
    fn launches(&self) -> Vec<String> {
        std::fs::read_to_string(self.root.join("bin").join("launches"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// Starts `docproof run` with this case's TMPDIR and report folder;
    /// stdout and stderr go to files (a pipe could fill and stall it).
    fn spawn(&self, args: &[&str], env: &[(&str, &Path)]) -> Child {
        let out = std::fs::File::create(self.root.join("stdout")).unwrap();
        let err = std::fs::File::create(self.root.join("stderr")).unwrap();
        Command::new(env!("CARGO_BIN_EXE_docproof"))
            .arg("run")
            .arg("--report")
            .arg(self.report())
            .args(["--quiet", "--no-snapshots"])
            .args(args)
            .envs(env.iter().map(|(k, v)| (*k, v.as_os_str())))
            .env("TMPDIR", self.tmp())
            .env("RUST_LOG", "warn")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("the docproof binary runs")
    }

    /// Waits for the run to end, at most `within`; its exit code and its
    /// stdout and stderr together.
    fn finish(&self, mut child: Child, within: Duration) -> (Option<i32>, String) {
        let started = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if started.elapsed() > within {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "docproof did not finish within {within:?}:\n{}",
                    self.output()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        (status.code(), self.output())
    }

    fn output(&self) -> String {
        let read = |f: &str| std::fs::read_to_string(self.root.join(f)).unwrap_or_default();
        format!("{}{}", read("stdout"), read("stderr"))
    }

    /// Processes whose command line names this case's folder: chromedriver
    /// and the browsers it started.
    fn processes(&self) -> Vec<(i32, String)> {
        processes_naming(&self.root)
    }

    /// Nothing of the run is left: no process names this case's folder
    /// (killed ones get a few seconds to go) and its TMPDIR is empty.
    fn assert_clean(&self) {
        let since = Instant::now();
        let mut left = self.processes();
        while !left.is_empty() && since.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(100));
            left = self.processes();
        }
        assert!(left.is_empty(), "processes left running: {left:?}");
        let files: Vec<PathBuf> = std::fs::read_dir(self.tmp())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        assert!(files.is_empty(), "left in TMPDIR: {files:?}");
    }

    /// Waits until a browser of this run is up (a process given a profile
    /// in this case's TMPDIR); panics after 60 s.
    fn until_a_browser_runs(&self, child: &mut Child) {
        let started = Instant::now();
        while browsers(&self.processes()).is_empty() {
            if let Some(s) = child.try_wait().unwrap() {
                panic!(
                    "docproof ended ({s}) before a browser ran:\n{}",
                    self.output()
                );
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "no browser started within 60 s:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Every process whose command line contains `needle`'s path, with it.
fn processes_naming(needle: &Path) -> Vec<(i32, String)> {
    let needle = needle.to_string_lossy().into_owned();
    let me = std::process::id() as i32;
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let pid: i32 = e.file_name().to_str()?.parse().ok()?;
            let cmd = std::fs::read(e.path().join("cmdline")).ok()?;
            let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
            (pid != me && cmd.contains(&needle)).then_some((pid, cmd))
        })
        .collect()
}

/// The browsers' main processes among `procs` (given a profile, and not
/// one of a browser's helpers, which have a `--type`).
fn browsers(procs: &[(i32, String)]) -> Vec<i32> {
    procs
        .iter()
        .filter(|(_, cmd)| cmd.contains("--user-data-dir=") && !cmd.contains("--type="))
        .map(|(pid, _)| *pid)
        .collect()
}

fn kill(pid: i32, signal: &str) {
    let _ = Command::new("kill")
        .args([signal, &pid.to_string()])
        .status();
}

/// The reports of a run in which some scenarios stopped on infrastructure
/// errors agree with each other and with the console: every scenario that
/// did not pass is an infrastructure error (the machinery broke, the
/// documentation did not), in `summary.md`, JUnit, Cucumber JSON and the
/// console, and the coverage matrix calls no step failed.
fn assert_infrastructure_only(s: &Scratch, output: &str) {
    let summary = s.read("summary.md");
    let junit = s.read("junit.xml");
    let json = s.read("cucumber.json");
    let coverage = s.read("coverage.md");
    let errors = summary.matches("| **infrastructure error** |").count();
    assert!(
        errors > 0,
        "an infrastructure error is reported:\n{summary}"
    );
    assert!(!summary.contains("| **failed** |"), "{summary}");
    assert_eq!(
        junit
            .matches("<error type=\"Infrastructure error\"")
            .count(),
        errors,
        "each is a JUnit <error>:\n{junit}"
    );
    assert!(!junit.contains("<failure "), "no JUnit <failure>:\n{junit}");
    assert!(
        junit.contains(&format!(" errors=\"{errors}\" failures=\"0\""))
            || junit.matches(" errors=\"").count() > 1,
        "the suite counts follow:\n{junit}"
    );
    assert!(
        json.contains(FailureKind::INFRASTRUCTURE_PREFIX),
        "Cucumber JSON's message says so:\n{json}"
    );
    assert_eq!(
        output.matches("ERROR (infrastructure) ").count(),
        errors,
        "{output}"
    );
    assert!(!output.contains("\nFAILED "), "{output}");
    assert!(
        output.contains("by an infrastructure error, not the documentation"),
        "{output}"
    );
    assert!(
        !coverage.contains("**failed**"),
        "an unproven step is not drift:\n{coverage}"
    );
    assert!(
        coverage.contains("**not proven (infrastructure error)**"),
        "{coverage}"
    );
}

// ------------------------------------------------- a browser that won't start

/// A pool on a chromedriver of our own whose browser is `chromium`.
async fn pool_with(install: &Installation, chromium: PathBuf) -> Arc<BrowserPool> {
    let install = Installation {
        chromium,
        ..install.clone()
    };
    Arc::new(BrowserPool::local(&install, 2).await.unwrap())
}

#[tokio::test]
async fn a_browser_that_exits_at_start_is_started_again_once_with_a_fresh_profile() {
    let Some(install) = browser() else { return };
    let s = Scratch::new("start-retried");
    let pool = pool_with(&install, s.flaky_browser(&install.chromium, &[1])).await;
    let session = pool.lease().await.expect("the second try starts");
    assert_eq!(pool.start_retries(), 1);
    let launches = s.launches();
    assert_eq!(launches.len(), 2, "{launches:?}");
    assert_ne!(
        launches[0], launches[1],
        "the second try has a fresh profile"
    );
    let workdir = pool.workdir().unwrap();
    assert!(launches[1].contains(&workdir.display().to_string()));
    drop(session);
    pool.shutdown().await;
    assert!(!workdir.exists(), "{} is removed", workdir.display());
}

#[tokio::test]
async fn a_browser_that_fails_twice_is_an_infrastructure_error_named_browser_could_not_start() {
    let Some(install) = browser() else { return };
    let s = Scratch::new("start-fails");
    let pool = pool_with(&install, s.flaky_browser(&install.chromium, &[1, 2])).await;
    let err = pool.lease().await.err().expect("no session starts");
    let msg = err.to_string();
    assert!(matches!(err, DriveError::BrowserStart(_)), "{msg}");
    assert_eq!(err.kind(), FailureKind::Infrastructure);
    assert!(
        msg.starts_with("browser could not start: tried twice"),
        "{msg}"
    );
    assert!(msg.contains("Chrome instance exited"), "{msg}");
    assert_eq!(pool.start_retries(), 1);
    assert_eq!(s.launches().len(), 2, "tried exactly twice");
    pool.shutdown().await;
}

/// The run's first session starts before any scenario; the scenario's
/// second (the user's browser) exits at its first start and is started
/// again: the scenario passes, and the run says a start was retried.
#[test]
fn a_run_whose_browser_exits_once_passes_and_says_it_retried() {
    let Some(install) = browser() else { return };
    let s = Scratch::new("run-retried");
    let flaky = s.flaky_browser(&install.chromium, &[2]);
    let child = s.spawn(
        &[
            "--driver",
            "browser",
            "--concurrency",
            "1",
            "--features",
            "tests/fixtures/features/two-browsers",
        ],
        &[("CHROME_BIN", &flaky)],
    );
    let (_, output) = s.finish(child, Duration::from_secs(120));
    assert_eq!(s.launches().len(), 3, "{output}");
    assert!(
        output.contains("trying once more with a fresh profile"),
        "{output}"
    );
    assert!(
        output.contains("note: 1 browser session start failed once and was tried again"),
        "{output}"
    );
    let summary = s.read("summary.md");
    assert!(
        summary.contains("| passed | The admin is signed in, then the user signs in |"),
        "{summary}"
    );
    assert!(
        summary.contains(
            "1 browser session start failed once and was tried again with a fresh profile"
        ),
        "{summary}"
    );
    s.assert_clean();
}

/// The user's browser fails both tries: the scenario is an infrastructure
/// error in every report, not a documentation failure.
#[test]
fn a_run_whose_browser_never_starts_mid_run_reports_an_infrastructure_error() {
    let Some(install) = browser() else { return };
    let s = Scratch::new("run-start-fails");
    let flaky = s.flaky_browser(&install.chromium, &[2, 3]);
    let child = s.spawn(
        &[
            "--driver",
            "browser",
            "--concurrency",
            "1",
            "--features",
            "tests/fixtures/features/two-browsers",
        ],
        &[("CHROME_BIN", &flaky)],
    );
    let (code, output) = s.finish(child, Duration::from_secs(120));
    assert_eq!(code, Some(1), "{output}");
    assert!(
        output.contains("browser could not start: tried twice"),
        "{output}"
    );
    assert_infrastructure_only(&s, &output);
    s.assert_clean();
}

// ------------------------------------------------------------ killed mid-run

/// The `@doc-2` scenarios, one at a time, in the browser.
const A_BROWSER_RUN: &[&str] = &[
    "--driver",
    "browser",
    "--concurrency",
    "1",
    "--tags",
    "@doc-2",
];

#[test]
fn chromedriver_killed_mid_run_is_an_infrastructure_error_and_leaves_nothing() {
    if browser().is_none() {
        return;
    }
    let s = Scratch::new("chromedriver-killed");
    let mut child = s.spawn(A_BROWSER_RUN, &[]);
    s.until_a_browser_runs(&mut child);
    std::thread::sleep(Duration::from_millis(1500));
    let drivers: Vec<i32> = s
        .processes()
        .into_iter()
        .filter(|(_, cmd)| cmd.contains("chromedriver") && cmd.contains("--log-path="))
        .map(|(pid, _)| pid)
        .collect();
    assert_eq!(drivers.len(), 1, "one chromedriver: {:?}", s.processes());
    kill(drivers[0], "-KILL");
    let (code, output) = s.finish(child, Duration::from_secs(120));
    assert_eq!(code, Some(1), "{output}");
    assert_infrastructure_only(&s, &output);
    s.assert_clean();
}

#[test]
fn a_browser_killed_mid_run_is_an_infrastructure_error_and_leaves_nothing() {
    if browser().is_none() {
        return;
    }
    let s = Scratch::new("browser-killed");
    let mut child = s.spawn(A_BROWSER_RUN, &[]);
    s.until_a_browser_runs(&mut child);
    std::thread::sleep(Duration::from_millis(1000));
    // Kill whatever browser is up, a few times over, so that at least one
    // dies in the middle of a step (one killed between scenarios is
    // replaced quietly, as it should be).
    let until = Instant::now() + Duration::from_secs(3);
    while Instant::now() < until && child.try_wait().unwrap().is_none() {
        for pid in browsers(&s.processes()) {
            kill(pid, "-KILL");
        }
        std::thread::sleep(Duration::from_millis(400));
    }
    let (code, output) = s.finish(child, Duration::from_secs(120));
    assert_eq!(code, Some(1), "{output}");
    assert_infrastructure_only(&s, &output);
    s.assert_clean();
}

/// SIGTERM while browsers run: chromedriver, the browsers, docproof's
/// profiles and Chromium's `org.chromium.Chromium.scoped_dir.*` folders
/// all go (the exit code and the reports it leaves are
/// `tests/interrupted.rs`'s).
#[test]
fn sigterm_mid_browser_run_leaves_no_browser_profile_or_scoped_dir() {
    if browser().is_none() {
        return;
    }
    let s = Scratch::new("sigterm");
    let mut child = s.spawn(A_BROWSER_RUN, &[]);
    s.until_a_browser_runs(&mut child);
    std::thread::sleep(Duration::from_millis(1500));
    let made: Vec<PathBuf> = walk(&s.tmp());
    assert!(
        made.iter()
            .any(|p| p.to_string_lossy().contains("/profile-")),
        "the run's profiles are in its TMPDIR: {made:?}"
    );
    kill(child.id() as i32, "-TERM");
    let (code, output) = s.finish(child, Duration::from_secs(30));
    assert_eq!(code, Some(143), "SIGTERM is 128 + 15:\n{output}");
    s.assert_clean();
}

/// Every folder and file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut all = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p.clone());
            }
            all.push(p);
        }
    }
    all
}

// -------------------------------------------------------- a doc that hangs

/// A doc URL whose server accepts the connection and never answers: the
/// run stops with a named timeout (exit 2), never hangs.
#[test]
fn a_doc_url_that_never_answers_times_out_with_a_named_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/faq.txt", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        // Hold every connection open, saying nothing.
        let mut held = vec![];
        for c in listener.incoming() {
            held.push(c);
        }
    });
    let s = Scratch::new("doc-hangs");
    let child = s.spawn(&["--driver", "http", "--doc", &url], &[]);
    let (code, output) = s.finish(child, Duration::from_secs(90));
    assert_eq!(code, Some(2), "{output}");
    assert!(output.contains(&url), "names the URL: {output}");
    assert!(
        output.contains("did not arrive within 30 s"),
        "says it timed out: {output}"
    );
    s.assert_clean();
}
