use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn person(id: u64, dob: Option<NaiveDate>, surname: &str) -> Person {
    Person {
        person_id: id,
        date_of_birth: dob,
        family_name: Some(surname.into()),
    }
}

fn seen(person: usize, address: &str, postcode: &str, when: NaiveDate) -> Sighting {
    Sighting {
        person,
        address: Some(address.into()),
        postcode: Some(postcode.into()),
        seen: Some(when),
        until: None,
    }
}

#[test]
fn a_key_places_its_address_in_a_postcode_sector() {
    let key = address_key(Some("34 Brook Street"), Some("wa72es")).unwrap();
    assert_eq!(postcode_sector(&key).as_deref(), Some("WA7 2"));
    let key = address_key(Some("Flat 1, 2 Mill Lane"), Some("SW1A 1AA")).unwrap();
    assert_eq!(postcode_sector(&key).as_deref(), Some("SW1A 1"));
    // A key made without a valid postcode has no sector.
    let key = address_key(Some("12 Acacia Avenue"), Some("not a postcode")).unwrap();
    assert_eq!(postcode_sector(&key), None);
    assert_eq!(postcode_sector("garbage|1"), None);
}

#[test]
fn latest_sighting_wins_over_old_address() {
    let people = vec![person(1, Some(d(1980, 1, 1)), "Smith")];
    let s = vec![
        seen(0, "1 Old Road", "M1 1AE", d(2023, 1, 1)),
        seen(0, "1 Old Road", "M1 1AE", d(2023, 2, 1)),
        seen(0, "9 New Road", "M2 2BB", d(2025, 1, 1)),
    ];
    let out = infer(&people, &s, &Settings::as_at(d(2025, 9, 1)));
    assert_eq!(out.households.len(), 1);
    assert_eq!(out.households[0].address_key, "M2 2BB|9");
}

#[test]
fn sightings_after_as_at_or_too_old_are_ignored() {
    let people = vec![person(1, None, "Smith")];
    let s = vec![
        seen(0, "1 Old Road", "M1 1AE", d(2021, 1, 1)),
        seen(0, "9 New Road", "M2 2BB", d(2025, 10, 1)),
    ];
    let out = infer(&people, &s, &Settings::as_at(d(2025, 9, 1)));
    assert_eq!(out.unplaced, 1);
    assert!(out.households.is_empty());
}

#[test]
fn a_spell_places_someone_until_it_ends_or_while_it_is_open() {
    let as_at = d(2025, 9, 1);
    let people = vec![
        person(1, Some(d(1980, 1, 1)), "Smith"), // claim opened in 2016, still open
        person(2, Some(d(1980, 1, 1)), "Jones"), // claim opened in 2016, ended in 2020
        person(3, Some(d(1980, 1, 1)), "Khan"),  // claim ended 36 months before: the edge
    ];
    let spell = |person, address: &str, start, until| Sighting {
        until: Some(until),
        ..seen(person, address, "M1 1AE", start)
    };
    let s = vec![
        spell(0, "1 Acacia Avenue", d(2016, 1, 1), as_at),
        spell(1, "2 Acacia Avenue", d(2016, 1, 1), d(2020, 5, 1)),
        spell(2, "3 Acacia Avenue", d(2016, 1, 1), d(2022, 9, 1)),
    ];
    let out = infer(&people, &s, &Settings::as_at(as_at));
    assert_eq!(out.household_of[0], Some(0), "an open claim is current");
    assert_eq!(
        out.household_of[1], None,
        "a claim that ended five years ago is not"
    );
    assert!(
        out.household_of[2].is_some(),
        "36 months is still within the window"
    );
    assert_eq!(out.unplaced, 1);
}

#[test]
fn a_long_open_spell_does_not_outrank_a_newer_address() {
    // The claim was opened at the old address; the school has the family's new one. The
    // open claim keeps the person current but its address first appeared earlier.
    let as_at = d(2025, 9, 1);
    let people = vec![person(1, Some(d(1980, 1, 1)), "Smith")];
    let s = vec![
        Sighting {
            until: Some(as_at),
            ..seen(0, "1 Old Road", "M1 1AE", d(2019, 1, 1))
        },
        seen(0, "9 New Road", "M2 2BB", d(2025, 1, 1)),
        seen(0, "9 New Road", "M2 2BB", d(2025, 4, 1)),
    ];
    let out = infer(&people, &s, &Settings::as_at(as_at));
    assert_eq!(out.households[0].address_key, "M2 2BB|9");
}

