//! Office 365 itself: settings that take time to take effect (FAQ 4.1).
//!
//! A step that checks the effect of a change does not raise a false alarm
//! while the change is still on its way: if what it sees is what an older
//! setting would give, it tries again, with bounded, logged retries, until
//! the change has had time to take effect. What it sees that no setting
//! would give fails at once. A change still not effective at the limit
//! fails as [`NotYetEffective`], which says so.

use super::DocWorld;
use futures::future::LocalBoxFuture;
use std::fmt;
use std::time::{Duration, Instant};

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
            "{}: the change was still not effective after {:.1} s ({} attempts): {} still {}; the step expects: {}. FAQ 4.1: settings take time to take effect, and this one did not within the time the step allows",
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
        let delay =
            self.office.settings.propagation_delay + self.office.settings.propagation_jitter;
        if delay.is_zero() {
            Duration::ZERO
        } else {
            delay + self.config().settle_margin
        }
    }
}

/// What a step expects to see once a change has taken effect, and how to
/// look again.
pub struct Expectation<T> {
    /// "the backup app", "the browser sign-in".
    pub what: &'static str,
    pub expected: T,
    pub settle: Settle,
    /// How long to keep looking.
    pub limit: Duration,
    /// Looks again (e.g. signs in again).
    pub retry: fn(&mut DocWorld) -> LocalBoxFuture<'_, anyhow::Result<T>>,
    /// "accepted", "went straight to Outlook".
    pub describe: fn(&T) -> String,
    /// Whether an older setting could give this: a change still on its way.
    pub stale: fn(&T) -> bool,
}

/// Tries again while what is seen is `stale` and not `expected`, until the
/// limit. `first` was seen at `first_at`. See the module comment.
pub async fn eventually<T: PartialEq>(
    w: &mut DocWorld,
    e: Expectation<T>,
    first: T,
    first_at: Instant,
) -> anyhow::Result<T> {
    let started = Instant::now();
    let mut seen = first;
    let mut attempts = 1u32;
    let mut pause = Duration::from_millis(100);
    loop {
        if seen == e.expected {
            if e.settle == Settle::MustWait && attempts == 1 {
                must_have_waited(w, e.what, &(e.describe)(&seen), first_at)?;
            }
            if attempts > 1 {
                tracing::info!(target: "docproof::settle", step = %w.cite(), "{}: the change took effect after {attempts} attempts", e.what);
            }
            return Ok(seen);
        }
        if e.limit.is_zero() || !(e.stale)(&seen) {
            return Err(w.fail(format!(
                "{} {}; the step expects: {}",
                e.what,
                (e.describe)(&seen),
                (e.describe)(&e.expected)
            )));
        }
        let elapsed = started.elapsed();
        if elapsed >= e.limit {
            return Err(NotYetEffective {
                cite: w.cite(),
                what: e.what.to_string(),
                // The bound, not the overshoot: "after 0.5 s" as configured.
                waited: e.limit,
                attempts,
                still: (e.describe)(&seen),
                expected: (e.describe)(&e.expected),
            }
            .into());
        }
        // A change made in this scenario is due when its configured delay is
        // over: look again then, not at a guess before it.
        let due = w
            .office
            .changed_at
            .map(|t| t + w.office.settings.propagation_delay)
            .and_then(|due| due.checked_duration_since(Instant::now()))
            .filter(|until| !until.is_zero());
        let wait = due.unwrap_or(pause).min(e.limit - elapsed);
        tracing::info!(
            target: "docproof::settle",
            step = %w.cite(),
            "{} {}: not yet effective, retrying in {} ms (attempt {attempts}, {:.1} s of {:.1} s)",
            e.what,
            (e.describe)(&seen),
            wait.as_millis(),
            elapsed.as_secs_f64(),
            e.limit.as_secs_f64()
        );
        tokio::time::sleep(wait).await;
        // Short pauses once it is due (jitter may add a little): a change
        // lands at one moment, and every extra pause past it is time the
        // suite waits for nothing.
        if due.is_none() {
            pause = (pause * 3 / 2).min(Duration::from_millis(250));
        }
        attempts += 1;
        seen = (e.retry)(w).await?;
    }
}

/// ", once the change has taken effect": the first look must not already
/// show the change if it came before the configured delay was over. A first
/// look after the delay (a slow machine) has nothing to show either way.
fn must_have_waited(w: &DocWorld, what: &str, seen: &str, first_at: Instant) -> anyhow::Result<()> {
    let delay = w.office.settings.propagation_delay;
    match w.office.changed_at {
        None => Err(w.fail("no setting was changed in this scenario before this step, so there is no change to wait for")),
        Some(changed) if first_at < changed + delay => Err(w.fail(format!(
            "{what} {seen} {:.2} s after the change, before its {:.1} s delay was over: FAQ 4.1 says changes take time to take effect",
            first_at.duration_since(changed).as_secs_f64(),
            delay.as_secs_f64()
        ))),
        Some(_) => Ok(()),
    }
}
