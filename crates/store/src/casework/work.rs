//! The work with a family: the whole-family assessment (append-only: the latest entry for a
//! member and problem is current, earlier ones its versions), the family plan (goals tied
//! to a measure of the Outcomes Plan, actions, reviews), the team around the family and the
//! family progress data. Each write is one transaction; each takes the family's key and
//! never touches another family's rows.

pub use super::action::PlanAction;
use super::action::{action_row, current_action};
use super::history::{case_history, StatusChange};
use super::plan_change::{insert_change, plan_changes};
pub use super::plan_change::{PlanChange, PlanEdit, PlanField, PlanFields, PlanItem, TeamEnd};
use super::{day, opt_date, returning_id};
use super::{family_case, FamilyCase};
use crate::error::Result;
use crate::handle::Store;
use crate::sql::{date, int, time, ts, vocab, Tx, Val};
use chrono::{DateTime, NaiveDate, Utc};
use hearth_model::ProgressStage;

/// What is happening for the family (or one member) with one headline problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentEntry {
    /// The entry's key (a later key is a later version).
    pub id: i64,
    /// The family.
    pub family_id: i64,
    /// The member (person key; `None`: the family as a whole).
    pub person_id: Option<i64>,
    /// The headline problem's key (the rules').
    pub problem_key: String,
    /// What is happening.
    pub happening: String,
    /// Strengths.
    pub strengths: String,
    /// Needs.
    pub needs: String,
    /// The evidence seen.
    pub evidence_seen: String,
    /// Who wrote it (account key).
    pub written_by: i64,
    /// When.
    pub written_at: DateTime<Utc>,
}

/// A goal of the family plan, for one problem, tied to a measure of the Outcomes Plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanGoal {
    /// The goal's key.
    pub id: i64,
    /// The family.
    pub family_id: i64,
    /// The headline problem's key.
    pub problem_key: String,
    /// The Outcomes Plan measure's key.
    pub measure_key: String,
    /// The goal, in the family's and worker's words.
    pub goal: String,
    /// Who set it (account key).
    pub set_by: i64,
    /// When.
    pub set_at: DateTime<Utc>,
}

/// A review of the family plan: what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanReview {
    /// The review's key.
    pub id: i64,
    /// The family.
    pub family_id: i64,
    /// The day of the review.
    pub reviewed_on: NaiveDate,
    /// What changed.
    pub what_changed: String,
    /// Who recorded it (account key).
    pub reviewed_by: i64,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// A practitioner or service working with the family (the team around the family).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMember {
    /// The entry's key.
    pub id: i64,
    /// The family.
    pub family_id: i64,
    /// The practitioner's name (staff, not a family member).
    pub name: String,
    /// Their agency.
    pub agency: String,
    /// Their role with the family.
    pub role: String,
    /// From when.
    pub from_on: NaiveDate,
    /// To when (`None`: still working with the family).
    pub to_on: Option<NaiveDate>,
    /// Who added them (account key).
    pub added_by: i64,
    /// When.
    pub added_at: DateTime<Utc>,
}

/// A family's positions on the progress measures at one time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressReading {
    /// The reading's key.
    pub id: i64,
    /// The family.
    pub family_id: i64,
    /// Start, review or exit.
    pub stage: ProgressStage,
    /// The day it describes.
    pub read_on: NaiveDate,
    /// (measure key, position), by measure key.
    pub positions: Vec<(String, i64)>,
    /// Who recorded it (account key).
    pub recorded_by: i64,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// Everything of the work with one family, read together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseWork {
    /// Status history, oldest first.
    pub history: Vec<StatusChange>,
    /// Every assessment entry, oldest first (the latest per member and problem is current).
    pub assessment: Vec<AssessmentEntry>,
    /// Plan goals, oldest first.
    pub goals: Vec<PlanGoal>,
    /// Plan actions, by due date.
    pub actions: Vec<PlanAction>,
    /// Plan reviews, oldest first.
    pub reviews: Vec<PlanReview>,
    /// The team around the family, by start date.
    pub team: Vec<TeamMember>,
    /// Progress readings, by date.
    pub progress: Vec<ProgressReading>,
    /// Every change made to the plan after it was written, oldest first (append-only).
    pub changes: Vec<PlanChange>,
}

