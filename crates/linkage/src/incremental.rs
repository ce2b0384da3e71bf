//! Incremental linking: a new partner file's records linked into the people of the last run
//! without linking everything again. The work grows with the new records, not the store:
//!
//! 1. The new records are standardised and interned into the last run's [`LookupIndex`]
//!    (the same `prepare` steps; their names join the index's tables for good).
//! 2. **Candidates** are new × (old + new) only: each new record's blocking keys looked up in
//!    the index's sorted keys (a large block split by the secondary key, as blocking does),
//!    and the new records' own keys sorted among themselves. Identical new records are
//!    compared once (the first of each group stands for the rest).
//! 3. Each pair is compared and scored by the one scoring function (`score::score_pair`)
//!    under the last run's model (`ModelParameters`): no training, so the weights are the
//!    ones the old people were formed with.
//! 4. **Clustering** is local: the new records and every record of each old person they were
//!    compared with. Old people are taken as they are (their records joined first,
//!    unconditionally); the links are then offered in descending weight to the same guarded
//!    union-find as a full run (`cluster`: conflicting identifiers or dates, reviewers'
//!    cannot-links, cluster support among the compared pairs).
//! 5. **IDs**: an old person keeps its ID; new people get the next IDs, in order of their
//!    first record; a new record that joins two old people merges them (the one with more
//!    records keeps its ID; ties: the smaller). Old people are never split.
//!
//! What it cannot do, and why a full re-link stays (see `docs/linkage-at-scale.md`): it does
//! not retrain the model, re-score old × old pairs (a merge of two old people is supported
//! only by the pairs with the new records), or split an old person; term frequencies are the
//! last run's. [`IncrementalRefusal`] says when it must not be used at all.

use crate::cluster::{adjacency, Clusterer, Facts};
use crate::compare::compare;
use crate::lookup::LookupIndex;
use crate::model::ScoredPair;
use crate::model::TrainedModel;
use crate::prepare::{intern_one, name_info, standardise_one, Rec};
use crate::score::score_pair;
use crate::settings::{Constraints, Settings};
use crate::stable::IdChange;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// Why an incremental run was refused: a full re-link is needed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IncrementalRefusal {
    /// No earlier run, or its model was not kept.
    #[error("there is no earlier linkage run with a kept model to link new records into")]
    NoModel,
    /// The kept model was made by a build with other comparisons.
    #[error("the last run's model was made by another version of Hearth (other comparisons)")]
    OtherBuild,
    /// The settings differ from the last run's.
    #[error("the linkage settings have changed since the last run")]
    SettingsChanged,
    /// Records linked last time are gone or replaced.
    #[error("{0} records linked by the last run are no longer in the store (a file was replaced or removed)")]
    RecordsRemoved(usize),
    /// Reviewers decided pairs since the last run.
    #[error("reviewers have decided pairs since the last run")]
    NewDecisions,
}

impl crate::lookup::ModelParameters {
    /// The model for an incremental run under `settings`: refused if it was kept by another
    /// build or under other settings (or without saying which).
    pub fn model_for(&self, settings: &Settings) -> Result<TrainedModel, IncrementalRefusal> {
        let model = self.to_model().ok_or(IncrementalRefusal::OtherBuild)?;
        if self.settings.as_deref() != Some(settings.fingerprint().as_str()) {
            return Err(IncrementalRefusal::SettingsChanged);
        }
        Ok(model)
    }
}

/// The result of [`LookupIndex::link_new`]. Records are numbered as one list: the indexed
/// (old) records `0..n`, then the new records `n..n + m`.
#[derive(Debug, Clone, PartialEq)]
pub struct IncrementalLinkage {
    /// The person ID of each new record.
    pub new_person_ids: Vec<i64>,
    /// Old records whose person ID changed (their person merged into another): (record,
    /// new person ID).
    pub moved: Vec<(u32, i64)>,
    /// New people and merges, in a deterministic order.
    pub changes: Vec<IdChange>,
    /// Links involving a new record whose records ended in one person.
    pub pairs: Vec<ScoredPair>,
    /// For a reviewer: pairs in the review band, vetoed pairs above it, and links the
    /// clustering refused.
    pub review: Vec<ScoredPair>,
    /// Candidate pairs compared.
    pub candidate_pairs: u64,
    /// Old people touched (compared with a new record).
    pub people_touched: usize,
}

