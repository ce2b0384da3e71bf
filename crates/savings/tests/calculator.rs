//! The calculator against the shipped rules (rules/savings.toml, rules/unit-costs.toml):
//! Appendix 2's items as the seed words them, each counted its way, the known
//! misapplications, windows and duplicates. The cohort, its appraisal and publication are in
//! `cohort.rs`.

#[allow(dead_code)]
mod support;

use hearth_identification::Confidence;
use hearth_model::AttrValue;
use hearth_savings::family;
use support::*;

#[test]
fn the_shipped_rules_have_appendix_2s_38_items_in_the_seeds_words() {
    let r = rules();
    let seed = std::fs::read_dir("/work/shared/seeds")
        .ok()
        .and_then(|mut d| {
            d.find(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.file_name().to_string_lossy().starts_with("003_"))
            })
        })
        .and_then(|e| std::fs::read_to_string(e.unwrap().path()).ok());
    let items: Vec<_> = r.appendix_items().collect();
    assert_eq!(items.len(), 38);
    for it in &items {
        let quote = it.appendix.as_deref().unwrap().trim_end_matches('…');
        assert!(!it.data_source.is_empty(), "{}", it.key);
        if let Some(seed) = &seed {
            assert!(seed.contains(quote), "Appendix 2 does not say {quote:?}");
            assert!(
                seed.contains(&it.data_source),
                "{}: source {}",
                it.key,
                it.data_source
            );
        } else {
            eprintln!("seed 003 not found: the quotes were not checked against it");
        }
    }
    // Every value behind an item is marked with its source and confidence.
    for it in &r.items {
        let row = r.unit_costs.get(&it.cost).unwrap();
        assert!(!row.source.is_empty() && !row.agency.is_empty());
        if it.confidence == Confidence::Placeholder {
            assert!(
                row.note.is_some(),
                "{} needs a note saying what to check",
                it.cost
            );
        }
    }
}

#[test]
fn a_domestic_abuse_incident_is_one_incident_however_many_were_in_it() {
    let r = rules();
    let da = |id, who| {
        police(
            id,
            "DA1",
            "2023-06-01",
            "Domestic Abuse",
            "Common assault",
            who,
        )
    };
    let f = fam(
        1,
        vec![
            member(1, "1990-01-01", vec![da(1, "Victim")]),
            member(2, "1989-01-01", vec![da(2, "Suspect")]),
            member(3, "2014-01-01", vec![da(3, "Witness")]),
        ],
    );
    assert_eq!(use_of(&r, &f, "domestic_violence_incidents"), (1.0, 0.0));
}

#[test]
fn a_first_time_entrant_is_counted_once_when_first_proven() {
    let r = rules();
    let off = |id, date| {
        fact(
            id,
            "youth_justice",
            "youth_offence",
            date,
            None,
            &[
                ("outcome", text("Referral Order")),
                ("proven", AttrValue::Bool(true)),
            ],
        )
    };
    let f = fam(
        1,
        vec![member(
            1,
            "2008-01-01",
            vec![
                off(1, "2023-03-01"),
                off(2, "2023-05-01"),
                off(3, "2024-03-01"),
            ],
        )],
    );
    // Three proven offences: a first-time entrant once, before attachment; none after.
    assert_eq!(use_of(&r, &f, "first_time_entrants"), (1.0, 0.0));
    // Aged 18 at the first offence: not an under-18 entrant.
    let f = fam(1, vec![member(1, "2004-01-01", vec![off(1, "2023-03-01")])]);
    assert_eq!(use_of(&r, &f, "first_time_entrants"), (0.0, 0.0));
}

#[test]
fn a_suspect_is_not_an_arrest() {
    let r = rules();
    let f = fam(
        1,
        vec![member(
            1,
            "1990-01-01",
            vec![police(1, "C1", "2023-06-01", "Crime", "Theft", "Suspect")],
        )],
    );
    let res = family(&r, &f, d(AS_AT), &all(&r));
    assert!(res.items.iter().all(|u| !u.item.starts_with("arrests")));
    assert_eq!(use_of(&r, &f, "other_crime_incidents"), (1.0, 0.0));
    assert!(value(&r, "other_crime_incidents") < value(&r, "arrests_detained"));
}

#[test]
fn a_notice_of_seeking_possession_is_not_an_eviction() {
    let r = rules();
    let h = |id, notice| {
        fact(
            id,
            "housing",
            "housing_account",
            "2023-06-01",
            None,
            &[("notice_type", text(notice)), ("tenancy_ref", text("T"))],
        )
    };
    let f = fam(1, vec![member(1, "1990-01-01", vec![h(1, "NOSP")])]);
    assert_eq!(use_of(&r, &f, "evictions"), (0.0, 0.0));
    assert_eq!(use_of(&r, &f, "notices_seeking_possession"), (1.0, 0.0));
    assert!(value(&r, "notices_seeking_possession") < value(&r, "evictions"));
}

