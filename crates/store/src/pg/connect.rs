//! From a `postgres://` address to a connection: the URL's settings, with Hearth's defaults
//! where the URL gives none, and TLS as libpq would use it (`sslmode`, `sslrootcert`: see
//! [`tls`](super::tls)).
//!
//! The URL is never put in an error or a log line: it may hold a password.

use super::tls::{self, Roots, SslMode};
use crate::backend::Backend;
use crate::error::{pg_error, StoreError};
use postgres::{Client, Config};
use std::time::Duration;

/// How long to wait for the server when the URL gives no `connect_timeout`: a database host
/// that has gone (a failover, a dropped route) fails a connection attempt in this time rather
/// than the operating system's two minutes or more.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The session's `application_name` when the URL gives none, so that a database
/// administrator sees which sessions are Hearth's (`pg_stat_activity`).
const APPLICATION_NAME: &str = "hearth";

const OPERATION: &str = "connecting to PostgreSQL";

/// A store URL read: the `postgres` crate's settings, and what it asks of TLS.
pub(crate) struct Settings {
    pub(crate) config: Config,
    pub(crate) mode: SslMode,
    pub(crate) roots: Roots,
}

/// Reads `url`, taking out `sslmode` and `sslrootcert` (the `postgres` crate knows neither
/// `verify-ca`, `verify-full` nor a root certificate) and adding Hearth's defaults.
pub(crate) fn settings(url: &str) -> Result<Settings, StoreError> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let (mut mode, mut roots) = (None, Roots::Unset);
    let mut rest = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "sslmode" => {
                let value = decode(value)?;
                mode = Some(SslMode::parse(&value).ok_or_else(|| {
                    refused(
                        "sslmode must be disable, prefer, require, verify-ca or verify-full".into(),
                    )
                })?);
            }
            "sslrootcert" => {
                let value = decode(value)?;
                roots = match value.as_str() {
                    "" => Roots::Unset,
                    "system" => Roots::System,
                    _ => Roots::File(value),
                };
            }
            _ => rest.push(pair),
        }
    }
    let mode = match (mode, &roots) {
        (None, Roots::System) => SslMode::VerifyFull,
        (Some(m), Roots::System) if m != SslMode::VerifyFull => {
            // As libpq 16: the public roots say nothing about a server's name on their own.
            return Err(refused(
                "sslrootcert=system needs sslmode=verify-full (or no sslmode)".into(),
            ));
        }
        (m, _) => m.unwrap_or(SslMode::Prefer),
    };
    let url = if rest.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    let mut config: Config = url.parse().map_err(|e| pg_error(OPERATION.into(), &e))?;
    config.ssl_mode(match mode {
        SslMode::Disable => postgres::config::SslMode::Disable,
        SslMode::Prefer => postgres::config::SslMode::Prefer,
        SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => {
            postgres::config::SslMode::Require
        }
    });
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name(APPLICATION_NAME);
    }
    Ok(Settings {
        config,
        mode,
        roots,
    })
}

/// Connects to `url`, over TLS as its `sslmode` asks. Also returns the operation's name
/// with where it connects ([`target`]), for the messages of errors on the new connection.
/// Every error names the host, port, database and user (never the password) and the cause.
pub(crate) fn connect(url: &str) -> Result<(Client, String), StoreError> {
    let s = settings(url)?;
    let operation = format!("{OPERATION} ({})", target(&s.config));
    let tls = tls::connector(s.mode, &s.roots).map_err(|message| StoreError::Database {
        operation: operation.clone(),
        backend: Backend::Postgres,
        code: None,
        message,
    })?;
    match s.config.connect(tls) {
        Ok(client) => Ok((client, operation)),
        Err(e) => Err(pg_error(operation, &e)),
    }
}

/// Where a connection goes, for messages: `host db.council.example, port 5432, database
/// hearth, user hearth_app` (a Unix socket's folder as `socket /var/run/postgresql`; what
/// PostgreSQL assumes where the URL names no database or user). Never the password.
fn target(config: &Config) -> String {
    use postgres::config::Host;
    let mut hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => format!("host {name}"),
            Host::Unix(path) => format!("socket {}", path.display()),
        })
        .collect();
    if hosts.is_empty() {
        hosts = config
            .get_hostaddrs()
            .iter()
            .map(|a| format!("host {a}"))
            .collect();
    }
    let hosts = if hosts.is_empty() {
        "no host".to_string()
    } else {
        hosts.join(" or ")
    };
    let ports = match config.get_ports() {
        [] => "5432".to_string(),
        ports => ports
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    };
    let user = config
        .get_user()
        .unwrap_or("(the operating system user's name)");
    let database = config.get_dbname().unwrap_or(user);
    format!("{hosts}, port {ports}, database {database}, user {user}")
}

