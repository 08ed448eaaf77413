//! JUnit tells a test that *failed* (`<failure>`: the documentation is
//! wrong) from one that could not run properly (`<error>`: the machinery
//! broke), as Surefire and every CI reader do. cucumber's JUnit writer
//! only writes `<failure>`, so the run rewrites the failures whose message
//! starts with [`FailureKind::INFRASTRUCTURE_PREFIX`] as `<error>`, and
//! fixes each suite's `errors`/`failures` counts to match.

use crate::drive::FailureKind;
use quick_xml::events::{BytesEnd, BytesStart, Event};
use quick_xml::{Reader, Writer, XmlVersion};
use std::path::Path;

/// The message cucumber's writer puts before a step's own message.
const CAPTURED: &str = "Step panicked. Captured output: ";

/// Rewrites `junit.xml` in `report` in place (a temporary file, then a
/// rename, so a reader never sees half of it). No file, nothing to do.
pub fn mark_infrastructure_errors(report: &Path) -> anyhow::Result<()> {
    let path = report.join(super::folder::JUNIT);
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
/// Read and written with quick-xml; XML it cannot read is left as it was.
pub fn rewrite(xml: &str) -> String {
    rewrite_events(xml).unwrap_or_else(|_| xml.to_string())
}

fn rewrite_events(xml: &str) -> Result<String, quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut out = Writer::new(Vec::with_capacity(xml.len()));
    // A suite's events are held until its end: its start tag carries the
    // counts, and they are known only once its test cases are read.
    let mut suite: Option<(BytesStart<'static>, Vec<Event<'static>>, i64)> = None;
    // Inside a `<failure>` turned into `<error>`: its end tag follows.
    let mut in_moved = false;
    loop {
        let event = match reader.read_event()? {
            Event::Eof => break,
            e => e.into_owned(),
        };
        let event = match event {
            Event::Start(t) if t.name().as_ref() == b"testsuite" => {
                suite = Some((t, Vec::new(), 0));
                continue;
            }
            Event::End(t) if t.name().as_ref() == b"testsuite" => {
                if let Some((start, held, moved)) = suite.take() {
                    out.write_event(Event::Start(with_counts(&start, moved)?))?;
                    for e in held {
                        out.write_event(e)?;
                    }
                }
                out.write_event(Event::End(t))?;
                continue;
            }
            Event::Start(t) if is_infrastructure_failure(&t)? => {
                in_moved = true;
                (Event::Start(as_error(&t)?), 1)
            }
            Event::Empty(t) if is_infrastructure_failure(&t)? => (Event::Empty(as_error(&t)?), 1),
            Event::End(t) if in_moved && t.name().as_ref() == b"failure" => {
                in_moved = false;
                (Event::End(BytesEnd::new("error")), 0)
            }
            e => (e, 0),
        };
        let (event, converted) = event;
        match suite.as_mut() {
            Some((_, held, moved)) => {
                *moved += converted;
                held.push(event);
            }
            None => out.write_event(event)?,
        }
    }
    Ok(String::from_utf8_lossy(&out.into_inner()).into_owned())
}

/// A `<failure>` whose message says the machinery broke.
fn is_infrastructure_failure(tag: &BytesStart) -> Result<bool, quick_xml::Error> {
    if tag.name().as_ref() != b"failure" {
        return Ok(false);
    }
    let infrastructure = format!("{CAPTURED}{}", FailureKind::INFRASTRUCTURE_PREFIX);
    for attr in tag.attributes() {
        let attr = attr.map_err(quick_xml::Error::from)?;
        if attr.key.as_ref() == b"message" {
            let message = attr.normalized_value(XmlVersion::Implicit1_0)?;
            return Ok(message.starts_with(&infrastructure)
                || message.starts_with(FailureKind::INFRASTRUCTURE_PREFIX));
        }
    }
    Ok(false)
}

/// The failure as an `<error>` of type "Infrastructure error", its other
/// attributes kept.
fn as_error(tag: &BytesStart) -> Result<BytesStart<'static>, quick_xml::Error> {
    let mut error = BytesStart::new("error");
    for attr in tag.attributes() {
        let attr = attr.map_err(quick_xml::Error::from)?;
        if attr.key.as_ref() == b"type" {
            error.push_attribute(("type", "Infrastructure error"));
        } else {
            error.push_attribute(attr);
        }
    }
    Ok(error.into_owned())
}

/// The suite's start tag with `moved` failures counted as errors.
fn with_counts(start: &BytesStart, moved: i64) -> Result<BytesStart<'static>, quick_xml::Error> {
    if moved == 0 {
        return Ok(start.clone().into_owned());
    }
    let mut tag = BytesStart::new(String::from_utf8_lossy(start.name().as_ref()).into_owned());
    for attr in start.attributes() {
        let attr = attr.map_err(quick_xml::Error::from)?;
        let delta = match attr.key.as_ref() {
            b"errors" => moved,
            b"failures" => -moved,
            _ => {
                tag.push_attribute(attr);
                continue;
            }
        };
        let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
        let n: i64 = attr
            .normalized_value(XmlVersion::Implicit1_0)?
            .parse()
            .unwrap_or(0);
        tag.push_attribute((key.as_str(), (n + delta).max(0).to_string().as_str()));
    }
    Ok(tag.into_owned())
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
