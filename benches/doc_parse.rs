//! `cargo bench --bench doc_parse`: how long the doc model takes to read a
//! 1 MB doc in each format (the goal: under 100 ms). The docs are the
//! guide fixture repeated under distinct headings until they pass 1 MB.
//! Not a test: it reports the median of `BENCH_ROUNDS` (default 5) reads;
//! `BENCH_ONLY=HTML` (or another format's name) reads one format only.

use docproof::doc::load::{model_of, Written};
use std::time::{Duration, Instant};

const TARGET_BYTES: usize = 1 << 20;

fn main() {
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    for (name, file, written) in [
        (
            "Markdown",
            "fixtures/docs/guides/migrate-modern-auth.md",
            Written::Markdown,
        ),
        (
            "HTML",
            "fixtures/docs/guides/migrate-modern-auth.html",
            Written::Html,
        ),
        (
            "DokuWiki",
            "fixtures/docs/guides/migrate-modern-auth.dokuwiki.txt",
            Written::Text,
        ),
        (
            "wiki text (the FAQ)",
            "fixtures/docs/office-365-mfa.txt",
            Written::Text,
        ),
    ] {
        // `BENCH_ONLY=HTML` reads one format (to profile it alone).
        if std::env::var("BENCH_ONLY").is_ok_and(|only| !name.starts_with(only.as_str())) {
            continue;
        }
        let one = std::fs::read_to_string(file).expect("the fixture reads");
        let doc = grow(&one, written);
        let mut times: Vec<Duration> = (0..rounds)
            .map(|_| {
                let started = Instant::now();
                let model = model_of(&doc, written, name).expect("the doc reads");
                let took = started.elapsed();
                assert!(
                    model.steps_to_transcribe().count() > 0,
                    "{name}: no steps read"
                );
                took
            })
            .collect();
        times.sort();
        println!(
            "{name}: {:.0} KB in {:.1} ms (median of {rounds})",
            doc.len() as f64 / 1024.0,
            times[times.len() / 2].as_secs_f64() * 1000.0
        );
    }
}

/// `one` repeated past [`TARGET_BYTES`], each copy under its own heading
/// (the FAQ: renumbered sections) so that every step keeps its own id.
fn grow(one: &str, written: Written) -> String {
    if written == Written::Html {
        return grow_html(one);
    }
    let mut out = String::new();
    let mut n = 0;
    while out.len() < TARGET_BYTES {
        n += 1;
        let copy = match written {
            Written::Html => unreachable!("grown by grow_html"),
            Written::Markdown => one.replacen("# ", &format!("# Part {n}: "), 1),
            Written::Text if one.contains("======") => {
                one.replacen("====== ", &format!("====== Part {n}: "), 1)
            }
            Written::Text => one.to_string(),
        };
        out.push_str(&copy);
        out.push('\n');
    }
    out
}

/// One page whose `<main>` holds the guide's `<main>` repeated past
/// [`TARGET_BYTES`], each copy under its own H1: the reader reads only the
/// first `<main>`, so copies of the whole page would be skipped unread.
fn grow_html(one: &str) -> String {
    let start = one.find("<main>").expect("the fixture has <main>") + "<main>".len();
    let end = one.find("</main>").expect("the fixture has </main>");
    let (head, main, tail) = (&one[..start], &one[start..end], &one[end..]);
    let mut out = head.to_string();
    let mut n = 0;
    while out.len() + tail.len() < TARGET_BYTES {
        n += 1;
        out.push_str(&main.replace("<h1>", &format!("<h1>Part {n}: ")));
    }
    out.push_str(tail);
    out
}
