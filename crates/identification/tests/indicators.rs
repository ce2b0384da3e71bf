//! Each kind of indicator, with a case that meets it and one that just misses it, using the
//! shipped default profile.

mod common;
use common::*;

/// A person aged 30 at the as-at date.
const ADULT: Option<&str> = Some("1995-01-01");
/// A child aged 12 at the as-at date.
const CHILD: Option<&str> = Some("2013-01-01");

#[test]
fn twelve_month_window_includes_its_first_day_and_not_the_day_before() {
    let rules = expanded();
    let mut w = World::default();
    let inside = w.person(1, ADULT);
    let outside = w.person(2, ADULT);
    w.add(inside, police(10, "2024-09-01", "Domestic Abuse", "Victim"));
    w.add(
        outside,
        police(20, "2024-08-31", "Domestic Abuse", "Victim"),
    );
    let id = w.run(&rules);
    assert_eq!(met(&id, 1), ["domestic_abuse.police_incident"]);
    assert!(met(&id, 2).is_empty());
}

#[test]
fn window_ends_on_the_as_at_date() {
    let rules = expanded();
    let mut w = World::default();
    let on = w.person(1, ADULT);
    let after = w.person(2, ADULT);
    w.add(on, police(10, "2025-09-01", "Domestic Abuse", "Witness"));
    w.add(after, police(20, "2025-09-02", "Domestic Abuse", "Witness"));
    let id = w.run(&rules);
    assert_eq!(met(&id, 1), ["domestic_abuse.police_incident"]);
    assert!(met(&id, 2).is_empty());
}

#[test]
fn child_means_under_18_at_the_as_at_date() {
    let rules = expanded();
    let mut w = World::default();
    let seventeen = w.person(1, Some("2007-09-02")); // 18th birthday the day after as-at
    let eighteen = w.person(2, Some("2007-09-01")); // 18 on the as-at date
    let unknown = w.person(3, None);
    for p in [seventeen, eighteen, unknown] {
        w.add(p, youth_offence(p as u64 * 10, "2025-03-01", true));
    }
    let id = w.run(&rules);
    assert_eq!(met(&id, 1), ["crime_asb.child_proven_offence"]);
    assert!(met(&id, 2).is_empty());
    assert!(
        met(&id, 3).is_empty(),
        "no date of birth: cannot be shown to be a child"
    );
}

#[test]
fn condition_on_a_boolean_attribute() {
    let rules = expanded();
    let mut w = World::default();
    let proven = w.person(1, CHILD);
    let not_proven = w.person(2, CHILD);
    w.add(proven, youth_offence(10, "2025-03-01", true));
    w.add(not_proven, youth_offence(20, "2025-03-01", false));
    let id = w.run(&rules);
    assert_eq!(met(&id, 1), ["crime_asb.child_proven_offence"]);
    assert!(met(&id, 2).is_empty());
}

#[test]
fn condition_on_text_attributes() {
    let rules = expanded();
    let mut w = World::default();
    let suspect = w.person(1, ADULT);
    let asb = w.person(2, ADULT);
    let victim = w.person(3, ADULT);
    w.add(suspect, police(10, "2025-03-01", "Crime", "Suspect"));
    w.add(asb, police(20, "2025-03-01", "ASB", "Offender"));
    w.add(victim, police(30, "2025-03-01", "Crime", "Victim"));
    let id = w.run(&rules);
    assert_eq!(met(&id, 1), ["crime_asb.police_crime"]);
    assert_eq!(met(&id, 2), ["crime_asb.police_asb"]);
    assert!(met(&id, 3).is_empty());
}

fn attendance(missed: [f64; 3]) -> Vec<hearth_identification::FactRef> {
    TERMS
        .iter()
        .zip(missed)
        .enumerate()
        .map(|(i, ((s, e), m))| term(100 + i as u64, s, e, 100.0, m, 0.0, false))
        .collect()
}

#[test]
fn attendance_ratio_exactly_ten_percent_meets_it_just_under_does_not() {
    let rules = expanded();
    let mut w = World::default();
    let at = w.person(1, CHILD);
    let under = w.person(2, CHILD);
    for f in attendance([10.0, 10.0, 10.0]) {
        w.add(at, f);
    }
    for f in attendance([10.0, 10.0, 9.5]) {
        w.add(under, f);
    }
    let id = w.run(&rules);
    assert_eq!(met(&id, 1), ["school_attendance.persistent_absence"]);
    assert!(met(&id, 2).is_empty());
    let e = &id.people[0].evidence[0];
    assert_eq!(e.record_ids, [100, 101, 102]);
    assert!((e.value - 0.10).abs() < 1e-12);
}

