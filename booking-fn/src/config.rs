//! The API's settings, read from the environment once at start-up. A bad value
//! is an error naming the variable, reported before the first request, never a
//! panic later.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiConfig {
    /// Personal data expires this many days after the visit date.
    pub retention_days: u32,
    /// Shown in the title of the API's HTML pages.
    pub site_title: String,
    /// DynamoDB table; `None` when running on SQLite.
    pub bookings_table: Option<String>,
    /// e.g. `https://insideknowledge.example.org`; when set, the URLs in JSON
    /// answers are absolute.
    pub site_origin: Option<String>,
}

pub const DEFAULT_RETENTION_DAYS: u32 = 365;
pub const DEFAULT_SITE_TITLE: &str = "Inside Knowledge";
/// Ten years: longer retention is almost certainly a typo.
const MAX_RETENTION_DAYS: u32 = 3650;

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            retention_days: DEFAULT_RETENTION_DAYS,
            site_title: DEFAULT_SITE_TITLE.to_string(),
            bookings_table: None,
            site_origin: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{var} must be a whole number of days from 1 to {max}, not {value:?}")]
    BadNumber {
        var: &'static str,
        value: String,
        max: u32,
    },
    #[error("{var} must not be empty when it is set")]
    Empty { var: &'static str },
    #[error("{var} must be an origin like https://insideknowledge.example.org (scheme and host, no path), not {value:?}")]
    BadOrigin { var: &'static str, value: String },
    #[error("{var} is not valid Unicode")]
    NotUnicode { var: &'static str },
    #[error("BOOKINGS_TABLE must name the DynamoDB table (or run locally with --db FILE)")]
    MissingTable,
}

impl ApiConfig {
    /// Reads `RETENTION_DAYS`, `SITE_TITLE`, `BOOKINGS_TABLE` and
    /// `SITE_ORIGIN` from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|var| match std::env::var(var) {
            Ok(v) => Ok(Some(v)),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(ConfigError::NotUnicode { var }),
        })
    }

    /// The same, from any source of variables (tests pass a map).
    pub fn from_lookup<F>(lookup: F) -> Result<Self, ConfigError>
    where
        F: Fn(&'static str) -> Result<Option<String>, ConfigError>,
    {
        let mut config = Self::default();
        if let Some(raw) = lookup("RETENTION_DAYS")? {
            config.retention_days = parse_days("RETENTION_DAYS", &raw)?;
        }
        if let Some(raw) = lookup("SITE_TITLE")? {
            let title = raw.trim();
            if title.is_empty() {
                return Err(ConfigError::Empty { var: "SITE_TITLE" });
            }
            config.site_title = title.to_string();
        }
        if let Some(raw) = lookup("BOOKINGS_TABLE")? {
            let table = raw.trim();
            if table.is_empty() {
                return Err(ConfigError::Empty {
                    var: "BOOKINGS_TABLE",
                });
            }
            config.bookings_table = Some(table.to_string());
        }
        if let Some(raw) = lookup("SITE_ORIGIN")? {
            config.site_origin = Some(parse_origin("SITE_ORIGIN", &raw)?);
        }
        Ok(config)
    }

    /// The table name, or the error to print when DynamoDB was asked for
    /// without one.
    pub fn require_table(&self) -> Result<&str, ConfigError> {
        self.bookings_table
            .as_deref()
            .ok_or(ConfigError::MissingTable)
    }

    /// `path` (which starts with `/`) as the URL to put in a JSON answer.
    pub fn url(&self, path: &str) -> String {
        match &self.site_origin {
            Some(origin) => format!("{origin}{path}"),
            None => path.to_string(),
        }
    }
}

fn parse_days(var: &'static str, raw: &str) -> Result<u32, ConfigError> {
    let bad = || ConfigError::BadNumber {
        var,
        value: raw.to_string(),
        max: MAX_RETENTION_DAYS,
    };
    let days: u32 = raw.trim().parse().map_err(|_| bad())?;
    if days == 0 || days > MAX_RETENTION_DAYS {
        return Err(bad());
    }
    Ok(days)
}

fn parse_origin(var: &'static str, raw: &str) -> Result<String, ConfigError> {
    let bad = || ConfigError::BadOrigin {
        var,
        value: raw.to_string(),
    };
    let origin = raw.trim().trim_end_matches('/');
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or_else(bad)?;
    let host_ok = !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if !host_ok {
        return Err(bad());
    }
    Ok(origin.to_string())
}

impl fmt::Display for ApiConfig {
    // Printed at start-up: nothing secret in here.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "retention {} days, title {:?}, table {}, origin {}",
            self.retention_days,
            self.site_title,
            self.bookings_table.as_deref().unwrap_or("(none)"),
            self.site_origin.as_deref().unwrap_or("(relative links)")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)]) -> Result<ApiConfig, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ApiConfig::from_lookup(|var| Ok(map.get(var).cloned()))
    }

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let c = load(&[]).unwrap();
        assert_eq!(c, ApiConfig::default());
        assert_eq!(c.require_table(), Err(ConfigError::MissingTable));
        assert_eq!(c.url("/api/x"), "/api/x");
    }

    #[test]
    fn values_are_read_and_checked() {
        let c = load(&[
            ("RETENTION_DAYS", " 30 "),
            ("SITE_TITLE", "Visits"),
            ("BOOKINGS_TABLE", "ik-bookings"),
            ("SITE_ORIGIN", "https://ik.example.org/"),
        ])
        .unwrap();
        assert_eq!(c.retention_days, 30);
        assert_eq!(c.site_title, "Visits");
        assert_eq!(c.require_table(), Ok("ik-bookings"));
        assert_eq!(c.url("/api/x"), "https://ik.example.org/api/x");
    }

    #[test]
    fn bad_values_name_the_variable() {
        for bad in ["0", "-1", "ten", "99999", ""] {
            let e = load(&[("RETENTION_DAYS", bad)]).unwrap_err();
            assert!(e.to_string().starts_with("RETENTION_DAYS must be"), "{e}");
        }
        let e = load(&[("SITE_ORIGIN", "ik.example.org")]).unwrap_err();
        assert!(e.to_string().starts_with("SITE_ORIGIN must be"), "{e}");
        let e = load(&[("SITE_ORIGIN", "https://ik.example.org/path")]).unwrap_err();
        assert!(e.to_string().starts_with("SITE_ORIGIN"), "{e}");
        let e = load(&[("BOOKINGS_TABLE", " ")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "BOOKINGS_TABLE must not be empty when it is set"
        );
        let e = load(&[("SITE_TITLE", "")]).unwrap_err();
        assert_eq!(e.to_string(), "SITE_TITLE must not be empty when it is set");
    }
}
