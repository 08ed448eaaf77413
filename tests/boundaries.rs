//! The workspace's seams, checked: the contract depends on nothing of
//! docproof's, the simulator on the contract only, and the harness reaches
//! the simulator only through its public start-up API (`spawn`, `serve`).

use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// What the harness may name of the simulator: how to start it.
const SIMULATOR_API: &[&str] = &[
    "spawn",
    "serve",
    "RunningTenant",
    "Settings",
    "TelephonySettings",
    "TenantFile",
    "TenantFileError",
];

fn manifest(rel: &str) -> toml::Table {
    let text = std::fs::read_to_string(Path::new(ROOT).join(rel)).unwrap();
    text.parse().unwrap()
}

/// Every dependency a manifest names, in any of its dependency tables.
fn dependencies(table: &toml::Table) -> Vec<String> {
    ["dependencies", "dev-dependencies", "build-dependencies"]
        .iter()
        .filter_map(|section| table.get(*section).and_then(|v| v.as_table()))
        .flat_map(|deps| deps.keys().cloned())
        .collect()
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

#[test]
fn the_contract_depends_on_nothing_of_docproofs() {
    let deps = dependencies(&manifest("crates/contract/Cargo.toml"));
    let ours: Vec<_> = deps.iter().filter(|d| d.starts_with("docproof")).collect();
    assert!(ours.is_empty(), "the contract depends on {ours:?}");
}

#[test]
fn the_simulator_depends_on_the_contract_only() {
    let deps = dependencies(&manifest("crates/simulator/Cargo.toml"));
    let ours: Vec<_> = deps.iter().filter(|d| d.starts_with("docproof")).collect();
    assert_eq!(
        ours,
        ["docproof-contract"],
        "the simulator depends on {ours:?}"
    );
    for file in rust_files(&Path::new(ROOT).join("crates/simulator")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            assert!(
                !line.contains("docproof::"),
                "{}:{}: the simulator names the harness: {line}",
                file.display(),
                n + 1
            );
        }
    }
}

#[test]
fn the_harness_uses_only_the_simulators_start_up_api() {
    let path = regex::Regex::new(r"docproof_simulator::(\{[^}]*\}|[A-Za-z_]+)").unwrap();
    let mut offences = Vec::new();
    for dir in ["src", "tests", "benches"] {
        for file in rust_files(&Path::new(ROOT).join(dir)) {
            if file.ends_with("tests/boundaries.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            for (n, line) in text.lines().enumerate() {
                for found in path.captures_iter(line) {
                    let names = found[1].trim_matches(|c| c == '{' || c == '}');
                    for name in names.split(',').map(|n| n.trim()).filter(|n| !n.is_empty()) {
                        let name = name.split_whitespace().next().unwrap_or(name);
                        if !SIMULATOR_API.contains(&name) {
                            offences.push(format!("{}:{}: {name}", file.display(), n + 1));
                        }
                    }
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "the harness reaches into the simulator beyond {SIMULATOR_API:?}:\n{}",
        offences.join("\n")
    );
}

#[test]
fn the_check_itself_catches_an_internal_path() {
    let path = regex::Regex::new(r"docproof_simulator::(\{[^}]*\}|[A-Za-z_]+)").unwrap();
    let found = path
        .captures("use docproof_simulator::state::Tenant;")
        .unwrap();
    assert!(!SIMULATOR_API.contains(&&found[1]));
}
