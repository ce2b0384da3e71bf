//! The measures a council works to, as data it edits:
//!
//! * [`OutcomeMeasures`]: the measures of its Outcomes Plan that each goal of a family plan
//!   is tied to (Cheshire East: "Family outcomes should be identified following assessment
//!   and recorded in relation to overarching (strategic) goals", the "golden thread between
//!   the work they are doing and the successes achieved"); shipped as
//!   `rules/outcome-measures-cheshire-east-2015.toml`.
//! * [`ProgressMeasures`]: the measures a family's position is recorded on at the start, at
//!   each review and at exit, on one scale; shipped as `rules/progress-measures.toml`,
//!   modelled on the national family progress data's themes.
//!
//! Keys are stable (a stored goal or position names its measure by key); titles may change.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A measure of the council's Outcomes Plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeMeasure {
    /// Stable key, e.g. `school_attendance_85`.
    pub key: String,
    /// What is measured, in plain words.
    pub title: String,
    /// The headline problems (rules' problem keys) it belongs to; empty: any.
    #[serde(default)]
    pub problems: Vec<String>,
    /// Where the data comes from, as the plan says.
    #[serde(default)]
    pub source: String,
    /// The plan's own words, quoted.
    #[serde(default)]
    pub quote: String,
}

/// A council's Outcomes Plan measures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeMeasures {
    /// The plan's name, e.g. `Cheshire East Family Focus Outcomes Plan 2015–2020`.
    pub plan: String,
    /// Its measures, in the order shown.
    #[serde(rename(deserialize = "measure"))]
    pub measures: Vec<OutcomeMeasure>,
}

/// A progress measure: one aspect of family life a family's position is recorded on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgressMeasure {
    /// Stable key, e.g. `school_attendance`.
    pub key: String,
    /// The theme it belongs to, e.g. `Education`.
    pub theme: String,
    /// What is asked, in plain words.
    pub label: String,
}

/// The progress measures and the scale positions are recorded on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgressMeasures {
    /// The scale's points, worst first: position 1 is the first, higher is better.
    pub scale: Vec<String>,
    /// The measures, in the order shown.
    #[serde(rename(deserialize = "measure"))]
    pub measures: Vec<ProgressMeasure>,
}

/// Why a measures file was refused: naming the file's field or measure to fix.
#[derive(Debug, thiserror::Error)]
pub enum MeasuresError {
    /// Not TOML, or a setting this build does not know.
    #[error("{0}")]
    Toml(#[from] toml::de::Error),
    /// A key that is not lower-case letters, digits and `_`.
    #[error("measure {index}: key {key:?} must be lower-case letters, digits and _")]
    BadKey {
        /// The measure's place in the file, from 1.
        index: usize,
        /// Its key.
        key: String,
    },
    /// Two measures with one key.
    #[error("measure {index}: key {key:?} is used twice")]
    DuplicateKey {
        /// The second measure's place, from 1.
        index: usize,
        /// The key.
        key: String,
    },
    /// A title, label, theme or scale point left empty, or no measures at all.
    #[error("{0} must not be empty")]
    Empty(String),
}

fn check_keys<'a>(keys: impl Iterator<Item = &'a str>) -> Result<(), MeasuresError> {
    let mut seen = BTreeSet::new();
    for (i, key) in keys.enumerate() {
        let index = i + 1;
        let ok = !key.is_empty()
            && key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !ok {
            return Err(MeasuresError::BadKey {
                index,
                key: key.into(),
            });
        }
        if !seen.insert(key) {
            return Err(MeasuresError::DuplicateKey {
                index,
                key: key.into(),
            });
        }
    }
    if seen.is_empty() {
        return Err(MeasuresError::Empty("the list of measures".into()));
    }
    Ok(())
}

fn nonempty(what: impl FnOnce() -> String, text: &str) -> Result<(), MeasuresError> {
    if text.trim().is_empty() {
        Err(MeasuresError::Empty(what()))
    } else {
        Ok(())
    }
}

impl OutcomeMeasures {
    /// The shipped measures (`rules/outcome-measures-cheshire-east-2015.toml`).
    pub fn shipped() -> OutcomeMeasures {
        OutcomeMeasures::from_toml(include_str!(
            "../../../rules/outcome-measures-cheshire-east-2015.toml"
        ))
        .expect("the shipped outcome measures are valid (tested)")
    }

    /// Reads and checks an Outcomes Plan's measures from TOML text.
    pub fn from_toml(text: &str) -> Result<OutcomeMeasures, MeasuresError> {
        let m: OutcomeMeasures = toml::from_str(text)?;
        nonempty(|| "plan".into(), &m.plan)?;
        check_keys(m.measures.iter().map(|x| x.key.as_str()))?;
        for (i, x) in m.measures.iter().enumerate() {
            nonempty(|| format!("measure {}: title", i + 1), &x.title)?;
        }
        Ok(m)
    }

