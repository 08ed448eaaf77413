//! The tenant the features run against, as the harness knows it: the
//! accounts the features name (with their passwords and phones) and the
//! Graph app that may change per-user MFA. Read from the tenant file's
//! `[tenant]`, `[[users]]` and `[[apps]]`; the simulator reads the same
//! file as its seed, each side taking what it needs.

use docproof_contract::domain::{PhoneNumber, Secret};
use serde::Deserialize;
use std::path::Path;

/// The target tenant: its id and domain, accounts and Graph apps.
#[derive(Debug, Clone)]
pub struct Target {
    /// Directory (tenant) id; Graph's token URL takes it.
    pub tenant_id: String,
    /// Initial domain, e.g. `contoso.onmicrosoft.com`: short account names
    /// ("o365.sms") are completed with it.
    pub domain: String,
    pub accounts: Vec<Account>,
    pub apps: Vec<GraphApp>,
}

/// An account the features may sign in as.
#[derive(Clone, Deserialize)]
pub struct Account {
    pub upn: String,
    pub password: Secret,
    #[serde(default, deserialize_with = "phone")]
    pub phone: Option<PhoneNumber>,
    /// A global admin (FAQ 2.1 signs in as one).
    #[serde(default)]
    pub admin: bool,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("upn", &self.upn)
            .field("password", &self.password)
            .finish_non_exhaustive()
    }
}

/// An app registration that signs in to Graph as itself.
#[derive(Debug, Clone, Deserialize)]
pub struct GraphApp {
    pub client_id: String,
    pub client_secret: Secret,
    #[serde(default)]
    pub roles: Vec<String>,
}

#[derive(Deserialize)]
struct RawFile {
    tenant: RawTenant,
    #[serde(default)]
    users: Vec<Account>,
    #[serde(default)]
    apps: Vec<GraphApp>,
}

#[derive(Deserialize)]
struct RawTenant {
    id: String,
    domain: String,
}

fn phone<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<PhoneNumber>, D::Error> {
    let raw: Option<String> = Option::deserialize(d)?;
    raw.map(|r| PhoneNumber::parse(&r).map_err(serde::de::Error::custom))
        .transpose()
}

impl Target {
    /// Reads the tenant file at `path`; an unreadable or malformed file is
    /// an error naming it.
    pub fn load(path: &Path) -> anyhow::Result<Target> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            anyhow::anyhow!(
                "{}: cannot read the tenant file ({e}); pass --tenant with its path",
                path.display()
            )
        })?;
        let raw: RawFile = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message()))?;
        Ok(Target {
            tenant_id: raw.tenant.id,
            domain: raw.tenant.domain,
            accounts: raw.users,
            apps: raw.apps,
        })
    }

    /// An account by its short name ("o365.sms") or full UPN.
    pub fn account(&self, name: &str) -> Result<&Account, String> {
        let wanted = if name.contains('@') {
            name.to_string()
        } else {
            format!("{name}@{}", self.domain)
        };
        self.accounts
            .iter()
            .find(|a| a.upn.eq_ignore_ascii_case(&wanted))
            .ok_or_else(|| {
                let known: Vec<&str> = self.accounts.iter().map(|a| a.upn.as_str()).collect();
                format!(
                    "the tenant has no account '{name}'; the seeded accounts are {}",
                    known.join(", ")
                )
            })
    }

    /// The global admin the admin steps sign in as.
    pub fn admin(&self) -> Result<&Account, String> {
        self.accounts
            .iter()
            .find(|a| a.admin)
            .ok_or_else(|| "the tenant file has no global admin (admin = true)".to_string())
    }

    /// The Graph app holding `role`.
    pub fn app_with(&self, role: &str) -> Result<&GraphApp, String> {
        self.apps
            .iter()
            .find(|a| a.roles.iter().any(|r| r == role))
            .ok_or_else(|| format!("the tenant file has no app with the {role} role"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixture_names_its_admin_accounts_and_graph_app() {
        let t = Target::load(Path::new("fixtures/tenant.toml")).unwrap();
        assert!(t.admin().unwrap().upn.starts_with("admin@"));
        let sms = t.account("o365.sms").unwrap();
        assert!(sms.phone.is_some());
        assert!(!format!("{sms:?}").contains(sms.password.expose()));
        assert!(t.account("nobody").unwrap_err().contains("o365.sms@"));
        let role = docproof_contract::graph::POLICY_READ_WRITE_AUTHENTICATION_METHOD;
        assert!(t.app_with(role).is_ok());
    }
}
