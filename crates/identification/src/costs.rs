//! The unit-cost table: what one incident, week or year of a service costs the public purse,
//! with a deflator table to bring every value to one price year.

use crate::error::{ErrorKind, Location, RulesError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a unit cost is counted per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostUnit {
    /// One event: an A&E attendance, an arrest, an eviction.
    Incident,
    /// One week of a service (weeks in care, weeks homeless).
    Week,
    /// One month of a service (months served in custody).
    Month,
    /// One year of a status (a benefit claimant, a child in need case).
    Year,
    /// One person (e.g. a victim of domestic abuse, per year).
    Person,
}

impl CostUnit {
    /// The name used in unit-cost files.
    pub fn name(self) -> &'static str {
        match self {
            CostUnit::Incident => "incident",
            CostUnit::Week => "week",
            CostUnit::Month => "month",
            CostUnit::Year => "year",
            CostUnit::Person => "person",
        }
    }
}

/// Whether a value is a cost to a public agency's budget or a wider economic/social cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CostKind {
    /// A cost to a named agency's budget (the "cost to the public purse").
    #[default]
    Fiscal,
    /// Economic and social costs (lost output, harm to wellbeing), not only budgets.
    EconomicSocial,
}

/// How far a value can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Checked against the cited source.
    #[default]
    Sourced,
    /// From the cited source as recalled, not re-checked: good enough to rank families,
    /// not to report savings. Replace with the checked value before publishing figures.
    Indicative,
    /// Not taken from any source: a value of the right order so that an item can be counted
    /// at all, for the council to replace. Never to be reported as a saving.
    Placeholder,
}

impl Confidence {
    /// The name used in unit-cost files and on pages.
    pub fn name(self) -> &'static str {
        match self {
            Confidence::Sourced => "sourced",
            Confidence::Indicative => "indicative",
            Confidence::Placeholder => "placeholder",
        }
    }
}

/// One row of the unit-cost table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitCost {
    /// Key the rules file refers to, e.g. `ae_attendance_not_admitted`.
    pub key: String,
    /// What is being costed, in plain English.
    pub description: String,
    /// Value in pounds at `price_year` prices.
    pub value: f64,
    /// What the value is per.
    pub unit: CostUnit,
    /// Financial year of the prices, e.g. `2013-14`.
    pub price_year: String,
    /// Who bears the cost (NHS, police, local authority, DWP...).
    pub agency: String,
    /// The citation.
    pub source: String,
    /// Fiscal or economic/social.
    #[serde(default)]
    pub kind: CostKind,
    /// How far the value can be trusted.
    #[serde(default)]
    pub confidence: Confidence,
    /// What to check, or how the value was chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The table of unit costs and the deflators that uplift them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitCosts {
    default_price_year: String,
    deflators: BTreeMap<String, f64>,
    costs: BTreeMap<String, UnitCost>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnitCosts {
    #[serde(default)]
    #[allow(dead_code)]
    title: Option<String>,
    default_price_year: String,
    #[serde(default)]
    #[allow(dead_code)]
    deflator_source: Option<String>,
    deflators: Vec<RawDeflator>,
    costs: Vec<toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeflator {
    year: String,
    index: f64,
}

impl UnitCosts {
    /// Parses a unit-cost table. `file` names the file in error messages.
    pub fn from_toml_str(src: &str, file: &str) -> Result<UnitCosts, RulesError> {
        let err = |location: Location, kind: ErrorKind, message: String| RulesError::Invalid {
            file: file.to_string(),
            location,
            kind,
            message,
        };
        let raw: RawUnitCosts = toml::from_str(src)
            .map_err(|e| err(Location::File, ErrorKind::Syntax, e.to_string()))?;
        let mut deflators = BTreeMap::new();
        for d in raw.deflators {
            if !(d.index.is_finite() && d.index > 0.0) {
                return Err(err(
                    Location::Deflator(d.year),
                    ErrorKind::BadValue,
                    "a deflator index must be a positive number".into(),
                ));
            }
            if deflators.insert(d.year.clone(), d.index).is_some() {
                return Err(err(
                    Location::Deflator(d.year),
                    ErrorKind::Duplicate,
                    "this year appears twice".into(),
                ));
            }
        }
        if !deflators.contains_key(&raw.default_price_year) {
            return Err(err(
                Location::File,
                ErrorKind::UnknownPriceYear,
                format!(
                    "default_price_year `{}` has no deflator",
                    raw.default_price_year
                ),
            ));
        }
        let mut costs = BTreeMap::new();
        for (i, table) in raw.costs.into_iter().enumerate() {
            let key = table
                .get("key")
                .and_then(|k| k.as_str())
                .map(str::to_string)
                .unwrap_or_else(|| format!("#{}", i + 1));
            let row: UnitCost = table.try_into().map_err(|e: toml::de::Error| {
                err(
                    Location::UnitCost(key.clone()),
                    ErrorKind::Syntax,
                    e.message().trim().to_string(),
                )
            })?;
            if !(row.value.is_finite() && row.value >= 0.0) {
                return Err(err(
                    Location::UnitCost(key),
                    ErrorKind::BadValue,
                    "value must be a number of pounds, 0 or more".into(),
                ));
            }
            if !deflators.contains_key(&row.price_year) {
                return Err(err(
                    Location::UnitCost(key),
                    ErrorKind::UnknownPriceYear,
                    format!(
                        "price year `{}` has no deflator in this file",
                        row.price_year
                    ),
                ));
            }
            if costs.insert(row.key.clone(), row).is_some() {
                return Err(err(
                    Location::UnitCost(key),
                    ErrorKind::Duplicate,
                    "this key appears twice".into(),
                ));
            }
        }
        Ok(UnitCosts {
            default_price_year: raw.default_price_year,
            deflators,
            costs,
        })
    }

    /// The price year used unless the rules choose another.
    pub fn default_price_year(&self) -> &str {
        &self.default_price_year
    }

    /// A row by key.
    pub fn get(&self, key: &str) -> Option<&UnitCost> {
        self.costs.get(key)
    }

    /// All rows, sorted by key.
    pub fn iter(&self) -> impl Iterator<Item = &UnitCost> {
        self.costs.values()
    }

    /// The deflator index of `year`, if the table has one.
    pub fn deflator(&self, year: &str) -> Option<f64> {
        self.deflators.get(year).copied()
    }

    /// Whether the table has a deflator for `year`.
    pub fn has_price_year(&self, year: &str) -> bool {
        self.deflators.contains_key(year)
    }

    /// The value of `key` uplifted to `price_year` prices:
    /// `value × deflator[price_year] ÷ deflator[row's price year]`.
    pub fn uplifted(&self, key: &str, price_year: &str) -> Option<f64> {
        let row = self.costs.get(key)?;
        let to = self.deflators.get(price_year)?;
        let from = self.deflators.get(&row.price_year)?;
        Some(row.value * to / from)
    }
}
