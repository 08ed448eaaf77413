//! `run.json`: the run's own model, written beside its reports, so that
//! `docproof report merge` can join the folders of shards (`--shard i/n`)
//! into one report whose every file — JUnit, Cucumber JSON, summary.md,
//! coverage.md, report.html — says what one run of all of them would.

use super::drift::StepRun;
use super::folder::{CUCUMBER_JSON, JUNIT};
use super::ledger::ScenarioResult;
use super::run_summary::RunSummary;
use crate::doc::trace::PendingStep;
use crate::drive::DriverKind;
use anyhow::Context as _;
use docproof_contract::profile::Profile;
use quick_xml::events::Event;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const RUN_JSON: &str = "run.json";
/// Which `run.json` this is: a merge refuses one it cannot read.
const VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunRecord {
    pub version: u32,
    /// The features folder and the doc, as the run was given them.
    pub features: PathBuf,
    pub doc: String,
    pub profile: String,
    pub shard: Option<String>,
    pub driver: Option<String>,
    pub browser: Option<String>,
    /// Whole milliseconds: no timing in the file is shaped like a code.
    pub elapsed_ms: u64,
    pub scenarios: Vec<ScenarioResult>,
    pub steps: Vec<StepRun>,
    pub problems: Vec<String>,
    pub doc_problems: Vec<String>,
    pub label_warnings: Vec<String>,
    pub pending: Vec<PendingStep>,
    pub steps_passed: usize,
    pub steps_failed: usize,
    pub steps_skipped: usize,
    pub hook_errors: usize,
    pub browser_start_retries: usize,
}

impl RunRecord {
    pub fn of(s: &RunSummary, features: &Path, doc: &str) -> RunRecord {
        RunRecord {
            version: VERSION,
            features: features.to_path_buf(),
            doc: doc.to_string(),
            profile: s.profile.name().to_string(),
            shard: s.shard.clone(),
            driver: s.driver.map(|d| d.name().to_string()),
            browser: s.browser.clone(),
            elapsed_ms: s.elapsed.as_millis() as u64,
            scenarios: s.scenarios.clone(),
            steps: s.steps.clone(),
            problems: s.problems.clone(),
            doc_problems: s.doc_problems.clone(),
            label_warnings: s.label_warnings.clone(),
            pending: s.pending.clone(),
            steps_passed: s.steps_passed,
            steps_failed: s.steps_failed,
            steps_skipped: s.steps_skipped,
            hook_errors: s.hook_errors,
            browser_start_retries: s.browser_start_retries,
        }
    }

    pub fn write(&self, report: &Path) -> anyhow::Result<()> {
        let json = serde_json::to_string_pretty(self)?;
        crate::atomic::write(&report.join(RUN_JSON), json + "\n")
            .with_context(|| format!("{}: cannot write {RUN_JSON}", report.display()))
    }

