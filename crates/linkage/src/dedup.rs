//! Deduplication: records identical after standardisation (same source) are compared once.
//! The prepared records are replaced by the distinct ones; [`Distinct`] maps every input record
//! to its distinct record and back. Records named in a reviewer's decision are never collapsed.
//! It does not compare or score anything.

use crate::prepare::{self, Prepared};
use crate::settings::Constraints;
use rayon::prelude::*;

/// Input records ↔ distinct records.
pub(crate) struct Distinct {
    /// The distinct record (index into the deduplicated `Prepared::recs`) of each input record.
    pub rep_of: Vec<u32>,
    /// The input records of each distinct record, ascending.
    pub members: Vec<Vec<u32>>,
}

/// Collapses exact duplicates in `prep` (which holds one record per input record) and says
/// which input records each distinct record stands for.
pub(crate) fn deduplicate(prep: &mut Prepared, constraints: &Constraints) -> Distinct {
    let n_in = prep.recs.len();
    // Collapse exact duplicates (identical after standardisation, same source): sort by a
    // hash of the compact record, then group equal records within each run of equal hashes.
    let hashes: Vec<(u64, u32)> = prep
        .recs
        .par_iter()
        .enumerate()
        .map(|(i, r)| {
            use std::hash::{Hash, Hasher};
            let mut h = prepare::FxHasher::default();
            r.hash(&mut h);
            (h.finish(), i as u32)
        })
        .collect();
    let mut order = hashes;
    order.par_sort_unstable();
    // Records named in a reviewer's decision are never collapsed, so that a cannot-link
    // between two identical records can be honoured.
    let mut constrained = vec![false; n_in];
    for &(a, b) in constraints.must_link.iter().chain(&constraints.cannot_link) {
        for x in [a, b] {
            if let Some(c) = constrained.get_mut(x as usize) {
                *c = true;
            }
        }
    }
    let mut rep_first = vec![u32::MAX; n_in]; // record -> first record of its duplicate group
    let mut s = 0;
    while s < order.len() {
        let mut e = s + 1;
        while e < order.len() && order[e].0 == order[s].0 {
            e += 1;
        }
        // Within the run (indices ascending), each record joins the first equal one.
        for x in s..e {
            let r = order[x].1;
            if constrained[r as usize] {
                rep_first[r as usize] = r;
                continue;
            }
            let first = (s..x).map(|y| order[y].1).find(|&q| {
                !constrained[q as usize]
                    && rep_first[q as usize] == q
                    && prep.recs[q as usize] == prep.recs[r as usize]
            });
            rep_first[r as usize] = first.unwrap_or(r);
        }
        s = e;
    }
    drop(order);
    let mut rep_of = vec![0u32; n_in];
    let mut reps: Vec<u32> = Vec::new(); // distinct index -> first input record
    let mut dist_of_first: Vec<u32> = vec![u32::MAX; n_in];
    for r in 0..n_in {
        let f = rep_first[r] as usize;
        if dist_of_first[f] == u32::MAX {
            dist_of_first[f] = reps.len() as u32;
            reps.push(f as u32);
        }
        rep_of[r] = dist_of_first[f];
    }
    drop(rep_first);
    drop(dist_of_first);
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); reps.len()];
    for (r, &d) in rep_of.iter().enumerate() {
        members[d as usize].push(r as u32);
    }
    let all_recs = std::mem::take(&mut prep.recs);
    prep.recs = reps.iter().map(|&r| all_recs[r as usize]).collect();
    drop(all_recs);
    Distinct { rep_of, members }
}
