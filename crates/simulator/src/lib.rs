//! The embedded Microsoft 365 tenant simulator: sign-in (converged UI),
//! per-user MFA with proof-up, the admin center, a Graph subset, the basic-auth
//! endpoint non-browser apps use, and telephony through a Twilio-compatible
//! provider. The harness talks to it only over HTTP, as to Microsoft.

pub mod carrier;
pub mod config;
pub mod graph;
pub mod html;
pub mod legacy;
pub mod pages;
pub mod server;
pub mod settings;
pub mod state;

pub use config::{TenantFile, TenantFileError};
pub use server::{serve, spawn, RunningTenant, Simulator};
pub use settings::{Settings, TelephonySettings};
pub use state::Tenant;
