//! `docproof run` and `cargo test`'s docs suite: parse the features, check
//! them (undefined steps; the doc check of `gate`), run every scenario with cucumber
//! against its own embedded tenant, and leave the reports: console
//! progress, JUnit XML, Cucumber JSON, one transcript per scenario, and the
//! transcript snapshots compared with insta.

pub mod browsers;
pub mod gate;
pub mod parse;
pub mod preflight;

use crate::report::ledger::{Ledger, ScenarioResult, Verdict};
use crate::report::transcript::slug;
use crate::steps::{world, DocWorld, RunConfig};
use cucumber::event::ScenarioFinished;
use cucumber::gherkin;
use cucumber::writer::{self, Coloring, Verbosity};
use cucumber::{World as _, WriterExt as _};
use docproof_simulator::TenantFile;
use futures::FutureExt as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What to run and where to report.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// A folder of `*.feature` files, or one file.
    pub features: PathBuf,
    /// The documentation the features transcribe.
    pub doc: PathBuf,
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
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            features: "features".into(),
            doc: "fixtures/docs/office-365-mfa.txt".into(),
            tags: None,
            report: "target/docproof".into(),
            concurrency: None,
            browser: browsers::BrowserOptions::default(),
            tenant: "fixtures/tenant.toml".into(),
            snapshots: Some("tests/snapshots".into()),
            verbose: true,
        }
    }
}

/// The default scenarios at once in a real browser never exceeds this
/// (16 browsers, about 2 GB: a headless shell session holds ~135 MB);
/// `--concurrency` may ask for more.
pub const MAX_DEFAULT_BROWSER_SCENARIOS: usize = 8;

/// How the run went.
#[derive(Debug, Clone)]
pub struct RunSummary {
    pub scenarios: Vec<ScenarioResult>,
    /// Problems found before running (malformed files, undefined steps…).
    pub problems: Vec<String>,
    /// Drift between the doc, the features and their lock (doc check).
    pub doc_problems: Vec<String>,
    /// The coverage matrix written for this run.
    pub coverage: Option<PathBuf>,
    pub steps_passed: usize,
    pub steps_failed: usize,
    pub steps_skipped: usize,
    pub hook_errors: usize,
    pub elapsed: Duration,
    pub report: PathBuf,
    /// "browser" or "http".
    pub driver: &'static str,
    /// The real browser's name and version ("chrome-headless-shell 156…").
    pub browser: Option<String>,
    /// UI labels the pages spell differently from the FAQ (case, spacing).
    pub label_warnings: Vec<String>,
}

impl RunSummary {
    pub fn passed(&self) -> usize {
        self.scenarios
            .iter()
            .filter(|s| s.verdict == Verdict::Passed)
            .count()
    }
    pub fn failed(&self) -> usize {
        self.scenarios.len() - self.passed()
    }
    /// Whether the release gate opens: no problem, no failed, undefined or
    /// skipped step, no failed hook, and at least one scenario ran.
    pub fn success(&self) -> bool {
        self.problems.is_empty()
            && self.doc_problems.is_empty()
            && self.failed() == 0
            && self.steps_failed == 0
            && self.steps_skipped == 0
            && self.hook_errors == 0
            && !self.scenarios.is_empty()
    }
}

