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

/// An anti-social behaviour incident (street drinking, the member a suspect), its occurrence
/// reference `occ_prefix` followed by `id`.
pub fn street_drinking(id: u64, occ_prefix: &str, date: &str) -> FactRef {
    police(
        id,
        &format!("{occ_prefix}{id}"),
        date,
        "ASB",
        "Street drinking",
        "Suspect",
    )
}

/// A claim of `benefit` (JSA, ESA, IS, …) from `start`, ended on `end` if it has.
pub fn claim(id: u64, benefit: &str, start: &str, end: Option<&str>) -> FactRef {
    fact(
        id,
        "dwp",
        "benefit_claim",
        start,
        end,
        &[("benefit_type", text(benefit))],
    )
}

/// A health contact of `contact_type`, with its outcome if one is given.
pub fn health(id: u64, date: &str, contact_type: &str, outcome: Option<&str>) -> FactRef {
    let mut attrs = vec![("contact_type", text(contact_type))];
    if let Some(o) = outcome {
        attrs.push(("outcome", text(o)));
    }
    fact(id, "health", "health_contact", date, None, &attrs)
}

/// A social care episode of `kind` (LAC, Early Help, …) from `start`, ended on `end` if it
/// has, with its placement type if one is given.
pub fn episode(
    id: u64,
    kind: &str,
    start: &str,
    end: Option<&str>,
    placement: Option<&str>,
) -> FactRef {
    let mut attrs = vec![("episode_type", text(kind))];
    if let Some(p) = placement {
        attrs.push(("placement_type", text(p)));
    }
    fact(id, "social_care", "care_episode", start, end, &attrs)
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