#[test]
fn attendance_uses_only_the_last_three_terms_that_ended_before_as_at() {
    let rules = expanded();
    let mut w = World::default();
    let p = w.person(1, CHILD);
    // An older term with heavy absence: not among the last three.
    w.add(
        p,
        term(90, "2024-04-15", "2024-07-23", 100.0, 90.0, 0.0, false),
    );
    for f in attendance([5.0, 5.0, 5.0]) {
        w.add(p, f);
    }
    // A term that has started but not ended by the as-at date: not counted either.
    w.add(
        p,
        term(99, "2025-09-01", "2025-12-19", 2.0, 2.0, 0.0, false),
    );
    let id = w.run(&rules);
    assert!(met(&id, 1).is_empty());

    // When nobody has the latest term, the old one is among the last three: 105/300 = 35%.
    let mut w2 = World::default();
    let p = w2.person(1, CHILD);
    w2.add(
        p,
        term(90, "2024-04-15", "2024-07-23", 100.0, 90.0, 0.0, false),
    );
    for f in attendance([5.0, 5.0, 5.0]).into_iter().take(2) {
        w2.add(p, f);
    }
    let id = w2.run(&rules);
    assert_eq!(met(&id, 1), ["school_attendance.persistent_absence"]);
    assert_eq!(id.people[0].evidence[0].record_ids, [90, 100, 101]);

    // But when the school's calendar has the latest term (another pupil has it), a pupil
    // who left before it is judged on the last three terms only: two of them, 10/200 = 5%.
    let other = w2.person(2, CHILD);
    for f in attendance([5.0, 5.0, 5.0]) {
        let mut f = f;
        f.record_id += 1000;
        w2.add(other, f);
    }
    let id = w2.run(&rules);
    assert!(met(&id, 1).is_empty());
}

#[test]
fn sum_of_exclusions_three_meets_two_does_not() {
    let rules = expanded();
    let mut w = World::default();
    let three = w.person(1, CHILD);
    let two = w.person(2, CHILD);
    for (i, (s, e)) in TERMS.iter().enumerate() {
        w.add(three, term(10 + i as u64, s, e, 100.0, 0.0, 1.0, false));
        w.add(
            two,
            term(
                20 + i as u64,
                s,
                e,
                100.0,
                0.0,
                if i == 0 { 0.0 } else { 1.0 },
                false,
            ),
        );
    }
    let id = w.run(&rules);
    assert_eq!(met(&id, 1), ["school_attendance.fixed_term_exclusions"]);
    assert!(met(&id, 2).is_empty());
    assert_eq!(id.people[0].evidence[0].value, 3.0);
}

#[test]
fn permanent_exclusion_in_the_last_three_terms() {
    let rules = expanded();
    let mut w = World::default();
    let p = w.person(1, CHILD);
    let q = w.person(2, CHILD);
    w.add(p, term(10, TERMS[2].0, TERMS[2].1, 100.0, 0.0, 0.0, true));
    w.add(
        q,
        term(20, "2023-09-01", "2023-12-20", 100.0, 0.0, 0.0, true),
    );
    for (i, (s, e)) in TERMS.iter().enumerate() {
        w.add(q, term(30 + i as u64, s, e, 100.0, 0.0, 0.0, false));
    }
    let id = w.run(&rules);
    assert_eq!(met(&id, 1), ["school_attendance.permanent_exclusion"]);
    assert!(met(&id, 2).is_empty(), "the exclusion is four terms back");
}

#[test]
fn count_three_ae_attendances_meets_two_does_not() {
    let rules = expanded();
    let mut w = World::default();
    let three = w.person(1, ADULT);
    let two = w.person(2, ADULT);
    for (i, day) in ["2025-01-01", "2025-02-01", "2025-03-01"]
        .iter()
        .enumerate()
    {
        w.add(three, health(10 + i as u64, day, "A&E attendance"));
    }
    for (i, day) in ["2025-01-01", "2025-02-01"].iter().enumerate() {
        w.add(two, health(20 + i as u64, day, "A&E attendance"));
    }
    // One outside the window does not help.
    w.add(two, health(29, "2024-08-31", "A&E attendance"));
    let id = w.run(&rules);
    assert_eq!(met(&id, 1), ["health.frequent_ae"]);
    assert!(met(&id, 2).is_empty());
}

