//! Changing one's own password.

use crate::helpers::*;
#[allow(unused_imports)]
use axum::http::{Method, StatusCode};

pub(crate) const NEW_PASSWORD: &str = "a brand new passphrase";

pub(crate) fn password_fields<'a>(
    csrf: &'a str,
    current: &'a str,
    new: &'a str,
    confirm: &'a str,
) -> [(&'static str, &'a str); 4] {
    [
        ("csrf_token", csrf),
        ("current_password", current),
        ("new_password", new),
        ("confirm_password", confirm),
    ]
}

/// Every role has the page, linked from the header of every signed-in page; signed out, it
/// sends you to sign in.
#[tokio::test]
async fn every_role_can_open_change_your_password() {
    let t = TestApp::new().await;
    for (who, _, _) in ACCOUNTS {
        let s = t.sign_in(who).await;
        let r = t.get("/account/password", Some(&s)).await;
        assert_eq!(r.status, StatusCode::OK, "{who}");
        assert!(r
            .body
            .contains("<h1 class=\"govuk-heading-l\">Change your password</h1>"));
        for field in ["current_password", "new_password", "confirm_password"] {
            assert!(
                r.body.contains(&format!(
                    "id=\"{field}\" name=\"{field}\" type=\"password\""
                )),
                "{who} {field}"
            );
        }
        assert!(r.body.contains("autocomplete=\"current-password\""));
        assert_eq!(r.body.matches("autocomplete=\"new-password\"").count(), 2);
        assert!(r.body.contains(&format!("value=\"{}\"", s.csrf)));
        assert!(r.body.contains("aria-current=\"page\""), "{who}");
        // The header links to it from the role's start page.
        let home = t.get("/", Some(&s)).await.location().unwrap().to_string();
        let start = t.get(&home, Some(&s)).await;
        assert!(
            start
                .body
                .contains("href=\"/account/password\">Change your password</a>"),
            "{who} {home}"
        );
    }
    let r = t.get("/account/password", None).await;
    assert_eq!(r.sign_in_location().as_deref(), Some("/sign-in"));
    let r = t
        .post_form(
            "/account/password",
            None,
            &password_fields("x", PASSWORD, NEW_PASSWORD, NEW_PASSWORD),
        )
        .await;
    assert_eq!(r.sign_in_location().as_deref(), Some("/sign-in"));
    assert_eq!(
        t.get("/sign-in", None)
            .await
            .body
            .matches("/account/password")
            .count(),
        0,
        "not linked when signed out"
    );
}

