//! `docproof run` as a release gate: the real binary, run on the shipped
//! features and on deliberately broken ones. It must pass the good, fail the
//! bad with a message naming file, line and FAQ step, and leave reports.

#[path = "support/run.rs"]
mod support;

use std::path::Path;
use std::process::Output;
use support::{expect_exit, files_under, report_dir, text};

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
    let (_, _, stderr) = expect_exit(
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
    let code = regex::Regex::new(r"\b\d{6}\b").unwrap();
    let app_password = regex::Regex::new(r"\b[a-z]{16}\b").unwrap();
    // Cucumber JSON's durations are long numbers, not codes.
    let durations = regex::Regex::new(r#""duration":\s*\d+"#).unwrap();
    let files = files_under(report);
    assert!(files.len() >= 3, "{files:?}");
    let contents = files
        .iter()
        .map(|p| {
            let raw = std::fs::read_to_string(p).unwrap();
            (
                p.display().to_string(),
                durations.replace_all(&raw, "").into_owned(),
            )
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
            !code.is_match(&content),
            "{name} contains something shaped like a code: {:?}",
            code.find(&content)
        );
        assert!(
            !app_password.is_match(&content),
            "{name} contains something shaped like an app password: {:?}",
            app_password.find(&content)
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
