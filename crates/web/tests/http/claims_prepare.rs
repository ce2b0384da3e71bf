//! Preparing a claim batch on the claims page (issue 12): the performance officer picks a
//! window and the batch claims the results `hearth outcomes` kept in the store, showing what
//! was claimed and what was left out and why; a window not open today, no window or no
//! results are refused with the message beside the field; a second batch claims nothing
//! twice; nobody else may prepare one; each preparation is audited.

use crate::helpers::*;
use axum::http::StatusCode;
use chrono::{NaiveDate, Utc};
use hearth_claims::{ClaimRules, RulesSnapshot};
use hearth_outcomes::{Baseline, BaselineProblem, OutcomeEvidence, ResultKind};
use hearth_store::{NewBaseline, Store, StoredResult};

/// The shipped rules and a window open on the test clock's day (2 September 2025).
fn rules_text() -> String {
    format!(
        "{}\n[[window]]\nkey = \"2025-26-q2\"\nlabel = \"July to September 2025\"\n\
         opens = \"2025-07-01\"\ncloses = \"2025-09-30\"\nsource = \"default\"\n",
        ClaimRules::shipped_text()
    )
}

/// Families 1 and 2 attached and judged: family 1 made significant and sustained progress,
/// family 2 has continuous employment only from after today (so it waits).
async fn judged(t: &TestApp) {
    let (a, o) = t.store_address();
    tokio::task::spawn_blocking(move || {
        let mut s = Store::open_with(&a, &o).unwrap();
        let baseline = |family_id: i64| Baseline {
            family_id,
            attached_on: date(2024, 9, 2),
            run_id: None,
            members: Vec::new(),
            problems: vec![
                BaselineProblem {
                    key: "school_attendance".into(),
                    present: true,
                },
                BaselineProblem {
                    key: "crime".into(),
                    present: true,
                },
            ],
            indicators: Vec::new(),
            measures: Vec::new(),
        };
        let new = |family_id: i64| NewBaseline {
            family_id,
            attached_on: date(2024, 9, 2),
            attachment_ref: None,
            run_id: None,
            baseline: serde_json::to_string(&baseline(family_id)).unwrap(),
        };
        s.freeze_baselines(&[new(1), new(2)], Utc::now()).unwrap();
        let evidence = vec![OutcomeEvidence {
            problem_key: Some("school_attendance".into()),
            measure_key: "pupils_below_85_attendance".into(),
            person_id: Some(101),
            from: date(2024, 9, 2),
            to: date(2025, 7, 22),
            baseline: Some(71.0),
            value: 92.5,
            threshold: 85.0,
            met: true,
            record_ids: vec![1],
            source: None,
        }];
        let result = |family_id: i64, kind: ResultKind, on: NaiveDate| StoredResult {
            family_id,
            kind: kind.key().to_string(),
            achieved_on: on,
            rules_sha256: hearth_claims::sha256_hex("plan"),
            found_as_at: date(2025, 9, 1),
            evidence: serde_json::to_string(&evidence).unwrap(),
        };
        s.save_outcomes(
            &[],
            &[
                result(
                    1,
                    ResultKind::SignificantAndSustainedProgress,
                    date(2025, 7, 22),
                ),
                result(2, ResultKind::ContinuousEmployment, date(2025, 12, 1)),
            ],
            Utc::now(),
        )
        .unwrap();
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_batch_is_prepared_on_the_claims_page_from_the_results_in_the_store() {
    let text = rules_text();
    let t = TestApp::with(|c| {
        c.claim_rules = ClaimRules::from_toml(&text).unwrap();
        c.claim_rules_file = RulesSnapshot::of("rules/claims.toml", &text);
        c.outcomes_plan_file = Some(RulesSnapshot::of("rules/outcomes.toml", "plan"));
    })
    .await;
    t.assign_directly(1, "lw1").await;
    let po = t.sign_in("po").await;

    // The form offers the window open today, chosen.
    let page = t.get("/claims", Some(&po)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(
            "<option value=\"2025-26-q2\" selected>July to September 2025 (2025-07-01 to \
             2025-09-30)</option>"
        ),
        "{}",
        page.body
    );

    // No window; no results yet; a closed window: each refused beside the field.
    let r = t.submit("/claims/batches", &po, &[("window", "")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("govuk-error-summary") && r.body.contains("Select a claim window"));
    let r = t
        .submit("/claims/batches", &po, &[("window", "2025-26-q2")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.body.contains("There are no results to claim"),
        "{}",
        r.body
    );
    judged(&t).await;
    let r = t
        .submit("/claims/batches", &po, &[("window", "2016-17-q1")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.body
            .contains("The claim window &quot;2016-17-q1&quot; closed on 2016-06-30"),
        "{}",
        r.body
    );
    // Only the windows open today are offered.
    assert!(!r.body.contains("<option value=\"2016-17-q1\""));
    assert!(r.body.contains("<option value=\"2025-26-q2\""));

    // Nobody but the performance officer prepares a batch.
    for who in ["lw1", "analyst", "referrer"] {
        let s = t.sign_in(who).await;
        let r = t
            .submit("/claims/batches", &s, &[("window", "2025-26-q2")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }

    let claimed_cell = |body: &str| {
        let d: serde_json::Value = serde_json::from_str(body).unwrap();
        let panel = d["panels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == "claims")
            .cloned()
            .unwrap();
        assert_eq!(
            panel["rows"][0]["label"],
            "Significant and sustained progress"
        );
        panel["rows"][0]["cells"][0].as_str().unwrap().to_string()
    };
    let before = t.get("/api/dashboard", Some(&po)).await;
    assert_eq!(claimed_cell(&before.body), "0");

    // Family 1 is claimed; family 2's result is later than today, so it waits.
    let r = t
        .submit("/claims/batches", &po, &[("window", "2025-26-q2")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Claim batch 1 prepared"), "{}", r.body);
    assert!(
        r.body
            .contains("1 families claimed in July to September 2025: £800 in results payments"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("not achieved until 2025-12-01"),
        "{}",
        r.body
    );
    // The evidence pack holds the stored evidence and the family's problems at entry.
    let api: serde_json::Value =
        serde_json::from_str(&t.get("/api/claims/batches/1", Some(&po)).await.body).unwrap();
    assert_eq!(api["claims"][0]["family_id"], 1);
    let claim = api["claims"][0]["id"].as_i64().unwrap();
    let pack = t.get(&format!("/claims/{claim}"), Some(&po)).await;
    assert!(
        pack.body
            .contains("Every school-age child attends at least 85% of possible sessions"),
        "{}",
        pack.body
    );

    // The dashboard counts it (one family: withheld as under 5).
    let after = t.get("/api/dashboard", Some(&po)).await;
    assert_eq!(claimed_cell(&after.body), "[c]");

    // Again: nothing is claimed twice and no batch is written.
    let r = t
        .submit("/claims/batches", &po, &[("window", "2025-26-q2")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Nothing to claim"), "{}", r.body);
    assert!(
        r.body.contains("family 1 was already claimed"),
        "{}",
        r.body
    );
    let page = t.get("/claims", Some(&po)).await;
    assert!(!page.body.contains("/claims/batches/2\""), "{}", page.body);

    // The API: the same, with the reasons.
    let r = t
        .request(
            axum::http::Method::POST,
            "/api/claims/batches",
            Some(&po),
            Some((
                "application/json",
                r#"{"window": "2025-26-q2"}"#.to_string(),
            )),
            &[("x-csrf-token", po.csrf.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["batch_id"], serde_json::Value::Null);
    assert_eq!(v["passed_over"].as_array().unwrap().len(), 2, "{v}");
    let r = t
        .request(
            axum::http::Method::POST,
            "/api/claims/batches",
            Some(&po),
            Some((
                "application/json",
                r#"{"window": "2016-17-q1"}"#.to_string(),
            )),
            &[("x-csrf-token", po.csrf.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    let audit = t.audit().await;
    let prepared: Vec<_> = audit
        .iter()
        .filter(|e| e.action == "prepare claims")
        .collect();
    assert_eq!(prepared.len(), 3, "{audit:?}");
    assert_eq!(prepared[0].user_name, "po");
}

/// Attachment fees count every family attached to the programme (`Store::attachments`):
/// families attached by list (their baselines frozen) count whatever their cases say, as the
/// dashboard and the evaluation count them (the fees once read 0 beside families claimed for
/// results); a family only referred to a lead worker is not attached.
#[tokio::test]
async fn attachment_fees_count_the_families_attached_by_their_baselines() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    async fn payments(t: &TestApp, po: &Session) -> (u64, u64) {
        let v: serde_json::Value =
            serde_json::from_str(&t.get("/api/claims", Some(po)).await.body).unwrap();
        (
            v["payments"]["attached_families"].as_u64().unwrap(),
            v["payments"]["attachment_total"].as_u64().unwrap(),
        )
    }
    assert_eq!(payments(&t, &po).await, (0, 0));
    judged(&t).await;
    t.assign_directly(3, "lw1").await;
    assert_eq!(payments(&t, &po).await, (2, 2000));
    let page = t.get("/claims", Some(&po)).await;
    assert!(
        page.body.contains("(2 families attached at £1,000)"),
        "{}",
        page.body
    );
}
