//! The store handle: [`Store`] and [`OpenOptions`], opening by address, migrating, and the
//! one place where a call is dispatched to its backend (the `dispatch!` macro and the
//! transaction helpers the areas run their portable SQL in).
//!
//! It holds no area's SQL: each area (`intake`, `linkage`, `identification`, `accounts`,
//! `audit`, `casework`) adds its own `impl Store` block.

use crate::backend::Backend;
use crate::error::{Result, StoreError};
use crate::pg::PgStore;
use crate::sql::Tx;
use crate::sqlite::SqliteStore;
use std::fmt;

/// Options for [`Store::open_with`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// PostgreSQL only: keep the store in this schema (created if missing) instead of the
    /// connection's default search path. Must be a plain lower-case identifier
    /// (`[a-z_][a-z0-9_]*`, at most 63 characters). Ignored for SQLite.
    pub pg_schema: Option<String>,
}

/// A handle on a Hearth store. Opened from an address with [`Store::open`]; `Send`, so it can
/// move into a blocking task, but not shared between threads (open one per thread).
pub struct Store {
    pub(crate) inner: Inner,
    /// Where it was opened, for [`Store::open_another`] (never shown: it may hold a password).
    address: String,
    options: OpenOptions,
    /// Opened with [`Store::open_read_only`]: every write fails with [`StoreError::ReadOnly`].
    read_only: bool,
}

/// The open backend.
pub(crate) enum Inner {
    Sqlite(SqliteStore),
    Postgres(Box<PgStore>),
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the address: it may hold a password.
        f.debug_struct("Store")
            .field("backend", &self.backend())
            .finish_non_exhaustive()
    }
}

/// Calls the same-named operation on whichever backend `$self` (a `&mut Store`) has open:
/// `dispatch!(self, s => s.op(…))`, where `op` is a method both backends have (inherent, or
/// of a trait both implement, such as the import path's `Importer`).
macro_rules! dispatch {
    ($self:ident, $s:ident => $e:expr) => {
        match &mut $self.inner {
            $crate::handle::Inner::Sqlite($s) => $e,
            $crate::handle::Inner::Postgres($s) => $e,
        }
    };
}
pub(crate) use dispatch;

impl Store {
    /// Opens (creating if needed) the store at `address` and applies pending migrations.
    ///
    /// * `postgres://…` or `postgresql://…`: PostgreSQL (libpq-style URL);
    /// * `sqlite:PATH`, `sqlite://PATH` or a plain path: SQLite (the folder is created if
    ///   missing); `sqlite::memory:` for an in-memory store.
    pub fn open(address: &str) -> Result<Store> {
        Store::open_with(address, &OpenOptions::default())
    }

    /// Like [`Store::open`], with options (e.g. a PostgreSQL schema).
    pub fn open_with(address: &str, options: &OpenOptions) -> Result<Store> {
        let mut store = Store::connect(address, options, false)?;
        store.migrate()?;
        Ok(store)
    }

    /// Opens an existing store without changing it: for viewing a store this user may not
    /// write (a copy on a read-only share, a file whose permissions forbid writing). Nothing
    /// is created or migrated; the store must already be at this build's schema version
    /// ([`StoreError::ReadOnlyBehind`] otherwise), and every write fails with
    /// [`StoreError::ReadOnly`]. SQLite opens the file read-only (or, where its write-ahead
    /// log cannot be shared because the folder cannot be written, as an immutable file);
    /// PostgreSQL runs the session's transactions read-only.
    pub fn open_read_only(address: &str, options: &OpenOptions) -> Result<Store> {
        let mut store = Store::connect(address, options, true)?;
        let found = store.schema_version()?;
        let known = crate::migrations::LATEST_VERSION;
        if found > known {
            return Err(StoreError::SchemaTooNew { found, known });
        }
        if found < known {
            return Err(StoreError::ReadOnlyBehind { found, known });
        }
        Ok(store)
    }

