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

/// Family 1 judged against the Outcomes Plan: a family-wide measure (children in need cases,
/// 2 at attachment: one of them Alice's), Alice's and Bobby's own measures, a result and the
/// earliest date a claim could be made.
async fn judge_family_1(t: &TestApp) {
    use hearth_outcomes::{FamilyOutcome, FamilyResult, MeasureDistance, ProblemProgress};
    use hearth_outcomes::{ProblemState, ResultKind};
    let measure = |key: &str, person: Option<i64>, baseline: f64| MeasureDistance {
        measure_key: key.into(),
        person_id: person,
        baseline: Some(baseline),
        latest: Some(0.0),
        threshold: 0.0,
        higher_is_better: false,
    };
    let outcome = FamilyOutcome {
        family_id: 1,
        as_at: date(2025, 9, 1),
        results: vec![FamilyResult {
            family_id: 1,
            kind: ResultKind::SignificantAndSustainedProgress,
            achieved_on: date(2025, 7, 22),
            problems: vec!["crime_asb".into()],
            evidence: Vec::new(),
            rules_hash: "ab".into(),
        }],
        problems: vec![ProblemProgress {
            problem_key: "crime_asb".into(),
            state: ProblemState::Achieved,
            missing: vec!["A sixth month without an offence".into()],
            earliest_on: Some(date(2025, 12, 19)),
            distance: vec![
                measure("children_in_need_cases", None, 2.0),
                measure("alices_offences", Some(101), 3.0),
                measure("bobbys_absences", Some(102), 4.0),
            ],
        }],
        earliest_claim_on: Some(date(2025, 12, 19)),
        joined: Vec::new(),
    };
    let stored = hearth_store::StoredOutcome {
        family_id: 1,
        as_at: outcome.as_at,
        rules_sha256: "ab".into(),
        earliest_claim_on: outcome.earliest_claim_on,
        outcome: serde_json::to_string(&outcome).unwrap(),
    };
    t.with_store(move |s| s.save_outcomes(&[stored], &[], chrono::Utc::now()).unwrap())
        .await;
}

/// A claim for family 1 with evidence of Alice's, Bobby's and the whole family's measures.
async fn claim_family_1(t: &TestApp) -> i64 {
    use hearth_outcomes::ResultKind;
    let mut result = crate::claims::result(1, ResultKind::SignificantAndSustainedProgress);
    let alices = result.evidence[0].clone();
    let bobbys = hearth_outcomes::OutcomeEvidence {
        person_id: Some(102),
        measure_key: "bobbys_measure".into(),
        ..alices.clone()
    };
    let familys = hearth_outcomes::OutcomeEvidence {
        person_id: None,
        measure_key: "familys_measure".into(),
        ..alices
    };
    result.evidence.extend([bobbys, familys]);
    let batch = crate::claims::prepare(t, vec![result])
        .await
        .batch_id
        .unwrap();
    let po = t.sign_in("po").await;
    let api: Value = serde_json::from_str(
        &t.get(&format!("/api/claims/batches/{batch}"), Some(&po))
            .await
            .body,
    )
    .unwrap();
    api["claims"][0]["id"].as_i64().unwrap()
}

/// The family-level figures a restricted member's records count in: Outcomes, Cost savings
/// (pages and API) and a claim's evidence pack.
struct Figures {
    outcomes: String,
    outcomes_api: Value,
    savings: String,
    savings_api: Value,
    pack: String,
    pack_api: Value,
}

async fn ok_body(t: &TestApp, path: &str, s: &Session) -> String {
    let r = t.get(path, Some(s)).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    r.body
}

async fn figures(t: &TestApp, lw: &Session, po: &Session, claim: i64) -> Figures {
    let json = |body: String| serde_json::from_str::<Value>(&body).unwrap();
    Figures {
        outcomes: ok_body(t, "/families/1/outcomes", lw).await,
        outcomes_api: json(ok_body(t, "/api/families/1/outcomes", lw).await),
        savings: ok_body(t, "/families/1/savings", lw).await,
        savings_api: json(ok_body(t, "/api/families/1/savings", lw).await),
        pack: ok_body(t, &format!("/claims/{claim}"), po).await,
        pack_api: json(ok_body(t, &format!("/api/claims/{claim}"), po).await),
    }
}

const WITHHELD: &str =
    "Some figures are withheld while a restriction on a family member&#x27;s data is in force.";

