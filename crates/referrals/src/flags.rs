//! What the partners' data and earlier referrals already say of a referral's people: the
//! flags a performance officer sees beside it when double-checking. A referral of a family
//! already known, already open, or already referred is flagged, never silently taken twice.
//!
//! The matches come from the linkage engine's lookup (each member scored against the linked
//! people); earlier referrals are matched by person and, for people no partner knows, by
//! [`match_key`](crate::form::match_key).

use crate::vocabulary::ReferralStatus;
use serde::{Deserialize, Serialize};

/// A member of the referral matched to a linked person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberMatch {
    /// The member's position in the referral (from 0).
    pub member: usize,
    /// The linked person.
    pub person_id: i64,
    /// The match probability from the engine.
    pub probability: f64,
    /// The person's family in the latest linkage run, if any.
    pub family_id: Option<i64>,
}

/// An earlier referral, as far as duplicates go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousReferral {
    /// Its key.
    pub id: i64,
    /// Where it stands (a returned referral is no duplicate: the family may be referred
    /// again).
    pub status: ReferralStatus,
    /// The people its members matched.
    pub person_ids: Vec<i64>,
    /// Its members' match keys.
    pub match_keys: Vec<String>,
}

/// What is known of the families the members matched: whether each has an open case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// The family.
    pub family_id: i64,
    /// Whether it has a case that is not closed.
    pub open_case: bool,
}

/// One thing the performance officer should know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum Flag {
    /// Members are people of a family the partners' data already shows.
    KnownFamily {
        /// The family.
        family_id: i64,
    },
    /// That family's case is open (the programme already works with it).
    OpenCase {
        /// The family.
        family_id: i64,
    },
    /// An earlier referral, waiting or accepted, names the same people.
    DuplicateReferral {
        /// The earlier referral.
        referral_id: i64,
    },
    /// The family does not meet the criteria as referred.
    CriteriaNotMet,
}

impl Flag {
    /// Whether this flag says the family is already known or already referred (what the
    /// duplicate/known-family benchmark measures).
    pub fn is_duplicate_or_known(self) -> bool {
        !matches!(self, Flag::CriteriaNotMet)
    }
}

/// The flags for a referral: its members' matches, the standing of the families they
/// matched, earlier referrals, the referral's own members' match keys and whether it meets
/// the criteria. Sorted, each once.
pub fn flag(
    matches: &[MemberMatch],
    standings: &[Standing],
    previous: &[PreviousReferral],
    keys: &[String],
    criteria_met: bool,
) -> Vec<Flag> {
    let mut flags = Vec::new();
    for m in matches {
        if let Some(family_id) = m.family_id {
            flags.push(Flag::KnownFamily { family_id });
            if standings
                .iter()
                .any(|s| s.family_id == family_id && s.open_case)
            {
                flags.push(Flag::OpenCase { family_id });
            }
        }
    }
    for p in previous {
        if p.status == ReferralStatus::Returned {
            continue;
        }
        let same_person = matches.iter().any(|m| p.person_ids.contains(&m.person_id));
        let same_key = keys.iter().any(|k| p.match_keys.contains(k));
        if same_person || same_key {
            flags.push(Flag::DuplicateReferral { referral_id: p.id });
        }
    }
    if !criteria_met {
        flags.push(Flag::CriteriaNotMet);
    }
    flags.sort_unstable();
    flags.dedup();
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(member: usize, person_id: i64, family_id: Option<i64>) -> MemberMatch {
        MemberMatch {
            member,
            person_id,
            probability: 0.99,
            family_id,
        }
    }

    #[test]
    fn a_known_family_with_an_open_case_is_flagged_once() {
        let flags = flag(
            &[m(0, 101, Some(1)), m(1, 102, Some(1))],
            &[Standing {
                family_id: 1,
                open_case: true,
            }],
            &[],
            &[],
            true,
        );
        assert_eq!(
            flags,
            vec![
                Flag::KnownFamily { family_id: 1 },
                Flag::OpenCase { family_id: 1 }
            ]
        );
    }

    #[test]
    fn unknown_people_referred_twice_are_a_duplicate_unless_the_first_was_returned() {
        let key = "ann|new|2012-03-27".to_string();
        let earlier = |status| PreviousReferral {
            id: 7,
            status,
            person_ids: vec![],
            match_keys: vec![key.clone()],
        };
        let keys = [key.clone()];
        let flags = flag(&[], &[], &[earlier(ReferralStatus::Submitted)], &keys, true);
        assert_eq!(flags, vec![Flag::DuplicateReferral { referral_id: 7 }]);
        assert!(flag(&[], &[], &[earlier(ReferralStatus::Returned)], &keys, true).is_empty());
    }

    #[test]
    fn a_person_matched_by_an_earlier_referral_is_a_duplicate() {
        let earlier = PreviousReferral {
            id: 3,
            status: ReferralStatus::Accepted,
            person_ids: vec![301],
            match_keys: vec![],
        };
        let flags = flag(&[m(0, 301, None)], &[], &[earlier], &[], false);
        assert_eq!(
            flags,
            vec![
                Flag::DuplicateReferral { referral_id: 3 },
                Flag::CriteriaNotMet
            ]
        );
        assert!(!Flag::CriteriaNotMet.is_duplicate_or_known());
    }
}
