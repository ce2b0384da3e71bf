//! The work with a family: the whole-family assessment, the family plan (goals, actions,
//! reviews), the team around the family and the family progress data; and the cohort's
//! progress for the performance officer and the analyst.
//!
//! Every write is checked like the rest of casework (the performance officer, or the
//! family's own lead worker: `casework::may_work_on`; refused as a view is otherwise), then
//! its form (every message at once), then written in one transaction, then audited.

use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::service::audit;
use crate::service::casework::{eligible, may_work_on, Refusal};
use crate::service::work_input::{
    ActionChangeForm, AssessmentForm, FamilyFrame, GoalChangeForm, GoalForm, ProgressForm,
    RemoveForm, ReviewForm, TeamEndForm, TeamForm,
};
use crate::state::AppState;
use hearth_model::CaseStatus;
use hearth_store::{
    AssessmentEntry, FamilyCase, PlanAction, PlanEdit, PlanFields, PlanGoal, PlanItem, PlanReview,
    ProgressReading, Store, StoreError, TeamEnd, TeamMember,
};
use serde::Serialize;

/// The family's members and problems in the latest run (404 if it is not in it).
async fn frame(state: &AppState, family_id: i64) -> Result<(Vec<i64>, Vec<String>), WebError> {
    let run = state.latest_run().await?.ok_or(WebError::NotFound)?;
    let &i = run.by_family.get(&family_id).ok_or(WebError::NotFound)?;
    let members = run
        .families
        .get(&family_id)
        .map(|f| f.members.iter().map(|m| m.person_id).collect())
        .unwrap_or_default();
    Ok((members, run.assessments[i].problems.clone()))
}

/// What a write did: its result and the audit line's detail (keys only).
type Written<T> = Result<(T, String), Refusal>;

/// Checks that `user` may work on the family, then runs `write` with its case, in one store
/// hop; audits `action` with the detail `write` gives.
async fn write<T, F>(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    action: &'static str,
    write: F,
) -> Result<T, WebError>
where
    T: Send + 'static,
    F: FnOnce(&mut Store, Option<FamilyCase>) -> Result<Written<T>, StoreError> + Send + 'static,
{
    let eligible = eligible(state, family_id).await?;
    let actor = user.clone();
    let done = state
        .store()
        .run(move |s| {
            let case = s.family_case(family_id)?;
            if let Err(refusal) = may_work_on(&actor, eligible, case.as_ref()) {
                return Ok(Err(refusal));
            }
            write(s, case)
        })
        .await?;
    let (value, detail) = match done {
        Ok(v) => v,
        Err(refusal) => return Err(refusal.into_error(state, user, family_id).await),
    };
    audit::record(
        state,
        user,
        action,
        ("family", family_id.to_string()),
        detail,
    )
    .await?;
    Ok(value)
}

fn invalid<T>(errors: Vec<(String, String)>) -> Result<Written<T>, StoreError> {
    Ok(Err(Refusal::Invalid(WebError::Invalid(errors))))
}

/// Adds an entry to the whole-family assessment (a new version if the member and problem
/// have one already).
pub(crate) async fn add_assessment(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    form: AssessmentForm,
) -> Result<(), WebError> {
    let (members, problems) = frame(state, family_id).await?;
    let checked = form.check(&FamilyFrame {
        members: &members,
        problems: &problems,
    });
    let (by, at) = (user.user.id, state.now());
    write(state, user, family_id, "add assessment", move |s, _| {
        let a = match checked {
            Ok(a) => a,
            Err(e) => return invalid(e),
        };
        let ids = s.add_assessment(&[AssessmentEntry {
            id: 0,
            family_id,
            person_id: a.person_id,
            problem_key: a.problem_key,
            happening: a.happening,
            strengths: a.strengths,
            needs: a.needs,
            evidence_seen: a.evidence_seen,
            written_by: by,
            written_at: at,
        }])?;
        Ok(Ok(((), format!("assessment entry {}", ids[0]))))
    })
    .await
}

