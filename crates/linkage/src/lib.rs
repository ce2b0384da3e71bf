//! `hearth-linkage`: Hearth's record linkage engine.
//!
//! Given records about people from many partner datasets, it decides which records are the
//! same person:
//!
//! 1. **Standardise** ([`standardise`]): case, accents, punctuation, titles; forename
//!    nicknames from an editable table (`data/nicknames.csv`); full names split; UK postcodes
//!    with sector and district; addresses (St→street, Flat 2→2, house numbers); dates of birth
//!    kept as written so typos compare; NHS/NI/UPN validated through `hearth-model`. Records
//!    identical after standardisation are compared once.
//! 2. **Block** ([`BlockingRule`]): several rules (identifiers; date of birth with name
//!    phonetics; postcode with initial; names with district, birth year or house number; …)
//!    generate candidate pairs by sorting keys, each pair once across rules, with a
//!    [`BlockingReport`] and a guard that splits or skips huge blocks.
//! 3. **Compare** ([`COMPARISONS`]): graded levels per field — Jaro–Winkler and
//!    Damerau–Levenshtein ([`metrics`], hand-written), nicknames, swapped names, day/month
//!    swaps, postcode sector/district, identifier typos.
//! 4. **Score**: Fellegi–Sunter. u from random record pairs; m by EM in two sessions (pairs
//!    sharing names, pairs sharing a date of birth — no comparison trained on pairs chosen for
//!    agreeing on it); the prior by EM over all comparable pairs; term-frequency adjustments
//!    for common names; the threshold is posterior probability 0.5 (overridable); a review
//!    band. [`explain`] gives each comparison's weight. A veto keeps twins, siblings and a
//!    parent and child of one name apart: plainly different forenames or dates of birth are
//!    never a link without an agreeing identifier.
//! 5. **Cluster**: links in descending weight through a union-find that refuses merges of
//!    conflicting clusters (different NHS/NI/UPN, incompatible dates of birth, reviewers'
//!    cannot-links, two records of a deduplicated source) and merges of clusters that most
//!    of their compared pairs do not support; reviewers' must-links first.
//! 6. **Stable IDs** ([`assign_stable_ids`]): previous person IDs kept, merges and splits
//!    reported.
//!
//! The engine does no I/O and is deterministic: the same records and settings give the same
//! pairs, people and IDs (seeded sampling, stable sorts, no hash-map order in outputs). The
//! [`spec`] module (Splink-like `hearth link --spec` runs over CSV files, documented in
//! `SPEC.md`) is the only part that touches files. It does not know about households or
//! families: that is for the crates that use it.
//!
//! ```
//! use hearth_linkage::{link, Constraints, LinkRecord, Settings};
//! let mut a = LinkRecord::new(0, "a1");
//! a.given_name = Some("Bill".into());
//! a.family_name = Some("Smith".into());
//! a.date_of_birth = hearth_linkage::standardise::parse_dob("2011-04-03", "%Y-%m-%d").unwrap();
//! a.postcode = Some("LS1 4AB".into());
//! let mut b = LinkRecord::new(1, "b1");
//! b.full_name = Some("SMITH, William".into());
//! b.date_of_birth = a.date_of_birth;
//! b.postcode = Some("ls14ab".into());
//! let linkage = link(&[a, b], &Settings::default(), &Constraints::default());
//! assert_eq!(linkage.person_of.len(), 2);
//! ```
#![deny(missing_docs)]

mod blocking;
mod cluster;
mod compare;
pub mod metrics;
mod model;
mod prepare;
mod review;
pub mod spec;
mod stable;
pub mod standardise;

pub use blocking::{BlockingReport, BlockingRule, RuleReport};
pub use compare::{dob_level, level, Comparison, COMPARISONS};
pub use model::{
    explain, probability, ComparisonParams, Contribution, LevelParams, ScoredPair, TrainedModel,
};
pub use review::review_queue;
pub use stable::{assign_stable_ids, IdChange, StableIds};
pub use standardise::Dob;

use rayon::prelude::*;
use std::collections::BTreeMap;

