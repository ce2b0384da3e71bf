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

/// Whether the server sees the session named `name` as encrypted (`pg_stat_ssl`).
fn encrypted(db: &TestDb, name: &str) -> bool {
    let (url, _) = db.pg.as_ref().unwrap();
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    c.query_one(
        "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
         WHERE a.application_name = $1",
        &[&name],
    )
    .unwrap()
    .get(0)
}

/// `sslmode` and `sslrootcert` as libpq reads them, against the test server (which must
/// offer TLS, as Debian's PostgreSQL does with its "snakeoil" certificate): `prefer` (the
/// default) and `require` encrypt, `disable` does not; `verify-ca` with the server's own
/// certificate as the root passes at 127.0.0.1, `verify-full` there does not (a snakeoil
/// certificate names a host, not an address) but does at `localhost` when the certificate
/// names it, and never without a root that signed it.
#[test]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
fn the_connection_is_encrypted_as_sslmode_asks() {
    let url = std::env::var(PG_ENV)
        .unwrap_or_else(|_| panic!("{PG_ENV} was set when this test was built but is not now"));
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let show = |c: &mut postgres::Client, what: &str| -> String {
        c.query_one(&format!("SHOW {what}"), &[]).unwrap().get(0)
    };
    assert_eq!(
        show(&mut admin, "ssl"),
        "on",
        "the test server must offer TLS (ssl = on in postgresql.conf)"
    );
    let cert = show(&mut admin, "ssl_cert_file");
    let cert = if cert.starts_with('/') {
        cert
    } else {
        format!("{}/{cert}", show(&mut admin, "data_directory"))
    };
    let mut db = TestDb::postgres(&url);
    let name = db.pg.as_ref().unwrap().1.clone();
    let sep = if url.contains('?') { '&' } else { '?' };
    let at = |settings: &str| format!("{url}{sep}{settings}application_name={name}");

    for (settings, tls) in [
        ("", true),
        ("sslmode=disable&", false),
        ("sslmode=require&", true),
        (
            &format!("sslmode=verify-ca&sslrootcert={cert}&") as &str,
            true,
        ),
        (&format!("sslrootcert={cert}&"), true),
    ] {
        db.address = at(settings);
        let mut store = db.open();
        assert_eq!(encrypted(&db, &name), tls, "{settings}");
        assert_eq!(
            store.schema_version().unwrap(),
            hearth_store::LATEST_VERSION
        );
    }

    let refused = |settings: &str| {
        hearth_store::Store::open_with(&at(settings), &db.options)
            .err()
            .unwrap_or_else(|| panic!("{settings} connected"))
            .to_string()
    };
    if url.contains("@127.0.0.1") {
        let e = refused(&format!("sslmode=verify-full&sslrootcert={cert}&"));
        assert!(e.contains("not valid for name"), "{e}");
    }
    // By the name its certificate carries (Debian's snakeoil: the machine's host name when
    // it was made, often "localhost"), verify-full passes; by another name, only that fails.
    if url.contains("@127.0.0.1") {
        let by_name = format!(
            "{}{sep}sslmode=verify-full&sslrootcert={cert}&application_name={name}",
            url.replace("@127.0.0.1", "@localhost")
        );
        match hearth_store::Store::open_with(&by_name, &db.options) {
            Ok(_store) => assert!(encrypted(&db, &name)),
            Err(e) => assert!(e.to_string().contains("not valid for name"), "{e}"),
        }
    }
    let e = refused("sslmode=verify-full&");
    assert!(e.contains("invalid peer certificate"), "{e}");
    let e = refused("sslmode=verify-ca&sslrootcert=/nonexistent/ca.pem&");
    assert!(e.contains("/nonexistent/ca.pem"), "{e}");
}