/// Everything of the family's figures shown: as before a restriction and after it is lifted.
fn all_shown(f: &Figures) {
    for want in [
        "The family</td>",
        "Significant and sustained progress on 2025-07-22",
        ">2025-12-19</dd>",
        "A sixth month without an offence",
        "Alice Example",
        "Bobby Example",
    ] {
        assert!(f.outcomes.contains(want), "{want}: {}", f.outcomes);
    }
    assert!(!f.outcomes.contains("figures-withheld"));
    assert_eq!(
        f.outcomes_api["problems"][0]["distance"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(f.outcomes_api["problems"][0]["state"], "achieved");
    assert!(f.outcomes_api["withheld"].is_null());
    assert!(
        f.savings.contains("No. of domestic violence incidents"),
        "{}",
        f.savings
    );
    assert!(!f.savings.contains("figures-withheld"));
    assert_eq!(f.savings_api["result"]["family_id"], 1);
    for want in [
        "Person 101",
        "Person 102",
        ">Family</td>",
        "School attendance",
    ] {
        assert!(f.pack.contains(want), "{want}: {}", f.pack);
    }
    assert_eq!(
        f.pack_api["pack"]["result"]["evidence"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert!(f.pack_api["withheld"].is_null());
    assert_eq!(f.pack_api["pack_intact"], true);
}

#[tokio::test]
async fn family_level_figures_that_count_a_restricted_members_records_are_withheld_until_lifted() {
    let t = TestApp::new().await;
    figures_walk(&t).await;
}

#[cfg(hearth_pg)]
#[tokio::test]
async fn family_level_figures_are_withheld_on_postgresql() {
    let url = std::env::var("HEARTH_TEST_POSTGRES_URL").unwrap();
    let t = TestApp::postgres(&url).await;
    figures_walk(&t).await;
    t.finish().await;
}

/// Outcomes, savings and a claim's pack before, while and after Alice is restricted.
async fn figures_walk(t: &TestApp) {
    t.assign_directly(1, "lw1").await;
    judge_family_1(t).await;
    let claim = claim_family_1(t).await;
    let (lw, po, igo) = (
        t.sign_in("lw1").await,
        t.sign_in("po").await,
        t.sign_in("igo").await,
    );
    all_shown(&figures(t, &lw, &po, claim).await);

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

    // Outcomes: the sentence; no result, claim date, state, what is missing or family-wide
    // measure (each counts her records); Bobby's own measure stays.
    let f = figures(t, &lw, &po, claim).await;
    assert!(f.outcomes.contains(WITHHELD), "{}", f.outcomes);
    for gone in [
        "The family</td>",
        "Significant and sustained progress",
        "2025-12-19",
        "A sixth month without an offence",
        "Progress achieved",
        "Alice",
    ] {
        assert!(
            !f.outcomes.contains(gone),
            "{gone} while restricted: {}",
            f.outcomes
        );
    }
    assert!(f.outcomes.contains("Bobby Example"));
    let api = &f.outcomes_api;
    assert_eq!(
        api["withheld"],
        "Some figures are withheld while a restriction on a family member's data is in force."
    );
    assert!(api["results"].as_array().unwrap().is_empty());
    assert!(api["earliest_claim_on"].is_null() && api["problems"][0]["state"].is_null());
    let distance = api["problems"][0]["distance"].as_array().unwrap();
    assert_eq!(distance.len(), 1);
    assert_eq!(distance[0]["measure_key"], "bobbys_absences");
    // Cost savings: the family's use counts her records; withheld, pages and API.
    assert!(f.savings.contains(WITHHELD), "{}", f.savings);
    for gone in ["No. of domestic violence incidents", "Cost to each agency"] {
        assert!(
            !f.savings.contains(gone),
            "{gone} while restricted: {}",
            f.savings
        );
    }
    assert!(f.savings_api["result"].is_null());
    assert!(f.savings_api.get("items").is_none());
    assert!(f.savings_api["withheld"].is_string());
    // The claim's evidence pack, kept as frozen (still intact), is shown without her
    // measures, the family's or the problems at entry.
    assert!(f.pack.contains(WITHHELD), "{}", f.pack);
    assert!(!f.pack.contains("Person 101") && !f.pack.contains(">Family</td>"));
    assert!(f.pack.contains("Person 102"));
    let evidence = f.pack_api["pack"]["result"]["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 1);
    assert_eq!(evidence[0]["person_id"], 102);
    assert!(f.pack_api["pack"]["result"]["problems"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(f.pack_api["pack_intact"], true);

    // Lifted: every figure back at once.
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
    all_shown(&figures(t, &lw, &po, claim).await);
}
