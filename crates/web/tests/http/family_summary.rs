//! A family's summary (QA round "users", items 2 and 5): while a member's processing is
//! restricted, the priority rank, score and estimated cost — worked out by the last
//! identification run from every member's records, the restricted person's included — are
//! withheld like the family's other figures, on the page and in the API, until the
//! restriction is lifted; and ages say the day they were worked out for.

use crate::helpers::*;
use axum::http::StatusCode;
use serde_json::Value;

/// The family page's priority and cost rows, and the API's figures.
async fn summary(t: &TestApp, lw: &Session) -> (String, Value) {
    let page = t.get("/families/1", Some(lw)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let row = |id: &str| {
        let at = page.body.find(&format!("id=\"{id}\"")).expect(id);
        page.body[at..at + page.body[at..].find("</dd>").unwrap()].to_string()
    };
    let rows = format!("{} | {}", row("priority"), row("estimated-cost"));
    let api = t.get("/api/families/1", Some(lw)).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    (rows, serde_json::from_str(&api.body).unwrap())
}

#[tokio::test]
async fn the_rank_score_and_cost_are_withheld_while_a_member_is_restricted() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    let lw = t.sign_in("lw1").await;
    let (rows, api) = summary(&t, &lw).await;
    assert!(
        rows.contains("£12,345") && rows.contains("score 3.5"),
        "{rows}"
    );
    assert_eq!(api["priority_rank"], 1);
    assert_eq!(api["estimated_cost"], 12345.0);

    let igo = t.sign_in("igo").await;
    let r = t
        .submit(
            "/rights/people/101/restrict",
            &igo,
            &[
                ("ground", "18-1-a"),
                ("reason", "accuracy contested"),
                ("received_how", "letter"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (rows, api) = summary(&t, &lw).await;
    assert!(
        !rows.contains("12,345") && !rows.contains("score"),
        "{rows}"
    );
    assert_eq!(rows.matches("Withheld").count(), 2, "{rows}");
    assert!(rows.contains("restriction on a family member"), "{rows}");
    for figure in ["priority_rank", "score", "estimated_cost"] {
        assert!(api[figure].is_null(), "{figure}: {api}");
    }
    assert!(api["cost"].as_str().unwrap() == "Withheld", "{api}");
    assert!(api["summary_withheld"].is_string(), "{api}");

    let restriction: i64 = t.with_store(|s| s.restrictions(101).unwrap()[0].id).await;
    let r = t
        .submit(
            "/rights/people/101/lift",
            &igo,
            &[
                ("restriction", &restriction.to_string()),
                ("reason", "accuracy checked"),
                ("received_how", "email"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (rows, api) = summary(&t, &lw).await;
    assert!(rows.contains("£12,345"), "{rows}");
    assert_eq!(api["priority_rank"], 1);
    assert!(api["summary_withheld"].is_null(), "{api}");
}

#[tokio::test]
async fn ages_say_the_day_they_are_for() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    let lw = t.sign_in("lw1").await;
    // The seeded run is as at 1 September 2025; the clock says 2 September 2025.
    let page = t.get("/families/1", Some(&lw)).await;
    assert!(
        page.body.contains("(adult, aged 40 on 1 September 2025)")
            && page.body.contains("(child, aged 11 on 1 September 2025)"),
        "{}",
        page.body
    );
    let members = t.get("/families/1/members", Some(&lw)).await;
    assert!(
        members.body.contains(">Age on 1 September 2025</th>"),
        "{}",
        members.body
    );
}