/// One record to link: the engine's own standardisation input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinkRecord {
    /// Which source (dataset) it came from.
    pub source: u16,
    /// The record's key, unique across the run (used for stable IDs).
    pub key: String,
    /// Given (first) name(s).
    pub given_name: Option<String>,
    /// Middle name(s).
    pub middle_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// A whole name in one field (`Forename Surname` or `SURNAME, Forename`), used for any
    /// part the separate fields lack.
    pub full_name: Option<String>,
    /// Date of birth as written (see [`standardise::parse_dob`]).
    pub date_of_birth: Option<Dob>,
    /// Sex as recorded (`F`, `Male`, `2`…).
    pub sex: Option<String>,
    /// Address lines.
    pub address: Option<String>,
    /// Postcode (any spacing or case).
    pub postcode: Option<String>,
    /// NHS number (invalid check digits are ignored).
    pub nhs_number: Option<String>,
    /// National Insurance number (invalid ones are ignored).
    pub ni_number: Option<String>,
    /// Unique Pupil Number (invalid check letters are ignored).
    pub upn: Option<String>,
    /// Other identifiers: (kind, value), e.g. `("social_care_id", "SC123")`. Up to three
    /// kinds (by name order) are used.
    pub other_ids: Vec<(String, String)>,
}

impl LinkRecord {
    /// An empty record of a source with a key.
    pub fn new(source: u16, key: impl Into<String>) -> Self {
        LinkRecord {
            source,
            key: key.into(),
            ..Default::default()
        }
    }

    /// From a canonical partner identity.
    pub fn from_identity(source: u16, key: impl Into<String>, id: &hearth_model::Identity) -> Self {
        let dob = id.date_of_birth.map(|d| {
            use chrono::Datelike;
            Dob::from_ymd(d.year().max(0) as u32, d.month(), d.day())
        });
        let mut other_ids = Vec::new();
        if let Some(s) = &id.source_person_id {
            other_ids.push((format!("source_person_id_{source}"), s.clone()));
        }
        LinkRecord {
            source,
            key: key.into(),
            given_name: id.given_name.clone(),
            middle_name: id.middle_name.clone(),
            family_name: id.family_name.clone(),
            full_name: id.full_name.clone(),
            date_of_birth: dob,
            sex: id.sex.map(|s| s.code().to_owned()),
            address: id.address.clone(),
            postcode: id.postcode.as_ref().map(|p| p.as_str().to_owned()),
            nhs_number: id.nhs_number.as_ref().map(|p| p.as_str().to_owned()),
            ni_number: id.ni_number.as_ref().map(|p| p.as_str().to_owned()),
            upn: id.upn.as_ref().map(|p| p.as_str().to_owned()),
            other_ids,
        }
    }
}

/// Linkage settings. `Default` gives the tuned defaults.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Blocking rules, in order.
    pub rules: Vec<BlockingRule>,
    /// Blocks larger than this are split by a secondary key, then skipped if still too large.
    pub max_block_size: usize,
    /// Random record pairs sampled to estimate u.
    pub u_sample_pairs: usize,
    /// Seed for sampling.
    pub seed: u64,
    /// Record pairs sampled for each EM training session (pairs sharing names; pairs sharing
    /// a date of birth).
    pub em_pairs: usize,
    /// EM iteration limit.
    pub em_max_iterations: usize,
    /// EM stops when no parameter moves more than this.
    pub em_tolerance: f64,
    /// Match threshold as a probability; `None` = automatic (posterior 0.5).
    pub match_threshold: Option<f64>,
    /// Clerical review band of probabilities (inclusive).
    pub review_band: (f64, f64),
    /// Term-frequency adjustments for exact name matches.
    pub term_frequency: bool,
    /// Apply the [`vetoed`] rule (pairs that are never links). `None` = automatic: on, unless
    /// every source is in `unique_sources` (a pure link between deduplicated files, where
    /// each record can join at most one record of each other file, so siblings cannot chain,
    /// and a plainly different forename or date is more likely a recording error).
    pub veto: Option<bool>,
    /// Sources whose records are each a different person (no pairs within them; never two
    /// of their records in one person).
    pub unique_sources: Vec<u16>,
    /// Forename equivalence table text (same format as `data/nicknames.csv`); `None` = the
    /// shipped table.
    pub nicknames: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            rules: BlockingRule::defaults(),
            max_block_size: 300,
            u_sample_pairs: 100_000,
            seed: 1,
            em_pairs: 200_000,
            em_max_iterations: 100,
            em_tolerance: 1e-5,
            match_threshold: None,
            review_band: (0.2, 0.8),
            term_frequency: true,
            veto: None,
            unique_sources: Vec::new(),
            nicknames: None,
        }
    }
}

