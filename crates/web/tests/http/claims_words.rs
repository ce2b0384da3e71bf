//! A claim's evidence pack in words a reader needs (QA round "users", item 6): continuous
//! employment's figures say their unit, weeks in work.

use crate::claims::{prepare, result};
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