#[tokio::test]
async fn changing_a_password_needs_the_session_csrf_token() {
    let t = TestApp::new().await;
    let s = t.sign_in("lw1").await;
    let other = t.sign_in("lw2").await;
    for token in ["", "0000", other.csrf.as_str()] {
        let r = t
            .post_form(
                "/account/password",
                Some(&s),
                &password_fields(token, PASSWORD, NEW_PASSWORD, NEW_PASSWORD),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{token:?}");
        assert!(r.body.contains("The form could not be sent"));
    }
    let r = t
        .post_form(
            "/account/password",
            Some(&s),
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("confirm_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "no token at all");
    assert!(!t
        .audit()
        .await
        .iter()
        .any(|e| e.action.starts_with("change password")));
    // Nothing changed: the old password still works, the new one does not.
    t.sign_in("lw1").await;
    assert_eq!(
        t.try_sign_in("lw1", NEW_PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_password_change_with_mistakes_is_shown_again_with_its_errors() {
    let t = TestApp::new().await;
    let s = t.sign_in("igo").await;
    let post = |fields: [(&'static str, &'static str); 3]| {
        let csrf = s.csrf.clone();
        let t = &t;
        let s = &s;
        async move {
            let mut all = vec![("csrf_token", csrf.as_str())];
            all.extend(fields);
            t.post_form("/account/password", Some(s), &all).await
        }
    };
    let wrong = "not my password at all";
    let r = post([
        ("current_password", wrong),
        ("new_password", NEW_PASSWORD),
        ("confirm_password", NEW_PASSWORD),
    ])
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("<title>Error: Change your password"));
    assert!(r.body.contains("govuk-error-summary"));
    assert!(r
        .body
        .contains("<a href=\"#current_password\">Your current password is not correct</a>"));
    assert!(r.body.contains(
        "<p id=\"current_password-error\" class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:</span> Your current password is not correct</p>"
    ));
    assert!(r
        .body
        .contains("aria-describedby=\"current_password-error\""));
    for secret in [wrong, NEW_PASSWORD, PASSWORD] {
        assert!(!r.body.contains(secret), "{secret} echoed");
    }
    let r = post([
        ("current_password", PASSWORD),
        ("new_password", NEW_PASSWORD),
        ("confirm_password", "a different passphrase"),
    ])
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("confirm_password-error"));
    assert!(r.body.contains("Enter the same new password in both boxes"));
    assert!(!r.body.contains("current_password-error"));
    for secret in ["a different passphrase", NEW_PASSWORD, PASSWORD] {
        assert!(!r.body.contains(secret), "{secret} echoed");
    }
    let r = post([
        ("current_password", PASSWORD),
        ("new_password", "too short"),
        ("confirm_password", "too short"),
    ])
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("new_password-error"));
    assert!(r
        .body
        .contains("Enter a new password of at least 12 characters"));
    assert!(!r.body.contains("too short\""));
    let r = post([
        ("current_password", PASSWORD),
        ("new_password", PASSWORD),
        ("confirm_password", PASSWORD),
    ])
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("different from your current password"));
    let r = post([
        ("current_password", ""),
        ("new_password", ""),
        ("confirm_password", ""),
    ])
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("Enter your current password") && r.body.contains("Enter a new password")
    );
    // Nothing changed; the wrong current password was audited (without any password).
    t.sign_in("igo").await;
    let entries = t.audit().await;
    let failed: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "change password failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].user_name, "igo");
    assert!(!entries.iter().any(|e| e.action == "change password"));
    for e in &entries {
        for secret in [wrong, NEW_PASSWORD, PASSWORD] {
            assert!(!e.detail.contains(secret));
        }
    }
}

/// Wrong current passwords count towards the sign-in throttle.
#[tokio::test]
async fn wrong_current_passwords_are_throttled_like_sign_ins() {
    let t = TestApp::new().await;
    let s = t.sign_in("po").await;
    for _ in 0..5 {
        let r = t
            .post_form(
                "/account/password",
                Some(&s),
                &password_fields(&s.csrf, "wrong guess", NEW_PASSWORD, NEW_PASSWORD),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
    }
    let r = t
        .post_form(
            "/account/password",
            Some(&s),
            &password_fields(&s.csrf, PASSWORD, NEW_PASSWORD, NEW_PASSWORD),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("paused for 15 minutes"));
    assert_eq!(
        t.try_sign_in("po", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    t.advance(chrono::Duration::minutes(16));
    // The session was idle for 16 minutes, within the timeout.
    let r = t
        .post_form(
            "/account/password",
            Some(&s),
            &password_fields(&s.csrf, PASSWORD, NEW_PASSWORD, NEW_PASSWORD),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// A change stores the new password, ends the account's other sessions at once (cached or
/// not), keeps this one and other accounts' sessions, and is audited.
#[tokio::test]
async fn changing_your_password_ends_your_other_sessions() {
    let t = TestApp::new().await;
    let here = t.sign_in("lw1").await;
    let elsewhere = t.sign_in("lw1").await;
    let someone_else = t.sign_in("lw2").await;
    // Both sessions have just been looked up (and so are cached).
    assert_eq!(t.get("/caseload", Some(&here)).await.status, StatusCode::OK);
    assert_eq!(
        t.get("/caseload", Some(&elsewhere)).await.status,
        StatusCode::OK
    );
    let r = t
        .post_form(
            "/account/password",
            Some(&here),
            &password_fields(&here.csrf, PASSWORD, NEW_PASSWORD, NEW_PASSWORD),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.location().unwrap().to_string();
    assert_eq!(to, "/account/password?changed=1");
    let done = t.get(&to, Some(&here)).await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(
        done.body.contains("govuk-panel--confirmation") && done.body.contains("Password changed")
    );
    assert!(!done.body.contains("name=\"current_password\""));
    // This session continues; the other one has ended; other accounts are untouched.
    assert_eq!(t.get("/caseload", Some(&here)).await.status, StatusCode::OK);
    let api: serde_json::Value =
        serde_json::from_str(&t.get("/api/session", Some(&here)).await.body).unwrap();
    assert_eq!(api["csrf_token"], here.csrf.as_str());
    assert_eq!(
        t.get("/caseload", Some(&elsewhere))
            .await
            .sign_in_location()
            .as_deref(),
        Some("/sign-in")
    );
    assert_eq!(
        t.get("/api/session", Some(&elsewhere)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        t.get("/caseload", Some(&someone_else)).await.status,
        StatusCode::OK
    );
    // The new password signs in; the old one does not.
    assert_eq!(
        t.try_sign_in("lw1", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    let again = t.sign_in_with("lw1", NEW_PASSWORD).await;
    assert_eq!(
        t.get("/caseload", Some(&again)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        t.get("/caseload", Some(&someone_else)).await.status,
        StatusCode::OK
    );
    // Audited, without the password.
    let id = t.user_id("lw1").await.to_string();
    let entries = t.audit().await;
    let changed: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "change password")
        .collect();
    assert_eq!(changed.len(), 1);
    assert_eq!(
        (
            changed[0].user_name.as_str(),
            changed[0].target_kind.as_str()
        ),
        ("lw1", "user")
    );
    assert_eq!(changed[0].target_id, id);
    assert_eq!(changed[0].detail, "other sessions ended: 1");
    for e in &entries {
        assert!(!e.detail.contains(NEW_PASSWORD) && !e.detail.contains(PASSWORD));
    }
}
