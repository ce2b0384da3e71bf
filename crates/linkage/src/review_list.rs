//! The review stage: the run's pairs in input-record terms. Each pair of distinct records
//! stands for all pairs of their members; identical records are scored as the all-exact self
//! pattern and are always links. A group of up to [`EXPAND_AT_MOST`] identical records is
//! written in full (every pair); a larger group (a placeholder identity, one row per police
//! incident) by its first record alone: its duplicates each paired once with it, and it alone
//! in the group's pairs with other records. So output grows with the candidate pairs and the
//! records, never with the square of a group (2,000 identical records give 1,999 pairs, not
//! 1,999,000). Links that clustering refused, pairs in the clerical-review band and vetoed
//! pairs above it go to the review list. It does not choose which of them a reviewer sees
//! first (that is the review queue's job, outside the engine's `link`).

use crate::compare;
use crate::dedup::Distinct;
use crate::model::{ScoredPair, TrainedModel};
use crate::prepare::Prepared;
use crate::score::{score_pair, TermFrequencies};
use rayon::prelude::*;

/// Groups of identical records up to this size are written with every pair; larger ones as a
/// star around their first record.
pub(crate) const EXPAND_AT_MOST: usize = 16;

/// Links and pairs for review, in input-record terms, each sorted by (left, right).
pub(crate) struct Outcome {
    /// Links whose records ended in the same person (duplicates' pairs included).
    pub pairs: Vec<ScoredPair>,
    /// Pairs for a reviewer, each once.
    pub review: Vec<ScoredPair>,
}

/// What the review stage reads.
pub(crate) struct Scored<'a> {
    /// The distinct records.
    pub prep: &'a Prepared,
    /// The scored candidate pairs of distinct records at or above the lower of the threshold
    /// and the review band (no pair below both is a link or for review).
    pub scored: &'a [ScoredPair],
    /// The links clustering was offered, in the order offered.
    pub links: &'a [&'a ScoredPair],
    /// The model and term frequencies pairs were scored with.
    pub model: &'a TrainedModel,
    pub tf: &'a TermFrequencies,
}

/// Expands the run's pairs to input records and sorts out links from pairs to review.
pub(crate) fn review(
    run: Scored,
    distinct: &Distinct,
    person_of: &[u32],
    review_band: (f64, f64),
) -> Outcome {
    let Scored {
        prep,
        scored,
        links,
        model,
        tf,
    } = run;
    let members = &distinct.members;
    // The input records standing for a distinct record in its pairs with others.
    let shown = |d: u32| -> &[u32] {
        let m = &members[d as usize];
        if m.len() <= EXPAND_AT_MOST {
            m
        } else {
            &m[..1]
        }
    };
    // Pairs in input-record terms: each distinct pair stands for all pairs of its members.
    let expand = |s: &ScoredPair| -> Vec<ScoredPair> {
        let mut out = Vec::new();
        for &x in shown(s.left) {
            for &y in shown(s.right) {
                let (l, r) = (x.min(y), x.max(y));
                out.push(ScoredPair {
                    left: l,
                    right: r,
                    ..*s
                });
            }
        }
        out
    };
    let (lo, hi) = review_band;
    let mut pairs: Vec<ScoredPair> = links.par_iter().flat_map_iter(|s| expand(s)).collect();
    // Duplicate groups: pairs among identical records, scored as the all-exact self pattern
    // (never vetoed: identical records are one person by construction); a large group as a
    // star around its first record.
    let dup: Vec<ScoredPair> = members
        .par_iter()
        .enumerate()
        .filter(|(_, m)| m.len() > 1)
        .flat_map_iter(|(d, m)| {
            let r = &prep.recs[d];
            let pattern = compare::compare(prep, r, r);
            let scored = score_pair(model, tf, false, (0, 0), pattern, r);
            let centres = if m.len() <= EXPAND_AT_MOST {
                m.len()
            } else {
                1
            };
            let mut out = Vec::new();
            for x in 0..centres {
                for y in x + 1..m.len() {
                    out.push(ScoredPair {
                        left: m[x],
                        right: m[y],
                        ..scored
                    });
                }
            }
            out
        })
        .collect();
    // Identical records are one person by construction: their pairs are always links.
    pairs.extend(dup);
    // Links the clustering refused (a conflict or too little support) are not the same person
    // in the end: they leave the links for the review list.
    let (kept, refused): (Vec<ScoredPair>, Vec<ScoredPair>) = pairs
        .into_par_iter()
        .partition(|p| person_of[p.left as usize] == person_of[p.right as usize]);
    let mut pairs = kept;
    pairs.par_sort_unstable_by(|a, b| (a.left, a.right).cmp(&(b.left, b.right)));
    let mut review: Vec<ScoredPair> = scored
        .iter()
        .filter(|s| {
            (s.match_probability >= lo && s.match_probability <= hi)
                || (s.vetoed && s.match_probability > hi)
        })
        .flat_map(expand)
        .chain(refused)
        .collect();
    review.par_sort_unstable_by(|a, b| (a.left, a.right).cmp(&(b.left, b.right)));
    review.dedup_by(|a, b| (a.left, a.right) == (b.left, b.right));
    Outcome { pairs, review }
}

/// Adds the lone records `attach` placed (to the links) and those it left for a reviewer (to
/// the review list), each as a pair of the distinct records' first input records, scored
/// under the run's model; both lists stay sorted.
pub(crate) fn add_attached(
    prep: &Prepared,
    (model, tf): (&TrainedModel, &TermFrequencies),
    distinct: &Distinct,
    attached: &crate::attach::Attachments,
    (pairs, review): (&mut Vec<ScoredPair>, &mut Vec<ScoredPair>),
) {
    let as_input = |&(a, b): &(u32, u32)| {
        let (x, y) = (
            distinct.members[a as usize][0],
            distinct.members[b as usize][0],
        );
        let pattern = compare::compare(prep, &prep.recs[a as usize], &prep.recs[b as usize]);
        score_pair(
            model,
            tf,
            false,
            (x.min(y), x.max(y)),
            pattern,
            &prep.recs[a as usize],
        )
    };
    if !attached.attached.is_empty() {
        pairs.extend(attached.attached.iter().map(as_input));
        pairs.sort_by_key(|a| (a.left, a.right));
    }
    if !attached.to_review.is_empty() {
        review.extend(attached.to_review.iter().map(as_input));
        review.sort_by_key(|a| (a.left, a.right));
        review.dedup_by(|a, b| (a.left, a.right) == (b.left, b.right));
    }
}
