//! Opening and migrating: migrations are idempotent, an older store upgrades, a newer one is
//! refused, addresses and schema names are checked, and no password reaches a message.

use crate::fixtures::*;
use crate::harness::TestDb;
use chrono::{TimeZone, Utc};
use hearth_store::{Backend, OpenOptions, Store, StoreError, LATEST_VERSION, MIGRATION_COUNT};

both!(
    migrations_are_idempotent,
    a_read_only_store_reads_and_refuses_every_write
);

fn migrations_are_idempotent(store: &mut Store, db: &TestDb) {
    assert_eq!(store.schema_version().unwrap(), LATEST_VERSION);
    assert_eq!(db.count("schema_migrations"), MIGRATION_COUNT);
    store.migrate().unwrap();
    store.migrate().unwrap();
    drop(Store::open_with(&db.address, &db.options).unwrap());
    let mut again = db.open();
    assert_eq!(again.schema_version().unwrap(), LATEST_VERSION);
    assert_eq!(db.count("schema_migrations"), MIGRATION_COUNT);
    // Data survives reopening.
    imported(
        again
            .write_batch(&batch("police", "aa", 1), &[full_row(2)], &[])
            .unwrap(),
    );
    let mut third = db.open();
    assert_eq!(third.batches().unwrap().len(), 1);
    assert_eq!(db.count("schema_migrations"), MIGRATION_COUNT);
}

fn a_read_only_store_reads_and_refuses_every_write(store: &mut Store, db: &TestDb) {
    imported(
        store
            .write_batch(&batch("police", "aa", 1), &[full_row(2)], &[])
            .unwrap(),
    );
    let mut viewer = Store::open_read_only(&db.address, &db.options).unwrap();
    assert!(viewer.is_read_only());
    assert_eq!(viewer.batches().unwrap().len(), 1);
    let err = viewer
        .write_batch(&batch("police", "bb", 1), &[full_row(3)], &[])
        .unwrap_err();
    assert!(
        matches!(err, StoreError::ReadOnly { .. }),
        "a write is refused as read-only: {err:?}"
    );
    assert!(err.to_string().contains("read-only"), "{err}");
    // A second connection from a read-only handle is read-only too.
    assert!(viewer.open_another().unwrap().is_read_only());
    assert_eq!(store.batches().unwrap().len(), 1, "nothing was written");
}

#[test]
fn a_read_only_open_creates_nothing_and_needs_an_up_to_date_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("none/hearth.sqlite");
    let address = path.to_string_lossy().into_owned();
    assert!(Store::open_read_only(&address, &OpenOptions::default()).is_err());
    assert!(!path.exists() && !dir.path().join("none").exists());
    // A store behind this build's schema would need a migration, which is a write.
    let old = dir.path().join("old.sqlite");
    {
        let c = rusqlite::Connection::open(&old).unwrap();
        c.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, \
             applied_at TEXT NOT NULL); INSERT INTO schema_migrations VALUES (1, 'initial', 'x');",
        )
        .unwrap();
    }
    let err = Store::open_read_only(&old.to_string_lossy(), &OpenOptions::default()).unwrap_err();
    assert!(
        matches!(err, StoreError::ReadOnlyBehind { found: 1, .. }),
        "{err:?}"
    );
}

