//! Programme rules as data: headline problems, the indicators that evidence them, eligibility
//! and prioritisation, read from a TOML file (see `RULES.md`).

use crate::costs::{CostUnit, UnitCosts};
use crate::expr::Expression;
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// A rules file that cannot be used, with where and why.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file was read but something in it is wrong.
    #[error("{file}: {location}{message}")]
    Invalid {
        /// The file, as given to the loader.
        file: String,
        /// Which part of the file.
        location: Location,
        /// What kind of mistake, for programs (the message is for people).
        kind: ErrorKind,
        /// What is wrong, in plain English.
        message: String,
    },
}

impl RulesError {
    /// The kind of mistake, if the file was read.
    pub fn kind(&self) -> Option<ErrorKind> {
        match self {
            RulesError::Io { .. } => None,
            RulesError::Invalid { kind, .. } => Some(*kind),
        }
    }
}

/// Which part of a rules or unit-cost file an error is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The file as a whole, or its top-level settings.
    File,
    /// A `[[problems]]` entry, by key.
    Problem(String),
    /// An `[[indicators]]` entry, by key (or `#n` when it has no key).
    Indicator(String),
    /// A section such as `[eligibility]` or `[priority]`.
    Section(String),
    /// A `[[costs]]` row of the unit-cost table, by key.
    UnitCost(String),
    /// A `[[deflators]]` row, by year.
    Deflator(String),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File => Ok(()),
            Location::Problem(k) => write!(f, "problem `{k}`: "),
            Location::Indicator(k) => write!(f, "indicator `{k}`: "),
            Location::Section(s) => write!(f, "[{s}]: "),
            Location::UnitCost(k) => write!(f, "unit cost `{k}`: "),
            Location::Deflator(y) => write!(f, "deflator `{y}`: "),
        }
    }
}

/// The kinds of mistake a rules file can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Not valid TOML, a field of the wrong type, or a field this format does not have.
    Syntax,
    /// A required field is missing.
    MissingField,
    /// The same key twice.
    Duplicate,
    /// An indicator names a problem the file does not define.
    UnknownProblem,
    /// A condition or value expression does not parse.
    BadExpression,
    /// An aggregation kind this version does not know.
    UnknownAggregation,
    /// A window kind this version does not know.
    UnknownWindow,
    /// An indicator has no window.
    MissingWindow,
    /// A number out of range (negative threshold, min age above max age, zero months...).
    BadValue,
    /// A cost mapping names a unit cost the table does not have (or there is no table).
    UnknownCostItem,
    /// A cost mapping counts a unit cost in a way its unit does not allow.
    CostUnitMismatch,
    /// A price year with no deflator.
    UnknownPriceYear,
}

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
}

impl CostBasis {
    /// The name used in rules files.
    pub fn name(self) -> &'static str {
        match self {
            CostBasis::Fact => "fact",
            CostBasis::Person => "person",
            CostBasis::WeekOpen => "week_open",
        }
    }
}

/// A link from an indicator to a unit cost.
#[derive(Debug, Clone, PartialEq)]
pub struct CostMapping {
    /// Key in the unit-cost table.
    pub item: String,
    /// How units are counted.
    pub per: CostBasis,
    /// The unit cost at the rules' price year, in pounds.
    pub unit_value: f64,
}

/// A headline problem (2015 programme) or headline outcome / need (Supporting Families).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Key used in output and in the ground truth, e.g. `crime_asb`.
    pub key: String,
    /// Title for people.
    pub title: String,
}

