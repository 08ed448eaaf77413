//! Runs ended by a signal: `docproof run` stopped mid-run by SIGTERM (a CI
//! job's cancel) or SIGINT (Ctrl-C) exits 128 + the signal's number and
//! leaves reports that say it stopped: no empty file, nothing of the run
//! before. `docproof serve` exits the same way.

#[path = "support/run.rs"]
mod support;

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::{empty_files, expect_exit, files_under, junit, report_dir, text};

/// Waits for `child` at most `limit`; kills it and fails if it is still running.
fn wait_at_most(mut child: Child, limit: Duration) -> std::process::Output {
    let since = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if since.elapsed() > limit {
            let _ = child.kill();
            panic!("docproof did not end within {limit:?} of the signal");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

/// Transcripts this run has written so far.
fn transcripts(report: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(report.join("transcripts"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// A run that passed, then the same run stopped by `signal` once its first
/// scenario is reported: the exit code, the message and the reports.
fn stopped_mid_run(signal: Signal, exit: i32, verb: &str) {
    let report = report_dir(&format!("stopped-by-{}", signal.as_str()));
    expect_exit(
        0,
        &["--tags", "@doc-3.2", "--quiet", "--no-snapshots"],
        &report,
    );
    assert!(std::fs::read_to_string(report.join("summary.md"))
        .unwrap()
        .contains("3 of 3 scenarios passed"));

    let earlier = transcripts(&report);
    assert_eq!(earlier.len(), 3, "{earlier:?}");

    // One scenario at a time: the whole run takes seconds, so the signal
    // comes while it is under way.
    let child = Command::new(env!("CARGO_BIN_EXE_docproof"))
        .args(["run", "--driver", "http", "--concurrency", "1"])
        .args(["--quiet", "--no-snapshots", "--report"])
        .arg(&report)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = Pid::from_raw(child.id() as i32);
    let since = Instant::now();
    // This run's first transcript: one the earlier run (3.2 only) did not
    // write, as the first scenario at one at a time is 2's.
    while transcripts(&report).iter().all(|t| earlier.contains(t)) {
        assert!(
            since.elapsed() < Duration::from_secs(60),
            "no transcript of this run after 60 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    kill(pid, signal).unwrap();
    let out = wait_at_most(child, Duration::from_secs(30));
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(exit), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(&format!(
            "docproof: {verb}; browsers closed, and the reports in {} say the run was stopped ({})",
            report.display(),
            signal.as_str()
        )),
        "{stderr}"
    );
    assert!(
        !stdout.contains("scenarios passed"),
        "a stopped run prints no result line: {stdout}"
    );

    let summary = std::fs::read_to_string(report.join("summary.md")).unwrap();
    assert!(
        summary.contains(&format!(
            "**The run did not finish: stopped by {}.**",
            signal.as_str()
        )) && !summary.contains("scenarios passed"),
        "{summary}"
    );
    let junit = junit(&report.join("junit.xml"));
    assert_eq!(junit.testcases, 1, "{junit:?}");
    assert_eq!(
        junit.problems,
        [format!(
            "run did not finish: stopped by {}",
            signal.as_str()
        )]
    );
    // Cucumber JSON is written at the end only: none, rather than an empty
    // or the earlier run's.
    assert!(!report.join("cucumber.json").exists());
    assert!(!report.join("coverage.md").exists());
    assert_eq!(empty_files(&report), Vec::<PathBuf>::new());
    let temporary: Vec<PathBuf> = files_under(&report)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("/.docproof-"))
        .collect();
    assert_eq!(temporary, Vec::<PathBuf>::new());
}

#[test]
fn sigterm_mid_run_exits_143_and_the_reports_say_the_run_was_stopped() {
    stopped_mid_run(Signal::SIGTERM, 143, "terminated");
}

#[test]
fn sigint_mid_run_exits_130_and_the_reports_say_the_run_was_stopped() {
    stopped_mid_run(Signal::SIGINT, 130, "interrupted");
}

/// `docproof serve` until it says it is ready, then `signal`.
fn serve_stopped_by(signal: Signal) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_docproof"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    for line in stdout.lines() {
        if line.unwrap().starts_with("Press Ctrl-C") {
            break;
        }
    }
    kill(Pid::from_raw(child.id() as i32), signal).unwrap();
    let out = wait_at_most(child, Duration::from_secs(30));
    (out.status.code(), text(&out).1)
}

#[test]
fn serve_exits_143_on_sigterm_and_130_on_sigint() {
    let (code, stderr) = serve_stopped_by(Signal::SIGTERM);
    assert_eq!(code, Some(143), "{stderr}");
    assert!(
        stderr.contains("docproof: terminated; tenant stopped (SIGTERM)"),
        "{stderr}"
    );
    let (code, stderr) = serve_stopped_by(Signal::SIGINT);
    assert_eq!(code, Some(130), "{stderr}");
    assert!(
        stderr.contains("docproof: interrupted; tenant stopped (SIGINT)"),
        "{stderr}"
    );
}
