//! What changed between two identification runs.

use crate::eval::{FamilyResult, Identification};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Evidence in the current run that the previous run did not have, for a family that was
/// eligible in both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEvidence {
    /// The family.
    pub family_id: u64,
    /// The problem.
    pub problem: String,
    /// Whether the problem itself is new for the family.
    pub new_problem: bool,
    /// The indicator.
    pub indicator: String,
    /// The person.
    pub person_id: u64,
    /// The records not cited for this (problem, indicator, person) last time, sorted.
    pub record_ids: Vec<u64>,
}

/// The differences between two runs (see [`changes`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Changes {
    /// Families eligible now that were not eligible (or not present) before, sorted by ID.
    pub newly_eligible: Vec<u64>,
    /// Families eligible before that are not eligible (or not present) now, sorted by ID.
    pub no_longer_eligible: Vec<u64>,
    /// New evidence for families eligible in both runs, sorted by family, problem,
    /// indicator and person.
    pub new_evidence: Vec<NewEvidence>,
}

/// Compares two runs. Families are matched by `family_id`, which comes from linkage's stable
/// IDs; evidence by (problem, indicator, person) and the store's stable record IDs. If
/// either is renumbered between runs, every family and record looks new.
pub fn changes(previous: &Identification, current: &Identification) -> Changes {
    let prev: BTreeMap<u64, &FamilyResult> =
        previous.families.iter().map(|f| (f.family_id, f)).collect();
    let cur: BTreeMap<u64, &FamilyResult> =
        current.families.iter().map(|f| (f.family_id, f)).collect();
    let was = |id: &u64| prev.get(id).is_some_and(|f| f.eligible);
    let is = |id: &u64| cur.get(id).is_some_and(|f| f.eligible);

    let newly_eligible = cur
        .keys()
        .filter(|id| is(id) && !was(id))
        .copied()
        .collect();
    let no_longer_eligible = prev
        .keys()
        .filter(|id| was(id) && !is(id))
        .copied()
        .collect();

    let mut new_evidence = Vec::new();
    for (id, c) in &cur {
        let Some(p) = prev.get(id) else { continue };
        if !(c.eligible && p.eligible) {
            continue;
        }
        let mut before: BTreeMap<(&str, &str, u64), BTreeSet<u64>> = BTreeMap::new();
        for prob in &p.problems {
            for e in &prob.evidence {
                before
                    .entry((prob.key.as_str(), e.indicator.as_str(), e.person_id))
                    .or_default()
                    .extend(e.record_ids.iter().copied());
            }
        }
        let old_problems: BTreeSet<&str> = p.problems.iter().map(|x| x.key.as_str()).collect();
        for prob in &c.problems {
            for e in &prob.evidence {
                let known = before.get(&(prob.key.as_str(), e.indicator.as_str(), e.person_id));
                let fresh: Vec<u64> = e
                    .record_ids
                    .iter()
                    .copied()
                    .filter(|r| known.is_none_or(|k| !k.contains(r)))
                    .collect();
                if !fresh.is_empty() || known.is_none() {
                    new_evidence.push(NewEvidence {
                        family_id: *id,
                        problem: prob.key.clone(),
                        new_problem: !old_problems.contains(prob.key.as_str()),
                        indicator: e.indicator.clone(),
                        person_id: e.person_id,
                        record_ids: fresh,
                    });
                }
            }
        }
    }
    new_evidence.sort_by(|a, b| {
        (a.family_id, &a.problem, &a.indicator, a.person_id).cmp(&(
            b.family_id,
            &b.problem,
            &b.indicator,
            b.person_id,
        ))
    });
    Changes {
        newly_eligible,
        no_longer_eligible,
        new_evidence,
    }
}
