//! A validated set of programme rules ([`Rules`]) and its file-level parts: headline problems,
//! eligibility and priority weights. Read-only once built; it is built only by `validate`.

use super::indicator::Indicator;
use crate::costs::UnitCosts;

/// A headline problem (2015 programme) or headline outcome / need (Supporting Families).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Key used in output and in the ground truth, e.g. `crime_asb`.
    pub key: String,
    /// Title for people, in full.
    pub title: String,
    /// A short name for lists and tags (the file's `label`; the title when it gives none).
    pub label: String,
}

/// When a family is eligible.
#[derive(Debug, Clone, PartialEq)]
pub struct Eligibility {
    /// At least this many problems.
    pub min_problems: usize,
    /// The family must include a dependent child.
    pub require_dependent_child: bool,
    /// A dependent child is a member under this age at the as-at date.
    pub dependent_child_under: u32,
}

/// Weights of the priority score (see `RULES.md`).
#[derive(Debug, Clone, PartialEq)]
pub struct Priority {
    /// Points per problem.
    pub problem_weight: f64,
    /// Points per `cost_per_point` pounds of estimated annual cost.
    pub cost_weight: f64,
    /// Pounds per cost point.
    pub cost_per_point: f64,
    /// Points per intergenerational problem (the same problem in an adult and a child).
    pub intergenerational_weight: f64,
    /// Price year that costs are uplifted to.
    pub price_year: Option<String>,
}

/// A validated set of programme rules. Build with [`Rules::load`] or [`Rules::parse`].
#[derive(Debug, Clone)]
pub struct Rules {
    pub(super) profile: String,
    pub(super) title: String,
    pub(super) adult_from: u32,
    pub(super) problems: Vec<Problem>,
    pub(super) indicators: Vec<Indicator>,
    pub(super) eligibility: Eligibility,
    pub(super) priority: Priority,
    pub(super) unit_costs: Option<UnitCosts>,
}

impl Rules {
    /// The profile's name, e.g. `expanded-2015`.
    pub fn profile(&self) -> &str {
        &self.profile
    }

    /// The profile's title for people.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// Age (whole years at the as-at date) from which a person counts as an adult.
    pub fn adult_from(&self) -> u32 {
        self.adult_from
    }

    /// Headline problems, in file order.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Indicators, in file order.
    pub fn indicators(&self) -> &[Indicator] {
        &self.indicators
    }

    /// When a family is eligible.
    pub fn eligibility(&self) -> &Eligibility {
        &self.eligibility
    }

    /// Prioritisation weights.
    pub fn priority(&self) -> &Priority {
        &self.priority
    }

    /// The unit-cost table, if the rules name one.
    pub fn unit_costs(&self) -> Option<&UnitCosts> {
        self.unit_costs.as_ref()
    }

    /// Problems that no indicator evidences (e.g. Supporting Families outcomes with no
    /// partner source yet): they can never be found by `identify`.
    pub fn problems_without_indicators(&self) -> Vec<&Problem> {
        self.problems
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.indicators.iter().any(|x| x.problem == *i))
            .map(|(_, p)| p)
            .collect()
    }
}
