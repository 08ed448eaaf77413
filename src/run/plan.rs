//! Plan a run: read the tenant file, parse and check the features (every
//! problem found before anything runs), select scenarios by tag, and run
//! the doc check. A plan with problems reports them without running.

use crate::doc::Limits;
use crate::features::{self, gate, preflight};
use crate::steps::DocWorld;
use crate::target::Target;
use cucumber::gherkin;
use docproof_simulator::TenantFile;

use super::RunOptions;

/// What a run will do, decided before anything runs.
pub struct Plan {
    /// The seed every scenario's simulator starts from.
    pub seed: TenantFile,
    /// The accounts and Graph app the steps use.
    pub target: Target,
    /// Every feature that parsed.
    pub features: Vec<gherkin::Feature>,
    /// The tag expression scenarios must match.
    pub tags: Option<gherkin::tagexpr::TagOperation>,
    /// With `--shard`, the scenarios this shard runs.
    pub only: Option<std::collections::HashSet<super::shard::Place>>,
    /// Problems that keep the scenarios from running (malformed files,
    /// undefined steps, a tag expression selecting nothing).
    pub problems: Vec<String>,
    /// The doc as read, and its drift against the features.
    pub doc_gate: gate::DocGate,
    /// The steps of scenarios transcribed but not yet automated.
    pub pending: Vec<features::PendingStep>,
}

/// Errors are what stops a run before it starts: an unreadable tenant file
/// or doc, a missing features folder, a malformed tag expression, a report
/// folder that cannot be created.
pub async fn plan(opts: &RunOptions) -> anyhow::Result<Plan> {
    let seed = TenantFile::load(&opts.tenant)?;
    let target = Target::load(&opts.tenant)?;
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
    let (features, mut problems) = features::load(&opts.features)?;
    let all_parsed = problems.is_empty();
    if features.is_empty() && problems.is_empty() {
        problems.push(format!(
            "{}: holds no *.feature files",
            opts.features.display()
        ));
    }
    // Pending scenarios have no step definitions yet, by design.
    problems.extend(preflight::check_steps::<DocWorld>(
        &features::without_pending(&features),
    ));
    let pending = features::pending_steps(&features);
    if let (Some(expr), Some(op)) = (&opts.tags, &tags) {
        if problems.is_empty() && selected(&features, op) == 0 {
            problems.push(format!(
                "--tags '{expr}' matches no scenario in {}; the tags in use are {}",
                opts.features.display(),
                tags_in_use(&features).join(", ")
            ));
        }
    }
    // The doc check first: drift fails the run, an unreadable doc stops it,
    // and so does a doc that is no FAQ of these features (a problem: no
    // scenario runs).
    let only = (opts.shard.is_some() || opts.only.is_some()).then(|| {
        let places = super::shard::places(&features, |f, r, s| {
            let place = (f.path.clone().unwrap_or_default(), s.position.line);
            !crate::features::is_pending(f, r, s)
                && tags.as_ref().is_none_or(|t| matches(t, f, r, s))
                && opts.only.as_ref().is_none_or(|o| o.contains(&place))
        });
        match opts.shard {
            Some(shard) => shard.pick(places),
            None => places.into_iter().collect(),
        }
    });
    let limits = Limits::capped(opts.max_doc_size);
    let doc_gate = gate::check(&opts.doc, limits, &opts.features, &features, all_parsed).await?;
    problems.extend(doc_gate.unusable.clone());
    Ok(Plan {
        seed,
        target,
        features,
        tags,
        only,
        problems,
        doc_gate,
        pending,
    })
}

/// Whether a scenario's tags (its own, its rule's and its feature's)
/// satisfy the expression.
pub fn matches(
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
