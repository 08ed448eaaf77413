//! `docproof init` on a guide that is not the FAQ: the features it writes
//! parse, cite every step, pass the drift gate, and `docproof run` lists
//! every step as pending and fails until they are automated.

use std::path::Path;
use std::process::{Command, Output};

const GUIDE: &str = "fixtures/docs/guides/migrate-modern-auth.md";

fn docproof(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_docproof"))
        .args(args)
        .output()
        .expect("docproof starts")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn init_writes_pending_features_the_gate_accepts_and_the_run_reports_pending() {
    let dir = tempfile::tempdir().unwrap();
    let features = dir.path().join("features");
    let report = dir.path().join("report");
    let f = features.to_str().unwrap();
    let r = report.to_str().unwrap();

    let init = docproof(&["init", "--doc", GUIDE, "--features", f]);
    assert!(init.status.success(), "{}", text(&init));
    let file = features.join("migrating-authentication-of-microsoft-365-backup-set.feature");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains("@pending"));
    for n in 1..=13 {
        let cite = format!("[migrating-authentication-of-microsoft-365-backup-set.{n}]\n");
        assert!(written.contains(&cite), "step {n} is cited:\n{written}");
    }
    assert!(Path::new(&features.join("doc.lock")).exists());

    let check = docproof(&[
        "doc",
        "check",
        "--doc",
        GUIDE,
        "--features",
        f,
        "--report",
        r,
        "-q",
    ]);
    assert!(check.status.success(), "{}", text(&check));
    assert!(
        text(&check).contains("0 problems; 13 of 13"),
        "{}",
        text(&check)
    );

    let run = docproof(&[
        "run",
        "--doc",
        GUIDE,
        "--features",
        f,
        "--report",
        r,
        "--driver",
        "http",
    ]);
    let out = text(&run);
    assert_eq!(run.status.code(), Some(1), "{out}");
    assert!(
        out.contains("18 steps are pending: transcribed, not yet automated"),
        "{out}"
    );
    assert_eq!(
        out.matches("pending (transcribed, not yet automated): ")
            .count(),
        18,
        "{out}"
    );
    let coverage = std::fs::read_to_string(report.join("coverage.md")).unwrap();
    assert_eq!(
        coverage
            .matches("| transcribed, not yet automated |")
            .count(),
        13,
        "{coverage}"
    );
    let junit = std::fs::read_to_string(report.join("junit.xml")).unwrap();
    assert_eq!(
        junit
            .matches("<skipped message=\"pending: transcribed, not yet automated")
            .count(),
        18,
        "{junit}"
    );
    assert!(
        junit.contains("errors=\"1\""),
        "the run's failure is in JUnit too:\n{junit}"
    );
    let summary = std::fs::read_to_string(report.join("summary.md")).unwrap();
    assert!(summary.contains("## Pending"), "{summary}");

    // A second init never overwrites what an engineer may have edited.
    let again = docproof(&["init", "--doc", GUIDE, "--features", f]);
    assert_eq!(again.status.code(), Some(2), "{}", text(&again));
    assert!(text(&again).contains("already exists"), "{}", text(&again));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), written);
}

#[test]
fn init_on_a_doc_without_procedures_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("notes.md");
    std::fs::write(&doc, "# Notes\n\nNothing to do here.\n").unwrap();
    let features = dir.path().join("features");
    let o = docproof(&[
        "init",
        "--doc",
        doc.to_str().unwrap(),
        "--features",
        features.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("no procedure found"), "{}", text(&o));
    assert!(!features.exists(), "nothing written");
}

#[test]
fn a_step_inserted_into_a_guide_is_reported_as_renumbering() {
    let dir = tempfile::tempdir().unwrap();
    let guide = dir.path().join("guide.md");
    let original = std::fs::read_to_string(GUIDE).unwrap();
    std::fs::write(&guide, &original).unwrap();
    let (g, f, r) = (
        guide.to_str().unwrap(),
        dir.path().join("features"),
        dir.path().join("report"),
    );
    let (f, r) = (f.to_str().unwrap(), r.to_str().unwrap());
    assert!(docproof(&["init", "--doc", g, "--features", f])
        .status
        .success());

    // A new step 3: the old 3 is now 4, and so on.
    let edited = original.replacen(
        "  3. Select",
        "  3. Close every other backup client.\n  4. Select",
        1,
    );
    std::fs::write(&guide, edited).unwrap();
    let check = docproof(&[
        "doc",
        "check",
        "--doc",
        g,
        "--features",
        f,
        "--report",
        r,
        "-q",
    ]);
    let out = text(&check);
    assert_eq!(check.status.code(), Some(1), "{out}");
    let slug = "migrating-authentication-of-microsoft-365-backup-set";
    // Each of the 11 steps after the new one is named with its new id.
    assert_eq!(out.matches(" is now numbered ").count(), 11, "{out}");
    assert!(
        out.contains(&format!("FAQ step {slug}.3 is now numbered {slug}.4")),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "the new {slug}.3 (\"Close every other backup client.\") needs a transcription"
        )),
        "{out}"
    );
    assert!(out.contains("13 of 14"), "{out}");
}