#[test]
fn family_needs_a_child_and_parents_are_inferred() {
    let as_at = d(2025, 9, 1);
    let people = vec![
        person(10, Some(d(1980, 5, 5)), "Nowak"), // mother
        person(11, Some(d(1978, 5, 5)), "Brown"), // step-father
        person(12, Some(d(2012, 5, 5)), "Nowak"), // child
        person(13, Some(d(2007, 9, 1)), "Nowak"), // turned 18 on the as-at date: adult
        person(20, Some(d(1950, 1, 1)), "Jones"), // lives alone
    ];
    let s = vec![
        seen(0, "5 Park Road", "M1 1AE", d(2025, 1, 1)),
        seen(1, "5 Park Rd", "M1 1AE", d(2025, 1, 1)),
        seen(2, "5, Park Road", "m1 1ae", d(2025, 1, 1)),
        seen(3, "5 Park Road", "M1 1AE", d(2025, 1, 1)),
        seen(4, "7 Park Road", "M1 1AE", d(2025, 1, 1)),
    ];
    let out = infer(&people, &s, &Settings::as_at(as_at));
    assert_eq!(out.households.len(), 2);
    assert_eq!(
        out.families.len(),
        1,
        "the person living alone is no family"
    );
    let f = &out.families[0];
    assert_eq!(f.members.len(), 4);
    let roles: Vec<MemberRole> = f.members.iter().map(|m| m.role).collect();
    assert_eq!(
        roles,
        vec![
            MemberRole::Adult,
            MemberRole::Adult,
            MemberRole::Child,
            MemberRole::Adult
        ]
    );
    assert_eq!(
        f.relationships,
        vec![
            Relationship {
                parent: 0,
                child: 2,
                basis: RelationshipBasis::AgeGapAndFamilyName
            },
            Relationship {
                parent: 1,
                child: 2,
                basis: RelationshipBasis::AgeGap
            },
        ]
    );
    let mut all_adults = Settings::as_at(as_at);
    all_adults.require_child = false;
    assert_eq!(infer(&people, &s, &all_adults).families.len(), 2);
}

#[test]
fn oversized_households_are_flagged_not_families() {
    let people: Vec<Person> = (0..20)
        .map(|i| person(i, Some(d(2010, 1, 1)), "X"))
        .collect();
    let s: Vec<Sighting> = (0..20)
        .map(|i| seen(i, "1 Tower Block", "M1 1AE", d(2025, 1, 1)))
        .collect();
    let out = infer(&people, &s, &Settings::as_at(d(2025, 9, 1)));
    assert!(out.households[0].oversized);
    assert!(out.families.is_empty());
}

#[test]
fn ages() {
    assert_eq!(age_on(d(2007, 9, 1), d(2025, 9, 1)), Some(18));
    assert_eq!(age_on(d(2007, 9, 2), d(2025, 9, 1)), Some(17));
    assert_eq!(age_on(d(2026, 1, 1), d(2025, 9, 1)), None);
}

#[test]
fn stable_family_ids() {
    let previous = vec![(5, vec![1, 2, 3]), (9, vec![7, 8])];
    // Family {1,2,3,4} keeps 5; {7} keeps 9 (one of one); {20,21} is new.
    let ids = assign_stable_family_ids(&previous, &[vec![1, 2, 3, 4], vec![7], vec![20, 21]], 1);
    assert_eq!(ids, vec![5, 9, 10]);
    // A split: {1,2} and {3} — the larger overlap keeps the ID.
    let ids = assign_stable_family_ids(&previous, &[vec![3], vec![1, 2]], 1);
    assert_eq!(ids, vec![10, 5]);
    // Deterministic.
    assert_eq!(
        ids,
        assign_stable_family_ids(&previous, &[vec![3], vec![1, 2]], 1)
    );
}

