//! The work with a family as one viewer may see it: the status history, the whole-family
//! assessment (current entries, with how many versions each has), the plan with what is
//! overdue, the reviews, the team around the family and the progress data over time.
//!
//! Built from what was read (`CaseWork`) with the council's measures; no I/O, no access
//! decisions: `texts` says whether free text (reasons, assessment, goals, actions, names,
//! agencies and roles of practitioners) may be shown — the analyst sees structure, dates and
//! positions only, and staff as `Cases::staff_label` names them ("Lead worker 2").

use crate::labels::problem_label;
use hearth_casework::{
    action_urgency, family_change, ActionState, OutcomeMeasures, ProgressMeasures, Reading, Urgency,
};
use hearth_store::{CaseWork, RunLabels};
use serde::Serialize;
use std::collections::BTreeMap;

/// What the views need besides the work itself.
pub(crate) struct WorkContext<'a> {
    /// Free text may be shown (roles that may see identifiers).
    pub texts: bool,
    /// The run's words for problem keys.
    pub labels: &'a RunLabels,
    /// The council's measures.
    pub outcome: &'a OutcomeMeasures,
    /// The progress measures.
    pub progress: &'a ProgressMeasures,
    /// The accounts (who did what), named as the viewer may see staff
    /// ([`crate::run::Cases::staff_label`]).
    pub cases: &'a crate::run::Cases,
    /// How each member is named for this viewer: person key → words.
    pub member_names: &'a BTreeMap<i64, String>,
    /// Today (what is overdue).
    pub today: chrono::NaiveDate,
    /// Steps due within this many days are due soon.
    pub due_soon_days: i64,
}

/// A change of status.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct HistoryRow {
    pub from: Option<&'static str>,
    pub to: &'static str,
    pub to_key: &'static str,
    pub close_reason: Option<&'static str>,
    /// Why (only where free text may be shown).
    pub reason: Option<String>,
    pub back: bool,
    pub by: String,
    pub at: String,
}

/// An assessment entry as it stands now (its latest version).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AssessmentRow {
    pub subject: String,
    pub person_id: Option<i64>,
    pub problem_key: String,
    pub problem: String,
    pub happening: Option<String>,
    pub strengths: Option<String>,
    pub needs: Option<String>,
    pub evidence_seen: Option<String>,
    pub by: String,
    pub at: String,
    /// How many versions (1: never revised).
    pub versions: usize,
}

/// A plan action and where it stands.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ActionRow {
    pub id: i64,
    pub action: Option<String>,
    pub owner: Option<String>,
    pub due: chrono::NaiveDate,
    pub due_label: String,
    /// The due date as a form takes it (`27 3 2026`).
    pub due_input: String,
    pub done_on: Option<String>,
    /// The latest change to it ([`hearth_store::PlanItem::version`]), for its change form.
    pub version: i64,
    /// `done`, `overdue`, `due_soon` or `on_track`.
    pub state: &'static str,
    pub state_label: &'static str,
}

/// A goal of the plan with its actions.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct GoalRow {
    pub id: i64,
    pub problem_key: String,
    pub problem: String,
    pub measure_key: String,
    pub measure: String,
    pub goal: Option<String>,
    /// The latest change to it ([`hearth_store::PlanItem::version`]), for its change form.
    pub version: i64,
    pub actions: Vec<ActionRow>,
}

/// A review of the plan.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ReviewRow {
    pub on: String,
    pub what_changed: Option<String>,
    pub by: String,
    /// The changes made to the plan since the review before (or since the plan began), up
    /// to this one.
    pub plan_changes: Vec<ChangeRow>,
}

/// A change made to the plan after it was written.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ChangeRow {
    pub goal_id: i64,
    pub action_id: Option<i64>,
    /// The goal or action, in its words where free text may be shown (`Goal 3` otherwise).
    pub item: String,
    /// `goal`, `action`, `owner`, `due_on`, `done_on` or `removed`.
    pub field: &'static str,
    /// What changed, in words: `Who will do it`, `Removed`…
    pub what: &'static str,
    /// What it was and became (free text only where it may be shown; dates always).
    pub from: Option<String>,
    pub to: Option<String>,
    /// Why (free text: only where it may be shown).
    pub reason: Option<String>,
    pub by: String,
    pub at: String,
}

/// A practitioner or service in the team around the family.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TeamRow {
    pub id: i64,
    pub name: Option<String>,
    /// Free text, like the name: only where it may be shown.
    pub agency: Option<String>,
    pub role: Option<String>,
    pub from: String,
    pub to: Option<String>,
    pub current: bool,
}

/// One progress measure over time.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ProgressRow {
    pub key: String,
    pub theme: String,
    pub label: String,
    /// Each reading's position on this measure (`None`: not recorded then), as
    /// `readings` orders them.
    pub positions: Vec<Option<i64>>,
    pub first: Option<String>,
    pub latest: Option<String>,
    /// `Better`, `No change`, `Worse` (`None`: fewer than two readings).
    pub change: Option<&'static str>,
}

