//! A claim batch planned from its inputs: the results [`select`](crate::select) claims, each
//! with its evidence pack built and hashed, and internal audit's sample settings. The caller
//! reads the inputs (results, claims already made, casework) and writes the plan, in one
//! transaction, refusing the whole batch if a family was claimed meanwhile.

use crate::evidence::{sha256_hex, EvidencePack, PlanGoalSnapshot, RulesSnapshot};
use crate::rules::{ClaimRules, ClaimWindow};
use crate::screen::{screen, WithdrawnClaim};
use crate::select::{select, ActiveClaim, PassedOver, WindowError};
use crate::trail::{DataSnapshot, RecordSnapshot};
use chrono::NaiveDate;
use hearth_outcomes::{Baseline, FamilyId, FamilyResult, ResultKind};
use std::collections::BTreeMap;

/// What a family's evidence pack takes from outside the result.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FamilyContext {
    /// The lead worker's name.
    pub lead_worker: Option<String>,
    /// The family plan as it stands.
    pub plan: Vec<PlanGoalSnapshot>,
    /// The baseline frozen at attachment.
    pub baseline: Option<Baseline>,
    /// The partner records its results' evidence and its baseline's indicators read, traced
    /// to file and row (the pack keeps those of the result claimed).
    pub records: Vec<RecordSnapshot>,
    /// The day each of its results was judged as at.
    pub judged_as_at: BTreeMap<ResultKind, NaiveDate>,
}

/// Everything a batch is planned from.
#[derive(Debug, Clone)]
pub struct BatchInput<'a> {
    /// The claim rules.
    pub rules: &'a ClaimRules,
    /// The claim rules' file as it was read (name and text).
    pub claim_rules: RulesSnapshot,
    /// The Outcomes Plan the results were judged under, if known.
    pub outcomes_plan: Option<RulesSnapshot>,
    /// The claim window's key.
    pub window_key: &'a str,
    /// The day the batch is prepared: the data as at.
    pub today: NaiveDate,
    /// Who prepares it (account name).
    pub prepared_by: &'a str,
    /// The families' results as at today.
    pub results: &'a [FamilyResult],
    /// The claims already made and not withdrawn.
    pub active: &'a [ActiveClaim],
    /// The claims withdrawn (their results are not claimed again).
    pub withdrawn: &'a [WithdrawnClaim],
    /// Each family's context (missing: none known).
    pub context: &'a BTreeMap<FamilyId, FamilyContext>,
    /// The partner files the results were judged on, with the dates they cover.
    pub data: &'a [DataSnapshot],
}

/// One claim of a planned batch.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedClaim {
    /// Its evidence pack.
    pub pack: EvidencePack,
    /// The pack as JSON, what is stored.
    pub pack_json: String,
    /// The JSON's SHA-256.
    pub pack_sha256: String,
}

/// A planned batch.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedBatch {
    /// The window.
    pub window: ClaimWindow,
    /// The data as at.
    pub data_as_at: NaiveDate,
    /// The claims, by family.
    pub claims: Vec<PlannedClaim>,
    /// The results not claimed, and why.
    pub passed_over: Vec<PassedOver>,
    /// Internal audit's sample size.
    pub sample_size: usize,
    /// Internal audit's seed (mixed with the batch's key when drawn: [`batch_seed`]).
    pub sample_seed: u64,
}