#[test]
fn postcode_only_people_join_the_one_household_sharing_their_family_name() {
    let as_at = d(2025, 9, 1);
    let people = vec![
        person(1, Some(d(2012, 1, 1)), "Khan"), // child with an address
        person(2, Some(d(1990, 1, 1)), "Khan"), // benefit claimant: postcode only
        person(3, Some(d(1990, 1, 1)), "Jones"), // postcode only, nobody shares the name
        person(4, Some(d(2010, 1, 1)), "Shah"), // two Shah households in one postcode
        person(5, Some(d(2011, 1, 1)), "Shah"),
        person(6, Some(d(1980, 1, 1)), "Shah"), // postcode only: ambiguous, stays unplaced
    ];
    let postcode_only = |p: usize| Sighting {
        person: p,
        address: None,
        postcode: Some("m11ae".into()),
        seen: Some(d(2025, 1, 1)),
        until: None,
    };
    let s = vec![
        seen(0, "4 Mill Lane", "M1 1AE", d(2025, 1, 1)),
        postcode_only(1),
        postcode_only(2),
        seen(3, "6 Mill Lane", "M1 1AE", d(2025, 1, 1)),
        seen(4, "8 Mill Lane", "M1 1AE", d(2025, 1, 1)),
        postcode_only(5),
    ];
    let out = infer(&people, &s, &Settings::as_at(as_at));
    assert_eq!(out.household_of[1], out.household_of[0]);
    assert_eq!(out.household_of[2], None);
    assert_eq!(out.household_of[5], None);
    assert_eq!(out.unplaced, 2);
    let khan = &out.families[out
        .families
        .iter()
        .position(|f| f.members.iter().any(|m| m.person == 0))
        .unwrap()];
    assert_eq!(khan.members.len(), 2);
}

#[test]
fn an_old_address_reappearing_after_a_move_does_not_move_the_person_back() {
    let people = vec![person(1, Some(d(2015, 1, 1)), "Morris")];
    let s = vec![
        seen(0, "90 Rowan Way", "WA7 5TG", d(2023, 9, 1)),
        seen(0, "90 Rowan Way", "WA7 5TG", d(2024, 1, 4)),
        seen(0, "Flat 1, 23 Grange Court", "WA8 8AX", d(2024, 9, 1)),
        seen(0, "Flat 1, 23 Grange Court", "WA8 8AX", d(2025, 1, 4)),
        // A school still using the old address for the summer term.
        seen(0, "90 Rowan Way", "WA7 5TG", d(2025, 4, 14)),
    ];
    let out = infer(&people, &s, &Settings::as_at(d(2025, 9, 1)));
    assert_eq!(out.households[0].address_key, "WA8 8AX|1 23");
}

#[test]
fn a_one_off_address_wins_only_as_the_latest_sighting() {
    let people = vec![person(1, Some(d(2015, 1, 1)), "Ng"), person(2, None, "Ng")];
    let s = vec![
        seen(0, "5 Oak Road", "M1 1AE", d(2024, 1, 1)),
        seen(0, "5 Oak Road", "M1 1AE", d(2025, 6, 1)),
        seen(0, "7 Elm Road", "M2 2BB", d(2025, 3, 1)), // once, not the latest: a mistake
        seen(1, "5 Ash Road", "M3 3CC", d(2024, 1, 1)),
        seen(1, "7 Fir Road", "M4 4DD", d(2025, 6, 1)), // once but the latest: a move
    ];
    let out = infer(&people, &s, &Settings::as_at(d(2025, 9, 1)));
    let key = |p: usize| {
        out.households[out.household_of[p].unwrap()]
            .address_key
            .clone()
    };
    assert_eq!(key(0), "M1 1AE|5");
    assert_eq!(key(1), "M4 4DD|7");
}

