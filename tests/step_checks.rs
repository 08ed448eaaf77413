//! Steps whose checks are as strong as their sentences: a step run where
//! its claim does not hold fails, naming what the page or call did instead.
//! (Wording checks on their own are unit tests in `pages::second_factor`
//! and `phone`; the FAQ 4.1 waits in `steps::world::settle`.)

#[path = "support/run.rs"]
mod support;

use support::{expect_exit, report_dir};

/// Each scenario of the fixture claims what did not happen; both fail, at
/// their last step, saying what the call or the page did instead.
#[test]
fn steps_fail_where_their_claim_does_not_hold() {
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
    assert!(stdout.contains("0 scenarios passed, 2 failed"), "{stdout}");
    assert!(
        stderr.contains("FAQ step 3.2.4 (tests/fixtures/features/weak-checks/call.feature:13)")
            && stderr.contains("You pressed zero to report fraud")
            && stderr.contains("not again its question for the pound key"),
        "{stderr}"
    );
    // The page that says a call could not be placed is not one that says a
    // text could not be sent, though both use the same element ids.
    assert!(
        stderr.contains("FAQ step 3.1.4 (tests/fixtures/features/weak-checks/call.feature:22)")
            && stderr.contains("We couldn't call your phone")
            && stderr.contains("the step expects it to say \"couldn't send a text message\""),
        "{stderr}"
    );
}
