//! Execute a plan: every selected scenario with cucumber, each in its own
//! world (its own tenant, phone and browsers), with the console, JUnit,
//! Cucumber JSON and the ledger as writers, transcripts written and
//! compared with their snapshots after each scenario.

use super::plan;
use crate::atomic;
use crate::report::folder;
use crate::report::ledger::{Ledger, ScenarioResult};
use crate::report::transcript::scenario_name;
use crate::steps::world::Scenario;
use crate::steps::{DocWorld, RunConfig};
use cucumber::event::ScenarioFinished;
use cucumber::gherkin;
use cucumber::writer::{self, Coloring, Verbosity};
use cucumber::{World as _, WriterExt as _};
use futures::FutureExt as _;
use std::path::Path;

/// What the scenarios did.
pub struct Executed {
    pub scenarios: Vec<ScenarioResult>,
    /// Every Gherkin step's outcome (the drift audit judges from these).
    pub steps: Vec<crate::report::drift::StepRun>,
    pub steps_passed: usize,
    pub steps_failed: usize,
    pub steps_skipped: usize,
    pub hook_errors: usize,
}

/// Which scenarios run: those the tags select, and with `--shard` only
/// the shard's.
pub struct Selection {
    pub tags: Option<gherkin::tagexpr::TagOperation>,
    pub only: Option<std::collections::HashSet<super::shard::Place>>,
}

/// Where an execution writes and what it compares with.
pub struct Outputs<'a> {
    /// The report folder (JUnit, Cucumber JSON, transcripts/).
    pub report: &'a Path,
    /// Where transcript snapshots live; `None` skips the comparison.
    pub snapshots: Option<&'a Path>,
    /// Prints every step (otherwise only failures and the summary).
    pub verbose: bool,
}

/// Runs `features` (those `selection` keeps), `concurrency` at a time, every
/// world configured with `config`.
pub async fn execute(
    config: RunConfig,
    features: Vec<gherkin::Feature>,
    Selection { tags, only }: Selection,
    concurrency: usize,
    out: Outputs<'_>,
) -> anyhow::Result<Executed> {
    let config = std::sync::Arc::new(config);
    // The run emptied the report folder of earlier reports (report::folder::begin).
    let transcripts = out.report.join(folder::TRANSCRIPTS);
    let snapshots = match out.snapshots {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            Some(std::fs::canonicalize(dir)?)
        }
        None => None,
    };

    let ledger = Ledger::default();
    // Cucumber's writers fill temporary files, renamed into place when the
    // run is over: stopped before that, the run leaves no empty report.
    let staged = |name: &str| {
        let path = out.report.join(name);
        atomic::Staged::new(&path).map_err(|e| {
            anyhow::anyhow!(
                "{}: cannot write {name} ({e}); pass --report with a writable folder",
                out.report.display()
            )
        })
    };
    let junit = staged(folder::JUNIT)?;
    let json = staged(folder::CUCUMBER_JSON)?;
    let console: Box<dyn std::io::Write> = if out.verbose {
        Box::new(std::io::stdout())
    } else {
        Box::new(std::io::sink())
    };
    let writer = writer::Basic::raw(console, Coloring::Auto, Verbosity::Default)
        .summarized()
        .tee::<DocWorld, _>(writer::JUnit::for_tee(junit.handle()?, 0))
        .tee::<DocWorld, _>(writer::Json::for_tee(json.handle()?))
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
        // Each world gets the run's configuration and its scenario here,
        // before its first step (cucumber builds worlds without arguments).
        .before(move |feature, _rule, scenario, w| {
            let config = config.clone();
            async move {
                w.begin(
                    config,
                    Scenario {
                        feature_path: feature.path.clone().unwrap_or_default(),
                        name: scenario_name(feature, scenario),
                        transcript: crate::report::transcript::Transcript::new(format!(
                            "{} — {}",
                            feature.name, scenario.name
                        )),
                        ..Scenario::default()
                    },
                );
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
                let name = scenario_name(feature, scenario);
                let _ = w.scenario.transcript.write_to(&transcripts, &name);
                if !matches!(finished, ScenarioFinished::StepPassed) {
                    return;
                }
                let expected =
                    scenario.steps.len() + feature.background.as_ref().map_or(0, |b| b.steps.len());
                assert_eq!(
                    w.scenario.steps_begun, expected,
                    "a step definition of this scenario does not call DocWorld::at(step) first"
                );
                if let Some(unseen) = unseen {
                    // The last FAQ step's labels: the scenario fails here,
                    // after its steps, as a snapshot difference does.
                    panic!("{unseen}");
                }
                if let Some(dir) = snapshots {
                    check_snapshot(&dir, &name, &w.scenario.transcript.render());
                }
            }
            .boxed_local()
        })
        .filter_run((), move |feature, rule, scenario| {
            !crate::features::is_pending(feature, rule, scenario)
                && tags
                    .as_ref()
                    .is_none_or(|t| plan::matches(t, feature, rule, scenario))
                && only.as_ref().is_none_or(|only| {
                    let path = feature.path.clone().unwrap_or_default();
                    only.contains(&(path, scenario.position.line))
                })
        })
        .await;
    for (file, name) in [(junit, folder::JUNIT), (json, folder::CUCUMBER_JSON)] {
        file.commit()
            .map_err(|e| anyhow::anyhow!("{}: cannot write {name} ({e})", out.report.display()))?;
    }
    use cucumber::writer::Stats as _;
    Ok(Executed {
        scenarios: ledger.take(),
        steps: ledger.take_steps(),
        steps_passed: outcome.passed_steps(),
        steps_failed: outcome.failed_steps(),
        steps_skipped: outcome.skipped_steps(),
        hook_errors: outcome.hook_errors(),
    })
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
