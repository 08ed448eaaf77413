//! Running the real `docproof` binary from tests, under a deadline.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// Runs `docproof run` with `args`; a run that has not finished after two
/// minutes is killed and fails the test (a hang must not stall CI).
///
/// Runs over HTTP unless `args` choose a driver: these tests are about the
/// gate, not the browser (`tests/browser.rs` is).
pub fn docproof(args: &[&str], report: &Path) -> Output {
    docproof_with(args, report, &[])
}

/// [`docproof`] with extra environment variables.
pub fn docproof_with(args: &[&str], report: &Path, env: &[(&str, &str)]) -> Output {
    let driver: &[&str] = if args.contains(&"--driver") {
        &[]
    } else {
        &["--driver", "http"]
    };
    let child = Command::new(env!("CARGO_BIN_EXE_docproof"))
        .arg("run")
        .args(["--report", report.to_str().unwrap()])
        .args(driver)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the docproof binary runs");
    let pid = child.id();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    match finished.recv_timeout(Duration::from_secs(180)) {
        Ok(out) => out.expect("the docproof binary runs"),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("docproof run {args:?} did not finish within 180 s");
        }
    }
}

/// Runs `docproof run` and checks its exit code, showing all output if it
/// differs; returns the output and its stdout and stderr as text.
pub fn expect_exit(code: i32, args: &[&str], report: &Path) -> (Output, String, String) {
    let out = docproof(args, report);
    let (stdout, stderr) = text(&out);
    assert_eq!(
        out.status.code(),
        Some(code),
        "docproof run {args:?}\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    (out, stdout, stderr)
}

pub fn report_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

pub fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Every file under `dir`, at any depth.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p)
            } else {
                files.push(p)
            }
        }
    }
    files
}
