//! Validating a rules file that has been read: raw structs to [`Rules`], checking each value
//! (keys unique and known, expressions parse, numbers in range, cost mappings fit the unit-cost
//! table) and reporting the first mistake, in file order, with its file and location. It does
//! not read TOML (that is `read`).

use super::indicator::{Aggregate, CostBasis, CostMapping, Indicator, Window};
use super::profile::{Eligibility, Priority, Problem, Rules};
use super::read::{
    RawAggregate, RawCost, RawIndicator, RawIndicatorEntry, RawPriority, RawProblem, RawRules,
    RawWindow, ReadError, WINDOW_KINDS,
};
use crate::costs::{CostUnit, UnitCosts};
use crate::error::{ErrorKind, Location, RulesError};
use crate::expr::Expression;

/// Makes errors about one file.
#[derive(Clone, Copy)]
struct Errors<'a> {
    file: &'a str,
}

impl Errors<'_> {
    fn at(self, location: Location, kind: ErrorKind, message: String) -> RulesError {
        RulesError::Invalid {
            file: self.file.to_string(),
            location,
            kind,
            message,
        }
    }

    fn read(self, location: Location, e: ReadError) -> RulesError {
        self.at(location, e.kind, e.message)
    }
}

/// Validates rules that have been read, or says what is wrong (the first mistake).
pub(super) fn rules(
    raw: RawRules,
    file: &str,
    unit_costs: Option<UnitCosts>,
) -> Result<Rules, RulesError> {
    let err = Errors { file };
    if raw.profile.trim().is_empty() {
        return Err(err.at(
            Location::File,
            ErrorKind::BadValue,
            "profile is empty".into(),
        ));
    }
    let problems = problems(raw.problems, err)?;
    let adult_from = raw.ages.map_or(18, |a| a.adult_from);
    let eligibility = Eligibility {
        min_problems: raw.eligibility.min_problems,
        require_dependent_child: raw.eligibility.require_dependent_child,
        dependent_child_under: raw.eligibility.dependent_child_under.unwrap_or(adult_from),
    };
    if eligibility.min_problems == 0 || eligibility.min_problems > problems.len() {
        return Err(err.at(
            Location::Section("eligibility".into()),
            ErrorKind::BadValue,
            format!(
                "min_problems must be between 1 and the number of problems ({}); it is {}",
                problems.len(),
                eligibility.min_problems
            ),
        ));
    }
    let priority = priority(raw.priority.unwrap_or_default(), unit_costs.as_ref(), err)?;
    let mut indicators: Vec<Indicator> = Vec::new();
    for entry in raw.indicators {
        let RawIndicatorEntry { key, read } = entry;
        let at = || Location::Indicator(key.clone());
        let ri = read.map_err(|e| err.read(at(), e))?;
        if indicators.iter().any(|x| x.key == ri.key) {
            return Err(err.at(at(), ErrorKind::Duplicate, "this key appears twice".into()));
        }
        let indicator = indicator(ri, &problems, &priority, unit_costs.as_ref(), &at, err)?;
        indicators.push(indicator);
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

fn problems(raw: Vec<RawProblem>, err: Errors) -> Result<Vec<Problem>, RulesError> {
    if raw.is_empty() {
        return Err(err.at(
            Location::File,
            ErrorKind::MissingField,
            "no [[problems]]: a profile needs at least one headline problem".into(),
        ));
    }
    let mut problems: Vec<Problem> = Vec::new();
    for p in raw {
        if p.key.trim().is_empty() {
            return Err(err.at(
                Location::File,
                ErrorKind::BadValue,
                "a problem has an empty key".into(),
            ));
        }
        if problems.iter().any(|q| q.key == p.key) {
            return Err(err.at(
                Location::Problem(p.key),
                ErrorKind::Duplicate,
                "this key appears twice".into(),
            ));
        }
        let label = p
            .label
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| p.title.clone());
        problems.push(Problem {
            key: p.key,
            title: p.title,
            label,
        });
    }
    Ok(problems)
}

fn priority(
    rp: RawPriority,
    unit_costs: Option<&UnitCosts>,
    err: Errors,
) -> Result<Priority, RulesError> {
    let priority = Priority {
        problem_weight: rp.problem_weight.unwrap_or(1.0),
        cost_weight: rp.cost_weight.unwrap_or(1.0),
        cost_per_point: rp.cost_per_point.unwrap_or(10_000.0),
        intergenerational_weight: rp.intergenerational_weight.unwrap_or(0.5),
        price_year: rp
            .price_year
            .or_else(|| unit_costs.map(|c| c.default_price_year().to_string())),
    };
    let at = || Location::Section("priority".into());
    for (name, w) in [
        ("problem_weight", priority.problem_weight),
        ("cost_weight", priority.cost_weight),
        (
            "intergenerational_weight",
            priority.intergenerational_weight,
        ),
    ] {
        if !w.is_finite() {
            return Err(err.at(
                at(),
                ErrorKind::BadValue,
                format!("{name} must be a finite number"),
            ));
        }
    }
    if !(priority.cost_per_point.is_finite() && priority.cost_per_point > 0.0) {
        return Err(err.at(
            at(),
            ErrorKind::BadValue,
            "cost_per_point must be a positive number of pounds".into(),
        ));
    }
    if let (Some(py), Some(c)) = (&priority.price_year, unit_costs) {
        if !c.has_price_year(py) {
            return Err(err.at(
                at(),
                ErrorKind::UnknownPriceYear,
                format!("price_year `{py}` has no deflator in the unit-cost table"),
            ));
        }
    }
    Ok(priority)
}

/// Validates one indicator (its key already checked to be new). `at` is where its errors are.
fn indicator(
    ri: RawIndicator,
    problems: &[Problem],
    priority: &Priority,
    unit_costs: Option<&UnitCosts>,
    at: &dyn Fn() -> Location,
    err: Errors,
) -> Result<Indicator, RulesError> {
    let problem = problems
        .iter()
        .position(|p| p.key == ri.problem)
        .ok_or_else(|| {
            err.at(
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
        return Err(err.at(
            at(),
            ErrorKind::BadValue,
            "source and event_type must not be empty".into(),
        ));
    }
    let expr = |what: &str, s: &str| {
        Expression::parse(s).map_err(|m| {
            err.at(
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
            return Err(err.at(
                at(),
                ErrorKind::BadValue,
                format!("min_age {lo} is above max_age {hi}"),
            ));
        }
    }
    let window = window(ri.window, at, err)?;
    let aggregate = match ri.aggregate {
        None => Aggregate::Any,
        Some(a) => {
            let a = a.map_err(|e| err.read(at(), e))?;
            let threshold = |x: f64| {
                if x.is_finite() && x >= 0.0 {
                    Ok(x)
                } else {
                    Err(err.at(
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
    let costs = costs(ri.costs, priority, unit_costs, at, err)?;
    Ok(Indicator {
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
    })
}

fn window(
    raw: Option<Result<RawWindow, ReadError>>,
    at: &dyn Fn() -> Location,
    err: Errors,
) -> Result<Window, RulesError> {
    let w = raw
        .ok_or_else(|| {
            err.at(
                at(),
                ErrorKind::MissingWindow,
                format!("no window: say which facts count, with kind = one of {WINDOW_KINDS}"),
            )
        })?
        .map_err(|e| err.read(at(), e))?;
    Ok(match w {
        RawWindow::Months { months, basis } => {
            if months == 0 {
                return Err(err.at(
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
                return Err(err.at(
                    at(),
                    ErrorKind::BadValue,
                    "window count must be 1 or more".into(),
                ));
            }
            Window::LastPeriods { count }
        }
    })
}

fn costs(
    raw: Vec<RawCost>,
    priority: &Priority,
    unit_costs: Option<&UnitCosts>,
    at: &dyn Fn() -> Location,
    err: Errors,
) -> Result<Vec<CostMapping>, RulesError> {
    let mut costs = Vec::new();
    for c in raw {
        let table = unit_costs.ok_or_else(|| {
            err.at(
                at(),
                ErrorKind::UnknownCostItem,
                format!("maps to cost item `{}` but the rules name no unit-cost table (unit_costs = \"...\")", c.item),
            )
        })?;
        let row = table.get(&c.item).ok_or_else(|| {
            err.at(
                at(),
                ErrorKind::UnknownCostItem,
                format!("cost item `{}` is not in the unit-cost table", c.item),
            )
        })?;
        // Each way of counting fits some units only: counting facts of a per-person or
        // per-year cost, or people of a per-incident cost, is how unit costs get misapplied.
        let allowed: &[CostUnit] = match c.per {
            CostBasis::WeekOpen => &[CostUnit::Week],
            CostBasis::Fact | CostBasis::Incident => &[CostUnit::Incident],
            CostBasis::Person => &[CostUnit::Person, CostUnit::Year],
            CostBasis::FirstTime => &[CostUnit::Person],
        };
        if !allowed.contains(&row.unit) {
            let names: Vec<&str> = allowed.iter().map(|u| u.name()).collect();
            let fits = match row.unit {
                CostUnit::Week => "per = \"week_open\"",
                CostUnit::Incident => "per = \"fact\" or \"incident\"",
                CostUnit::Person => "per = \"person\" or \"first_time\"",
                CostUnit::Year => "per = \"person\"",
                CostUnit::Month => {
                    "nothing in a rules profile (months are counted by the cost savings calculator)"
                }
            };
            return Err(err.at(
                at(),
                ErrorKind::CostUnitMismatch,
                format!(
                    "cost item `{}` is per {} but is counted per = \"{}\", which fits only costs per {}; a cost per {} is counted {fits}",
                    c.item,
                    row.unit.name(),
                    c.per.name(),
                    names.join(" or "),
                    row.unit.name(),
                ),
            ));
        }
        if (c.per == CostBasis::Incident) != c.distinct_by.is_some() {
            return Err(err.at(
                at(),
                ErrorKind::CostUnitMismatch,
                format!(
                    "cost item `{}`: per = \"incident\" needs distinct_by = \"<the attribute naming an incident>\", and only it may have one",
                    c.item
                ),
            ));
        }
        let when = match &c.when {
            None => None,
            Some(w) => Some(Expression::parse(w).map_err(|e| {
                err.at(
                    at(),
                    ErrorKind::BadExpression,
                    format!("cost item `{}`: when: {e}", c.item),
                )
            })?),
        };
        let py = priority
            .price_year
            .as_deref()
            .unwrap_or(table.default_price_year());
        let unit_value = table.uplifted(&c.item, py).unwrap_or(row.value);
        costs.push(CostMapping {
            item: c.item,
            per: c.per,
            unit_value,
            when,
            who: c.who.unwrap_or(crate::rules::Who::Anyone),
            distinct_by: c.distinct_by,
        });
    }
    Ok(costs)
}
