//! Payment-by-results claims for the performance officer and internal audit: the overview
//! (payments against the cap, the batches), a batch's claims, internal audit's sample, a
//! claim's evidence pack as frozen, withdrawing a claim with a reason, an auditor's finding,
//! and the claim return. Every read of a claim's evidence pack, and every change, is audited.
//!
//! Who may do what is declared on the routes (`Permission::ViewClaims`, `MakeClaims`,
//! `AuditClaims`); the rules (windows, payments, cap, sample) are `hearth_claims`'.

pub mod export;
mod labels;
pub mod prepare;
mod restricted;

use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::service::{audit, invalid};
use crate::state::AppState;
use hearth_claims::{audit_sample, batch_seed, pounds, summarise, EvidencePack, PaymentSummary};
use hearth_outcomes::ResultKind;
use hearth_store::{AuditFinding, ClaimBatch, StoredClaim, WithdrawOutcome};
use serde::Serialize;
use std::collections::BTreeMap;

/// The longest withdrawal reason or audit note, in characters.
pub(crate) const TEXT_LIMIT: usize = 2000;

/// A batch as listed.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct BatchRow {
    pub id: i64,
    pub window: String,
    pub window_label: String,
    pub data_as_at: String,
    pub prepared_by: String,
    pub claims: i64,
    pub withdrawn: i64,
    pub sample_size: i64,
}

impl From<&ClaimBatch> for BatchRow {
    fn from(b: &ClaimBatch) -> BatchRow {
        BatchRow {
            id: b.id,
            window: b.window_key.clone(),
            window_label: b.window_label.clone(),
            data_as_at: b.prepared_on.to_string(),
            prepared_by: b.prepared_by.clone(),
            claims: b.claims,
            withdrawn: b.withdrawn,
            sample_size: b.sample_size.min(b.claims),
        }
    }
}

/// Payments against the cap, for people and machines.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Payments {
    #[serde(flatten)]
    pub summary: PaymentSummary,
    pub attachment_total_label: String,
    pub results_total_label: String,
    pub total_label: String,
    pub attachment_fee: u64,
    pub results_payment: u64,
    /// The fee and payment per family as written on pages (`£1,000`).
    pub attachment_fee_label: String,
    pub results_payment_label: String,
    pub cap_source: String,
    pub payments_source: String,
}

/// The claims overview.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Overview {
    pub payments: Payments,
    pub batches: Vec<BatchRow>,
}

/// A finding as shown.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FindingRow {
    pub outcome: String,
    pub passed: bool,
    pub notes: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

impl From<&AuditFinding> for FindingRow {
    fn from(f: &AuditFinding) -> FindingRow {
        FindingRow {
            outcome: f.outcome.clone(),
            passed: f.outcome == "pass",
            notes: f.notes.clone(),
            recorded_by: f.recorded_by.clone(),
            recorded_at: f.recorded_at.format("%Y-%m-%d %H:%M").to_string(),
        }
    }
}

/// A claim as listed.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ClaimRow {
    pub id: i64,
    pub batch_id: i64,
    pub family_id: i64,
    pub result: String,
    pub result_label: String,
    pub achieved_on: String,
    pub payment: i64,
    pub status: String,
    pub withdrawn: bool,
    pub withdrawal_reason: Option<String>,
    pub in_sample: bool,
    pub finding: Option<FindingRow>,
}

fn claim_row(c: &StoredClaim, in_sample: bool, findings: Option<&Vec<AuditFinding>>) -> ClaimRow {
    ClaimRow {
        id: c.id,
        batch_id: c.batch_id,
        family_id: c.family_id,
        result: c.result_kind.clone(),
        result_label: ResultKind::from_key(&c.result_kind)
            .map(|k| k.title().to_string())
            .unwrap_or_else(|| c.result_kind.clone()),
        achieved_on: c.achieved_on.to_string(),
        payment: c.payment,
        status: c.status.clone(),
        withdrawn: c.status == "withdrawn",
        withdrawal_reason: c.withdrawal_reason.clone(),
        in_sample,
        finding: findings.and_then(|f| f.last()).map(FindingRow::from),
    }
}

