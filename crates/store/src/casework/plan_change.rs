//! Changes to the family plan after it is written (goal text; action text, owner, due date;
//! removal with a reason; a team member's end date), each kept in the append-only
//! `plan_change` table.

use super::action::current_action;
use super::{day, opt_date};
use crate::error::Result;
use crate::handle::Store;
use crate::sql::{corrupt, date, int, time, ts, Tx};
use chrono::{DateTime, NaiveDate, Utc};

/// What a change to the family plan changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PlanField {
    /// A goal's text.
    Goal,
    /// An action's text.
    Action,
    /// Who does an action.
    Owner,
    /// When an action is due.
    DueOn,
    /// An action done (on the new value's date).
    DoneOn,
    /// A goal (with its actions) or an action removed from the plan.
    Removed,
}

impl PlanField {
    /// Every field.
    pub const ALL: [PlanField; 6] = [
        PlanField::Goal,
        PlanField::Action,
        PlanField::Owner,
        PlanField::DueOn,
        PlanField::DoneOn,
        PlanField::Removed,
    ];

    /// The stored key.
    pub fn key(self) -> &'static str {
        match self {
            PlanField::Goal => "goal",
            PlanField::Action => "action",
            PlanField::Owner => "owner",
            PlanField::DueOn => "due_on",
            PlanField::DoneOn => "done_on",
            PlanField::Removed => "removed",
        }
    }

    /// Whether its values are free text (shown only to roles that may see them), rather
    /// than dates.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            PlanField::Goal | PlanField::Action | PlanField::Owner | PlanField::Removed
        )
    }
}

/// One change to the family plan: what a field was and became, why, who and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanChange {
    /// The change's key.
    pub id: i64,
    /// The family.
    pub family_id: i64,
    /// The goal changed, or whose action was.
    pub goal_id: i64,
    /// The action changed (`None`: the goal itself).
    pub action_id: Option<i64>,
    /// What changed.
    pub field: PlanField,
    /// What it was (a date as `YYYY-MM-DD`; empty: nothing).
    pub old_value: String,
    /// What it became (empty for a removal).
    pub new_value: String,
    /// Why (may be empty, except for a removal).
    pub reason: String,
    /// Who (account key).
    pub changed_by: i64,
    /// When.
    pub changed_at: DateTime<Utc>,
}

/// Who changes the family's plan, when and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanEdit {
    /// The family (a goal or action of another family is not found).
    pub family_id: i64,
    /// Why (required for a removal; may be empty for a change).
    pub reason: String,
    /// Who (account key).
    pub by: i64,
    /// When.
    pub at: DateTime<Utc>,
}

/// A goal or an action of a family's plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanItem {
    /// A goal (its key).
    Goal(i64),
    /// An action (its key).
    Action(i64),
}

impl PlanItem {
    /// The key of the latest of `changes` made to it (0: never changed): the version a
    /// change form was opened at, so a save over someone else's change can be refused.
    pub fn version(self, changes: &[PlanChange]) -> i64 {
        changes
            .iter()
            .filter(|c| match self {
                PlanItem::Goal(g) => c.goal_id == g && c.action_id.is_none(),
                PlanItem::Action(a) => c.action_id == Some(a),
            })
            .map(|c| c.id)
            .max()
            .unwrap_or(0)
    }
}

/// What a goal or an action becomes (`None`: left as it is; a goal has only `goal`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanFields {
    /// The goal's text.
    pub goal: Option<String>,
    /// The action's text.
    pub action: Option<String>,
    /// Who does the action.
    pub owner: Option<String>,
    /// When the action is due.
    pub due_on: Option<NaiveDate>,
}

/// What ending a team member's involvement did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamEnd {
    /// Ended on the date given.
    Ended,
    /// The family has no such team member.
    NotFound,
    /// Their involvement had already ended (on this date): it is not rewritten.
    AlreadyEnded(NaiveDate),
    /// The date is before they joined (on this date).
    BeforeStart(NaiveDate),
}

