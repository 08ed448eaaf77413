//! Where the documentation comes from: a file, or the published page over
//! http(s). Either way the result is the same model; a source that cannot
//! be read says which and what to do (`docproof` exits 2 on it). Reading is
//! bounded: no more than a size cap is ever held (files are measured
//! first, pages are read in chunks and dropped at the cap), and a page
//! that does not arrive in time is given up on.

use super::html;
use super::model::Doc;
use super::outline;
use super::parse::{self, Format};
use super::size;
use std::io::Read as _;
use std::path::Path;
use std::time::Duration;

/// The largest doc docproof reads unless `--max-doc-size` says otherwise:
/// the FAQ is about 20 KB, so this leaves room for any real page while a
/// runaway response cannot fill the memory.
pub const DEFAULT_MAX_DOC_BYTES: u64 = 8 << 20;
/// How long connecting to the doc's server may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long fetching the whole page may take, connecting included.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(30);
/// The flag that raises the cap, as error messages name it.
pub const MAX_DOC_SIZE_FLAG: &str = "--max-doc-size";

/// How much of a doc docproof reads, and for how long it waits for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_bytes: u64,
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: DEFAULT_MAX_DOC_BYTES,
            timeout: FETCH_TIMEOUT,
        }
    }
}

impl Limits {
    /// The default limits with a cap of `max_bytes`.
    pub fn capped(max_bytes: u64) -> Limits {
        Limits {
            max_bytes,
            ..Limits::default()
        }
    }
}

/// Why the documentation could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: cannot read the documentation ({source}); pass --doc with the FAQ's file or its http(s) URL")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "{url}: not a URL docproof can fetch ({why}); pass --doc with an http(s) URL or a file"
    )]
    BadUrl { url: String, why: String },
    #[error("{url}: the server answered {status}; check that the URL is the published FAQ page")]
    Status { url: String, status: String },
    #[error("{url}: cannot reach the server ({why}); check the address and your network, or pass --doc with a saved copy")]
    Unreachable { url: String, why: String },
    #[error("{url}: the page did not arrive within {} s; check that the server is up and serves the page, or pass --doc with a saved copy", .after.as_secs_f64())]
    TimedOut { url: String, after: Duration },
    #[error("{url}: the answer broke off ({why}); try again, or pass --doc with a saved copy")]
    BrokeOff { url: String, why: String },
    #[error("{doc}: the documentation is larger than {} ({}), the most docproof reads; if this really is the FAQ, raise the cap with {MAX_DOC_SIZE_FLAG}, e.g. {MAX_DOC_SIZE_FLAG} 64MiB", size::show(*.cap), .size.as_deref().unwrap_or("it kept coming"))]
    TooLarge {
        doc: String,
        cap: u64,
        /// Its size, when known before reading.
        size: Option<String>,
    },
    #[error("{doc}:{}: {why}", .why.line)]
    TooDeep { doc: String, why: html::TooDeep },
    #[error("{path}:{}:{}: not UTF-8 text (byte 0x{:02X} at byte offset {}); save the documentation as UTF-8", .at.line, .at.column, .at.byte, .at.offset)]
    NotUtf8 { path: String, at: NotUtf8 },
}

/// Where the first byte that is not UTF-8 stands: its line and column
/// (1-based, the column counted in characters) and its byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotUtf8 {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
    pub byte: u8,
}

/// `bytes` as text, or where the first byte that is not UTF-8 stands.
pub fn decode(bytes: Vec<u8>) -> Result<String, NotUtf8> {
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        // Everything before `offset` is valid UTF-8.
        let before = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        NotUtf8 {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
            offset,
            byte: bytes[offset],
        }
    })
}

impl Doc {
    /// Reads `source`: an `http://` or `https://` URL, or a file path,
    /// within the default [`Limits`].
    pub async fn load(source: &str) -> Result<Doc, LoadError> {
        Doc::load_within(source, Limits::default()).await
    }