/// A batch with its claims and sample.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct BatchView {
    pub batch: BatchRow,
    pub sample_seed: String,
    pub claims: Vec<ClaimRow>,
    pub sample: Vec<i64>,
}

/// A claim with its evidence pack as frozen, its findings and whether the pack is intact.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ClaimView {
    pub claim: ClaimRow,
    pub batch: BatchRow,
    pub pack: EvidencePack,
    pub pack_sha256: String,
    /// The stored pack still hashes to the SHA-256 written with it.
    pub pack_intact: bool,
    pub findings: Vec<FindingRow>,
    /// The pack's problem and measure keys in plain words (the pack keeps the keys).
    pub problem_labels: BTreeMap<String, String>,
    pub measure_labels: BTreeMap<String, String>,
    /// What each piece of the pack's evidence measured, in words, in its order.
    pub evidence_measures: Vec<String>,
    /// The unit a measure's numbers are in, where the number alone does not say ("weeks").
    pub measure_units: BTreeMap<String, String>,
    /// While a restriction on a member's data is in force: the sentence saying that parts
    /// of the pack are withheld (`restricted`); `pack` is then the pack without them.
    pub withheld: Option<&'static str>,
}

/// The sample of a batch: the claims drawn, whatever has become of them since.
fn sample_of(batch: &ClaimBatch, ids: &[i64]) -> Vec<i64> {
    audit_sample(
        ids,
        usize::try_from(batch.sample_size).unwrap_or(0),
        batch_seed(batch.sample_seed, batch.id),
    )
}

/// Payments and the cap, and the batches newest first.
pub(crate) async fn overview(state: &AppState, user: &CurrentUser) -> Result<Overview, WebError> {
    let rules = state.settings().claim_rules.clone();
    let today = state.now().date_naive();
    let (batches, claimed, attached) = state
        .store()
        .run(move |s| {
            Ok((
                s.claim_batches()?,
                s.claimed_family_count()?,
                s.attached_family_count(today)?,
            ))
        })
        .await?;
    let summary = summarise(&rules, attached, claimed);
    audit::record(
        state,
        user,
        "view claims",
        ("claims", "*".into()),
        format!("{} batches", batches.len()),
    )
    .await?;
    Ok(Overview {
        payments: Payments {
            attachment_total_label: pounds(summary.attachment_total),
            results_total_label: pounds(summary.results_total),
            total_label: pounds(summary.total),
            attachment_fee: rules.payments.attachment_fee,
            results_payment: rules.payments.results_payment,
            attachment_fee_label: pounds(rules.payments.attachment_fee),
            results_payment_label: pounds(rules.payments.results_payment),
            cap_source: rules.cap.source.clone(),
            payments_source: rules.payments.source.clone(),
            summary,
        },
        batches: batches.iter().map(BatchRow::from).collect(),
    })
}

/// A batch's key from its path (404 if not a number).
pub(crate) fn key(raw: &str) -> Result<i64, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

/// Which rows one page of a list shows.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Paging {
    /// The first row shown (0-based).
    pub start: usize,
    /// The previous and next pages' numbers (1-based), where there are any.
    pub prev: Option<usize>,
    pub next: Option<usize>,
}

/// Page `page` (1-based; 0 is the first, a page past the end the last) of `total` rows,
/// `per_page` a page.
pub(crate) fn paging(total: usize, page: usize, per_page: usize) -> Paging {
    let pages = total.div_ceil(per_page.max(1)).max(1);
    let page = page.clamp(1, pages);
    Paging {
        start: (page - 1) * per_page,
        prev: (page > 1).then(|| page - 1),
        next: (page < pages).then(|| page + 1),
    }
}

/// Which of a batch's claims a view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shown {
    /// Every claim (the API).
    All,
    /// Page `page` (1-based; past the end: the last) of `per_page` claims, in claim order.
    Page { page: usize, per_page: usize },
    /// Internal audit's sample only.
    Sample,
}