impl Store {
    /// Changes a goal's text, or an action's text, owner or due date, keeping each field's
    /// change (what it was and became, `edit`'s reason, who and when) in `plan_change`, in
    /// one transaction; returns the changes (none if nothing differs), or `None` if the
    /// family has no such goal or action (or it was removed): nothing is written.
    pub fn change_plan(
        &mut self,
        edit: &PlanEdit,
        item: PlanItem,
        new: &PlanFields,
    ) -> Result<Option<Vec<PlanField>>> {
        self.with_tx(|tx| {
            let f = edit.family_id;
            let mut changed = Vec::new();
            match item {
                PlanItem::Goal(goal_id) => {
                    let rows = tx.query(
                        "SELECT goal FROM plan_goal WHERE id = $1 AND family_id = $2 \
                         AND removed_at IS NULL",
                        &[goal_id.into(), f.into()],
                    )?;
                    let Some(old) = rows.first().map(|r| r[0].text().unwrap_or_default()) else {
                        return Ok(None);
                    };
                    if let Some(goal) = new.goal.as_ref().filter(|g| **g != old) {
                        tx.exec(
                            "UPDATE plan_goal SET goal = $1 WHERE id = $2 AND family_id = $3",
                            &[goal.as_str().into(), goal_id.into(), f.into()],
                        )?;
                        insert_change(tx, edit, (goal_id, None), PlanField::Goal, (&old, goal))?;
                        changed.push(PlanField::Goal);
                    }
                }
                PlanItem::Action(action_id) => {
                    let Some(a) = current_action(tx, f, action_id)? else {
                        return Ok(None);
                    };
                    let at = (a.goal_id, Some(action_id));
                    let mut field = |tx: &mut dyn Tx,
                                     field: PlanField,
                                     column: &str,
                                     old: String,
                                     new: Option<String>|
                     -> Result<()> {
                        if let Some(new) = new.filter(|n| *n != old) {
                            tx.exec(
                                &format!(
                                    "UPDATE plan_action SET {column} = $1 WHERE id = $2 \
                                     AND family_id = $3"
                                ),
                                &[new.as_str().into(), action_id.into(), f.into()],
                            )?;
                            insert_change(tx, edit, at, field, (&old, &new))?;
                            changed.push(field);
                        }
                        Ok(())
                    };
                    field(
                        tx,
                        PlanField::Action,
                        "action",
                        a.action,
                        new.action.clone(),
                    )?;
                    field(tx, PlanField::Owner, "owner", a.owner, new.owner.clone())?;
                    field(
                        tx,
                        PlanField::DueOn,
                        "due_on",
                        day(a.due_on),
                        new.due_on.map(day),
                    )?;
                }
            }
            Ok(Some(changed))
        })
    }

    /// Removes a goal (with its actions still in the plan) or an action from the family's
    /// plan: the rows stay, marked removed, and the removal is kept in `plan_change` with
    /// `edit`'s reason, in one transaction; `false` if the family has no such goal or
    /// action (or it was removed already).
    pub fn remove_from_plan(&mut self, edit: &PlanEdit, item: PlanItem) -> Result<bool> {
        self.with_tx(|tx| {
            let f = edit.family_id;
            let at = ts(edit.at);
            match item {
                PlanItem::Goal(goal_id) => {
                    let rows = tx.query(
                        "SELECT goal FROM plan_goal WHERE id = $1 AND family_id = $2 \
                         AND removed_at IS NULL",
                        &[goal_id.into(), f.into()],
                    )?;
                    let Some(old) = rows.first().map(|r| r[0].text().unwrap_or_default()) else {
                        return Ok(false);
                    };
                    tx.exec(
                        "UPDATE plan_goal SET removed_at = $1 WHERE id = $2 AND family_id = $3",
                        &[at.as_str().into(), goal_id.into(), f.into()],
                    )?;
                    tx.exec(
                        "UPDATE plan_action SET removed_at = $1 WHERE goal_id = $2 \
                         AND family_id = $3 AND removed_at IS NULL",
                        &[at.as_str().into(), goal_id.into(), f.into()],
                    )?;
                    insert_change(tx, edit, (goal_id, None), PlanField::Removed, (&old, ""))?;
                }
                PlanItem::Action(action_id) => {
                    let Some(a) = current_action(tx, f, action_id)? else {
                        return Ok(false);
                    };
                    tx.exec(
                        "UPDATE plan_action SET removed_at = $1 WHERE id = $2 AND family_id = $3",
                        &[at.as_str().into(), action_id.into(), f.into()],
                    )?;
                    insert_change(
                        tx,
                        edit,
                        (a.goal_id, Some(action_id)),
                        PlanField::Removed,
                        (&a.action, ""),
                    )?;
                }
            }
            Ok(true)
        })
    }

