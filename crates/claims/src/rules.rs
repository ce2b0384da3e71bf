//! The council's claim rules as data (`rules/claims.toml`): claim windows, payments, the cap
//! and internal audit's sample. Each section says whether its values come from the seed
//! (`source = "seed"`, with the seed's words in `quote`) or are defaults to check.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The shipped rules, built into the binary.
const SHIPPED: &str = include_str!("../../../rules/claims.toml");

/// Where a value comes from.
fn check_source(field: &str, source: &str) -> Result<(), RulesError> {
    match source {
        "seed" | "default" => Ok(()),
        _ => Err(invalid(
            format!("{field}.source"),
            "must be \"seed\" or \"default\"",
        )),
    }
}

/// A claim window: a batch may be prepared from `opens` to `closes`, both included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimWindow {
    /// Its key (`2016-17-q1`).
    pub key: String,
    /// Its name on pages (`April to June 2016`).
    pub label: String,
    /// The first day a batch may be prepared in it.
    pub opens: NaiveDate,
    /// The last day.
    pub closes: NaiveDate,
    /// `seed` or `default`.
    pub source: String,
}

/// The payments per family, in whole pounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payments {
    /// Paid when a family is attached to the programme.
    pub attachment_fee: u64,
    /// Paid for a claimed result.
    pub results_payment: u64,
    /// `seed` or `default`.
    pub source: String,
    /// The seed's words.
    #[serde(default)]
    pub quote: String,
}

/// How many families may be claimed for results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cap {
    /// The number of families.
    pub families: u64,
    /// `seed` or `default`.
    pub source: String,
    /// The seed's words.
    #[serde(default)]
    pub quote: String,
}

/// Internal audit's sample of each batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditSampling {
    /// How many claims of a batch are sampled (all of them in a smaller batch).
    pub sample_size: usize,
    /// The random seed: with the batch's key, it fixes the sample.
    pub seed: u64,
    /// `seed` or `default`.
    pub source: String,
    /// The seed's words.
    #[serde(default)]
    pub quote: String,
}

/// Which families may be claimed for at all: eligible when attached, with at least
/// `problems` headline problems present in the baseline frozen at attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Eligibility {
    /// The fewest headline problems at attachment.
    pub problems: usize,
    /// `seed` or `default`.
    pub source: String,
    /// The seed's words.
    #[serde(default)]
    pub quote: String,
}

impl Default for Eligibility {
    /// Seeds 001 and 004: "at least two of the following six problems" (a rules file written
    /// before the section existed gets this).
    fn default() -> Eligibility {
        Eligibility {
            problems: 2,
            source: "seed".into(),
            quote: "to be eligible for the expanded programme a family must have at least two \
                    of the following six problems"
                .into(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    cap: Cap,
    payments: Payments,
    audit: AuditSampling,
    #[serde(default)]
    eligibility: Eligibility,
    #[serde(default)]
    window: Vec<ClaimWindow>,
}

/// The claim rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimRules {
    /// The claim windows, in date order.
    pub windows: Vec<ClaimWindow>,
    /// The payments.
    pub payments: Payments,
    /// The cap.
    pub cap: Cap,
    /// Internal audit's sample.
    pub audit: AuditSampling,
    /// Who may be claimed for: eligible at attachment.
    pub eligibility: Eligibility,
}

/// What is wrong with a rules file (its name is the caller's to add).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    /// Not TOML, or not the expected fields.
    #[error("the claim rules cannot be read: {0}")]
    Syntax(String),
    /// A field's value is not usable.
    #[error("the claim rules' {field} {problem}")]
    Invalid {
        /// The field (`window[2].closes`, `cap.families`, …).
        field: String,
        /// What is wrong with it.
        problem: String,
    },
}

fn invalid(field: impl Into<String>, problem: impl Into<String>) -> RulesError {
    RulesError::Invalid {
        field: field.into(),
        problem: problem.into(),
    }
}

impl ClaimRules {
    /// The rules shipped with Hearth (`rules/claims.toml`).
    pub fn shipped() -> ClaimRules {
        // The shipped file is checked by this crate's tests.
        ClaimRules::from_toml(SHIPPED).unwrap_or_else(|e| panic!("shipped rules: {e}"))
    }

    /// The shipped rules' text (what an evidence pack quotes when no file was given).
    pub fn shipped_text() -> &'static str {
        SHIPPED
    }

