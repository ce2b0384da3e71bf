//! The case's life and the work with a family: status history appended on every change and
//! never rewritten; assessment versions; plan goals, actions and reviews (a review moves the
//! case on and restarts its clock, in one transaction); the team; progress readings; rows of
//! one family never reached through another's key.

use crate::accounts::web_user;
use crate::harness::TestDb;
use chrono::{NaiveDate, TimeZone, Utc};
use hearth_model::{CaseStatus, CloseReason, ProgressStage, Role};
use hearth_store::{
    AssessmentEntry, FamilyCase, PlanAction, PlanEdit, PlanField, PlanFields, PlanGoal, PlanItem,
    PlanReview, ProgressReading, Store, TeamEnd, TeamMember,
};

both!(
    status_changes_are_kept_with_who_when_and_why,
    the_work_with_a_family_round_trips_and_stays_with_its_family,
    the_plan_changes_with_its_history_kept_and_the_team_ends_once,
);

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

fn status_changes_are_kept_with_who_when_and_why(store: &mut Store, db: &TestDb) {
    let t = |day| Utc.with_ymd_and_hms(2026, 1, day, 9, 0, 0).unwrap();
    let mut case = FamilyCase::new(4, t(1), "po");
    store.save_family_case(&case).unwrap();
    case.assign(Some(web_user(store, "lw", Role::LeadWorker).id), t(2), "po");
    case.home_service = Some("Early Help".into());
    store.save_family_case(&case).unwrap(); // no change of status: no history row
    case.set_status(CaseStatus::Assessed, t(3), "lw");
    store.save_family_case(&case).unwrap();
    case.set_status(CaseStatus::Contacted, t(4), "lw");
    store
        .save_family_case_because(&case, "  The family asked to start again  ")
        .unwrap();
    case.close(CloseReason::MovedAway, t(5), "lw");
    store.save_family_case(&case).unwrap();
    let stored = store.family_case(4).unwrap().unwrap();
    assert_eq!(stored, case);
    assert_eq!(stored.close_reason, Some(CloseReason::MovedAway));
    assert_eq!(stored.home_service.as_deref(), Some("Early Help"));

    let h = store.case_history(4).unwrap();
    let steps: Vec<(Option<CaseStatus>, CaseStatus)> = h.iter().map(|c| (c.from, c.to)).collect();
    assert_eq!(
        steps,
        vec![
            (None, CaseStatus::Identified),
            (Some(CaseStatus::Identified), CaseStatus::Assessed),
            (Some(CaseStatus::Assessed), CaseStatus::Contacted),
            (Some(CaseStatus::Contacted), CaseStatus::Closed),
        ]
    );
    assert_eq!(h[2].reason, "The family asked to start again");
    assert_eq!((h[2].changed_by.as_str(), h[2].changed_at), ("lw", t(4)));
    assert_eq!(h[3].close_reason, Some(CloseReason::MovedAway));
    // Reopening clears the closing reason; the history keeps it.
    case.set_status(CaseStatus::Reviewing, t(6), "po");
    store
        .save_family_case_because(&case, "Back in the area")
        .unwrap();
    assert_eq!(store.family_case(4).unwrap().unwrap().close_reason, None);
    assert_eq!(
        store.case_history(4).unwrap()[3].close_reason,
        Some(CloseReason::MovedAway)
    );
    // The history is never rewritten.
    assert!(db
        .exec("UPDATE case_status_change SET reason = 'x'")
        .is_err());
    assert!(db.exec("DELETE FROM case_status_change").is_err());
    assert_eq!(store.case_history(4).unwrap().len(), 5);
    assert!(store.case_history(5).unwrap().is_empty());
}