    /// Ends a team member's involvement with the family on `to_on` (set once: a date
    /// already recorded is not rewritten).
    pub fn end_team_member(
        &mut self,
        family_id: i64,
        member_id: i64,
        to_on: NaiveDate,
    ) -> Result<TeamEnd> {
        self.with_tx(|tx| {
            const T: &str = "team_member";
            let rows = tx.query(
                "SELECT from_on, to_on FROM team_member WHERE id = $1 AND family_id = $2",
                &[member_id.into(), family_id.into()],
            )?;
            let Some(r) = rows.first() else {
                return Ok(TeamEnd::NotFound);
            };
            let from = date(&r[0], T, "from_on")?;
            if let Some(to) = opt_date(&r[1], T, "to_on")? {
                return Ok(TeamEnd::AlreadyEnded(to));
            }
            if to_on < from {
                return Ok(TeamEnd::BeforeStart(from));
            }
            tx.exec(
                "UPDATE team_member SET to_on = $1 WHERE id = $2 AND family_id = $3 \
                 AND to_on IS NULL",
                &[day(to_on).into(), member_id.into(), family_id.into()],
            )?;
            Ok(TeamEnd::Ended)
        })
    }
}

/// Appends a change to `plan_change`: (goal, action), the field, (old, new).
pub(super) fn insert_change(
    tx: &mut dyn Tx,
    edit: &PlanEdit,
    (goal_id, action_id): (i64, Option<i64>),
    field: PlanField,
    (old, new): (&str, &str),
) -> Result<()> {
    tx.exec(
        "INSERT INTO plan_change (family_id, goal_id, action_id, field, old_value, new_value, \
         reason, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            edit.family_id.into(),
            goal_id.into(),
            action_id.into(),
            field.key().into(),
            old.into(),
            new.into(),
            edit.reason.as_str().into(),
            edit.by.into(),
            ts(edit.at).into(),
        ],
    )?;
    Ok(())
}

/// Every change to a family's plan, oldest first.
pub(super) fn plan_changes(tx: &mut dyn Tx, family_id: i64) -> Result<Vec<PlanChange>> {
    const T: &str = "plan_change";
    tx.query(
        "SELECT id, family_id, goal_id, action_id, field, old_value, new_value, reason, \
         changed_by, changed_at FROM plan_change WHERE family_id = $1 ORDER BY id",
        &[family_id.into()],
    )?
    .iter()
    .map(|r| {
        let id = int(r, 0, T, "id")?;
        let key = r[4].text().unwrap_or_default();
        Ok(PlanChange {
            id,
            family_id: int(r, 1, T, "family_id")?,
            goal_id: int(r, 2, T, "goal_id")?,
            action_id: r[3].int(),
            field: PlanField::ALL
                .into_iter()
                .find(|f| f.key() == key)
                .ok_or_else(|| corrupt(T, "field", id))?,
            old_value: r[5].text().unwrap_or_default(),
            new_value: r[6].text().unwrap_or_default(),
            reason: r[7].text().unwrap_or_default(),
            changed_by: int(r, 8, T, "changed_by")?,
            changed_at: time(&r[9], T, "changed_at")?,
        })
    })
    .collect()
}
