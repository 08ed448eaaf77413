//! The tenant file (`fixtures/tenant.toml`): who exists in the tenant, with
//! which password, phone and MFA status. A malformed file is refused with the
//! file, line and field named, and what to write instead.

use docproof_contract::domain::{Method, MfaStatus, PhoneNumber, Secret, Upn};
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// A tenant file that could not be used, pointing at the offending place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantFileError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for TenantFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for TenantFileError {}

#[derive(Debug, Clone)]
pub struct TenantFile {
    pub tenant: TenantInfo,
    pub users: Vec<UserSeed>,
    pub apps: Vec<AppSeed>,
}

#[derive(Debug, Clone)]
pub struct TenantInfo {
    /// Directory (tenant) id, a GUID; Graph's token URL accepts it or the domain.
    pub id: String,
    /// Initial domain, e.g. `contoso.onmicrosoft.com`.
    pub domain: String,
}

#[derive(Debug, Clone)]
pub struct UserSeed {
    pub upn: Upn,
    pub display_name: String,
    pub password: Secret,
    pub mfa: MfaStatus,
    /// The user's own mobile phone (what they type into proof-up).
    pub phone: Option<PhoneNumber>,
    pub office_phone: Option<PhoneNumber>,
    /// Registration already completed with `phone` by this method.
    pub registered: Option<Method>,
    pub admin: bool,
}

#[derive(Debug, Clone)]
pub struct AppSeed {
    pub client_id: String,
    pub client_secret: Secret,
    pub roles: Vec<String>,
}

/// Microsoft Entra ID accepts passwords of at most 256 characters.
pub const MAX_PASSWORD_CHARS: usize = 256;
/// Every other text field (ids, names, secrets): Entra's display names
/// stop at 256 characters too; docproof holds the rest to the same.
pub const MAX_TEXT_CHARS: usize = 256;

