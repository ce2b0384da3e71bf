//! The validated form of an indicator: who it applies to, its window, its aggregation and the
//! unit costs its evidence stands for. It does not read or check files (`read` and `validate`
//! do) and does not evaluate anything (`eval` does).

use crate::expr::Expression;
use serde::Deserialize;

/// Who an indicator applies to, by age at the as-at date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Who {
    /// Under the adult age (default 18) at the as-at date. Needs a known date of birth.
    Child,
    /// At or over the adult age at the as-at date. Needs a known date of birth.
    Adult,
    /// Anyone, whether or not the date of birth is known.
    Anyone,
}

/// Which dates of a fact a month window tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum WindowBasis {
    /// The fact's event date falls in the window.
    #[default]
    EventDate,
    /// The fact's period (event date to end date, open if none) overlaps the window.
    Overlaps,
}

/// Which of a person's facts an indicator looks at, relative to the as-at date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// From `as_at − months` (that day included) to `as_at` (included).
    Months {
        /// Length of the window in calendar months.
        months: u32,
        /// Which dates are tested.
        basis: WindowBasis,
    },
    /// Started on or before the as-at date and not ended before it (end date ≥ as-at, or open).
    OpenOnAsAt,
    /// The person's last `count` distinct periods (e.g. school terms) that ended before the
    /// as-at date; a fact's period ends at its end date, or its event date if it has none.
    LastPeriods {
        /// How many periods.
        count: u32,
    },
}

/// How an indicator's matching facts are turned into met / not met.
#[derive(Debug, Clone)]
pub enum Aggregate {
    /// At least one matching fact. The value is the number of matching facts.
    Any,
    /// At least `at_least` matching facts.
    Count {
        /// The threshold.
        at_least: u32,
    },
    /// The sum of `value` over matching facts is at least `at_least`.
    Sum {
        /// Expression evaluated per fact.
        value: Expression,
        /// The threshold.
        at_least: f64,
    },
    /// Σ numerator ÷ Σ denominator over matching facts is at least `at_least`
    /// (not met when Σ denominator is 0).
    Ratio {
        /// Expression evaluated per fact, summed.
        numerator: Expression,
        /// Expression evaluated per fact, summed.
        denominator: Expression,
        /// The threshold, e.g. `0.10`.
        at_least: f64,
    },
}

/// How many units of a cost item one piece of evidence stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostBasis {
    /// One unit per matching fact (incidents, attendances).
    Fact,
    /// One unit per person meeting the indicator (per-year and per-person costs).
    Person,
    /// Weeks that the matching facts' periods overlap the 12 months before the as-at date.
    WeekOpen,
    /// One unit per distinct incident (facts with the same `distinct_by` attribute, e.g. the
    /// police occurrence reference), counted once for the family however many members were
    /// in it.
    Incident,
    /// One unit per person, only when the person's first matching fact ever is in the window
    /// (a first-time entrant enters once).
    FirstTime,
}

impl CostBasis {
    /// The name used in rules files.
    pub fn name(self) -> &'static str {
        match self {
            CostBasis::Fact => "fact",
            CostBasis::Person => "person",
            CostBasis::WeekOpen => "week_open",
            CostBasis::Incident => "incident",
            CostBasis::FirstTime => "first_time",
        }
    }
}

/// A link from an indicator to a unit cost. An indicator's mappings are tried in order for
/// each matching fact: the first whose `who` and `when` fit prices it (so a notice of seeking
/// possession and an eviction, or a foster and a residential placement, get their own rows).
#[derive(Debug, Clone)]
pub struct CostMapping {
    /// Key in the unit-cost table.
    pub item: String,
    /// How units are counted.
    pub per: CostBasis,
    /// The unit cost at the rules' price year, in pounds.
    pub unit_value: f64,
    /// Only facts for which this holds (none: every fact). A fact it cannot be evaluated for
    /// (an attribute missing) does not fit, and the next mapping is tried.
    pub when: Option<Expression>,
    /// Only people of this age group at the as-at date.
    pub who: Who,
    /// The attribute that names an incident (`per = "incident"`).
    pub distinct_by: Option<String>,
}

/// One indicator: which facts of which people evidence a problem.
#[derive(Debug, Clone)]
pub struct Indicator {
    /// Unique key, e.g. `crime_asb.police_suspect_offender`.
    pub key: String,
    /// Index into `Rules::problems`.
    pub problem: usize,
    /// What it means, for people.
    pub description: String,
    /// The source the facts come from: the mapping's `source` name (not the file's stem),
    /// e.g. `police`.
    pub source: String,
    /// The facts' event type, e.g. `incident`.
    pub event_type: String,
    /// Condition on the fact's attributes; `None` means every fact of the type matches.
    pub condition: Option<Expression>,
    /// Who it applies to.
    pub who: Who,
    /// Lowest age (whole years at the as-at date), inclusive.
    pub min_age: Option<u32>,
    /// Highest age (whole years at the as-at date), inclusive.
    pub max_age: Option<u32>,
    /// Which facts are looked at.
    pub window: Window,
    /// How matching facts become met / not met.
    pub aggregate: Aggregate,
    /// Unit costs the evidence stands for.
    pub costs: Vec<CostMapping>,
}

impl Indicator {
    /// Every attribute name the indicator's condition and aggregation read, sorted.
    pub fn attributes(&self) -> Vec<&str> {
        let mut exprs: Vec<&Expression> = self.condition.iter().collect();
        match &self.aggregate {
            Aggregate::Any | Aggregate::Count { .. } => {}
            Aggregate::Sum { value, .. } => exprs.push(value),
            Aggregate::Ratio {
                numerator,
                denominator,
                ..
            } => {
                exprs.push(numerator);
                exprs.push(denominator);
            }
        }
        let mut v: Vec<&str> = exprs
            .iter()
            .flat_map(|e| e.variables().iter().map(String::as_str))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}
