//! Staff as a role that sees no identifiers sees them: the analyst is shown lead workers by
//! their number ("Lead worker 1", the dashboard's numbering) and any other member of staff as
//! "A member of staff" — on the family's summary (status history), problems (who wrote the
//! assessment), plan (changes and reviews), team (the agency and role are free text, like the
//! practitioner's name) and the API alike; never a display name or an account name. The
//! performance officer, who sees identifiers, sees the names.

use crate::helpers::*;
use axum::http::StatusCode;

const PARTS: [&str; 8] = [
    "",
    "/members",
    "/problems",
    "/plan",
    "/team",
    "/progress",
    "/timeline",
    "/outcomes",
];

/// Every family page of family 1 and its API answer, joined.
async fn everything(t: &TestApp, s: &Session) -> String {
    let mut all = String::new();
    for part in PARTS {
        let r = t.get(&format!("/families/1{part}"), Some(s)).await;
        assert_eq!(r.status, StatusCode::OK, "{part}: {}", r.body);
        all.push_str(&r.body);
    }
    for api in ["/api/families/1", "/api/families/1/outcomes"] {
        let r = t.get(api, Some(s)).await;
        assert_eq!(r.status, StatusCode::OK, "{api}: {}", r.body);
        all.push_str(&r.body);
    }
    all
}

async fn ok(t: &TestApp, path: &str, s: &Session, fields: &[(&str, &str)]) {
    let r = t.submit(path, s, fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}: {}", r.body);
}

#[tokio::test]
async fn the_analyst_sees_staff_by_number_or_as_staff_and_the_officer_by_name() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    let lw = t.sign_in("lw1").await;
    let po = t.sign_in("po").await;
    // The lead worker and the performance officer each move the case, write, plan, change
    // the plan, review it and add to the team.
    ok(&t, "/families/1/status", &lw, &[("status", "contacted")]).await;
    ok(&t, "/families/1/status", &po, &[("status", "agreed")]).await;
    for (who, problem) in [(&lw, "school_attendance"), (&po, "crime_asb")] {
        ok(
            &t,
            "/families/1/assessment",
            who,
            &[
                ("subject", "family"),
                ("problem", problem),
                ("happening", "Mornings are hard"),
                ("needs", "A routine"),
            ],
        )
        .await;
    }
    ok(
        &t,
        "/families/1/plan/goals",
        &lw,
        &[
            ("problem", "school_attendance"),
            ("measure", "pupils_below_85_attendance"),
            ("goal", "At school every day"),
            ("action", "Walk to school together"),
            ("owner", "Parent"),
            ("due", "1 1 2099"),
        ],
    )
    .await;
    let api: serde_json::Value =
        serde_json::from_str(&t.get("/api/families/1", Some(&lw)).await.body).unwrap();
    let action = api["work"]["goals"][0]["actions"][0]["id"]
        .as_i64()
        .unwrap();
    ok(
        &t,
        &format!("/families/1/plan/actions/{action}"),
        &po,
        &[
            ("action", "Walk to school together"),
            ("owner", "School"),
            ("due", "1 1 2099"),
            ("change_reason", "Mum works early"),
        ],
    )
    .await;
    ok(
        &t,
        "/families/1/status",
        &lw,
        &[("status", "plan_in_place")],
    )
    .await;
    ok(
        &t,
        "/families/1/plan/reviews",
        &po,
        &[("reviewed_on", "3 3 2025"), ("what_changed", "Better")],
    )
    .await;
    ok(
        &t,
        "/families/1/team",
        &lw,
        &[
            ("name", "Sam Nurse"),
            ("agency", "Halton Primary"),
            ("role", "Teacher"),
            ("from", "5 1 2026"),
        ],
    )
    .await;

    // The performance officer sees who did each, by name.
    let seen = everything(&t, &po).await;
    for name in ["Lee Worker", "Pat Officer", "Halton Primary", "Teacher"] {
        assert!(seen.contains(name), "{name} for the officer");
    }

    // The analyst: no display name or account name of anyone, anywhere; the lead worker by
    // the dashboard's number, the officer as a member of staff.
    let analyst = t.sign_in("analyst").await;
    let seen = everything(&t, &analyst).await;
    for (user_name, display, _) in ACCOUNTS {
        if user_name == "analyst" {
            continue; // their own, in the page's header
        }
        assert!(!seen.contains(display), "{display} shown to the analyst");
        for quoted in [format!(">{user_name}<"), format!("\"{user_name}\"")] {
            assert!(!seen.contains(&quoted), "{quoted} shown to the analyst");
        }
        assert!(
            !seen.contains(&format!("{user_name}</td>")),
            "{user_name} shown to the analyst"
        );
    }
    for free_text in ["Halton Primary", "Teacher", "Sam Nurse"] {
        assert!(
            !seen.contains(free_text),
            "{free_text} shown to the analyst"
        );
    }
    assert!(seen.contains("Lead worker 1"), "the lead worker's number");
    assert!(seen.contains("A member of staff"), "the officer");
    let api: serde_json::Value =
        serde_json::from_str(&t.get("/api/families/1", Some(&analyst)).await.body).unwrap();
    let by: Vec<&str> = api["work"]["assessment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["by"].as_str().unwrap())
        .collect();
    assert_eq!(by.len(), 2);
    assert!(by.contains(&"Lead worker 1") && by.contains(&"A member of staff"));
    let history: Vec<&str> = api["work"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["by"].as_str().unwrap())
        .collect();
    assert!(history.contains(&"Lead worker 1") && history.contains(&"A member of staff"));
    assert!(api["work"]["team"][0]["agency"].is_null());
}
