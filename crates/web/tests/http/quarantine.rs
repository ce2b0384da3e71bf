//! The quarantine page for the data team: the rows not imported, by batch, and one batch's
//! rows as CSV; for the performance officer only, every read audited.

use crate::helpers::*;
use axum::http::StatusCode;
use chrono::TimeZone;
use hearth_model::QuarantinedRow;
use hearth_store::{NewBatch, Store};

/// Writes a `dwp` batch with two quarantined rows; returns its key.
fn quarantined_batch(t: &TestApp) -> i64 {
    let (address, options) = t.store_address();
    let mut store = Store::open_with(&address, &options).unwrap();
    let batch = NewBatch {
        source: "dwp".into(),
        file_name: "dwp-2025-08.csv".into(),
        file_sha256: "b".repeat(64),
        imported_by: "officer".into(),
        imported_at: chrono::Utc.with_ymd_and_hms(2025, 9, 1, 9, 0, 0).unwrap(),
        rows_read: 2,
        source_name: Some("DWP".into()),
    };
    let rows = [
        QuarantinedRow {
            source_row: 2,
            field: Some("DOB".into()),
            reason: r#"DOB "31/02/1980" is not a real date; use dd/mm/yyyy"#.into(),
            raw: vec!["D1".into(), "=HYPERLINK()".into(), "31/02/1980".into()],
        },
        QuarantinedRow {
            source_row: 3,
            field: None,
            reason: "no name or identifier".into(),
            raw: vec![String::new(), String::new(), "01/01/1980".into()],
        },
    ];
    store.write_batch(&batch, &[], &rows).unwrap().batch().id.0
}

#[tokio::test]
async fn the_data_team_sees_rows_not_imported_by_batch_and_downloads_them() {
    let t = TestApp::new().await;
    let id = quarantined_batch(&t);
    let po = t.sign_in("po").await;
    let r = t.get("/quarantine", Some(&po)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains("dwp-2025-08.csv (dwp): 2 of 2 rows not imported"),
        "{}",
        r.body
    );
    assert!(r.body.contains("is not a real date"), "{}", r.body);
    assert!(r.body.contains("no name or identifier"), "{}", r.body);
    assert!(
        r.body
            .contains(&format!("href=\"/quarantine/csv?batch={id}\"")),
        "{}",
        r.body
    );

    let r = t
        .get(&format!("/quarantine/csv?batch={id}"), Some(&po))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(
        r.header("content-disposition")
            .is_some_and(|d| d.contains(&format!("dwp-batch-{id}-quarantine.csv"))),
        "{:?}",
        r.headers
    );
    assert_eq!(
        r.body,
        "file,row,column,value,reason,cell 1,cell 2,cell 3\n\
         dwp-2025-08.csv,2,DOB,31/02/1980,\"DOB \"\"31/02/1980\"\" is not a real date; use dd/mm/yyyy\",D1,'=HYPERLINK(),31/02/1980\n\
         dwp-2025-08.csv,3,,,no name or identifier,,,01/01/1980\n"
    );
    // A batch that is not there, or not a number, is not found.
    for path in ["/quarantine/csv?batch=999", "/quarantine/csv?batch=x"] {
        assert_eq!(
            t.get(path, Some(&po)).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    // Every batch at once.
    let r = t.get("/quarantine/csv", Some(&po)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("dwp-2025-08.csv,3,"), "{}", r.body);
    // The reads are audited, with counts, never cells.
    let audit = t.audit().await;
    let viewed = audit
        .iter()
        .find(|e| e.action == "view quarantine")
        .unwrap();
    assert_eq!(viewed.detail, "1 batches, 2 rows");
    let downloads: Vec<(&str, &str, &str)> = audit
        .iter()
        .filter(|e| e.action == "download quarantine")
        .map(|e| {
            (
                e.target_kind.as_str(),
                e.target_id.as_str(),
                e.detail.as_str(),
            )
        })
        .collect();
    assert!(
        downloads.contains(&("batch", &id.to_string(), "2 rows")),
        "{downloads:?}"
    );
    assert!(
        downloads.contains(&("quarantine", "*", "2 rows")),
        "{downloads:?}"
    );
    assert!(!audit.iter().any(|e| e.detail.contains("31/02/1980")));
}

#[tokio::test]
async fn other_roles_are_refused_the_quarantine() {
    let t = TestApp::new().await;
    let id = quarantined_batch(&t);
    for name in ["lw1", "analyst", "igo", "admin"] {
        let s = t.sign_in(name).await;
        for path in [
            "/quarantine".to_string(),
            "/quarantine/csv".to_string(),
            format!("/quarantine/csv?batch={id}"),
        ] {
            let r = t.get(&path, Some(&s)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{name} {path}");
            assert!(!r.body.contains("31/02/1980"), "{name} {path}");
        }
    }
    // Not signed in: sent to sign in.
    let r = t.get("/quarantine", None).await;
    assert!(r.status.is_redirection(), "{}", r.status);
}
