//! `hearth savings`' store side: a small synthetic borough imported, linked and identified;
//! some families attached through `hearth outcomes --attach` (a frozen baseline), one through
//! its casework; the calculator counts them all, with the baseline's date first.

mod support;

use chrono::{NaiveDate, TimeZone, Utc};
use hearth_pipeline::savings;
use hearth_store::{FamilyCase, NewBaseline, Store};
use std::path::Path;
use support::{
    borough, cohort_borough, import_link_identify, on_postgresql, shipped, sqlite_store,
};

#[test]
fn families_attached_by_their_outcomes_baseline_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let as_at = support::as_at();
    let files = borough(dir.path(), 2000, 11);
    let mut store = sqlite_store(dir.path());
    let run = import_link_identify(&mut store, &files, as_at, as_at);
    let families: Vec<i64> = store
        .assessments(run.run_id)
        .unwrap()
        .into_iter()
        .map(|a| a.family_id)
        .take(4)
        .collect();
    assert_eq!(families.len(), 4);
    let on = |m: u32| NaiveDate::from_ymd_opt(2024, m, 1).unwrap();
    // Families 0–2 attached by the attachment list, family 3 only by its casework; family 2
    // by both (the baseline's date counts).
    let baselines: Vec<NewBaseline> = families[..3]
        .iter()
        .enumerate()
        .map(|(i, &f)| NewBaseline {
            family_id: f,
            attached_on: on(i as u32 + 1),
            attachment_ref: None,
            run_id: Some(run.run_id),
            baseline: "{}".into(),
        })
        .collect();
    store.freeze_baselines(&baselines, Utc::now()).unwrap();
    for &f in &families[2..] {
        let at = Utc.with_ymd_and_hms(2024, 6, 10, 9, 0, 0).unwrap();
        let mut case = FamilyCase::new(f, at, "t");
        case.set_status(hearth_model::CaseStatus::Agreed, at, "t");
        store.save_family_case(&case).unwrap();
    }
    let (rules, sha) = savings::load_rules(&shipped("rules/savings.toml")).unwrap();
    let report = savings::savings_store(&mut store, &rules, &sha, as_at, None).unwrap();
    let got: Vec<(i64, NaiveDate)> = report
        .calculation
        .families
        .iter()
        .map(|f| (f.family_id as i64, f.attached_on))
        .collect();
    let mut want = vec![
        (families[0], on(1)),
        (families[1], on(2)),
        (families[2], on(3)),
        (families[3], NaiveDate::from_ymd_opt(2024, 6, 10).unwrap()),
    ];
    want.sort();
    assert_eq!(got, want);
    // Attached in the first half of 2024, their twelve months after have passed by 2025-09-01.
    assert_eq!(report.calculation.cohort.families, 4);
}

/// A synthetic borough with the programme cohort's later extracts (police, schools, DWP, the
/// health file's A&E attendances, social care without early help; no housing file), four
/// families attached on 1 October 2025: their months after end on 30 September 2026, past
/// the first extracts (1 September 2025). The items counted from the housing file have no
/// data after the first extract: "not measured" for every family, never a saving; the police
/// items, sent again, are measured.
fn items_without_follow_up_data_are_not_measured(store: &mut Store, dir: &Path) {
    let first = support::as_at();
    let files = cohort_borough(dir, 2000, 11);
    assert!(files
        .iter()
        .any(|f| f.to_string_lossy().contains("police_followup")));
    assert!(!files
        .iter()
        .any(|f| f.to_string_lossy().contains("housing_followup")));
    let as_at = hearth_synth::cohort::FOLLOW_UP_END;
    let run = import_link_identify(store, &files, as_at, first);
    let attached_on = NaiveDate::from_ymd_opt(2025, 10, 1).unwrap();
    let baselines: Vec<NewBaseline> = store
        .assessments(run.run_id)
        .unwrap()
        .into_iter()
        .take(4)
        .map(|a| NewBaseline {
            family_id: a.family_id,
            attached_on,
            attachment_ref: None,
            run_id: Some(run.run_id),
            baseline: "{}".into(),
        })
        .collect();
    store.freeze_baselines(&baselines, Utc::now()).unwrap();
    let (rules, sha) = savings::load_rules(&shipped("rules/savings.toml")).unwrap();
    let report = savings::savings_store(store, &rules, &sha, as_at, None).unwrap();
    let c = &report.calculation.cohort;
    assert_eq!(c.families, 4);
    let item = |k: &str| c.items.iter().find(|i| i.key == k).unwrap();
    let last_day = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
    for k in ["evictions", "notices_seeking_possession"] {
        let i = item(k);
        assert!(!i.measured && i.change_per_family.is_none(), "{k}: {i:?}");
        assert_eq!(i.families_not_measured, 4, "{k}");
        assert!(
            i.data_reach.is_some_and(|d| d <= first),
            "{k}: {:?}",
            i.data_reach
        );
        assert_eq!((i.cost_before, i.cost_after), (0.0, 0.0), "{k}");
    }
    let dv = item("domestic_violence_incidents");
    assert!(dv.measured && dv.families_not_measured == 0, "{dv:?}");
    assert!(
        dv.data_reach.is_some_and(|d| d >= last_day),
        "{:?}",
        dv.data_reach
    );
    for f in &report.calculation.families {
        assert!(f.not_measured.iter().any(|n| n.item == "evictions"));
        assert!(f.items.iter().all(|u| u.item != "evictions"));
    }
    // As published: "not measured (data reach …)".
    let p = hearth_savings::publish(&report.calculation.cohort, Default::default());
    let ev = p.items.iter().find(|i| i.key == "evictions").unwrap();
    assert!(
        ev.coverage.starts_with("not measured (data reach "),
        "{}",
        ev.coverage
    );
}

#[test]
fn items_without_follow_up_data_are_not_measured_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = sqlite_store(dir.path());
    items_without_follow_up_data_are_not_measured(&mut store, dir.path());
}

#[test]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
fn items_without_follow_up_data_are_not_measured_on_postgresql() {
    on_postgresql(
        "hearth_savings_test",
        items_without_follow_up_data_are_not_measured,
    );
}
