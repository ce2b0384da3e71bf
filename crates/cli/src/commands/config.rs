//! The configuration file of `hearth serve` (`--settings FILE`, TOML): the same settings as
//! its flags, each under the flag's name with `_` for `-`. A flag wins over its `HEARTH_*`
//! environment variable, which wins over the file, which wins over the default
//! (docs/operations.md). Unknown keys are refused, so that a misspelt setting is not
//! silently ignored.

use anyhow::Context;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// `hearth serve`'s settings as a file may give them (all optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeFile {
    /// The store: a SQLite file path or a `postgres://` URL.
    pub store: Option<String>,
    /// PostgreSQL only: the schema.
    pub pg_schema: Option<String>,
    /// The address to listen on.
    pub addr: Option<std::net::SocketAddr>,
    /// Cookies marked `Secure` (and HSTS): set when users reach Hearth over HTTPS.
    pub secure_cookies: Option<bool>,
    /// Minutes without a request before a session ends.
    pub idle_timeout_minutes: Option<i64>,
    /// Hours after sign-in before a session ends.
    pub session_lifetime_hours: Option<i64>,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Option<Vec<std::net::IpAddr>>,
    /// The casework time limits (TOML).
    pub casework_rules: Option<PathBuf>,
    /// The token a metrics scraper sends (`Authorization: Bearer …`).
    pub metrics_token: Option<String>,
    /// Addresses that may read `/metrics` without the token.
    pub metrics_from: Option<Vec<std::net::IpAddr>>,
    /// When the retention policy runs each day (`HH:MM`, UTC), or `off`.
    pub retention_at: Option<String>,
    /// The retention policy file.
    pub retention_policy: Option<PathBuf>,
}

impl ServeFile {
    /// Reads `path`; errors name the file and, from the TOML parser, the line and key.
    pub fn read(path: &Path) -> anyhow::Result<ServeFile> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the configuration file {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in the configuration file {}", path.display()))
    }

    fn parse(text: &str) -> anyhow::Result<ServeFile> {
        let file: ServeFile =
            toml::from_str(text).map_err(|e| anyhow::anyhow!(redacted(text, &e)))?;
        if let Some(m) = file
            .idle_timeout_minutes
            .filter(|m| !(1..=1440).contains(m))
        {
            anyhow::bail!("idle_timeout_minutes is {m}: use 1 to 1440");
        }
        if let Some(h) = file
            .session_lifetime_hours
            .filter(|h| !(1..=168).contains(h))
        {
            anyhow::bail!("session_lifetime_hours is {h}: use 1 to 168");
        }
        Ok(file)
    }
}

/// A TOML error as the settings file's reader says it: where (line, column, the setting's
/// name) and what kind of mistake, never the line itself or its value (the file holds the
/// store's password and the metrics token, and the message goes to the service's log).
fn redacted(text: &str, e: &toml::de::Error) -> String {
    let at = e.span().map(|s| s.start).unwrap_or(0).min(text.len());
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let key = text
        .lines()
        .nth(line - 1)
        .and_then(|l| l.split_once('='))
        .map(|(k, _)| k.trim())
        .filter(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    let message = e.message();
    // Unknown settings are named by the parser (a name, not a value): keep its words.
    let what = if message.starts_with("unknown field") {
        message.lines().next().unwrap_or(message).to_string()
    } else {
        "the value is not valid here: check its quotes and that it is the right kind (text in quotes, a number, true or false, or a list in [ ])".to_string()
    };
    match key {
        Some(k) => format!("line {line}, column {column}, setting `{k}`: {what}"),
        None => format!("line {line}, column {column}: {what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_reads_and_unknown_or_out_of_range_ones_are_refused() {
        let f = ServeFile::parse(
            r#"
            store = "/var/lib/hearth/hearth.sqlite"
            addr = "0.0.0.0:8080"
            secure_cookies = true
            idle_timeout_minutes = 20
            session_lifetime_hours = 8
            trusted_proxies = ["10.0.0.1", "::1"]
            casework_rules = "/etc/hearth/casework.toml"
            metrics_token = "t"
            metrics_from = ["127.0.0.1"]
            retention_at = "off"
            retention_policy = "/etc/hearth/retention.toml"
            "#,
        )
        .unwrap();
        assert_eq!(f.addr.unwrap().port(), 8080);
        assert_eq!(f.trusted_proxies.unwrap().len(), 2);
        assert_eq!(f.secure_cookies, Some(true));
        let e = format!("{:#}", ServeFile::parse("adr = \"0.0.0.0:1\"").unwrap_err());
        assert!(e.contains("unknown field `adr`"), "{e}");
        let e = format!(
            "{:#}",
            ServeFile::parse("idle_timeout_minutes = 0").unwrap_err()
        );
        assert!(e.contains("1 to 1440"), "{e}");
        let e = format!("{:#}", ServeFile::parse("addr = \"nowhere\"").unwrap_err());
        assert!(e.contains("addr"), "{e}");
    }

    #[test]
    fn a_mistake_in_the_file_is_placed_without_repeating_its_secret() {
        for text in [
            "store = \"postgres://app:Sup3rSecretPW@db:5432/hearth\n",
            "metrics_token = 12345SecretTok\n",
            "addr = \"127.0.0.1:8080\"\nmetrics_token = 12345SecretTok\n",
        ] {
            let e = format!("{:#}", ServeFile::parse(text).unwrap_err());
            assert!(!e.contains("Secret"), "{e}");
            assert!(e.contains("line "), "{e}");
        }
        let e = format!(
            "{:#}",
            ServeFile::parse("metrics_token = 1234SecretTok\n").unwrap_err()
        );
        assert!(e.contains("setting `metrics_token`"), "{e}");
        let e = format!(
            "{:#}",
            ServeFile::parse("metrics_tokn = \"x\"\n").unwrap_err()
        );
        assert!(e.contains("unknown field `metrics_tokn`"), "{e}");
    }
}
