//! The server after its PostgreSQL connections drop (a database restart, a failover, an
//! idle-session timeout): the next requests succeed on new connections; while the database
//! cannot be reached, requests fail cleanly and `/readyz` says not ready, and both recover
//! when it comes back. PostgreSQL only, in a database of its own (so that its connections,
//! and only they, can be closed and refused).

use crate::helpers::*;
use axum::http::StatusCode;
use std::time::{Duration, Instant};

/// `url` with its database replaced by `db` (any `?…` settings kept).
fn in_database(url: &str, db: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, ""), |(b, q)| (b, q));
    let (scheme, rest) = base.split_once("://").unwrap();
    let server = rest.split_once('/').map_or(rest, |(s, _)| s);
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    format!("{scheme}://{server}/{db}{query}")
}

/// Runs `sql` as the test URL's user, from a connection of its own (off the runtime).
async fn admin(url: &str, sql: String) {
    let url = url.to_string();
    tokio::task::spawn_blocking(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.batch_execute(&sql).unwrap();
    })
    .await
    .unwrap();
}

/// Closes every connection to `db` from the server side, as a restart or an idle-session
/// timeout does, and waits until their backends have gone.
async fn terminate_connections(url: &str, db: &str) {
    let (url, db) = (url.to_string(), db.to_string());
    tokio::task::spawn_blocking(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        let ended = c
            .query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = $1 AND pid <> pg_backend_pid()",
                &[&db],
            )
            .unwrap();
        assert!(!ended.is_empty(), "the server had no connection to close");
        let started = Instant::now();
        loop {
            let left: i64 = c
                .query_one(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = $1",
                    &[&db],
                )
                .unwrap()
                .get(0);
            if left == 0 {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "backends linger"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
async fn after_the_database_closes_its_connections_the_next_requests_succeed() {
    let url = std::env::var("HEARTH_TEST_POSTGRES_URL")
        .expect("HEARTH_TEST_POSTGRES_URL was set when this test was built but is not now");
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let db = format!("hearth_reconnect_{}_{nanos}", std::process::id());
    admin(&url, format!("CREATE DATABASE \"{db}\"")).await;
    let t = TestApp::postgres(&in_database(&url, &db)).await;
    let po = t.sign_in("po").await;
    assert_eq!(t.get("/families", Some(&po)).await.status, StatusCode::OK);

    // Every connection closed by the server while idle (a connection unused for half a second
    // is checked before its next request): the very next requests are answered.
    terminate_connections(&url, &db).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    for _ in 0..6 {
        let r = t.get("/families", Some(&po)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    assert_eq!(t.get("/readyz", None).await.status, StatusCode::OK);

    // The database refuses connections (down, failing over): requests fail cleanly and the
    // server is not ready, while health (the process answers) stays up.
    admin(
        &url,
        format!("ALTER DATABASE \"{db}\" ALLOW_CONNECTIONS false"),
    )
    .await;
    terminate_connections(&url, &db).await;
    let r = t.get("/readyz", None).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert!(r.body.starts_with("not ready"), "{}", r.body);
    let r = t.get("/families", Some(&po)).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", r.body);
    assert_eq!(t.get("/healthz", None).await.status, StatusCode::OK);

    // Back: ready again, and pages (and the session) work, with nothing restarted.
    admin(
        &url,
        format!("ALTER DATABASE \"{db}\" ALLOW_CONNECTIONS true"),
    )
    .await;
    // As above: a connection closed within half a second of its last use is found closed by
    // the request that tries it (that request fails); past half a second, before it.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let r = t.get("/readyz", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for _ in 0..6 {
        let r = t.get("/families", Some(&po)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }

    t.finish().await;
    admin(&url, format!("DROP DATABASE \"{db}\" WITH (FORCE)")).await;
}
