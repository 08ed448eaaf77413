//! The drift audit inside a scenario. A step tries the FAQ's way first; in
//! an audit (`docproof audit`), when that fails for the page's sake (not
//! the machinery's), [`DocWorld::drifted`] records a finding — what the
//! FAQ expected, what the page showed instead, the page itself — and the
//! step goes on today's way, so the steps after it still get a verdict.
//! Outside an audit the FAQ's failure stays the step's failure.

use super::browse::HEADING;
use super::DocWorld;
use crate::drive::FailureKind;
use crate::report::drift::{strip_place, Finding, DRIFT_FOLDER};
use crate::report::folder::step_file;

/// The visible controls whose words a reader looks for.
const LABELS: &str = "button, a, label, [role=button], [role=menuitem], [role=tab], h2, legend";
/// How many of the closest labels a finding names.
const CLOSEST: usize = 6;

impl DocWorld {
    /// Whether this run is an audit.
    pub fn auditing(&self) -> bool {
        self.config().audit.is_some()
    }

    /// Judges the FAQ's way of the current step. `Ok(false)`: it worked.
    /// `Ok(true)`: it failed in an audit, the finding is recorded, and the
    /// caller carries the step out today's way, which `today` says in the
    /// FAQ's style. Outside an audit, or when the machinery failed, the
    /// failure is returned.
    pub async fn drifted(
        &mut self,
        faq_way: anyhow::Result<()>,
        today: &str,
    ) -> anyhow::Result<bool> {
        self.judge(faq_way, today, None).await
    }

    /// [`Self::drifted`] for a step that reads no page (the backup app's
    /// sign-in): `found` is what came back instead.
    pub async fn drifted_answer(
        &mut self,
        faq_way: anyhow::Result<()>,
        today: &str,
        found: &str,
    ) -> anyhow::Result<bool> {
        self.judge(faq_way, today, Some(found)).await
    }

    async fn judge(
        &mut self,
        faq_way: anyhow::Result<()>,
        today: &str,
        found: Option<&str>,
    ) -> anyhow::Result<bool> {
        let Err(e) = faq_way else {
            return Ok(false);
        };
        let message = e.to_string();
        if !self.auditing() || FailureKind::of_message(&message) == FailureKind::Infrastructure {
            return Err(e);
        }
        // Set-up (a step citing no doc step) goes today's way unjudged.
        if self.scenario.current.doc.is_some() {
            let finding = self.finding(&message, today, found).await;
            self.saw("drifted", &finding.expected);
            self.record(finding);
        }
        self.saw("today's way", today);
        Ok(true)
    }

    /// In an audit, labels a FAQ step quotes that no page showed are drift
    /// of that step (`check`, `unseen` says which); elsewhere they fail
    /// the step.
    pub fn labels_drifted(
        &mut self,
        check: super::labels::LabelCheck,
        unseen: anyhow::Error,
    ) -> anyhow::Result<()> {
        if !self.auditing() {
            return Err(unseen);
        }
        let message = unseen.to_string();
        let finding = Finding {
            step: check.step.unwrap_or_default(),
            feature: format!("{}:{}", self.scenario.feature_path.display(), check.line),
            gherkin: "(the labels it quotes)".into(),
            expected: strip_place(&message),
            found: String::new(),
            today: None,
            screenshot: None,
            page: None,
            scenario: self.scenario.name.clone(),
        };
        self.record(finding);
        Ok(())
    }

    fn record(&self, finding: Finding) {
        if let Some(all) = &self.config().audit {
            all.lock().unwrap_or_else(|e| e.into_inner()).push(finding);
        }
    }

