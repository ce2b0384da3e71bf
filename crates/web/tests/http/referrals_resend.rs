//! "Correct and send again": a referrer whose referral was returned opens the form filled in
//! as they sent it, under the reason, changes what was asked and sends it again; a new
//! referral names the returned one and the returned one names it back (pages, the officer's
//! list, the API). Only a returned referral, only once, only by whoever may see it (another
//! referrer: not found).

use crate::helpers::*;
use crate::referrals::{alice, second_account, send, version};
use axum::http::{Method, StatusCode};

/// The returned referral's form fields, as sent: Alice and Bob Example, two problems, a
/// telephone too.
fn sent() -> Vec<(&'static str, &'static str)> {
    let mut f = alice(&["crime_asb", "school_attendance"]);
    f.extend([
        ("member_1_given_name", "Bob"),
        ("member_1_family_name", "Example"),
        ("member_1_date_of_birth", "14/11/2012"),
        ("member_1_address", "1 Test Street"),
        ("member_1_postcode", ""),
        ("member_1_relationship", "child"),
        ("referrer_phone", "0161 000 0000"),
    ]);
    f
}

/// The officer decides referral `id`: `accept`, or `return` with `reason` and a note.
async fn decide(t: &TestApp, id: i64, decision: &str, reason: &str) {
    let po = t.sign_in("po").await;
    let page = t.get(&format!("/referrals/{id}"), Some(&po)).await;
    let v = version(&page.body);
    let r = t
        .submit(
            &format!("/referrals/{id}/decision"),
            &po,
            &[
                ("decision", decision),
                ("reason", reason),
                ("note", "Ring me when you have more"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// A referral sent by the referrer and returned as below the criteria.
async fn a_returned_referral(t: &TestApp, referrer: &Session) -> i64 {
    let id = send(t, referrer, &sent()).await;
    decide(t, id, "return", "criteria_not_met").await;
    id
}

/// Sends returned referral `id` again with `fields`: the new referral's key.
async fn send_again(t: &TestApp, s: &Session, id: i64, fields: &[(&str, &str)]) -> i64 {
    let r = t
        .submit(&format!("/referrals/{id}/resend"), s, fields)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.location().unwrap();
    assert!(to.ends_with("?saved=referral_resent"), "{to}");
    to.trim_end_matches("?saved=referral_resent")
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The fields sent again: as sent, with a third problem and its evidence.
fn corrected() -> Vec<(&'static str, &'static str)> {
    let mut f = sent();
    f.extend([
        ("problems", "health"),
        ("evidence_health", "Mother has a long-term condition"),
    ]);
    f
}

#[tokio::test]
async fn a_returned_referral_is_corrected_and_sent_again_as_a_new_linked_referral() {
    let t = TestApp::new().await;
    let referrer = t.sign_in("referrer").await;
    let id = a_returned_referral(&t, &referrer).await;
    let page = t.get(&format!("/referrals/{id}"), Some(&referrer)).await;
    assert!(
        page.body.contains("Correct and send again"),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains(&format!("href=\"/referrals/{id}/resend\"")));

    // The form, filled in as it was sent, under the reason it was returned.
    let form = t
        .get(&format!("/referrals/{id}/resend"), Some(&referrer))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    let b = &form.body;
    assert!(b.contains("govuk-notification-banner"), "{b}");
    assert!(
        b.contains("Returned on 2 September 2025: The family does not meet the programme"),
        "{b}"
    );
    assert!(b.contains("early help assessment (CAF)"), "the guidance");
    assert!(
        b.contains("Ring me when you have more"),
        "the officer's note"
    );
    assert!(
        b.contains(&format!("action=\"&#x2f;referrals&#x2f;{id}&#x2f;resend\""))
            || b.contains(&format!("action=\"/referrals/{id}/resend\""))
    );
    for value in [
        "value=\"Alice\"",
        "value=\"Bob\"",
        "value=\"Example\"",
        "value=\"2&#x2f;3&#x2f;1985\"",
        "value=\"14&#x2f;11&#x2f;2012\"",
        "value=\"1 Test Street\"",
        "value=\"TS1 1AA\"",
        "value=\"parent_or_carer\" selected",
        "value=\"child\" selected",
        "value=\"crime_asb\" checked",
        "value=\"school_attendance\" checked",
        "value=\"given\" checked",
        "value=\"Sam School\"",
        "value=\"Test Primary School\"",
        "value=\"sam@example.org\"",
        "value=\"0161 000 0000\"",
    ] {
        assert!(b.contains(value), "{value} pre-filled");
    }
    assert!(!b.contains("value=\"health\" checked"));
    assert!(
        b.contains("Police called to the home twice"),
        "evidence kept"
    );
    assert!(b.contains("Attendance 70% this term"), "evidence kept");
    assert!(b.contains("2 of the 2 problems required"));

    // Adding a member and a mistake keep the reason and the form's address; nothing stored.
    let mut more = corrected();
    more.retain(|(k, _)| *k != "action");
    more.push(("action", "add_member"));
    let r = t
        .submit(&format!("/referrals/{id}/resend"), &referrer, &more)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "post/redirect/get");
    let to = r.location().unwrap().to_string();
    assert!(
        to.starts_with(&format!("/referrals/{id}/resend?draft=")),
        "{to}"
    );
    let r = t.get(&to, Some(&referrer)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Person 3") && r.body.contains("id=\"returned\""));
    let mut bad = corrected();
    bad.retain(|(k, _)| *k != "consent");
    let r = t
        .submit(&format!("/referrals/{id}/resend"), &referrer, &bad)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("govuk-error-summary") && r.body.contains("href=\"#consent\""));
    assert!(
        r.body.contains("id=\"returned\""),
        "the reason stays on top"
    );
    assert!(r.body.contains("Mother has a long-term condition"));
    let list = t.get("/referrals", Some(&referrer)).await;
    assert_eq!(list.body.matches("(referral ").count(), 1, "nothing stored");

    // Sent again: a new referral, linked both ways; the returned one stays as it was.
    let new = send_again(&t, &referrer, id, &corrected()).await;
    assert_ne!(new, id);
    let page = t.get(&format!("/referrals/{new}"), Some(&referrer)).await;
    assert!(page.body.contains("Waiting to be checked"));
    assert!(
        page.body.contains(&format!(
            "Resubmission of referral {id}</a> (returned on 2 September 2025: The family does not meet"
        )),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!("href=\"/referrals/{id}\"")));
    assert!(page.body.contains("Mother has a long-term condition"));
    let old = t.get(&format!("/referrals/{id}"), Some(&referrer)).await;
    assert!(old.body.contains(&format!("Sent again as referral {new}")));
    assert!(old.body.contains(&format!("href=\"/referrals/{new}\"")));
    assert!(old.body.contains("id=\"referral-status\">Returned"));
    assert!(!old.body.contains("id=\"resend\""), "no second button");
    assert!(!old.body.contains("Mother has a long-term condition"));

    // The officer's list (the review queue) and page say it is a resubmission.
    let po = t.sign_in("po").await;
    let queue = t.get("/referrals", Some(&po)).await;
    assert!(
        queue.body.contains(&format!(
            "Resubmission of referral {id} (returned on 2 September 2025: The family does not meet"
        )),
        "{}",
        queue.body
    );
    assert!(queue
        .body
        .contains(&format!("Sent again as referral {new}")));
    let theirs = t.get(&format!("/referrals/{new}"), Some(&po)).await;
    assert!(theirs
        .body
        .contains(&format!("Resubmission of referral {id}</a>")));
    // The returned referral is no duplicate of its correction.
    assert!(!theirs.body.contains("Already referred"));
    let audit = t.audit().await;
    let line = audit
        .iter()
        .find(|a| a.action == "resend referral")
        .expect("audited");
    assert!(line.detail.contains(&format!("resubmits referral {id}")));
    assert!(audit
        .iter()
        .any(|a| a.action == "view referral" && a.detail == "to correct and send again"));
}

#[tokio::test]
async fn a_referral_is_sent_again_only_once_and_only_when_it_was_returned() {
    let t = TestApp::new().await;
    let referrer = t.sign_in("referrer").await;
    let id = a_returned_referral(&t, &referrer).await;
    let new = send_again(&t, &referrer, id, &corrected()).await;
    // A second attempt (the form again, or an old form sent again) says where it went.
    let again = t
        .get(&format!("/referrals/{id}/resend"), Some(&referrer))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        again.body.contains(&format!(
            "already corrected and sent again, as referral {new}"
        )),
        "{}",
        again.body
    );
    assert!(again.body.contains(&format!("href=\"/referrals/{new}\"")));
    let r = t
        .submit(&format!("/referrals/{id}/resend"), &referrer, &corrected())
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains(&format!("as referral {new}")));
    let list = t.get("/referrals", Some(&referrer)).await;
    assert_eq!(list.body.matches("(referral ").count(), 2, "nothing more");

    // A referral waiting to be checked, and an accepted one, cannot be sent again.
    let waiting = send(&t, &referrer, &sent()).await;
    let accepted = send(&t, &referrer, &sent()).await;
    decide(&t, accepted, "accept", "").await;
    for (other, why) in [
        (waiting, "is waiting to be checked"),
        (accepted, "was accepted"),
    ] {
        let page = t.get(&format!("/referrals/{other}"), Some(&referrer)).await;
        assert!(!page.body.contains("id=\"resend\""), "no button on {other}");
        let r = t
            .get(&format!("/referrals/{other}/resend"), Some(&referrer))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{other}");
        assert!(r.body.contains(why), "{}", r.body);
        assert!(r.body.contains("only a referral the council returned"));
        let r = t
            .submit(
                &format!("/referrals/{other}/resend"),
                &referrer,
                &corrected(),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{other}");
    }
    let list = t.get("/referrals", Some(&referrer)).await;
    assert_eq!(list.body.matches("(referral ").count(), 4, "nothing more");
    let refused = t
        .audit()
        .await
        .into_iter()
        .filter(|a| a.action == "resend referral refused")
        .count();
    assert_eq!(refused, 6);
}

