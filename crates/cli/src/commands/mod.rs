//! One module per verb.

pub mod audit;
pub mod backup;
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
pub mod review;
pub mod serve;
pub mod synth;
pub mod users;

use std::path::PathBuf;

/// Where the store is: shared by every verb that uses it.
#[derive(clap::Args, Debug, Clone)]
pub struct StoreArg {
    /// The store: a SQLite file path (the default) or a postgres://… URL.
    #[arg(long, env = "HEARTH_STORE", default_value = "data/hearth.sqlite")]
    pub store: String,
    /// PostgreSQL only: the schema to keep the store in.
    #[arg(long, env = "HEARTH_PG_SCHEMA")]
    pub pg_schema: Option<String>,
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

    /// Opens the store, applying migrations.
    pub fn open(&self) -> anyhow::Result<hearth_store::Store> {
        use anyhow::Context;
        let options = hearth_store::OpenOptions {
            pg_schema: self.pg_schema.clone(),
        };
        hearth_store::Store::open_with(&self.store, &options).context("opening the store")
    }
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
    std::env::var("USER")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "hearth".into())
}
