//! How far each item's data reach (`[coverage]`): an item whose data do not reach the last day
//! of a family's months after attachment is "not measured" for it, never counted as no use.
//! Families are attached on 2024-01-01, so their months after end on 2024-12-31.

#[allow(dead_code)]
mod support;

use hearth_identification::FactRef;
use hearth_savings::{calculate, family, publish, Coverage, SavingsFamily, SavingsRules};
use support::*;

fn mental_health(id: u64, date: &str) -> FactRef {
    health(id, date, "Mental health contact", None)
}

fn early_help(id: u64, start: &str, end: Option<&str>) -> FactRef {
    episode(id, "Early Help", start, end, None)
}

/// The coverage of extracts in turn: the facts of `batches[0]` from import batch 1, of
/// `batches[1]` from batch 2, and so on.
fn coverage_of_batches(r: &SavingsRules, batches: &[&[FactRef]]) -> Coverage {
    let facts = batches
        .iter()
        .zip(1..)
        .flat_map(|(facts, batch)| facts.iter().map(move |f| (&*f.source, &f.fact, batch)));
    Coverage::from_facts(r, facts)
}

/// The coverage of facts from one import batch.
fn coverage_of(r: &SavingsRules, facts: &[FactRef]) -> Coverage {
    coverage_of_batches(r, &[facts])
}

fn reach_of(r: &SavingsRules, c: &Coverage, key: &str) -> Option<chrono::NaiveDate> {
    c.reach(r.items.iter().position(|i| i.key == key).unwrap())
}

/// An adult with a mental health contact before attachment (none after), and the store's
/// other mental health records, the latest on `latest`.
fn store(latest: &str) -> (SavingsFamily, Vec<FactRef>) {
    let f = fam(
        1,
        vec![member(
            1,
            "1985-01-01",
            vec![mental_health(1, "2023-06-01")],
        )],
    );
    let mut all = f.members[0].facts.clone();
    all.push(mental_health(2, "2024-03-01"));
    all.push(mental_health(3, latest));
    (f, all)
}

#[test]
fn data_reaching_the_windows_last_day_measure_the_item_and_a_day_short_do_not() {
    let r = rules();
    let (f, all) = store("2024-12-31");
    let res = family(&r, &f, d(AS_AT), &coverage_of(&r, &all));
    let u = res
        .items
        .iter()
        .find(|u| u.item == "adults_depression_anxiety");
    assert_eq!(u.map(|u| (u.before, u.after)), Some((1.0, 0.0)));
    assert!(res.not_measured.is_empty());

    let (f, all) = store("2024-12-30");
    let cov = coverage_of(&r, &all);
    let res = family(&r, &f, d(AS_AT), &cov);
    assert!(res
        .items
        .iter()
        .all(|u| u.item != "adults_depression_anxiety"));
    // Every health item is not measured (those with no record of their own kind take the
    // health file's reach), the adults' and children's mental health among them.
    let nm = |k: &str| res.not_measured.iter().find(|n| n.item == k);
    assert!(nm("children_mental_health").is_some());
    assert_eq!(
        nm("adults_depression_anxiety").map(|n| n.data_reach),
        Some(d("2024-12-30"))
    );
    // No use after is not a saving: nothing is counted for the item.
    assert_eq!(res.fiscal_before, 0.0);
    // The cohort: left out of the change and its interval, shown with its reach.
    let c = calculate(&r, &[f], d(AS_AT), &cov).cohort;
    let it = c
        .items
        .iter()
        .find(|i| i.key == "adults_depression_anxiety")
        .unwrap();
    assert!(!it.measured && it.change_per_family.is_none());
    assert_eq!((it.families_not_measured, it.cost_before), (1, 0.0));
    assert_eq!(c.change_per_family.mean, 0.0);
    let p = publish(&c, hearth_governance::disclosure::Policy::default());
    let pi = p
        .items
        .iter()
        .find(|i| i.key == "adults_depression_anxiety")
        .unwrap();
    assert_eq!(pi.coverage, "not measured (data reach 30 December 2024)");
}

#[test]
fn a_family_still_inside_its_months_after_is_not_judged_on_coverage() {
    let r = rules();
    let (f, all) = store("2024-06-30");
    let res = family(&r, &f, d("2024-07-01"), &coverage_of(&r, &all));
    assert!(!res.complete && res.not_measured.is_empty());
}

#[test]
fn a_source_with_quiet_spells_gets_its_quiet_days() {
    let mut r = rules();
    assert_eq!(r.coverage.quiet_days.get("schools"), Some(&45));
    // The autumn term's records end on 16 November; 45 quiet days reach 31 December.
    let term = |id, start, end| {
        fact(
            id,
            "schools",
            "attendance",
            start,
            Some(end),
            &[("sessions_missed", hearth_model::AttrValue::Number(60.0))],
        )
    };
    let mut all = vec![term(1, "2024-09-02", "2024-11-16")];
    // A later event elsewhere, so that the term's end is not after the store's latest event.
    all.push(mental_health(9, "2025-01-31"));
    let c = coverage_of(&r, &all);
    assert_eq!(
        reach_of(&r, &c, "missing_five_weeks"),
        Some(d("2024-12-31"))
    );
    assert!(c.reaches(
        r.items
            .iter()
            .position(|i| i.key == "missing_five_weeks")
            .unwrap(),
        d("2024-12-31")
    ));
    r.coverage.quiet_days.clear();
    let c = coverage_of(&r, &all);
    assert_eq!(
        reach_of(&r, &c, "missing_five_weeks"),
        Some(d("2024-11-16"))
    );
}

