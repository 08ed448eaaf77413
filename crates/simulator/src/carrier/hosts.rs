//! Which hosts the virtual carrier fetches from: a call's TwiML (`Url`, a
//! `<Redirect>`, a `<Gather>` action) and status callbacks go only to the
//! tenant's own host and the hosts in `Settings::carrier_fetch_hosts`
//! (loopback by default). Real Twilio fetches any public URL; an embedded
//! carrier that did would let anyone who can reach the tenant make it
//! request any address on its network (docproof's choice, in
//! docs/m365-contract.md).

/// The hosts a URL may name for the carrier to fetch it.
#[derive(Debug, Clone)]
pub struct AllowedHosts {
    /// Lowercase host names and addresses, as `url` spells a URL's host
    /// (`127.0.0.1`, `localhost`, `[::1]`).
    hosts: Vec<String>,
}

impl AllowedHosts {
    /// The host of `tenant_base` (the tenant's own address) and `extra`.
    pub fn new(tenant_base: &str, extra: &[String]) -> AllowedHosts {
        let own = url::Url::parse(tenant_base)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
        let hosts = own
            .into_iter()
            .chain(extra.iter().map(|h| h.trim().to_ascii_lowercase()))
            .filter(|h| !h.is_empty())
            .collect();
        AllowedHosts { hosts }
    }

    /// `Ok` when `url` is an absolute http(s) URL on an allowed host, else
    /// why not, in words a caller can act on.
    pub fn check(&self, url: &str) -> Result<(), String> {
        let parsed = url::Url::parse(url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"));
        let Some(parsed) = parsed else {
            return Err(format!("{url} is not an absolute http(s) URL"));
        };
        let host = parsed.host_str().unwrap_or("").to_ascii_lowercase();
        if self.hosts.contains(&host) {
            Ok(())
        } else {
            Err(format!(
                "the virtual carrier fetches only from {} (the tenant's host and Settings::carrier_fetch_hosts), not from {host}",
                self.hosts.join(", ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_tenant_and_listed_hosts_are_fetched() {
        let allowed = AllowedHosts::new("http://10.0.0.7:8400", &["LocalHost".into()]);
        assert!(allowed.check("http://10.0.0.7:8400/voice/x").is_ok());
        assert!(allowed.check("https://localhost:1/x").is_ok());
        for refused in [
            "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.8:8400/x",
            "http://10.0.0.7.example.com/x",
            "file:///etc/passwd",
            "/relative",
        ] {
            assert!(allowed.check(refused).is_err(), "{refused}");
        }
    }
}
