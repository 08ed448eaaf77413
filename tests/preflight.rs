//! The checks made before running, on a world of its own whose steps
//! overlap on purpose: an ambiguous step and an undefined one are both
//! reported with file, line and the definitions involved.

use cucumber::{given, World};
use docproof::features::{parse, preflight};
use std::path::Path;

#[derive(Debug, Default, World)]
struct Pets;

#[given("a cat")]
fn a_cat(_: &mut Pets) {}

#[given(regex = r"^a (cat|dog)$")]
fn a_pet(_: &mut Pets, _kind: String) {}

#[given("the dog is fed")]
fn dog_fed(_: &mut Pets) {}

#[test]
fn ambiguous_and_undefined_steps_are_both_reported() {
    let path = Path::new("tests/fixtures/features/ambiguous/pets.feature");
    let feature = parse::parse_feature(path).expect("valid Gherkin");
    let problems = preflight::check_steps::<Pets>(&[feature]);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems[0].starts_with("tests/fixtures/features/ambiguous/pets.feature:3: ambiguous step `Given a cat` matches 2 definitions:")
            && problems[0].contains("`a cat` (tests/preflight.rs:")
            && problems[0].contains("`a {cat|dog}` (tests/preflight.rs:"),
        "{}",
        problems[0]
    );
    assert!(
        problems[1].starts_with("tests/fixtures/features/ambiguous/pets.feature:4: undefined step `When the cat is fed`; the closest defined step is `Given the dog is fed` (tests/preflight.rs:"),
        "{}",
        problems[1]
    );
}

/// A feature folder of this test's own, holding one `name` of `contents`.
fn feature_dir(dir: &str, name: &str, contents: &[u8]) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("preflight")
        .join(dir);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), contents).unwrap();
    dir
}

fn parse_error(dir: &str, contents: &[u8]) -> String {
    let dir = feature_dir(dir, "x.feature", contents);
    let e = parse::parse_feature(&dir.join("x.feature")).unwrap_err();
    e.strip_prefix(&format!("{}/", dir.display()))
        .unwrap_or(&e)
        .to_string()
}

#[test]
fn an_empty_feature_file_is_said_to_be_empty_at_line_1() {
    // gherkin alone reported `:2:1: not valid Gherkin`.
    let expected = "x.feature:1: the feature file is empty (no `Feature:` line); write the feature, or delete the file";
    assert_eq!(parse_error("empty", b""), expected);
    assert_eq!(parse_error("blank", b"\n  \n# a comment\n"), expected);
}

#[test]
fn bytes_that_are_not_utf8_are_named_by_line_and_column() {
    let e = parse_error(
        "latin1",
        b"Feature: x\n  Scenario: y\n    Given a caf\xe9 [2.1]\n",
    );
    assert_eq!(
        e,
        "x.feature:3:16: not UTF-8 text (byte 0xE9 at byte offset 40); save the feature file as UTF-8"
    );
}

#[test]
fn an_examples_row_with_too_many_or_too_few_cells_is_refused_at_its_line() {
    // gherkin drops the extra cell, and a short row drops the whole table.
    let outline = |rows: &str| {
        format!("Feature: x\n  Scenario Outline: y\n    Given a <kind> <name>\n\n    Examples:\n      | kind | name |\n{rows}")
    };
    assert_eq!(
        parse_error("too-many", outline("      | cat | tom | x |\n").as_bytes()),
        "x.feature:7: this table row has 3 cells, but the table's first row (line 6) has 2; give every row of the table the same cells"
    );
    assert_eq!(
        parse_error(
            "too-few",
            outline("      | cat | tom |\n      # a comment between rows\n      | dog |\n").as_bytes()
        ),
        "x.feature:9: this table row has 1 cell, but the table's first row (line 6) has 2; give every row of the table the same cells"
    );
    // A data table too, and an escaped bar is no cell border.
    let data = b"Feature: x\n  Scenario: y\n    Given a table\n      | a \\| b | c |\n      | d | e | f |\n";
    assert_eq!(
        parse_error("data-table", data),
        "x.feature:5: this table row has 3 cells, but the table's first row (line 4) has 2; give every row of the table the same cells"
    );
    // Even rows parse, doc strings with bars in them included.
    let fine = b"Feature: x\n  Scenario: y\n    Given a text\n      \"\"\"\n      | a |\n      | b | c |\n      \"\"\"\n";
    let dir = feature_dir("fine", "x.feature", fine);
    parse::parse_feature(&dir.join("x.feature")).expect("valid");
}

#[test]
fn a_feature_that_does_not_parse_is_the_only_error_not_drift_advice() {
    // Before, `doc check` also printed "FAQ step 2.1 is transcribed by no
    // Gherkin step; add a step…" for every step: advice about a file that
    // was never read.
    let dir = feature_dir("unparsed", "x.feature", b"");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_docproof"))
        .args([
            "doc",
            "check",
            "--quiet",
            "--features",
            dir.to_str().unwrap(),
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim_end(),
        format!(
            "{}: the feature file is empty (no `Feature:` line); write the feature, or delete the file",
            dir.join("x.feature:1").display()
        ),
        "{stderr}"
    );
}