fn the_work_with_a_family_round_trips_and_stays_with_its_family(store: &mut Store, db: &TestDb) {
    let lw = web_user(store, "lw", Role::LeadWorker).id;
    let at = Utc.with_ymd_and_hms(2026, 2, 1, 9, 0, 0).unwrap();
    let entry = |person_id, happening: &str| AssessmentEntry {
        id: 0,
        family_id: 1,
        person_id,
        problem_key: "school_attendance".into(),
        happening: happening.into(),
        strengths: "Loves football".into(),
        needs: "A morning routine".into(),
        evidence_seen: "Attendance letter".into(),
        written_by: lw,
        written_at: at,
    };
    let ids = store
        .add_assessment(&[
            entry(None, "Late most days"),
            entry(Some(102), "Misses Mondays"),
        ])
        .unwrap();
    assert_eq!(ids.len(), 2);
    store
        .add_assessment(&[entry(Some(102), "Misses some Mondays")])
        .unwrap();
    assert!(
        db.exec("DELETE FROM assessment_entry").is_err(),
        "append-only"
    );

    let goal = PlanGoal {
        id: 0,
        family_id: 1,
        problem_key: "school_attendance".into(),
        measure_key: "pupils_below_85_attendance".into(),
        goal: "Bobby at school every day".into(),
        set_by: lw,
        set_at: at,
    };
    let action = PlanAction {
        id: 0,
        family_id: 1,
        goal_id: 0,
        action: "Walk to school together".into(),
        owner: "Parent".into(),
        due_on: d(3, 1),
        done_on: None,
        added_by: lw,
        added_at: at,
    };
    let goal_id = store
        .add_plan_goal(&goal, std::slice::from_ref(&action))
        .unwrap();
    let second = store
        .add_plan_action(&PlanAction {
            goal_id,
            action: "Meet the school".into(),
            owner: "School".into(),
            due_on: d(2, 15),
            ..action.clone()
        })
        .unwrap()
        .unwrap();
    // Another family's goal is not reachable from family 2, nor its actions.
    assert_eq!(
        store
            .add_plan_action(&PlanAction {
                family_id: 2,
                goal_id,
                ..action.clone()
            })
            .unwrap(),
        None
    );
    let edit = |family_id| PlanEdit {
        family_id,
        reason: String::new(),
        by: lw,
        at,
    };
    assert!(!store
        .mark_plan_action_done(&edit(2), second, d(2, 10))
        .unwrap());
    assert!(store
        .mark_plan_action_done(&edit(1), second, d(2, 10))
        .unwrap());

    let mut case = FamilyCase::new(1, at, "po");
    case.set_status(CaseStatus::PlanInPlace, at, "lw");
    store.save_family_case(&case).unwrap();
    let later = at + chrono::Duration::days(30);
    case.set_status(CaseStatus::Reviewing, later, "lw");
    store
        .add_plan_review(
            &PlanReview {
                id: 0,
                family_id: 1,
                reviewed_on: d(3, 3),
                what_changed: "Attending 4 days of 5".into(),
                reviewed_by: lw,
                recorded_at: later,
            },
            &case,
        )
        .unwrap();

    store
        .add_team_member(&TeamMember {
            id: 0,
            family_id: 1,
            name: "Sam School-Nurse".into(),
            agency: "School nursing".into(),
            role: "School nurse".into(),
            from_on: d(1, 5),
            to_on: None,
            added_by: lw,
            added_at: at,
        })
        .unwrap();
    for (stage, on, pos) in [
        (ProgressStage::Start, d(2, 1), 2),
        (ProgressStage::Review, d(3, 3), 4),
    ] {
        store
            .add_progress_reading(&ProgressReading {
                id: 0,
                family_id: 1,
                stage,
                read_on: on,
                positions: vec![("housing".into(), 3), ("school_attendance".into(), pos)],
                recorded_by: lw,
                recorded_at: at,
            })
            .unwrap();
    }

    let w = store.case_work(1).unwrap();
    assert_eq!(w.assessment.len(), 3);
    assert_eq!(w.assessment[2].happening, "Misses some Mondays");
    assert_eq!(w.goals.len(), 1);
    assert_eq!(w.goals[0].measure_key, "pupils_below_85_attendance");
    let actions: Vec<(&str, Option<NaiveDate>)> = w
        .actions
        .iter()
        .map(|a| (a.owner.as_str(), a.done_on))
        .collect();
    assert_eq!(actions, vec![("School", Some(d(2, 10))), ("Parent", None)]);
    assert_eq!(w.reviews.len(), 1);
    assert_eq!(w.reviews[0].what_changed, "Attending 4 days of 5");
    let last = w.history.last().unwrap();
    assert_eq!(
        (last.to, last.reason.as_str()),
        (CaseStatus::Reviewing, "Plan reviewed")
    );
    assert_eq!(store.family_case(1).unwrap().unwrap().status_since, later);
    assert_eq!(w.team[0].agency, "School nursing");
    assert_eq!(w.progress.len(), 2);
    assert_eq!(w.progress[1].stage, ProgressStage::Review);
    assert_eq!(
        w.progress[1].positions,
        vec![
            ("housing".to_string(), 3),
            ("school_attendance".to_string(), 4)
        ]
    );
    assert_eq!(store.all_progress_readings().unwrap().len(), 2);
    assert_eq!(w.changes.len(), 1, "marking done is kept");
    assert_eq!(w.changes[0].field, PlanField::DoneOn);
    let other = store.case_work(2).unwrap();
    assert_eq!(other, Default::default());
}

