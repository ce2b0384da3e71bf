//! The programme's closed vocabularies: the words that cross crates and the store as keys.
//!
//! Each is an enum with a stable `key()` (what the store keeps and forms, the API and the
//! command line use), `label()` (what people read), `parse()` (the inverse of `key()`) and
//! `ALL` (every value, in the order shown to people). Strings become these types at the
//! boundary where they enter (a form, a file, a store row) and nowhere else.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A key that is not one of a vocabulary's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a known {vocabulary} (expected one of: {expected})")]
pub struct UnknownKey {
    /// Which vocabulary, e.g. `role`.
    pub vocabulary: &'static str,
    /// The key that was given.
    pub value: String,
    /// The keys that would have been accepted, comma-separated.
    pub expected: String,
}

macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $key:literal, $label:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )+ ];

            /// The stable key stored and used in forms, the API and the command line.
            pub fn key(self) -> &'static str {
                match self { $( $name::$variant => $key, )+ }
            }

            /// The words people read.
            pub fn label(self) -> &'static str {
                match self { $( $name::$variant => $label, )+ }
            }

            /// The value with this key (case-insensitive; `-` and spaces read as `_`).
            pub fn parse(key: &str) -> Result<$name, UnknownKey> {
                let k = key.trim().to_ascii_lowercase().replace(['-', ' '], "_");
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.key() == k)
                    .ok_or_else(|| UnknownKey {
                        vocabulary: $what,
                        value: key.to_owned(),
                        expected: Self::ALL.iter().map(|v| v.key()).collect::<Vec<_>>().join(", "),
                    })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.key())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownKey;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::parse(s)
            }
        }
    };
}

vocabulary! {
    /// A web user's role: what they may see and do follows from it (need to know).
    Role, "role" {
        /// A professional in a partner agency who refers families.
        Referrer => "referrer", "Partner referrer";
        /// A keyworker who leads the work with the families assigned to them.
        LeadWorker => "lead_worker", "Lead worker";
        /// Checks and prioritises families, assigns lead workers.
        PerformanceOfficer => "performance_officer", "Performance officer";
        /// Analyses the programme on pseudonymised data.
        DataAnalyst => "data_analyst", "Data analyst";
        /// The information governance officer: reads the audit log.
        IgOfficer => "ig_officer", "Information governance officer";
        /// Manages accounts and roles.
        Administrator => "administrator", "Administrator";
        /// Internal audit: checks a sample of payment-by-results claims against their
        /// evidence and records a finding on each (seed 003: "internal auditors (and the
        /// TFT's 'spot checks')").
        Auditor => "auditor", "Internal auditor";
    }
}

vocabulary! {
    /// A case's status, in the order the work goes (issue 11: "identified or referred →
    /// contacted → agreed to take part → assessed → plan in place → reviews → closed"). A
    /// case usually moves forward; moving back is possible with a reason (the rules are
    /// `hearth_casework`'s).
    CaseStatus, "case status" {
        /// Found by identification; no one has contacted the family yet.
        Identified => "identified", "Identified";
        /// Referred to the programme by a partner agency; no one has contacted the family yet.
        Referred => "referred", "Referred";
        /// The lead worker has contacted the family.
        Contacted => "contacted", "Contacted";
        /// The family has agreed to take part.
        Agreed => "agreed", "Agreed to take part";
        /// The whole-family assessment is done.
        Assessed => "assessed", "Assessed";
        /// A family plan is in place and being worked.
        PlanInPlace => "plan_in_place", "Plan in place";
        /// The plan has been reviewed at least once and reviews go on.
        Reviewing => "reviewing", "Reviews";
        /// The work has ended (with a [`CloseReason`]).
        Closed => "closed", "Closed";
    }
}

