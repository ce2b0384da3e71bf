//! Families attached in the casework: a lead worker records in the web application that a
//! family agreed to take part, and from that day the family counts as attached everywhere
//! (`Store::attachments`). Its baseline is frozen here, at the next judging, from the latest
//! identification run, dated the day its case first moved to "agreed to take part" — as an
//! attachment list would have frozen it — so that its results are judged with the rest.

use super::{freeze_chosen, AttachmentRow, Plan};
use anyhow::Result;
use chrono::{DateTime, Utc};
use hearth_store::Store;
use std::collections::{BTreeSet, HashMap};

/// What attaching the casework's families did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseworkAttached {
    /// Baselines frozen now.
    pub frozen: usize,
    /// Families attached in the casework that the latest linkage run no longer has (merged
    /// into another family or broken up since): their baselines are not frozen on a guess.
    pub not_in_run: Vec<i64>,
}

impl std::fmt::Display for CaseworkAttached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "Families attached in the casework: {} baselines frozen (dated the day each case \
             moved to \"agreed to take part\")",
            self.frozen
        )?;
        if !self.not_in_run.is_empty() {
            let ids: Vec<String> = self.not_in_run.iter().map(i64::to_string).collect();
            writeln!(
                f,
                "  not frozen, the latest linkage run no longer has the family: {} (attach \
                 them by list with --attach)",
                ids.join(", ")
            )?;
        }
        Ok(())
    }
}

/// Freezes the baseline of every family attached in the casework that has none, each dated
/// the day its case first moved to "agreed to take part" or further.
pub fn attach_from_casework(
    store: &mut Store,
    plan: &Plan,
    now: DateTime<Utc>,
    by: &str,
) -> Result<CaseworkAttached> {
    let frozen: BTreeSet<i64> = store.baselines()?.iter().map(|b| b.family_id).collect();
    let waiting: Vec<_> = store
        .attachments()?
        .into_iter()
        .filter(|(family, _)| !frozen.contains(family))
        .collect();
    if waiting.is_empty() {
        return Ok(CaseworkAttached::default());
    }
    let families = store.families()?;
    let index: HashMap<i64, usize> = families
        .iter()
        .enumerate()
        .map(|(i, f)| (f.family_id, i))
        .collect();
    let mut rows = Vec::new();
    let mut not_in_run = Vec::new();
    for (family, attached_on) in waiting {
        match index.get(&family) {
            Some(&i) => rows.push((
                i,
                AttachmentRow {
                    row: 0,
                    reference: None,
                    nhs_number: String::new(),
                    attached_on,
                    name_and_birth: None,
                    address: None,
                },
            )),
            None => not_in_run.push(family),
        }
    }
    let chosen: Vec<_> = rows.iter().map(|(i, row)| (*i, row, None)).collect();
    let done = freeze_chosen(store, plan, &families, &chosen, now, by)?;
    Ok(CaseworkAttached {
        frozen: done.frozen,
        not_in_run,
    })
}
