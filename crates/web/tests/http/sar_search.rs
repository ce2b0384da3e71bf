//! Subject access (QA round "users", item 1): the search takes middle names and the unique
//! pupil number; rows a partner sent that were set aside at import (the quarantine) are
//! searched and put in the pack; and of a family's frozen baseline and claim evidence pack
//! only the subject's own parts are in it.

use crate::helpers::*;
use axum::http::StatusCode;
use chrono::{NaiveDate, Utc};
use hearth_model::{QuarantinedRow, Upn};
use hearth_outcomes::{OutcomeEvidence, ResultKind};
use hearth_store::{NewBaseline, NewBatch};

/// A valid unique pupil number.
fn upn() -> String {
    let body = b"801234567890";
    format!(
        "{}{}",
        Upn::check_letter(body).unwrap(),
        std::str::from_utf8(body).unwrap()
    )
}

/// Bobby Example (person 102) gets a middle name and a UPN; Carol Sample (201) becomes a
/// second Bobby Example born the same day; a school's file has three rows set aside: one
/// of Bobby's, one of a Bobby Example born another day, one of someone Hearth knows nothing
/// else about.
async fn seed(t: &TestApp) {
    let db = t.db_path.clone();
    let u = upn();
    tokio::task::spawn_blocking(move || {
        let c = rusqlite::Connection::open(db).unwrap();
        c.execute(
            "UPDATE identity SET middle_name = 'James', upn = ?1 WHERE given_name = 'Bobby'",
            [u],
        )
        .unwrap();
        c.execute_batch(
            "UPDATE identity SET given_name = 'Bobby', family_name = 'Example', \
             middle_name = 'John', date_of_birth = '2014-06-01' WHERE given_name = 'Carol';
             UPDATE person_identity SET given_name = 'Bobby', family_name = 'Example', \
             date_of_birth = '2014-06-01' WHERE given_name = 'Carol';",
        )
        .unwrap();
    })
    .await
    .unwrap();
    t.with_store(|s| {
        let batch = NewBatch {
            source: "school".into(),
            file_name: "attendance.csv".into(),
            file_sha256: "c".repeat(64),
            imported_by: "test".into(),
            imported_at: Utc::now(),
            rows_read: 3,
            source_name: Some("School".into()),
        };
        let row = |n: u64, cells: &[&str]| QuarantinedRow {
            source_row: n,
            field: Some("upn".into()),
            reason: "The UPN's check letter is wrong".into(),
            raw: cells.iter().map(|c| c.to_string()).collect(),
        };
        s.write_batch(
            &batch,
            &[],
            &[
                row(2, &["BOBBY", "EXAMPLE", "01/06/2014", "Room 4B"]),
                row(3, &["Bobby", "Example", "02/06/2014", "Room 9Z"]),
                row(4, &["Xena", "Quarantine", "5/5/2010", "7 Hidden Lane"]),
            ],
        )
        .unwrap();
    })
    .await;
}

