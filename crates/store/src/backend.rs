//! Which database a store uses: the [`Backend`] tag, for messages and callers that must know.
//!
//! It holds no connection and runs no SQL; the backends themselves live in `sqlite` and `pg`.

use std::fmt;

/// Which database a [`Store`](crate::Store) uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        })
    }
}
