//! One line per scenario: where it is, its tags, whether it passed, and
//! the first failure. A cucumber writer tee'd next to the console, JUnit and
//! JSON writers; the run reads it for its summary.

use super::drift::{StepOutcome, StepRun};
use crate::doc::trace;
use crate::drive::FailureKind;
use cucumber::event::{self, Cucumber, Feature, HookType, Rule, Scenario, Step};
use cucumber::{cli, parser, Event, Writer};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Verdict {
    Passed,
    Failed,
    /// A step had no definition (run_and_exit would call it skipped).
    Skipped,
    /// The machinery failed (a browser would not start or went away): the
    /// documented procedure was neither proven nor disproven.
    Infrastructure,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ScenarioResult {
    pub feature: PathBuf,
    pub name: String,
    pub line: usize,
    pub tags: Vec<String>,
    pub verdict: Verdict,
    pub failure: Option<String>,
}

/// A step of a scenario: its feature, the scenario's line and its own.
type StepKey = (PathBuf, usize, usize);

fn step_key(
    f: &cucumber::gherkin::Feature,
    sc: &cucumber::gherkin::Scenario,
    step: &cucumber::gherkin::Step,
) -> StepKey {
    (
        f.path.clone().unwrap_or_default(),
        sc.position.line,
        step.position.line,
    )
}

/// Shared with the run, which reads it when the writers are done.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub results: Arc<Mutex<Vec<ScenarioResult>>>,
    /// Every Gherkin step's outcome, for the drift audit and report.html.
    pub steps: Arc<Mutex<Vec<StepRun>>>,
    /// When each running step started, by feature, scenario and step line.
    started: Arc<Mutex<HashMap<StepKey, SystemTime>>>,
    open: Arc<Mutex<Vec<ScenarioResult>>>,
}

impl Ledger {
    pub fn take(&self) -> Vec<ScenarioResult> {
        let mut v = self
            .results
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        v.sort_by(|a, b| (&a.feature, a.line).cmp(&(&b.feature, b.line)));
        v
    }

    /// Every Gherkin step that ran or was skipped.
    pub fn take_steps(&self) -> Vec<StepRun> {
        std::mem::take(&mut *self.steps.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn record_step(
        &self,
        f: &cucumber::gherkin::Feature,
        sc: &cucumber::gherkin::Scenario,
        step: &cucumber::gherkin::Step,
        (outcome, at): (StepOutcome, SystemTime),
        failure: Option<String>,
    ) {
        let key = step_key(f, sc, step);
        let started = self
            .started
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&key);
        let run = StepRun {
            duration: started.and_then(|s| at.duration_since(s).ok()),
            feature: f.path.clone().unwrap_or_default(),
            line: step.position.line,
            scenario: super::transcript::scenario_name(f, sc),
            text: format!("{}{}", trace::plain_keyword(step), step.value),
            doc: trace::cited(step).map(|d| d.to_string()),
            outcome,
            failure,
        };
        self.steps
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(run);
    }

    fn entry<R>(
        &self,
        feature: &cucumber::gherkin::Feature,
        sc: &cucumber::gherkin::Scenario,
        f: impl FnOnce(&mut ScenarioResult) -> R,
    ) -> R {
        let path = feature.path.clone().unwrap_or_default();
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let i = match open
            .iter()
            .position(|r| r.feature == path && r.line == sc.position.line)
        {
            Some(i) => i,
            None => {
                let mut tags: Vec<String> = feature.tags.iter().map(|t| format!("@{t}")).collect();
                tags.extend(sc.tags.iter().map(|t| format!("@{t}")));
                open.push(ScenarioResult {
                    feature: path,
                    name: sc.name.clone(),
                    line: sc.position.line,
                    tags,
                    verdict: Verdict::Passed,
                    failure: None,
                });
                open.len() - 1
            }
        };
        f(&mut open[i])
    }

    fn close(&self, feature: &cucumber::gherkin::Feature, sc: &cucumber::gherkin::Scenario) {
        let path = feature.path.clone().unwrap_or_default();
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = open
            .iter()
            .position(|r| r.feature == path && r.line == sc.position.line)
        {
            let r = open.remove(i);
            self.results
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(r);
        }
    }

    fn step<W>(
        &self,
        f: &cucumber::gherkin::Feature,
        sc: &cucumber::gherkin::Scenario,
        step: &cucumber::gherkin::Step,
        (ev, at): (&Step<W>, SystemTime),
    ) {
        match ev {
            Step::Started => {
                let key = step_key(f, sc, step);
                self.started
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(key, at);
            }
            Step::Failed(_, _, _, err) => {
                // cucumber turns a step's Err into a panic; show its message
                // without "Step panicked. Captured output:".
                let why = match err {
                    event::StepError::Panic(info) => panic_message(info),
                    other => other.to_string(),
                };
                let msg = format!(
                    "{}:{}: {}{}: {why}",
                    f.path.clone().unwrap_or_default().display(),
                    step.position.line,
                    step.keyword,
                    step.value
                );
                self.record_step(f, sc, step, (StepOutcome::Failed, at), Some(why.clone()));
                let verdict = match FailureKind::of_message(&why) {
                    FailureKind::Infrastructure => Verdict::Infrastructure,
                    FailureKind::Documentation => Verdict::Failed,
                };
                self.entry(f, sc, |r| {
                    // The first failure decides; later ones follow from it.
                    if r.failure.is_none() {
                        r.verdict = verdict;
                        r.failure = Some(msg);
                    }
                });
            }
            Step::Skipped => {
                self.record_step(f, sc, step, (StepOutcome::Skipped, at), None);
                self.entry(f, sc, |r| {
                    if r.verdict == Verdict::Passed {
                        r.verdict = Verdict::Skipped;
                    }
                })
            }
            Step::Passed(..) => self.record_step(f, sc, step, (StepOutcome::Passed, at), None),
        }
    }

    fn scenario<W>(
        &self,
        f: &cucumber::gherkin::Feature,
        sc: &cucumber::gherkin::Scenario,
        ev: &Scenario<W>,
        at: SystemTime,
    ) {
        match ev {
            Scenario::Started => self.entry(f, sc, |_| ()),
            Scenario::Step(step, ev) | Scenario::Background(step, ev) => {
                self.step(f, sc, step, (ev, at))
            }
            Scenario::Hook(kind, event::Hook::Failed(_, info)) => {
                let why = panic_message(info);
                let which = if matches!(kind, HookType::Before) {
                    "before"
                } else {
                    "after"
                };
                self.entry(f, sc, |r| {
                    r.verdict = Verdict::Failed;
                    r.failure
                        .get_or_insert(format!("{which} the scenario: {why}"));
                });
            }
            Scenario::Finished => self.close(f, sc),
            _ => {}
        }
    }
}

fn panic_message(info: &cucumber::event::Info) -> String {
    info.downcast_ref::<String>()
        .cloned()
        .or_else(|| info.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "panicked".into())
}

impl<W: 'static> Writer<W> for Ledger {
    type Cli = cli::Empty;

    async fn handle_event(&mut self, event: parser::Result<Event<Cucumber<W>>>, _: &Self::Cli) {
        let Ok(event) = event else { return };
        if let Cucumber::Feature(f, ev) = &event.value {
            match ev {
                Feature::Scenario(sc, ev) => self.scenario(f, sc, &ev.event, event.at),
                Feature::Rule(_, Rule::Scenario(sc, ev)) => {
                    self.scenario(f, sc, &ev.event, event.at)
                }
                _ => {}
            }
        }
    }
}

impl cucumber::writer::NonTransforming for Ledger {}
