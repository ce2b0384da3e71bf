//! The hard tail (issue #15): one person registered twice under two NHS numbers (a temporary
//! one) with everything else the same is one person; twins with two NHS numbers stay two; a
//! lone record under another forename with the person's identifier joins them, a twin does not.

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

/// A household that moved from 22 Moor Lane (LS9 4CD) to 7 Kestrel Way (LS8 1AB): the
/// father's two records at the new address; the daughter's two health records (one NHS
/// number), one at the new address and one still at the old. `sons_named_daniel` adds a son of the father's
/// name (two records at the new address). Returns the records and the father's first index.
fn moved_household(sons_named_daniel: bool) -> (Vec<LinkRecord>, usize) {
    let mut records = population();
    let father = records.len();
    let mut add = |given: &str, dob: &str, sex: &str, old: bool| {
        let mut r = record(records.len(), given, "Ashworth", dob, "");
        r.nhs_number = (given == "Poppy").then(|| nhs(77_000_001));
        r.sex = Some(sex.into());
        if old {
            r.address = Some("22 Moor Lane".into());
            r.postcode = Some("LS9 4CD".into());
        } else {
            r.address = Some("7 Kestrel Way".into());
            r.postcode = Some("LS8 1AB".into());
        }
        records.push(r);
    };
    add("Daniel", "1980-03-14", "M", false);
    add("Daniel", "1980-03-14", "M", false);
    add("Poppy", "2012-09-02", "F", false);
    add("Poppy", "2012-09-02", "F", true);
    if sons_named_daniel {
        add("Daniel", "2010-11-21", "M", false);
        add("Daniel", "2010-11-21", "M", false);
    }
    (records, father)
}

/// A police record: a forename with a typo, no date of birth, the given address.
fn police(i: usize, address: &str, postcode: &str) -> LinkRecord {
    let mut r = LinkRecord::new(1, format!("p{i}"));
    r.given_name = Some("Danial".into());
    r.family_name = Some("ASHWORTH".into());
    r.sex = Some("M".into());
    r.address = Some(address.into());
    r.postcode = Some(postcode.into());
    r
}

#[test]
fn a_record_without_a_date_at_the_households_old_address_joins_the_one_person_it_can_be() {
    let (mut records, father) = moved_household(false);
    let p = records.len();
    records.push(police(p, "22 Moor Lane", "LS9 4CD"));
    let l = link(&records, &Settings::default(), &Constraints::default());
    assert_eq!(l.person_of[father], l.person_of[father + 1]);
    assert_eq!(l.person_of[father + 2], l.person_of[father + 3]);
    assert_ne!(l.person_of[father], l.person_of[father + 2]);
    assert_eq!(
        l.person_of[p], l.person_of[father],
        "the father, through his household"
    );
    assert!(
        l.pairs
            .iter()
            .any(|s| s.right as usize == p || s.left as usize == p),
        "the attaching pair is among the links"
    );
}

#[test]
fn a_record_without_a_date_that_a_father_or_his_son_could_be_goes_to_review() {
    let (mut records, father) = moved_household(true);
    let p = records.len();
    records.push(police(p, "22 Moor Lane", "LS9 4CD"));
    let l = link(&records, &Settings::default(), &Constraints::default());
    let son = father + 4;
    assert_ne!(l.person_of[father], l.person_of[son]);
    assert_ne!(l.person_of[p], l.person_of[father]);
    assert_ne!(l.person_of[p], l.person_of[son]);
    let asked = |x: usize| {
        l.review.iter().any(|s| {
            (s.left as usize, s.right as usize) == (x.min(p), x.max(p))
                || l.person_of[s.left as usize] == l.person_of[x] && s.right as usize == p
        })
    };
    assert!(asked(father) && asked(son), "both put to a reviewer");
}

#[test]
fn a_record_without_a_date_at_an_address_none_of_them_knew_stays_alone_and_goes_to_review() {
    let (mut records, father) = moved_household(false);
    let p = records.len();
    records.push(police(p, "3 Elm Road", "LS2 9ZZ"));
    let l = link(&records, &Settings::default(), &Constraints::default());
    assert_ne!(
        l.person_of[p], l.person_of[father],
        "a name alone is not enough"
    );
    assert!(
        l.review.iter().any(|s| (s.left as usize, s.right as usize)
            == (father.min(p), father.max(p))
            || l.person_of[s.left as usize] == l.person_of[father] && s.right as usize == p),
        "but a reviewer is asked"
    );
}

