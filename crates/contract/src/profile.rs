//! Which Microsoft 365 the simulator plays: the service as the FAQ shows it
//! (May 2020) or as a user meets it today (late 2026). The harness names
//! the profile it ran against in every report; the simulator picks its
//! pages and rules by it once, at start-up.

use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Profile {
    /// The FAQ's service: the legacy per-user MFA page reached from Active
    /// users, "Additional security verification" with an app password,
    /// basic authentication for non-browser apps.
    #[default]
    Faq2020,
    /// Today's service: per-user MFA in the Entra admin center, combined
    /// registration ("Keep your account secure"), app passwords only from
    /// Security info, and no basic authentication for Exchange.
    Today,
}

impl Profile {
    pub const ALL: [Profile; 2] = [Profile::Faq2020, Profile::Today];

    /// The name flags and reports use.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Faq2020 => "faq-2020",
            Profile::Today => "today",
        }
    }

    /// One line on what the profile is, for `--help` and banners.
    pub fn describe(self) -> &'static str {
        match self {
            Profile::Faq2020 => "the service as the FAQ shows it (May 2020)",
            Profile::Today => "the service as a user meets it today (late 2026)",
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A profile name that is not one of [`Profile::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownProfile(pub String);

impl fmt::Display for UnknownProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}' is not a profile: choose ", self.0)?;
        for (i, p) in Profile::ALL.into_iter().enumerate() {
            let sep = if i == 0 { "" } else { " or " };
            write!(f, "{sep}{p} ({})", p.describe())?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownProfile {}

impl FromStr for Profile {
    type Err = UnknownProfile;

    fn from_str(s: &str) -> Result<Profile, UnknownProfile> {
        Profile::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownProfile(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_and_others_are_refused_with_the_choices() {
        for p in Profile::ALL {
            assert_eq!(p.name().parse::<Profile>(), Ok(p));
        }
        assert_eq!(" Today ".parse::<Profile>(), Ok(Profile::Today));
        let err = "2024".parse::<Profile>().unwrap_err().to_string();
        assert!(err.contains("'2024'") && err.contains("faq-2020") && err.contains("today"));
        assert_eq!(Profile::default(), Profile::Faq2020);
    }
}