/// Reviewers' decisions: pairs of record indices (into the input slice).
#[derive(Debug, Clone, Default)]
pub struct Constraints {
    /// Always the same person.
    pub must_link: Vec<(u32, u32)>,
    /// Never the same person.
    pub cannot_link: Vec<(u32, u32)>,
}

/// The result of [`link`].
#[derive(Debug, Clone)]
pub struct Linkage {
    /// Person index (0-based, dense, numbered in order of each person's first record) of
    /// every input record.
    pub person_of: Vec<u32>,
    /// Number of people.
    pub people: usize,
    /// Links: scored pairs at or above the match threshold, not vetoed, whose records ended
    /// in the same person (pairs of exact duplicate records included).
    pub pairs: Vec<ScoredPair>,
    /// For a reviewer: pairs in the clerical-review band, vetoed pairs above it, and links the
    /// clustering refused (conflicting identifiers or dates, or too little support).
    pub review: Vec<ScoredPair>,
    /// The trained model.
    pub model: TrainedModel,
    /// What blocking did.
    pub report: BlockingReport,
}

impl Linkage {
    /// Explains a pair.
    pub fn explain(&self, pair: &ScoredPair) -> Vec<Contribution> {
        explain(pair, &self.model)
    }
}

/// Comparison patterns (with counts) of a sample of up to `cap` record pairs sharing a key,
/// for an EM training session. Every pair of every block is considered; when there are more
/// than `cap`, each is kept with probability `cap / total` by a seeded hash of the pair, so the
/// sample is uniform and deterministic.
fn training_patterns(
    p: &prepare::Prepared,
    key: &(dyn Fn(&prepare::Rec) -> u64 + Sync),
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
            for x in s..e {
                for y in x + 1..e {
                    let (i, j) = (order[x].1 as usize, order[y].1 as usize);
                    let (i, j) = (i.min(j), i.max(j));
                    let h = blocking::mix(seed, ((i as u64) << 32) | j as u64);
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

/// Finds a comparison and level by their names: `(comparison index, level index)`.
pub fn parse_level(comparison: &str, level: &str) -> Option<(usize, usize)> {
    let k = COMPARISONS.iter().position(|c| c.name == comparison)?;
    let l = COMPARISONS[k].levels.iter().position(|l| *l == level)?;
    Some((k, l))
}

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

/// Links records into people. Pure and deterministic.
pub fn link(records: &[LinkRecord], settings: &Settings, constraints: &Constraints) -> Linkage {
    let t0 = std::time::Instant::now();
    let mut stages: Vec<(&'static str, f64)> = Vec::new();
    let mut last = 0.0;
    let mut lap = |what: &'static str| {
        let now = t0.elapsed().as_secs_f64();
        tracing::debug!(stage = what, seconds = now - last, "link stage done");
        stages.push((what, now - last));
        last = now;
    };
    let nick = match &settings.nicknames {
        Some(t) => standardise::Nicknames::parse(t),
        None => standardise::Nicknames::shipped(),
    };
    let mut prep = prepare::prepare(records, &nick);
    let n_in = records.len();
    lap("prepare");

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
    let nd = prep.recs.len();

    let unique: Vec<bool> = {
        let mut u = vec![false; u16::MAX as usize + 1];
        for &s in &settings.unique_sources {
            u[s as usize] = true;
        }
        u
    };
    let recs = &prep.recs;
    let allowed = |i: usize, j: usize| {
        let (a, b) = (recs[i].source, recs[j].source);
        !(a == b && unique[a as usize])
    };
    let veto = settings
        .veto
        .unwrap_or_else(|| !prep.recs.iter().all(|r| unique[r.source as usize]));
    let (cands, rule_reports) =
        blocking::candidates(&prep, &settings.rules, settings.max_block_size, &allowed);

    lap("blocking");
    // u by random sampling.
    let (u_rand, sampled) = model::u_random(nd, settings.u_sample_pairs, settings.seed, |i, j| {
        compare::compare(&prep, &prep.recs[i], &prep.recs[j])
    });
    // EM over distinct patterns.
    let mut pats: Vec<u32> = cands.par_iter().map(|c| c.pattern).collect();
    pats.par_sort_unstable();
    let mut counts: Vec<(u32, u64)> = Vec::new();
    for p in pats {
        match counts.last_mut() {
            Some((q, c)) if *q == p => *c += 1,
            _ => counts.push((p, 1)),
        }
    }
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
    let names_key = |r: &prepare::Rec| {
        if r.given != 0 && r.family != 0 {
            (r.given as u64) << 32 | r.family as u64
        } else {
            0
        }
    };
    let dob_key = |r: &prepare::Rec| r.dob as u64;
    let names_pairs = training_patterns(
        &prep,
        &names_key,
        settings.em_pairs,
        settings.seed,
        &allowed,
    );
    let dob_pairs = training_patterns(
        &prep,
        &dob_key,
        settings.em_pairs,
        settings.seed + 1,
        &allowed,
    );
    // Pairs sharing an identifier (NHS, NI, UPN, first other identifier) exactly.
    let id_keys: [&(dyn Fn(&prepare::Rec) -> u64 + Sync); 4] = [
        &|r: &prepare::Rec| r.nhs as u64,
        &|r: &prepare::Rec| r.ni as u64,
        &|r: &prepare::Rec| r.upn as u64,
        &|r: &prepare::Rec| r.extra[0] as u64,
    ];
    let mut id_pairs: Vec<(u32, u64)> = Vec::new();
    for (k, key) in id_keys.into_iter().enumerate() {
        id_pairs.extend(training_patterns(
            &prep,
            key,
            settings.em_pairs / 4,
            settings.seed + 2 + k as u64,
            &allowed,
        ));
    }
    let em = model::train(
        &counts,
        &names_pairs,
        &dob_pairs,
        &id_pairs,
        &u_rand,
        total_pairs,
        model::EmLimits {
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
            compare::compare(&prep, &prep.recs[x], &prep.recs[y])
        })
        .collect();
    let em = model::refine_m(em, &labelled, model::LABELLED_PRIOR_PAIRS);
    let model = model::build_model(
        &em,
        &u_rand,
        settings.match_threshold,
        settings.review_band,
        sampled,
    );

    lap("train");
    // Term-frequency baselines: chance two random records share a name, vs this name's share.
    let tf = |count: fn(&prepare::NameInfo) -> u32, total: u32| -> Vec<f32> {
        let t = total as f64;
        let baseline: f64 = prep
            .name_info
            .iter()
            .map(|i| count(i) as f64 * (count(i) as f64 - 1.0).max(0.0))
            .sum::<f64>()
            / (t * (t - 1.0)).max(1.0);
        prep.name_info
            .iter()
            .map(|i| {
                let c = count(i) as f64;
                if c <= 0.0 || baseline <= 0.0 || !settings.term_frequency {
                    0.0
                } else {
                    (baseline / (c / t)).log2().clamp(-4.0, 4.0) as f32
                }
            })
            .collect()
    };
    let tf_given = tf(|i| i.given_count, prep.given_total);
    let tf_family = tf(|i| i.family_count, prep.family_total);

    let scored: Vec<ScoredPair> = cands
        .par_iter()
        .map(|c| {
            let a = &prep.recs[c.i as usize];
            let tg = if compare::level(c.pattern, compare::GIVEN) == 1 {
                tf_given[a.given as usize]
            } else {
                0.0
            };
            let tfm = if compare::level(c.pattern, compare::FAMILY) == 1 {
                tf_family[a.family as usize]
            } else {
                0.0
            };
            let w = model.pattern_weight(c.pattern) + tg as f64 + tfm as f64;
            ScoredPair {
                left: c.i,
                right: c.j,
                pattern: c.pattern,
                tf_given: tg,
                tf_family: tfm,
                match_weight: w,
                match_probability: probability(w),
                vetoed: veto && vetoed(c.pattern),
            }
        })
        .collect();
    drop(cands);

    lap("score");
    // Clustering over distinct records.
    let thr = model.threshold_probability;
    let mut start = vec![0u32; nd + 1];
    for s in &scored {
        start[s.left as usize + 1] += 1;
        start[s.right as usize + 1] += 1;
    }
    for i in 0..nd {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut adj = vec![0u32; start[nd] as usize];
    for s in &scored {
        let bit = if s.match_probability >= thr && !s.vetoed {
            cluster::LINK_BIT
        } else {
            0
        };
        adj[fill[s.left as usize] as usize] = s.right | bit;
        fill[s.left as usize] += 1;
        adj[fill[s.right as usize] as usize] = s.left | bit;
        fill[s.right as usize] += 1;
    }
    drop(fill);
    let mut cannot: Vec<Vec<u32>> = vec![Vec::new(); nd];
    for &(a, b) in &constraints.cannot_link {
        if let (Some(&x), Some(&y)) = (rep_of.get(a as usize), rep_of.get(b as usize)) {
            cannot[x as usize].push(y);
            cannot[y as usize].push(x);
        }
    }
    let facts: Vec<cluster::Facts> = prep
        .recs
        .iter()
        .map(|r| cluster::Facts {
            nhs: r.nhs,
            ni: r.ni,
            upn: r.upn,
            dob: r.dob,
            unique_source: if unique[r.source as usize] {
                r.source as u32
            } else {
                u32::MAX
            },
        })
        .collect();
    let mut cl = cluster::Clusterer::new(&facts, &start, &adj, &cannot);
    for &(a, b) in &constraints.must_link {
        if let (Some(&x), Some(&y)) = (rep_of.get(a as usize), rep_of.get(b as usize)) {
            cl.must_link(x, y);
        }
    }
    let mut links: Vec<&ScoredPair> = scored
        .iter()
        .filter(|s| s.match_probability >= thr && !s.vetoed)
        .collect();
    links.sort_by(|a, b| {
        b.match_weight
            .total_cmp(&a.match_weight)
            .then(a.left.cmp(&b.left))
            .then(a.right.cmp(&b.right))
    });
    for s in &links {
        let ids_agree = compare::IDENTIFIERS
            .clone()
            .any(|k| compare::level(s.pattern, k) == 1);
        cl.link(s.left, s.right, ids_agree);
    }
    let mut person_of = vec![0u32; n_in];
    let mut number: BTreeMap<u32, u32> = BTreeMap::new();
    let mut root_num = vec![u32::MAX; nd];
    for r in 0..n_in {
        let root = cl.find(rep_of[r]) as usize;
        if root_num[root] == u32::MAX {
            root_num[root] = number.len() as u32;
            number.insert(root as u32, root_num[root]);
        }
        person_of[r] = root_num[root];
    }
    let people = number.len();

    lap("cluster");
    // Pairs in input-record terms: each distinct pair stands for all pairs of its members;
    // identical duplicates are exact matches of each other.
    let expand = |s: &ScoredPair| -> Vec<ScoredPair> {
        let mut out = Vec::new();
        for &x in &members[s.left as usize] {
            for &y in &members[s.right as usize] {
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
    let lo = settings.review_band.0;
    let hi = settings.review_band.1;
    let mut pairs: Vec<ScoredPair> = links.par_iter().flat_map_iter(|s| expand(s)).collect();
    // Duplicate groups: pairs among identical records, scored as the all-exact self pattern.
    let dup: Vec<ScoredPair> = members
        .par_iter()
        .enumerate()
        .filter(|(_, m)| m.len() > 1)
        .flat_map_iter(|(d, m)| {
            let r = &prep.recs[d];
            let pattern = compare::compare(&prep, r, r);
            let tg = if r.given != 0 {
                tf_given[r.given as usize]
            } else {
                0.0
            };
            let tfm = if r.family != 0 {
                tf_family[r.family as usize]
            } else {
                0.0
            };
            let w = model.pattern_weight(pattern) + tg as f64 + tfm as f64;
            let mut out = Vec::new();
            for x in 0..m.len() {
                for y in x + 1..m.len() {
                    out.push(ScoredPair {
                        left: m[x],
                        right: m[y],
                        pattern,
                        tf_given: tg,
                        tf_family: tfm,
                        match_weight: w,
                        match_probability: probability(w),
                        vetoed: false,
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

    let report = BlockingReport {
        candidate_pairs: rule_reports.iter().map(|r| r.pairs).sum(),
        rules: rule_reports,
        distinct_records: nd,
        records: n_in,
        stage_seconds: {
            lap("output");
            stages
        },
    };
    tracing::info!(
        records = n_in,
        distinct = nd,
        candidates = report.candidate_pairs,
        people,
        "linked"
    );
    Linkage {
        person_of,
        people,
        pairs,
        review,
        model,
        report,
    }
}
