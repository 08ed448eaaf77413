//! The doc model: the FAQ as published (wiki text with its navigation and
//! footer, and the same page as HTML over HTTP), a Markdown procedure of
//! our own, and sources that cannot be read.

use docproof::doc::{Doc, LabelKind, StepKind};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const FAQ: &str = "fixtures/docs/office-365-mfa.txt";

fn faq() -> Doc {
    Doc::read(std::path::Path::new(FAQ)).expect("the FAQ fixture reads")
}

fn ids(doc: &Doc) -> Vec<&str> {
    doc.steps_to_transcribe().map(|s| s.id.as_str()).collect()
}

/// A step's id, wording, label texts and image files.
type Shape = (String, String, Vec<String>, Vec<Option<String>>);

/// What a reader sees, without line numbers or source: to compare the
/// same page read two ways.
fn shape(doc: &Doc) -> Vec<Shape> {
    doc.steps()
        .map(|(_, s)| {
            (
                s.id.clone(),
                s.wording(),
                s.labels.iter().map(|l| l.text.clone()).collect(),
                s.images.iter().map(|i| i.file.clone()).collect(),
            )
        })
        .collect()
}

#[test]
fn the_faq_has_the_documented_steps_and_section_1_only_describes() {
    let doc = faq();
    assert_eq!(
        doc.title.as_deref(),
        Some("Office 365 Multi-Factor Authentication (MFA)")
    );
    assert_eq!(
        ids(&doc),
        [
            "2.1", "2.2a", "2.2b", "2.3", "2.4", "2.5", "3.1.1", "3.1.2", "3.1.3", "3.1.4",
            "3.1.5", "3.1.6", "3.2.1", "3.2.2", "3.2.3", "3.2.4", "3.2.5", "3.2.6", "4.1.1",
            "4.1.2"
        ]
    );
    let numbers: Vec<&str> = doc.sections.iter().map(|s| s.number.as_str()).collect();
    assert_eq!(numbers, ["1", "2", "3", "4"]);
    // Section 1's numbered headings are parsed, with their images, but are
    // not steps to transcribe.
    let one = &doc.sections[0];
    assert!(!one.executable);
    let call_me = doc.step("1.1.2").expect("1.1.2 is parsed");
    assert_eq!(
        (call_me.kind, call_me.text.as_str(), call_me.line),
        (StepKind::Heading, "Call Me", 44)
    );
    assert_eq!(
        call_me.images[0].file.as_deref(),
        Some("authentication_phone_mobile_phone_call.jpg")
    );
    let office_phone = doc.procedure("1.2").expect("1.2 is parsed");
    assert_eq!(
        office_phone.images[0].file.as_deref(),
        Some("office_phone_call.jpg")
    );
    // 2.1 is printed without a space after its number.
    assert!(doc
        .step("2.1")
        .unwrap()
        .text
        .starts_with("In the Office 365"));
}

