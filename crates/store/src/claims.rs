//! Payment-by-results claims: batches (`claim_batch`), claims each with the evidence pack
//! frozen at claim time (`claim`), withdrawals with a reason (a claim is never deleted), and
//! internal audit's findings kept with the claim (`claim_audit_finding`, append-only). Also
//! what a claim's evidence pack needs from casework: the lead worker's name and the family
//! plan as it stands. Written once over the portable [`Tx`] for both backends.
//!
//! It decides nothing: which results are claimed, payments and the sample are
//! `hearth_claims`'; access is the web's. A family is claimed once: a batch is written only
//! if none of its families has a claim not withdrawn (checked in the batch's transaction and
//! backed by a unique index), else nothing is written.

use crate::error::Result;
use crate::handle::Store;
use crate::sql::{corrupt, date, int, placeholders, time, ts, Tx, Val};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeMap;

/// A batch to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClaimBatch {
    /// The claim window's key.
    pub window_key: String,
    /// The claim window's name.
    pub window_label: String,
    /// The data as at (the day it was prepared).
    pub prepared_on: NaiveDate,
    /// Who prepared it (account name).
    pub prepared_by: String,
    /// When.
    pub prepared_at: DateTime<Utc>,
    /// Internal audit's sample size for it.
    pub sample_size: i64,
    /// Internal audit's seed for it.
    pub sample_seed: u64,
}

/// A claim to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClaim {
    /// The family.
    pub family_id: i64,
    /// The result's key (`significant_and_sustained_progress`, `continuous_employment`).
    pub result_kind: String,
    /// When it was achieved.
    pub achieved_on: NaiveDate,
    /// The results payment, pounds.
    pub payment: i64,
    /// The evidence pack (JSON).
    pub evidence_pack: String,
    /// Its SHA-256 (hex).
    pub evidence_sha256: String,
}

/// A stored batch with its counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimBatch {
    /// Its key.
    pub id: i64,
    /// The claim window's key.
    pub window_key: String,
    /// The claim window's name.
    pub window_label: String,
    /// The data as at.
    pub prepared_on: NaiveDate,
    /// Who prepared it.
    pub prepared_by: String,
    /// When.
    pub prepared_at: DateTime<Utc>,
    /// Internal audit's sample size.
    pub sample_size: i64,
    /// Internal audit's seed.
    pub sample_seed: u64,
    /// Its claims, withdrawn ones included.
    pub claims: i64,
    /// Of which withdrawn.
    pub withdrawn: i64,
}

/// A stored claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredClaim {
    /// Its key.
    pub id: i64,
    /// Its batch.
    pub batch_id: i64,
    /// The family.
    pub family_id: i64,
    /// The result's key.
    pub result_kind: String,
    /// When it was achieved.
    pub achieved_on: NaiveDate,
    /// The results payment, pounds.
    pub payment: i64,
    /// The evidence pack (JSON), as frozen.
    pub evidence_pack: String,
    /// Its SHA-256 as written.
    pub evidence_sha256: String,
    /// `claimed` or `withdrawn`.
    pub status: String,
    /// Who withdrew it.
    pub withdrawn_by: Option<String>,
    /// When.
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Why.
    pub withdrawal_reason: Option<String>,
}

/// A family already claimed: why a batch was not written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedFamily {
    /// The family.
    pub family_id: i64,
    /// Its claim.
    pub claim_id: i64,
    /// The claim's batch.
    pub batch_id: i64,
    /// The result it was claimed for.
    pub result_kind: String,
}

/// What became of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchOutcome {
    /// Written: the batch's key.
    Prepared(i64),
    /// A family in it was already claimed: nothing written.
    AlreadyClaimed(ClaimedFamily),
}

/// What became of a withdrawal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WithdrawOutcome {
    /// Withdrawn.
    Withdrawn,
    /// It was already withdrawn (by someone, with a reason): left as it was.
    AlreadyWithdrawn,
    /// No such claim.
    NotFound,
}

