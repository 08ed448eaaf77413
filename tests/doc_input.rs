//! Hostile and malformed documentation (issue 16): a page nested deeper
//! than any stack, one that never ends or never answers, a doc too large,
//! and a doc that is empty or no FAQ of the features. Each gets a result
//! or one named error, never a crash or a hang.

use docproof::doc::{Doc, Limits};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn docproof(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_docproof"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A file of this test's own in cargo's temporary folder.
fn scratch(name: &str, contents: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("doc_input");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// `depth` nested `<div>`s around a numbered procedure (30,000 is about
/// 150 KB).
fn nested_page(depth: usize) -> String {
    format!(
        "<html><body><h2>2. Set up MFA</h2>\n{}<p>2.1. Click Next.</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    )
}

#[tokio::test]
async fn a_page_nested_30000_deep_is_a_named_error_as_file_and_over_http() {
    // Before, both ended in a stack overflow (exit 134); and parsing such a
    // page takes minutes, so it is refused by its depth.
    let file = scratch("deep.html", nested_page(30_000).as_bytes());
    let started = Instant::now();
    let out = docproof(&["doc", "show", "--doc", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr).trim_end(),
        format!("error: {}:2: the page nests elements more than 512 deep here, deeper than any documentation page; pass --doc with the FAQ's page, or a saved copy of its text", file.display())
    );

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(nested_page(30_000), "text/html"))
        .mount(&server)
        .await;
    let url = format!("{}/deep", server.uri());
    let shown = url.clone();
    let out = tokio::task::spawn_blocking(move || docproof(&["doc", "show", "--doc", &url]))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(&format!(
            "{shown}:2: the page nests elements more than 512 deep"
        )),
        "{}",
        text(&out.stderr)
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );

    // A page nested as deep as allowed is read.
    let file = scratch("deep-enough.html", nested_page(500).as_bytes());
    let out = docproof(&["doc", "show", "--doc", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Click Next."),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_list_numbered_from_the_largest_number_does_not_overflow() {
    // `(start..)` overflowed (a panic in debug builds) on a second item.
    let page = r#"<html><body><h2>2. Set up</h2><ol start="4294967295"><li>One.</li><li>Two.</li></ol></body></html>"#;
    let text = docproof::doc::html::to_text(page).unwrap();
    assert!(text.contains("4294967295. One."), "{text}");
    assert!(text.contains("4294967295. Two."), "{text}");
}

#[test]
fn a_doc_file_over_the_cap_is_refused_naming_the_file_cap_and_flag() {
    let file = scratch("big.txt", &vec![b'x'; 4096]);
    let out = docproof(&[
        "doc",
        "show",
        "--doc",
        file.to_str().unwrap(),
        "--max-doc-size",
        "1KiB",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!(
            "{}: the documentation is larger than 1 KiB (4 KiB)",
            file.display()
        )) && err.contains("--max-doc-size"),
        "{err}"
    );
    // The same file within a raised cap reads.
    let out = docproof(&[
        "doc",
        "show",
        "--doc",
        file.to_str().unwrap(),
        "--max-doc-size",
        "8KiB",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // A device has no length: read up to the cap, then refused.
    let out = docproof(&[
        "doc",
        "show",
        "--doc",
        "/dev/zero",
        "--max-doc-size",
        "64KiB",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("/dev/zero: the documentation is larger than 64 KiB"));

    let out = docproof(&["run", "--max-doc-size", "lots"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--max-doc-size"),
        "{}",
        text(&out.stderr)
    );
}

/// A server that answers 200 and then sends body chunks forever (no
/// Content-Length), or, with `hang`, accepts and never answers.
async fn endless_server(hang: bool) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut request = [0u8; 1024];
                let _ = socket.read(&mut request).await;
                if hang {
                    tokio::time::sleep(Duration::from_secs(600)).await;
                    return;
                }
                let head = "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let line = "3.1.1. Set the status again and again and again.\n".repeat(300);
                let chunk = format!("{:x}\r\n{line}\r\n", line.len());
                while socket.write_all(chunk.as_bytes()).await.is_ok() {}
            });
        }
    });
    format!("http://{addr}/faq.txt")
}

#[tokio::test]
async fn a_page_that_never_ends_is_dropped_at_the_cap() {
    let url = endless_server(false).await;
    let started = Instant::now();
    let e = Doc::load_within(&url, Limits::capped(1 << 20))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(&format!(
            "{url}: the documentation is larger than 1 MiB (it kept coming)"
        )) && e.contains("--max-doc-size"),
        "{e}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );

    // The binary too, with its flag.
    let out = tokio::task::spawn_blocking(move || {
        docproof(&["doc", "show", "--doc", &url, "--max-doc-size", "2MiB"])
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("larger than 2 MiB"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test]
async fn a_page_announced_over_the_cap_is_not_read() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![b'x'; 3 << 20], "text/plain"))
        .mount(&server)
        .await;
    let url = format!("{}/faq.txt", server.uri());
    let e = Doc::load_within(&url, Limits::capped(1 << 20))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("larger than 1 MiB (3 MiB announced)"), "{e}");
}

