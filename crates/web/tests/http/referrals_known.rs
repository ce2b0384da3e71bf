//! A partner referrer sending a referral for a family already referred, or one the
//! programme already works with, is told so on the confirmation (QA round "users", item 3),
//! in words that name no earlier referral, family or case.

use crate::helpers::*;
use crate::referrals::{alice, send};
use axum::http::StatusCode;

/// The referral's page as its referrer sees it straight after sending it.
async fn confirmation(t: &TestApp, s: &Session, id: i64) -> String {
    let r = t
        .get(&format!("/referrals/{id}?saved=referral_sent"), Some(s))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

fn says_already_known(page: &str) -> bool {
    page.contains("id=\"already-referred\"") && page.contains("already been referred")
}

#[tokio::test]
async fn a_referrer_is_told_when_the_family_was_already_referred_or_has_an_open_case() {
    let t = TestApp::new().await;
    let referrer = t.sign_in("referrer").await;
    let first = send(&t, &referrer, &alice(&["crime_asb", "school_attendance"])).await;
    assert!(!says_already_known(
        &confirmation(&t, &referrer, first).await
    ));
    let second = send(&t, &referrer, &alice(&["crime_asb", "school_attendance"])).await;
    let page = confirmation(&t, &referrer, second).await;
    assert!(says_already_known(&page), "{page}");
    // Nothing they may not see: which referral, which family, what case.
    for hidden in [
        format!("/referrals/{first}\""),
        "/families/1".to_string(),
        "Family 1".to_string(),
        "open case".to_string(),
    ] {
        assert!(!page.contains(&hidden), "{hidden}: {page}");
    }

    // A family the programme already works with (an open case), referred for the first time.
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    let referrer = t.sign_in("referrer").await;
    let id = send(&t, &referrer, &alice(&["crime_asb", "school_attendance"])).await;
    assert!(says_already_known(&confirmation(&t, &referrer, id).await));
}
