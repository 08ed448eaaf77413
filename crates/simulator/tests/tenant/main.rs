//! Integration tests of the tenant simulator, over real HTTP.

mod admin;
mod carrier;
mod carrier_limits;
mod common;
mod forms;
mod graph;
mod legacy;
mod secrets;
mod signin;
mod today_admin;
mod today_user;
mod voice;
