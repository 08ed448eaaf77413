//! The browser the browser tests drive.
#![allow(dead_code)]

use docproof::drive::browser::chromedriver::Installation;

/// The browser, or `None` (said on stderr, naming `what` was not run) when
/// this machine has none and CI did not ask for one.
pub fn browser_for(what: &str) -> Option<Installation> {
    match Installation::find() {
        Ok(i) => Some(i),
        Err(why) if docproof::run::browsers::browser_required_by_env() => {
            panic!("DOCPROOF_REQUIRE_BROWSER is set, but {why}")
        }
        Err(why) => {
            eprintln!("{what} not run: {why}");
            None
        }
    }
}