#[tokio::test]
async fn the_search_takes_middle_names_and_the_upn_and_finds_rows_set_aside_at_import() {
    let t = TestApp::new().await;
    seed(&t).await;
    let igo = t.sign_in("igo").await;
    let page = t.get("/subject-access", Some(&igo)).await;
    for field in ["id=\"middle_name\"", "id=\"upn\""] {
        assert!(page.body.contains(field), "{field}: {}", page.body);
    }
    // Two Bobby Examples born on 1 June 2014: the middle name tells them apart.
    let by_name = |middle: &'static str| {
        vec![
            ("name", "Bobby Example"),
            ("middle_name", middle),
            ("date_of_birth", "1/6/2014"),
        ]
    };
    let r = t.submit("/subject-access", &igo, &by_name("")[..]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("2 people match"), "{}", r.body);
    let u = upn();
    for fields in [by_name("James"), vec![("upn", u.as_str())]] {
        let r = t.submit("/subject-access", &igo, &fields).await;
        assert_eq!(r.status, StatusCode::OK, "{fields:?}: {}", r.body);
        assert_eq!(
            r.header("content-disposition"),
            Some("attachment; filename=\"subject-access-person-102.html\"")
        );
        // His row set aside at import is in his pack; the other Bobby's is not.
        assert!(r.body.contains("Room 4B"), "{}", r.body);
        assert!(r.body.contains("set aside"), "{}", r.body);
        assert!(!r.body.contains("Room 9Z"), "{}", r.body);
        assert!(!r.body.contains("Hidden Lane"), "{}", r.body);
    }
    let r = t
        .submit("/subject-access", &igo, &[("upn", "A12345")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("href=\"#upn\""), "{}", r.body);

    // Someone held only in the quarantine is found, and their row is their pack.
    let r = t
        .submit(
            "/subject-access",
            &igo,
            &[("name", "Xena Quarantine"), ("date_of_birth", "5 May 2010")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r
        .header("content-disposition")
        .unwrap()
        .contains("subject-access-quarantine-"));
    assert!(r.body.contains("7 Hidden Lane"), "{}", r.body);
    assert!(!r.body.contains("Room 4B"), "{}", r.body);
    let audited = t
        .audit()
        .await
        .into_iter()
        .filter(|e| e.action == "subject access" && e.target_kind == "quarantine")
        .count();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn a_frozen_baseline_and_a_claims_evidence_pack_hold_only_the_subjects_parts() {
    let t = TestApp::new().await;
    t.with_store(|s| {
        s.freeze_baselines(
            &[NewBaseline {
                family_id: 1,
                attached_on: NaiveDate::from_ymd_opt(2025, 6, 1).unwrap(),
                attachment_ref: None,
                run_id: None,
                baseline: r#"{"family_id":1,"members":[{"person_id":101,"role":"adult"},{"person_id":102,"role":"child"}],"measures":[{"measure_key":"m","person_id":null,"value":5151},{"measure_key":"m","person_id":101,"value":5252},{"measure_key":"m","person_id":102,"value":5353}]}"#.into(),
            }],
            Utc::now(),
        )
        .unwrap();
    })
    .await;
    let mut claimed = crate::claims::result(1, ResultKind::SignificantAndSustainedProgress);
    let evidence = |person: Option<i64>, value: f64| OutcomeEvidence {
        person_id: person,
        value,
        ..claimed.evidence[0].clone()
    };
    claimed.evidence = vec![
        evidence(Some(101), 6161.0),
        evidence(Some(102), 6262.0),
        evidence(None, 6363.0),
    ];
    let batch = crate::claims::prepare(&t, vec![claimed])
        .await
        .batch_id
        .unwrap();
    let igo = t.sign_in("igo").await;
    let r = t
        .submit("/subject-access", &igo, &[("person", "102")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for his in ["5353", "6262"] {
        assert!(r.body.contains(his), "{his}: {}", r.body);
    }
    for not_his in ["5151", "5252", "6161", "6363"] {
        assert!(!r.body.contains(not_his), "{not_his}: {}", r.body);
    }
    assert!(r.body.contains("Only this person") && r.body.contains("own parts are shown"));
    // Internal material, not the person's data, is left out of the pack: the rules files'
    // hashes and text, and the partner file's hash (the seeded police file's).
    let claims_text = hearth_claims::ClaimRules::shipped_text();
    let rules_line = claims_text
        .lines()
        .find(|l| l.trim().len() > 30 && !l.contains(['"', '&', '<', '>', '\'', '\\']))
        .unwrap()
        .trim();
    let internal = [
        hearth_claims::sha256_hex("plan"),
        hearth_claims::sha256_hex(claims_text),
        "a".repeat(64),
    ];
    for format in ["html", "json"] {
        let r = t
            .submit(
                "/subject-access",
                &igo,
                &[("person", "102"), ("format", format)],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        for hash in &internal {
            assert!(!r.body.contains(hash.as_str()), "{format}: {hash}");
        }
        assert!(!r.body.contains(rules_line), "{format}: {rules_line}");
    }
    // Internal audit's view of the pack keeps them.
    let po = t.sign_in("po").await;
    let claims = t
        .get(&format!("/api/claims/batches/{batch}"), Some(&po))
        .await
        .body;
    let claims: serde_json::Value = serde_json::from_str(&claims).unwrap();
    let claim = claims["claims"][0]["id"].as_i64().unwrap();
    let pack = t.get(&format!("/api/claims/{claim}"), Some(&po)).await.body;
    for hash in &internal {
        assert!(pack.contains(hash.as_str()), "{hash}: {pack}");
    }
}

#[tokio::test]
async fn rules_keys_in_the_pack_read_in_words() {
    let t = TestApp::new().await;
    let igo = t.sign_in("igo").await;
    // Alice (person 101) is the family's evidence of crime: `crime_asb.police_crime`.
    for format in ["html", "json"] {
        let r = t
            .submit(
                "/subject-access",
                &igo,
                &[("person", "101"), ("format", format)],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("Crime asb: police crime"), "{}", r.body);
        assert!(!r.body.contains("crime_asb.police_crime"), "{}", r.body);
    }
}