#[test]
fn a_version_3_store_upgrades_with_its_cases_clocks_started_and_identifiers_grouped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v3.sqlite");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, \
             applied_at TEXT NOT NULL);",
        )
        .unwrap();
        for (v, name, sql) in [
            (
                1,
                "initial",
                include_str!("../../migrations/sqlite/0001_initial.sql"),
            ),
            (
                2,
                "results",
                include_str!("../../migrations/sqlite/0002_results.sql"),
            ),
            (
                3,
                "web",
                include_str!("../../migrations/sqlite/0003_web.sql"),
            ),
        ] {
            c.execute_batch(sql).unwrap();
            c.execute(
                "INSERT INTO schema_migrations VALUES (?1, ?2, '2026-01-01T00:00:00Z')",
                rusqlite::params![v, name],
            )
            .unwrap();
        }
        c.execute_batch(
            "INSERT INTO web_user (id, user_name, display_name, role, password_hash, active, \
             created_at) VALUES (1, 'lw', 'Lee', 'lead_worker', 'x', 1, '2026-01-01T00:00:00Z');
             INSERT INTO family_case VALUES (7, 'engaged', 1, '2026-02-03T10:00:00Z', 'po');
             INSERT INTO family_case VALUES (8, 'identified', NULL, '2026-02-04T10:00:00Z', 'po');
             INSERT INTO identity (record_id, given_name, family_name) VALUES (1, 'Ann', 'Bee');
             INSERT INTO identity (record_id, given_name, family_name) VALUES (2, 'Ann', 'Bee');
             INSERT INTO person_record VALUES (1, 100), (2, 100);",
        )
        .unwrap();
    }
    let mut s = Store::open(path.to_str().unwrap()).unwrap();
    assert_eq!(s.schema_version().unwrap(), LATEST_VERSION);
    let at = |d| Utc.with_ymd_and_hms(2026, 2, d, 10, 0, 0).unwrap();
    let seven = s.family_case(7).unwrap().unwrap();
    assert_eq!(
        (seven.status_since, seven.assigned_at),
        (at(3), Some(at(3)))
    );
    // Migration 8: the old statuses' keys become the new ones, and each case's history
    // starts where it stands.
    assert_eq!(seven.status, hearth_model::CaseStatus::Agreed);
    let history = s.case_history(7).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].from, history[0].to, history[0].changed_at),
        (None, hearth_model::CaseStatus::Agreed, at(3))
    );
    let eight = s.family_case(8).unwrap().unwrap();
    assert_eq!((eight.status_since, eight.assigned_at), (at(4), None));
    // The latest linkage's identifiers, grouped for pages, are there at once.
    let ids = s.person_identities(&[100]).unwrap();
    assert_eq!(ids.len(), 1);
    assert_eq!(
        (ids[0].given_name.as_deref(), ids[0].records),
        (Some("Ann"), 2)
    );
}

#[test]
fn addresses() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("a/b/plain.sqlite");
    let mut s = Store::open(plain.to_str().unwrap()).unwrap();
    assert_eq!(s.backend(), Backend::Sqlite);
    assert_eq!(s.schema_version().unwrap(), LATEST_VERSION);
    assert!(plain.exists(), "folders created");
    let prefixed = dir.path().join("prefixed.sqlite");
    Store::open(&format!("sqlite:{}", prefixed.display())).unwrap();
    assert!(prefixed.exists());
    let slashes = dir.path().join("slashes.sqlite");
    Store::open(&format!("sqlite://{}", slashes.display())).unwrap();
    assert!(slashes.exists());
    Store::open("sqlite::memory:").unwrap();

    for bad in ["mysql://user:hunter2@host/db", "", "sqlite:"] {
        let err = Store::open(bad).unwrap_err();
        assert!(
            matches!(err, StoreError::UnsupportedAddress),
            "{bad}: {err:?}"
        );
        assert!(!err.to_string().contains("hunter2"));
    }
    for bad in ["Upper", "1abc", "a-b", "pg_catalog", "x\"; DROP", ""] {
        let err = Store::open_with(
            "postgres://postgres@127.0.0.1:1/none",
            &OpenOptions {
                pg_schema: Some(bad.into()),
            },
        )
        .unwrap_err();
        assert!(
            matches!(err, StoreError::InvalidSchemaName(_)),
            "{bad}: {err:?}"
        );
    }
}

#[test]
fn connection_errors_do_not_show_the_password() {
    // Port 1 on the loopback: nothing listens, so the connection is refused.
    let err = Store::open("postgres://hearth:hunter2@127.0.0.1:1/hearth").unwrap_err();
    let msg = format!("{err} {err:?}");
    assert!(msg.contains("PostgreSQL"), "{msg}");
    assert!(!msg.contains("hunter2"), "{msg}");
}