#[test]
fn a_member_whose_records_lag_behind_a_move_follows_the_household() {
    // The family moved from Castle Court to Ditton Walk in 2024. The school updated one
    // child's address once and then went back to the old one; the others' records moved.
    let as_at = d(2025, 9, 1);
    let people = vec![
        person(1, Some(d(1984, 3, 1)), "Ahmed"),
        person(2, Some(d(2011, 10, 14)), "Ahmed"),
        person(3, Some(d(2013, 9, 24)), "Ahmed"),
    ];
    let (old, new) = (
        ("63 Castle Court", "WA8 3TG"),
        ("34 Ditton Walk", "WA7 2ES"),
    );
    let at = |p, (a, pc): (&str, &str), y, m| seen(p, a, pc, d(y, m, 1));
    let s = vec![
        at(0, old, 2023, 1),
        at(0, new, 2024, 8),
        at(0, new, 2024, 10),
        at(1, old, 2023, 9),
        at(1, new, 2024, 9),
        at(1, old, 2025, 1),
        at(1, old, 2025, 4),
        at(2, old, 2023, 9),
        at(2, new, 2025, 1),
        at(2, new, 2025, 4),
    ];
    let out = infer(&people, &s, &Settings::as_at(as_at));
    assert_eq!(out.households.len(), 1, "{:?}", out.households);
    assert_eq!(out.households[0].address_key, "WA7 2ES|34");
    assert_eq!(out.families[0].members.len(), 3);
}

#[test]
fn someone_who_left_the_family_home_is_not_pulled_back() {
    // The eldest moved out to a flat of her own in 2025; her family stayed.
    let as_at = d(2025, 9, 1);
    let people = vec![
        person(1, Some(d(1980, 1, 1)), "Okafor"),
        person(2, Some(d(2012, 1, 1)), "Okafor"),
        person(3, Some(d(2005, 1, 1)), "Okafor"),
    ];
    let home = ("12 Acacia Avenue", "M1 1AE");
    let flat = ("Flat 2, 40 High Street", "M2 2BB");
    let at = |p, (a, pc): (&str, &str), y, m| seen(p, a, pc, d(y, m, 1));
    let s = vec![
        at(0, home, 2023, 1),
        at(0, home, 2025, 1),
        at(1, home, 2024, 1),
        at(1, home, 2025, 4),
        at(2, home, 2023, 6),
        at(2, home, 2024, 6),
        at(2, flat, 2025, 3),
        at(2, flat, 2025, 6),
    ];
    let out = infer(&people, &s, &Settings::as_at(as_at));
    let key = |p: usize| {
        out.households[out.household_of[p].unwrap()]
            .address_key
            .as_str()
    };
    assert_eq!(key(2), "M2 2BB|2 40");
    assert_eq!(key(0), "M1 1AE|12");
    assert_eq!(key(1), "M1 1AE|12");
}

#[test]
fn a_parent_and_child_who_moved_together_are_not_swapped_apart() {
    // The family moved from Princess Road to Church View in summer 2024. The child's school
    // records show the move cleanly; the father's benefit claim (opened years ago) carries
    // the new address while his GP still writes the old one. Each on their own is placed at
    // the other's address; they moved together, so they are placed together, at the address
    // the clean move shows.
    let as_at = d(2025, 9, 1);
    let people = vec![
        person(1, Some(d(1972, 4, 29)), "Cooper"),
        person(2, Some(d(2019, 8, 29)), "Andrews"),
    ];
    let term = |p, (a, pc): (&str, &str), from, to| Sighting {
        until: Some(to),
        ..seen(p, a, pc, from)
    };
    let new = ("Flat 6, 5 Church View", "WA7 6HW");
    let old = ("22 Princess Road", "WA7 1WG");
    let s = vec![
        term(0, new, d(2018, 2, 2), as_at), // an open claim
        seen(0, old.0, old.1, d(2022, 11, 1)),
        seen(0, old.0, old.1, d(2025, 8, 26)),
        seen(0, new.0, new.1, d(2025, 8, 28)),
        seen(0, old.0, old.1, d(2025, 8, 30)),
        term(1, old, d(2023, 9, 1), d(2023, 12, 20)),
        term(1, old, d(2024, 4, 14), d(2024, 7, 22)),
        term(1, new, d(2024, 9, 1), d(2024, 12, 20)),
        term(1, new, d(2025, 4, 14), d(2025, 7, 22)),
    ];
    let out = infer(&people, &s, &Settings::as_at(as_at));
    assert_eq!(out.households.len(), 1, "{:?}", out.households);
    assert_eq!(out.households[0].address_key, "WA7 6HW|6 5");
    assert_eq!(out.families[0].members.len(), 2);
}

