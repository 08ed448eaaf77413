//! The documentation side. `model` is the FAQ as a reader sees it
//! (sections, procedures, numbered steps, quoted labels, images), built by
//! `parse` from the wiki's text or Markdown, read by `load` from a file or
//! the published page (`html` for the latter). `trace` is how a Gherkin
//! step cites a FAQ step; `check` is the drift gate between the doc, the
//! features and the wording recorded in their `lock`.

pub mod check;
pub mod command;
pub mod html;
pub mod load;
pub mod lock;
pub mod model;
pub mod parse;
pub mod trace;
pub mod yaml;

pub use load::LoadError;
pub use model::{Doc, Image, Label, LabelKind, Line, Procedure, Section, Step, StepKind};
