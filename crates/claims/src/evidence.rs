//! The evidence pack frozen at claim time: everything an internal auditor or the national
//! team's spot check needs to see why a result was claimed, kept as it was on the day (DOMAIN
//! §9: "each claimed result needs its evidence (data as at the dates, the rules applied, the
//! family's plan and lead worker) retrievable years later"). The store keeps it as JSON with
//! its SHA-256; later changes to the family's data, plan or the rules never change it.

use crate::trail::{DataSnapshot, RecordSnapshot};
use chrono::NaiveDate;
use hearth_outcomes::{Baseline, FamilyId, FamilyResult};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The SHA-256 of a text, as lower-case hex.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A rules file as it was: its name, SHA-256 and whole text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesSnapshot {
    /// The file's name (`rules/claims.toml`).
    pub name: String,
    /// SHA-256 of the text (hex).
    pub sha256: String,
    /// The text.
    pub text: String,
}

impl RulesSnapshot {
    /// A snapshot of `text`, hashing it.
    pub fn of(name: &str, text: &str) -> RulesSnapshot {
        RulesSnapshot {
            name: name.to_string(),
            sha256: sha256_hex(text),
            text: text.to_string(),
        }
    }
}

/// A goal of the family plan with its actions, as they stood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanGoalSnapshot {
    /// The headline problem.
    pub problem_key: String,
    /// The Outcomes Plan measure.
    pub measure_key: String,
    /// The goal in the family's and worker's words.
    pub goal: String,
    /// When it was set.
    pub set_on: NaiveDate,
    /// Its actions: what, who, when due and when done.
    pub actions: Vec<PlanActionSnapshot>,
}

/// An action of the plan, as it stood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanActionSnapshot {
    /// The action.
    pub action: String,
    /// Who does it (a person or an agency).
    pub owner: String,
    /// When it is due.
    pub due_on: NaiveDate,
    /// When it was done.
    pub done_on: Option<NaiveDate>,
}

/// The evidence for one claim, frozen when the claim is made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidencePack {
    /// The pack's format version (1).
    pub format: u32,
    /// The family.
    pub family_id: FamilyId,
    /// The claim window's key and name.
    pub window: String,
    /// The claim window's name.
    pub window_label: String,
    /// The day the batch was prepared (the claim's date).
    pub data_as_at: NaiveDate,
    /// The day the result was judged as at (`hearth outcomes --as-at`): the data it was
    /// found on reach to here at most (`None` in packs made before this was kept).
    #[serde(default)]
    pub judged_as_at: Option<NaiveDate>,
    /// Who prepared the batch (account name).
    pub prepared_by: String,
    /// The result claimed, with its evidence measure by measure.
    pub result: FamilyResult,
    /// The Outcomes Plan the result was judged under, if known (its text and SHA-256).
    pub outcomes_plan: Option<RulesSnapshot>,
    /// Whether the Outcomes Plan's SHA-256 is the one the result names.
    pub outcomes_plan_matches_result: bool,
    /// The claim rules applied (windows, payments, cap).
    pub claim_rules: RulesSnapshot,
    /// The family's baseline, frozen at attachment, if known.
    pub baseline: Option<Baseline>,
    /// The family plan: goals and actions.
    pub plan: Vec<PlanGoalSnapshot>,
    /// The lead worker's name (`None`: no lead worker assigned).
    pub lead_worker: Option<String>,
    /// The results payment claimed, in pounds.
    pub results_payment: u64,
    /// Each partner record the result's evidence and the baseline's indicators read, traced to
    /// its file and row (format 2; empty in older packs).
    #[serde(default)]
    pub records: Vec<RecordSnapshot>,
    /// The partner files the store held when the claim was made, with the dates each covers
    /// (format 2; empty in older packs).
    #[serde(default)]
    pub data: Vec<DataSnapshot>,
}

