//! The lead worker's evidence for the Outcomes Plan: a goal of the family's plan (recorded in
//! the casework, `plan_goal` and its `plan_action`s) tied to a problem's
//! `progress_towards_work` measure, with every action done, dated the day the last was done
//! (`Store::goals_achieved`).

use anyhow::Result;
use hearth_outcomes::{Plan, WorkerEvidence};
use hearth_store::Store;
use std::collections::BTreeMap;

/// Each family's evidence from its lead worker on the plan's progress-towards-work measures.
pub(super) fn load(store: &mut Store, plan: &Plan) -> Result<BTreeMap<i64, Vec<WorkerEvidence>>> {
    let mut keys: Vec<&str> = plan
        .problems
        .iter()
        .filter_map(|p| p.progress_towards_work.as_deref())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let mut out: BTreeMap<i64, Vec<WorkerEvidence>> = BTreeMap::new();
    for g in store.goals_achieved(&keys)? {
        out.entry(g.family_id).or_default().push(WorkerEvidence {
            measure_key: g.measure_key,
            on: g.achieved_on,
        });
    }
    Ok(out)
}
