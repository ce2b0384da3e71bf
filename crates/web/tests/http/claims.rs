//! Claims (issue 12): the performance officer's claims pages, the evidence pack frozen at
//! claim time, withdrawal with a reason, internal audit's sample and the auditor's spot check,
//! the claim return, and who may do what (lead workers, analysts and referrers cannot claim;
//! only the internal auditor records findings).

use crate::helpers::*;
use axum::http::StatusCode;
use chrono::{NaiveDate, Utc};
use hearth_claims::{ClaimRules, RulesSnapshot};
use hearth_outcomes::{FamilyResult, OutcomeEvidence, ResultKind};
use hearth_store::{NewUser, Store};
use hearth_web::claims::{prepare_claims, PrepareRequest, Prepared, ResultsFile};

async fn on_store<R: Send + 'static>(
    t: &TestApp,
    f: impl FnOnce(&mut Store) -> R + Send + 'static,
) -> R {
    let (a, o) = t.store_address();
    tokio::task::spawn_blocking(move || f(&mut Store::open_with(&a, &o).unwrap()))
        .await
        .unwrap()
}

pub(crate) fn result(family_id: i64, kind: ResultKind) -> FamilyResult {
    FamilyResult {
        family_id,
        kind,
        achieved_on: NaiveDate::from_ymd_opt(2016, 4, 20).unwrap(),
        problems: vec!["school_attendance".into()],
        evidence: vec![OutcomeEvidence {
            problem_key: Some("school_attendance".into()),
            measure_key: "pupils_below_85_attendance".into(),
            person_id: Some(101),
            from: NaiveDate::from_ymd_opt(2015, 9, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2016, 4, 20).unwrap(),
            baseline: Some(71.0),
            value: 92.5,
            threshold: 85.0,
            met: true,
            record_ids: vec![1],
            source: None,
        }],
        rules_hash: hearth_claims::sha256_hex("plan"),
    }
}

/// A baseline frozen on 2016-01-04 with two headline problems at entry (eligible).
pub(crate) fn eligible_baseline(family_id: i64) -> hearth_outcomes::Baseline {
    let problem = |key: &str, present| hearth_outcomes::BaselineProblem {
        key: key.into(),
        present,
    };
    hearth_outcomes::Baseline {
        family_id,
        attached_on: NaiveDate::from_ymd_opt(2016, 1, 4).unwrap(),
        run_id: None,
        members: Vec::new(),
        problems: vec![
            problem("school_attendance", true),
            problem("health", true),
            problem("crime_asb", false),
        ],
        indicators: Vec::new(),
        measures: Vec::new(),
    }
}

/// Prepares a batch in the window April to June 2016 for these results (as `hearth claims
/// prepare` does), each family eligible at attachment, and makes the auditor's account.
pub(crate) async fn prepare(t: &TestApp, results: Vec<FamilyResult>) -> Prepared {
    prepare_under(t, results, "plan").await
}