fn refused(message: String) -> StoreError {
    StoreError::Database {
        operation: OPERATION.into(),
        backend: Backend::Postgres,
        code: None,
        message,
    }
}

/// A URL query value with its `%XX` escapes decoded (a path may hold spaces or `&`).
fn decode(value: &str) -> Result<String, StoreError> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = value
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| refused("a malformed %-escape in sslmode or sslrootcert".into()))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| refused("sslrootcert is not UTF-8".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_only_where_the_url_gives_none() {
        let s = settings("postgres://u@db.example/hearth").unwrap();
        assert_eq!(s.config.get_connect_timeout(), Some(&CONNECT_TIMEOUT));
        assert_eq!(s.config.get_application_name(), Some("hearth"));
        assert_eq!(s.mode, SslMode::Prefer);
        let s = settings("postgres://u@db.example/hearth?connect_timeout=3&application_name=x")
            .unwrap();
        assert_eq!(
            s.config.get_connect_timeout(),
            Some(&Duration::from_secs(3))
        );
        assert_eq!(s.config.get_application_name(), Some("x"));
    }

    /// A council's IT team reads a connection error without the URL in front of them: it
    /// says where Hearth tried to connect and why it failed, never the password.
    #[test]
    fn connection_errors_name_the_host_port_database_user_and_cause() {
        // Port 1 on the loopback: nothing listens, so the connection is refused.
        let e = connect("postgres://hearth_app:hunter2@127.0.0.1:1/council?connect_timeout=5")
            .err()
            .unwrap()
            .to_string();
        for part in [
            "host 127.0.0.1",
            "port 1",
            "database council",
            "user hearth_app",
            "refused",
        ] {
            assert!(e.contains(part), "{part}: {e}");
        }
        assert!(!e.contains("hunter2"), "{e}");
        // A certificate file that is not there: where, and what is missing.
        let e = connect(
            "postgres://u:hunter2@db.example:5433/d?sslmode=verify-full&sslrootcert=/no/ca.pem",
        )
        .err()
        .unwrap()
        .to_string();
        assert!(
            e.contains("host db.example, port 5433, database d, user u")
                && e.contains("/no/ca.pem"),
            "{e}"
        );
        assert!(!e.contains("hunter2"), "{e}");
        // What PostgreSQL assumes when the URL does not say: port 5432, the user's database.
        let s = settings("postgres://app@%2Fvar%2Frun%2Fpostgresql").unwrap();
        assert_eq!(
            target(&s.config),
            "socket /var/run/postgresql, port 5432, database app, user app"
        );
    }

    #[test]
    fn sslmode_and_sslrootcert_are_read_as_libpq_reads_them() {
        let s = settings(
            "postgres://u:pw@db.example:5433/hearth?sslmode=verify-full&sslrootcert=/etc/ca%20x.pem&application_name=a",
        )
        .unwrap();
        assert_eq!(s.mode, SslMode::VerifyFull);
        assert_eq!(s.roots, Roots::File("/etc/ca x.pem".into()));
        assert_eq!(s.config.get_ssl_mode(), postgres::config::SslMode::Require);
        assert_eq!(s.config.get_application_name(), Some("a"));
        assert_eq!(s.config.get_ports(), &[5433]);
        let s = settings("postgres://u@h/d?sslmode=disable").unwrap();
        assert_eq!(s.config.get_ssl_mode(), postgres::config::SslMode::Disable);
        let s = settings("postgres://u@h/d?sslrootcert=system").unwrap();
        assert_eq!((s.mode, s.roots), (SslMode::VerifyFull, Roots::System));
        for bad in [
            "postgres://u:secret@h/d?sslmode=allow",
            "postgres://u:secret@h/d?sslmode=require&sslrootcert=system",
            "postgres://u:secret@h/d?sslrootcert=%zz",
        ] {
            let e = settings(bad).err().expect(bad).to_string();
            assert!(!e.contains("secret"), "{e}");
        }
        // A Unix socket (no host name) can still be asked for TLS (the server declines it).
        let mut prefer = tls::connector(SslMode::Prefer, &Roots::Unset).unwrap();
        assert!(
            postgres::tls::MakeTlsConnect::<postgres::Socket>::make_tls_connect(&mut prefer, "")
                .is_ok()
        );
        // verify-ca without a CA to verify against is refused, naming what is missing.
        let e = tls::connector(SslMode::VerifyCa, &Roots::Unset)
            .err()
            .unwrap();
        assert!(e.contains("sslrootcert"), "{e}");
        let e = tls::connector(SslMode::VerifyFull, &Roots::File("/nonexistent.pem".into()))
            .err()
            .unwrap();
        assert!(e.contains("/nonexistent.pem"), "{e}");
    }
}
