//! The hard tail (issue #15): one person registered twice under two NHS numbers (a temporary
//! one) with everything else the same is one person; twins with two NHS numbers stay two.

use hearth_linkage::standardise::parse_dob;
use hearth_linkage::{link, Constraints, LinkRecord, Settings};

/// A valid NHS number (modulus 11 check digit) from a base, skipping invalid ones.
fn nhs(mut base: u64) -> String {
    loop {
        let digits: Vec<u32> = format!("{:09}", base % 1_000_000_000)
            .chars()
            .map(|c| c.to_digit(10).unwrap())
            .collect();
        let sum: u32 = digits
            .iter()
            .enumerate()
            .map(|(i, d)| d * (10 - i as u32))
            .sum();
        let check = (11 - sum % 11) % 11;
        if check != 10 {
            return digits.iter().map(|d| d.to_string()).collect::<String>() + &check.to_string();
        }
        base += 1;
    }
}

fn record(i: usize, given: &str, family: &str, dob: &str, nhs_number: &str) -> LinkRecord {
    let mut r = LinkRecord::new(0, format!("r{i}"));
    r.given_name = Some(given.into());
    r.family_name = Some(family.into());
    r.date_of_birth = parse_dob(dob, "%Y-%m-%d").unwrap();
    r.postcode = Some("LS6 2QT".into());
    r.address = Some("14 Hollis Road".into());
    r.nhs_number = Some(nhs_number.into());
    r
}

/// 600 people with two health records each (same NHS number), for the model to train on.
fn population() -> Vec<LinkRecord> {
    let givens = [
        "William", "Amelia", "Oliver", "Isla", "Jack", "Noah", "Grace", "Ruby",
    ];
    let families = [
        "Smith", "Jones", "Patel", "Khan", "Ashdown", "Carlton", "Dunmore", "Fenwick",
    ];
    let mut out = Vec::new();
    for p in 0..600u64 {
        let (g, f) = (givens[p as usize % 8], families[(p as usize / 8) % 8]);
        let dob = format!("{}-{:02}-{:02}", 1940 + p % 70, 1 + p % 12, 1 + p % 28);
        let n = nhs(4_000_000 + p * 7_919);
        for _ in 0..2 {
            let mut r = record(out.len(), g, f, &dob, &n);
            r.postcode = Some(format!("LS{} {}AB", 1 + p % 9, 1 + p % 7));
            r.address = Some(format!("{} Station Road", 1 + p));
            out.push(r);
        }
    }
    out
}

#[test]
fn one_person_under_two_nhs_numbers_with_all_else_the_same_is_one_person() {
    let mut records = population();
    let first = records.len();
    records.push(record(
        first,
        "Zara",
        "Quimby",
        "2012-04-03",
        &nhs(900_000_001),
    ));
    records.push(record(
        first + 1,
        "Zara",
        "Quimby",
        "2012-04-03",
        &nhs(900_500_003),
    ));
    // Twins: same family, date of birth and address, other forenames and NHS numbers.
    records.push(record(
        first + 2,
        "Leo",
        "Orme",
        "2015-06-07",
        &nhs(901_000_007),
    ));
    records.push(record(
        first + 3,
        "Max",
        "Orme",
        "2015-06-07",
        &nhs(901_500_011),
    ));
    let l = link(&records, &Settings::default(), &Constraints::default());
    assert_eq!(l.person_of[first], l.person_of[first + 1]);
    assert_ne!(l.person_of[first + 2], l.person_of[first + 3]);
}
