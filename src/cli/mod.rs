//! The front door: the command line, and the one place that maps how a
//! command ended to the process's exit code (0 passed, 1 failed or drift
//! found, 2 could not start, 128 + the signal's number when stopped by a
//! signal: 130 for SIGINT, 143 for SIGTERM).

mod audit;
pub mod doc;
mod init;
mod report;
mod run;
mod serve;

use crate::run::browsers::{DriverChoice, REQUIRE_BROWSER_ENV};
use clap::builder::FalseyValueParser;
use clap::{Parser, Subcommand};
use docproof_contract::profile::Profile;
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
    Run(RunCmd),
    /// Run the doc's own features against today's service (or another
    /// profile) and write drift.md and drift.json: one verdict per numbered
    /// step (holds, drifted, not-reached), with today's way for each
    /// drifted one. Exits 0 when it ran (findings are its output), 1 with
    /// --fail-on-drift when a step drifted, 2 when it could not judge.
    Audit(AuditCmd),
    /// Serve the embedded Microsoft 365 tenant simulator until interrupted.
    Serve(ServeArgs),
    /// The documentation: show its model, check the features against it
    /// (drift gate), accept its wording after a review.
    #[command(subcommand)]
    Doc(DocCommand),
    /// Work on report folders: `merge` joins the folders of shards
    /// (`run --shard i/n`) into one report.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Write a feature file per procedure of a doc (any doc: Markdown,
    /// HTML, DokuWiki, the wiki's text), every step cited and pending, and
    /// record their wording in the lock.
    Init(InitArgs),
}

#[derive(clap::Args)]
pub struct InitArgs {
    #[command(flatten)]
    doc: doc::DocArgs,
    /// Folder the feature files and their doc.lock are written to.
    #[arg(long, default_value = "features")]
    features: PathBuf,
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

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Join the report folders of shards into one report, as one run of
    /// them all would have written it (JUnit, Cucumber JSON, summary.md,
    /// coverage.md, report.html and their screenshots); exit 1 if the
    /// merged run failed.
    Merge {
        /// The shards' report folders.
        #[arg(required = true, value_name = "DIR")]
        folders: Vec<PathBuf>,
        /// Where the merged report is written.
        #[arg(long, default_value = "target/docproof")]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum DocFormat {
    Yaml,
    Json,
}

#[derive(clap::Args)]
pub struct RunCmd {
    #[command(flatten)]
    common: RunArgs,
    /// Where transcript snapshots live.
    #[arg(long, default_value = "tests/snapshots")]
    snapshots: PathBuf,
    /// Do not compare transcripts with their snapshots.
    #[arg(long)]
    no_snapshots: bool,
    /// Which Microsoft 365 the simulator plays: faq-2020 (the service as
    /// the FAQ shows it) or today (as a user meets it today).
    #[arg(long, default_value = "faq-2020", value_parser = parse_profile)]
    profile: Profile,
}

#[derive(clap::Args)]
pub struct AuditCmd {
    #[command(flatten)]
    common: RunArgs,
    /// Which Microsoft 365 the doc is audited against: today (as a user
    /// meets it today) or faq-2020 (where every step should hold).
    #[arg(long, default_value = "today", value_parser = parse_profile)]
    profile: Profile,
    /// Exit 1 when any step drifted or was not reached (a release gate);
    /// by default the audit exits 0 once it has judged every step.
    #[arg(long)]
    fail_on_drift: bool,
}

/// What `run` and `audit` share: the features, the doc, the browser, the
/// tenant and the report folder.
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
    /// Print only failures and the summary, not every step.
    #[arg(long, short)]
    quiet: bool,
    /// Run only shard i of n (e.g. 1/2): the selected scenarios, ordered by
    /// file and line, cut into n even blocks; each CI machine runs one.
    #[arg(long, value_name = "i/n", value_parser = parse_shard)]
    shard: Option<crate::run::shard::Shard>,
    /// Run only the scenarios that did not pass in the last run whose
    /// reports are in --report (read from its run.json).
    #[arg(long)]
    last_failed: bool,
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
    /// Which Microsoft 365 to serve: faq-2020 (the service as the FAQ
    /// shows it) or today (as a user meets it today).
    #[arg(long, default_value = "faq-2020", value_parser = parse_profile)]
    profile: Profile,
}

/// `--concurrency`: a whole number of scenarios, at least one.
fn parse_concurrency(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("0 scenarios at once would run nothing; pass 1 or more (or leave --concurrency out for the default)".to_string()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("'{s}' is not a number of scenarios; pass a whole number, 1 or more")),
    }
}

/// `--shard`: `i/n`.
fn parse_shard(s: &str) -> Result<crate::run::shard::Shard, String> {
    s.parse()
}

/// `--profile`: a profile's name.
fn parse_profile(s: &str) -> Result<Profile, String> {
    s.parse()
        .map_err(|e: docproof_contract::profile::UnknownProfile| e.to_string())
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
    /// Ctrl-C or SIGTERM; `done` says what was cleaned up and reported.
    Interrupted { signal: Signal, done: String },
}

/// The signals that stop a command cleanly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// Ctrl-C.
    Int,
    /// `kill`, a CI job's cancel, a container's stop.
    Term,
}

impl Signal {
    fn number(self) -> nix::sys::signal::Signal {
        match self {
            Signal::Int => nix::sys::signal::Signal::SIGINT,
            Signal::Term => nix::sys::signal::Signal::SIGTERM,
        }
    }

    /// `SIGINT`, `SIGTERM`.
    pub fn name(self) -> &'static str {
        self.number().as_str()
    }

    /// How a shell reports a process this signal ended: 128 + its number.
    pub fn exit_code(self) -> u8 {
        128 + self.number() as u8
    }

    /// What happened, in the console's words.
    fn verb(self) -> &'static str {
        match self {
            Signal::Int => "interrupted",
            Signal::Term => "terminated",
        }
    }
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
            Ending::Interrupted { signal, done } => {
                eprintln!("docproof: {}; {done} ({})", signal.verb(), signal.name());
                ExitCode::from(signal.exit_code())
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
        Command::Run(_) | Command::Audit(_) => {
            "warn,docproof_simulator=error,docproof::settle=info"
        }
        Command::Serve(_) => "info",
        Command::Doc(_) | Command::Init(_) | Command::Report(_) => "warn",
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
        Command::Run(args) => run::run(args).await,
        Command::Audit(args) => audit::audit(args).await,
        Command::Serve(args) => serve::serve(args).await,
        Command::Doc(cmd) => doc::doc(cmd).await,
        Command::Init(args) => init::init(args).await,
        Command::Report(ReportCommand::Merge { folders, out }) => report::merge(folders, out).await,
    };
    ending.exit()
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM, naming which. Until it is
/// first polled, the signals keep their default action (the process ends).
async fn interrupted() -> Signal {
    use tokio::signal::unix::{signal, SignalKind};
    let (int, term) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    );
    match (int, term) {
        (Ok(mut int), Ok(mut term)) => tokio::select! {
            _ = int.recv() => Signal::Int,
            _ = term.recv() => Signal::Term,
        },
        // No handler could be installed: only Ctrl-C, as tokio can.
        _ => {
            let _ = tokio::signal::ctrl_c().await;
            Signal::Int
        }
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
