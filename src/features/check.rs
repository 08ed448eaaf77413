//! The drift gate: the FAQ, the features that transcribe it and the lock
//! that records what wording each transcription was written from must
//! agree. Every disagreement is one line, `path:line:` first, naming the
//! FAQ step, the feature lines and what to do.

use super::lock::{self, Lock, LockState, Transcription};
use crate::doc::model::{fingerprint, normalise, Doc, Step};
use crate::doc::parse::quoted;
use crate::doc::trace;
use cucumber::gherkin;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

/// A Gherkin step that cites a FAQ step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub feature: PathBuf,
    pub line: usize,
    pub step: String,
}

/// Every citation in the (parsed) features, once per feature line even
/// where a Scenario Outline repeats it.
pub fn citations(features: &[gherkin::Feature]) -> Vec<Citation> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for feature in features {
        let path = feature.path.clone().unwrap_or_default();
        for step in super::parse::steps(feature) {
            if let Some(cited) = trace::cited(step) {
                if seen.insert((path.clone(), step.position.line)) {
                    out.push(Citation {
                        feature: path.clone(),
                        line: step.position.line,
                        step: cited.as_str().to_string(),
                    });
                }
            }
        }
    }
    out
}

/// Where the features are and where their lock is.
#[derive(Debug, Clone)]
pub struct Features<'a> {
    pub dir: &'a Path,
    pub parsed: &'a [gherkin::Feature],
}

impl Features<'_> {
    pub fn lock_path(&self) -> PathBuf {
        lock::path_for(self.dir)
    }
}

/// The feature lines citing one step: `features/a.feature:12, 13`.
type Lines = BTreeMap<PathBuf, Vec<usize>>;

