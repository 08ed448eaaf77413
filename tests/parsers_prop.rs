//! Property tests for every reader of outside input in the harness: the
//! doc (wiki text, Markdown, HTML), feature files and the lock. Whatever
//! the input (arbitrary text, random nesting, random headings and lists,
//! truncated files) they return a result or a named error, never panic;
//! the lock reads back what was written. Case counts stay small so the
//! file runs in seconds in a debug build.

use docproof::doc::html;
use docproof::doc::parse::{parse, Format};
use docproof::features::lock::{Lock, LockState, Transcription};
use docproof::features::parse::parse_feature;
use proptest::prelude::*;
use std::path::PathBuf;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A file of this test's own, one per `name` (cases reuse it).
fn scratch(name: &str, contents: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("parsers_prop");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// Lines a FAQ is made of: numbered sections, headings, steps, list items,
/// sub-steps, images, quotes, Markdown marks, and noise.
fn doc_line() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u32..6, ".{0,20}").prop_map(|(n, t)| format!("{n}. {t}")),
        (1u32..6, 1u32..6, ".{0,20}").prop_map(|(a, b, t)| format!("{a}.{b} {t}")),
        (1u32..6, 1u32..6, 0u32..12, ".{0,30}")
            .prop_map(|(a, b, c, t)| format!("{a}.{b}.{c}. {t}")),
        (0u32..=u32::MAX, ".{0,20}").prop_map(|(n, t)| format!("  {n}. {t}")),
        ".{0,20}".prop_map(|t| format!("–. {t}")),
        "[a-z_]{1,8}\\.(png|jpg)",
        ("#{1,7}", ".{0,20}").prop_map(|(h, t)| format!("{h} {t}")),
        ".{0,20}".prop_map(|t| format!("- {t}")),
        ".{0,10}".prop_map(|t| format!("Click “{t}” then \"{t}\"")),
        Just("```".to_string()),
        Just("public:faq:office-365-mfa".to_string()),
        Just("x · Last modified: 2020".to_string()),
        Just(String::new()),
        ".{0,40}",
    ]
}

fn doc_text() -> impl Strategy<Value = String> {
    prop::collection::vec(doc_line(), 0..40).prop_map(|ls| ls.join("\n"))
}

