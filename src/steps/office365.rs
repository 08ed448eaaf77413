//! Office 365 itself: "settings changed in Office 365 take N seconds to
//! take effect" (FAQ 4.1). How steps wait for a change is
//! `world::settle`.

use super::world::DocWorld;
use cucumber::gherkin::Step;
use cucumber::given;
use std::time::Duration;

#[given(expr = "settings changed in Office 365 take {float} second(s) to take effect")]
async fn take_time(w: &mut DocWorld, step: &Step, seconds: f64) -> anyhow::Result<()> {
    w.at(step).await?;
    if w.tenant_started() {
        return Err(
            w.fail("the propagation delay must be set before the first step that uses the tenant")
        );
    }
    if !(0.0..=3600.0).contains(&seconds) {
        return Err(w.fail(format!(
            "{seconds} s is not a delay between 0 and 3600 seconds"
        )));
    }
    w.office.settings.propagation_delay = Duration::from_secs_f64(seconds);
    w.saw(
        "Office 365",
        &format!("changes take effect after {seconds} s"),
    );
    Ok(())
}
