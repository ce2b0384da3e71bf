//! A plan's actions: the row type and reading one; the plan's own module ([`super::work`])
//! and its changes ([`super::plan_change`]) both use them.

use super::opt_date;
use crate::error::Result;
use crate::sql::{date, int, time, Tx, Val};
use chrono::{DateTime, NaiveDate, Utc};

/// An action of the family plan, towards a goal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanAction {
    /// The action's key.
    pub id: i64,
    /// The family.
    pub family_id: i64,
    /// The goal it serves (of the same family).
    pub goal_id: i64,
    /// What is to be done.
    pub action: String,
    /// Who does it: a person or an agency.
    pub owner: String,
    /// When it is due.
    pub due_on: NaiveDate,
    /// When it was done (`None`: not yet).
    pub done_on: Option<NaiveDate>,
    /// Who added it (account key).
    pub added_by: i64,
    /// When.
    pub added_at: DateTime<Utc>,
}

pub(super) fn current_action(
    tx: &mut dyn Tx,
    family_id: i64,
    action_id: i64,
) -> Result<Option<PlanAction>> {
    const T: &str = "plan_action";
    let rows = tx.query(
        "SELECT id, family_id, goal_id, action, owner, due_on, done_on, added_by, added_at \
         FROM plan_action WHERE id = $1 AND family_id = $2 AND removed_at IS NULL",
        &[action_id.into(), family_id.into()],
    )?;
    rows.first().map(|r| action_row(r, T)).transpose()
}

pub(super) fn action_row(r: &[Val], t: &'static str) -> Result<PlanAction> {
    Ok(PlanAction {
        id: int(r, 0, t, "id")?,
        family_id: int(r, 1, t, "family_id")?,
        goal_id: int(r, 2, t, "goal_id")?,
        action: r[3].text().unwrap_or_default(),
        owner: r[4].text().unwrap_or_default(),
        due_on: date(&r[5], t, "due_on")?,
        done_on: opt_date(&r[6], t, "done_on")?,
        added_by: int(r, 7, t, "added_by")?,
        added_at: time(&r[8], t, "added_at")?,
    })
}
