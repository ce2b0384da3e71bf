//! Training: chooses the pairs each estimate learns from and runs the estimates in `em` — u
//! from random record pairs; m by EM over pairs sharing names and pairs sharing a date of
//! birth (and pairs sharing an identifier for the date of birth); the prior over all
//! comparable pairs; reviewers' must-links as labelled matches. It does not score pairs.

use crate::blocking::{Cand, Candidates};
use crate::compare;
use crate::em;
use crate::hash::mix;
use crate::model::TrainedModel;
use crate::prepare::{Prepared, Rec};
use crate::settings::{Constraints, Settings};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// What training needs besides the records and the candidate pairs.
pub(crate) struct TrainingInput<'a> {
    /// The run's settings.
    pub settings: &'a Settings,
    /// Reviewers' decisions (must-links are labelled matches).
    pub constraints: &'a Constraints,
    /// Distinct record of each input record.
    pub rep_of: &'a [u32],
    /// Whether each source's records are all different people.
    pub unique: &'a [bool],
    /// Which pairs of distinct records may be compared.
    pub allowed: &'a (dyn Fn(usize, usize) -> bool + Sync),
}

/// Trains the model on the distinct records `prep` and their compared candidate pairs.
pub(crate) fn train(prep: &Prepared, cands: &Candidates, input: TrainingInput) -> TrainedModel {
    let TrainingInput {
        settings,
        constraints,
        rep_of,
        unique,
        allowed,
    } = input;
    let nd = prep.recs.len();
    let n_in = rep_of.len();
    // u by random sampling.
    let (u_rand, sampled) = em::u_random(nd, settings.u_sample_pairs, settings.seed, |i, j| {
        compare::compare(prep, &prep.recs[i], &prep.recs[j])
    });
    // EM over distinct patterns.
    // Counted by pattern (a few thousand distinct ones), not by sorting a copy of them all.
    type Counts = std::collections::HashMap<u32, u64, crate::prepare::FxBuild>;
    let chunks: Vec<&[Cand]> = cands.chunks(1 << 16).collect();
    let counted: Counts = chunks
        .par_iter()
        .fold(Counts::default, |mut m, cs| {
            for c in *cs {
                *m.entry(c.pattern).or_default() += 1;
            }
            m
        })
        .reduce(Counts::default, |mut a, b| {
            for (k, v) in b {
                *a.entry(k).or_default() += v;
            }
            a
        });
    let mut counts: Vec<(u32, u64)> = counted.into_iter().collect();
    counts.sort_unstable();
    // Pairs the run could compare: all pairs of distinct records except within sources whose
    // records are all different people.
    let mut per_source: BTreeMap<u16, f64> = BTreeMap::new();
    for r in &prep.recs {
        *per_source.entry(r.source).or_default() += 1.0;
    }
    let ndf = nd as f64;
    let total_pairs = ndf * (ndf - 1.0) / 2.0
        - per_source
            .iter()
            .filter(|(s, _)| unique[**s as usize])
            .map(|(_, n)| n * (n - 1.0) / 2.0)
            .sum::<f64>();
    let names_key = |r: &Rec| {
        if r.given != 0 && r.family != 0 {
            (r.given as u64) << 32 | r.family as u64
        } else {
            0
        }
    };
    let dob_key = |r: &Rec| r.dob as u64;
    let names_pairs =
        training_patterns(prep, &names_key, settings.em_pairs, settings.seed, allowed);
    let dob_pairs = training_patterns(
        prep,
        &dob_key,
        settings.em_pairs,
        settings.seed + 1,
        allowed,
    );
    // Pairs sharing an identifier (NHS, NI, UPN, first other identifier) exactly.
    let id_keys: [&(dyn Fn(&Rec) -> u64 + Sync); 4] = [
        &|r: &Rec| r.nhs as u64,
        &|r: &Rec| r.ni as u64,
        &|r: &Rec| r.upn as u64,
        &|r: &Rec| r.extra[0] as u64,
    ];
    let mut id_pairs: Vec<(u32, u64)> = Vec::new();
    for (k, key) in id_keys.into_iter().enumerate() {
        id_pairs.extend(training_patterns(
            prep,
            key,
            settings.em_pairs / 4,
            settings.seed + 2 + k as u64,
            allowed,
        ));
    }
    let trained = em::train(
        &counts,
        &names_pairs,
        &dob_pairs,
        &id_pairs,
        &u_rand,
        total_pairs,
        em::EmLimits {
            max_iter: settings.em_max_iterations,
            tol: settings.em_tolerance,
        },
    );
    // Reviewers' "same person" decisions are labelled matches: they refine m.
    let labelled: Vec<u32> = constraints
        .must_link
        .iter()
        .filter(|&&(a, b)| (a as usize) < n_in && (b as usize) < n_in)
        .map(|&(a, b)| {
            let (x, y) = (rep_of[a as usize] as usize, rep_of[b as usize] as usize);
            compare::compare(prep, &prep.recs[x], &prep.recs[y])
        })
        .collect();
    let trained = em::refine_m(trained, &labelled, em::LABELLED_PRIOR_PAIRS);
    em::build_model(
        &trained,
        &u_rand,
        settings.match_threshold,
        settings.review_band,
        sampled,
    )
}

