//! Which results a batch claims. A result is claimed when it was achieved on or before the
//! day the batch is prepared, in an open claim window, for a family not already claimed, and
//! while the cap has room. A family is claimed once (DOMAIN §9: "Not both for the same family;
//! a family is claimed once"): a family with both results is claimed for the one achieved
//! first; a withdrawn claim no longer counts, so the family may be claimed again — for its
//! other result: the withdrawn result itself is never claimed again ([`crate::screen`], which
//! also keeps out families not eligible at attachment).

use crate::rules::{ClaimRules, ClaimWindow};
use chrono::NaiveDate;
use hearth_outcomes::{FamilyId, FamilyResult, ResultKind};
use std::collections::BTreeMap;

/// A claim already made and not withdrawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveClaim {
    /// The claim's key.
    pub claim_id: i64,
    /// The batch it was made in.
    pub batch_id: i64,
    /// The family.
    pub family_id: FamilyId,
    /// The result claimed.
    pub kind: ResultKind,
}

/// A second claim for a family: refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "family {family_id} was already claimed for {} (claim {claim_id} in batch {batch_id}); \
     a family is claimed once — withdraw that claim first if it was wrong",
    kind.title().to_lowercase()
)]
pub struct AlreadyClaimed {
    /// The family.
    pub family_id: FamilyId,
    /// The result it was claimed for.
    pub kind: ResultKind,
    /// The claim.
    pub claim_id: i64,
    /// Its batch.
    pub batch_id: i64,
}

/// Refuses a claim for a family that already has one (whatever the result).
pub fn check_not_claimed(
    family_id: FamilyId,
    active: &[ActiveClaim],
) -> Result<(), AlreadyClaimed> {
    match active.iter().find(|c| c.family_id == family_id) {
        Some(c) => Err(AlreadyClaimed {
            family_id,
            kind: c.kind,
            claim_id: c.claim_id,
            batch_id: c.batch_id,
        }),
        None => Ok(()),
    }
}

/// Why no batch can be prepared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    /// No window has this key.
    #[error("there is no claim window \"{0}\" in the claim rules")]
    Unknown(String),
    /// The window has not opened yet.
    #[error("the claim window \"{key}\" opens on {opens}; it is {today}")]
    NotOpen {
        /// The window.
        key: String,
        /// When it opens.
        opens: NaiveDate,
        /// Today.
        today: NaiveDate,
    },
    /// The window has closed.
    #[error("the claim window \"{key}\" closed on {closes}; it is {today}")]
    Closed {
        /// The window.
        key: String,
        /// When it closed.
        closes: NaiveDate,
        /// Today.
        today: NaiveDate,
    },
}

/// Why a result was not claimed in this batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PassedOverReason {
    /// The family was already claimed.
    AlreadyClaimed(AlreadyClaimed),
    /// The family's other result was achieved first and is claimed instead.
    OtherResultClaimed(ResultKind),
    /// Achieved after the day the batch was prepared.
    NotYetAchieved(NaiveDate),
    /// The cap is reached.
    CapReached(u64),
    /// No baseline was frozen for the family: nothing shows it was attached, nor eligible.
    NotAttached,
    /// Fewer headline problems at attachment than eligibility needs.
    NotEligible {
        /// Present in the baseline.
        problems: usize,
        /// Needed (`ClaimRules::eligibility`).
        needed: usize,
    },
    /// Achieved on or before the day the family was attached.
    NotAfterAttachment(NaiveDate),
    /// A claim of this result was withdrawn: a withdrawal is final.
    Withdrawn {
        /// The withdrawn claim.
        claim_id: i64,
        /// Its batch.
        batch_id: i64,
        /// Why it was withdrawn.
        reason: String,
    },
}

impl std::fmt::Display for PassedOverReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PassedOverReason::AlreadyClaimed(a) => write!(f, "{a}"),
            PassedOverReason::OtherResultClaimed(k) => write!(
                f,
                "claimed for {} instead: a family is claimed once",
                k.title().to_lowercase()
            ),
            PassedOverReason::NotYetAchieved(d) => write!(f, "not achieved until {d}"),
            PassedOverReason::CapReached(n) => {
                write!(f, "the cap of {n} families claimed for results is reached")
            }
            PassedOverReason::NotAttached => write!(
                f,
                "no baseline was frozen when the family was attached (hearth outcomes --attach), \
                 so nothing shows it was attached and eligible"
            ),
            PassedOverReason::NotEligible { problems, needed } => write!(
                f,
                "not eligible at attachment: {problems} headline problem{} in its baseline, at \
                 least {needed} needed",
                if *problems == 1 { "" } else { "s" }
            ),
            PassedOverReason::NotAfterAttachment(d) => {
                write!(f, "achieved before the family was attached on {d}")
            }
            PassedOverReason::Withdrawn {
                claim_id,
                batch_id,
                reason,
            } => write!(
                f,
                "its claim {claim_id} (batch {batch_id}) was withdrawn: {reason}; a withdrawn \
                 result is not claimed again"
            ),
        }
    }
}

