//! Between identification results and the store's rows, both ways: an
//! [`Identification`] becomes assessment and evidence rows (with the priority rank from
//! `hearth_identification::priority_ranks`), and a stored run's rows become an
//! [`Identification`] again so that `hearth_identification::changes` can compare it with a
//! new one. It converts only; ranking and comparison are identification's.

use hearth_identification::{Evidence, FamilyProblem, FamilyResult, Identification};
use hearth_store::{EvidenceRow, FamilyAssessment, IdentificationRun};
use std::collections::HashMap;

/// The store's rows for an identification.
pub fn to_rows(id: &Identification) -> (Vec<FamilyAssessment>, Vec<EvidenceRow>) {
    let mut assessments = Vec::with_capacity(id.families.len());
    let mut evidence = Vec::new();
    let ranks = hearth_identification::priority_ranks(&id.families);
    for (f, priority_rank) in id.families.iter().zip(ranks) {
        assessments.push(FamilyAssessment {
            family_id: f.family_id as i64,
            eligible: f.eligible,
            problems: f.problems.iter().map(|p| p.key.clone()).collect(),
            estimated_cost: f.estimated_annual_cost,
            score: f.priority_score,
            priority_rank: priority_rank.map(|r| r as i64),
        });
        for p in &f.problems {
            for e in &p.evidence {
                evidence.push(EvidenceRow {
                    family_id: f.family_id as i64,
                    problem_key: p.key.clone(),
                    indicator_key: e.indicator.clone(),
                    person_id: e.person_id as i64,
                    record_ids: e.record_ids.iter().map(|&r| r as i64).collect(),
                    value: Some(e.value),
                });
            }
        }
    }
    (assessments, evidence)
}

/// A stored run as an [`Identification`], as far as its rows tell: families with their
/// eligibility, score, cost and problems, each problem with its evidence (indicator, person,
/// records, value). What the rows do not keep (problem titles, ages, people's results,
/// diagnostics, costs of single pieces of evidence) is left empty or zero.
pub fn stored_identification(
    run: &IdentificationRun,
    assessments: &[FamilyAssessment],
    evidence: &[EvidenceRow],
) -> Identification {
    let mut evidence_of: HashMap<i64, Vec<&EvidenceRow>> = HashMap::new();
    for e in evidence {
        evidence_of.entry(e.family_id).or_default().push(e);
    }
    let families = assessments
        .iter()
        .enumerate()
        .map(|(i, a)| FamilyResult {
            family_id: a.family_id as u64,
            rank: i + 1,
            eligible: a.eligible,
            has_dependent_child: true,
            member_ids: Vec::new(),
            problems: problems(a, evidence_of.get(&a.family_id).map_or(&[], Vec::as_slice)),
            estimated_annual_cost: a.estimated_cost,
            priority_score: a.score,
        })
        .collect();
    Identification {
        profile: run.profile.clone(),
        as_at: run.as_at,
        price_year: None,
        problems: Vec::new(),
        families,
        people: Vec::new(),
        diagnostics: Vec::new(),
    }
}

/// A stored family's problems: those its assessment names, in order, then any other that
/// only its evidence names; each with its evidence rows.
fn problems(assessment: &FamilyAssessment, evidence: &[&EvidenceRow]) -> Vec<FamilyProblem> {
    let mut keys: Vec<&str> = assessment.problems.iter().map(String::as_str).collect();
    for e in evidence {
        if !keys.contains(&e.problem_key.as_str()) {
            keys.push(&e.problem_key);
        }
    }
    keys.into_iter()
        .map(|key| FamilyProblem {
            key: key.to_string(),
            intergenerational: false,
            evidence: evidence
                .iter()
                .filter(|e| e.problem_key == key)
                .map(|e| Evidence {
                    problem: key.to_string(),
                    indicator: e.indicator_key.clone(),
                    person_id: e.person_id as u64,
                    age: None,
                    record_ids: e.record_ids.iter().map(|&r| r as u64).collect(),
                    value: e.value.unwrap_or(0.0),
                    estimated_annual_cost: 0.0,
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn run() -> IdentificationRun {
        IdentificationRun {
            id: 1,
            as_at: NaiveDate::from_ymd_opt(2025, 9, 1).unwrap(),
            profile: "example".into(),
            rules_sha256: String::new(),
            link_run_id: 1,
            families_assessed: 3,
            families_eligible: 2,
            labels: Default::default(),
        }
    }

    fn assessment(family_id: i64, eligible: bool, problems: &[&str]) -> FamilyAssessment {
        FamilyAssessment {
            family_id,
            eligible,
            problems: problems.iter().map(|p| p.to_string()).collect(),
            estimated_cost: 100.0,
            score: 2.0,
            priority_rank: None,
        }
    }

    fn evidence(family_id: i64, problem: &str, person_id: i64, records: &[i64]) -> EvidenceRow {
        EvidenceRow {
            family_id,
            problem_key: problem.into(),
            indicator_key: format!("{problem}_indicator"),
            person_id,
            record_ids: records.to_vec(),
            value: Some(records.len() as f64),
        }
    }

    #[test]
    fn stored_rows_read_back_as_the_identification_they_came_from() {
        let assessments = [
            assessment(7, true, &["crime", "school"]),
            assessment(3, true, &["crime", "health"]),
            assessment(9, false, &["school"]),
        ];
        let rows = [
            evidence(7, "crime", 70, &[1, 2]),
            evidence(7, "school", 71, &[3]),
            evidence(3, "crime", 30, &[4]),
            evidence(3, "health", 31, &[5]),
            evidence(9, "school", 90, &[6]),
        ];
        let id = stored_identification(&run(), &assessments, &rows);
        assert_eq!(id.families.len(), 3);
        assert_eq!(id.eligible().count(), 2);
        let (again_assessments, again_evidence) = to_rows(&id);
        assert_eq!(again_evidence, rows);
        let ranks: Vec<Option<i64>> = again_assessments.iter().map(|a| a.priority_rank).collect();
        assert_eq!(ranks, [Some(1), Some(2), None]);
        for (a, b) in again_assessments.iter().zip(&assessments) {
            assert_eq!(
                (a.family_id, a.eligible, &a.problems),
                (b.family_id, b.eligible, &b.problems)
            );
        }
    }

    #[test]
    fn a_problem_named_only_by_evidence_is_kept() {
        let id = stored_identification(
            &run(),
            &[assessment(1, true, &["crime"])],
            &[
                evidence(1, "crime", 10, &[1]),
                evidence(1, "health", 10, &[2]),
            ],
        );
        assert_eq!(id.families[0].problem_keys(), ["crime", "health"]);
    }
}
