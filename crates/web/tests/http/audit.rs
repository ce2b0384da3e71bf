//! The audit log under attack: floods of anonymous failures, hostile searches; and the
//! headers every answer carries.

use crate::helpers::*;
use crate::session::sign_in_from;
#[allow(unused_imports)]
use axum::http::{Method, StatusCode};

/// Sign-in forms with a 60,000-character name are refused before anything is written, and
/// floods of failures from one address write a bounded number of small lines: at most ten
/// a minute, the rest counted into one line once the minute is over.
#[tokio::test]
async fn anonymous_sign_in_floods_write_bounded_small_audit_lines() {
    let t = TestApp::new().await;
    let before = t.audit().await.len();
    let huge = "n".repeat(60_000);
    for _ in 0..50 {
        let r = sign_in_from(&t.router, &huge, "whatever", [192, 0, 2, 1]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("User name must be 64 characters or fewer"));
        assert!(!r.body.contains(&huge[..100]), "not shown back");
    }
    let huge_password = "p".repeat(2000);
    let r = sign_in_from(&t.router, "lw1", &huge_password, [192, 0, 2, 1]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Password must be 1024 characters or fewer"));
    assert_eq!(
        t.audit().await.len(),
        before,
        "nothing written for refused forms"
    );

    // 100 failures (wrong, then throttled) from one address, names of the longest kind.
    for i in 0..100 {
        let name = format!("{i:03}{}", "x".repeat(61));
        let r = sign_in_from(&t.router, &name, "guess", [192, 0, 2, 2]).await;
        assert!(
            [StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS].contains(&r.status),
            "{}",
            r.status
        );
    }
    let lines = t.audit().await;
    assert_eq!(lines.len() - before, 10, "ten lines in the minute");
    assert!(lines
        .iter()
        .all(|l| l.user_name.chars().count() <= 65 && l.detail.len() < 200));
    // The next minute, the rest are counted in one line.
    t.advance(chrono::Duration::minutes(2));
    sign_in_from(&t.router, "someone", "guess", [192, 0, 2, 3]).await;
    let lines = t.audit().await;
    let counted: Vec<_> = lines
        .iter()
        .filter(|l| l.action == "sign in failures counted")
        .collect();
    assert_eq!(counted.len(), 1);
    assert_eq!(counted[0].client_ip, "192.0.2.2");
    assert!(
        counted[0].detail.starts_with("90 more failed sign-ins"),
        "{}",
        counted[0].detail
    );
    assert_eq!(lines.len() - before, 12);
}

/// Control and text-direction characters typed at sign-in are not written as they are.
#[tokio::test]
async fn sign_in_names_are_audited_without_control_characters() {
    let t = TestApp::new().await;
    sign_in_from(&t.router, "\u{202E}live", "guess", [192, 0, 2, 4]).await;
    let failed = t
        .audit()
        .await
        .into_iter()
        .find(|l| l.action == "sign in failed")
        .unwrap();
    assert_eq!(failed.user_name, "?live");
}

/// A search with a date outside the calendar's usual range is a mistake in the form (not a
/// dropped connection), and dates compare as dates.
#[tokio::test]
async fn audit_searches_with_extreme_dates_are_refused() {
    let t = TestApp::new().await;
    let igo = t.sign_in("igo").await;
    for q in [
        "to=%2B262142-12-31",
        "from=%2B262142-12-31",
        "to=262142-12-31",
        "from=-0001-01-01",
        "to=0999-12-31",
        "to=31/02/2025",
        "to=1+Smarch+2025",
    ] {
        let r = t.get(&format!("/audit?{q}"), Some(&igo)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
        assert!(r.body.contains("Enter a real date"), "{q}");
    }
    // The sign-in happened on the test clock's day, 2025-09-02.
    let on = t
        .get(
            "/audit?user_name=igo&from=2025-09-02&to=2025-09-02",
            Some(&igo),
        )
        .await;
    assert_eq!(on.status, StatusCode::OK);
    assert!(on.body.contains("sign in"));
    let before = t
        .get(
            "/audit?user_name=igo&from=2025-01-01&to=2025-09-01",
            Some(&igo),
        )
        .await;
    assert!(!before.body.contains("2025-09-02 10:00"));
}

/// API answers carry personal data: none may be cached, errors included.
#[tokio::test]
async fn api_answers_are_never_cached() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    for path in [
        "/api/families",
        "/api/families/1",
        "/api/session",
        "/api/nothing",
    ] {
        let r = t.get(path, Some(&po)).await;
        assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
    }
    assert_eq!(
        t.get("/api/families", None).await.header("cache-control"),
        Some("no-store")
    );
}

fn has_security_headers(r: &Resp) -> bool {
    r.header("x-content-type-options") == Some("nosniff")
        && r.header("x-frame-options") == Some("DENY")
        && r.header("referrer-policy").is_some()
        && r.header("content-security-policy")
            .is_some_and(|c| c.contains("frame-ancestors 'none'"))
}

/// Over-long web addresses get a 414 GOV.UK error page, and every error carries the same
/// security headers as pages.
#[tokio::test]
async fn error_responses_carry_the_security_headers() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let long = format!("/families?area={}", "a".repeat(3000));
    let r = t.get(&long, Some(&po)).await;
    assert_eq!(r.status, StatusCode::URI_TOO_LONG);
    assert!(r.body.contains("The web address is too long") && r.body.contains("govuk-template"));
    assert!(has_security_headers(&r));
    let api = t
        .get(
            &format!("/api/families?area={}", "a".repeat(3000)),
            Some(&po),
        )
        .await;
    assert_eq!(api.status, StatusCode::URI_TOO_LONG);
    assert_eq!(api.header("content-type"), Some("application/problem+json"));
    assert!(has_security_headers(&api));
    let r = t.get("/no/such/page", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(has_security_headers(&r));
    let r = t
        .request(Method::DELETE, "/families", Some(&po), None, &[])
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(has_security_headers(&r));
    let huge = "a".repeat(200 * 1024);
    let r = t.submit("/families/1/notes", &po, &[("note", &huge)]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(has_security_headers(&r));
}

/// The information governance officer pages through every line, searches by part of a
/// name, by action, by person or family, with dates typed as people type them, and
/// downloads every line found as CSV.
#[tokio::test]
async fn the_audit_log_pages_searches_and_exports_everything() {
    let t = TestApp::new().await;
    let igo = t.sign_in("igo").await;
    let (address, options) = t.store_address();
    tokio::task::spawn_blocking(move || {
        let mut s = hearth_store::Store::open_with(&address, &options).unwrap();
        let at = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2025, 9, 1, 9, 0, 0).unwrap();
        let lines: Vec<hearth_store::AuditEntry> = (0..1100)
            .map(|i| hearth_store::AuditEntry {
                id: 0,
                at: at + chrono::Duration::seconds(i),
                user_id: None,
                user_name: if i % 2 == 0 { "Jane.Smith" } else { "bob" }.into(),
                action: if i % 10 == 0 {
                    "=cmd export"
                } else {
                    "view family"
                }
                .into(),
                target_kind: if i == 7 { "person" } else { "family" }.into(),
                target_id: (i % 50).to_string(),
                client_ip: "10.0.0.1".into(),
                detail: String::new(),
            })
            .collect();
        s.append_audits(&lines).unwrap();
    })
    .await
    .unwrap();
    // Page one: 500 lines and a link to older ones; following the links reaches them all.
    let mut path = "/audit".to_string();
    let mut seen = 0;
    for _ in 0..5 {
        let page = t.get(&path, Some(&igo)).await;
        assert_eq!(page.status, StatusCode::OK);
        seen += page
            .body
            .matches("<tr class=\"govuk-table__row\"><td")
            .count();
        let Some(i) = page.body.find("rel=\"next\"") else {
            break;
        };
        let href_start = page.body[..i].rfind("href=\"").unwrap() + 6;
        let href_end = href_start + page.body[href_start..].find('"').unwrap();
        path = page.body[href_start..href_end].replace("&amp;", "&");
    }
    assert!(seen >= 1100, "{seen} lines reached");
    // Part of a user name, in any case; an action; dates as typed.
    for from in [
        "01/09/2025",
        "1/9/2025",
        "1 September 2025",
        "2025-09-01",
        "1 Sep 2025",
    ] {
        let q = format!(
            "/audit?user_name=SMITH&action=view&from={}&to={}",
            from.replace(' ', "+").replace('/', "%2F"),
            from.replace(' ', "+").replace('/', "%2F")
        );
        let r = t.get(&q, Some(&igo)).await;
        assert_eq!(r.status, StatusCode::OK, "{from}");
        assert!(
            r.body.contains("Jane.Smith") && !r.body.contains(">bob<"),
            "{from}"
        );
        assert!(!r.body.contains("=cmd export"), "{from}");
    }
    let none = t
        .get(
            "/audit?from=2%2F9%2F2025&to=2%2F9%2F2025&user_name=jane",
            Some(&igo),
        )
        .await;
    assert!(!none.body.contains("Jane.Smith"));
    // By person.
    let person = t.get("/audit?person=7", Some(&igo)).await;
    assert!(person.body.contains("person 7") && !person.body.contains("family 7<"));
    let both = t.get("/audit?person=7&family=7", Some(&igo)).await;
    assert_eq!(both.status, StatusCode::BAD_REQUEST);
    // The export: every line found, spreadsheet formulas defused, and audited.
    let csv = t.get("/audit/export.csv?user_name=smith", Some(&igo)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(csv.body.lines().count(), 1 + 550);
    assert!(csv.body.contains(",'=cmd export,") && !csv.body.contains(",=cmd"));
    let bad = t.get("/audit/export.csv?from=someday", Some(&igo)).await;
    assert_eq!(bad.status, StatusCode::SEE_OTHER);
    assert!(t
        .audit()
        .await
        .iter()
        .any(|e| e.action == "export audit log" && e.detail == "550 lines"));
    // Only the information governance officer.
    let po = t.sign_in("po").await;
    assert_eq!(
        t.get("/audit/export.csv", Some(&po)).await.status,
        StatusCode::FORBIDDEN
    );
}
