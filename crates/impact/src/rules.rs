//! The evaluation's rules, as data a council edits (`rules/impact-evaluation.toml`): what each
//! outcome is in the partner data, the month bands, the pre-programme period, the matching and
//! the bootstrap.

use hearth_model::{AttrValue, Fact};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A rules file that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RulesError {
    /// Not TOML of the expected shape.
    #[error("{file}: {message}")]
    Parse {
        /// The file.
        file: String,
        /// What the TOML reader said.
        message: String,
    },
    /// A value out of range.
    #[error("{file}: {field}: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// The field, as written in the file.
        field: String,
        /// What is wrong.
        message: String,
    },
}

/// How an outcome is measured for a family in a band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// The share of families with at least one event (or spell) in the band, in per cent.
    Any,
    /// Events per 100 families in the band (a spell counts where it starts; an `amount`
    /// attribute counts its value): the planted effect's and the national study's rates.
    Count,
    /// Sessions missed as a percentage of sessions possible, over the band's terms.
    Absence,
    /// Of the family's spells open on the band's first day, the percentage still open on its
    /// last (an actuarial life table's interval survival): how fast claims are left. A family
    /// with none open is not measured in the band.
    StillOpen,
}

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// Fewer is better (custody, children looked after…).
    Lower,
    /// More is better (attendance).
    Higher,
}

/// One kind of partner fact that counts towards an outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The fact's event type (a mapping's `event_type`).
    pub event_type: String,
    /// Attribute → the values that count (all listed attributes must match).
    #[serde(default)]
    pub when: BTreeMap<String, Vec<String>>,
    /// Attributes of which at least one must be positive (a number above 0 or `true`).
    #[serde(default)]
    pub positive: Vec<String>,
    /// The fact is a spell (start and end dates): it counts in every band it overlaps.
    #[serde(default)]
    pub spell: bool,
    /// For `absence`: the attribute with the sessions possible.
    #[serde(default)]
    pub possible: Option<String>,
    /// For `absence`: the attribute with the sessions missed.
    #[serde(default)]
    pub missed: Option<String>,
    /// For `count`: the attribute whose value is the number of events (default: 1 each).
    #[serde(default)]
    pub amount: Option<String>,
}

/// One outcome the evaluation measures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeRule {
    /// Its key (e.g. `looked_after`).
    pub key: String,
    /// As the report names it.
    pub label: String,
    /// How it is measured.
    pub measure: Measure,
    /// Which way is better.
    pub better: Better,
    /// The facts that count.
    pub from: Vec<Source>,
}

/// A band of months after the index date: months `start` (inclusive) to `end` (exclusive),
/// counted from 0; named as the national study names them (`0–6`, `7–12`…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// As the report names it.
    pub label: String,
    /// First month (0 = the month starting at the index date).
    pub start: u32,
    /// First month after the band.
    pub end: u32,
    /// Whether the band is counted over each family's observed part of it (up to the as-at
    /// date, and for a comparison family up to its own attachment), as a rate per year with
    /// each matched set weighted by the programme family's years observed: the whole
    /// follow-up, pooling every family however long it has been followed. A band without it
    /// counts only families observed to its end.
    #[serde(default)]
    pub censored: bool,
}

/// Matching settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Matching {
    /// Comparison families matched to each programme family (with replacement).
    pub neighbours: usize,
    /// The widest allowed distance in the propensity score's log-odds, in standard deviations
    /// of the log-odds.
    pub caliper_sd: f64,
    /// The ridge penalty of the logistic regression (on standardised characteristics).
    pub ridge: f64,
    /// An area is its own characteristic when it has at least this many cohort families…
    pub min_area_families: usize,
    /// …up to this many areas (the rest are one group).
    pub max_areas: usize,
}

/// Bootstrap settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bootstrap {
    /// Resamples.
    pub replicates: usize,
    /// The random seed (the same seed gives the same intervals).
    pub seed: u64,
    /// The interval's coverage, e.g. 0.95.
    pub level: f64,
}

/// The evaluation's rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Months before the index date that describe a family before the programme.
    pub pre_period_months: u32,
    /// The bands after the index date.
    pub bands: Vec<Band>,
    /// Matching.
    pub matching: Matching,
    /// Bootstrap.
    pub bootstrap: Bootstrap,
    /// The outcomes.
    pub outcome: Vec<OutcomeRule>,
}

