//! The council's referral rules as data (`rules/referrals.toml`): the headline problems a
//! referrer can tick (each with the public source's words), how many a family needs, and the
//! reasons a referral is returned with what the referrer should do instead.

use serde::{Deserialize, Serialize};

/// The shipped rules (Trafford's criteria and return routes), built into the binary.
const SHIPPED: &str = include_str!("../../../rules/referrals.toml");

/// A headline problem a referrer can tick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Its key (the identification rules' problem keys where they agree).
    pub key: String,
    /// Its name on the form.
    pub label: String,
    /// The public source's words for it.
    pub quote: String,
    /// An example or two of what counts, shown under the checkbox.
    #[serde(default)]
    pub hint: String,
}

/// A reason to return a referral, with the guidance the referrer is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnReason {
    /// Its key.
    pub key: String,
    /// The reason in plain words.
    pub label: String,
    /// What the referrer should do instead.
    pub guidance: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    minimum_problems: usize,
    #[serde(default)]
    problem: Vec<Problem>,
    #[serde(default)]
    return_reason: Vec<ReturnReason>,
}

/// The rules of the referral form and its double check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferralRules {
    /// How many of the problems a family must have ("at least two").
    pub minimum_problems: usize,
    /// The problems, in the form's order.
    pub problems: Vec<Problem>,
    /// The reasons a referral may be returned, in the form's order.
    pub return_reasons: Vec<ReturnReason>,
}

/// What is wrong with a rules file (its name is the caller's to add).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    /// Not TOML, or not the expected fields.
    #[error("the referral rules cannot be read: {0}")]
    Syntax(String),
    /// A field's value is not usable.
    #[error("the referral rules' {field} {problem}")]
    Invalid {
        /// The field (`problem[2].key`, `minimum_problems`, …).
        field: String,
        /// What is wrong with it.
        problem: String,
    },
}

fn invalid(field: impl Into<String>, problem: impl Into<String>) -> RulesError {
    RulesError::Invalid {
        field: field.into(),
        problem: problem.into(),
    }
}

impl ReferralRules {
    /// The rules shipped with Hearth (`rules/referrals.toml`).
    pub fn shipped() -> ReferralRules {
        // The shipped file is checked by this crate's tests.
        ReferralRules::from_toml(SHIPPED).unwrap_or_else(|e| panic!("shipped rules: {e}"))
    }

    /// Reads rules from a TOML text: every problem and reason has a distinct, non-empty key
    /// and label; the minimum is between 1 and the number of problems.
    pub fn from_toml(text: &str) -> Result<ReferralRules, RulesError> {
        let raw: Raw = toml::from_str(text).map_err(|e| RulesError::Syntax(e.message().into()))?;
        if raw.problem.is_empty() {
            return Err(invalid(
                "problem",
                "list is empty: name at least one problem",
            ));
        }
        if raw.minimum_problems == 0 || raw.minimum_problems > raw.problem.len() {
            return Err(invalid(
                "minimum_problems",
                format!("must be between 1 and {}", raw.problem.len()),
            ));
        }
        let mut keys = std::collections::BTreeSet::new();
        for (i, p) in raw.problem.iter().enumerate() {
            if p.key.trim().is_empty() || p.label.trim().is_empty() {
                return Err(invalid(format!("problem[{i}]"), "needs a key and a label"));
            }
            if !keys.insert(p.key.as_str()) {
                return Err(invalid(
                    format!("problem[{i}].key"),
                    "repeats an earlier key",
                ));
            }
        }
        let mut keys = std::collections::BTreeSet::new();
        for (i, r) in raw.return_reason.iter().enumerate() {
            if r.key.trim().is_empty() || r.label.trim().is_empty() || r.guidance.trim().is_empty()
            {
                return Err(invalid(
                    format!("return_reason[{i}]"),
                    "needs a key, a label and guidance",
                ));
            }
            if !keys.insert(r.key.as_str()) {
                return Err(invalid(
                    format!("return_reason[{i}].key"),
                    "repeats an earlier key",
                ));
            }
        }
        Ok(ReferralRules {
            minimum_problems: raw.minimum_problems,
            problems: raw.problem,
            return_reasons: raw.return_reason,
        })
    }

    /// The problem with this key.
    pub fn problem(&self, key: &str) -> Option<&Problem> {
        self.problems.iter().find(|p| p.key == key)
    }

    /// The return reason with this key.
    pub fn return_reason(&self, key: &str) -> Option<&ReturnReason> {
        self.return_reasons.iter().find(|r| r.key == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rules_are_traffords_six_problems_at_least_two() {
        let r = ReferralRules::shipped();
        assert_eq!(r.problems.len(), 6);
        assert_eq!(r.minimum_problems, 2);
        assert!(r.problem("domestic_abuse").is_some());
        let caf = r.return_reason("criteria_not_met").unwrap();
        assert!(caf.guidance.contains("CAF"), "{}", caf.guidance);
        let safe = r.return_reason("safeguarding").unwrap();
        assert!(safe.guidance.contains("MARAT"), "{}", safe.guidance);
    }

    #[test]
    fn bad_rules_name_the_field() {
        let one = "[[problem]]\nkey = \"a\"\nlabel = \"A\"\nquote = \"\"\n";
        let e = ReferralRules::from_toml(&format!("minimum_problems = 2\n{one}")).unwrap_err();
        assert!(e.to_string().contains("minimum_problems"), "{e}");
        let e = ReferralRules::from_toml(&format!("minimum_problems = 1\n{one}{one}")).unwrap_err();
        assert!(e.to_string().contains("problem[1].key"), "{e}");
        let e = ReferralRules::from_toml("minimum_problems = 1\nsurprise = 3\n").unwrap_err();
        assert!(matches!(e, RulesError::Syntax(_)), "{e}");
        assert!(ReferralRules::from_toml(&format!("minimum_problems = 1\n{one}")).is_ok());
    }
}
