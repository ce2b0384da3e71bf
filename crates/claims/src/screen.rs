//! What a result must show before it can be claimed at all, whatever the window and the cap:
//! the family was eligible when it was attached (a baseline frozen at attachment with at least
//! the rules' number of headline problems present: seed 003 pays for "a family who was
//! eligible"), the result was achieved after the attachment, and no claim of the same result
//! was withdrawn before (a withdrawal is final: a result withdrawn as wrong is never claimed
//! again by a later batch; the family's other result still can be).

use crate::rules::ClaimRules;
use crate::select::{PassedOver, PassedOverReason};
use hearth_outcomes::{Baseline, FamilyId, FamilyResult, ResultKind};
use std::collections::BTreeMap;

/// A claim that was withdrawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithdrawnClaim {
    /// The claim's key.
    pub claim_id: i64,
    /// The batch it was made in.
    pub batch_id: i64,
    /// The family.
    pub family_id: FamilyId,
    /// The result it claimed.
    pub kind: ResultKind,
    /// Why it was withdrawn.
    pub reason: String,
}

/// Splits `results` into those that may be claimed and those that may not, with why.
/// `baselines`: each attached family's baseline.
pub fn screen(
    rules: &ClaimRules,
    results: &[FamilyResult],
    baselines: &BTreeMap<FamilyId, &Baseline>,
    withdrawn: &[WithdrawnClaim],
) -> (Vec<FamilyResult>, Vec<PassedOver>) {
    let mut kept = Vec::new();
    let mut passed = Vec::new();
    for r in results {
        let reason = match baselines.get(&r.family_id) {
            None => Some(PassedOverReason::NotAttached),
            Some(b) => {
                let present = b.problems.iter().filter(|p| p.present).count();
                if present < rules.eligibility.problems {
                    Some(PassedOverReason::NotEligible {
                        problems: present,
                        needed: rules.eligibility.problems,
                    })
                } else if r.achieved_on <= b.attached_on {
                    Some(PassedOverReason::NotAfterAttachment(b.attached_on))
                } else {
                    None
                }
            }
        };
        let reason = reason.or_else(|| {
            withdrawn
                .iter()
                .find(|w| w.family_id == r.family_id && w.kind == r.kind)
                .map(|w| PassedOverReason::Withdrawn {
                    claim_id: w.claim_id,
                    batch_id: w.batch_id,
                    reason: w.reason.clone(),
                })
        });
        match reason {
            Some(reason) => passed.push(PassedOver {
                family_id: r.family_id,
                kind: r.kind,
                reason,
            }),
            None => kept.push(r.clone()),
        }
    }
    (kept, passed)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::NaiveDate;
    use hearth_outcomes::BaselineProblem;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn result(family_id: i64, kind: ResultKind, on: NaiveDate) -> FamilyResult {
        FamilyResult {
            family_id,
            kind,
            achieved_on: on,
            problems: vec![],
            evidence: Vec::new(),
            rules_hash: "ab".repeat(32),
        }
    }

    pub(crate) fn baseline(family_id: i64, attached_on: NaiveDate, present: usize) -> Baseline {
        Baseline {
            family_id,
            attached_on,
            run_id: Some(1),
            members: Vec::new(),
            problems: ["crime_asb", "school_attendance", "health"]
                .iter()
                .enumerate()
                .map(|(i, k)| BaselineProblem {
                    key: k.to_string(),
                    present: i < present,
                })
                .collect(),
            indicators: Vec::new(),
            measures: Vec::new(),
        }
    }

    const SSP: ResultKind = ResultKind::SignificantAndSustainedProgress;
    const JOB: ResultKind = ResultKind::ContinuousEmployment;

    #[test]
    fn only_results_of_families_eligible_at_attachment_and_achieved_after_it_are_claimable() {
        let rules = ClaimRules::shipped();
        let b1 = baseline(1, d(2016, 1, 1), 2);
        let b2 = baseline(2, d(2016, 1, 1), 1);
        let b3 = baseline(3, d(2016, 1, 1), 0);
        let b5 = baseline(5, d(2016, 5, 1), 3);
        let baselines: BTreeMap<FamilyId, &Baseline> =
            [(1, &b1), (2, &b2), (3, &b3), (5, &b5)].into();
        let results = vec![
            result(1, SSP, d(2016, 4, 1)),
            result(2, SSP, d(2016, 4, 1)),
            result(3, SSP, d(2016, 4, 1)),
            // No baseline: never attached, so nothing shows it was eligible.
            result(4, SSP, d(2016, 4, 1)),
            // Achieved before the family was attached.
            result(5, JOB, d(2016, 4, 1)),
        ];
        let (kept, passed) = screen(&rules, &results, &baselines, &[]);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].family_id, 1);
        let why: Vec<String> = passed.iter().map(|p| p.reason.to_string()).collect();
        assert_eq!(
            why,
            vec![
                "not eligible at attachment: 1 headline problem in its baseline, at least 2 needed",
                "not eligible at attachment: 0 headline problems in its baseline, at least 2 needed",
                "no baseline was frozen when the family was attached (hearth outcomes --attach), \
                 so nothing shows it was attached and eligible",
                "achieved before the family was attached on 2016-05-01",
            ]
        );
    }

    #[test]
    fn a_withdrawn_result_is_not_claimed_again_but_the_familys_other_result_can_be() {
        let rules = ClaimRules::shipped();
        let b = baseline(7, d(2016, 1, 1), 2);
        let baselines: BTreeMap<FamilyId, &Baseline> = [(7, &b)].into();
        let withdrawn = vec![WithdrawnClaim {
            claim_id: 3,
            batch_id: 1,
            family_id: 7,
            kind: SSP,
            reason: "attendance data corrected".into(),
        }];
        let results = vec![result(7, SSP, d(2016, 4, 1)), result(7, JOB, d(2016, 5, 1))];
        let (kept, passed) = screen(&rules, &results, &baselines, &withdrawn);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].kind, JOB);
        assert_eq!(
            passed[0].reason.to_string(),
            "its claim 3 (batch 1) was withdrawn: attendance data corrected; a withdrawn result \
             is not claimed again"
        );
    }
}
