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
        let s = &self.office.settings;
        limit(
            s.propagation_delay,
            s.propagation_jitter,
            self.config().settle_margin,
        )
    }
}

/// See [`DocWorld::settle_limit`].
fn limit(delay: Duration, jitter: Duration, margin: Duration) -> Duration {
    let longest = delay + jitter;
    if longest.is_zero() {
        Duration::ZERO
    } else {
        longest + margin
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
    let change = Change {
        at: w.office.changed_at,
        delay: w.office.settings.propagation_delay,
    };
    let cite = w.cite();
    let retry = e.retry;
    let mut world = LookWith { w: &mut *w, retry };
    match settle(&mut world, &e, change, &cite, first, first_at).await {
        Ok(seen) => Ok(seen),
        Err(Unsettled::Wrong(msg)) => Err(w.fail(msg)),
        Err(Unsettled::NotYet(n)) => Err(n.into()),
        Err(Unsettled::Look(err)) => Err(err),
    }
}

/// The scenario's last change of a setting, as the steps made it.
#[derive(Debug, Clone, Copy)]
struct Change {
    /// When it was made; `None` if no setting changed in this scenario.
    at: Option<Instant>,
    /// How long the tenant is configured to take to apply it.
    delay: Duration,
}

impl Change {
    /// How long until the change is due, if it is still on its way.
    fn due_in(&self) -> Option<Duration> {
        let due = self.at? + self.delay;
        due.checked_duration_since(Instant::now())
            .filter(|until| !until.is_zero())
    }
}

/// Why a step's expectation was not met.
enum Unsettled {
    /// Something no setting would give, or a first look that came too soon.
    Wrong(String),
    NotYet(NotYetEffective),
    /// Looking again failed (the page or app broke): passed on as is.
    Look(anyhow::Error),
}

/// Looks again at what the step checks (signs in again, say).
trait LookAgain<T> {
    async fn look_again(&mut self) -> anyhow::Result<T>;
}

struct LookWith<'a, T> {
    w: &'a mut DocWorld,
    retry: fn(&mut DocWorld) -> LocalBoxFuture<'_, anyhow::Result<T>>,
}

impl<T> LookAgain<T> for LookWith<'_, T> {
    async fn look_again(&mut self) -> anyhow::Result<T> {
        (self.retry)(self.w).await
    }
}

/// The waiting itself, apart from the world so it can be tested on its own:
/// retries at the moment the change is due, then at short growing pauses,
/// never past `e.limit`.
async fn settle<T: PartialEq>(
    looker: &mut impl LookAgain<T>,
    e: &Expectation<T>,
    change: Change,
    cite: &str,
    first: T,
    first_at: Instant,
) -> Result<T, Unsettled> {
    let started = Instant::now();
    let mut seen = first;
    let mut attempts = 1u32;
    let mut pause = Duration::from_millis(100);
    loop {
        if seen == e.expected {
            if e.settle == Settle::MustWait && attempts == 1 {
                must_have_waited(change, e.what, &(e.describe)(&seen), first_at)
                    .map_err(Unsettled::Wrong)?;
            }
            tracing::info!(target: "docproof::settle", step = %cite, "{}: seen as expected at attempt {attempts}", e.what);
            return Ok(seen);
        }
        if e.limit.is_zero() || !(e.stale)(&seen) {
            return Err(Unsettled::Wrong(format!(
                "{} {}; the step expects: {}",
                e.what,
                (e.describe)(&seen),
                (e.describe)(&e.expected)
            )));
        }
        let elapsed = started.elapsed();
        if elapsed >= e.limit {
            return Err(Unsettled::NotYet(NotYetEffective {
                cite: cite.to_string(),
                what: e.what.to_string(),
                // The bound, not the overshoot: "after 0.5 s" as configured.
                waited: e.limit,
                attempts,
                still: (e.describe)(&seen),
                expected: (e.describe)(&e.expected),
            }));
        }
        // A change made in this scenario is due when its configured delay is
        // over: look again then, not at a guess before it.
        let due = change.due_in();
        let wait = due.unwrap_or(pause).min(e.limit - elapsed);
        tracing::info!(
            target: "docproof::settle",
            step = %cite,
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
            pause = next_pause(pause);
        }
        attempts += 1;
        seen = looker.look_again().await.map_err(Unsettled::Look)?;
    }
}

