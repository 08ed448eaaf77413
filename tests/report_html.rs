//! `report.html`, opened as a QA engineer opens it after a red run: from
//! disk, in headless Chromium. Every numbered FAQ step is there with its
//! status; no image is broken and no link points at a missing file; the
//! page's script ran to its end (a script error would stop it short); the
//! status and procedure filters show only what they select. Controls are
//! found by their role and accessible name, as a screen reader finds them.
//! The page is saved as `target/tmp/report-html/report.png` to be looked at.

#[path = "support/browser.rs"]
mod browser_support;
#[path = "support/run.rs"]
mod support;

use docproof::drive::browser::BrowserPool;
use fantoccini::{Client, Locator};
use serde_json::Value;
use std::sync::Arc;
use support::{docproof_with, report_dir, text};

/// The FAQ's 20 numbered steps.
const STEPS: [&str; 20] = [
    "2.1", "2.2a", "2.2b", "2.3", "2.4", "2.5", "3.1.1", "3.1.2", "3.1.3", "3.1.4", "3.1.5",
    "3.1.6", "3.2.1", "3.2.2", "3.2.3", "3.2.4", "3.2.5", "3.2.6", "4.1.1", "4.1.2",
];

/// The steps shown now, with their status.
async fn shown(c: &Client) -> Vec<(String, String)> {
    let v = c
        .execute(
            "return [...document.querySelectorAll('article')].filter(a => a.offsetParent !== null).map(a => [a.querySelector('h3 span').textContent, a.dataset.status]);",
            vec![],
        )
        .await
        .expect("the script runs");
    serde_json::from_value(v).expect("pairs of strings")
}

/// Chooses a status filter by its radio button's accessible name.
async fn filter_status(c: &Client, name: &str) {
    let xpath = format!(
        "//fieldset[legend='Status']//label[normalize-space()='{name}']/input[@type='radio']"
    );
    c.find(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("no radio button '{name}': {e}"))
        .click()
        .await
        .expect("the radio button takes a click");
}

async fn filter_procedure(c: &Client, value: &str) {
    let select = c
        .find(Locator::XPath(
            "//label[starts-with(normalize-space(), 'Procedure')]/select",
        ))
        .await
        .expect("a Procedure drop-down, labelled");
    select
        .select_by_value(value)
        .await
        .expect("the option is chosen");
}

#[tokio::test]
async fn the_report_opens_from_disk_whole_and_its_filters_work() {
    let Some(install) = browser_support::browser_for("report.html test") else {
        return;
    };
    // A failing run in the browser: one step passes with a screenshot, one
    // fails with its saved page, the rest are not covered.
    let report = report_dir("report-html");
    let out = docproof_with(
        &[
            "--driver",
            "browser",
            "--no-snapshots",
            "--features",
            "tests/fixtures/features/failing",
        ],
        &report,
        &[],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    let page = std::fs::canonicalize(report.join("report.html")).expect("report.html is written");

    let pool = Arc::new(
        BrowserPool::local(&install, 1)
            .await
            .expect("chromedriver starts"),
    );
    let session = pool.lease().await.expect("a browser session");
    let c = session.client();
    c.set_window_size(1280, 900).await.unwrap();
    c.goto(&format!("file://{}", page.display())).await.unwrap();

    let ready = c
        .execute(
            "return document.documentElement.dataset.ready || null;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        ready,
        Value::from("yes"),
        "the page's script ran to its end"
    );

    let all = shown(c).await;
    let ids: Vec<&str> = all.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, STEPS, "every numbered step, in the FAQ's order");
    let status = |id: &str| all.iter().find(|(s, _)| s == id).unwrap().1.clone();
    assert_eq!(status("2.3"), "passed");
    assert_eq!(status("2.5"), "failed");
    assert_eq!(status("3.1.4"), "not-covered");

    // No broken image, no link to a missing file.
    let broken = c
        .execute(
            "return [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute('src'));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(broken, Value::Array(vec![]), "broken images");
    let images = c
        .execute("return document.images.length;", vec![])
        .await
        .unwrap();
    assert!(
        images.as_u64().unwrap() >= 2,
        "2.3's screenshot and 2.5's failure: {images}"
    );
    let links: Vec<String> = serde_json::from_value(
        c.execute(
            "return [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'));",
            vec![],
        )
        .await
        .unwrap(),
    )
    .unwrap();
    for href in &links {
        assert!(
            !href.contains("://") && !href.starts_with('/'),
            "{href}: the report must open anywhere, with no network"
        );
        if !href.starts_with('#') {
            assert!(report.join(href).is_file(), "{href} is linked but missing");
        }
    }
    assert!(
        links.iter().any(|l| l.ends_with("2.5.html")),
        "the failure links its saved page: {links:?}"
    );

    // The filters, by role and name.
    filter_status(c, "failed").await;
    assert_eq!(
        shown(c).await,
        vec![("2.5".to_string(), "failed".to_string())]
    );
    filter_status(c, "all").await;
    filter_procedure(c, "3.1").await;
    let only: Vec<String> = shown(c).await.into_iter().map(|(id, _)| id).collect();
    assert_eq!(only, ["3.1.1", "3.1.2", "3.1.3", "3.1.4", "3.1.5", "3.1.6"]);
    filter_procedure(c, "all").await;

    let png = c.screenshot().await.unwrap();
    std::fs::write(report.join("report.png"), png).unwrap();
    let failed = c
        .find(Locator::Id("step-2-5"))
        .await
        .expect("2.5's article");
    let png = failed.screenshot().await.unwrap();
    std::fs::write(report.join("report-2.5.png"), png).unwrap();
    drop(session);
    pool.shutdown().await;
}

#[test]
fn a_passing_run_and_an_audit_show_in_the_report() {
    let report = report_dir("report-html-audit");
    let out = support::docproof_command("audit", &["--driver", "http"], &report, &[]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    let html = std::fs::read_to_string(report.join("report.html")).unwrap();
    let article = |id: &str| -> String {
        let anchor = format!("id=\"step-{}\"", id.replace('.', "-"));
        let from = html
            .find(&anchor)
            .unwrap_or_else(|| panic!("no article for {id}"));
        let to = html[from..].find("</article>").unwrap() + from;
        html[from..to].to_string()
    };
    let drifted = article("2.2a");
    assert!(drifted.contains("data-verdict=\"drifted\""), "{drifted}");
    assert!(drifted.contains("<strong>Today:</strong>"), "{drifted}");
    assert!(article("3.1.5").contains("data-verdict=\"holds\""));
    assert!(
        html.contains("8 hold, 12 drifted, 0 not reached"),
        "the header counts"
    );
    assert!(
        !html.contains("http://"),
        "no address of the simulator or the network"
    );
}
