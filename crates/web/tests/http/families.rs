//! The families list and its filters, a family's record, assigning lead workers, moving cases on, notes and caseloads.

use crate::helpers::*;
#[allow(unused_imports)]
use axum::http::{Method, StatusCode};

#[tokio::test]
async fn assigning_a_lead_worker_puts_the_family_in_their_caseload_only() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let lw1 = t.user_id("lw1").await.to_string();
    let r = t
        .submit("/families/2/lead-worker", &po, &[("lead_worker", &lw1)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/families/2?saved=lead_worker"));
    // The page it goes back to says what was done; the address cannot put words there.
    let page = t.get("/families/2?saved=lead_worker", Some(&po)).await;
    assert!(page.body.contains("Lead worker saved"));
    assert!(page.body.contains("Lee Worker"));
    let page = t.get("/families/2?saved=%3Cscript%3E", Some(&po)).await;
    assert!(!page.body.contains("id=\"confirmation\"") && !page.body.contains("<script>"));
    let page = t.get("/families/2", Some(&po)).await;
    assert!(!page.body.contains("id=\"confirmation\""));
    let filtered = t
        .get(&format!("/families?lead_worker={lw1}"), Some(&po))
        .await;
    assert!(filtered.body.contains("/families/2\"") && !filtered.body.contains("/families/1\""));
    let none = t.get("/families?lead_worker=none", Some(&po)).await;
    assert!(none.body.contains("/families/1\"") && !none.body.contains("/families/2\""));
    let lw = t.sign_in("lw1").await;
    let caseload = t.get("/caseload", Some(&lw)).await;
    assert!(caseload.body.contains("/families/2\""));
    assert_eq!(t.get("/families/2", Some(&lw)).await.status, StatusCode::OK);
    let other = t.sign_in("lw2").await;
    assert!(!t
        .get("/caseload", Some(&other))
        .await
        .body
        .contains("/families/2\""));
    assert_eq!(
        t.get("/families/2", Some(&other)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        t.get("/api/families/2", Some(&other)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn families_filter_by_problem_and_status() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let all = t.get("/families", Some(&po)).await;
    assert!(all.body.contains("/families/1\"") && all.body.contains("/families/2\""));
    assert!(!all.body.contains("/families/3\""), "not eligible");
    let crime = t.get("/families?problem=crime_asb", Some(&po)).await;
    assert!(crime.body.contains("/families/1\"") && !crime.body.contains("/families/2\""));
    let r = t
        .submit("/families/2/status", &po, &[("status", "agreed")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let engaged = t.get("/families?status=agreed", Some(&po)).await;
    assert!(engaged.body.contains("/families/2\"") && !engaged.body.contains("/families/1\""));
    // The status's tag colour is the same on the list and on the family's page.
    assert!(engaged.body.contains("govuk-tag govuk-tag--turquoise"));
    let page = t.get("/families/2", Some(&po)).await;
    assert!(page
        .body
        .contains("govuk-tag govuk-tag--turquoise\">Agreed to take part"));
    // Moving back needs a reason.
    let back = t
        .submit("/families/2/status", &po, &[("status", "contacted")])
        .await;
    assert_eq!(back.status, StatusCode::BAD_REQUEST);
    assert!(back.body.contains("Say why the case is moving back"));
    let api = t.get("/api/families?status=agreed", Some(&po)).await;
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(json["families"].as_array().unwrap().len(), 1);
    assert_eq!(json["families"][0]["family_id"], 2);
}

#[tokio::test]
async fn families_filter_by_area() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let all = t.get("/families", Some(&po)).await;
    // The choices are the eligible families' areas (family 3, not eligible, adds none).
    assert!(
        all.body.contains("<option value=\"WA7 2\">")
            && all.body.contains("<option value=\"WA8 6\">")
    );
    let wa8 = t.get("/families?area=WA8+6", Some(&po)).await;
    assert!(wa8.body.contains("/families/2\"") && !wa8.body.contains("/families/1\""));
    assert!(
        wa8.body.contains("<option value=\"WA8 6\" selected>"),
        "the choice is kept"
    );
    // An area no family lives in, or a lead worker key that is no account, is said to be
    // unknown (linked to its field) and left out, instead of showing no families.
    let none = t.get("/families?area=ZZ9+9", Some(&po)).await;
    assert!(none.body.contains("2 families match"));
    assert!(
        none.body.contains("href=\"#area\"")
            && none
                .body
                .contains("No family in this run lives in the area")
    );
    let nobody = t.get("/families?lead_worker=abc", Some(&po)).await;
    assert!(nobody.body.contains("2 families match"));
    assert!(
        nobody.body.contains("href=\"#lead_worker\"")
            && nobody.body.contains("That lead worker is not known")
    );
    let api = t.get("/api/families?area=WA7%202", Some(&po)).await;
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    let ids: Vec<i64> = json["families"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["family_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![1]);
    assert_eq!(json["families"][0]["area"], "WA7 2");
    // The analyst, who sees no addresses, may still filter and count by area.
    let an = t.sign_in("analyst").await;
    let page = t.get("/families/2", Some(&an)).await;
    assert!(page.body.contains("WA8 6"));
}

#[tokio::test]
async fn a_family_record_has_relationships_a_timeline_and_its_team() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let mut page = String::new();
    for part in ["members", "team", "timeline"] {
        let r = t.get(&format!("/families/1/{part}"), Some(&po)).await;
        assert_eq!(r.status, StatusCode::OK, "{part}");
        page.push_str(&r.body);
    }
    for text in [
        "Person 101 (Alice Example)",
        "Person 102 (Bobby Example)",
        "Age gap and family name",
        "Agencies in the records",
        "id=\"timeline\"",
        "2025-03-01",
    ] {
        assert!(page.contains(text), "{text}");
    }
    let api: serde_json::Value =
        serde_json::from_str(&t.get("/api/families/1", Some(&po)).await.body).unwrap();
    // Both members' police records, and police as the one agency involved.
    assert_eq!(api["timeline"].as_array().unwrap().len(), 2);
    assert_eq!(api["timeline"][0]["agency"], "Police");
    assert_eq!(api["team"][0]["agency"], "Police");
    assert_eq!(
        (&api["team"][0]["records"], &api["team"][0]["people"]),
        (&2.into(), &2.into())
    );
    // The analyst sees who is whose parent by person ID only.
    let an = t.sign_in("analyst").await;
    let page = t.get("/families/1/members", Some(&an)).await;
    assert!(page.body.contains("Person 101</td>") && !page.body.contains("Alice"));
    let api: serde_json::Value =
        serde_json::from_str(&t.get("/api/families/1", Some(&an)).await.body).unwrap();
    assert!(api["relationships"][0].get("parent_name").is_none());
    assert_eq!(api["timeline"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_caseload_shows_what_is_due_most_urgent_first() {
    let t = TestApp::new().await;
    let lw1 = t.user_id("lw1").await.to_string();
    let po = t.sign_in("po").await;
    for family in [1, 2] {
        let r = t
            .submit(
                &format!("/families/{family}/lead-worker"),
                &po,
                &[("lead_worker", &lw1)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    // Day 5: family 2 is engaged; its assessment is due in 42 days. Family 1 is still to be
    // contacted: due 10 days after it was assigned.
    t.advance(chrono::Duration::days(5));
    let po = t.sign_in("po").await;
    let r = t
        .submit("/families/2/status", &po, &[("status", "agreed")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let lw = t.sign_in("lw1").await;
    let page = t.get("/caseload", Some(&lw)).await;
    assert!(page.body.contains("Contact the family") && page.body.contains("Due in 5 days"));
    // Day 12: family 1 is overdue and comes first, although family 2 was assigned with it.
    t.advance(chrono::Duration::days(7));
    let lw = t.sign_in("lw1").await;
    let page = t.get("/caseload", Some(&lw)).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Overdue by 2 days",
        "Complete the whole-family assessment",
        "Due in 35 days",
        "1 with a step overdue, 0 with a step due in the next 7 days",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    let first = page.body.find("/families/1\"").unwrap();
    assert!(first < page.body.find("/families/2\"").unwrap());
    let api: serde_json::Value =
        serde_json::from_str(&t.get("/api/caseload", Some(&lw)).await.body).unwrap();
    let rows = api["families"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (
            &rows[0]["family_id"],
            &rows[0]["urgency"],
            &rows[0]["due_when"]
        ),
        (
            &serde_json::json!(1),
            &serde_json::json!("overdue"),
            &serde_json::json!("Overdue by 2 days")
        )
    );
    assert_eq!(rows[1]["urgency"], "on_track");
    let due = chrono::NaiveDate::parse_from_str(rows[1]["due"].as_str().unwrap(), "%Y-%m-%d");
    assert!(due.is_ok(), "{}", rows[1]["due"]);
    // The family's record says the same.
    let page = t.get("/families/1", Some(&lw)).await;
    assert!(
        page.body.contains("Contact the family, by") && page.body.contains("Overdue by 2 days")
    );
    let api: serde_json::Value =
        serde_json::from_str(&t.get("/api/families/2", Some(&lw)).await.body).unwrap();
    assert_eq!(api["next_step"], "Complete the whole-family assessment");
    assert_eq!(api["urgency"], "on_track");
}

#[tokio::test]
async fn validation_errors_keep_what_was_typed_and_escape_it() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    let lw = t.sign_in("lw1").await;
    let r = t.submit("/families/1/notes", &lw, &[("note", "   ")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("govuk-error-summary") && r.body.contains("href=\"#note\""));
    assert!(r.body.contains("id=\"note-error\""));
    let long = format!("<script>x()</script>{}", "a".repeat(5001));
    let r = t.submit("/families/1/notes", &lw, &[("note", &long)]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Note must be 5000 characters or fewer"));
    assert!(r.body.contains(&format!(
        "&lt;script&gt;x()&lt;&#x2f;script&gt;{}",
        "a".repeat(5001)
    )));
    let ok = t
        .submit(
            "/families/1/notes",
            &lw,
            &[("note", "<b>Visited</b> & agreed a plan")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let page = t.get("/families/1/notes", Some(&lw)).await;
    assert!(page
        .body
        .contains("&lt;b&gt;Visited&lt;&#x2f;b&gt; &amp; agreed a plan"));
    let po = t.sign_in("po").await;
    let r = t
        .submit("/families/1/lead-worker", &po, &[("lead_worker", "")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Select a lead worker"));
    let analyst = t.user_id("analyst").await.to_string();
    let r = t
        .submit("/families/1/lead-worker", &po, &[("lead_worker", &analyst)])
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "only lead workers can be assigned"
    );
}

#[tokio::test]
async fn referrers_start_at_their_referrals() {
    let t = TestApp::new().await;
    let s = t.sign_in("referrer").await;
    let r = t.get("/referrals", Some(&s)).await;
    assert!(r.body.contains("Make a referral"));
}

/// Need to know (issue #16): the performance officer and the analyst open only families
/// eligible in the latest run or with a case. Family 3 is neither: its page answers 404 as
/// a family that does not exist does (its existence is not confirmed), the refusal is
/// audited with why, and no change to it is made.
#[tokio::test]
async fn a_family_neither_eligible_nor_with_a_case_is_not_found_on_its_pages() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let analyst = t.sign_in("analyst").await;
    let absent = t.get("/families/999", Some(&po)).await;
    assert_eq!(absent.status, StatusCode::NOT_FOUND);
    for who in [&po, &analyst] {
        let page = t.get("/families/3", Some(who)).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(page.body.contains("Page not found"));
        for secret in ["Eve Third", "1970", "Test Street", "OCC-"] {
            assert!(!page.body.contains(secret), "{secret}");
        }
    }
    let lw1 = t.user_id("lw1").await.to_string();
    let r = t
        .submit("/families/3/lead-worker", &po, &[("lead_worker", &lw1)])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "assigning");
    let r = t
        .submit("/families/3/status", &po, &[("status", "referred")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "moving the case on");
    let r = t.submit("/families/3/notes", &po, &[("note", "x")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "writing a note");
    assert!(t.case(3).await.is_none(), "no case was made");
    let lw = t.sign_in("lw1").await;
    assert!(!t
        .get("/caseload", Some(&lw))
        .await
        .body
        .contains("/families/3\""));
    let refused: Vec<_> = t
        .audit()
        .await
        .into_iter()
        .filter(|e| e.action == "view family refused" && e.target_id == "3")
        .collect();
    assert_eq!(refused.len(), 5, "two views and three changes refused");
    assert!(refused
        .iter()
        .all(|e| e.detail == "not eligible and no case"));
    assert!(refused.iter().any(|e| e.user_name == "analyst"));
}

/// A family with a case stays open to the performance officer whatever the run says of it
/// (work on it goes on), and to its lead worker.
#[tokio::test]
async fn a_family_with_a_case_opens_even_when_not_eligible() {
    let t = TestApp::new().await;
    t.assign_directly(3, "lw1").await;
    let po = t.sign_in("po").await;
    let page = t.get("/families/3", Some(&po)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Eve Third"));
    let r = t
        .submit("/families/3/status", &po, &[("status", "agreed")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let lw = t.sign_in("lw1").await;
    assert_eq!(t.get("/families/3", Some(&lw)).await.status, StatusCode::OK);
    let other = t.sign_in("lw2").await;
    assert_eq!(
        t.get("/families/3", Some(&other)).await.status,
        StatusCode::FORBIDDEN
    );
}

/// Re-identification (issue #16): the analyst's family page carries the facts of each
/// partner record but none of the partners' references to their rows (occurrence
/// references, file names, row numbers); the performance officer's page keeps them. The
/// facts are cached per run for every viewer: whoever looks first, each gets their own.
#[tokio::test]
async fn the_analysts_family_page_has_no_partner_references_or_file_rows() {
    let t = TestApp::new().await;
    let po = t.sign_in("po").await;
    let analyst = t.sign_in("analyst").await;
    // Family 1: the officer first (the cache is filled with references); family 2 (no
    // evidence, a timeline only): the analyst first.
    for (family, first, second) in [(1, &po, &analyst), (2, &analyst, &po)] {
        let path = format!("/families/{family}");
        for who in [first, second] {
            let mut page = t.get(&format!("{path}/problems"), Some(who)).await;
            assert_eq!(page.status, StatusCode::OK);
            page.body += &t.get(&format!("{path}/timeline"), Some(who)).await.body;
            assert!(page.body.contains("incident category: ASB"), "{path}");
            let officer = std::ptr::eq(who, &po);
            let references: &[&str] = if family == 1 {
                &["occurrence ref", "OCC-000", "police.csv", "File and row"]
            } else {
                &["occurrence ref", "OCC-000"]
            };
            for reference in references {
                assert_eq!(
                    page.body.contains(reference),
                    officer,
                    "{path} {reference} officer={officer}"
                );
            }
        }
    }
    let page = t.get("/families/1/problems", Some(&po)).await;
    assert!(page.body.contains("police.csv row 2") && page.body.contains("OCC-0002"));
}

/// Evidence and timeline name people by name for roles that may see identifiers (the
/// performance officer, the family's lead worker), read for each view; the analyst sees
/// `Person 101`. The facts are cached per run: whoever looks first, names never leak into
/// the cache.
#[tokio::test]
async fn evidence_and_timeline_name_people_only_for_roles_that_may_see_identifiers() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    let an = t.sign_in("analyst").await;
    let po = t.sign_in("po").await;
    let lw = t.sign_in("lw1").await;
    // The analyst first (fills the cache), then the roles that may see names, then the
    // analyst again.
    for (who, named) in [(&an, false), (&po, true), (&lw, true), (&an, false)] {
        let problems = t.get("/families/1/problems", Some(who)).await;
        let timeline = t.get("/families/1/timeline", Some(who)).await;
        assert_eq!(problems.status, StatusCode::OK);
        assert_eq!(timeline.status, StatusCode::OK);
        if named {
            assert!(problems.body.contains("Police crime: Alice Example"));
            assert!(timeline
                .body
                .contains("<td class=\"govuk-table__cell\">Alice Example</td>"));
            assert!(timeline.body.contains("Bobby Example</td>"));
            assert!(!problems.body.contains("Person 101"));
        } else {
            assert!(problems.body.contains("Police crime: Person 101"));
            assert!(timeline.body.contains("Person 102</td>"));
            assert!(!problems.body.contains("Alice") && !timeline.body.contains("Alice"));
        }
        assert!(!problems.body.contains("<!--person:"), "every marker named");
        assert!(!timeline.body.contains("<!--person:"), "every marker named");
    }
}
