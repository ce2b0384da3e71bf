//! The families list, its API and the lead worker's caseload withhold a family's rank, score
//! and estimated cost while a member's processing is restricted, as the family's own page
//! does: from the moment the restriction is recorded (read at each request, not at the next
//! identification run) until it is lifted. The family is listed last in an order of rank or
//! cost, so that its place does not tell what is withheld; a problem whose only evidence
//! is the restricted person's is neither shown nor matched by a filter.

use crate::helpers::*;
use axum::http::StatusCode;
use serde_json::Value;

fn family_links(body: &str) -> Vec<i64> {
    let link = "<a class=\"govuk-link\" href=\"/families/";
    body.match_indices(link)
        .filter_map(|(i, _)| {
            let rest = &body[i + link.len()..];
            rest[..rest.find('"')?].parse().ok()
        })
        .collect()
}

/// The families page's table row of `family`.
fn page_row(body: &str, family: i64) -> String {
    let link = format!("href=\"/families/{family}\"");
    let at = body
        .find(&link)
        .unwrap_or_else(|| panic!("{link} in {body}"));
    let start = body[..at].rfind("<tr").unwrap();
    let end = at + body[at..].find("</tr>").unwrap();
    body[start..end].to_string()
}

async fn json(t: &TestApp, path: &str, s: &Session) -> Value {
    let r = t.get(path, Some(s)).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

fn family(list: &Value, id: i64) -> Value {
    list["families"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["family_id"] == id)
        .unwrap_or_else(|| panic!("family {id} in {list}"))
        .clone()
}

async fn restrict_alice(t: &TestApp, igo: &Session) {
    let r = t
        .submit(
            "/rights/people/101/restrict",
            igo,
            &[
                ("ground", "18-1-a"),
                ("reason", "accuracy contested"),
                ("received_how", "letter of 1 September 2025"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn the_list_withholds_a_restricted_familys_rank_and_cost_at_once_until_lifted() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    let po = t.sign_in("po").await;
    let lw = t.sign_in("lw1").await;
    let igo = t.sign_in("igo").await;

    // Before: family 1 ranked first, with its cost (and the run cached, as on a server that
    // has been up a while).
    let page = t.get("/families", Some(&po)).await.body;
    assert_eq!(family_links(&page), [1, 2]);
    assert!(!page_row(&page, 1).contains("Withheld"));
    let list = json(&t, "/api/families", &po).await;
    let before = family(&list, 1);
    assert_eq!(before["priority_rank"], 1);
    assert!(before["estimated_cost"].is_number());
    assert!(before["summary_withheld"].is_null());

    restrict_alice(&t, &igo).await;

    // At once: no rank, score or cost for family 1, and it is listed last.
    let page = t.get("/families", Some(&po)).await.body;
    assert_eq!(family_links(&page), [2, 1]);
    let row = page_row(&page, 1);
    assert!(row.contains("Withheld"), "{row}");
    assert!(!row.contains(before["cost"].as_str().unwrap()), "{row}");
    let by_cost = t.get("/families?sort=cost&dir=desc", Some(&po)).await.body;
    assert_eq!(family_links(&by_cost), [2, 1]);
    let list = json(&t, "/api/families", &po).await;
    let f1 = family(&list, 1);
    assert!(f1["priority_rank"].is_null(), "{f1}");
    assert!(f1["estimated_cost"].is_null(), "{f1}");
    assert!(f1["score"].is_null(), "{f1}");
    assert_eq!(f1["cost"], "Withheld");
    assert!(f1["summary_withheld"].is_string());
    // Her evidence was the only evidence of crime: the list shows the problem no more than
    // the family's page does, and a filter on it does not find the family.
    let keys = |f: &Value| -> Vec<String> {
        f["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["key"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(keys(&before).contains(&"crime_asb".to_string()), "{before}");
    assert_eq!(keys(&f1), ["school_attendance"], "{f1}");
    let crime = t.get("/families?problem=crime_asb", Some(&po)).await.body;
    assert!(!family_links(&crime).contains(&1), "{crime}");
    let crime = json(&t, "/api/families?problem=crime_asb", &po).await;
    assert!(
        !crime["families"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["family_id"] == 1),
        "{crime}"
    );
    // Family 2 is untouched.
    assert!(family(&list, 2)["priority_rank"].is_number());
    // The lead worker's caseload: the same.
    let caseload = json(&t, "/api/caseload", &lw).await;
    let c1 = family(&caseload, 1);
    assert!(
        c1["priority_rank"].is_null() && c1["estimated_cost"].is_null(),
        "{c1}"
    );

    // Lifted: all back at once.
    let restriction: i64 = t.with_store(|s| s.restrictions(101).unwrap()[0].id).await;
    let r = t
        .submit(
            "/rights/people/101/lift",
            &igo,
            &[
                ("restriction", &restriction.to_string()),
                ("reason", "accuracy checked"),
                ("received_how", "email"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get("/families", Some(&po)).await.body;
    assert_eq!(family_links(&page), [1, 2]);
    assert!(!page_row(&page, 1).contains("Withheld"));
    assert_eq!(family(&json(&t, "/api/families", &po).await, 1), before);
}
