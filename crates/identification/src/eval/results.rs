//! What identification returns: each family's result (eligibility, problems with their evidence,
//! cost, score, rank), each person's evidence, diagnostics, and the error when the inputs do not
//! fit together. Plain data, serialisable; it computes nothing beyond counting.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The inputs to `identify` do not fit together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifyError {
    /// `facts_by_person` must have one entry per person.
    #[error(
        "{people} people but {facts} fact lists: facts_by_person[i] must hold person i's facts"
    )]
    LengthMismatch {
        /// Number of people.
        people: usize,
        /// Number of fact lists.
        facts: usize,
    },
    /// A family lists a member index beyond the people slice.
    #[error("family {family_id} lists member index {index}, but there are only {people} people")]
    MemberOutOfRange {
        /// The family.
        family_id: u64,
        /// The bad index.
        index: usize,
        /// Number of people.
        people: usize,
    },
    /// Two families share an ID.
    #[error("family ID {0} appears twice; family IDs must be unique")]
    DuplicateFamily(u64),
}

/// One indicator met by one person: the evidence for a problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The problem's key.
    pub problem: String,
    /// The indicator's key.
    pub indicator: String,
    /// The person who meets it.
    pub person_id: u64,
    /// Their age in whole years at the as-at date, if known.
    pub age: Option<u32>,
    /// The records of the facts that meet it, sorted (duplicates of one fact included).
    pub record_ids: Vec<u64>,
    /// The computed value: the number of matching facts (`any`, `count`), the sum (`sum`) or
    /// the ratio (`ratio`, e.g. 0.12 for 12% of sessions missed).
    pub value: f64,
    /// Estimated annual cost to the public purse of what this evidence stands for, in pounds
    /// at the rules' price year (0 when the indicator maps to no unit cost).
    pub estimated_annual_cost: f64,
}

/// The indicators one person meets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonResult {
    /// The person.
    pub person_id: u64,
    /// Age at the as-at date, if known.
    pub age: Option<u32>,
    /// What they meet, in rules order.
    pub evidence: Vec<Evidence>,
}

/// One problem of one family, with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyProblem {
    /// The problem's key.
    pub key: String,
    /// Whether an adult and a child of the family both have it.
    pub intergenerational: bool,
    /// The evidence, sorted by indicator (rules order) then person.
    pub evidence: Vec<Evidence>,
}

/// One family's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyResult {
    /// Linkage's stable family ID.
    pub family_id: u64,
    /// Position in the priority order, from 1.
    pub rank: usize,
    /// Whether the family meets the eligibility rule.
    pub eligible: bool,
    /// Whether any member is a dependent child (under the rules' age) at the as-at date.
    pub has_dependent_child: bool,
    /// Member person IDs, sorted.
    pub member_ids: Vec<u64>,
    /// The family's problems, in rules order.
    pub problems: Vec<FamilyProblem>,
    /// Estimated annual cost to the public purse, in pounds at the rules' price year.
    pub estimated_annual_cost: f64,
    /// The priority score (see `RULES.md`).
    pub priority_score: f64,
}

impl FamilyResult {
    /// Number of problems.
    pub fn problem_count(&self) -> usize {
        self.problems.len()
    }

    /// Number of intergenerational problems.
    pub fn intergenerational_count(&self) -> usize {
        self.problems.iter().filter(|p| p.intergenerational).count()
    }

    /// The family's problem keys, in rules order.
    pub fn problem_keys(&self) -> Vec<&str> {
        self.problems.iter().map(|p| p.key.as_str()).collect()
    }
}

/// A condition or value that could not be evaluated on some facts (those facts were treated
/// as not matching). Names attributes, never values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The indicator.
    pub indicator: String,
    /// What went wrong.
    pub message: String,
    /// How many facts.
    pub facts: u64,
}

/// A problem's key and title, carried so that exports need no rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemInfo {
    /// Key.
    pub key: String,
    /// Title.
    pub title: String,
}

/// The result of `identify`: every family ranked, with evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Identification {
    /// The rules profile used.
    pub profile: String,
    /// The as-at date.
    pub as_at: NaiveDate,
    /// Price year of the cost estimates, if the rules have a unit-cost table.
    pub price_year: Option<String>,
    /// The profile's problems, in rules order.
    pub problems: Vec<ProblemInfo>,
    /// Every family, in priority order (rank 1 first).
    pub families: Vec<FamilyResult>,
    /// Every person who meets at least one indicator, sorted by person ID.
    pub people: Vec<PersonResult>,
    /// Evaluation failures, sorted by indicator then message.
    pub diagnostics: Vec<Diagnostic>,
}

impl Identification {
    /// The eligible families, in priority order.
    pub fn eligible(&self) -> impl Iterator<Item = &FamilyResult> {
        self.families.iter().filter(|f| f.eligible)
    }

    /// A family by ID.
    pub fn family(&self, family_id: u64) -> Option<&FamilyResult> {
        self.families.iter().find(|f| f.family_id == family_id)
    }
}
