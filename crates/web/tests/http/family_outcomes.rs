//! A family's outcomes (issue 12): its Outcomes page and `GET /api/families/{id}/outcomes`
//! show the latest judgement `hearth outcomes` kept — per problem where the family stands,
//! what is still missing, the earliest date it could count and the distance travelled; the
//! earliest date a claim could be made — with members named only for roles that may see
//! names; need to know and the audit as for the rest of the record.

use crate::helpers::*;
use axum::http::StatusCode;
use chrono::Utc;
use hearth_outcomes::{
    FamilyOutcome, FamilyResult, MeasureDistance, OutcomeEvidence, ProblemProgress, ProblemState,
    ResultKind,
};
use hearth_store::{Store, StoredOutcome, StoredResult};

/// Keeps a judgement of family 1 as at 1 September 2025: attendance in progress (member
/// `child` measured), crime absent at entry and not regressed; and, if `achieved`, a result
/// and someone (person 9001) who joined the household, recorded at its home by the DWP.
async fn judge(t: &TestApp, child: i64, achieved: bool) {
    let (a, o) = t.store_address();
    tokio::task::spawn_blocking(move || {
        let mut s = Store::open_with(&a, &o).unwrap();
        let results = if achieved {
            vec![FamilyResult {
                family_id: 1,
                kind: ResultKind::SignificantAndSustainedProgress,
                achieved_on: date(2025, 7, 22),
                problems: vec!["school_attendance".into()],
                evidence: Vec::new(),
                rules_hash: "ab".into(),
            }]
        } else {
            Vec::new()
        };
        let outcome = FamilyOutcome {
            family_id: 1,
            as_at: date(2025, 9, 1),
            results: results.clone(),
            problems: vec![
                ProblemProgress {
                    problem_key: "school_attendance".into(),
                    state: if achieved {
                        ProblemState::Achieved
                    } else {
                        ProblemState::InProgress
                    },
                    missing: if achieved {
                        Vec::new()
                    } else {
                        vec!["A third consecutive term at 85% attendance or more".into()]
                    },
                    earliest_on: Some(date(2025, 12, 19)),
                    distance: vec![MeasureDistance {
                        measure_key: "pupils_below_85_attendance".into(),
                        person_id: Some(child),
                        baseline: Some(71.25),
                        latest: Some(88.0),
                        threshold: 85.0,
                        higher_is_better: true,
                    }],
                },
                ProblemProgress {
                    problem_key: "crime".into(),
                    state: ProblemState::NotRegressed,
                    missing: Vec::new(),
                    earliest_on: None,
                    distance: Vec::new(),
                },
            ],
            earliest_claim_on: Some(date(2025, 12, 19)),
            joined: if achieved {
                vec![OutcomeEvidence {
                    problem_key: None,
                    measure_key: "joined_household".into(),
                    person_id: Some(9001),
                    from: date(2025, 3, 1),
                    to: date(2025, 9, 1),
                    baseline: None,
                    value: 1.0,
                    threshold: 0.0,
                    met: true,
                    record_ids: vec![1],
                    source: Some("dwp_followup".into()),
                }]
            } else {
                vec![]
            },
        };
        let stored = StoredOutcome {
            family_id: 1,
            as_at: outcome.as_at,
            rules_sha256: "ab".into(),
            earliest_claim_on: outcome.earliest_claim_on,
            outcome: serde_json::to_string(&outcome).unwrap(),
        };
        let results: Vec<StoredResult> = results
            .iter()
            .map(|r| StoredResult {
                family_id: 1,
                kind: r.kind.key().into(),
                achieved_on: r.achieved_on,
                rules_sha256: "ab".into(),
                found_as_at: date(2025, 9, 1),
                evidence: "[]".into(),
            })
            .collect();
        s.save_outcomes(&[stored], &results, Utc::now()).unwrap();
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_familys_outcomes_show_progress_what_is_missing_and_the_earliest_claim() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    let lw1 = t.sign_in("lw1").await;

    // Not judged yet: the page says so; the API answers null.
    let page = t.get("/families/1/outcomes", Some(&lw1)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("id=\"outcomes-none\""), "{}", page.body);
    assert!(page.body.contains("aria-current=\"page\">Outcomes</a>"));
    let r = t.get("/api/families/1/outcomes", Some(&lw1)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, "null");

    let family: serde_json::Value =
        serde_json::from_str(&t.get("/api/families/1", Some(&lw1)).await.body).unwrap();
    let member = &family["members"][0];
    let child = member["person_id"].as_i64().unwrap();
    let name = member["name"]
        .as_str()
        .expect("the lead worker sees names")
        .to_string();
    judge(&t, child, false).await;

    let page = t.get("/families/1/outcomes", Some(&lw1)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for want in [
        "In progress",
        "A third consecutive term at 85% attendance or more",
        "Could count towards a claim from 2025-12-19",
        "Not present at entry; no regression",
        "71.2",
        "88",
        "higher is better",
        name.as_str(),
    ] {
        assert!(page.body.contains(want), "{want}: {}", page.body);
    }
    assert!(page
        .body
        .contains("<dd class=\"govuk-summary-list__value\" id=\"earliest-claim\">2025-12-19</dd>"));
    let api: serde_json::Value =
        serde_json::from_str(&t.get("/api/families/1/outcomes", Some(&lw1)).await.body).unwrap();
    assert_eq!(api["earliest_claim_on"], "2025-12-19");
    assert_eq!(api["problems"][0]["state"], "in_progress");
    assert_eq!(api["problems"][0]["distance"][0]["who"], name.as_str());

    // The analyst sees the member by place in the family, never by name.
    let analyst = t.sign_in("analyst").await;
    let page = t.get("/families/1/outcomes", Some(&analyst)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(!page.body.contains(name.as_str()), "{}", page.body);
    assert!(page.body.contains("member 1 ("), "{}", page.body);
    assert!(!page.body.contains("id=\"joined\""), "no one joined yet");

    // Judged again with the result achieved.
    judge(&t, child, true).await;
    let page = t.get("/families/1/outcomes", Some(&lw1)).await;
    assert!(page.body.contains("Progress achieved"), "{}", page.body);
    assert!(
        page.body
            .contains("Significant and sustained progress on 2025-07-22"),
        "{}",
        page.body
    );
    // Someone who joined the household is listed, with when and who recorded them there.
    for want in [
        "People who joined the household",
        "Person 9001",
        "2025-03-01",
        "Dwp followup",
    ] {
        assert!(page.body.contains(want), "{want}: {}", page.body);
    }
    let api: serde_json::Value =
        serde_json::from_str(&t.get("/api/families/1/outcomes", Some(&lw1)).await.body).unwrap();
    assert_eq!(api["joined"][0]["person_id"], 9001);

    // Another family's lead worker may not see it; each view is audited as a part.
    let lw2 = t.sign_in("lw2").await;
    let r = t.get("/families/1/outcomes", Some(&lw2)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t.get("/api/families/1/outcomes", Some(&lw2)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let audit = t.audit().await;
    assert!(
        audit
            .iter()
            .any(|e| e.user_name == "lw1" && e.target_id == "1" && e.detail.contains("outcomes")),
        "{audit:?}"
    );
}

/// The worklessness measure of significant and sustained progress is named as the Outcomes
/// Plan the family was judged under titles it, not as the council's outcome measures title
/// the same key (continuous employment, the other result).
#[tokio::test]
async fn a_measure_is_named_as_the_outcomes_plan_it_was_judged_under_names_it() {
    let text = include_str!("../../../../rules/outcomes-cheshire-east-2015.toml");
    let plan = hearth_claims::RulesSnapshot::of("rules/outcomes.toml", text);
    let sha = plan.sha256.clone();
    let t = TestApp::with(move |c| c.outcomes_plan_file = Some(plan)).await;
    t.assign_directly(1, "lw1").await;
    let lw1 = t.sign_in("lw1").await;
    let (a, o) = t.store_address();
    tokio::task::spawn_blocking(move || {
        let outcome = FamilyOutcome {
            family_id: 1,
            as_at: date(2025, 9, 1),
            results: Vec::new(),
            problems: vec![ProblemProgress {
                problem_key: "worklessness".into(),
                state: ProblemState::InProgress,
                missing: Vec::new(),
                earliest_on: None,
                distance: vec![MeasureDistance {
                    measure_key: "continuous_employment".into(),
                    person_id: None,
                    baseline: Some(1.0),
                    latest: Some(0.0),
                    threshold: 0.0,
                    higher_is_better: false,
                }],
            }],
            earliest_claim_on: None,
            joined: Vec::new(),
        };
        let stored = StoredOutcome {
            family_id: 1,
            as_at: outcome.as_at,
            rules_sha256: sha,
            earliest_claim_on: None,
            outcome: serde_json::to_string(&outcome).unwrap(),
        };
        let mut s = Store::open_with(&a, &o).unwrap();
        s.save_outcomes(&[stored], &[], Utc::now()).unwrap();
    })
    .await
    .unwrap();
    let page = t.get("/families/1/outcomes", Some(&lw1)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("No adult on an out-of-work benefit"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("continuous employment"),
        "{}",
        page.body
    );
    let api: serde_json::Value =
        serde_json::from_str(&t.get("/api/families/1/outcomes", Some(&lw1)).await.body).unwrap();
    assert_eq!(
        api["problems"][0]["distance"][0]["measure"],
        "No adult on an out-of-work benefit"
    );
}