impl Rules {
    /// Reads and checks the rules; `file` names the file in messages.
    pub fn from_toml(file: &str, text: &str) -> Result<Rules, RulesError> {
        let rules: Rules = toml::from_str(text).map_err(|e| RulesError::Parse {
            file: file.into(),
            message: e.to_string(),
        })?;
        rules.check(file)?;
        Ok(rules)
    }

    fn check(&self, file: &str) -> Result<(), RulesError> {
        let bad = |field: &str, message: &str| {
            Err(RulesError::Invalid {
                file: file.into(),
                field: field.into(),
                message: message.into(),
            })
        };
        if self.pre_period_months == 0 || self.pre_period_months > 60 {
            return bad("pre_period_months", "must be 1 to 60 months");
        }
        if self.bands.is_empty() {
            return bad("bands", "at least one band is needed");
        }
        for (i, b) in self.bands.iter().enumerate() {
            if b.end <= b.start || b.end > 120 {
                return bad(
                    &format!("bands[{i}]"),
                    "end must be after start, within 120 months",
                );
            }
        }
        if self.matching.neighbours == 0 || self.matching.neighbours > 20 {
            return bad("matching.neighbours", "must be 1 to 20");
        }
        if !(self.matching.caliper_sd > 0.0 && self.matching.caliper_sd <= 5.0) {
            return bad("matching.caliper_sd", "must be above 0 and at most 5");
        }
        if !(self.matching.ridge >= 0.0 && self.matching.ridge.is_finite()) {
            return bad("matching.ridge", "must be 0 or more");
        }
        if self.bootstrap.replicates < 50 || self.bootstrap.replicates > 100_000 {
            return bad("bootstrap.replicates", "must be 50 to 100,000");
        }
        if !(self.bootstrap.level > 0.5 && self.bootstrap.level < 1.0) {
            return bad("bootstrap.level", "must be between 0.5 and 1");
        }
        if self.outcome.is_empty() {
            return bad("outcome", "at least one outcome is needed");
        }
        let mut keys = std::collections::BTreeSet::new();
        for (i, o) in self.outcome.iter().enumerate() {
            if !keys.insert(o.key.as_str()) {
                return bad(&format!("outcome[{i}].key"), "the key is used twice");
            }
            if o.from.is_empty() {
                return bad(
                    &format!("outcome[{i}].from"),
                    "at least one source is needed",
                );
            }
            for (j, s) in o.from.iter().enumerate() {
                if o.measure == Measure::Absence && (s.possible.is_none() || s.missed.is_none()) {
                    return bad(
                        &format!("outcome[{i}].from[{j}]"),
                        "an absence measure names its `possible` and `missed` attributes",
                    );
                }
            }
        }
        Ok(())
    }

    /// The outcome a fact counts towards, if any, with the source that matched: the index of
    /// the first outcome (and source) whose conditions it meets. A fact can count towards
    /// several outcomes (a school term gives attendance and exclusions), so all are returned.
    pub fn classify(&self, fact: &Fact) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (i, o) in self.outcome.iter().enumerate() {
            if let Some(j) = o.from.iter().position(|s| s.matches(fact)) {
                out.push((i, j));
            }
        }
        out
    }

    /// Whether a fact counts towards some outcome as a spell (a claim, an episode of care):
    /// such facts are restated by later extracts and go through
    /// [`crate::history::merge_restated`] before they are added to a family.
    pub fn is_spell(&self, fact: &Fact) -> bool {
        self.classify(fact)
            .into_iter()
            .any(|(o, s)| self.outcome[o].from[s].spell)
    }
}

impl Source {
    /// Whether a fact meets this source's conditions.
    pub fn matches(&self, fact: &Fact) -> bool {
        if fact.event_type != self.event_type {
            return false;
        }
        for (attr, values) in &self.when {
            let ok = match fact.attributes.get(attr) {
                Some(AttrValue::Text(t)) => values.iter().any(|v| v.eq_ignore_ascii_case(t)),
                Some(AttrValue::Bool(b)) => values.iter().any(|v| v == &b.to_string()),
                Some(AttrValue::Number(n)) => values.iter().any(|v| v.parse() == Ok(*n)),
                None => false,
            };
            if !ok {
                return false;
            }
        }
        self.positive.is_empty()
            || self.positive.iter().any(|a| match fact.attributes.get(a) {
                Some(AttrValue::Number(n)) => *n > 0.0,
                Some(AttrValue::Bool(b)) => *b,
                Some(AttrValue::Text(t)) => {
                    matches!(t.to_ascii_lowercase().as_str(), "y" | "yes" | "true")
                }
                None => false,
            })
    }

