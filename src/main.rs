//! `docproof`: see `docproof::cli` (the command line and its exit codes).

#[tokio::main]
async fn main() -> std::process::ExitCode {
    docproof::cli::main().await
}
