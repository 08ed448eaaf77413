//! `cargo bench --bench suite`: the documented-procedure suite as
//! `docproof run` runs it, over HTTP and in a real browser, at 1, 2 and 4
//! scenarios at once. Not a test: it reports, it does not judge.
//!
//! For each: the suite's wall time (median of the rounds), the median
//! scenario and step times (from the run's Cucumber JSON), and for the
//! browser how long a session takes to start. FAQ 4.1's scenarios wait for
//! their configured propagation delay by design, so they are measured
//! apart from the rest. The browser pool is started once and kept across
//! rounds, as one `docproof run` keeps it across scenarios.
//!
//! Then `docproof audit` against the `today` profile, per driver: the same
//! scenarios, carried on today's way past every drifted step.
//!
//! Last, how long `report.html` takes to render for the whole suite's run,
//! against the run's own time.
//!
//! `BENCH_ROUNDS` (default 3) sets the rounds per figure; `BENCH_ONLY=audit`
//! measures the audit alone, `BENCH_ONLY=report` the report alone.

use docproof::drive::browser::{chromedriver::Installation, BrowserPool};
use docproof::report::drift::Verdict;
use docproof::run::browsers::{BrowserOptions, DriverChoice};
use docproof::run::{run, RunOptions};
use docproof_contract::profile::Profile;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

const REPORT: &str = "target/docproof/bench";

/// A quiet run into the bench's report folder, no snapshots compared.
fn options(concurrency: usize, driver: DriverChoice, pool: Option<Arc<BrowserPool>>) -> RunOptions {
    RunOptions {
        concurrency: Some(concurrency),
        snapshots: None,
        verbose: false,
        report: REPORT.into(),
        browser: BrowserOptions {
            driver,
            pool,
            ..Default::default()
        },
        ..RunOptions::default()
    }
}

struct Round {
    wall: Duration,
    scenarios: Vec<f64>,
    steps: Vec<f64>,
}

async fn suite(
    tags: Option<&str>,
    concurrency: usize,
    driver: DriverChoice,
    pool: Option<Arc<BrowserPool>>,
) -> Round {
    let opts = RunOptions {
        tags: tags.map(str::to_string),
        ..options(concurrency, driver, pool)
    };
    let summary = run(opts).await.expect("the suite runs");
    assert!(
        summary.success(),
        "the suite failed: {:?}",
        summary.problems
    );
    let (scenarios, steps) = durations(&Path::new(REPORT).join("cucumber.json"));
    Round {
        wall: summary.elapsed,
        scenarios,
        steps,
    }
}

/// Scenario and step durations in milliseconds, from Cucumber JSON.
fn durations(json: &Path) -> (Vec<f64>, Vec<f64>) {
    let text = std::fs::read_to_string(json).expect("the run wrote cucumber.json");
    let features: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let (mut scenarios, mut steps) = (Vec::new(), Vec::new());
    for f in features.as_array().into_iter().flatten() {
        // A background is its own element, just before its scenario.
        let mut background = 0.0;
        for e in f["elements"].as_array().into_iter().flatten() {
            let mut total = 0.0;
            for s in e["steps"].as_array().into_iter().flatten() {
                let ms = s["result"]["duration"].as_f64().unwrap_or(0.0) / 1e6;
                total += ms;
                steps.push(ms);
            }
            if e["type"] == "background" {
                background = total;
            } else {
                scenarios.push(total + background);
                background = 0.0;
            }
        }
    }
    (scenarios, steps)
}

/// One `docproof audit` against today's service: its wall time and how many
/// steps drifted.
async fn audit(driver: DriverChoice, pool: Option<Arc<BrowserPool>>) -> (Duration, usize) {
    let opts = RunOptions {
        profile: Profile::Today,
        audit: true,
        ..options(2, driver, pool)
    };
    let summary = run(opts).await.expect("the audit runs");
    assert_eq!(
        summary.audit_not_judged(),
        None,
        "the audit could not judge"
    );
    let judged = summary.audit.expect("an audit has verdicts");
    (summary.elapsed, judged.count(Verdict::Drifted))
}

