//! The calculator's cohort: families added, priced and appraised; published figures under
//! disclosure control; the workbook; refused counting; and property tests of the arithmetic.

#[allow(dead_code)]
mod support;

use hearth_governance::disclosure::{Cell, Policy};
use hearth_savings::{calculate, export, family, publish, SavingsFamily, SavingsRules};
use proptest::prelude::*;
use support::*;

#[test]
fn the_cohort_adds_families_prices_them_and_applies_the_appraisal() {
    let r = rules();
    let jsa = |end| claim(1, "JSA", "2022-01-01", end);
    // Five families off JSA at attachment, one still on it; one attached too recently.
    let mut families: Vec<SavingsFamily> = (1..=5)
        .map(|i| {
            fam(
                i,
                vec![member(i, "1985-01-01", vec![jsa(Some("2023-12-31"))])],
            )
        })
        .collect();
    families.push(fam(6, vec![member(6, "1985-01-01", vec![jsa(None)])]));
    let mut late = fam(7, vec![member(7, "1985-01-01", vec![jsa(None)])]);
    late.attached_on = d("2025-01-01");
    families.push(late);
    let calc = calculate(&r, &families, d(AS_AT), &all(&r));
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
    let ended = |b| claim(1, b, "2022-01-01", Some("2023-12-31"));
    // Eight JSA families and two ESA: the ESA count (2) is suppressed, and its money.
    let families: Vec<SavingsFamily> = (1..=10)
        .map(|i| {
            fam(
                i,
                vec![member(
                    i,
                    "1985-01-01",
                    vec![ended(if i <= 8 { "JSA" } else { "ESA" })],
                )],
            )
        })
        .collect();
    let calc = calculate(&r, &families, d(AS_AT), &all(&r));
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
    let small = calculate(&r, &families[..3], d(AS_AT), &all(&r));
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
                    vec![claim(1, "JSA", "2022-01-01", Some("2023-12-31"))],
                )],
            )
        })
        .collect();
    let calc = calculate(&r, &families, d(AS_AT), &all(&r));
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
        let make = |b: usize, a: usize| {
            let mut facts = Vec::new();
            for i in 0..b { facts.push(street_drinking(i as u64, "X", &format!("2023-0{}-01", i + 2))); }
            for i in 0..a { facts.push(street_drinking(100 + i as u64, "X", &format!("2024-0{}-01", i + 2))); }
            fam(1, vec![member(1, "1990-01-01", facts)])
        };
        let s = |b, a| family(&r, &make(b, a), d(AS_AT), &all(&r)).attributable;
        prop_assert!(s(before, after + 1) <= s(before, after) + 1e-9);
        prop_assert!(s(before + 1, after) >= s(before, after) - 1e-9);
        if before == after { prop_assert!(s(before, after).abs() < 1e-9); }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// The cohort's change per family is stated for each item and each agency too, over the
    /// same complete families, and those means add up to the whole change per family.
    #[test]
    fn item_and_agency_changes_add_up_to_the_change_per_family(
        uses in proptest::collection::vec((0usize..4, 0usize..4, any::<bool>(), any::<bool>()), 1..12),
    ) {
        let r = rules();
        let families: Vec<SavingsFamily> = uses
            .iter()
            .enumerate()
            .map(|(i, &(b, a, jsa_before, jsa_after))| {
                let mut facts = Vec::new();
                for k in 0..b { facts.push(street_drinking(1000 * i as u64 + k as u64, "X", &format!("2023-0{}-01", k + 2))); }
                for k in 0..a { facts.push(street_drinking(1000 * i as u64 + 100 + k as u64, "X", &format!("2024-0{}-01", k + 2))); }
                let end = if jsa_after { None } else { Some("2023-12-31") };
                if jsa_before || jsa_after {
                    let start = if jsa_before { "2022-01-01" } else { "2024-03-01" };
                    facts.push(claim(9, "JSA", start, end));
                }
                fam(i as u64 + 1, vec![member(i as u64 + 1, "1985-01-01", facts)])
            })
            .collect();
        let c = calculate(&r, &families, d(AS_AT), &all(&r)).cohort;
        let whole = c.change_per_family;
        prop_assert_eq!(whole.n, uses.len());
        let tol = 1e-6 * (1.0 + whole.mean.abs());
        let items: f64 = c.items.iter().map(|i| i.change_per_family.unwrap().mean).sum();
        prop_assert!((items - whole.mean).abs() < tol, "{} vs {}", items, whole.mean);
        let agencies: f64 = c.agencies.iter().map(|a| a.change_per_family.unwrap().mean).sum();
        prop_assert!((agencies - whole.mean).abs() < tol, "{} vs {}", agencies, whole.mean);
        for e in c.items.iter().filter_map(|i| i.change_per_family).chain(c.agencies.iter().filter_map(|a| a.change_per_family)) {
            prop_assert_eq!(e.n, uses.len());
            prop_assert!(e.low <= e.mean + 1e-9 && e.mean <= e.high + 1e-9);
        }
        // An agency's mean is its cost before less after, over every complete family.
        for a in &c.agencies {
            let m = (a.cost_before - a.cost_after) / uses.len() as f64;
            prop_assert!((a.change_per_family.unwrap().mean - m).abs() < tol);
        }
    }
}
