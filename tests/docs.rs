//! `cargo test` runs every documented procedure: the scenarios of
//! `features/` against embedded tenants, exactly as `docproof run` does —
//! once over plain HTTP, always, and once in a real browser (Chromium over
//! WebDriver) where one is installed. Each pass prints a libtest-style
//! result line for CI. Without a browser the browser pass says it did not
//! run, unless DOCPROOF_REQUIRE_BROWSER=1 (as in CI) makes that a failure.

use docproof::run::browsers::{browser_required_by_env, BrowserOptions, DriverChoice};
use docproof::run::RunOptions;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Ctrl-C drops the passes, and with them chromedriver and its browsers
    // (in their own process group, so the terminal's signal misses them).
    tokio::select! {
        code = both_passes() => code,
        _ = tokio::signal::ctrl_c() => {
            eprintln!("docproof scenarios: interrupted; browsers closed");
            std::process::ExitCode::from(130)
        }
    }
}

async fn both_passes() -> std::process::ExitCode {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,docproof_simulator=error,docproof::settle=info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
    let http = pass(
        "over HTTP",
        DriverChoice::Http,
        "target/docproof/cargo-test",
    )
    .await;
    let browser = match docproof::drive::browser::chromedriver::Installation::find() {
        Err(why) if !browser_required_by_env() => {
            println!("browser pass not run: {why}");
            true
        }
        _ => {
            pass(
                "in a real browser",
                DriverChoice::Browser,
                "target/docproof/cargo-test-browser",
            )
            .await
        }
    };
    if http && browser {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}

/// One run of every scenario with `driver`; prints its result line.
async fn pass(label: &str, driver: DriverChoice, report: &str) -> bool {
    // cargo runs tests from the crate root, so the defaults find features/,
    // fixtures/ and tests/snapshots/.
    let opts = RunOptions {
        report: report.into(),
        tags: std::env::var("DOCPROOF_TAGS").ok(),
        browser: BrowserOptions {
            driver,
            require_browser: true,
            ..Default::default()
        },
        verbose: false,
        ..Default::default()
    };
    println!("docproof scenarios {label}:");
    let summary = match docproof::run::run(opts).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e:#}");
            println!(
                "test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out"
            );
            return false;
        }
    };
    docproof::run::print_summary(&summary);
    let failed = summary.failed() + summary.problems.len() + summary.doc_problems.len();
    let ok = summary.success();
    println!(
        "test result: {}. {} passed; {} failed; 0 ignored; 0 measured; 0 filtered out; finished in {:.2}s",
        if ok { "ok" } else { "FAILED" },
        summary.passed(),
        if ok { 0 } else { failed.max(1) },
        summary.elapsed.as_secs_f64()
    );
    ok
}
