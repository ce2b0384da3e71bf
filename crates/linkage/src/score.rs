//! Scoring: a compared pair's match weight and probability under the trained model, with
//! term-frequency adjustments for exact name matches and the veto. [`score_pair`] is the one
//! place a pair is scored; [`score`] applies it to every candidate pair. It does not compare
//! records (that is `compare`) or decide links (that is `cluster`).

use crate::blocking::{Cand, Candidates};
use crate::compare::{self, level, FAMILY, GIVEN};
use crate::model::{probability, ScoredPair, TrainedModel};
use crate::prepare::{NameInfo, Prepared, Rec};
use rayon::prelude::*;

/// The veto rule: given names plainly different (not exact, nickname, fuzzy, initial or
/// swapped) or dates of birth in different years and not one digit apart, and no identifier
/// agreeing exactly or within one typo. Rationale: households put siblings, twins and a parent and child of one
/// name side by side with the same surname and address; real recording errors in a forename
/// or a date of birth are nearly always typos, nicknames, swaps or one digit, which have their
/// own levels.
pub fn vetoed(pattern: u32) -> bool {
    let differ =
        compare::level(pattern, compare::GIVEN) == 6 || compare::level(pattern, compare::DOB) == 5;
    differ
        && !compare::IDENTIFIERS
            .clone()
            .any(|k| matches!(compare::level(pattern, k), 1 | 2))
}

/// Term-frequency adjustments (bits) for an exact match on each interned name: positive for a
/// rare name, negative for a common one; all 0 when adjustments are off.
pub(crate) struct TermFrequencies {
    given: Vec<f32>,
    family: Vec<f32>,
    /// (baseline, total) for given and family names, for names met later (`extend`).
    bases: [(f64, f64); 2],
    enabled: bool,
}

fn adjustment(baseline: f64, total: f64, count: u32, enabled: bool) -> f32 {
    let c = count as f64;
    if c <= 0.0 || baseline <= 0.0 || !enabled {
        0.0
    } else {
        (baseline / (c / total)).log2().clamp(-4.0, 4.0) as f32
    }
}

impl TermFrequencies {
    /// Baselines: the chance two random records share a name, vs this name's share.
    pub(crate) fn new(prep: &Prepared, enabled: bool) -> Self {
        let base = |count: fn(&NameInfo) -> u32, total: u32| -> (f64, f64) {
            let t = total as f64;
            let baseline: f64 = prep
                .name_info
                .iter()
                .map(|i| count(i) as f64 * (count(i) as f64 - 1.0).max(0.0))
                .sum::<f64>()
                / (t * (t - 1.0)).max(1.0);
            (baseline, t)
        };
        let bases = [
            base(|i| i.given_count, prep.given_total),
            base(|i| i.family_count, prep.family_total),
        ];
        let mut tf = TermFrequencies {
            given: Vec::new(),
            family: Vec::new(),
            bases,
            enabled,
        };
        tf.extend(prep);
        tf
    }

    /// Adjustments for the names interned since (an incremental run's new names), from
    /// their counts, against the baselines of the records first counted.
    pub(crate) fn extend(&mut self, prep: &Prepared) {
        let [(bg, tg), (bf, tfam)] = self.bases;
        for i in &prep.name_info[self.given.len()..] {
            self.given
                .push(adjustment(bg, tg, i.given_count, self.enabled));
            self.family
                .push(adjustment(bf, tfam, i.family_count, self.enabled));
        }
    }
}

/// Scores the pair `left`–`right` whose comparison pattern is `pattern`; `a` is one of its
/// records (an exact name match means both records carry `a`'s name). `veto` says whether the
/// veto rule applies in this run.
#[inline]
pub(crate) fn score_pair(
    model: &TrainedModel,
    tf: &TermFrequencies,
    veto: bool,
    (left, right): (u32, u32),
    pattern: u32,
    a: &Rec,
) -> ScoredPair {
    let tg = if level(pattern, GIVEN) == 1 {
        tf.given[a.given as usize]
    } else {
        0.0
    };
    let tfm = if level(pattern, FAMILY) == 1 {
        tf.family[a.family as usize]
    } else {
        0.0
    };
    let w = model.pattern_weight(pattern) + tg as f64 + tfm as f64;
    ScoredPair {
        left,
        right,
        pattern,
        tf_given: tg,
        tf_family: tfm,
        match_weight: w,
        match_probability: probability(w),
        vetoed: veto && vetoed(pattern),
    }
}

/// Every candidate pair scored, kept compactly: which pairs are links (one flag per candidate,
/// in candidate order, for the clustering's adjacency) and, in full, only the pairs anything
/// after clustering reads (at or above the lower of the threshold and the review band's lower
/// edge). A run of 10 million records compares 150 million pairs; keeping each in full (48
/// bytes) cost 7 GB, most of it pairs no stage reads again.
pub(crate) struct Scored {
    /// Per candidate, in candidate order: at or above the threshold and not vetoed.
    pub link: Vec<bool>,
    /// The scored pairs at or above `keep_from`, in candidate order.
    pub kept: Vec<ScoredPair>,
}

/// Scores every candidate pair (indices into the distinct records); see [`Scored`]. `threshold`
/// is the match probability of a link; pairs below `keep_from` are not kept in full.
pub(crate) fn score(
    prep: &Prepared,
    cands: &Candidates,
    model: &TrainedModel,
    tf: &TermFrequencies,
    veto: bool,
    (threshold, keep_from): (f64, f64),
) -> Scored {
    const CHUNK: usize = 1 << 16;
    let mut link = vec![false; cands.len()];
    // Each run of pairs with its stretch of `link`.
    let mut runs: Vec<(&mut [bool], &[Cand])> = Vec::new();
    let mut rest = link.as_mut_slice();
    for cs in cands.chunks(CHUNK) {
        let (bits, more) = std::mem::take(&mut rest).split_at_mut(cs.len());
        runs.push((bits, cs));
        rest = more;
    }
    let parts: Vec<Vec<ScoredPair>> = runs
        .into_par_iter()
        .map(|(bits, cs)| {
            let mut kept = Vec::new();
            for (bit, c) in bits.iter_mut().zip(cs) {
                let s = score_pair(
                    model,
                    tf,
                    veto,
                    (c.i, c.j),
                    c.pattern,
                    &prep.recs[c.i as usize],
                );
                *bit = s.match_probability >= threshold && !s.vetoed;
                if s.match_probability >= keep_from {
                    kept.push(s);
                }
            }
            kept
        })
        .collect();
    Scored {
        link,
        kept: parts.concat(),
    }
}
