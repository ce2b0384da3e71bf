//! Lookup: one new record (a person named in a referral) scored against the people of the
//! last linkage run, without linking again. The same stages as [`link`](crate::link) for
//! that one record: it is standardised and interned like the rest (`prepare`), its
//! candidates are the records sharing a blocking key with it under the same rules
//! (`blocking::key`, with the same split of a large block by the secondary key), each
//! candidate is compared (`compare`) and scored by the one scoring function
//! (`score::score_pair`) under the last run's trained model, kept with that run as
//! [`ModelParameters`]. The best score per person is returned.
//!
//! The index ([`LookupIndex`]) is built once from the stored records and their people (a
//! web server builds it on first use and keeps it until the next linkage run) and answers a
//! lookup in well under a millisecond at a million records. It does no I/O.

use crate::blocking::BlockingRule;
use crate::blocking::{key, secondary};
use crate::compare::{compare, COMPARISONS};
use crate::index::KeyIndex;
use crate::model::{ComparisonParams, LevelParams, TrainedModel};
use crate::prepare::{intern_one, prepare, standardise_one, Prepared};
use crate::record::LinkRecord;
use crate::score::{score_pair, TermFrequencies};
use crate::settings::Settings;
use crate::standardise::Nicknames;
use serde::{Deserialize, Serialize};

/// What a lookup needs of a trained model, as the linkage run keeps it (JSON in its
/// report): each comparison level's m, u and weight, the prior and the threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelParameters {
    /// The prior probability that two records are one person.
    pub prior: f64,
    /// The match threshold (posterior probability).
    pub threshold_probability: f64,
    /// The review band (probabilities).
    pub review_band: (f64, f64),
    /// Per comparison (in [`COMPARISONS`] order), per level: (m, u, weight).
    pub levels: Vec<Vec<(f64, f64, f64)>>,
    /// The settings the run linked with ([`Settings::fingerprint`]), if kept: an
    /// incremental run refuses a model made under other settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<String>,
}

impl ModelParameters {
    /// The parameters of a trained model.
    pub fn of(model: &TrainedModel) -> ModelParameters {
        ModelParameters {
            prior: model.prior,
            threshold_probability: model.threshold_probability,
            review_band: model.review_band,
            levels: model
                .comparisons
                .iter()
                .map(|c| c.levels.iter().map(|l| (l.m, l.u, l.weight)).collect())
                .collect(),
            settings: None,
        }
    }

    /// The parameters of a model trained under `settings`, with the settings' fingerprint.
    pub fn of_run(model: &TrainedModel, settings: &Settings) -> ModelParameters {
        ModelParameters {
            settings: Some(settings.fingerprint()),
            ..ModelParameters::of(model)
        }
    }

