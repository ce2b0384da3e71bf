//! The calculator's rules (`rules/savings.toml`): the windows, the appraisal's parameters and
//! the items counted (Appendix 2's 38 and any local ones), each with how it is counted and
//! the unit cost that prices it. Reading and checking only; counting is `count`.

use crate::error::SavingsError;
use hearth_identification::{Confidence, CostUnit, Expression, UnitCosts, Who};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// `[coverage]`: how an item's data reach is worked out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageRules {
    /// Share of the latest dates of a kind dropped as outliers (0.001: the latest thousandth).
    pub outliers: f64,
    /// Days added to a source's reach for its regular quiet spells, by source.
    pub quiet_days: BTreeMap<String, u32>,
    /// Item keys measured by their records' ends only (benefits closed to new claims).
    pub closed_to_new: Vec<String>,
}

impl Default for CoverageRules {
    fn default() -> Self {
        CoverageRules {
            outliers: 0.001,
            quiet_days: BTreeMap::new(),
            closed_to_new: Vec::new(),
        }
    }
}

/// How an item's service use is counted in a window. Each fits some cost units only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Count {
    /// Distinct incidents dated in the window (by `distinct_by`, e.g. the police occurrence
    /// reference, so an incident with three family members in it is one); without
    /// `distinct_by` each fact is one (a duplicated record still counts once). "No. of
    /// incidents of...", "No. of ... attendances", "No. of evictions".
    Incidents,
    /// Family members with a matching fact in the window: "No. of adults claiming...",
    /// "No. of children in need cases", "(per year)".
    People,
    /// Family members whose first matching fact ever is in the window: "No. of first time
    /// entrants".
    FirstTime,
    /// Weeks the matching episodes overlap the window: "No. of weeks...".
    Weeks,
    /// Months the matching episodes overlap the window: "No. of months served...".
    Months,
}

impl Count {
    /// The name used in the rules file.
    pub fn name(self) -> &'static str {
        match self {
            Count::Incidents => "incidents",
            Count::People => "people",
            Count::FirstTime => "first_time",
            Count::Weeks => "weeks",
            Count::Months => "months",
        }
    }

    /// The cost units this way of counting may price. Counting people of a per-incident cost,
    /// or incidents of a per-person cost, is how unit costs get misapplied.
    pub fn units(self) -> &'static [CostUnit] {
        match self {
            Count::Incidents => &[CostUnit::Incident],
            Count::People => &[CostUnit::Person, CostUnit::Year],
            Count::FirstTime => &[CostUnit::Person],
            Count::Weeks => &[CostUnit::Week],
            Count::Months => &[CostUnit::Month],
        }
    }
}

/// Which dates of a fact place it in a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Dates {
    /// The event date is in the window (incidents, contacts).
    #[default]
    EventDate,
    /// The period from the event date to the end date (open: to the as-at date) overlaps the
    /// window (claims, episodes).
    Overlaps,
}

/// The GMCA cost-benefit appraisal's parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Appraisal {
    /// Discount rate a year (HM Treasury Green Book: 3.5%).
    pub discount_rate: f64,
    /// Years a saving lasts, counting the first year after attachment as year 0.
    pub benefit_years: u32,
    /// Share of the saving lost each further year.
    pub drop_off: f64,
    /// Share of the change that would have happened anyway, unless an item says otherwise.
    pub deadweight: f64,
    /// The council's cost of working with one family, at the price year.
    pub programme_cost_per_family: f64,
    /// Optimism bias correction by the unit cost's confidence: the share of a saving taken off.
    pub optimism_bias: OptimismBias,
}

/// Optimism bias correction by confidence in the unit cost.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptimismBias {
    /// For values checked against their source.
    pub sourced: f64,
    /// For values as recalled from their source.
    pub indicative: f64,
    /// For placeholders of the right order.
    pub placeholder: f64,
}

impl OptimismBias {
    /// The correction for a value of this confidence.
    pub fn for_confidence(&self, c: Confidence) -> f64 {
        match c {
            Confidence::Sourced => self.sourced,
            Confidence::Indicative => self.indicative,
            Confidence::Placeholder => self.placeholder,
        }
    }
}

/// A sum over one item's matching facts in the window that a member must reach to be counted
/// (e.g. sessions missed ≥ 50: "missing at least five weeks of school").
#[derive(Debug, Clone)]
pub struct Threshold {
    /// The value summed.
    pub sum: Expression,
    /// The least total counted.
    pub at_least: f64,
}