#[test]
fn a_store_moves_between_threads() {
    fn is_send<T: Send>() {}
    is_send::<Store>();
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.sqlite");
    drop(Store::open(path.to_str().unwrap()).unwrap());
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "INSERT INTO schema_migrations VALUES (?1, 'future', '2099-01-01T00:00:00Z')",
            [LATEST_VERSION + 1],
        )
        .unwrap();
    let err = Store::open(path.to_str().unwrap()).unwrap_err();
    assert!(matches!(err, StoreError::SchemaTooNew { .. }), "{err:?}");
}

/// A council's DBA migrates the store as its owner and runs the service as a role that may
/// only read and write the data: a store already at this build's version opens without DDL.
#[test]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
fn a_current_store_opens_for_a_role_that_may_only_read_and_write_its_data() {
    let url = std::env::var(crate::harness::PG_ENV).unwrap();
    let db = TestDb::postgres(&url);
    drop(db.open()); // created and migrated as the owner
    let schema = db.options.pg_schema.clone().unwrap();
    let role = format!("{schema}_app");
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!(
            "CREATE ROLE \"{role}\" LOGIN; \
             GRANT USAGE ON SCHEMA \"{schema}\" TO \"{role}\"; \
             GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \"{schema}\" TO \"{role}\"; \
             GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA \"{schema}\" TO \"{role}\";"
        ))
        .unwrap();
    // The same address with the role as its user (postgres://user@host/db).
    let (scheme, rest) = url.split_once("://").unwrap();
    let host = rest.split_once('@').map_or(rest, |(_, h)| h);
    let as_app = format!("{scheme}://{role}@{host}");
    let opened = Store::open_with(&as_app, &db.options);
    let outcome = opened.map(|mut s| {
        s.check_write_access().expect("the write check passes");
        let imported = s.write_batch(&batch("police", "aa", 1), &[full_row(2)], &[]);
        (s.schema_version(), imported.map_err(|e| format!("{e:?}")))
    });
    admin
        .batch_execute(&format!(
            "DROP OWNED BY \"{role}\"; DROP ROLE \"{role}\"; DROP SCHEMA \"{schema}\" CASCADE"
        ))
        .unwrap();
    let (version, wrote) = outcome.expect("opened with data rights only");
    assert_eq!(version.unwrap(), LATEST_VERSION);
    wrote.expect("and wrote a batch");
}

/// A role that may only read (one made for reports, or grants not run again after an upgrade
/// added tables) opens the store and reads it, but the write check that `hearth serve` makes
/// at start names the role and what it lacks.
#[test]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
fn the_write_check_names_a_read_only_role_and_what_it_lacks() {
    let url = std::env::var(crate::harness::PG_ENV).unwrap();
    let db = TestDb::postgres(&url);
    drop(db.open());
    let schema = db.options.pg_schema.clone().unwrap();
    let role = format!("{schema}_ro");
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!(
            "CREATE ROLE \"{role}\" LOGIN; \
             GRANT USAGE ON SCHEMA \"{schema}\" TO \"{role}\"; \
             GRANT SELECT ON ALL TABLES IN SCHEMA \"{schema}\" TO \"{role}\";"
        ))
        .unwrap();
    let (scheme, rest) = url.split_once("://").unwrap();
    let host = rest.split_once('@').map_or(rest, |(_, h)| h);
    let as_ro = format!("{scheme}://{role}@{host}");
    let outcome = Store::open_with(&as_ro, &db.options).map(|mut s| {
        (
            s.verify_audit_chain().map(|r| r.lines),
            s.check_write_access(),
        )
    });
    admin
        .batch_execute(&format!(
            "DROP OWNED BY \"{role}\"; DROP ROLE \"{role}\"; DROP SCHEMA \"{schema}\" CASCADE"
        ))
        .unwrap();
    let (read, check) = outcome.expect("a read-only role opens a current store");
    read.expect("and reads it");
    let err = check.expect_err("but may not write it");
    assert!(
        matches!(&err, StoreError::CannotWrite { role: r, .. } if *r == role),
        "{err:?}"
    );
    let msg = err.to_string();
    for part in [
        "INSERT on audit_log and",
        "UPDATE on audit_log",
        "DELETE on audit_log",
        "docs/operations.md",
    ] {
        assert!(msg.contains(part), "{part}: {msg}");
    }
    assert!(!msg.contains("SELECT on"), "{msg}");
}
