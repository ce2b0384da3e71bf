//! `hearth link --incremental`: only the records added since the last run are linked, into
//! the last run's people, under its kept model (`hearth_linkage::LookupIndex::link_new`).
//! Refused — and the caller falls back to a full re-link, saying why — when there is no
//! earlier run with a kept model, the model was made by another build or under other
//! settings, records linked last time are gone (a file replaced or removed), or reviewers
//! decided pairs since the last run. It converts only: how records link is linkage's
//! business.

use crate::link::load::Loaded;
use crate::link::people::Prepared;
use anyhow::Result;
use hearth_linkage::{
    BlockingReport, Constraints, IncrementalRefusal, LinkRecord, Linkage, LookupIndex,
    ModelParameters, ScoredPair, Settings, StableIds,
};
use hearth_store::{ReviewPair, Store};
use std::collections::HashMap;

/// An incremental run's people, in the shapes a full run gives the later steps.
pub(crate) struct Linked {
    /// People (dense indices, numbered in order of first record), links and review pairs of
    /// this run (indices into the loaded records).
    pub linkage: Linkage,
    /// Person IDs and changes.
    pub stable: StableIds,
    /// The last run's pending review pairs still between two people.
    pub kept_review: Vec<ReviewPair>,
    /// Records linked in.
    pub new_records: usize,
}

/// The last run's kept model and reviewers' decision count, or why there is none to use.
fn last_model(
    store: &mut Store,
    settings: &Settings,
) -> Result<Result<(hearth_linkage::TrainedModel, u64), IncrementalRefusal>> {
    let Some((_, report)) = store.latest_link_report()? else {
        return Ok(Err(IncrementalRefusal::NoModel));
    };
    let v: serde_json::Value = serde_json::from_str(&report).unwrap_or_default();
    let Some(params) = v
        .get("model")
        .and_then(|m| serde_json::from_value::<ModelParameters>(m.clone()).ok())
    else {
        return Ok(Err(IncrementalRefusal::NoModel));
    };
    let decisions = v.get("decisions").and_then(|d| d.as_u64());
    Ok(params
        .model_for(settings)
        .map(|m| (m, decisions.unwrap_or(u64::MAX))))
}

/// Links the records not in the last run into its people, or says why it cannot.
pub(crate) fn link(
    store: &mut Store,
    loaded: &Loaded,
    prepared: &Prepared,
    settings: &Settings,
) -> Result<Result<Linked, IncrementalRefusal>> {
    let (model, decisions) = match last_model(store, settings)? {
        Ok(m) => m,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if decisions != loaded.decisions.len() as u64 {
        return Ok(Err(IncrementalRefusal::NewDecisions));
    }
    // Old records (linked last time) and new ones, each in loaded order.
    let records = &prepared.records;
    let (mut old, mut new): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
    let mut old_people = Vec::new();
    for (r, rec) in records.iter().enumerate() {
        match loaded.previous_people.get(&rec.key) {
            Some(&p) => {
                old.push(r);
                old_people.push(p as i64);
            }
            None => new.push(r),
        }
    }
    let removed = loaded.previous_people.len() - old.len();
    if removed > 0 {
        return Ok(Err(IncrementalRefusal::RecordsRemoved(removed)));
    }
    let old_records: Vec<LinkRecord> = old.iter().map(|&r| records[r].clone()).collect();
    let new_records: Vec<LinkRecord> = new.iter().map(|&r| records[r].clone()).collect();
    // The run's numbering (old then new) ↔ loaded order.
    let loaded_of: Vec<usize> = old.iter().chain(&new).copied().collect();
    let mut run_of = vec![0u32; records.len()];
    for (k, &r) in loaded_of.iter().enumerate() {
        run_of[r] = k as u32;
    }
    let remap = |c: &[(u32, u32)]| -> Vec<(u32, u32)> {
        c.iter()
            .map(|&(a, b)| (run_of[a as usize], run_of[b as usize]))
            .collect()
    };
    let constraints = Constraints {
        must_link: remap(&prepared.constraints.must_link),
        cannot_link: remap(&prepared.constraints.cannot_link),
    };
    let t = std::time::Instant::now();
    let mut index = LookupIndex::build(&old_records, &old_people, model, settings);
    let index_s = t.elapsed().as_secs_f64();
    let t = std::time::Instant::now();
    let inc = index.link_new(&new_records, &constraints);
    let link_s = t.elapsed().as_secs_f64();
    tracing::info!(
        old = old.len(),
        new = new.len(),
        candidates = inc.candidate_pairs,
        index_s,
        link_s,
        "incremental link"
    );
    // Every record's person ID, in loaded order.
    let mut ids = vec![0u64; records.len()];
    for (k, &r) in old.iter().enumerate() {
        ids[r] = old_people[k] as u64;
    }
    for &(k, p) in &inc.moved {
        ids[old[k as usize]] = p as u64;
    }
    for (k, &r) in new.iter().enumerate() {
        ids[r] = inc.new_person_ids[k] as u64;
    }
    let mut dense: HashMap<u64, u32> = HashMap::new();
    let person_of: Vec<u32> = ids
        .iter()
        .map(|&id| {
            let next = dense.len() as u32;
            *dense.entry(id).or_insert(next)
        })
        .collect();
    let to_loaded = |p: &ScoredPair| {
        let (a, b) = (
            loaded_of[p.left as usize] as u32,
            loaded_of[p.right as usize] as u32,
        );
        ScoredPair {
            left: a.min(b),
            right: a.max(b),
            ..*p
        }
    };
    // The last run's pending pairs, unless this run put their records in one person.
    let person_of_key: HashMap<i64, u64> = loaded
        .identities
        .iter()
        .zip(&ids)
        .map(|((id, _, _), &p)| (id.0, p))
        .collect();
    let kept_review = store
        .pending_review()?
        .into_iter()
        .filter(|p| person_of_key.get(&p.record_l.0) != person_of_key.get(&p.record_r.0))
        .collect();
    let model = index.model().clone();
    let linkage = Linkage {
        people: dense.len(),
        person_of,
        pairs: inc.pairs.iter().map(to_loaded).collect(),
        review: inc.review.iter().map(to_loaded).collect(),
        model,
        report: BlockingReport {
            rules: Vec::new(),
            candidate_pairs: inc.candidate_pairs,
            distinct_records: records.len(),
            records: records.len(),
            stage_seconds: vec![("index", index_s), ("incremental link", link_s)],
        },
    };
    Ok(Ok(Linked {
        linkage,
        stable: StableIds {
            ids,
            changes: inc.changes,
        },
        kept_review,
        new_records: new.len(),
    }))
}
