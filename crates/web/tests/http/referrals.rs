//! Referrals: a referrer sends one (the form keeps what was typed and stores nothing on a
//! mistake; "add another member" and the criteria check work without JavaScript), the
//! performance officer sees it beside what partners' data shows (a known family, an earlier
//! referral), accepts or returns it once (two officers at once: one wins, the other is
//! told), the referrer sees the reason; and each denial.

use crate::helpers::*;
use axum::http::{Method, StatusCode};

/// A complete referral of Alice Example (person 101 of family 1 in the seeded borough)
/// with the problems `problems`.
pub fn alice(problems: &[&'static str]) -> Vec<(&'static str, &'static str)> {
    let mut f = vec![
        ("member_0_given_name", "Alice"),
        ("member_0_family_name", "Example"),
        ("member_0_date_of_birth", "2/3/1985"),
        ("member_0_address", "1 Test Street"),
        ("member_0_postcode", "TS1 1AA"),
        ("member_0_relationship", "parent_or_carer"),
        ("consent", "given"),
        ("referrer_name", "Sam School"),
        ("referrer_organisation", "Test Primary School"),
        ("referrer_email", "sam@example.org"),
        ("action", "send"),
    ];
    for p in problems {
        f.push(("problems", p));
        f.push(match *p {
            "crime_asb" => ("evidence_crime_asb", "Police called to the home twice"),
            "school_attendance" => ("evidence_school_attendance", "Attendance 70% this term"),
            _ => ("evidence_health", "Long-term condition"),
        });
    }
    f
}

/// Referral 1: Alice Example's, sent by the referrer (for tests of other areas).
pub async fn a_referral(t: &TestApp) -> i64 {
    let referrer = t.sign_in("referrer").await;
    send(t, &referrer, &alice(&["crime_asb", "school_attendance"])).await
}

/// Sends a referral; its key.
pub async fn send(t: &TestApp, s: &Session, fields: &[(&str, &str)]) -> i64 {
    let r = t.submit("/referrals/new", s, fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.location().unwrap();
    assert!(to.ends_with("?saved=referral_sent"), "{to}");
    to.trim_end_matches("?saved=referral_sent")
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The referral's version, as its page carries it for the decision form.
pub fn version(body: &str) -> String {
    let at = body
        .find("name=\"version\" value=\"")
        .expect("a decision form")
        + 22;
    body[at..].split('"').next().unwrap().to_string()
}

pub async fn second_account(t: &TestApp, name: &str, role: &str) -> Session {
    let admin = t.sign_in("admin").await;
    let r = t
        .submit(
            "/admin/users",
            &admin,
            &[
                ("user_name", name),
                ("display_name", "Second Person"),
                ("role", role),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert!(r.status.is_redirection(), "{}", r.body);
    t.sign_in(name).await
}

#[tokio::test]
async fn a_referral_of_a_known_family_is_flagged_and_accepted_into_the_programme() {
    let t = TestApp::new().await;
    let referrer = t.sign_in("referrer").await;
    let form = t.get("/referrals/new", Some(&referrer)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("0 of the 2 problems required"));
    let id = send(&t, &referrer, &alice(&["crime_asb", "school_attendance"])).await;
    let mine = t.get(&format!("/referrals/{id}"), Some(&referrer)).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.body.contains("Waiting to be checked"));
    // The referrer learns nothing of what partners' data shows.
    assert!(
        !mine.body.contains("partners' data already shows"),
        "{}",
        mine.body
    );
    assert!(!mine.body.contains("Known as"));

    let po = t.sign_in("po").await;
    let page = t.get(&format!("/referrals/{id}"), Some(&po)).await;
    assert!(page.body.contains("Partners&#x27;") || page.body.contains("Partners'"));
    assert!(
        page.body.contains("already shows this family (family 1)"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Person 101"));
    assert!(page.body.contains("Crime or anti-social behaviour"));
    assert_eq!(t.case(1).await, None);
    let v = version(&page.body);
    let r = t
        .submit(
            &format!("/referrals/{id}/decision"),
            &po,
            &[("decision", "accept"), ("version", &v)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The family enters the programme: its case is opened.
    assert!(t.case(1).await.is_some());
    let after = t.get(&format!("/referrals/{id}"), Some(&referrer)).await;
    assert!(after.body.contains("Accepted"));
    // The same people referred again: flagged as already referred, never silently twice.
    let again = send(&t, &referrer, &alice(&["crime_asb", "health"])).await;
    let page = t.get(&format!("/referrals/{again}"), Some(&po)).await;
    assert!(
        page.body
            .contains(&format!("Already referred (referral {id})")),
        "{}",
        page.body
    );
    assert!(page.body.contains("Family 1 already has an open case"));
    let audit = t.audit().await;
    for action in ["submit referral", "view referral", "accept referral"] {
        assert!(audit.iter().any(|a| a.action == action), "{action}");
    }
}

#[tokio::test]
async fn a_returned_referral_shows_the_referrer_the_reason_and_what_to_do() {
    let t = TestApp::new().await;
    let referrer = t.sign_in("referrer").await;
    let mut fields = alice(&["crime_asb", "health"]);
    fields[0].1 = "Unknown";
    let id = send(&t, &referrer, &fields).await;
    let po = t.sign_in("po").await;
    let page = t.get(&format!("/referrals/{id}"), Some(&po)).await;
    assert!(
        page.body.contains("No one in this referral matches"),
        "{}",
        page.body
    );
    let v = version(&page.body);
    // A return without a reason is a mistake beside the reason field; nothing changes.
    let r = t
        .submit(
            &format!("/referrals/{id}/decision"),
            &po,
            &[
                ("decision", "return"),
                ("version", &v),
                ("note", "Please ring me"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("govuk-error-summary"));
    assert!(r.body.contains("id=\"reason-error\""));
    assert!(r.body.contains("Please ring me"), "the note is kept");
    let r = t
        .submit(
            &format!("/referrals/{id}/decision"),
            &po,
            &[
                ("decision", "return"),
                ("reason", "criteria_not_met"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let list = t.get("/referrals", Some(&referrer)).await;
    assert!(list.body.contains("Returned"));
    assert!(list.body.contains("does not meet the programme"));
    let mine = t.get(&format!("/referrals/{id}"), Some(&referrer)).await;
    assert!(
        mine.body.contains("early help assessment (CAF)"),
        "{}",
        mine.body
    );
    // By the officer's name, not their sign-in name.
    let theirs = t.get(&format!("/referrals/{id}"), Some(&po)).await;
    assert!(
        theirs.body.contains("by Pat Officer") && !theirs.body.contains("by po<"),
        "{}",
        theirs.body
    );
}

#[tokio::test]
async fn bad_input_keeps_what_was_typed_names_each_field_and_stores_nothing() {
    let t = TestApp::new().await;
    let referrer = t.sign_in("referrer").await;
    let mut fields = alice(&["crime_asb"]);
    fields[2].1 = "31/2/2010";
    fields.retain(|(k, _)| *k != "consent");
    let r = t.submit("/referrals/new", &referrer, &fields).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("govuk-error-summary"));
    for id in ["member_0_date_of_birth", "problems", "consent"] {
        assert!(
            r.body.contains(&format!("href=\"#{id}\"")),
            "{id} in the summary"
        );
        assert!(
            r.body.contains(&format!("id=\"{id}-error\"")),
            "{id} beside its field"
        );
    }
    assert!(r.body.contains("1 of the 2 problems required"));
    // As typed (the template escapes `/`).
    assert!(
        r.body.contains("value=\"31&#x2f;2&#x2f;2010\""),
        "the date as typed"
    );
    assert!(
        r.body.contains("Police called to the home twice"),
        "evidence kept"
    );
    let list = t.get("/referrals", Some(&referrer)).await;
    assert!(list.body.contains("No referrals yet"));
    // Without JavaScript: another member row, and the criteria checked by the server.
    let r = t
        .submit(
            "/referrals/new",
            &referrer,
            &[("member_0_given_name", "Ann"), ("action", "add_member")],
        )
        .await;
    // Post/redirect/get: the form comes back from a draft kept on the server.
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = t.get(r.location().unwrap(), Some(&referrer)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Person 2") && r.body.contains("value=\"Ann\""));
    assert!(!r.body.contains("govuk-error-summary"));
    // The new member's first field takes the focus, no other.
    assert!(r
        .body
        .contains("id=\"member_1_given_name\" name=\"member_1_given_name\""));
    assert_eq!(r.body.matches(" autofocus").count(), 1);
    let at = r.body.find(" autofocus").unwrap();
    assert!(r.body[..at]
        .rfind("<input")
        .is_some_and(|i| r.body[i..at].contains("member_1_given_name")));
    // Enter in a field presses the form's first button: checking the criteria, which stores
    // nothing, comes before adding a member.
    let check = r.body.find("value=\"check\"").unwrap();
    assert!(check < r.body.find("value=\"add_member\"").unwrap());
    let r = t
        .submit(
            "/referrals/new",
            &referrer,
            &[
                ("problems", "crime_asb"),
                ("problems", "health"),
                ("action", "check"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = t.get(r.location().unwrap(), Some(&referrer)).await;
    assert!(r
        .body
        .contains("2 of the 2 problems required: the family meets the criteria"));
}

#[tokio::test]
async fn two_officers_deciding_at_once_one_wins_and_the_other_is_told() {
    let t = TestApp::new().await;
    let referrer = t.sign_in("referrer").await;
    let id = send(&t, &referrer, &alice(&["crime_asb", "school_attendance"])).await;
    let po = t.sign_in("po").await;
    let po2 = second_account(&t, "po2", "performance_officer").await;
    let page = t.get(&format!("/referrals/{id}"), Some(&po)).await;
    let v = version(&page.body);
    let path = format!("/referrals/{id}/decision");
    let accept = [("decision", "accept"), ("version", v.as_str())];
    let ret = [
        ("decision", "return"),
        ("reason", "duplicate"),
        ("version", v.as_str()),
    ];
    let (a, b) = tokio::join!(t.submit(&path, &po, &accept), t.submit(&path, &po2, &ret));
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
    let loser = if a.status == StatusCode::CONFLICT {
        a
    } else {
        b
    };
    assert!(loser.body.contains("already"), "{}", loser.body);
    let audit = t.audit().await;
    let decided = audit
        .iter()
        .filter(|a| a.action == "accept referral" || a.action == "return referral")
        .count();
    assert_eq!(decided, 1);
    assert!(audit.iter().any(|a| a.action == "decide referral refused"));
}

#[tokio::test]
async fn each_denial() {
    let t = TestApp::new().await;
    let referrer = t.sign_in("referrer").await;
    let id = send(&t, &referrer, &alice(&["crime_asb", "school_attendance"])).await;
    // Another agency's referrer: not found, on pages and in the API, and audited.
    let other = second_account(&t, "referrer2", "referrer").await;
    assert_eq!(
        t.get(&format!("/referrals/{id}"), Some(&other))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.get(&format!("/api/referrals/{id}"), Some(&other))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(!t
        .get("/referrals", Some(&other))
        .await
        .body
        .contains("Example family"));
    assert!(t
        .audit()
        .await
        .iter()
        .any(|a| a.action == "view referral refused"));
    // A referrer and a lead worker may not decide; the analyst sees no referral at all.
    for who in ["referrer", "lw1", "analyst"] {
        let s = t.sign_in(who).await;
        let r = t
            .submit(
                &format!("/referrals/{id}/decision"),
                &s,
                &[("decision", "accept"), ("version", "0")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }
    let analyst = t.sign_in("analyst").await;
    for path in [
        "/referrals".to_string(),
        format!("/referrals/{id}"),
        format!("/api/referrals/{id}"),
    ] {
        let r = t.get(&path, Some(&analyst)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert!(!r.body.contains("Alice"));
    }
    // A partner referrer sees nothing else of Hearth's data.
    for path in ["/families", "/families/1", "/api/families/1"] {
        assert_eq!(
            t.get(path, Some(&referrer)).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_api_sends_reads_and_decides_referrals_with_the_same_rules() {
    let t = TestApp::new().await;
    let referrer = t.sign_in("referrer").await;
    let body = serde_json::json!({
        "members": [{"given_name": "Alice", "family_name": "Example", "date_of_birth": "1985-03-02",
                     "address": "1 Test Street", "relationship": "parent_or_carer"}],
        "problems": [{"key": "crime_asb", "evidence": "x"}, {"key": "health", "evidence": "y"}],
        "consent": "given",
        "referrer": {"name": "Sam", "organisation": "Test Primary", "phone": "0161 000 0000"}
    });
    let post = |path: &'static str, s: &Session, b: serde_json::Value| {
        let csrf = s.csrf.clone();
        let token = s.token.clone();
        let t = &t;
        async move {
            let s = Session {
                token,
                csrf: csrf.clone(),
                set_cookie: String::new(),
            };
            t.request(
                Method::POST,
                path,
                Some(&s),
                Some(("application/json", b.to_string())),
                &[("x-csrf-token", csrf.as_str())],
            )
            .await
        }
    };
    let r = post("/api/referrals", &referrer, body.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert!(
        v["flags"].is_null(),
        "the referrer is not told what the data shows"
    );
    let id = v["id"].as_i64().unwrap();
    // Bad input: 422 naming the field.
    let mut bad = body.clone();
    bad["members"][0]["date_of_birth"] = "tomorrow".into();
    let r = post("/api/referrals", &referrer, bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("member_0_date_of_birth"));
    let po = t.sign_in("po").await;
    let got = t.get(&format!("/api/referrals/{id}"), Some(&po)).await;
    let d: serde_json::Value = serde_json::from_str(&got.body).unwrap();
    assert_eq!(d["known_families"][0]["family_id"], 1);
    let mine = t
        .get(&format!("/api/referrals/{id}"), Some(&referrer))
        .await;
    let m: serde_json::Value = serde_json::from_str(&mine.body).unwrap();
    assert_eq!(m["known_families"], serde_json::json!([]));
    assert_eq!(m["members"][0]["matches"], serde_json::json!([]));
    let path: &'static str = Box::leak(format!("/api/referrals/{id}/decision").into_boxed_str());
    let stale = serde_json::json!({"decision": "accept", "version": 5});
    assert_eq!(post(path, &po, stale).await.status, StatusCode::CONFLICT);
    let ok = serde_json::json!({"decision": "accept", "version": d["version"]});
    let r = post(path, &po, ok.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(post(path, &po, ok).await.status, StatusCode::CONFLICT);
    let list = t.get("/api/referrals", Some(&referrer)).await;
    assert!(
        list.body.contains("\"status\":\"accepted\""),
        "{}",
        list.body
    );
}
