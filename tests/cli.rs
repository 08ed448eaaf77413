//! The `docproof` binary as a person starts it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn docproof() -> Command {
    Command::new(env!("CARGO_BIN_EXE_docproof"))
}

#[tokio::test]
async fn serve_prints_its_urls_and_accounts_and_serves_them() {
    let mut child = docproof()
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--propagation-delay",
            "2s",
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = Vec::new();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    for line in stdout.lines() {
        let line = line.unwrap();
        let done = line.starts_with("Press Ctrl-C");
        lines.push(line);
        if done {
            break;
        }
    }
    let out = lines.join("\n");
    for expected in [
        "OWA (sign-in):",
        "Admin center:",
        "Virtual phone:",
        "o365.sms@cloudbacko-qa.onmicrosoft.com",
        "o365.call@cloudbacko-qa.onmicrosoft.com",
        "o365.backup@cloudbacko-qa.onmicrosoft.com",
        "global admin",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    assert!(
        !out.contains("Passw0rd"),
        "passwords are not printed:\n{out}"
    );
    let owa = out
        .lines()
        .find_map(|l| l.split_whitespace().find(|w| w.ends_with("/owa")))
        .unwrap()
        .to_string();
    let page = reqwest::get(&owa).await.unwrap().text().await.unwrap();
    assert!(page.contains(r#"name="loginfmt""#), "{page}");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn serve_refuses_a_missing_tenant_file_naming_it() {
    let out = docproof()
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--tenant",
            "no/such/tenant.toml",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no/such/tenant.toml") && err.contains("--tenant"),
        "{err}"
    );
}

#[test]
fn serve_refuses_a_bad_duration_with_an_example() {
    let out = docproof()
        .args(["serve", "--propagation-delay", "soon"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("'soon' is not a duration") && err.contains("2s"),
        "{err}"
    );
}
