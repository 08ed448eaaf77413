//! `features/doc.lock`: for each transcription (a feature file × a FAQ
//! step it cites), the FAQ wording it was written from and its
//! fingerprint. Checked in and readable, so that a review shows what was
//! accepted; `docproof doc accept` writes it, `doc check` only reads it.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The lock file's contents.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Lock {
    /// The documentation the wording was taken from (for the reader).
    #[serde(default)]
    pub doc: String,
    #[serde(default, rename = "transcription")]
    pub transcriptions: Vec<Transcription>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Transcription {
    /// The feature file, relative to the lock's folder, `/`-separated.
    pub feature: String,
    /// The FAQ step it cites.
    pub step: String,
    pub fingerprint: String,
    /// The step's wording when the transcription was accepted.
    pub wording: String,
}

/// How reading the lock went.
#[derive(Debug)]
pub enum LockState {
    Read(Lock),
    Missing,
    /// Not a lock file: the message says where and why.
    Garbled(String),
}

const HEADER: &str = "\
# docproof doc.lock: the FAQ wording each feature file was transcribed from.
# `docproof doc check` (and `docproof run`) fail when the FAQ's wording of a
# cited step no longer matches. After reviewing the features against the
# FAQ, rewrite this file with `docproof doc accept`; do not edit it by hand.
";

/// Where the lock of a features folder (or of one feature file) lives.
pub fn path_for(features: &Path) -> PathBuf {
    if features.is_file() {
        features.parent().unwrap_or(Path::new(".")).join("doc.lock")
    } else {
        features.join("doc.lock")
    }
}

/// A feature file's name in the lock: relative to the lock's folder.
pub fn feature_key(lock: &Path, feature: &Path) -> String {
    let dir = lock.parent().unwrap_or(Path::new(""));
    let rel = feature.strip_prefix(dir).unwrap_or(feature);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

impl Lock {
    pub fn read(path: &Path) -> LockState {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return LockState::Missing,
            Err(e) => {
                return LockState::Garbled(format!("{}: cannot be read ({e})", path.display()))
            }
        };
        match toml::from_str::<Lock>(&text) {
            Ok(lock) => LockState::Read(lock),
            Err(e) => {
                let line = e.span().map_or(1, |s| {
                    text[..s.start.min(text.len())].matches('\n').count() + 1
                });
                let why = e.message().trim().to_string();
                LockState::Garbled(format!(
                    "{}:{line}: not a docproof lock file ({why})",
                    path.display()
                ))
            }
        }
    }

    /// The recorded transcription of `step` by `feature` (a lock key).
    pub fn get(&self, feature: &str, step: &str) -> Option<&Transcription> {
        self.transcriptions
            .iter()
            .find(|t| t.feature == feature && t.step == step)
    }

    pub fn write(&self, path: &Path) -> Result<(), String> {
        let body = toml::to_string_pretty(self).map_err(|e| e.to_string())?;
        crate::atomic::write(path, format!("{HEADER}\n{body}"))
            .map_err(|e| format!("{}: cannot write the lock ({e})", path.display()))
    }
}