/// Blocks with more pairs than this are sampled by drawing random pairs, not by visiting
/// every pair (which is quadratic in the block's size).
const SAMPLE_ABOVE_PAIRS: f64 = (1u64 << 20) as f64;

/// Comparison patterns (with counts) of a sample of up to `cap` record pairs sharing a key,
/// for an EM training session. Every pair of every block is considered; when there are more
/// than `cap`, each is kept with probability `cap / total` by a seeded hash of the pair, so the
/// sample is uniform and deterministic; a block of more than [`SAMPLE_ABOVE_PAIRS`] pairs
/// gives its share by seeded random draws instead.
fn training_patterns(
    p: &Prepared,
    key: &(dyn Fn(&Rec) -> u64 + Sync),
    cap: usize,
    seed: u64,
    allowed: &(dyn Fn(usize, usize) -> bool + Sync),
) -> Vec<(u32, u64)> {
    let mut order: Vec<(u64, u32)> = p
        .recs
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((key(r), i as u32)).filter(|x| x.0 != 0))
        .collect();
    order.par_sort_unstable();
    let mut blocks = Vec::new();
    let mut total = 0f64;
    let mut s = 0;
    while s < order.len() {
        let mut e = s + 1;
        while e < order.len() && order[e].0 == order[s].0 {
            e += 1;
        }
        if e - s >= 2 {
            total += ((e - s) * (e - s - 1) / 2) as f64;
            blocks.push((s, e));
        }
        s = e;
    }
    let keep = (cap as f64 / total.max(1.0)).min(1.0);
    let threshold = (keep * u64::MAX as f64) as u64;
    let mut pats: Vec<u32> = blocks
        .par_iter()
        .fold(Vec::new, |mut acc, &(s, e)| {
            let n = e - s;
            let block_pairs = (n * (n - 1) / 2) as f64;
            if block_pairs > SAMPLE_ABOVE_PAIRS {
                // A huge block (a common placeholder, thousands of one name): draw its share
                // of the sample at random instead of visiting every pair, so that time stays
                // linear in the records whatever the input.
                use rand::{Rng, SeedableRng};
                let draws = (keep * block_pairs).ceil() as usize;
                let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(mix(seed, order[s].0));
                for _ in 0..draws {
                    let x = rng.random_range(0..n);
                    let mut y = rng.random_range(0..n - 1);
                    if y >= x {
                        y += 1;
                    }
                    let (i, j) = (order[s + x].1 as usize, order[s + y].1 as usize);
                    let (i, j) = (i.min(j), i.max(j));
                    if allowed(i, j) {
                        acc.push(compare::compare(p, &p.recs[i], &p.recs[j]));
                    }
                }
                return acc;
            }
            for x in s..e {
                for y in x + 1..e {
                    let (i, j) = (order[x].1 as usize, order[y].1 as usize);
                    let (i, j) = (i.min(j), i.max(j));
                    let h = mix(seed, ((i as u64) << 32) | j as u64);
                    if (keep < 1.0 && h > threshold) || !allowed(i, j) {
                        continue;
                    }
                    acc.push(compare::compare(p, &p.recs[i], &p.recs[j]));
                }
            }
            acc
        })
        .reduce(Vec::new, |mut a, b| {
            a.extend(b);
            a
        });
    pats.par_sort_unstable();
    let mut counts: Vec<(u32, u64)> = Vec::new();
    for q in pats {
        match counts.last_mut() {
            Some((r, c)) if *r == q => *c += 1,
            _ => counts.push((q, 1)),
        }
    }
    counts
}
