//! From a `postgres://` address to a connection: the URL's settings, with Hearth's defaults
//! where the URL gives none.
//!
//! The URL is never put in an error or a log line: it may hold a password.

use postgres::{Client, Config, NoTls};
use std::time::Duration;

/// How long to wait for the server when the URL gives no `connect_timeout`: a database host
/// that has gone (a failover, a dropped route) fails a connection attempt in this time rather
/// than the operating system's two minutes or more.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The session's `application_name` when the URL gives none, so that a database
/// administrator sees which sessions are Hearth's (`pg_stat_activity`).
const APPLICATION_NAME: &str = "hearth";

/// The connection settings of `url` with Hearth's defaults.
pub(crate) fn config(url: &str) -> Result<Config, postgres::Error> {
    let mut config: Config = url.parse()?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name(APPLICATION_NAME);
    }
    Ok(config)
}

/// Connects to `url`.
pub(crate) fn connect(url: &str) -> Result<Client, postgres::Error> {
    config(url)?.connect(NoTls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_only_where_the_url_gives_none() {
        let c = config("postgres://u@db.example/hearth").unwrap();
        assert_eq!(c.get_connect_timeout(), Some(&CONNECT_TIMEOUT));
        assert_eq!(c.get_application_name(), Some("hearth"));
        let c =
            config("postgres://u@db.example/hearth?connect_timeout=3&application_name=x").unwrap();
        assert_eq!(c.get_connect_timeout(), Some(&Duration::from_secs(3)));
        assert_eq!(c.get_application_name(), Some("x"));
    }
}
