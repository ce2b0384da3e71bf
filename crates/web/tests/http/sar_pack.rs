//! The subject access pack as the data protection officer sends it (QA round "roles", items
//! 1, 2 and 4): someone named only in a referral is found and their referral is in the
//! pack; the pack holds the subject's own data only (no other member's evidence or name, no
//! referrer's contact details, no partner file's row fingerprints or any other hash), in
//! plain English, with print styles that wrap wide tables; and the audit log's search by
//! person shows the views of their families, as the pack's "who viewed" section does.

use crate::helpers::*;
use axum::http::StatusCode;
use std::sync::Arc;

async fn app() -> TestApp {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../mappings");
    let mappings = hearth_intake::Mapping::load_dir(dir).unwrap();
    TestApp::with(move |c| c.mappings = hearth_web::Mappings(Arc::new(mappings))).await
}

/// Whether `text` holds 64 hexadecimal digits in a row (a SHA-256 or a chain hash).
fn has_hash(text: &str) -> bool {
    let mut run = 0;
    for c in text.chars() {
        run = if c.is_ascii_hexdigit() { run + 1 } else { 0 };
        if run >= 64 {
            return true;
        }
    }
    false
}

#[tokio::test]
async fn someone_named_only_in_a_referral_is_found_with_what_the_referral_says() {
    let t = app().await;
    let referrer = t.sign_in("referrer").await;
    let r = t
        .submit(
            "/referrals/new",
            &referrer,
            &[
                ("member_0_given_name", "Zoë"),
                ("member_0_family_name", "O'Brien-Ng"),
                ("member_0_date_of_birth", "27/3/2012"),
                ("member_0_address", "Flat 2 Rd"),
                ("member_0_postcode", "WA7 6DR"),
                ("member_0_relationship", "child"),
                ("member_1_given_name", "Maeve"),
                ("member_1_family_name", "Carrington"),
                ("member_1_date_of_birth", "1/1/1985"),
                ("member_1_address", "Flat 2 Rd"),
                ("member_1_postcode", "WA7 6DR"),
                ("member_1_relationship", "parent_or_carer"),
                ("consent", "given"),
                ("referrer_name", "Sam Sender"),
                ("referrer_organisation", "Halton Primary"),
                ("referrer_email", "sam.sender@example.org"),
                ("referrer_phone", "0161 496 0000"),
                ("problems", "health"),
                ("evidence_health", "Mum says she is struggling"),
                ("problems", "school_attendance"),
                ("evidence_school_attendance", "Attendance 70% this term"),
                ("action", "send"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let referral = r
        .location()
        .unwrap()
        .trim_end_matches("?saved=referral_sent")
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();

    let igo = t.sign_in("igo").await;
    for dob in ["27/3/2012", "27 3 2012"] {
        let r = t
            .submit(
                "/subject-access",
                &igo,
                &[("name", "Zoë O'Brien-Ng"), ("date_of_birth", dob)],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{dob}: {}", r.body);
        assert_eq!(
            r.header("content-disposition"),
            Some(
                format!("attachment; filename=\"subject-access-referral-{referral}.html\"")
                    .as_str()
            )
        );
        let body = &r.body;
        for want in [
            "the person named in referral",
            "O&#39;Brien-Ng",
            "2012-03-27",
            "Flat 2 Rd",
            "Mum says she is struggling",
            "Halton Primary",
        ] {
            assert!(body.contains(want), "{want}: {body}");
        }
        for other in [
            "Maeve",
            "Carrington",
            "sam.sender@example.org",
            "0161 496 0000",
        ] {
            assert!(!body.contains(other), "{other} is not hers: {body}");
        }
    }
    // As JSON too; a different name born the same day is nobody.
    let r = t
        .submit(
            "/subject-access",
            &igo,
            &[("name", "Zoë Smith"), ("date_of_birth", "27/3/2012")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Nobody matches"), "{}", r.body);
    let r = t
        .submit(
            "/subject-access",
            &igo,
            &[
                ("name", "Zoë O'Brien-Ng"),
                ("date_of_birth", "27/3/2012"),
                ("format", "json"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let doc: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(doc["held"]["person_id"], serde_json::Value::Null);
    assert_eq!(doc["held"]["referrals"][0].to_string(), referral);
    assert!(r.body.contains("Mum says she is struggling") && !r.body.contains("Maeve"));
    // Audited by the referral's key, never a name.
    let made: Vec<_> = t
        .audit()
        .await
        .into_iter()
        .filter(|e| e.action == "subject access")
        .collect();
    assert_eq!(made.len(), 3);
    assert!(made
        .iter()
        .all(|e| e.target_kind == "referral" && e.target_id == referral));
    assert!(made.iter().all(|e| !e.detail.contains("Zo")));
}

#[tokio::test]
async fn the_pack_holds_the_subjects_own_data_only_in_plain_english() {
    let t = app().await;
    let igo = t.sign_in("igo").await;
    // Person 102 (Bobby Example) is in family 1 with Alice (101), whose police record is
    // the family's evidence; a review pair compares their records.
    for format in ["html", "json"] {
        let r = t
            .submit(
                "/subject-access",
                &igo,
                &[("person", "102"), ("format", format)],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let body = &r.body;
        assert!(body.contains("Bobby"), "their own name: {body}");
        for other in ["Alice", "crime_asb.police_crime"] {
            assert!(
                !body.contains(other),
                "{format}: {other} is not his: {body}"
            );
        }
        assert!(!has_hash(body), "{format}: no fingerprint nor hash: {body}");
        assert!(!body.contains("row fingerprints") && !body.contains("row_fingerprints"));
        assert!(!body.contains("prev hash") && !body.contains("prev_hash"));
        assert!(
            body.contains("eligibility also rests on other members"),
            "{format}: says why other members are left out"
        );
        assert!(
            body.contains("another record"),
            "{format}: the review pair's other record"
        );
        assert!(
            body.contains("Rows set aside (failed checks)"),
            "{format}: plain English"
        );
    }
    let r = t
        .submit("/subject-access", &igo, &[("person", "102")])
        .await;
    assert!(
        r.body.contains("class=\"sar-pack\"")
            && r.body.contains("table-layout:fixed")
            && r.body.contains("overflow-wrap:anywhere"),
        "wide tables wrap, in print too: {}",
        r.body
    );
    // Person 101's pack has her own evidence (its rules key in words).
    let r = t
        .submit("/subject-access", &igo, &[("person", "101")])
        .await;
    assert!(r.body.contains("Crime asb: police crime"), "{}", r.body);
}

#[tokio::test]
async fn the_audit_search_by_person_shows_views_of_their_family() {
    let t = app().await;
    let po = t.sign_in("po").await;
    assert_eq!(
        t.get("/families/1/members", Some(&po)).await.status,
        StatusCode::OK
    );
    let igo = t.sign_in("igo").await;
    let page = t.get("/audit?person=102", Some(&igo)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("family 1, which they are a member of"),
        "the page says what it includes: {}",
        page.body
    );
    let views: Vec<&str> = page
        .body
        .split("<tr class=\"govuk-table__row\">")
        .filter(|row| row.contains(">po<") && row.contains(">family 1<"))
        .collect();
    assert!(
        !views.is_empty(),
        "the officer's view of his family: {}",
        page.body
    );
    // Another family's person: not those lines.
    let other = t.get("/audit?person=201", Some(&igo)).await;
    assert!(!other.body.contains(">family 1<"), "{}", other.body);
    // The export and the API follow the same rule, and so does the pack's section.
    let csv = t.get("/audit/export.csv?person=102", Some(&igo)).await;
    assert!(
        csv.body.contains(",po,") && csv.body.contains(",family,1,"),
        "{}",
        csv.body
    );
    let api = t.get("/api/audit?person=102", Some(&igo)).await;
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert!(json["lines"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["user_name"] == "po" && l["target_kind"] == "family" && l["target_id"] == "1"));
    assert!(json["covers"].as_str().unwrap().contains("family 1"));
    let pack = t
        .submit(
            "/subject-access",
            &igo,
            &[("person", "102"), ("format", "json")],
        )
        .await;
    let doc: serde_json::Value = serde_json::from_str(&pack.body).unwrap();
    let audit = doc["held"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["table"] == "audit_log")
        .unwrap();
    assert!(audit["rows"].to_string().contains("\"po\""), "{audit}");
}