impl EvidencePack {
    /// The pack as JSON (what the store keeps).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an evidence pack always serialises")
    }

    /// A stored pack back.
    pub fn from_json(text: &str) -> Result<EvidencePack, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The record keys the result's evidence and the baseline's indicators name, in order,
    /// each once: the records a pack traces ([`EvidencePack::records`]).
    pub fn record_ids(result: &FamilyResult, baseline: Option<&Baseline>) -> Vec<i64> {
        let mut seen = std::collections::BTreeSet::new();
        result
            .evidence
            .iter()
            .flat_map(|e| e.record_ids.iter())
            .chain(
                baseline
                    .into_iter()
                    .flat_map(|b| b.indicators.iter().flat_map(|i| i.record_ids.iter())),
            )
            .copied()
            .filter(|id| seen.insert(*id))
            .collect()
    }

    /// What each piece of the result's evidence measured, in the words of the Outcomes Plan
    /// frozen with the pack: the title of the problem's measure of that key (so the
    /// worklessness measure of significant and sustained progress is "No adult on an
    /// out-of-work benefit", not continuous employment). `None` where the plan gives the
    /// measure no title of its own (the attendance rule, continuous employment, the lead
    /// worker's progress towards work, a joiner) or the pack holds no plan that reads.
    pub fn measure_titles(&self) -> Vec<Option<String>> {
        let plan = self
            .outcomes_plan
            .as_ref()
            .and_then(|p| hearth_outcomes::Plan::from_toml(&p.text, &p.name).ok());
        self.result
            .evidence
            .iter()
            .map(|e| {
                let problem = plan.as_ref()?.problem(e.problem_key.as_deref()?)?;
                let m = problem.measures.iter().find(|m| m.key == e.measure_key)?;
                Some(m.title.clone())
            })
            .collect()
    }

    /// Whether the Outcomes Plan's hash is the one the result was judged under.
    pub fn plan_matches(result: &FamilyResult, plan: Option<&RulesSnapshot>) -> bool {
        plan.is_some_and(|p| p.sha256 == result.rules_hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_outcomes::ResultKind;

    #[test]
    fn a_pack_round_trips_and_hashes_its_rules() {
        let plan_text = "[plan]\n";
        let result = FamilyResult {
            family_id: 5,
            kind: ResultKind::ContinuousEmployment,
            achieved_on: NaiveDate::from_ymd_opt(2016, 4, 2).unwrap(),
            problems: vec!["worklessness".into()],
            evidence: Vec::new(),
            rules_hash: sha256_hex(plan_text),
        };
        let outcomes_plan = Some(RulesSnapshot::of("rules/outcomes.toml", plan_text));
        let pack = EvidencePack {
            format: 1,
            family_id: 5,
            window: "2016-17-q1".into(),
            window_label: "April to June 2016".into(),
            data_as_at: NaiveDate::from_ymd_opt(2016, 5, 1).unwrap(),
            prepared_by: "officer".into(),
            outcomes_plan_matches_result: EvidencePack::plan_matches(
                &result,
                outcomes_plan.as_ref(),
            ),
            result,
            outcomes_plan,
            claim_rules: RulesSnapshot::of("rules/claims.toml", "x"),
            baseline: None,
            plan: Vec::new(),
            lead_worker: Some("Lee Worker".into()),
            results_payment: 800,
            judged_as_at: None,
            records: Vec::new(),
            data: Vec::new(),
        };
        assert!(pack.outcomes_plan_matches_result);
        assert_eq!(
            pack.claim_rules.sha256,
            "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
        );
        assert_eq!(EvidencePack::from_json(&pack.to_json()).unwrap(), pack);
        // A pack frozen before the trail was kept still reads.
        let mut old: serde_json::Value = serde_json::from_str(&pack.to_json()).unwrap();
        for key in ["judged_as_at", "records", "data"] {
            old.as_object_mut().unwrap().remove(key);
        }
        assert_eq!(EvidencePack::from_json(&old.to_string()).unwrap(), pack);
    }
}

#[cfg(test)]
mod titles {
    use super::*;
    use hearth_outcomes::{OutcomeEvidence, ResultKind};

    const PLAN: &str = include_str!("../../../rules/outcomes-cheshire-east-2015.toml");

    fn evidence(problem: Option<&str>, measure: &str) -> OutcomeEvidence {
        let day = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        OutcomeEvidence {
            problem_key: problem.map(str::to_string),
            measure_key: measure.into(),
            person_id: None,
            from: day,
            to: day,
            baseline: None,
            value: 0.0,
            threshold: 0.0,
            met: true,
            record_ids: Vec::new(),
            source: None,
        }
    }

    fn pack(kind: ResultKind, evidence: Vec<OutcomeEvidence>) -> EvidencePack {
        EvidencePack {
            format: 2,
            family_id: 5,
            window: "w".into(),
            window_label: "W".into(),
            data_as_at: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            judged_as_at: None,
            prepared_by: "po".into(),
            result: FamilyResult {
                family_id: 5,
                kind,
                achieved_on: NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
                problems: vec!["worklessness".into()],
                evidence,
                rules_hash: sha256_hex(PLAN),
            },
            outcomes_plan: Some(RulesSnapshot::of("rules/outcomes.toml", PLAN)),
            outcomes_plan_matches_result: true,
            claim_rules: RulesSnapshot::of("rules/claims.toml", "x"),
            baseline: None,
            plan: Vec::new(),
            lead_worker: None,
            results_payment: 800,
            records: Vec::new(),
            data: Vec::new(),
        }
    }

    #[test]
    fn each_measure_is_named_as_the_frozen_plan_names_it() {
        let p = pack(
            ResultKind::SignificantAndSustainedProgress,
            vec![
                evidence(Some("worklessness"), "continuous_employment"),
                evidence(Some("crime_asb"), "offending_and_asb"),
                evidence(Some("crime_asb"), "proven_youth_offences"),
                evidence(Some("worklessness"), "progress_towards_work"),
            ],
        );
        assert_eq!(
            p.measure_titles(),
            vec![
                Some("No adult on an out-of-work benefit".to_string()),
                Some("No crime or anti-social behaviour as suspect or offender".to_string()),
                Some("No proven youth offence".to_string()),
                None,
            ]
        );
        // Continuous employment is a result of its own, not a problem's measure.
        let p = pack(
            ResultKind::ContinuousEmployment,
            vec![evidence(None, "continuous_employment")],
        );
        assert_eq!(p.measure_titles(), vec![None]);
        // No plan that reads: nothing to name them by.
        let mut p = pack(
            ResultKind::SignificantAndSustainedProgress,
            vec![evidence(Some("worklessness"), "continuous_employment")],
        );
        p.outcomes_plan = Some(RulesSnapshot::of("rules/outcomes.toml", "plan"));
        assert_eq!(p.measure_titles(), vec![None]);
    }
}