#[tokio::test]
async fn another_referrer_cannot_see_or_send_again_a_returned_referral() {
    let t = TestApp::new().await;
    let referrer = t.sign_in("referrer").await;
    let id = a_returned_referral(&t, &referrer).await;
    let other = second_account(&t, "referrer2", "referrer").await;
    let path = format!("/referrals/{id}/resend");
    assert_eq!(
        t.get(&path, Some(&other)).await.status,
        StatusCode::NOT_FOUND
    );
    let r = t.submit(&path, &other, &corrected()).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.body.contains("Alice"));
    let body = serde_json::json!({"resubmits": id, "consent": "given"});
    let r = t
        .request(
            Method::POST,
            "/api/referrals",
            Some(&other),
            Some(("application/json", body.to_string())),
            &[("x-csrf-token", other.csrf.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(t
        .get("/referrals", Some(&other))
        .await
        .body
        .contains("No referrals yet"));
    assert!(t
        .audit()
        .await
        .iter()
        .any(|a| a.action == "resend referral refused" && a.detail == "not found or not theirs"));
    // No such referral: not found either.
    let r = t.get("/referrals/999/resend", Some(&referrer)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The performance officer, who enters referrals for any referrer, may correct it (with
    // the channel the correction came by); it stays the referrer's.
    let po = t.sign_in("po").await;
    let form = t.get(&path, Some(&po)).await;
    assert_eq!(form.status, StatusCode::OK);
    let mut fields = corrected();
    fields.push(("channel", "phone"));
    let new = send_again(&t, &po, id, &fields).await;
    let mine = t.get(&format!("/referrals/{new}"), Some(&referrer)).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine
        .body
        .contains(&format!("Resubmission of referral {id}")));
}

#[tokio::test]
async fn the_api_sends_a_returned_referral_again_with_resubmits() {
    let t = TestApp::new().await;
    let referrer = t.sign_in("referrer").await;
    let id = a_returned_referral(&t, &referrer).await;
    let post = |s: &Session, b: serde_json::Value| {
        let s = Session {
            token: s.token.clone(),
            csrf: s.csrf.clone(),
            set_cookie: String::new(),
        };
        let t = &t;
        async move {
            t.request(
                Method::POST,
                "/api/referrals",
                Some(&s),
                Some(("application/json", b.to_string())),
                &[("x-csrf-token", s.csrf.as_str())],
            )
            .await
        }
    };
    let body = serde_json::json!({
        "resubmits": id,
        "members": [{"given_name": "Alice", "family_name": "Example", "date_of_birth": "1985-03-02",
                     "address": "1 Test Street", "relationship": "parent_or_carer"}],
        "problems": [{"key": "crime_asb", "evidence": "x"}, {"key": "health", "evidence": "y"}],
        "consent": "given",
        "referrer": {"name": "Sam", "organisation": "Test Primary", "phone": "0161 000 0000"}
    });
    let r = post(&referrer, body.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["resubmits"], id);
    let new = v["id"].as_i64().unwrap();
    let got = t
        .get(&format!("/api/referrals/{new}"), Some(&referrer))
        .await;
    let d: serde_json::Value = serde_json::from_str(&got.body).unwrap();
    assert_eq!(d["resubmits"], id);
    assert_eq!(d["resubmission_of"]["id"], id);
    assert_eq!(d["resubmission_of"]["returned_on"], "2 September 2025");
    assert!(d["resubmission_of"]["reason"]
        .as_str()
        .unwrap()
        .contains("does not meet"));
    let old = t
        .get(&format!("/api/referrals/{id}"), Some(&referrer))
        .await;
    let o: serde_json::Value = serde_json::from_str(&old.body).unwrap();
    assert_eq!(
        (o["resent_as"].as_i64(), o["status"].as_str()),
        (Some(new), Some("returned"))
    );
    // Once only, and only a returned one: 409, nothing stored.
    let r = post(&referrer, body.clone()).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains(&format!("as referral {new}")), "{}", r.body);
    let mut waiting = body.clone();
    waiting["resubmits"] = new.into();
    assert_eq!(post(&referrer, waiting).await.status, StatusCode::CONFLICT);
    let list = t.get("/api/referrals", Some(&referrer)).await;
    let l: serde_json::Value = serde_json::from_str(&list.body).unwrap();
    assert_eq!(l["referrals"].as_array().unwrap().len(), 2);
    // The OpenAPI document describes the field.
    let doc: serde_json::Value =
        serde_json::from_str(&t.get("/api/openapi.json", None).await.body).unwrap();
    let schemas = &doc["components"]["schemas"];
    assert!(schemas["NewReferral"]["properties"]["resubmits"].is_object());
    assert!(schemas["Referral"]["properties"]["resent_as"].is_object());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
async fn a_returned_referral_is_sent_again_once_on_postgresql() {
    let url = std::env::var("HEARTH_TEST_POSTGRES_URL")
        .expect("HEARTH_TEST_POSTGRES_URL was set when this test was built but is not now");
    let t = TestApp::postgres(&url).await;
    let referrer = t.sign_in("referrer").await;
    let id = a_returned_referral(&t, &referrer).await;
    let form = t
        .get(&format!("/referrals/{id}/resend"), Some(&referrer))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("value=\"Bob\""));
    let new = send_again(&t, &referrer, id, &corrected()).await;
    let page = t.get(&format!("/referrals/{new}"), Some(&referrer)).await;
    assert!(page
        .body
        .contains(&format!("Resubmission of referral {id}</a>")));
    let old = t.get(&format!("/referrals/{id}"), Some(&referrer)).await;
    assert!(old.body.contains(&format!("Sent again as referral {new}")));
    let list = t.get("/referrals", Some(&referrer)).await;
    assert!(list.body.contains(&format!("Sent again as referral {new}")));
    let r = t
        .submit(&format!("/referrals/{id}/resend"), &referrer, &corrected())
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    t.finish().await;
}