    /// The finding of the current step: `message` without its place, the
    /// page's heading and the visible labels closest to the step's words,
    /// and the page saved under `drift/` (masked, as failure pages are).
    async fn finding(&mut self, message: &str, today: &str, found: Option<&str>) -> Finding {
        let doc = self
            .scenario
            .current
            .doc
            .as_ref()
            .map(|d| d.to_string())
            .unwrap_or_default();
        let gherkin = self.scenario.current.text.clone();
        let n = self
            .scenario
            .shots
            .entry(format!("drift {doc}"))
            .or_default();
        *n += 1;
        let n = *n;
        let (found, screenshot, page) = match found {
            Some(found) => (found.to_string(), None, None),
            None => self.evidence(&gherkin, &doc, n).await,
        };
        Finding {
            step: doc,
            feature: format!(
                "{}:{}",
                self.scenario.feature_path.display(),
                self.scenario.current.line
            ),
            gherkin,
            expected: strip_place(message),
            found,
            today: Some(today.to_string()),
            screenshot,
            page,
            scenario: self.scenario.name.clone(),
        }
    }

    /// What the last-used page shows, and where its screenshot and HTML
    /// were saved (relative to the report folder): the `n`-th finding of
    /// doc step `doc` in this scenario.
    async fn evidence(
        &mut self,
        gherkin: &str,
        doc: &str,
        n: usize,
    ) -> (String, Option<String>, Option<String>) {
        let Some(actor) = self.browsers.last_actor else {
            return ("no page (nothing was opened)".into(), None, None);
        };
        let secrets = self.scenario.transcript.redactor.secrets();
        let redactor = self.scenario.transcript.redactor.clone();
        let report = self.config().report.clone();
        let Some(b) = self.browsers.drivers.get_mut(&actor) else {
            return ("no page (the browser is gone)".into(), None, None);
        };
        let heading = b.text(HEADING).await.unwrap_or_default();
        let labels = b.texts(LABELS).await.unwrap_or_default();
        let html = b.html().await.unwrap_or_default();
        let png = b.screenshot(&secrets).await.ok().flatten();
        let mut found = match heading.trim() {
            "" => "a page with no heading".to_string(),
            h => format!("“{h}”"),
        };
        let closest = closest_labels(gherkin, &labels);
        if !closest.is_empty() {
            let quoted: Vec<String> = closest.iter().map(|l| format!("“{l}”")).collect();
            found.push_str(&format!(", showing {}", quoted.join(", ")));
        }
        let scenario = self.scenario.name.clone();
        let save = |ext: &str, bytes: &[u8]| {
            let rel = step_file(DRIFT_FOLDER, &scenario, doc, n, ext);
            let path = report.join(&rel);
            match super::write_file(&path, bytes) {
                Ok(()) => Some(rel),
                Err(e) => {
                    tracing::warn!("cannot save {}: {e}", path.display());
                    None
                }
            }
        };
        let masked = redactor.redact(&crate::redact::html::mask(&html));
        let page = save("html", masked.as_bytes());
        let screenshot = png.and_then(|png| save("png", &png));
        (redactor.redact(&found), screenshot, page)
    }
}

/// The labels sharing most words with the step's text, in page order
/// among equals, each once; never more than [`CLOSEST`].
fn closest_labels(gherkin: &str, labels: &[String]) -> Vec<String> {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 3)
            .map(str::to_lowercase)
            .collect()
    };
    let wanted = words(gherkin);
    let mut scored: Vec<(usize, usize, String)> = Vec::new();
    for (i, label) in labels.iter().enumerate() {
        let label = crate::drive::collapse_whitespace(label);
        if label.is_empty() || scored.iter().any(|(_, _, l)| *l == label) {
            continue;
        }
        let score = words(&label).iter().filter(|w| wanted.contains(w)).count();
        scored.push((score, i, label));
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored
        .into_iter()
        .take(CLOSEST)
        .map(|(_, _, l)| l)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closest_labels_share_the_steps_words() {
        let labels: Vec<String> = [
            "Home",
            "+ Add a user",
            "↓ Export users",
            "Multi-factor authentication",
            "Home",
        ]
        .map(String::from)
        .to_vec();
        let got = closest_labels(
            "the admin clicks the triple dot (…) after \"↓Export Users\" and chooses \"Setup Multifactor authentication\"",
            &labels,
        );
        assert_eq!(got[..2], ["↓ Export users", "Multi-factor authentication"]);
        assert_eq!(got.len(), 4, "each label once");
    }
}