// Raw shapes as written in TOML; every field is spanned so that a value that
// fails to parse can be reported with its line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    tenant: Spanned<RawTenant>,
    #[serde(default)]
    users: Vec<Spanned<RawUser>>,
    #[serde(default)]
    apps: Vec<Spanned<RawApp>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTenant {
    id: Spanned<String>,
    domain: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUser {
    upn: Spanned<String>,
    display_name: Spanned<String>,
    password: Spanned<String>,
    #[serde(default)]
    mfa: Option<Spanned<String>>,
    #[serde(default)]
    phone: Option<Spanned<String>>,
    #[serde(default)]
    office_phone: Option<Spanned<String>>,
    #[serde(default)]
    registered: Option<Spanned<String>>,
    #[serde(default)]
    admin: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApp {
    client_id: Spanned<String>,
    client_secret: Spanned<String>,
    #[serde(default)]
    roles: Vec<String>,
}

impl TenantFile {
    pub fn load(path: &Path) -> Result<Self, TenantFileError> {
        let text = std::fs::read_to_string(path).map_err(|e| TenantFileError {
            file: path.to_path_buf(),
            line: None,
            field: None,
            message: format!(
                "cannot read the tenant file ({e}); pass --tenant with the path of a tenant.toml"
            ),
        })?;
        Self::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Self, TenantFileError> {
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let err = |offset: Option<usize>, field: Option<String>, message: String| TenantFileError {
            file: path.to_path_buf(),
            line: offset.map(line_of),
            field,
            message,
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().to_string();
            // serde names the missing or unknown key in its message; keep it as the field.
            let field = message.split('`').nth(1).map(|s| s.to_string());
            err(e.span().map(|s| s.start), field, message)
        })?;

        let t = raw.tenant.into_inner();
        let text_of = |s: &Spanned<String>, field: &str, max: usize| {
            let value = s.get_ref().trim();
            let refuse = |why: String| Err(err(Some(s.span().start), Some(field.into()), why));
            let chars = value.chars().count();
            if value.is_empty() {
                refuse("must not be empty".into())
            } else if chars > max {
                refuse(format!(
                    "is {chars} characters long; at most {max} are allowed: shorten it"
                ))
            } else {
                Ok(value.to_string())
            }
        };
        let nonempty = |s: &Spanned<String>, field: &str| text_of(s, field, MAX_TEXT_CHARS);
        let tenant = TenantInfo {
            id: nonempty(&t.id, "tenant.id")?,
            domain: nonempty(&t.domain, "tenant.domain")?,
        };

        let mut users = Vec::new();
        for (i, u) in raw.users.into_iter().enumerate() {
            let u = u.into_inner();
            let f = |name: &str| format!("users[{i}].{name}");
            fn parse_with<T>(
                s: &Spanned<String>,
                field: String,
                p: impl Fn(&str) -> Result<T, String>,
                err: &dyn Fn(Option<usize>, Option<String>, String) -> TenantFileError,
            ) -> Result<T, TenantFileError> {
                p(s.get_ref()).map_err(|m| err(Some(s.span().start), Some(field), m))
            }
            text_of(&u.upn, &f("upn"), MAX_TEXT_CHARS)?;
            let upn: Upn = parse_with(&u.upn, f("upn"), Upn::parse, &err)?;
            if users.iter().any(|x: &UserSeed| x.upn == upn) {
                return Err(err(
                    Some(u.upn.span().start),
                    Some(f("upn")),
                    format!("'{upn}' is listed twice; each user may appear once"),
                ));
            }
            let phone = u
                .phone
                .as_ref()
                .map(|p| parse_with(p, f("phone"), PhoneNumber::parse, &err))
                .transpose()?;
            let registered = u
                .registered
                .as_ref()
                .map(|p| parse_with(p, f("registered"), Method::parse, &err))
                .transpose()?;
            if registered.is_some() && phone.is_none() {
                return Err(err(
                    u.registered.as_ref().map(|r| r.span().start),
                    Some(f("registered")),
                    "a registered method needs the user's phone: add phone = \"+1 2065550101\""
                        .into(),
                ));
            }
            users.push(UserSeed {
                display_name: nonempty(&u.display_name, &f("display_name"))?,
                password: Secret::new(text_of(&u.password, &f("password"), MAX_PASSWORD_CHARS)?),
                mfa: u
                    .mfa
                    .as_ref()
                    .map(|m| parse_with(m, f("mfa"), MfaStatus::parse, &err))
                    .transpose()?
                    .unwrap_or(MfaStatus::Disabled),
                office_phone: u
                    .office_phone
                    .as_ref()
                    .map(|p| parse_with(p, f("office_phone"), PhoneNumber::parse, &err))
                    .transpose()?,
                upn,
                phone,
                registered,
                admin: u.admin,
            });
        }
        if !users.iter().any(|u| u.admin) {
            return Err(err(
                None,
                Some("users".into()),
                "no global admin: give one user `admin = true`".into(),
            ));
        }

        let mut apps = Vec::new();
        for (i, a) in raw.apps.into_iter().enumerate() {
            let a = a.into_inner();
            apps.push(AppSeed {
                client_id: nonempty(&a.client_id, &format!("apps[{i}].client_id"))?,
                client_secret: Secret::new(nonempty(
                    &a.client_secret,
                    &format!("apps[{i}].client_secret"),
                )?),
                roles: a.roles,
            });
        }
        Ok(TenantFile {
            tenant,
            users,
            apps,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[tenant]
id = "8f1c2a5e-0000-4000-8000-000000000001"
domain = "contoso.onmicrosoft.com"

[[users]]
upn = "admin@contoso.onmicrosoft.com"
display_name = "Admin"
password = "x"
admin = true

[[users]]
upn = "o365.sms@contoso.onmicrosoft.com"
display_name = "SMS"
password = "y"
phone = "+1 abc"
"#;

    #[test]
    fn bad_phone_names_file_line_and_field() {
        let e = TenantFile::parse(Path::new("t.toml"), GOOD).unwrap_err();
        assert_eq!(e.line, Some(16));
        assert_eq!(e.field.as_deref(), Some("users[1].phone"));
        let shown = e.to_string();
        assert!(
            shown.starts_with("t.toml:16: field `users[1].phone`"),
            "{shown}"
        );
        assert!(shown.contains("+1 2065550101"), "{shown}");
    }

    #[test]
    fn unknown_and_missing_fields_are_named() {
        let e = TenantFile::parse(
            Path::new("t.toml"),
            &GOOD.replace("admin = true", "admn = true"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("admn"), "{e}");
        let e = TenantFile::parse(
            Path::new("t.toml"),
            &GOOD.replace("display_name = \"SMS\"\n", ""),
        )
        .unwrap_err();
        assert!(e.to_string().contains("display_name"), "{e}");
        assert!(e.line.is_some());
    }

    #[test]
    fn an_overlong_password_is_refused_with_its_file_line_and_field() {
        let huge = "p".repeat(5 * 1024 * 1024);
        let good = GOOD.replace("+1 abc", "+1 2065550101");
        let text = good.replace("password = \"x\"", &format!("password = \"{huge}\""));
        let e = TenantFile::parse(Path::new("t.toml"), &text).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("users[0].password"));
        assert_eq!(e.line, Some(9));
        let shown = e.to_string();
        assert!(
            shown.starts_with("t.toml:9: field `users[0].password`"),
            "{shown}"
        );
        assert!(shown.contains("at most 256"), "{shown}");
        assert!(
            !shown.contains("ppppp"),
            "the password is not quoted: {shown}"
        );
        // 256 characters are still fine.
        let text = good.replace(
            "password = \"x\"",
            &format!("password = \"{}\"", "p".repeat(256)),
        );
        assert!(TenantFile::parse(Path::new("t.toml"), &text).is_ok());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// A TOML basic string holding `s`.
        fn quoted(s: &str) -> String {
            toml::Value::String(s.to_string()).to_string()
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            /// Any text is a tenant file or an error naming the file, and a
            /// line within the text when it names one.
            #[test]
            fn any_text_is_read_or_refused_with_a_place(text in "\\PC{0,400}") {
                match TenantFile::parse(Path::new("t.toml"), &text) {
                    Ok(_) => {}
                    Err(e) => {
                        prop_assert!(e.to_string().starts_with("t.toml"));
                        prop_assert!(!e.message.is_empty());
                        let lines = text.lines().count().max(1) + 1;
                        prop_assert!(e.line.is_none_or(|l| (1..=lines).contains(&l)), "{e}");
                    }
                }
            }

            /// Any password is kept as written (trimmed) up to Microsoft's 256
            /// characters, and refused past them at its own line and field.
            #[test]
            fn passwords_are_kept_or_refused_by_length(password in "\\PC{1,300}") {
                let good = GOOD.replace("+1 abc", "+1 2065550101");
                let text = good.replace("password = \"x\"", &format!("password = {}", quoted(&password)));
                let kept = password.trim();
                match TenantFile::parse(Path::new("t.toml"), &text) {
                    Ok(file) => {
                        prop_assert!(kept.chars().count() <= MAX_PASSWORD_CHARS);
                        prop_assert!(file.users[0].password.matches(kept));
                    }
                    Err(e) => {
                        prop_assert_eq!(e.field.as_deref(), Some("users[0].password"));
                        prop_assert_eq!(e.line, Some(9));
                        prop_assert!(kept.is_empty() || kept.chars().count() > MAX_PASSWORD_CHARS, "{}", e);
                    }
                }
            }
        }
    }
}
