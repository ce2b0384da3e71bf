//! A restriction of processing (UK GDPR Art. 18) takes effect on every view of the family the
//! moment the information governance officer records it — not at the next linkage run: the
//! lead worker's family, members, problems, timeline and team pages, the JSON API, the
//! analyst's pseudonymised views and the families workbook no longer hold the person or any
//! fact from their records; the family shows them only as "Restricted: details withheld".
//! The officer's rights page still shows the restriction, and lifting it brings all back.

use crate::helpers::*;
use crate::listing::{export_bytes, xlsx_rows};
use axum::http::StatusCode;
use serde_json::Value;

/// What Alice Example (person 101, family 1) is known by: her name, her police record's
/// reference, file and row (her evidence of crime), and the indicator it evidences.
const ALICE: [&str; 4] = ["Alice", "OCC-0002", "police.csv row 2", "Police crime"];

/// The lead worker's pages of family 1, joined.
async fn lead_workers_pages(t: &TestApp, lw: &Session) -> String {
    let mut all = String::new();
    for part in ["", "/members", "/problems", "/timeline", "/team", "/plan"] {
        let r = t.get(&format!("/families/1{part}"), Some(lw)).await;
        assert_eq!(r.status, StatusCode::OK, "{part}: {}", r.body);
        all.push_str(&r.body);
    }
    all
}

async fn api(t: &TestApp, s: &Session) -> Value {
    let r = t.get("/api/families/1", Some(s)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

fn member_ids(api: &Value) -> Vec<i64> {
    api["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["person_id"].as_i64().unwrap())
        .collect()
}

fn problem_keys(api: &Value) -> Vec<String> {
    api["problem_list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["key"].as_str().unwrap().to_string())
        .collect()
}

/// The family references in the families workbook (the analyst's export).
async fn families_in_workbook(t: &TestApp, analyst: &Session) -> Vec<String> {
    xlsx_rows(&export_bytes(t, "/api/families/export.xlsx", analyst).await)
        .into_iter()
        .skip(1)
        .map(|r| r[1].clone())
        .collect()
}

/// Everything shown of Alice before, nothing while restricted, everything again once lifted.
async fn walk(t: &TestApp) {
    t.assign_directly(1, "lw1").await;
    let lw = t.sign_in("lw1").await;
    let analyst = t.sign_in("analyst").await;
    let igo = t.sign_in("igo").await;

    // Before: seen (and the run's facts cached, as on a server that has been up a while).
    let pages = lead_workers_pages(t, &lw).await;
    for alice in ALICE {
        assert!(pages.contains(alice), "{alice} before");
    }
    let lw_api = api(t, &lw).await;
    assert_eq!(member_ids(&lw_api), [101, 102]);
    assert!(lw_api.to_string().contains("OCC-0002"));
    assert_eq!(lw_api["timeline"].as_array().unwrap().len(), 2);
    assert!(problem_keys(&lw_api).contains(&"crime_asb".to_string()));
    let an_api = api(t, &analyst).await;
    assert_eq!(member_ids(&an_api), [101, 102]);
    assert!(an_api.to_string().contains("Police crime"));
    assert!(families_in_workbook(t, &analyst)
        .await
        .contains(&"1".to_string()));

    // Restricted, as the tester did it.
    let r = t
        .submit(
            "/rights/people/101/restrict",
            &igo,
            &[
                ("ground", "18-1-a"),
                ("reason", "accuracy contested"),
                ("received_how", "letter of 1 September 2025"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let done = t.get(r.location().unwrap(), Some(&igo)).await;
    assert!(
        done.body.contains("withheld from every family page"),
        "{}",
        done.body
    );

    // At once: nothing of hers on the lead worker's pages, only that a member is withheld.
    let pages = lead_workers_pages(t, &lw).await;
    for alice in ALICE {
        assert!(!pages.contains(alice), "{alice} shown while restricted");
    }
    assert!(!pages.contains("Person 101") && !pages.contains(">101</td>"));
    assert!(pages.contains("Restricted: details withheld"));
    assert!(pages.contains("id=\"restricted-members\""));
    // Bobby and his record are still there.
    assert!(pages.contains("Bobby Example") && pages.contains("OCC-0003"));
    // The API: the same.
    let lw_api = api(t, &lw).await;
    let text = lw_api.to_string();
    assert_eq!(member_ids(&lw_api), [102]);
    assert_eq!(lw_api["restricted_members"], 1);
    for alice in ALICE {
        assert!(!text.contains(alice), "{alice} in the API: {text}");
    }
    assert_eq!(lw_api["timeline"].as_array().unwrap().len(), 1);
    assert_eq!(lw_api["team"][0]["records"], 1);
    assert!(lw_api["relationships"].as_array().unwrap().is_empty());
    // Her evidence was the only evidence of crime: the problem is hers, and withheld.
    assert_eq!(problem_keys(&lw_api), ["school_attendance"]);
    // The analyst's pseudonymised views.
    let an_api = api(t, &analyst).await;
    assert_eq!(member_ids(&an_api), [102]);
    assert!(!an_api.to_string().contains("Police crime"));
    let an_members = t.get("/families/1/members", Some(&analyst)).await;
    assert!(!an_members.body.contains("Person 101") && !an_members.body.contains(">101</td>"));
    // Outcomes read the same view.
    let outcomes = t.get("/api/families/1/outcomes", Some(&lw)).await;
    assert!(!outcomes.body.contains("Alice"), "{}", outcomes.body);
    // The workbook leaves the family out.
    assert!(!families_in_workbook(t, &analyst)
        .await
        .contains(&"1".to_string()));
    // The officer's rights page still shows the restriction, so that it can be lifted.
    let page = t.get("/rights/people/101", Some(&igo)).await;
    assert!(page.body.contains("In force") && page.body.contains("Lift a restriction"));

    // Lifted: all back at once.
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
    let pages = lead_workers_pages(t, &lw).await;
    for alice in ALICE {
        assert!(pages.contains(alice), "{alice} after lifting");
    }
    assert!(!pages.contains("Restricted: details withheld"));
    let lw_api = api(t, &lw).await;
    assert_eq!(member_ids(&lw_api), [101, 102]);
    assert_eq!(lw_api["restricted_members"], 0);
    assert_eq!(lw_api["timeline"].as_array().unwrap().len(), 2);
    assert!(problem_keys(&lw_api).contains(&"crime_asb".to_string()));
    assert_eq!(member_ids(&api(t, &analyst).await), [101, 102]);
    assert!(families_in_workbook(t, &analyst)
        .await
        .contains(&"1".to_string()));
}

#[tokio::test]
async fn a_restriction_is_withheld_from_every_view_of_the_family_at_once_until_lifted() {
    let t = TestApp::new().await;
    walk(&t).await;
}

#[cfg(hearth_pg)]
#[tokio::test]
async fn a_restriction_is_withheld_at_once_on_postgresql() {
    let url = std::env::var("HEARTH_TEST_POSTGRES_URL").unwrap();
    let t = TestApp::postgres(&url).await;
    walk(&t).await;
    t.finish().await;
}
