//! `docproof`: the command line. `run` proves the documented procedures
//! (the main job); `serve` runs the Microsoft 365 tenant simulator for
//! people exploring by hand; `doc` shows the FAQ's model and checks the
//! features against it.

use clap::{Parser, Subcommand};
use docproof::run::browsers::{browser_required_by_env, BrowserOptions, DriverChoice};
use docproof_simulator::{Settings, TenantFile};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "docproof",
    version,
    about = "Proves that documented procedures still work"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every documented procedure (features/) against an embedded
    /// tenant; exit non-zero if any step fails, is undefined or ambiguous.
    Run(RunArgs),
    /// Serve the embedded Microsoft 365 tenant simulator until interrupted.
    Serve(ServeArgs),
    /// The documentation: show its model, check the features against it
    /// (drift gate), accept its wording after a review.
    #[command(subcommand)]
    Doc(DocCommand),
}

#[derive(Subcommand)]
enum DocCommand {
    /// Print the FAQ's sections, procedures, steps, quoted labels and images.
    Show {
        /// The FAQ: a file (.txt wiki text, .md Markdown) or an http(s) URL.
        #[arg(long, default_value = "fixtures/docs/office-365-mfa.txt")]
        doc: String,
        #[arg(long, value_enum, default_value = "yaml")]
        format: DocFormat,
    },
    /// Fail (exit 1) if a FAQ step is transcribed by no Gherkin step, a
    /// citation names a step the FAQ lacks, or a step's wording changed
    /// since it was transcribed (features/doc.lock); print the coverage matrix.
    Check {
        #[arg(long, default_value = "fixtures/docs/office-365-mfa.txt")]
        doc: String,
        /// Folder of Gherkin feature files; its doc.lock records the wording.
        #[arg(long, default_value = "features")]
        features: PathBuf,
        /// Where coverage.md is written.
        #[arg(long, default_value = "target/docproof")]
        report: PathBuf,
        /// Print only problems and the summary line, not the matrix.
        #[arg(long, short)]
        quiet: bool,
    },
    /// After reviewing the features against the FAQ, record the wording of
    /// every step they cite in features/doc.lock.
    Accept {
        #[arg(long, default_value = "fixtures/docs/office-365-mfa.txt")]
        doc: String,
        #[arg(long, default_value = "features")]
        features: PathBuf,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum DocFormat {
    Yaml,
    Json,
}

#[derive(clap::Args)]
struct RunArgs {
    /// Folder of Gherkin feature files (or one file).
    #[arg(long, default_value = "features")]
    features: PathBuf,
    /// The documentation the features transcribe.
    #[arg(long, default_value = "fixtures/docs/office-365-mfa.txt")]
    doc: PathBuf,
    /// Only scenarios matching this tag expression, e.g. '@doc-3.1'.
    #[arg(long)]
    tags: Option<String>,
    /// Where JUnit XML, Cucumber JSON and transcripts are written.
    #[arg(long, default_value = "target/docproof")]
    report: PathBuf,
    /// How many scenarios run at once (default: the cores, at most 8, in a
    /// real browser, which opens two sessions per scenario; twice the
    /// cores over HTTP).
    #[arg(long)]
    concurrency: Option<usize>,
    /// Walk the pages in a real browser (Chromium over WebDriver), over
    /// plain HTTP, or in a browser when one is found (auto).
    #[arg(long, value_enum, default_value_t = DriverChoice::Auto)]
    driver: DriverChoice,
    /// Use this WebDriver server (Selenium Grid, a cloud grid, a
    /// chromedriver of your own) instead of starting chromedriver.
    #[arg(long, value_name = "URL")]
    webdriver: Option<String>,
    /// Fail when no browser is found instead of running over HTTP (also
    /// set by DOCPROOF_REQUIRE_BROWSER=1).
    #[arg(long)]
    require_browser: bool,
    /// The tenant file the embedded tenant is seeded from.
    #[arg(long, default_value = "fixtures/tenant.toml")]
    tenant: PathBuf,
    /// Where transcript snapshots live.
    #[arg(long, default_value = "tests/snapshots")]
    snapshots: PathBuf,
    /// Do not compare transcripts with their snapshots.
    #[arg(long)]
    no_snapshots: bool,
    /// Print only failures and the summary, not every step.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8400")]
    addr: SocketAddr,
    /// The tenant file: users, passwords, phones, MFA status, apps.
    #[arg(long, default_value = "fixtures/tenant.toml")]
    tenant: PathBuf,
    /// Base URL of a Twilio-compatible telephony API (default: the embedded
    /// virtual carrier at <addr>/carrier).
    #[arg(long)]
    telephony_url: Option<String>,
    /// How long a change of MFA status, registration or app passwords takes
    /// to reach sign-in (FAQ 4.1), e.g. 2s, 500ms.
    #[arg(long, default_value = "0s", value_parser = parse_duration)]
    propagation_delay: Duration,
    /// Random extra propagation delay, up to this much.
    #[arg(long, default_value = "0s", value_parser = parse_duration)]
    propagation_jitter: Duration,
    /// How long a texted code stays valid.
    #[arg(long, default_value = "10m", value_parser = parse_duration)]
    code_lifetime: Duration,
    /// How long a verification call may ring unanswered.
    #[arg(long, default_value = "120s", value_parser = parse_duration)]
    call_timeout: Duration,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s)
        .map_err(|e| format!("'{s}' is not a duration ({e}); write e.g. 2s, 500ms or 1m"))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // A run keeps the console for its progress: only warnings and the
    // FAQ 4.1 retries, unless RUST_LOG asks for more.
    let default_filter = match cli.command {
        Command::Run(_) => "warn,docproof_simulator=error,docproof::settle=info",
        Command::Serve(_) => "info",
        Command::Doc(_) => "warn",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| default_filter.into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .init();
    let result = match cli.command {
        Command::Run(args) => return run(args).await,
        Command::Serve(args) => serve(args).await,
        Command::Doc(cmd) => return std::process::ExitCode::from(doc(cmd).await),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: RunArgs) -> std::process::ExitCode {
    let opts = docproof::run::RunOptions {
        features: args.features,
        doc: args.doc,
        tags: args.tags,
        report: args.report,
        concurrency: args.concurrency,
        browser: BrowserOptions {
            driver: args.driver,
            webdriver: args.webdriver,
            require_browser: args.require_browser || browser_required_by_env(),
            pool: None,
        },
        tenant: args.tenant,
        snapshots: (!args.no_snapshots).then_some(args.snapshots),
        verbose: !args.quiet,
    };
    // Ctrl-C or SIGTERM drops the run, and with it chromedriver and every
    // browser it started (their guards clean up on drop).
    let outcome = tokio::select! {
        r = docproof::run::run(opts) => r,
        signal = interrupted() => {
            eprintln!("docproof: {signal}; browsers closed, nothing reported");
            return std::process::ExitCode::from(130);
        }
    };
    match outcome {
        Ok(summary) => {
            docproof::run::print_summary(&summary);
            if summary.success() {
                std::process::ExitCode::SUCCESS
            } else {
                std::process::ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

async fn doc(cmd: DocCommand) -> u8 {
    use docproof::doc::command::{self, ShowFormat};
    match cmd {
        DocCommand::Show { doc, format } => {
            let format = match format {
                DocFormat::Yaml => ShowFormat::Yaml,
                DocFormat::Json => ShowFormat::Json,
            };
            command::show(&doc, format).await
        }
        DocCommand::Check {
            doc,
            features,
            report,
            quiet,
        } => command::check(&doc, &features, &report, quiet).await,
        DocCommand::Accept { doc, features } => command::accept(&doc, &features).await,
    }
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM, naming which.
async fn interrupted() -> &'static str {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return "interrupted";
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "interrupted",
        _ = term.recv() => "terminated",
    }
}

/// A thin wrapper over the simulator's own `serve`.
async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let file = TenantFile::load(&args.tenant)?;
    let mut settings = Settings {
        propagation_delay: args.propagation_delay,
        propagation_jitter: args.propagation_jitter,
        code_lifetime: args.code_lifetime,
        call_timeout: args.call_timeout,
        ..Settings::default()
    };
    settings.telephony.base_url = args.telephony_url;
    docproof_simulator::serve(file, settings, args.addr, &args.tenant).await?;
    Ok(())
}
