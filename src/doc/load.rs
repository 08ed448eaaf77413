//! Where the documentation comes from: a file, or the published page over
//! http(s). Either way the result is the same model; a source that cannot
//! be read says which and what to do (`docproof` exits 2 on it).

use super::html;
use super::model::Doc;
use super::parse::{self, Format};
use std::path::Path;
use std::time::Duration;

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
}

impl Doc {
    /// Reads `source`: an `http://` or `https://` URL, or a file path.
    pub async fn load(source: &str) -> Result<Doc, LoadError> {
        if source.contains("://") {
            fetch(source).await
        } else {
            Doc::read(Path::new(source))
        }
    }

    /// Reads a file: Markdown by its `.md` extension, wiki text otherwise.
    pub fn read(path: &Path) -> Result<Doc, LoadError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| LoadError::Read {
            path: shown.clone(),
            source,
        })?;
        Ok(parse::parse(&text, Format::of_name(&shown), &shown))
    }
}

/// Fetches the published page. HTML is reduced to its visible text first;
/// Markdown is recognised by `text/markdown` or a `.md` URL.
async fn fetch(source: &str) -> Result<Doc, LoadError> {
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
        .timeout(Duration::from_secs(30))
        .user_agent(concat!("docproof/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| LoadError::Unreachable {
            url: shown.clone(),
            why: e.to_string(),
        })?;
    let unreachable = |e: reqwest::Error| LoadError::Unreachable {
        url: shown.clone(),
        why: without_url(&e),
    };
    let response = client.get(url.clone()).send().await.map_err(unreachable)?;
    let status = response.status();
    if !status.is_success() {
        return Err(LoadError::Status {
            url: shown.clone(),
            status: status.to_string(),
        });
    }
    let kind = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let body = response.text().await.map_err(unreachable)?;
    let doc = if kind.starts_with("text/html") || kind.starts_with("application/xhtml") {
        parse::parse(&html::to_text(&body), Format::WikiText, &shown)
    } else if kind.starts_with("text/markdown") || kind.starts_with("text/x-markdown") {
        parse::parse(&body, Format::Markdown, &shown)
    } else {
        parse::parse(&body, Format::of_name(url.path()), &shown)
    };
    Ok(doc)
}

/// reqwest's message with its source chain, which names the real cause
/// (connection refused, DNS), without repeating the URL.
fn without_url(e: &reqwest::Error) -> String {
    let mut parts = vec![];
    let mut cause: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(c) = cause {
        parts.push(c.to_string());
        cause = c.source();
    }
    if parts.is_empty() {
        parts.push(
            if e.is_timeout() {
                "timed out"
            } else if e.is_connect() {
                "connection failed"
            } else {
                "request failed"
            }
            .to_string(),
        );
    }
    parts.join(": ")
}
