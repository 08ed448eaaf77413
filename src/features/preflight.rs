//! Checks made before anything runs, like a compiler's: every step has
//! exactly one definition. Each problem names the feature file and line
//! and says what to do. Citations are checked against the doc model by the
//! doc check (`doc::check`, run first by `run::gate`).

use cucumber::codegen::WorldInventory;
use cucumber::gherkin::{self, StepType};

/// A step definition as a person would read it.
struct Definition {
    ty: StepType,
    readable: String,
    location: String,
}

fn definitions<W: WorldInventory>() -> Vec<Definition> {
    use cucumber::codegen::StepConstructor as _;
    let mut out = Vec::new();
    let mut add =
        |ty: StepType,
         (loc, re, _): (cucumber::step::Location, cucumber::codegen::LazyRegex, _)| {
            let pattern = re().as_str().to_string();
            out.push(Definition {
                ty,
                readable: readable(&pattern),
                location: format!("{}:{}", loc.path, loc.line),
            });
        };
    for s in cucumber::codegen::inventory::iter::<<W as WorldInventory>::Given> {
        add(StepType::Given, s.inner());
    }
    for s in cucumber::codegen::inventory::iter::<<W as WorldInventory>::When> {
        add(StepType::When, s.inner());
    }
    for s in cucumber::codegen::inventory::iter::<<W as WorldInventory>::Then> {
        add(StepType::Then, s.inner());
    }
    out
}

/// A definition's pattern as a person would write the step:
/// `^the admin searches for (?:"([^"]*)"|'…')$` → `the admin searches for "…"`,
/// `^the phone rings( again)?$` → `the phone rings( again)`,
/// `^is (accepted|blocked)$` → `is {accepted|blocked}`.
fn readable(pattern: &str) -> String {
    let p = pattern.trim_start_matches('^').trim_end_matches('$');
    let chars: Vec<char> = p.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                if let Some(&n) = chars.get(i + 1) {
                    out.push(n);
                }
                i += 2;
            }
            '(' => {
                // The whole group, nested groups included.
                let (mut depth, mut j) = (0, i);
                while j < chars.len() {
                    match chars[j] {
                        '\\' => j += 1,
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                let inner: String = chars[i + 1..j.min(chars.len())].iter().collect();
                let optional = chars.get(j + 1) == Some(&'?');
                let literal =
                    !inner.is_empty() && !inner.contains(['(', '[', '*', '+', '?', '\\', '.']);
                out.push_str(&match (literal, optional) {
                    (true, true) => format!("({inner})"),
                    (true, false) if inner.contains('|') => format!("{{{inner}}}"),
                    (true, false) => inner,
                    _ if inner.contains('"') => "\"…\"".to_string(),
                    _ => "…".to_string(),
                });
                i = j + 1 + usize::from(optional);
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// How alike a definition and a step read: the share of words they have
/// in common (a typo still counts as the same word), then their letters.
fn likeness(definition: &str, step: &str) -> f64 {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric() && c != '\'')
            .filter(|w| !w.is_empty() && *w != "…")
            .map(str::to_lowercase)
            .collect()
    };
    let (a, b) = (words(definition), words(step));
    let shared = b
        .iter()
        .filter(|w| a.iter().any(|v| strsim::jaro_winkler(v, w) > 0.9))
        .count();
    let overlap = shared as f64 / a.len().max(b.len()).max(1) as f64;
    overlap + 0.1 * strsim::sorensen_dice(&definition.to_lowercase(), &step.to_lowercase())
}

fn keyword(ty: &StepType) -> &'static str {
    match ty {
        StepType::Given => "Given",
        StepType::When => "When",
        StepType::Then => "Then",
    }
}

/// Undefined and ambiguous steps, one message each.
/// Generic over the world so that it can be tested with step sets other
/// than docproof's own; `run` uses `DocWorld`.
pub fn check_steps<W: WorldInventory + std::fmt::Debug>(
    features: &[gherkin::Feature],
) -> Vec<String> {
    let collection = W::collection();
    let defs = definitions::<W>();
    let mut problems = Vec::new();
    for feature in features {
        let path = feature.path.clone().unwrap_or_default();
        let mut seen = std::collections::HashSet::new();
        for step in super::parse::steps(feature) {
            // Expanded outlines repeat their steps; one message is enough.
            if !seen.insert((step.position.line, step.value.clone())) {
                continue;
            }
            let place = format!("{}:{}", path.display(), step.position.line);
            match collection.find(step) {
                Ok(Some(_)) => {}
                Ok(None) => {
                    // All kinds: "defined as a When step" is the likeliest slip.
                    let closest = defs
                        .iter()
                        .map(|d| (likeness(&d.readable, &step.value), d))
                        .max_by(|a, b| a.0.total_cmp(&b.0));
                    let hint = match closest {
                        Some((_, d)) => format!(
                            "; the closest defined step is `{} {}` ({})",
                            keyword(&d.ty),
                            d.readable,
                            d.location
                        ),
                        None => String::new(),
                    };
                    problems.push(format!(
                        "{place}: undefined step `{}{}`{hint}. Reword the step, or add a definition in src/steps/ (see docs/architecture.md, \"Adding a feature file and a step\")",
                        step.keyword, step.value
                    ));
                }
                Err(e) => {
                    let matches: Vec<String> = e
                        .possible_matches
                        .iter()
                        .map(|(re, loc)| {
                            let at = loc
                                .map(|l| format!(" ({}:{})", l.path, l.line))
                                .unwrap_or_default();
                            format!("`{}`{at}", readable(re.as_str()))
                        })
                        .collect();
                    problems.push(format!(
                        "{place}: ambiguous step `{}{}` matches {} definitions: {}. Make one of them more specific",
                        step.keyword,
                        step.value,
                        matches.len(),
                        matches.join(", ")
                    ));
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::readable;

    #[test]
    fn the_closest_step_shares_the_most_words() {
        let step = "the user seraches for the OWA site";
        let near = super::likeness(r#""…" goes to the OWA site and logs in"#, step);
        assert!(near > super::likeness("the call asks again for the pound key", step));
        assert!(
            super::likeness(
                "the admin searches for \"…\"",
                "the admin serches for \"o365\""
            ) > 0.7
        );
    }

    #[test]
    fn patterns_read_like_steps() {
        assert_eq!(
            readable(
                r#"^the admin searches for (?:"([^"\\]*(\\.[^"\\]*)*)"|'([^'\\]*(\\.[^'\\]*)*)')$"#
            ),
            r#"the admin searches for "…""#
        );
        assert_eq!(
            readable(r"^the user's phone rings( again)?$"),
            "the user's phone rings( again)"
        );
        assert_eq!(
            readable(r"^the backup app is (accepted|blocked)(, once it took effect)?$"),
            "the backup app is {accepted|blocked}(, once it took effect)"
        );
        assert_eq!(readable(r"^waited (\d+) s$"), "waited … s");
    }
}
