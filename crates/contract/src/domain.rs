//! Domain types in the FAQ's and Microsoft's vocabulary. Each one parses
//! instead of validating, so a value that exists is a valid value.

use rand::Rng;
use std::fmt;

/// A value that must never reach a log, snapshot or report: passwords,
/// one-time codes, app passwords, tokens. Debug and Display print a mask.
#[derive(Clone, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The real value, for comparing and for sending where it belongs.
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// Constant-time comparison, so a wrong guess leaks no timing.
    pub fn matches(&self, candidate: &str) -> bool {
        let a = self.0.as_bytes();
        let b = candidate.as_bytes();
        if a.len() != b.len() {
            return false;
        }
        a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(••••)")
    }
}
impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("••••")
    }
}

/// A random token of `len` URL-safe characters (flow tokens, sessions, ids).
pub fn random_token(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// User principal name, e.g. `o365.sms@contoso.onmicrosoft.com`. Case-insensitive.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Upn(String);

impl Upn {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim().to_ascii_lowercase();
        let (local, domain) = s
            .split_once('@')
            .ok_or_else(|| format!("'{raw}' is not a user name: write it as name@domain"))?;
        let ok_local = !local.is_empty()
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-+'".contains(c));
        let ok_domain = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && domain
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-".contains(c));
        if !ok_local || !ok_domain {
            return Err(format!(
                "'{raw}' is not a user name: write it as name@domain"
            ));
        }
        Ok(Upn(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Upn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The three per-user MFA states of FAQ 2.5.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum MfaStatus {
    Disabled,
    Enabled,
    Enforced,
}

impl MfaStatus {
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "disabled" => Ok(MfaStatus::Disabled),
            "enabled" => Ok(MfaStatus::Enabled),
            "enforced" => Ok(MfaStatus::Enforced),
            _ => Err(format!(
                "'{raw}' is not a multi-factor auth status: use disabled, enabled or enforced"
            )),
        }
    }
    /// As Graph spells it (`perUserMfaState`).
    pub fn graph_name(self) -> &'static str {
        match self {
            MfaStatus::Disabled => "disabled",
            MfaStatus::Enabled => "enabled",
            MfaStatus::Enforced => "enforced",
        }
    }
}

impl fmt::Display for MfaStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MfaStatus::Disabled => "Disabled",
            MfaStatus::Enabled => "Enabled",
            MfaStatus::Enforced => "Enforced",
        })
    }
}

/// How the user verifies with the authentication phone (FAQ 1.1.1 / 1.1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// "Send me a code by text message" (`OneWaySMS`).
    Text,
    /// "Call me" (`TwoWayVoiceMobile`).
    Call,
}

impl Method {
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "text" | "sms" | "onewaysms" => Ok(Method::Text),
            "call" | "twowayvoicemobile" => Ok(Method::Call),
            _ => Err(format!(
                "'{raw}' is not a verification method: use text or call"
            )),
        }
    }
    /// Microsoft's `data-value` for this proof.
    pub fn proof_name(self) -> &'static str {
        match self {
            Method::Text => "OneWaySMS",
            Method::Call => "TwoWayVoiceMobile",
        }
    }
    /// The words of the proof-up page's Method radio button.
    pub fn label(self) -> &'static str {
        match self {
            Method::Text => "Send me a code by text message",
            Method::Call => "Call me",
        }
    }
}

/// A phone number with its country calling code, e.g. `+1 2065550101`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PhoneNumber {
    country_code: String,
    national: String,
}

impl PhoneNumber {
    const HINT: &'static str = "write it as +<country code> <number>, e.g. +1 2065550101";