/// [`prepare`], the results judged under the Outcomes Plan `plan` (its text).
pub(crate) async fn prepare_under(
    t: &TestApp,
    results: Vec<FamilyResult>,
    plan: &'static str,
) -> Prepared {
    let baselines = results
        .iter()
        .map(|r| eligible_baseline(r.family_id))
        .collect();
    on_store(t, move |s| {
        if s.user_by_name("auditor").unwrap().is_none() {
            s.create_user(
                &NewUser {
                    user_name: "auditor".into(),
                    display_name: "Audrey Auditor".into(),
                    role: hearth_model::Role::Auditor,
                    password_hash: hearth_web::hash_password(PASSWORD).unwrap(),
                },
                Utc::now(),
            )
            .unwrap();
        }
        let rules = ClaimRules::shipped();
        prepare_claims(
            s,
            &PrepareRequest {
                rules: &rules,
                claim_rules: RulesSnapshot::of("rules/claims.toml", ClaimRules::shipped_text()),
                outcomes_plan: Some(RulesSnapshot::of("rules/outcomes.toml", plan)),
                window_key: "2016-17-q1",
                today: NaiveDate::from_ymd_opt(2016, 5, 3).unwrap(),
                now: Utc::now(),
                by: "po",
            },
            &mut ResultsFile {
                results,
                baselines,
                ..ResultsFile::default()
            },
        )
        .unwrap()
    })
    .await
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[tokio::test]
async fn the_claim_flow_from_batch_to_evidence_pack_to_withdrawal() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    let prepared = prepare(
        &t,
        vec![
            result(1, ResultKind::SignificantAndSustainedProgress),
            result(2, ResultKind::ContinuousEmployment),
        ],
    )
    .await;
    let batch = prepared.batch_id.unwrap();
    assert_eq!(prepared.claimed.len(), 2);
    let po = t.sign_in("po").await;

    let page = t.get("/claims", Some(&po)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("2 of 1930 families claimed for results (0%); 1928 can still be claimed"),
        "{}",
        page.body
    );
    assert!(page.body.contains("£1,600"), "results payments");
    // The shipped windows have all closed by the test's today: none is offered, and the page
    // says where windows come from.
    assert!(
        page.body.contains("No claim window is open today"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Prepare batch</button>"));
    assert!(page.body.contains(&format!("/claims/batches/{batch}\"")));

    let page = t.get(&format!("/claims/batches/{batch}"), Some(&po)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Continuous employment"));
    let api = json(
        &t.get(&format!("/api/claims/batches/{batch}"), Some(&po))
            .await
            .body,
    );
    let claim = api["claims"][0]["id"].as_i64().unwrap();
    assert_eq!(api["claims"][0]["family_id"], 1);

    // The evidence pack, printable, with the lead worker and the evidence as at the day.
    let page = t.get(&format!("/claims/{claim}"), Some(&po)).await;
    assert_eq!(page.status, StatusCode::OK);
    for want in [
        "Lee Worker",
        "2016-05-03",
        // The measure and the problem in words, not their keys.
        "Every school-age child attends at least 85% of possible sessions",
        "unchanged since the claim was made",
        "the plan the result was judged under",
        "Withdraw claim",
        // Traced to the partner's file and row, and the files read with their dates.
        "police: police.csv row 2",
        &"a".repeat(64),
        "Data read",
    ] {
        assert!(page.body.contains(want), "{want}: {}", page.body);
    }
    assert!(!page.body.contains(">pupils_below_85_attendance<"));
    assert!(!page.body.contains(">school_attendance<"));
    let before = json(&t.get(&format!("/api/claims/{claim}"), Some(&po)).await.body);

    // Later changes to the family (a new lead worker, a plan goal) leave the pack as it was.
    t.assign_directly(1, "lw2").await;
    let r = t
        .submit(
            "/families/1/plan/goals",
            &po,
            &[
                ("problem", "crime_asb"),
                ("measure", "offending_and_asb"),
                ("goal", "A goal set after the claim"),
                ("action", "a"),
                ("owner", "o"),
                ("due", "1 1 2030"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let after = json(&t.get(&format!("/api/claims/{claim}"), Some(&po)).await.body);
    assert_eq!(before["pack"], after["pack"]);
    assert_eq!(after["pack"]["lead_worker"], "Lee Worker");
    assert_eq!(after["pack_intact"], true);
    assert!(!t
        .get(&format!("/claims/{claim}"), Some(&po))
        .await
        .body
        .contains("A goal set after the claim"));

    // Claiming the family again is refused, naming the claim.
    let again = prepare(&t, vec![result(1, ResultKind::ContinuousEmployment)]).await;
    assert_eq!(again.batch_id, None);
    let why = again.passed_over[0].reason.to_string();
    assert!(
        why.contains(&format!(
            "family 1 was already claimed for significant and sustained progress (claim {claim} in batch {batch})"
        )),
        "{why}"
    );

    // Withdrawal needs a reason; then the claim stays, marked, and cannot be withdrawn twice.
    let r = t
        .submit(
            &format!("/claims/{claim}/withdraw"),
            &po,
            &[("reason", " ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Enter why the claim is withdrawn"));
    let r = t
        .submit(
            &format!("/claims/{claim}/withdraw"),
            &po,
            &[("reason", "Attendance return corrected")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = t.get(&format!("/claims/{claim}"), Some(&po)).await;
    assert!(page.body.contains("Withdrawn: Attendance return corrected"));
    assert!(!page.body.contains("Withdraw claim"));
    let page = t.get(&format!("/claims/batches/{batch}"), Some(&po)).await;
    assert!(
        page.body.contains("Withdrawn"),
        "withdrawn claims stay visible"
    );
    assert!(page.body.contains(&format!("/claims/{claim}\"")));
    let r = t
        .request(
            axum::http::Method::POST,
            &format!("/api/claims/{claim}/withdraw"),
            Some(&po),
            Some(("application/json", r#"{"reason": "again"}"#.into())),
            &[("x-csrf-token", &po.csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // The claim return lists both, the withdrawn one marked.
    let csv = t.get("/claims/export.csv", Some(&po)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv
        .body
        .starts_with("claim,batch,window,data_as_at,family,result"));
    assert!(csv.body.contains("withdrawn,"), "{}", csv.body);
    assert!(csv.body.contains("Attendance return corrected"));
    assert_eq!(csv.body.lines().count(), 3);
    let xlsx = t.get("/claims/export.xlsx", Some(&po)).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx
        .header("content-type")
        .unwrap()
        .contains("spreadsheetml"));

    // Every read of an evidence pack is audited.
    let audit = t.audit().await;
    assert!(audit
        .iter()
        .any(|e| e.action == "view claim evidence" && e.target_id == claim.to_string()));
    assert!(audit.iter().any(|e| e.action == "withdraw claim"));
}

#[tokio::test]
async fn the_internal_auditor_checks_the_sample_and_only_the_auditor_records_findings() {
    let t = TestApp::new().await;
    let prepared = prepare(
        &t,
        (1..=3)
            .map(|f| result(f, ResultKind::SignificantAndSustainedProgress))
            .collect(),
    )
    .await;
    let batch = prepared.batch_id.unwrap();
    let auditor = t.sign_in("auditor").await;
    let page = t
        .get(&format!("/claims/batches/{batch}/sample"), Some(&auditor))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // A batch smaller than the sample size is sampled whole; the same every time.
    let api = json(
        &t.get(
            &format!("/api/claims/batches/{batch}/sample"),
            Some(&auditor),
        )
        .await
        .body,
    );
    assert_eq!(api["claims"].as_array().unwrap().len(), 3);
    let again = json(
        &t.get(
            &format!("/api/claims/batches/{batch}/sample"),
            Some(&auditor),
        )
        .await
        .body,
    );
    assert_eq!(api, again);
    let claim = api["claims"][0]["id"].as_i64().unwrap();
    assert!(page.body.contains(&format!("/claims/{claim}/audit\"")));

    let form = t
        .get(&format!("/claims/{claim}/audit"), Some(&auditor))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Is the claimed result valid?"));
    // A fail needs notes.
    let r = t
        .submit(
            &format!("/claims/{claim}/audit"),
            &auditor,
            &[("outcome", "fail"), ("notes", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Enter what is wrong with the claim"));
    let r = t
        .submit(
            &format!("/claims/{claim}/audit"),
            &auditor,
            &[
                ("outcome", "fail"),
                ("notes", "No attendance return for term 3"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The finding is kept with the claim: on its evidence pack and in the batch.
    let po = t.sign_in("po").await;
    let page = t.get(&format!("/claims/{claim}"), Some(&po)).await;
    assert!(page.body.contains("No attendance return for term 3"));
    assert!(page.body.contains("by auditor"));
    let batch_page = t.get(&format!("/claims/batches/{batch}"), Some(&po)).await;
    assert!(batch_page.body.contains("Failed"));

    // Denials: the officer cannot record findings; the auditor cannot withdraw; lead
    // workers, analysts and referrers see no claims at all.
    let r = t
        .submit(
            &format!("/claims/{claim}/audit"),
            &po,
            &[("outcome", "pass"), ("notes", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        t.get(&format!("/claims/{claim}/audit"), Some(&po))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = t
        .submit(
            &format!("/claims/{claim}/withdraw"),
            &auditor,
            &[("reason", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    for who in ["lw1", "analyst", "referrer", "igo", "admin"] {
        let s = t.sign_in(who).await;
        for path in [
            "/claims".to_string(),
            format!("/claims/batches/{batch}"),
            format!("/claims/batches/{batch}/sample"),
            format!("/claims/{claim}"),
            "/claims/export.csv".to_string(),
            "/api/claims".to_string(),
            format!("/api/claims/{claim}"),
        ] {
            assert_eq!(
                t.get(&path, Some(&s)).await.status,
                StatusCode::FORBIDDEN,
                "{who} {path}"
            );
        }
        let r = t
            .submit(&format!("/claims/{claim}/withdraw"), &s, &[("reason", "x")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} withdraws");
        let r = t
            .submit(
                &format!("/claims/{claim}/audit"),
                &s,
                &[("outcome", "pass")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} records a finding");
    }
    // Not found: a claim or batch that does not exist.
    assert_eq!(
        t.get("/claims/999999", Some(&po)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.get("/claims/batches/999999", Some(&po)).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
async fn the_claim_flow_works_on_postgresql() {
    let url = std::env::var("HEARTH_TEST_POSTGRES_URL")
        .expect("HEARTH_TEST_POSTGRES_URL was set when this test was built but is not now");
    let t = TestApp::postgres(&url).await;
    t.assign_directly(1, "lw1").await;
    let prepared = prepare(
        &t,
        vec![result(1, ResultKind::SignificantAndSustainedProgress)],
    )
    .await;
    let batch = prepared.batch_id.unwrap();
    let po = t.sign_in("po").await;
    let api = json(
        &t.get(&format!("/api/claims/batches/{batch}"), Some(&po))
            .await
            .body,
    );
    let claim = api["claims"][0]["id"].as_i64().unwrap();
    let page = t.get(&format!("/claims/{claim}"), Some(&po)).await;
    assert!(page.body.contains("Lee Worker"));
    let auditor = t.sign_in("auditor").await;
    let r = t
        .submit(
            &format!("/claims/{claim}/audit"),
            &auditor,
            &[("outcome", "pass"), ("notes", "Checked")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = t
        .submit(
            &format!("/claims/{claim}/withdraw"),
            &po,
            &[("reason", "Duplicate family")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = t.get(&format!("/claims/batches/{batch}"), Some(&po)).await;
    assert!(page.body.contains("Withdrawn") && page.body.contains("Passed"));
    t.finish().await;
}

/// A batch with one claim (family 1), for other tests (the templates'): (batch, claim).
pub async fn a_claim(t: &TestApp) -> (i64, i64) {
    let prepared = prepare(
        t,
        vec![result(1, ResultKind::SignificantAndSustainedProgress)],
    )
    .await;
    let batch = prepared.batch_id.unwrap();
    let claim = on_store(t, move |s| s.claims_in_batch(batch, false).unwrap()[0].id).await;
    (batch, claim)
}
