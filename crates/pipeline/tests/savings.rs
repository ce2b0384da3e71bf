//! `hearth savings`' store side: a small synthetic borough imported, linked and identified;
//! some families attached through `hearth outcomes --attach` (a frozen baseline), one through
//! its casework; the calculator counts them all, with the baseline's date first.

use chrono::{NaiveDate, TimeZone, Utc};
use hearth_pipeline::{identify, import, link, savings};
use hearth_store::{FamilyCase, NewBaseline, Store};
use std::path::{Path, PathBuf};

fn shipped(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

#[test]
fn families_attached_by_their_outcomes_baseline_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let as_at = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
    let borough = hearth_synth::generate(&hearth_synth::Config {
        people: 2000,
        seed: 11,
        ..Default::default()
    })
    .unwrap();
    hearth_synth::write(&borough, dir.path()).unwrap();
    let files = import::partner_files(&[dir.path().join("sources")]).unwrap();
    let mut store = Store::open(&format!("sqlite:{}", dir.path().join("s.db").display())).unwrap();
    import::import_files(&mut store, &files, &shipped("mappings"), "t", Some(as_at)).unwrap();
    link::link_store(&mut store, as_at).unwrap();
    let (rules, sha) = identify::load_rules(&shipped("rules/expanded-2015.toml")).unwrap();
    let run = identify::identify_store(&mut store, &rules, &sha, as_at).unwrap();
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
    let first = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
    let borough = hearth_synth::generate(&hearth_synth::Config {
        people: 2000,
        seed: 11,
        cohort: Some(hearth_synth::cohort::Cohort::default()),
        ..Default::default()
    })
    .unwrap();
    hearth_synth::write(&borough, dir).unwrap();
    let files = import::partner_files(&[dir.join("sources")]).unwrap();
    assert!(files
        .iter()
        .any(|f| f.to_string_lossy().contains("police_followup")));
    assert!(!files
        .iter()
        .any(|f| f.to_string_lossy().contains("housing_followup")));
    let as_at = hearth_synth::cohort::FOLLOW_UP_END;
    import::import_files(store, &files, &shipped("mappings"), "t", Some(as_at)).unwrap();
    link::link_store(store, first).unwrap();
    let (rules, sha) = identify::load_rules(&shipped("rules/expanded-2015.toml")).unwrap();
    let run = identify::identify_store(store, &rules, &sha, first).unwrap();
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
    let mut store = Store::open(&format!("sqlite:{}", dir.path().join("s.db").display())).unwrap();
    items_without_follow_up_data_are_not_measured(&mut store, dir.path());
}

#[test]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
fn items_without_follow_up_data_are_not_measured_on_postgresql() {
    let url = std::env::var("HEARTH_TEST_POSTGRES_URL")
        .expect("HEARTH_TEST_POSTGRES_URL was set when this test was built but is not now");
    let schema = format!("hearth_savings_test_{}", std::process::id());
    let options = hearth_store::OpenOptions {
        pg_schema: Some(schema.clone()),
    };
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_with(&url, &options).unwrap();
    items_without_follow_up_data_are_not_measured(&mut store, dir.path());
    drop(store);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .batch_execute(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .unwrap();
}