    /// Whether this handle was opened read-only ([`Store::open_read_only`]).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    fn connect(address: &str, options: &OpenOptions, read_only: bool) -> Result<Store> {
        let inner = if address.starts_with("postgres://") || address.starts_with("postgresql://") {
            let schema = options.pg_schema.as_deref();
            if let Some(s) = schema {
                validate_schema_name(s)?;
            }
            Inner::Postgres(Box::new(PgStore::open(address, schema, read_only)?))
        } else {
            let path = if let Some(rest) = address.strip_prefix("sqlite://") {
                rest
            } else if let Some(rest) = address.strip_prefix("sqlite:") {
                rest
            } else if address.contains("://") || address.is_empty() {
                return Err(StoreError::UnsupportedAddress);
            } else {
                address
            };
            if path.is_empty() {
                return Err(StoreError::UnsupportedAddress);
            }
            if read_only {
                Inner::Sqlite(SqliteStore::open_read_only(path)?)
            } else {
                Inner::Sqlite(SqliteStore::open(path)?)
            }
        };
        Ok(Store {
            inner,
            address: address.to_string(),
            options: options.clone(),
            read_only,
        })
    }

    /// A second connection to the same store (to read two tables at once on two threads),
    /// read-only if this one is.
    pub fn open_another(&self) -> Result<Store> {
        if self.read_only {
            Store::open_read_only(&self.address, &self.options)
        } else {
            Store::open_with(&self.address, &self.options)
        }
    }

    /// Whether the connection to the database is lost (PostgreSQL: the server closed it or it
    /// failed, e.g. after a restart, a failover or an idle-session timeout; SQLite: never).
    /// Without a round trip when an earlier call met the closed connection; with one (an
    /// empty query, at most 2 s) when the connection has been unused for half a second.
    pub fn connection_lost(&mut self) -> bool {
        match &mut self.inner {
            Inner::Sqlite(_) => false,
            Inner::Postgres(pg) => pg.is_lost(),
        }
    }

    /// Opens a lost connection again ([`Store::connection_lost`]), to the same address and
    /// schema and as read-only as before (nothing is migrated: the store was at this build's
    /// schema when it was opened). `Ok(false)`: the connection was not lost, nothing done.
    /// Whatever was under way on the lost connection was rolled back by the server.
    pub fn reconnect_if_lost(&mut self) -> Result<bool> {
        let Inner::Postgres(pg) = &mut self.inner else {
            return Ok(false);
        };
        if !pg.is_lost() {
            return Ok(false);
        }
        let schema = self.options.pg_schema.as_deref();
        let fresh = PgStore::open(&self.address, schema, self.read_only)?;
        let lost = std::mem::replace(&mut **pg, fresh);
        // Closing a connection waits for its end; a server that has gone quietly never
        // answers, so that wait is not this thread's.
        let _ = std::thread::Builder::new()
            .name("hearth-pg-close".into())
            .spawn(move || drop(lost));
        Ok(true)
    }

    /// Checks that the store can be written as well as read: on PostgreSQL, that the role
    /// connected as holds SELECT, INSERT, UPDATE and DELETE on every table of the store's
    /// schema ([`StoreError::CannotWrite`] names the role and what it lacks). `hearth serve`
    /// checks it at start, since every sign-in and view is written to the audit log; verbs
    /// that only read do not, so a read-only role can still run them. SQLite, and a handle
    /// opened read-only: nothing to check (their writes fail with
    /// [`StoreError::ReadOnly`]).
    pub fn check_write_access(&mut self) -> Result<()> {
        match &mut self.inner {
            Inner::Postgres(pg) if !self.read_only => pg.check_write_access(),
            _ => Ok(()),
        }
    }

    /// Which backend this store uses.
    pub fn backend(&self) -> Backend {
        match self.inner {
            Inner::Sqlite(_) => Backend::Sqlite,
            Inner::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies any pending migrations (done by `open`; calling it again is a no-op).
    pub fn migrate(&mut self) -> Result<()> {
        dispatch!(self, s => s.migrate())
    }

    /// The highest migration applied (0 for an empty database).
    pub fn schema_version(&mut self) -> Result<i64> {
        dispatch!(self, s => s.schema_version())
    }

    /// Runs `f` in one write transaction (immediate on SQLite), committed if it returns `Ok`.
    pub(crate) fn with_tx<R>(&mut self, f: impl FnOnce(&mut dyn Tx) -> Result<R>) -> Result<R> {
        dispatch!(self, s => s.with_tx(f))
    }

    /// Runs reads only: a deferred transaction on SQLite (no write lock), no transaction on
    /// PostgreSQL (no BEGIN and COMMIT round trips; each statement sees what was committed
    /// when it started, as in a READ COMMITTED transaction).
    pub(crate) fn with_read<R>(&mut self, f: impl FnOnce(&mut dyn Tx) -> Result<R>) -> Result<R> {
        dispatch!(self, s => s.with_read(f))
    }

    /// PostgreSQL: refresh planner statistics after a bulk write (SQLite needs none).
    pub(crate) fn analyze(&mut self, tables: &[&str]) -> Result<()> {
        match &mut self.inner {
            Inner::Sqlite(_) => Ok(()),
            Inner::Postgres(s) => s.analyze(tables),
        }
    }
}

fn validate_schema_name(s: &str) -> Result<()> {
    let ok = !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !s.starts_with("pg_");
    if ok {
        Ok(())
    } else {
        Err(StoreError::InvalidSchemaName(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names() {
        assert!(validate_schema_name("hearth_test_1").is_ok());
        assert!(validate_schema_name("_x").is_ok());
        for bad in ["", "A", "1x", "a-b", "pg_x", &"a".repeat(64)] {
            assert!(validate_schema_name(bad).is_err(), "{bad}");
        }
    }
}