#[test]
fn steps_keep_their_sub_steps_continuations_and_labels() {
    let doc = faq();
    let s = doc.step("3.1.4").unwrap();
    assert_eq!(s.line, 100);
    let subs: Vec<&str> = s.sub_steps.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        subs,
        [
            "Enter Verification code from SMS. Click Verify Button.",
            "Copy the App Password then click Done."
        ]
    );
    // 2.5's continuation lines belong to it; the ⇒⇒ placeholders are
    // images, not wording.
    let s = doc.step("2.5").unwrap();
    let details: Vec<&str> = s.details.iter().map(|l| &l.text[..8]).collect();
    assert_eq!(details, ["Disable,", "Disabled", "Enabled ", "Enforced"]);
    assert!(!s.wording().contains('⇒'));
    assert_eq!(s.images.len(), 3);
    assert_eq!(doc.ui_labels("2.5"), ["quick steps"]);
    // Quoted labels, by kind: what to type is input, not a label to find.
    assert_eq!(doc.ui_labels("3.2.3"), ["Authentication Phone", "Call Me"]);
    assert_eq!(
        doc.ui_labels("3.1.3"),
        ["Authentication Phone", "Send me a code by text message"]
    );
    assert_eq!(doc.ui_labels("2.2b"), ["More", "+Add a user"]);
    let search = &doc.step("2.3").unwrap().labels;
    assert_eq!(
        (search[0].text.as_str(), search[0].kind),
        ("o365", LabelKind::Input)
    );
    assert!(doc.ui_labels("2.3").is_empty());
    // Unquoted words are not labels; an unknown step has none.
    assert!(doc.ui_labels("3.1.4").is_empty());
    assert!(doc.ui_labels("9.9").is_empty());
    // 4.1's numbered items are its steps; the footer is not part of 4.1.2.
    let s = doc.step("4.1.2").unwrap();
    assert!(s
        .wording()
        .ends_with("Please retry after the settings changed in Office 365 took effective."));
    assert_eq!(doc.procedure("4.1").unwrap().step_range(), "4.1.1, 4.1.2");
    assert_eq!(doc.procedure("3.1").unwrap().step_range(), "3.1.1–3.1.6");
}

#[test]
fn markdown_with_numbered_headings_and_ordered_lists() {
    let doc = Doc::read(std::path::Path::new("fixtures/docs/sample-procedure.md")).unwrap();
    assert_eq!(doc.title.as_deref(), Some("Reset a backup set password"));
    assert_eq!(ids(&doc), ["2.1.1", "2.1.2", "2.1.3", "2.2.1", "2.2.2"]);
    assert!(!doc.sections[0].executable, "1 has no steps");
    let s = doc.step("2.1.2").unwrap();
    assert_eq!(s.text, "Open Backup Sets and click \"Reset password\".");
    assert_eq!(s.sub_steps.len(), 2);
    assert_eq!(
        doc.ui_labels("2.1.2"),
        ["Reset password", "Email me a link", "Next"]
    );
    let s = doc.step("2.1.3").unwrap();
    assert_eq!(doc.ui_labels("2.1.3"), ["Save"]);
    assert_eq!(s.labels[0].kind, LabelKind::Input);
    assert_eq!(s.images[0].file.as_deref(), Some("reset_dialog.png"));
    assert_eq!(s.images[0].alt.as_deref(), Some("The reset dialog"));
    // Items all written `1.` are numbered in order; the paragraph after
    // the list is not part of the last step.
    let s = doc.step("2.2.2").unwrap();
    assert_eq!(s.wording(), "Click \"Change password\".");
}

/// The FAQ as DokuWiki would publish it: navigation, a page id, headings,
/// paragraphs with line breaks, images, an ordered list and the footer —
/// written for this test from the text rendering.
fn faq_as_html() -> String {
    let text = std::fs::read_to_string(FAQ).unwrap();
    let mut body = String::from(
        "<!DOCTYPE html><html><head><title>office-365-mfa</title><style>.x{}</style>\
         <script>var x = '1. not a section';</script></head><body>\n",
    );
    let mut paragraph: Vec<String> = Vec::new();
    let mut list: Vec<String> = Vec::new();
    let flush = |body: &mut String, p: &mut Vec<String>| {
        if !p.is_empty() {
            body.push_str(&format!("<p>\n{}\n</p>\n", p.join("<br/>\n")));
            p.clear();
        }
    };
    for line in text.lines() {
        let t = line.trim();
        if let Some(item) = line.strip_prefix("  ").and_then(|l| l.split_once(". ")) {
            list.push(format!(
                "<li class=\"level1\"><div class=\"li\"> {}</div></li>",
                item.1
            ));
            continue;
        }
        if !list.is_empty() {
            body.push_str(&format!("<ol>\n{}\n</ol>\n", list.join("\n")));
            list.clear();
        }
        if t.is_empty() {
            flush(&mut body, &mut paragraph);
        } else if t.ends_with(".jpg") {
            flush(&mut body, &mut paragraph);
            body.push_str(&format!(
                "<p><a href=\"/_detail/public/faq/{t}\" class=\"media\"><img src=\"/_media/public/faq/{t}?w=600&amp;tok=a1b2c3\" class=\"media\" alt=\"\" width=\"600\"/></a></p>\n"
            ));
        } else if t.contains(" · Last modified") {
            flush(&mut body, &mut paragraph);
            body.push_str(&format!("<div class=\"docInfo\"><bdi>{t}</bdi></div>\n"));
        } else if t.starts_with("public:") {
            body.push_str(&format!("<div class=\"pageId\"><span>{t}</span></div>\n"));
        } else if t.starts_with("Office 365 Multi") {
            body.push_str(&format!(
                "<h1 class=\"sectionedit1\" id=\"title\">{t}</h1>\n"
            ));
        } else {
            paragraph.push(
                t.replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;"),
            );
        }
    }
    flush(&mut body, &mut paragraph);
    body.push_str("</body></html>\n");
    body
}

