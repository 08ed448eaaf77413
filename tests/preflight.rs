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
