//! The SQLite backend's connection: opening the file (WAL mode, foreign keys on, a large
//! page cache), migrations, transactions, and the [`Tx`] of the portable SQL layer.
//!
//! No area's SQL lives here (see `intake::sqlite` for the import path's own), and nothing
//! here knows PostgreSQL.

use crate::error::{Context, Result, StoreError};
use crate::migrations::{LATEST_VERSION, MIGRATIONS};
use crate::sql::{ts, Tx, Val};
use chrono::Utc;
use rusqlite::{params, Connection, TransactionBehavior};
use std::path::Path;
use std::time::Duration;

/// An open SQLite store.
pub(crate) struct SqliteStore {
    /// The connection (the import path uses it directly).
    pub(crate) conn: Connection,
}

impl SqliteStore {
    /// Runs `f` in one immediate transaction, committed if it returns `Ok`.
    pub(crate) fn with_tx<R>(&mut self, f: impl FnOnce(&mut dyn Tx) -> Result<R>) -> Result<R> {
        let op = || "a results transaction".to_string();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context(op)?;
        let out = f(&mut SqliteTx(&tx))?;
        tx.commit().context(op)?;
        Ok(out)
    }

    /// Runs the reads of `f` in one deferred transaction: one snapshot, and no write lock.
    pub(crate) fn with_read<R>(&mut self, f: impl FnOnce(&mut dyn Tx) -> Result<R>) -> Result<R> {
        let op = || "a read transaction".to_string();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)
            .context(op)?;
        let out = f(&mut SqliteTx(&tx))?;
        tx.commit().context(op)?;
        Ok(out)
    }

    /// Opens an existing store file read-only. A WAL-mode file needs its shared-memory file:
    /// where that cannot be created (the folder is read-only) the file is opened as
    /// immutable, which is right for a copy nobody is writing.
    pub(crate) fn open_read_only(path: &str) -> Result<SqliteStore> {
        use rusqlite::OpenFlags;
        let op = || format!("opening the SQLite store {path} read-only");
        if !Path::new(path).is_file() {
            return Err(StoreError::NotFound(format!("store file {path}")));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let plain = Connection::open_with_flags(path, flags).and_then(|c| {
            c.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|_| c)
        });
        let conn = match plain {
            Ok(c) => c,
            Err(_) => {
                // file: URI with the path percent-encoded where URI syntax needs it.
                let encoded: String = path
                    .chars()
                    .map(|c| match c {
                        '?' => "%3f".to_string(),
                        '#' => "%23".to_string(),
                        '%' => "%25".to_string(),
                        c => c.to_string(),
                    })
                    .collect();
                let uri = format!("file:{encoded}?immutable=1");
                Connection::open_with_flags(&uri, flags).context(op)?
            }
        };
        conn.busy_timeout(Duration::from_secs(30)).context(op)?;
        crate::fold::register(&conn).context(op)?;
        conn.execute_batch(
            "PRAGMA temp_store = MEMORY;
             PRAGMA cache_size = -131072;",
        )
        .context(op)?;
        conn.set_prepared_statement_cache_capacity(256);
        Ok(SqliteStore { conn })
    }

    pub(crate) fn open(path: &str) -> Result<SqliteStore> {
        if path != ":memory:" {
            if let Some(dir) = Path::new(path)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                    operation: format!("creating the store's folder {}", dir.display()),
                    source,
                })?;
            }
        }
        let op = || format!("opening the SQLite store {path}");
        let conn = Connection::open(path).context(op)?;
        conn.busy_timeout(Duration::from_secs(30)).context(op)?;
        crate::fold::register(&conn).context(op)?;
        // WAL: readers never block the writer; NORMAL sync is durable against process crashes
        // (a power cut may lose the last commit, never corrupt). A large page cache keeps a
        // million-row import in memory until commit; temp tables in memory.
        // Turning a new file to WAL takes an exclusive lock without SQLite's busy handler: two
        // processes opening a new store at once (two imports) could see "database is locked".
        // Wait for the other, as the busy timeout would.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            match conn.execute_batch("PRAGMA journal_mode = WAL;") {
                Ok(()) => break,
                Err(rusqlite::Error::SqliteFailure(f, _))
                    if matches!(
                        f.code,
                        rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                    ) && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(e) => return Err(e).context(op),
            }
        }
        conn.execute_batch(
            "PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA temp_store = MEMORY;
             PRAGMA cache_size = -131072;
             PRAGMA mmap_size = 268435456;",
        )
        .context(op)?;
        // The query planner stability guarantee: a cached statement keeps its plan whatever
        // values are bound. Without it SQLite (built with STAT4) re-prepares a statement
        // whenever a bound value might change the plan — parsing the web pages' look-ups
        // again on every request.
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
            true,
        )
        .context(op)?;
        // Room for every statement of the web pages (look-ups by lists of keys come in
        // many lengths), so that none is parsed again per request.
        conn.set_prepared_statement_cache_capacity(256);
        Ok(SqliteStore { conn })
    }

    pub(crate) fn migrate(&mut self) -> Result<()> {
        let op = || "applying migrations".to_string();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context(op)?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version    INTEGER PRIMARY KEY,
                 name       TEXT NOT NULL,
                 applied_at TEXT NOT NULL
             );",
        )
        .context(op)?;
        let current: i64 = tx
            .query_row(
                "SELECT coalesce(max(version), 0) FROM schema_migrations",
                [],
                |r| r.get(0),
            )
            .context(op)?;
        if current > LATEST_VERSION {
            return Err(StoreError::SchemaTooNew {
                found: current,
                known: LATEST_VERSION,
            });
        }
        for m in MIGRATIONS.iter().filter(|m| m.version > current) {
            let op = || format!("applying migration {} ({})", m.version, m.name);
            tx.execute_batch(m.sqlite).context(op)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                params![m.version, m.name, ts(Utc::now())],
            )
            .context(op)?;
            tracing::info!(
                version = m.version,
                name = m.name,
                "SQLite migration applied"
            );
        }
        tx.commit().context(op)
    }

    pub(crate) fn schema_version(&mut self) -> Result<i64> {
        self.conn
            .query_row(
                "SELECT coalesce(max(version), 0) FROM schema_migrations",
                [],
                |r| r.get(0),
            )
            .context(|| "reading the schema version".into())
    }
}