#[tokio::test]
async fn the_published_page_over_http_gives_the_same_model() {
    let server = MockServer::start().await;
    let text = std::fs::read_to_string(FAQ).unwrap();
    Mock::given(method("GET"))
        .and(path("/public/faq/office-365-mfa.txt"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(text, "text/plain; charset=utf-8"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/public/faq/office-365-mfa"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(faq_as_html(), "text/html; charset=utf-8"),
        )
        .mount(&server)
        .await;
    let file = faq();

    let url = format!("{}/public/faq/office-365-mfa.txt", server.uri());
    let txt = Doc::load(&url).await.expect("the text page loads");
    assert_eq!(txt.source, url);
    assert_eq!(
        txt.sections, file.sections,
        "text over HTTP: the same model, lines included"
    );

    let url = format!("{}/public/faq/office-365-mfa", server.uri());
    let html = Doc::load(&url).await.expect("the HTML page loads");
    assert_eq!(html.title, file.title);
    assert_eq!(shape(&html), shape(&file));
}

#[tokio::test]
async fn sources_that_cannot_be_read_say_which_and_what_to_do() {
    let e = Doc::load("fixtures/docs/no-such-faq.txt")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("fixtures/docs/no-such-faq.txt: cannot read the documentation (")
            && e.contains("pass --doc"),
        "{e}"
    );

    let server = MockServer::start().await;
    let url = format!("{}/public/faq/gone", server.uri());
    let e = Doc::load(&url).await.unwrap_err().to_string();
    assert_eq!(
        e,
        format!("{url}: the server answered 404 Not Found; check that the URL is the published FAQ page")
    );

    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/faq");
    let e = Doc::load(&url).await.unwrap_err().to_string();
    assert!(
        e.starts_with(&format!("{url}: cannot reach the server (")),
        "{e}"
    );

    let e = Doc::load("ftp://example.com/faq.txt")
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a URL docproof can fetch"), "{e}");
}

#[test]
fn doc_show_prints_the_model_as_yaml_and_json() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_docproof"))
        .args(["doc", "show", "--format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(
        json["sections"][2]["procedures"][1]["steps"][2]["id"],
        "3.2.3"
    );
    assert_eq!(
        json["sections"][2]["procedures"][1]["steps"][2]["labels"][1]["text"],
        "Call Me"
    );

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_docproof"))
        .args(["doc", "show", "--doc", "fixtures/docs/sample-procedure.md"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let yaml = String::from_utf8_lossy(&out.stdout);
    assert!(
        yaml.starts_with(
            "source: fixtures/docs/sample-procedure.md\ntitle: Reset a backup set password\n"
        ),
        "{yaml}"
    );
    assert!(
        yaml.contains("          - id: \"2.1.3\"\n            kind: action\n"),
        "{yaml}"
    );

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_docproof"))
        .args(["doc", "show", "--doc", "nowhere.txt"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