/// Adds a goal to the family plan, with its first action if given, in one transaction.
pub(crate) async fn add_goal(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    form: GoalForm,
) -> Result<(), WebError> {
    let (members, problems) = frame(state, family_id).await?;
    let checked = form.check(
        &FamilyFrame {
            members: &members,
            problems: &problems,
        },
        &state.settings().outcome_measures,
    );
    let (by, at) = (user.user.id, state.now());
    write(state, user, family_id, "add plan goal", move |s, _| {
        let g = match checked {
            Ok(g) => g,
            Err(e) => return invalid(e),
        };
        let actions: Vec<PlanAction> = g
            .first_action
            .into_iter()
            .map(|a| PlanAction {
                id: 0,
                family_id,
                goal_id: 0,
                action: a.action,
                owner: a.owner,
                due_on: a.due,
                done_on: None,
                added_by: by,
                added_at: at,
            })
            .collect();
        let id = s.add_plan_goal(
            &PlanGoal {
                id: 0,
                family_id,
                problem_key: g.problem_key,
                measure_key: g.measure_key.clone(),
                goal: g.goal,
                set_by: by,
                set_at: at,
            },
            &actions,
        )?;
        Ok(Ok(((), format!("goal {id}, measure {}", g.measure_key))))
    })
    .await
}

/// Adds an action to a goal of the family's plan.
pub(crate) async fn add_action(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    form: crate::service::work_input::ActionForm,
) -> Result<(), WebError> {
    let checked = form.check();
    let (by, at) = (user.user.id, state.now());
    write(state, user, family_id, "add plan action", move |s, _| {
        let (goal_id, a) = match checked {
            Ok(x) => x,
            Err(e) => return invalid(e),
        };
        let added = s.add_plan_action(&PlanAction {
            id: 0,
            family_id,
            goal_id,
            action: a.action,
            owner: a.owner,
            due_on: a.due,
            done_on: None,
            added_by: by,
            added_at: at,
        })?;
        match added {
            Some(id) => Ok(Ok(((), format!("action {id}, goal {goal_id}")))),
            None => invalid(vec![(
                "goal_id".into(),
                "Select one of this family's goals".into(),
            )]),
        }
    })
    .await
}

/// Records an action of the family's plan as done today (404 if the family has no such
/// action).
pub(crate) async fn action_done(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    action_id: i64,
) -> Result<(), WebError> {
    let (by, at) = (user.user.id, state.now());
    let today = at.date_naive();
    write(state, user, family_id, "plan action done", move |s, _| {
        let edit = PlanEdit {
            family_id,
            reason: String::new(),
            by,
            at,
        };
        if s.mark_plan_action_done(&edit, action_id, today)? {
            Ok(Ok(((), format!("action {action_id}"))))
        } else {
            Ok(Err(Refusal::Invalid(WebError::NotFound)))
        }
    })
    .await
}

/// Changes a goal's text (the change kept with why, who and when; 404 if the family has no
/// such goal).
pub(crate) async fn change_goal(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    goal_id: i64,
    form: GoalChangeForm,
) -> Result<(), WebError> {
    let seen = form.seen.trim().parse().ok();
    let checked = form.check().map(|(goal, reason)| {
        let fields = PlanFields {
            goal: Some(goal),
            ..PlanFields::default()
        };
        (fields, reason)
    });
    change(
        state,
        user,
        family_id,
        PlanItem::Goal(goal_id),
        seen,
        checked,
    )
    .await
}

/// Changes an action's text, owner or due date (each change kept with why, who and when;
/// 404 if the family has no such action).
pub(crate) async fn change_action(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    action_id: i64,
    form: ActionChangeForm,
) -> Result<(), WebError> {
    let seen = form.seen.trim().parse().ok();
    let checked = form.check().map(|(a, reason)| {
        let fields = PlanFields {
            action: Some(a.action),
            owner: Some(a.owner),
            due_on: Some(a.due),
            goal: None,
        };
        (fields, reason)
    });
    change(
        state,
        user,
        family_id,
        PlanItem::Action(action_id),
        seen,
        checked,
    )
    .await
}

/// Changes a goal or an action of the plan to `fields` as checked, with why; refused when
/// it was changed since its form was opened at version `seen` (two tabs, two workers).
async fn change(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    item: PlanItem,
    seen: Option<i64>,
    checked: Result<(PlanFields, String), Vec<(String, String)>>,
) -> Result<(), WebError> {
    let (by, at) = (user.user.id, state.now());
    let action = match item {
        PlanItem::Goal(_) => "change plan goal",
        PlanItem::Action(_) => "change plan action",
    };
    write(state, user, family_id, action, move |s, _| {
        let (fields, reason) = match checked {
            Ok(x) => x,
            Err(e) => return invalid(e),
        };
        if let Some(seen) = seen {
            let changes = s.case_work(family_id)?.changes;
            if item.version(&changes) != seen {
                let (field, what) = match item {
                    PlanItem::Goal(_) => ("goal", "goal"),
                    PlanItem::Action(_) => ("action", "action"),
                };
                return invalid(vec![(
                    field.into(),
                    format!(
                        "Someone changed this {what} after you opened it. What it says now is in the plan; check it, then save yours again if it should replace it"
                    ),
                )]);
            }
        }
        let edit = PlanEdit {
            family_id,
            reason,
            by,
            at,
        };
        changed(s.change_plan(&edit, item, &fields)?, item_name(item))
    })
    .await
}

