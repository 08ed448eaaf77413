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
    docproof_command("run", args, report, env)
}

/// `docproof <command>` (`run` or `audit`) with `args`, over HTTP unless
/// they choose a driver, killed after 180 s.
pub fn docproof_command(
    command: &str,
    args: &[&str],
    report: &Path,
    env: &[(&str, &str)],
) -> Output {
    let driver: &[&str] = if args.contains(&"--driver") {
        &[]
    } else {
        &["--driver", "http"]
    };
    let child = Command::new(env!("CARGO_BIN_EXE_docproof"))
        .arg(command)
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
            panic!("docproof {command} {args:?} did not finish within 180 s");
        }
    }
}

/// Runs `docproof run` and checks its exit code, showing all output if it
/// differs; returns the output and its stdout and stderr as text.
pub fn expect_exit(code: i32, args: &[&str], report: &Path) -> (Output, String, String) {
    expect_exit_of("run", code, args, report)
}

/// [`expect_exit`] for `docproof <command>` (`run` or `audit`).
pub fn expect_exit_of(
    command: &str,
    code: i32,
    args: &[&str],
    report: &Path,
) -> (Output, String, String) {
    let out = docproof_command(command, args, report, &[]);
    let (stdout, stderr) = text(&out);
    assert_eq!(
        out.status.code(),
        Some(code),
        "docproof {command} {args:?}\nstdout:\n{stdout}\nstderr:\n{stderr}"
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

/// What CI reads in a JUnit report: its test cases and the messages of
/// their failures and errors.
#[derive(Debug)]
pub struct Junit {
    pub testcases: usize,
    pub problems: Vec<String>,
}

/// Parses the JUnit report at `path`; panics, quoting it, if it is not
/// well-formed XML.
pub fn junit(path: &Path) -> Junit {
    use quick_xml::events::Event;
    let xml = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: cannot read it ({e})", path.display()));
    let mut reader = quick_xml::Reader::from_str(&xml);
    reader.config_mut().check_end_names = true;
    let mut found = Junit {
        testcases: 0,
        problems: vec![],
    };
    let mut depth = 0usize;
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("{} is not XML ({e}):\n{xml}", path.display()));
        let (element, opens) = match &event {
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::End(_) => {
                depth -= 1;
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        match element.name().as_ref() {
            b"testcase" => found.testcases += 1,
            b"failure" | b"error" => {
                let message = element
                    .try_get_attribute("message")
                    .ok()
                    .flatten()
                    .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
                    .map(|v| v.into_owned())
                    .unwrap_or_default();
                found.problems.push(message);
            }
            _ => {}
        }
        depth += usize::from(opens);
    }
    assert_eq!(
        depth,
        0,
        "{} ends with elements open:\n{xml}",
        path.display()
    );
    found
}

/// Files of zero bytes under `dir`: a report cut off by a stop.
pub fn empty_files(dir: &Path) -> Vec<PathBuf> {
    files_under(dir)
        .into_iter()
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() == 0))
        .collect()
}
