//! The retention policy: how long each class of data is kept, and from which event the period
//! runs. Read from the council's `rules/retention.toml`; [`RetentionPolicy::cutoffs`] turns it,
//! for the day the caller passes, into the dates before which each class has expired.
//!
//! The privacy notices give the period for the national research data: Cheshire East "the data
//! is destroyed after five years" (seed 000), Halton "the data is destroyed after seven years"
//! (seed 002). Every other period is the council's own choice, so each is data here.
//!
//! Pure: no I/O, no clock (the caller passes today and the file's text).

use chrono::{Months, NaiveDate};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;

/// A class of data with its own retention period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DataClass {
    /// Partner records: identifiers and facts of an imported file (by source when the policy
    /// names one).
    PartnerRecords,
    /// Quarantined rows: raw cells of rows that failed validation.
    Quarantine,
    /// Case records of a closed case: status history, assessment, plan, team, progress, notes.
    CaseRecords,
    /// The audit log.
    Audit,
    /// The log of extracts sent outside the council.
    Transfers,
    /// Research copies held by the recipient of an extract (the national evaluation): Hearth
    /// holds none, so these are listed as due for destruction by the recipient, not deleted.
    ResearchCopies,
}

impl DataClass {
    /// Every class, in the order reports list them.
    pub const ALL: [DataClass; 6] = [
        DataClass::PartnerRecords,
        DataClass::Quarantine,
        DataClass::CaseRecords,
        DataClass::Audit,
        DataClass::Transfers,
        DataClass::ResearchCopies,
    ];

    /// The key used in the rules file and in reports.
    pub fn key(self) -> &'static str {
        match self {
            DataClass::PartnerRecords => "partner_records",
            DataClass::Quarantine => "quarantine",
            DataClass::CaseRecords => "case_records",
            DataClass::Audit => "audit",
            DataClass::Transfers => "transfers",
            DataClass::ResearchCopies => "research_copies",
        }
    }

    /// The events this class's period may run from; the first is the default.
    pub fn events(self) -> &'static [Event] {
        match self {
            DataClass::PartnerRecords => &[Event::Import, Event::RecordDate],
            DataClass::Quarantine => &[Event::Import],
            DataClass::CaseRecords => &[Event::CaseClosure],
            DataClass::Audit => &[Event::Written],
            DataClass::Transfers | DataClass::ResearchCopies => &[Event::Sent],
        }
    }
}

impl fmt::Display for DataClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The event a retention period runs from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Event {
    /// The date the partner file was imported (its batch).
    Import,
    /// The record's own date: its end date, else its event date (a record with neither
    /// falls back to its import date).
    RecordDate,
    /// The date the case was closed.
    CaseClosure,
    /// The date the line was written (the audit log).
    Written,
    /// The date the extract was sent.
    Sent,
}

impl Event {
    /// The key used in the rules file.
    pub fn key(self) -> &'static str {
        match self {
            Event::Import => "import",
            Event::RecordDate => "record_date",
            Event::CaseClosure => "case_closure",
            Event::Written => "written",
            Event::Sent => "sent",
        }
    }

    fn parse(s: &str) -> Option<Event> {
        [
            Event::Import,
            Event::RecordDate,
            Event::CaseClosure,
            Event::Written,
            Event::Sent,
        ]
        .into_iter()
        .find(|e| e.key() == s)
    }
}

/// A period: years, months and days, added together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Period {
    pub years: u32,
    pub months: u32,
    pub days: u32,
}

impl Period {
    /// The first day that is still kept on `today`: data whose event fell before it has
    /// expired. (Kept for five years from 2020-03-01: expired from 2025-03-01.)
    pub fn keep_from(self, today: NaiveDate) -> NaiveDate {
        let months = self.years.saturating_mul(12).saturating_add(self.months);
        today
            .checked_sub_months(Months::new(months))
            .and_then(|d| d.checked_sub_days(chrono::Days::new(u64::from(self.days))))
            .unwrap_or(NaiveDate::MIN)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        for (n, unit) in [
            (self.years, "year"),
            (self.months, "month"),
            (self.days, "day"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {unit}{}", if n == 1 { "" } else { "s" }));
            }
        }
        if parts.is_empty() {
            f.write_str("0 days")
        } else {
            f.write_str(&parts.join(" "))
        }
    }
}

/// One class's rule (or one partner source's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassRule {
    pub class: DataClass,
    /// For partner records: the one source this rule covers (`None`: every source without a
    /// rule of its own).
    pub source: Option<String>,
    pub period: Period,
    pub from: Event,
    /// Where the value comes from, as the file says (a seed's words, or "default: check").
    pub basis: String,
}