/// A goal or action as the audit detail names it.
fn item_name(item: PlanItem) -> String {
    match item {
        PlanItem::Goal(g) => format!("goal {g}"),
        PlanItem::Action(a) => format!("action {a}"),
    }
}

/// A change's outcome: 404 for no such goal or action; the audit detail names the fields.
fn changed(
    outcome: Option<Vec<hearth_store::PlanField>>,
    item: String,
) -> Result<Written<()>, StoreError> {
    match outcome {
        None => Ok(Err(Refusal::Invalid(WebError::NotFound))),
        Some(fields) => {
            let names: Vec<&str> = fields.iter().map(|f| f.key()).collect();
            Ok(Ok(((), format!("{item}: {}", names.join(", ")))))
        }
    }
}

/// Removes a goal (with its actions) or an action from the plan, with why (kept; 404 if the
/// family has no such goal or action).
pub(crate) async fn remove(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    item: PlanItem,
    form: RemoveForm,
) -> Result<(), WebError> {
    let checked = form.check();
    let (by, at) = (user.user.id, state.now());
    write(state, user, family_id, "remove from plan", move |s, _| {
        let reason = match checked {
            Ok(x) => x,
            Err(e) => return invalid(e),
        };
        let edit = PlanEdit {
            family_id,
            reason,
            by,
            at,
        };
        if s.remove_from_plan(&edit, item)? {
            Ok(Ok(((), item_name(item))))
        } else {
            Ok(Err(Refusal::Invalid(WebError::NotFound)))
        }
    })
    .await
}

/// Ends a team member's involvement with the family (once; 404 if the family has no such
/// team member).
pub(crate) async fn end_team_member(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    member_id: i64,
    form: TeamEndForm,
) -> Result<(), WebError> {
    let checked = form.check();
    write(state, user, family_id, "end team member", move |s, _| {
        let to = match checked {
            Ok(x) => x,
            Err(e) => return invalid(e),
        };
        match s.end_team_member(family_id, member_id, to)? {
            TeamEnd::Ended => Ok(Ok(((), format!("team member {member_id}")))),
            TeamEnd::NotFound => Ok(Err(Refusal::Invalid(WebError::NotFound))),
            TeamEnd::AlreadyEnded(on) => invalid(vec![(
                "to".into(),
                format!(
                    "Their involvement already ended on {}",
                    on.format("%-d %B %Y")
                ),
            )]),
            TeamEnd::BeforeStart(from) => invalid(vec![(
                "to".into(),
                format!(
                    "The date they stopped must be on or after the date they started, {}",
                    from.format("%-d %B %Y")
                ),
            )]),
        }
    })
    .await
}

/// Records a review of the family plan: a plan in place moves on to reviews, and the next
/// review is due from this one (the status change kept in the history), in one
/// transaction. A plan with no goals cannot be reviewed.
pub(crate) async fn add_review(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    form: ReviewForm,
) -> Result<(), WebError> {
    let checked = form.check();
    let (by, at, name) = (user.user.id, state.now(), user.user.user_name.clone());
    write(state, user, family_id, "add plan review", move |s, case| {
        let (on, what) = match checked {
            Ok(x) => x,
            Err(e) => return invalid(e),
        };
        if on > at.date_naive() {
            return invalid(vec![(
                "reviewed_on".into(),
                "The date of the review must be today or in the past".into(),
            )]);
        }
        if s.case_work(family_id)?.goals.is_empty() {
            return invalid(vec![(
                "what_changed".into(),
                "Add a goal to the family plan before reviewing it".into(),
            )]);
        }
        let mut case = case.unwrap_or_else(|| FamilyCase::new(family_id, at, &name));
        match case.status {
            CaseStatus::PlanInPlace => case.set_status(CaseStatus::Reviewing, at, &name),
            CaseStatus::Reviewing => case.restart_clock(at, &name),
            _ => {}
        }
        let id = s.add_plan_review(
            &PlanReview {
                id: 0,
                family_id,
                reviewed_on: on,
                what_changed: what,
                reviewed_by: by,
                recorded_at: at,
            },
            &case,
        )?;
        Ok(Ok(((), format!("review {id}"))))
    })
    .await?;
    state.caches().cases_changed();
    Ok(())
}