#[test]
fn a_duplicated_row_counts_once_but_both_records_are_cited() {
    let rules = expanded();
    let mut w = World::default();
    let p = w.person(1, ADULT);
    w.add(p, health(10, "2025-01-01", "A&E attendance"));
    w.add(p, health(11, "2025-01-01", "A&E attendance")); // the same row sent twice
    w.add(p, health(12, "2025-02-01", "A&E attendance"));
    assert!(
        met(&w.run(&rules), 1).is_empty(),
        "two attendances, not three"
    );
    w.add(p, health(13, "2025-03-01", "A&E attendance"));
    let id = w.run(&rules);
    let e = &id.people[0].evidence[0];
    assert_eq!(e.value, 3.0);
    assert_eq!(e.record_ids, [10, 11, 12, 13]);
}

#[test]
fn open_on_the_as_at_date_meets_it_ended_the_day_before_does_not() {
    let rules = expanded();
    let mut w = World::default();
    let open = w.person(1, ADULT);
    let ends_on_as_at = w.person(2, ADULT);
    let ended = w.person(3, ADULT);
    let child = w.person(4, CHILD);
    w.add(open, claim(10, "2023-01-01", None));
    w.add(ends_on_as_at, claim(20, "2023-01-01", Some("2025-09-01")));
    w.add(ended, claim(30, "2023-01-01", Some("2025-08-31")));
    w.add(child, claim(40, "2023-01-01", None));
    let id = w.run(&rules);
    assert_eq!(met(&id, 1), ["worklessness.out_of_work_benefit"]);
    assert_eq!(met(&id, 2), ["worklessness.out_of_work_benefit"]);
    assert!(met(&id, 3).is_empty());
    assert!(met(&id, 4).is_empty(), "adults only");
}

#[test]
fn episode_open_at_any_time_in_the_window() {
    let rules = expanded();
    let mut w = World::default();
    let overlaps = w.person(1, CHILD);
    let ended_before = w.person(2, CHILD);
    let open = w.person(3, CHILD);
    let early_help = w.person(4, CHILD);
    w.add(
        overlaps,
        episode(10, "CIN", "2023-01-01", Some("2024-09-01")),
    );
    w.add(
        ended_before,
        episode(20, "CPP", "2023-01-01", Some("2024-08-31")),
    );
    w.add(open, episode(30, "LAC", "2020-01-01", None));
    w.add(early_help, episode(40, "Early Help", "2025-01-01", None));
    let id = w.run(&rules);
    assert_eq!(met(&id, 1), ["children_need_help.child_in_need"]);
    assert!(met(&id, 2).is_empty());
    assert_eq!(met(&id, 3), ["children_need_help.looked_after"]);
    assert!(
        met(&id, 4).is_empty(),
        "early help is not in the 2015 table"
    );
    // Looked after all year: 52 weeks and a day at the weekly unit cost.
    let lac = &id
        .people
        .iter()
        .find(|p| p.person_id == 3)
        .unwrap()
        .evidence[0];
    assert!(
        lac.estimated_annual_cost > 50_000.0,
        "{}",
        lac.estimated_annual_cost
    );
}

#[test]
fn housing_notice_or_arrears() {
    let rules = expanded();
    let mut w = World::default();
    let nosp = w.person(1, ADULT);
    let arrears = w.person(2, ADULT);
    let small = w.person(3, ADULT);
    let h = |id, notice: &str, arrears: f64| {
        fact(
            id,
            "housing",
            "housing_account",
            "2025-06-30",
            None,
            &[
                ("tenancy_ref", text("T1")),
                ("notice_type", text(notice)),
                ("arrears_balance", num(arrears)),
            ],
        )
    };
    w.add(nosp, h(10, "NOSP", 0.0));
    w.add(arrears, h(20, "", 500.0));
    w.add(small, h(30, "", 499.99));
    let id = w.run(&rules);
    assert_eq!(met(&id, 1), ["worklessness.possession_notice"]);
    assert_eq!(met(&id, 2), ["worklessness.rent_arrears"]);
    assert!(met(&id, 3).is_empty());
}

