//! `docproof run` as a release gate: the real binary, run on the shipped
//! features and on deliberately broken ones. It must pass the good, fail the
//! bad with a message naming file, line and FAQ step, and leave reports.

#[path = "support/run.rs"]
mod support;

use std::path::Path;
use std::process::Output;
use support::{empty_files, expect_exit, files_under, junit, report_dir, text};

#[test]
fn a_failing_step_fails_the_run_names_the_faq_step_and_is_reported() {
    let report = report_dir("failing");
    let (_, stdout, stderr) = expect_exit(
        1,
        &[
            "--features",
            "tests/fixtures/features/failing",
            "--no-snapshots",
        ],
        &report,
    );
    assert!(stdout.contains("0 scenarios passed, 1 failed"), "{stdout}");
    assert!(
        stderr.contains("FAQ step 2.5 (tests/fixtures/features/failing/wrong-status.feature:9)")
            && stderr.contains("shows \"Disabled\", not \"Enforced\""),
        "{stderr}"
    );
    let junit = std::fs::read_to_string(report.join("junit.xml")).unwrap();
    assert!(
        junit.contains("<failure") && junit.contains("The status is not what the step claims"),
        "{junit}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report.join("cucumber.json")).unwrap())
            .unwrap();
    let statuses: Vec<String> = json[0]["elements"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["result"]["status"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(statuses, ["passed", "passed", "passed", "failed"]);
    assert!(report
        .join("transcripts/wrong-status__the-status-is-not-what-the-step-claims.txt")
        .exists());
    let summary = std::fs::read_to_string(report.join("summary.md")).unwrap();
    assert!(
        summary.contains("0 of 1 scenarios passed")
            && summary.contains("| **failed** | The status is not what the step claims | @doc-2 |")
            && summary.contains("FAQ step 2.5"),
        "{summary}"
    );
}

#[test]
fn an_unknown_step_names_file_line_and_the_closest_defined_step() {
    let report = report_dir("undefined");
    let (_, stdout, stderr) = expect_exit(
        1,
        &["--features", "tests/fixtures/features/undefined"],
        &report,
    );
    assert!(
        stderr.contains("tests/fixtures/features/undefined/unknown-step.feature:5: undefined step `[3.1.2] When the user seraches for the OWA site`"),
        "{stderr}"
    );
    assert!(stderr.contains("the closest defined step is `"), "{stderr}");
    assert!(
        stdout.contains("0 scenarios passed, 0 failed"),
        "nothing ran: {stdout}"
    );
}

#[test]
fn a_malformed_feature_file_names_its_line() {
    let report = report_dir("malformed");
    let (_, _, stderr) = expect_exit(
        1,
        &["--features", "tests/fixtures/features/malformed"],
        &report,
    );
    assert!(
        stderr.contains("tests/fixtures/features/malformed/broken.feature:4:")
            && stderr.contains("not valid Gherkin"),
        "{stderr}"
    );
}

#[test]
fn a_citation_of_a_step_the_faq_lacks_is_refused() {
    let report = report_dir("miscited");
    // The doc check fails the run but lets its scenario run, so that the
    // report is complete; a new scenario has no snapshot to compare with.
    let (_, stdout, stderr) = expect_exit(
        1,
        &[
            "--features",
            "tests/fixtures/features/miscited",
            "--no-snapshots",
        ],
        &report,
    );
    assert!(
        stderr.contains("miscited/wrong-number.feature:5: cites FAQ step [3.1.9], which fixtures/docs/office-365-mfa.txt no longer has (3.1 has 3.1.1–3.1.6)"),
        "{stderr}"
    );
    let summary = std::fs::read_to_string(report.join("summary.md")).unwrap();
    assert!(
        summary.contains("## Doc check") && summary.contains("1 of 1 scenarios passed"),
        "{summary}"
    );
    // The scenario passed but the run failed: the last line, summary.md and
    // junit.xml all say the run failed, and why (the fixture has no lock
    // and transcribes one step: many problems).
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        last.contains("1 scenarios passed, 0 failed")
            && last.contains(", but the run FAILED: the drift gate found ")
            && last.contains(" problems between the doc and the features;"),
        "{stdout}"
    );
    assert!(
        summary.contains("**The run FAILED: the drift gate found "),
        "{summary}"
    );
    let junit = junit(&report.join("junit.xml"));
    assert_eq!(junit.testcases, 2, "{junit:?}");
    assert!(
        junit.problems.len() == 1
            && junit.problems[0].starts_with("run failed: the drift gate found "),
        "{junit:?}"
    );
}

#[test]
fn a_run_stopped_by_a_malformed_feature_leaves_no_earlier_run_s_reports() {
    let report = report_dir("stale-after-malformed");
    expect_exit(
        0,
        &["--tags", "@doc-3.2", "--quiet", "--no-snapshots"],
        &report,
    );
    assert!(report.join("cucumber.json").exists() && report.join("transcripts").exists());
    std::fs::write(report.join("notes.md"), "not docproof's").unwrap();

    let (_, stdout, _) = expect_exit(
        1,
        &["--features", "tests/fixtures/features/malformed", "--quiet"],
        &report,
    );
    let summary = std::fs::read_to_string(report.join("summary.md")).unwrap();
    assert!(
        summary.contains(
            "**The run FAILED: 1 problem in the features kept the scenarios from running"
        ) && summary.contains("broken.feature:4:22: not valid Gherkin")
            && summary.contains("0 of 0 scenarios passed"),
        "{summary}"
    );
    assert!(
        stdout
            .lines()
            .last()
            .unwrap_or_default()
            .contains("the run FAILED: 1 problem in the features kept the scenarios from running"),
        "{stdout}"
    );
    let junit = junit(&report.join("junit.xml"));
    assert_eq!(junit.testcases, 1, "{junit:?}");
    assert!(
        junit.problems.len() == 1
            && junit.problems[0].starts_with(
                "run did not finish: 1 problem in the features kept the scenarios from running"
            ),
        "{junit:?}"
    );
    // The earlier run's Cucumber JSON and transcripts are gone; the folder's
    // other files stay.
    assert!(!report.join("cucumber.json").exists());
    assert!(!report.join("transcripts").exists());
    assert_eq!(
        std::fs::read_to_string(report.join("notes.md")).unwrap(),
        "not docproof's"
    );
    assert_eq!(empty_files(&report), Vec::<std::path::PathBuf>::new());
}

#[test]
fn a_run_that_cannot_start_says_so_in_its_reports() {
    let report = report_dir("stale-after-cannot-start");
    expect_exit(
        0,
        &["--tags", "@doc-3.2", "--quiet", "--no-snapshots"],
        &report,
    );
    let (_, _, stderr) = expect_exit(2, &["--tenant", "no/such/tenant.toml"], &report);
    assert!(stderr.contains("no/such/tenant.toml"), "{stderr}");
    let summary = std::fs::read_to_string(report.join("summary.md")).unwrap();
    assert!(
        summary.contains("**The run did not finish: docproof could not run: ")
            && summary.contains("no/such/tenant.toml"),
        "{summary}"
    );
    let junit = junit(&report.join("junit.xml"));
    assert!(
        junit.testcases == 1 && junit.problems[0].contains("no/such/tenant.toml"),
        "{junit:?}"
    );
    assert!(!report.join("cucumber.json").exists());
}

/// Makes `dir` unwritable for as long as it lives: mode 0555, or, for root
/// (whom modes do not stop), the immutable attribute. `None` where neither
/// holds (no chattr, a file system without it).
struct Unwritable(std::path::PathBuf);

impl Unwritable {
    fn make(dir: &Path) -> Option<Unwritable> {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        let guard = Unwritable(dir.to_path_buf());
        let writable = |d: &Path| std::fs::write(d.join("probe"), "").is_ok();
        if !writable(dir) {
            return Some(guard);
        }
        let _ = std::fs::remove_file(dir.join("probe"));
        let immutable = std::process::Command::new("chattr")
            .arg("+i")
            .arg(dir)
            .status();
        (immutable.is_ok_and(|s| s.success()) && !writable(dir)).then_some(guard)
    }
}

impl Drop for Unwritable {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt as _;
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&self.0)
            .status();
        let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o755));
    }
}