impl Store {
    /// Everything of the work with one family.
    pub fn case_work(&mut self, family_id: i64) -> Result<CaseWork> {
        self.with_read(|tx| case_work(tx, family_id))
    }

    /// Adds assessment entries (a new version of each member and problem given), together.
    pub fn add_assessment(&mut self, entries: &[AssessmentEntry]) -> Result<Vec<i64>> {
        self.with_tx(|tx| {
            entries
                .iter()
                .map(|e| {
                    let rows = tx.query(
                        "INSERT INTO assessment_entry (family_id, person_id, problem_key, \
                         happening, strengths, needs, evidence_seen, written_by, written_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                        &[
                            e.family_id.into(),
                            e.person_id.into(),
                            e.problem_key.as_str().into(),
                            e.happening.as_str().into(),
                            e.strengths.as_str().into(),
                            e.needs.as_str().into(),
                            e.evidence_seen.as_str().into(),
                            e.written_by.into(),
                            ts(e.written_at).into(),
                        ],
                    )?;
                    returning_id(rows, "assessment_entry")
                })
                .collect()
        })
    }

    /// Adds a goal to a family's plan with its first actions (their `goal_id` is set
    /// here), in one transaction; returns the goal's key.
    pub fn add_plan_goal(&mut self, goal: &PlanGoal, actions: &[PlanAction]) -> Result<i64> {
        self.with_tx(|tx| {
            let rows = tx.query(
                "INSERT INTO plan_goal (family_id, problem_key, measure_key, goal, set_by, \
                 set_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    goal.family_id.into(),
                    goal.problem_key.as_str().into(),
                    goal.measure_key.as_str().into(),
                    goal.goal.as_str().into(),
                    goal.set_by.into(),
                    ts(goal.set_at).into(),
                ],
            )?;
            let id = returning_id(rows, "plan_goal")?;
            for a in actions {
                insert_action(
                    tx,
                    &PlanAction {
                        goal_id: id,
                        family_id: goal.family_id,
                        ..a.clone()
                    },
                )?;
            }
            Ok(id)
        })
    }

    /// Adds an action to a goal of the same family's plan; `None` if the family has no
    /// such goal (nothing is written).
    pub fn add_plan_action(&mut self, action: &PlanAction) -> Result<Option<i64>> {
        self.with_tx(|tx| {
            let goal = tx.query(
                "SELECT id FROM plan_goal WHERE id = $1 AND family_id = $2 AND removed_at IS NULL",
                &[action.goal_id.into(), action.family_id.into()],
            )?;
            if goal.is_empty() {
                return Ok(None);
            }
            insert_action(tx, action).map(Some)
        })
    }

    /// Records an action of the family's plan as done on `done_on`, the change kept
    /// (`edit`'s family, who and when); `false` if the family has no such action (or it was
    /// removed).
    pub fn mark_plan_action_done(
        &mut self,
        edit: &PlanEdit,
        action_id: i64,
        done_on: NaiveDate,
    ) -> Result<bool> {
        self.with_tx(|tx| {
            let Some(current) = current_action(tx, edit.family_id, action_id)? else {
                return Ok(false);
            };
            tx.exec(
                "UPDATE plan_action SET done_on = $1 WHERE id = $2 AND family_id = $3",
                &[day(done_on).into(), action_id.into(), edit.family_id.into()],
            )?;
            let old = current.done_on.map(day).unwrap_or_default();
            insert_change(
                tx,
                edit,
                (current.goal_id, Some(action_id)),
                PlanField::DoneOn,
                (&old, &day(done_on)),
            )?;
            Ok(true)
        })
    }

    /// Records a review of the family's plan and saves `case` as the review leaves it (a
    /// plan in place moves on to reviews; the review clock restarts), its change of status
    /// added to the history, in one transaction; returns the review's key.
    pub fn add_plan_review(&mut self, review: &PlanReview, case: &FamilyCase) -> Result<i64> {
        self.with_tx(|tx| {
            let rows = tx.query(
                "INSERT INTO plan_review (family_id, reviewed_on, what_changed, reviewed_by, \
                 recorded_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[
                    review.family_id.into(),
                    day(review.reviewed_on).into(),
                    review.what_changed.as_str().into(),
                    review.reviewed_by.into(),
                    ts(review.recorded_at).into(),
                ],
            )?;
            let id = returning_id(rows, "plan_review")?;
            super::history::save_case(tx, case, "Plan reviewed")?;
            Ok(id)
        })
    }

    /// Adds a practitioner or service to the team around the family.
    pub fn add_team_member(&mut self, m: &TeamMember) -> Result<i64> {
        self.with_tx(|tx| {
            let rows = tx.query(
                "INSERT INTO team_member (family_id, name, agency, role, from_on, to_on, \
                 added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                &[
                    m.family_id.into(),
                    m.name.as_str().into(),
                    m.agency.as_str().into(),
                    m.role.as_str().into(),
                    day(m.from_on).into(),
                    m.to_on.map(day).into(),
                    m.added_by.into(),
                    ts(m.added_at).into(),
                ],
            )?;
            returning_id(rows, "team_member")
        })
    }

    /// Records a family's progress reading with its positions, in one transaction.
    pub fn add_progress_reading(&mut self, r: &ProgressReading) -> Result<i64> {
        self.with_tx(|tx| {
            let rows = tx.query(
                "INSERT INTO progress_reading (family_id, stage, read_on, recorded_by, \
                 recorded_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[
                    r.family_id.into(),
                    r.stage.key().into(),
                    day(r.read_on).into(),
                    r.recorded_by.into(),
                    ts(r.recorded_at).into(),
                ],
            )?;
            let id = returning_id(rows, "progress_reading")?;
            for (measure, position) in &r.positions {
                tx.exec(
                    "INSERT INTO progress_position (reading_id, measure_key, position) \
                     VALUES ($1, $2, $3)",
                    &[id.into(), measure.as_str().into(), (*position).into()],
                )?;
            }
            Ok(id)
        })
    }

    /// Every family's progress readings (the cohort view), by family then date.
    pub fn all_progress_readings(&mut self) -> Result<Vec<ProgressReading>> {
        self.with_read(|tx| progress_readings(tx, None))
    }

    /// The case and the work with a family read together (for a service that checks the
    /// case before showing or changing the work).
    pub fn case_and_work(&mut self, family_id: i64) -> Result<(Option<FamilyCase>, CaseWork)> {
        self.with_read(|tx| Ok((family_case(tx, family_id)?, case_work(tx, family_id)?)))
    }
}

