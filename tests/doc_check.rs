//! The drift gate: a copy of the FAQ is changed the ways a writer changes
//! it — a step deleted, added, renumbered, reworded, a quoted label
//! renamed — and each change is caught with one line naming the step. The
//! FAQ as shipped passes, and every step of 2, 3.1, 3.2 and 4.1 is covered.

use docproof::doc::Doc;
use docproof::features::check::{self, Features};
use docproof::features::parse;
use docproof::report::coverage::{self, Outcome};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FAQ: &str = "fixtures/docs/office-365-mfa.txt";

fn features(dir: &Path) -> Vec<cucumber::gherkin::Feature> {
    parse::feature_files(dir)
        .unwrap()
        .iter()
        .map(|p| parse::parse_feature(p).unwrap())
        .collect()
}

/// A folder of its own under the test's temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("doc_check")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The FAQ with `change` applied, written to a scratch folder.
fn mutated(name: &str, change: impl FnOnce(String) -> String) -> PathBuf {
    let text = std::fs::read_to_string(FAQ).unwrap();
    let changed = change(text.clone());
    assert_ne!(changed, text, "the mutation {name} changes the FAQ");
    let path = scratch(name).join("office-365-mfa.txt");
    std::fs::write(&path, changed).unwrap();
    path
}

/// The doc check of the shipped features against `doc`.
fn problems(doc: &Path) -> Vec<String> {
    let doc = Doc::read(doc).unwrap();
    let parsed = features(Path::new("features"));
    check::check(
        &doc,
        &Features {
            dir: Path::new("features"),
            parsed: &parsed,
        },
    )
}

fn one_problem(doc: &Path) -> String {
    let p = problems(doc);
    assert_eq!(p.len(), 1, "{p:#?}");
    p.into_iter().next().unwrap()
}

fn docproof(args: &[&str]) -> (Output, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_docproof"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("the docproof binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stdout, stderr)
}

#[test]
fn the_shipped_faq_and_features_agree() {
    assert_eq!(problems(Path::new(FAQ)), Vec::<String>::new());
}

#[test]
fn every_step_of_2_3_1_3_2_and_4_1_is_covered() {
    let doc = Doc::read(Path::new(FAQ)).unwrap();
    let rows = coverage::matrix(&doc, &features(Path::new("features")), &[]);
    let ids: Vec<&str> = rows.iter().map(|r| r.step.as_str()).collect();
    assert_eq!(ids.len(), 20, "{ids:?}");
    for procedure in ["2", "3.1", "3.2", "4.1"] {
        let p = doc.procedure(procedure).unwrap();
        for step in &p.steps {
            let row = rows.iter().find(|r| r.step == step.id).unwrap();
            assert!(!row.scenarios.is_empty(), "{} is not covered", step.id);
            assert_eq!(row.outcome(), Outcome::NotRun);
        }
    }
    let md = coverage::markdown(&doc, &rows);
    assert!(md.contains("20 of 20 FAQ steps are transcribed"), "{md}");
    assert!(md.contains("| 4.1.2 | False alarm could be raised"), "{md}");
}

#[test]
fn a_deleted_step_is_named_with_the_lines_that_cite_it() {
    let doc = mutated("deleted", |t| {
        t.replace(
            "3.1.5. When user will try to re-login, the App will send another SMS having the code for Microsoft verification.\n\n",
            "",
        )
    });
    let p = one_problem(&doc);
    assert_eq!(
        p,
        format!(
            "features/3.1-authentication-phone-sms.feature:23: cites FAQ step [3.1.5] (also lines 24, 25, 26, 27), which {} no longer has (3.1 has 3.1.1, 3.1.2, 3.1.3, 3.1.4, 3.1.6)",
            doc.display()
        )
    );
}

#[test]
fn an_added_step_is_transcribed_by_no_gherkin_step() {
    let doc = mutated("added", |t| {
        t.replace(
            "3.1.6. The Multi-Factor Auth Status is now turned to Enforced.\n",
            "3.1.6. The Multi-Factor Auth Status is now turned to Enforced.\n\n3.1.7. Sign out of OWA.\n",
        )
    });
    let p = one_problem(&doc);
    assert_eq!(
        p,
        format!(
            "{}:108: FAQ step 3.1.7 is transcribed by no Gherkin step; add a step ending in [3.1.7] to a feature in features/ (the step reads: \"Sign out of OWA.\")",
            doc.display()
        )
    );
}

#[test]
fn a_renumbered_step_is_recognised_by_its_wording() {
    let doc = mutated("renumbered", |t| {
        t.replace("3.1.6. The Multi", "3.1.7. The Multi")
    });
    let p = one_problem(&doc);
    assert!(
        p.starts_with(&format!(
            "features/3.1-authentication-phone-sms.feature:28: FAQ step 3.1.6 is now numbered 3.1.7 ({}:106); change [3.1.6] to [3.1.7] at features/3.1-authentication-phone-sms.feature:28, 29",
            doc.display()
        )),
        "{p}"
    );
}

