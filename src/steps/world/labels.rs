//! Label drift at run time: every UI label a FAQ step quotes (“Call Me”,
//! “↓Export Users”, “quick steps”…) must be visible on a page the browser
//! showed while that step was carried out. The FAQ's readers look for
//! those words; if the page no longer shows them, the doc has drifted even
//! when every click still works.
//!
//! A label that differs only in case or spacing is a warning naming both
//! spellings; a label never seen fails the scenario at the end of the FAQ
//! step that quotes it.

use super::{Actor, DocWorld};
use std::collections::BTreeSet;

/// What a FAQ step's labels came to.
#[derive(Debug, Default, Clone)]
pub struct LabelCheck {
    /// The FAQ step being checked and its labels not seen yet.
    pub step: Option<String>,
    pub pending: Vec<String>,
    /// The Gherkin line that started the FAQ step (for the message).
    pub line: usize,
    /// Labels already seen during this FAQ step.
    pub confirmed: Vec<String>,
}

/// How a quoted label compares with what a page shows.
#[derive(Debug, PartialEq, Eq)]
pub enum Seen {
    Exactly,
    /// Only case or spacing differ: the page's spelling.
    Nearly(String),
    No,
}

/// Looks for `label` in a page's visible text.
pub fn seen(label: &str, page: &str) -> Seen {
    if page.contains(label) {
        return Seen::Exactly;
    }
    let squash = |s: &str| -> Vec<(usize, char)> {
        s.char_indices()
            .filter(|(_, c)| !c.is_whitespace())
            .flat_map(|(i, c)| c.to_lowercase().map(move |l| (i, l)))
            .collect()
    };
    let want: Vec<char> = squash(label).into_iter().map(|(_, c)| c).collect();
    let hay = squash(page);
    if want.is_empty() || hay.len() < want.len() {
        return Seen::No;
    }
    for start in 0..=hay.len() - want.len() {
        if hay[start..start + want.len()]
            .iter()
            .map(|(_, c)| *c)
            .eq(want.iter().copied())
        {
            let from = hay[start].0;
            let (last, c) = hay[start + want.len() - 1];
            let to = last
                + page[last..]
                    .chars()
                    .next()
                    .map_or(c.len_utf8(), char::len_utf8);
            return Seen::Nearly(page[from..to].to_string());
        }
    }
    Seen::No
}

impl DocWorld {
    /// Called as each Gherkin step starts, with its text. When the FAQ
    /// step changes, returns the one left behind and its failure if a label
    /// it needed was never shown. Then adds the labels of the current FAQ
    /// step that this Gherkin step names (“selects "Call Me"…”): those
    /// are the ones a page must show while it runs. (A step citing 2.5 for
    /// what a sign-in gets need not show 2.5's “quick steps”.)
    pub fn labels_at_step(
        &mut self,
        changed: bool,
        gherkin: &str,
    ) -> Option<(LabelCheck, anyhow::Error)> {
        let mut unseen = None;
        if changed {
            unseen = self
                .unseen_labels()
                .map(|e| (self.scenario.labels.clone(), e));
            self.scenario.labels = LabelCheck {
                step: self.scenario.current.doc.as_ref().map(|d| d.to_string()),
                pending: Vec::new(),
                line: self.scenario.current.line,
                confirmed: Vec::new(),
            };
        }
        if let (Some(id), Some(doc)) =
            (self.scenario.labels.step.clone(), self.config().doc.clone())
        {
            for label in doc.ui_labels(&id) {
                let named = seen(label, gherkin) != Seen::No;
                let confirmed = self.scenario.labels.confirmed.iter().any(|l| l == label);
                if named && !confirmed && !self.scenario.labels.pending.iter().any(|l| l == label) {
                    self.scenario.labels.pending.push(label.to_string());
                }
            }
        }
        unseen
    }

    /// The error for labels of the current FAQ step never shown.
    pub fn unseen_labels(&self) -> Option<anyhow::Error> {
        let check = &self.scenario.labels;
        let step = check.step.as_ref()?;
        if check.pending.is_empty() {
            return None;
        }
        let quoted: Vec<String> = check.pending.iter().map(|l| format!("“{l}”")).collect();
        Some(anyhow::anyhow!(
            "FAQ step {step} ({}:{}): the FAQ quotes {}, but no page shown while carrying out this step showed {}. The page or the FAQ has drifted: update the one that is wrong",
            self.scenario.feature_path.display(),
            check.line,
            quoted.join(", "),
            if quoted.len() == 1 { "it" } else { "them" }
        ))
    }

    /// Looks at the actor's page for the current FAQ step's labels not
    /// seen yet. Cheap once they are all seen.
    pub async fn look_for_labels(&mut self, actor: Actor) {
        if self.scenario.labels.pending.is_empty() {
            return;
        }
        let Ok(b) = self.browser(actor).await else {
            return;
        };
        let Ok(page) = b.page_text().await else {
            return;
        };
        let step = self.scenario.labels.step.clone().unwrap_or_default();
        let mut still = Vec::new();
        for label in std::mem::take(&mut self.scenario.labels.pending) {
            match seen(&label, &page) {
                Seen::Exactly => self.scenario.labels.confirmed.push(label),
                Seen::Nearly(shown) => {
                    self.warn_label(&step, &label, &shown);
                    self.scenario.labels.confirmed.push(label);
                }
                Seen::No => still.push(label),
            }
        }
        self.scenario.labels.pending = still;
    }

    fn warn_label(&mut self, step: &str, quoted: &str, shown: &str) {
        let warning = format!(
            "FAQ step {step} quotes “{quoted}”; the page shows “{shown}” (only case or spacing differ)"
        );
        let mut all = self
            .config()
            .label_warnings
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if all.insert(warning.clone()) {
            tracing::warn!("{warning}");
        }
    }
}

/// The label warnings of a run, each once.
pub type LabelWarnings = std::sync::Arc<std::sync::Mutex<BTreeSet<String>>>;

#[cfg(test)]
mod tests {
    use super::{seen, Seen};

    #[test]
    fn exact_nearly_and_missing() {
        let page = "Step 1: How should we contact you? Authentication phone Call me Next";
        assert_eq!(seen("Call me", page), Seen::Exactly);
        assert_eq!(seen("Call Me", page), Seen::Nearly("Call me".into()));
        assert_eq!(
            seen("Authentication Phone", page),
            Seen::Nearly("Authentication phone".into())
        );
        assert_eq!(
            seen("+Add a user", "+ Add a user"),
            Seen::Nearly("+ Add a user".into())
        );
        assert_eq!(seen("Call me now", page), Seen::No);
        assert_eq!(
            seen("↓Export Users", "↓Export users Search"),
            Seen::Nearly("↓Export users".into())
        );
    }
}
