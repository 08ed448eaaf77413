//! JUnit tells a test that *failed* (`<failure>`: the documentation is
//! wrong) from one that could not run properly (`<error>`: the machinery
//! broke), as Surefire and every CI reader do. cucumber's JUnit writer
//! only writes `<failure>`, so the run rewrites the failures whose message
//! starts with [`FailureKind::INFRASTRUCTURE_PREFIX`] as `<error>`, and
//! fixes each suite's `errors`/`failures` counts to match.

use crate::drive::FailureKind;
use std::path::Path;

/// The message cucumber's writer puts before a step's own message.
const CAPTURED: &str = "Step panicked. Captured output: ";

/// Rewrites `junit.xml` in `report` in place (a temporary file, then a
/// rename, so a reader never sees half of it). No file, nothing to do.
pub fn mark_infrastructure_errors(report: &Path) -> anyhow::Result<()> {
    let path = report.join("junit.xml");
    let Ok(xml) = std::fs::read_to_string(&path) else {
        return Ok(());
    };
    let rewritten = rewrite(&xml);
    if rewritten == xml {
        return Ok(());
    }
    crate::atomic::write(&path, rewritten)
        .map_err(|e| anyhow::anyhow!("{}: cannot rewrite junit.xml ({e})", report.display()))
}

/// The XML with infrastructure failures as `<error>`, suite by suite.
pub fn rewrite(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(start) = rest.find("<testsuite ") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("</testsuite>")
            .map_or(rest.len(), |e| start + e);
        out.push_str(&suite(&rest[start..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// One `<testsuite …>…` (up to its closing tag).
fn suite(xml: &str) -> String {
    let infrastructure = format!("message=\"{CAPTURED}{}", FailureKind::INFRASTRUCTURE_PREFIX);
    let mut body = String::with_capacity(xml.len());
    let mut rest = xml;
    let mut moved = 0;
    while let Some(at) = rest.find("<failure ") {
        body.push_str(&rest[..at]);
        let tag_end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
        let tag = &rest[at..tag_end];
        if !tag.contains(&infrastructure) {
            body.push_str(tag);
            rest = &rest[tag_end..];
            continue;
        }
        moved += 1;
        let tag = tag.replacen("<failure ", "<error ", 1).replacen(
            "type=\"Step Panicked\"",
            "type=\"Infrastructure error\"",
            1,
        );
        body.push_str(&tag);
        rest = &rest[tag_end..];
        if !tag.ends_with("/>") {
            if let Some(close) = rest.find("</failure>") {
                body.push_str(&rest[..close]);
                body.push_str("</error>");
                rest = &rest[close + "</failure>".len()..];
            }
        }
    }
    body.push_str(rest);
    if moved == 0 {
        return body;
    }
    let head_end = body.find('>').map_or(body.len(), |e| e + 1);
    let head = add_to_count(&body[..head_end], "errors", moved as i64);
    let head = add_to_count(&head, "failures", -(moved as i64));
    format!("{head}{}", &body[head_end..])
}

/// `name="n"` in a start tag, with `delta` added.
fn add_to_count(tag: &str, name: &str, delta: i64) -> String {
    let key = format!(" {name}=\"");
    let Some(at) = tag.find(&key) else {
        return tag.to_string();
    };
    let from = at + key.len();
    let Some(len) = tag[from..].find('"') else {
        return tag.to_string();
    };
    let n: i64 = tag[from..from + len].parse().unwrap_or(0);
    format!(
        "{}{}{}",
        &tag[..from],
        (n + delta).max(0),
        &tag[from + len..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(name: &str, message: &str) -> String {
        format!(
            "<testcase name=\"{name}\" time=\"1\"><failure type=\"Step Panicked\" message=\"{CAPTURED}{message}\"/><system-out>x</system-out></testcase>"
        )
    }

    #[test]
    fn infrastructure_failures_become_errors_and_the_counts_follow() {
        let xml = format!(
            "<?xml version=\"1.0\"?><testsuites><testsuite id=\"0\" name=\"a\" tests=\"3\" errors=\"0\" failures=\"2\" time=\"1\">{}{}<testcase name=\"ok\"/></testsuite><testsuite id=\"1\" name=\"b\" tests=\"1\" errors=\"0\" failures=\"1\">{}</testsuite></testsuites>",
            case("docs", "FAQ step 2.5 (f:9): shows Disabled"),
            case("infra", "infrastructure error: FAQ step 2.1 (f:3): browser could not start: x"),
            case("docs too", "FAQ step 3.1.4 (g:4): no code"),
        );
        let out = rewrite(&xml);
        assert!(
            out.contains("tests=\"3\" errors=\"1\" failures=\"1\""),
            "{out}"
        );
        assert!(
            out.contains("<error type=\"Infrastructure error\" message=\"Step panicked. Captured output: infrastructure error: FAQ step 2.1"),
            "{out}"
        );
        assert!(out.contains("<failure type=\"Step Panicked\" message=\"Step panicked. Captured output: FAQ step 2.5"), "{out}");
        // The second suite has no infrastructure failure: untouched.
        assert!(
            out.contains("tests=\"1\" errors=\"0\" failures=\"1\""),
            "{out}"
        );
        assert_eq!(out.matches("<error ").count(), 1, "{out}");
        assert_eq!(rewrite(&out), out, "a second pass changes nothing");
    }

    #[test]
    fn an_error_with_a_body_is_closed_as_an_error() {
        let xml = "<testsuite errors=\"0\" failures=\"1\"><testcase><failure type=\"Step Panicked\" message=\"Step panicked. Captured output: infrastructure error: down\">trace</failure></testcase></testsuite>";
        let out = rewrite(xml);
        assert_eq!(
            out,
            "<testsuite errors=\"1\" failures=\"0\"><testcase><error type=\"Infrastructure error\" message=\"Step panicked. Captured output: infrastructure error: down\">trace</error></testcase></testsuite>"
        );
    }
}
