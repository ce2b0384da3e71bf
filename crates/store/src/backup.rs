//! Backing up and restoring a SQLite store with SQLite's online backup API, while a server
//! may be writing to it.
//!
//! [`backup_sqlite`] copies every page in one backup step, inside one read transaction: in
//! WAL mode that is a consistent snapshot of the last commit, and writers carry on meanwhile
//! (a step of a few pages at a time would start again after every commit by another
//! process, and might never finish on a busy store). [`check_backup`] opens a backup
//! read-only, checks its pages (`PRAGMA quick_check`) and that every migration it records is
//! one this build knows. [`restore_sqlite`] checks the backup, then copies it into the store
//! through the backup API as well, so that the store's write-ahead log is handled by SQLite.
//!
//! PostgreSQL stores are backed up with PostgreSQL's own tools (`pg_dump -Fc`, see
//! `docs/operations.md`); nothing here talks to PostgreSQL.

use crate::error::{Context, Result, StoreError};
use crate::migrations::{LATEST_VERSION, MIGRATIONS};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

/// What a checked backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    /// The highest migration recorded in it.
    pub schema_version: i64,
    /// Its size on disk.
    pub bytes: u64,
}

/// The SQLite file of a store address (`PATH`, `sqlite:PATH` or `sqlite://PATH`), or `None`
/// for a PostgreSQL or other address.
pub fn sqlite_path(address: &str) -> Option<&str> {
    let path = if let Some(rest) = address.strip_prefix("sqlite://") {
        rest
    } else if let Some(rest) = address.strip_prefix("sqlite:") {
        rest
    } else if address.contains("://") {
        return None;
    } else {
        address
    };
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// Copies the SQLite store at `store` to a new file `out` (which must not exist), while
/// other connections may be writing, then checks the copy ([`check_backup`]).
pub fn backup_sqlite(store: &Path, out: &Path) -> Result<BackupInfo> {
    if !store.is_file() {
        return Err(io_error(
            format!("reading the store {}", store.display()),
            std::io::ErrorKind::NotFound,
        ));
    }
    if out.exists() {
        return Err(io_error(
            format!(
                "writing the backup {} (the file exists: choose a new name)",
                out.display()
            ),
            std::io::ErrorKind::AlreadyExists,
        ));
    }
    let op = || format!("backing up the store {}", store.display());
    // Read-write without create: a read-only connection cannot open a WAL-mode store whose
    // shared-memory file is missing (no server running); the backup only reads.
    let from = Connection::open_with_flags(
        store,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .context(op)?;
    from.busy_timeout(Duration::from_secs(30)).context(op)?;
    let written = (|| {
        let mut to = Connection::open(out).context(op)?;
        copy_all(&from, &mut to).map_err(|e| e.with_operation(op()))?;
        // The copy is a self-contained file: no write-ahead log beside it.
        to.execute_batch("PRAGMA journal_mode = DELETE;")
            .context(op)?;
        Ok(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(out);
        return Err(e);
    }
    check_backup(out)
}

/// Opens the backup at `path` read-only and checks it: SQLite's `quick_check` passes, it
/// holds Hearth's migrations table, and every migration recorded is one this build knows
/// (same version and name).
pub fn check_backup(path: &Path) -> Result<BackupInfo> {
    let op = || format!("checking the backup {}", path.display());
    let bytes = std::fs::metadata(path)
        .map_err(|source| StoreError::Io {
            operation: op(),
            source,
        })?
        .len();
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).context(op)?;
    let check: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .context(op)?;
    if check != "ok" {
        return Err(not_a_store(path, "SQLite's check of its pages failed"));
    }
    let has_migrations: bool = conn
        .query_row(
            "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
            [],
            |r| r.get(0),
        )
        .context(op)?;
    if !has_migrations {
        return Err(not_a_store(path, "it has no schema_migrations table"));
    }
    let mut st = conn
        .prepare("SELECT version, name FROM schema_migrations ORDER BY version")
        .context(op)?;
    let recorded = st
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .context(op)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context(op)?;
    let mut version = 0;
    for (v, name) in recorded {
        if v > LATEST_VERSION {
            return Err(StoreError::SchemaTooNew {
                found: v,
                known: LATEST_VERSION,
            });
        }
        let known = MIGRATIONS.iter().any(|m| m.version == v && m.name == name);
        if !known {
            return Err(not_a_store(
                path,
                &format!("its migration {v} ({name}) is not one this Hearth knows"),
            ));
        }
        version = version.max(v);
    }
    if version == 0 {
        return Err(not_a_store(path, "it records no migration"));
    }
    Ok(BackupInfo {
        schema_version: version,
        bytes,
    })
}

/// Checks the backup at `backup` ([`check_backup`]) and copies it over the SQLite store at
/// `store` (created if missing). The caller decides whether an existing store may be
/// replaced (`hearth restore` asks for `--force`).
pub fn restore_sqlite(backup: &Path, store: &Path) -> Result<BackupInfo> {
    let info = check_backup(backup)?;
    let op = || format!("restoring {} into {}", backup.display(), store.display());
    if let Some(dir) = store.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
            operation: op(),
            source,
        })?;
    }
    let from = Connection::open_with_flags(backup, OpenFlags::SQLITE_OPEN_READ_ONLY).context(op)?;
    let mut to = Connection::open(store).context(op)?;
    to.busy_timeout(Duration::from_secs(30)).context(op)?;
    copy_all(&from, &mut to).map_err(|e| e.with_operation(op()))?;
    Ok(info)
}