/// A batch with the claims `shown`, their latest findings and internal audit's sample;
/// audited. Only the claims shown are read (a batch can hold the whole cap, ~1,930 claims;
/// the sample is drawn from the batch's claim keys alone).
pub(crate) async fn batch(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    shown: Shown,
) -> Result<BatchView, WebError> {
    let (batch, total, sample, claims, findings) = state
        .store()
        .run(move |s| {
            let Some(batch) = s.claim_batch(id)? else {
                return Ok(None);
            };
            let ids = s.claim_ids_in_batch(id)?;
            let sample = sample_of(&batch, &ids);
            let chosen: Vec<i64> = match shown {
                Shown::All => ids.clone(),
                Shown::Page { page, per_page } => {
                    let start = paging(ids.len(), page, per_page).start;
                    ids.iter().skip(start).take(per_page).copied().collect()
                }
                Shown::Sample => sample.clone(),
            };
            let claims = s.claims_by_ids(&chosen)?;
            let findings = s.audit_findings(&chosen)?;
            Ok(Some((batch, ids.len(), sample, claims, findings)))
        })
        .await?
        .ok_or(WebError::NotFound)?;
    audit::record(
        state,
        user,
        "view claim batch",
        ("claim_batch", id.to_string()),
        format!("{total} claims"),
    )
    .await?;
    let sampled: std::collections::BTreeSet<i64> = sample.iter().copied().collect();
    Ok(BatchView {
        batch: BatchRow::from(&batch),
        sample_seed: batch_seed(batch.sample_seed, batch.id).to_string(),
        claims: claims
            .iter()
            .map(|c| claim_row(c, sampled.contains(&c.id), findings.get(&c.id)))
            .collect(),
        sample,
    })
}

