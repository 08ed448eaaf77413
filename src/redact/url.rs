//! The one way a URL is printed (errors, logs, failure `.url` files): no
//! user-info (`user:pass@`), no fragment, and the values of secret-looking
//! query parameters masked. Other parameters stay, for debugging.

/// Query keys whose values are secrets, compared ignoring case. A key that
/// contains `token`, `secret`, `passw` or `signature` is one too
/// (`id_token`, `X-Amz-Signature`).
const SECRET_KEYS: &[&str] = &[
    "password",
    "pass",
    "pwd",
    "token",
    "access_token",
    "code",
    "otc",
    "secret",
    "client_secret",
    "sig",
    "key",
    "apikey",
    "api_key",
    "auth",
    "flowtoken",
    "canary",
    "ctx",
    "state",
    "nonce",
    "session",
];
const SECRET_PARTS: &[&str] = &["token", "secret", "passw", "signature"];

/// What a masked query value reads.
const MASKED: &str = "…";

fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SECRET_KEYS.contains(&key.as_str()) || SECRET_PARTS.iter().any(|p| key.contains(p))
}

/// `url` as docproof prints it:
/// `http://gridUser:gridS3cret@host/wd/hub?mode=a&token=abc#x` →
/// `http://host/wd/hub?mode=a&token=…`. The rest is left as given (the
/// `url` crate, asked to write it back, would add a `/` to a bare host).
/// Text that is not an absolute URL is cut at its query (`?…` says there
/// was one) and loses anything before an `@`.
pub fn shown(url: &str) -> String {
    let readable = url::Url::parse(url).is_ok_and(|u| !u.cannot_be_a_base());
    let head_end = url.find(['?', '#']).unwrap_or(url.len());
    let head = without_user_info(&url[..head_end]);
    let query = url[head_end..]
        .strip_prefix('?')
        .map(|q| q.split('#').next().unwrap_or_default());
    match query {
        None => head,
        Some(_) if !readable => format!("{head}?…"),
        Some(q) => format!("{head}?{}", masked_query(q)),
    }
}

/// `scheme://user:pass@host/path` → `scheme://host/path`; without a
/// scheme, anything up to the last `@` before the path goes.
fn without_user_info(head: &str) -> String {
    let start = head.find("://").map_or(0, |s| s + 3);
    let authority_end = head[start..]
        .find(['/', '\\'])
        .map_or(head.len(), |e| start + e);
    match head[start..authority_end].rfind('@') {
        Some(at) => format!("{}{}", &head[..start], &head[start + at + 1..]),
        None => head.to_string(),
    }
}

/// `a=1&token=abc` → `a=1&token=…`.
fn masked_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| {
            let key = pair.split('=').next().unwrap_or_default();
            let decoded: String = url::form_urlencoded::parse(key.as_bytes())
                .map(|(k, _)| k.into_owned())
                .collect();
            if pair.contains('=') && is_secret_key(&decoded) {
                format!("{key}={MASKED}")
            } else {
                pair.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn user_info_is_dropped() {
        assert_eq!(
            shown("http://gridUser:gridS3cret@127.0.0.1:4444/wd/hub"),
            "http://127.0.0.1:4444/wd/hub"
        );
        assert_eq!(
            shown("https://onlyuser@example.com/"),
            "https://example.com/"
        );
    }

    #[test]
    fn secret_query_values_are_masked_and_the_rest_kept() {
        assert_eq!(
            shown("http://u:p@127.0.0.1:1/faq.txt?token=abc"),
            "http://127.0.0.1:1/faq.txt?token=…"
        );
        assert_eq!(
            shown("https://login.example/authorize?redirect_uri=%2Fowa&ctx=Zz9&FlowToken=Q1&mode=preview&X-Amz-Signature=deadbeef&code=123456#access_token=abc"),
            "https://login.example/authorize?redirect_uri=%2Fowa&ctx=…&FlowToken=…&mode=preview&X-Amz-Signature=…&code=…"
        );
        assert_eq!(shown("http://h/p?flag&Pwd=x"), "http://h/p?flag&Pwd=…");
        assert_eq!(shown("http://h/done?wrapped=1"), "http://h/done?wrapped=1");
        assert_eq!(shown("http://h/a#frag"), "http://h/a");
    }

    #[test]
    fn text_that_is_not_a_url_still_loses_user_info_and_query() {
        assert_eq!(shown("/proofup?flowToken=abc"), "/proofup?…");
        assert_eq!(shown("gridUser:gridS3cret@host/wd/hub"), "host/wd/hub");
        assert_eq!(shown("ht!tp://u:p@host/x?y"), "ht!tp://host/x?…");
        assert_eq!(shown(""), "");
    }
}
