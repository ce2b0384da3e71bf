//! The link stage's last step: one linkage run's results — every record's person, the
//! changes to people, the clerical review queue (chosen by `hearth_linkage::review_queue`),
//! the families and a summary — written to the store in one transaction. It decides
//! nothing; it converts (through [`crate::link::rows`]) and writes.

use crate::link::families::Formed;
use crate::link::load::Loaded;
use crate::link::rows;
use anyhow::Result;
use chrono::NaiveDate;
use hearth_linkage::{IdChange, Linkage, Settings, StableIds};
use hearth_store::{LinkRunSummary, LinkageResults, PersonChange, RecordId, ReviewPair, Store};

/// Everything a linkage run worked out, step by step.
pub(crate) struct Run<'a> {
    /// What was read from the store.
    pub loaded: &'a Loaded,
    /// The people.
    pub linkage: &'a Linkage,
    /// Their stable IDs and the changes since the previous run.
    pub stable: &'a StableIds,
    /// Households and families.
    pub formed: &'a Formed,
    /// The last run's pending review pairs to keep (an incremental run's).
    pub kept_review: &'a [ReviewPair],
    /// The settings linked with (their fingerprint is kept with the model).
    pub settings: &'a Settings,
    /// Whether only the new records were linked.
    pub incremental: bool,
}

/// What was written, in counts.
pub(crate) struct Saved {
    /// New people since the previous run.
    pub new_people: usize,
    /// Merges since the previous run.
    pub merges: usize,
    /// Splits since the previous run.
    pub splits: usize,
    /// Pairs queued for clerical review.
    pub review_pairs: usize,
    /// Families.
    pub families: usize,
}

/// Writes the run's results; `seconds` (load, link, households) go into the run's report.
pub(crate) fn save(
    store: &mut Store,
    run: &Run<'_>,
    as_at: NaiveDate,
    seconds: [f64; 3],
) -> Result<Saved> {
    let identities = &run.loaded.identities;
    let assignment: Vec<(RecordId, i64)> = identities
        .iter()
        .zip(&run.stable.ids)
        .map(|((id, _, _), &p)| (*id, p as i64))
        .collect();
    let changes: Vec<PersonChange> = run.stable.changes.iter().map(rows::person_change).collect();
    let mut review: Vec<ReviewPair> =
        hearth_linkage::review_queue(&run.linkage.review, &run.stable.ids)
            .into_iter()
            .map(|p| rows::review_pair(p, run.linkage, identities))
            .collect();
    // An incremental run keeps the last run's pending pairs (this run's own first).
    let mut seen: std::collections::HashSet<(RecordId, RecordId)> =
        review.iter().map(|p| (p.record_l, p.record_r)).collect();
    for p in run.kept_review {
        if seen.insert((p.record_l, p.record_r)) {
            review.push(p.clone());
        }
    }
    let families = rows::families(run.formed);
    let summary = summary(run, review.len(), families.len(), as_at, seconds);
    store.save_linkage(&LinkageResults {
        summary: &summary,
        assignment: &assignment,
        changes: &changes,
        review: &review,
        families: &families,
    })?;
    let count = |f: fn(&IdChange) -> bool| run.stable.changes.iter().filter(|c| f(c)).count();
    Ok(Saved {
        new_people: count(|c| matches!(c, IdChange::New { .. })),
        merges: count(|c| matches!(c, IdChange::Merge { .. })),
        splits: count(|c| matches!(c, IdChange::Split { .. })),
        review_pairs: review.len(),
        families: families.len(),
    })
}

/// The run's summary row, with its report (blocking, threshold, training, timings) as JSON.
fn summary(
    run: &Run<'_>,
    review_pairs: usize,
    families: usize,
    as_at: NaiveDate,
    seconds: [f64; 3],
) -> LinkRunSummary {
    let linkage = run.linkage;
    let report = serde_json::json!({
        "blocking": linkage.report.rules.iter().map(|r| serde_json::json!({
            "rule": r.rule, "pairs": r.pairs, "largest_block": r.largest_block,
            "blocks_split": r.blocks_split, "blocks_skipped": r.blocks_skipped,
            "records_skipped": r.records_skipped,
        })).collect::<Vec<_>>(),
        "distinct_records": linkage.report.distinct_records,
        "threshold": {"probability": linkage.model.threshold_probability,
                      "method": linkage.model.threshold_method},
        "em": {"iterations": linkage.model.em_iterations, "converged": linkage.model.converged},
        // What a referral's lookup scores one record with (`hearth_linkage::LookupIndex`).
        // With the settings' fingerprint: an incremental run links under this model only
        // with the same settings.
        "model": hearth_linkage::ModelParameters::of_run(&linkage.model, run.settings),
        // Reviewers' decisions applied: an incremental run needs none made since.
        "decisions": run.loaded.decisions.len(),
        "mode": if run.incremental { "incremental" } else { "full" },
        "seconds": {"load": seconds[0], "link": seconds[1], "households": seconds[2]},
    });
    LinkRunSummary {
        records: run.loaded.identities.len() as u64,
        people: linkage.people as u64,
        candidate_pairs: linkage.report.candidate_pairs,
        matched_pairs: linkage.pairs.len() as u64,
        review_pairs: review_pairs as u64,
        threshold: linkage.model.threshold_weight,
        families: families as u64,
        as_at,
        report: report.to_string(),
    }
}