/// One indicator: which facts of which people evidence a problem.
#[derive(Debug, Clone)]
pub struct Indicator {
    /// Unique key, e.g. `crime_asb.police_suspect_offender`.
    pub key: String,
    /// Index into [`Rules::problems`].
    pub problem: usize,
    /// What it means, for people.
    pub description: String,
    /// The source file stem the facts come from, e.g. `police`.
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
    profile: String,
    title: String,
    adult_from: u32,
    problems: Vec<Problem>,
    indicators: Vec<Indicator>,
    eligibility: Eligibility,
    priority: Priority,
    unit_costs: Option<UnitCosts>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    profile: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    /// Read by [`Rules::load`] before validation.
    #[serde(default)]
    #[allow(dead_code)]
    unit_costs: Option<String>,
    #[serde(default)]
    ages: Option<RawAges>,
    eligibility: RawEligibility,
    #[serde(default)]
    priority: Option<RawPriority>,
    problems: Vec<RawProblem>,
    #[serde(default)]
    indicators: Vec<toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAges {
    adult_from: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEligibility {
    min_problems: usize,
    #[serde(default)]
    require_dependent_child: bool,
    #[serde(default)]
    dependent_child_under: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPriority {
    #[serde(default)]
    problem_weight: Option<f64>,
    #[serde(default)]
    cost_weight: Option<f64>,
    #[serde(default)]
    cost_per_point: Option<f64>,
    #[serde(default)]
    intergenerational_weight: Option<f64>,
    #[serde(default)]
    price_year: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProblem {
    key: String,
    title: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    key: String,
    problem: String,
    #[serde(default)]
    description: String,
    source: String,
    event_type: String,
    #[serde(default)]
    condition: Option<String>,
    #[serde(default = "default_who")]
    who: Who,
    #[serde(default)]
    min_age: Option<u32>,
    #[serde(default)]
    max_age: Option<u32>,
    #[serde(default)]
    window: Option<toml::Table>,
    #[serde(default)]
    aggregate: Option<toml::Table>,
    #[serde(default)]
    costs: Vec<RawCost>,
}

fn default_who() -> Who {
    Who::Anyone
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCost {
    item: String,
    per: CostBasis,
}

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum RawWindow {
    Months {
        months: u32,
        #[serde(default)]
        basis: WindowBasis,
    },
    OpenOnAsAt,
    LastPeriods {
        count: u32,
    },
}
const WINDOW_KINDS: &str = "`months`, `open_on_as_at`, `last_periods`";

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum RawAggregate {
    Any,
    Count {
        at_least: u32,
    },
    Sum {
        value: String,
        at_least: f64,
    },
    Ratio {
        numerator: String,
        denominator: String,
        at_least: f64,
    },
}
const AGGREGATE_KINDS: &str = "`any`, `count`, `sum`, `ratio`";

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

impl Rules {
    /// Reads and validates a rules file. A `unit_costs = "..."` path in it is read relative
    /// to the rules file's folder.
    pub fn load(path: &Path) -> Result<Rules, RulesError> {
        let src = read(path)?;
        let file = path.display().to_string();
        let costs_path = unit_costs_path(&src, &file)?;
        let costs = match costs_path {
            Some(rel) => {
                let p = path.parent().unwrap_or(Path::new(".")).join(rel);
                let csrc = read(&p)?;
                Some(UnitCosts::from_toml_str(&csrc, &p.display().to_string())?)
            }
            None => None,
        };
        Rules::parse(&src, &file, costs)
    }

    /// Validates rules from text. `file` names the file in error messages; `unit_costs` is
    /// the table that cost mappings refer to (required when any indicator maps to a cost).
    pub fn parse(
        src: &str,
        file: &str,
        unit_costs: Option<UnitCosts>,
    ) -> Result<Rules, RulesError> {
        let err = |location: Location, kind: ErrorKind, message: String| RulesError::Invalid {
            file: file.to_string(),
            location,
            kind,
            message,
        };
        let raw: RawRules = toml::from_str(src).map_err(|e| {
            let kind = if e.message().starts_with("missing field") {
                ErrorKind::MissingField
            } else {
                ErrorKind::Syntax
            };
            err(Location::File, kind, e.to_string().trim().to_string())
        })?;
        if raw.profile.trim().is_empty() {
            return Err(err(
                Location::File,
                ErrorKind::BadValue,
                "profile is empty".into(),
            ));
        }
        if raw.problems.is_empty() {
            return Err(err(
                Location::File,
                ErrorKind::MissingField,
                "no [[problems]]: a profile needs at least one headline problem".into(),
            ));
        }
        let mut problems: Vec<Problem> = Vec::new();
        for p in raw.problems {
            if p.key.trim().is_empty() {
                return Err(err(
                    Location::File,
                    ErrorKind::BadValue,
                    "a problem has an empty key".into(),
                ));
            }
            if problems.iter().any(|q| q.key == p.key) {
                return Err(err(
                    Location::Problem(p.key),
                    ErrorKind::Duplicate,
                    "this key appears twice".into(),
                ));
            }
            problems.push(Problem {
                key: p.key,
                title: p.title,
            });
        }
        let adult_from = raw.ages.map_or(18, |a| a.adult_from);
        let eligibility = Eligibility {
            min_problems: raw.eligibility.min_problems,
            require_dependent_child: raw.eligibility.require_dependent_child,
            dependent_child_under: raw.eligibility.dependent_child_under.unwrap_or(adult_from),
        };
        if eligibility.min_problems == 0 || eligibility.min_problems > problems.len() {
            return Err(err(
                Location::Section("eligibility".into()),
                ErrorKind::BadValue,
                format!(
                    "min_problems must be between 1 and the number of problems ({}); it is {}",
                    problems.len(),
                    eligibility.min_problems
                ),
            ));
        }
        let rp = raw.priority.unwrap_or(RawPriority {
            problem_weight: None,
            cost_weight: None,
            cost_per_point: None,
            intergenerational_weight: None,
            price_year: None,
        });
        let priority = Priority {
            problem_weight: rp.problem_weight.unwrap_or(1.0),
            cost_weight: rp.cost_weight.unwrap_or(1.0),
            cost_per_point: rp.cost_per_point.unwrap_or(10_000.0),
            intergenerational_weight: rp.intergenerational_weight.unwrap_or(0.5),
            price_year: rp.price_year.or_else(|| {
                unit_costs
                    .as_ref()
                    .map(|c| c.default_price_year().to_string())
            }),
        };
        for (name, w) in [
            ("problem_weight", priority.problem_weight),
            ("cost_weight", priority.cost_weight),
            (
                "intergenerational_weight",
                priority.intergenerational_weight,
            ),
        ] {
            if !w.is_finite() {
                return Err(err(
                    Location::Section("priority".into()),
                    ErrorKind::BadValue,
                    format!("{name} must be a finite number"),
                ));
            }
        }
        if !(priority.cost_per_point.is_finite() && priority.cost_per_point > 0.0) {
            return Err(err(
                Location::Section("priority".into()),
                ErrorKind::BadValue,
                "cost_per_point must be a positive number of pounds".into(),
            ));
        }
        if let (Some(py), Some(c)) = (&priority.price_year, &unit_costs) {
            if !c.has_price_year(py) {
                return Err(err(
                    Location::Section("priority".into()),
                    ErrorKind::UnknownPriceYear,
                    format!("price_year `{py}` has no deflator in the unit-cost table"),
                ));
            }
        }

        let mut indicators: Vec<Indicator> = Vec::new();
        for (i, table) in raw.indicators.into_iter().enumerate() {
            let key = table
                .get("key")
                .and_then(|k| k.as_str())
                .map(str::to_string)
                .unwrap_or_else(|| format!("#{}", i + 1));
            let at = || Location::Indicator(key.clone());
            let ri: RawIndicator = table.try_into().map_err(|e: toml::de::Error| {
                let m = e.message().trim().to_string();
                let kind = if m.starts_with("missing field") {
                    ErrorKind::MissingField
                } else {
                    ErrorKind::Syntax
                };
                err(at(), kind, m)
            })?;
            if indicators.iter().any(|x| x.key == ri.key) {
                return Err(err(
                    at(),
                    ErrorKind::Duplicate,
                    "this key appears twice".into(),
                ));
            }
            let problem = problems
                .iter()
                .position(|p| p.key == ri.problem)
                .ok_or_else(|| {
                    err(
                        at(),
                        ErrorKind::UnknownProblem,
                        format!(
                            "problem `{}` is not one of the file's problems ({})",
                            ri.problem,
                            problems
                                .iter()
                                .map(|p| p.key.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                })?;
            if ri.source.trim().is_empty() || ri.event_type.trim().is_empty() {
                return Err(err(
                    at(),
                    ErrorKind::BadValue,
                    "source and event_type must not be empty".into(),
                ));
            }
            let expr = |what: &str, s: &str| {
                Expression::parse(s).map_err(|m| {
                    err(
                        at(),
                        ErrorKind::BadExpression,
                        format!("{what} `{s}` does not parse: {m}"),
                    )
                })
            };
            let condition = match ri.condition.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(c) => Some(expr("condition", c)?),
            };
            if let (Some(lo), Some(hi)) = (ri.min_age, ri.max_age) {
                if lo > hi {
                    return Err(err(
                        at(),
                        ErrorKind::BadValue,
                        format!("min_age {lo} is above max_age {hi}"),
                    ));
                }
            }
            let window = {
                let t = ri.window.ok_or_else(|| {
                    err(
                        at(),
                        ErrorKind::MissingWindow,
                        format!(
                            "no window: say which facts count, with kind = one of {WINDOW_KINDS}"
                        ),
                    )
                })?;
                check_kind(
                    &t,
                    WINDOW_KINDS,
                    &["months", "open_on_as_at", "last_periods"],
                )
                .map_err(|m| err(at(), ErrorKind::UnknownWindow, format!("window {m}")))?;
                let w: RawWindow = t.try_into().map_err(|e: toml::de::Error| {
                    err(
                        at(),
                        ErrorKind::Syntax,
                        format!("window: {}", e.message().trim()),
                    )
                })?;
                match w {
                    RawWindow::Months { months, basis } => {
                        if months == 0 {
                            return Err(err(
                                at(),
                                ErrorKind::BadValue,
                                "window months must be 1 or more".into(),
                            ));
                        }
                        Window::Months { months, basis }
                    }
                    RawWindow::OpenOnAsAt => Window::OpenOnAsAt,
                    RawWindow::LastPeriods { count } => {
                        if count == 0 {
                            return Err(err(
                                at(),
                                ErrorKind::BadValue,
                                "window count must be 1 or more".into(),
                            ));
                        }
                        Window::LastPeriods { count }
                    }
                }
            };
            let aggregate = match ri.aggregate {
                None => Aggregate::Any,
                Some(t) => {
                    check_kind(&t, AGGREGATE_KINDS, &["any", "count", "sum", "ratio"]).map_err(
                        |m| {
                            err(
                                at(),
                                ErrorKind::UnknownAggregation,
                                format!("aggregate {m}"),
                            )
                        },
                    )?;
                    let a: RawAggregate = t.try_into().map_err(|e: toml::de::Error| {
                        err(
                            at(),
                            ErrorKind::Syntax,
                            format!("aggregate: {}", e.message().trim()),
                        )
                    })?;
                    let threshold = |x: f64| {
                        if x.is_finite() && x >= 0.0 {
                            Ok(x)
                        } else {
                            Err(err(
                                at(),
                                ErrorKind::BadValue,
                                "at_least must be a number, 0 or more".into(),
                            ))
                        }
                    };
                    match a {
                        RawAggregate::Any => Aggregate::Any,
                        RawAggregate::Count { at_least } => Aggregate::Count { at_least },
                        RawAggregate::Sum { value, at_least } => Aggregate::Sum {
                            value: expr("value", &value)?,
                            at_least: threshold(at_least)?,
                        },
                        RawAggregate::Ratio {
                            numerator,
                            denominator,
                            at_least,
                        } => Aggregate::Ratio {
                            numerator: expr("numerator", &numerator)?,
                            denominator: expr("denominator", &denominator)?,
                            at_least: threshold(at_least)?,
                        },
                    }
                }
            };
            let mut costs = Vec::new();
            for c in ri.costs {
                let table = unit_costs.as_ref().ok_or_else(|| {
                    err(
                        at(),
                        ErrorKind::UnknownCostItem,
                        format!("maps to cost item `{}` but the rules name no unit-cost table (unit_costs = \"...\")", c.item),
                    )
                })?;
                let row = table.get(&c.item).ok_or_else(|| {
                    err(
                        at(),
                        ErrorKind::UnknownCostItem,
                        format!("cost item `{}` is not in the unit-cost table", c.item),
                    )
                })?;
                // Weekly costs need weeks; anything else is counted per fact or per person.
                if (row.unit == CostUnit::Week) != (c.per == CostBasis::WeekOpen) {
                    return Err(err(
                        at(),
                        ErrorKind::CostUnitMismatch,
                        format!(
                            "cost item `{}` is per {} but is counted per = \"{}\"; weekly costs need per = \"week_open\" and only they may use it",
                            c.item,
                            row.unit.name(),
                            c.per.name()
                        ),
                    ));
                }
                let py = priority
                    .price_year
                    .as_deref()
                    .unwrap_or(table.default_price_year());
                let unit_value = table.uplifted(&c.item, py).unwrap_or(row.value);
                costs.push(CostMapping {
                    item: c.item,
                    per: c.per,
                    unit_value,
                });
            }
            indicators.push(Indicator {
                key: ri.key,
                problem,
                description: ri.description,
                source: ri.source,
                event_type: ri.event_type,
                condition,
                who: ri.who,
                min_age: ri.min_age,
                max_age: ri.max_age,
                window,
                aggregate,
                costs,
            });
        }
        Ok(Rules {
            profile: raw.profile,
            title: raw.title.unwrap_or_default(),
            adult_from,
            problems,
            indicators,
            eligibility,
            priority,
            unit_costs,
        })
    }

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
    /// partner source yet): they can never be found by [`crate::identify`].
    pub fn problems_without_indicators(&self) -> Vec<&Problem> {
        self.problems
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.indicators.iter().any(|x| x.problem == *i))
            .map(|(_, p)| p)
            .collect()
    }
}

fn read(path: &Path) -> Result<String, RulesError> {
    std::fs::read_to_string(path).map_err(|source| RulesError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// The `unit_costs` path of a rules file, read before full validation.
fn unit_costs_path(src: &str, file: &str) -> Result<Option<String>, RulesError> {
    let v: toml::Table = toml::from_str(src).map_err(|e| RulesError::Invalid {
        file: file.to_string(),
        location: Location::File,
        kind: ErrorKind::Syntax,
        message: e.to_string().trim().to_string(),
    })?;
    Ok(v.get("unit_costs")
        .and_then(|x| x.as_str())
        .map(str::to_string))
}

fn check_kind(t: &toml::Table, allowed: &str, kinds: &[&str]) -> Result<(), String> {
    match t.get("kind") {
        None => Err(format!("has no kind; use one of {allowed}")),
        Some(k) => match k.as_str() {
            Some(s) if kinds.contains(&s) => Ok(()),
            Some(s) => Err(format!("kind `{s}` is not known; use one of {allowed}")),
            None => Err(format!("kind must be text, one of {allowed}")),
        },
    }
}