#[test]
fn family_with_two_problems_is_eligible_one_is_not() {
    let rules = expanded();
    let mut w = World::default();
    let mum = w.person(1, ADULT);
    let son = w.person(2, Some("2010-05-05"));
    let dad = w.person(3, ADULT);
    w.add(mum, police(10, "2025-02-01", "Domestic Abuse", "Victim"));
    w.add(son, youth_offence(20, "2025-04-01", true));
    w.add(dad, police(30, "2025-02-01", "Crime", "Offender"));
    w.family(500, &[mum, son, dad]);
    let other = w.person(4, ADULT);
    w.add(other, police(40, "2025-02-01", "Domestic Abuse", "Victim"));
    w.family(501, &[other]);
    let id = w.run(&rules);
    let f = id.family(500).unwrap();
    assert!(f.eligible);
    assert_eq!(f.problem_keys(), ["crime_asb", "domestic_abuse"]);
    let crime = &f.problems[0];
    assert!(
        crime.intergenerational,
        "the son and the father both offend"
    );
    assert_eq!(crime.evidence.len(), 2);
    assert_eq!(
        crime.evidence[0].indicator,
        "crime_asb.child_proven_offence"
    );
    assert_eq!(crime.evidence[0].person_id, 2);
    assert_eq!(crime.evidence[0].record_ids, [20]);
    assert!(!id.family(501).unwrap().eligible);
    assert_eq!(id.families[0].family_id, 500);
    assert_eq!(id.families[0].rank, 1);
}

#[test]
fn supporting_families_needs_a_dependent_child_and_three_needs() {
    let rules = supporting();
    let mut w = World::default();
    let adult = w.person(1, ADULT);
    w.add(adult, police(10, "2025-02-01", "Domestic Abuse", "Victim"));
    w.add(adult, health(11, "2025-02-01", "Substance misuse"));
    w.add(adult, claim(12, "2024-01-01", None));
    w.family(1, &[adult]);
    let mum = w.person(2, ADULT);
    let baby = w.person(3, Some("2024-12-01"));
    w.add(mum, police(20, "2025-02-01", "Domestic Abuse", "Victim"));
    w.add(mum, health(21, "2025-02-01", "Substance misuse"));
    w.add(mum, claim(22, "2024-01-01", None));
    w.family(2, &[mum, baby]);
    let id = w.run(&rules);
    let no_child = id.family(1).unwrap();
    assert_eq!(no_child.problem_count(), 3);
    assert!(!no_child.eligible && !no_child.has_dependent_child);
    let with_child = id.family(2).unwrap();
    assert!(with_child.eligible && with_child.has_dependent_child);
    assert_eq!(
        with_child.problem_keys(),
        ["substance_use", "domestic_abuse", "financial_stability"]
    );
}

#[test]
fn a_misspelt_attribute_is_reported_not_fatal() {
    let src = std::fs::read_to_string(rules_dir().join("expanded-2015.toml"))
        .unwrap()
        .replace("proven == true", "proven_flag == true");
    let costs = hearth_identification::UnitCosts::from_toml_str(
        &std::fs::read_to_string(rules_dir().join("unit-costs.toml")).unwrap(),
        "unit-costs.toml",
    )
    .unwrap();
    let rules = hearth_identification::Rules::parse(&src, "local.toml", Some(costs)).unwrap();
    let mut w = World::default();
    let p = w.person(1, CHILD);
    w.add(p, youth_offence(10, "2025-03-01", true));
    let id = w.run(&rules);
    assert!(met(&id, 1).is_empty());
    assert_eq!(id.diagnostics.len(), 1, "{:?}", id.diagnostics);
    let diag = &id.diagnostics[0];
    assert_eq!(diag.indicator, "crime_asb.child_proven_offence");
    assert!(diag.message.contains("`proven_flag`"), "{}", diag.message);
}

#[test]
fn wrong_type_is_reported_per_fact() {
    let rules = expanded();
    let mut w = World::default();
    let p = w.person(1, CHILD);
    let mut f = term(10, TERMS[0].0, TERMS[0].1, 100.0, 0.0, 0.0, false);
    f.fact
        .attributes
        .insert("sessions_missed".into(), text("lots"));
    w.add(p, f);
    let id = w.run(&rules);
    assert!(met(&id, 1).is_empty());
    let d = id
        .diagnostics
        .iter()
        .find(|d| d.indicator == "school_attendance.persistent_absence")
        .unwrap();
    assert_eq!(d.facts, 1);
    assert!(
        !d.message.contains("lots"),
        "values never appear in diagnostics"
    );
}
