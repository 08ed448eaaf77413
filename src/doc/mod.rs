//! The documentation side: how a Gherkin step cites the FAQ step it
//! transcribes (`trace`). The FAQ's own model (sections, numbered steps,
//! quoted labels) grows here too.

pub mod trace;
