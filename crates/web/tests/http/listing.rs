//! The performance officer's families list: search (name, reference, NHS number — names
//! and NHS numbers only for roles that may see identifiers), sorting, families named as
//! workers name them, the spreadsheet export, bulk assignment, the workload page and
//! unassigning with a reason; each through the API too, and each denial.

use crate::helpers::*;
use axum::http::{Method, StatusCode};

fn family_links(body: &str) -> Vec<i64> {
    body.match_indices("<a class=\"govuk-link\" href=\"/families/")
        .filter_map(|(i, _)| {
            let rest = &body[i + "<a class=\"govuk-link\" href=\"/families/".len()..];
            rest[..rest.find('"')?].parse().ok()
        })
        .collect()
}

#[tokio::test]
async fn families_are_named_as_workers_name_them_and_the_analyst_keeps_references() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let page = t.get("/families", Some(&po)).await;
    assert!(page.body.contains(">Example family</a>") && page.body.contains("Ref 1"));
    assert!(page.body.contains(">Sample family</a>"));
    let analyst = t.sign_in("analyst").await;
    let page = t.get("/families", Some(&analyst)).await;
    assert!(page.body.contains(">Family 1</a>") && !page.body.contains("Example"));
}

#[tokio::test]
async fn the_list_searches_by_name_reference_or_nhs_number_and_audits_it() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let r = t.get("/families?q=sample", Some(&po)).await;
    assert_eq!(family_links(&r.body), vec![2], "by family name, any case");
    let r = t.get("/families?q=Alice+EXAMPLE", Some(&po)).await;
    assert_eq!(family_links(&r.body), vec![1], "by whole name");
    let r = t.get("/families?q=2", Some(&po)).await;
    assert_eq!(family_links(&r.body), vec![2], "by reference");
    let r = t.get("/families?q=F1", Some(&po)).await;
    assert_eq!(family_links(&r.body), vec![1]);
    // Eve Third's family is not eligible: a search does not open it up.
    let r = t.get("/families?q=third", Some(&po)).await;
    assert!(family_links(&r.body).is_empty() && r.body.contains("0 families match"));
    // No seeded record has an NHS number: a number finds nobody.
    let r = t.get("/families?q=943+476+5919", Some(&po)).await;
    assert!(r.body.contains("0 families match"));
    let audit = t.audit().await;
    assert!(audit
        .iter()
        .any(|a| a.action == "list families" && a.detail.ends_with("searched by name")));
    assert!(audit
        .iter()
        .any(|a| a.action == "list families" && a.detail.ends_with("searched by NHS number")));
    assert!(
        !audit
            .iter()
            .any(|a| a.detail.to_lowercase().contains("sample")),
        "what was typed is not audited"
    );

    // The analyst searches by reference only, and is told so.
    let analyst = t.sign_in("analyst").await;
    let r = t.get("/families?q=sample", Some(&analyst)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("href=\"#q\"")
            && r.body
                .contains("your role does not see names or NHS numbers")
    );
    assert!(r.body.contains("id=\"q\""));
    let r = t.get("/families?q=2", Some(&analyst)).await;
    assert_eq!(family_links(&r.body), vec![2]);
    let api = t.get("/api/families?q=sample", Some(&analyst)).await;
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(v["unknown_filters"][0]["field"], "q");
}

#[tokio::test]
async fn the_list_sorts_by_its_columns() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    assert_eq!(
        family_links(&t.get("/families", Some(&po)).await.body),
        vec![1, 2]
    );
    let desc = t.get("/families?sort=family&dir=desc", Some(&po)).await;
    assert_eq!(family_links(&desc.body), vec![2, 1]);
    assert!(desc.body.contains("aria-sort=\"descending\""));
    let area = t.get("/families?sort=area&dir=desc", Some(&po)).await;
    assert_eq!(family_links(&area.body), vec![2, 1], "WA8 6 after WA7 2");
    let bad = t.get("/families?sort=shoe_size", Some(&po)).await;
    assert_eq!(family_links(&bad.body), vec![1, 2]);
    assert!(bad.body.contains("cannot be sorted by"));
    let api = t
        .get("/api/families?sort=priority&dir=desc", Some(&po))
        .await;
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(v["families"][0]["family_id"], 2);
}

pub(crate) fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range("Families").unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[tokio::test]
async fn the_list_exports_to_a_spreadsheet_with_names_only_for_roles_that_see_them() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let r = t
        .request(
            Method::GET,
            "/families/export.xlsx?problem=crime_asb",
            Some(&po),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r
        .header("content-disposition")
        .unwrap()
        .contains("families.xlsx"));
    // The body went through as text: read it again as bytes.
    let bytes = export_bytes(&t, "/families/export.xlsx?problem=crime_asb", &po).await;
    let rows = xlsx_rows(&bytes);
    assert_eq!(rows[0][2], "Family name");
    assert_eq!(rows.len(), 2, "header and family 1");
    assert_eq!(rows[1][1], "1");
    assert_eq!(rows[1][2], "Example family");
    let analyst = t.sign_in("analyst").await;
    let rows = xlsx_rows(&export_bytes(&t, "/api/families/export.xlsx", &analyst).await);
    assert_eq!(rows.len(), 3);
    assert!(!rows[0].iter().any(|h| h == "Family name"));
    assert!(!rows.iter().flatten().any(|c| c.contains("Example")));
    let audit = t.audit().await;
    assert!(audit
        .iter()
        .any(|a| a.action == "export families"
            && a.detail == "1 families exported with family names"));
    assert!(audit
        .iter()
        .any(|a| a.action == "export families"
            && a.detail == "2 families exported without identifiers"));
    let lw = t.sign_in("lw1").await;
    assert_eq!(
        t.get("/families/export.xlsx", Some(&lw)).await.status,
        StatusCode::FORBIDDEN
    );
}