/// One of internal audit's findings on a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFinding {
    /// Its key (0 for one not yet stored).
    pub id: i64,
    /// The claim.
    pub claim_id: i64,
    /// `pass` or `fail`.
    pub outcome: String,
    /// The auditor's notes.
    pub notes: String,
    /// Who (account name).
    pub recorded_by: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// A goal of a family's plan with its actions, as stored now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimPlanGoal {
    /// The headline problem.
    pub problem_key: String,
    /// The Outcomes Plan measure.
    pub measure_key: String,
    /// The goal.
    pub goal: String,
    /// When it was set.
    pub set_at: DateTime<Utc>,
    /// Its actions: (action, owner, due on, done on).
    pub actions: Vec<(String, String, NaiveDate, Option<NaiveDate>)>,
}

/// What a family's evidence pack needs from casework.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimCasework {
    /// The lead worker's display name.
    pub lead_worker: Option<String>,
    /// The plan's goals, oldest first.
    pub goals: Vec<ClaimPlanGoal>,
}

impl Store {
    /// Writes a batch and its claims in one transaction, unless a family in it already has
    /// a claim not withdrawn: then nothing is written and that claim is named.
    pub fn add_claim_batch(
        &mut self,
        batch: &NewClaimBatch,
        claims: &[NewClaim],
    ) -> Result<BatchOutcome> {
        self.with_tx(|tx| add_batch(tx, batch, claims))
    }

    /// Every claim not withdrawn (evidence packs left out: empty).
    pub fn active_claims(&mut self) -> Result<Vec<StoredClaim>> {
        self.with_read(|tx| {
            claims_where(tx, "WHERE status = 'claimed' ORDER BY claim_id", &[], false)
        })
    }

    /// Every batch, newest first, with its counts.
    pub fn claim_batches(&mut self) -> Result<Vec<ClaimBatch>> {
        self.with_read(|tx| batches(tx, None))
    }

    /// A batch, if it exists.
    pub fn claim_batch(&mut self, id: i64) -> Result<Option<ClaimBatch>> {
        self.with_read(|tx| Ok(batches(tx, Some(id))?.into_iter().next()))
    }

    /// A batch's claims (withdrawn ones too), in claim order; with their evidence packs if
    /// `with_packs`.
    pub fn claims_in_batch(&mut self, batch_id: i64, with_packs: bool) -> Result<Vec<StoredClaim>> {
        self.with_read(|tx| {
            claims_where(
                tx,
                "WHERE batch_id = $1 ORDER BY claim_id",
                &[batch_id.into()],
                with_packs,
            )
        })
    }

    /// A batch's claim keys (withdrawn ones too), in claim order: what its internal audit
    /// sample is drawn from, without reading the claims.
    pub fn claim_ids_in_batch(&mut self, batch_id: i64) -> Result<Vec<i64>> {
        self.with_read(|tx| {
            tx.query(
                "SELECT claim_id FROM claim WHERE batch_id = $1 ORDER BY claim_id",
                &[batch_id.into()],
            )?
            .iter()
            .map(|r| int(r, 0, "claim", "claim_id"))
            .collect()
        })
    }

    /// The claims with these keys (those that exist), in claim order, without evidence packs.
    pub fn claims_by_ids(&mut self, ids: &[i64]) -> Result<Vec<StoredClaim>> {
        self.with_read(|tx| {
            let mut out = Vec::with_capacity(ids.len());
            for chunk in ids.chunks(500) {
                out.extend(claims_where(
                    tx,
                    &format!(
                        "WHERE claim_id IN ({}) ORDER BY claim_id",
                        placeholders(chunk.len())
                    ),
                    &chunk.iter().map(|&c| c.into()).collect::<Vec<Val>>(),
                    false,
                )?);
            }
            out.sort_by_key(|c| c.id);
            Ok(out)
        })
    }

    /// How many families have a claim not withdrawn (what counts against the cap).
    pub fn claimed_family_count(&mut self) -> Result<u64> {
        self.with_read(|tx| {
            let rows = tx.query(
                "SELECT count(DISTINCT family_id) FROM claim WHERE status = 'claimed'",
                &[],
            )?;
            Ok(rows.first().and_then(|r| r[0].int()).unwrap_or(0).max(0) as u64)
        })
    }

