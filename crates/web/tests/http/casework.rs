//! The case's life and the work with a family (issue 11): statuses with their history,
//! the whole-family assessment, the plan (goals tied to Outcomes Plan measures, actions,
//! what is overdue, reviews), the team around the family and progress data; the family's
//! sub-pages; each flow on pages and in the API, and each denial.

use crate::helpers::*;
#[allow(unused_imports)]
use axum::http::{Method, StatusCode};
use serde_json::Value;

pub(crate) async fn api_post(t: &TestApp, s: &Session, path: &str, body: Value) -> Resp {
    t.request(
        Method::POST,
        path,
        Some(s),
        Some(("application/json", body.to_string())),
        &[("x-csrf-token", s.csrf.as_str())],
    )
    .await
}

pub(crate) async fn work(t: &TestApp, s: &Session, family: i64) -> Value {
    let r = t.get(&format!("/api/families/{family}"), Some(s)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: Value = serde_json::from_str(&r.body).unwrap();
    v["work"].clone()
}

#[tokio::test]
async fn a_case_moves_forward_back_with_a_reason_and_closes_with_a_closing_reason() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    let lw = t.sign_in("lw1").await;
    let go = |status: &'static str, extra: &'static [(&'static str, &'static str)]| {
        let mut f = vec![("status", status)];
        f.extend_from_slice(extra);
        f
    };
    let r = t
        .submit("/families/1/status", &lw, &go("assessed", &[]))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "forward, skipping steps");
    // Back without a reason: refused, the choice kept, nothing stored.
    let r = t
        .submit("/families/1/status", &lw, &go("contacted", &[]))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("href=\"#reason\"") && r.body.contains("id=\"reason-error\""));
    assert!(r.body.contains("<option value=\"contacted\" selected>"));
    assert_eq!(
        t.case(1).await.unwrap().status,
        hearth_model::CaseStatus::Assessed
    );
    let r = t
        .submit(
            "/families/1/status",
            &lw,
            &go("contacted", &[("reason", "The family asked to pause")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Closing needs a closing reason, and only closing takes one.
    let r = t
        .submit("/families/1/status", &lw, &go("closed", &[]))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Select why the case is closing"));
    let r = t
        .submit(
            "/families/1/status",
            &lw,
            &go("agreed", &[("close_reason", "declined")]),
        )
        .await;
    assert!(r
        .body
        .contains("Only give a closing reason when closing the case"));
    let r = t
        .submit(
            "/families/1/status",
            &lw,
            &go("closed", &[("close_reason", "moved_away")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = t.get("/families/1", Some(&lw)).await;
    for text in [
        "Closed: Moved away",
        "Assessed to Contacted (moved back)",
        "The family asked to pause",
        "Status history",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    // The API: the same rules, the same history.
    let r = api_post(
        &t,
        &lw,
        "/api/families/1/status",
        serde_json::json!({"status": "reviewing"}),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "reopening needs a reason"
    );
    assert!(r.body.contains("\"reason\""));
    let r = api_post(
        &t,
        &lw,
        "/api/families/1/status",
        serde_json::json!({"status": "reviewing", "reason": "Back in the area"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let w = work(&t, &lw, 1).await;
    let to: Vec<&str> = w["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["to_key"].as_str().unwrap())
        .collect();
    assert_eq!(
        to,
        ["referred", "assessed", "contacted", "closed", "reviewing"]
    );
    assert_eq!(w["history"][3]["close_reason"], "Moved away");
    // The analyst sees the history without what was written.
    let an = t.sign_in("analyst").await;
    let w = work(&t, &an, 1).await;
    assert_eq!(w["history"][2]["reason"], Value::Null);
    assert_eq!(w["history"][2]["back"], true);
    let page = t.get("/families/1", Some(&an)).await;
    assert!(!page.body.contains("asked to pause"));
}

#[tokio::test]
async fn a_lead_worker_assesses_plans_reviews_and_records_progress() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    let lw = t.sign_in("lw1").await;
    // Assessment: every mistake at once, what was typed kept, nothing stored.
    let r = t
        .submit(
            "/families/1/assessment",
            &lw,
            &[
                ("subject", "999"),
                ("problem", "health"),
                ("strengths", "Kind <b>and</b> funny"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    for field in ["subject", "problem", "happening", "needs"] {
        assert!(r.body.contains(&format!("href=\"#{field}\"")), "{field}");
        assert!(r.body.contains(&format!("id=\"{field}-error\"")), "{field}");
    }
    assert!(r.body.contains("Kind &lt;b&gt;and&lt;&#x2f;b&gt; funny"));
    assert_eq!(
        work(&t, &lw, 1).await["assessment"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    for happening in ["Bobby misses Mondays", "Bobby misses some Mondays"] {
        let r = t
            .submit(
                "/families/1/assessment",
                &lw,
                &[
                    ("subject", "102"),
                    ("problem", "school_attendance"),
                    ("happening", happening),
                    ("needs", "A morning routine"),
                    ("evidence_seen", "Attendance letter"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let page = t.get("/families/1/problems", Some(&lw)).await;
    assert!(page
        .body
        .contains("Bobby Example (person 102): School attendance"));
    assert!(page.body.contains("Bobby misses some Mondays") && page.body.contains("version 2"));

    // Plan: a half-given first action stores nothing.
    let r = t
        .submit(
            "/families/1/plan/goals",
            &lw,
            &[
                ("problem", "school_attendance"),
                ("measure", "pupils_below_85_attendance"),
                ("goal", "Bobby at school every day"),
                ("owner", "Parent"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("href=\"#goal_action\"") && r.body.contains("href=\"#goal_due\""));
    assert!(r.body.contains("value=\"Parent\""), "kept as typed");
    assert_eq!(work(&t, &lw, 1).await["goals"].as_array().unwrap().len(), 0);
    let r = t
        .submit(
            "/families/1/plan/goals",
            &lw,
            &[
                ("problem", "school_attendance"),
                ("measure", "pupils_below_85_attendance"),
                ("goal", "Bobby at school every day"),
                ("action", "Walk to school together"),
                ("owner", "Parent"),
                ("due", "2 1 2020"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let w = work(&t, &lw, 1).await;
    let goal = w["goals"][0]["id"].as_i64().unwrap().to_string();
    assert_eq!(w["overdue_actions"], 1);
    let r = t
        .submit(
            "/families/1/plan/actions",
            &lw,
            &[
                ("goal_id", &goal),
                ("action", "Meet the school"),
                ("owner", "School"),
                ("due", "2099-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = t.get("/families/1/plan", Some(&lw)).await;
    assert!(page.body.contains("1 action is overdue"));
    assert!(page
        .body
        .contains("Every school-age child attends at least 85% of possible sessions"));
    let overdue = w["goals"][0]["actions"][0]["id"].as_i64().unwrap();
    let r = t
        .submit(
            &format!("/families/1/plan/actions/{overdue}/done"),
            &lw,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(work(&t, &lw, 1).await["overdue_actions"], 0);
    // A review moves a plan in place on to reviews.
    let r = t
        .submit("/families/1/status", &lw, &[("status", "plan_in_place")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = t
        .submit(
            "/families/1/plan/reviews",
            &lw,
            &[
                ("reviewed_on", "3 3 2025"),
                ("what_changed", "Attending 4 days of 5"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        t.case(1).await.unwrap().status,
        hearth_model::CaseStatus::Reviewing
    );
    assert!(t
        .get("/families/1/plan", Some(&lw))
        .await
        .body
        .contains("Attending 4 days of 5"));

    // Team.
    let r = t
        .submit(
            "/families/1/team",
            &lw,
            &[
                ("name", "Sam Nurse"),
                ("agency", "School nursing"),
                ("role", "School nurse"),
                ("from", "5 1 2026"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = t.get("/families/1/team", Some(&lw)).await;
    assert!(page.body.contains("Sam Nurse") && page.body.contains("Agencies in the records"));

    // Progress at the start and at a review: the change over time.
    for (stage, on, school) in [("start", "1 2 2025", "2"), ("review", "3 3 2025", "4")] {
        let r = t
            .submit(
                "/families/1/progress",
                &lw,
                &[
                    ("stage", stage),
                    ("read_on", on),
                    ("position_school_attendance", school),
                    ("position_housing", "3"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let r = t
        .submit(
            "/families/1/progress",
            &lw,
            &[
                ("stage", "exit"),
                ("read_on", "4 3 2025"),
                ("position_housing", "9"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("href=\"#position_housing\""));
    // Tomorrow (the test clock's today is 2 September 2025), a second start, and a review
    // before the start are refused with the field named; nothing is stored.
    for (stage, on, field, message) in [
        (
            "review",
            "3 9 2025",
            "read_on",
            "The date must be today or in the past",
        ),
        (
            "start",
            "1 8 2025",
            "stage",
            "This family already has a start reading, dated 1 February 2025",
        ),
        (
            "review",
            "1 1 2025",
            "read_on",
            "on or after the start reading&#x27;s, 1 February 2025",
        ),
    ] {
        let r = t
            .submit(
                "/families/1/progress",
                &lw,
                &[("stage", stage), ("read_on", on), ("position_housing", "5")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{stage} {on}");
        assert!(
            r.body.contains(&format!("href=\"#{field}\"")),
            "{stage} {on}"
        );
        assert!(r.body.contains(message), "{stage} {on}: {}", r.body);
    }
    let r = t
        .submit(
            "/families/1/plan/reviews",
            &lw,
            &[("reviewed_on", "1 1 2030"), ("what_changed", "Not yet")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r
        .body
        .contains("The date of the review must be today or in the past"));
    let w = work(&t, &lw, 1).await;
    assert_eq!(w["readings"].as_array().unwrap().len(), 2);
    let school = w["progress"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == "school_attendance")
        .unwrap();
    assert_eq!(school["change"], "Better");
    assert!(t
        .get("/families/1/progress", Some(&lw))
        .await
        .body
        .contains("govuk-tag--green\">Better"));

    // The cohort view: counted, no family named.
    let po = t.sign_in("po").await;
    let page = t.get("/progress", Some(&po)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("1 family has progress data"));
    let api: Value = serde_json::from_str(&t.get("/api/progress", Some(&po)).await.body).unwrap();
    let school = api["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == "school_attendance")
        .unwrap();
    assert_eq!(
        (&school["families"], &school["better"]),
        (&1.into(), &1.into())
    );
    assert_eq!(
        t.get("/progress", Some(&lw)).await.status,
        StatusCode::FORBIDDEN
    );

    // The analyst sees the structure, dates and positions, not what was written.
    let an = t.sign_in("analyst").await;
    let mut seen = String::new();
    for part in ["problems", "plan", "team", "progress"] {
        let r = t.get(&format!("/families/1/{part}"), Some(&an)).await;
        assert_eq!(r.status, StatusCode::OK, "{part}");
        seen += &r.body;
    }
    for secret in [
        "Bobby",
        "Walk to school",
        "Sam Nurse",
        "Attending 4 days",
        "Parent",
        // The team's agency and role are free text too.
        "School nursing",
        "School nurse",
    ] {
        assert!(!seen.contains(secret), "{secret}");
    }
    assert!(seen.contains("Not shown"));
    // Every view of a part is audited as a view of the family.
    let views: Vec<String> = t
        .audit()
        .await
        .into_iter()
        .filter(|e| e.action == "view family" && e.user_name == "analyst")
        .map(|e| e.detail)
        .collect();
    assert_eq!(views.len(), 4, "{views:?}");
    assert!(views.iter().any(|d| d == "pseudonymised; plan"));
}

#[tokio::test]
async fn only_the_familys_own_lead_worker_or_the_officer_changes_its_work() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    let other = t.sign_in("lw2").await;
    let an = t.sign_in("analyst").await;
    let posts: [(&str, &[(&str, &str)]); 7] = [
        (
            "/families/1/assessment",
            &[
                ("subject", "family"),
                ("problem", "crime_asb"),
                ("happening", "x"),
                ("needs", "y"),
            ],
        ),
        (
            "/families/1/plan/goals",
            &[
                ("problem", "crime_asb"),
                ("measure", "offending_and_asb"),
                ("goal", "x"),
            ],
        ),
        (
            "/families/1/plan/actions",
            &[
                ("goal_id", "1"),
                ("action", "x"),
                ("owner", "y"),
                ("due", "1 1 2030"),
            ],
        ),
        (
            "/families/1/plan/reviews",
            &[("reviewed_on", "1 1 2025"), ("what_changed", "x")],
        ),
        (
            "/families/1/team",
            &[
                ("name", "x"),
                ("agency", "y"),
                ("role", "z"),
                ("from", "1 1 2026"),
            ],
        ),
        (
            "/families/1/progress",
            &[
                ("stage", "start"),
                ("read_on", "1 1 2025"),
                ("position_housing", "2"),
            ],
        ),
        ("/families/1/status", &[("status", "contacted")]),
    ];
    for (path, fields) in posts {
        let r = t.submit(path, &other, fields).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "another lead worker: {path}"
        );
        let r = t.submit(path, &an, fields).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "the analyst: {path}");
        let body: serde_json::Map<String, Value> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), Value::from(*v)))
            .collect();
        let r = api_post(&t, &other, &format!("/api{path}"), Value::Object(body)).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "another lead worker, API: {path}"
        );
    }
    for part in [
        "members", "problems", "plan", "team", "progress", "timeline", "notes",
    ] {
        let r = t.get(&format!("/families/1/{part}"), Some(&other)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{part}");
    }
    assert_eq!(
        t.get("/families/1/notes", Some(&an)).await.status,
        StatusCode::FORBIDDEN
    );
    let w = work(&t, &t.sign_in("lw1").await, 1).await;
    assert_eq!(w["assessment"].as_array().unwrap().len(), 0);
    assert_eq!(w["team"].as_array().unwrap().len(), 0);
    // A family the officer has no need to know of: 404, nothing made.
    let po = t.sign_in("po").await;
    let r = t
        .submit(
            "/families/3/team",
            &po,
            &[
                ("name", "x"),
                ("agency", "y"),
                ("role", "z"),
                ("from", "1 1 2026"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        t.get("/families/3/plan", Some(&po)).await.status,
        StatusCode::NOT_FOUND
    );
    // The officer may work on any family they may open.
    let r = t
        .submit(
            "/families/2/team",
            &po,
            &[
                ("name", "Kim"),
                ("agency", "Housing"),
                ("role", "Officer"),
                ("from", "1 1 2026"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // An action of another family's goal cannot be reached through this family.
    let r = t
        .submit(
            "/families/2/plan/goals",
            &po,
            &[
                ("problem", "health"),
                ("measure", "no_regression"),
                ("goal", "Stay well"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let goal = work(&t, &po, 2).await["goals"][0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let r = t
        .submit(
            "/families/1/plan/actions",
            &po,
            &[
                ("goal_id", &goal),
                ("action", "x"),
                ("owner", "y"),
                ("due", "1 1 2030"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Select one of this family"));
}
