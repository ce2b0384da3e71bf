//! A claim's evidence pack in words a reader needs (QA round "users", item 6): continuous
//! employment's figures say their unit, weeks in work; each measure is named as the Outcomes
//! Plan the result was judged under names it.

use crate::claims::{prepare, prepare_under, result};
use crate::helpers::*;
use axum::http::StatusCode;
use hearth_outcomes::ResultKind;

#[tokio::test]
async fn continuous_employment_is_shown_in_weeks() {
    let t = TestApp::new().await;
    let mut employed = result(2, ResultKind::ContinuousEmployment);
    employed.problems = vec!["worklessness".into()];
    let e = &mut employed.evidence[0];
    e.problem_key = None;
    e.measure_key = "continuous_employment".into();
    e.baseline = None;
    e.value = 26.0;
    e.threshold = 26.0;
    let batch = prepare(&t, vec![employed]).await.batch_id.unwrap();
    let po = t.sign_in("po").await;
    let api: serde_json::Value = serde_json::from_str(
        &t.get(&format!("/api/claims/batches/{batch}"), Some(&po))
            .await
            .body,
    )
    .unwrap();
    let claim = api["claims"][0]["id"].as_i64().unwrap();
    let page = t.get(&format!("/claims/{claim}"), Some(&po)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.body.matches(">26 weeks</td>").count(),
        2,
        "value and threshold: {}",
        page.body
    );
}

/// The worklessness measure of significant and sustained progress is named in the plan's
/// words ("No adult on an out-of-work benefit"), not as continuous employment, a result the
/// family did not claim; the two crime measures each by their own.
#[tokio::test]
async fn each_measure_of_a_pack_is_named_as_its_outcomes_plan_names_it() {
    const PLAN: &str = include_str!("../../../../rules/outcomes-cheshire-east-2015.toml");
    let t = TestApp::new().await;
    let mut progress = result(3, ResultKind::SignificantAndSustainedProgress);
    let template = progress.evidence[0].clone();
    for (problem, measure) in [
        ("worklessness", "continuous_employment"),
        ("crime_asb", "offending_and_asb"),
        ("crime_asb", "proven_youth_offences"),
    ] {
        let mut e = template.clone();
        e.problem_key = Some(problem.into());
        e.measure_key = measure.into();
        e.person_id = None;
        progress.evidence.push(e);
    }
    let batch = prepare_under(&t, vec![progress], PLAN)
        .await
        .batch_id
        .unwrap();
    let po = t.sign_in("po").await;
    let api: serde_json::Value = serde_json::from_str(
        &t.get(&format!("/api/claims/batches/{batch}"), Some(&po))
            .await
            .body,
    )
    .unwrap();
    let claim = api["claims"][0]["id"].as_i64().unwrap();
    let page = t.get(&format!("/claims/{claim}"), Some(&po)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for named in [
        ">No adult on an out-of-work benefit</td>",
        ">No crime or anti-social behaviour as suspect or offender</td>",
        ">No proven youth offence</td>",
    ] {
        assert_eq!(
            page.body.matches(named).count(),
            1,
            "{named}: {}",
            page.body
        );
    }
    assert!(
        !page.body.contains("continuous employment</td>"),
        "{}",
        page.body
    );
}
