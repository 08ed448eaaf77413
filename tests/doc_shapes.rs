//! Procedures as other docs write them (fixtures/docs/guides): an H1, a
//! paragraph, an indented ordered list with a nested list, labels in
//! brackets and bold, an "Important!" item, in Markdown, HTML and
//! DokuWiki's markup, and a Microsoft Learn-style page with note boxes.
//! Each model is pinned as a snapshot; the same guide gives the same
//! model in every format.

use docproof::doc::trace::{split_citation, DocStep};
use docproof::doc::{Doc, LabelKind};
use std::path::Path;

const GUIDE: &str = "migrating-authentication-of-microsoft-365-backup-set";

fn read(name: &str) -> Doc {
    let path = format!("fixtures/docs/guides/{name}");
    Doc::read(Path::new(&path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn yaml(doc: &Doc) -> String {
    docproof::doc::yaml::to_yaml(doc).expect("a model prints")
}

/// The model as a reader sees it, without lines or source.
fn seen(doc: &Doc) -> String {
    yaml(doc)
        .lines()
        .map(|l| l.trim_start_matches(['-', ' ']))
        .filter(|l| !l.starts_with("line:") && !l.starts_with("source:"))
        .map(|l| l.to_string() + "\n")
        .collect()
}

#[test]
fn the_guide_has_13_steps_the_12th_with_5_sub_steps_and_its_important_item_as_a_note() {
    let doc = read("migrate-modern-auth.md");
    assert_eq!(
        doc.title.as_deref(),
        Some("Migrating Authentication of Microsoft 365 Backup Set")
    );
    let steps: Vec<_> = doc.steps_to_transcribe().collect();
    assert_eq!(
        steps.len(),
        13,
        "{:#?}",
        steps.iter().map(|s| &s.id).collect::<Vec<_>>()
    );
    let ids: Vec<String> = (1..=13).map(|n| format!("{GUIDE}.{n}")).collect();
    assert_eq!(steps.iter().map(|s| s.id.clone()).collect::<Vec<_>>(), ids);

    let twelfth = doc.step(&format!("{GUIDE}.12")).unwrap();
    assert_eq!(twelfth.text, "Check the backup source:");
    let sub_ids: Vec<_> = twelfth
        .sub_steps
        .iter()
        .map(|l| l.id.clone().unwrap())
        .collect();
    assert_eq!(
        sub_ids,
        (1..=5)
            .map(|n| format!("{GUIDE}.12.{n}"))
            .collect::<Vec<_>>()
    );

    // The "Important!" item is a note of the step before it, never a step.
    let sixth = doc.step(&format!("{GUIDE}.6")).unwrap();
    assert!(sixth.notes[0].text.starts_with("Important! Write down"));
    assert!(steps.iter().all(|s| !s.text.starts_with("Important")));
    // Its wording is the step's: rewording the note is drift.
    assert!(sixth
        .wording()
        .contains("Write down the backup set's current password"));

    // Bold, bracketed, quoted and menu-path labels, in order.
    let labels = |n: u32| -> Vec<String> {
        doc.step(&format!("{GUIDE}.{n}"))
            .unwrap()
            .ui_labels()
            .map(str::to_string)
            .collect()
    };
    assert_eq!(labels(2), ["Backup Sets"]);
    assert_eq!(labels(4), ["General & Logging", "Authentication"]);
    assert_eq!(labels(5), ["Change", "Authentication method"]);
    assert_eq!(labels(6), ["Modern authentication", "Next"]);
    assert_eq!(labels(7), ["Authorize"]);
    assert_eq!(
        labels(12),
        [
            "Source",
            "Select all",
            "Site collections",
            "Public folders",
            "OK"
        ]
    );
    // A continuation paragraph and its image belong to their step.
    let eighth = doc.step(&format!("{GUIDE}.8")).unwrap();
    assert_eq!(eighth.images[0].file.as_deref(), Some("consent_screen.png"));
    assert!(eighth.text.ends_with("with your second factor."));
}

#[test]
fn markdown_html_and_dokuwiki_give_the_same_model() {
    let md = seen(&read("migrate-modern-auth.md"));
    assert_eq!(md, seen(&read("migrate-modern-auth.html")), "HTML");
    assert_eq!(
        md,
        seen(&read("migrate-modern-auth.dokuwiki.txt")),
        "DokuWiki"
    );
}

#[test]
fn models_are_pinned() {
    for name in [
        "migrate-modern-auth.md",
        "migrate-modern-auth.html",
        "migrate-modern-auth.dokuwiki.txt",
        "enable-mfa-app-passwords.html",
    ] {
        insta::assert_snapshot!(name, yaml(&read(name)));
    }
}

#[test]
fn a_learn_style_page_keeps_its_notes_and_drops_its_chrome() {
    let doc = read("enable-mfa-app-passwords.html");
    let procedures: Vec<_> = doc.procedures().map(|p| p.number.as_str()).collect();
    // The table of contents is navigation; the prerequisites are bullets.
    assert_eq!(
        procedures,
        ["turn-on-per-user-mfa", "create-the-app-password"]
    );
    let third = doc.step("turn-on-per-user-mfa.3").unwrap();
    assert_eq!(
        third.notes[0].text,
        "Note The page opens in the Microsoft Entra admin center."
    );
    let typed = doc.step("create-the-app-password.2").unwrap();
    assert_eq!(
        typed.ui_labels().collect::<Vec<_>>(),
        ["Security info", "+ Add sign-in method", "App password"]
    );
    let fourth = doc.step("turn-on-per-user-mfa.4").unwrap();
    assert_eq!(fourth.sub_steps.len(), 2);
    assert!(fourth.labels.iter().all(|l| l.kind == LabelKind::Ui));
}

#[test]
fn the_faq_is_still_read_by_its_numbers() {
    let faq = Doc::read(Path::new("fixtures/docs/office-365-mfa.txt")).unwrap();
    assert!(faq.step("3.1.4").is_some());
    assert!(faq.steps().all(|(_, s)| s.notes.is_empty()));
    assert!(faq
        .steps()
        .all(|(_, s)| s.sub_steps.iter().all(|l| l.id.is_none())));
}

#[test]
fn slug_ids_are_cited_like_numbers_and_labels_in_brackets_are_not_citations() {
    let cited = format!("When the admin clicks Authorize [{GUIDE}.7]");
    let (text, step) = split_citation(&cited);
    assert_eq!(text, "When the admin clicks Authorize");
    assert_eq!(step.unwrap().as_str(), format!("{GUIDE}.7"));
    let (text, step) = split_citation("When the admin clicks [Authorize]");
    assert_eq!((text, step), ("When the admin clicks [Authorize]", None));
    assert_eq!(split_citation("Then it shows [ok-done]").1, None);
    assert!(DocStep::parse(&format!("{GUIDE}.12.3")).is_some());
    assert!(DocStep::parse("3.1.4").is_some());
}

#[test]
fn a_numbered_guide_also_reads_the_lists_under_its_unnumbered_headings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("numbered.md");
    std::fs::write(
        &path,
        "# Reset\n\n## 2. Reset the password\n\n1. Click \"Reset\".\n2. Click \"Save\".\n\n\
         ## Troubleshooting\n\n1. Click [Retry].\n",
    )
    .unwrap();
    let doc = Doc::read(&path).unwrap();
    let ids: Vec<&str> = doc.steps_to_transcribe().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["2.1", "2.2", "troubleshooting.1"]);
    assert_eq!(doc.ui_labels("troubleshooting.1"), ["Retry"]);
}
