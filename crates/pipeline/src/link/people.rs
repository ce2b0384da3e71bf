//! The link stage's middle steps: the stored records become linkage's input (sources as
//! small integers, reviewers' decisions as constraints), `hearth_linkage::link` finds the
//! people, and `hearth_linkage::assign_stable_ids` keeps the previous run's person IDs.
//! How records link is linkage's business: this module only converts.

use crate::link::load::Loaded;
use hearth_linkage::{Constraints, LinkRecord, Linkage, Settings, StableIds};
use std::collections::HashMap;

/// Linkage's input, built from what was loaded.
pub(crate) struct Prepared {
    /// One record per stored record, in the same order.
    pub records: Vec<LinkRecord>,
    /// Reviewers' decisions on records still in the store.
    pub constraints: Constraints,
}

impl Prepared {
    /// Reviewers' decisions applied as constraints.
    pub fn decisions_applied(&self) -> usize {
        self.constraints.must_link.len() + self.constraints.cannot_link.len()
    }
}

/// Builds linkage's records (sources numbered in name order) and its constraints.
pub(crate) fn prepare(loaded: &Loaded) -> Prepared {
    let identities = &loaded.identities;
    let mut sources: Vec<&str> = identities.iter().map(|(_, s, _)| s.as_str()).collect();
    sources.sort_unstable();
    sources.dedup();
    let source_index: HashMap<&str, u16> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| (*s, i as u16))
        .collect();
    let records = identities
        .iter()
        .map(|(id, source, identity)| {
            LinkRecord::from_identity(source_index[source.as_str()], id.0.to_string(), identity)
        })
        .collect();
    Prepared {
        records,
        constraints: constraints(loaded),
    }
}

/// Reviewers' decisions as must-links and cannot-links between record indices; a decision
/// on a record no longer in the store is left out.
fn constraints(loaded: &Loaded) -> Constraints {
    let index_of: HashMap<i64, u32> = loaded
        .identities
        .iter()
        .enumerate()
        .map(|(i, (id, _, _))| (id.0, i as u32))
        .collect();
    let mut constraints = Constraints::default();
    for d in &loaded.decisions {
        if let (Some(&l), Some(&r)) = (index_of.get(&d.record_l.0), index_of.get(&d.record_r.0)) {
            if d.is_match {
                constraints.must_link.push((l, r));
            } else {
                constraints.cannot_link.push((l, r));
            }
        }
    }
    constraints
}

/// Links the records into people and gives them stable IDs.
pub(crate) fn link(
    prepared: &Prepared,
    loaded: &Loaded,
    settings: &Settings,
) -> (Linkage, StableIds) {
    let linkage = hearth_linkage::link(&prepared.records, settings, &prepared.constraints);
    let stable =
        hearth_linkage::assign_stable_ids(&loaded.previous_people, &prepared.records, &linkage);
    (linkage, stable)
}
