//! `--shard i/n`: two machines each run half of the suite; together they
//! run every scenario exactly once, with the same totals as one run.

#[path = "support/run.rs"]
mod support;

use std::collections::BTreeSet;
use std::path::Path;
use support::{docproof, expect_exit, junit, report_dir, text};

/// The scenarios a run's Cucumber JSON lists, by feature file and name.
fn scenarios(report: &Path) -> Vec<(String, String)> {
    let json = std::fs::read_to_string(report.join("cucumber.json")).unwrap();
    let features: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut out = Vec::new();
    for f in features.as_array().unwrap() {
        for e in f["elements"].as_array().into_iter().flatten() {
            if e["type"] == "scenario" {
                out.push((
                    f["uri"].as_str().unwrap_or_default().to_string(),
                    e["name"].as_str().unwrap_or_default().to_string(),
                ));
            }
        }
    }
    out
}

#[test]
fn two_shards_run_every_scenario_exactly_once() {
    let whole = report_dir("shard-whole");
    let (_, stdout, _) = expect_exit(0, &[], &whole);
    assert!(stdout.contains("20 scenarios passed"), "{stdout}");
    let mut union = Vec::new();
    let mut passed = 0;
    for shard in ["1/2", "2/2"] {
        let report = report_dir(&format!("shard-{}", shard.replace('/', "-of-")));
        let (_, stdout, _) = expect_exit(0, &["--shard", shard], &report);
        assert!(stdout.contains(&format!("shard {shard}")), "{stdout}");
        let n = scenarios(&report).len();
        assert!((9..=11).contains(&n), "shard {shard} ran {n} of 20");
        assert_eq!(
            junit(&report.join("junit.xml")).testcases,
            n,
            "one test case per scenario"
        );
        let xml = std::fs::read_to_string(report.join("junit.xml")).unwrap();
        assert!(
            xml.contains(&format!("name=\"shard\" value=\"{shard}\"")),
            "{xml}"
        );
        passed += n;
        union.extend(scenarios(&report));
    }
    assert_eq!(passed, 20);
    let once: BTreeSet<_> = union.iter().cloned().collect();
    assert_eq!(once.len(), union.len(), "no scenario ran in both shards");
    let all: BTreeSet<_> = scenarios(&whole).into_iter().collect();
    assert_eq!(once, all, "together the shards ran what one run runs");

    // Merged, they make the report one run makes.
    let merged = report_dir("shard-merged");
    let shards = [
        report_dir_kept("shard-1-of-2"),
        report_dir_kept("shard-2-of-2"),
    ];
    let out = merge(&shards, &merged);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("20 scenarios passed, 0 failed (180 steps passed"),
        "{stdout}"
    );
    assert!(stdout.contains("shard merged 1/2, 2/2"), "{stdout}");
    let merged_all: BTreeSet<_> = scenarios(&merged).into_iter().collect();
    assert_eq!(merged_all, all);
    assert_eq!(junit(&merged.join("junit.xml")).testcases, 20);
    let html = std::fs::read_to_string(merged.join("report.html")).unwrap();
    assert_eq!(
        html.matches("data-status=\"passed\"").count(),
        20,
        "every FAQ step passed"
    );
    let summary = std::fs::read_to_string(merged.join("summary.md")).unwrap();
    assert!(summary.contains("20 of 20 scenarios passed"), "{summary}");
    assert!(merged.join("transcripts").read_dir().unwrap().count() >= 20);

    // A shard twice, or the output among the inputs, is refused.
    let twice = merge(
        &[shards[0].clone(), shards[0].clone()],
        &report_dir("shard-twice"),
    );
    assert_eq!(twice.status.code(), Some(2));
    assert!(
        text(&twice).1.contains("shard 1/2 again"),
        "{}",
        text(&twice).1
    );
    let into = merge(&shards, &shards[0]);
    assert_eq!(into.status.code(), Some(2));
    assert!(text(&into).1.contains("--out"), "{}", text(&into).1);
}

/// A test report folder by name, as left by an earlier part of the test.
fn report_dir_kept(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(name)
}

/// `docproof report merge --out OUT FOLDERS…`.
fn merge(folders: &[std::path::PathBuf], out: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_docproof"))
        .args(["report", "merge", "--out"])
        .arg(out)
        .args(folders)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("docproof runs")
}

#[test]
fn a_bad_shard_names_the_flag_and_how_to_write_it() {
    for bad in ["3/2", "0/1", "half"] {
        let report = report_dir("shard-bad");
        let out = docproof(&["--shard", bad], &report);
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{bad}: {stderr}");
        assert!(
            stderr.contains("--shard") && stderr.contains("i/n"),
            "{bad}: {stderr}"
        );
    }
}
