//! Outcomes: a baseline is frozen once (a second freeze leaves it, and the database refuses
//! to change or remove it), and an evaluation replaces each family's judgement but keeps the
//! first result found of each kind.

use crate::harness::TestDb;
use chrono::{NaiveDate, TimeZone, Utc};
use hearth_model::{CaseStatus, CloseReason};
use hearth_store::{FamilyCase, NewBaseline, Store, StoredOutcome, StoredResult};

both!(
    a_baseline_is_frozen_once,
    results_are_kept_as_first_found,
    attaching_by_list_moves_the_case_and_every_count_reads_one_notion
);

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

/// Attaching by list freezes the baseline and moves the family's case to "agreed to take
/// part" (created if it had none; a case further on, or closed, left alone), so that its
/// status agrees with the counts; `attachments` is the one notion of attached: the
/// baseline's date, else the casework's first move to "agreed" or later (a family only
/// referred or contacted is not attached).
fn attaching_by_list_moves_the_case_and_every_count_reads_one_notion(
    store: &mut Store,
    _db: &TestDb,
) {
    let t = |y, m, day| Utc.with_ymd_and_hms(y, m, day, 9, 0, 0).unwrap();
    let save = |store: &mut Store, family: i64, status: CaseStatus, at| {
        let mut c = FamilyCase::new(family, at, "lw");
        if status == CaseStatus::Closed {
            c.close(CloseReason::Declined, at, "lw");
        } else {
            c.set_status(status, at, "lw");
        }
        store.save_family_case(&c).unwrap();
    };
    // 1: no case; 2: referred; 3: plan in place; 4: closed; 5: agreed in casework only;
    // 6: contacted, never attached.
    save(store, 2, CaseStatus::Referred, t(2025, 9, 1));
    save(store, 3, CaseStatus::PlanInPlace, t(2025, 9, 1));
    save(store, 4, CaseStatus::Closed, t(2025, 9, 1));
    save(store, 5, CaseStatus::Agreed, t(2025, 11, 3));
    save(store, 6, CaseStatus::Contacted, t(2025, 9, 1));
    let list: Vec<NewBaseline> = (1..=4).map(|f| baseline(f, "{}")).collect();
    let done = store
        .attach_families(&list, t(2025, 12, 1), "officer")
        .unwrap();
    assert_eq!((done.frozen, done.already), (4, 0));
    let status = |store: &mut Store, f| store.family_case(f).unwrap().map(|c| c.status);
    assert_eq!(status(store, 1), Some(CaseStatus::Agreed));
    assert_eq!(status(store, 2), Some(CaseStatus::Agreed));
    assert_eq!(status(store, 3), Some(CaseStatus::PlanInPlace));
    assert_eq!(status(store, 4), Some(CaseStatus::Closed));
    let case = store.family_case(2).unwrap().unwrap();
    assert_eq!(case.status_since.date_naive(), d(2025, 10, 1));
    let history = store.case_history(2).unwrap();
    let last = history.last().unwrap();
    assert_eq!(
        (last.from, last.to),
        (Some(CaseStatus::Referred), CaseStatus::Agreed)
    );
    assert!(last.reason.contains("2025-10-01"), "{}", last.reason);
    assert_eq!(last.changed_by, "officer");
    let attached = store.attachments().unwrap();
    let want: Vec<(i64, NaiveDate)> = vec![
        (1, d(2025, 10, 1)),
        (2, d(2025, 10, 1)),
        (3, d(2025, 10, 1)),
        (4, d(2025, 10, 1)),
        (5, d(2025, 11, 3)),
    ];
    assert_eq!(attached.into_iter().collect::<Vec<_>>(), want);
    assert_eq!(store.attached_family_count(d(2025, 10, 31)).unwrap(), 4);
    assert_eq!(store.attached_family_count(d(2025, 11, 3)).unwrap(), 5);
    // Named again: the baseline and the case stay as they were.
    let again = store
        .attach_families(&list[..1], t(2026, 1, 1), "officer")
        .unwrap();
    assert_eq!((again.frozen, again.already), (0, 1));
    assert_eq!(store.case_history(1).unwrap().len(), 1);
}