    /// The measure with this key.
    pub fn get(&self, key: &str) -> Option<&OutcomeMeasure> {
        self.measures.iter().find(|m| m.key == key)
    }

    /// The measures for a headline problem (those naming it, and those naming none).
    pub fn for_problem<'a>(&'a self, problem: &'a str) -> impl Iterator<Item = &'a OutcomeMeasure> {
        self.measures
            .iter()
            .filter(move |m| m.problems.is_empty() || m.problems.iter().any(|p| p == problem))
    }
}

impl ProgressMeasures {
    /// The shipped default list (`rules/progress-measures.toml`).
    pub fn shipped() -> ProgressMeasures {
        ProgressMeasures::from_toml(include_str!("../../../rules/progress-measures.toml"))
            .expect("the shipped progress measures are valid (tested)")
    }

    /// Reads and checks progress measures from TOML text.
    pub fn from_toml(text: &str) -> Result<ProgressMeasures, MeasuresError> {
        let m: ProgressMeasures = toml::from_str(text)?;
        if m.scale.len() < 2 || m.scale.len() > 10 {
            return Err(MeasuresError::Empty("scale (2 to 10 points)".to_string()));
        }
        for (i, p) in m.scale.iter().enumerate() {
            nonempty(|| format!("scale point {}", i + 1), p)?;
        }
        check_keys(m.measures.iter().map(|x| x.key.as_str()))?;
        for (i, x) in m.measures.iter().enumerate() {
            nonempty(|| format!("measure {}: label", i + 1), &x.label)?;
            nonempty(|| format!("measure {}: theme", i + 1), &x.theme)?;
        }
        Ok(m)
    }

    /// The measure with this key.
    pub fn get(&self, key: &str) -> Option<&ProgressMeasure> {
        self.measures.iter().find(|m| m.key == key)
    }

    /// Whether `position` is a point of the scale (1 to its length).
    pub fn valid_position(&self, position: i64) -> bool {
        (1..=self.scale.len() as i64).contains(&position)
    }

    /// A position's words (`None` outside the scale).
    pub fn position_label(&self, position: i64) -> Option<&str> {
        usize::try_from(position - 1)
            .ok()
            .and_then(|i| self.scale.get(i))
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_files_are_valid_and_quote_the_plan() {
        let o = OutcomeMeasures::from_toml(include_str!(
            "../../../rules/outcome-measures-cheshire-east-2015.toml"
        ))
        .unwrap();
        assert!(o.measures.len() >= 8);
        let a = o.get("pupils_below_85_attendance").unwrap();
        assert!(a.quote.contains("<85% attendance"), "{}", a.quote);
        assert!(o
            .for_problem("school_attendance")
            .any(|m| m.key == "pupils_below_85_attendance"));
        assert!(!o
            .for_problem("domestic_abuse")
            .any(|m| m.key == "pupils_below_85_attendance"));
        let p = ProgressMeasures::from_toml(include_str!("../../../rules/progress-measures.toml"))
            .unwrap();
        assert!(p.measures.len() >= 8);
        assert!(p.valid_position(1) && !p.valid_position(0));
        assert!(!p.valid_position(p.scale.len() as i64 + 1));
        assert_eq!(p.position_label(1), Some(p.scale[0].as_str()));
    }

    #[test]
    fn bad_files_are_refused_naming_the_measure() {
        let e = OutcomeMeasures::from_toml(
            "plan = \"P\"\n[[measure]]\nkey = \"a\"\ntitle = \"A\"\n[[measure]]\nkey = \"a\"\ntitle = \"B\"\n",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(e, "measure 2: key \"a\" is used twice");
        let e = OutcomeMeasures::from_toml(
            "plan = \"P\"\n[[measure]]\nkey = \"Bad Key\"\ntitle = \"A\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("measure 1: key \"Bad Key\""), "{e}");
        let e = ProgressMeasures::from_toml(
            "scale = [\"only\"]\n[[measure]]\nkey = \"a\"\ntheme = \"T\"\nlabel = \"L\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("scale"), "{e}");
        let e = ProgressMeasures::from_toml("scale = [\"a\", \"b\"]\nmeasure = []\n")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "the list of measures must not be empty");
        let e = ProgressMeasures::from_toml("scale = [\"a\", \"b\"]\n[[measure]]\nkey = \"a\"\ntheme = \"T\"\nlabel = \"L\"\ncolour = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("colour"), "{e}");
    }
}