impl LookupIndex {
    /// Links `new` records into the indexed people (see the module's documentation).
    /// `constraints` number records as the result does (old then new); decisions between
    /// records outside the local clustering are not needed (their people are taken as they
    /// are). The new records stay interned in the index, not indexed: build a new index for
    /// another batch.
    pub fn link_new(
        &mut self,
        new: &[crate::record::LinkRecord],
        constraints: &Constraints,
    ) -> IncrementalLinkage {
        let n = self.prep.recs.len() as u32;
        let new_recs = self.intern_new(new);
        let m = new_recs.len() as u32;
        // Identical new records: the first of each group stands for the rest.
        let mut first_of: HashMap<Rec, u32> = HashMap::with_capacity(new_recs.len());
        let rep: Vec<u32> = new_recs
            .iter()
            .enumerate()
            .map(|(k, r)| *first_of.entry(*r).or_insert(k as u32))
            .collect();
        let rec = |x: u32| -> &Rec {
            if x < n {
                &self.prep.recs[x as usize]
            } else {
                &new_recs[(x - n) as usize]
            }
        };
        let allowed = |i: u32, j: u32| {
            let (a, b) = (rec(i).source, rec(j).source);
            !(a == b && self.unique[a as usize])
        };
        // Candidates: new × old through the index, new × new by sorting keys.
        let reps: Vec<u32> = (0..m).filter(|&k| rep[k as usize] == k).collect();
        let mut cands: Vec<(u32, u32)> = reps
            .par_iter()
            .flat_map_iter(|&k| {
                let q = &new_recs[k as usize];
                self.candidates(q)
                    .into_iter()
                    .map(move |i| (i, n + k))
                    .collect::<Vec<_>>()
            })
            .collect();
        cands.extend(self.new_pairs(&new_recs, &reps, n));
        cands.retain(|&(i, j)| allowed(i, j));
        cands.par_sort_unstable();
        cands.dedup();
        let scored: Vec<ScoredPair> = cands
            .par_iter()
            .map(|&(i, j)| {
                let (a, b) = (rec(i), rec(j));
                score_pair(
                    &self.model,
                    &self.tf,
                    self.veto,
                    (i, j),
                    compare(&self.prep, a, b),
                    a,
                )
            })
            .collect();
        let mut out = self.cluster_new(&scored, &new_recs, &rep, constraints);
        out.candidate_pairs = cands.len() as u64;
        out
    }

    /// Standardises and interns the new records (their names kept, counted and given term
    /// frequencies).
    fn intern_new(&mut self, new: &[crate::record::LinkRecord]) -> Vec<Rec> {
        let names_before = self.prep.names.len();
        let std: Vec<_> = new
            .par_iter()
            .map(|r| standardise_one(r, &self.placeholders))
            .collect();
        let p = &mut self.prep;
        let recs: Vec<Rec> = std
            .iter()
            .map(|s| intern_one(s, &self.kinds, &mut p.names, &mut p.text))
            .collect();
        for id in names_before..p.names.len() {
            let info = name_info(&self.nicknames, p.names.get(id as u32));
            p.name_info.push(info);
        }
        for r in &recs {
            if r.given != 0 {
                p.name_info[r.given as usize].given_count += 1;
            }
            if r.family != 0 {
                p.name_info[r.family as usize].family_count += 1;
            }
        }
        self.tf.extend(p);
        // New ids: comparisons cached under the old generation must not be reused.
        p.generation = crate::lookup::next_generation();
        recs
    }

