//! The Microsoft 365 contract docproof's two sides share: the simulator
//! serves it, the harness drives it, and a real tenant is expected to honour
//! it. Nothing here knows either side.
//!
//! - [`domain`]: the FAQ's and Microsoft's vocabulary as types (UPN, phone
//!   number, MFA status, secrets that print masked).
//! - [`ids`]: the element ids and field names of Microsoft's pages, one
//!   constant each, named as Microsoft names them.
//! - [`routes`]: where each page and API lives.
//! - [`profile`]: which Microsoft 365 is played: the FAQ's or today's.
//! - [`graph`], [`twilio`], [`twiml`]: wire types of Microsoft Graph, Twilio's
//!   REST API and Twilio's call instructions.
//!
//! `docs/m365-contract.md` describes the pages these come from.

pub mod domain;
pub mod graph;
pub mod ids;
pub mod profile;
pub mod routes;
pub mod twilio;
pub mod twiml;
