//! The front door: the command line, and the one place that maps how a
//! command ended to the process's exit code (0 passed, 1 failed or drift
//! found, 2 could not start, 130 interrupted).

pub mod doc;
mod run;
mod serve;

use crate::run::browsers::{DriverChoice, REQUIRE_BROWSER_ENV};
use clap::builder::FalseyValueParser;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "docproof",
    version,
    about = "Proves that documented procedures still work"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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
pub enum DocCommand {
    /// Print the FAQ's sections, procedures, steps, quoted labels and images.
    Show {
        #[command(flatten)]
        doc: doc::DocArgs,
        #[arg(long, value_enum, default_value = "yaml")]
        format: DocFormat,
    },
    /// Fail (exit 1) if a FAQ step is transcribed by no Gherkin step, a
    /// citation names a step the FAQ lacks, or a step's wording changed
    /// since it was transcribed (features/doc.lock); print the coverage matrix.
    Check {
        #[command(flatten)]
        doc: doc::DocArgs,
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
        #[command(flatten)]
        doc: doc::DocArgs,
        #[arg(long, default_value = "features")]
        features: PathBuf,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum DocFormat {
    Yaml,
    Json,
}

#[derive(clap::Args)]
pub struct RunArgs {
    /// Folder of Gherkin feature files (or one file).
    #[arg(long, default_value = "features")]
    features: PathBuf,
    #[command(flatten)]
    doc: doc::DocArgs,
    /// Only scenarios matching this tag expression, e.g. '@doc-3.1'.
    #[arg(long)]
    tags: Option<String>,
    /// Where JUnit XML, Cucumber JSON and transcripts are written.
    #[arg(long, default_value = "target/docproof")]
    report: PathBuf,
    /// How many scenarios run at once (default: the cores, at most 8, in a
    /// real browser, which opens two sessions per scenario; twice the
    /// cores over HTTP).
    #[arg(long, value_parser = parse_concurrency)]
    concurrency: Option<usize>,
    /// Walk the pages in a real browser (Chromium over WebDriver), over
    /// plain HTTP, or in a browser when one is found (auto).
    #[arg(long, value_enum, default_value_t = DriverChoice::Auto)]
    driver: DriverChoice,
    /// Use this WebDriver server (Selenium Grid, a cloud grid, a
    /// chromedriver of your own) instead of starting chromedriver.
    #[arg(long, value_name = "URL")]
    webdriver: Option<String>,
    /// Fail when no browser is found instead of running over HTTP.
    #[arg(long, env = REQUIRE_BROWSER_ENV, value_parser = FalseyValueParser::new())]
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
pub struct ServeArgs {
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

/// `--concurrency`: a whole number of scenarios, at least one.
fn parse_concurrency(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("0 scenarios at once would run nothing; pass 1 or more (or leave --concurrency out for the default)".to_string()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("'{s}' is not a number of scenarios; pass a whole number, 1 or more")),
    }
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s)
        .map_err(|e| format!("'{s}' is not a duration ({e}); write e.g. 2s, 500ms or 1m"))
}

/// How a command ended.
#[derive(Debug)]
pub enum Ending {
    /// Everything checked held.
    Passed,
    /// A step failed, the doc drifted, a transcript changed: said already.
    Failed,
    /// The command could not do its job at all (bad input, unreadable file,
    /// no browser when one is required).
    CannotStart(anyhow::Error),
    /// Ctrl-C or SIGTERM.
    Interrupted(&'static str),
}

impl Ending {
    /// `Passed` when `ok`, else `Failed`.
    pub fn from_verdict(ok: bool) -> Ending {
        if ok {
            Ending::Passed
        } else {
            Ending::Failed
        }
    }

    /// The exit code, and what to say on the way out.
    pub fn exit(self) -> ExitCode {
        match self {
            Ending::Passed => ExitCode::SUCCESS,
            Ending::Failed => ExitCode::from(1),
            Ending::CannotStart(e) => {
                eprintln!("error: {}", cause_chain(&e));
                ExitCode::from(2)
            }
            Ending::Interrupted(signal) => {
                eprintln!("docproof: {signal}; browsers closed, nothing reported");
                ExitCode::from(130)
            }
        }
    }
}

/// An error and its causes on one line, each cause once: many messages
/// already quote their cause ("cannot read the tenant file (No such
/// file…)"), and saying it twice reads as two problems.
fn cause_chain(e: &anyhow::Error) -> String {
    let mut line = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !line.contains(&cause) {
            line.push_str(": ");
            line.push_str(&cause);
        }
    }
    line
}

impl From<anyhow::Error> for Ending {
    fn from(e: anyhow::Error) -> Ending {
        Ending::CannotStart(e)
    }
}

/// Parses the command line, sets up logging, runs the command.
pub async fn main() -> ExitCode {
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
    let ending = match cli.command {
        // Ctrl-C or SIGTERM drops the run, and with it chromedriver and
        // every browser it started (their guards clean up on drop).
        Command::Run(args) => tokio::select! {
            ending = run::run(args) => ending,
            signal = interrupted() => Ending::Interrupted(signal),
        },
        Command::Serve(args) => serve::serve(args).await,
        Command::Doc(cmd) => doc::doc(cmd).await,
    };
    ending.exit()
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

#[cfg(test)]
mod tests {
    use super::cause_chain;

    #[test]
    fn a_cause_already_quoted_is_not_repeated() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let quoted = anyhow::Error::new(io).context("x.toml: cannot read it (no such file)");
        assert_eq!(
            cause_chain(&quoted),
            "x.toml: cannot read it (no such file)"
        );
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let unquoted = anyhow::Error::new(io).context("starting the tenant");
        assert_eq!(cause_chain(&unquoted), "starting the tenant: no such file");
    }
}