fn the_plan_changes_with_its_history_kept_and_the_team_ends_once(store: &mut Store, db: &TestDb) {
    let lw = web_user(store, "lw", Role::LeadWorker).id;
    let at = Utc.with_ymd_and_hms(2026, 2, 1, 9, 0, 0).unwrap();
    let later = at + chrono::Duration::days(3);
    let action = PlanAction {
        id: 0,
        family_id: 1,
        goal_id: 0,
        action: "Walk to school together".into(),
        owner: "Parent".into(),
        due_on: d(3, 1),
        done_on: None,
        added_by: lw,
        added_at: at,
    };
    let goal = |text: &str| PlanGoal {
        id: 0,
        family_id: 1,
        problem_key: "school_attendance".into(),
        measure_key: "pupils_below_85_attendance".into(),
        goal: text.into(),
        set_by: lw,
        set_at: at,
    };
    let g1 = store
        .add_plan_goal(&goal("Bobby at school"), std::slice::from_ref(&action))
        .unwrap();
    let g2 = store
        .add_plan_goal(&goal("A second goal"), std::slice::from_ref(&action))
        .unwrap();
    let w = store.case_work(1).unwrap();
    let a1 = w.actions.iter().find(|a| a.goal_id == g1).unwrap().id;
    let edit = |family_id, reason: &str| PlanEdit {
        family_id,
        reason: reason.into(),
        by: lw,
        at: later,
    };
    // Another family cannot reach them.
    let new = PlanFields {
        owner: Some("School".into()),
        due_on: Some(d(3, 8)),
        action: Some("Walk to school together".into()),
        ..PlanFields::default()
    };
    assert_eq!(
        store
            .change_plan(&edit(2, ""), PlanItem::Action(a1), &new)
            .unwrap(),
        None
    );
    assert!(!store
        .remove_from_plan(&edit(2, "x"), PlanItem::Goal(g1))
        .unwrap());
    // Only what differs is changed and kept.
    assert_eq!(
        store
            .change_plan(
                &edit(1, "The school will walk him"),
                PlanItem::Action(a1),
                &new
            )
            .unwrap(),
        Some(vec![PlanField::Owner, PlanField::DueOn])
    );
    assert_eq!(
        store
            .change_plan(
                &edit(1, ""),
                PlanItem::Goal(g1),
                &PlanFields {
                    goal: Some("Bobby at school every day".into()),
                    ..PlanFields::default()
                }
            )
            .unwrap(),
        Some(vec![PlanField::Goal])
    );
    assert!(store
        .remove_from_plan(&edit(1, "Agreed at the review"), PlanItem::Goal(g2))
        .unwrap());
    assert!(
        !store
            .remove_from_plan(&edit(1, "again"), PlanItem::Goal(g2))
            .unwrap(),
        "removed once"
    );
    // A removed goal takes no new actions.
    assert_eq!(
        store
            .add_plan_action(&PlanAction {
                goal_id: g2,
                ..action.clone()
            })
            .unwrap(),
        None
    );
    let w = store.case_work(1).unwrap();
    assert_eq!(w.goals.len(), 1);
    assert_eq!(w.goals[0].goal, "Bobby at school every day");
    // A claim's evidence pack quotes the plan as it stands: not what was removed from it.
    let pack = store.claim_casework(&[1]).unwrap();
    let goals: Vec<(&str, usize)> = pack[&1]
        .goals
        .iter()
        .map(|g| (g.goal.as_str(), g.actions.len()))
        .collect();
    assert_eq!(goals, [("Bobby at school every day", 1)]);
    assert_eq!(w.actions.len(), 1, "the removed goal's action goes with it");
    assert_eq!(
        (w.actions[0].owner.as_str(), w.actions[0].due_on),
        ("School", d(3, 8))
    );
    let kept: Vec<(PlanField, &str, &str, &str)> = w
        .changes
        .iter()
        .map(|c| {
            (
                c.field,
                c.old_value.as_str(),
                c.new_value.as_str(),
                c.reason.as_str(),
            )
        })
        .collect();
    assert_eq!(
        kept,
        vec![
            (
                PlanField::Owner,
                "Parent",
                "School",
                "The school will walk him"
            ),
            (
                PlanField::DueOn,
                "2026-03-01",
                "2026-03-08",
                "The school will walk him"
            ),
            (
                PlanField::Goal,
                "Bobby at school",
                "Bobby at school every day",
                ""
            ),
            (
                PlanField::Removed,
                "A second goal",
                "",
                "Agreed at the review"
            ),
        ]
    );
    assert_eq!(w.changes[0].action_id, Some(a1));
    assert_eq!((w.changes[3].goal_id, w.changes[3].action_id), (g2, None));
    assert!(
        db.exec("UPDATE plan_change SET reason = 'x'").is_err(),
        "append-only"
    );
    assert!(db.exec("DELETE FROM plan_change").is_err(), "append-only");

    let member = store
        .add_team_member(&TeamMember {
            id: 0,
            family_id: 1,
            name: "Sam School-Nurse".into(),
            agency: "School nursing".into(),
            role: "School nurse".into(),
            from_on: d(1, 5),
            to_on: None,
            added_by: lw,
            added_at: at,
        })
        .unwrap();
    assert_eq!(
        store.end_team_member(2, member, d(2, 1)).unwrap(),
        TeamEnd::NotFound
    );
    assert_eq!(
        store.end_team_member(1, member, d(1, 1)).unwrap(),
        TeamEnd::BeforeStart(d(1, 5))
    );
    assert_eq!(
        store.end_team_member(1, member, d(2, 1)).unwrap(),
        TeamEnd::Ended
    );
    assert_eq!(
        store.end_team_member(1, member, d(2, 9)).unwrap(),
        TeamEnd::AlreadyEnded(d(2, 1))
    );
    assert_eq!(store.case_work(1).unwrap().team[0].to_on, Some(d(2, 1)));
}
