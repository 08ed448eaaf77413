//! `docproof run` and `cargo test`'s docs suite, in three parts: `plan`
//! (parse the features and check them before anything runs), `execute`
//! (every scenario with cucumber against its own embedded tenant) and the
//! reports (`crate::report`): console, JUnit XML, Cucumber JSON, one
//! transcript per scenario compared with its snapshot, `summary.md` and
//! `coverage.md`.

pub mod browsers;
pub mod execute;
pub mod plan;
pub mod shard;

pub use crate::report::run_summary::{print_summary, RunSummary};

use crate::drive::DriverKind;
use crate::report::{coverage, drift, folder, run_summary};
use crate::steps::RunConfig;
use docproof_contract::profile::Profile;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// What to run and where to report.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// A folder of `*.feature` files, or one file.
    pub features: PathBuf,
    /// The documentation the features transcribe.
    pub doc: PathBuf,
    /// The most bytes of the doc read (`--max-doc-size`).
    pub max_doc_size: u64,
    /// A tag expression, e.g. `@doc-3.1 and not @slow`.
    pub tags: Option<String>,
    /// Where JUnit XML, Cucumber JSON and transcripts go.
    pub report: PathBuf,
    /// Scenarios run at once (default: twice the cores over HTTP, the
    /// cores in a real browser).
    pub concurrency: Option<usize>,
    /// Which browser: `--driver`, `--webdriver`, `--require-browser`.
    pub browser: browsers::BrowserOptions,
    /// The tenant file the embedded tenant is seeded from.
    pub tenant: PathBuf,
    /// Where transcript snapshots live; `None` skips the comparison.
    pub snapshots: Option<PathBuf>,
    /// Prints every step (otherwise only failures and the summary).
    pub verbose: bool,
    /// Which service the simulator plays (`--profile`).
    pub profile: Profile,
    /// Run only this share of the scenarios (`--shard i/n`).
    pub shard: Option<shard::Shard>,
    /// Run only these scenarios (`--last-failed`), by file and line.
    pub only: Option<std::collections::HashSet<shard::Place>>,
    /// Judge every doc step as a drift audit (`docproof audit`): a step
    /// whose FAQ way fails is recorded and carried out today's way.
    pub audit: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            features: "features".into(),
            doc: "fixtures/docs/office-365-mfa.txt".into(),
            max_doc_size: crate::doc::load::DEFAULT_MAX_DOC_BYTES,
            tags: None,
            report: "target/docproof".into(),
            concurrency: None,
            browser: browsers::BrowserOptions::default(),
            tenant: "fixtures/tenant.toml".into(),
            snapshots: Some("tests/snapshots".into()),
            verbose: true,
            profile: Profile::default(),
            audit: false,
            shard: None,
            only: None,
        }
    }
}

/// The default scenarios at once in a real browser never exceeds this
/// (16 browsers, about 2 GB: a headless shell session holds ~135 MB);
/// `--concurrency` may ask for more.
pub const MAX_DEFAULT_BROWSER_SCENARIOS: usize = 8;

/// Plans, executes and reports. Errors are what stops a run before it
/// starts (see [`plan::plan`]); scenario failures are in the summary.
///
/// The report folder is prepared first (see [`folder::begin`]): from then
/// on its reports describe this run, even one that stops early.
pub async fn run(opts: RunOptions) -> anyhow::Result<RunSummary> {
    folder::begin(&opts.report)?;
    match run_begun(&opts).await {
        Ok(summary) => Ok(summary),
        Err(e) => {
            let why = format!("docproof could not run: {e:#}");
            if let Err(w) = folder::stopped(&opts.report, &why, &[]) {
                eprintln!(
                    "warning: {}: cannot record in the reports that the run stopped ({w})",
                    opts.report.display()
                );
            }
            Err(e)
        }
    }
}