/// A progress reading's heading.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ReadingHead {
    pub stage: &'static str,
    pub on: String,
}

/// The work with a family as a viewer may see it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct WorkView {
    pub texts_shown: bool,
    pub history: Vec<HistoryRow>,
    pub assessment: Vec<AssessmentRow>,
    pub goals: Vec<GoalRow>,
    /// Actions not done and past their due date.
    pub overdue_actions: usize,
    pub reviews: Vec<ReviewRow>,
    /// Every change made to the plan after it was written, oldest first.
    pub changes: Vec<ChangeRow>,
    /// The changes made since the last review (all of them before the first).
    pub changes_since_review: Vec<ChangeRow>,
    pub team: Vec<TeamRow>,
    pub readings: Vec<ReadingHead>,
    pub progress: Vec<ProgressRow>,
}

fn long_date(d: chrono::NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%-d %B %Y %H:%M").to_string()
}

/// The work with a family for a viewer.
pub(crate) fn work_view(work: &CaseWork, cx: &WorkContext<'_>) -> WorkView {
    let text = |s: &str| cx.texts.then(|| s.to_string());
    let who = |id: i64| cx.cases.staff_label(id, cx.texts);
    let history = work
        .history
        .iter()
        .map(|h| HistoryRow {
            from: h.from.map(|s| s.label()),
            to: h.to.label(),
            to_key: h.to.key(),
            close_reason: h.close_reason.map(|r| r.label()),
            reason: (!h.reason.is_empty()).then(|| text(&h.reason)).flatten(),
            back: h.from.is_some_and(|f| h.to < f),
            by: cx.cases.staff_label_by_name(&h.changed_by, cx.texts),
            at: when(h.changed_at),
        })
        .collect();
    // The latest version of each (member, problem); versions counted.
    let mut latest: BTreeMap<(Option<i64>, &str), (usize, &hearth_store::AssessmentEntry)> =
        BTreeMap::new();
    for e in &work.assessment {
        let slot = latest
            .entry((e.person_id, e.problem_key.as_str()))
            .or_insert((0, e));
        *slot = (slot.0 + 1, e);
    }
    let assessment = latest
        .into_values()
        .map(|(versions, e)| AssessmentRow {
            subject: match e.person_id {
                None => "The whole family".into(),
                Some(p) => cx
                    .member_names
                    .get(&p)
                    .cloned()
                    .unwrap_or_else(|| format!("Person {p}")),
            },
            person_id: e.person_id,
            problem_key: e.problem_key.clone(),
            problem: problem_label(cx.labels, &e.problem_key),
            happening: text(&e.happening),
            strengths: text(&e.strengths),
            needs: text(&e.needs),
            evidence_seen: text(&e.evidence_seen),
            by: who(e.written_by),
            at: when(e.written_at),
            versions,
        })
        .collect();
    let mut overdue_actions = 0;
    let goals = work
        .goals
        .iter()
        .map(|g| GoalRow {
            id: g.id,
            problem_key: g.problem_key.clone(),
            problem: problem_label(cx.labels, &g.problem_key),
            measure_key: g.measure_key.clone(),
            measure: cx
                .outcome
                .get(&g.measure_key)
                .map_or_else(|| g.measure_key.clone(), |m| m.title.clone()),
            goal: text(&g.goal),
            version: hearth_store::PlanItem::Goal(g.id).version(&work.changes),
            actions: work
                .actions
                .iter()
                .filter(|a| a.goal_id == g.id)
                .map(|a| {
                    let st = action_urgency(a.due_on, a.done_on, cx.today, cx.due_soon_days);
                    if st.is_overdue() {
                        overdue_actions += 1;
                    }
                    let (state, state_label) = match st {
                        ActionState::Done => ("done", "Done"),
                        ActionState::Open(Urgency::Overdue) => ("overdue", "Overdue"),
                        ActionState::Open(Urgency::DueSoon) => ("due_soon", "Due soon"),
                        ActionState::Open(Urgency::OnTrack) => ("on_track", "To do"),
                    };
                    ActionRow {
                        id: a.id,
                        action: text(&a.action),
                        owner: text(&a.owner),
                        due: a.due_on,
                        due_label: long_date(a.due_on),
                        due_input: a.due_on.format("%-d %-m %Y").to_string(),
                        done_on: a.done_on.map(long_date),
                        version: hearth_store::PlanItem::Action(a.id).version(&work.changes),
                        state,
                        state_label,
                    }
                })
                .collect(),
        })
        .collect();
    let plan_changes = change_rows(work, cx);
    // Reviews are listed by the day of the review; the changes each covers are those
    // recorded between it and the review recorded before it.
    let mut recorded: Vec<chrono::DateTime<chrono::Utc>> =
        work.reviews.iter().map(|r| r.recorded_at).collect();
    recorded.sort();
    let covered = |at: chrono::DateTime<chrono::Utc>| {
        let since = recorded.iter().rev().find(|t| **t < at).copied();
        plan_changes
            .iter()
            .zip(&work.changes)
            .filter(|(_, c)| c.changed_at <= at && since.is_none_or(|s| c.changed_at > s))
            .map(|(row, _)| row.clone())
            .collect::<Vec<_>>()
    };
    let reviews = work
        .reviews
        .iter()
        .map(|r| ReviewRow {
            on: long_date(r.reviewed_on),
            what_changed: text(&r.what_changed),
            by: who(r.reviewed_by),
            plan_changes: covered(r.recorded_at),
        })
        .collect();
    let changes_since_review = plan_changes
        .iter()
        .zip(&work.changes)
        .filter(|(_, c)| recorded.last().is_none_or(|last| c.changed_at > *last))
        .map(|(row, _)| row.clone())
        .collect();
    let team = work
        .team
        .iter()
        .map(|t| TeamRow {
            id: t.id,
            name: text(&t.name),
            agency: text(&t.agency),
            role: text(&t.role),
            from: long_date(t.from_on),
            to: t.to_on.map(long_date),
            current: t.to_on.is_none_or(|to| to >= cx.today),
        })
        .collect();
    let mut sorted: Vec<&hearth_store::ProgressReading> = work.progress.iter().collect();
    sorted.sort_by_key(|r| (r.read_on, r.stage, r.id));
    let readings: Vec<Reading> = sorted.iter().map(|r| reading(r)).collect();
    let changes = family_change(&readings, cx.progress);
    let position = |p: Option<i64>| {
        p.and_then(|p| cx.progress.position_label(p))
            .map(str::to_string)
    };
    let progress = cx
        .progress
        .measures
        .iter()
        .zip(changes)
        .map(|(m, c)| ProgressRow {
            key: m.key.clone(),
            theme: m.theme.clone(),
            label: m.label.clone(),
            positions: readings
                .iter()
                .map(|r| r.positions.get(&m.key).copied())
                .collect(),
            first: position(c.first),
            latest: position(c.latest),
            change: c.change.map(|c| c.label()),
        })
        .collect();
    WorkView {
        texts_shown: cx.texts,
        history,
        assessment,
        goals,
        overdue_actions,
        reviews,
        changes: plan_changes,
        changes_since_review,
        team,
        readings: sorted
            .iter()
            .map(|r| ReadingHead {
                stage: r.stage.label(),
                on: long_date(r.read_on),
            })
            .collect(),
        progress,
    }
}

