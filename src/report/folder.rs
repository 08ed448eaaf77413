//! The report folder over a run's life. When a run starts, the previous
//! run's reports are removed (docproof's own names only, nothing else in
//! the folder) and replaced by a `summary.md` and a `junit.xml` saying this
//! run has not finished. A run that stops early replaces them with reports
//! saying why. A CI job publishing the folder never reads an earlier run's
//! result, nor an empty file.

use crate::atomic;
use std::io;
use std::path::{Path, PathBuf};

pub const JUNIT: &str = "junit.xml";
pub const CUCUMBER_JSON: &str = "cucumber.json";
pub const SUMMARY: &str = "summary.md";
pub const COVERAGE: &str = "coverage.md";
pub const TRANSCRIPTS: &str = "transcripts";
pub const SCREENSHOTS: &str = "screenshots";
pub const FAILURES: &str = "failures";

/// What a run writes into the report folder, and all a new run removes.
const OWN_FILES: [&str; 8] = [
    JUNIT,
    super::record::RUN_JSON,
    super::html::REPORT_HTML,
    CUCUMBER_JSON,
    SUMMARY,
    COVERAGE,
    super::drift::DRIFT_JSON,
    super::drift::DRIFT_MD,
];
const OWN_FOLDERS: [&str; 4] = [
    TRANSCRIPTS,
    SCREENSHOTS,
    FAILURES,
    super::drift::DRIFT_FOLDER,
];

/// A scenario's file for a doc step, relative to the report folder:
/// `screenshots/<scenario>/3.1.4.png`, and `3.1.4-2.png` for the second of
/// the same step. Every writer and reader of these files names them here.
pub fn step_file(folder: &str, scenario: &str, step: &str, n: usize, ext: &str) -> String {
    match n {
        0 | 1 => format!("{folder}/{scenario}/{step}.{ext}"),
        n => format!("{folder}/{scenario}/{step}-{n}.{ext}"),
    }
}

/// Why the run did not finish, as its reports say until it does: true
/// while it runs, and still true if it is killed or crashes.
const UNFINISHED: &str = "it is still running, or it was killed or crashed before it could report";

/// Prepares `report` for a run: the folder exists and is writable (checked
/// by writing a file, so a read-only folder is refused before anything
/// runs), the previous run's reports are gone, and the reports say this run
/// has not finished.
pub fn begin(report: &Path) -> anyhow::Result<()> {
    let shown = report.display();
    std::fs::create_dir_all(report).map_err(|e| {
        anyhow::anyhow!(
            "{shown}: cannot create the report folder ({e}); pass --report with a writable folder"
        )
    })?;
    atomic::Staged::new(&report.join(SUMMARY)).map_err(|e| {
        anyhow::anyhow!(
            "{shown}: cannot write in the report folder ({e}); make it writable, or pass --report with a writable folder"
        )
    })?;
    clear(report).map_err(|(path, e)| {
        anyhow::anyhow!(
            "{}: cannot remove the previous run's report ({e}); remove it, or pass --report with another folder",
            path.display()
        )
    })?;
    stopped(report, UNFINISHED, &[])
        .map_err(|e| anyhow::anyhow!("{shown}: cannot write {SUMMARY} ({e})"))
}

/// Removes docproof's own reports and temporary files from `report`; an
/// error names what could not be removed.
fn clear(report: &Path) -> Result<(), (PathBuf, io::Error)> {
    let remove = |path: PathBuf, folder: bool| {
        let removed = if folder {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        match removed {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err((path, e)),
            _ => Ok(()),
        }
    };
    for name in OWN_FILES {
        remove(report.join(name), false)?;
    }
    for name in OWN_FOLDERS {
        remove(report.join(name), true)?;
    }
    let entries = std::fs::read_dir(report).map_err(|e| (report.to_path_buf(), e))?;
    for entry in entries.flatten() {
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with(atomic::TEMP_PREFIX)
        {
            remove(entry.path(), false)?;
        }
    }
    Ok(())
}

/// Writes a `summary.md` and a `junit.xml` saying the run did not finish
/// because of `why`, with `details` (e.g. the problems found) listed. The JUnit has
/// one test case in error, which CI publishers read as a failure.
pub fn stopped(report: &Path, why: &str, details: &[String]) -> io::Result<()> {
    let mut md = format!(
        "# docproof run\n\n**The run did not finish: {why}.**\n\nNo scenario result is reported for this run.\n"
    );
    if !details.is_empty() {
        md.push('\n');
        for d in details {
            md.push_str(&format!("- {}\n", d.replace('\n', " ")));
        }
    }
    atomic::write(&report.join(SUMMARY), md)?;
    write_junit_error(report, why, details)
}

/// Writes a `junit.xml` of one test case in error: the run did not finish
/// because of `why`.
pub fn write_junit_error(report: &Path, why: &str, details: &[String]) -> io::Result<()> {
    atomic::write(
        &report.join(JUNIT),
        format!(
            "{XML_DECLARATION}\n<testsuites name=\"docproof\">\n{}</testsuites>\n",
            error_suite(&format!("run did not finish: {why}"), details)
        ),
    )
}

/// Adds to the run's `junit.xml` a test case in error for what failed the
/// run besides its scenarios (the drift gate…): scenarios that all passed
/// must not read as a passing run to CI.
pub fn add_junit_error(report: &Path, why: &str, details: &[String]) -> io::Result<()> {
    add_junit_suite(report, &error_suite(&format!("run failed: {why}"), details))
}

/// Adds to the run's `junit.xml` one skipped test case per pending step
/// (transcribed, not yet automated), as CI dashboards show work to do.
pub fn add_junit_pending(
    report: &Path,
    steps: &[crate::doc::trace::PendingStep],
) -> io::Result<()> {
    use quick_xml::escape::escape;
    if steps.is_empty() {
        return Ok(());
    }
    let mut suite = format!(
        "<testsuite name=\"pending\" tests=\"{n}\" failures=\"0\" errors=\"0\" skipped=\"{n}\">\n",
        n = steps.len()
    );
    for step in steps {
        suite.push_str(&format!(
            "<testcase classname=\"{}\" name=\"{}\">\n<skipped message=\"pending: transcribed, not yet automated ({}:{})\"/>\n</testcase>\n",
            escape(step.feature.display().to_string()),
            escape(&step.text),
            escape(step.feature.display().to_string()),
            step.line
        ));
    }
    suite.push_str("</testsuite>\n");
    add_junit_suite(report, &suite)
}

/// Records what the run ran against (`profile`, `driver`, `browser`) in
/// `junit.xml`: a suite of no test cases whose `<properties>` say it, as
/// CI tools show a suite's properties.
pub fn add_junit_properties(report: &Path, properties: &[(&str, String)]) -> io::Result<()> {
    use quick_xml::escape::escape;
    let mut suite = String::from(
        "<testsuite name=\"docproof run\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\">\n<properties>\n",
    );
    for (name, value) in properties {
        suite.push_str(&format!(
            "<property name=\"{}\" value=\"{}\"/>\n",
            escape(*name),
            escape(value.as_str())
        ));
    }
    suite.push_str("</properties>\n</testsuite>\n");
    add_junit_suite(report, &suite)
}

/// Inserts a `<testsuite>` into the run's `junit.xml`.
fn add_junit_suite(report: &Path, suite: &str) -> io::Result<()> {
    let path = report.join(JUNIT);
    let xml = std::fs::read_to_string(&path)?;
    let Some(end) = xml.rfind("</testsuites>") else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "it has no </testsuites> to add a test suite before",
        ));
    };
    let mut joined = xml[..end].to_string();
    joined.push_str(suite);
    joined.push_str(&xml[end..]);
    atomic::write(&path, joined)
}