#[test]
fn a_report_folder_that_cannot_be_written_is_refused_before_the_run_naming_it() {
    let report = report_dir("read-only");
    std::fs::create_dir_all(&report).unwrap();
    let Some(_unwritable) = Unwritable::make(&report) else {
        eprintln!(
            "neither mode 0555 nor chattr +i makes {} unwritable here",
            report.display()
        );
        return;
    };
    let (_, stdout, stderr) = expect_exit(
        2,
        &["--tags", "@doc-3.2", "--quiet", "--no-snapshots"],
        &report,
    );
    assert!(
        stderr.contains(&format!(
            "{}: cannot write in the report folder (",
            report.display()
        )) && stderr.contains("pass --report with a writable folder"),
        "{stderr}"
    );
    // Refused before anything ran.
    assert!(!stdout.contains("scenarios passed"), "{stdout}");
}

#[test]
fn a_report_path_under_a_file_is_refused_naming_it() {
    let dir = report_dir("under-a-file");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("file"), "").unwrap();
    let report = dir.join("file").join("report");
    let (_, _, stderr) = expect_exit(2, &["--tags", "@doc-3.2"], &report);
    assert!(
        stderr.contains(&format!(
            "{}: cannot create the report folder (",
            report.display()
        )) && stderr.contains("pass --report with a writable folder"),
        "{stderr}"
    );
}