/// A claim with its evidence pack; audited as a read of the family's claim.
pub(crate) async fn claim(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<ClaimView, WebError> {
    let run = state.latest_run().await?;
    let (claim, batch, siblings, findings, in_force) = state
        .store()
        .run(move |s| {
            let Some(claim) = s.claim(id)? else {
                return Ok(None);
            };
            let Some(batch) = s.claim_batch(claim.batch_id)? else {
                return Ok(None);
            };
            let siblings = s.claim_ids_in_batch(claim.batch_id)?;
            let findings = s.audit_findings(&[id])?.remove(&id).unwrap_or_default();
            let in_force = s.restrictions_in_force()?;
            Ok(Some((claim, batch, siblings, findings, in_force)))
        })
        .await?
        .ok_or(WebError::NotFound)?;
    let pack = EvidencePack::from_json(&claim.evidence_pack).map_err(|e| {
        WebError::Internal(format!("claim {id}'s evidence pack cannot be read: {e}"))
    })?;
    let members: Vec<i64> = run
        .as_ref()
        .and_then(|r| r.families.get(&claim.family_id))
        .map(|f| f.members.iter().map(|m| m.person_id).collect())
        .unwrap_or_default();
    let withheld = restricted::applies(&pack, &in_force, &members);
    let pack = if withheld {
        restricted::withhold(pack, &in_force)
    } else {
        pack
    };
    let in_sample = sample_of(&batch, &siblings).contains(&id);
    audit::record(
        state,
        user,
        "view claim evidence",
        ("claim", id.to_string()),
        format!("family {}", claim.family_id),
    )
    .await?;
    let all: BTreeMap<i64, Vec<AuditFinding>> = [(id, findings.clone())].into();
    let (problem_labels, measure_labels) = labels::pack_labels(state, &pack).await?;
    Ok(ClaimView {
        problem_labels,
        measure_labels,
        evidence_measures: labels::evidence_measure_labels(state, &pack),
        measure_units: labels::pack_units(&pack),
        claim: claim_row(&claim, in_sample, all.get(&id)),
        batch: BatchRow::from(&batch),
        pack_intact: hearth_claims::sha256_hex(&claim.evidence_pack) == claim.evidence_sha256,
        pack_sha256: claim.evidence_sha256.clone(),
        pack,
        findings: findings.iter().map(FindingRow::from).collect(),
        withheld: withheld.then_some(crate::views::FIGURES_WITHHELD),
    })
}

/// Withdraws a claim with a reason (the performance officer); audited. A claim already
/// withdrawn: 409.
pub(crate) async fn withdraw(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    reason: &str,
) -> Result<(), WebError> {
    let reason = reason.trim().to_string();
    if reason.is_empty() {
        return Err(invalid("reason", "Enter why the claim is withdrawn"));
    }
    if reason.chars().count() > TEXT_LIMIT {
        return Err(invalid(
            "reason",
            format!("The reason must be {TEXT_LIMIT} characters or fewer"),
        ));
    }
    let by = user.user.user_name.clone();
    let now = state.now();
    match state
        .store()
        .run(move |s| s.withdraw_claim(id, &by, now, &reason))
        .await?
    {
        WithdrawOutcome::Withdrawn => {}
        WithdrawOutcome::AlreadyWithdrawn => {
            return Err(WebError::Conflict(
                "This claim was already withdrawn; a withdrawal is final".into(),
            ))
        }
        WithdrawOutcome::NotFound => return Err(WebError::NotFound),
    }
    audit::record(
        state,
        user,
        "withdraw claim",
        ("claim", id.to_string()),
        String::new(),
    )
    .await
}

/// Records internal audit's finding on a claim (the auditor); audited.
pub(crate) async fn record_finding(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    outcome: &str,
    notes: &str,
) -> Result<(), WebError> {
    let mut errors = Vec::new();
    if !matches!(outcome, "pass" | "fail") {
        errors.push((
            "outcome".to_string(),
            "Select whether the claim passed or failed the check".to_string(),
        ));
    }
    let notes = notes.trim().to_string();
    if outcome == "fail" && notes.is_empty() {
        errors.push((
            "notes".to_string(),
            "Enter what is wrong with the claim".to_string(),
        ));
    }
    if notes.chars().count() > TEXT_LIMIT {
        errors.push((
            "notes".to_string(),
            format!("The notes must be {TEXT_LIMIT} characters or fewer"),
        ));
    }
    if !errors.is_empty() {
        return Err(WebError::Invalid(errors));
    }
    let finding = AuditFinding {
        id: 0,
        claim_id: id,
        outcome: outcome.to_string(),
        notes,
        recorded_by: user.user.user_name.clone(),
        recorded_at: state.now(),
    };
    state
        .store()
        .run(move |s| s.add_audit_finding(&finding))
        .await?
        .ok_or(WebError::NotFound)?;
    audit::record(
        state,
        user,
        "record claim finding",
        ("claim", id.to_string()),
        outcome.to_string(),
    )
    .await
}

/// The claim return's rows; audited.
pub(crate) async fn claim_return(
    state: &AppState,
    user: &CurrentUser,
    format: &str,
) -> Result<Vec<[String; 13]>, WebError> {
    let (batches, claims, findings) = state
        .store()
        .run(|s| {
            let claims = s.all_claims()?;
            let ids: Vec<i64> = claims.iter().map(|c| c.id).collect();
            Ok((s.claim_batches()?, claims, s.audit_findings(&ids)?))
        })
        .await?;
    let output = hearth_governance::sharing::Output::ClaimReturn;
    let excluded = crate::service::governance::excluded(state, output).await?;
    let withheld = claims
        .iter()
        .filter(|c| excluded.family(c.family_id))
        .count();
    let rows = export::rows(&batches, &claims, &findings, &excluded.families);
    audit::record(
        state,
        user,
        "export claim return",
        ("claims", "*".into()),
        format!(
            "{} claims as {format}; {}",
            rows.len(),
            excluded.audit_detail(output, rows.len() - withheld, withheld)
        ),
    )
    .await?;
    Ok(rows)
}

/// A claim window offered for a batch.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct WindowChoice {
    pub key: String,
    pub label: String,
    pub opens: String,
    pub closes: String,
    /// Open today: a batch can be prepared in it now.
    pub open: bool,
}