#[test]
fn a_benefit_closed_to_new_claims_is_measured_by_its_ends_and_planned_ends_are_ignored() {
    let r = rules();
    assert!(r
        .coverage
        .closed_to_new
        .iter()
        .any(|k| k == "lone_parent_is_claimants"));
    let all = vec![
        // Long-running IS claims: one ended 31 December 2024, one ends (planned) in 2026.
        claim(1, "IS", "2008-01-01", Some("2024-12-31")),
        claim(2, "IS", "2007-05-01", Some("2026-06-30")),
        // A start is not the file's reach for a closed benefit (a late-recorded claim).
        claim(3, "IS", "2025-02-01", None),
        // JSA: measured by starts (and ends seen).
        claim(4, "JSA", "2025-01-15", None),
        claim(5, "JSA", "2020-01-01", Some("2026-01-01")),
    ];
    let c = coverage_of(&r, &all);
    assert_eq!(
        reach_of(&r, &c, "lone_parent_is_claimants"),
        Some(d("2024-12-31"))
    );
    assert_eq!(reach_of(&r, &c, "jsa_claimants"), Some(d("2025-01-15")));
    // No record of the kind anywhere: the reach of its source's records of the type.
    assert_eq!(reach_of(&r, &c, "esa_claimants"), Some(d("2025-02-01")));
    // No record of the source at all: no reach.
    assert_eq!(reach_of(&r, &c, "evictions"), None);
}

#[test]
fn the_latest_thousandth_of_dates_is_dropped_as_mistyped() {
    let r = rules();
    let mut all: Vec<FactRef> = (0..1999).map(|i| mental_health(i, "2024-12-31")).collect();
    all.push(mental_health(5000, "2094-12-31"));
    let c = coverage_of(&r, &all);
    assert_eq!(
        reach_of(&r, &c, "adults_depression_anxiety"),
        Some(d("2024-12-31"))
    );
}

#[test]
fn coverage_settings_are_checked() {
    let src = std::fs::read_to_string(root().join("rules/savings.toml")).unwrap();
    let costs = std::fs::read_to_string(root().join("rules/unit-costs.toml")).unwrap();
    let table =
        || hearth_identification::UnitCosts::from_toml_str(&costs, "unit-costs.toml").unwrap();
    let bad = src.replace(
        "closed_to_new = [\"lone_parent_is_claimants\"",
        "closed_to_new = [\"no_such_item\"",
    );
    let e = SavingsRules::parse(&bad, "savings.toml", table())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("[coverage] closed_to_new") && e.contains("no_such_item"),
        "{e}"
    );
    let bad = src.replace("schools = 45", "skools = 45");
    let e = SavingsRules::parse(&bad, "savings.toml", table())
        .unwrap_err()
        .to_string();
    assert!(e.contains("quiet_days") && e.contains("skools"), "{e}");
}

#[test]
fn a_later_extract_that_only_restates_earlier_episodes_does_not_extend_the_reach() {
    let r = rules();
    // The first extract (batch 1), to 31 August 2025: episodes, one still open.
    let first = [
        early_help(1, "2025-03-01", Some("2025-06-30")),
        early_help(2, "2025-08-11", None),
    ];
    // The follow-up (batch 2) gives the open episode again with the day it closed, in 2027,
    // and no new episode: it shows when that one closed, not that new ones were recorded.
    let restated = [early_help(2, "2025-08-11", Some("2027-04-25"))];
    let a_later_event = [mental_health(9, "2027-08-31")];
    let c = coverage_of_batches(&r, &[&first, &restated, &a_later_event]);
    assert_eq!(
        reach_of(&r, &c, "common_assessments"),
        Some(d("2025-08-11")),
        "the restated end in 2027 is not the file's reach"
    );

    // A follow-up that holds a new episode (starting after the first extract's) counts whole.
    let new_one = [
        early_help(2, "2025-08-11", Some("2027-04-25")),
        early_help(3, "2026-02-01", Some("2026-05-01")),
    ];
    let c = coverage_of_batches(&r, &[&first, &new_one, &a_later_event]);
    assert_eq!(
        reach_of(&r, &c, "common_assessments"),
        Some(d("2027-04-25"))
    );
}

#[test]
fn an_item_no_record_can_measure_has_no_reach_whatever_its_sources() {
    let r = rules();
    // Police incidents reach 2027, but none carries an `arrest` field: arrests have no data.
    let incidents = [
        police(
            1,
            "OCC1",
            "2027-08-30",
            "crime",
            "Criminal damage",
            "suspect",
        ),
        police(2, "OCC2", "2026-01-01", "crime", "Shoplifting", "offender"),
    ];
    let c = coverage_of(&r, &incidents);
    assert_eq!(reach_of(&r, &c, "arrests_detained"), None);
    assert!(reach_of(&r, &c, "criminal_damage").is_some());
}
