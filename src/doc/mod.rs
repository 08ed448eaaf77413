//! The documentation side. `model` is the FAQ as a reader sees it
//! (sections, procedures, numbered steps, quoted labels, images), built by
//! `parse` from the wiki's text or Markdown, read by `load` from a file or
//! the published page (`html` for the latter). `trace` is how a Gherkin
//! step cites a FAQ step. The doc knows nothing of the features that
//! transcribe it (`crate::features` checks them against it).

pub mod html;
pub mod load;
pub mod model;
pub mod outline;
pub mod parse;
pub mod size;
pub mod trace;
pub mod yaml;

pub use load::{Limits, LoadError};
pub use model::{Doc, Image, Label, LabelKind, Line, Procedure, Section, Step, StepKind};