#[test]
fn two_families_sharing_an_address_stay_apart_when_one_moves() {
    // Two families lived at the same (unnumbered) house in multiple occupation. The Lees
    // moved to Mill Lane; the Patels stayed. Nobody but the Lees was seen at Mill Lane, so
    // the Patels are not moved, and one Lee whose GP still has the old address follows her
    // family.
    let as_at = d(2025, 9, 1);
    let people = vec![
        person(1, Some(d(1985, 1, 1)), "Lee"),
        person(2, Some(d(2014, 1, 1)), "Lee"),
        person(3, Some(d(1980, 1, 1)), "Patel"),
        person(4, Some(d(2012, 1, 1)), "Patel"),
    ];
    let hmo = ("Riverside House", "M1 1AE");
    let mill = ("4 Mill Lane", "M2 2BB");
    let at = |p, (a, pc): (&str, &str), y, m| seen(p, a, pc, d(y, m, 1));
    let s = vec![
        at(0, hmo, 2023, 1),
        at(0, mill, 2024, 10),
        at(0, hmo, 2025, 2), // the GP's stale address
        at(0, hmo, 2025, 5),
        at(1, hmo, 2023, 9),
        at(1, mill, 2024, 9),
        at(1, mill, 2025, 4),
        at(2, hmo, 2023, 3),
        at(2, hmo, 2025, 6),
        at(3, hmo, 2023, 9),
        at(3, hmo, 2025, 4),
    ];
    let out = infer(&people, &s, &Settings::as_at(as_at));
    let key = |p: usize| {
        out.households[out.household_of[p].unwrap()]
            .address_key
            .as_str()
    };
    assert_eq!(key(0), "M2 2BB|4");
    assert_eq!(key(1), "M2 2BB|4");
    assert!(key(2).starts_with("M1 1AE|"), "{}", key(2));
    assert_eq!(out.household_of[2], out.household_of[3]);
    assert_ne!(out.household_of[0], out.household_of[2]);
    assert_eq!(out.families.len(), 2);
}

#[test]
fn one_sighting_elsewhere_does_not_take_parents_out_of_the_family() {
    // The police recorded an incident involving both parents at another address; their
    // children and the grandfather are still seen at home afterwards.
    let as_at = d(2025, 9, 1);
    let people = vec![
        person(1, Some(d(1992, 3, 12)), "Lewandowski"),
        person(2, Some(d(1998, 10, 5)), "Kazlauskiene"),
        person(3, Some(d(2018, 9, 10)), "Lewandowski"),
        person(4, Some(d(1969, 8, 5)), "Lewandowski"),
    ];
    let home = ("19 Hough Walk", "WA8 8WG");
    let other = ("6 Windsor Avenue", "WA7 2TX");
    let at = |p, (a, pc): (&str, &str), y, m, day| seen(p, a, pc, d(y, m, day));
    let s = vec![
        at(0, home, 2023, 4, 21),
        at(0, home, 2025, 3, 6),
        at(0, other, 2025, 7, 6),
        at(1, home, 2023, 1, 4),
        at(1, home, 2025, 3, 6),
        at(1, other, 2025, 7, 6),
        Sighting {
            until: Some(d(2025, 7, 22)),
            ..at(2, home, 2025, 4, 14)
        },
        at(2, home, 2023, 9, 1),
        at(3, home, 2023, 2, 13),
        at(3, home, 2025, 5, 22),
    ];
    let out = infer(&people, &s, &Settings::as_at(as_at));
    assert_eq!(out.households.len(), 1, "{:?}", out.households);
    assert_eq!(out.households[0].address_key, "WA8 8WG|19");
    assert_eq!(out.families[0].members.len(), 4);
}

