//! Outcomes: a baseline is frozen once (a second freeze leaves it, and the database refuses
//! to change or remove it), and an evaluation replaces each family's judgement but keeps the
//! first result found of each kind.

use crate::harness::TestDb;
use chrono::{NaiveDate, TimeZone, Utc};
use hearth_store::{NewBaseline, Store, StoredOutcome, StoredResult};

both!(a_baseline_is_frozen_once, results_are_kept_as_first_found);

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn baseline(family_id: i64, json: &str) -> NewBaseline {
    NewBaseline {
        family_id,
        attached_on: d(2025, 10, 1),
        attachment_ref: Some("A000001".into()),
        run_id: Some(3),
        baseline: json.into(),
    }
}

fn a_baseline_is_frozen_once(store: &mut Store, db: &TestDb) {
    let now = Utc.with_ymd_and_hms(2025, 10, 1, 9, 0, 0).unwrap();
    let done = store
        .freeze_baselines(&[baseline(7, r#"{"first":true}"#), baseline(8, "{}")], now)
        .unwrap();
    assert_eq!((done.frozen, done.already), (2, 0));
    // A later attachment list naming the family again (after a re-link) leaves it as it was.
    let again = store
        .freeze_baselines(&[baseline(7, r#"{"first":false}"#)], now)
        .unwrap();
    assert_eq!((again.frozen, again.already), (0, 1));
    let b = store.baseline(7).unwrap().unwrap();
    assert_eq!(b.baseline, r#"{"first":true}"#);
    assert_eq!(b.attached_on, d(2025, 10, 1));
    assert_eq!(b.attachment_ref.as_deref(), Some("A000001"));
    assert_eq!(store.baselines().unwrap().len(), 2);
    assert!(db
        .exec("UPDATE outcome_baseline SET baseline = '{}' WHERE family_id = 7")
        .is_err());
    assert!(db
        .exec("DELETE FROM outcome_baseline WHERE family_id = 7")
        .is_err());
    assert_eq!(db.count("outcome_baseline"), 2);
}

fn results_are_kept_as_first_found(store: &mut Store, _db: &TestDb) {
    let now = Utc.with_ymd_and_hms(2026, 9, 1, 9, 0, 0).unwrap();
    let outcome = |as_at: NaiveDate| StoredOutcome {
        family_id: 7,
        as_at,
        rules_sha256: "abc".into(),
        earliest_claim_on: Some(d(2026, 7, 22)),
        outcome: format!("{{\"as_at\":\"{as_at}\"}}"),
    };
    let result = |found: NaiveDate, on: NaiveDate| StoredResult {
        family_id: 7,
        kind: "significant_and_sustained_progress".into(),
        achieved_on: on,
        rules_sha256: "abc".into(),
        found_as_at: found,
        evidence: "[]".into(),
    };
    let added = store
        .save_outcomes(
            &[outcome(d(2026, 9, 1))],
            &[result(d(2026, 9, 1), d(2026, 7, 22))],
            now,
        )
        .unwrap();
    assert_eq!(added, 1);
    let added = store
        .save_outcomes(
            &[outcome(d(2027, 1, 1))],
            &[result(d(2027, 1, 1), d(2026, 12, 1))],
            now,
        )
        .unwrap();
    assert_eq!(added, 0);
    let results = store.outcome_results().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(
        (results[0].achieved_on, results[0].found_as_at),
        (d(2026, 7, 22), d(2026, 9, 1))
    );
    let latest = store.family_outcome(7).unwrap().unwrap();
    assert_eq!(latest.as_at, d(2027, 1, 1));
    assert_eq!(latest.earliest_claim_on, Some(d(2026, 7, 22)));
    assert!(store.family_outcome(8).unwrap().is_none());
}