    /// [`Doc::load`] within `limits`.
    pub async fn load_within(source: &str, limits: Limits) -> Result<Doc, LoadError> {
        if source.contains("://") {
            fetch(source, limits).await
        } else {
            Doc::read_within(Path::new(source), limits.max_bytes)
        }
    }

    /// Reads a file within the default cap.
    pub fn read(path: &Path) -> Result<Doc, LoadError> {
        Doc::read_within(path, DEFAULT_MAX_DOC_BYTES)
    }

    /// Reads a file of at most `max_bytes`: HTML by its `.html`/`.htm`
    /// extension (a saved copy of the published page), Markdown by `.md`,
    /// wiki text otherwise.
    pub fn read_within(path: &Path, max_bytes: u64) -> Result<Doc, LoadError> {
        let shown = path.display().to_string();
        let failed = |source| LoadError::Read {
            path: shown.clone(),
            source,
        };
        let file = std::fs::File::open(path).map_err(failed)?;
        let metadata = file.metadata().map_err(failed)?;
        let too_large = |size: Option<u64>| LoadError::TooLarge {
            doc: shown.clone(),
            cap: max_bytes,
            size: size.map(size::show),
        };
        if metadata.is_file() && metadata.len() > max_bytes {
            return Err(too_large(Some(metadata.len())));
        }
        // A device or a pipe has no length to check: read one byte past
        // the cap at most, and refuse if it is there.
        let mut bytes = Vec::new();
        file.take(max_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(failed)?;
        if bytes.len() as u64 > max_bytes {
            return Err(too_large(None));
        }
        let text = decode(bytes).map_err(|at| LoadError::NotUtf8 {
            path: shown.clone(),
            at,
        })?;
        let lower = shown.to_ascii_lowercase();
        let written = if lower.ends_with(".html") || lower.ends_with(".htm") {
            Written::Html
        } else {
            Written::by_name(&shown)
        };
        model_of(&text, written, &shown)
    }
}

/// How a doc is written, as its name or media type says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Html,
    Markdown,
    /// The wiki's rendered text, or DokuWiki's markup (told apart by its
    /// `====== Heading ======` lines).
    Text,
}

impl Written {
    fn by_name(name: &str) -> Written {
        match Format::of_name(name) {
            Format::Markdown => Written::Markdown,
            Format::WikiText => Written::Text,
        }
    }
}

/// The model of a doc's text. A doc with numbered sections (the FAQ) is
/// read by its numbers; any other by its structure, headings and ordered
/// lists ([`outline`]).
pub fn model_of(text: &str, written: Written, shown: &str) -> Result<Doc, LoadError> {
    let too_deep = |why| LoadError::TooDeep {
        doc: shown.to_string(),
        why,
    };
    // HTML is parsed once, for both readers.
    let page = match written {
        Written::Html => Some(html::parse(text).map_err(too_deep)?),
        Written::Markdown | Written::Text => None,
    };
    let numbered = match (&page, written) {
        (Some(page), _) if html::may_have_numbered_section(text) => {
            let text = html::text_of(page);
            if parse::has_numbered_section(&text) {
                parse::parse(&text, Format::WikiText, shown)
            } else {
                unnumbered(shown)
            }
        }
        // Rendering its text costs as much as reading its outline.
        (Some(_), _) => unnumbered(shown),
        (None, Written::Markdown) if parse::has_numbered_heading(text) => {
            parse::parse(text, Format::Markdown, shown)
        }
        // Without a numbered heading the numbered reader finds no step:
        // skip it (on a 1 MB guide it cost as much as reading it).
        (None, Written::Markdown) => unnumbered(shown),
        (None, _) if outline::dokuwiki::looks_like(text) => {
            return Ok(outline::build(outline::dokuwiki::read(text), shown));
        }
        (None, _) => return Ok(parse::parse(text, Format::WikiText, shown)),
    };
    let structure = match &page {
        Some(page) => outline::html::read_parsed(page, text),
        None => outline::markdown::read(text),
    };
    if numbered.steps_to_transcribe().next().is_some() {
        // Lists under its unnumbered headings are procedures too.
        let mut numbered = numbered;
        let others = outline::build_unnumbered(structure, shown);
        numbered.sections.extend(others.sections);
        return Ok(numbered);
    }
    let mut doc = outline::build(structure, shown);
    if doc.title.is_none() {
        doc.title = numbered.title;
    }
    Ok(doc)
}