/// The export's bytes (the helper's `Resp` keeps bodies as text).
pub(crate) async fn export_bytes(t: &TestApp, path: &str, s: &Session) -> Vec<u8> {
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
async fn bulk_assignment_assigns_all_or_none() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let lw1 = t.user_id("lw1").await.to_string();
    // Nothing chosen: both mistakes said, each linked to its field, nothing stored.
    let r = t
        .submit(
            "/families/assign",
            &po,
            &[("lead_worker", ""), ("back", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("href=\"#families\"") && r.body.contains("id=\"families\""));
    assert!(
        r.body.contains("href=\"#bulk_lead_worker\"") && r.body.contains("id=\"bulk_lead_worker\"")
    );
    // A family that is not in the list (3: not eligible) refuses the whole selection.
    let r = t
        .submit(
            "/families/assign",
            &po,
            &[
                ("family", "1"),
                ("family", "3"),
                ("lead_worker", &lw1),
                ("back", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Family 3 is not in the list"));
    assert!(
        r.body.contains("value=\"1\" checked"),
        "the selection is kept"
    );
    assert!(t.case(1).await.is_none(), "nothing half-stored");
    let r = t
        .submit(
            "/families/assign",
            &po,
            &[
                ("family", "1"),
                ("family", "2"),
                ("lead_worker", &lw1),
                ("back", "problem="),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/families?problem=&saved=assigned"));
    for f in [1, 2] {
        assert_eq!(
            t.case(f).await.unwrap().lead_worker_user_id,
            Some(lw1.parse().unwrap())
        );
    }
    // The API does the same.
    let lw2 = t.user_id("lw2").await;
    let csrf = [("x-csrf-token", po.csrf.as_str())];
    let body = Some((
        "application/json",
        format!("{{\"family_ids\": [2], \"lead_worker_user_id\": {lw2}}}"),
    ));
    let r = t
        .request(Method::POST, "/api/families/assign", Some(&po), body, &csrf)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(t.case(2).await.unwrap().lead_worker_user_id, Some(lw2));
    let body = Some((
        "application/json",
        "{\"family_ids\": [], \"lead_worker_user_id\": null}".to_string(),
    ));
    let r = t
        .request(Method::POST, "/api/families/assign", Some(&po), body, &csrf)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("family_ids") && r.body.contains("lead_worker_user_id"));
    // Only the performance officer.
    let analyst = t.sign_in("analyst").await;
    let r = t
        .submit(
            "/families/assign",
            &analyst,
            &[("family", "1"), ("lead_worker", &lw1)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_workload_page_counts_each_lead_workers_families() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    t.assign_directly(2, "lw1").await;
    let po = t.sign_in("po").await;
    let r = t.get("/workload", Some(&po)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let row = |name: &str| {
        let at = r.body.find(&format!(">{name}</a>")).unwrap();
        r.body[at..at + r.body[at..].find("</tr>").unwrap()].to_string()
    };
    assert!(row("Lee Worker").contains("govuk-table__cell--numeric\">2</td>"));
    assert!(row("Lou Otherworker").contains("govuk-table__cell--numeric\">0</td>"));
    assert!(r.body.contains("0 eligible families have no lead worker"));
    let api: serde_json::Value =
        serde_json::from_str(&t.get("/api/workload", Some(&po)).await.body).unwrap();
    let lee = api["lead_workers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "Lee Worker")
        .unwrap();
    assert_eq!(lee["open"], 2);
    let lw = t.sign_in("lw1").await;
    assert_eq!(
        t.get("/workload", Some(&lw)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        t.get("/api/workload", Some(&lw)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn unassigning_needs_a_reason_and_is_audited_with_it() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    let po = t.sign_in("po").await;
    let page = t.get("/families/1/unassign", Some(&po)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Example family") && page.body.contains("Lee Worker"));
    let r = t
        .submit("/families/1/unassign", &po, &[("reason", "  ")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("href=\"#reason\"") && r.body.contains("id=\"reason-error\""));
    assert!(
        t.case(1).await.unwrap().lead_worker_user_id.is_some(),
        "nothing changed"
    );
    let r = t
        .submit(
            "/families/1/unassign",
            &po,
            &[("reason", "Lee is on long-term leave")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(t.case(1).await.unwrap().lead_worker_user_id, None);
    let lw1 = t.user_id("lw1").await;
    assert!(t
        .audit()
        .await
        .iter()
        .any(|a| a.action == "unassign lead worker"
            && a.target_id == "1"
            && a.detail == format!("was user {lw1}: Lee is on long-term leave")));
    // The API, and the family not in the list.
    t.assign_directly(2, "lw2").await;
    let csrf = [("x-csrf-token", po.csrf.as_str())];
    let body = Some((
        "application/json",
        "{\"reason\": \"moved away\"}".to_string(),
    ));
    let r = t
        .request(
            Method::POST,
            "/api/families/2/unassign",
            Some(&po),
            body.clone(),
            &csrf,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(t.case(2).await.unwrap().lead_worker_user_id, None);
    let r = t
        .request(
            Method::POST,
            "/api/families/3/unassign",
            Some(&po),
            body,
            &csrf,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        t.get("/families/3/unassign", Some(&po)).await.status,
        StatusCode::NOT_FOUND
    );
    let lw = t.sign_in("lw1").await;
    assert_eq!(
        t.submit("/families/2/unassign", &lw, &[("reason", "x")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}