#[test]
fn a_step_moved_to_another_procedure_is_followed_there() {
    // 4.1's second step becomes the first of a new procedure 4.2, which no
    // feature cites yet: its wording finds it there.
    let doc = mutated("moved", |t| {
        t.replace(
            "  2. False alarm could be raised",
            "4.2 Retrying after a change\n\n  1. False alarm could be raised",
        )
    });
    let joined = problems(&doc).join("\n");
    assert!(
        joined.contains("FAQ step 4.1.2 is now numbered 4.2.1"),
        "{joined}"
    );
}

#[test]
fn a_step_reworded_whose_old_words_appear_elsewhere_is_reworded_not_moved() {
    // 4.1.2 is still there, reworded; a new 4.2.1 says what 4.1.2 said.
    let doc = mutated("copied", |t| {
        t.replace(
            "  2. False alarm could be raised",
            "  2. Wait before retrying.\n\n4.2 Retrying after a change\n\n  1. False alarm could be raised",
        )
    });
    let joined = problems(&doc).join("\n");
    assert!(
        !joined.contains("FAQ step 4.1.2 is now numbered"),
        "{joined}"
    );
    assert!(joined.contains("4.1.2"), "{joined}");
}

#[test]
fn a_step_renumbered_by_an_insertion_names_each_move() {
    let doc = mutated("inserted", |t| {
        t.replace("3.2.6. The Multi", "3.2.7. The Multi")
            .replace("3.2.5. When user", "3.2.6. When user")
            .replace(
                "3.2.4. The App will call",
                "3.2.4. Wait for the call.\n\n3.2.5. The App will call",
            )
    });
    let p = problems(&doc);
    let joined = p.join("\n");
    for (from, to) in [("3.2.4", "3.2.5"), ("3.2.5", "3.2.6"), ("3.2.6", "3.2.7")] {
        assert!(
            joined.contains(&format!("FAQ step {from} is now numbered {to}")),
            "{joined}"
        );
    }
    assert!(
        joined.contains("the new 3.2.4 (\"Wait for the call.\") needs a transcription of its own"),
        "{joined}"
    );
}

#[test]
fn a_reworded_step_shows_old_and_new_wording_and_the_lines_citing_it() {
    let doc = mutated("reworded", |t| {
        t.replace(
            "3.1.2. Go to OWA site, login the user/account.",
            "3.1.2. Go to Outlook on the web and sign in as the user.",
        )
    });
    let p = one_problem(&doc);
    assert_eq!(
        p,
        format!(
            "{}:95: FAQ step 3.1.2 was reworded since it was transcribed: was: \"Go to OWA site, login the user/account.\" now: \"Go to Outlook on the web and sign in as the user.\"; review features/3.1-authentication-phone-sms.feature:11, 12, 13; features/troubleshooting.feature:8, 9, 22, 23 against the new wording, then run `docproof doc accept`",
            doc.display()
        )
    );
}

#[test]
fn a_renamed_quoted_label_is_named_as_such() {
    let doc = mutated("label", |t| {
        t.replace(
            "–. Select “Call Me” as Method.",
            "–. Select “Call me now” as Method.",
        )
    });
    let p = one_problem(&doc);
    assert!(
        p.starts_with(&format!(
            "{}:114: FAQ step 3.2.3 was reworded since it was transcribed (renamed quoted label “Call Me” → “Call me now”): was: ",
            doc.display()
        )) && p.contains("features/3.2-authentication-phone-call.feature:14, 15")
            && p.contains("features/troubleshooting.feature:38, 39, 49, 50"),
        "{p}"
    );
}

