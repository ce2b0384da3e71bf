//! The calculator against the shipped rules (rules/savings.toml, rules/unit-costs.toml):
//! Appendix 2's items as the seed words them, each counted its way, the known
//! misapplications, windows, the cohort and its publication.

use chrono::NaiveDate;
use hearth_governance::disclosure::{Cell, Policy};
use hearth_identification::{Confidence, FactRef};
use hearth_model::{AttrValue, Fact};
use hearth_savings::{calculate, export, family, publish, Member, SavingsFamily, SavingsRules};
use proptest::prelude::*;
use std::path::PathBuf;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rules() -> SavingsRules {
    SavingsRules::load(&root().join("rules/savings.toml")).unwrap()
}

fn text(s: &str) -> AttrValue {
    AttrValue::Text(s.into())
}

fn fact(
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

fn police(
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

fn member(id: u64, dob: &str, facts: Vec<FactRef>) -> Member {
    Member {
        person_id: id,
        date_of_birth: Some(d(dob)),
        facts,
    }
}

const ATTACHED: &str = "2024-01-01";
const AS_AT: &str = "2025-06-01";

fn fam(id: u64, members: Vec<Member>) -> SavingsFamily {
    SavingsFamily {
        family_id: id,
        attached_on: d(ATTACHED),
        members,
    }
}

/// (units before, units after) of `item` for a family.
fn use_of(r: &SavingsRules, f: &SavingsFamily, item: &str) -> (f64, f64) {
    let res = family(r, f, d(AS_AT));
    res.items
        .iter()
        .find(|u| u.item == item)
        .map(|u| (u.before, u.after))
        .unwrap_or((0.0, 0.0))
}

fn value(r: &SavingsRules, item: &str) -> f64 {
    r.items.iter().find(|i| i.key == item).unwrap().unit_value
}

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
    let res = family(&r, &f, d(AS_AT));
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
                vec![fact(
                    1,
                    "dwp",
                    "benefit_claim",
                    "2022-01-01",
                    None,
                    &[("benefit_type", text(b))],
                )],
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
    let mh = fact(
        1,
        "health",
        "health_contact",
        "2023-06-01",
        None,
        &[
            ("contact_type", text("Mental health contact")),
            ("outcome", text("Seen")),
        ],
    );
    let f = fam(1, vec![member(1, "2012-01-01", vec![mh.clone()])]);
    assert_eq!(use_of(&r, &f, "children_mental_health"), (1.0, 0.0));
    assert_eq!(use_of(&r, &f, "adults_depression_anxiety"), (0.0, 0.0));
    let f = fam(1, vec![member(1, "1980-01-01", vec![mh])]);
    assert_eq!(use_of(&r, &f, "adults_depression_anxiety"), (1.0, 0.0));
}

#[test]
fn looked_after_weeks_are_priced_by_placement_type() {
    let r = rules();
    let lac = |placement: Option<&str>| {
        let mut a = vec![("episode_type", text("LAC"))];
        if let Some(p) = placement {
            a.push(("placement_type", text(p)));
        }
        fact(
            1,
            "social_care",
            "care_episode",
            "2023-01-01",
            Some("2023-12-31"),
            &a,
        )
    };
    let weeks = 365.0 / 7.0;
    for (p, item) in [
        (Some("Foster"), "weeks_foster_care"),
        (Some("Residential"), "weeks_residential_care"),
        (None, "weeks_looked_after_placement_not_recorded"),
    ] {
        let f = fam(1, vec![member(1, "2012-01-01", vec![lac(p)])]);
        let (b, a) = use_of(&r, &f, item);
        assert!((b - weeks).abs() < 1e-9 && a == 0.0, "{item}: {b}");
        let res = family(&r, &f, d(AS_AT));
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
fn windows_are_the_twelve_months_either_side_of_attachment_as_at_the_data() {
    let r = rules();
    let inc = |id, date: &str| {
        police(
            id,
            &format!("A{id}"),
            date,
            "ASB",
            "Street drinking",
            "Suspect",
        )
    };
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
    let res = family(&r, &f, d("2024-06-01"));
    assert!(!res.complete);
    let u = res
        .items
        .iter()
        .find(|u| u.item == "asb_further_action")
        .unwrap();
    assert_eq!((u.before, u.after), (2.0, 1.0));
    assert!(family(&r, &f, d("2024-12-31")).complete);
}

#[test]
fn a_duplicated_record_counts_once_and_the_same_incident_in_two_records_once() {
    let r = rules();
    let ae = |id| {
        fact(
            id,
            "health",
            "health_contact",
            "2023-03-01",
            None,
            &[
                ("contact_type", text("A&E attendance")),
                ("outcome", text("Discharged")),
            ],
        )
    };
    let f = fam(1, vec![member(1, "1990-01-01", vec![ae(1), ae(2)])]);
    assert_eq!(use_of(&r, &f, "ae_no_investigation"), (1.0, 0.0));
}

#[test]
fn the_cohort_adds_families_prices_them_and_applies_the_appraisal() {
    let r = rules();
    let claim = |end: Option<&str>| {
        fact(
            1,
            "dwp",
            "benefit_claim",
            "2022-01-01",
            end,
            &[("benefit_type", text("JSA"))],
        )
    };
    // Five families off JSA at attachment, one still on it; one attached too recently.
    let mut families: Vec<SavingsFamily> = (1..=5)
        .map(|i| {
            fam(
                i,
                vec![member(i, "1985-01-01", vec![claim(Some("2023-12-31"))])],
            )
        })
        .collect();
    families.push(fam(6, vec![member(6, "1985-01-01", vec![claim(None)])]));
    let mut late = fam(7, vec![member(7, "1985-01-01", vec![claim(None)])]);
    late.attached_on = d("2025-01-01");
    families.push(late);
    let calc = calculate(&r, &families, d(AS_AT));
    let c = &calc.cohort;
    assert_eq!((c.families, c.not_yet_complete), (6, 1));
    let jsa = c.items.iter().find(|i| i.key == "jsa_claimants").unwrap();
    assert_eq!((jsa.families_before, jsa.families_after), (6, 1));
    let v = value(&r, "jsa_claimants");
    assert!((jsa.cost_before - 6.0 * v).abs() < 1e-6 && (jsa.cost_after - v).abs() < 1e-6);
    let a = &c.appraisal;
    assert!((a.gross - 5.0 * v).abs() < 1e-6);
    let ob = r.appraisal.optimism_bias.indicative;
    let expect = 5.0 * v * (1.0 - r.appraisal.deadweight) * (1.0 - ob);
    assert!(
        (a.attributable - expect).abs() < 1e-6,
        "{} vs {expect}",
        a.attributable
    );
    assert!((a.deadweight + a.optimism_bias + a.attributable - a.gross).abs() < 1e-6);
    assert!((a.programme_cost - 6.0 * r.appraisal.programme_cost_per_family).abs() < 1e-9);
    assert_eq!(a.stream.len(), r.appraisal.benefit_years as usize);
    assert!((a.stream[1] - expect * (1.0 - r.appraisal.drop_off) / 1.035).abs() < 1e-6);
    assert!(a.fiscal_roi.unwrap() > 0.0);
    // By agency: the DWP's saving is the item's.
    let dwp = c
        .agencies
        .iter()
        .find(|g| g.agency == "DWP / HMRC")
        .unwrap();
    assert!((dwp.attributable - expect).abs() < 1e-6);
    // The uncertainty is about the mean change per family.
    assert_eq!(c.change_per_family.n, 6);
    assert!((c.change_per_family.mean - 5.0 * v / 6.0).abs() < 1e-6);
    assert!(c.change_per_family.low < c.change_per_family.mean);
    assert!(c.indicative);
    // Items the partners' files cannot measure are "not measured", not zero.
    let fire = c
        .items
        .iter()
        .find(|i| i.key == "deliberate_fires")
        .unwrap();
    assert!(!fire.measured && jsa.measured);
}

#[test]
fn published_figures_hide_small_counts_and_the_money_behind_them() {
    let r = rules();
    let claim = |b: &str| {
        fact(
            1,
            "dwp",
            "benefit_claim",
            "2022-01-01",
            Some("2023-12-31"),
            &[("benefit_type", text(b))],
        )
    };
    // Eight JSA families and two ESA: the ESA count (2) is suppressed, and its money.
    let families: Vec<SavingsFamily> = (1..=10)
        .map(|i| {
            fam(
                i,
                vec![member(
                    i,
                    "1985-01-01",
                    vec![claim(if i <= 8 { "JSA" } else { "ESA" })],
                )],
            )
        })
        .collect();
    let calc = calculate(&r, &families, d(AS_AT));
    let p = publish(&calc.cohort, Policy::default());
    let esa = p.items.iter().find(|i| i.key == "esa_claimants").unwrap();
    assert_eq!(esa.families_before, Cell::Confidential);
    assert_eq!(esa.cost_before, None);
    let fire = p
        .items
        .iter()
        .find(|i| i.key == "deliberate_fires")
        .unwrap();
    assert_eq!(fire.families_before, Cell::NotAvailable);
    assert!(p.appraisal.is_some());
    // A cohort under the threshold publishes no appraisal at all.
    let small = calculate(&r, &families[..3], d(AS_AT));
    let p = publish(&small.cohort, Policy::default());
    assert!(p.appraisal.is_none() && p.change_per_family.is_none());
    assert_eq!(p.families, Cell::Confidential);
}

#[test]
fn the_workbook_says_the_figures_are_indicative() {
    use calamine::{Reader, Xlsx};
    let r = rules();
    let families: Vec<SavingsFamily> = (1..=6)
        .map(|i| {
            fam(
                i,
                vec![member(
                    i,
                    "1985-01-01",
                    vec![fact(
                        1,
                        "dwp",
                        "benefit_claim",
                        "2022-01-01",
                        Some("2023-12-31"),
                        &[("benefit_type", text("JSA"))],
                    )],
                )],
            )
        })
        .collect();
    let calc = calculate(&r, &families, d(AS_AT));
    let bytes = export::xlsx(&publish(&calc.cohort, Policy::default())).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["Read me", "Items", "Agencies", "Appraisal"]
    );
    let readme = wb.worksheet_range("Read me").unwrap();
    let all: Vec<String> = readme
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(all.iter().any(|c| c.starts_with("INDICATIVE")), "{all:?}");
    let items = wb.worksheet_range("Items").unwrap();
    assert_eq!(items.height(), r.items.len() + 1);
}

#[test]
fn a_cost_counted_in_a_way_its_unit_does_not_allow_is_refused() {
    let src = std::fs::read_to_string(root().join("rules/savings.toml")).unwrap();
    let table = rules().unit_costs;
    // The domestic abuse cost per incident, counted per person in it.
    let bad = src.replacen(
        "distinct_by = \"occurrence_ref\"\ncost = \"domestic_abuse_incident\"",
        "cost = \"domestic_abuse_incident\"",
        1,
    );
    let bad = bad.replacen(
        "condition = 'incident_category == \"Domestic Abuse\"'\ncount = \"incidents\"",
        "condition = 'incident_category == \"Domestic Abuse\"'\ncount = \"people\"",
        1,
    );
    assert_ne!(bad, src);
    let e = SavingsRules::parse(&bad, "savings.toml", table.clone())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("savings.toml")
            && e.contains("domestic_violence_incidents")
            && e.contains("per incident"),
        "{e}"
    );
    // The first-time entrant cost counted per offence.
    let bad = src.replacen("count = \"first_time\"", "count = \"incidents\"", 1);
    let e = SavingsRules::parse(&bad, "savings.toml", table)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("first_time_entrants") && e.contains("per person"),
        "{e}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// More service use after attachment never raises the saving; more before never lowers it.
    #[test]
    fn savings_fall_as_use_after_rises(before in 0usize..6, after in 0usize..6) {
        let r = rules();
        let inc = |id: u64, date: &str| police(id, &format!("X{id}"), date, "ASB", "Street drinking", "Suspect");
        let make = |b: usize, a: usize| {
            let mut facts = Vec::new();
            for i in 0..b { facts.push(inc(i as u64, &format!("2023-0{}-01", i + 2))); }
            for i in 0..a { facts.push(inc(100 + i as u64, &format!("2024-0{}-01", i + 2))); }
            fam(1, vec![member(1, "1990-01-01", facts)])
        };
        let s = |b, a| family(&r, &make(b, a), d(AS_AT)).attributable;
        prop_assert!(s(before, after + 1) <= s(before, after) + 1e-9);
        prop_assert!(s(before + 1, after) >= s(before, after) - 1e-9);
        if before == after { prop_assert!(s(before, after).abs() < 1e-9); }
    }
}