    /// Every claim (withdrawn ones too), in claim order, without evidence packs.
    pub fn all_claims(&mut self) -> Result<Vec<StoredClaim>> {
        self.with_read(|tx| claims_where(tx, "ORDER BY claim_id", &[], false))
    }

    /// A claim with its evidence pack, if it exists.
    pub fn claim(&mut self, id: i64) -> Result<Option<StoredClaim>> {
        self.with_read(|tx| {
            Ok(claims_where(tx, "WHERE claim_id = $1", &[id.into()], true)?
                .into_iter()
                .next())
        })
    }

    /// Withdraws a claim with a reason (it stays, marked withdrawn); a withdrawal is final.
    pub fn withdraw_claim(
        &mut self,
        id: i64,
        by: &str,
        at: DateTime<Utc>,
        reason: &str,
    ) -> Result<WithdrawOutcome> {
        self.with_tx(|tx| {
            let changed = tx.exec(
                "UPDATE claim SET status = 'withdrawn', withdrawn_by = $1, withdrawn_at = $2, \
                 withdrawal_reason = $3 WHERE claim_id = $4 AND status = 'claimed'",
                &[by.into(), ts(at).into(), reason.into(), id.into()],
            )?;
            if changed > 0 {
                return Ok(WithdrawOutcome::Withdrawn);
            }
            let exists = !tx
                .query(
                    "SELECT claim_id FROM claim WHERE claim_id = $1",
                    &[id.into()],
                )?
                .is_empty();
            Ok(if exists {
                WithdrawOutcome::AlreadyWithdrawn
            } else {
                WithdrawOutcome::NotFound
            })
        })
    }

    /// Records a finding on a claim; `None` if there is no such claim.
    pub fn add_audit_finding(&mut self, finding: &AuditFinding) -> Result<Option<i64>> {
        self.with_tx(|tx| {
            if tx
                .query(
                    "SELECT claim_id FROM claim WHERE claim_id = $1",
                    &[finding.claim_id.into()],
                )?
                .is_empty()
            {
                return Ok(None);
            }
            let rows = tx.query(
                "INSERT INTO claim_audit_finding (claim_id, outcome, notes, recorded_by, \
                 recorded_at) VALUES ($1, $2, $3, $4, $5) RETURNING finding_id",
                &[
                    finding.claim_id.into(),
                    finding.outcome.as_str().into(),
                    finding.notes.as_str().into(),
                    finding.recorded_by.as_str().into(),
                    ts(finding.recorded_at).into(),
                ],
            )?;
            Ok(rows.first().and_then(|r| r[0].int()))
        })
    }

    /// The findings on these claims, oldest first, by claim.
    pub fn audit_findings(
        &mut self,
        claim_ids: &[i64],
    ) -> Result<BTreeMap<i64, Vec<AuditFinding>>> {
        self.with_read(|tx| {
            let mut out: BTreeMap<i64, Vec<AuditFinding>> = BTreeMap::new();
            for chunk in claim_ids.chunks(500) {
                let rows = tx.query(
                    &format!(
                        "SELECT finding_id, claim_id, outcome, notes, recorded_by, recorded_at \
                         FROM claim_audit_finding WHERE claim_id IN ({}) ORDER BY finding_id",
                        placeholders(chunk.len())
                    ),
                    &chunk.iter().map(|&c| c.into()).collect::<Vec<Val>>(),
                )?;
                for r in rows {
                    let f = AuditFinding {
                        id: int(&r, 0, "claim_audit_finding", "finding_id")?,
                        claim_id: int(&r, 1, "claim_audit_finding", "claim_id")?,
                        outcome: r[2].text().unwrap_or_default(),
                        notes: r[3].text().unwrap_or_default(),
                        recorded_by: r[4].text().unwrap_or_default(),
                        recorded_at: time(&r[5], "claim_audit_finding", "recorded_at")?,
                    };
                    out.entry(f.claim_id).or_default().push(f);
                }
            }
            Ok(out)
        })
    }

    /// What these families' evidence packs need from casework, as it stands now (goals and
    /// actions removed from the plan left out).
    pub fn claim_casework(&mut self, family_ids: &[i64]) -> Result<BTreeMap<i64, ClaimCasework>> {
        self.with_read(|tx| casework(tx, family_ids))
    }

