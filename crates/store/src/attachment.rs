//! Attachment to the programme: the one notion every count of families "attached" or
//! "worked with" uses (the dashboard, claims' attachment fees, cost savings, the impact
//! evaluation). A family is attached from the date frozen with its outcomes baseline
//! (`hearth outcomes --attach`), else from the day its case first moved to "agreed to take
//! part" or a later stage of the work. Attaching by list also moves the family's case to
//! "agreed", in the same transaction, so that its status agrees with the counts.

use crate::casework::{family_case, history::save_case, FamilyCase};
use crate::error::Result;
use crate::handle::Store;
use crate::outcomes::{freeze, Frozen, NewBaseline};
use crate::sql::{date, int, time, Tx};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use std::collections::BTreeMap;

impl Store {
    /// Every family attached to the programme, with the day it was attached: its baseline's
    /// attachment date where it has one, else the day (UTC) its case first moved to
    /// "agreed to take part" or later.
    pub fn attachments(&mut self) -> Result<BTreeMap<i64, NaiveDate>> {
        self.with_read(attachments)
    }

    /// Attaches families by list: freezes the baselines of those without one and moves each
    /// newly attached family's case to "agreed to take part" (a case created if it has
    /// none; one agreed or further on, or closed, left as it is), the change dated the
    /// attachment day and recorded in its history as by `by` — all in one transaction.
    pub fn attach_families(
        &mut self,
        baselines: &[NewBaseline],
        now: DateTime<Utc>,
        by: &str,
    ) -> Result<Frozen> {
        self.with_tx(|tx| {
            let (done, frozen) = freeze(tx, baselines, now)?;
            for (family_id, attached_on) in frozen {
                let at = Utc.from_utc_datetime(&attached_on.and_time(chrono::NaiveTime::MIN));
                let mut case = family_case(tx, family_id)?
                    .unwrap_or_else(|| FamilyCase::new(family_id, at, by));
                if case.attach(at, by) {
                    save_case(
                        tx,
                        &case,
                        &format!("Attached to the programme on {attached_on} (attachment list)"),
                    )?;
                }
            }
            Ok(done)
        })
    }
}

fn attachments(tx: &mut dyn Tx) -> Result<BTreeMap<i64, NaiveDate>> {
    const C: &str = "case_status_change";
    const B: &str = "outcome_baseline";
    let mut out = BTreeMap::new();
    for r in tx.query(
        "SELECT family_id, MIN(changed_at) FROM case_status_change \
         WHERE to_status IN ('agreed', 'assessed', 'plan_in_place', 'reviewing') \
         GROUP BY family_id",
        &[],
    )? {
        out.insert(
            int(&r, 0, C, "family_id")?,
            time(&r[1], C, "changed_at")?.date_naive(),
        );
    }
    for r in tx.query("SELECT family_id, attached_on FROM outcome_baseline", &[])? {
        out.insert(int(&r, 0, B, "family_id")?, date(&r[1], B, "attached_on")?);
    }
    Ok(out)
}