/// Pauses between looks at a change with no known due time grow by half,
/// up to a quarter of a second.
fn next_pause(pause: Duration) -> Duration {
    (pause * 3 / 2).min(Duration::from_millis(250))
}

/// ", once the change has taken effect": the first look must not already
/// show the change if it came before the configured delay was over. A first
/// look after the delay (a slow machine) has nothing to show either way.
fn must_have_waited(
    change: Change,
    what: &str,
    seen: &str,
    first_at: Instant,
) -> Result<(), String> {
    match change.at {
        None => Err("no setting was changed in this scenario before this step, so there is no change to wait for".into()),
        Some(changed) if first_at < changed + change.delay => Err(format!(
            "{what} {seen} {:.2} s after the change, before its {:.1} s delay was over: FAQ 4.1 says changes take time to take effect",
            first_at.duration_since(changed).as_secs_f64(),
            change.delay.as_secs_f64()
        )),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stands for the tenant: answers `false` (the old setting) until the
    /// change is in effect at `effective`, then `true`; counts the looks.
    struct Tenant {
        effective: Instant,
        looks: u32,
    }

    impl LookAgain<bool> for Tenant {
        async fn look_again(&mut self) -> anyhow::Result<bool> {
            self.looks += 1;
            Ok(Instant::now() >= self.effective)
        }
    }

    fn retry_unused(_: &mut DocWorld) -> LocalBoxFuture<'_, anyhow::Result<bool>> {
        unreachable!("the tests look through their own tenant")
    }

    fn expect_new(settle: Settle, limit: Duration) -> Expectation<bool> {
        Expectation {
            what: "the backup app",
            expected: true,
            settle,
            limit,
            retry: retry_unused,
            describe: |b| if *b { "accepted" } else { "refused" }.to_string(),
            stale: |b| !*b,
        }
    }

    fn changed(ago: Duration, delay: Duration) -> Change {
        Change {
            at: Some(Instant::now() - ago),
            delay,
        }
    }

    #[tokio::test]
    async fn looks_again_when_the_change_is_due_and_not_before() {
        let delay = Duration::from_millis(300);
        let change = changed(Duration::ZERO, delay);
        let mut tenant = Tenant {
            effective: change.at.unwrap() + delay,
            looks: 0,
        };
        let started = Instant::now();
        let e = expect_new(Settle::MustWait, Duration::from_secs(2));
        let seen = settle(&mut tenant, &e, change, "FAQ step 4.1.2", false, started).await;
        assert!(matches!(seen, Ok(true)));
        assert!(
            started.elapsed() >= delay,
            "it looked before the change was due"
        );
        // One look at the moment it is due; a busy loop would look hundreds of times.
        assert_eq!(tenant.looks, 1, "looked {} times", tenant.looks);
    }

    #[tokio::test]
    async fn without_a_known_change_it_pauses_between_looks() {
        let mut tenant = Tenant {
            effective: Instant::now() + Duration::from_millis(400),
            looks: 0,
        };
        let unknown = Change {
            at: None,
            delay: Duration::ZERO,
        };
        let e = expect_new(Settle::Any, Duration::from_secs(2));
        let seen = settle(
            &mut tenant,
            &e,
            unknown,
            "FAQ step 4.1.2",
            false,
            Instant::now(),
        )
        .await;
        assert!(matches!(seen, Ok(true)));
        // 100, 150, 225 ms … : a handful of looks in 400 ms, not a spin.
        assert!(
            (2..=6).contains(&tenant.looks),
            "looked {} times",
            tenant.looks
        );
    }

    #[tokio::test]
    async fn a_change_still_on_its_way_at_the_limit_is_not_yet_effective() {
        let mut tenant = Tenant {
            effective: Instant::now() + Duration::from_secs(60),
            looks: 0,
        };
        let change = changed(Duration::ZERO, Duration::from_secs(60));
        let limit = Duration::from_millis(300);
        let e = expect_new(Settle::Any, limit);
        let started = Instant::now();
        let seen = settle(&mut tenant, &e, change, "FAQ step 4.1.1", false, started).await;
        let Err(Unsettled::NotYet(n)) = seen else {
            panic!("expected 'not yet effective'");
        };
        assert!(started.elapsed() >= limit);
        assert!(started.elapsed() < limit + Duration::from_millis(250));
        assert_eq!(n.waited, limit);
        assert!(
            n.to_string().contains("still not effective after 0.3 s"),
            "{n}"
        );
    }

    #[tokio::test]
    async fn the_last_pause_is_cut_to_end_at_the_limit() {
        let mut tenant = Tenant {
            effective: Instant::now() + Duration::from_secs(60),
            looks: 0,
        };
        let unknown = Change {
            at: None,
            delay: Duration::ZERO,
        };
        // Pauses of 100, 150, 225, 250, 250 ms reach 975 ms: the last one is
        // 25 ms, not another 250 past the limit.
        let limit = Duration::from_secs(1);
        let e = expect_new(Settle::Any, limit);
        let started = Instant::now();
        let seen = settle(&mut tenant, &e, unknown, "x", false, started).await;
        assert!(matches!(seen, Err(Unsettled::NotYet(_))));
        let took = started.elapsed();
        assert!(
            took >= limit && took < limit + Duration::from_millis(150),
            "{took:?}"
        );
    }

    #[tokio::test]
    async fn what_no_setting_gives_fails_at_once() {
        let mut tenant = Tenant {
            effective: Instant::now(),
            looks: 0,
        };
        let mut e = expect_new(Settle::Any, Duration::from_secs(5));
        e.stale = |_| false;
        let seen = settle(
            &mut tenant,
            &e,
            changed(Duration::ZERO, Duration::from_secs(1)),
            "x",
            false,
            Instant::now(),
        )
        .await;
        assert!(
            matches!(seen, Err(Unsettled::Wrong(m)) if m.contains("refused; the step expects: accepted"))
        );
        assert_eq!(tenant.looks, 0);
    }

    #[tokio::test]
    async fn once_effective_needs_the_old_behaviour_seen_first() {
        let delay = Duration::from_secs(1);
        let change = changed(Duration::from_millis(100), delay);
        let mut tenant = Tenant {
            effective: Instant::now(),
            looks: 0,
        };
        let e = expect_new(Settle::MustWait, Duration::from_secs(2));
        // The new behaviour, 0.1 s into a 1 s delay: waiting proved nothing.
        let seen = settle(
            &mut tenant,
            &e,
            change,
            "FAQ step 4.1.2",
            true,
            Instant::now(),
        )
        .await;
        let Err(Unsettled::Wrong(m)) = seen else {
            panic!("a change seen before its delay must fail the step");
        };
        assert!(m.contains("before its 1.0 s delay was over"), "{m}");
    }

    #[test]
    fn pauses_grow_by_half_up_to_a_quarter_second() {
        let mut pause = Duration::from_millis(100);
        let mut seen = vec![];
        for _ in 0..5 {
            seen.push(pause.as_millis());
            pause = next_pause(pause);
        }
        assert_eq!(seen, [100, 150, 225, 250, 250]);
    }

    #[test]
    fn the_limit_covers_delay_jitter_and_margin_or_nothing() {
        let ms = Duration::from_millis;
        assert_eq!(limit(ms(1000), ms(200), ms(500)), ms(1700));
        assert_eq!(limit(ms(0), ms(300), ms(500)), ms(800));
        assert_eq!(limit(ms(0), ms(0), ms(500)), Duration::ZERO);
    }

    #[test]
    fn the_guard_accepts_a_first_look_after_the_delay_and_needs_a_change() {
        let delay = Duration::from_millis(200);
        let change = changed(Duration::from_millis(500), delay);
        assert!(must_have_waited(change, "it", "accepted", Instant::now()).is_ok());
        let none = Change { at: None, delay };
        let m = must_have_waited(none, "it", "accepted", Instant::now()).unwrap_err();
        assert!(m.contains("no setting was changed"), "{m}");
    }
}
