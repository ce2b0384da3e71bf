//! Reading a rules file: TOML text to raw structs through serde, with no checks beyond the
//! format's shape (field names and types, the `kind` of a window or aggregation). Each
//! indicator, window and aggregation is read on its own and keeps its own reading error, so
//! that validation can report mistakes in file order, indicator by indicator. It does not
//! decide whether the values make sense (that is `validate`) or touch the file system except
//! in [`read_file`].

use super::indicator::{CostBasis, Who, WindowBasis};
use crate::error::{ErrorKind, Location, RulesError};
use serde::Deserialize;
use std::path::Path;

/// A mistake found while reading: its kind and message. Validation adds the location.
#[derive(Debug)]
pub(super) struct ReadError {
    pub kind: ErrorKind,
    pub message: String,
}

/// Syntax, or `MissingField` when serde's own message (without the position that `message`
/// may carry) says a field is missing.
fn syntax_or_missing(e: &toml::de::Error, message: String) -> ReadError {
    let kind = if e.message().starts_with("missing field") {
        ErrorKind::MissingField
    } else {
        ErrorKind::Syntax
    };
    ReadError { kind, message }
}

/// The file as serde reads it; indicators stay tables until [`rules`] reads each one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    profile: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    /// Read by `Rules::load` before validation (see [`unit_costs_path`]).
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

/// A rules file as read, before validation.
pub(super) struct RawRules {
    pub profile: String,
    pub title: Option<String>,
    pub ages: Option<RawAges>,
    pub eligibility: RawEligibility,
    pub priority: Option<RawPriority>,
    pub problems: Vec<RawProblem>,
    /// In file order.
    pub indicators: Vec<RawIndicatorEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAges {
    pub adult_from: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEligibility {
    pub min_problems: usize,
    #[serde(default)]
    pub require_dependent_child: bool,
    #[serde(default)]
    pub dependent_child_under: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPriority {
    #[serde(default)]
    pub problem_weight: Option<f64>,
    #[serde(default)]
    pub cost_weight: Option<f64>,
    #[serde(default)]
    pub cost_per_point: Option<f64>,
    #[serde(default)]
    pub intergenerational_weight: Option<f64>,
    #[serde(default)]
    pub price_year: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawProblem {
    pub key: String,
    pub title: String,
    pub label: Option<String>,
}

/// One `[[indicators]]` entry as read.
pub(super) struct RawIndicatorEntry {
    /// The entry's `key`, or `#n` (1-based position) when it has none: where its errors are.
    pub key: String,
    /// Its fields, or why they could not be read.
    pub read: Result<RawIndicator, ReadError>,
}

/// An indicator's fields as read.
pub(super) struct RawIndicator {
    pub key: String,
    pub problem: String,
    pub description: String,
    pub source: String,
    pub event_type: String,
    pub condition: Option<String>,
    pub who: Who,
    pub min_age: Option<u32>,
    pub max_age: Option<u32>,
    /// `None` when the entry has no window.
    pub window: Option<Result<RawWindow, ReadError>>,
    /// `None` when the entry has no aggregation.
    pub aggregate: Option<Result<RawAggregate, ReadError>>,
    pub costs: Vec<RawCost>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicatorFields {
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
pub(super) struct RawCost {
    pub item: String,
    pub per: CostBasis,
    #[serde(default)]
    pub when: Option<String>,
    #[serde(default)]
    pub who: Option<super::indicator::Who>,
    #[serde(default)]
    pub distinct_by: Option<String>,
}

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub(super) enum RawWindow {
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

/// The window kinds, for messages.
pub(super) const WINDOW_KINDS: &str = "`months`, `open_on_as_at`, `last_periods`";

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub(super) enum RawAggregate {
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

/// Reads a rules file's text. An error here is about the file as a whole.
pub(super) fn rules(src: &str) -> Result<RawRules, ReadError> {
    let raw: RawFile =
        toml::from_str(src).map_err(|e| syntax_or_missing(&e, e.to_string().trim().to_string()))?;
    Ok(RawRules {
        profile: raw.profile,
        title: raw.title,
        ages: raw.ages,
        eligibility: raw.eligibility,
        priority: raw.priority,
        problems: raw.problems,
        indicators: raw
            .indicators
            .into_iter()
            .enumerate()
            .map(|(i, table)| indicator(i, table))
            .collect(),
    })
}

/// Reads the `i`th (0-based) `[[indicators]]` table.
fn indicator(i: usize, table: toml::Table) -> RawIndicatorEntry {
    let key = table
        .get("key")
        .and_then(|k| k.as_str())
        .map(str::to_string)
        .unwrap_or_else(|| format!("#{}", i + 1));
    let read = table
        .try_into()
        .map_err(|e: toml::de::Error| syntax_or_missing(&e, e.message().trim().to_string()))
        .map(|f: RawIndicatorFields| RawIndicator {
            key: f.key,
            problem: f.problem,
            description: f.description,
            source: f.source,
            event_type: f.event_type,
            condition: f.condition,
            who: f.who,
            min_age: f.min_age,
            max_age: f.max_age,
            window: f.window.map(window),
            aggregate: f.aggregate.map(aggregate),
            costs: f.costs,
        });
    RawIndicatorEntry { key, read }
}

fn window(t: toml::Table) -> Result<RawWindow, ReadError> {
    check_kind(
        &t,
        WINDOW_KINDS,
        &["months", "open_on_as_at", "last_periods"],
    )
    .map_err(|m| ReadError {
        kind: ErrorKind::UnknownWindow,
        message: format!("window {m}"),
    })?;
    t.try_into().map_err(|e: toml::de::Error| ReadError {
        kind: ErrorKind::Syntax,
        message: format!("window: {}", e.message().trim()),
    })
}

fn aggregate(t: toml::Table) -> Result<RawAggregate, ReadError> {
    check_kind(&t, AGGREGATE_KINDS, &["any", "count", "sum", "ratio"]).map_err(|m| ReadError {
        kind: ErrorKind::UnknownAggregation,
        message: format!("aggregate {m}"),
    })?;
    t.try_into().map_err(|e: toml::de::Error| ReadError {
        kind: ErrorKind::Syntax,
        message: format!("aggregate: {}", e.message().trim()),
    })
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

/// Reads a file's text.
pub(super) fn read_file(path: &Path) -> Result<String, RulesError> {
    std::fs::read_to_string(path).map_err(|source| RulesError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// The `unit_costs` path of a rules file, read before full validation.
pub(super) fn unit_costs_path(src: &str, file: &str) -> Result<Option<String>, RulesError> {
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
