//! `summary.md`: the run at a glance, for a person or a CI job page — one
//! row per scenario with its procedure tags and result, and the first
//! failure of each failed scenario.

use super::cell;
use super::ledger::{ScenarioResult, Verdict};
use std::fmt::Write as _;

/// Markdown for the run's verdict (`passed` or `FAILED: …`), its scenarios
/// and the problems found before running.
pub fn markdown(
    verdict: &str,
    scenarios: &[ScenarioResult],
    problems: &[String],
    seconds: f64,
) -> String {
    let passed = scenarios
        .iter()
        .filter(|s| s.verdict == Verdict::Passed)
        .count();
    let mut out = format!(
        "# docproof run\n\n**The run {}.**\n\n{passed} of {} scenarios passed in {seconds:.2} s.\n",
        cell(verdict),
        scenarios.len()
    );
    if !problems.is_empty() {
        out.push_str("\n## Not run: problems in the features\n\n");
        for p in problems {
            let _ = writeln!(out, "- {}", cell(p));
        }
    }
    if !scenarios.is_empty() {
        out.push_str("\n| result | scenario | procedure | where |\n|---|---|---|---|\n");
        for s in scenarios {
            let result = match s.verdict {
                Verdict::Passed => "passed",
                Verdict::Failed => "**failed**",
                Verdict::Skipped => "**skipped**",
                Verdict::Infrastructure => "**infrastructure error**",
            };
            let tags: Vec<&str> = s
                .tags
                .iter()
                .map(String::as_str)
                .filter(|t| t.starts_with("@doc-"))
                .collect();
            let _ = writeln!(
                out,
                "| {result} | {} | {} | `{}:{}` |",
                cell(&s.name),
                tags.join(" "),
                s.feature.display(),
                s.line
            );
        }
    }
    let failures: Vec<&ScenarioResult> = scenarios.iter().filter(|s| s.failure.is_some()).collect();
    if !failures.is_empty() {
        out.push_str("\n## Failures\n\n");
        for s in failures {
            let _ = writeln!(
                out,
                "- **{}**: {}",
                cell(&s.name),
                cell(s.failure.as_deref().unwrap_or(""))
            );
        }
    }
    out
}

/// The "Doc check" part: drift between the FAQ, the features and their
/// lock, and where the coverage matrix is.
pub fn doc_check(problems: &[String], coverage: Option<&std::path::Path>) -> String {
    let mut out = String::from("\n## Doc check\n\n");
    if problems.is_empty() {
        out.push_str(
            "The features transcribe every step of the FAQ's procedures, as worded now.\n",
        );
    } else {
        let _ = writeln!(
            out,
            "{} problem{} between the FAQ and the features (the run fails):\n",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        );
        for p in problems {
            let _ = writeln!(out, "- {}", cell(p));
        }
    }
    if let Some(path) = coverage {
        let _ = writeln!(
            out,
            "\nCoverage of each FAQ step by the scenarios: [`coverage.md`]({}).",
            path.file_name().map_or_else(
                || path.display().to_string(),
                |f| f.to_string_lossy().into_owned()
            )
        );
    }
    out
}

/// The "Labels" section: UI labels the pages spell differently from the
/// FAQ (case or spacing only). Empty when there are none.
pub fn label_warnings(warnings: &[String]) -> String {
    if warnings.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\n## Labels\n\nThe pages show these labels the FAQ quotes with other case or spacing. A reader will find them; the FAQ may want the page's spelling.\n\n",
    );
    for w in warnings {
        out.push_str(&format!("- {w}\n"));
    }
    out
}

/// The steps transcribed but not yet automated (scenarios tagged
/// @pending), each where it is written.
pub fn pending(steps: &[crate::doc::trace::PendingStep]) -> String {
    if steps.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "\n## Pending\n\n{} transcribed, not yet automated: the run fails until step definitions automate them and the scenarios lose their @pending tag.\n\n",
        if steps.len() == 1 { "1 step is".to_string() } else { format!("{} steps are", steps.len()) }
    );
    for step in steps {
        out.push_str(&format!(
            "- `{}:{}` {}\n",
            step.feature.display(),
            step.line,
            step.text
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_scenario_and_failures_listed() {
        let r = |name: &str, verdict, failure: Option<&str>| ScenarioResult {
            feature: "features/3.1.feature".into(),
            name: name.into(),
            line: 7,
            tags: vec!["@doc-3.1".into(), "@slow".into()],
            verdict,
            failure: failure.map(str::to_string),
        };
        let md = markdown(
            "FAILED: 1 scenario failed",
            &[
                r("Register | by text", Verdict::Passed, None),
                r("Sign in", Verdict::Failed, Some("FAQ step 3.1.5: no text")),
            ],
            &[],
            1.234,
        );
        assert!(
            md.contains("**The run FAILED: 1 scenario failed.**"),
            "{md}"
        );
        assert!(md.contains("1 of 2 scenarios passed in 1.23 s."), "{md}");
        assert!(
            md.contains("| passed | Register \\| by text | @doc-3.1 | `features/3.1.feature:7` |"),
            "{md}"
        );
        assert!(
            md.contains("- **Sign in**: FAQ step 3.1.5: no text"),
            "{md}"
        );
    }
}
