//! Searching families and people ignores accents and case (QA round "users", item 4):
//! "Zoe" finds "Zoë", "Sinead" finds "SINÉAD", and the other way round.

use crate::helpers::*;
use axum::http::StatusCode;

fn family_links(body: &str) -> Vec<i64> {
    body.match_indices("<a class=\"govuk-link\" href=\"/families/")
        .filter_map(|(i, _)| {
            let rest = &body[i + "<a class=\"govuk-link\" href=\"/families/".len()..];
            rest[..rest.find('"')?].parse().ok()
        })
        .collect()
}

#[tokio::test]
async fn families_and_people_are_found_whatever_the_accents() {
    let t = TestApp::new().await;
    // Alice Example becomes Zoë Example; Carol Sample is written SINÉAD by the police.
    let db = t.db_path.clone();
    tokio::task::spawn_blocking(move || {
        let c = rusqlite::Connection::open(db).unwrap();
        c.execute_batch(
            "UPDATE identity SET given_name = 'Zoë' WHERE given_name = 'Alice';
             UPDATE identity SET given_name = 'SINÉAD' WHERE given_name = 'Carol';",
        )
        .unwrap();
    })
    .await
    .unwrap();
    let po = t.sign_in("po").await;
    for (q, family) in [
        ("Zoe", 1),
        ("zo%C3%AB+example", 1),
        ("ZOE", 1),
        ("Sinead", 2),
        ("sin%C3%A9ad+sample", 2),
    ] {
        let r = t.get(&format!("/families?q={q}"), Some(&po)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(family_links(&r.body), vec![family], "{q}");
    }
    let igo = t.sign_in("igo").await;
    let r = t
        .submit(
            "/subject-access",
            &igo,
            &[("name", "Zoe Example"), ("date_of_birth", "2/3/1985")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.header("content-disposition"),
        Some("attachment; filename=\"subject-access-person-101.html\"")
    );
}