    /// A number attribute of a fact.
    pub fn number(fact: &Fact, attr: &str) -> Option<f64> {
        match fact.attributes.get(attr) {
            Some(AttrValue::Number(n)) => Some(*n),
            Some(AttrValue::Text(t)) => t.trim().parse().ok(),
            _ => None,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The shipped rules.
    pub(crate) fn shipped() -> Rules {
        Rules::from_toml(
            "rules/impact-evaluation.toml",
            include_str!("../../../rules/impact-evaluation.toml"),
        )
        .unwrap()
    }

    #[test]
    fn the_shipped_rules_read_and_name_the_national_studys_bands_and_outcomes() {
        let r = shipped();
        let labels: Vec<_> = r.bands.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(labels, ["0–6", "7–12", "13–18", "19–24", "0–24 to date"]);
        assert!(r
            .bands
            .iter()
            .all(|b| b.censored == (b.label == "0–24 to date")));
        for key in [
            "looked_after",
            "child_protection",
            "offending",
            "custody",
            "out_of_work_benefits",
            "claims_still_open",
            "absence",
            "exclusions",
            "a_and_e",
            "domestic_abuse",
        ] {
            assert!(r.outcome.iter().any(|o| o.key == key), "{key}");
        }
    }

    #[test]
    fn facts_are_classified_by_event_type_and_attributes() {
        let r = shipped();
        let mut f = Fact {
            event_type: "care_episode".into(),
            ..Fact::default()
        };
        f.attributes
            .insert("episode_type".into(), AttrValue::Text("LAC".into()));
        let keys: Vec<_> = r
            .classify(&f)
            .into_iter()
            .map(|(i, _)| r.outcome[i].key.as_str())
            .collect();
        assert_eq!(keys, ["looked_after"]);
        f.attributes
            .insert("episode_type".into(), AttrValue::Text("CIN".into()));
        assert!(r.classify(&f).is_empty());
        let mut term = Fact {
            event_type: "attendance".into(),
            ..Fact::default()
        };
        term.attributes
            .insert("sessions_possible".into(), AttrValue::Number(120.0));
        term.attributes
            .insert("sessions_missed".into(), AttrValue::Number(10.0));
        term.attributes
            .insert("fixed_term_exclusions".into(), AttrValue::Number(0.0));
        let keys: Vec<_> = r
            .classify(&term)
            .into_iter()
            .map(|(i, _)| r.outcome[i].key.as_str())
            .collect();
        assert_eq!(keys, ["absence"]);
        term.attributes
            .insert("fixed_term_exclusions".into(), AttrValue::Number(1.0));
        assert_eq!(r.classify(&term).len(), 2);
    }

    #[test]
    fn offending_is_crime_or_asb_and_domestic_abuse_an_outcome_of_its_own() {
        let r = shipped();
        let incident = |category: &str, involvement: &str| {
            let mut f = Fact {
                event_type: "incident".into(),
                ..Fact::default()
            };
            f.attributes
                .insert("incident_category".into(), AttrValue::Text(category.into()));
            f.attributes
                .insert("involvement".into(), AttrValue::Text(involvement.into()));
            r.classify(&f)
                .into_iter()
                .map(|(i, _)| r.outcome[i].key.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(incident("Crime", "Suspect"), ["offending"]);
        assert_eq!(incident("ASB", "Offender"), ["offending"]);
        assert!(incident("Crime", "Victim").is_empty());
        assert_eq!(incident("Domestic Abuse", "Suspect"), ["domestic_abuse"]);
        assert_eq!(incident("Domestic Abuse", "Victim"), ["domestic_abuse"]);
    }

    #[test]
    fn bad_rules_are_named_by_field() {
        let text = include_str!("../../../rules/impact-evaluation.toml")
            .replace("neighbours = 3", "neighbours = 0");
        let e = Rules::from_toml("x.toml", &text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.toml: matching.neighbours: must be 1 to 20"
        );
    }
}
