//! Stable person IDs across runs.

use crate::link::Linkage;
use crate::record::LinkRecord;
use serde::Serialize;
use std::collections::BTreeMap;

/// A change in people between the previous run and this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum IdChange {
    /// People previously separate are now one; `kept` survives, `absorbed` are retired.
    Merge {
        /// The surviving ID.
        kept: u64,
        /// IDs retired into it.
        absorbed: Vec<u64>,
    },
    /// Records of one previous person now belong to several; `kept` stays with the largest
    /// part, `new` are the IDs given to the other parts.
    Split {
        /// The ID that stayed.
        kept: u64,
        /// IDs given to the parts that left.
        new: Vec<u64>,
    },
    /// A person with no previously known records.
    New {
        /// The new ID.
        id: u64,
    },
}

/// Result of [`assign_stable_ids`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StableIds {
    /// The person ID of every record (same order as the records).
    pub ids: Vec<u64>,
    /// Merges, splits and new people, in a deterministic order.
    pub changes: Vec<IdChange>,
}

/// Keeps existing people's IDs. Each person of this run takes the previous ID held by most of
/// its records (ties: the oldest = smallest ID); when several people claim one previous ID,
/// the one with most records holding it keeps it (ties: the person whose first record comes
/// first). Others — and people with no previous records — get new IDs counting up from one
/// more than the largest previous ID, in order of their first record. Deterministic.
///
/// `previous` maps a record key (`LinkRecord::key`) to its previous person ID.
pub fn assign_stable_ids(
    previous: &BTreeMap<String, u64>,
    records: &[LinkRecord],
    linkage: &Linkage,
) -> StableIds {
    let people = linkage
        .person_of
        .iter()
        .map(|&p| p as usize + 1)
        .max()
        .unwrap_or(0);
    // votes[person] = sorted (previous id, count)
    let mut votes: Vec<BTreeMap<u64, usize>> = vec![BTreeMap::new(); people];
    for (r, rec) in records.iter().enumerate() {
        if let Some(&id) = previous.get(&rec.key) {
            *votes[linkage.person_of[r] as usize].entry(id).or_default() += 1;
        }
    }
    // Each person's preferred previous id: most votes, then smallest id.
    let pref: Vec<Option<(u64, usize)>> = votes
        .iter()
        .map(|v| {
            v.iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(&id, &c)| (id, c))
        })
        .collect();
    // Claims per previous id: (votes, person) — person index order = first record order.
    let mut winner: BTreeMap<u64, (usize, usize)> = BTreeMap::new();
    for (person, p) in pref.iter().enumerate() {
        if let Some((id, c)) = *p {
            let e = winner.entry(id).or_insert((c, person));
            if c > e.0 {
                *e = (c, person);
            }
        }
    }
    let mut next = previous.values().copied().max().map_or(1, |m| m + 1);
    let mut id_of = vec![0u64; people];
    let mut changes = Vec::new();
    for person in 0..people {
        match pref[person] {
            Some((id, _)) if winner.get(&id).map(|w| w.1) == Some(person) => id_of[person] = id,
            Some(_) => {
                id_of[person] = next;
                next += 1;
            }
            None => {
                id_of[person] = next;
                changes.push(IdChange::New { id: next });
                next += 1;
            }
        }
    }
    // Merges: previous IDs no person kept, absorbed by the person holding their records.
    for (person, v) in votes.iter().enumerate() {
        let absorbed: Vec<u64> = v
            .keys()
            .copied()
            .filter(|id| *id != id_of[person] && !winner.contains_key(id))
            .collect();
        if !absorbed.is_empty() {
            changes.push(IdChange::Merge {
                kept: id_of[person],
                absorbed,
            });
        }
    }
    // Splits: a kept previous ID whose records are now also in other people.
    let mut holders: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    for (person, v) in votes.iter().enumerate() {
        for id in v.keys() {
            if let Some(&(_, w)) = winner.get(id) {
                if w != person {
                    holders.entry(*id).or_default().push(id_of[person]);
                }
            }
        }
    }
    for (kept, mut new) in holders {
        new.sort_unstable();
        new.dedup();
        changes.push(IdChange::Split { kept, new });
    }
    let ids = linkage
        .person_of
        .iter()
        .map(|&p| id_of[p as usize])
        .collect();
    StableIds { ids, changes }
}