    /// Reads rules from a TOML text: a positive cap and sample size, windows with distinct
    /// keys that open before they close and do not overlap.
    pub fn from_toml(text: &str) -> Result<ClaimRules, RulesError> {
        let raw: Raw = toml::from_str(text).map_err(|e| RulesError::Syntax(e.message().into()))?;
        if raw.cap.families == 0 {
            return Err(invalid("cap.families", "must be at least 1"));
        }
        check_source("cap", &raw.cap.source)?;
        check_source("payments", &raw.payments.source)?;
        check_source("audit", &raw.audit.source)?;
        check_source("eligibility", &raw.eligibility.source)?;
        if raw.eligibility.problems == 0 {
            return Err(invalid("eligibility.problems", "must be at least 1"));
        }
        if raw.audit.sample_size == 0 {
            return Err(invalid("audit.sample_size", "must be at least 1"));
        }
        let mut windows = raw.window;
        let mut keys = std::collections::BTreeSet::new();
        for (i, w) in windows.iter().enumerate() {
            if w.key.trim().is_empty() || w.label.trim().is_empty() {
                return Err(invalid(format!("window[{i}]"), "needs a key and a label"));
            }
            if !keys.insert(w.key.as_str()) {
                return Err(invalid(
                    format!("window[{i}].key"),
                    "repeats an earlier key",
                ));
            }
            if w.closes < w.opens {
                return Err(invalid(
                    format!("window[{i}].closes"),
                    format!("({}) is before it opens ({})", w.closes, w.opens),
                ));
            }
            check_source(&format!("window[{i}]"), &w.source)?;
        }
        windows.sort_by_key(|w| w.opens);
        for pair in windows.windows(2) {
            if pair[1].opens <= pair[0].closes {
                return Err(invalid(
                    format!("window \"{}\"", pair[1].key),
                    format!("overlaps window \"{}\"", pair[0].key),
                ));
            }
        }
        Ok(ClaimRules {
            windows,
            payments: raw.payments,
            cap: raw.cap,
            audit: raw.audit,
            eligibility: raw.eligibility,
        })
    }

    /// The window with this key.
    pub fn window(&self, key: &str) -> Option<&ClaimWindow> {
        self.windows.iter().find(|w| w.key == key)
    }

    /// The window open on `day`, if any.
    pub fn window_open_on(&self, day: NaiveDate) -> Option<&ClaimWindow> {
        self.windows
            .iter()
            .find(|w| w.opens <= day && day <= w.closes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rules_cap_cheshire_east_at_1930_families_as_the_seed_says() {
        let r = ClaimRules::shipped();
        assert_eq!(r.cap.families, 1930);
        assert_eq!(r.cap.source, "seed");
        assert!(r.cap.quote.contains("approx.1930"), "{}", r.cap.quote);
        assert_eq!(r.payments.source, "default");
        assert_eq!(r.eligibility.problems, 2);
        assert_eq!(r.eligibility.source, "seed");
        assert!(!r.windows.is_empty());
        let d = NaiveDate::from_ymd_opt(2016, 5, 1).unwrap();
        assert_eq!(r.window_open_on(d).unwrap().key, "2016-17-q1");
    }

    const BASE: &str = "[cap]\nfamilies = 10\nsource = \"seed\"\n\
        [payments]\nattachment_fee = 1\nresults_payment = 2\nsource = \"default\"\n\
        [audit]\nsample_size = 3\nseed = 4\nsource = \"default\"\n";

    fn window(key: &str, opens: &str, closes: &str) -> String {
        format!(
            "[[window]]\nkey = \"{key}\"\nlabel = \"L\"\nopens = \"{opens}\"\ncloses = \"{closes}\"\nsource = \"default\"\n"
        )
    }

    #[test]
    fn bad_rules_name_the_field() {
        assert!(ClaimRules::from_toml(BASE).is_ok());
        let e = ClaimRules::from_toml(&BASE.replace("families = 10", "families = 0")).unwrap_err();
        assert!(e.to_string().contains("cap.families"), "{e}");
        let e = ClaimRules::from_toml(&format!(
            "{BASE}{}",
            window("a", "2016-02-01", "2016-01-01")
        ))
        .unwrap_err();
        assert!(e.to_string().contains("window[0].closes"), "{e}");
        let e = ClaimRules::from_toml(&format!(
            "{BASE}{}{}",
            window("a", "2016-01-01", "2016-03-31"),
            window("b", "2016-03-31", "2016-06-30")
        ))
        .unwrap_err();
        assert!(e.to_string().contains("overlaps window \"a\""), "{e}");
        let e = ClaimRules::from_toml(&BASE.replace("source = \"seed\"", "source = \"guess\""))
            .unwrap_err();
        assert!(e.to_string().contains("cap.source"), "{e}");
        let e = ClaimRules::from_toml(&format!("{BASE}surprise = 1\n")).unwrap_err();
        assert!(matches!(e, RulesError::Syntax(_)), "{e}");
    }
}
