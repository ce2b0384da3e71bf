//! Outcomes: each attached family's baseline, frozen once at attachment, and its results
//! under the Outcomes Plan. The baseline and judgement are stored as the JSON the outcomes
//! crate makes (keys and facts only, never an identifier); this module does not read them.
//! Written once over the portable [`Tx`] for both backends.

use crate::error::Result;
use crate::handle::Store;
use crate::sql::{date, int, placeholders, time, ts, Tx, Val};
use chrono::{DateTime, NaiveDate, Utc};

/// A baseline to freeze.
#[derive(Debug, Clone, PartialEq)]
pub struct NewBaseline {
    /// The family.
    pub family_id: i64,
    /// The attachment date.
    pub attached_on: NaiveDate,
    /// The council's reference for the attachment, if its list gives one.
    pub attachment_ref: Option<String>,
    /// The identification run the problems come from.
    pub run_id: Option<i64>,
    /// The baseline as JSON.
    pub baseline: String,
}

/// A frozen baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredBaseline {
    /// The family.
    pub family_id: i64,
    /// The attachment date.
    pub attached_on: NaiveDate,
    /// The council's reference.
    pub attachment_ref: Option<String>,
    /// The identification run.
    pub run_id: Option<i64>,
    /// When it was frozen.
    pub frozen_at: DateTime<Utc>,
    /// The baseline as JSON.
    pub baseline: String,
}

/// One family's latest judgement.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredOutcome {
    /// The family.
    pub family_id: i64,
    /// Judged as at.
    pub as_at: NaiveDate,
    /// The plan's SHA-256.
    pub rules_sha256: String,
    /// The earliest date a claim could be made, if known.
    pub earliest_claim_on: Option<NaiveDate>,
    /// The judgement as JSON.
    pub outcome: String,
}

/// A result a family achieved.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredResult {
    /// The family.
    pub family_id: i64,
    /// `significant_and_sustained_progress` or `continuous_employment`.
    pub kind: String,
    /// The earliest date the plan was met.
    pub achieved_on: NaiveDate,
    /// The plan's SHA-256.
    pub rules_sha256: String,
    /// The as-at date of the evaluation that found it.
    pub found_as_at: NaiveDate,
    /// The evidence as JSON.
    pub evidence: String,
}

/// A goal of a family's plan whose every action is done: the lead worker's evidence on the
/// Outcomes Plan measure the goal is tied to (progress towards work), dated the day its last
/// action was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalAchieved {
    /// The family.
    pub family_id: i64,
    /// The Outcomes Plan measure the goal is tied to.
    pub measure_key: String,
    /// The day its last action was done.
    pub achieved_on: NaiveDate,
}

/// What [`Store::freeze_baselines`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frozen {
    /// Baselines frozen now.
    pub frozen: usize,
    /// Families that already had one (left as they were).
    pub already: usize,
}

impl Store {
    /// Freezes the baselines of families that have none, in one transaction; a family that
    /// has one keeps it.
    pub fn freeze_baselines(
        &mut self,
        baselines: &[NewBaseline],
        now: DateTime<Utc>,
    ) -> Result<Frozen> {
        self.with_tx(|tx| Ok(freeze(tx, baselines, now)?.0))
    }

    /// Every frozen baseline, by family.
    pub fn baselines(&mut self) -> Result<Vec<StoredBaseline>> {
        self.with_read(|tx| baselines(tx, None))
    }

    /// One family's baseline.
    pub fn baseline(&mut self, family_id: i64) -> Result<Option<StoredBaseline>> {
        self.with_read(|tx| Ok(baselines(tx, Some(family_id))?.into_iter().next()))
    }