#[tokio::test]
async fn a_page_that_never_answers_times_out_with_a_named_error() {
    let url = endless_server(true).await;
    let limits = Limits {
        timeout: Duration::from_secs(1),
        ..Limits::default()
    };
    let started = Instant::now();
    let e = Doc::load_within(&url, limits)
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        format!("{url}: the page did not arrive within 1 s; check that the server is up and serves the page, or pass --doc with a saved copy")
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn an_empty_doc_stops_the_run_with_one_message_before_any_scenario() {
    let empty = scratch("empty.txt", b"");
    let report = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("doc_input-empty-report");
    let out = docproof(&[
        "run",
        "--doc",
        empty.to_str().unwrap(),
        "--driver",
        "http",
        "--quiet",
        "--report",
        report.to_str().unwrap(),
    ]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(
        errors,
        vec![format!(
            "error: {}: the documentation has no numbered procedures (no `3.1 Title` headings with `3.1.1. …` steps or numbered lists under them); it is empty or not the FAQ: pass --doc with the FAQ the features in features/ transcribe",
            empty.display()
        )],
        "{stderr}"
    );
    assert!(
        !stdout.contains("scenarios passed, 0 failed (1"),
        "no scenario ran: {stdout}"
    );
    assert!(stdout.contains("0 scenarios passed"), "{stdout}");
}

#[test]
fn an_unrelated_doc_is_one_message_naming_what_the_features_cite() {
    let other = scratch(
        "other.txt",
        b"1. Getting started\n\n1.1 Install\n\n1.1.1. Download the installer.\n\n1.1.2. Run it.\n",
    );
    let out = docproof(&["doc", "check", "--quiet", "--doc", other.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(
            "has none of the procedures the features cite (they cite 2, 3.1, 3.2, 4.1; it has 1.1)"
        ),
        "{stderr}"
    );
    // Nor does accepting it empty the lock.
    let features = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("doc_input-accept");
    std::fs::create_dir_all(&features).unwrap();
    std::fs::copy(
        "tests/fixtures/features/failing/wrong-status.feature",
        features.join("wrong-status.feature"),
    )
    .unwrap();
    let _ = std::fs::remove_file(features.join("doc.lock"));
    let out = docproof(&[
        "doc",
        "accept",
        "--doc",
        other.to_str().unwrap(),
        "--features",
        features.to_str().unwrap(),
    ]);
    assert!(!features.join("doc.lock").exists());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("the lock was not written"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_doc_read_error_says_its_cause_once() {
    let out = docproof(&["doc", "show", "--doc", "fixtures/docs/no-such-faq.txt"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr.matches("No such file or directory").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn a_doc_that_is_not_utf8_names_the_line_and_column() {
    let bad = scratch("latin1.txt", b"2. Set up\n\n2.1. Click caf\xe9.\n");
    let out = docproof(&["doc", "show", "--doc", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(&format!(
            "{}:3:15: not UTF-8 text (byte 0xE9",
            bad.display()
        )),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn concurrency_zero_is_refused_naming_the_flag() {
    let out = docproof(&["run", "--concurrency", "0"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("'--concurrency <CONCURRENCY>'") && stderr.contains("pass 1 or more"),
        "{stderr}"
    );
}

#[test]
fn a_long_doc_reads_in_time_growing_with_its_length() {
    // Each continuation line searched every step read so far: 60,000 steps
    // (4 MB, within the cap) took minutes.
    let mut text = String::from("1. Section\n\n1.1 Procedure\n\n");
    for n in 1..=60_000 {
        text.push_str(&format!(
            "1.1.{n}. Click the button number {n}.\ncontinued for {n}.\n"
        ));
    }
    let started = Instant::now();
    let doc =
        docproof::doc::parse::parse(&text, docproof::doc::parse::Format::WikiText, "long.txt");
    let elapsed = started.elapsed();
    let step = doc.step("1.1.60000").expect("the last step");
    assert_eq!(step.details[0].text, "continued for 60000.");
    assert_eq!(
        doc.step("1.1.7").unwrap().details[0].text,
        "continued for 7."
    );
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");

    // As many procedures, and as many sections: each found by an index,
    // not by a search of those before it.
    let mut text = String::from("1. Section\n\n");
    for n in 1..=60_000 {
        text.push_str(&format!("1.{n}.1. Step of procedure {n}.\n"));
    }
    for n in 2..=30_000 {
        text.push_str(&format!(
            "{n}. Section {n}\n{n}.1 Procedure\n{n}.1.1. Step {n}.\n"
        ));
    }
    let started = Instant::now();
    let doc =
        docproof::doc::parse::parse(&text, docproof::doc::parse::Format::WikiText, "wide.txt");
    let elapsed = started.elapsed();
    assert_eq!(doc.sections.len(), 30_000);
    assert_eq!(doc.sections[0].procedures.len(), 60_000);
    assert_eq!(
        doc.step("1.60000.1").unwrap().text,
        "Step of procedure 60000."
    );
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}
