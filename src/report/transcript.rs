//! A scenario's transcript: step by step, what the user saw — headings,
//! prompts, the masked number, the status on the admin page, the text
//! message, what the call said. Secrets never enter it: every entry goes
//! through [`Redactor`] before it is kept.

use crate::doc::trace::DocStep;
use regex::Regex;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::LazyLock;

/// Replaces secrets with a label saying what was there.
#[derive(Default, Clone)]
pub struct Redactor {
    /// (secret, label) — the secrets this scenario knows about.
    known: Vec<(String, &'static str)>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} secrets)", self.known.len())
    }
}

impl Redactor {
    /// Remembers a secret to mask, e.g. `("Sms-Passw0rd!", "password")`.
    pub fn learn(&mut self, secret: &str, label: &'static str) {
        if secret.len() >= 4 && !self.known.iter().any(|(s, _)| s == secret) {
            self.known.push((secret.to_string(), label));
            // Longest first, so a secret containing another is masked whole.
            self.known.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
        }
    }

    /// The known secrets and their labels, e.g. for masking a page before
    /// a screenshot.
    pub fn secrets(&self) -> Vec<(String, String)> {
        self.known
            .iter()
            .map(|(s, l)| (s.clone(), l.to_string()))
            .collect()
    }

    /// Masks known secrets, then anything shaped like a one-time code
    /// (a standalone run of six digits) as a safety net.
    pub fn redact(&self, text: &str) -> String {
        static CODE: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"\b\d{6}\b").expect("valid regex"));
        let mut out = text.to_string();
        for (secret, label) in &self.known {
            out = out.replace(secret.as_str(), &format!("[{label}]"));
        }
        CODE.replace_all(&out, "[code]").into_owned()
    }
}

/// One Gherkin step and what was seen during it.
#[derive(Debug, Clone)]
struct StepRecord {
    doc: Option<DocStep>,
    step: String,
    seen: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct Transcript {
    title: String,
    steps: Vec<StepRecord>,
    pub redactor: Redactor,
}

impl Transcript {
    pub fn new(title: String) -> Transcript {
        Transcript {
            title,
            ..Transcript::default()
        }
    }

    /// Starts the record of a Gherkin step (`keyword` + text).
    pub fn step(&mut self, doc: Option<DocStep>, step: &str) {
        self.steps.push(StepRecord {
            doc,
            step: self.redactor.redact(step),
            seen: Vec::new(),
        });
    }

    /// Records something seen during the current step, e.g.
    /// `("heading", "More information required")`.
    pub fn saw(&mut self, what: &str, text: &str) {
        let text = self
            .redactor
            .redact(&crate::drive::collapse_whitespace(text));
        match self.steps.last_mut() {
            Some(s) => s.seen.push((what.to_string(), text)),
            None => self.steps.push(StepRecord {
                doc: None,
                step: "(before the first step)".into(),
                seen: vec![(what.to_string(), text)],
            }),
        }
    }

    /// The transcript as text, stable from run to run.
    pub fn render(&self) -> String {
        let mut out = format!("{}\n", self.title);
        for s in &self.steps {
            let cite = s
                .doc
                .as_ref()
                .map(|d| format!("[{d}] "))
                .unwrap_or_else(|| "[setup] ".into());
            let _ = writeln!(out, "\n{cite}{}", s.step);
            for (what, text) in &s.seen {
                let _ = writeln!(out, "  {what}: {text}");
            }
        }
        out
    }

    /// Writes the transcript to `dir/<name>.txt`.
    pub fn write_to(&self, dir: &Path, name: &str) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        crate::atomic::write(&dir.join(format!("{name}.txt")), self.render())
    }
}

/// A scenario's name for its files:
/// `3.1-authentication-phone-sms__register-by-text-message…`; outlines get
/// their example values through the substituted scenario name.
pub fn scenario_name(
    feature: &cucumber::gherkin::Feature,
    scenario: &cucumber::gherkin::Scenario,
) -> String {
    let stem = feature
        .path
        .as_deref()
        .and_then(Path::file_stem)
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| slug(&feature.name));
    format!("{stem}__{}", slug(&scenario.name))
}

/// A file-name-safe name: lower case, words joined by `-`.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c == '.' && out.chars().last().is_some_and(|l| l.is_ascii_digit()) {
            out.push('.');
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches(['-', '.']).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secrets_a_screenshot_masks_are_those_learned_longest_first() {
        let mut r = Redactor::default();
        r.learn("Passw0rd", "password");
        r.learn("Passw0rd!extra", "app password");
        r.learn("abc", "too short to mask");
        let owned = |s: &str, l: &str| (s.to_string(), l.to_string());
        assert_eq!(
            r.secrets(),
            [
                owned("Passw0rd!extra", "app password"),
                owned("Passw0rd", "password")
            ]
        );
        // Debug says how many, never what.
        assert_eq!(format!("{r:?}"), "Redactor(2 secrets)");
    }

    #[test]
    fn secrets_and_codes_never_reach_the_transcript() {
        let mut t = Transcript::new("t".into());
        t.redactor.learn("Sms-Passw0rd!", "password");
        t.redactor.learn("abcdefghijklmnop", "app password");
        t.step(None, "When the user signs in with \"Sms-Passw0rd!\"");
        t.saw(
            "text",
            "Use verification code 123456 for Microsoft authentication.",
        );
        t.saw("app password", "abcdefghijklmnop");
        let r = t.render();
        assert!(
            !r.contains("Sms-Passw0rd!")
                && !r.contains("123456")
                && !r.contains("abcdefghijklmnop"),
            "{r}"
        );
        assert!(
            r.contains("[password]")
                && r.contains("code [code] for")
                && r.contains("[app password]")
        );
        // Phone numbers are not codes.
        assert_eq!(t.redactor.redact("+1 2065550101"), "+1 2065550101");
    }

    #[test]
    fn slugs_keep_doc_numbers() {
        assert_eq!(
            slug("3.1 Authentication phone (SMS)"),
            "3.1-authentication-phone-sms"
        );
        assert_eq!(
            slug("Quick steps: Enabled -> Enforced"),
            "quick-steps-enabled-enforced"
        );
    }
}
