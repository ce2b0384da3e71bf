//! Clerical review: the pairs of records in the uncertain band that a linkage run queues
//! for a person, and the decisions reviewers make on them (must-link and cannot-link for
//! the next run). The queue itself is written with each run (see `linkage`).
//!
//! It does not score pairs nor apply decisions to people.

use crate::error::Result;
use crate::handle::Store;
use crate::intake::RecordId;
use crate::sql::{int, Tx};
use chrono::Utc;

/// A pair of records in the uncertain band, for a person to decide.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewPair {
    /// The lower record key.
    pub record_l: RecordId,
    /// The higher record key.
    pub record_r: RecordId,
    /// Posterior match probability.
    pub match_probability: f64,
    /// Match weight (log2 Bayes factor).
    pub match_weight: f64,
    /// JSON: each comparison's level and weight.
    pub explanation: String,
}

/// A reviewer's decision on a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewDecision {
    /// The lower record key.
    pub record_l: RecordId,
    /// The higher record key.
    pub record_r: RecordId,
    /// `true`: the same person (must link); `false`: different people (cannot link).
    pub is_match: bool,
}

impl Store {
    /// Pairs waiting for clerical review, most likely matches first (none with a record a
    /// restriction in force holds).
    pub fn pending_review(&mut self) -> Result<Vec<ReviewPair>> {
        self.with_tx(pending_review)
    }

    /// Records a reviewer's decision; `false` if the pair is not in the queue.
    pub fn decide_review(&mut self, decision: &ReviewDecision, decided_by: &str) -> Result<bool> {
        self.with_tx(|tx| decide_review(tx, decision, decided_by))
    }

    /// Every decision reviewers have made: must-link and cannot-link for the next run.
    pub fn review_decisions(&mut self) -> Result<Vec<ReviewDecision>> {
        self.with_tx(review_decisions)
    }
}

fn pending_review(tx: &mut dyn Tx) -> Result<Vec<ReviewPair>> {
    // A pair with a record a restriction holds waits, unseen, until it is lifted.
    let restricted = crate::restricted::restricted(tx)?;
    let pairs: Vec<ReviewPair> = tx.query(
        "SELECT record_id_l, record_id_r, match_probability, match_weight, explanation \
         FROM review_pair WHERE status = 'pending' ORDER BY match_probability DESC, record_id_l, record_id_r",
        &[],
    )?
    .iter()
    .map(|r| {
        Ok(ReviewPair {
            record_l: RecordId(int(r, 0, "review_pair", "record_id_l")?),
            record_r: RecordId(int(r, 1, "review_pair", "record_id_r")?),
            match_probability: r[2].real().unwrap_or(0.0),
            match_weight: r[3].real().unwrap_or(0.0),
            explanation: r[4].text().unwrap_or_default(),
        })
    })
    .collect::<Result<_>>()?;
    Ok(pairs
        .into_iter()
        .filter(|p| {
            !restricted.hides_record(p.record_l.0) && !restricted.hides_record(p.record_r.0)
        })
        .collect())
}

fn decide_review(tx: &mut dyn Tx, d: &ReviewDecision, decided_by: &str) -> Result<bool> {
    let status = if d.is_match { "match" } else { "non_match" };
    let n = tx.exec(
        "UPDATE review_pair SET status = $1, decided_by = $2, decided_at = $3 \
         WHERE record_id_l = $4 AND record_id_r = $5",
        &[
            status.into(),
            decided_by.into(),
            Utc::now().to_rfc3339().into(),
            d.record_l.0.into(),
            d.record_r.0.into(),
        ],
    )?;
    Ok(n == 1)
}

fn review_decisions(tx: &mut dyn Tx) -> Result<Vec<ReviewDecision>> {
    tx.query(
        "SELECT record_id_l, record_id_r, status FROM review_pair WHERE status <> 'pending' \
         ORDER BY record_id_l, record_id_r",
        &[],
    )?
    .iter()
    .map(|r| {
        Ok(ReviewDecision {
            record_l: RecordId(int(r, 0, "review_pair", "record_id_l")?),
            record_r: RecordId(int(r, 1, "review_pair", "record_id_r")?),
            is_match: r[2].text().as_deref() == Some("match"),
        })
    })
    .collect()
}
