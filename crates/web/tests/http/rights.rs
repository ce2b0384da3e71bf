//! A person's rights on the information governance officer's pages (issue 13): subject
//! access by person ID or by name and date of birth, as a page to print or JSON, each
//! audited with the person's key and no identifier; what is wrong with the request said
//! beside its field; the register of data sharing agreements from the mappings; nobody else
//! may use either.

use crate::helpers::*;
use axum::http::StatusCode;
use std::sync::Arc;

async fn app() -> TestApp {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../mappings");
    let mappings = hearth_intake::Mapping::load_dir(dir).unwrap();
    TestApp::with(move |c| c.mappings = hearth_web::Mappings(Arc::new(mappings))).await
}

#[tokio::test]
async fn the_ig_officer_answers_a_subject_access_request() {
    let t = app().await;
    let po = t.sign_in("po").await;
    let family: serde_json::Value =
        serde_json::from_str(&t.get("/api/families/1", Some(&po)).await.body).unwrap();
    let member = &family["members"][0];
    let person = member["person_id"].as_i64().unwrap().to_string();
    let name = member["name"].as_str().unwrap().to_string();
    let dob = member["date_of_birth"].as_str().unwrap().to_string();

    let igo = t.sign_in("igo").await;
    let page = t.get("/subject-access", Some(&igo)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Make the subject access document"));
    assert!(
        page.body.contains("href=\"&#x2f;subject-access\"")
            || page.body.contains(">Subject access</a>")
    );

    // Nothing said, a wrong date, nobody, several: the form again with the message.
    let r = t.submit("/subject-access", &igo, &[("person", "")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains(
        "Enter a person ID, an NHS number, a unique pupil number, or a name with a date of birth"
    ));
    let r = t
        .submit(
            "/subject-access",
            &igo,
            &[("name", &name), ("date_of_birth", "31/02/2011")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("Enter the date of birth as a real date"),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains(&format!("value=\"{}", name.split(' ').next().unwrap())),
        "what was typed stays"
    );
    let r = t
        .submit("/subject-access", &igo, &[("person", "999999")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("Hearth holds no person 999999"),
        "{}",
        r.body
    );
    let r = t
        .submit(
            "/subject-access",
            &igo,
            &[("name", &name), ("date_of_birth", "1 1 1901")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Nobody matches"), "{}", r.body);

    // By person ID, as a page to print: a download, everything with the sources' agreements.
    let r = t
        .submit("/subject-access", &igo, &[("person", &person)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.header("content-disposition"),
        Some(format!("attachment; filename=\"subject-access-person-{person}.html\"").as_str())
    );
    assert!(
        r.body
            .contains(&format!("Everything Hearth holds on person {person}")),
        "{}",
        r.body
    );
    assert!(
        r.body.contains(name.split(' ').next_back().unwrap()),
        "their name is theirs to see"
    );
    assert!(
        r.body.contains("(example)"),
        "each source's agreement: {}",
        r.body
    );

    // By name and date of birth as shown on the family's page, as JSON.
    let r = t
        .submit(
            "/subject-access",
            &igo,
            &[("name", &name), ("date_of_birth", &dob), ("format", "json")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let doc: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(doc["made_by"], "igo");
    assert!(
        doc["held"]["records"]
            .as_array()
            .is_some_and(|r| !r.is_empty()),
        "{doc}"
    );

    // Audited with the person's key, never an identifier.
    let audit = t.audit().await;
    let made: Vec<_> = audit
        .iter()
        .filter(|e| e.action == "subject access")
        .collect();
    assert_eq!(made.len(), 2, "{audit:?}");
    assert!(made
        .iter()
        .all(|e| e.target_id == person && e.user_name == "igo"));
    assert!(made
        .iter()
        .all(|e| !e.detail.contains(&name) && !e.detail.contains(&dob)));

    // Nobody else.
    for who in ["po", "lw1", "analyst", "admin"] {
        let s = t.sign_in(who).await;
        let r = t
            .submit("/subject-access", &s, &[("person", &person)])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(
            t.get("/sharing", Some(&s)).await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
}

#[tokio::test]
async fn the_register_lists_each_sources_agreement_and_lawful_basis() {
    let t = app().await;
    let igo = t.sign_in("igo").await;
    let page = t.get("/sharing", Some(&igo)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for want in [
        "Supporting Families: youth justice information sharing (example)",
        "EXAMPLE-ISA-YOUTH-JUSTICE",
        "public task",
        "Example</strong>",
        "replace them with your council",
    ] {
        assert!(page.body.contains(want), "{want}: {}", page.body);
    }
    assert!(t
        .audit()
        .await
        .iter()
        .any(|e| e.action == "view sharing register"));
}