/// The plan's changes as a viewer may see them, oldest first (one row per stored change).
fn change_rows(work: &CaseWork, cx: &WorkContext<'_>) -> Vec<ChangeRow> {
    use hearth_store::PlanField as F;
    let who = |id: i64| cx.cases.staff_label(id, cx.texts);
    // Each goal and action in its words: as it stands, or as it was when removed.
    let mut goals: BTreeMap<i64, &str> =
        work.goals.iter().map(|g| (g.id, g.goal.as_str())).collect();
    let mut actions: BTreeMap<i64, &str> = work
        .actions
        .iter()
        .map(|a| (a.id, a.action.as_str()))
        .collect();
    for c in work.changes.iter().filter(|c| c.field == F::Removed) {
        match c.action_id {
            Some(a) => actions.entry(a).or_insert(c.old_value.as_str()),
            None => goals.entry(c.goal_id).or_insert(c.old_value.as_str()),
        };
    }
    let day = |v: &str| {
        chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(long_date)
            .ok()
    };
    work.changes
        .iter()
        .map(|c| {
            let item = match (c.action_id, cx.texts) {
                (Some(a), true) => format!("Action: {}", actions.get(&a).copied().unwrap_or("")),
                (None, true) => format!("Goal: {}", goals.get(&c.goal_id).copied().unwrap_or("")),
                (Some(a), false) => format!("Action {a}"),
                (None, false) => format!("Goal {}", c.goal_id),
            };
            let what = match c.field {
                F::Goal => "The goal",
                F::Action => "The action",
                F::Owner => "Who will do it",
                F::DueOn => "Due date",
                F::DoneOn => "Marked done",
                F::Removed => "Removed",
            };
            let value = |v: &str| -> Option<String> {
                if v.is_empty() {
                    None
                } else if c.field.is_text() {
                    cx.texts.then(|| v.to_string())
                } else {
                    day(v)
                }
            };
            ChangeRow {
                goal_id: c.goal_id,
                action_id: c.action_id,
                item,
                field: c.field.key(),
                what,
                from: if c.field == F::Removed {
                    None
                } else {
                    value(&c.old_value)
                },
                to: value(&c.new_value),
                reason: (cx.texts && !c.reason.is_empty()).then(|| c.reason.clone()),
                by: who(c.changed_by),
                at: when(c.changed_at),
            }
        })
        .collect()
}

/// A stored reading as the progress rules read it.
pub(crate) fn reading(r: &hearth_store::ProgressReading) -> Reading {
    Reading {
        stage: r.stage,
        on: r.read_on,
        positions: r.positions.iter().cloned().collect(),
    }
}
