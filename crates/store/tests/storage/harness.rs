//! The test harness: a throw-away database per test (a SQLite file in a temporary folder,
//! or a PostgreSQL schema of its own, dropped afterwards), and the `both!` macro that makes
//! each check two tests, one per backend.
//!
//! It holds no check.

use hearth_store::{Backend, OpenOptions, Store};
use std::sync::atomic::{AtomicU64, Ordering};

/// Set (at build and run time) to run the PostgreSQL tests.
pub const PG_ENV: &str = "HEARTH_TEST_POSTGRES_URL";

/// A throw-away database: a SQLite file in a temporary folder, or a PostgreSQL schema.
pub struct TestDb {
    pub address: String,
    pub options: OpenOptions,
    pub pg: Option<(String, String)>, // (url, schema)
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let address = format!(
            "sqlite:{}",
            dir.path().join("store/hearth.sqlite").display()
        );
        TestDb {
            address,
            options: OpenOptions::default(),
            pg: None,
            _dir: Some(dir),
        }
    }

    pub fn postgres(url: &str) -> TestDb {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let schema = format!(
            "hearth_test_{}_{}_{}",
            std::process::id(),
            nanos,
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        TestDb {
            address: url.to_string(),
            options: OpenOptions {
                pg_schema: Some(schema.clone()),
            },
            pg: Some((url.to_string(), schema)),
            _dir: None,
        }
    }

    pub fn open(&self) -> Store {
        Store::open_with(&self.address, &self.options).expect("open the test store")
    }

    pub fn sqlite_conn(&self) -> rusqlite::Connection {
        let path = self.address.strip_prefix("sqlite:").unwrap();
        rusqlite::Connection::open(path).unwrap()
    }

    pub fn pg_client(&self) -> postgres::Client {
        let (url, schema) = self.pg.as_ref().unwrap();
        let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
        c.batch_execute(&format!("SET search_path TO \"{schema}\""))
            .unwrap();
        c
    }

    pub fn count(&self, table: &str) -> i64 {
        let sql = format!("SELECT count(*) FROM {table}");
        match self.pg {
            None => self
                .sqlite_conn()
                .query_row(&sql, [], |r| r.get(0))
                .unwrap(),
            Some(_) => self.pg_client().query_one(&sql, &[]).unwrap().get(0),
        }
    }

    /// Runs SQL straight against the database, past the store's API: `Err` with the
    /// database's message if it refuses.
    pub fn exec(&self, sql: &str) -> Result<(), String> {
        match self.pg {
            None => self
                .sqlite_conn()
                .execute_batch(sql)
                .map_err(|e| e.to_string()),
            Some(_) => self
                .pg_client()
                .batch_execute(sql)
                .map_err(|e| e.to_string()),
        }
    }

    /// The table's column names, in order.
    pub fn columns(&self, table: &str) -> Vec<String> {
        match &self.pg {
            None => {
                let c = self.sqlite_conn();
                let mut st = c
                    .prepare(&format!(
                        "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
                    ))
                    .unwrap();
                st.query_map([], |r| r.get(0))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap()
            }
            Some((_, schema)) => self
                .pg_client()
                .query(
                    "SELECT column_name::text FROM information_schema.columns
                     WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
                    &[schema, &table],
                )
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect(),
        }
    }

    /// Every row of the table as one string of all its values.
    pub fn dump(&self, table: &str) -> Vec<String> {
        match self.pg {
            None => {
                let cols = self.columns(table);
                let expr = cols
                    .iter()
                    .map(|c| format!("coalesce(CAST({c} AS TEXT), '')"))
                    .collect::<Vec<_>>()
                    .join(" || '|' || ");
                let c = self.sqlite_conn();
                let mut st = c.prepare(&format!("SELECT {expr} FROM {table}")).unwrap();
                st.query_map([], |r| r.get(0))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap()
            }
            Some(_) => self
                .pg_client()
                .query(&format!("SELECT t::text FROM {table} t"), &[])
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect(),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((url, schema)) = &self.pg {
            if let Ok(mut c) = postgres::Client::connect(url, postgres::NoTls) {
                let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
            }
        }
    }
}

/// Runs `check` on a fresh SQLite store.
pub fn on_sqlite(name: &str, check: fn(&mut Store, &TestDb)) {
    eprintln!("{name}: SQLite");
    let db = TestDb::sqlite();
    let mut store = db.open();
    assert_eq!(store.backend(), Backend::Sqlite);
    check(&mut store, &db);
}

/// Runs `check` on a fresh PostgreSQL schema. These tests are compiled as ignored (and so
/// reported as skipped) unless `HEARTH_TEST_POSTGRES_URL` was set when they were built.
pub fn on_postgres(name: &str, check: fn(&mut Store, &TestDb)) {
    let url = std::env::var(PG_ENV)
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| panic!("{PG_ENV} was set when this test was built but is not now"));
    eprintln!("{name}: PostgreSQL");
    let db = TestDb::postgres(&url);
    let mut store = db.open();
    assert_eq!(store.backend(), Backend::Postgres);
    check(&mut store, &db);
    drop(store);
}

/// Each check `name` (a `fn(&mut Store, &TestDb)` in the calling module) as two tests:
/// `sqlite::name` always, `postgresql::name` when PostgreSQL is configured at build time
/// (ignored, and so reported as skipped, otherwise).
macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    crate::harness::on_sqlite(stringify!($name), super::$name);
                }
            )*
        }
        mod postgresql {
            $(
                #[test]
                #[cfg_attr(not(hearth_pg), ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL")]
                fn $name() {
                    crate::harness::on_postgres(stringify!($name), super::$name);
                }
            )*
        }
    };
}