/// Runs the scenarios. Errors are set-up failures (unreadable tenant file,
/// unwritable report folder); scenario failures are in the summary.
pub async fn run(opts: RunOptions) -> anyhow::Result<RunSummary> {
    // Worlds read the run's configuration from a global (cucumber builds
    // them without arguments): one run at a time per process.
    let _one_run = world::RUN_LOCK.lock().await;
    let started = Instant::now();
    let seed = TenantFile::load(&opts.tenant)?;
    let target = crate::target::Target::load(&opts.tenant)?;
    std::fs::create_dir_all(&opts.report).map_err(|e| {
        anyhow::anyhow!(
            "{}: cannot create the report folder ({e}); pass --report with a writable folder",
            opts.report.display()
        )
    })?;
    let tags: Option<gherkin::tagexpr::TagOperation> = match &opts.tags {
        Some(t) => Some(t.parse().map_err(|e| {
            anyhow::anyhow!("--tags '{t}' is not a tag expression ({e}); write e.g. '@doc-3.1' or '@doc-3.1 and not @doc-3.2'")
        })?),
        None => None,
    };

    // Parse and check everything before running anything.
    let mut problems = Vec::new();
    let mut features = Vec::new();
    for path in parse::feature_files(&opts.features)? {
        match parse::parse_feature(&path) {
            Ok(f) => features.push(f),
            Err(e) => problems.push(e),
        }
    }
    if features.is_empty() && problems.is_empty() {
        problems.push(format!(
            "{}: holds no *.feature files",
            opts.features.display()
        ));
    }
    problems.extend(preflight::check_steps::<DocWorld>(&features));
    if let (Some(expr), Some(op)) = (&opts.tags, &tags) {
        if problems.is_empty() && selected(&features, op) == 0 {
            problems.push(format!(
                "--tags '{expr}' matches no scenario in {}; the tags in use are {}",
                opts.features.display(),
                tags_in_use(&features).join(", ")
            ));
        }
    }
    // The doc check first: drift fails the run, an unreadable doc stops it.
    let doc_gate = gate::check(&opts.doc, &opts.features, &features).await?;
    let all_features = features.clone();
    if !problems.is_empty() {
        let mut summary = RunSummary {
            scenarios: Vec::new(),
            problems,
            doc_problems: doc_gate.problems.clone(),
            coverage: None,
            steps_passed: 0,
            steps_failed: 0,
            steps_skipped: 0,
            hook_errors: 0,
            elapsed: started.elapsed(),
            report: opts.report.clone(),
            driver: "none",
            browser: None,
            label_warnings: Vec::new(),
        };
        summary.coverage = Some(gate::write_coverage(
            &doc_gate,
            &all_features,
            &[],
            &opts.report,
        )?);
        write_summary(&summary)?;
        return Ok(summary);
    }

    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let scenarios_at_once = |browser: bool| {
        opts.concurrency
            .unwrap_or(if browser {
                // Two browsers per scenario: on a big machine, memory runs
                // out before the cores do.
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
    let driver = chosen.browsers.name();
    let concurrency = scenarios_at_once(driver == "browser");
    let _ = std::fs::remove_dir_all(opts.report.join("screenshots"));
    let _ = std::fs::remove_dir_all(opts.report.join("failures"));
    let label_warnings = crate::steps::labels::LabelWarnings::default();
    world::configure(RunConfig {
        browsers: chosen.browsers.clone(),
        report: opts.report.clone(),
        doc: Some(std::sync::Arc::new(doc_gate.doc.clone())),
        label_warnings: label_warnings.clone(),
        ..RunConfig::new(seed, target)
    });
    let transcripts = opts.report.join("transcripts");
    let _ = std::fs::remove_dir_all(&transcripts);
    let snapshots = match &opts.snapshots {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            Some(std::fs::canonicalize(dir)?)
        }
        None => None,
    };

    let ledger = Ledger::default();
    let junit = std::fs::File::create(opts.report.join("junit.xml"))?;
    let json = std::fs::File::create(opts.report.join("cucumber.json"))?;
    let console: Box<dyn std::io::Write> = if opts.verbose {
        Box::new(std::io::stdout())
    } else {
        Box::new(std::io::sink())
    };
    let writer = writer::Basic::raw(console, Coloring::Auto, Verbosity::Default)
        .summarized()
        .tee::<DocWorld, _>(writer::JUnit::for_tee(junit, 0))
        .tee::<DocWorld, _>(writer::Json::for_tee(json))
        .tee::<DocWorld, _>(
            ledger
                .clone()
                .discard_stats_writes()
                .discard_arbitrary_writes(),
        )
        .normalized();

    let after_transcripts = transcripts.clone();
    let outcome = DocWorld::cucumber::<&str>()
        .with_parser(Preparsed(features))
        .with_writer(writer)
        // docproof has its own command line; cucumber must not parse it.
        .with_default_cli()
        .fail_on_skipped()
        .max_concurrent_scenarios(concurrency)
        .before(|feature, _rule, scenario, w| {
            async move {
                w.feature_path = feature.path.clone().unwrap_or_default();
                w.scenario_name = snapshot_name(feature, scenario);
                w.transcript = crate::report::transcript::Transcript::new(format!(
                    "{} — {}",
                    feature.name, scenario.name
                ));
            }
            .boxed_local()
        })
        .after(move |feature, _rule, scenario, finished, w| {
            let transcripts = after_transcripts.clone();
            let snapshots = snapshots.clone();
            async move {
                let Some(w) = w else { return };
                let unseen = w
                    .finish(matches!(finished, ScenarioFinished::StepFailed(..)))
                    .await;
                w.stop().await;
                let name = snapshot_name(feature, scenario);
                let _ = w.transcript.write_to(&transcripts, &name);
                if !matches!(finished, ScenarioFinished::StepPassed) {
                    return;
                }
                let expected =
                    scenario.steps.len() + feature.background.as_ref().map_or(0, |b| b.steps.len());
                assert_eq!(
                    w.steps_begun, expected,
                    "a step definition of this scenario does not call DocWorld::at(step) first"
                );
                if let Some(unseen) = unseen {
                    // The last FAQ step's labels: the scenario fails here,
                    // after its steps, as a snapshot difference does.
                    panic!("{unseen}");
                }
                if let Some(dir) = snapshots {
                    check_snapshot(&dir, &name, &w.transcript.render());
                }
            }
            .boxed_local()
        })
        .filter_run((), move |feature, rule, scenario| {
            tags.as_ref()
                .is_none_or(|t| matches(t, feature, rule, scenario))
        })
        .await;
    let browser = match &chosen.browsers {
        crate::drive::Browsers::Real(pool) => pool.browser(),
        crate::drive::Browsers::Http => None,
    };
    chosen.close().await;

    use cucumber::writer::Stats as _;
    let scenarios = ledger.take();
    let coverage = gate::write_coverage(&doc_gate, &all_features, &scenarios, &opts.report)?;
    let summary = RunSummary {
        scenarios,
        problems,
        doc_problems: doc_gate.problems,
        coverage: Some(coverage),
        steps_passed: outcome.passed_steps(),
        steps_failed: outcome.failed_steps(),
        steps_skipped: outcome.skipped_steps(),
        hook_errors: outcome.hook_errors(),
        elapsed: started.elapsed(),
        report: opts.report.clone(),
        driver,
        browser,
        label_warnings: label_warnings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .cloned()
            .collect(),
    };
    write_summary(&summary)?;
    Ok(summary)
}

fn write_summary(s: &RunSummary) -> anyhow::Result<()> {
    let mut md =
        crate::report::summary::markdown(&s.scenarios, &s.problems, s.elapsed.as_secs_f64());
    md.push_str(&crate::report::summary::doc_check(
        &s.doc_problems,
        s.coverage.as_deref(),
    ));
    md.push_str(&crate::report::summary::label_warnings(&s.label_warnings));
    if let Some(b) = &s.browser {
        md.push_str(&format!("\nWalked in {b} over WebDriver.\n"));
    }
    std::fs::write(s.report.join("summary.md"), md)
        .map_err(|e| anyhow::anyhow!("{}: cannot write summary.md ({e})", s.report.display()))
}

/// Whether a scenario's tags (its own, its rule's and its feature's)
/// satisfy the expression.
fn matches(
    op: &gherkin::tagexpr::TagOperation,
    feature: &gherkin::Feature,
    rule: Option<&gherkin::Rule>,
    scenario: &gherkin::Scenario,
) -> bool {
    use cucumber::tag::Ext as _;
    op.eval(
        feature
            .tags
            .iter()
            .chain(rule.iter().flat_map(|r| &r.tags))
            .chain(&scenario.tags),
    )
}

/// Every tag of the features, their rules and scenarios: `@doc-2`, …
fn tags_in_use(features: &[gherkin::Feature]) -> Vec<String> {
    let mut tags: Vec<String> = features
        .iter()
        .flat_map(|f| {
            let scenarios = f
                .scenarios
                .iter()
                .chain(f.rules.iter().flat_map(|r| &r.scenarios));
            let rules = f.rules.iter().flat_map(|r| &r.tags);
            f.tags
                .iter()
                .chain(rules)
                .chain(scenarios.flat_map(|s| &s.tags))
        })
        .map(|t| format!("@{t}"))
        .collect();
    tags.sort();
    tags.dedup();
    tags
}

/// How many scenarios the expression selects.
fn selected(features: &[gherkin::Feature], op: &gherkin::tagexpr::TagOperation) -> usize {
    features
        .iter()
        .map(|f| {
            f.scenarios
                .iter()
                .filter(|s| matches(op, f, None, s))
                .count()
                + f.rules
                    .iter()
                    .map(|r| {
                        r.scenarios
                            .iter()
                            .filter(|s| matches(op, f, Some(r), s))
                            .count()
                    })
                    .sum::<usize>()
        })
        .sum()
}

/// `3.1-authentication-phone-sms__register-by-text-message…`; outlines get
/// their example values through the substituted scenario name.
fn snapshot_name(feature: &gherkin::Feature, scenario: &gherkin::Scenario) -> String {
    let stem = feature
        .path
        .as_deref()
        .and_then(Path::file_stem)
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| slug(&feature.name));
    format!("{stem}__{}", slug(&scenario.name))
}

/// Compares the transcript with its committed snapshot. A difference fails
/// the scenario with insta's diff; `cargo insta review` accepts it.
fn check_snapshot(dir: &Path, name: &str, transcript: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_description("What the user saw, step by step (docproof transcript)");
    settings.bind(|| insta::assert_snapshot!(name, transcript));
}

/// Hands cucumber the features already parsed and checked.
struct Preparsed(Vec<gherkin::Feature>);

impl cucumber::Parser<()> for Preparsed {
    type Cli = cucumber::cli::Empty;
    type Output =
        futures::stream::Iter<std::vec::IntoIter<cucumber::parser::Result<gherkin::Feature>>>;

    fn parse(self, _: (), _: Self::Cli) -> Self::Output {
        futures::stream::iter(self.0.into_iter().map(Ok).collect::<Vec<_>>())
    }
}

/// The summary lines both `docproof run` and `cargo test` print.
pub fn print_summary(s: &RunSummary) {
    for w in &s.label_warnings {
        eprintln!("warning: {w}");
    }
    for p in s.doc_problems.iter().chain(&s.problems) {
        eprintln!("error: {p}");
    }
    for r in s.scenarios.iter().filter(|r| r.verdict != Verdict::Passed) {
        eprintln!(
            "FAILED {}:{} {} — {}",
            r.feature.display(),
            r.line,
            r.name,
            r.failure
                .as_deref()
                .unwrap_or("a step was skipped or undefined")
        );
    }
    println!(
        "docproof: {} scenarios passed, {} failed ({} steps passed, {} failed, {} skipped) in {:.2} s {}; reports in {}",
        s.passed(),
        s.failed(),
        s.steps_passed,
        s.steps_failed,
        s.steps_skipped,
        s.elapsed.as_secs_f64(),
        match (s.driver, &s.browser) {
            ("browser", Some(b)) => format!("in a real browser ({b})"),
            ("browser", None) => "in a real browser".to_string(),
            ("http", _) => "over HTTP".to_string(),
            _ => "before running".to_string(),
        },
        s.report.display()
    );
}