/// [`run`] once its report folder is ready.
async fn run_begun(opts: &RunOptions) -> anyhow::Result<RunSummary> {
    let started = Instant::now();
    let plan = plan::plan(opts).await?;
    let mut summary = RunSummary {
        scenarios: Vec::new(),
        problems: plan.problems,
        doc_problems: plan.doc_gate.problems.clone(),
        coverage: None,
        steps_passed: 0,
        steps_failed: 0,
        steps_skipped: 0,
        hook_errors: 0,
        elapsed: started.elapsed(),
        report: opts.report.clone(),
        driver: None,
        browser: None,
        label_warnings: Vec::new(),
        steps: Vec::new(),
        browser_start_retries: 0,
        pending: plan.pending.clone(),
        profile: opts.profile,
        audit: None,
        shard: opts.shard.map(|s| s.to_string()),
    };
    for step in &summary.pending {
        eprintln!("pending (transcribed, not yet automated): {step}");
    }
    if summary.problems.is_empty() {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let scenarios_at_once = |browser: bool| {
            opts.concurrency
                .unwrap_or(if browser {
                    // Two browsers per scenario: on a big machine, memory
                    // runs out before the cores do.
                    cores.min(MAX_DEFAULT_BROWSER_SCENARIOS)
                } else {
                    cores.max(2) * 2
                })
                .max(1)
        };
        let chosen = browsers::choose(&opts.browser, scenarios_at_once(true)).await?;
        if let Some(notice) = &chosen.notice {
            eprintln!("{notice}");
        }
        summary.driver = Some(chosen.browsers.kind());
        let label_warnings = crate::steps::world::labels::LabelWarnings::default();
        let findings = opts.audit.then(drift::Findings::default);
        let config = RunConfig {
            audit: findings.clone(),
            browsers: chosen.browsers.clone(),
            report: opts.report.clone(),
            doc: Some(Arc::new(plan.doc_gate.doc.clone())),
            label_warnings: label_warnings.clone(),
            profile: opts.profile,
            ..RunConfig::new(plan.seed, plan.target)
        };
        let executed = execute::execute(
            config,
            plan.features.clone(),
            execute::Selection {
                tags: plan.tags,
                only: plan.only,
            },
            scenarios_at_once(summary.driver == Some(DriverKind::Browser)),
            execute::Outputs {
                report: &opts.report,
                snapshots: opts.snapshots.as_deref(),
                verbose: opts.verbose,
            },
        )
        .await;
        if let crate::drive::Browsers::Real(pool) = &chosen.browsers {
            summary.browser = pool.browser();
            summary.browser_start_retries = pool.start_retries();
        }
        chosen.close().await;
        let executed = executed?;
        crate::report::junit_errors::mark_infrastructure_errors(&opts.report)?;
        summary.scenarios = executed.scenarios;
        summary.steps_passed = executed.steps_passed;
        summary.steps_failed = executed.steps_failed;
        summary.steps_skipped = executed.steps_skipped;
        summary.hook_errors = executed.hook_errors;
        if let Some(findings) = findings {
            let findings = findings.lock().unwrap_or_else(|e| e.into_inner()).clone();
            let doc = &plan.doc_gate.doc;
            let audit = drift::judge(doc, opts.profile, &executed.steps, &findings, &opts.report);
            drift::write(&opts.report, &audit, doc).map_err(|e| {
                anyhow::anyhow!(
                    "{}: cannot write {} ({e})",
                    opts.report.display(),
                    drift::DRIFT_MD
                )
            })?;
            summary.audit = Some(audit);
        }
        summary.steps = executed.steps;
        summary.label_warnings = label_warnings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .cloned()
            .collect();
    }
    let written = coverage::write(
        &opts.report,
        &plan.doc_gate.doc,
        &plan.features,
        &summary.scenarios,
    )?;
    summary.coverage = Some(written.path);
    summary.elapsed = started.elapsed();
    junit_verdict(&summary)
        .and_then(|()| folder::add_junit_pending(&opts.report, &summary.pending))
        .and_then(|()| folder::add_junit_properties(&opts.report, &summary.properties()))
        .map_err(|e| {
            anyhow::anyhow!(
                "{}: cannot write {} ({e})",
                opts.report.display(),
                folder::JUNIT
            )
        })?;
    run_summary::write_summary(&summary)?;
    crate::report::html::write(&summary, &plan.doc_gate.doc)?;
    let doc = opts.doc.display().to_string();
    crate::report::record::RunRecord::of(&summary, &opts.features, &doc).write(&opts.report)?;
    Ok(summary)
}

/// Makes `junit.xml` fail when the run fails for more than its scenarios:
/// when nothing ran, cucumber wrote none, and when all that ran passed,
/// cucumber's reads as a pass. One test case in error says why.
fn junit_verdict(s: &RunSummary) -> std::io::Result<()> {
    if s.success() || s.failed() > 0 {
        return Ok(());
    }
    let why = s.failures().join("; ");
    let details: Vec<String> = s.problems.iter().chain(&s.doc_problems).cloned().collect();
    if s.scenarios.is_empty() {
        folder::write_junit_error(&s.report, &why, &details)
    } else {
        folder::add_junit_error(&s.report, &why, &details)
    }
}