    /// Families attached to the programme on or before `on` ([`Store::attachments`]: the
    /// one notion of attached, which the dashboard and the evaluation count too).
    pub fn attached_family_count(&mut self, on: NaiveDate) -> Result<u64> {
        Ok(self.attachments()?.values().filter(|&&d| d <= on).count() as u64)
    }
}

fn add_batch(tx: &mut dyn Tx, b: &NewClaimBatch, claims: &[NewClaim]) -> Result<BatchOutcome> {
    let families: Vec<i64> = claims.iter().map(|c| c.family_id).collect();
    for chunk in families.chunks(500) {
        let rows = tx.query(
            &format!(
                "SELECT family_id, claim_id, batch_id, result_kind FROM claim \
                 WHERE status = 'claimed' AND family_id IN ({}) ORDER BY family_id LIMIT 1",
                placeholders(chunk.len())
            ),
            &chunk.iter().map(|&f| f.into()).collect::<Vec<Val>>(),
        )?;
        if let Some(r) = rows.first() {
            return Ok(BatchOutcome::AlreadyClaimed(ClaimedFamily {
                family_id: int(r, 0, "claim", "family_id")?,
                claim_id: int(r, 1, "claim", "claim_id")?,
                batch_id: int(r, 2, "claim", "batch_id")?,
                result_kind: r[3].text().unwrap_or_default(),
            }));
        }
    }
    let id = tx
        .query(
            "INSERT INTO claim_batch (window_key, window_label, prepared_on, prepared_by, \
             prepared_at, sample_size, sample_seed) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             RETURNING batch_id",
            &[
                b.window_key.as_str().into(),
                b.window_label.as_str().into(),
                b.prepared_on.to_string().into(),
                b.prepared_by.as_str().into(),
                ts(b.prepared_at).into(),
                b.sample_size.into(),
                (b.sample_seed as i64).into(),
            ],
        )?
        .first()
        .and_then(|r| r[0].int())
        .ok_or_else(|| corrupt("claim_batch", "batch_id", 0))?;
    for c in claims {
        tx.exec(
            "INSERT INTO claim (batch_id, family_id, result_kind, achieved_on, payment, \
             evidence_pack, evidence_sha256, status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'claimed')",
            &[
                id.into(),
                c.family_id.into(),
                c.result_kind.as_str().into(),
                c.achieved_on.to_string().into(),
                c.payment.into(),
                c.evidence_pack.as_str().into(),
                c.evidence_sha256.as_str().into(),
            ],
        )?;
    }
    Ok(BatchOutcome::Prepared(id))
}

fn batches(tx: &mut dyn Tx, id: Option<i64>) -> Result<Vec<ClaimBatch>> {
    let sql = "SELECT b.batch_id, b.window_key, b.window_label, b.prepared_on, b.prepared_by, \
         b.prepared_at, b.sample_size, b.sample_seed, \
         (SELECT count(*) FROM claim c WHERE c.batch_id = b.batch_id), \
         (SELECT count(*) FROM claim c WHERE c.batch_id = b.batch_id AND c.status = 'withdrawn') \
         FROM claim_batch b";
    let rows = match id {
        Some(id) => tx.query(&format!("{sql} WHERE b.batch_id = $1"), &[id.into()])?,
        None => tx.query(&format!("{sql} ORDER BY b.batch_id DESC"), &[])?,
    };
    rows.iter()
        .map(|r| {
            Ok(ClaimBatch {
                id: int(r, 0, "claim_batch", "batch_id")?,
                window_key: r[1].text().unwrap_or_default(),
                window_label: r[2].text().unwrap_or_default(),
                prepared_on: date(&r[3], "claim_batch", "prepared_on")?,
                prepared_by: r[4].text().unwrap_or_default(),
                prepared_at: time(&r[5], "claim_batch", "prepared_at")?,
                sample_size: int(r, 6, "claim_batch", "sample_size")?,
                sample_seed: int(r, 7, "claim_batch", "sample_seed")? as u64,
                claims: int(r, 8, "claim", "claim_id")?,
                withdrawn: int(r, 9, "claim", "status")?,
            })
        })
        .collect()
}

