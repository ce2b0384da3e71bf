//! The national evaluation extract: what the council sends the Office for National Statistics
//! for the national evaluation, built from the cohort, and what it leaves out.
//!
//! The national evaluation notice: the council shares "name, date of birth, gender, last known
//! address, National Insurance number (if known)" and family-level information about the
//! headline problems, for families on the programme **and** eligible families not worked with
//! ("whether or not a family has been asked to join"); the identifiers are held apart from
//! everything else under a unique reference number; the data are used for research only; and
//! "we will stop sharing … when you ask us to".
//!
//! So the extract is two tables joined only by a reference number made for this extract
//! (never Hearth's own keys): identifiers, and attributes. A family with any member who
//! objects to research use is left out whole: its family-level information is about every
//! member.

use rand::Rng;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// The version of the extract's layout, written in its manifest; the layout is documented
/// in `docs/national-evaluation-extract.md`.
pub const SCHEMA_VERSION: u32 = 1;

/// A family in the cohort: on the programme, or eligible and not worked with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortFamily {
    /// Hearth's family ID (never written to the extract).
    pub family_id: i64,
    /// Headline problems at identification (keys).
    pub problems: Vec<String>,
    /// Worked with on the programme (otherwise: the comparison group).
    pub worked_with: bool,
    /// Programme status (a case status key, or `not_worked_with`).
    pub status: String,
    /// When the programme's work began (yyyy-mm-dd), if it did.
    pub start: Option<String>,
    /// When it ended, if it has.
    pub end: Option<String>,
    /// Members: person ID and role (`adult`, `child`).
    pub members: Vec<(i64, String)>,
}

/// One record's identifiers for a person.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Variant {
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// Date of birth, yyyy-mm-dd.
    pub date_of_birth: Option<String>,
    /// `F`, `M` or `U`.
    pub sex: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Postcode.
    pub postcode: Option<String>,
    /// National Insurance number.
    pub ni_number: Option<String>,
    /// The record's event date (yyyy-mm-dd), for "last known".
    pub event_date: Option<String>,
}

/// A person's identifiers as sent: one value each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdentifierRow {
    /// The extract's reference number for the person.
    pub reference: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth, yyyy-mm-dd.
    pub date_of_birth: String,
    /// Gender as partners record it: F, M or U.
    pub gender: String,
    /// Last known address.
    pub address: String,
    /// Its postcode.
    pub postcode: String,
    /// National Insurance number, if known.
    pub ni_number: String,
}

/// A person's attributes as sent: no identifier, only the reference number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttributeRow {
    /// The extract's reference number for the person.
    pub reference: String,
    /// The extract's reference for the person's family.
    pub family_reference: String,
    /// `adult` or `child`.
    pub role: String,
    /// Headline problems at identification, `;`-separated keys.
    pub problems: String,
    /// `yes` when worked with on the programme, `no` for the comparison group.
    pub worked_with: String,
    /// Programme status.
    pub programme_status: String,
    /// Start, yyyy-mm-dd or empty.
    pub start_date: String,
    /// End, yyyy-mm-dd or empty.
    pub end_date: String,
}

/// The extract's two tables and its counts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EvaluationExtract {
    /// Identifiers, one row per person.
    pub identifiers: Vec<IdentifierRow>,
    /// Attributes, one row per person.
    pub attributes: Vec<AttributeRow>,
    /// Families in the extract.
    pub families: usize,
    /// Of which on the programme.
    pub programme_families: usize,
    /// Of which the comparison group.
    pub comparison_families: usize,
    /// People left out because they object.
    pub objectors_excluded: usize,
    /// Families left out because a member objects.
    pub families_excluded: usize,
}

/// Builds the extract. `identifiers` holds each person's identity records; `objectors` the
/// people who object to research use; `rng` makes the reference numbers.
pub fn build(
    cohort: &[CohortFamily],
    identifiers: &BTreeMap<i64, Vec<Variant>>,
    objectors: &BTreeSet<i64>,
    rng: &mut impl Rng,
) -> EvaluationExtract {
    let mut out = EvaluationExtract::default();
    let mut used = HashSet::new();
    let mut excluded_people = BTreeSet::new();
    for family in cohort {
        let objecting: Vec<i64> = family
            .members
            .iter()
            .map(|(p, _)| *p)
            .filter(|p| objectors.contains(p))
            .collect();
        if !objecting.is_empty() {
            out.families_excluded += 1;
            excluded_people.extend(objecting);
            continue;
        }
        out.families += 1;
        if family.worked_with {
            out.programme_families += 1;
        } else {
            out.comparison_families += 1;
        }
        let family_reference = reference("F", rng, &mut used);
        for (person, role) in &family.members {
            let reference = reference("P", rng, &mut used);
            let best = best_known(identifiers.get(person).map_or(&[][..], |v| v));
            out.identifiers.push(IdentifierRow {
                reference: reference.clone(),
                ..best
            });
            out.attributes.push(AttributeRow {
                reference,
                family_reference: family_reference.clone(),
                role: role.clone(),
                problems: family.problems.join(";"),
                worked_with: if family.worked_with { "yes" } else { "no" }.into(),
                programme_status: family.status.clone(),
                start_date: family.start.clone().unwrap_or_default(),
                end_date: family.end.clone().unwrap_or_default(),
            });
        }
    }
    out.objectors_excluded = excluded_people.len();
    // Rows in a random order, so that the two files' row orders say nothing about families.
    shuffle(&mut out.identifiers, rng);
    shuffle(&mut out.attributes, rng);
    out
}

