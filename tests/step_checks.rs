//! Steps whose checks are as strong as their sentences: a step run where
//! its claim does not hold fails, naming what the page or call did instead.
//! (Wording checks on their own are unit tests in `pages::second_factor`
//! and `phone`; the FAQ 4.1 waits in `steps::world::settle`.)

#[path = "support/run.rs"]
mod support;

use support::{expect_exit, report_dir};

#[test]
fn another_question_for_the_pound_key_is_not_asking_again() {
    let report = report_dir("weak-checks-call");
    let (_, stdout, stderr) = expect_exit(
        1,
        &[
            "--features",
            "tests/fixtures/features/weak-checks",
            "--no-snapshots",
        ],
        &report,
    );
    assert!(stdout.contains("0 scenarios passed, 1 failed"), "{stdout}");
    assert!(
        stderr.contains("FAQ step 3.2.4 (tests/fixtures/features/weak-checks/call.feature:13)")
            && stderr.contains("You pressed zero to report fraud")
            && stderr.contains("not again its question for the pound key"),
        "{stderr}"
    );
}
