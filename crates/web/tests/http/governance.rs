//! The information governance officer's pages and API: the objection register, the national
//! evaluation extract with its transfer log, the retention proof reports, and the cohort's
//! export with disclosure control. Each audited; each refused to other roles.

use crate::helpers::*;
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

async fn api_post(t: &TestApp, s: &Session, path: &str, body: Value) -> Resp {
    t.request(
        Method::POST,
        path,
        Some(s),
        Some(("application/json", body.to_string())),
        &[("x-csrf-token", s.csrf.as_str())],
    )
    .await
}

/// A member of family 1, as the performance officer's API shows it.
async fn a_person(t: &TestApp) -> String {
    let po = t.sign_in("po").await;
    let family: Value =
        serde_json::from_str(&t.get("/api/families/1", Some(&po)).await.body).unwrap();
    family["members"][0]["person_id"]
        .as_i64()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_objection_register_records_lists_and_withdraws_and_is_audited() {
    let t = TestApp::new().await;
    let person = a_person(&t).await;
    let igo = t.sign_in("igo").await;
    // Mistakes: each field named, nothing recorded.
    let r = t
        .submit(
            "/objections",
            &igo,
            &[
                ("subject_kind", "person"),
                ("subject_id", "x"),
                ("scope", ""),
                ("received_on", "32/01/2025"),
                ("received_how", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    for message in [
        "Enter the person&#x27;s or family&#x27;s ID as a number",
        "Select what they object to",
        // 32/01/2025 is typed but is no date.
        "The date received must be a real date",
        "Enter how it was received",
    ] {
        assert!(r.body.contains(message), "{message}: {}", r.body);
    }
    let unknown = t
        .submit(
            "/objections",
            &igo,
            &[
                ("subject_kind", "person"),
                ("subject_id", "999999"),
                ("scope", "research"),
                ("received_on", "1 September 2025"),
                ("received_how", "letter"),
            ],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert!(unknown
        .body
        .contains("There is no person or family with this ID"));
    // Recorded, with the date as typed.
    let r = t
        .submit(
            "/objections",
            &igo,
            &[
                ("subject_kind", "person"),
                ("subject_id", &person),
                ("scope", "research"),
                ("received_on", "1/9/2025"),
                ("received_how", "letter"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get("/objections", Some(&igo)).await;
    assert!(page.body.contains(&format!("Person {person}")));
    assert!(page.body.contains("1 September 2025, letter"));
    assert!(page.body.contains("Research (the national evaluation)"));
    // The API sees the same, and records a family's objection.
    let list: Value =
        serde_json::from_str(&t.get("/api/objections", Some(&igo)).await.body).unwrap();
    let id = list["objections"][0]["id"].as_i64().unwrap();
    let r = api_post(
        &t,
        &igo,
        "/api/objections",
        json!({"subject_kind": "family", "subject_id": 1, "scope": "all", "received_on": "2025-09-01", "received_how": "phone"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Withdrawn: kept, marked; a second withdrawal is not found.
    let r = t
        .submit(&format!("/objections/{id}/withdraw"), &igo, &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = t.get("/objections", Some(&igo)).await;
    assert!(page.body.contains("Withdrawn 2 September 2025 by igo"));
    let again = api_post(
        &t,
        &igo,
        &format!("/api/objections/{id}/withdraw"),
        json!({}),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    // Audited; other roles refused.
    let audit = t.audit().await;
    for action in [
        "record objection",
        "withdraw objection",
        "view objection register",
    ] {
        assert!(audit.iter().any(|e| e.action == action), "{action}");
    }
    let po = t.sign_in("po").await;
    let r = t
        .submit(
            "/objections",
            &po,
            &[("subject_kind", "person"), ("subject_id", &person)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_extract_is_made_for_the_recipients_key_downloaded_encrypted_and_logged() {
    let t = TestApp::new().await;
    let igo = t.sign_in("igo").await;
    let bad = t
        .submit("/extract", &igo, &[("recipient", "not a key")])
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad
        .body
        .contains("Enter the recipient&#x27;s age public key"));
    // A recipient's key (its private half stays with the recipient: here, a test's).
    let key = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
    let r = t.submit("/extract", &igo, &[("recipient", key)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("application/octet-stream"));
    assert!(r
        .header("content-disposition")
        .is_some_and(|d| d.starts_with("attachment; filename=")));
    assert!(r.body.starts_with("age-encryption.org/v1"));
    let log = t.get("/extract", Some(&igo)).await;
    assert!(
        log.body.contains("Transfer log: 1 extracts sent"),
        "{}",
        log.body
    );
    let api: Value =
        serde_json::from_str(&t.get("/api/extract/transfers", Some(&igo)).await.body).unwrap();
    assert_eq!(api["transfers"][0]["made_by"], "igo");
    let via_api = api_post(&t, &igo, "/api/extract", json!({"recipient": key})).await;
    assert_eq!(via_api.status, StatusCode::OK);
    assert!(via_api.body.starts_with("age-encryption.org/v1"));
    assert!(t
        .audit()
        .await
        .iter()
        .any(|e| e.action == "view transfer log"));
    // Nobody else.
    let po = t.sign_in("po").await;
    assert_eq!(
        t.submit("/extract", &po, &[("recipient", key)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn retention_proof_reports_are_shown_without_personal_data() {
    let t = TestApp::new().await;
    let (address, options) = t.store_address();
    tokio::task::spawn_blocking(move || {
        let mut s = hearth_store::Store::open_with(&address, &options).unwrap();
        let policy = hearth_governance::RetentionPolicy::parse(include_str!(
            "../../../../rules/retention.toml"
        ))
        .unwrap();
        let now = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2040, 1, 1, 2, 0, 0).unwrap();
        hearth_pipeline::retention::apply(
            &mut s,
            &policy,
            now.date_naive(),
            "hearth serve",
            now,
            false,
        )
        .unwrap();
    })
    .await
    .unwrap();
    let igo = t.sign_in("igo").await;
    let page = t.get("/retention", Some(&igo)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("by hearth serve"), "{}", page.body);
    assert!(page.body.contains("partner records"));
    // This server was not given a daily run: the page does not claim one.
    assert!(page.body.contains("does not run the policy by itself"));
    assert!(!page.body.contains("runs the policy every day"));
    assert!(!page.body.contains("Alice"), "no names");
    let api: Value =
        serde_json::from_str(&t.get("/api/retention/reports", Some(&igo)).await.body).unwrap();
    assert!(api["reports"][0]["total"].as_u64().unwrap() > 0);
    // Everything the borough held has expired by 2040: no family page has anyone left.
    let po = t.sign_in("po").await;
    let family: Value =
        serde_json::from_str(&t.get("/api/families/1", Some(&po)).await.body).unwrap();
    assert_eq!(
        family["members"].as_array().map_or(0, |m| m.len()),
        0,
        "{family}"
    );
}

#[tokio::test]
async fn the_cohorts_export_passes_disclosure_control() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let r = t.get("/progress/export.csv", Some(&po)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
    let mut lines = r.body.lines();
    assert_eq!(
        lines.next(),
        Some("Measure,Theme,Families,Better,No change,Worse,Mean first,Mean latest")
    );
    assert!(r.body.contains("All measures"));
    assert!(r.body.contains("[c] suppressed to protect confidentiality"));
    // No figure from 1 to 4 is shown.
    for line in r.body.lines().skip(1) {
        for cell in line.split(',').skip(2).take(4) {
            if let Ok(n) = cell.parse::<u64>() {
                assert!(n == 0 || n >= 5, "{line}");
            }
        }
    }
    assert!(t
        .audit()
        .await
        .iter()
        .any(|e| e.action == "export progress cohort"));
}

#[tokio::test]
async fn the_retention_page_previews_what_the_policy_would_destroy_and_destroys_nothing() {
    let policy =
        hearth_governance::RetentionPolicy::parse(include_str!("../../../../rules/retention.toml"))
            .unwrap();
    let t = TestApp::with(|c| c.retention_policy = Some(std::sync::Arc::new(policy))).await;
    // Ten years on, every partner record imported today is past its five years.
    t.advance(chrono::Duration::days(3653));
    let igo = t.sign_in("igo").await;
    let page = t.get("/retention", Some(&igo)).await;
    assert_eq!(page.status, StatusCode::OK);
    let table = &page.body[page
        .body
        .find("id=\"retention-preview\"")
        .expect("a preview")..];
    let table = &table[..table.find("</table>").unwrap()];
    let row = &table[table.find(">partner records<").expect("partner records")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains(">5 years<") && row.contains(">import<"),
        "{row}"
    );
    let numbers: Vec<u64> = row
        .split("govuk-table__cell--numeric\">")
        .skip(1)
        .map(|c| c[..c.find('<').unwrap()].parse().unwrap())
        .collect();
    assert_eq!(numbers.len(), 2, "{row}");
    assert!(numbers[0] > 0 && numbers[1] >= numbers[0], "{numbers:?}");
    assert!(!page.body.contains("Alice"), "no names");
    // Looking destroyed nothing, and the look is audited.
    let po = t.sign_in("po").await;
    let family: Value =
        serde_json::from_str(&t.get("/api/families/1", Some(&po)).await.body).unwrap();
    assert!(!family["members"].as_array().unwrap().is_empty());
    let audit = t.get("/audit", Some(&igo)).await.body;
    assert!(audit.contains("view retention preview"));

    // A service without a policy says so.
    let none = TestApp::new().await;
    let igo = none.sign_in("igo").await;
    let page = none.get("/retention", Some(&igo)).await.body;
    assert!(page.contains("No retention policy is configured"));
    assert!(!page.contains("retention-preview"));
}