fn claims_where(
    tx: &mut dyn Tx,
    tail: &str,
    params: &[Val],
    with_packs: bool,
) -> Result<Vec<StoredClaim>> {
    let pack = if with_packs { "evidence_pack" } else { "''" };
    let rows = tx.query(
        &format!(
            "SELECT claim_id, batch_id, family_id, result_kind, achieved_on, payment, {pack}, \
             evidence_sha256, status, withdrawn_by, withdrawn_at, withdrawal_reason \
             FROM claim {tail}"
        ),
        params,
    )?;
    rows.iter()
        .map(|r| {
            Ok(StoredClaim {
                id: int(r, 0, "claim", "claim_id")?,
                batch_id: int(r, 1, "claim", "batch_id")?,
                family_id: int(r, 2, "claim", "family_id")?,
                result_kind: r[3].text().unwrap_or_default(),
                achieved_on: date(&r[4], "claim", "achieved_on")?,
                payment: int(r, 5, "claim", "payment")?,
                evidence_pack: r[6].text().unwrap_or_default(),
                evidence_sha256: r[7].text().unwrap_or_default(),
                status: r[8].text().unwrap_or_default(),
                withdrawn_by: r[9].text(),
                withdrawn_at: match &r[10] {
                    Val::Null => None,
                    v => Some(time(v, "claim", "withdrawn_at")?),
                },
                withdrawal_reason: r[11].text(),
            })
        })
        .collect()
}

fn casework(tx: &mut dyn Tx, family_ids: &[i64]) -> Result<BTreeMap<i64, ClaimCasework>> {
    let mut out: BTreeMap<i64, ClaimCasework> = BTreeMap::new();
    for chunk in family_ids.chunks(500) {
        let params: Vec<Val> = chunk.iter().map(|&f| f.into()).collect();
        let list = placeholders(chunk.len());
        for r in tx.query(
            &format!(
                "SELECT c.family_id, u.display_name FROM family_case c \
                 JOIN web_user u ON u.id = c.lead_worker_user_id WHERE c.family_id IN ({list})"
            ),
            &params,
        )? {
            out.entry(int(&r, 0, "family_case", "family_id")?)
                .or_default()
                .lead_worker = r[1].text();
        }
        let mut goal_of: BTreeMap<i64, (i64, usize)> = BTreeMap::new();
        for r in tx.query(
            &format!(
                "SELECT id, family_id, problem_key, measure_key, goal, set_at FROM plan_goal \
                 WHERE family_id IN ({list}) AND removed_at IS NULL ORDER BY id"
            ),
            &params,
        )? {
            let family = int(&r, 1, "plan_goal", "family_id")?;
            let entry = out.entry(family).or_default();
            goal_of.insert(int(&r, 0, "plan_goal", "id")?, (family, entry.goals.len()));
            entry.goals.push(ClaimPlanGoal {
                problem_key: r[2].text().unwrap_or_default(),
                measure_key: r[3].text().unwrap_or_default(),
                goal: r[4].text().unwrap_or_default(),
                set_at: time(&r[5], "plan_goal", "set_at")?,
                actions: Vec::new(),
            });
        }
        for r in tx.query(
            &format!(
                "SELECT goal_id, action, owner, due_on, done_on FROM plan_action \
                 WHERE family_id IN ({list}) AND removed_at IS NULL ORDER BY id"
            ),
            &params,
        )? {
            let goal = int(&r, 0, "plan_action", "goal_id")?;
            let Some(&(family, i)) = goal_of.get(&goal) else {
                continue;
            };
            let done = match &r[4] {
                Val::Null => None,
                v => Some(date(v, "plan_action", "done_on")?),
            };
            if let Some(g) = out.get_mut(&family).and_then(|c| c.goals.get_mut(i)) {
                g.actions.push((
                    r[1].text().unwrap_or_default(),
                    r[2].text().unwrap_or_default(),
                    date(&r[3], "plan_action", "due_on")?,
                    done,
                ));
            }
        }
    }
    Ok(out)
}