/// One rule applied on a day: data of `class` (and `source`) whose `from` event fell before
/// `before` has expired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cutoff {
    pub class: DataClass,
    pub source: Option<String>,
    /// For the default partner-records rule: the sources with rules of their own, which it
    /// does not cover.
    pub except: Vec<String>,
    pub from: Event,
    pub before: NaiveDate,
    pub period: Period,
}

/// The council's retention policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// The council's name, as the file gives it.
    pub council: String,
    /// One rule per class, and per partner source named in the file.
    pub rules: Vec<ClassRule>,
    /// SHA-256 of the file's text, kept with each proof report.
    pub sha256: String,
}

/// What is wrong with a retention policy file (names the class and field; holds no data).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RetentionError {
    #[error("the retention policy is not valid TOML: {0}")]
    Toml(String),
    #[error("the retention policy has no [{0}] section: every class of data needs a period")]
    Missing(&'static str),
    #[error("[{class}] has no period: give years, months or days (at least one above 0)")]
    NoPeriod { class: String },
    #[error(
        "[{class}] from = {from:?} is not an event this class can run from; use one of: {allowed}"
    )]
    BadEvent {
        class: String,
        from: String,
        allowed: String,
    },
    #[error("[{0}] is not a class of data; the classes are partner_records, quarantine, case_records, audit, transfers, research_copies")]
    UnknownClass(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    #[serde(default)]
    years: u32,
    #[serde(default)]
    months: u32,
    #[serde(default)]
    days: u32,
    from: Option<String>,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    quote: Option<String>,
    #[serde(default)]
    sources: BTreeMap<String, RawRule>,
}

#[derive(Deserialize)]
struct RawPolicy {
    #[serde(default)]
    council: String,
    #[serde(flatten)]
    classes: BTreeMap<String, toml::Value>,
}

impl RetentionPolicy {
    /// Reads a policy from the text of `rules/retention.toml`.
    pub fn parse(text: &str) -> Result<RetentionPolicy, RetentionError> {
        let raw: RawPolicy =
            toml::from_str(text).map_err(|e| RetentionError::Toml(e.to_string()))?;
        let mut classes = BTreeMap::new();
        for (name, value) in raw.classes {
            let class = DataClass::ALL
                .into_iter()
                .find(|c| c.key() == name)
                .ok_or_else(|| RetentionError::UnknownClass(name.clone()))?;
            let rule: RawRule = value
                .try_into()
                .map_err(|e: toml::de::Error| RetentionError::Toml(format!("[{name}]: {e}")))?;
            classes.insert(class, rule);
        }
        let mut rules = Vec::new();
        for class in DataClass::ALL {
            let raw = classes
                .remove(&class)
                .ok_or(RetentionError::Missing(class.key()))?;
            if !raw.sources.is_empty() && class != DataClass::PartnerRecords {
                return Err(RetentionError::Toml(format!(
                    "[{class}] cannot have sources: only partner_records is kept by source"
                )));
            }
            let base = rule(class, None, &raw, None)?;
            let base_from = base.from;
            rules.push(base);
            for (source, sub) in &raw.sources {
                rules.push(rule(class, Some(source.clone()), sub, Some(base_from))?);
            }
        }
        let sha256 = format!("{:x}", Sha256::digest(text.as_bytes()));
        Ok(RetentionPolicy {
            council: raw.council,
            rules,
            sha256,
        })
    }

    /// Each rule applied on `today`.
    pub fn cutoffs(&self, today: NaiveDate) -> Vec<Cutoff> {
        self.rules
            .iter()
            .map(|r| {
                let except = if r.class == DataClass::PartnerRecords && r.source.is_none() {
                    self.rules
                        .iter()
                        .filter(|o| o.class == r.class)
                        .filter_map(|o| o.source.clone())
                        .collect()
                } else {
                    Vec::new()
                };
                Cutoff {
                    class: r.class,
                    source: r.source.clone(),
                    except,
                    from: r.from,
                    before: r.period.keep_from(today),
                    period: r.period,
                }
            })
            .collect()
    }
}

