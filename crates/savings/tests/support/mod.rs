//! Helpers shared by the calculator's test files: the shipped rules, and facts, members and
//! families built in a line.

use chrono::NaiveDate;
use hearth_identification::FactRef;
use hearth_model::{AttrValue, Fact};
use hearth_savings::{family, Coverage, Member, SavingsFamily, SavingsRules};
use std::path::PathBuf;

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn rules() -> SavingsRules {
    SavingsRules::load(&root().join("rules/savings.toml")).unwrap()
}

/// Every item's data reaching far beyond any window.
pub fn all(r: &SavingsRules) -> Coverage {
    Coverage::reaching(r, d("2100-01-01"))
}

pub fn text(s: &str) -> AttrValue {
    AttrValue::Text(s.into())
}

pub fn fact(
    id: u64,
    source: &str,
    event_type: &str,
    start: &str,
    end: Option<&str>,
    attrs: &[(&str, AttrValue)],
) -> FactRef {
    FactRef {
        record_id: id,
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

pub fn police(
    id: u64,
    occ: &str,
    date: &str,
    category: &str,
    offence: &str,
    involvement: &str,
) -> FactRef {
    fact(
        id,
        "police",
        "incident",
        date,
        None,
        &[
            ("occurrence_ref", text(occ)),
            ("incident_category", text(category)),
            ("offence", text(offence)),
            ("involvement", text(involvement)),
        ],
    )
}

pub fn member(id: u64, dob: &str, facts: Vec<FactRef>) -> Member {
    Member {
        person_id: id,
        date_of_birth: Some(d(dob)),
        facts,
    }
}

pub const ATTACHED: &str = "2024-01-01";
pub const AS_AT: &str = "2025-06-01";

pub fn fam(id: u64, members: Vec<Member>) -> SavingsFamily {
    SavingsFamily {
        family_id: id,
        attached_on: d(ATTACHED),
        members,
    }
}

/// (units before, units after) of `item` for a family.
pub fn use_of(r: &SavingsRules, f: &SavingsFamily, item: &str) -> (f64, f64) {
    let res = family(r, f, d(AS_AT), &all(r));
    res.items
        .iter()
        .find(|u| u.item == item)
        .map(|u| (u.before, u.after))
        .unwrap_or((0.0, 0.0))
}

pub fn value(r: &SavingsRules, item: &str) -> f64 {
    r.items.iter().find(|i| i.key == item).unwrap().unit_value
}
