//! "Add another member" on the referral form answers with a redirect to the form kept on
//! the server (post/redirect/get), so that the browser's Back and reload ask nothing
//! ("Confirm form resubmission"; QA round "users", item 7). The draft is only its typist's.

use crate::helpers::*;
use axum::http::StatusCode;

#[tokio::test]
async fn adding_a_member_redirects_to_the_form_kept_so_back_and_reload_ask_nothing() {
    let t = TestApp::new().await;
    let referrer = t.sign_in("referrer").await;
    let r = t
        .submit(
            "/referrals/new",
            &referrer,
            &[
                ("member_0_given_name", "Ann"),
                ("member_0_family_name", "Draft"),
                ("problems", "health"),
                ("evidence_health", "Long-term condition"),
                ("action", "add_member"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.location().unwrap().to_string();
    assert!(to.starts_with("/referrals/new?draft="), "{to}");
    assert!(!to.contains("Ann"), "nothing typed in the address: {to}");
    // Shown, and shown again (reload, or Back to it): a GET each time.
    for _ in 0..2 {
        let page = t.get(&to, Some(&referrer)).await;
        assert_eq!(page.status, StatusCode::OK);
        let b = &page.body;
        assert!(
            b.contains("value=\"Ann\"") && b.contains("value=\"Draft\""),
            "{b}"
        );
        assert!(
            b.contains("Long-term condition") && b.contains("Person 2"),
            "{b}"
        );
        assert!(b.contains("id=\"member_1_given_name\" name=\"member_1_given_name\""));
    }
    // Nothing is stored, and nobody else opens the draft.
    let list = t.get("/referrals", Some(&referrer)).await;
    assert!(list.body.contains("No referrals yet"));
    let po = t.sign_in("po").await;
    let other = t.get(&to, Some(&po)).await;
    assert_eq!(other.status, StatusCode::OK);
    assert!(!other.body.contains("value=\"Ann\""));
}

/// A draft is kept in the store: a restart of the server between "Add another member" and
/// the page it sends the browser to loses nothing. Only for two hours.
async fn a_draft_outlives_a_restart(mut t: TestApp) -> TestApp {
    let referrer = t.sign_in("referrer").await;
    let r = t
        .submit(
            "/referrals/new",
            &referrer,
            &[
                ("member_0_given_name", "Ann"),
                ("member_0_family_name", "Restart"),
                ("action", "add_member"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.location().unwrap().to_string();
    t.restart().await;
    let page = t.get(&to, Some(&referrer)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("value=\"Ann\"") && page.body.contains("value=\"Restart\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("id=\"member_1_given_name\""));
    // Only its typist's, after the restart too.
    let po = t.sign_in("po").await;
    assert!(!t.get(&to, Some(&po)).await.body.contains("value=\"Ann\""));
    // Two hours on, it is gone: the form opens empty.
    t.advance(chrono::Duration::minutes(119));
    let referrer = t.sign_in("referrer").await;
    assert!(t
        .get(&to, Some(&referrer))
        .await
        .body
        .contains("value=\"Ann\""));
    t.advance(chrono::Duration::minutes(2));
    let referrer = t.sign_in("referrer").await;
    let page = t.get(&to, Some(&referrer)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("value=\"Ann\""), "{}", page.body);
    t
}

#[tokio::test]
async fn a_draft_outlives_a_restart_of_the_server() {
    a_draft_outlives_a_restart(TestApp::new().await).await;
}

#[cfg(hearth_pg)]
#[tokio::test]
async fn a_draft_outlives_a_restart_on_postgresql() {
    let url = std::env::var("HEARTH_TEST_POSTGRES_URL").unwrap();
    a_draft_outlives_a_restart(TestApp::postgres(&url).await)
        .await
        .finish()
        .await;
}
