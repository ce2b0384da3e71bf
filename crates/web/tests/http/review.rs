//! Clerical review: the queue and its progress, a pair side by side (identifiers only for
//! roles that may see them), decisions with reasons (audited; "not sure" stores nothing),
//! the API, and who may not.

use crate::helpers::*;
use axum::http::{Method, StatusCode};
use hearth_store::*;

const EXPLANATION: &str = r#"[{"comparison":"prior","level":"","weight":-9.5},
 {"comparison":"given_name","level":"different","weight":-4.2},
 {"comparison":"family_name","level":"exact","weight":7.1},
 {"comparison":"date_of_birth","level":"day_month_swap","weight":5.0},
 {"comparison":"address","level":"address_exact","weight":3.1}]"#;

/// Puts two pairs of the seeded records in the review queue (Alice Example with Bobby
/// Example, Carol Sample with Dan Sample), keeping the seeded people and families.
/// Returns the pairs' keys, most likely first.
async fn queue_two_pairs(t: &TestApp) -> (String, String) {
    let (address, options) = t.store_address();
    tokio::task::spawn_blocking(move || {
        let mut s = Store::open_with(&address, &options).unwrap();
        let ids: Vec<RecordId> = s
            .load_identities()
            .unwrap()
            .into_iter()
            .map(|(r, _, _)| r)
            .collect();
        let assignment = s.person_assignment().unwrap();
        let families = s.families().unwrap();
        let pair = |l: RecordId, r: RecordId, p: f64, w: f64| ReviewPair {
            record_l: l,
            record_r: r,
            match_probability: p,
            match_weight: w,
            explanation: EXPLANATION.into(),
        };
        let review = [
            pair(ids[0], ids[1], 0.7, 1.5),
            pair(ids[2], ids[3], 0.4, -0.5),
        ];
        let summary = LinkRunSummary {
            records: 5,
            people: 5,
            candidate_pairs: 2,
            matched_pairs: 0,
            review_pairs: 2,
            threshold: 0.0,
            families: families.len() as u64,
            as_at: chrono::NaiveDate::from_ymd_opt(2025, 9, 1).unwrap(),
            report: "{}".into(),
        };
        s.save_linkage(&LinkageResults {
            summary: &summary,
            assignment: &assignment,
            changes: &[],
            review: &review,
            families: &families,
        })
        .unwrap();
        (
            format!("{}-{}", ids[0].0, ids[1].0),
            format!("{}-{}", ids[2].0, ids[3].0),
        )
    })
    .await
    .unwrap()
}