/// What the numbered reader finds in a doc without numbered sections:
/// nothing (and so it need not read it).
fn unnumbered(shown: &str) -> Doc {
    Doc {
        source: shown.to_string(),
        title: None,
        sections: Vec::new(),
    }
}

/// Fetches the published page. HTML is reduced to its visible text first;
/// Markdown is recognised by `text/markdown` or a `.md` URL.
async fn fetch(source: &str, limits: Limits) -> Result<Doc, LoadError> {
    // Messages and the doc's name never show user-info or a secret query.
    let shown = crate::redact::url::shown(source);
    let url = url::Url::parse(source).map_err(|e| LoadError::BadUrl {
        url: shown.clone(),
        why: e.to_string(),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(LoadError::BadUrl {
            url: shown.clone(),
            why: format!("the scheme is {}:", url.scheme()),
        });
    }
    let client = reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT.min(limits.timeout))
        .timeout(limits.timeout)
        .user_agent(concat!("docproof/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| LoadError::Unreachable {
            url: shown.clone(),
            why: e.to_string(),
        })?;
    let timed_out = || LoadError::TimedOut {
        url: shown.clone(),
        after: limits.timeout,
    };
    let unreachable = |e: reqwest::Error| {
        if e.is_timeout() {
            timed_out()
        } else {
            LoadError::Unreachable {
                url: shown.clone(),
                why: without_url(&e),
            }
        }
    };
    let mut response = client.get(url.clone()).send().await.map_err(unreachable)?;
    let status = response.status();
    if !status.is_success() {
        return Err(LoadError::Status {
            url: shown.clone(),
            status: status.to_string(),
        });
    }
    let too_large = |size: Option<u64>| LoadError::TooLarge {
        doc: shown.clone(),
        cap: limits.max_bytes,
        size: size.map(|s| format!("{} announced", size::show(s))),
    };
    if let Some(announced) = response.content_length() {
        if announced > limits.max_bytes {
            return Err(too_large(Some(announced)));
        }
    }
    let kind = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    // Chunk by chunk, so that a page that never ends is dropped at the cap.
    let mut body = Vec::new();
    loop {
        let chunk = response.chunk().await.map_err(|e| {
            if e.is_timeout() {
                timed_out()
            } else {
                LoadError::BrokeOff {
                    url: shown.clone(),
                    why: without_url(&e),
                }
            }
        })?;
        let Some(chunk) = chunk else { break };
        if (body.len() + chunk.len()) as u64 > limits.max_bytes {
            return Err(too_large(None));
        }
        body.extend_from_slice(&chunk);
    }
    // As reqwest's `text()` reads a page without a charset feature.
    let body = String::from_utf8_lossy(&body);
    let written = if kind.starts_with("text/html") || kind.starts_with("application/xhtml") {
        Written::Html
    } else if kind.starts_with("text/markdown") || kind.starts_with("text/x-markdown") {
        Written::Markdown
    } else {
        Written::by_name(url.path())
    };
    model_of(&body, written, &shown)
}

/// reqwest's message with its source chain, which names the real cause
/// (connection refused, DNS), without repeating the URL.
fn without_url(e: &reqwest::Error) -> String {
    let mut parts: Vec<String> = vec![];
    let mut cause: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(c) = cause {
        let said = c.to_string();
        // Each cause once: hyper and the OS often quote the one below.
        if !parts.iter().any(|p| p.contains(&said)) {
            parts.push(said);
        }
        cause = c.source();
    }
    if parts.is_empty() {
        parts.push(
            if e.is_connect() {
                "connection failed"
            } else {
                "request failed"
            }
            .to_string(),
        );
    }
    parts.join(": ")
}
