//! Office 365 itself: settings that take time to take effect (FAQ 4.1).
//!
//! A step that checks the effect of a change does not raise a false alarm
//! while the change is still on its way: if what it sees is what an older
//! setting would give, it tries again, with bounded, logged retries, until
//! the change has had time to take effect. What it sees that no setting
//! would give fails at once. A change still not effective at the limit
//! fails as [`NotYetEffective`], which says so.

use super::world::DocWorld;
use cucumber::gherkin::Step;
use cucumber::given;
use futures::future::LocalBoxFuture;
use std::fmt;
use std::time::{Duration, Instant};

#[given(expr = "settings changed in Office 365 take {float} second(s) to take effect")]
async fn take_time(w: &mut DocWorld, step: &Step, seconds: f64) -> anyhow::Result<()> {
    w.at(step);
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
    w.settings.propagation_delay = Duration::from_secs_f64(seconds);
    w.saw(
        "Office 365",
        &format!("changes take effect after {seconds} s"),
    );
    Ok(())
}

/// Whether the step must also see the change *not yet* in effect first
/// (", once the change has taken effect"), which shows that waiting was
/// what made it pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settle {
    Any,
    MustWait,
}

impl Settle {
    pub fn from_suffix(suffix: &str) -> Settle {
        if suffix.trim().is_empty() {
            Settle::Any
        } else {
            Settle::MustWait
        }
    }
}

/// The change was still not in effect when the step stopped waiting.
#[derive(Debug)]
pub struct NotYetEffective {
    pub cite: String,
    pub what: String,
    pub waited: Duration,
    pub attempts: u32,
    pub still: String,
    pub expected: String,
}

impl fmt::Display for NotYetEffective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: the change was still not effective after {:.1} s ({} attempts): {} still {}, expected it to have {} (FAQ 4.1: settings take time; this is not yet a failure of the procedure, but the change never arrived)",
            self.cite,
            self.waited.as_secs_f64(),
            self.attempts,
            self.what,
            self.still,
            self.expected
        )
    }
}

impl std::error::Error for NotYetEffective {}

impl DocWorld {
    /// How long a step waits for a change to take effect: the configured
    /// delay and jitter plus a margin; nothing when changes are immediate.
    pub fn settle_limit(&self) -> Duration {
        let delay = self.settings.propagation_delay + self.settings.propagation_jitter;
        if delay.is_zero() {
            Duration::ZERO
        } else {
            delay + self.config.settle_margin
        }
    }
}

/// Tries again (`retry`) while what is seen is `stale` and not `expected`,
/// until `limit`. See the module comment.
#[allow(clippy::too_many_arguments)]
pub async fn eventually<T: PartialEq>(
    w: &mut DocWorld,
    what: &str,
    first: T,
    expected: &T,
    settle: Settle,
    limit: Duration,
    retry: fn(&mut DocWorld) -> LocalBoxFuture<'_, anyhow::Result<T>>,
    describe: fn(&T) -> String,
    stale: fn(&T) -> bool,
) -> anyhow::Result<T> {
    let started = Instant::now();
    let mut seen = first;
    let mut attempts = 1u32;
    let mut pause = Duration::from_millis(100);
    loop {
        if &seen == expected {
            if settle == Settle::MustWait && attempts == 1 {
                return Err(w.fail(format!(
                    "{what} {} at once: FAQ 4.1 says the change takes time, and this step expects to see it not yet in effect first",
                    describe(&seen)
                )));
            }
            if attempts > 1 {
                w.saw("Office 365", "waited for the change to take effect");
            }
            return Ok(seen);
        }
        if !stale(&seen) {
            return Err(w.fail(format!(
                "{what} {}, expected it to have {}",
                describe(&seen),
                describe(expected)
            )));
        }
        let elapsed = started.elapsed();
        if elapsed >= limit {
            return Err(NotYetEffective {
                cite: w.cite(),
                what: what.to_string(),
                // The bound, not the overshoot: "after 0.5 s" as configured.
                waited: limit,
                attempts,
                still: describe(&seen),
                expected: describe(expected),
            }
            .into());
        }
        let wait = pause.min(limit - elapsed);
        tracing::info!(
            target: "docproof::settle",
            step = %w.cite(),
            "{what} {}: not yet effective, retrying in {} ms (attempt {attempts}, {:.1} s of {:.1} s)",
            describe(&seen),
            wait.as_millis(),
            elapsed.as_secs_f64(),
            limit.as_secs_f64()
        );
        tokio::time::sleep(wait).await;
        // Short pauses: a change lands at one moment, and every extra
        // pause past it is time the suite waits for nothing.
        pause = (pause * 3 / 2).min(Duration::from_millis(250));
        attempts += 1;
        seen = retry(w).await?;
    }
}