/// Adds a practitioner or service to the team around the family.
pub(crate) async fn add_team_member(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    form: TeamForm,
) -> Result<(), WebError> {
    let checked = form.check();
    let (by, at) = (user.user.id, state.now());
    write(state, user, family_id, "add team member", move |s, _| {
        let t = match checked {
            Ok(t) => t,
            Err(e) => return invalid(e),
        };
        let id = s.add_team_member(&TeamMember {
            id: 0,
            family_id,
            name: t.name,
            agency: t.agency,
            role: t.role,
            from_on: t.from,
            to_on: t.to,
            added_by: by,
            added_at: at,
        })?;
        Ok(Ok(((), format!("team member {id}"))))
    })
    .await
}

/// Records the family's positions on the progress measures.
pub(crate) async fn add_progress(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    form: ProgressForm,
) -> Result<(), WebError> {
    frame(state, family_id).await?;
    let checked = form.check(&state.settings().progress_measures);
    let (by, at) = (user.user.id, state.now());
    write(state, user, family_id, "add progress", move |s, _| {
        let p = match checked {
            Ok(p) => p,
            Err(e) => return invalid(e),
        };
        let earlier: Vec<_> = s
            .case_and_work(family_id)?
            .1
            .progress
            .iter()
            .map(|r| (r.stage, r.read_on))
            .collect();
        let today = at.date_naive();
        if let Err(refused) = hearth_casework::check_reading(&earlier, p.stage, p.read_on, today) {
            let field = match refused {
                hearth_casework::ReadingRefused::SecondStart(_) => "stage",
                _ => "read_on",
            };
            return invalid(vec![(field.to_string(), refused.to_string())]);
        }
        let id = s.add_progress_reading(&ProgressReading {
            id: 0,
            family_id,
            stage: p.stage,
            read_on: p.read_on,
            positions: p.positions,
            recorded_by: by,
            recorded_at: at,
        })?;
        Ok(Ok((
            (),
            format!("progress reading {id}, {}", p.stage.key()),
        )))
    })
    .await
}

/// One measure of the cohort view.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CohortMeasure {
    pub key: String,
    pub theme: String,
    pub label: String,
    #[serde(flatten)]
    pub counts: hearth_casework::CohortRow,
    /// The mean positions for people, to one decimal place.
    pub mean_first_label: Option<String>,
    pub mean_latest_label: Option<String>,
}

/// The cohort's progress: families with progress data, and each measure's change.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Cohort {
    /// Families with at least one reading.
    pub families: usize,
    pub scale: Vec<String>,
    pub measures: Vec<CohortMeasure>,
}

/// The cohort view: every family's progress readings, counted (no family is named;
/// audited).
pub(crate) async fn cohort(state: &AppState, user: &CurrentUser) -> Result<Cohort, WebError> {
    cohort_leaving_out(state, user, &std::collections::BTreeSet::new()).await
}

/// The cohort without the families in `left_out` (for the export, which honours objections).
pub(crate) async fn cohort_leaving_out(
    state: &AppState,
    user: &CurrentUser,
    left_out: &std::collections::BTreeSet<i64>,
) -> Result<Cohort, WebError> {
    let mut readings = state.store().run(|s| s.all_progress_readings()).await?;
    readings.retain(|r| !left_out.contains(&r.family_id));
    let measures = &state.settings().progress_measures;
    let mut by_family: Vec<Vec<hearth_casework::Reading>> = Vec::new();
    let mut last = None;
    for r in &readings {
        if last != Some(r.family_id) {
            by_family.push(Vec::new());
            last = Some(r.family_id);
        }
        if let Some(v) = by_family.last_mut() {
            v.push(crate::views::work::reading(r));
        }
    }
    let rows = hearth_casework::cohort(&by_family, measures);
    let cohort = Cohort {
        families: by_family.len(),
        scale: measures.scale.clone(),
        measures: measures
            .measures
            .iter()
            .zip(rows)
            .map(|(m, counts)| CohortMeasure {
                key: m.key.clone(),
                theme: m.theme.clone(),
                label: m.label.clone(),
                mean_first_label: counts.mean_first.map(|v| format!("{v:.1}")),
                mean_latest_label: counts.mean_latest.map(|v| format!("{v:.1}")),
                counts,
            })
            .collect(),
    };
    audit::record(
        state,
        user,
        "view progress cohort",
        ("family", "*".into()),
        format!("{} families counted", cohort.families),
    )
    .await?;
    Ok(cohort)
}
