//! The Outcomes Plan as rules (`rules/outcomes-*.toml`): per headline problem the measures
//! of significant and sustained progress, the attendance rule every claim meets, and
//! continuous employment by the benefit left. Read from text and checked: a mistake names
//! the file and the entry.

use serde::Deserialize;
use std::collections::BTreeMap;

/// Why a plan could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// Not valid TOML for a plan.
    #[error("{file}: {message}")]
    Toml {
        /// The file.
        file: String,
        /// The parser's message (line and column).
        message: String,
    },
    /// A value out of range or missing.
    #[error("{file}: {place}: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// The entry (`problem crime_asb, measure 1`).
        place: String,
        /// What is wrong.
        message: String,
    },
}

/// How a measure counts records over the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// Records dated in the period.
    Events,
    /// Spells (start to end) open at any time in the period.
    Open,
}

/// Whom a measure's maximum is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Per {
    /// The family's members together.
    #[default]
    Family,
    /// Each member.
    Member,
}

/// One measure of progress on a problem.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// The plan's measure key (`rules/outcome-measures-*.toml`).
    pub key: String,
    /// Plain words.
    pub title: String,
    /// The partner records counted (`Fact::event_type`).
    pub event_type: String,
    /// Events or open spells.
    pub how: How,
    /// Attribute values a record must have (any of each list).
    #[serde(default, rename = "where")]
    pub filter: BTreeMap<String, Vec<String>>,
    /// Family or member.
    #[serde(default)]
    pub per: Per,
    /// At most this many in the period.
    pub max: u32,
}

/// A headline problem's measures.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProblemPlan {
    /// The identification rules' headline problem key.
    pub key: String,
    /// The plan's words.
    #[serde(default)]
    pub quote: String,
    /// A measure key the lead worker's evidence of progress towards work is recorded on;
    /// such evidence dated in the period meets the problem's measures.
    #[serde(default)]
    pub progress_towards_work: Option<String>,
    /// The measures (all must hold).
    #[serde(default, rename = "measure")]
    pub measures: Vec<Measure>,
}

/// The attendance rule.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttendanceRule {
    /// The headline problem it is shown under (and whose measure it is).
    pub problem: String,
    /// The measure key.
    pub measure: String,
    /// The attendance records' event type.
    pub event_type: String,
    /// Attribute: possible sessions.
    pub possible: String,
    /// Attribute: sessions missed.
    pub missed: String,
    /// Lowest share of possible sessions attended (0.85).
    pub minimum: f64,
    /// Consecutive terms (3).
    pub terms: usize,
    /// How far before attachment a member's attendance makes them a pupil.
    pub pupil_lookback_days: i64,
    /// Attribute: fixed-term exclusions in a term.
    pub exclusions: String,
    /// At most this many fixed-term exclusions across the terms.
    pub max_exclusions: u32,
    /// Attribute: permanently excluded.
    pub permanent: String,
}

/// Weeks in work out of a window, for those who left one of `benefits`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmploymentRule {
    /// Benefit codes.
    pub benefits: Vec<String>,
    /// Weeks in work needed.
    pub weeks: u32,
    /// Out of the last this many weeks.
    pub out_of: u32,
}

/// Continuous employment.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmploymentPlan {
    /// The measure key.
    pub measure: String,
    /// Out-of-work benefit claims' event type.
    pub claim_event_type: String,
    /// Attribute: the benefit.
    pub benefit: String,
    /// Employment spells' event type.
    pub employment_event_type: String,
    /// By the benefit left.
    #[serde(rename = "rule")]
    pub rules: Vec<EmploymentRule>,
}

impl EmploymentPlan {
    /// The rule for a benefit code.
    pub fn rule_for(&self, benefit: &str) -> Option<&EmploymentRule> {
        self.rules
            .iter()
            .find(|r| r.benefits.iter().any(|b| b == benefit))
    }
}

/// A council's Outcomes Plan.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Its name.
    pub plan: String,
    /// Months every measure must hold for, up to the day judged.
    pub sustain_months: u32,
    /// Problems absent at entry must not regress.
    pub non_regression: bool,
    /// The attendance rule.
    pub attendance: AttendanceRule,
    /// Per headline problem.
    #[serde(rename = "problem")]
    pub problems: Vec<ProblemPlan>,
    /// Continuous employment.
    pub continuous_employment: EmploymentPlan,
    /// People who join the household after attachment (`None`: the baseline's members
    /// only).
    #[serde(default)]
    pub household: Option<crate::household::HouseholdRule>,
}