impl rusqlite::ToSql for Val {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, Value};
        Ok(ToSqlOutput::Owned(match self {
            Val::Null => Value::Null,
            Val::Int(v) => Value::Integer(*v),
            Val::Real(v) => Value::Real(*v),
            Val::Text(s) => Value::Text(s.clone()),
        }))
    }
}

/// A SQLite transaction as the portable layer's [`Tx`].
pub(crate) struct SqliteTx<'a>(pub(crate) &'a rusqlite::Transaction<'a>);

fn sqlite_val(v: rusqlite::types::ValueRef<'_>) -> Val {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => Val::Null,
        ValueRef::Integer(i) => Val::Int(i),
        ValueRef::Real(r) => Val::Real(r),
        ValueRef::Text(t) | ValueRef::Blob(t) => Val::Text(String::from_utf8_lossy(t).into_owned()),
    }
}

impl Tx for SqliteTx<'_> {
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64> {
        let op = || "writing results".to_string();
        let mut st = self.0.prepare_cached(sql).context(op)?;
        Ok(st
            .execute(rusqlite::params_from_iter(params.iter()))
            .context(op)? as u64)
    }

    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Vec<Val>>> {
        let op = || "reading results".to_string();
        let mut st = self.0.prepare_cached(sql).context(op)?;
        let n = st.column_count();
        let mut rows = st
            .query(rusqlite::params_from_iter(params.iter()))
            .context(op)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().context(op)? {
            let mut row = Vec::with_capacity(n);
            for i in 0..n {
                row.push(sqlite_val(r.get_ref(i).context(op)?));
            }
            out.push(row);
        }
        Ok(out)
    }

    fn bulk(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &mut dyn Iterator<Item = Vec<Val>>,
    ) -> Result<()> {
        let op = || format!("writing {table}");
        let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            columns.join(", "),
            placeholders.join(", ")
        );
        let mut st = self.0.prepare_cached(&sql).context(op)?;
        for row in rows {
            st.execute(rusqlite::params_from_iter(row.iter()))
                .context(op)?;
        }
        Ok(())
    }
}
