//! HTTP tests of the family plan's changes: edits kept with their history, goals removed with
//! a reason, the team's members ended.

use super::casework::{api_post, work};
use crate::helpers::*;
use axum::http::StatusCode;

/// The plan after it is written (issue 11): an action's owner and due date changed and a
/// goal's text, each change kept with why, who and when; an action removed only with a
/// reason; a review then lists what changed since the one before; the measures offered
/// are the goal's problem's; the team's "to" date set once. Every mistake comes back with
/// the GOV.UK error summary, the message beside its field and what was typed, and nothing
/// stored; other lead workers and the analyst are refused; pages and API alike.
#[tokio::test]
async fn the_plan_changes_with_its_history_kept_and_the_team_ends() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    let lw = t.sign_in("lw1").await;
    // A measure of another problem is refused, naming the field.
    let r = t
        .submit(
            "/families/1/plan/goals",
            &lw,
            &[
                ("problem", "school_attendance"),
                ("measure", "offending_and_asb"),
                ("goal", "Bobby at school every day"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("href=\"#measure\""), "{}", r.body);
    assert!(
        r.body.contains("for the goal&#x27;s problem") || r.body.contains("for the goal's problem")
    );
    // The measures are offered under each of the family's problems.
    let page = t.get("/families/1/plan", Some(&lw)).await;
    assert!(
        page.body.contains("<optgroup label=\"School attendance\">"),
        "{}",
        page.body
    );
    let r = t
        .submit(
            "/families/1/plan/goals",
            &lw,
            &[
                ("problem", "school_attendance"),
                ("measure", "pupils_below_85_attendance"),
                ("goal", "Bobby at school"),
                ("action", "Walk to school together"),
                ("owner", "Parent"),
                ("due", "2 1 2020"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let w = work(&t, &lw, 1).await;
    let goal = w["goals"][0]["id"].as_i64().unwrap();
    let action = w["goals"][0]["actions"][0]["id"].as_i64().unwrap();
    assert_eq!(w["overdue_actions"], 1);
    let page = t.get("/families/1/plan", Some(&lw)).await;
    assert!(page
        .body
        .contains(&format!("href=\"/families/1/plan/actions/{action}\"")));
    assert!(page
        .body
        .contains(&format!("href=\"/families/1/plan/goals/{goal}\"")));

    // The change page; a mistake keeps what was typed and changes nothing.
    let path = format!("/families/1/plan/actions/{action}");
    let page = t.get(&path, Some(&lw)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("value=\"Walk to school together\"")
            && page.body.contains("value=\"2 1 2020\"")
    );
    let r = t
        .submit(
            &path,
            &lw,
            &[
                ("action", ""),
                ("owner", "School"),
                ("due", "31 2 2026"),
                ("change_reason", "Mum works early"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("govuk-error-summary"));
    for field in ["action", "due"] {
        assert!(r.body.contains(&format!("href=\"#{field}\"")), "{field}");
        assert!(r.body.contains(&format!("id=\"{field}-error\"")), "{field}");
    }
    assert!(
        r.body.contains("value=\"School\"") && r.body.contains("Mum works early"),
        "kept as typed"
    );
    assert_eq!(
        work(&t, &lw, 1).await["changes"].as_array().unwrap().len(),
        0,
        "nothing stored"
    );
    let r = t
        .submit(
            &path,
            &lw,
            &[
                ("action", "Walk to school together"),
                ("owner", "School"),
                ("due", "1 1 2099"),
                ("change_reason", "Mum works early"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let w = work(&t, &lw, 1).await;
    assert_eq!(w["overdue_actions"], 0, "no longer overdue");
    let changes = w["changes"].as_array().unwrap();
    let fields: Vec<&str> = changes
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["owner", "due_on"], "only what differs");
    assert_eq!(changes[0]["from"], "Parent");
    assert_eq!(changes[0]["to"], "School");
    assert_eq!(changes[0]["reason"], "Mum works early");
    assert_eq!(changes[1]["from"], "2 January 2020");
    let page = t.get("/families/1/plan", Some(&lw)).await;
    assert!(
        page.body
            .contains("Who will do it from “Parent” to “School”"),
        "{}",
        page.body
    );

    // Removing needs a reason; the goal changes through the API.
    let r = t
        .submit(&format!("{path}/remove"), &lw, &[("remove_reason", " ")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("href=\"#remove_reason\"")
            && r.body.contains("Enter why it is being removed")
    );
    let r = api_post(
        &t,
        &lw,
        &format!("/api/families/1/plan/goals/{goal}"),
        serde_json::json!({"goal": "", "change_reason": "x"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = api_post(
        &t,
        &lw,
        &format!("/api/families/1/plan/goals/{goal}"),
        serde_json::json!({"goal": "Bobby at school every day", "change_reason": "Agreed with Bobby"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // Another lead worker and the analyst are refused; another family's goal is not found.
    let lw2 = t.sign_in("lw2").await;
    let an = t.sign_in("analyst").await;
    for s in [&lw2, &an] {
        assert_eq!(t.get(&path, Some(s)).await.status, StatusCode::FORBIDDEN);
        let r = t
            .submit(
                &format!("{path}/remove"),
                s,
                &[("remove_reason", "Not mine")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = api_post(
            &t,
            s,
            &format!("/api/families/1/plan/goals/{goal}/remove"),
            serde_json::json!({"remove_reason": "Not mine"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    let po = t.sign_in("po").await;
    assert_eq!(
        t.get(&format!("/families/2/plan/goals/{goal}"), Some(&po))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = t
        .submit(
            &format!("/families/2/plan/goals/{goal}/remove"),
            &po,
            &[("remove_reason", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let r = t
        .submit(
            &format!("{path}/remove"),
            &lw,
            &[("remove_reason", "The school walks him now")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        t.get(&path, Some(&lw)).await.status,
        StatusCode::NOT_FOUND,
        "removed"
    );

    // A review lists the changes since the one before; after it, none are pending.
    t.submit("/families/1/status", &lw, &[("status", "plan_in_place")])
        .await;
    let r = t
        .submit(
            "/families/1/plan/reviews",
            &lw,
            &[
                ("reviewed_on", "3 3 2025"),
                ("what_changed", "Attending 4 days of 5"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let w = work(&t, &lw, 1).await;
    assert_eq!(w["changes"].as_array().unwrap().len(), 4);
    assert_eq!(w["reviews"][0]["plan_changes"].as_array().unwrap().len(), 4);
    assert_eq!(w["changes_since_review"].as_array().unwrap().len(), 0);
    let page = t.get("/families/1/plan", Some(&lw)).await;
    assert!(page
        .body
        .contains("Changes to the plan since the review before"));
    assert!(page.body.contains("why: The school walks him now"));
    assert!(page
        .body
        .contains("No changes to the plan since the last review"));
    // The analyst sees that the plan changed, not what workers wrote.
    let page = t.get("/families/1/plan", Some(&an)).await;
    assert!(
        page.body.contains(&format!("Action {action}. Removed")),
        "{}",
        page.body
    );
    assert!(!page.body.contains("walks him") && !page.body.contains("Parent"));

    // The team: "to" set once, on or after "from".
    let r = t
        .submit(
            "/families/1/team",
            &lw,
            &[
                ("name", "Sam Nurse"),
                ("agency", "School nursing"),
                ("role", "School nurse"),
                ("from", "5 1 2026"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let member = work(&t, &lw, 1).await["team"][0]["id"].as_i64().unwrap();
    let end = format!("/families/1/team/{member}");
    assert!(t
        .get("/families/1/team", Some(&lw))
        .await
        .body
        .contains(&format!("href=\"{end}\"")));
    assert_eq!(t.get(&end, Some(&lw)).await.status, StatusCode::OK);
    let r = t
        .submit(&format!("{end}/end"), &lw, &[("to", "1 1 2026")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("href=\"#to\"") && r.body.contains("value=\"1 1 2026\""));
    assert!(r
        .body
        .contains("on or after the date they started, 5 January 2026"));
    let r = api_post(
        &t,
        &lw2,
        &format!("/api{end}/end"),
        serde_json::json!({"to": "1 2 2026"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = api_post(
        &t,
        &lw,
        &format!("/api{end}/end"),
        serde_json::json!({"to": "1 2 2026"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = t
        .submit(&format!("{end}/end"), &lw, &[("to", "9 2 2026")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("already ended on 1 February 2026"));
    assert_eq!(work(&t, &lw, 1).await["team"][0]["to"], "1 February 2026");
}

/// The `seen` version a change form carries.
fn seen_in(page: &str) -> String {
    let at = page
        .find("name=\"seen\" value=\"")
        .expect("a version in the form")
        + 19;
    page[at..at + page[at..].find('"').unwrap()].to_string()
}

/// Two tabs (or two workers) change the same goal: the second save, made over a change it
/// never saw, is refused with what was typed kept; saved again from the page it shows, it
/// goes through.
#[tokio::test]
async fn a_change_over_one_the_form_never_saw_is_refused() {
    let t = TestApp::new().await;
    t.assign_directly(1, "lw1").await;
    let lw = t.sign_in("lw1").await;
    let r = t
        .submit(
            "/families/1/plan/goals",
            &lw,
            &[
                ("problem", "school_attendance"),
                ("measure", "pupils_below_85_attendance"),
                ("goal", "Bobby at school"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let goal = work(&t, &lw, 1).await["goals"][0]["id"].as_i64().unwrap();
    let path = format!("/families/1/plan/goals/{goal}");
    let (tab_a, tab_b) = (
        t.get(&path, Some(&lw)).await.body,
        t.get(&path, Some(&lw)).await.body,
    );
    let seen = seen_in(&tab_a);
    assert_eq!(seen, seen_in(&tab_b));
    let save = |text: &'static str, seen: String| {
        let (t, lw, path) = (&t, &lw, path.clone());
        async move {
            t.submit(&path, lw, &[("goal", text), ("seen", seen.as_str())])
                .await
        }
    };
    assert_eq!(
        save("Tab A: at school 95%", seen.clone()).await.status,
        StatusCode::SEE_OTHER
    );
    let r = save("Tab B: at school 90%", seen).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r
        .body
        .contains("Someone changed this goal after you opened it"));
    assert!(
        r.body.contains("Tab B: at school 90%"),
        "what was typed is kept"
    );
    let w = work(&t, &lw, 1).await;
    assert_eq!(w["goals"][0]["goal"], "Tab A: at school 95%");
    // The refused page carries the version it now shows: saved again, it replaces tab A's.
    let r = save("Tab B: at school 90%", seen_in(&r.body)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        work(&t, &lw, 1).await["goals"][0]["goal"],
        "Tab B: at school 90%"
    );
}
