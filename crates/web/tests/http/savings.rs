//! The cost savings pages (issue 12): the cohort's figures as published (indicative said,
//! small counts suppressed, items the data cannot measure marked), the chart with its table,
//! the workbook, the API, a family's own section, and the audit of every view.

use crate::helpers::*;
use axum::http::StatusCode;

async fn bytes(t: &TestApp, path: &str, s: &Session) -> Vec<u8> {
    use tower::ServiceExt;
    let req = axum::http::Request::builder()
        .uri(path)
        .header("cookie", format!("hearth_session={}", s.token))
        .body(axum::body::Body::empty())
        .unwrap();
    let res = t.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec()
}

#[tokio::test]
async fn the_cohort_page_publishes_protected_indicative_figures_with_a_chart_and_its_table() {
    let t = TestApp::new().await;
    let s = t.sign_in("analyst").await;
    let r = t.get("/savings", Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK);
    let b = &r.body;
    // Nothing indicative is presented as verified.
    assert!(b.contains("Indicative figures"), "{b}");
    // Eight families attached for 12 months; the JSA item counted before and after.
    assert!(
        b.contains("8 families have been attached for 12 months"),
        "{b}"
    );
    assert!(b.contains("No. of adults claiming Job Seeker&#x27;s Allowance"));
    // Two families came off ESA: suppressed, with the money behind it.
    let esa = b
        .split("No. of adults claiming Employment and Support Allowance")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(esa.matches("[c]").count() >= 3, "{esa}");
    // An item the partners' files cannot measure is [x], not nothing.
    let fire = b
        .split("No. of deliberate fire incidents")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(fire.contains("[x]"), "{fire}");
    // The chart is an image with a name and a description, and its table follows.
    assert!(b.contains("role=\"img\" aria-labelledby=\"agency-chart-title agency-chart-desc\""));
    assert!(b.contains("<desc id=\"agency-chart-desc\">"));
    assert!(b.contains("Annual cost to each agency, before and after attachment</caption>"));
    assert!(b.contains("DWP &#x2f; HMRC"), "{b}");
    // The appraisal: return on investment and payback, the uncertainty of the change.
    assert!(b.contains("Fiscal return on investment"));
    assert!(b.contains("95% confidence interval"));
    // Audited, naming no family.
    let audit = t.audit().await;
    assert!(audit
        .iter()
        .any(|a| a.action == "view cost savings" && a.target_id == "*"));
}

#[tokio::test]
async fn the_workbook_and_the_api_carry_the_same_published_figures() {
    use calamine::{Reader, Xlsx};
    let t = TestApp::new().await;
    let s = t.sign_in("po").await;
    let wb = bytes(&t, "/savings.xlsx", &s).await;
    let mut x: Xlsx<_> = Xlsx::new(std::io::Cursor::new(wb)).unwrap();
    let readme: Vec<String> = x
        .worksheet_range("Read me")
        .unwrap()
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>())
        .collect();
    assert!(readme.iter().any(|c| c.starts_with("INDICATIVE")));
    assert!(!bytes(&t, "/api/savings.xlsx", &s).await.is_empty());
    let r = t.get("/api/savings", Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(
        v["cohort"]["families"],
        serde_json::json!({"kind": "shown", "value": 8})
    );
    let items = v["cohort"]["items"].as_array().unwrap();
    assert_eq!(items.iter().filter(|i| i["appendix"] == true).count(), 38);
    let esa = items.iter().find(|i| i["key"] == "esa_claimants").unwrap();
    assert_eq!(esa["families_before"]["kind"], "confidential");
    assert!(esa["cost_before"].is_null());
    assert!(v["status"].as_str().unwrap().starts_with("INDICATIVE"));
    assert!(v["cohort"]["appraisal"]["fiscal_roi"].as_f64().unwrap() > 0.0);
}

#[tokio::test]
async fn a_familys_section_shows_its_own_use_before_and_after_to_whoever_may_open_it() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    let s = t.sign_in("lw1").await;
    let r = t.get("/families/1/savings", Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Attached on 1 January 2024"), "{}", r.body);
    assert!(r.body.contains("No. of domestic violence incidents"));
    assert!(r.body.contains("aria-current=\"page\">Cost savings</a>"));
    let api = t.get("/api/families/1/savings", Some(&s)).await;
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(v["result"]["family_id"], 1);
    assert_eq!(v["items"]["jsa_claimants"]["sourced"], false);
    // Another lead worker's family: refused, and the refusal audited.
    let lw2 = t.sign_in("lw2").await;
    assert_eq!(
        t.get("/families/1/savings", Some(&lw2)).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(t
        .audit()
        .await
        .iter()
        .any(|a| a.action == "view family refused" && a.target_id == "1"));
    // A family in no savings run: the section says so; the API says 404.
    let po = t.sign_in("po").await;
    let r = t.get("/families/3/savings", Some(&po)).await;
    assert!(
        r.status == StatusCode::NOT_FOUND || r.body.contains("No cost savings for this family"),
        "{}",
        r.status
    );
}

#[tokio::test]
async fn an_item_whose_data_stop_before_the_months_after_end_is_not_measured_with_its_reach() {
    use calamine::{Reader, Xlsx};
    // The test run's housing file reaches 31 March 2024; the families' months after end on
    // 31 December 2024: evictions are not measured, not a saving.
    let t = TestApp::new().await;
    let s = t.sign_in("analyst").await;
    let b = t.get("/savings", Some(&s)).await.body;
    let row = b
        .split("No. of evictions")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(
        row.contains("not measured (data reach 31 March 2024)"),
        "{row}"
    );
    assert!(row.contains("[x]"), "{row}");
    assert!(b.contains("items have data that stop before"), "{b}");
    // The workbook says so with the reason.
    let po = t.sign_in("po").await;
    let wb = bytes(&t, "/savings.xlsx", &po).await;
    let mut x: Xlsx<_> = Xlsx::new(std::io::Cursor::new(wb)).unwrap();
    let items = x.worksheet_range("Items").unwrap();
    let eviction = items.rows().find(|r| r[0] == "No. of evictions").unwrap();
    assert_eq!(
        eviction[8].to_string(),
        "not measured (data reach 31 March 2024)"
    );
    assert_eq!(eviction[9].to_string(), "31 March 2024");
    // The family's section lists it.
    t.assign_directly(1, "lw1").await;
    let lw = t.sign_in("lw1").await;
    let f = t.get("/families/1/savings", Some(&lw)).await.body;
    assert!(f.contains("Not measured for this family"), "{f}");
    assert!(
        f.contains("No. of evictions: not measured (data reach 31 March 2024)"),
        "{f}"
    );
}