/// The seed a batch's sample is drawn with: the rules' seed and the batch's key, so that
/// batches get different samples and each is the same every time it is drawn.
pub fn batch_seed(seed: u64, batch_id: i64) -> u64 {
    seed.wrapping_add((batch_id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// Plans a batch: the results [`screen`] lets through, chosen by [`select`]; what either
/// leaves out is passed over with its reason.
pub fn plan_batch(input: &BatchInput<'_>) -> Result<PlannedBatch, WindowError> {
    let baselines: BTreeMap<FamilyId, &Baseline> = input
        .context
        .iter()
        .filter_map(|(f, c)| c.baseline.as_ref().map(|b| (*f, b)))
        .collect();
    let (claimable, mut refused) = screen(input.rules, input.results, &baselines, input.withdrawn);
    let mut selection = select(
        input.rules,
        input.window_key,
        input.today,
        &claimable,
        input.active,
    )?;
    refused.append(&mut selection.passed_over);
    refused.sort_by_key(|p| p.family_id);
    selection.passed_over = refused;
    let none = FamilyContext::default();
    let claims = selection
        .claimed
        .iter()
        .map(|result| {
            let ctx = input.context.get(&result.family_id).unwrap_or(&none);
            let wanted = EvidencePack::record_ids(result, ctx.baseline.as_ref());
            let records = wanted
                .iter()
                .filter_map(|id| ctx.records.iter().find(|r| r.record_id == *id))
                .cloned()
                .collect();
            let pack = EvidencePack {
                format: 2,
                family_id: result.family_id,
                window: selection.window.key.clone(),
                window_label: selection.window.label.clone(),
                data_as_at: input.today,
                prepared_by: input.prepared_by.to_string(),
                result: (*result).clone(),
                outcomes_plan_matches_result: EvidencePack::plan_matches(
                    result,
                    input.outcomes_plan.as_ref(),
                ),
                outcomes_plan: input.outcomes_plan.clone(),
                claim_rules: input.claim_rules.clone(),
                baseline: ctx.baseline.clone(),
                plan: ctx.plan.clone(),
                lead_worker: ctx.lead_worker.clone(),
                results_payment: input.rules.payments.results_payment,
                judged_as_at: ctx.judged_as_at.get(&result.kind).copied(),
                records,
                data: input.data.to_vec(),
            };
            let pack_json = pack.to_json();
            PlannedClaim {
                pack_sha256: sha256_hex(&pack_json),
                pack_json,
                pack,
            }
        })
        .collect();
    Ok(PlannedBatch {
        window: selection.window,
        data_as_at: input.today,
        claims,
        passed_over: selection.passed_over,
        sample_size: input.rules.audit.sample_size,
        sample_seed: input.rules.audit.seed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_outcomes::ResultKind;

    #[test]
    fn a_planned_claim_carries_its_frozen_pack_and_its_hash() {
        let rules = ClaimRules::shipped();
        let results = vec![FamilyResult {
            family_id: 9,
            kind: ResultKind::SignificantAndSustainedProgress,
            achieved_on: NaiveDate::from_ymd_opt(2016, 4, 20).unwrap(),
            problems: vec!["crime".into()],
            evidence: vec![hearth_outcomes::OutcomeEvidence {
                problem_key: Some("crime".into()),
                measure_key: "offending".into(),
                person_id: None,
                from: NaiveDate::from_ymd_opt(2015, 10, 21).unwrap(),
                to: NaiveDate::from_ymd_opt(2016, 4, 20).unwrap(),
                baseline: Some(2.0),
                value: 0.0,
                threshold: 0.0,
                met: true,
                record_ids: vec![5],
                source: None,
            }],
            rules_hash: sha256_hex("plan"),
        }];
        let record = |id: i64| RecordSnapshot {
            record_id: id,
            source: "police".into(),
            file_name: "police.csv".into(),
            file_sha256: "cd".repeat(32),
            row: id as u64 + 1,
            imported_at: "2016-04-30T09:00:00Z".into(),
            event_type: "incident".into(),
            event_date: NaiveDate::from_ymd_opt(2015, 12, 1),
            end_date: None,
            details: "{}".into(),
        };
        let judged = NaiveDate::from_ymd_opt(2016, 4, 30).unwrap();
        let data = vec![DataSnapshot {
            source: "police".into(),
            file_name: "police.csv".into(),
            file_sha256: "cd".repeat(32),
            imported_on: Some(judged),
            rows: 2,
            first_event: NaiveDate::from_ymd_opt(2015, 1, 1),
            latest_event: NaiveDate::from_ymd_opt(2016, 4, 28),
        }];
        let mut context = BTreeMap::new();
        context.insert(
            9,
            FamilyContext {
                lead_worker: Some("Lee Worker".into()),
                baseline: Some(crate::screen::tests::baseline(
                    9,
                    NaiveDate::from_ymd_opt(2016, 1, 4).unwrap(),
                    2,
                )),
                // Record 6 is read by no evidence of the result claimed: not in its pack.
                records: vec![record(5), record(6)],
                judged_as_at: [(ResultKind::SignificantAndSustainedProgress, judged)].into(),
                ..FamilyContext::default()
            },
        );
        let input = BatchInput {
            rules: &rules,
            claim_rules: RulesSnapshot::of("rules/claims.toml", ClaimRules::shipped_text()),
            outcomes_plan: Some(RulesSnapshot::of("rules/outcomes.toml", "plan")),
            window_key: "2016-17-q1",
            today: NaiveDate::from_ymd_opt(2016, 5, 3).unwrap(),
            prepared_by: "officer",
            results: &results,
            active: &[],
            withdrawn: &[],
            context: &context,
            data: &data,
        };
        let plan = plan_batch(&input).unwrap();
        assert_eq!(plan.claims.len(), 1);
        let c = &plan.claims[0];
        assert_eq!(c.pack.lead_worker.as_deref(), Some("Lee Worker"));
        assert!(c.pack.outcomes_plan_matches_result);
        assert_eq!(c.pack.results_payment, 800);
        // The trail: the record the evidence reads, with its file and row, and the files read.
        assert_eq!(c.pack.records, vec![record(5)]);
        assert_eq!(c.pack.records[0].row, 6);
        assert_eq!(c.pack.data, data);
        assert_eq!(c.pack.judged_as_at, Some(judged));
        assert_eq!(c.pack.format, 2);
        assert_eq!(c.pack_sha256, sha256_hex(&c.pack_json));
        assert_eq!(EvidencePack::from_json(&c.pack_json).unwrap(), c.pack);
        assert_ne!(batch_seed(1, 1), batch_seed(1, 2));
    }
}
