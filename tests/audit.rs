//! `docproof audit`: the FAQ's own features against a profile, one verdict
//! per numbered step in drift.json and drift.md. The whole verdict table is
//! pinned for both profiles: against today's service the admin paths, the
//! registration and the app passwords have drifted while the texted and
//! called codes at the next sign-in and the Enforced status still hold;
//! against the FAQ's own service every step holds.

#[path = "support/browser.rs"]
mod browser_support;
#[path = "support/run.rs"]
mod support;

use serde_json::Value;
use std::path::Path;
use support::{expect_exit_of, files_under, report_dir};

/// Every numbered step of 2, 3.1, 3.2 and 4.1, and its verdict today.
const TODAY: [(&str, &str); 20] = [
    ("2.1", "holds"),
    ("2.2a", "drifted"),
    ("2.2b", "drifted"),
    ("2.3", "holds"),
    ("2.4", "drifted"),
    ("2.5", "drifted"),
    ("3.1.1", "holds"),
    ("3.1.2", "drifted"),
    ("3.1.3", "drifted"),
    ("3.1.4", "drifted"),
    ("3.1.5", "holds"),
    ("3.1.6", "holds"),
    ("3.2.1", "holds"),
    ("3.2.2", "drifted"),
    ("3.2.3", "drifted"),
    ("3.2.4", "drifted"),
    ("3.2.5", "holds"),
    ("3.2.6", "holds"),
    ("4.1.1", "drifted"),
    ("4.1.2", "drifted"),
];

/// Runs `docproof audit` with `args`; checks the exit code.
fn audit(code: i32, args: &[&str], report: &Path) -> (String, String) {
    let (_, stdout, stderr) = expect_exit_of("audit", code, args, report);
    (stdout, stderr)
}

fn drift_json(report: &Path) -> Value {
    let text = std::fs::read_to_string(report.join("drift.json")).expect("drift.json is written");
    serde_json::from_str(&text).expect("drift.json is JSON")
}