/// One item of the calculator.
#[derive(Debug, Clone)]
pub struct Item {
    /// Unique key.
    pub key: String,
    /// Appendix 2's words for the item (None: a local addition, not in Appendix 2).
    pub appendix: Option<String>,
    /// Appendix 2's suggested data source (or the local one).
    pub data_source: String,
    /// What the item counts, in plain English (Appendix 2's words, or the local item's).
    pub label: String,
    /// The partner source (mapping `source`) the facts come from.
    pub source: String,
    /// The facts' event type.
    pub event_type: String,
    /// Which facts count; `None`: every fact of the type.
    pub condition: Option<Expression>,
    /// Who is counted, by age on the fact's date (or the window's start, if later).
    pub who: Who,
    /// Lowest age counted, inclusive.
    pub min_age: Option<u32>,
    /// Highest age counted, inclusive.
    pub max_age: Option<u32>,
    /// How it is counted.
    pub count: Count,
    /// Which dates place a fact in the window.
    pub dates: Dates,
    /// The attribute naming an incident, for `count = "incidents"`.
    pub distinct_by: Option<String>,
    /// Only facts WITHOUT these attributes (e.g. a looked-after episode whose placement type
    /// is not recorded, priced at the average).
    pub missing: Vec<String>,
    /// A total a member must reach.
    pub threshold: Option<Threshold>,
    /// The fiscal unit cost's key.
    pub cost: String,
    /// Its value at the price year.
    pub unit_value: f64,
    /// Who bears it.
    pub agency: String,
    /// How far it can be trusted.
    pub confidence: Confidence,
    /// What one unit is.
    pub unit: CostUnit,
    /// The economic and social unit cost's key, if any.
    pub economic_social: Option<String>,
    /// Its value at the price year.
    pub economic_social_value: Option<f64>,
    /// Share of the change that would have happened anyway.
    pub deadweight: f64,
    /// Why it is counted this way, what is a proxy, what to check.
    pub note: Option<String>,
}