impl Plan {
    /// Reads and checks a plan; `file` names it in messages.
    pub fn from_toml(text: &str, file: &str) -> Result<Plan, PlanError> {
        let plan: Plan = toml::from_str(text).map_err(|e| PlanError::Toml {
            file: file.to_string(),
            message: e.to_string(),
        })?;
        let bad = |place: String, message: &str| PlanError::Invalid {
            file: file.to_string(),
            place,
            message: message.to_string(),
        };
        if plan.sustain_months == 0 || plan.sustain_months > 36 {
            return Err(bad("sustain_months".into(), "must be 1 to 36 months"));
        }
        let a = &plan.attendance;
        if !(0.0..=1.0).contains(&a.minimum) {
            return Err(bad(
                "attendance.minimum".into(),
                "is a share: 0 to 1 (0.85 for 85%)",
            ));
        }
        if a.terms == 0 || a.terms > 9 {
            return Err(bad("attendance.terms".into(), "must be 1 to 9 terms"));
        }
        let mut seen = std::collections::BTreeSet::new();
        for p in &plan.problems {
            if !seen.insert(p.key.as_str()) {
                return Err(bad(format!("problem {}", p.key), "appears twice"));
            }
        }
        // A measure's key names its baseline value, its evidence and the goals tied to it:
        // two measures under one key would read as one.
        let mut keys = std::collections::BTreeSet::from([a.measure.as_str()]);
        for p in &plan.problems {
            for m in &p.measures {
                if !keys.insert(m.key.as_str()) {
                    return Err(bad(
                        format!("problem {}, measure {}", p.key, m.key),
                        "this measure key is used twice: give each measure its own key",
                    ));
                }
            }
        }
        let ce = &plan.continuous_employment;
        if ce.rules.is_empty() {
            return Err(bad(
                "continuous_employment".into(),
                "needs at least one rule",
            ));
        }
        for (i, r) in ce.rules.iter().enumerate() {
            if r.weeks == 0 || r.weeks > r.out_of {
                return Err(bad(
                    format!("continuous_employment rule {}", i + 1),
                    "weeks must be 1 to out_of",
                ));
            }
        }
        if plan
            .household
            .as_ref()
            .is_some_and(|h| h.months_before_attachment > 60)
        {
            return Err(bad(
                "household.months_before_attachment".into(),
                "must be 0 to 60 months",
            ));
        }
        Ok(plan)
    }

    /// The plan for a headline problem, if it has one.
    pub fn problem(&self, key: &str) -> Option<&ProblemPlan> {
        self.problems.iter().find(|p| p.key == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const SHIPPED: &str =
        include_str!("../../../rules/outcomes-cheshire-east-2015.toml");

    #[test]
    fn the_shipped_plan_reads_with_the_seeds_values() {
        let p = Plan::from_toml(SHIPPED, "outcomes.toml").expect("reads");
        assert_eq!(p.attendance.minimum, 0.85);
        assert_eq!(p.attendance.terms, 3);
        assert_eq!(
            p.continuous_employment
                .rule_for("JSA")
                .map(|r| (r.weeks, r.out_of)),
            Some((26, 30))
        );
        assert_eq!(
            p.continuous_employment
                .rule_for("ESA")
                .map(|r| (r.weeks, r.out_of)),
            Some((13, 15))
        );
        assert_eq!(p.problems.len(), 6);
        let h = p.household.expect("a [household] section");
        assert!(h.joiners);
        assert_eq!(h.months_before_attachment, 12);
    }

    #[test]
    fn mistakes_name_the_file_and_entry() {
        let bad = SHIPPED.replace("minimum = 0.85", "minimum = 85");
        let e = Plan::from_toml(&bad, "plan.toml").unwrap_err().to_string();
        assert!(
            e.contains("plan.toml") && e.contains("attendance.minimum"),
            "{e}"
        );
        let bad = SHIPPED.replace("weeks = 13", "weeks = 16");
        let e = Plan::from_toml(&bad, "plan.toml").unwrap_err().to_string();
        assert!(e.contains("continuous_employment rule 2"), "{e}");
        let bad = SHIPPED.replacen(
            "key = \"proven_youth_offences\"",
            "key = \"offending_and_asb\"",
            1,
        );
        let e = Plan::from_toml(&bad, "plan.toml").unwrap_err().to_string();
        assert!(
            e.contains("plan.toml")
                && e.contains("measure offending_and_asb")
                && e.contains("used twice"),
            "{e}"
        );
        let bad = SHIPPED.replace("how = \"open\"", "how = \"sometimes\"");
        assert!(Plan::from_toml(&bad, "plan.toml")
            .unwrap_err()
            .to_string()
            .contains("plan.toml"));
    }
}