fn show_lines(lines: &Lines) -> String {
    lines
        .iter()
        .map(|(f, ls)| {
            let ls: Vec<String> = ls.iter().map(usize::to_string).collect();
            format!("{}:{}", f.display(), ls.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn first_line(lines: &Lines) -> String {
    lines
        .iter()
        .next()
        .map(|(f, ls)| format!("{}:{}", f.display(), ls.first().copied().unwrap_or(1)))
        .unwrap_or_default()
}

/// Whether the doc is no FAQ these features could transcribe at all: it
/// has no numbered steps, or none in the procedures they cite. Then one
/// message says so, instead of a line per citation, and nothing runs.
pub fn unusable(doc: &Doc, features: &Features<'_>) -> Option<String> {
    let advice = format!(
        "pass --doc with the FAQ the features in {}/ transcribe",
        features.dir.display()
    );
    if doc.steps().next().is_none() {
        return Some(format!(
            "{}: the documentation has no numbered procedures (no `3.1 Title` headings with `3.1.1. …` steps or numbered lists under them); it is empty or not the FAQ: {advice}",
            doc.source
        ));
    }
    let cited: BTreeSet<String> = citations(features.parsed)
        .into_iter()
        .map(|c| {
            c.step
                .rsplit_once('.')
                .map_or(c.step.as_str(), |(p, _)| p)
                .to_string()
        })
        .collect();
    if cited.is_empty() || cited.iter().any(|p| doc.procedure(p).is_some()) {
        return None;
    }
    let has: Vec<&str> = doc.procedures().map(|p| p.number.as_str()).collect();
    Some(format!(
        "{}: the documentation has none of the procedures the features cite (they cite {}; it has {}): {advice}",
        doc.source,
        cited.into_iter().collect::<Vec<_>>().join(", "),
        has.join(", ")
    ))
}

/// Every drift between the doc, the features and their lock; empty when
/// they agree.
pub fn check(doc: &Doc, features: &Features<'_>) -> Vec<String> {
    let lock_path = features.lock_path();
    let mut problems = Vec::new();
    let lock = match Lock::read(&lock_path) {
        LockState::Read(lock) => Some(lock),
        LockState::Missing => {
            problems.push(format!(
                "{}:1: missing: it records the FAQ wording each feature was transcribed from; run `docproof doc accept` after reviewing that the features match {}",
                lock_path.display(),
                doc.source
            ));
            None
        }
        LockState::Garbled(why) => {
            problems.push(format!(
                "{why}; restore it from version control, or run `docproof doc accept` after reviewing that the features match {}",
                doc.source
            ));
            None
        }
    };

    // (feature, cited step) → the feature's lines citing it.
    let mut cited: BTreeMap<(PathBuf, String), Vec<usize>> = BTreeMap::new();
    for c in citations(features.parsed) {
        cited.entry((c.feature, c.step)).or_default().push(c.line);
    }

    let mut moved: BTreeMap<(String, String), Lines> = BTreeMap::new();
    let mut reworded: BTreeMap<String, (String, Lines)> = BTreeMap::new();
    let mut unrecorded: Lines = BTreeMap::new();
    let mut unrecorded_steps = BTreeSet::new();
    let cited_ids: HashSet<&str> = cited.keys().map(|(_, id)| id.as_str()).collect();
    for ((feature, id), lines) in &cited {
        let key = lock::feature_key(&lock_path, feature);
        let recorded = lock.as_ref().and_then(|l| l.get(&key, id));
        let now = doc.step(id);
        match (now, recorded) {
            (Some(step), Some(t)) if step.fingerprint() == t.fingerprint => {}
            (_, Some(t)) if renumbered(doc, id, t, &cited_ids).is_some() => {
                let to = renumbered(doc, id, t, &cited_ids)
                    .map(|s| s.id.clone())
                    .unwrap_or_default();
                moved
                    .entry((id.clone(), to))
                    .or_default()
                    .insert(feature.clone(), lines.clone());
            }
            (Some(_), Some(t)) => {
                let entry = reworded
                    .entry(id.clone())
                    .or_insert_with(|| (t.wording.clone(), Lines::new()));
                entry.1.insert(feature.clone(), lines.clone());
            }
            (Some(_), None) => {
                if lock.is_some() {
                    unrecorded.entry(feature.clone()).or_default().extend(lines);
                    unrecorded_steps.insert(id.clone());
                }
            }
            (None, _) => problems.push(missing_step(doc, feature, id, lines)),
        }
    }

    for ((from, to), lines) in &moved {
        let at = doc.step(to).map_or(0, |s| s.line);
        let mut msg = format!(
            "{}: FAQ step {from} is now numbered {to} ({}:{at}); change [{from}] to [{to}] at {} and run `docproof doc accept`",
            first_line(lines),
            doc.source,
            show_lines(lines)
        );
        if let Some(new) = doc.step(from) {
            msg.push_str(&format!(
                "; the new {from} (\"{}\") needs a transcription of its own",
                short(&new.wording(), 60)
            ));
        }
        problems.push(msg);
    }

    for (id, (was, lines)) in &reworded {
        let Some(step) = doc.step(id) else { continue };
        let now = step.wording();
        let renamed = renamed_labels(was, &now);
        let (was_shown, now_shown) = difference(was, &now);
        problems.push(format!(
            "{}:{}: FAQ step {id} was reworded since it was transcribed{renamed}: was: \"{was_shown}\" now: \"{now_shown}\"; review {} against the new wording, then run `docproof doc accept`",
            doc.source,
            step.line,
            show_lines(lines)
        ));
    }

    if !unrecorded.is_empty() {
        let steps: Vec<&str> = unrecorded_steps.iter().map(String::as_str).collect();
        problems.push(format!(
            "{}: cites FAQ step{} {} with no wording recorded in {} (at {}); run `docproof doc accept` after reviewing these steps against the FAQ",
            first_line(&unrecorded),
            if steps.len() == 1 { "" } else { "s" },
            steps.join(", "),
            lock_path.display(),
            show_lines(&unrecorded)
        ));
    }

    // Steps no feature cites (those a renumbered citation now points at
    // are already named above).
    let targets: HashSet<&str> = moved.keys().map(|(_, to)| to.as_str()).collect();
    for step in doc.steps_to_transcribe() {
        if cited_ids.contains(step.id.as_str()) || targets.contains(step.id.as_str()) {
            continue;
        }
        problems.push(format!(
            "{}:{}: FAQ step {} is transcribed by no Gherkin step; add a step ending in [{}] to a feature in {}/ (the step reads: \"{}\")",
            doc.source,
            step.line,
            step.id,
            step.id,
            features.dir.display(),
            short(&step.wording(), 80)
        ));
    }
    problems
}

/// The step that now has the wording recorded for `id`, if it moved: in
/// the same procedure (a step inserted before it); to another procedure
/// only when `id` is gone and no feature cites the step found there, since
/// 3.1.1 and 3.2.1 read alike.
fn renumbered<'d>(
    doc: &'d Doc,
    id: &str,
    t: &Transcription,
    cited: &HashSet<&str>,
) -> Option<&'d Step> {
    let procedure = id.rsplit_once('.').map_or(id, |(p, _)| p);
    let same: Vec<&Step> = doc
        .steps()
        .map(|(_, s)| s)
        .filter(|s| s.id != id && s.fingerprint() == t.fingerprint)
        .collect();
    if let Some(here) = same.iter().find(|s| s.procedure() == procedure) {
        return Some(here);
    }
    let elsewhere: Vec<&&Step> = same
        .iter()
        .filter(|s| !cited.contains(s.id.as_str()))
        .collect();
    match elsewhere.as_slice() {
        [one] if doc.step(id).is_none() => Some(one),
        _ => None,
    }
}

/// A citation of a step the doc does not have, with the steps it does.
fn missing_step(doc: &Doc, feature: &Path, id: &str, lines: &[usize]) -> String {
    let at = lines.first().copied().unwrap_or(1);
    let also = match lines {
        [_, rest @ ..] if !rest.is_empty() => {
            let rest: Vec<String> = rest.iter().map(usize::to_string).collect();
            format!(" (also lines {})", rest.join(", "))
        }
        _ => String::new(),
    };
    if let Some(p) = doc.procedure(id).filter(|p| !p.steps.is_empty()) {
        return format!(
            "{}:{at}: cites FAQ step [{id}]{also}, a heading in {}, not a step; cite the step the line transcribes ({})",
            feature.display(),
            doc.source,
            p.step_range()
        );
    }
    let procedure = id.rsplit_once('.').map_or(id, |(p, _)| p);
    let has = match doc.procedure(procedure) {
        Some(p) => format!("{procedure} has {}", p.step_range()),
        None => {
            let all: Vec<&str> = doc.procedures().map(|p| p.number.as_str()).collect();
            format!(
                "it has no {procedure}; its procedures are {}",
                all.join(", ")
            )
        }
    };
    format!(
        "{}:{at}: cites FAQ step [{id}]{also}, which {} no longer has ({has})",
        feature.display(),
        doc.source
    )
}

/// ` (renamed quoted label “Call Me” → “Call me now”)` when the quoted
/// labels differ, else nothing.
fn renamed_labels(was: &str, now: &str) -> String {
    let old: Vec<String> = quoted(was).into_iter().map(|(t, _)| t).collect();
    let new: Vec<String> = quoted(now).into_iter().map(|(t, _)| t).collect();
    let gone: Vec<&String> = old.iter().filter(|l| !new.contains(l)).collect();
    let came: Vec<&String> = new.iter().filter(|l| !old.contains(l)).collect();
    let list = |ls: &[&String]| {
        ls.iter()
            .map(|l| format!("“{l}”"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (gone.as_slice(), came.as_slice()) {
        ([], []) => String::new(),
        ([a], [b]) => format!(" (renamed quoted label “{a}” → “{b}”)"),
        (g, []) => format!(" (dropped quoted label {})", list(g)),
        ([], c) => format!(" (new quoted label {})", list(c)),
        (g, c) => format!(" (quoted labels {} → {})", list(g), list(c)),
    }
}

/// The two wordings, cut to where they differ with a few words around it,
/// so that a long step (2.5) still fits a line.
pub fn difference(was: &str, now: &str) -> (String, String) {
    let (a, b): (Vec<&str>, Vec<&str>) = (was.split(' ').collect(), now.split(' ').collect());
    if was.chars().count() <= 140 && now.chars().count() <= 140 {
        return (was.to_string(), now.to_string());
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let max_suffix = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max_suffix)
        .take_while(|(x, y)| x == y)
        .count();
    const CONTEXT: usize = 4;
    let cut = |words: &[&str]| {
        let start = prefix.saturating_sub(CONTEXT);
        let end = (words.len() - suffix + CONTEXT).min(words.len());
        let mut s = words[start..end].join(" ");
        if start > 0 {
            s = format!("… {s}");
        }
        if end < words.len() {
            s.push_str(" …");
        }
        s
    };
    (cut(&a), cut(&b))
}

/// `text` cut to about `max` characters at a word.
fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split(' ') {
        if out.chars().count() + word.chars().count() > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out + " …"
}

/// Records what the features transcribe now: one entry per feature ×
/// cited step the doc has, with the step's current wording. Returns the
/// new lock; `Lock::write` saves it.
pub fn accept(doc: &Doc, features: &Features<'_>) -> Lock {
    let lock_path = features.lock_path();
    let mut pairs: BTreeSet<(String, String)> = BTreeSet::new();
    for c in citations(features.parsed) {
        pairs.insert((lock::feature_key(&lock_path, &c.feature), c.step));
    }
    let transcriptions = pairs
        .into_iter()
        .filter_map(|(feature, id)| {
            let step = doc.step(&id)?;
            let wording = step.wording();
            Some(Transcription {
                feature,
                step: id,
                fingerprint: fingerprint(&wording),
                wording: normalise(&wording),
            })
        })
        .collect();
    Lock {
        doc: doc.source.clone(),
        transcriptions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_difference_is_cut_around_the_change() {
        let was = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty twenty-one twenty-two twenty-three twenty-four twenty-five";
        let now = was.replace("twelve", "TWELVE");
        let (a, b) = difference(was, &now);
        assert_eq!(
            a,
            "… eight nine ten eleven twelve thirteen fourteen fifteen sixteen …"
        );
        assert_eq!(
            b,
            "… eight nine ten eleven TWELVE thirteen fourteen fifteen sixteen …"
        );
    }

    #[test]
    fn a_renamed_label_is_named() {
        assert_eq!(
            renamed_labels(
                "Select “Call Me” as Method.",
                "Select “Call me now” as Method."
            ),
            " (renamed quoted label “Call Me” → “Call me now”)"
        );
        assert_eq!(renamed_labels("Click Next.", "Click Next Button."), "");
    }
}
