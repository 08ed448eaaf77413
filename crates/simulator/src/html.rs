//! What every simulator page shares: rendering its template (askama escapes
//! it), cookies, redirects and basic credentials. Pages are plain
//! server-rendered HTML so they work with and without JavaScript, like the
//! converged sign-in UI's no-script fallbacks.

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;

/// A page rendered from its template (`templates/`), served uncached. A
/// template that fails to render is a bug in the simulator: a 500 naming it.
pub fn render(page: &impl askama::Template) -> Response {
    match page.render() {
        Ok(html) => uncached(Html(html).into_response()),
        Err(e) => {
            tracing::error!(error = %e, "a simulator page failed to render");
            (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                format!("the simulator could not render this page: {e}"),
            )
                .into_response()
        }
    }
}

fn uncached(mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// Reads one cookie from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value: HttpOnly and SameSite=Lax always, so scripts cannot
/// read sessions and other sites cannot post with them.
pub fn set_cookie(name: &str, value: &str) -> HeaderValue {
    cookie_header(name, value, None)
}

/// Like `set_cookie`, but kept by the browser for `max_age` (across restarts).
pub fn set_persistent_cookie(name: &str, value: &str, max_age: std::time::Duration) -> HeaderValue {
    cookie_header(name, value, Some(max_age.as_secs()))
}

/// A `Set-Cookie` value that removes the cookie.
pub fn clear_cookie(name: &str) -> HeaderValue {
    cookie_header(name, "", Some(0))
}

/// `name=value; Path=/; HttpOnly; SameSite=Lax`, and `; Max-Age=` the given
/// seconds if any.
fn cookie_header(name: &str, value: &str, max_age: Option<u64>) -> HeaderValue {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(seconds) = max_age {
        cookie.push_str(&format!("; Max-Age={seconds}"));
    }
    HeaderValue::from_str(&cookie).expect("cookie names and values are ASCII tokens")
}

/// Adds a `Set-Cookie` header to a response.
pub fn with_cookie(mut resp: Response, cookie: HeaderValue) -> Response {
    resp.headers_mut().append(header::SET_COOKIE, cookie);
    resp
}

/// A 303 redirect (the browser follows it with GET).
pub fn see_other(location: &str) -> Response {
    axum::response::Redirect::to(location).into_response()
}

/// Splits an `Authorization: Basic base64(user:password)` value into its two
/// halves, or says why it cannot.
pub fn parse_basic(value: &HeaderValue) -> Result<(String, String), String> {
    let text = value
        .to_str()
        .map_err(|_| "it contains characters that are not ASCII".to_string())?
        .trim();
    let (scheme, encoded) = text
        .split_once(' ')
        .ok_or_else(|| "it has no scheme and credentials".to_string())?;
    if !scheme.eq_ignore_ascii_case("basic") {
        // The caller's scheme is not quoted back (errors reach 401 bodies).
        return Err("its scheme is not 'Basic', the only one this endpoint accepts".into());
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| "the credentials are not valid base64".to_string())?;
    let decoded =
        String::from_utf8(bytes).map_err(|_| "the credentials are not UTF-8 text".to_string())?;
    let (user, password) = decoded
        .split_once(':')
        .ok_or_else(|| "the credentials have no ':' between user name and password".to_string())?;
    if user.is_empty() {
        return Err("the user name is empty".into());
    }
    Ok((user.to_string(), password.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_http_only_and_lax() {
        assert_eq!(set_cookie("a", "b"), "a=b; Path=/; HttpOnly; SameSite=Lax");
        assert_eq!(
            set_persistent_cookie("a", "b", std::time::Duration::from_secs(60)),
            "a=b; Path=/; HttpOnly; SameSite=Lax; Max-Age=60"
        );
        assert_eq!(
            clear_cookie("a"),
            "a=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
        );
    }

    fn basic(s: &str) -> HeaderValue {
        HeaderValue::from_str(&format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(s)
        ))
        .unwrap()
    }

    #[test]
    fn basic_credentials_parse_and_fail_clearly() {
        assert_eq!(
            parse_basic(&basic("a@b.com:pa:ss")).unwrap(),
            ("a@b.com".to_string(), "pa:ss".to_string())
        );
        assert!(parse_basic(&basic("nocolon")).unwrap_err().contains("':'"));
        let other_scheme = parse_basic(&HeaderValue::from_static("Bearer abc")).unwrap_err();
        assert!(other_scheme.contains("not 'Basic'"), "{other_scheme}");
        assert!(
            !other_scheme.contains("Bearer"),
            "not quoted back: {other_scheme}"
        );
        assert!(parse_basic(&HeaderValue::from_static("Basic %%%"))
            .unwrap_err()
            .contains("base64"));
        assert!(parse_basic(&HeaderValue::from_static("Basic"))
            .unwrap_err()
            .contains("no scheme"));
    }
}
