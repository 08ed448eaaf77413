//! `--last-failed`: after a red run, re-run only what did not pass, read
//! from the report folder's `run.json`; with nothing failed, nothing runs;
//! with no earlier run, a clear error.

#[path = "support/run.rs"]
mod support;

use support::{docproof, expect_exit, report_dir, text};

const SOME_FAIL: &str = "tests/fixtures/features/some-fail";

#[test]
fn only_the_scenarios_that_failed_run_again() {
    let report = report_dir("last-failed");
    let args = ["--no-snapshots", "--features", SOME_FAIL];
    let (_, stdout, _) = expect_exit(1, &args, &report);
    assert!(stdout.contains("1 scenarios passed, 1 failed"), "{stdout}");
    let again = [&args[..], &["--last-failed"]].concat();
    let (_, stdout, _) = expect_exit(1, &again, &report);
    assert!(
        stdout.contains("0 scenarios passed, 1 failed"),
        "only the failed one ran: {stdout}"
    );
    // It failed again, so it is still the one to re-run.
    let (_, stdout, _) = expect_exit(1, &again, &report);
    assert!(stdout.contains("0 scenarios passed, 1 failed"), "{stdout}");
}

#[test]
fn after_a_green_run_nothing_is_re_run_and_without_a_run_it_says_so() {
    let report = report_dir("last-failed-green");
    expect_exit(0, &[], &report);
    let (_, stdout, _) = expect_exit(0, &["--last-failed"], &report);
    assert!(stdout.contains("nothing to re-run"), "{stdout}");

    let none = report_dir("last-failed-none");
    let out = docproof(&["--last-failed"], &none);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--last-failed") && stderr.contains("run.json"),
        "{stderr}"
    );
}
