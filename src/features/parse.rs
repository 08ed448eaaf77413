//! Reads the feature files: Gherkin in, scenarios out, with each step's FAQ
//! citation moved from its text to its keyword (see `doc::trace`). A file
//! that is not valid Gherkin is reported with its line and column.

use crate::doc::trace;
use cucumber::feature::Ext as _;
use cucumber::gherkin::{self, GherkinEnv};
use std::path::{Path, PathBuf};

/// Every `*.feature` file under `dir` (or `dir` itself if it is a file),
/// sorted, so runs are repeatable.
pub fn feature_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if dir.is_file() {
        return Ok(vec![dir.to_path_buf()]);
    }
    if !dir.is_dir() {
        anyhow::bail!(
            "{}: no such folder of feature files; pass --features with the folder that holds your *.feature files",
            dir.display()
        );
    }
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("feature"))
            {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Parses one feature file, expands its Scenario Outlines, and moves the
/// citations of its steps to their keywords. What gherkin would misreport
/// is caught first: an empty file, bytes that are not UTF-8, a table row
/// with more or fewer cells than its table's first row (gherkin drops the
/// extra cells, or the whole Examples table, without a word).
pub fn parse_feature(path: &Path) -> Result<gherkin::Feature, String> {
    let bytes = std::fs::read(path).map_err(|e| {
        format!(
            "{}: cannot be read ({e}); check the file's permissions",
            path.display()
        )
    })?;
    let text = crate::doc::load::decode(bytes).map_err(|at| {
        format!(
            "{}:{}:{}: not UTF-8 text (byte 0x{:02X} at byte offset {}); save the feature file as UTF-8",
            path.display(),
            at.line,
            at.column,
            at.byte,
            at.offset
        )
    })?;
    if text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Err(format!(
            "{}:1: the feature file is empty (no `Feature:` line); write the feature, or delete the file",
            path.display()
        ));
    }
    // gherkin's own error comes first when it has one (it stands earlier in
    // the file), unless it is about cell counts, which this names better.
    let uneven = || uneven_table_row(&text).map(|at| format!("{}:{at}", path.display()));
    let feature = match gherkin::Feature::parse_path(path, GherkinEnv::default()) {
        Err(gherkin::ParseFileError::Parsing {
            error: Some(gherkin::EnvError::InconsistentCellCount(_)),
            ..
        }) if uneven().is_some() => return Err(uneven().unwrap_or_default()),
        Err(e) => return Err(describe(path, &e)),
        Ok(feature) => feature,
    };
    if let Some(uneven) = uneven() {
        return Err(uneven);
    }
    let mut feature = feature.expand_examples().map_err(|e| {
        format!(
            "{}:{}: Examples have no column <{}>; add it to the Examples table or fix the placeholder",
            path.display(),
            e.pos.line,
            e.name
        )
    })?;
    steps_mut(&mut feature).for_each(trace::move_to_keyword);
    Ok(feature)
}

/// The first table row (of Examples or a step's data table) whose cells
/// do not match its table's first row: `LINE: …` and what to do. Rows of a
/// table are consecutive `|` lines; blank and comment lines may stand
/// between them, doc strings are skipped.
fn uneven_table_row(text: &str) -> Option<String> {
    let mut table: Option<(usize, usize)> = None; // (first row's line, cells)
    let mut fence: Option<&str> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let t = raw.trim();
        if let Some(f) = fence {
            if t.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if let Some(f) = ["\"\"\"", "```"].into_iter().find(|f| t.starts_with(f)) {
            fence = Some(f);
            table = None;
            continue;
        }
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if !t.starts_with('|') {
            table = None;
            continue;
        }
        let cells = cells_in_row(t);
        match table {
            None => table = Some((line, cells)),
            Some((first, width)) if cells != width => {
                return Some(format!(
                    "{line}: this table row has {cells} cell{}, but the table's first row (line {first}) has {width}; give every row of the table the same cells",
                    if cells == 1 { "" } else { "s" }
                ));
            }
            Some(_) => {}
        }
    }
    None
}

/// The cells of a `| a | b |` row: its unescaped bars, less one (a row
/// that does not end in a bar is gherkin's to refuse).
fn cells_in_row(row: &str) -> usize {
    let mut bars = 0usize;
    let mut chars = row.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '|' => bars += 1,
            _ => {}
        }
    }
    bars.saturating_sub(1)
}

/// Every step of a feature: its background's, its scenarios', and its
/// rules' backgrounds' and scenarios'.
pub fn steps(feature: &gherkin::Feature) -> impl Iterator<Item = &gherkin::Step> {
    let rules = feature.rules.iter().flat_map(|r| {
        let bg = r.background.iter().flat_map(|b| &b.steps);
        bg.chain(r.scenarios.iter().flat_map(|s| &s.steps))
    });
    let bg = feature.background.iter().flat_map(|b| &b.steps);
    bg.chain(feature.scenarios.iter().flat_map(|s| &s.steps))
        .chain(rules)
}

/// [`steps`], to change them.
fn steps_mut(feature: &mut gherkin::Feature) -> impl Iterator<Item = &mut gherkin::Step> {
    let rules = feature.rules.iter_mut().flat_map(|r| {
        let bg = r.background.iter_mut().flat_map(|b| &mut b.steps);
        bg.chain(r.scenarios.iter_mut().flat_map(|s| &mut s.steps))
    });
    let bg = feature.background.iter_mut().flat_map(|b| &mut b.steps);
    bg.chain(feature.scenarios.iter_mut().flat_map(|s| &mut s.steps))
        .chain(rules)
}

fn describe(path: &Path, e: &gherkin::ParseFileError) -> String {
    match e {
        gherkin::ParseFileError::Reading { source, .. } => {
            format!(
                "{}: cannot be read ({source}); check the file's permissions",
                path.display()
            )
        }
        gherkin::ParseFileError::Parsing { error, source, .. } => {
            // gherkin keeps the position private; its message is
            // "Error at LINE:COL: {expected tokens}".
            let shown = source.to_string();
            let at = regex::Regex::new(r"at (\d+):(\d+)")
                .expect("valid regex")
                .captures(&shown)
                .map(|c| format!("{}:{}", &c[1], &c[2]))
                .unwrap_or_else(|| "1:1".into());
            let detail = match error {
                Some(gherkin::EnvError::InconsistentCellCount(_)) => {
                    "a table row has a different number of cells than the others".to_string()
                }
                Some(env) => env.to_string().trim_end_matches('.').to_string(),
                None => "this line is not a Gherkin keyword, step, table row, tag or comment where it stands".to_string(),
            };
            format!(
                "{}:{at}: not valid Gherkin: {detail}. Steps start with Given, When, Then, And or But and belong to a Scenario or Background; tables rows start with |",
                path.display()
            )
        }
    }
}
