//! One module per verb.

pub mod audit;
pub mod backup;
pub mod claims;
pub mod config;
pub mod demo;
pub mod evaluate;
pub mod extract;
pub mod family;
pub mod healthcheck;
pub mod identify;
pub mod import;
pub mod init;
pub mod link;
pub mod objections;
pub mod oidc;
pub mod outcomes;
pub mod quarantine;
pub mod referrals;
pub mod retention;
pub mod review;
pub mod rights;
pub mod savings;
pub mod serve;
pub mod synth;
pub mod users;

use std::path::PathBuf;

/// Where the store is: shared by every verb that uses it.
#[derive(clap::Args, Debug, Clone)]
pub struct StoreArg {
    /// The store: a SQLite file path (the default) or a postgres://… URL.
    #[arg(
        long,
        env = "HEARTH_STORE",
        hide_env_values = true,
        default_value = "data/hearth.sqlite"
    )]
    pub store: String,
    /// PostgreSQL only: the schema to keep the store in.
    #[arg(long, env = "HEARTH_PG_SCHEMA")]
    pub pg_schema: Option<String>,
    /// Open the store for viewing only: nothing is created, migrated or changed, and a
    /// command that would write stops with a message. A SQLite file this user cannot write
    /// is opened so without the flag.
    #[arg(long)]
    pub read_only: bool,
}

impl StoreArg {
    /// The store's address for messages: a file path as is, a URL without its password.
    pub fn store_label(&self) -> String {
        if self.store.contains("://") && !self.store.starts_with("sqlite") {
            "the PostgreSQL store".to_string()
        } else {
            self.store.clone()
        }
    }

    /// Opens the store, applying migrations; read-only (with a note on standard error) when
    /// `--read-only` is given or the SQLite file cannot be written.
    pub fn open(&self) -> anyhow::Result<hearth_store::Store> {
        use anyhow::Context;
        let options = hearth_store::OpenOptions {
            pg_schema: self.pg_schema.clone(),
        };
        if self.read_only {
            return hearth_store::Store::open_read_only(&self.store, &options)
                .context("opening the store read-only");
        }
        if let Some(why) = self.unwritable() {
            eprintln!(
                "note: {} {why}: opening it read-only, for viewing (commands that change it will stop)",
                self.store_label()
            );
            return hearth_store::Store::open_read_only(&self.store, &options)
                .context("opening the store read-only");
        }
        let new_file = self
            .sqlite_path()
            .filter(|p| !std::path::Path::new(p).exists());
        let opened = hearth_store::Store::open_with(&self.store, &options);
        if let (Some(path), Ok(_)) = (new_file, &opened) {
            // A new store holds personal data: readable by its owner only, whatever the umask.
            private(std::path::Path::new(path));
            eprintln!("note: there was no store at {path}: a new, empty one was created");
        }
        match opened {
            // The file looked writable but SQLite could not write it (e.g. its folder is
            // read-only, so the write-ahead log cannot be created): view it instead.
            Err(hearth_store::StoreError::ReadOnly { .. }) if self.sqlite_path().is_some() => {
                eprintln!(
                    "note: {} cannot be written: opening it read-only, for viewing (commands that change it will stop)",
                    self.store_label()
                );
                hearth_store::Store::open_read_only(&self.store, &options)
                    .context("opening the store read-only")
            }
            other => other.context("opening the store"),
        }
    }

    /// Opens the store for `hearth VERB`, which changes it: as [`StoreArg::open`], then,
    /// on PostgreSQL, checks at once that the role may write every table (as `hearth
    /// serve` does), so that a read-only role is refused before any work, naming the role
    /// and what it lacks, rather than failing midway.
    pub fn open_to_write(&self, verb: &str) -> anyhow::Result<hearth_store::Store> {
        use anyhow::Context;
        let mut store = self.open()?;
        store.check_write_access().with_context(|| {
            format!(
                "hearth {verb} changes the store, so it needs a PostgreSQL role that may write \
                 it (`hearth audit verify` and other verbs that only read work with a \
                 read-only role)"
            )
        })?;
        Ok(store)
    }

    /// Opens a store that must already be there (a SQLite file that exists): for commands
    /// that only look at or manage a store, a mistyped or unmounted path is an error, not a
    /// new empty store that answers as if nothing were wrong.
    pub fn open_existing(&self) -> anyhow::Result<hearth_store::Store> {
        if let Some(path) = self.sqlite_path() {
            if !std::path::Path::new(path).exists() {
                anyhow::bail!(
                    "there is no store at {path}: check the path (--store or HEARTH_STORE), or that its disk is mounted; `hearth import` creates a store"
                );
            }
        }
        self.open()
    }

    /// For a dry run: the store opened read-only, to compare files with those already
    /// imported; `None` (with a note on standard error) when there is no store yet or it
    /// cannot be read. Never creates or changes anything.
    pub fn open_for_preview(&self) -> Option<hearth_store::Store> {
        let options = hearth_store::OpenOptions {
            pg_schema: self.pg_schema.clone(),
        };
        let missing = self
            .sqlite_path()
            .is_some_and(|p| !std::path::Path::new(p).exists());
        let opened = if missing {
            Err("there is no store there yet".to_string())
        } else {
            hearth_store::Store::open_read_only(&self.store, &options).map_err(|e| e.to_string())
        };
        match opened {
            Ok(store) => Some(store),
            Err(why) => {
                eprintln!(
                    "note: {}: {why}; the files are not compared with files already imported",
                    self.store_label()
                );
                None
            }
        }
    }

    /// The SQLite file's path, if the store is a SQLite file.
    fn sqlite_path(&self) -> Option<&str> {
        let s = self.store.as_str();
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return None;
        }
        let path = s
            .strip_prefix("sqlite://")
            .or_else(|| s.strip_prefix("sqlite:"))
            .unwrap_or(s);
        (path != ":memory:" && !path.is_empty()).then_some(path)
    }

    /// Why an existing SQLite store file cannot be written, if it cannot: its permissions
    /// forbid writing (checked from its mode, so that it holds for every user).
    fn unwritable(&self) -> Option<&'static str> {
        let path = std::path::Path::new(self.sqlite_path()?);
        let meta = std::fs::metadata(path).ok()?;
        meta.permissions()
            .readonly()
            .then_some("is read-only (its permissions forbid writing)")
    }
}

/// Makes `path` readable and writable by its owner only (Unix; elsewhere nothing).
pub fn private(path: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// The programme rules to use.
#[derive(clap::Args, Debug, Clone)]
pub struct RulesArg {
    /// The rules profile (TOML): `rules/expanded-2015.toml` in the configuration folder
    /// (default) or `rules/supporting-families-2022.toml`, or a council's own file.
    #[arg(long)]
    pub rules: Option<PathBuf>,
}

impl RulesArg {
    /// The rules file to read.
    pub fn path(&self, config: &crate::config::Config) -> PathBuf {
        config.path(self.rules.as_deref(), DEFAULT_RULES)
    }
}

/// The rules profile used when `--rules` is not given, inside the configuration folder.
pub const DEFAULT_RULES: &str = "rules/expanded-2015.toml";

/// Parses a `yyyy-mm-dd` date for `--as-at`.
pub fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date: use yyyy-mm-dd, e.g. 2025-09-01"))
}

/// The user running the command, for the audit trail of imports.
pub fn current_user() -> String {
    // Under sudo, the person who ran it, not root.
    ["SUDO_USER", "USER", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "hearth".into())
}
