//! A PostgreSQL connection the server closed (a restart, a failover, an idle-session
//! timeout, `pg_terminate_backend`) is noticed (after a call that met it closed, or when it
//! has been unused for half a second) and opened again into the same schema; until then calls
//! fail with an error rather than hang. PostgreSQL only.

use crate::accounts::web_user;
use crate::harness::{TestDb, PG_ENV};
use hearth_model::Role;
use std::time::{Duration, Instant};

/// Closes, from the server side, every connection whose `application_name` is `name`, and
/// waits until their backends have gone.
fn terminate(db: &TestDb, name: &str) {
    let (url, _) = db.pg.as_ref().unwrap();
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let ended = c
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = $1 AND pid <> pg_backend_pid()",
            &[&name],
        )
        .unwrap();
    assert_eq!(ended.len(), 1, "the store's one connection");
    let started = Instant::now();
    while c
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
            &[&name],
        )
        .unwrap()
        .get::<_, i64>(0)
        > 0
    {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "backend lingers"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
fn a_connection_the_server_closed_is_noticed_and_opened_again() {
    let url = std::env::var(PG_ENV)
        .unwrap_or_else(|_| panic!("{PG_ENV} was set when this test was built but is not now"));
    let mut db = TestDb::postgres(&url);
    let name = db.pg.as_ref().unwrap().1.clone();
    // The schema's name as the session's application_name: only this store's connection.
    let sep = if url.contains('?') { '&' } else { '?' };
    db.address = format!("{url}{sep}application_name={name}");
    let mut store = db.open();
    assert!(!store.connection_lost());
    assert!(!store.reconnect_if_lost().unwrap(), "nothing to do");

    // Closed while idle: noticed before the next call, which then runs on a new connection.
    terminate(&db, &name);
    std::thread::sleep(Duration::from_millis(600)); // unused for half a second: checked
    assert!(store.connection_lost());
    assert!(store.reconnect_if_lost().unwrap());
    assert!(!store.connection_lost());
    assert_eq!(
        store.schema_version().unwrap(),
        hearth_store::LATEST_VERSION
    );
    // In the store's own schema, as before.
    web_user(&mut store, "after_reconnect", Role::LeadWorker);
    assert_eq!(db.count("web_user"), 1);

    // Not reopened: a call fails with an error (it does not hang), and is not half-done.
    terminate(&db, &name);
    let failed = store.create_user(
        &hearth_store::NewUser {
            user_name: "lost".into(),
            display_name: "lost".into(),
            role: Role::LeadWorker,
            password_hash: "x".into(),
        },
        chrono::Utc::now(),
    );
    assert!(failed.is_err());
    assert!(store.connection_lost());
    assert!(store.reconnect_if_lost().unwrap());
    assert_eq!(db.count("web_user"), 1);
    web_user(&mut store, "again", Role::LeadWorker);
    assert_eq!(db.count("web_user"), 2);
}