#[test]
fn the_binary_exits_1_on_drift_0_when_clean_and_2_when_it_cannot_start() {
    let report = scratch("binary-report");
    let report = report.to_str().unwrap();
    let (out, stdout, stderr) = docproof(&["doc", "check", "--report", report]);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stderr.is_empty(), "no warning on the shipped FAQ: {stderr}");
    assert!(
        stdout.contains("docproof doc check: 0 problems; 20 of 20 FAQ steps"),
        "{stdout}"
    );
    let matrix = std::fs::read_to_string(Path::new(report).join("coverage.md")).unwrap();
    assert!(matrix.contains("| 3.2.4 |"), "{matrix}");

    let doc = mutated("binary", |t| {
        t.replace(
            "–. Select “Call Me” as Method.",
            "–. Select “Call me now” as Method.",
        )
    });
    let (out, _, stderr) = docproof(&[
        "doc",
        "check",
        "--quiet",
        "--report",
        report,
        "--doc",
        doc.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(":114: FAQ step 3.2.3 was reworded since it was transcribed (renamed quoted label “Call Me” → “Call me now”)"),
        "{stderr}"
    );

    let (out, _, stderr) = docproof(&["doc", "check", "--doc", "fixtures/docs/missing.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("fixtures/docs/missing.txt: cannot read the documentation"),
        "{stderr}"
    );
    let (out, _, stderr) = docproof(&["doc", "check", "--doc", "http://127.0.0.1:1/faq"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("cannot reach the server"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_published_page_that_is_gone_cannot_start_the_check() {
    let server = wiremock::MockServer::start().await;
    let url = format!("{}/public/faq/office-365-mfa", server.uri());
    let (out, _, stderr) =
        tokio::task::spawn_blocking(move || docproof(&["doc", "check", "--doc", &url]))
            .await
            .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("/public/faq/office-365-mfa: the server answered 404 Not Found"),
        "{stderr}"
    );
}

/// The shipped features in a scratch folder, with `lock` as their doc.lock
/// (none if `None`).
fn features_with_lock(name: &str, lock: Option<&str>) -> PathBuf {
    let dir = scratch(name);
    for f in parse::feature_files(Path::new("features")).unwrap() {
        std::fs::copy(&f, dir.join(f.file_name().unwrap())).unwrap();
    }
    if let Some(lock) = lock {
        std::fs::write(dir.join("doc.lock"), lock).unwrap();
    }
    dir
}

#[test]
fn a_missing_or_garbled_lock_says_how_to_make_one() {
    let dir = features_with_lock("no-lock", None);
    let (out, _, stderr) = docproof(&["doc", "check", "-q", "--features", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "{}:1: missing: it records the FAQ wording each feature was transcribed from; run `docproof doc accept` after reviewing",
            dir.join("doc.lock").display()
        )),
        "{stderr}"
    );

    let dir = features_with_lock(
        "garbled-lock",
        Some("doc = \"x\"\n\n[[transcription]]\nfeature = 3\n"),
    );
    let (out, _, stderr) = docproof(&["doc", "check", "-q", "--features", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.starts_with(&format!(
            "{}:4: not a docproof lock file (",
            dir.join("doc.lock").display()
        )) && stderr.contains("run `docproof doc accept` after reviewing"),
        "{stderr}"
    );

    // A lock that lacks one transcription names it.
    let shipped = std::fs::read_to_string("features/doc.lock").unwrap();
    let without = shipped.replace(
        "[[transcription]]\nfeature = \"4.1-settings-take-time.feature\"\nstep = \"4.1.2\"",
        "[[transcription]]\nfeature = \"4.1-settings-take-time.feature\"\nstep = \"4.1.9\"",
    );
    assert_ne!(without, shipped);
    let dir = features_with_lock("partial-lock", Some(&without));
    let (out, _, stderr) = docproof(&["doc", "check", "-q", "--features", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains(
            "4.1-settings-take-time.feature:15: cites FAQ step 4.1.2 with no wording recorded in"
        ) && stderr.contains("run `docproof doc accept` after reviewing"),
        "{stderr}"
    );

    // Accepting writes the lock back, the same as shipped but for the doc.
    let (out, stdout, stderr) = docproof(&["doc", "accept", "--features", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains("recorded 27 transcriptions of 20 FAQ steps"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("doc.lock")).unwrap(),
        shipped
    );
}

#[test]
fn docproof_run_checks_the_doc_first_and_reports_coverage() {
    let report = scratch("run-report");
    let step_summary = report.join("step-summary.md");
    let doc = mutated("run", |t| {
        t.replace(
            "Enforce buttons can be found under the wording “quick steps”.",
            "Enforce buttons can be found under “Quick steps”.",
        )
    });
    let out = Command::new(env!("CARGO_BIN_EXE_docproof"))
        .args([
            "run",
            "--driver",
            "http",
            "--quiet",
            "--no-snapshots",
            "--tags",
            "@doc-2.5",
            "--report",
        ])
        .arg(&report)
        .arg("--doc")
        .arg(&doc)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("GITHUB_STEP_SUMMARY", &step_summary)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Drift fails the run, but its scenarios still ran.
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("1 scenarios passed, 0 failed"), "{stdout}");
    assert!(
        stderr.contains(":74: FAQ step 2.5 was reworded since it was transcribed (renamed quoted label “quick steps” → “Quick steps”)"),
        "{stderr}"
    );
    let summary = std::fs::read_to_string(report.join("summary.md")).unwrap();
    assert!(
        summary.contains(
            "## Doc check\n\n1 problem between the FAQ and the features (the run fails):"
        ) && summary.contains("FAQ step 2.5 was reworded")
            && summary.contains("[`coverage.md`](coverage.md)"),
        "{summary}"
    );
    let coverage = std::fs::read_to_string(report.join("coverage.md")).unwrap();
    assert!(
        coverage.contains("`features/troubleshooting.feature:58` Once Enforced, the account password no longer works for a non-browser app (passed) | passed |"),
        "{coverage}"
    );
    assert!(
        coverage.contains("| 3.1.4 |") && coverage.contains("| not run |"),
        "{coverage}"
    );
    let appended = std::fs::read_to_string(&step_summary).unwrap();
    assert!(
        appended.contains("## Coverage of Office 365 Multi-Factor Authentication (MFA)"),
        "{appended}"
    );
}