/// A valid UPN (check letter) from a 12-digit body.
fn upn(body: &str) -> String {
    let b: [u8; 12] = body.as_bytes().try_into().unwrap();
    format!("{}{body}", hearth_model::Upn::check_letter(&b).unwrap())
}

/// A boy known by two records (a school row under his UPN, a health record) and `lone`: one
/// more record of his family name, date of birth and address under another forename.
fn household_with_a_lone_school_record(lone: LinkRecord) -> (Vec<LinkRecord>, usize) {
    let mut records = population();
    let first = records.len();
    let mut add =
        |given: &str, sex: &str, upn_number: Option<String>, nhs_number: Option<String>| {
            let mut r = record(records.len(), given, "Ashworth", "2014-05-09", "");
            r.sex = Some(sex.into());
            r.upn = upn_number;
            r.nhs_number = nhs_number;
            r.address = Some("7 Kestrel Way".into());
            r.postcode = Some("LS8 1AB".into());
            records.push(r);
        };
    add("Jacob", "M", Some(upn("123456789012")), None);
    add("Jacob", "M", None, Some(nhs(55_000_001)));
    let mut lone = lone;
    lone.key = format!("r{}", records.len());
    records.push(lone);
    (records, first)
}

fn school_row(given: &str, upn_number: &str) -> LinkRecord {
    let mut r = record(0, given, "Ashworth", "2014-05-09", "");
    r.nhs_number = None;
    r.sex = Some("M".into());
    r.upn = Some(upn_number.into());
    r.address = Some("7 Kestrel Way".into());
    r.postcode = Some("LS8 1AB".into());
    r
}

#[test]
fn a_lone_record_under_another_forename_with_the_persons_upn_joins_them() {
    // "Reece": a name Jacob goes by, on one school row carrying Jacob's UPN. The health
    // record and the school row disagree on the forename: vetoed as twins would be, and the
    // one link (through the UPN) is half the compared pairs, not more.
    let (records, first) =
        household_with_a_lone_school_record(school_row("Reece", &upn("123456789012")));
    let l = link(&records, &Settings::default(), &Constraints::default());
    let lone = records.len() - 1;
    assert_eq!(l.person_of[first], l.person_of[first + 1]);
    assert_eq!(
        l.person_of[lone], l.person_of[first],
        "one person under two forenames"
    );
    assert!(
        l.pairs
            .iter()
            .any(|s| s.left as usize == lone || s.right as usize == lone),
        "the attaching pair is among the links"
    );
}

#[test]
fn a_twin_with_another_upn_or_with_no_identifier_stays_apart() {
    // Twins never share a UPN: a lone school row of Jacob's twin under her own UPN.
    let mut twin = school_row("Isla", &upn("123456789099"));
    twin.sex = Some("F".into());
    let (records, first) = household_with_a_lone_school_record(twin);
    let l = link(&records, &Settings::default(), &Constraints::default());
    let lone = records.len() - 1;
    assert_eq!(l.person_of[first], l.person_of[first + 1]);
    assert_ne!(
        l.person_of[lone], l.person_of[first],
        "another UPN: another child"
    );
    // A lone record without any identifier: nothing but the name tells a twin known once
    // from another name Jacob goes by, so it stays apart.
    let mut bare = school_row("Reece", "");
    bare.upn = None;
    let (records, first) = household_with_a_lone_school_record(bare);
    let l = link(&records, &Settings::default(), &Constraints::default());
    assert_ne!(l.person_of[records.len() - 1], l.person_of[first]);
}

#[test]
fn a_lone_record_with_its_postcode_only_inside_the_address_joins_as_with_its_own() {
    // As above, but the school wrote the postcode at the end of the address and left the
    // postcode column empty: the address is the same place.
    let mut row = school_row("Reece", &upn("123456789012"));
    row.postcode = None;
    row.address = Some("7 Kestrel Way, LS8 1AB".into());
    let (records, first) = household_with_a_lone_school_record(row);
    let l = link(&records, &Settings::default(), &Constraints::default());
    let lone = records.len() - 1;
    assert_eq!(
        l.person_of[lone], l.person_of[first],
        "the postcode at the end of the address is the record's postcode"
    );
}