async fn decisions(t: &TestApp) -> Vec<ReviewDecision> {
    let (address, options) = t.store_address();
    tokio::task::spawn_blocking(move || {
        Store::open_with(&address, &options)
            .unwrap()
            .review_decisions()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn the_queue_shows_its_size_and_progress_and_a_pair_side_by_side() {
    let t = TestApp::new().await;
    let (first, second) = queue_two_pairs(&t).await;
    let po = t.sign_in("po").await;
    let q = t.get("/review", Some(&po)).await;
    assert_eq!(q.status, StatusCode::OK);
    assert!(q.body.contains(r#"id="review-remaining">2<"#), "{}", q.body);
    assert!(q
        .body
        .contains(r#"id="review-decided">0 (0% of all pairs)"#));
    let at = |k: &str| q.body.find(&format!("href=\"/review/{k}\"")).unwrap();
    assert!(at(&first) < at(&second), "most likely first");
    assert!(
        q.body.contains("Family name, Date of birth, Address"),
        "agreeing comparisons in plain words"
    );

    let p = t.get(&format!("/review/{first}"), Some(&po)).await;
    assert_eq!(p.status, StatusCode::OK);
    // Both records, named as people write names, with their dates of birth.
    assert!(p.body.contains("Alice Example") && p.body.contains("Bobby Example"));
    assert!(p.body.contains("2 March 1985"));
    assert!(p.body.contains("Police"), "the agency as the run names it");
    // The waterfall chart and its figures in plain words.
    assert!(p.body.contains("<svg class=\"hearth-waterfall\""));
    assert_eq!(
        p.body.matches("<rect class=\"hearth-bar").count(),
        6,
        "five contributions and the total"
    );
    assert!(p.body.contains("Day and month swapped") && p.body.contains("+5.0"));
    assert!(!p.body.contains("day_month_swap"));
    assert!(p.body.contains("Pair 1 of 2 waiting"));
    let audit = t.audit().await;
    assert!(audit.iter().any(|a| a.action == "view record pair"
        && a.target_id == first
        && a.detail.contains("identifiers shown")));
}

#[tokio::test]
async fn the_analyst_reviews_pairs_without_identifiers() {
    let t = TestApp::new().await;
    let (first, _) = queue_two_pairs(&t).await;
    let analyst = t.sign_in("analyst").await;
    let p = t.get(&format!("/review/{first}"), Some(&analyst)).await;
    assert_eq!(p.status, StatusCode::OK);
    for secret in ["Alice", "Example", "1985", "Test Street", "TS1"] {
        assert!(!p.body.contains(secret), "{secret} shown to the analyst");
    }
    assert!(p.body.contains("Day and month swapped"));
    let api = t.get(&format!("/api/review/{first}"), Some(&analyst)).await;
    assert_eq!(api.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(v["identifiers_shown"], false);
    assert_eq!(v["left"]["identifiers"].as_array().unwrap().len(), 0);
    assert!(!api.body.contains("Alice"));
}

#[tokio::test]
async fn a_decision_needs_a_choice_and_a_reason_and_keeps_what_was_typed() {
    let t = TestApp::new().await;
    let (first, _) = queue_two_pairs(&t).await;
    let po = t.sign_in("po").await;
    let r = t
        .submit(
            &format!("/review/{first}"),
            &po,
            &[("decision", ""), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("govuk-error-summary"));
    // Each message in the summary links to its field, which has that id.
    assert!(r.body.contains("href=\"#decision\"") && r.body.contains("id=\"decision\""));
    assert!(r.body.contains("href=\"#reason\"") && r.body.contains("id=\"reason\""));
    assert!(r.body.contains("id=\"decision-error\"") && r.body.contains("id=\"reason-error\""));
    let r = t
        .submit(
            &format!("/review/{first}"),
            &po,
            &[("decision", "same"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body
            .contains("value=\"same\" aria-describedby=\"decision1-hint\" checked"),
        "the choice is kept"
    );
    let r = t
        .submit(
            &format!("/review/{first}"),
            &po,
            &[("decision", ""), ("reason", "same NHS number")],
        )
        .await;
    assert!(
        r.body.contains(">same NHS number</textarea>"),
        "the reason is kept"
    );
    assert!(decisions(&t).await.is_empty(), "nothing stored");
}

#[tokio::test]
async fn decisions_are_stored_for_the_next_link_and_audited_not_sure_stores_nothing() {
    let t = TestApp::new().await;
    let (first, second) = queue_two_pairs(&t).await;
    let po = t.sign_in("po").await;
    // Not sure: the pair stays in the queue, the reviewer moves on to the next.
    let r = t
        .submit(
            &format!("/review/{first}"),
            &po,
            &[("decision", "not_sure"), ("reason", "dates differ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location(),
        Some(format!("/review/{second}?saved=not_sure").as_str())
    );
    assert!(decisions(&t).await.is_empty());
    let r = t
        .submit(
            &format!("/review/{second}"),
            &po,
            &[
                ("decision", "different"),
                ("reason", "different dates of birth"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/review?saved=different"));
    let d = decisions(&t).await;
    assert_eq!(d.len(), 1);
    assert!(!d[0].is_match);
    assert_eq!(format!("{}-{}", d[0].record_l.0, d[0].record_r.0), second);
    let q = t.get("/review?saved=different", Some(&po)).await;
    assert!(q.body.contains(r#"id="review-remaining">1<"#));
    assert!(q
        .body
        .contains(r#"id="review-decided">1 (50% of all pairs)"#));
    assert!(q.body.contains("Decision saved: Different people"));
    // A decided pair is no longer in the queue.
    assert_eq!(
        t.get(&format!("/review/{second}"), Some(&po)).await.status,
        StatusCode::NOT_FOUND
    );
    let r = t
        .submit(
            &format!("/review/{second}"),
            &po,
            &[("decision", "same"), ("reason", "changed my mind")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "decided already");
    let audit = t.audit().await;
    let lines: Vec<&AuditEntry> = audit
        .iter()
        .filter(|a| a.action == "decide record pair")
        .collect();
    assert!(lines
        .iter()
        .any(|a| a.target_id == first && a.detail == "Not sure: dates differ"));
    assert!(
        lines
            .iter()
            .any(|a| a.target_id == second
                && a.detail == "Different people: different dates of birth")
    );
}

#[tokio::test]
async fn the_api_lists_shows_and_decides_pairs() {
    let t = TestApp::new().await;
    let (first, second) = queue_two_pairs(&t).await;
    let po = t.sign_in("po").await;
    let q = t.get("/api/review", Some(&po)).await;
    assert_eq!(q.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&q.body).unwrap();
    assert_eq!(v["pending"], 2);
    assert_eq!(v["pairs"][0]["key"], first.as_str());
    let p: serde_json::Value =
        serde_json::from_str(&t.get(&format!("/api/review/{first}"), Some(&po)).await.body)
            .unwrap();
    assert_eq!(p["identifiers_shown"], true);
    assert_eq!(p["contributions"].as_array().unwrap().len(), 5);
    assert_eq!(p["next"], second.as_str());
    let body = Some((
        "application/json",
        r#"{"decision": "same", "reason": "same person, new surname"}"#.to_string(),
    ));
    let path = format!("/api/review/{first}");
    let r = t
        .request(Method::POST, &path, Some(&po), body.clone(), &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "no CSRF header");
    let csrf = [("x-csrf-token", po.csrf.as_str())];
    let bad = Some(("application/json", r#"{"decision": "perhaps"}"#.to_string()));
    let r = t.request(Method::POST, &path, Some(&po), bad, &csrf).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("\"field\":\"decision\"") && r.body.contains("\"field\":\"reason\""));
    let r = t.request(Method::POST, &path, Some(&po), body, &csrf).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["applied_by_next_link"], true);
    assert_eq!(v["next"], second.as_str());
    let d = decisions(&t).await;
    assert_eq!(d.len(), 1);
    assert!(d[0].is_match);
}

#[tokio::test]
async fn only_the_performance_officer_and_the_analyst_review_pairs() {
    let t = TestApp::new().await;
    let (first, _) = queue_two_pairs(&t).await;
    for who in ["lw1", "referrer", "igo", "admin"] {
        let s = t.sign_in(who).await;
        for path in ["/review".to_string(), format!("/review/{first}")] {
            assert_eq!(
                t.get(&path, Some(&s)).await.status,
                StatusCode::FORBIDDEN,
                "{who} {path}"
            );
            let api = format!("/api{path}");
            assert_eq!(
                t.get(&api, Some(&s)).await.status,
                StatusCode::FORBIDDEN,
                "{who} {api}"
            );
        }
        let r = t
            .submit(
                &format!("/review/{first}"),
                &s,
                &[("decision", "same"), ("reason", "x")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }
    assert!(decisions(&t).await.is_empty());
    let po = t.sign_in("po").await;
    for path in ["/review/1-1", "/review/nope", "/review/999998-999999"] {
        assert_eq!(
            t.get(path, Some(&po)).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(
        t.get("/review", None).await.status,
        StatusCode::SEE_OTHER,
        "sign in first"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
async fn review_pairs_and_identifier_searches_work_on_postgresql() {
    let url = std::env::var("HEARTH_TEST_POSTGRES_URL")
        .expect("HEARTH_TEST_POSTGRES_URL was set when this test was built but is not now");
    let t = TestApp::postgres(&url).await;
    let pair = t.review_pair_key().await;
    let po = t.sign_in("po").await;
    let p = t.get(&format!("/review/{pair}"), Some(&po)).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("Alice Example") && p.body.contains("2 March 1985"));
    let r = t
        .submit(
            &format!("/review/{pair}"),
            &po,
            &[("decision", "same"), ("reason", "same family")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(decisions(&t).await.len(), 1);
    let found = t.get("/families?q=SAMPLE", Some(&po)).await;
    assert!(
        found.body.contains("href=\"/families/2\"") && !found.body.contains("href=\"/families/1\"")
    );
    t.finish().await;
}
