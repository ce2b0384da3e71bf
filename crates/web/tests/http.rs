//! HTTP-level tests: the router driven in-process (`oneshot`) over a fresh SQLite store with a
//! tiny synthetic borough, plus one test over a real loopback socket.

mod helpers;

use axum::http::{Method, StatusCode};
use helpers::*;

#[tokio::test]
async fn sign_in_sets_a_safe_cookie_and_sign_out_ends_the_session() {
    let t = TestApp::new().await;
    let page = t.get("/sign-in", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .body
        .contains("<h1 class=\"govuk-heading-l\">Sign in</h1>"));
    let s = t.sign_in("po").await;
    assert!(s.set_cookie.contains("HttpOnly") && s.set_cookie.contains("SameSite=Lax"));
    assert!(!s.set_cookie.contains("Secure"));
    // Home redirects to the role's start page.
    let home = t.get("/", Some(&s)).await;
    assert_eq!(home.location(), Some("/families"));
    let out = t.submit("/sign-out", &s, &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    let after = t.get("/families", Some(&s)).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert_eq!(after.location(), Some("/sign-in"));
    assert_eq!(t.get("/", None).await.location(), Some("/sign-in"));
}

#[tokio::test]
async fn cookies_are_secure_when_configured() {
    let t = TestApp::with(|c| c.secure_cookies = true).await;
    let s = t.sign_in("po").await;
    assert!(s.set_cookie.contains("; Secure"), "{}", s.set_cookie);
}

#[tokio::test]
async fn the_session_token_is_stored_hashed() {
    let t = TestApp::new().await;
    let s = t.sign_in("po").await;
    let raw = std::fs::read(&t.db_path).unwrap();
    let wal = std::fs::read(t.db_path.with_extension("sqlite-wal")).unwrap_or_default();
    let token = s.token.as_bytes();
    assert!(!raw.windows(token.len()).any(|w| w == token));
    assert!(!wal.windows(token.len()).any(|w| w == token));
}

#[tokio::test]
async fn sign_in_without_its_csrf_cookie_is_refused() {
    let t = TestApp::new().await;
    let r = t
        .post_form_cookie(
            "/sign-in",
            None,
            &[
                ("csrf_token", "abc"),
                ("user_name", "po"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("The form could not be sent"));
}

#[tokio::test]
async fn a_wrong_password_keeps_the_user_name_and_escapes_it() {
    let t = TestApp::new().await;
    let r = t.try_sign_in("<script>alert(1)</script>", "nope").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("govuk-error-summary"));
    assert!(r.body.contains("Enter a correct user name and password"));
    assert!(r
        .body
        .contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
    assert!(!r.body.contains("<script>alert(1)"));
    let empty = t.try_sign_in("", "").await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(
        empty.body.contains("Enter your user name") && empty.body.contains("Enter your password")
    );
    assert!(empty.body.contains("<title>Error: Sign in"));
}

#[tokio::test]
async fn five_failures_lock_the_account_name_for_fifteen_minutes() {
    let t = TestApp::new().await;
    for _ in 0..5 {
        assert_eq!(
            t.try_sign_in("lw1", "wrong").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let locked = t.try_sign_in("lw1", PASSWORD).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.body.contains("Wait 15 minutes"));
    // Another account is not affected.
    assert_eq!(
        t.try_sign_in("lw2", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    t.advance(chrono::Duration::minutes(16));
    assert_eq!(
        t.try_sign_in("lw1", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn an_idle_session_expires() {
    let t = TestApp::new().await;
    let s = t.sign_in("po").await;
    t.advance(chrono::Duration::minutes(29));
    assert_eq!(t.get("/families", Some(&s)).await.status, StatusCode::OK);
    // Activity keeps it alive…
    t.advance(chrono::Duration::minutes(29));
    assert_eq!(t.get("/families", Some(&s)).await.status, StatusCode::OK);
    // …idleness ends it.
    t.advance(chrono::Duration::minutes(31));
    let r = t.get("/families", Some(&s)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/sign-in?expired=1"));
    let api = t.get("/api/families", Some(&s)).await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    let notice = t.get("/sign-in?expired=1", None).await;
    assert!(notice.body.contains("You were signed out"));
}

#[tokio::test]
async fn the_idle_timeout_is_configurable() {
    let t = TestApp::with(|c| c.idle_timeout = chrono::Duration::minutes(5)).await;
    let s = t.sign_in("po").await;
    t.advance(chrono::Duration::minutes(6));
    assert_eq!(
        t.get("/families", Some(&s)).await.location(),
        Some("/sign-in?expired=1")
    );
}

/// Each role gets exactly its access: family 1 is assigned to lw1, family 2 to nobody.
#[tokio::test]
async fn role_by_route_access_matrix() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    use StatusCode as S;
    const OK: S = S::OK;
    const NO: S = S::FORBIDDEN;
    let routes = [
        "/families",
        "/families/1",
        "/families/2",
        "/caseload",
        "/referrals",
        "/audit",
        "/admin/users",
        "/api/families",
        "/api/families/1",
        "/api/families/2",
        "/api/caseload",
        "/api/session",
        "/account/password",
    ];
    let matrix: [(&str, [S; 13]); 7] = [
        (
            "referrer",
            [NO, NO, NO, NO, OK, NO, NO, NO, NO, NO, NO, OK, OK],
        ),
        ("lw1", [NO, OK, NO, OK, NO, NO, NO, NO, OK, NO, OK, OK, OK]),
        ("lw2", [NO, NO, NO, OK, NO, NO, NO, NO, NO, NO, OK, OK, OK]),
        ("po", [OK, OK, OK, NO, NO, NO, NO, OK, OK, OK, NO, OK, OK]),
        (
            "analyst",
            [OK, OK, OK, NO, NO, NO, NO, OK, OK, OK, NO, OK, OK],
        ),
        ("igo", [NO, NO, NO, NO, NO, OK, NO, NO, NO, NO, NO, OK, OK]),
        (
            "admin",
            [NO, NO, NO, NO, NO, NO, OK, NO, NO, NO, NO, OK, OK],
        ),
    ];
    for (who, expected) in matrix {
        let s = t.sign_in(who).await;
        for (route, want) in routes.iter().zip(expected) {
            let r = t.get(route, Some(&s)).await;
            assert_eq!(r.status, want, "{who} {route}");
            if want == NO && !route.starts_with("/api") {
                assert!(
                    r.body.contains("You do not have permission"),
                    "{who} {route}"
                );
            }
        }
    }
    // Signed out: pages send you to sign in, the API says 401.
    for route in routes {
        let r = t.get(route, None).await;
        if route.starts_with("/api") {
            assert_eq!(r.status, S::UNAUTHORIZED, "{route}");
            assert_eq!(r.header("content-type"), Some("application/problem+json"));
        } else {
            assert_eq!(r.location(), Some("/sign-in"), "{route}");
        }
    }
    // Posts follow the same rules.
    for who in ["referrer", "lw1", "analyst", "igo", "admin"] {
        let s = t.sign_in(who).await;
        let lw2 = t.user_id("lw2").await.to_string();
        let r = t
            .submit("/families/2/lead-worker", &s, &[("lead_worker", &lw2)])
            .await;
        assert_eq!(r.status, S::FORBIDDEN, "{who} assigns");
    }
    for who in ["referrer", "lw2", "analyst", "igo", "admin"] {
        let s = t.sign_in(who).await;
        let r = t.submit("/families/1/notes", &s, &[("note", "x")]).await;
        assert_eq!(r.status, S::FORBIDDEN, "{who} writes a note");
        let r = t
            .submit("/families/1/status", &s, &[("status", "engaged")])
            .await;
        assert_eq!(r.status, S::FORBIDDEN, "{who} changes status");
    }
    for who in ["referrer", "lw1", "po", "analyst", "igo"] {
        let s = t.sign_in(who).await;
        let r = t
            .submit(
                "/admin/users",
                &s,
                &[
                    ("user_name", "newbie"),
                    ("display_name", "N"),
                    ("role", "administrator"),
                    ("password", "a long enough password"),
                ],
            )
            .await;
        assert_eq!(r.status, S::FORBIDDEN, "{who} adds an account");
    }
}

#[tokio::test]
async fn identifiers_only_for_roles_that_need_them() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    for who in ["po", "lw1"] {
        let s = t.sign_in(who).await;
        let page = t.get("/families/1", Some(&s)).await;
        assert!(page.body.contains("Alice Example"), "{who}");
        assert!(page.body.contains("2 March 1985"), "{who}");
        assert!(page.body.contains("1 Test Street"), "{who}");
    }
    let s = t.sign_in("analyst").await;
    let page = t.get("/families/1", Some(&s)).await;
    assert_eq!(page.status, StatusCode::OK);
    for secret in ["Alice", "Example", "1985", "Test Street", "TS1 1AA"] {
        assert!(!page.body.contains(secret), "analyst sees {secret}");
    }
    assert!(page.body.contains("Pseudonymised"));
    assert!(page.body.contains("police.csv row 2"), "record trail shown");
    let api = t.get("/api/families/1", Some(&s)).await;
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(json["identifiers_shown"], false);
    assert!(json["members"][0].get("name").is_none());
    assert!(json.get("notes").is_none());
    for secret in ["Alice", "1985", "Test Street"] {
        assert!(!api.body.contains(secret));
    }
    let po = t.sign_in("po").await;
    let json: serde_json::Value =
        serde_json::from_str(&t.get("/api/families/1", Some(&po)).await.body).unwrap();
    assert_eq!(json["members"][0]["name"], "Alice Example");
}

#[tokio::test]
async fn every_view_of_a_family_is_audited_and_searchable() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    t.get("/families/1", Some(&po)).await;
    t.get("/api/families/2", Some(&po)).await;
    let lw = t.sign_in("lw2").await;
    assert_eq!(
        t.get("/families/1", Some(&lw)).await.status,
        StatusCode::FORBIDDEN
    );
    let igo = t.sign_in("igo").await;
    let page = t.get("/audit?family=1", Some(&igo)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("view family"));
    assert!(page.body.contains("view family refused"));
    assert!(page.body.contains("identifiers shown"));
    assert!(!page.body.contains("family 2<"), "filtered to family 1");
    let by_user = t.get("/audit?user_name=lw2", Some(&igo)).await;
    assert!(by_user.body.contains("view family refused") && !by_user.body.contains(">po<"));
    let entries = t.audit().await;
    let view = entries
        .iter()
        .find(|e| e.action == "view family" && e.target_id == "2")
        .unwrap();
    assert_eq!(view.user_name, "po");
    assert_eq!(view.client_ip, "unknown", "no socket in oneshot tests");
    let bad = t.get("/audit?from=yesterday&family=abc", Some(&igo)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.body.contains("Enter a date in the format") && bad.body.contains("value=\"yesterday\"")
    );
    assert!(bad.body.contains("Enter a family ID as a number"));
}

#[tokio::test]
async fn forms_without_the_session_csrf_token_are_refused() {
    let t = TestApp::new().await;
    let s = t.sign_in("po").await;
    let lw1 = t.user_id("lw1").await.to_string();
    for token in ["", "0000", "wrong-token-of-some-length"] {
        let r = t
            .post_form(
                "/families/1/lead-worker",
                Some(&s),
                &[("csrf_token", token), ("lead_worker", &lw1)],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{token:?}");
        assert!(r.body.contains("The form could not be sent"));
    }
    let r = t.post_form("/sign-out", Some(&s), &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Another session's token does not work either.
    let other = t.sign_in("po").await;
    let r = t
        .post_form(
            "/families/1/lead-worker",
            Some(&s),
            &[("csrf_token", &other.csrf), ("lead_worker", &lw1)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(t.case(1).await, None);
}

#[tokio::test]
async fn assigning_a_lead_worker_puts_the_family_in_their_caseload_only() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let lw1 = t.user_id("lw1").await.to_string();
    let r = t
        .submit("/families/2/lead-worker", &po, &[("lead_worker", &lw1)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/families/2"));
    let page = t.get("/families/2", Some(&po)).await;
    assert!(page.body.contains("Lee Worker"));
    let filtered = t
        .get(&format!("/families?lead_worker={lw1}"), Some(&po))
        .await;
    assert!(filtered.body.contains("/families/2\"") && !filtered.body.contains("/families/1\""));
    let none = t.get("/families?lead_worker=none", Some(&po)).await;
    assert!(none.body.contains("/families/1\"") && !none.body.contains("/families/2\""));
    let lw = t.sign_in("lw1").await;
    let caseload = t.get("/caseload", Some(&lw)).await;
    assert!(caseload.body.contains("/families/2\""));
    assert_eq!(t.get("/families/2", Some(&lw)).await.status, StatusCode::OK);
    let other = t.sign_in("lw2").await;
    assert!(!t
        .get("/caseload", Some(&other))
        .await
        .body
        .contains("/families/2\""));
    assert_eq!(
        t.get("/families/2", Some(&other)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        t.get("/api/families/2", Some(&other)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn families_filter_by_problem_and_status() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let all = t.get("/families", Some(&po)).await;
    assert!(all.body.contains("/families/1\"") && all.body.contains("/families/2\""));
    assert!(!all.body.contains("/families/3\""), "not eligible");
    let crime = t.get("/families?problem=crime_asb", Some(&po)).await;
    assert!(crime.body.contains("/families/1\"") && !crime.body.contains("/families/2\""));
    let r = t
        .submit("/families/2/status", &po, &[("status", "engaged")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let engaged = t.get("/families?status=engaged", Some(&po)).await;
    assert!(engaged.body.contains("/families/2\"") && !engaged.body.contains("/families/1\""));
    // The status's tag colour is the same on the list and on the family's page.
    assert!(engaged.body.contains("govuk-tag govuk-tag--turquoise"));
    let page = t.get("/families/2", Some(&po)).await;
    assert!(page
        .body
        .contains("govuk-tag govuk-tag--turquoise\">Engaged"));
    // Statuses go forward only.
    let back = t
        .submit("/families/2/status", &po, &[("status", "referred")])
        .await;
    assert_eq!(back.status, StatusCode::BAD_REQUEST);
    assert!(back.body.contains("Select a status after the current one"));
    let api = t.get("/api/families?status=engaged", Some(&po)).await;
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(json["families"].as_array().unwrap().len(), 1);
    assert_eq!(json["families"][0]["family_id"], 2);
}

#[tokio::test]
async fn families_filter_by_area() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let all = t.get("/families", Some(&po)).await;
    // The choices are the eligible families' areas (family 3, not eligible, adds none).
    assert!(
        all.body.contains("<option value=\"WA7 2\">")
            && all.body.contains("<option value=\"WA8 6\">")
    );
    let wa8 = t.get("/families?area=WA8+6", Some(&po)).await;
    assert!(wa8.body.contains("/families/2\"") && !wa8.body.contains("/families/1\""));
    assert!(
        wa8.body.contains("<option value=\"WA8 6\" selected>"),
        "the choice is kept"
    );
    let none = t.get("/families?area=ZZ9+9", Some(&po)).await;
    assert!(none.body.contains("0 families match"));
    // A lead worker key that is no account matches no family (not the unassigned ones).
    let nobody = t.get("/families?lead_worker=abc", Some(&po)).await;
    assert!(nobody.body.contains("0 families match"));
    let api = t.get("/api/families?area=WA7%202", Some(&po)).await;
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    let ids: Vec<i64> = json["families"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["family_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![1]);
    assert_eq!(json["families"][0]["area"], "WA7 2");
    // The analyst, who sees no addresses, may still filter and count by area.
    let an = t.sign_in("analyst").await;
    let page = t.get("/families/2", Some(&an)).await;
    assert!(page.body.contains("WA8 6"));
}

#[tokio::test]
async fn a_family_record_has_relationships_a_timeline_and_its_team() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let page = t.get("/families/1", Some(&po)).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Person 101 (Alice Example)",
        "Person 102 (Bobby Example)",
        "Age gap and family name",
        "Team around the family",
        "id=\"timeline\"",
        "2025-03-01",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    let api: serde_json::Value =
        serde_json::from_str(&t.get("/api/families/1", Some(&po)).await.body).unwrap();
    // Both members' police records, and police as the one agency involved.
    assert_eq!(api["timeline"].as_array().unwrap().len(), 2);
    assert_eq!(api["timeline"][0]["agency"], "Police");
    assert_eq!(api["team"][0]["agency"], "Police");
    assert_eq!(
        (&api["team"][0]["records"], &api["team"][0]["people"]),
        (&2.into(), &2.into())
    );
    // The analyst sees who is whose parent by person ID only.
    let an = t.sign_in("analyst").await;
    let page = t.get("/families/1", Some(&an)).await;
    assert!(page.body.contains("Person 101</td>") && !page.body.contains("Alice"));
    let api: serde_json::Value =
        serde_json::from_str(&t.get("/api/families/1", Some(&an)).await.body).unwrap();
    assert!(api["relationships"][0].get("parent_name").is_none());
    assert_eq!(api["timeline"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_caseload_shows_what_is_due_most_urgent_first() {
    let t = TestApp::new().await;
    let lw1 = t.user_id("lw1").await.to_string();
    let po = t.sign_in("po").await;
    for family in [1, 2] {
        let r = t
            .submit(
                &format!("/families/{family}/lead-worker"),
                &po,
                &[("lead_worker", &lw1)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    // Day 5: family 2 is engaged; its assessment is due in 42 days. Family 1 is still to be
    // contacted: due 10 days after it was assigned.
    t.advance(chrono::Duration::days(5));
    let po = t.sign_in("po").await;
    let r = t
        .submit("/families/2/status", &po, &[("status", "engaged")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let lw = t.sign_in("lw1").await;
    let page = t.get("/caseload", Some(&lw)).await;
    assert!(page.body.contains("Contact the family") && page.body.contains("Due in 5 days"));
    // Day 12: family 1 is overdue and comes first, although family 2 was assigned with it.
    t.advance(chrono::Duration::days(7));
    let lw = t.sign_in("lw1").await;
    let page = t.get("/caseload", Some(&lw)).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Overdue by 2 days",
        "Complete the whole-family assessment and plan",
        "Due in 35 days",
        "1 with a step overdue, 0 with a step due in the next 7 days",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    let first = page.body.find("/families/1\"").unwrap();
    assert!(first < page.body.find("/families/2\"").unwrap());
    let api: serde_json::Value =
        serde_json::from_str(&t.get("/api/caseload", Some(&lw)).await.body).unwrap();
    let rows = api["families"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (
            &rows[0]["family_id"],
            &rows[0]["urgency"],
            &rows[0]["due_when"]
        ),
        (
            &serde_json::json!(1),
            &serde_json::json!("overdue"),
            &serde_json::json!("Overdue by 2 days")
        )
    );
    assert_eq!(rows[1]["urgency"], "on_track");
    let due = chrono::NaiveDate::parse_from_str(rows[1]["due"].as_str().unwrap(), "%Y-%m-%d");
    assert!(due.is_ok(), "{}", rows[1]["due"]);
    // The family's record says the same.
    let page = t.get("/families/1", Some(&lw)).await;
    assert!(
        page.body.contains("Contact the family, by") && page.body.contains("Overdue by 2 days")
    );
    let api: serde_json::Value =
        serde_json::from_str(&t.get("/api/families/2", Some(&lw)).await.body).unwrap();
    assert_eq!(
        api["next_step"],
        "Complete the whole-family assessment and plan"
    );
    assert_eq!(api["urgency"], "on_track");
}

#[tokio::test]
async fn validation_errors_keep_what_was_typed_and_escape_it() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    let lw = t.sign_in("lw1").await;
    let r = t.submit("/families/1/notes", &lw, &[("note", "   ")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("govuk-error-summary") && r.body.contains("href=\"#note\""));
    assert!(r.body.contains("id=\"note-error\""));
    let long = format!("<script>x()</script>{}", "a".repeat(5001));
    let r = t.submit("/families/1/notes", &lw, &[("note", &long)]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Note must be 5000 characters or fewer"));
    assert!(r.body.contains(&format!(
        "&lt;script&gt;x()&lt;&#x2f;script&gt;{}",
        "a".repeat(5001)
    )));
    let ok = t
        .submit(
            "/families/1/notes",
            &lw,
            &[("note", "<b>Visited</b> & agreed a plan")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let page = t.get("/families/1", Some(&lw)).await;
    assert!(page
        .body
        .contains("&lt;b&gt;Visited&lt;&#x2f;b&gt; &amp; agreed a plan"));
    let po = t.sign_in("po").await;
    let r = t
        .submit("/families/1/lead-worker", &po, &[("lead_worker", "")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Select a lead worker"));
    let analyst = t.user_id("analyst").await.to_string();
    let r = t
        .submit("/families/1/lead-worker", &po, &[("lead_worker", &analyst)])
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "only lead workers can be assigned"
    );
}

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
async fn api_assigns_with_the_csrf_header_and_json_only() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let lw1 = t.user_id("lw1").await;
    let body = format!("{{\"lead_worker_user_id\": {lw1}}}");
    let json = Some(("application/json", body.clone()));
    let r = t
        .request(
            Method::POST,
            "/api/families/1/lead-worker",
            Some(&po),
            json.clone(),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "no CSRF header");
    let csrf = [("x-csrf-token", po.csrf.as_str())];
    let r = t
        .request(
            Method::POST,
            "/api/families/1/lead-worker",
            Some(&po),
            Some(("text/plain", body.clone())),
            &csrf,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = t
        .request(
            Method::POST,
            "/api/families/1/lead-worker",
            Some(&po),
            Some((
                "application/json",
                "{\"lead_worker_user_id\": 99999}".into(),
            )),
            &csrf,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("lead_worker_user_id"));
    let r = t
        .request(
            Method::POST,
            "/api/families/1/lead-worker",
            Some(&po),
            json.clone(),
            &csrf,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["lead_worker_user_id"], lw1);
    let session: serde_json::Value =
        serde_json::from_str(&t.get("/api/session", Some(&po)).await.body).unwrap();
    assert_eq!(session["csrf_token"], po.csrf.as_str());
    let lw = t.sign_in("lw1").await;
    let caseload: serde_json::Value =
        serde_json::from_str(&t.get("/api/caseload", Some(&lw)).await.body).unwrap();
    assert_eq!(caseload["families"][0]["family_id"], 1);
    let csrf = [("x-csrf-token", lw.csrf.as_str())];
    let r = t
        .request(
            Method::POST,
            "/api/families/1/lead-worker",
            Some(&lw),
            json,
            &csrf,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "lead workers do not assign"
    );
}

#[tokio::test]
async fn every_documented_operation_answers() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let doc: serde_json::Value =
        serde_json::from_str(&t.get("/api/openapi.json", None).await.body).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            let url = format!("/api{}", path.replace("{id}", "1"));
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let body = (m == Method::POST).then(|| {
                (
                    "application/json",
                    "{\"lead_worker_user_id\": null}".to_string(),
                )
            });
            let r = t
                .request(m, &url, Some(&po), body, &[("x-csrf-token", &po.csrf)])
                .await;
            assert!(
                r.status != StatusCode::NOT_FOUND && r.status != StatusCode::METHOD_NOT_ALLOWED,
                "{method} {url}: {}",
                r.status
            );
        }
    }
    // Every field an answer carries is in its schema.
    let schema = |name: &str| -> std::collections::BTreeSet<String> {
        doc["components"]["schemas"][name]["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("schema {name}"))
            .keys()
            .cloned()
            .collect()
    };
    let keys = |v: &serde_json::Value| -> std::collections::BTreeSet<String> {
        v.as_object().unwrap().keys().cloned().collect()
    };
    let list: serde_json::Value =
        serde_json::from_str(&t.get("/api/families", Some(&po)).await.body).unwrap();
    assert!(keys(&list).is_subset(&schema("FamilyList")));
    let row = &list["families"][0];
    assert!(keys(row).is_subset(&schema("FamilyRow")), "{row}");
    let detail: serde_json::Value =
        serde_json::from_str(&t.get("/api/families/1", Some(&po)).await.body).unwrap();
    assert!(keys(&detail).is_subset(&schema("FamilyDetail")), "{detail}");
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
        t.get("/caseload", Some(&s)).await.location(),
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
async fn referrers_get_a_placeholder_that_says_so() {
    let t = TestApp::new().await;
    let s = t.sign_in("referrer").await;
    let r = t.get("/referrals", Some(&s)).await;
    assert!(r.body.contains("not available yet"));
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

#[tokio::test]
async fn over_a_real_socket_the_client_address_is_audited() {
    let t = TestApp::new().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = t.router.clone();
    let server = tokio::spawn(async move { hearth_web::serve(listener, router).await });
    let s = t.sign_in("po").await;
    let response = raw_get(addr, "/families/1", &s.token).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let entries = t.audit().await;
    let view = entries.iter().find(|e| e.action == "view family").unwrap();
    assert_eq!(view.client_ip, "127.0.0.1");
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
async fn the_main_flow_works_on_postgresql() {
    let url = std::env::var("HEARTH_TEST_POSTGRES_URL")
        .expect("HEARTH_TEST_POSTGRES_URL was set when this test was built but is not now");
    let t = TestApp::postgres(&url).await;
    let po = t.sign_in("po").await;
    let page = t.get("/families/1", Some(&po)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Alice Example") && page.body.contains("2 March 1985"));
    let lw1 = t.user_id("lw1").await.to_string();
    let r = t
        .submit("/families/2/lead-worker", &po, &[("lead_worker", &lw1)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let lw = t.sign_in("lw1").await;
    assert!(t
        .get("/caseload", Some(&lw))
        .await
        .body
        .contains("/families/2\""));
    let r = t
        .submit("/families/2/notes", &lw, &[("note", "Met them")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let other = t.sign_in("lw2").await;
    assert_eq!(
        t.get("/families/2", Some(&other)).await.status,
        StatusCode::FORBIDDEN
    );
    let analyst = t.sign_in("analyst").await;
    assert!(!t
        .get("/families/1", Some(&analyst))
        .await
        .body
        .contains("Alice"));
    // Changing a password ends the account's other sessions only.
    let analyst2 = t.sign_in("analyst").await;
    let r = t
        .submit(
            "/account/password",
            &analyst,
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("confirm_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        t.get("/families", Some(&analyst)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        t.get("/families", Some(&analyst2)).await.location(),
        Some("/sign-in")
    );
    t.sign_in_with("analyst", NEW_PASSWORD).await;
    for _ in 0..5 {
        t.try_sign_in("lw2", "wrong").await;
    }
    assert_eq!(
        t.try_sign_in("lw2", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    let entries = t.audit().await;
    assert!(entries
        .iter()
        .any(|e| e.action == "view family" && e.user_name == "po"));
    assert!(entries
        .iter()
        .any(|e| e.action == "view family refused" && e.user_name == "lw2"));
    t.finish().await;
}

/// The session's last-seen time is written at most once a minute (and at least every tenth
/// of the idle timeout), yet a user who keeps making requests is never taken for idle, and
/// one who stops is signed out after the idle timeout.
#[tokio::test]
async fn throttled_session_touches_keep_idle_timeout_semantics() {
    let t = TestApp::with(|c| c.idle_timeout = chrono::Duration::minutes(5)).await;
    let s = t.sign_in("po").await;
    let last_seen = || async {
        let digest = {
            use sha2::Digest;
            sha2::Sha256::digest(s.token.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        let (a, o) = t.store_address();
        tokio::task::spawn_blocking(move || {
            hearth_store::Store::open_with(&a, &o)
                .unwrap()
                .session(&digest)
                .unwrap()
                .unwrap()
                .last_seen_at
        })
        .await
        .unwrap()
    };
    let signed_in = last_seen().await;
    // Requests 10 s apart: no write (the session was seen less than 30 s ago)…
    for _ in 0..2 {
        t.advance(chrono::Duration::seconds(10));
        assert_eq!(t.get("/families", Some(&s)).await.status, StatusCode::OK);
    }
    assert_eq!(last_seen().await, signed_in, "no write within the interval");
    // …one once the interval (a tenth of 5 minutes) has passed.
    t.advance(chrono::Duration::seconds(15));
    assert_eq!(t.get("/families", Some(&s)).await.status, StatusCode::OK);
    assert!(last_seen().await > signed_in);
    // Steady use for far longer than the idle timeout keeps the session.
    for _ in 0..20 {
        t.advance(chrono::Duration::seconds(50));
        assert_eq!(t.get("/families", Some(&s)).await.status, StatusCode::OK);
    }
    // Idle for the timeout ends it, even if a request came just after the last write.
    t.advance(chrono::Duration::seconds(10));
    assert_eq!(t.get("/families", Some(&s)).await.status, StatusCode::OK);
    t.advance(chrono::Duration::minutes(5) + chrono::Duration::seconds(1));
    assert_eq!(
        t.get("/families", Some(&s)).await.location(),
        Some("/sign-in?expired=1")
    );
}

/// Audit lines from many concurrent requests are written together (group commit), and every
/// one of them is there once its request has answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_concurrent_view_is_audited() {
    let t = std::sync::Arc::new(TestApp::new().await);
    let po = std::sync::Arc::new(t.sign_in("po").await);
    let before = t.audit().await.len();
    let mut tasks = Vec::new();
    for i in 0..40 {
        let (t, po) = (t.clone(), po.clone());
        tasks.push(tokio::spawn(async move {
            let path = if i % 2 == 0 {
                "/families/1"
            } else {
                "/families/2"
            };
            t.get(path, Some(&po)).await.status
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::OK);
    }
    let entries = t.audit().await;
    assert_eq!(entries.len(), before + 40);
    for family in ["1", "2"] {
        assert_eq!(
            entries
                .iter()
                .filter(|e| e.action == "view family" && e.target_id == family)
                .count(),
            20
        );
    }
}

/// Sessions are briefly cached, but ending one, or deactivating its account, takes effect
/// on the very next request.
#[tokio::test]
async fn ended_sessions_end_at_once_despite_the_cache() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let other = t.sign_in("po").await;
    assert_eq!(t.get("/families", Some(&po)).await.status, StatusCode::OK);
    assert_eq!(
        t.get("/families", Some(&other)).await.status,
        StatusCode::OK
    );
    t.submit("/sign-out", &po, &[]).await;
    assert_eq!(
        t.get("/families", Some(&po)).await.location(),
        Some("/sign-in")
    );
    assert_eq!(
        t.get("/families", Some(&other)).await.status,
        StatusCode::OK
    );
    let admin = t.sign_in("admin").await;
    let r = t
        .change_account(&admin, "po", &[("role", "performance_officer")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        t.get("/families", Some(&other)).await.location(),
        Some("/sign-in")
    );
}

const NEW_PASSWORD: &str = "a brand new passphrase";

fn password_fields<'a>(
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
    assert_eq!(r.location(), Some("/sign-in"));
    let r = t
        .post_form(
            "/account/password",
            None,
            &password_fields("x", PASSWORD, NEW_PASSWORD, NEW_PASSWORD),
        )
        .await;
    assert_eq!(r.location(), Some("/sign-in"));
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
    assert!(r.body.contains("Wait 15 minutes"));
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
        t.get("/caseload", Some(&elsewhere)).await.location(),
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