/// `report.html` rendered from a whole suite's run, against that run's
/// wall time.
async fn report_time(rounds: usize) {
    let opts = options(2, DriverChoice::Http, None);
    let doc = docproof::doc::Doc::load(&opts.doc.display().to_string())
        .await
        .expect("the FAQ loads");
    let summary = run(opts).await.expect("the suite runs");
    let mut times = Vec::new();
    for _ in 0..rounds.max(5) {
        let started = std::time::Instant::now();
        let page = docproof::report::html::render(&summary, &doc).expect("the report renders");
        times.push(started.elapsed().as_secs_f64() * 1e3);
        assert!(page.len() > 10_000);
    }
    let render = median(times);
    let run_ms = summary.elapsed.as_secs_f64() * 1e3;
    println!(
        "report.html for {} scenarios ({} Gherkin steps): {render:.2} ms, {:.2} % of the run's {run_ms:.0} ms over HTTP",
        summary.scenarios.len(),
        summary.steps.len(),
        100.0 * render / run_ms
    );
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    if only == "report" {
        return report_time(rounds).await;
    }
    let browser = match Installation::find() {
        Ok(install) => {
            let pool = BrowserPool::local(&install, BrowserPool::size_for_scenarios(4))
                .await
                .expect("chromedriver starts");
            Some(Arc::new(pool))
        }
        Err(why) => {
            println!("browser not measured: {why}");
            None
        }
    };
    if let Some(pool) = &browser {
        pool.warm(pool.size).await.expect("sessions start");
        let starts: Vec<f64> = pool
            .session_starts()
            .iter()
            .map(|d| d.as_secs_f64() * 1e3)
            .collect();
        println!(
            "browser session start: median {:.0} ms over {} sessions started together",
            median(starts.clone()),
            starts.len()
        );
    }
    let only_audit = only == "audit";
    // Warm-up: first connections, lazily built regexes, browser caches.
    suite(None, 2, DriverChoice::Http, None).await;
    if let Some(pool) = &browser {
        suite(None, 2, DriverChoice::Browser, Some(Arc::clone(pool))).await;
    }
    println!("docproof suite, {rounds} rounds each, median wall time");
    let mut drivers = vec![("http", DriverChoice::Http)];
    if browser.is_some() {
        drivers.push(("browser", DriverChoice::Browser));
    }
    for &(name, driver) in drivers.iter().filter(|_| !only_audit) {
        for (label, tags) in [
            ("without FAQ 4.1 (no waiting)", Some("not @doc-4.1")),
            ("whole suite (4.1 waits ~2.5 s)", None),
        ] {
            for concurrency in [1, 2, 4] {
                let mut walls = Vec::new();
                let (mut scenarios, mut steps) = (Vec::new(), Vec::new());
                let mut count = 0;
                for _ in 0..rounds {
                    let r = suite(tags, concurrency, driver, browser.clone()).await;
                    walls.push(r.wall.as_secs_f64() * 1e3);
                    count = r.scenarios.len();
                    scenarios.extend(r.scenarios);
                    steps.extend(r.steps);
                }
                println!(
                    "  {name:<7} {label:<31} concurrency {concurrency}: {:>8.1} ms for {count} scenarios; median scenario {:.1} ms, median step {:.2} ms",
                    median(walls),
                    median(scenarios),
                    median(steps)
                );
            }
        }
    }
    println!(
        "docproof audit --profile today, concurrency 2, {rounds} rounds each, median wall time"
    );
    for &(name, driver) in &drivers {
        let mut walls = Vec::new();
        let mut drifted = 0;
        for _ in 0..rounds {
            let (wall, d) = audit(driver, browser.clone()).await;
            walls.push(wall.as_secs_f64() * 1e3);
            drifted = d;
        }
        println!(
            "  {name:<7} audit: {:>8.1} ms for 20 scenarios, {drifted} steps drifted",
            median(walls)
        );
    }
    if let Some(pool) = browser {
        pool.shutdown().await;
    }
}