/// Every page of `from` into `to`, in one step (one read transaction on `from`), waiting
/// while either is busy.
fn copy_all(from: &Connection, to: &mut Connection) -> std::result::Result<(), CopyError> {
    let backup = Backup::new(from, to).map_err(CopyError)?;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        match backup.step(-1).map_err(CopyError)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            StepResult::Busy | StepResult::Locked if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            _ => {
                return Err(CopyError(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                    Some("the database stayed locked for a minute".into()),
                )))
            }
        }
    }
}

/// A backup step's error, before its operation is named.
struct CopyError(rusqlite::Error);

impl CopyError {
    fn with_operation(self, operation: String) -> StoreError {
        StoreError::Database {
            operation,
            backend: crate::Backend::Sqlite,
            code: None,
            message: self.0.to_string(),
        }
    }
}

fn io_error(operation: String, kind: std::io::ErrorKind) -> StoreError {
    StoreError::Io {
        operation,
        source: kind.into(),
    }
}

fn not_a_store(path: &Path, why: &str) -> StoreError {
    StoreError::NotAStore {
        path: path.display().to_string(),
        why: why.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths_from_addresses() {
        assert_eq!(sqlite_path("data/h.sqlite"), Some("data/h.sqlite"));
        assert_eq!(sqlite_path("sqlite:x.db"), Some("x.db"));
        assert_eq!(sqlite_path("sqlite://x.db"), Some("x.db"));
        assert_eq!(sqlite_path("postgres://u@h/db"), None);
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path(""), None);
    }

    #[test]
    fn a_file_that_is_not_a_store_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain.sqlite");
        Connection::open(&plain)
            .unwrap()
            .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
        let e = check_backup(&plain).unwrap_err().to_string();
        assert!(e.contains("schema_migrations"), "{e}");
        let junk = dir.path().join("junk.sqlite");
        std::fs::write(&junk, b"not a database at all, just some text").unwrap();
        assert!(check_backup(&junk).is_err());
    }

    #[test]
    fn a_migration_this_build_does_not_know_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sqlite");
        drop(crate::Store::open(path.to_str().unwrap()).unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.execute(
            "UPDATE schema_migrations SET name = 'other' WHERE version = 1",
            [],
        )
        .unwrap();
        drop(conn);
        let e = check_backup(&path).unwrap_err().to_string();
        assert!(e.contains("migration 1 (other)"), "{e}");
    }

    #[test]
    fn a_backup_is_not_written_over_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sqlite");
        drop(crate::Store::open(path.to_str().unwrap()).unwrap());
        let out = dir.path().join("b.sqlite");
        std::fs::write(&out, b"keep me").unwrap();
        assert!(backup_sqlite(&path, &out).is_err());
        assert_eq!(std::fs::read(&out).unwrap(), b"keep me");
    }
}
