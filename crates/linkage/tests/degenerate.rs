//! Degenerate input (issue #15): exact-duplicate identities and placeholder values must keep
//! memory and output bounded and must not make one person of strangers.

use hearth_linkage::standardise::parse_dob;
use hearth_linkage::{link, Constraints, LinkRecord, Placeholders, Settings};

fn record(i: usize, given: &str, family: &str, dob: &str, postcode: &str) -> LinkRecord {
    let mut r = LinkRecord::new(0, format!("r{i}"));
    r.given_name = Some(given.into());
    r.family_name = Some(family.into());
    r.date_of_birth = parse_dob(dob, "%Y-%m-%d").unwrap();
    r.postcode = Some(postcode.into());
    r
}

#[test]
fn identical_records_give_pairs_linear_in_their_number() {
    let mut records: Vec<LinkRecord> = (0..2000)
        .map(|i| record(i, "NOT KNOWN", "NOT KNOWN", "1900-01-01", "LS1 4AB"))
        .collect();
    records.extend((0..2000).map(|i| record(2000 + i, "Ann", "Quimby", "2012-04-03", "M1 1AE")));
    let l = link(&records, &Settings::default(), &Constraints::default());
    // Two groups of identical records: two people, 1,999 pairs each (not 1,999,000).
    assert_eq!(l.people, 2);
    assert_eq!(l.pairs.len(), 2 * 1999);
    assert_eq!(l.report.distinct_records, 2);
    assert!(
        l.pairs.iter().all(|p| p.left == 0 || p.left == 2000),
        "a star around each group's first record"
    );
}

/// A population for the model to train on: 600 people, two records each (the second with a
/// moved postcode for every third person).
fn population() -> Vec<LinkRecord> {
    let givens = [
        "William", "Amelia", "Oliver", "Isla", "Jack", "Noah", "Grace", "Leo", "Ruby", "Harry",
        "Sophie", "Aisha", "Zara", "Mohammed", "Ellen", "Tom",
    ];
    let families = [
        "Smith", "Jones", "Taylor", "Brown", "Wilson", "Patel", "Khan", "Ashdown", "Carlton",
        "Dunmore", "Elmley", "Fenwick", "Garside", "Hollis", "Ingram", "Jessop", "Kirkby",
    ];
    let mut x: u64 = 11;
    let mut next = |n: usize| {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((x >> 33) % n as u64) as usize
    };
    let mut out = Vec::new();
    for p in 0..600 {
        let (g, f) = (givens[next(givens.len())], families[next(families.len())]);
        let dob = format!(
            "{}-{:02}-{:02}",
            1940 + next(75),
            1 + next(12),
            1 + next(28)
        );
        let pc = format!(
            "LS{} {}A{}",
            1 + next(9),
            1 + next(9),
            ["B", "D", "E"][next(3)]
        );
        out.push(record(out.len(), g, f, &dob, &pc));
        let pc2 = if p % 3 == 0 { "M1 1AE".to_owned() } else { pc };
        out.push(record(out.len(), g, f, &dob, &pc2));
    }
    out
}

/// Strangers recorded with placeholder names and dates: with the placeholders taken at face
/// value they agree on name and date of birth and are linked; treated as missing, they are not.
#[test]
fn placeholder_names_and_dates_do_not_link_strangers() {
    let mut records = population();
    let first = records.len();
    let postcodes = [
        "LS1 4AB", "LS2 7EE", "M1 1AE", "B1 1AA", "LS6 2QT", "LS9 8AG",
    ];
    for pc in postcodes {
        records.push(record(
            records.len(),
            "Not Known",
            "NOT KNOWN",
            "1900-01-01",
            pc,
        ));
    }
    let people_among_them = |l: &hearth_linkage::Linkage| {
        let mut p: Vec<u32> = l.person_of[first..].to_vec();
        p.sort_unstable();
        p.dedup();
        p.len()
    };
    let face_value = Settings {
        placeholders: Placeholders::none(),
        ..Settings::default()
    };
    let l = link(&records, &face_value, &Constraints::default());
    assert!(
        people_among_them(&l) < postcodes.len(),
        "taken at face value they link"
    );
    let l = link(&records, &Settings::default(), &Constraints::default());
    assert_eq!(people_among_them(&l), postcodes.len());
}

/// A placeholder forename leaves the rest of the record to decide: the same family name, date
/// of birth and postcode still link.
#[test]
fn a_placeholder_forename_is_missing_not_a_disagreement() {
    let mut records = population();
    let first = records.len();
    records.push(record(first, "Ann", "Quimby", "2012-04-03", "LS1 4AB"));
    records.push(record(first + 1, "N/K", "Quimby", "2012-04-03", "LS1 4AB"));
    let face_value = Settings {
        placeholders: Placeholders::none(),
        ..Settings::default()
    };
    let l = link(&records, &face_value, &Constraints::default());
    assert_ne!(
        l.person_of[first],
        l.person_of[first + 1],
        "\"N/K\" taken as a forename plainly differs from \"Ann\" (vetoed)"
    );
    let l = link(&records, &Settings::default(), &Constraints::default());
    assert_eq!(l.person_of[first], l.person_of[first + 1]);
}

/// The tester's police file: strangers recorded "No fixed abode" or "Unknown" (and NHS
/// pseudo-postcodes) are not one person, and no pair of them is given address evidence.
/// Two records of nearly one name and no date of birth, both "Unknown", are no more than a
/// question for a reviewer: the placeholder is not an address they share.
#[test]
fn no_fixed_abode_is_no_evidence_that_strangers_are_one_person() {
    let mut records = population();
    let first = records.len();
    for (given, family, dob, address, postcode) in [
        ("Kevin", "PRATT", "1980-01-01", "No Fixed Abode", ""),
        ("Dean", "JONES", "2010-02-02", "NO FIXED ABODE", "ZZ99 3VZ"),
        (
            "Amira",
            "HUSSAIN",
            "1985-03-03",
            "no fixed abode",
            "ZZ99 3VZ",
        ),
        ("Ryan", "WALSH", "", "Unknown", "NFA"),
        ("Rian", "WALSH", "", "UNKNOWN", "nfa"),
    ] {
        let mut r = record(records.len(), given, family, "1970-01-01", postcode);
        r.date_of_birth = parse_dob(dob, "%Y-%m-%d").unwrap_or(None);
        r.postcode = Some(postcode.to_string()).filter(|p| !p.is_empty());
        r.address = Some(address.into());
        records.push(r);
    }
    let l = link(&records, &Settings::default(), &Constraints::default());
    let mut people: Vec<u32> = l.person_of[first..].to_vec();
    people.sort_unstable();
    people.dedup();
    assert_eq!(people.len(), 5, "{:?}", &l.person_of[first..]);
    let theirs = |p: &&hearth_linkage::ScoredPair| p.left as usize >= first;
    for pair in l.pairs.iter().chain(&l.review).filter(theirs) {
        let address = l
            .explain(pair)
            .into_iter()
            .find(|c| c.comparison == "address");
        assert_eq!(address.map(|c| c.level), Some("missing"), "{pair:?}");
    }
}
