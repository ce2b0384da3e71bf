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
    /// Reverse proxies whose `X-Forwarded-For` is believed, as written (addresses or CIDR
    /// ranges): read into [`ServeFile::trusted_proxies`].
    #[serde(rename = "trusted_proxies")]
    trusted_proxies_written: Option<Vec<String>>,
    /// Reverse proxies whose `X-Forwarded-For` is believed: addresses or CIDR ranges.
    #[serde(skip)]
    pub trusted_proxies: Option<Vec<hearth_web::IpRange>>,
    /// The casework time limits (TOML).
    pub casework_rules: Option<PathBuf>,
    /// The token a metrics scraper sends (`Authorization: Bearer …`).
    pub metrics_token: Option<String>,
    /// Addresses that may read `/metrics` without the token, as written (addresses or CIDR
    /// ranges): read into [`ServeFile::metrics_from`].
    #[serde(rename = "metrics_from")]
    metrics_from_written: Option<Vec<String>>,
    /// Addresses that may read `/metrics` without the token: addresses or CIDR ranges.
    #[serde(skip)]
    pub metrics_from: Option<Vec<hearth_web::IpRange>>,
    /// When the retention policy runs each day (`HH:MM`, UTC), or `off`.
    pub retention_at: Option<String>,
    /// The retention policy file.
    pub retention_policy: Option<PathBuf>,
    /// The Outcomes Plan measures plan goals are tied to (TOML).
    pub outcome_measures: Option<PathBuf>,
    /// The progress measures (TOML).
    pub progress_measures: Option<PathBuf>,
    /// The referral rules (TOML).
    pub referral_rules: Option<PathBuf>,
    /// Single sign-on: the provider's issuer URL (turns single sign-on on).
    pub oidc_issuer: Option<String>,
    /// Single sign-on: the client (application) ID.
    pub oidc_client_id: Option<String>,
    /// Single sign-on: a file holding the client secret.
    pub oidc_client_secret_file: Option<PathBuf>,
    /// Single sign-on: the client secret itself (the file is then a secret, as with the
    /// store's password: mode 0640 or tighter).
    pub oidc_client_secret: Option<String>,
    /// Single sign-on: Hearth's address followed by `/sign-in/sso/callback`.
    pub oidc_redirect_url: Option<String>,
    /// Single sign-on: the provider's name on the sign-in button.
    pub oidc_provider_name: Option<String>,
    /// Single sign-on: the ID token claim listing the person's groups.
    pub oidc_groups_claim: Option<String>,
    /// Single sign-on: the role table, `GROUP=ROLE` entries.
    pub oidc_roles: Option<Vec<String>>,
    /// Single sign-on: scopes besides `openid`.
    pub oidc_scopes: Option<Vec<String>>,
}

/// A setting's addresses or CIDR ranges as written, each checked; an error names the setting.
fn ranges(
    written: &Option<Vec<String>>,
    setting: &str,
) -> anyhow::Result<Option<Vec<hearth_web::IpRange>>> {
    written
        .as_ref()
        .map(|values| {
            values
                .iter()
                .map(|r| r.parse::<hearth_web::IpRange>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| anyhow::anyhow!("setting `{setting}`: {e}"))
        })
        .transpose()
}

impl ServeFile {
    /// Reads `path`; errors name the file and, from the TOML parser, the line and key.
    pub fn read(path: &Path) -> anyhow::Result<ServeFile> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the configuration file {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in the configuration file {}", path.display()))
    }

    fn parse(text: &str) -> anyhow::Result<ServeFile> {
        let mut file: ServeFile =
            toml::from_str(text).map_err(|e| anyhow::anyhow!(redacted(text, &e)))?;
        file.trusted_proxies = ranges(&file.trusted_proxies_written, "trusted_proxies")?;
        file.metrics_from = ranges(&file.metrics_from_written, "metrics_from")?;
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
            trusted_proxies = ["10.0.0.1", "::1", "10.20.0.0/24", "fd00:1::/64"]
            casework_rules = "/etc/hearth/casework.toml"
            metrics_token = "t"
            metrics_from = ["127.0.0.1", "192.168.5.0/24"]
            retention_at = "off"
            retention_policy = "/etc/hearth/retention.toml"
            "#,
        )
        .unwrap();
        assert_eq!(f.addr.unwrap().port(), 8080);
        let proxies = f.trusted_proxies.unwrap();
        assert_eq!(proxies.len(), 4);
        assert!(proxies[2].contains("10.20.0.77".parse().unwrap()));
        assert!(proxies[3].contains("fd00:1::9".parse().unwrap()));
        assert!(f.metrics_from.unwrap()[1].contains("192.168.5.9".parse().unwrap()));
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
    fn malformed_proxy_ranges_are_refused_naming_the_setting() {
        for (bad, says) in [
            ("10.20.0.0/33", "from 0 to 32"),
            ("fd00::/200", "from 0 to 128"),
            ("10.20.0.5/24", "10.20.0.0/24"),
            ("load-balancer", "not an IP address or a CIDR range"),
        ] {
            for setting in ["trusted_proxies", "metrics_from"] {
                let text = format!("{setting} = [\"127.0.0.1\", \"{bad}\"]");
                let e = format!("{:#}", ServeFile::parse(&text).unwrap_err());
                assert!(
                    e.contains(&format!("setting `{setting}`")) && e.contains(says),
                    "{e}"
                );
            }
        }
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