/// The claim rules' windows, the one open today marked (the preparation form offers it).
pub(crate) fn windows(state: &AppState) -> Vec<WindowChoice> {
    let today = state.now().date_naive();
    state
        .settings()
        .claim_rules
        .windows
        .iter()
        .map(|w| WindowChoice {
            key: w.key.clone(),
            label: w.label.clone(),
            opens: w.opens.to_string(),
            closes: w.closes.to_string(),
            open: w.opens <= today && today <= w.closes,
        })
        .collect()
}

/// A result the batch left out, and why.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PassedOverRow {
    pub family_id: i64,
    pub result: String,
    pub reason: String,
}

/// What preparing a batch did.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PreparedView {
    /// The batch written (`None`: nothing to claim, none written).
    pub batch_id: Option<i64>,
    pub window_label: String,
    pub claimed: usize,
    pub payment_label: String,
    pub passed_over: Vec<PassedOverRow>,
}

/// Prepares a claim batch in `window_key` today from the results `hearth outcomes` kept in
/// the store: every result achieved by today that is not already claimed, each with its
/// evidence pack frozen, in one transaction (the performance officer). Audited.
pub(crate) async fn prepare_batch(
    state: &AppState,
    user: &CurrentUser,
    window_key: &str,
) -> Result<PreparedView, WebError> {
    let window_key = window_key.trim().to_string();
    let settings = state.settings();
    let Some(window) = settings.claim_rules.window(&window_key).cloned() else {
        return Err(invalid("window", "Select a claim window"));
    };
    let rules = settings.claim_rules.clone();
    let claim_rules = settings.claim_rules_file.clone();
    let outcomes_plan = settings.outcomes_plan_file.clone();
    let now = state.now();
    let by = user.user.user_name.clone();
    let key = window_key.clone();
    let prepared = state
        .store()
        .run(move |s| {
            let mut source = match prepare::ResultsFile::from_store(s) {
                Ok(source) => source,
                Err(e) => return Ok(Err(prepare::PrepareError::Results(e))),
            };
            if source.results.is_empty() {
                return Ok(Ok(None));
            }
            let request = prepare::PrepareRequest {
                rules: &rules,
                claim_rules,
                outcomes_plan,
                window_key: &key,
                today: now.date_naive(),
                now,
                by: &by,
            };
            Ok(prepare::prepare_claims(s, &request, &mut source).map(Some))
        })
        .await?;
    let prepared = match prepared {
        Ok(Some(p)) => p,
        Ok(None) => {
            return Err(invalid(
                "window",
                "There are no results to claim: the families' results are judged against the \
                 Outcomes Plan by `hearth outcomes` first",
            ))
        }
        Err(prepare::PrepareError::Window(e)) => {
            return Err(invalid(
                "window",
                crate::service::work_input::capital(&e.to_string()),
            ))
        }
        Err(prepare::PrepareError::AlreadyClaimed(e)) => {
            return Err(WebError::Conflict(format!(
                "Another batch was prepared meanwhile, so nothing was written: {e}. Prepare \
                 the batch again."
            )))
        }
        Err(prepare::PrepareError::Results(e)) => {
            return Err(WebError::Internal(format!("reading the results: {e}")))
        }
        Err(prepare::PrepareError::Store(e)) => return Err(e.into()),
    };
    audit::record(
        state,
        user,
        "prepare claims",
        (
            "claim_batch",
            prepared
                .batch_id
                .map_or_else(|| "none".to_string(), |id| id.to_string()),
        ),
        format!(
            "window {}: {} claimed, {} passed over",
            window.key,
            prepared.claimed.len(),
            prepared.passed_over.len()
        ),
    )
    .await?;
    Ok(PreparedView {
        batch_id: prepared.batch_id,
        window_label: window.label,
        claimed: prepared.claimed.len(),
        payment_label: pounds(prepared.payment),
        passed_over: prepared
            .passed_over
            .iter()
            .map(|p| PassedOverRow {
                family_id: p.family_id,
                result: p.kind.title().to_string(),
                reason: p.reason.to_string(),
            })
            .collect(),
    })
}