    pub fn read(report: &Path) -> anyhow::Result<RunRecord> {
        let path = report.join(RUN_JSON);
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "{}: cannot read it; pass the report folder of a finished `docproof run`",
                path.display()
            )
        })?;
        let record: RunRecord = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a run record docproof wrote", path.display()))?;
        if record.version != VERSION {
            anyhow::bail!(
                "{}: written by another docproof (version {}); run the shards again with this one",
                path.display(),
                record.version
            );
        }
        Ok(record)
    }

    /// The scenarios that did not pass, by feature file and line.
    pub fn not_passed(&self) -> std::collections::HashSet<(PathBuf, usize)> {
        self.scenarios
            .iter()
            .filter(|s| s.verdict != super::ledger::Verdict::Passed)
            .map(|s| (s.feature.clone(), s.line))
            .collect()
    }

    /// The summary the reports are written from, in `report`.
    pub fn summary(&self, report: &Path) -> anyhow::Result<RunSummary> {
        let profile: Profile = self.profile.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
        let driver = self.driver.as_deref().map(|d| match d {
            "browser" => DriverKind::Browser,
            _ => DriverKind::Http,
        });
        Ok(RunSummary {
            scenarios: self.scenarios.clone(),
            problems: self.problems.clone(),
            doc_problems: self.doc_problems.clone(),
            coverage: None,
            steps_passed: self.steps_passed,
            steps_failed: self.steps_failed,
            steps_skipped: self.steps_skipped,
            hook_errors: self.hook_errors,
            elapsed: Duration::from_millis(self.elapsed_ms),
            report: report.to_path_buf(),
            driver,
            browser: self.browser.clone(),
            label_warnings: self.label_warnings.clone(),
            steps: self.steps.clone(),
            browser_start_retries: self.browser_start_retries,
            pending: self.pending.clone(),
            profile,
            audit: None,
            shard: self.shard.clone(),
        })
    }

    /// The shards' records as one run's: their scenarios and steps
    /// together, the longest shard's time (they run side by side).
    pub fn merge(shards: Vec<(PathBuf, RunRecord)>) -> anyhow::Result<RunRecord> {
        let mut iter = shards.into_iter();
        let (first_dir, mut merged) = iter.next().context("no report folder to merge")?;
        let mut seen = vec![merged.shard.clone()];
        for (dir, r) in iter {
            let differs = |what: &str, a: &str, b: &str| {
                anyhow::anyhow!(
                    "{} and {} ran with different {what} ({a} and {b}); merge the shards of one run",
                    first_dir.display(),
                    dir.display()
                )
            };
            if r.profile != merged.profile {
                return Err(differs("profiles", &merged.profile, &r.profile));
            }
            if r.doc != merged.doc || r.features != merged.features {
                return Err(differs("docs or features", &merged.doc, &r.doc));
            }
            if r.shard.is_some() && seen.contains(&r.shard) {
                anyhow::bail!(
                    "{} is shard {} again; pass each shard's folder once",
                    dir.display(),
                    r.shard.clone().unwrap_or_default()
                );
            }
            seen.push(r.shard.clone());
            merged.elapsed_ms = merged.elapsed_ms.max(r.elapsed_ms);
            merged.scenarios.extend(r.scenarios);
            merged.steps.extend(r.steps);
            for p in r.problems {
                if !merged.problems.contains(&p) {
                    merged.problems.push(p);
                }
            }
            for w in r.label_warnings {
                if !merged.label_warnings.contains(&w) {
                    merged.label_warnings.push(w);
                }
            }
            merged.steps_passed += r.steps_passed;
            merged.steps_failed += r.steps_failed;
            merged.steps_skipped += r.steps_skipped;
            merged.hook_errors += r.hook_errors;
            merged.browser_start_retries += r.browser_start_retries;
            if merged.browser.is_none() {
                merged.browser = r.browser;
            }
        }
        merged
            .scenarios
            .sort_by(|a, b| (&a.feature, a.line).cmp(&(&b.feature, b.line)));
        let shards: Vec<String> = seen.into_iter().flatten().collect();
        merged.shard = (!shards.is_empty()).then(|| format!("merged {}", shards.join(", ")));
        Ok(merged)
    }
}

/// Every folder's `junit.xml` as one: their feature suites side by side,
/// without each run's own "docproof run" properties suite (the merged run
/// writes its own).
pub fn merge_junit(dirs: &[PathBuf]) -> anyhow::Result<String> {
    let mut writer = quick_xml::Writer::new(Vec::new());
    writer.write_event(Event::Decl(quick_xml::events::BytesDecl::new(
        "1.0",
        Some("utf-8"),
        None,
    )))?;
    writer.write_event(Event::Start(quick_xml::events::BytesStart::new(
        "testsuites",
    )))?;
    for dir in dirs {
        let path = dir.join(JUNIT);
        let xml = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read it", path.display()))?;
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut depth = 0usize;
        let mut skipping: Option<usize> = None;
        loop {
            let event = reader
                .read_event()
                .with_context(|| format!("{}: not well-formed XML", path.display()))?;
            let (opens, closes) = match &event {
                Event::Start(_) => (true, false),
                Event::End(_) => (false, true),
                Event::Eof => break,
                _ => (false, false),
            };
            if closes {
                depth -= 1;
            }
            if let Event::Start(e) = &event {
                let own = e.name().as_ref() == b"testsuite"
                    && e.try_get_attribute("name")?
                        .is_some_and(|a| a.value.as_ref() == b"docproof run");
                if own && skipping.is_none() {
                    skipping = Some(depth);
                }
            }
            // Inside the root element only, and not the run's own suite.
            if depth >= 1 && skipping.is_none() {
                writer.write_event(event.borrow())?;
            }
            if opens {
                depth += 1;
            }
            if closes && skipping == Some(depth) {
                skipping = None;
            }
        }
    }
    writer.write_event(Event::End(quick_xml::events::BytesEnd::new("testsuites")))?;
    Ok(String::from_utf8(writer.into_inner())?)
}

/// Every folder's `cucumber.json` as one array of features.
pub fn merge_cucumber_json(dirs: &[PathBuf]) -> anyhow::Result<String> {
    let mut all = Vec::new();
    for dir in dirs {
        let path = dir.join(CUCUMBER_JSON);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read it", path.display()))?;
        let features: Vec<serde_json::Value> = serde_json::from_str(&text)
            .with_context(|| format!("{}: not Cucumber JSON", path.display()))?;
        all.extend(features);
    }
    Ok(serde_json::to_string_pretty(&all)?)
}
