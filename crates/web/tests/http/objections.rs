//! Issue 13: every file that leaves Hearth honours the objection register by its scope
//! (`hearth_governance::sharing`). An objection to all sharing takes the family out of the
//! families workbook and the family's key out of the claim return; an objection to research
//! only does neither, but takes the family out of the cohort's evaluation export. Person-
//! and family-level objections alike; each export audited with counts only.

use crate::claims::{prepare, result};
use crate::helpers::*;
use crate::listing::{export_bytes, xlsx_rows};
use axum::http::{Method, StatusCode};
use hearth_outcomes::ResultKind;
use serde_json::{json, Value};

/// A member of `family`, as the performance officer's API shows it.
async fn member_of(t: &TestApp, family: i64) -> i64 {
    let po = t.sign_in("po").await;
    let f: Value = serde_json::from_str(
        &t.get(&format!("/api/families/{family}"), Some(&po))
            .await
            .body,
    )
    .unwrap();
    f["members"][0]["person_id"].as_i64().unwrap()
}

/// Records an objection through the API; returns its key.
async fn object(t: &TestApp, kind: &str, id: i64, scope: &str) -> i64 {
    let igo = t.sign_in("igo").await;
    let r = t
        .request(
            Method::POST,
            "/api/objections",
            Some(&igo),
            Some((
                "application/json",
                json!({"subject_kind": kind, "subject_id": id, "scope": scope,
                       "received_on": "2025-09-01", "received_how": "letter"})
                .to_string(),
            )),
            &[("x-csrf-token", igo.csrf.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: Value = serde_json::from_str(&r.body).unwrap();
    v["id"].as_i64().unwrap_or_else(|| panic!("{}", r.body))
}

async fn withdraw(t: &TestApp, id: i64) {
    let igo = t.sign_in("igo").await;
    let r = t
        .submit(&format!("/objections/{id}/withdraw"), &igo, &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

/// The family IDs in the families workbook.
async fn families_in_workbook(t: &TestApp) -> Vec<String> {
    let analyst = t.sign_in("analyst").await;
    xlsx_rows(&export_bytes(t, "/api/families/export.xlsx", &analyst).await)
        .into_iter()
        .skip(1)
        .map(|r| r[1].clone())
        .collect()
}

/// The family cells of the claim return.
async fn families_in_claim_return(t: &TestApp) -> Vec<String> {
    let po = t.sign_in("po").await;
    let csv = t.get("/claims/export.csv", Some(&po)).await;
    assert_eq!(csv.status, StatusCode::OK);
    csv.body
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(4).unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_families_workbook_leaves_out_families_objecting_to_all_sharing_only() {
    let t = TestApp::new().await;
    assert_eq!(
        families_in_workbook(&t).await,
        ["1", "2"],
        "before any objection"
    );
    // A person of family 1 objects to research only; family 2 objects to all sharing.
    let a = object(&t, "person", member_of(&t, 1).await, "research").await;
    let b = object(&t, "family", 2, "all").await;
    assert_eq!(families_in_workbook(&t).await, ["1"]);
    // The other way round: a person of family 1 to all sharing, family 2 to research.
    withdraw(&t, a).await;
    withdraw(&t, b).await;
    object(&t, "person", member_of(&t, 1).await, "all").await;
    object(&t, "family", 2, "research").await;
    assert_eq!(families_in_workbook(&t).await, ["2"]);
    // Internal working views are not sharing: family 1 is still on the list on screen.
    let po = t.sign_in("po").await;
    let page = t.get("/api/families/1", Some(&po)).await;
    assert_eq!(page.status, StatusCode::OK);
    let audit = t.audit().await;
    assert!(
        audit.iter().any(|e| e.action == "export families list"
            && e.detail
                .starts_with("families list export: 1 kept, 1 left out")),
        "{:?}",
        audit
            .iter()
            .map(|e| (&e.action, &e.detail))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn the_claim_return_withholds_the_key_of_families_objecting_to_all_sharing() {
    let t = TestApp::new().await;
    prepare(
        &t,
        (1..=2)
            .map(|f| result(f, ResultKind::SignificantAndSustainedProgress))
            .collect(),
    )
    .await;
    assert_eq!(families_in_claim_return(&t).await, ["1", "2"]);
    let a = object(&t, "person", member_of(&t, 1).await, "all").await;
    let b = object(&t, "family", 2, "research").await;
    let cells = families_in_claim_return(&t).await;
    assert_eq!(cells, [hearth_web::claims::WITHHELD, "2"]);
    withdraw(&t, a).await;
    withdraw(&t, b).await;
    object(&t, "person", member_of(&t, 1).await, "research").await;
    object(&t, "family", 2, "all").await;
    assert_eq!(
        families_in_claim_return(&t).await,
        ["1", hearth_web::claims::WITHHELD]
    );
    let audit = t.audit().await;
    assert!(audit.iter().any(|e| e.action == "export claim return"
        && e.detail.contains("claim return: 1 kept, 1 left out")));
}

#[tokio::test]
async fn the_cohort_export_leaves_out_families_objecting_to_research_or_all_sharing() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    object(&t, "person", member_of(&t, 1).await, "research").await;
    let r = t.get("/progress/export.csv", Some(&po)).await;
    assert_eq!(r.status, StatusCode::OK);
    let audit = t.audit().await;
    let line = audit
        .iter()
        .rev()
        .find(|e| e.action == "export progress cohort: objections honoured")
        .expect("audited");
    assert!(
        line.detail
            .contains("1 people, 1 families under objection in scope research or all"),
        "{}",
        line.detail
    );
}

#[tokio::test]
async fn an_objection_already_in_force_is_not_recorded_twice() {
    let t = TestApp::new().await;
    let first = object(&t, "family", 1, "all").await;
    let igo = t.sign_in("igo").await;
    let again = |scope: &'static str| {
        let (t, igo) = (&t, &igo);
        async move {
            t.submit(
                "/objections",
                igo,
                &[
                    ("subject_kind", "family"),
                    ("subject_id", "1"),
                    ("scope", scope),
                    ("received_on", "2/9/2025"),
                    ("received_how", "phone"),
                ],
            )
            .await
        }
    };
    // The same again, and research use (which all sharing covers): refused, saying which.
    for scope in ["all", "research"] {
        let r = again(scope).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{scope}");
        assert!(
            r.body.contains(&format!(
                "An objection to all sharing from this family is already in force (objection {first}"
            )),
            "{scope}: {}",
            r.body
        );
    }
    let register: Value =
        serde_json::from_str(&t.get("/api/objections", Some(&igo)).await.body).unwrap();
    assert_eq!(
        register["objections"].as_array().unwrap().len(),
        1,
        "{register}"
    );
    // Once it is withdrawn, it may be recorded again.
    withdraw(&t, first).await;
    assert_eq!(again("research").await.status, StatusCode::SEE_OTHER);
}

/// The families page's download link and the workbook say how many families the file leaves
/// out and why (counts only): the link counts the families the file holds, and a sheet
/// "About this file" states the families left out.
#[tokio::test]
async fn the_families_download_says_how_many_families_it_leaves_out_and_why() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let page = t.get("/families", Some(&po)).await;
    assert!(
        page.body
            .contains("Download these 2 families as a spreadsheet"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("left out of it"));
    object(&t, "family", 2, "all").await;
    let page = t.get("/families", Some(&po)).await;
    assert!(
        page.body.contains("Download this family as a spreadsheet"),
        "{}",
        page.body
    );
    assert!(page.body.contains(
        ": 1 family in the list is left out of it because a member objects to sharing their \
         information or has asked for its use to be restricted"
    ));
    let bytes = export_bytes(&t, "/families/export.xlsx", &po).await;
    assert_eq!(xlsx_rows(&bytes).len(), 2, "header and family 1");
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let about: Vec<Vec<String>> = wb
        .worksheet_range("About this file")
        .unwrap()
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let text = about
        .iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join("\n");
    assert!(text.contains("This file lists 1 family"), "{text}");
    assert!(
        text.contains("1 family in the list was left out of this file because a member objects"),
        "{text}"
    );
    let count = about
        .iter()
        .find(|r| r[0].starts_with("Families left out"))
        .unwrap();
    assert_eq!(count[1], "1");
}
