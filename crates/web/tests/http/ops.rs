//! `/healthz`, `/readyz` and `/metrics`: unauthenticated health and readiness with the
//! security headers; metrics only for a configured token or address, by route template,
//! with no personal data.

use crate::helpers::*;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};
use tower::ServiceExt;

/// A GET from `peer` with `headers` (the in-process requests of `TestApp` have no peer).
async fn get_from(
    t: &TestApp,
    path: &str,
    peer: Option<&str>,
    headers: &[(&str, &str)],
) -> (StatusCode, String) {
    let mut req = Request::builder().method(Method::GET).uri(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut req = req.body(Body::empty()).unwrap();
    if let Some(p) = peer {
        let addr: std::net::SocketAddr = format!("{p}:40000").parse().unwrap();
        req.extensions_mut().insert(ConnectInfo(addr));
    }
    let res = t.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn assert_security_headers(r: &Resp) {
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert!(r.header("content-security-policy").is_some());
    assert_eq!(r.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn health_and_readiness_answer_anyone_with_the_security_headers() {
    let t = TestApp::new().await;
    let h = t.get("/healthz", None).await;
    assert_eq!(h.status, StatusCode::OK);
    assert_eq!(h.body, "ok\n");
    assert_security_headers(&h);
    let r = t.get("/readyz", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body, "ready\n");
    assert_security_headers(&r);
    t.finish().await;
}

/// A store whose schema is not this build's (another Hearth migrated it) is not ready;
/// health does not ask the store and stays up.
#[tokio::test]
async fn readiness_fails_when_the_store_is_not_at_this_builds_schema() {
    let t = TestApp::new().await;
    let path = t.db_path.clone();
    tokio::task::spawn_blocking(move || {
        rusqlite::Connection::open(path)
            .unwrap()
            .execute(
                "INSERT INTO schema_migrations (version, name, applied_at) \
                 VALUES (999, 'future', '2030-01-01')",
                [],
            )
            .unwrap();
    })
    .await
    .unwrap();
    let r = t.get("/readyz", None).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert!(r.body.contains("schema"), "{}", r.body);
    assert_security_headers(&r);
    assert_eq!(t.get("/healthz", None).await.status, StatusCode::OK);
    t.finish().await;
}

#[tokio::test]
async fn metrics_answer_only_the_configured_token_or_address() {
    // Not configured: nobody, not even loopback.
    let t = TestApp::new().await;
    let (s, _) = get_from(&t, "/metrics", Some("127.0.0.1"), &[]).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    t.finish().await;

    let scraper: std::net::IpAddr = "10.0.0.9".parse().unwrap();
    let proxy: std::net::IpAddr = "10.0.0.1".parse().unwrap();
    let t = TestApp::with(|c| {
        c.metrics_token = Some("s3cret-scrape-token".into());
        c.metrics_from = vec![scraper.into(), "192.168.5.0/24".parse().unwrap()];
        c.trusted_proxies = vec![proxy.into()];
    })
    .await;
    let bearer = |t: &'static str| [("authorization", t)];
    for (peer, headers, allowed) in [
        (None, &bearer("Bearer s3cret-scrape-token")[..], true),
        (None, &bearer("Bearer wrong-token-000000")[..], false),
        (None, &bearer("s3cret-scrape-token")[..], false),
        (Some("10.0.0.9"), &[][..], true),
        (Some("10.0.0.8"), &[][..], false),
        // A scraper in a range that may read.
        (Some("192.168.5.77"), &[][..], true),
        (Some("192.168.6.1"), &[][..], false),
        // Through the trusted proxy, the forwarded client's address counts.
        (
            Some("10.0.0.1"),
            &[("x-forwarded-for", "10.0.0.9")][..],
            true,
        ),
        (
            Some("10.0.0.1"),
            &[("x-forwarded-for", "203.0.113.5")][..],
            false,
        ),
        // An untrusted peer cannot claim the scraper's address.
        (
            Some("10.0.0.8"),
            &[("x-forwarded-for", "10.0.0.9")][..],
            false,
        ),
    ] {
        let (s, body) = get_from(&t, "/metrics", peer, headers).await;
        let expected = if allowed {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(s, expected, "{peer:?} {headers:?}: {body}");
        if allowed {
            assert!(body.contains("# TYPE hearth_http_requests_total counter"));
        }
    }
    t.finish().await;
}

/// After requests carrying names (in the path, the query, the sign-in form), the metrics
/// hold route templates and counts only.
#[tokio::test]
async fn metrics_count_by_route_template_and_hold_no_personal_data() {
    let t = TestApp::with(|c| c.metrics_token = Some("tok".into())).await;
    let po = t.sign_in("po").await;
    t.get("/families/1", Some(&po)).await;
    t.get("/families/2?name=Alice+Example", Some(&po)).await;
    t.get("/api/families/1", Some(&po)).await;
    t.get("/families/Alice%20Example", Some(&po)).await;
    t.get("/no-such-page/Alice-Example-1985-03-02", Some(&po))
        .await;
    t.try_sign_in("alice.example", "Alice's wrong password")
        .await;
    t.try_sign_in("po", "Carol Sample 1990").await;
    let (s, m) = get_from(&t, "/metrics", None, &[("authorization", "Bearer tok")]).await;
    assert_eq!(s, StatusCode::OK);
    for line in [
        r#"hearth_http_requests_total{route="/families/{id}",method="GET",status="200"} 2"#,
        r#"hearth_http_requests_total{route="/api/families/{id}",method="GET",status="200"} 1"#,
        r#"hearth_http_requests_total{route="/sign-in",method="POST",status="303"} 1"#,
        r#"hearth_sign_in_failures_total{reason="wrong"} 2"#,
        "hearth_store_queue_depth 0",
    ] {
        assert!(m.lines().any(|l| l == line), "no {line:?} in\n{m}");
    }
    assert!(m.contains(r#"route="unmatched""#), "{m}");
    assert!(m.contains(r#"hearth_http_request_duration_seconds_count{route="/families/{id}"}"#));
    for secret in [
        "Alice",
        "alice",
        "Example",
        "1985",
        "Carol",
        "Sample",
        "/families/1",
        "/families/2",
        "name=",
        "Test Street",
        "TS1",
    ] {
        assert!(!m.contains(secret), "metrics hold {secret:?}:\n{m}");
    }
    t.finish().await;
}

/// Served for real (`hearth_web::serve`, the listener that closes idle connections), each
/// request still knows its client's address: `/metrics` answers the configured loopback
/// address, and nobody else.
#[tokio::test]
async fn served_for_real_a_request_knows_its_clients_address() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let t = TestApp::with(|c| c.metrics_from = vec!["127.0.0.1".parse().unwrap()]).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(hearth_web::serve(listener, t.router.clone()));
    let mut c = tokio::net::TcpStream::connect(addr).await.unwrap();
    c.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    c.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("hearth_"), "{answer}");
    server.abort();
}
