//! Builders shared by the integration tests: a tiny synthetic borough, built by hand.
#![allow(dead_code)]

use chrono::NaiveDate;
use hearth_identification::{identify, FactRef, Family, Identification, Person, Rules};
use hearth_model::{AttrValue, Fact};
use std::path::PathBuf;

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The synthetic borough's as-at date.
pub fn as_at() -> NaiveDate {
    d("2025-09-01")
}

pub fn rules_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../rules")
}

pub fn expanded() -> Rules {
    Rules::load(&rules_dir().join("expanded-2015.toml")).unwrap()
}

pub fn supporting() -> Rules {
    Rules::load(&rules_dir().join("supporting-families-2022.toml")).unwrap()
}

pub fn text(s: &str) -> AttrValue {
    AttrValue::Text(s.into())
}
pub fn num(n: f64) -> AttrValue {
    AttrValue::Number(n)
}
pub fn yes(b: bool) -> AttrValue {
    AttrValue::Bool(b)
}

pub fn fact(
    record_id: u64,
    source: &str,
    event_type: &str,
    start: &str,
    end: Option<&str>,
    attrs: &[(&str, AttrValue)],
) -> FactRef {
    FactRef {
        record_id,
        source: source.into(),
        fact: Fact {
            event_type: event_type.into(),
            event_date: Some(d(start)),
            end_date: end.map(d),
            attributes: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        },
    }
}

pub fn police(record_id: u64, date: &str, category: &str, involvement: &str) -> FactRef {
    fact(
        record_id,
        "police",
        "incident",
        date,
        None,
        &[
            ("occurrence_ref", text(&format!("OCC{record_id}"))),
            ("incident_category", text(category)),
            ("offence", text("")),
            ("involvement", text(involvement)),
        ],
    )
}

pub fn health(record_id: u64, date: &str, contact_type: &str) -> FactRef {
    fact(
        record_id,
        "health",
        "health_contact",
        date,
        None,
        &[
            ("contact_type", text(contact_type)),
            ("outcome", text("Discharged")),
        ],
    )
}

pub fn youth_offence(record_id: u64, date: &str, proven: bool) -> FactRef {
    fact(
        record_id,
        "youth_justice",
        "youth_offence",
        date,
        None,
        &[("outcome", text("Referral Order")), ("proven", yes(proven))],
    )
}

pub fn claim(record_id: u64, start: &str, end: Option<&str>) -> FactRef {
    fact(
        record_id,
        "dwp",
        "benefit_claim",
        start,
        end,
        &[("benefit_type", text("JSA"))],
    )
}

pub fn episode(record_id: u64, kind: &str, start: &str, end: Option<&str>) -> FactRef {
    fact(
        record_id,
        "social_care",
        "care_episode",
        start,
        end,
        &[("episode_type", text(kind))],
    )
}

/// One school term's attendance.
pub fn term(
    record_id: u64,
    start: &str,
    end: &str,
    possible: f64,
    missed: f64,
    fte: f64,
    permanent: bool,
) -> FactRef {
    fact(
        record_id,
        "schools",
        "attendance",
        start,
        Some(end),
        &[
            ("academic_year", text("2024/25")),
            ("term", text("Term")),
            ("sessions_possible", num(possible)),
            ("sessions_missed", num(missed)),
            ("unauthorised_absences", num(0.0)),
            ("fixed_term_exclusions", num(fte)),
            ("permanent_exclusion", yes(permanent)),
        ],
    )
}

/// The three school terms of 2024/25 (all ended before the as-at date).
pub const TERMS: [(&str, &str); 3] = [
    ("2024-09-01", "2024-12-20"),
    ("2025-01-04", "2025-03-28"),
    ("2025-04-14", "2025-07-22"),
];

#[derive(Default)]
pub struct World {
    pub people: Vec<Person>,
    pub facts: Vec<Vec<FactRef>>,
    pub families: Vec<Family>,
}

impl World {
    /// Adds a person; returns their index.
    pub fn person(&mut self, person_id: u64, dob: Option<&str>) -> usize {
        self.people.push(Person {
            person_id,
            date_of_birth: dob.map(d),
        });
        self.facts.push(Vec::new());
        self.people.len() - 1
    }

    pub fn add(&mut self, person: usize, f: FactRef) {
        self.facts[person].push(f);
    }

    pub fn family(&mut self, family_id: u64, members: &[usize]) {
        self.families.push(Family {
            family_id,
            members: members.to_vec(),
        });
    }

    pub fn run(&self, rules: &Rules) -> Identification {
        identify(rules, &self.people, &self.facts, &self.families, as_at()).unwrap()
    }
}

/// The indicator keys a person meets.
pub fn met(id: &Identification, person_id: u64) -> Vec<String> {
    id.people
        .iter()
        .find(|p| p.person_id == person_id)
        .map(|p| p.evidence.iter().map(|e| e.indicator.clone()).collect())
        .unwrap_or_default()
}
