//! The PostgreSQL backend's connection: connecting (optionally into a schema of its own),
//! migrations under an advisory lock, transactions, planner statistics, and the [`Tx`] of
//! the portable SQL layer (in `tx`).
//!
//! No area's SQL lives here (see `intake::pg` for the import path's `COPY`), and nothing
//! here knows SQLite.

mod connect;
mod privileges;
mod tls;
mod tx;

pub(crate) use tx::{copy_escape, PgTx, StatementCache};

use crate::error::{Context, Result, StoreError};
use crate::migrations::{LATEST_VERSION, MIGRATIONS};
use crate::sql::Tx;
use postgres::{Client, GenericClient};
use std::time::{Duration, Instant};

/// An open PostgreSQL store.
pub(crate) struct PgStore {
    /// The connection (the import path uses it directly).
    pub(crate) client: Client,
    /// Its prepared statements, by SQL.
    pub(crate) statements: StatementCache,
    /// When the connection was last found working ([`PgStore::is_lost`]).
    checked: Instant,
}

/// How long a connection may go unused before [`PgStore::is_lost`] asks the server: a
/// connection in steady use is checked by its own calls, at no cost.
const IDLE_CHECK: Duration = Duration::from_millis(500);
/// How long that check waits for the server's answer.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// Advisory-lock namespaces (first key); the second key is a hash of the current schema, so
/// stores in different schemas of one database do not wait for each other.
const LOCK_MIGRATE: i32 = 0x4845_4131; // "HEA1"
/// Creating a schema (second key: a hash of its name).
const LOCK_CREATE_SCHEMA: i32 = 0x4845_4133; // "HEA3"
/// The import's advisory-lock namespace (see [`LOCK_MIGRATE`]).
pub(crate) const LOCK_IMPORT: i32 = 0x4845_4132; // "HEA2"

impl PgStore {
    /// Refreshes the planner's statistics after a bulk write: without them PostgreSQL plans
    /// a freshly loaded million-row table as if it were empty (hash joins over whole tables
    /// where an index lookup takes microseconds).
    pub(crate) fn analyze(&mut self, tables: &[&str]) -> Result<()> {
        self.client
            .batch_execute(&format!("ANALYZE {}", tables.join(", ")))
            .context(|| "refreshing planner statistics".to_string())
    }

    /// Runs `f` in one transaction, committed if it returns `Ok`.
    pub(crate) fn with_tx<R>(&mut self, f: impl FnOnce(&mut dyn Tx) -> Result<R>) -> Result<R> {
        let op = || "a results transaction".to_string();
        let mut tx = self.client.transaction().context(op)?;
        let out = f(&mut PgTx {
            client: &mut tx,
            statements: &mut self.statements,
        })?;
        tx.commit().context(op)?;
        Ok(out)
    }

    /// Runs the reads of `f` on the connection, without a transaction: each statement
    /// sees the data committed when it starts (as it would in a READ COMMITTED
    /// transaction), and BEGIN and COMMIT cost no round trips. Also for a single write
    /// statement, which is atomic on its own.
    pub(crate) fn with_read<R>(&mut self, f: impl FnOnce(&mut dyn Tx) -> Result<R>) -> Result<R> {
        f(&mut PgTx {
            client: &mut self.client,
            statements: &mut self.statements,
        })
    }

    /// Whether the connection is lost: the server closed it (a restart, a failover,
    /// `pg_terminate_backend`, an idle-session timeout) or it failed. Found without a round
    /// trip when an earlier call met the closed connection; otherwise, if the connection has
    /// not been checked for [`IDLE_CHECK`], by an empty query answered within
    /// [`CHECK_TIMEOUT`] (a server that has gone quietly, or a firewall that dropped the
    /// connection, never answers). A lost connection never comes back: reopen it.
    pub(crate) fn is_lost(&mut self) -> bool {
        if self.client.is_closed() {
            return true;
        }
        if self.checked.elapsed() >= IDLE_CHECK && self.client.is_valid(CHECK_TIMEOUT).is_err() {
            return true;
        }
        self.checked = Instant::now();
        false
    }

