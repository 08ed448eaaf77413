//! `docproof init`: one feature file per procedure of a doc, a scenario
//! walking its steps in order, each Gherkin step citing its doc step and
//! the scenario tagged pending until step definitions automate it.

use super::PENDING_TAG;
use crate::doc::{Doc, Procedure};

/// A feature file to write: its file name and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scaffold {
    pub file: String,
    pub text: String,
}

/// The features for every procedure of `doc` that has steps to transcribe.
pub fn scaffold(doc: &Doc) -> Vec<Scaffold> {
    doc.sections
        .iter()
        .filter(|s| s.executable)
        .flat_map(|s| &s.procedures)
        .filter(|p| !p.steps.is_empty())
        .map(|p| Scaffold {
            file: format!("{}.feature", crate::doc::outline::slug(&name(p))),
            text: feature(doc, p),
        })
        .collect()
}

/// A procedure's name: `3.1 Authentication phone (SMS)`, or its title.
fn name(p: &Procedure) -> String {
    if p.title.is_empty() {
        p.number.clone()
    } else if p.title.starts_with(&p.number)
        || !p.number.chars().next().is_some_and(|c| c.is_ascii_digit())
    {
        p.title.clone()
    } else {
        format!("{} {}", p.number, p.title)
    }
}

fn feature(doc: &Doc, p: &Procedure) -> String {
    let title = one_line(&name(p));
    let mut out = format!(
        "# Written by `docproof init` from {source}.\n\
         # Each step cites the doc step it transcribes. The scenario is\n\
         # @{PENDING_TAG}: `docproof run` lists its steps as pending and fails\n\
         # until step definitions automate them and the tag is removed.\n\
         Feature: {title}\n\n  \
         {from}\n\n  \
         @{PENDING_TAG}\n  \
         Scenario: {title}, step by step\n",
        source = doc.source,
        from = one_line(&format!(
            "From \"{}\" ({}).",
            doc.title.as_deref().unwrap_or(&p.title),
            doc.source
        )),
    );
    for step in p
        .steps
        .iter()
        .filter(|s| s.kind == crate::doc::StepKind::Action)
    {
        out.push_str(&format!("    * {} [{}]\n", one_line(&step.text), step.id));
        for sub in &step.sub_steps {
            out.push_str(&format!("    * {} [{}]\n", one_line(&sub.text), step.id));
        }
    }
    out
}

/// Text that stays one Gherkin line: no line breaks, and no trailing
/// `[…]` of its own that would read as a citation.
fn one_line(text: &str) -> String {
    crate::doc::model::normalise(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::outline::{build, markdown};

    #[test]
    fn every_step_is_cited_in_order_under_a_pending_scenario() {
        let md = "# Reset it\n\n1. Click [Reset].\n2. Pick one:\n   - **Mail**\n3. Done.\n";
        let doc = build(markdown::read(md), "reset.md");
        let files = scaffold(&doc);
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].file, "reset-it.feature");
        let steps: Vec<&str> = files[0]
            .text
            .lines()
            .filter(|l| l.trim_start().starts_with("* "))
            .collect();
        assert_eq!(
            steps,
            [
                "    * Click [Reset]. [reset-it.1]",
                "    * Pick one: [reset-it.2]",
                "    * Mail [reset-it.2]",
                "    * Done. [reset-it.3]"
            ]
        );
        assert!(files[0]
            .text
            .contains("  @pending\n  Scenario: Reset it, step by step\n"));
    }
}