/// A result not claimed, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct PassedOver {
    /// The family.
    pub family_id: FamilyId,
    /// The result.
    pub kind: ResultKind,
    /// Why.
    pub reason: PassedOverReason,
}

/// What a batch claims.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection<'a> {
    /// The window.
    pub window: ClaimWindow,
    /// The results claimed, by family.
    pub claimed: Vec<&'a FamilyResult>,
    /// The results not claimed, with why.
    pub passed_over: Vec<PassedOver>,
}

/// Chooses the results a batch prepared `today` in window `window_key` claims: one result
/// per family (the earliest achieved; on the same day, significant and sustained progress),
/// achieved on or before today, for families not already claimed (`active`), in family
/// order until the cap (`rules.cap.families`, counting `active`) is reached.
pub fn select<'a>(
    rules: &ClaimRules,
    window_key: &str,
    today: NaiveDate,
    results: &'a [FamilyResult],
    active: &[ActiveClaim],
) -> Result<Selection<'a>, WindowError> {
    let window = rules
        .window(window_key)
        .ok_or_else(|| WindowError::Unknown(window_key.to_string()))?;
    if today < window.opens {
        return Err(WindowError::NotOpen {
            key: window.key.clone(),
            opens: window.opens,
            today,
        });
    }
    if today > window.closes {
        return Err(WindowError::Closed {
            key: window.key.clone(),
            closes: window.closes,
            today,
        });
    }
    let mut by_family: BTreeMap<FamilyId, Vec<&FamilyResult>> = BTreeMap::new();
    for r in results {
        by_family.entry(r.family_id).or_default().push(r);
    }
    let mut claimed_families: u64 = {
        let mut f: Vec<FamilyId> = active.iter().map(|c| c.family_id).collect();
        f.sort_unstable();
        f.dedup();
        f.len() as u64
    };
    let mut out = Selection {
        window: window.clone(),
        claimed: Vec::new(),
        passed_over: Vec::new(),
    };
    for (family_id, mut rs) in by_family {
        rs.sort_by_key(|r| (r.achieved_on, r.kind));
        let pass = |out: &mut Selection<'a>, r: &FamilyResult, reason| {
            out.passed_over.push(PassedOver {
                family_id,
                kind: r.kind,
                reason,
            })
        };
        if let Err(a) = check_not_claimed(family_id, active) {
            for r in rs {
                pass(&mut out, r, PassedOverReason::AlreadyClaimed(a.clone()));
            }
            continue;
        }
        let (due, later): (Vec<_>, Vec<_>) = rs.into_iter().partition(|r| r.achieved_on <= today);
        for r in later {
            pass(&mut out, r, PassedOverReason::NotYetAchieved(r.achieved_on));
        }
        let Some((first, others)) = due.split_first() else {
            continue;
        };
        if claimed_families >= rules.cap.families {
            pass(
                &mut out,
                first,
                PassedOverReason::CapReached(rules.cap.families),
            );
        } else {
            claimed_families += 1;
            out.claimed.push(*first);
        }
        for r in others {
            pass(
                &mut out,
                r,
                PassedOverReason::OtherResultClaimed(first.kind),
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::ClaimRules;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    pub(crate) fn result(family_id: i64, kind: ResultKind, on: NaiveDate) -> FamilyResult {
        FamilyResult {
            family_id,
            kind,
            achieved_on: on,
            problems: vec!["school_attendance".into()],
            evidence: Vec::new(),
            rules_hash: "ab".repeat(32),
        }
    }

    const SSP: ResultKind = ResultKind::SignificantAndSustainedProgress;
    const JOB: ResultKind = ResultKind::ContinuousEmployment;

    #[test]
    fn a_family_already_claimed_is_refused_with_a_clear_message() {
        let active = vec![ActiveClaim {
            claim_id: 7,
            batch_id: 2,
            family_id: 42,
            kind: SSP,
        }];
        let e = check_not_claimed(42, &active).unwrap_err();
        assert_eq!(
            e.to_string(),
            "family 42 was already claimed for significant and sustained progress \
             (claim 7 in batch 2); a family is claimed once — withdraw that claim first if \
             it was wrong"
        );
        assert!(check_not_claimed(43, &active).is_ok());

        // In a batch: the same family's employment result is passed over for the same reason.
        let rules = ClaimRules::shipped();
        let rs = vec![
            result(42, JOB, d(2016, 4, 2)),
            result(43, SSP, d(2016, 4, 2)),
        ];
        let s = select(&rules, "2016-17-q1", d(2016, 5, 1), &rs, &active).unwrap();
        assert_eq!(s.claimed.len(), 1);
        assert_eq!(s.claimed[0].family_id, 43);
        assert!(matches!(
            s.passed_over[0].reason,
            PassedOverReason::AlreadyClaimed(_)
        ));
    }

    #[test]
    fn a_family_with_both_results_is_claimed_once_for_the_first() {
        let rules = ClaimRules::shipped();
        let rs = vec![result(1, SSP, d(2016, 5, 1)), result(1, JOB, d(2016, 4, 1))];
        let s = select(&rules, "2016-17-q1", d(2016, 5, 1), &rs, &[]).unwrap();
        assert_eq!(s.claimed.len(), 1);
        assert_eq!(s.claimed[0].kind, JOB);
        assert_eq!(
            s.passed_over[0].reason,
            PassedOverReason::OtherResultClaimed(JOB)
        );
    }

    #[test]
    fn results_achieved_after_today_wait_and_the_edges_count() {
        let rules = ClaimRules::shipped();
        let rs = vec![result(1, SSP, d(2016, 5, 1)), result(2, SSP, d(2016, 5, 2))];
        let s = select(&rules, "2016-17-q1", d(2016, 5, 1), &rs, &[]).unwrap();
        assert_eq!(s.claimed.len(), 1);
        assert_eq!(
            s.passed_over[0].reason,
            PassedOverReason::NotYetAchieved(d(2016, 5, 2))
        );
    }

    #[test]
    fn windows_are_kept() {
        let rules = ClaimRules::shipped();
        let e = select(&rules, "2016-17-q1", d(2016, 3, 31), &[], &[]).unwrap_err();
        assert!(e.to_string().contains("opens on 2016-04-01"), "{e}");
        let e = select(&rules, "2016-17-q1", d(2016, 7, 1), &[], &[]).unwrap_err();
        assert!(e.to_string().contains("closed on 2016-06-30"), "{e}");
        assert!(select(&rules, "2016-17-q1", d(2016, 6, 30), &[], &[]).is_ok());
        assert!(select(&rules, "2016-17-q1", d(2016, 4, 1), &[], &[]).is_ok());
        let e = select(&rules, "nope", d(2016, 4, 1), &[], &[]).unwrap_err();
        assert!(matches!(e, WindowError::Unknown(_)));
    }

    #[test]
    fn the_cap_counts_earlier_claims_and_stops_at_its_number() {
        let mut rules = ClaimRules::shipped();
        rules.cap.families = 3;
        let active = vec![ActiveClaim {
            claim_id: 1,
            batch_id: 1,
            family_id: 100,
            kind: SSP,
        }];
        let rs: Vec<_> = (1..=4).map(|f| result(f, SSP, d(2016, 4, 1))).collect();
        let s = select(&rules, "2016-17-q1", d(2016, 5, 1), &rs, &active).unwrap();
        assert_eq!(
            s.claimed.iter().map(|r| r.family_id).collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert_eq!(s.passed_over.len(), 2);
        assert_eq!(
            s.passed_over[0].reason.to_string(),
            "the cap of 3 families claimed for results is reached"
        );
    }

    proptest::proptest! {
        /// Whatever the results and earlier claims: no family twice, none already claimed,
        /// never past the cap, nothing achieved after today.
        #[test]
        fn a_batch_never_claims_a_family_twice_nor_passes_the_cap(
            results in proptest::collection::vec((0i64..30, proptest::bool::ANY, 0u32..120), 0..80),
            claimed in proptest::collection::btree_set(0i64..30, 0..10),
            cap in 1u64..40,
        ) {
            let mut rules = ClaimRules::shipped();
            rules.cap.families = cap;
            let base = d(2016, 3, 1);
            let rs: Vec<FamilyResult> = results
                .iter()
                .map(|&(f, job, days)| {
                    result(f, if job { JOB } else { SSP }, base + chrono::Days::new(days.into()))
                })
                .collect();
            let active: Vec<ActiveClaim> = claimed
                .iter()
                .enumerate()
                .map(|(i, &f)| ActiveClaim { claim_id: i as i64, batch_id: 1, family_id: f, kind: SSP })
                .collect();
            let today = d(2016, 5, 1);
            let s = select(&rules, "2016-17-q1", today, &rs, &active).unwrap();
            let mut fams: Vec<i64> = s.claimed.iter().map(|r| r.family_id).collect();
            let n = fams.len();
            fams.sort_unstable();
            fams.dedup();
            proptest::prop_assert_eq!(fams.len(), n);
            for f in &fams {
                proptest::prop_assert!(!claimed.contains(f));
            }
            proptest::prop_assert!((n + claimed.len()) as u64 <= cap.max(claimed.len() as u64));
            proptest::prop_assert!(s.claimed.iter().all(|r| r.achieved_on <= today));
            // Every result is either claimed or passed over with a reason.
            proptest::prop_assert_eq!(n + s.passed_over.len(), rs.len());
        }
    }
}