fn rule(
    class: DataClass,
    source: Option<String>,
    raw: &RawRule,
    inherited_from: Option<Event>,
) -> Result<ClassRule, RetentionError> {
    let name = match &source {
        Some(s) => format!("{class}.sources.{s}"),
        None => class.key().to_string(),
    };
    let period = Period {
        years: raw.years,
        months: raw.months,
        days: raw.days,
    };
    if period == Period::default() {
        return Err(RetentionError::NoPeriod { class: name });
    }
    let from = match &raw.from {
        None => inherited_from.unwrap_or(class.events()[0]),
        Some(f) => Event::parse(f)
            .filter(|e| class.events().contains(e))
            .ok_or_else(|| RetentionError::BadEvent {
                class: name.clone(),
                from: f.clone(),
                allowed: class
                    .events()
                    .iter()
                    .map(|e| e.key())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?,
    };
    let basis = match &raw.quote {
        Some(q) if raw.basis.is_empty() => format!("\"{q}\""),
        Some(q) => format!("{} \"{q}\"", raw.basis),
        None => raw.basis.clone(),
    };
    Ok(ClassRule {
        class,
        source,
        period,
        from,
        basis,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../../../rules/retention.toml");

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_shipped_policy_reads_and_keeps_research_copies_five_years_as_cheshire_east_says() {
        let p = RetentionPolicy::parse(SHIPPED).unwrap();
        let research = p
            .rules
            .iter()
            .find(|r| r.class == DataClass::ResearchCopies)
            .unwrap();
        assert_eq!(research.period.years, 5);
        assert!(research.basis.contains("destroyed after five years"));
        for class in DataClass::ALL {
            assert!(p
                .rules
                .iter()
                .any(|r| r.class == class && r.source.is_none()));
        }
        assert_eq!(p.sha256.len(), 64);
    }

    #[test]
    fn periods_count_back_from_today_by_calendar() {
        let five = Period {
            years: 5,
            ..Period::default()
        };
        assert_eq!(five.keep_from(d("2025-03-01")), d("2020-03-01"));
        // 29 February falls back to the 28th.
        assert_eq!(five.keep_from(d("2029-02-28")), d("2024-02-28"));
        let mixed = Period {
            years: 0,
            months: 1,
            days: 10,
        };
        assert_eq!(mixed.keep_from(d("2025-03-31")), d("2025-02-18"));
        assert_eq!(mixed.to_string(), "1 month 10 days");
        let huge = Period {
            years: u32::MAX,
            ..Period::default()
        };
        assert_eq!(huge.keep_from(d("2025-01-01")), NaiveDate::MIN);
    }

    #[test]
    fn a_source_of_its_own_is_left_out_of_the_default_rule() {
        let text = r#"
council = "Halton"
[partner_records]
years = 7
from = "import"
[partner_records.sources.police]
years = 2
from = "record_date"
[quarantine]
days = 90
[case_records]
years = 7
[audit]
years = 7
[transfers]
years = 7
[research_copies]
years = 7
quote = "the data is destroyed after seven years."
"#;
        let p = RetentionPolicy::parse(text).unwrap();
        let cut = p.cutoffs(d("2025-09-01"));
        let default = cut
            .iter()
            .find(|c| c.class == DataClass::PartnerRecords && c.source.is_none())
            .unwrap();
        assert_eq!(default.except, ["police"]);
        assert_eq!(default.before, d("2018-09-01"));
        let police = cut
            .iter()
            .find(|c| c.source.as_deref() == Some("police"))
            .unwrap();
        assert_eq!(
            (police.from, police.before),
            (Event::RecordDate, d("2023-09-01"))
        );
        let q = cut
            .iter()
            .find(|c| c.class == DataClass::Quarantine)
            .unwrap();
        assert_eq!(q.before, d("2025-06-03"));
    }

    #[test]
    fn bad_policies_are_refused_naming_the_class() {
        let ok = SHIPPED;
        let without_audit = ok.replace("[audit]", "[audit_x]");
        assert!(matches!(
            RetentionPolicy::parse(&without_audit),
            Err(RetentionError::UnknownClass(c)) if c == "audit_x"
        ));
        let bad_event = ok.replacen("from = \"case_closure\"", "from = \"import\"", 1);
        let err = RetentionPolicy::parse(&bad_event).unwrap_err();
        assert!(err.to_string().contains("[case_records]"), "{err}");
        let no_period = "[partner_records]\nfrom = \"import\"\n";
        assert_eq!(
            RetentionPolicy::parse(no_period).unwrap_err(),
            RetentionError::NoPeriod {
                class: "partner_records".into()
            }
        );
        assert!(matches!(
            RetentionPolicy::parse("[partner_records]\nyears = 1\n"),
            Err(RetentionError::Missing("quarantine"))
        ));
    }
}
