//! `hearth evaluate`'s store side: a small synthetic borough imported, linked and
//! identified; some eligible families attached by their cases; the evaluation read from the
//! store, published through disclosure control and kept.

mod support;

use chrono::{TimeZone, Utc};
use hearth_pipeline::impact;
use hearth_store::FamilyCase;
use support::{borough, import_link_identify, shipped, sqlite_store};

#[test]
fn the_evaluation_reads_the_cohort_from_the_store_and_keeps_the_published_report() {
    let dir = tempfile::tempdir().unwrap();
    let as_at = support::as_at();
    let files = borough(dir.path(), 3000, 7);
    let mut store = sqlite_store(dir.path());
    let run = import_link_identify(&mut store, &files, as_at, as_at);
    let eligible: Vec<i64> = store
        .assessments(run.run_id)
        .unwrap()
        .into_iter()
        .filter(|a| a.eligible)
        .map(|a| a.family_id)
        .collect();
    assert!(eligible.len() > 20, "{}", eligible.len());
    // Every third eligible family attached in 2024, a month apart.
    for (i, f) in eligible.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
        let at = Utc
            .with_ymd_and_hms(2024, 1 + (i % 12) as u32, 10, 9, 0, 0)
            .unwrap();
        let mut case = FamilyCase::new(*f, at, "t");
        case.set_status(hearth_model::CaseStatus::Agreed, at, "t");
        store.save_family_case(&case).unwrap();
    }
    // A family objecting to research use is left out of the local evaluation (research).
    let objector = eligible[1];
    store
        .add_objection(&hearth_store::NewObjection {
            subject: hearth_store::ObjectionSubject::Family(objector),
            scope: "research".into(),
            received_on: as_at,
            received_how: "letter".into(),
            recorded_by: "ig".into(),
            recorded_at: Utc::now(),
        })
        .unwrap();
    let (rules, sha) = impact::load_rules(&shipped("rules/impact-evaluation.toml")).unwrap();
    let cohort = impact::load_cohort(&mut store, &rules, as_at).unwrap();
    assert_eq!(cohort.families.len(), eligible.len() - 1);
    assert!(cohort.families.iter().all(|f| f.family_id != objector));
    let attached = cohort
        .families
        .iter()
        .filter(|f| f.attached_on.is_some())
        .count();
    assert_eq!(attached, eligible.len().div_ceil(3));
    // The members' facts reached their families' outcomes.
    assert!(cohort
        .families
        .iter()
        .any(|f| f.events.iter().any(|e| !e.is_empty())));

    let now = Utc::now();
    let report = impact::evaluate_store(&mut store, &rules, &sha, as_at, "tester", now).unwrap();
    assert_eq!(report.cohort_families, eligible.len() - 1);
    let kept = store.latest_impact_report().unwrap().unwrap();
    assert_eq!(kept.id, report.report_id);
    assert_eq!(kept.as_at, as_at);
    let back: hearth_impact::Published = serde_json::from_str(&kept.report).unwrap();
    // (Floats read back from JSON may differ in the last digit.)
    assert_eq!(back.programme, report.published.programme);
    assert_eq!(back.comparison, report.published.comparison);
    assert_eq!(back.estimates.len(), report.published.estimates.len());
    // Only bands over by the as-at date: 0–6 after a 2024 attachment is.
    assert!(back.estimates.iter().any(|e| e.band == "0–6"));
    assert!(!back.estimates.iter().any(|e| e.band == "19–24"));
    let text = report.to_string();
    assert!(
        text.contains("Local impact evaluation as at 2025-09-01"),
        "{text}"
    );
    // What each estimate's size could show, beside it.
    assert!(text.contains("detectable"), "{text}");
    assert!(
        text.contains("the smallest change, relative to the comparison"),
        "{text}"
    );
}
