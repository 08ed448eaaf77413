//! `cargo bench --bench soak`: a long run, to see that docproof neither
//! slows down nor grows as scenarios pile up. Not a test: it reports.
//!
//! The shipped features are copied until there are `SOAK_SCENARIOS`
//! scenarios (default 500), their wording accepted into the copy's own
//! lock, and `docproof run` walks them over HTTP and then in a real
//! browser. While it runs, the bench samples every 200 ms the resident
//! memory (RSS) of docproof and of everything it started (chromedriver and
//! the browsers), and counts finished scenarios by their transcripts. It
//! prints, per 100 scenarios, the time per scenario and the peak RSS of
//! each: flat rows mean nothing accumulates.
//!
//! `SOAK_DRIVERS` (default `http,browser`) picks the drivers.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ROOT: &str = "target/docproof/soak";
const SAMPLE_EVERY: Duration = Duration::from_millis(200);
const SEGMENT: usize = 100;

fn main() {
    let wanted: usize = env_or("SOAK_SCENARIOS", 500);
    let drivers = std::env::var("SOAK_DRIVERS").unwrap_or_else(|_| "http,browser".into());
    let features = prepare(wanted);
    for driver in drivers.split(',').map(str::trim).filter(|d| !d.is_empty()) {
        soak(driver, &features);
    }
}

fn env_or(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v}: expected a number of scenarios")),
        Err(_) => default,
    }
}

/// Copies the shipped features into `copy-NN/` folders until they hold
/// `wanted` scenarios or more, and records their wording in their lock.
fn prepare(wanted: usize) -> PathBuf {
    let dir = Path::new(ROOT).join("features");
    let _ = std::fs::remove_dir_all(&dir);
    let shipped: Vec<PathBuf> = std::fs::read_dir("features")
        .expect("the shipped features folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "feature"))
        .collect();
    let per_copy: usize = shipped
        .iter()
        .map(|p| scenarios_in(&std::fs::read_to_string(p).expect("a readable feature")))
        .sum();
    let copies = wanted.div_ceil(per_copy.max(1));
    std::fs::create_dir_all(&dir).expect("a writable target folder");
    for n in 1..=copies {
        // One folder, distinct names: transcripts are named after the file.
        for p in &shipped {
            let name = p.file_name().unwrap().to_string_lossy();
            std::fs::copy(p, dir.join(format!("c{n:02}-{name}"))).expect("copy a feature");
        }
    }
    let accepted = Command::new(env!("CARGO_BIN_EXE_docproof"))
        .args(["doc", "accept", "--features"])
        .arg(&dir)
        .output()
        .expect("docproof runs");
    assert!(
        accepted.status.success(),
        "docproof doc accept: {}",
        String::from_utf8_lossy(&accepted.stderr)
    );
    println!(
        "soak: {} scenarios ({copies} copies of {per_copy})",
        copies * per_copy
    );
    dir
}

/// Scenarios a feature file runs: each `Scenario:`, and each Examples row
/// of a `Scenario Outline:` (its header row aside).
fn scenarios_in(feature: &str) -> usize {
    let mut count = 0;
    let mut header_next = false;
    let mut in_examples = false;
    for line in feature.lines().map(str::trim) {
        if line.starts_with("Scenario:") {
            count += 1;
        } else if line.starts_with("Examples:") {
            in_examples = true;
            header_next = true;
        } else if in_examples && line.starts_with('|') {
            if header_next {
                header_next = false;
            } else {
                count += 1;
            }
        } else if !line.is_empty() && !line.starts_with('#') {
            in_examples = false;
        }
    }
    count
}

/// One sample: seconds since start, scenarios finished, RSS in KiB.
struct Sample {
    at: f64,
    finished: usize,
    docproof_kib: u64,
    started_kib: u64,
}

fn soak(driver: &str, features: &Path) {
    let report = Path::new(ROOT).join(driver);
    let _ = std::fs::remove_dir_all(&report);
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_docproof"))
        .args(["run", "--quiet", "--no-snapshots", "--driver", driver])
        .arg("--features")
        .arg(features)
        .arg("--report")
        .arg(&report)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("docproof runs");
    let pid = child.id();
    let transcripts = report.join("transcripts");
    let mut samples = Vec::new();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for docproof") {
            break status;
        }
        let (own, others) = rss_of_tree(pid);
        samples.push(Sample {
            at: started.elapsed().as_secs_f64(),
            finished: count_files(&transcripts),
            docproof_kib: own,
            started_kib: others,
        });
        std::thread::sleep(SAMPLE_EVERY);
    };
    let wall = started.elapsed();
    let out = child
        .wait_with_output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let last = out.lines().last().unwrap_or("(no summary line)");
    println!("\n{driver}: {last}");
    println!("  exit {status}, {:.1} s", wall.as_secs_f64());
    print_segments(&samples);
}

/// Per 100 finished scenarios: time per scenario and peak RSS.
fn print_segments(samples: &[Sample]) {
    println!(
        "  {:>11} | {:>12} | {:>17} | {:>22}",
        "scenarios", "s / scenario", "docproof peak MiB", "browsers+driver peak MiB"
    );
    let total = samples.last().map_or(0, |s| s.finished);
    let mut from = 0usize;
    let mut from_at = 0.0;
    while from < total {
        let to = (from + SEGMENT).min(total);
        let seg: Vec<&Sample> = samples
            .iter()
            .filter(|s| s.finished >= from && s.finished <= to)
            .collect();
        let end_at = samples
            .iter()
            .find(|s| s.finished >= to)
            .map_or(from_at, |s| s.at);
        let own = seg.iter().map(|s| s.docproof_kib).max().unwrap_or(0);
        let others = seg.iter().map(|s| s.started_kib).max().unwrap_or(0);
        println!(
            "  {:>5}–{:<5} | {:>12.3} | {:>17.1} | {:>22.1}",
            from + 1,
            to,
            (end_at - from_at) / (to - from) as f64,
            own as f64 / 1024.0,
            others as f64 / 1024.0
        );
        from = to;
        from_at = end_at;
    }
}

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |d| d.count())
}

/// RSS of `root` and the summed RSS of all its descendants, from /proc.
fn rss_of_tree(root: u32) -> (u64, u64) {
    let mut parent: HashMap<u32, u32> = HashMap::new();
    let mut rss: HashMap<u32, u64> = HashMap::new();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return (0, 0);
    };
    for entry in procs.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        let Ok(status) = std::fs::read_to_string(entry.path().join("status")) else {
            continue;
        };
        for line in status.lines() {
            if let Some(v) = line.strip_prefix("PPid:") {
                parent.insert(pid, v.trim().parse().unwrap_or(0));
            } else if let Some(v) = line.strip_prefix("VmRSS:") {
                let kib = v.trim().trim_end_matches("kB").trim().parse().unwrap_or(0);
                rss.insert(pid, kib);
            }
        }
    }
    let descends = |mut pid: u32| {
        while let Some(&p) = parent.get(&pid) {
            if p == root {
                return true;
            }
            if p <= 1 {
                return false;
            }
            pid = p;
        }
        false
    };
    let own = rss.get(&root).copied().unwrap_or(0);
    let others = rss
        .iter()
        .filter(|(pid, _)| descends(**pid))
        .map(|(_, kib)| kib)
        .sum();
    (own, others)
}