    /// Saves an evaluation in one transaction: every judged family's judgement replaces its
    /// last; a result is added only if the family has none of that kind (the first found is
    /// kept, so a result once claimable stays as it was found).
    pub fn save_outcomes(
        &mut self,
        outcomes: &[StoredOutcome],
        results: &[StoredResult],
        now: DateTime<Utc>,
    ) -> Result<usize> {
        self.with_tx(|tx| {
            tx.exec("DELETE FROM family_outcome", &[])?;
            tx.bulk(
                "family_outcome",
                &[
                    "family_id",
                    "as_at",
                    "rules_sha256",
                    "earliest_claim_on",
                    "evaluated_at",
                    "outcome",
                ],
                &mut outcomes.iter().map(|o| {
                    vec![
                        Val::Int(o.family_id),
                        Val::Text(o.as_at.to_string()),
                        Val::Text(o.rules_sha256.clone()),
                        o.earliest_claim_on.map(|d| d.to_string()).into(),
                        Val::Text(ts(now)),
                        Val::Text(o.outcome.clone()),
                    ]
                }),
            )?;
            let have: std::collections::BTreeSet<(i64, String)> = tx
                .query("SELECT family_id, kind FROM outcome_result", &[])?
                .iter()
                .map(|r| {
                    Ok((
                        int(r, 0, "outcome_result", "family_id")?,
                        r[1].text().unwrap_or_default(),
                    ))
                })
                .collect::<Result<_>>()?;
            let mut added = 0;
            let mut rows = Vec::new();
            for r in results {
                if have.contains(&(r.family_id, r.kind.clone())) {
                    continue;
                }
                added += 1;
                rows.push(vec![
                    Val::Int(r.family_id),
                    Val::Text(r.kind.clone()),
                    Val::Text(r.achieved_on.to_string()),
                    Val::Text(r.rules_sha256.clone()),
                    Val::Text(r.found_as_at.to_string()),
                    Val::Text(r.evidence.clone()),
                ]);
            }
            tx.bulk(
                "outcome_result",
                &[
                    "family_id",
                    "kind",
                    "achieved_on",
                    "rules_sha256",
                    "found_as_at",
                    "evidence",
                ],
                &mut rows.into_iter(),
            )?;
            Ok(added)
        })
    }

    /// One family's latest judgement.
    pub fn family_outcome(&mut self, family_id: i64) -> Result<Option<StoredOutcome>> {
        self.with_read(|tx| {
            let rows = tx.query(
                "SELECT family_id, as_at, rules_sha256, earliest_claim_on, outcome \
                 FROM family_outcome WHERE family_id = $1",
                &[Val::Int(family_id)],
            )?;
            rows.iter()
                .map(|r| {
                    Ok(StoredOutcome {
                        family_id: int(r, 0, "family_outcome", "family_id")?,
                        as_at: date(&r[1], "family_outcome", "as_at")?,
                        rules_sha256: r[2].text().unwrap_or_default(),
                        earliest_claim_on: match &r[3] {
                            Val::Null => None,
                            v => Some(date(v, "family_outcome", "earliest_claim_on")?),
                        },
                        outcome: r[4].text().unwrap_or_default(),
                    })
                })
                .next()
                .transpose()
        })
    }

    /// Every result found, by family and kind.
    pub fn outcome_results(&mut self) -> Result<Vec<StoredResult>> {
        self.with_read(|tx| {
            tx.query(
                "SELECT family_id, kind, achieved_on, rules_sha256, found_as_at, evidence \
                 FROM outcome_result ORDER BY family_id, kind",
                &[],
            )?
            .iter()
            .map(|r| {
                Ok(StoredResult {
                    family_id: int(r, 0, "outcome_result", "family_id")?,
                    kind: r[1].text().unwrap_or_default(),
                    achieved_on: date(&r[2], "outcome_result", "achieved_on")?,
                    rules_sha256: r[3].text().unwrap_or_default(),
                    found_as_at: date(&r[4], "outcome_result", "found_as_at")?,
                    evidence: r[5].text().unwrap_or_default(),
                })
            })
            .collect()
        })
    }

