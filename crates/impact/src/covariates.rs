//! Pre-programme characteristics of a family at an index date (its attachment, or for a
//! comparison family the month it is compared in): what happened in the months before for
//! each outcome (counts of incidents, spells of care, benefit claims, A&E attendances; school
//! attendance), the problems it was identified with, its size, its children's ages (school
//! phase), and its area.

use crate::history::{sub_months, FamilyHistory, AGE_BANDS};
use crate::rules::{Measure, Rules};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The characteristics' names and how to compute them.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// One name per characteristic, as the balance table shows it.
    pub names: Vec<String>,
    problems: Vec<String>,
    areas: Vec<String>,
}

impl Design {
    /// The characteristics for a cohort: every outcome's history, each problem any cohort
    /// family has, family size, and the areas with enough families (the rest together).
    pub fn new(rules: &Rules, families: &[FamilyHistory]) -> Design {
        let months = rules.pre_period_months;
        let mut names = Vec::new();
        for o in &rules.outcome {
            match o.measure {
                Measure::Any | Measure::Count => {
                    names.push(format!("{}: in the {months} months before", o.label));
                }
                Measure::StillOpen => names.push(format!("{}: open at the start", o.label)),
                Measure::Absence => {
                    names.push(format!("{} in the {months} months before (%)", o.label));
                    names.push(format!("{}: no school terms before", o.label));
                }
            }
        }
        let problems: Vec<String> = families
            .iter()
            .flat_map(|f| f.problems.iter().cloned())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        names.extend(problems.iter().map(|p| format!("Problem: {p}")));
        names.push("Family members".into());
        names.push("Children".into());
        names.extend(
            AGE_BANDS
                .iter()
                .map(|(label, _)| format!("Children {label}")),
        );
        let mut by_area: BTreeMap<&str, usize> = BTreeMap::new();
        for f in families {
            if let Some(a) = &f.area {
                *by_area.entry(a.as_str()).or_default() += 1;
            }
        }
        let mut areas: Vec<(&str, usize)> = by_area
            .into_iter()
            .filter(|&(_, n)| n >= rules.matching.min_area_families)
            .collect();
        areas.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        areas.truncate(rules.matching.max_areas);
        let mut areas: Vec<String> = areas.into_iter().map(|(a, _)| a.to_owned()).collect();
        areas.sort();
        // Families in the smaller areas are the baseline the areas named here are compared with.
        names.extend(areas.iter().map(|a| format!("Area: {a}")));
        Design {
            names,
            problems,
            areas,
        }
    }

    /// How many characteristics.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// A family's characteristics at `index`.
    pub fn row(&self, rules: &Rules, family: &FamilyHistory, index: NaiveDate) -> Vec<f64> {
        let from = sub_months(index, rules.pre_period_months);
        let mut row = Vec::with_capacity(self.names.len());
        for (o, rule) in rules.outcome.iter().enumerate() {
            match rule.measure {
                Measure::Any | Measure::Count => row.push(family.count(o, from, index) as f64),
                Measure::StillOpen => {
                    row.push(family.count(o, index, index.succ_opt().unwrap_or(index)) as f64)
                }
                Measure::Absence => match family.value(rules, o, from, index) {
                    Some(v) => {
                        row.push(v);
                        row.push(0.0);
                    }
                    None => {
                        row.push(0.0);
                        row.push(1.0);
                    }
                },
            }
        }
        for p in &self.problems {
            row.push(if family.problems.contains(p) {
                1.0
            } else {
                0.0
            });
        }
        row.push(f64::from(family.members));
        row.push(f64::from(family.children));
        row.extend(family.children_by_age(index).map(f64::from));
        for a in &self.areas {
            row.push(if family.area.as_deref() == Some(a) {
                1.0
            } else {
                0.0
            });
        }
        row
    }
}