    /// The model again, or `None` if the parameters do not fit this build's comparisons
    /// (kept by a build with other comparisons or levels).
    pub fn to_model(&self) -> Option<TrainedModel> {
        if self.levels.len() != COMPARISONS.len() {
            return None;
        }
        let comparisons = COMPARISONS
            .iter()
            .zip(&self.levels)
            .map(|(c, levels)| {
                (levels.len() == c.levels.len()).then(|| ComparisonParams {
                    name: c.name,
                    levels: c
                        .levels
                        .iter()
                        .zip(levels)
                        .map(|(&label, &(m, u, weight))| LevelParams {
                            label,
                            m,
                            u,
                            weight,
                        })
                        .collect(),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(TrainedModel {
            comparisons,
            prior: self.prior,
            em_iterations: 0,
            converged: true,
            threshold_probability: self.threshold_probability,
            threshold_weight: crate::model::log2_odds(self.threshold_probability),
            threshold_method: "kept from the linkage run",
            review_band: self.review_band,
            u_sample_pairs: 0,
            em_sessions: Vec::new(),
        })
    }
}

/// A person a looked-up record may be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LookupMatch {
    /// The person (as the caller numbered them: stable person IDs).
    pub person_id: i64,
    /// The best match weight of the record against any of the person's records.
    pub match_weight: f64,
    /// Its probability.
    pub match_probability: f64,
}

/// The linked records, indexed for lookups.
pub struct LookupIndex {
    pub(crate) prep: Prepared,
    pub(crate) kinds: Vec<String>,
    pub(crate) person_of: Vec<i64>,
    /// Records by blocking key, for every rule: a rule's keys are salted by its place,
    /// as in `blocking::candidates`.
    pub(crate) keys: KeyIndex,
    pub(crate) rules: Vec<BlockingRule>,
    pub(crate) max_block: usize,
    pub(crate) model: TrainedModel,
    pub(crate) tf: TermFrequencies,
    pub(crate) veto: bool,
    pub(crate) nicknames: Nicknames,
    pub(crate) placeholders: crate::placeholder::Placeholders,
    /// Which sources' records are each a different person (`Settings::unique_mask`).
    pub(crate) unique: Vec<bool>,
}

/// Generations for a lookup's names, apart from `prepare`'s (the comparison cache keys
/// interned names by generation).
static LOOKUP_GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1 << 62);

/// A fresh generation for an index whose names changed.
pub(crate) fn next_generation() -> u64 {
    LOOKUP_GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl LookupIndex {
    /// Indexes `records` (each the record of `person_ids[i]`) for lookups under `model`,
    /// with `settings`' blocking rules, block limit, nicknames and veto.
    pub fn build(
        records: &[LinkRecord],
        person_ids: &[i64],
        model: TrainedModel,
        settings: &Settings,
    ) -> LookupIndex {
        let nicknames = match &settings.nicknames {
            Some(t) => Nicknames::parse(t),
            None => Nicknames::shipped(),
        };
        let prep = prepare(records, &nicknames, &settings.placeholders);
        let mut kinds: Vec<String> = records
            .iter()
            .flat_map(|r| r.other_ids.iter().map(|(k, _)| k.clone()))
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds.truncate(3);
        let rules = settings.rules.clone();
        let keys = KeyIndex::build(prep.recs.len(), |i| {
            let r = &prep.recs[i];
            rules
                .iter()
                .enumerate()
                .map(|(k, &rule)| key(&prep, r, rule, k as u64 + 1))
                .filter(|&kv| kv != 0)
        });
        let tf = TermFrequencies::new(&prep, settings.term_frequency);
        let unique = settings.unique_mask();
        let veto = settings
            .veto
            .unwrap_or_else(|| !prep.recs.iter().all(|r| unique[r.source as usize]));
        let mut person_of = person_ids.to_vec();
        person_of.resize(records.len(), -1);
        LookupIndex {
            prep,
            kinds,
            person_of,
            keys,
            rules,
            max_block: settings.max_block_size,
            model,
            tf,
            veto,
            nicknames,
            placeholders: settings.placeholders.clone(),
            unique,
        }
    }

    /// Records indexed.
    pub fn len(&self) -> usize {
        self.prep.recs.len()
    }

    /// Whether no record is indexed.
    pub fn is_empty(&self) -> bool {
        self.prep.recs.is_empty()
    }

    /// The model lookups score with.
    pub fn model(&self) -> &TrainedModel {
        &self.model
    }

    /// The people `record` may be, with at least `min_probability`, best first (ties by
    /// person): each person's best-scoring record, vetoed pairs left out.
    pub fn lookup(&mut self, record: &LinkRecord, min_probability: f64) -> Vec<LookupMatch> {
        let names_before = self.prep.names.len();
        let text_before = self.prep.text.len();
        let std = standardise_one(record, &self.placeholders);
        let q = intern_one(&std, &self.kinds, &mut self.prep.names, &mut self.prep.text);
        for id in names_before..self.prep.names.len() {
            let info = crate::prepare::name_info(&self.nicknames, self.prep.names.get(id as u32));
            self.prep.name_info.push(info);
        }
        let fresh = self.prep.names.len() > names_before;
        if fresh {
            // New ids: comparisons cached under the old generation must not be reused.
            self.prep.generation =
                LOOKUP_GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        let found = self.score(&q, min_probability);
        // The index is left as it was (the query's names forgotten).
        self.prep.names.truncate(names_before);
        self.prep.name_info.truncate(names_before);
        self.prep.text.truncate(text_before);
        if fresh {
            self.prep.generation =
                LOOKUP_GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        found
    }

    /// The indexed records sharing a blocking key with `q` (a large block split by the
    /// secondary key, as blocking does), ascending, each once.
    pub(crate) fn candidates(&self, q: &crate::prepare::Rec) -> Vec<u32> {
        let p = &self.prep;
        let mut cands: Vec<u32> = Vec::new();
        for (k, &rule) in self.rules.iter().enumerate() {
            let kv = key(p, q, rule, k as u64 + 1);
            if kv == 0 {
                continue;
            }
            let block = self.keys.get(kv);
            if block.len() <= self.max_block {
                cands.extend(block);
            } else {
                // As blocking does: a large block is split by the secondary key.
                let s = secondary(p, q);
                let sub: Vec<u32> = block
                    .filter(|&i| secondary(p, &p.recs[i as usize]) == s)
                    .collect();
                if sub.len() <= self.max_block {
                    cands.extend(sub);
                }
            }
        }
        cands.sort_unstable();
        cands.dedup();
        cands
    }

    fn score(&self, q: &crate::prepare::Rec, min_probability: f64) -> Vec<LookupMatch> {
        let p = &self.prep;
        let cands = self.candidates(q);
        let n = p.recs.len() as u32;
        let mut best: Vec<LookupMatch> = Vec::new();
        for i in cands {
            let r = &p.recs[i as usize];
            let pattern = compare(p, q, r);
            // The indexed record is `a`: an exact name match means both carry its name, and
            // its name has a term frequency.
            let s = score_pair(&self.model, &self.tf, self.veto, (n, i), pattern, r);
            if s.vetoed || s.match_probability < min_probability {
                continue;
            }
            let person_id = self.person_of[i as usize];
            match best.iter_mut().find(|m| m.person_id == person_id) {
                Some(m) if m.match_weight >= s.match_weight => {}
                Some(m) => {
                    m.match_weight = s.match_weight;
                    m.match_probability = s.match_probability;
                }
                None => best.push(LookupMatch {
                    person_id,
                    match_weight: s.match_weight,
                    match_probability: s.match_probability,
                }),
            }
        }
        best.sort_by(|a, b| {
            b.match_weight
                .total_cmp(&a.match_weight)
                .then(a.person_id.cmp(&b.person_id))
        });
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{link, Constraints};

    fn rec(i: usize, given: &str, family: &str, dob: &str, pc: &str) -> LinkRecord {
        let mut r = LinkRecord::new((i % 3) as u16, format!("r{i}"));
        r.given_name = Some(given.into());
        r.family_name = Some(family.into());
        r.date_of_birth = crate::standardise::parse_dob(dob, "%Y-%m-%d").unwrap();
        r.postcode = Some(pc.into());
        r
    }

    fn borough() -> Vec<LinkRecord> {
        let given = [
            "Alice", "Bob", "Carol", "Dan", "Eve", "Frank", "Grace", "Harry",
        ];
        let family = ["Smith", "Jones", "Taylor", "Brown", "Wilson"];
        let mut out = Vec::new();
        for (g, gn) in given.iter().enumerate() {
            for (f, fnm) in family.iter().enumerate() {
                let dob = format!("19{}-0{}-1{}", 60 + g * 3 + f, 1 + f, g);
                let pc = format!("M{} {}AB", 10 + f, g);
                for copy in 0..3 {
                    out.push(rec(out.len() + copy, gn, fnm, &dob, &pc));
                }
            }
        }
        out
    }

    #[test]
    fn a_lookup_finds_the_person_a_link_would_and_leaves_the_index_as_it_was() {
        let records = borough();
        let linkage = link(&records, &Settings::default(), &Constraints::default());
        let people: Vec<i64> = linkage.person_of.iter().map(|&p| p as i64 + 1000).collect();
        let params = ModelParameters::of(&linkage.model);
        let json = serde_json::to_string(&params).unwrap();
        let model = serde_json::from_str::<ModelParameters>(&json)
            .unwrap()
            .to_model()
            .unwrap();
        let mut index = LookupIndex::build(&records, &people, model, &Settings::default());
        // A record written differently (nickname, case) finds the same person.
        let mut q = rec(0, "ALICE", "smith", "1960-01-10", "M10 0AB");
        q.source = 9;
        let found = index.lookup(&q, 0.5);
        assert_eq!(
            found.first().map(|m| m.person_id),
            Some(people[0]),
            "{found:?}"
        );
        assert!(found[0].match_probability > 0.9);
        // Someone no one knows, with names the index has never seen: nothing, and twice the
        // same answer (the query's names are forgotten each time).
        let stranger = rec(0, "Zebedee", "Quixotic", "2001-12-25", "ZZ9 9ZZ");
        assert!(index.lookup(&stranger, 0.5).is_empty());
        let names = index.prep.names.len();
        assert!(index.lookup(&stranger, 0.5).is_empty());
        assert_eq!(index.prep.names.len(), names);
        assert_eq!(index.lookup(&q, 0.5), found);
    }

    #[test]
    fn parameters_from_another_build_are_refused() {
        let mut p = ModelParameters {
            prior: 0.01,
            threshold_probability: 0.5,
            review_band: (0.2, 0.8),
            levels: vec![],
            settings: None,
        };
        assert!(p.to_model().is_none());
        p.levels = COMPARISONS
            .iter()
            .map(|c| vec![(0.5, 0.5, 0.0); c.levels.len()])
            .collect();
        assert!(p.to_model().is_some());
    }
}