    /// The goals of families' plans tied to one of `measure_keys` that are achieved: not
    /// removed, with at least one action and every action not removed done (the casework's
    /// `plan_goal` and `plan_action`), by family, each dated the day its last action was done.
    pub fn goals_achieved(&mut self, measure_keys: &[&str]) -> Result<Vec<GoalAchieved>> {
        if measure_keys.is_empty() {
            return Ok(Vec::new());
        }
        let params: Vec<Val> = measure_keys.iter().map(|&k| k.into()).collect();
        let list = placeholders(measure_keys.len());
        self.with_read(|tx| {
            tx.query(
                &format!(
                    "SELECT g.family_id, g.measure_key, MAX(a.done_on) FROM plan_goal g \
                     JOIN plan_action a ON a.goal_id = g.id AND a.removed_at IS NULL \
                     WHERE g.removed_at IS NULL AND g.measure_key IN ({list}) \
                     GROUP BY g.id, g.family_id, g.measure_key \
                     HAVING COUNT(*) = COUNT(a.done_on) ORDER BY g.family_id, g.id"
                ),
                &params,
            )?
            .iter()
            .map(|r| {
                Ok(GoalAchieved {
                    family_id: int(r, 0, "plan_goal", "family_id")?,
                    measure_key: r[1].text().unwrap_or_default(),
                    achieved_on: date(&r[2], "plan_action", "done_on")?,
                })
            })
            .collect()
        })
    }
}

/// Freezes the baselines of families that have none; returns what it did and the families
/// frozen now with their attachment dates.
pub(crate) fn freeze(
    tx: &mut dyn Tx,
    baselines: &[NewBaseline],
    now: DateTime<Utc>,
) -> Result<(Frozen, Vec<(i64, NaiveDate)>)> {
    let existing: std::collections::BTreeSet<i64> = tx
        .query("SELECT family_id FROM outcome_baseline", &[])?
        .iter()
        .map(|r| int(r, 0, "outcome_baseline", "family_id"))
        .collect::<Result<_>>()?;
    let mut done = Frozen {
        frozen: 0,
        already: 0,
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut rows = Vec::new();
    let mut frozen = Vec::new();
    for b in baselines {
        if existing.contains(&b.family_id) || !seen.insert(b.family_id) {
            done.already += 1;
            continue;
        }
        rows.push(vec![
            Val::Int(b.family_id),
            Val::Text(b.attached_on.to_string()),
            b.attachment_ref.clone().into(),
            b.run_id.into(),
            Val::Text(ts(now)),
            Val::Text(b.baseline.clone()),
        ]);
        frozen.push((b.family_id, b.attached_on));
        done.frozen += 1;
    }
    tx.bulk(
        "outcome_baseline",
        &[
            "family_id",
            "attached_on",
            "attachment_ref",
            "run_id",
            "frozen_at",
            "baseline",
        ],
        &mut rows.into_iter(),
    )?;
    Ok((done, frozen))
}

fn baselines(tx: &mut dyn Tx, family: Option<i64>) -> Result<Vec<StoredBaseline>> {
    let (sql, params) = match family {
        Some(f) => (
            "SELECT family_id, attached_on, attachment_ref, run_id, frozen_at, baseline \
             FROM outcome_baseline WHERE family_id = $1",
            vec![Val::Int(f)],
        ),
        None => (
            "SELECT family_id, attached_on, attachment_ref, run_id, frozen_at, baseline \
             FROM outcome_baseline ORDER BY family_id",
            vec![],
        ),
    };
    tx.query(sql, &params)?
        .iter()
        .map(|r| {
            Ok(StoredBaseline {
                family_id: int(r, 0, "outcome_baseline", "family_id")?,
                attached_on: date(&r[1], "outcome_baseline", "attached_on")?,
                attachment_ref: r[2].text(),
                run_id: r[3].int(),
                frozen_at: time(&r[4], "outcome_baseline", "frozen_at")?,
                baseline: r[5].text().unwrap_or_default(),
            })
        })
        .collect()
}
