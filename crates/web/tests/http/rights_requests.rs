//! A person's requests on the information governance officer's pages and API (issue 13):
//! find the person from Subject access, correct an identifier, restrict processing, lift the
//! restriction, erase (with a confirmation step) — each through the pipeline's one path, each
//! audited by key only; hostile input told beside its field with nothing written; nobody else
//! may see or post any of it; an erased person does not come back on a re-import.

use crate::helpers::*;
use axum::http::{Method, StatusCode};
use hearth_store::Store;

/// Eve Third (person 301, family 3, born 1 January 1970), a police record.
const EVE: &str = "301";

async fn given_names(t: &TestApp, person: i64) -> Vec<String> {
    t.with_store(move |s| {
        s.identifier_values(person)
            .unwrap()
            .map(|v| v.values[0].1.clone())
            .unwrap_or_default()
    })
    .await
}

fn summary_links_to(body: &str, fields: &[&str]) {
    assert!(body.contains("govuk-error-summary"), "{body}");
    for f in fields {
        assert!(
            body.contains(&format!("href=\"#{f}\"")),
            "summary links {f}: {body}"
        );
        assert!(
            body.contains(&format!("id=\"{f}-error\"")),
            "message beside {f}: {body}"
        );
    }
}

/// The whole walk on one store: find, rectify, restrict, lift, erase; then a re-import.
async fn walk(t: &TestApp) {
    let igo = t.sign_in("igo").await;

    // Found from the Subject access page by name and date of birth as people type it.
    let r = t
        .submit(
            "/subject-access",
            &igo,
            &[
                ("name", "Eve Third"),
                ("date_of_birth", "01/01/1970"),
                ("action", "find"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/rights/people/301"));
    let r = t
        .submit(
            "/subject-access",
            &igo,
            &[("person", "999999"), ("action", "find")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("Hearth holds no person 999999"),
        "{}",
        r.body
    );

    let page = t.get("/rights/people/301", Some(&igo)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for want in [
        "Eve",
        "Third",
        "1970-01-01",
        "Correct an identifier",
        "Restrict processing",
        "Erase",
    ] {
        assert!(page.body.contains(want), "{want}: {}", page.body);
    }
    assert!(
        !page.body.contains("Lift a restriction"),
        "nothing to lift yet"
    );

    // Correct an identifier: every mistake at once, beside its field; what was typed kept;
    // nothing written.
    let r = t
        .submit(
            "/rights/people/301/rectify",
            &igo,
            &[("field", ""), ("value", ""), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    summary_links_to(&r.body, &["field", "reason"]);
    let r = t
        .submit(
            "/rights/people/301/rectify",
            &igo,
            &[
                ("field", "nhs_number"),
                ("value", "943 476 5918"),
                ("reason", "letter"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    summary_links_to(&r.body, &["value"]);
    assert!(r.body.contains("valid check digit"), "{}", r.body);
    assert!(
        r.body.contains("value=\"943 476 5918\""),
        "what was typed stays"
    );
    let r = t
        .submit(
            "/rights/people/301/rectify",
            &igo,
            &[("field", "sex"), ("value", "F"), ("reason", "x")],
        )
        .await;
    assert!(
        r.body.contains("Select the identifier to correct"),
        "{}",
        r.body
    );
    let long = "a".repeat(501);
    let r = t
        .submit(
            "/rights/people/301/rectify",
            &igo,
            &[
                ("field", "given_name"),
                ("value", &long),
                ("reason", &"b".repeat(2001)),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    summary_links_to(&r.body, &["value", "reason"]);
    assert!(r.body.contains("2000 characters or fewer"), "{}", r.body);
    let r = t
        .submit(
            "/rights/people/301/rectify",
            &igo,
            &[
                ("field", "date_of_birth"),
                ("value", "31/02/1970"),
                ("reason", "x"),
            ],
        )
        .await;
    assert!(r.body.contains("real date"), "{}", r.body);
    let r = t
        .submit(
            "/rights/people/999999/rectify",
            &igo,
            &[("field", "given_name"), ("value", "Eva"), ("reason", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "an unknown person");
    assert_eq!(given_names(t, 301).await, ["Eve"], "nothing half-written");

    // Corrected, with a date typed as people write it.
    let r = t
        .submit(
            "/rights/people/301/rectify",
            &igo,
            &[
                ("field", "date_of_birth"),
                ("value", "02/01/1970"),
                ("reason", "birth certificate seen"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/rights/people/301?done=rectified"));
    let page = t.get("/rights/people/301?done=rectified", Some(&igo)).await;
    assert!(
        page.body.contains("1970-01-02") && !page.body.contains("1970-01-01"),
        "{}",
        page.body
    );
    assert!(page.body.contains("The next linkage run uses it"));
    let r = t
        .submit(
            "/rights/people/301/rectify",
            &igo,
            &[
                ("field", "given_name"),
                ("value", " Eva  "),
                ("reason", "deed poll"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(given_names(t, 301).await, ["Eva"]);

    // Restrict processing.
    let r = t
        .submit(
            "/rights/people/301/restrict",
            &igo,
            &[("ground", "17-1-a"), ("reason", " "), ("received_how", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    summary_links_to(&r.body, &["ground", "reason", "received_how"]);
    let r = t
        .submit(
            "/rights/people/301/restrict",
            &igo,
            &[
                ("ground", "18-1-a"),
                ("reason", "accuracy contested"),
                ("received_how", "letter of 1 September 2025"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get("/rights/people/301", Some(&igo)).await;
    assert!(
        page.body.contains("In force") && page.body.contains("letter of 1 September 2025"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Lift a restriction"));
    let restriction: i64 = t.with_store(|s| s.restrictions(301).unwrap()[0].id).await;

    // Lift it.
    let r = t
        .submit(
            "/rights/people/301/lift",
            &igo,
            &[("restriction", "abc"), ("reason", ""), ("received_how", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    summary_links_to(&r.body, &["restriction", "reason", "received_how"]);
    let r = t
        .submit(
            "/rights/people/301/lift",
            &igo,
            &[
                ("restriction", "999"),
                ("reason", "checked"),
                ("received_how", "email"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("Select a restriction of this person"),
        "{}",
        r.body
    );
    let r = t
        .submit(
            "/rights/people/301/lift",
            &igo,
            &[
                ("restriction", &restriction.to_string()),
                ("reason", "accuracy checked"),
                ("received_how", "email"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        !t.with_store(|s| s.restrictions(301).unwrap()[0].in_force())
            .await
    );

    // Erase: the request, the confirmation (what goes, the tombstone), then the result.
    let r = t
        .submit(
            "/rights/people/301/erase",
            &igo,
            &[("ground", "18-1-a"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    summary_links_to(&r.body, &["ground", "reason"]);
    let r = t
        .submit(
            "/rights/people/301/erase",
            &igo,
            &[
                ("ground", "17-1-c"),
                ("reason", "objected, no overriding grounds"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for want in [
        "Check the erasure",
        "1 partner record",
        "tombstone",
        "Erase person 301",
        "name=\"confirm\" value=\"yes\"",
    ] {
        assert!(r.body.contains(want), "{want}: {}", r.body);
    }
    assert_eq!(
        given_names(t, 301).await,
        ["Eva"],
        "nothing removed before confirming"
    );
    let r = t
        .submit(
            "/rights/people/301/erase",
            &igo,
            &[
                ("ground", "17-1-c"),
                ("reason", "objected, no overriding grounds"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Person 301 erased"), "{}", r.body);
    assert_eq!(
        t.get("/rights/people/301", Some(&igo)).await.status,
        StatusCode::NOT_FOUND
    );

    // Audited by key only.
    let audit = t.audit().await;
    let of = |action: &str| audit.iter().filter(|e| e.action == action).count();
    assert_eq!(of("rectify identifier"), 2, "{audit:?}");
    assert_eq!(
        of("restrict processing"),
        2,
        "on the person and on the restriction"
    );
    assert_eq!(of("lift restriction"), 1);
    assert_eq!(of("erase person"), 1);
    for e in audit.iter().filter(|e| {
        [
            "rectify identifier",
            "restrict processing",
            "lift restriction",
            "erase person",
            "view rights requests",
        ]
        .contains(&e.action.as_str())
    }) {
        assert!(
            e.target_id == EVE || e.target_id == restriction.to_string(),
            "{e:?}"
        );
        assert_eq!(e.user_name, "igo");
        for value in [
            "Eve",
            "Eva",
            "Third",
            "1970",
            "letter",
            "objected",
            "certificate",
        ] {
            assert!(!e.detail.contains(value), "{value} in {e:?}");
        }
    }
    let erase_line = audit.iter().find(|e| e.action == "erase person").unwrap();
    assert!(
        erase_line.detail.starts_with("Art. 17(1)(c)"),
        "{erase_line:?}"
    );
}

/// The police re-send Eve's row: it is quarantined as erased, not imported.
async fn reimport_is_quarantined(t: &TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("police_resent.csv");
    std::fs::write(
        &file,
        "Surname,Forename,DOB,Sex,Address,Postcode,Occurrence Date,Occurrence Ref,Incident Category,Offence Description,Involvement\n\
         Third,Eve,01/01/1970,F,1 Test Street,TS1 1AA,01/03/2025,OCC-0099,ASB,,SUSP\n\
         Newcomer,Nina,02/02/1980,F,2 Test Street,TS1 1AA,01/03/2025,OCC-0100,ASB,,SUSP\n",
    )
    .unwrap();
    let mappings = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../mappings");
    let (imported, quarantined) = t
        .with_store(move |s: &mut Store| {
            let options = hearth_pipeline::import::ImportOptions {
                today: chrono::NaiveDate::from_ymd_opt(2025, 9, 2),
                versions: hearth_pipeline::import::Versions::AsNew,
                dry_run: false,
            };
            let out = hearth_pipeline::import::import_files_with(
                Some(s),
                &[file],
                &mappings,
                "test",
                &options,
                |_| {},
            )
            .unwrap();
            match &out[0] {
                hearth_pipeline::import::FileOutcome::Imported(sum) => {
                    (sum.rows_imported, sum.rows_quarantined)
                }
                _ => panic!("not imported"),
            }
        })
        .await;
    assert_eq!(
        (imported, quarantined),
        (1, 1),
        "the erased person's row is quarantined"
    );
    let families: Vec<String> = t
        .with_store(|s| {
            s.load_identities()
                .unwrap()
                .into_iter()
                .filter_map(|(_, _, i)| i.family_name)
                .collect()
        })
        .await;
    assert!(families.contains(&"Newcomer".to_string()), "{families:?}");
    assert!(!families.contains(&"Third".to_string()), "{families:?}");
}

#[tokio::test]
async fn the_ig_officer_corrects_restricts_lifts_and_erases_and_the_person_stays_erased() {
    let t = TestApp::new().await;
    walk(&t).await;
    reimport_is_quarantined(&t).await;
}

#[cfg(hearth_pg)]
#[tokio::test]
async fn the_same_requests_on_postgresql() {
    let url = std::env::var("HEARTH_TEST_POSTGRES_URL").unwrap();
    let t = TestApp::postgres(&url).await;
    walk(&t).await;
    reimport_is_quarantined(&t).await;
    t.finish().await;
}

#[tokio::test]
async fn nobody_but_the_ig_officer_sees_or_makes_a_persons_requests() {
    let t = TestApp::new().await;
    for who in ["referrer", "lw1", "po", "analyst", "admin"] {
        let s = t.sign_in(who).await;
        for path in ["", "/rectify", "/restrict", "/lift", "/erase"] {
            let url = format!("/rights/people/301{path}");
            assert_eq!(
                t.get(&url, Some(&s)).await.status,
                StatusCode::FORBIDDEN,
                "{who} {url}"
            );
            if !path.is_empty() {
                let r = t
                    .submit(
                        &url,
                        &s,
                        &[
                            ("field", "given_name"),
                            ("value", "X"),
                            ("reason", "x"),
                            ("ground", "17-1-a"),
                            ("confirm", "yes"),
                        ],
                    )
                    .await;
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} posts {url}");
            }
        }
        for path in ["", "/erasure"] {
            let url = format!("/api/rights/people/301{path}");
            assert_eq!(
                t.get(&url, Some(&s)).await.status,
                StatusCode::FORBIDDEN,
                "{who} {url}"
            );
        }
        for path in ["/rectify", "/restrict", "/lift", "/erase"] {
            let url = format!("/api/rights/people/301{path}");
            let r = t
                .request(
                    Method::POST,
                    &url,
                    Some(&s),
                    Some((
                        "application/json",
                        r#"{"ground": "17-1-a", "reason": "x", "confirm": true}"#.into(),
                    )),
                    &[("x-csrf-token", &s.csrf)],
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} {url}");
        }
    }
    assert_eq!(given_names(&t, 301).await, ["Eve"], "nothing changed");
    // A post without the form's CSRF token is refused, even from the officer.
    let igo = t.sign_in("igo").await;
    let r = t
        .post_form_cookie(
            "/rights/people/301/erase",
            Some(format!("hearth_session={}", igo.token)),
            &[("ground", "17-1-a"), ("reason", "x"), ("confirm", "yes")],
        )
        .await;
    assert_ne!(r.status, StatusCode::OK);
    assert_eq!(given_names(&t, 301).await, ["Eve"]);
}

#[tokio::test]
async fn the_api_makes_the_same_requests_with_the_same_checks() {
    let t = TestApp::new().await;
    let igo = t.sign_in("igo").await;
    let post = |path: &str, body: &str| {
        let (path, body) = (format!("/api/rights/people/301{path}"), body.to_string());
        let t = &t;
        let igo = &igo;
        async move {
            t.request(
                Method::POST,
                &path,
                Some(igo),
                Some(("application/json", body)),
                &[("x-csrf-token", &igo.csrf)],
            )
            .await
        }
    };
    let r = t.get("/api/rights/people/301", Some(&igo)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["identifiers"][0]["values"][0], "Eve");

    let r = post(
        "/rectify",
        r#"{"field": "nhs_number", "value": "9434765918", "reason": ""}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let p: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["value", "reason"]);
    assert!(!r.body.contains("9434765918"), "no value echoed");
    let r = post(
        "/rectify",
        r#"{"field": "nhs_number", "value": "943 476 5919", "reason": "GP letter"}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let r = post(
        "/restrict",
        r#"{"ground": "18-1-a", "reason": "contested", "received_how": "phone"}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id = serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["restriction"]
        .as_i64()
        .unwrap();
    let r = post(
        "/lift",
        &format!(r#"{{"restriction": {id}, "reason": "checked", "received_how": "phone"}}"#),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let r = t.get("/api/rights/people/301/erasure", Some(&igo)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("\"records\":1"), "{}", r.body);
    let r = post(
        "/erase",
        r#"{"ground": "17-1-a", "reason": "no longer needed"}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("confirm"));
    assert_eq!(
        given_names(&t, 301).await,
        ["Eve"],
        "not erased without confirm"
    );
    let r = post(
        "/erase",
        r#"{"ground": "17-1-a", "reason": "no longer needed", "confirm": true}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        t.get("/api/rights/people/301", Some(&igo)).await.status,
        StatusCode::NOT_FOUND
    );
}
