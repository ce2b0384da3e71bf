//! The store's one error type.
//!
//! Messages name the operation, the backend and (where there is one) the batch's source and
//! row number; they never carry a value from a partner file, because error messages end up in
//! terminals, logs and bug reports. Backend errors are therefore reduced to the database's
//! primary message and SQLSTATE code: PostgreSQL's DETAIL and CONTEXT lines (which quote the
//! offending values) and connection strings (which may hold a password) are dropped.

use crate::backend::Backend;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The address given to [`Store::open`](crate::Store::open) is neither a path, a
    /// `sqlite:` address nor a `postgres://` one. The address itself is not repeated, since a
    /// connection string may hold a password.
    #[error("unsupported store address: use a file path, sqlite:PATH or postgres://…")]
    UnsupportedAddress,

    /// A PostgreSQL schema name that is not a plain lower-case identifier.
    #[error(
        "invalid PostgreSQL schema name {0:?}: use lower-case letters, digits and _ (at most 63)"
    )]
    InvalidSchemaName(String),

    /// The store's schema was written by a newer Hearth.
    #[error(
        "the store's schema is at version {found}, newer than this Hearth knows ({known}); \
         upgrade Hearth before using this store"
    )]
    SchemaTooNew {
        /// The highest migration recorded in the store.
        found: i64,
        /// The highest migration this build knows.
        known: i64,
    },

    /// A row that the store refuses to hold (intake should have quarantined it). Says which
    /// row and field, never the value.
    #[error("{partner_source} row {source_row} cannot be stored: {field} {problem}")]
    InvalidRow {
        /// The batch's source (e.g. `police`).
        partner_source: String,
        /// The row number as a spreadsheet shows it.
        source_row: u64,
        /// The field at fault.
        field: String,
        /// What is wrong with it.
        problem: &'static str,
    },

    /// A person, family or other thing named by the caller is not in the store.
    #[error("there is no {0} in the store")]
    NotFound(String),
    /// A batch to supersede is not a current batch of the source being imported: missing, of
    /// another source, or already superseded (perhaps by another import at the same moment).
    #[error(
        "batch {batch} is not a current batch of source {partner_source}: it may have been superseded \
         already; nothing was written"
    )]
    NotCurrent {
        /// The batch asked for.
        batch: i64,
        /// The source being imported.
        partner_source: String,
    },

    /// Another import of the same source finished while this file was being compared with
    /// the source's batches: nothing was written; importing the file again compares it anew.
    #[error(
        "another import of {partner_source} (batch {batch}) finished while this file was being \
         read; nothing was written: import the file again"
    )]
    SourceChanged {
        /// The source being imported.
        partner_source: String,
        /// The batch written meanwhile.
        batch: i64,
    },

    /// A write to a store opened read-only, or whose file or folder this user cannot write.
    #[error(
        "{operation} failed: the store is read-only (opened for viewing, or its file or folder \
         cannot be written by this user); nothing was changed"
    )]
    ReadOnly {
        /// What the store was doing.
        operation: String,
    },

    /// The PostgreSQL role may read the store but not write every table of it
    /// ([`Store::check_write_access`](crate::Store::check_write_access)): a role meant for
    /// reports, or grants not run again after an upgrade added tables. Names the role and
    /// what it lacks, never the connection's address.
    #[error(
        "the PostgreSQL role {role} may not write this store's tables: it lacks {lacks}. Grant \
         it SELECT, INSERT, UPDATE and DELETE on every table of the store's schema \
         (docs/operations.md, \"PostgreSQL roles\"), or connect as a role that has them"
    )]
    CannotWrite {
        /// The role connected as (`current_user`).
        role: String,
        /// Per right, a table it is lacking on and how many others, e.g. `INSERT on audit_log
        /// and 58 other tables`.
        lacks: String,
    },

    /// A store opened read-only whose schema is older than this build's: it would need
    /// migrating, which is a write.
    #[error(
        "the store's schema is at version {found} and this Hearth needs version {known}; it \
         cannot be upgraded while opened read-only: open it once with write access"
    )]
    ReadOnlyBehind {
        /// The highest migration recorded in the store.
        found: i64,
        /// The highest migration this build knows.
        known: i64,
    },

    /// A value in the store that cannot be read back (the database was edited by hand, or is
    /// damaged).
    #[error("the store holds an unreadable value in {table}.{column} (key {key})")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// The column.
        column: &'static str,
        /// The row's key (record or batch id): a number, never personal data.
        key: i64,
    },

    /// The database reported an error.
    #[error("{operation} failed ({backend}){}: {message}", code.as_deref().map(|c| format!(" [SQLSTATE {c}]")).unwrap_or_default())]
    Database {
        /// What the store was doing, with the batch it concerned where there is one.
        operation: String,
        /// Which backend.
        backend: Backend,
        /// The SQLSTATE code (PostgreSQL) where there is one.
        code: Option<String>,
        /// The database's primary message, without details that could quote data.
        message: String,
    },

    /// A file offered as a backup (or restored from) that is not a Hearth store this build
    /// can open.
    #[error("{path} is not a Hearth store this version can restore: {why}")]
    NotAStore {
        /// The file.
        path: String,
        /// Why not.
        why: String,
    },

    /// A file-system error around the store (e.g. creating the SQLite file's folder).
    #[error("{operation} failed: {source}")]
    Io {
        /// What the store was doing.
        operation: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// The store's result type.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Attaches an operation description to a backend error, keeping only what is safe to show.
pub(crate) trait Context<T> {
    /// Maps the error, describing the operation lazily.
    fn context(self, operation: impl FnOnce() -> String) -> Result<T>;
}

impl<T> Context<T> for std::result::Result<T, rusqlite::Error> {
    fn context(self, operation: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| {
            if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ReadOnly) {
                return StoreError::ReadOnly {
                    operation: operation(),
                };
            }
            StoreError::Database {
                operation: operation(),
                backend: Backend::Sqlite,
                code: None,
                // SQLite's messages name constraints and columns, not values.
                message: e.to_string(),
            }
        })
    }
}

impl<T> Context<T> for std::result::Result<T, postgres::Error> {
    fn context(self, operation: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| pg_error(operation(), &e))
    }
}

/// A PostgreSQL error reduced to its SQLSTATE and primary message.
pub(crate) fn pg_error(operation: String, e: &postgres::Error) -> StoreError {
    // 25006: read_only_sql_transaction (a write in a read-only session).
    if e.code() == Some(&postgres::error::SqlState::READ_ONLY_SQL_TRANSACTION) {
        return StoreError::ReadOnly { operation };
    }
    let (code, message) = match e.as_db_error() {
        Some(db) => (Some(db.code().code().to_string()), db.message().to_string()),
        None => (
            e.code().map(|c| c.code().to_string()),
            // Client-side errors (I/O, closed connection, TLS, type conversion) carry no row
            // data; the connection string is never part of them. Their cause says what went
            // wrong ("Connection refused", "invalid peer certificate: UnknownIssuer"), except
            // a connection string's syntax error, which may quote a character of it.
            // Every cause in the chain is kept (a TLS error's certificate problem is two
            // levels down), each once.
            {
                let mut message = e.to_string();
                let mut cause = std::error::Error::source(e);
                while let Some(c) = cause {
                    let said = c.to_string();
                    if said.contains("unexpected character") {
                        break;
                    }
                    if !message.contains(&said) {
                        message = format!("{message}: {said}");
                    }
                    cause = c.source();
                }
                message
            },
        ),
    };
    StoreError::Database {
        operation,
        backend: Backend::Postgres,
        code,
        message,
    }
}