const XML_DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

/// A `<testsuite>` of one test case, in error with `message`.
fn error_suite(message: &str, details: &[String]) -> String {
    use quick_xml::escape::escape;
    let message = escape(message).into_owned();
    let body = escape(details.join("\n")).into_owned();
    format!(
        r#"<testsuite name="docproof run" tests="1" failures="0" errors="1" skipped="0">
<testcase classname="docproof" name="docproof run">
<error type="run" message="{message}">{body}</error>
</testcase>
</testsuite>
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn begin_removes_only_docproofs_own_reports_and_says_the_run_is_unfinished() {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path();
        for name in OWN_FILES {
            std::fs::write(report.join(name), "earlier run: 20 of 20 scenarios passed").unwrap();
        }
        for name in OWN_FOLDERS {
            std::fs::create_dir_all(report.join(name).join("x")).unwrap();
            std::fs::write(report.join(name).join("x/1.txt"), "old").unwrap();
        }
        std::fs::write(report.join(".docproof-abc.tmp"), "").unwrap();
        std::fs::write(report.join("notes.md"), "mine").unwrap();
        std::fs::create_dir(report.join("faq")).unwrap();

        begin(report).unwrap();

        let mut left: Vec<String> = std::fs::read_dir(report)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["faq", "junit.xml", "notes.md", "summary.md"]);
        let summary = std::fs::read_to_string(report.join(SUMMARY)).unwrap();
        assert!(
            summary.contains("**The run did not finish: it is still running, or it was killed"),
            "{summary}"
        );
        let junit = std::fs::read_to_string(report.join(JUNIT)).unwrap();
        assert!(junit.contains(r#"errors="1""#), "{junit}");
    }

    #[test]
    fn a_report_that_cannot_be_removed_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(JUNIT).join("x")).unwrap();
        let err = begin(dir.path()).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!(
                "{}: cannot remove the previous run's report (",
                dir.path().join(JUNIT).display()
            )),
            "{err}"
        );
    }

    #[test]
    fn the_run_s_errors_join_cucumber_s_junit_or_say_they_cannot() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(JUNIT);
        std::fs::write(&path, "<?xml?><testsuites><testsuite/></testsuites>").unwrap();
        add_junit_error(dir.path(), "the drift gate found 1 problem", &[]).unwrap();
        let xml = std::fs::read_to_string(&path).unwrap();
        assert!(
            xml.starts_with("<?xml?><testsuites><testsuite/><testsuite name=\"docproof run\"")
                && xml.contains("message=\"run failed: the drift gate found 1 problem\"")
                && xml.ends_with("</testsuite>\n</testsuites>"),
            "{xml}"
        );
        std::fs::write(&path, "<testsuites>").unwrap();
        let err = add_junit_error(dir.path(), "x", &[]).unwrap_err();
        assert!(err.to_string().contains("</testsuites>"), "{err}");
    }

    #[test]
    fn the_stopped_junit_escapes_what_it_quotes() {
        let xml = error_suite("a <b> & \"c\"", &["x < y".into()]);
        assert!(
            xml.contains("message=\"a &lt;b&gt; &amp; &quot;c&quot;\""),
            "{xml}"
        );
        assert!(xml.contains(">x &lt; y</error>"), "{xml}");
    }

    #[test]
    fn a_report_path_under_a_file_is_refused_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, "").unwrap();
        let err = begin(&file.join("report")).unwrap_err().to_string();
        assert!(
            err.contains(&format!(
                "{}: cannot create the report folder",
                file.join("report").display()
            )) && err.contains("pass --report"),
            "{err}"
        );
    }
}