fn shuffle<T>(v: &mut [T], rng: &mut impl Rng) {
    for i in (1..v.len()).rev() {
        let j = rng.random_range(0..=i);
        v.swap(i, j);
    }
}

/// A reference number not used before in this extract: a letter and 12 characters from an
/// alphabet without look-alikes (60 bits).
fn reference(prefix: &str, rng: &mut impl Rng, used: &mut HashSet<String>) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTVWXYZ23456789";
    loop {
        let r: String = std::iter::once(prefix.to_owned())
            .chain(
                (0..12)
                    .map(|_| (ALPHABET[rng.random_range(0..ALPHABET.len())] as char).to_string()),
            )
            .collect();
        if used.insert(r.clone()) {
            return r;
        }
    }
}

/// One value per identifier from a person's records: the value most records give (ties to
/// the most recent record) for names, date of birth, gender and NI number; the address and
/// postcode of the most recent record that gives an address ("last known address").
pub fn best_known(variants: &[Variant]) -> IdentifierRow {
    let mut by_recency: Vec<&Variant> = variants.iter().collect();
    by_recency.sort_by(|a, b| b.event_date.cmp(&a.event_date));
    let common = |f: fn(&Variant) -> &Option<String>| -> String {
        let mut counts: Vec<(String, usize, usize)> = Vec::new(); // value, count, first seen
        for (rank, v) in by_recency.iter().enumerate() {
            if let Some(x) = f(v).as_ref().map(|s| s.trim()).filter(|s| !s.is_empty()) {
                match counts.iter_mut().find(|(y, _, _)| y == x) {
                    Some(c) => c.1 += 1,
                    None => counts.push((x.to_owned(), 1, rank)),
                }
            }
        }
        counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)))
            .map(|c| c.0)
            .unwrap_or_default()
    };
    let last_address = by_recency
        .iter()
        .find(|v| v.address.as_deref().is_some_and(|a| !a.trim().is_empty()));
    IdentifierRow {
        reference: String::new(),
        given_name: common(|v| &v.given_name),
        family_name: common(|v| &v.family_name),
        date_of_birth: common(|v| &v.date_of_birth),
        gender: common(|v| &v.sex),
        address: last_address
            .and_then(|v| v.address.clone())
            .unwrap_or_default(),
        postcode: last_address
            .and_then(|v| v.postcode.clone())
            .unwrap_or_else(|| common(|v| &v.postcode)),
        ni_number: common(|v| &v.ni_number),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn family(id: i64, worked: bool, members: &[i64]) -> CohortFamily {
        CohortFamily {
            family_id: id,
            problems: vec!["crime".into(), "education".into()],
            worked_with: worked,
            status: if worked {
                "in_progress"
            } else {
                "not_worked_with"
            }
            .into(),
            start: worked.then(|| "2025-01-06".into()),
            end: None,
            members: members.iter().map(|&p| (p, "adult".to_string())).collect(),
        }
    }

    fn variant(name: &str, address: &str, date: &str) -> Variant {
        Variant {
            given_name: Some(name.into()),
            family_name: Some("Ellery".into()),
            address: Some(address.into()),
            event_date: Some(date.into()),
            ..Variant::default()
        }
    }

    #[test]
    fn an_objecting_member_takes_the_whole_family_out() {
        let cohort = vec![family(1, true, &[10, 11]), family(2, false, &[20, 21])];
        let ids = BTreeMap::from([(10, vec![variant("Adam", "1 High St", "2024-01-01")])]);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let e = build(&cohort, &ids, &BTreeSet::from([11]), &mut rng);
        assert_eq!(
            (e.families, e.families_excluded, e.objectors_excluded),
            (1, 1, 1)
        );
        assert_eq!((e.programme_families, e.comparison_families), (0, 1));
        assert_eq!(e.identifiers.len(), 2);
        assert!(e.identifiers.iter().all(|r| r.given_name != "Adam"));
        assert!(e.attributes.iter().all(|a| a.worked_with == "no"));
    }

    #[test]
    fn the_two_tables_share_only_fresh_reference_numbers() {
        let cohort = vec![family(1, true, &[10, 11]), family(2, false, &[20])];
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2);
        let e = build(&cohort, &BTreeMap::new(), &BTreeSet::new(), &mut rng);
        let a: BTreeSet<&str> = e.attributes.iter().map(|r| r.reference.as_str()).collect();
        let i: BTreeSet<&str> = e.identifiers.iter().map(|r| r.reference.as_str()).collect();
        assert_eq!(a, i);
        assert_eq!(a.len(), 3);
        for r in &e.attributes {
            assert!(!r.reference.contains("10") && !r.family_reference.ends_with('1'));
            assert_eq!(r.reference.len(), 13);
        }
        let families: BTreeSet<&str> = e
            .attributes
            .iter()
            .map(|r| r.family_reference.as_str())
            .collect();
        assert_eq!(families.len(), 2);
    }

    #[test]
    fn last_known_address_is_the_most_recent_and_names_the_most_common() {
        let best = best_known(&[
            variant("Adam", "1 Old Road", "2022-03-01"),
            variant("Adam", "9 New Street", "2025-02-01"),
            variant("Adem", "1 Old Road", "2023-01-01"),
        ]);
        assert_eq!(best.given_name, "Adam");
        assert_eq!(best.address, "9 New Street");
    }
}
