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

/// The harness's folders form layers (doc → features → steps → pages →
/// drive; report and run above them): none imports a folder that imports
/// it back.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "doc",
        &[
            "features", "run", "report", "steps", "cli", "pages", "drive", "phone",
        ],
    ),
    (
        "features",
        &["run", "report", "steps", "cli", "pages", "drive"],
    ),
    ("report", &["run", "features", "steps", "cli"]),
    ("steps", &["run", "cli", "features"]),
    ("pages", &["steps", "run", "report", "cli"]),
    ("drive", &["pages", "steps", "run", "report", "cli", "doc"]),
    (
        "phone",
        &["steps", "run", "report", "cli", "pages", "drive"],
    ),
];

/// `crate::x` paths in code (comments are prose, not imports).
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let path = regex::Regex::new(r"crate::([a-z_]+)").unwrap();
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .flat_map(|(n, line)| {
            path.captures_iter(line)
                .map(|c| (n + 1, c[1].to_string()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn the_harness_folders_import_downwards_only() {
    let mut offences = Vec::new();
    for (folder, forbidden) in LAYERS {
        for file in rust_files(&Path::new(ROOT).join("src").join(folder)) {
            let text = std::fs::read_to_string(&file).unwrap();
            for (line, target) in crate_paths(&text) {
                if forbidden.contains(&target.as_str()) {
                    offences.push(format!(
                        "{}:{line}: {folder} imports {target}",
                        file.display()
                    ));
                }
            }
        }
    }
    assert!(offences.is_empty(), "{}", offences.join("\n"));
}

#[test]
fn step_modules_depend_on_the_world_not_on_each_other() {
    let steps = Path::new(ROOT).join("src/steps");
    let modules: Vec<String> = std::fs::read_dir(&steps)
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".rs").map(str::to_string)
        })
        .filter(|m| m != "mod")
        .collect();
    let sibling = regex::Regex::new(r"(super|crate::steps)::([a-z_0-9]+)").unwrap();
    let mut offences = Vec::new();
    for file in rust_files(&steps) {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for c in sibling.captures_iter(line) {
                if modules.contains(&c[2].to_string()) {
                    offences.push(format!(
                        "{}:{}: uses steps::{}",
                        file.display(),
                        n + 1,
                        &c[2]
                    ));
                }
            }
        }
    }
    assert!(
        !modules.is_empty() && offences.is_empty(),
        "{}",
        offences.join("\n")
    );
}