/// The calculator's rules, checked, with every unit cost at the price year.
#[derive(Debug, Clone)]
pub struct SavingsRules {
    /// The file's title.
    pub title: String,
    /// The price year every value is at.
    pub price_year: String,
    /// Months before attachment counted.
    pub months_before: u32,
    /// Months after attachment counted.
    pub months_after: u32,
    /// Age from which someone is an adult.
    pub adult_from: u32,
    /// The appraisal.
    pub appraisal: Appraisal,
    /// The items, in file order.
    pub items: Vec<Item>,
    /// How far each item's data reach is worked out (`[coverage]`).
    pub coverage: CoverageRules,
    /// The unit-cost table (for its sources and notes).
    pub unit_costs: UnitCosts,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    title: String,
    #[allow(dead_code)]
    unit_costs: String,
    #[serde(default)]
    price_year: Option<String>,
    months_before: u32,
    months_after: u32,
    #[serde(default)]
    adult_from: Option<u32>,
    appraisal: RawAppraisal,
    #[serde(default)]
    coverage: Option<RawCoverage>,
    items: Vec<toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCoverage {
    #[serde(default)]
    outliers: Option<f64>,
    #[serde(default)]
    quiet_days: std::collections::BTreeMap<String, u32>,
    #[serde(default)]
    closed_to_new: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAppraisal {
    discount_rate: f64,
    benefit_years: u32,
    drop_off: f64,
    deadweight: f64,
    programme_cost_per_family: f64,
    optimism_bias: OptimismBias,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    key: String,
    #[serde(default)]
    appendix: Option<String>,
    #[serde(default)]
    label: Option<String>,
    data_source: String,
    source: String,
    event_type: String,
    #[serde(default)]
    condition: Option<String>,
    #[serde(default)]
    who: Option<Who>,
    #[serde(default)]
    min_age: Option<u32>,
    #[serde(default)]
    max_age: Option<u32>,
    count: Count,
    #[serde(default)]
    dates: Option<Dates>,
    #[serde(default)]
    distinct_by: Option<String>,
    #[serde(default)]
    missing: Vec<String>,
    #[serde(default)]
    threshold: Option<RawThreshold>,
    cost: String,
    #[serde(default)]
    economic_social: Option<String>,
    #[serde(default)]
    deadweight: Option<f64>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThreshold {
    sum: String,
    at_least: f64,
}

/// The unit-cost file a savings rules file names (`unit_costs = "..."`), relative to it.
pub fn unit_costs_path(src: &str, rules_path: &Path) -> Option<std::path::PathBuf> {
    let table: toml::Table = toml::from_str(src).ok()?;
    let name = table.get("unit_costs")?.as_str()?;
    Some(
        rules_path
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join(name),
    )
}

impl SavingsRules {
    /// Reads `path` and the unit-cost table it names.
    pub fn load(path: &Path) -> Result<SavingsRules, SavingsError> {
        let io = |p: &Path| {
            let p = p.to_path_buf();
            move |source| SavingsError::Io { path: p, source }
        };
        let src = std::fs::read_to_string(path).map_err(io(path))?;
        let file = path.display().to_string();
        let costs_path = unit_costs_path(&src, path).ok_or_else(|| SavingsError::Invalid {
            file: file.clone(),
            place: "the file".into(),
            message: "name the unit-cost table: unit_costs = \"unit-costs.toml\"".into(),
        })?;
        let costs_src = std::fs::read_to_string(&costs_path).map_err(io(&costs_path))?;
        let table = UnitCosts::from_toml_str(&costs_src, &costs_path.display().to_string())?;
        SavingsRules::parse(&src, &file, table)
    }

    /// Parses and checks a savings rules file against a unit-cost table. `file` names it in
    /// error messages.
    pub fn parse(src: &str, file: &str, table: UnitCosts) -> Result<SavingsRules, SavingsError> {
        let bad = |place: &str, message: String| SavingsError::Invalid {
            file: file.to_string(),
            place: place.to_string(),
            message,
        };
        let raw: RawFile = toml::from_str(src).map_err(|e| bad("the file", e.to_string()))?;
        let price_year = raw
            .price_year
            .unwrap_or_else(|| table.default_price_year().to_string());
        if !table.has_price_year(&price_year) {
            return Err(bad(
                "price_year",
                format!("`{price_year}` has no deflator in the unit-cost table"),
            ));
        }
        if raw.months_before == 0 || raw.months_after == 0 {
            return Err(bad(
                "months_before / months_after",
                "each window must be 1 month or more".into(),
            ));
        }
        let a = raw.appraisal;
        let share = |name: &str, v: f64| {
            if (0.0..1.0).contains(&v) {
                Ok(v)
            } else {
                Err(bad(
                    &format!("[appraisal] {name}"),
                    format!("must be a share from 0 up to (not including) 1, e.g. 0.2; found {v}"),
                ))
            }
        };
        let appraisal = Appraisal {
            discount_rate: share("discount_rate", a.discount_rate)?,
            benefit_years: if a.benefit_years == 0 {
                return Err(bad("[appraisal] benefit_years", "must be 1 or more".into()));
            } else {
                a.benefit_years
            },
            drop_off: share("drop_off", a.drop_off)?,
            deadweight: share("deadweight", a.deadweight)?,
            programme_cost_per_family: if a.programme_cost_per_family.is_finite()
                && a.programme_cost_per_family >= 0.0
            {
                a.programme_cost_per_family
            } else {
                return Err(bad(
                    "[appraisal] programme_cost_per_family",
                    "must be a number of pounds, 0 or more".into(),
                ));
            },
            optimism_bias: OptimismBias {
                sourced: share("optimism_bias.sourced", a.optimism_bias.sourced)?,
                indicative: share("optimism_bias.indicative", a.optimism_bias.indicative)?,
                placeholder: share("optimism_bias.placeholder", a.optimism_bias.placeholder)?,
            },
        };
        let mut items: Vec<Item> = Vec::with_capacity(raw.items.len());
        for (i, t) in raw.items.into_iter().enumerate() {
            let key = t
                .get("key")
                .and_then(|k| k.as_str())
                .map(str::to_string)
                .unwrap_or_else(|| format!("#{}", i + 1));
            let place = format!("item `{key}`");
            let r: RawItem = t
                .try_into()
                .map_err(|e: toml::de::Error| bad(&place, e.message().trim().to_string()))?;
            if items.iter().any(|it| it.key == r.key) {
                return Err(bad(&place, "this key appears twice".into()));
            }
            let expr = |what: &str, s: &str| {
                Expression::parse(s).map_err(|e| bad(&place, format!("{what}: {e}")))
            };
            let condition = r
                .condition
                .as_deref()
                .map(|c| expr("condition", c))
                .transpose()?;
            let threshold = match r.threshold {
                None => None,
                Some(t) => {
                    if r.count != Count::People {
                        return Err(bad(
                            &place,
                            "a threshold counts people who reach it: use it with count = \"people\""
                                .into(),
                        ));
                    }
                    Some(Threshold {
                        sum: expr("threshold sum", &t.sum)?,
                        at_least: t.at_least,
                    })
                }
            };
            let row = table.get(&r.cost).ok_or_else(|| {
                bad(
                    &place,
                    format!("cost `{}` is not in the unit-cost table", r.cost),
                )
            })?;
            if !r.count.units().contains(&row.unit) {
                let fits: Vec<&str> = r.count.units().iter().map(|u| u.name()).collect();
                return Err(bad(
                    &place,
                    format!(
                        "cost `{}` is per {} but the item counts {}, which fits only costs per {}",
                        r.cost,
                        row.unit.name(),
                        r.count.name(),
                        fits.join(" or ")
                    ),
                ));
            }
            if r.distinct_by.is_some() && r.count != Count::Incidents {
                return Err(bad(
                    &place,
                    "distinct_by names an incident: use it with count = \"incidents\"".into(),
                ));
            }
            let unit_value = table
                .uplifted(&r.cost, &price_year)
                .expect("checked: the row and the price year exist");
            let (economic_social, economic_social_value) = match r.economic_social {
                None => (None, None),
                Some(k) => {
                    let es = table.get(&k).ok_or_else(|| {
                        bad(
                            &place,
                            format!("economic_social `{k}` is not in the unit-cost table"),
                        )
                    })?;
                    if es.unit != row.unit {
                        return Err(bad(
                            &place,
                            format!(
                                "economic_social `{k}` is per {} but the fiscal cost is per {}",
                                es.unit.name(),
                                row.unit.name()
                            ),
                        ));
                    }
                    let v = table.uplifted(&k, &price_year).expect("checked");
                    (Some(k), Some(v))
                }
            };
            let deadweight = match r.deadweight {
                None => appraisal.deadweight,
                Some(d) => share(&format!("item `{}` deadweight", r.key), d)?,
            };
            let dates = match (r.dates, r.count) {
                (Some(d), _) => d,
                (None, Count::Weeks | Count::Months) => Dates::Overlaps,
                (None, _) => Dates::EventDate,
            };
            let label = r.label.or_else(|| r.appendix.clone()).ok_or_else(|| {
                bad(
                    &place,
                    "a local item needs a label (what it counts, in plain English)".into(),
                )
            })?;
            items.push(Item {
                key: r.key,
                appendix: r.appendix,
                data_source: r.data_source,
                label,
                source: r.source,
                event_type: r.event_type,
                condition,
                who: r.who.unwrap_or(Who::Anyone),
                min_age: r.min_age,
                max_age: r.max_age,
                count: r.count,
                dates,
                distinct_by: r.distinct_by,
                missing: r.missing,
                threshold,
                cost: r.cost,
                unit_value,
                agency: row.agency.clone(),
                confidence: row.confidence,
                unit: row.unit,
                economic_social,
                economic_social_value,
                deadweight,
                note: r.note,
            });
        }
        if items.is_empty() {
            return Err(bad("the file", "no [[items]]".into()));
        }
        let coverage = match raw.coverage {
            None => CoverageRules::default(),
            Some(c) => {
                let outliers = c.outliers.unwrap_or(CoverageRules::default().outliers);
                if !(0.0..0.5).contains(&outliers) {
                    return Err(bad(
                        "[coverage] outliers",
                        format!("must be a share from 0 up to 0.5, e.g. 0.001; found {outliers}"),
                    ));
                }
                for s in c.quiet_days.keys() {
                    if !items.iter().any(|it| it.source == *s) {
                        return Err(bad(
                            "[coverage] quiet_days",
                            format!("no item is counted from the source `{s}`"),
                        ));
                    }
                }
                for k in &c.closed_to_new {
                    if !items.iter().any(|it| it.key == *k) {
                        return Err(bad(
                            "[coverage] closed_to_new",
                            format!("`{k}` is not an item's key"),
                        ));
                    }
                }
                CoverageRules {
                    outliers,
                    quiet_days: c.quiet_days,
                    closed_to_new: c.closed_to_new,
                }
            }
        };
        Ok(SavingsRules {
            title: raw.title,
            price_year,
            months_before: raw.months_before,
            months_after: raw.months_after,
            adult_from: raw.adult_from.unwrap_or(18),
            appraisal,
            items,
            coverage,
            unit_costs: table,
        })
    }

    /// The items that are Appendix 2's (not local additions).
    pub fn appendix_items(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| i.appendix.is_some())
    }
}
