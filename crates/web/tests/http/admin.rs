//! Accounts for administrators, error pages for hostile requests, and the assets.

use crate::helpers::*;
#[allow(unused_imports)]
use axum::http::{Method, StatusCode};

#[tokio::test]
async fn hostile_requests_get_proper_error_pages() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let huge = "a".repeat(200 * 1024);
    let r = t.submit("/families/1/notes", &po, &[("note", &huge)]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.body.contains("What you sent is too large") && r.body.contains("govuk-template"));
    let r = t
        .request(
            Method::POST,
            "/families/1/notes",
            Some(&po),
            Some(("application/json", "{\"note\":\"x\"}".into())),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(r.body.contains("format this page does not take"));
    let r = t.get("/no/such/page", Some(&po)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Page not found") && r.body.contains("govuk-footer"));
    let r = t.get("/families/not-a-number", Some(&po)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = t.get("/families/999999", Some(&po)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = t.get("/api/nothing", Some(&po)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    let r = t
        .request(Method::DELETE, "/families", Some(&po), None, &[])
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.body.contains("govuk-template"));
    // A form's address opened again (the browser shows it after a form with a mistake was
    // redisplayed there) goes back to the form's page; the API still says 405.
    for (form, page) in [
        ("/families/1/status", "/families/1"),
        ("/claims/4/withdraw", "/claims/4"),
    ] {
        let r = t.get(form, Some(&po)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{form}");
        assert_eq!(r.header("location"), Some(page), "{form}");
    }
    let r = t.get("/api/families/1/status", Some(&po)).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    let r = t.get("/families?page=abc", Some(&po)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("There is a problem"));
    // Security headers on every response.
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert!(r
        .header("content-security-policy")
        .unwrap()
        .contains("default-src 'self'"));
}

#[tokio::test]
async fn administrators_manage_accounts() {
    let t = TestApp::new().await;
    let admin = t.sign_in("admin").await;
    let page = t.get("/admin/users", Some(&admin)).await;
    assert!(page.body.contains("lw1") && page.body.contains("Add an account"));
    let r = t
        .submit(
            "/admin/users",
            &admin,
            &[
                ("user_name", "Bad Name"),
                ("display_name", "Dee <i>Worker</i>"),
                ("role", ""),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("value=\"Bad Name\"")
            && r.body.contains("Dee &lt;i&gt;Worker&lt;&#x2f;i&gt;")
    );
    assert!(r.body.contains("Select a role") && r.body.contains("at least 12 characters"));
    assert!(
        !r.body.contains("value=\"short\""),
        "passwords are never echoed"
    );
    let r = t
        .submit(
            "/admin/users",
            &admin,
            &[
                ("user_name", "lw3"),
                ("display_name", "Dee Worker"),
                ("role", "lead_worker"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let s = t.sign_in_with("lw3", "a long enough password").await;
    assert_eq!(t.get("/caseload", Some(&s)).await.status, StatusCode::OK);
    let dup = t
        .submit(
            "/admin/users",
            &admin,
            &[
                ("user_name", "lw3"),
                ("display_name", "D"),
                ("role", "lead_worker"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert!(dup.body.contains("already exists"));
    // Deactivating ends the account's sessions; changing the role changes access.
    let r = t
        .change_account(&admin, "lw3", &[("role", "data_analyst")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        t.get("/caseload", Some(&s))
            .await
            .sign_in_location()
            .as_deref(),
        Some("/sign-in")
    );
    assert_eq!(
        t.try_sign_in("lw3", "a long enough password").await.status,
        StatusCode::UNAUTHORIZED
    );
    let me = t.user_id("admin").await;
    let r = t
        .submit(
            &format!("/admin/users/{me}"),
            &admin,
            &[("role", "lead_worker"), ("active", "yes")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("You cannot change your own account"));
}

#[tokio::test]
async fn assets_are_served_with_their_content_types() {
    let t = TestApp::new().await;
    for (path, ty) in [
        ("/assets/govuk-frontend.min.css", "text/css; charset=utf-8"),
        (
            "/assets/govuk-frontend.min.js",
            "text/javascript; charset=utf-8",
        ),
        ("/assets/fonts/bold-b542beb274-v2.woff2", "font/woff2"),
        ("/assets/images/favicon.svg", "image/svg+xml"),
        ("/assets/hearth-init.mjs", "text/javascript; charset=utf-8"),
    ] {
        let r = t.get(path, None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(r.header("content-type"), Some(ty), "{path}");
    }
    assert_eq!(
        t.get("/assets/../Cargo.toml", None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.get("/assets/nope.css", None).await.status,
        StatusCode::NOT_FOUND
    );
}

/// A display name with a right-to-left override ("evil" shown as "live") or another
/// control character is refused, not stored.
#[tokio::test]
async fn display_names_with_control_or_direction_characters_are_refused() {
    let t = TestApp::new().await;
    let admin = t.sign_in("admin").await;
    for (i, bad) in ["\u{202E}live", "Dee\u{2067}Worker", "Dee\u{7}"]
        .iter()
        .enumerate()
    {
        let name = format!("spoof{i}");
        let r = t
            .submit(
                "/admin/users",
                &admin,
                &[
                    ("user_name", name.as_str()),
                    ("display_name", bad),
                    ("role", "lead_worker"),
                    ("password", "a long enough password"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad:?}");
        assert!(r
            .body
            .contains("must not contain control or text-direction characters"));
        let n = name.clone();
        let (a, o) = t.store_address();
        let stored = tokio::task::spawn_blocking(move || {
            hearth_store::Store::open_with(&a, &o)
                .unwrap()
                .user_by_name(&n)
                .unwrap()
        })
        .await
        .unwrap();
        assert!(stored.is_none());
    }
}

/// An administrator can set another user's password (ending that user's sessions) and clear
/// an account's failed sign-ins, both audited; not their own password.
#[tokio::test]
async fn administrators_reset_passwords_and_clear_throttled_accounts() {
    let t = TestApp::new().await;
    let admin = t.sign_in("admin").await;
    let lw1 = t.sign_in("lw1").await;
    let id = t.user_id("lw1").await;
    let short = t
        .submit(
            &format!("/admin/users/{id}/password"),
            &admin,
            &[("password", "short")],
        )
        .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    assert!(short.body.contains("at least 12 characters"));
    let r = t
        .submit(
            &format!("/admin/users/{id}/password"),
            &admin,
            &[("password", "a brand new password")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        t.get("/caseload", Some(&lw1))
            .await
            .sign_in_location()
            .as_deref(),
        Some("/sign-in"),
        "the user's sessions ended"
    );
    t.sign_in_with("lw1", "a brand new password").await;
    // A throttled account is cleared.
    for _ in 0..5 {
        t.try_sign_in("lw2", "wrong").await;
    }
    assert_eq!(
        t.try_sign_in("lw2", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    let lw2 = t.user_id("lw2").await;
    let r = t
        .submit(&format!("/admin/users/{lw2}/unlock"), &admin, &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    t.sign_in("lw2").await;
    let actions: Vec<String> = t
        .audit()
        .await
        .into_iter()
        .filter(|l| l.user_name == "admin")
        .map(|l| l.action)
        .collect();
    assert!(actions.contains(&"reset password".to_string()));
    assert!(actions.contains(&"clear failed sign-ins".to_string()));
    // Not their own password (that is the change-your-password page's, with the current one).
    let me = t.user_id("admin").await;
    let own = t
        .submit(
            &format!("/admin/users/{me}/password"),
            &admin,
            &[("password", "a brand new password")],
        )
        .await;
    assert_eq!(own.status, StatusCode::BAD_REQUEST);
    assert!(own.body.contains("Change your own password"));
}
