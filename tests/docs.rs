//! `cargo test` runs every documented procedure: the scenarios of
//! `features/` against embedded tenants, exactly as `docproof run` does,
//! and prints a libtest-style result line for CI.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,docproof::tenant=error,docproof::settle=info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
    // cargo runs tests from the crate root, so the defaults find features/,
    // fixtures/ and tests/snapshots/.
    let opts = docproof::run::RunOptions {
        report: "target/docproof/cargo-test".into(),
        tags: std::env::var("DOCPROOF_TAGS").ok(),
        ..Default::default()
    };
    let summary = match docproof::run::run(opts).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e:#}");
            println!(
                "test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out"
            );
            return std::process::ExitCode::FAILURE;
        }
    };
    docproof::run::print_summary(&summary);
    let failed = summary.failed() + summary.problems.len();
    let ok = summary.success();
    println!(
        "test result: {}. {} passed; {} failed; 0 ignored; 0 measured; 0 filtered out; finished in {:.2}s",
        if ok { "ok" } else { "FAILED" },
        summary.passed(),
        if ok { 0 } else { failed.max(1) },
        summary.elapsed.as_secs_f64()
    );
    if ok {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