    /// Pairs among the new records (representatives only) sharing a blocking key, a large
    /// block split by the secondary key and skipped if still too large.
    fn new_pairs(&self, new_recs: &[Rec], reps: &[u32], n: u32) -> Vec<(u32, u32)> {
        let p = &self.prep;
        let mut keys: Vec<(u64, u32)> = Vec::new();
        for (k, &rule) in self.rules.iter().enumerate() {
            keys.extend(
                reps.iter()
                    .map(|&i| {
                        (
                            crate::blocking::key(p, &new_recs[i as usize], rule, k as u64 + 1),
                            i,
                        )
                    })
                    .filter(|&(kv, _)| kv != 0),
            );
        }
        keys.sort_unstable();
        let mut out = Vec::new();
        let mut s = 0;
        while s < keys.len() {
            let mut e = s + 1;
            while e < keys.len() && keys[e].0 == keys[s].0 {
                e += 1;
            }
            let mut block: Vec<u32> = keys[s..e].iter().map(|&(_, i)| i).collect();
            if block.len() > self.max_block {
                let sec = |i: u32| crate::blocking::secondary(p, &new_recs[i as usize]);
                block.sort_by_key(|&i| (sec(i), i));
                let mut a = 0;
                while a < block.len() {
                    let mut b = a + 1;
                    while b < block.len() && sec(block[b]) == sec(block[a]) {
                        b += 1;
                    }
                    if b - a <= self.max_block {
                        all_pairs(&block[a..b], n, &mut out);
                    }
                    a = b;
                }
            } else {
                all_pairs(&block, n, &mut out);
            }
            s = e;
        }
        out
    }