pub(super) fn insert_action(tx: &mut dyn Tx, a: &PlanAction) -> Result<i64> {
    let rows = tx.query(
        "INSERT INTO plan_action (family_id, goal_id, action, owner, due_on, done_on, \
         added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        &[
            a.family_id.into(),
            a.goal_id.into(),
            a.action.as_str().into(),
            a.owner.as_str().into(),
            day(a.due_on).into(),
            a.done_on.map(day).into(),
            a.added_by.into(),
            ts(a.added_at).into(),
        ],
    )?;
    returning_id(rows, "plan_action")
}

/// An action of the family's plan that has not been removed.
/// Everything of the work with one family.
pub(crate) fn case_work(tx: &mut dyn Tx, family_id: i64) -> Result<CaseWork> {
    let f = [Val::from(family_id)];
    let assessment = tx
        .query(
            "SELECT id, family_id, person_id, problem_key, happening, strengths, needs, \
             evidence_seen, written_by, written_at FROM assessment_entry WHERE family_id = $1 \
             ORDER BY id",
            &f,
        )?
        .iter()
        .map(|r| {
            const T: &str = "assessment_entry";
            Ok(AssessmentEntry {
                id: int(r, 0, T, "id")?,
                family_id: int(r, 1, T, "family_id")?,
                person_id: r[2].int(),
                problem_key: r[3].text().unwrap_or_default(),
                happening: r[4].text().unwrap_or_default(),
                strengths: r[5].text().unwrap_or_default(),
                needs: r[6].text().unwrap_or_default(),
                evidence_seen: r[7].text().unwrap_or_default(),
                written_by: int(r, 8, T, "written_by")?,
                written_at: time(&r[9], T, "written_at")?,
            })
        })
        .collect::<Result<_>>()?;
    let goals = tx
        .query(
            "SELECT id, family_id, problem_key, measure_key, goal, set_by, set_at FROM plan_goal \
             WHERE family_id = $1 AND removed_at IS NULL ORDER BY id",
            &f,
        )?
        .iter()
        .map(|r| {
            const T: &str = "plan_goal";
            Ok(PlanGoal {
                id: int(r, 0, T, "id")?,
                family_id: int(r, 1, T, "family_id")?,
                problem_key: r[2].text().unwrap_or_default(),
                measure_key: r[3].text().unwrap_or_default(),
                goal: r[4].text().unwrap_or_default(),
                set_by: int(r, 5, T, "set_by")?,
                set_at: time(&r[6], T, "set_at")?,
            })
        })
        .collect::<Result<_>>()?;
    let actions = tx
        .query(
            "SELECT id, family_id, goal_id, action, owner, due_on, done_on, added_by, added_at \
             FROM plan_action WHERE family_id = $1 AND removed_at IS NULL ORDER BY due_on, id",
            &f,
        )?
        .iter()
        .map(|r| action_row(r, "plan_action"))
        .collect::<Result<_>>()?;
    let reviews = tx
        .query(
            "SELECT id, family_id, reviewed_on, what_changed, reviewed_by, recorded_at \
             FROM plan_review WHERE family_id = $1 ORDER BY reviewed_on, id",
            &f,
        )?
        .iter()
        .map(|r| {
            const T: &str = "plan_review";
            Ok(PlanReview {
                id: int(r, 0, T, "id")?,
                family_id: int(r, 1, T, "family_id")?,
                reviewed_on: date(&r[2], T, "reviewed_on")?,
                what_changed: r[3].text().unwrap_or_default(),
                reviewed_by: int(r, 4, T, "reviewed_by")?,
                recorded_at: time(&r[5], T, "recorded_at")?,
            })
        })
        .collect::<Result<_>>()?;
    let team = tx
        .query(
            "SELECT id, family_id, name, agency, role, from_on, to_on, added_by, added_at \
             FROM team_member WHERE family_id = $1 ORDER BY from_on, id",
            &f,
        )?
        .iter()
        .map(|r| {
            const T: &str = "team_member";
            Ok(TeamMember {
                id: int(r, 0, T, "id")?,
                family_id: int(r, 1, T, "family_id")?,
                name: r[2].text().unwrap_or_default(),
                agency: r[3].text().unwrap_or_default(),
                role: r[4].text().unwrap_or_default(),
                from_on: date(&r[5], T, "from_on")?,
                to_on: opt_date(&r[6], T, "to_on")?,
                added_by: int(r, 7, T, "added_by")?,
                added_at: time(&r[8], T, "added_at")?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(CaseWork {
        history: case_history(tx, family_id)?,
        assessment,
        goals,
        actions,
        reviews,
        team,
        progress: progress_readings(tx, Some(family_id))?,
        changes: plan_changes(tx, family_id)?,
    })
}

/// Progress readings of one family (or every family), by family, date and key.
fn progress_readings(tx: &mut dyn Tx, family_id: Option<i64>) -> Result<Vec<ProgressReading>> {
    const T: &str = "progress_reading";
    let (filter, params): (&str, Vec<Val>) = match family_id {
        Some(f) => ("WHERE r.family_id = $1", vec![f.into()]),
        None => ("", vec![]),
    };
    let rows = tx.query(
        &format!(
            "SELECT r.id, r.family_id, r.stage, r.read_on, r.recorded_by, r.recorded_at, \
             p.measure_key, p.position FROM progress_reading r \
             LEFT JOIN progress_position p ON p.reading_id = r.id {filter} \
             ORDER BY r.family_id, r.read_on, r.id, p.measure_key"
        ),
        &params,
    )?;
    let mut out: Vec<ProgressReading> = Vec::new();
    for r in &rows {
        let id = int(r, 0, T, "id")?;
        if out.last().is_none_or(|x| x.id != id) {
            out.push(ProgressReading {
                id,
                family_id: int(r, 1, T, "family_id")?,
                stage: vocab(&r[2], T, "stage", id)?,
                read_on: date(&r[3], T, "read_on")?,
                positions: Vec::new(),
                recorded_by: int(r, 4, T, "recorded_by")?,
                recorded_at: time(&r[5], T, "recorded_at")?,
            });
        }
        if let (Some(k), Some(p)) = (r[6].text(), r[7].int()) {
            if let Some(last) = out.last_mut() {
                last.positions.push((k, p));
            }
        }
    }
    Ok(out)
}