/// HTML of random elements nested at random: blocks, lists (some with a
/// hostile `start`), images, skipped elements, unclosed tags.
fn html_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        ".{0,12}".prop_map(|t| t.replace(['<', '&'], " ")),
        Just("<br>".to_string()),
        "[a-z]{1,6}".prop_map(|f| format!("<img src=\"/a/{f}.png?w=1\">")),
        Just("<img>".to_string()),
        Just("<li>".to_string()),
        Just("</div>".to_string()),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        let tag = prop_oneof![
            Just("div"),
            Just("p"),
            Just("ol"),
            Just("ul"),
            Just("li"),
            Just("span"),
            Just("script"),
            Just("table"),
            Just("h2")
        ];
        let start = prop_oneof![
            Just(String::new()),
            any::<i64>().prop_map(|n| format!(" start=\"{n}\"")),
            Just(" start=\"4294967295\"".to_string())
        ];
        (tag, start, prop::collection::vec(inner, 0..6))
            .prop_map(|(t, s, kids)| format!("<{t}{s}>{}</{t}>", kids.concat()))
    })
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn wiki_text_and_markdown_never_panic(text in doc_text(), truncate in any::<prop::sample::Index>()) {
        for t in [text.as_str(), &text[..text.floor_char_boundary_compat(truncate.index(text.len() + 1))]] {
            let wiki = parse(t, Format::WikiText, "x.txt");
            let md = parse(t, Format::Markdown, "x.md");
            // Whatever is read is well formed: every step sits in a
            // procedure of the section its number starts with.
            for doc in [wiki, md] {
                for s in &doc.sections {
                    for p in &s.procedures {
                        for step in &p.steps {
                            prop_assert!(step.id.split('.').next() == Some(s.number.as_str()), "{} in {}", step.id, s.number);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn arbitrary_text_never_panics_any_doc_reader(text in "\\PC{0,200}") {
        parse(&text, Format::WikiText, "x.txt");
        parse(&text, Format::Markdown, "x.md");
        if let Ok(text) = html::to_text(&text) {
            parse(&text, Format::WikiText, "x.html");
        }
    }

    #[test]
    fn the_structure_readers_never_panic_and_ids_stay_unique(text in doc_text(), page in html_text()) {
        use docproof::doc::load::{model_of, Written};
        let dokuwiki = text.replace("# ", "====== ").replace("- ", "  - ");
        for (source, written) in [(&text, Written::Markdown), (&page, Written::Html), (&dokuwiki, Written::Text)] {
            let doc = model_of(source, written, "x").unwrap();
            let mut ids: Vec<&str> = doc.steps().map(|(_, s)| s.id.as_str()).collect();
            let all = ids.len();
            ids.sort_unstable();
            ids.dedup();
            // The numbered reader may repeat a number the doc repeats; the
            // structure reader never does.
            if doc.sections.iter().all(|s| !s.number.starts_with(|c: char| c.is_ascii_digit())) {
                prop_assert_eq!(ids.len(), all, "{:?}", doc);
            }
        }
    }

    #[test]
    fn random_html_never_panics(page in html_text()) {
        // Six levels at most: well within the depth allowed.
        let text = html::to_text(&page).unwrap();
        parse(&text, Format::WikiText, "x.html");
    }

    #[test]
    fn html_nested_at_random_depths_is_read_or_refused_by_depth(depth in 0usize..2_000, tag in "(div|span|b|ul|section)") {
        let page = format!("{}x{}", format!("<{tag}>").repeat(depth), format!("</{tag}>").repeat(depth));
        match html::to_text(&page) {
            Ok(text) => {
                prop_assert!(depth <= html::MAX_DEPTH);
                prop_assert_eq!(text.trim(), "x");
            }
            Err(e) => prop_assert!(depth > html::MAX_DEPTH, "{e}"),
        }
    }

    #[test]
    fn random_feature_files_give_a_feature_or_a_located_error(
        lines in prop::collection::vec(feature_line(), 0..16),
        cut in any::<prop::sample::Index>(),
        junk in prop::collection::vec(any::<u8>(), 0..4),
    ) {
        let text = lines.join("\n");
        let mut bytes = text.as_bytes()[..cut.index(text.len() + 1)].to_vec();
        bytes.extend(junk);
        let path = scratch("random.feature", &bytes);
        if let Err(e) = parse_feature(&path) {
            // Every error names the file, and a line for what is in it.
            let shown = path.display().to_string();
            prop_assert!(e.starts_with(&format!("{shown}:")), "{e}");
        }
    }

    #[test]
    fn the_lock_reads_back_what_was_written(entries in prop::collection::vec(transcription(), 0..8), doc in "\\PC{0,30}") {
        let lock = Lock { doc, transcriptions: entries };
        let path = scratch("roundtrip.lock", b"");
        lock.write(&path).unwrap();
        match Lock::read(&path) {
            LockState::Read(read) => prop_assert_eq!(read, lock),
            other => prop_assert!(false, "{other:?}"),
        }
    }

    #[test]
    fn any_lock_file_reads_or_is_garbled_with_a_line(text in lock_text(), cut in any::<prop::sample::Index>()) {
        // Cut anywhere, mid-character too: a lock truncated by a full disk.
        let path = scratch("random.lock", &text.as_bytes()[..cut.index(text.len() + 1)]);
        match Lock::read(&path) {
            LockState::Read(_) => {}
            LockState::Missing => prop_assert!(false, "the file is there"),
            LockState::Garbled(why) => {
                let shown = path.display().to_string();
                prop_assert!(why.starts_with(&format!("{shown}:")), "{why}");
            }
        }
    }
}

fn feature_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Feature: x".to_string()),
        Just("  Scenario: y".to_string()),
        Just("  Scenario Outline: y".to_string()),
        Just("  Background:".to_string()),
        Just("  Rule: r".to_string()),
        Just("    Examples:".to_string()),
        "@[a-z0-9.-]{1,8}",
        (
            "(Given|When|Then|And|But)",
            ".{0,20}",
            prop::option::of("[0-9](\\.[0-9]){0,2}[a-z]?")
        )
            .prop_map(|(k, t, c)| match c {
                Some(c) => format!("    [{c}] {k} {t}"),
                None => format!("    {k} {t}"),
            }),
        prop::collection::vec("[^|\\n]{0,6}", 0..4)
            .prop_map(|cells| format!("      | {} |", cells.join(" | "))),
        Just("      \"\"\"".to_string()),
        Just("# comment".to_string()),
        Just("# language: fr".to_string()),
        Just(String::new()),
        ".{0,30}",
    ]
}

fn transcription() -> impl Strategy<Value = Transcription> {
    ("\\PC{0,20}", "[0-9.a-z]{1,8}", "[0-9a-f]{16}", "\\PC{0,60}").prop_map(
        |(feature, step, fingerprint, wording)| Transcription {
            feature,
            step,
            fingerprint,
            wording,
        },
    )
}

/// Lock-like TOML: entries, wrong types, unclosed strings, deep arrays.
fn lock_text() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("[[transcription]]".to_string()),
        "(feature|step|fingerprint|wording|doc) = \"\\PC{0,12}\"",
        "(feature|step) = [0-9]{1,3}",
        Just("wording = \"unclosed".to_string()),
        (1usize..300).prop_map(|n| format!("doc = {}{}", "[".repeat(n), "]".repeat(n))),
        (1usize..300).prop_map(|n| format!("x = {}", "{a=".repeat(n))),
        Just("[transcription".to_string()),
        ".{0,20}",
    ];
    prop::collection::vec(line, 0..12).prop_map(|ls| ls.join("\n"))
}

/// `str::floor_char_boundary` for stable Rust: the largest char boundary
/// at or before `i`.
trait FloorBoundary {
    fn floor_char_boundary_compat(&self, i: usize) -> usize;
}

impl FloorBoundary for String {
    fn floor_char_boundary_compat(&self, i: usize) -> usize {
        let mut i = i.min(self.len());
        while !self.is_char_boundary(i) {
            i -= 1;
        }
        i
    }
}