fn verdicts(json: &Value) -> Vec<(String, String)> {
    json["steps"]
        .as_array()
        .expect("steps is a list")
        .iter()
        .map(|s| {
            (
                s["step"].as_str().unwrap().to_string(),
                s["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn step<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == id)
        .unwrap_or_else(|| panic!("no step {id} in drift.json"))
}

/// The table, and the evidence each drifted step must carry.
fn check_today(report: &Path, stdout: &str) {
    assert!(
        stdout
            .contains("20 numbered steps: 8 hold, 12 drifted, 0 not reached against profile today"),
        "{stdout}"
    );
    let json = drift_json(report);
    assert_eq!(json["profile"], "today");
    let expected: Vec<(String, String)> = TODAY
        .iter()
        .map(|(s, v)| (s.to_string(), v.to_string()))
        .collect();
    assert_eq!(verdicts(&json), expected);
    for (id, verdict) in TODAY.iter().filter(|(_, v)| *v == "drifted") {
        let s = step(&json, id);
        for field in ["expected", "found", "today", "feature"] {
            let value = s[field].as_str().unwrap_or_default();
            assert!(!value.is_empty(), "{id} ({verdict}) has no {field}: {s:#}");
        }
        assert!(
            s["feature"].as_str().unwrap().starts_with("features/"),
            "{s:#}"
        );
    }
    // What the product inserted is part of the finding, and today's way
    // is written in the FAQ's style.
    let registration = step(&json, "3.1.3")["today"].as_str().unwrap();
    assert!(
        registration.contains("Microsoft Authenticator"),
        "{registration}"
    );
    assert!(registration.contains("“Phone”"), "{registration}");
    let admin = step(&json, "2.2a");
    assert!(admin["today"]
        .as_str()
        .unwrap()
        .contains("“Multi-factor authentication”"));
    assert!(
        admin["found"].as_str().unwrap().contains("“Active users”"),
        "the page's heading is named: {admin:#}"
    );
    let non_browser = step(&json, "2.5")["today"].as_str().unwrap();
    assert!(
        non_browser.contains("basic authentication"),
        "{non_browser}"
    );
    // Each page finding saved the page it was found on.
    let page = admin["findings"][0]["page"].as_str().expect("a saved page");
    assert!(report.join(page).is_file(), "{page}");
    let md = std::fs::read_to_string(report.join("drift.md")).unwrap();
    assert!(md.contains("### 3.1.3 — drifted"), "{md}");
    assert!(md.contains("### 3.1.5 — holds"), "{md}");
    assert!(
        md.contains("**Today:** The wizard first asks you to install Microsoft Authenticator"),
        "{md}"
    );
}

#[test]
fn against_today_the_drifted_steps_are_named_with_evidence_and_todays_way() {
    let report = report_dir("audit-today-http");
    let (stdout, _) = audit(0, &[], &report);
    check_today(&report, &stdout);
    // The run's other reports are there too, naming the profile.
    let summary = std::fs::read_to_string(report.join("summary.md")).unwrap();
    assert!(
        summary.contains("judged the doc: 20 numbered steps"),
        "{summary}"
    );
    assert!(summary.contains("`today` profile"), "{summary}");
}

#[test]
fn against_the_faqs_own_service_every_step_holds() {
    let report = report_dir("audit-faq-2020-http");
    let (stdout, _) = audit(0, &["--profile", "faq-2020", "--fail-on-drift"], &report);
    assert!(
        stdout.contains(
            "20 numbered steps: 20 hold, 0 drifted, 0 not reached against profile faq-2020"
        ),
        "{stdout}"
    );
    let json = drift_json(&report);
    assert!(
        verdicts(&json).iter().all(|(_, v)| v == "holds"),
        "{json:#}"
    );
    assert!(!report.join("drift").exists(), "no finding, no evidence");
}

#[test]
fn fail_on_drift_makes_drift_a_failure() {
    let report = report_dir("audit-fail-on-drift");
    let (stdout, stderr) = audit(1, &["--fail-on-drift", "--tags", "@doc-3.1"], &report);
    assert!(stderr.contains("drifted 3.1.3:"), "{stderr}");
    // Steps of procedures that did not run are not reached, and said so.
    let json = drift_json(&report);
    assert_eq!(step(&json, "2.2a")["verdict"], "not-reached", "{stdout}");
    assert_eq!(step(&json, "3.1.5")["verdict"], "holds");
}

#[test]
fn a_bad_feature_file_is_not_drift_but_a_failure_to_judge() {
    let report = report_dir("audit-malformed");
    let (_, stderr) = audit(
        2,
        &["--features", "tests/fixtures/features/malformed"],
        &report,
    );
    assert!(stderr.contains("could not"), "{stderr}");
    let undefined = report_dir("audit-undefined");
    let (_, stderr) = audit(
        2,
        &["--features", "tests/fixtures/features/undefined"],
        &undefined,
    );
    assert!(
        stderr.contains("the audit could not judge the doc"),
        "{stderr}"
    );
}

#[test]
fn in_a_browser_each_drifted_page_is_photographed() {
    if browser_support::browser_for("the browser audit").is_none() {
        return;
    }
    let report = report_dir("audit-today-browser");
    let (stdout, _) = audit(0, &["--driver", "browser"], &report);
    check_today(&report, &stdout);
    let json = drift_json(&report);
    let shot = step(&json, "3.1.3")["screenshot"]
        .as_str()
        .expect("the page the FAQ's way failed on is photographed");
    assert!(std::fs::read(report.join(shot))
        .unwrap()
        .starts_with(b"\x89PNG"));
    let after = step(&json, "3.1.3")["today_screenshot"]
        .as_str()
        .expect("and the page today's way left");
    assert!(report.join(after).is_file());
    let pngs = files_under(&report.join("drift"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .count();
    assert!(pngs >= 10, "{pngs} screenshots of drifted pages");
}