    /// Parses `+1 2065550101`, `+1 (206) 555-0101` or `+12065550101`
    /// (the last one only for country code 1, where the split is known).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim();
        let Some(rest) = trimmed.strip_prefix('+') else {
            return Err(format!("'{raw}' is not a phone number: {}", Self::HINT));
        };
        let (cc, national) = match rest.split_once(' ') {
            Some((cc, national)) => (cc.to_string(), national.to_string()),
            None if rest.starts_with('1') => ("1".to_string(), rest[1..].to_string()),
            None => return Err(format!("'{raw}' is not a phone number: {}", Self::HINT)),
        };
        Self::from_parts(&cc, &national)
            .map_err(|e| format!("'{raw}' is not a phone number: {e}; {}", Self::HINT))
    }

    /// From the proof-up page's two fields: country code and number.
    pub fn from_parts(country_code: &str, national: &str) -> Result<Self, String> {
        let cc = country_code.trim().trim_start_matches('+');
        if cc.is_empty() || cc.len() > 3 || !cc.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("'{country_code}' is not a country calling code"));
        }
        if national
            .chars()
            .any(|c| !(c.is_ascii_digit() || " -().".contains(c)))
        {
            return Err(format!(
                "'{}' may only contain digits, spaces, dashes and brackets",
                national.trim()
            ));
        }
        let digits: String = national.chars().filter(|c| c.is_ascii_digit()).collect();
        if !(4..=14).contains(&digits.len()) {
            return Err(format!(
                "'{}' must have between 4 and 14 digits",
                national.trim()
            ));
        }
        Ok(PhoneNumber {
            country_code: cc.to_string(),
            national: digits,
        })
    }

    pub fn country_code(&self) -> &str {
        &self.country_code
    }
    pub fn national(&self) -> &str {
        &self.national
    }
    /// E.164 (`+12065550101`), what Twilio's `To` field takes.
    pub fn e164(&self) -> String {
        format!("+{}{}", self.country_code, self.national)
    }
    /// As Microsoft masks it on the sign-in page: every digit but the last
    /// two replaced by X (`+X XXXXXXXX01`).
    pub fn masked(&self) -> String {
        let n = self.national.len();
        let cc = "X".repeat(self.country_code.len());
        let hidden = "X".repeat(n.saturating_sub(2));
        format!("+{cc} {hidden}{}", &self.national[n.saturating_sub(2)..])
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+{} {}", self.country_code, self.national)
    }
}

/// A six-digit one-time verification code (`iSAOtcLength` = 6).
#[derive(Clone, PartialEq, Eq)]
pub struct VerificationCode(Secret);

/// The one-time code in a verification text: the first standalone run of
/// exactly six digits, as in Microsoft's "Use verification code 123456 for
/// Microsoft authentication."
pub fn code_in(body: &str) -> Option<String> {
    body.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 6)
        .map(str::to_string)
}

impl VerificationCode {
    pub const LENGTH: usize = 6;
    pub fn generate() -> Self {
        let n: u32 = rand::rng().random_range(0..1_000_000);
        VerificationCode(Secret::new(format!("{n:06}")))
    }
    /// What the user typed, if it has the shape of a code at all.
    pub fn parse(raw: &str) -> Result<String, String> {
        let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if s.len() == Self::LENGTH && s.chars().all(|c| c.is_ascii_digit()) {
            Ok(s)
        } else {
            Err("Enter the 6-digit code from your phone.".into())
        }
    }
    pub fn matches(&self, candidate: &str) -> bool {
        self.0.matches(candidate)
    }
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for VerificationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VerificationCode(••••••)")
    }
}

/// An app password: 16 lowercase letters, valid only for non-browser apps.
#[derive(Clone, PartialEq, Eq)]
pub struct AppPassword(Secret);

impl AppPassword {
    pub const LENGTH: usize = 16;
    /// Microsoft allows at most 40 per user.
    pub const MAX_PER_USER: usize = 40;
    pub fn generate() -> Self {
        let mut rng = rand::rng();
        let s: String = (0..Self::LENGTH)
            .map(|_| (b'a' + rng.random_range(0..26u8)) as char)
            .collect();
        AppPassword(Secret::new(s))
    }
    pub fn matches(&self, candidate: &str) -> bool {
        // People paste app passwords with the spaces Microsoft shows.
        let c: String = candidate.chars().filter(|c| !c.is_whitespace()).collect();
        self.0.matches(&c)
    }
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for AppPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AppPassword(••••)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_parse_and_mask() {
        let p = PhoneNumber::parse("+1 2065550101").unwrap();
        assert_eq!(p.e164(), "+12065550101");
        assert_eq!(p.masked(), "+X XXXXXXXX01");
        assert_eq!(PhoneNumber::parse("+12065550101").unwrap(), p);
        assert_eq!(PhoneNumber::parse("+1 (206) 555-0101").unwrap(), p);
        assert!(PhoneNumber::parse("2065550101")
            .unwrap_err()
            .contains("+1 2065550101"));
        assert!(PhoneNumber::parse("+1 206abc").is_err());
        assert!(PhoneNumber::from_parts("1", "12").is_err());
    }

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("hunter2");
        assert!(!format!("{s:?} {s}").contains("hunter2"));
        let c = VerificationCode::generate();
        assert!(!format!("{c:?}").contains(c.expose()));
        let a = AppPassword::generate();
        assert_eq!(a.expose().len(), 16);
        assert!(a.expose().chars().all(|c| c.is_ascii_lowercase()));
        assert!(!format!("{a:?}").contains(a.expose()));
    }

    #[test]
    fn upn_and_status_parse() {
        assert_eq!(
            Upn::parse(" O365.SMS@Contoso.com ").unwrap().as_str(),
            "o365.sms@contoso.com"
        );
        assert!(Upn::parse("nobody").is_err());
        assert_eq!(MfaStatus::parse("Enforced").unwrap(), MfaStatus::Enforced);
        assert!(MfaStatus::parse("on").is_err());
    }
}
