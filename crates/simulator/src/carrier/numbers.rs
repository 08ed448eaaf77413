//! Phone numbers as the carrier files them, shows them and puts them in a
//! phone page's path.

use docproof_contract::domain::PhoneNumber;
use std::collections::HashMap;

/// A number as the carrier files it: E.164 when it parses (`+1 2065550101`
/// and `+12065550101` are the same phone), else the text as given.
pub fn number_key(raw: &str) -> String {
    let t = raw.trim();
    if let Ok(p) = PhoneNumber::parse(t) {
        return p.e164();
    }
    if let Some(rest) = t.strip_prefix('+') {
        if !rest.is_empty()
            && rest.chars().any(|c| c.is_ascii_digit())
            && rest
                .chars()
                .all(|c| c.is_ascii_digit() || " -().".contains(c))
        {
            let digits: String = rest.chars().filter(|c| c.is_ascii_digit()).collect();
            return format!("+{digits}");
        }
    }
    // An unencoded `+` in a query string arrives as a space.
    if raw.starts_with(' ') && !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == ' ') {
        return number_key(&format!("+{t}"));
    }
    t.to_string()
}

/// How a number is shown to a person: `+1 2065550101` when it parses.
pub fn number_display(key: &str) -> String {
    PhoneNumber::parse(key)
        .map(|p| p.to_string())
        .unwrap_or_else(|_| key.to_string())
}

/// The path of a phone's page: E.164 without `+`, or URL-encoded.
pub fn phone_path(key: &str) -> String {
    match key.strip_prefix('+') {
        Some(d) if !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()) => format!("/phone/{d}"),
        _ => format!(
            "/phone/{}",
            url::form_urlencoded::byte_serialize(key.as_bytes()).collect::<String>()
        ),
    }
}

/// The number a phone page's path segment names.
pub fn key_from_path(segment: &str) -> String {
    if !segment.is_empty() && segment.chars().all(|c| c.is_ascii_digit()) {
        number_key(&format!("+{segment}"))
    } else {
        number_key(segment)
    }
}

/// A phone number field, filed under [`number_key`]; `None` when blank.
/// Not trimmed first: an unencoded `+` arrives as a leading space.
pub fn number_field(form: &HashMap<String, String>, key: &str) -> Option<String> {
    form.get(key)
        .filter(|v| !v.trim().is_empty())
        .map(|v| number_key(v))
}

/// A form field, trimmed; `None` when blank.
pub fn non_empty(form: &HashMap<String, String>, key: &str) -> Option<String> {
    form.get(key)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_file_under_e164() {
        assert_eq!(number_key("+1 2065550101"), "+12065550101");
        assert_eq!(number_key("+12065550101"), "+12065550101");
        assert_eq!(number_key(" 12065550101"), "+12065550101");
        assert_eq!(number_key("+44 20 7946 0000"), "+442079460000");
        assert_eq!(number_key("+442079460000"), "+442079460000");
        assert_eq!(number_key("client:alice"), "client:alice");
        assert_eq!(phone_path("+12065550101"), "/phone/12065550101");
        assert_eq!(phone_path("client:alice"), "/phone/client%3Aalice");
        assert_eq!(key_from_path("12065550101"), "+12065550101");
    }
}