    pub(crate) fn open(url: &str, schema: Option<&str>, read_only: bool) -> Result<PgStore> {
        // The URL is never put in an error (it may hold a password): its host, port,
        // database and user are.
        let (mut client, operation) = connect::connect(url)?;
        let op = || operation.clone();
        if let Some(schema) = schema {
            // The name was validated as a plain identifier; quoting keeps it exact.
            let exists = client
                .query_opt("SELECT 1 FROM pg_namespace WHERE nspname = $1", &[&schema])
                .context(op)?
                .is_some();
            if !exists && read_only {
                return Err(StoreError::NotFound(format!("PostgreSQL schema {schema}")));
            }
            if !exists {
                // Two processes creating the same schema at once: without a lock the second
                // fails on the catalogue's unique index even with IF NOT EXISTS.
                let create = || format!("creating schema {schema}");
                let mut tx = client.transaction().context(create)?;
                tx.execute(
                    "SELECT pg_advisory_xact_lock($1, hashtext($2))",
                    &[&LOCK_CREATE_SCHEMA, &schema],
                )
                .context(create)?;
                tx.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
                    .context(create)?;
                tx.commit().context(create)?;
            }
            client
                .batch_execute(&format!("SET search_path TO \"{schema}\""))
                .context(op)?;
        }
        client.batch_execute("SET TIME ZONE 'UTC'").context(op)?;
        if read_only {
            client
                .batch_execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
                .context(op)?;
        }
        Ok(PgStore {
            client,
            statements: Default::default(),
            checked: Instant::now(),
        })
    }

    pub(crate) fn migrate(&mut self) -> Result<()> {
        let op = || "applying migrations".to_string();
        // A store already at this build's version needs no DDL, so a role with only the
        // rights to read and write its data (no CREATE on the schema) can open it.
        let table: bool = self
            .client
            .query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[])
            .context(op)?
            .get(0);
        let current: Option<i64> = if table {
            Some(
                self.client
                    .query_one(
                        "SELECT coalesce(max(version), 0) FROM schema_migrations",
                        &[],
                    )
                    .context(op)?
                    .get(0),
            )
        } else {
            None
        };
        match current {
            Some(v) if v == LATEST_VERSION => return Ok(()),
            Some(v) if v > LATEST_VERSION => {
                return Err(StoreError::SchemaTooNew {
                    found: v,
                    known: LATEST_VERSION,
                })
            }
            _ => {}
        }
        let mut tx = self.client.transaction().context(op)?;
        lock(&mut tx, LOCK_MIGRATE).context(op)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version    BIGINT PRIMARY KEY,
                 name       TEXT NOT NULL,
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
             )",
        )
        .context(op)?;
        let current: i64 = tx
            .query_one(
                "SELECT coalesce(max(version), 0) FROM schema_migrations",
                &[],
            )
            .context(op)?
            .get(0);
        if current > LATEST_VERSION {
            return Err(StoreError::SchemaTooNew {
                found: current,
                known: LATEST_VERSION,
            });
        }
        for m in MIGRATIONS.iter().filter(|m| m.version > current) {
            let op = || format!("applying migration {} ({})", m.version, m.name);
            tx.batch_execute(m.postgres).context(op)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                &[&m.version, &m.name],
            )
            .context(op)?;
            tracing::info!(
                version = m.version,
                name = m.name,
                "PostgreSQL migration applied"
            );
        }
        tx.commit().context(op)
    }

    pub(crate) fn schema_version(&mut self) -> Result<i64> {
        Ok(self
            .client
            .query_one(
                "SELECT coalesce(max(version), 0) FROM schema_migrations",
                &[],
            )
            .context(|| "reading the schema version".into())?
            .get(0))
    }
}

/// Takes a transaction-scoped advisory lock in `namespace` for the current schema.
pub(crate) fn lock(client: &mut impl GenericClient, namespace: i32) -> Result<(), postgres::Error> {
    client
        .execute(
            "SELECT pg_advisory_xact_lock($1, hashtext(coalesce(current_schema(), '')))",
            &[&namespace],
        )
        .map(|_| ())
}
