//! The criteria check a referrer sees as they fill in the form, and the performance officer
//! sees again when double-checking.
//!
//! Trafford: "identifying families experiencing at least two of the issues listed below";
//! "Will you accept referrals where families do not meet the criteria but we know have complex
//! needs? Unfortunately no."

use crate::rules::ReferralRules;
use serde::Serialize;

/// How a referral stands against the criteria.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CriteriaCheck {
    /// Problems ticked (known keys only, each once).
    pub problems: usize,
    /// Problems required.
    pub required: usize,
    /// Whether the family meets the criteria.
    pub met: bool,
    /// The check in words: "1 of the 2 problems required".
    pub message: String,
}

/// Checks the ticked problem keys against the rules (unknown keys and repeats do not count).
pub fn check<'a>(
    rules: &ReferralRules,
    ticked: impl IntoIterator<Item = &'a str>,
) -> CriteriaCheck {
    let mut seen: Vec<&str> = ticked
        .into_iter()
        .filter(|k| rules.problem(k).is_some())
        .collect();
    seen.sort_unstable();
    seen.dedup();
    let problems = seen.len();
    let required = rules.minimum_problems;
    let met = problems >= required;
    let message = if met {
        format!("{problems} of the {required} problems required: the family meets the criteria")
    } else {
        format!("{problems} of the {required} problems required")
    };
    CriteriaCheck {
        problems,
        required,
        met,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn one_problem_is_not_enough_and_two_are() {
        let r = ReferralRules::shipped();
        let c = check(&r, ["crime_asb"]);
        assert!(!c.met);
        assert_eq!(c.message, "1 of the 2 problems required");
        let c = check(&r, ["crime_asb", "health"]);
        assert!(c.met);
        assert!(c.message.starts_with("2 of the 2 problems required"));
    }

    #[test]
    fn repeats_and_unknown_keys_do_not_count() {
        let r = ReferralRules::shipped();
        let c = check(&r, ["crime_asb", "crime_asb", "poverty_of_ambition"]);
        assert_eq!(c.problems, 1);
        assert!(!c.met);
    }

    proptest! {
        #[test]
        fn met_exactly_when_enough_distinct_known_problems(mask in 0u8..64, junk in "[a-z_]{0,12}") {
            let r = ReferralRules::shipped();
            let mut keys: Vec<&str> = r.problems.iter().enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0).map(|(_, p)| p.key.as_str()).collect();
            let n = keys.len();
            keys.push(&junk);
            let c = check(&r, keys.iter().copied());
            let junk_counts = usize::from(r.problem(&junk).is_some() && !keys[..n].contains(&junk.as_str()));
            prop_assert_eq!(c.problems, n + junk_counts);
            prop_assert_eq!(c.met, c.problems >= 2);
        }
    }
}