#[test]
fn one_sighting_at_a_new_address_still_places_someone_nobody_at_home_was_seen_since() {
    // The father moved out in June; the rest of the family's records end in March. His one
    // record at the flat is the newest news of anyone: he is placed there, apart.
    let as_at = d(2025, 9, 1);
    let people = vec![
        person(1, Some(d(1980, 1, 1)), "Hughes"),
        person(2, Some(d(1982, 1, 1)), "Hughes"),
        person(3, Some(d(2014, 1, 1)), "Hughes"),
    ];
    let home = ("12 Acacia Avenue", "M1 1AE");
    let flat = ("Flat 3, 8 Mill Street", "M2 2BB");
    let at = |p, (a, pc): (&str, &str), y, m| seen(p, a, pc, d(y, m, 1));
    let s = vec![
        at(0, home, 2023, 1),
        at(0, home, 2024, 11),
        at(0, flat, 2025, 6),
        at(1, home, 2023, 5),
        at(1, home, 2025, 3),
        at(2, home, 2024, 9),
        at(2, home, 2025, 2),
    ];
    let out = infer(&people, &s, &Settings::as_at(as_at));
    assert_ne!(out.household_of[0], out.household_of[1]);
    assert_eq!(out.household_of[1], out.household_of[2]);
    assert_eq!(
        out.households[out.household_of[0].unwrap()].address_key,
        "M2 2BB|3 8"
    );
}

/// The tester's police file: strangers recorded "No fixed abode", "Unknown" or "Address
/// withheld" (with a real postcode) are not one household, and are counted unplaced; a
/// pseudo-postcode places nobody.
#[test]
fn strangers_with_placeholder_addresses_form_no_household() {
    let people = vec![
        person(1, Some(d(1980, 1, 1)), "PRATT"),
        person(2, Some(d(2010, 2, 2)), "JONES"),
        person(3, Some(d(1985, 3, 3)), "HUSSAIN"),
        person(4, Some(d(2011, 4, 4)), "WALSH"),
        person(5, Some(d(1990, 5, 5)), "KHAN"),
        person(6, Some(d(2012, 6, 6)), "BROWN"),
        person(7, Some(d(1982, 6, 6)), "GREEN"),
        person(8, Some(d(1987, 4, 3)), "LEE"),
        person(9, Some(d(2012, 9, 5)), "LEE"),
    ];
    let when = d(2026, 4, 3);
    let at = |p, a: &str, pc: Option<&str>| Sighting {
        person: p,
        address: Some(a.into()).filter(|a: &String| !a.is_empty()),
        postcode: pc.map(str::to_string),
        seen: Some(when),
        until: None,
    };
    let s = vec![
        at(0, "No Fixed Abode", None),
        at(1, "NO FIXED ABODE", None),
        at(2, "no fixed abode", None),
        at(3, "Unknown", None),
        at(4, "Unknown", None),
        at(5, "Address withheld", Some("NE4 7QT")),
        at(6, "Address withheld, NE4 7QT", Some("NE4 7QT")),
        at(7, "", Some("ZZ99 3VZ")),
        at(8, "", Some("ZZ99 3VZ")),
    ];
    let out = infer(&people, &s, &Settings::as_at(d(2026, 5, 1)));
    assert!(out.households.is_empty(), "{:?}", out.households);
    assert!(out.families.is_empty());
    assert_eq!(out.unplaced, 9);
}

/// Known only by a postcode, behind a placeholder address as behind an empty one: they join
/// the one household at that postcode sharing their family name, as before.
#[test]
fn a_placeholder_address_with_a_postcode_is_a_postcode_only_record() {
    let people = vec![
        person(1, Some(d(1980, 1, 1)), "Green"),
        person(2, Some(d(2012, 6, 6)), "Green"),
    ];
    let s = vec![
        seen(0, "4 Mill Road", "NE4 7QT", d(2026, 1, 1)),
        seen(1, "Address withheld", "NE4 7QT", d(2026, 2, 1)),
    ];
    let out = infer(&people, &s, &Settings::as_at(d(2026, 5, 1)));
    assert_eq!(out.households.len(), 1);
    assert_eq!(out.households[0].address_key, "NE4 7QT|4");
    assert_eq!(out.households[0].members.len(), 2);
}