vocabulary! {
    /// Why a case was closed.
    CloseReason, "closing reason" {
        /// The family made the progress its plan set out.
        ProgressAchieved => "progress_achieved", "Progress achieved";
        /// The family declined to take part.
        Declined => "declined", "Declined";
        /// The family moved out of the area.
        MovedAway => "moved_away", "Moved away";
        /// Stepped up to children's social care.
        SteppedUp => "stepped_up", "Stepped up to social care";
        /// The family stopped engaging with the work.
        Disengaged => "disengaged", "Disengaged";
        /// The family no longer meets the programme's criteria.
        NoLongerEligible => "no_longer_eligible", "No longer eligible";
    }
}

vocabulary! {
    /// When a family's progress data was recorded (the national family progress data is
    /// collected "at the start, during and after the intervention").
    ProgressStage, "progress stage" {
        /// When the work started.
        Start => "start", "Start";
        /// At a review of the plan.
        Review => "review", "Review";
        /// When the work ended.
        Exit => "exit", "Exit";
    }
}

vocabulary! {
    /// Where a person is counted in a household or family.
    MemberRole, "member role" {
        /// 18 or over at the as-at date (or of unknown age).
        Adult => "adult", "Adult";
        /// Under 18 at the as-at date.
        Child => "child", "Child";
    }
}

vocabulary! {
    /// Why Hearth believes one person is another's parent.
    RelationshipBasis, "relationship basis" {
        /// Age gap in range and the same family name.
        AgeGapAndFamilyName => "age_gap_and_family_name", "age gap and family name";
        /// Age gap in range; the only adult(s) of a plausible age (lone parent or step-parent).
        AgeGap => "age_gap", "age gap";
    }
}

vocabulary! {
    /// How a person changed between one linkage run and the next.
    PersonChangeKind, "person change" {
        /// A person with no previously known records.
        New => "new", "New";
        /// People previously separate are now one.
        Merged => "merged", "Merged";
        /// Records of one previous person now belong to several.
        Split => "split", "Split";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_parses_back_to_its_value() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.key()), Ok(*r));
        }
        for s in CaseStatus::ALL {
            assert_eq!(s.key().parse::<CaseStatus>(), Ok(*s));
        }
        for c in CloseReason::ALL {
            assert_eq!(CloseReason::parse(c.key()), Ok(*c));
        }
        for p in ProgressStage::ALL {
            assert_eq!(ProgressStage::parse(p.key()), Ok(*p));
        }
        for m in MemberRole::ALL {
            assert_eq!(MemberRole::parse(m.key()), Ok(*m));
        }
        for b in RelationshipBasis::ALL {
            assert_eq!(RelationshipBasis::parse(b.key()), Ok(*b));
        }
        for k in PersonChangeKind::ALL {
            assert_eq!(PersonChangeKind::parse(&k.to_string()), Ok(*k));
        }
    }

    #[test]
    fn parsing_is_forgiving_of_case_and_separators_and_names_what_it_expected() {
        assert_eq!(Role::parse(" Lead-Worker "), Ok(Role::LeadWorker));
        assert_eq!(
            CaseStatus::parse("plan in place"),
            Ok(CaseStatus::PlanInPlace)
        );
        let err = Role::parse("boss").unwrap_err();
        assert_eq!(err.vocabulary, "role");
        assert!(err.to_string().contains("lead_worker"), "{err}");
    }

    #[test]
    fn statuses_are_ordered_as_a_case_moves() {
        assert!(CaseStatus::Identified < CaseStatus::Closed);
        let mut sorted = CaseStatus::ALL.to_vec();
        sorted.sort();
        assert_eq!(sorted, CaseStatus::ALL);
    }

    #[test]
    fn serde_uses_the_keys() {
        assert_eq!(
            serde_json::to_string(&Role::PerformanceOfficer).unwrap(),
            "\"performance_officer\""
        );
        assert_eq!(
            serde_json::to_string(&RelationshipBasis::AgeGapAndFamilyName).unwrap(),
            "\"age_gap_and_family_name\""
        );
    }
}
