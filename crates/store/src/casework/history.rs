//! Every status a case has had: who moved it, when and why (`case_status_change`,
//! append-only: the history is never rewritten). Saving a case appends to it when the
//! status changes, in the same transaction.

use super::{family_case, save_family_case, FamilyCase};
use crate::error::Result;
use crate::handle::Store;
use crate::sql::{int, time, ts, vocab, Tx, Val};
use chrono::{DateTime, Utc};
use hearth_model::{CaseStatus, CloseReason};

/// One change of a case's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// The change's key (history order).
    pub id: i64,
    /// The family.
    pub family_id: i64,
    /// The status before (`None`: the case began).
    pub from: Option<CaseStatus>,
    /// The status after.
    pub to: CaseStatus,
    /// Why the case closed, when it did.
    pub close_reason: Option<CloseReason>,
    /// Why, in the words of whoever moved it (may be empty when moving forward).
    pub reason: String,
    /// Who (account name).
    pub changed_by: String,
    /// When.
    pub changed_at: DateTime<Utc>,
}

impl Store {
    /// A family's status history, oldest first.
    pub fn case_history(&mut self, family_id: i64) -> Result<Vec<StatusChange>> {
        self.with_read(|tx| case_history(tx, family_id))
    }
}

/// Saves `case`, appending a change to its history if its status (or closing reason)
/// differs from the stored one, or the case is new.
pub(crate) fn save_case(tx: &mut dyn Tx, case: &FamilyCase, reason: &str) -> Result<()> {
    let stored = family_case(tx, case.family_id)?;
    let from = stored.as_ref().map(|c| c.status);
    let changed = stored
        .as_ref()
        .is_none_or(|c| c.status != case.status || c.close_reason != case.close_reason);
    save_family_case(tx, case)?;
    if changed {
        tx.exec(
            "INSERT INTO case_status_change (family_id, from_status, to_status, close_reason, \
             reason, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                case.family_id.into(),
                from.map(|s| s.key()).into(),
                case.status.key().into(),
                case.close_reason.map(|r| r.key()).into(),
                reason.trim().into(),
                case.updated_by.as_str().into(),
                ts(case.updated_at).into(),
            ],
        )?;
    }
    Ok(())
}

pub(crate) fn case_history(tx: &mut dyn Tx, family_id: i64) -> Result<Vec<StatusChange>> {
    const T: &str = "case_status_change";
    tx.query(
        "SELECT id, family_id, from_status, to_status, close_reason, reason, changed_by, \
         changed_at FROM case_status_change WHERE family_id = $1 ORDER BY id",
        &[family_id.into()],
    )?
    .iter()
    .map(|r| {
        let id = int(r, 0, T, "id")?;
        Ok(StatusChange {
            id,
            family_id: int(r, 1, T, "family_id")?,
            from: match &r[2] {
                Val::Null => None,
                v => Some(vocab(v, T, "from_status", id)?),
            },
            to: vocab(&r[3], T, "to_status", id)?,
            close_reason: match &r[4] {
                Val::Null => None,
                v => Some(vocab(v, T, "close_reason", id)?),
            },
            reason: r[5].text().unwrap_or_default(),
            changed_by: r[6].text().unwrap_or_default(),
            changed_at: time(&r[7], T, "changed_at")?,
        })
    })
    .collect()
}