    /// Local clustering of the new records with the old people they were compared with, and
    /// their IDs.
    fn cluster_new(
        &self,
        scored: &[ScoredPair],
        new_recs: &[Rec],
        rep: &[u32],
        constraints: &Constraints,
    ) -> IncrementalLinkage {
        let n = self.prep.recs.len() as u32;
        let m = new_recs.len();
        // Old people touched, and all their records.
        let mut touched: Vec<i64> = scored
            .iter()
            .filter(|s| s.left < n)
            .map(|s| self.person_of[s.left as usize])
            .collect();
        touched.sort_unstable();
        touched.dedup();
        let mut old_local: Vec<u32> = (0..n)
            .into_par_iter()
            .filter(|&i| touched.binary_search(&self.person_of[i as usize]).is_ok())
            .collect();
        old_local.sort_by_key(|&i| (self.person_of[i as usize], i));
        // Local numbering: new records 0..m, then the old records.
        let mut local_of: HashMap<u32, u32> = HashMap::with_capacity(old_local.len());
        for (k, &i) in old_local.iter().enumerate() {
            local_of.insert(i, (m + k) as u32);
        }
        let local = |x: u32| -> Option<u32> {
            if x >= n {
                Some(x - n)
            } else {
                local_of.get(&x).copied()
            }
        };
        let global = |l: u32| -> u32 {
            if (l as usize) < m {
                n + l
            } else {
                old_local[l as usize - m]
            }
        };
        let size = m + old_local.len();
        let rec = |l: u32| -> &Rec {
            if (l as usize) < m {
                &new_recs[l as usize]
            } else {
                &self.prep.recs[old_local[l as usize - m] as usize]
            }
        };
        let thr = self.model.threshold_probability;
        let is_link = |s: &ScoredPair| s.match_probability >= thr && !s.vetoed;
        // Adjacency of the compared pairs (local numbering), as `people::cluster` lays it out.
        let local_pairs: Vec<(u32, u32, &ScoredPair)> = scored
            .iter()
            .filter_map(|s| Some((local(s.left)?, local(s.right)?, s)))
            .collect();
        let (start, adj) = adjacency(
            size,
            local_pairs.iter().map(|&(l, r, s)| (l, r, is_link(s))),
        );
        let mut cannot: Vec<Vec<u32>> = vec![Vec::new(); size];
        for &(a, b) in &constraints.cannot_link {
            if let (Some(x), Some(y)) = (local(a), local(b)) {
                cannot[x as usize].push(y);
                cannot[y as usize].push(x);
            }
        }
        let facts: Vec<Facts> = (0..size as u32)
            .map(|l| {
                let r = rec(l);
                Facts {
                    nhs: r.nhs,
                    ni: r.ni,
                    upn: r.upn,
                    dob: r.dob,
                    unique_source: if self.unique[r.source as usize] {
                        r.source as u32
                    } else {
                        u32::MAX
                    },
                }
            })
            .collect();
        let mut cl = Clusterer::new(&facts, &start, &adj, &cannot);
        // Old people as they are; identical new records with their first; reviewers' links.
        for w in old_local.windows(2) {
            if self.person_of[w[0] as usize] == self.person_of[w[1] as usize] {
                cl.must_link(local_of[&w[0]], local_of[&w[1]]);
            }
        }
        for (k, &r) in rep.iter().enumerate() {
            if r != k as u32 {
                cl.must_link(r, k as u32);
            }
        }
        for &(a, b) in &constraints.must_link {
            if let (Some(x), Some(y)) = (local(a), local(b)) {
                cl.must_link(x, y);
            }
        }
        let mut links: Vec<&(u32, u32, &ScoredPair)> =
            local_pairs.iter().filter(|(_, _, s)| is_link(s)).collect();
        links.sort_by(|a, b| {
            b.2.match_weight
                .total_cmp(&a.2.match_weight)
                .then(a.2.left.cmp(&b.2.left))
                .then(a.2.right.cmp(&b.2.right))
        });
        for &&(l, r, s) in &links {
            let (ids_agree, all_else_exact, names_dob_exact) =
                crate::compare::link_flags(s.pattern);
            cl.link(l, r, ids_agree, all_else_exact, names_dob_exact);
        }
        // IDs: each cluster's old people by their records; new people numbered in order.
        let mut old_in: BTreeMap<u32, BTreeMap<i64, usize>> = BTreeMap::new();
        for l in m..size {
            let root = cl.find(l as u32);
            let p = self.person_of[global(l as u32) as usize];
            *old_in.entry(root).or_default().entry(p).or_default() += 1;
        }
        let mut next = self
            .person_of
            .iter()
            .copied()
            .max()
            .map_or(1, |x| x.max(0) + 1);
        let mut id_of_root: HashMap<u32, i64> = HashMap::new();
        let mut changes = Vec::new();
        let mut moved = Vec::new();
        let mut new_person_ids = Vec::with_capacity(m);
        for k in 0..m as u32 {
            let root = cl.find(k);
            let id = *id_of_root
                .entry(root)
                .or_insert_with(|| match old_in.get(&root) {
                    Some(people) => {
                        let (&kept, _) = people
                            .iter()
                            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                            .expect("a cluster with old records has an old person");
                        if people.len() > 1 {
                            changes.push(IdChange::Merge {
                                kept: kept as u64,
                                absorbed: people
                                    .keys()
                                    .filter(|&&p| p != kept)
                                    .map(|&p| p as u64)
                                    .collect(),
                            });
                        }
                        kept
                    }
                    None => {
                        let id = next;
                        next += 1;
                        changes.push(IdChange::New { id: id as u64 });
                        id
                    }
                });
            new_person_ids.push(id);
        }
        for l in m..size {
            if let Some(&id) = id_of_root.get(&cl.find(l as u32)) {
                let g = global(l as u32);
                if self.person_of[g as usize] != id {
                    moved.push((g, id));
                }
            }
        }
        moved.sort_unstable();
        // Links kept, links refused and the review band, as a full run's review list.
        let same = |cl: &mut Clusterer, s: &ScoredPair| match (local(s.left), local(s.right)) {
            (Some(a), Some(b)) => cl.find(a) == cl.find(b),
            _ => false,
        };
        let (lo, hi) = self.model.review_band;
        let mut pairs = Vec::new();
        let mut review = Vec::new();
        for s in scored {
            if is_link(s) {
                if same(&mut cl, s) {
                    pairs.push(*s);
                } else {
                    review.push(*s);
                }
            } else if (s.match_probability >= lo && s.match_probability <= hi)
                || (s.vetoed && s.match_probability > hi)
            {
                review.push(*s);
            }
        }
        // Identical new records: each with its first, as links.
        for (k, &r) in rep.iter().enumerate() {
            if r != k as u32 {
                let a = &new_recs[r as usize];
                let pattern = compare(&self.prep, a, a);
                pairs.push(score_pair(
                    &self.model,
                    &self.tf,
                    false,
                    (n + r, n + k as u32),
                    pattern,
                    a,
                ));
            }
        }
        pairs.sort_by_key(|p| (p.left, p.right));
        IncrementalLinkage {
            new_person_ids,
            moved,
            changes,
            pairs,
            review,
            candidate_pairs: 0,
            people_touched: touched.len(),
        }
    }
}

/// Every pair of a block of new records (numbered from `n`).
fn all_pairs(block: &[u32], n: u32, out: &mut Vec<(u32, u32)>) {
    for (x, &a) in block.iter().enumerate() {
        for &b in &block[x + 1..] {
            out.push((n + a.min(b), n + a.max(b)));
        }
    }
}