#[test]
fn missing_features_folder_and_bad_tags_are_clear_errors() {
    let report = report_dir("missing");
    let (_, _, stderr) = expect_exit(2, &["--features", "no/such/folder"], &report);
    assert!(
        stderr.contains("no/such/folder: no such folder of feature files"),
        "{stderr}"
    );
    let (_, _, stderr) = expect_exit(1, &["--tags", "@doc-9"], &report);
    assert!(
        stderr.contains(
            "--tags '@doc-9' matches no scenario in features; the tags in use are @doc-2, "
        ),
        "{stderr}"
    );
    let (_, _, stderr) = expect_exit(2, &["--tags", "@doc-3.1 and and"], &report);
    assert!(
        stderr.contains("--tags '@doc-3.1 and and' is not a tag expression"),
        "{stderr}"
    );
}

#[test]
fn tags_select_one_procedure_and_the_shipped_features_pass_with_reports() {
    let report = report_dir("tags");
    let (_, stdout, _) = expect_exit(0, &["--tags", "@doc-3.2", "--quiet"], &report);
    // 3.2's own scenario and the two call troubles.
    assert!(
        stdout.contains("docproof: 3 scenarios passed, 0 failed"),
        "{stdout}"
    );
    let transcripts: Vec<String> = std::fs::read_dir(report.join("transcripts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(transcripts.len(), 3, "{transcripts:?}");
}

/// Every file under `dir`, recursively.
/// Fails if a password, client secret, or anything shaped like a code or
/// an app password appears in the reports or the output.
fn assert_no_secrets(report: &Path, out: &Output) {
    let (stdout, stderr) = text(out);
    let file = docproof_simulator::TenantFile::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/tenant.toml"),
    )
    .unwrap();
    let mut secrets: Vec<String> = file
        .users
        .iter()
        .map(|u| u.password.expose().to_string())
        .collect();
    secrets.extend(
        file.apps
            .iter()
            .map(|a| a.client_secret.expose().to_string()),
    );
    let app_password = regex::Regex::new(r"\b[a-z]{16}\b").unwrap();
    let files = files_under(report);
    assert!(files.len() >= 3, "{files:?}");
    let contents = files
        .iter()
        .map(|p| {
            let raw = std::fs::read_to_string(p).unwrap();
            (p.display().to_string(), without_timings(&raw))
        })
        .chain([
            ("stdout".to_string(), stdout),
            ("stderr".to_string(), stderr),
        ]);
    for (name, content) in contents {
        for s in &secrets {
            assert!(
                !content.contains(s.as_str()),
                "{name} contains a password or client secret"
            );
        }
        assert!(
            code_in(&content).is_none(),
            "{name} contains something shaped like a code: {:?}",
            code_in(&content)
        );
        assert!(
            !app_password.is_match(&content),
            "{name} contains something shaped like an app password: {:?}",
            app_password.find(&content)
        );
    }
}

/// A six-digit run, as a texted code is.
fn code_in(text: &str) -> Option<&str> {
    let code = regex::Regex::new(r"\b\d{6}\b").unwrap();
    code.find(text).map(|m| m.as_str())
}

/// `text` without the reports' timings, which are numbers but no secrets:
/// Cucumber JSON's `"duration": 5259812` and JUnit's `time="5.259812"`.
/// Only those values go: a code in a message, an attribute or text stays.
fn without_timings(text: &str) -> String {
    let timings = regex::Regex::new(r#""duration":\s*\d+|\btime="\d+(\.\d+)?""#).unwrap();
    timings.replace_all(text, "").into_owned()
}

#[test]
fn the_secret_scan_skips_timings_but_not_a_leaked_code() {
    // JUnit's times once read as codes, one run in fifty.
    let junit = r#"<testcase name="Scenario: Register" time="5.259812"><failure message="no text" type="fail"/>"#;
    assert_eq!(code_in(&without_timings(junit)), None);
    let json = r#"{"result": {"status": "passed", "duration": 5259812}}"#;
    assert_eq!(code_in(&without_timings(json)), None);
    for leaked in [
        r#"<testcase name="x" time="5.259812"><failure message="the code 482913 was refused"/>"#,
        r#"<testcase name="x" time="1.5"><system-out>code: 482913</system-out>"#,
        r#"<property name="code" value="482913"/>"#,
        r#"{"duration": 12, "output": ["texted 482913"]}"#,
    ] {
        assert_eq!(
            code_in(&without_timings(leaked)),
            Some("482913"),
            "{leaked}"
        );
    }
}

#[test]
fn no_secret_reaches_the_output_of_a_failing_run() {
    let report = report_dir("secrets-failing");
    // Not quiet: every step and the failure go to the console.
    let (out, _, stderr) = expect_exit(
        1,
        &[
            "--features",
            "tests/fixtures/features/failing-late",
            "--no-snapshots",
        ],
        &report,
    );
    assert!(
        stderr.contains("FAQ step 3.1.4 (tests/fixtures/features/failing-late/sms.feature:17): the backup app refused: app password required; the step expects: accepted"),
        "{stderr}"
    );
    assert_no_secrets(&report, &out);
}

#[test]
fn many_scenarios_at_once_finish_and_pass_and_no_secret_reaches_their_report() {
    // Each scenario has its own tenant and provider; at 16 at once on two
    // cores, none may hang (see `docproof`'s deadline) or see another's state.
    // The whole shipped suite passing also leaves no secret in its report.
    let report = report_dir("concurrency");
    let (out, stdout, _) = expect_exit(
        0,
        &["--quiet", "--no-snapshots", "--concurrency", "16"],
        &report,
    );
    assert!(
        stdout.contains("docproof: 20 scenarios passed, 0 failed"),
        "{stdout}"
    );
    assert_no_secrets(&report, &out);
}

#[test]
fn a_changed_transcript_fails_with_a_readable_diff() {
    let report = report_dir("snapshot");
    let snapshots = report.join("snapshots");
    std::fs::create_dir_all(&snapshots).unwrap();
    let name = "troubleshooting__once-enforced-the-account-password-no-longer-works-for-a-non-browser-app.snap";
    let shipped = std::fs::read_to_string(Path::new("tests/snapshots").join(name)).unwrap();
    // The doc team's wording as it was before the UI changed.
    std::fs::write(
        snapshots.join(name),
        shipped.replace(
            "refused: app password required",
            "refused: use an app password",
        ),
    )
    .unwrap();
    let (_, stdout, stderr) = expect_exit(
        1,
        &[
            "--tags",
            "@doc-2.5",
            "--snapshots",
            snapshots.to_str().unwrap(),
            "--quiet",
        ],
        &report,
    );
    let all = format!("{stdout}{stderr}");
    assert!(
        all.contains("-  backup app: refused: use an app password"),
        "{all}"
    );
    assert!(
        all.contains("+  backup app: refused: app password required"),
        "{all}"
    );
    assert!(stdout.contains("0 scenarios passed, 1 failed"), "{stdout}");
}

#[test]
fn a_label_the_faq_quotes_but_the_page_lacks_fails_its_step() {
    let report = report_dir("label-drift");
    // The FAQ now quotes the fields of 3.1.3 as labels too; the page calls
    // the second one "Phone number", not "mobile phone number".
    let faq = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docs/office-365-mfa.txt"),
    )
    .unwrap();
    let drifted = faq.replacen(
        "3.1.3. Select “Authentication Phone”, Enter Country or Region, Enter Mobile Phone number.",
        "3.1.3. Select “Authentication Phone”, then the “Country or Region” and the “mobile phone number” fields.",
        1,
    );
    assert_ne!(drifted, faq, "the fixture still has 3.1.3's wording");
    std::fs::create_dir_all(&report).unwrap();
    let doc = report.join("faq.txt");
    std::fs::write(&doc, drifted).unwrap();
    let (_, stdout, stderr) = expect_exit(
        1,
        &[
            "--doc",
            doc.to_str().unwrap(),
            "--tags",
            "@doc-3.1",
            "--no-snapshots",
            "--quiet",
        ],
        &report,
    );
    let all = format!("{stdout}\n{stderr}");
    assert!(
        all.contains("FAQ step 3.1.3 (features/3.1-authentication-phone-sms.feature:14): the FAQ quotes “mobile phone number”, but no page shown while carrying out this step showed it"),
        "{all}"
    );
    // Case or spacing only: a warning naming both spellings, not a failure.
    assert!(
        all.contains("warning: FAQ step 3.1.3 quotes “Country or Region”; the page shows “Country or region”"),
        "{all}"
    );
    let summary = std::fs::read_to_string(report.join("summary.md")).unwrap();
    assert!(summary.contains("## Labels"), "{summary}");
}

#[test]
fn the_profile_run_against_is_named_in_the_last_line_and_the_reports() {
    let report = report_dir("profile-today");
    // The FAQ's section 2 against today's service: its admin paths are gone.
    let (_, stdout, stderr) = expect_exit(
        1,
        &[
            "--features",
            "features/2-set-up-mfa.feature",
            "--profile",
            "today",
            "--no-snapshots",
        ],
        &report,
    );
    let last = stdout.lines().last().unwrap_or_default();
    assert!(last.contains("over HTTP, profile today"), "{stdout}");
    assert!(
        stderr.contains("FAILED features/2-set-up-mfa.feature:"),
        "{stderr}"
    );
    let junit = std::fs::read_to_string(report.join("junit.xml")).unwrap();
    assert!(
        junit.contains(r#"<property name="profile" value="today"/>"#)
            && junit.contains(r#"<property name="driver" value="http"/>"#),
        "{junit}"
    );
    let summary = std::fs::read_to_string(report.join("summary.md")).unwrap();
    assert!(
        summary.contains("Against the simulator's `today` profile"),
        "{summary}"
    );

    // A profile that does not exist is refused before anything runs.
    let report = report_dir("profile-unknown");
    let (_, _, stderr) = expect_exit(2, &["--profile", "2024"], &report);
    assert!(
        stderr.contains("'2024' is not a profile") && stderr.contains("faq-2020"),
        "{stderr}"
    );
}
