//! The lead worker's evidence of progress towards work (seed 003, principle 6): a goal of the
//! family's plan tied to the plan's `progress_towards_work` measure, every action of it done
//! in the casework, meets worklessness for the sustain period from the day the last action
//! was done. A small synthetic borough with its cohort imported, linked, identified and
//! attached; a family held back by nothing but an adult's out-of-work benefit is judged
//! achieved once its lead worker records the goal done, and not while an action is open.
//! SQLite in a temporary folder; the same on PostgreSQL when `HEARTH_TEST_POSTGRES_URL` is
//! set at build time.

mod support;

use chrono::{NaiveDate, Utc};
use hearth_outcomes::{Baseline, FamilyOutcome, Plan, ProblemState, ResultKind};
use hearth_pipeline::outcomes;
use hearth_store::{NewUser, PlanAction, PlanGoal, Store};
use std::path::Path;
use support::{cohort_borough, import_link_identify, on_postgresql, shipped, sqlite_store};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn outcome(store: &mut Store, family: i64) -> FamilyOutcome {
    let stored = store.family_outcome(family).unwrap().expect("judged");
    serde_json::from_str(&stored.outcome).unwrap()
}

fn sustained(o: &FamilyOutcome) -> Option<NaiveDate> {
    o.results
        .iter()
        .find(|r| r.kind == ResultKind::SignificantAndSustainedProgress)
        .map(|r| r.achieved_on)
}

/// A goal on `measure` for `family` with one action, done on `done` (or not yet).
fn goal(store: &mut Store, family: i64, by: i64, measure: &str, done: Option<NaiveDate>) {
    let now = Utc::now();
    store
        .add_plan_goal(
            &PlanGoal {
                id: 0,
                family_id: family,
                problem_key: "worklessness".into(),
                measure_key: measure.into(),
                goal: "Mum completes a work placement at the garden centre".into(),
                set_by: by,
                set_at: now,
            },
            &[PlanAction {
                id: 0,
                family_id: family,
                goal_id: 0,
                action: "Eight weeks' placement, three days a week".into(),
                owner: "Lead worker".into(),
                due_on: d(2027, 7, 31),
                done_on: done,
                added_by: by,
                added_at: now,
            }],
        )
        .unwrap();
}

fn progress_towards_work_is_judged_from_the_casework(store: &mut Store, dir: &Path) {
    let identified_on = d(2025, 9, 1);
    let judged_on = d(2027, 8, 31);
    let files = cohort_borough(dir, 3_000, 7);
    import_link_identify(store, &files, judged_on, identified_on);
    let (mut plan, _) =
        outcomes::load_plan(&shipped("rules/outcomes-cheshire-east-2015.toml")).unwrap();
    // Only worklessness's measure can hold a family back here: every other measure allows
    // any number, and any share of sessions attended will do.
    for p in plan.problems.iter_mut().filter(|p| p.key != "worklessness") {
        for m in &mut p.measures {
            m.max = 100_000;
        }
    }
    plan.attendance.minimum = 0.0;
    plan.attendance.max_exclusions = 100_000;
    let listed = outcomes::read_attachments(&dir.join("programme/attachments.csv")).unwrap();
    outcomes::attach(store, &plan, &listed, Utc::now(), "test").unwrap();
    let judge = |store: &mut Store, plan: &Plan| {
        outcomes::evaluate(store, plan, "sha", judged_on, Utc::now()).unwrap()
    };
    judge(store, &plan);

    // A family with no result, held back by worklessness's measure alone.
    let baselines: Vec<Baseline> = store
        .baselines()
        .unwrap()
        .iter()
        .map(|b| serde_json::from_str(&b.baseline).unwrap())
        .collect();
    let family = baselines
        .iter()
        .map(|b| outcome(store, b.family_id))
        .find(|o| {
            sustained(o).is_none()
                && o.problems
                    .iter()
                    .all(|p| p.missing.is_empty() != (p.problem_key == "worklessness"))
                && o.problems.iter().any(|p| {
                    p.problem_key == "worklessness"
                        && p.missing.iter().all(|m| m.starts_with("No adult on"))
                })
        })
        .expect("a family held back by an adult's out-of-work benefit alone")
        .family_id;

    let worker = store
        .create_user(
            &NewUser {
                user_name: "lw".into(),
                display_name: "Lee Worker".into(),
                role: hearth_model::Role::LeadWorker,
                password_hash: "not a password".into(),
            },
            Utc::now(),
        )
        .unwrap()
        .id;
    // A goal whose action is still open, and one tied to another measure: not evidence.
    goal(store, family, worker, "progress_towards_work", None);
    goal(
        store,
        family,
        worker,
        "continuous_employment",
        Some(d(2027, 8, 1)),
    );
    judge(store, &plan);
    assert_eq!(sustained(&outcome(store, family)), None);

    // The lead worker's goal achieved on 1 August: progress from that day.
    let done = d(2027, 8, 1);
    goal(store, family, worker, "progress_towards_work", Some(done));
    let report = judge(store, &plan);
    let o = outcome(store, family);
    let on = sustained(&o).unwrap_or_else(|| panic!("not achieved: {o:?}\n{report}"));
    assert!(on >= done && on <= judged_on, "achieved on {on}");
    let result = o.results.iter().find(|r| r.achieved_on == on).unwrap();
    assert!(
        result
            .evidence
            .iter()
            .any(|e| e.measure_key == "progress_towards_work" && e.met),
        "the evidence names the lead worker's measure: {:?}",
        result.evidence
    );
    let w = o.problems.iter().find(|p| p.problem_key == "worklessness");
    assert!(
        w.is_some_and(|p| p.missing.is_empty()
            && matches!(p.state, ProblemState::Achieved | ProblemState::NotRegressed)),
        "{w:?}"
    );
}

#[test]
fn progress_towards_work_is_judged_from_the_casework_on_sqlite() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = sqlite_store(tmp.path());
    progress_towards_work_is_judged_from_the_casework(&mut store, tmp.path());
}

#[test]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
fn progress_towards_work_is_judged_from_the_casework_on_postgresql() {
    on_postgresql(
        "hearth_worker_evidence_test",
        progress_towards_work_is_judged_from_the_casework,
    );
}