#[test]
fn each_benefit_is_priced_at_its_own_rate() {
    let r = rules();
    let mut costs = Vec::new();
    for (b, item) in [
        ("JSA", "jsa_claimants"),
        ("ESA", "esa_claimants"),
        ("IS", "lone_parent_is_claimants"),
        ("IB", "ib_claimants"),
        ("UC", "uc_no_earnings_claimants"),
    ] {
        let f = fam(
            1,
            vec![member(
                1,
                "1985-01-01",
                vec![claim(1, b, "2022-01-01", None)],
            )],
        );
        // Open throughout: a claimant before and after.
        assert_eq!(use_of(&r, &f, item), (1.0, 1.0), "{b}");
        costs.push(value(&r, item));
    }
    assert!(costs[1..].iter().all(|c| *c != costs[0]), "{costs:?}");
}

#[test]
fn a_child_with_a_mental_health_problem_is_priced_as_a_child() {
    let r = rules();
    let mh = health(1, "2023-06-01", "Mental health contact", Some("Seen"));
    let f = fam(1, vec![member(1, "2012-01-01", vec![mh.clone()])]);
    assert_eq!(use_of(&r, &f, "children_mental_health"), (1.0, 0.0));
    assert_eq!(use_of(&r, &f, "adults_depression_anxiety"), (0.0, 0.0));
    let f = fam(1, vec![member(1, "1980-01-01", vec![mh])]);
    assert_eq!(use_of(&r, &f, "adults_depression_anxiety"), (1.0, 0.0));
}

#[test]
fn looked_after_weeks_are_priced_by_placement_type() {
    let r = rules();
    let lac = |placement| episode(1, "LAC", "2023-01-01", Some("2023-12-31"), placement);
    let weeks = 365.0 / 7.0;
    for (p, item) in [
        (Some("Foster"), "weeks_foster_care"),
        (Some("Residential"), "weeks_residential_care"),
        (None, "weeks_looked_after_placement_not_recorded"),
    ] {
        let f = fam(1, vec![member(1, "2012-01-01", vec![lac(p)])]);
        let (b, a) = use_of(&r, &f, item);
        assert!((b - weeks).abs() < 1e-9 && a == 0.0, "{item}: {b}");
        let res = family(&r, &f, d(AS_AT), &all(&r));
        assert_eq!(
            res.items
                .iter()
                .filter(|u| u.item.starts_with("weeks_"))
                .count(),
            1
        );
    }
    assert!(
        value(&r, "weeks_residential_care")
            > value(&r, "weeks_looked_after_placement_not_recorded")
    );
    assert!(
        value(&r, "weeks_foster_care") < value(&r, "weeks_looked_after_placement_not_recorded")
    );
}

#[test]
fn a_spell_restated_closed_by_a_later_extract_is_counted_once_to_its_end() {
    let r = rules();
    let lac = |id, end| episode(id, "LAC", "2023-07-01", end, Some("Foster"));
    // The first extract has it open; the follow-up restates it, ended on 2024-01-31.
    let f = fam(
        1,
        vec![member(
            1,
            "2012-01-01",
            vec![lac(1, None), lac(2, Some("2024-01-31"))],
        )],
    );
    let (b, a) = use_of(&r, &f, "weeks_foster_care");
    // Before: 2023-07-01 to 2023-12-31 (184 days); after: 2024-01-01 to 2024-01-31 (31 days),
    // not on to the as-at date as the open copy alone would say.
    assert!((b - 184.0 / 7.0).abs() < 1e-9, "{b}");
    assert!((a - 31.0 / 7.0).abs() < 1e-9, "{a}");
    // Still open in every extract: it runs on to the as-at date.
    let open = fam(1, vec![member(1, "2012-01-01", vec![lac(1, None)])]);
    let (_, a) = use_of(&r, &open, "weeks_foster_care");
    assert!((a - 366.0 / 7.0).abs() < 1e-9, "{a}");
}

#[test]
fn windows_are_the_twelve_months_either_side_of_attachment_as_at_the_data() {
    let r = rules();
    let inc = |id, date| street_drinking(id, "A", date);
    let f = fam(
        1,
        vec![member(
            1,
            "1990-01-01",
            vec![
                inc(1, "2022-12-31"), // before the 12 months before: not counted
                inc(2, "2023-01-01"), // first day before
                inc(3, "2023-12-31"), // last day before
                inc(4, "2024-01-01"), // attachment day: after
                inc(5, "2024-12-31"), // last day after
                inc(6, "2025-01-01"), // after the 12 months after
            ],
        )],
    );
    assert_eq!(use_of(&r, &f, "asb_further_action"), (2.0, 2.0));
    // As at a date inside the months after: incomplete, and later facts are not known.
    let res = family(&r, &f, d("2024-06-01"), &all(&r));
    assert!(!res.complete);
    let u = res
        .items
        .iter()
        .find(|u| u.item == "asb_further_action")
        .unwrap();
    assert_eq!((u.before, u.after), (2.0, 1.0));
    assert!(family(&r, &f, d("2024-12-31"), &all(&r)).complete);
}

#[test]
fn a_duplicated_record_counts_once_and_the_same_incident_in_two_records_once() {
    let r = rules();
    let ae = |id| health(id, "2023-03-01", "A&E attendance", Some("Discharged"));
    let f = fam(1, vec![member(1, "1990-01-01", vec![ae(1), ae(2)])]);
    assert_eq!(use_of(&r, &f, "ae_no_investigation"), (1.0, 0.0));
}
