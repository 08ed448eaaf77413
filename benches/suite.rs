//! `cargo bench --bench suite`: wall time of the whole documented-procedure
//! suite over HTTP, as `docproof run` runs it, at several concurrencies.
//! Not a test: it reports, it does not judge. FAQ 4.1's scenarios wait for
//! their configured propagation delay (1 s) by design, so they are measured
//! apart from the rest.

use docproof::run::{run, RunOptions};
use std::time::Duration;

const ROUNDS: usize = 7;

async fn suite(tags: Option<&str>, concurrency: usize) -> (Duration, usize) {
    let opts = RunOptions {
        tags: tags.map(str::to_string),
        concurrency: Some(concurrency),
        snapshots: None,
        verbose: false,
        report: "target/docproof/bench".into(),
        ..RunOptions::default()
    };
    let summary = run(opts).await.expect("the suite runs");
    assert!(
        summary.success(),
        "the suite failed: {:?}",
        summary.problems
    );
    (summary.elapsed, summary.scenarios.len())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    // Warm-up: first connections, lazily built regexes.
    suite(None, 4).await;
    println!("docproof suite over HTTP, {ROUNDS} rounds each, median wall time");
    for (label, tags) in [
        ("without FAQ 4.1 (no waiting)", Some("not @doc-4.1")),
        ("whole suite (4.1 waits 1 s)", None),
    ] {
        for concurrency in [1, 2, 4, 8] {
            let mut times = Vec::new();
            let mut scenarios = 0;
            for _ in 0..ROUNDS {
                let (t, n) = suite(tags, concurrency).await;
                times.push(t);
                scenarios = n;
            }
            let m = median(times);
            println!(
                "  {label:<30} concurrency {concurrency}: {:>7.1} ms for {scenarios} scenarios ({:.1} ms per scenario)",
                m.as_secs_f64() * 1e3,
                m.as_secs_f64() * 1e3 / scenarios as f64
            );
        }
    }
}
