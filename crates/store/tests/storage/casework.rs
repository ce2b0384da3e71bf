//! Casework: cases and notes round-trip with typed statuses and their clocks, an unknown
//! status is refused by the schema and reads back as a typed error, and a family's record
//! is read for a viewer as the viewer may see it.

use crate::accounts::web_user;
use crate::fixtures::*;
use crate::harness::TestDb;
use chrono::{TimeZone, Utc};
use hearth_model::CaseStatus;
use hearth_store::{
    CaseNote, CaseSource, EvidenceRow, FamilyCase, FamilyReads, FamilyViewRequest,
    IdentificationRun, LinkRunSummary, LinkageResults, RecordId, Store, StoreError,
};

both!(
    family_cases_and_notes_round_trip,
    a_family_is_read_for_a_viewer_as_the_viewer_may_see_it,
);

fn family_cases_and_notes_round_trip(store: &mut Store, db: &TestDb) {
    let lw = web_user(store, "lw", hearth_model::Role::LeadWorker);
    assert_eq!(store.family_case(7).unwrap(), None);
    let t0 = Utc.with_ymd_and_hms(2025, 9, 1, 10, 0, 0).unwrap();
    let mut case = FamilyCase::new(7, t0, "po");
    case.assign(Some(lw.id), t0, "po");
    assert_eq!(case.assigned_at, Some(t0));
    store.save_family_case(&case).unwrap();
    assert_eq!(store.family_case(7).unwrap().unwrap(), case);
    // Each clock restarts only when what it times changes.
    let t1 = t0 + chrono::Duration::days(3);
    case.set_status(CaseStatus::Agreed, t1, "lw");
    case.set_status(CaseStatus::Agreed, t1 + chrono::Duration::days(1), "lw");
    assert_eq!((case.status_since, case.assigned_at), (t1, Some(t0)));
    case.assign(None, t1, "po");
    assert_eq!(case.assigned_at, None);
    store.save_family_case(&case).unwrap();
    assert_eq!(store.family_cases().unwrap(), vec![case.clone()]);
    // An unknown status is refused by the schema (the API can no longer name one)…
    assert!(
        db.exec("UPDATE family_case SET status = 'sleeping' WHERE family_id = 7")
            .is_err(),
        "unknown status refused"
    );
    assert_eq!(
        store.family_case(7).unwrap().unwrap().status,
        CaseStatus::Agreed
    );
    let note = CaseNote {
        id: 0,
        family_id: 7,
        author_user_id: lw.id,
        written_at: t0,
        body: "Met the family <b>at home</b>.".into(),
    };
    let id = store.add_case_note(&note).unwrap();
    store
        .add_case_note(&CaseNote {
            body: "Second".into(),
            ..note.clone()
        })
        .unwrap();
    let notes = store.case_notes(7).unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0], CaseNote { id, ..note });
    assert!(store.case_notes(8).unwrap().is_empty());

    // …and one stored past it reads as a typed error naming the table and column.
    match db.pg {
        None => db.exec(
            "PRAGMA ignore_check_constraints = ON; \
             UPDATE family_case SET status = 'sleeping' WHERE family_id = 7",
        ),
        Some(_) => db.exec(
            "ALTER TABLE family_case DROP CONSTRAINT family_case_status_check; \
             UPDATE family_case SET status = 'sleeping' WHERE family_id = 7",
        ),
    }
    .unwrap();
    let err = store.family_case(7).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Corrupt {
                table: "family_case",
                column: "status",
                key: 7
            }
        ),
        "{err:?}"
    );
    assert!(store.family_cases().is_err());
}

fn a_family_is_read_for_a_viewer_as_the_viewer_may_see_it(store: &mut Store, _db: &TestDb) {
    // Three records, two people in family 5; one identification run citing the first record.
    imported(
        store
            .write_batch(&batch("police", "fv", 3), &sample_rows(3), &[])
            .unwrap(),
    );
    let ids: Vec<RecordId> = store.load_facts().unwrap().iter().map(|f| f.0).collect();
    let summary = LinkRunSummary {
        records: 3,
        people: 2,
        candidate_pairs: 0,
        matched_pairs: 0,
        review_pairs: 0,
        threshold: 0.0,
        families: 1,
        as_at: date(2025, 9, 1),
        report: "{}".into(),
    };
    let link_run = store
        .save_linkage(&LinkageResults {
            summary: &summary,
            assignment: &[(ids[0], 100), (ids[1], 100), (ids[2], 200)],
            changes: &[],
            review: &[],
            families: &[],
        })
        .unwrap();
    let evidence = vec![EvidenceRow {
        family_id: 5,
        problem_key: "crime_asb".into(),
        indicator_key: "crime.police".into(),
        person_id: 100,
        record_ids: vec![ids[0].0],
        value: None,
    }];
    let run = store
        .save_identification(
            &IdentificationRun {
                id: 0,
                as_at: date(2025, 9, 1),
                profile: "expanded-2015".into(),
                rules_sha256: "ab".repeat(32),
                link_run_id: link_run,
                families_assessed: 1,
                families_eligible: 1,
                labels: Default::default(),
            },
            &[],
            &evidence,
        )
        .unwrap();
    let lw = web_user(store, "lw", hearth_model::Role::LeadWorker);
    let t0 = Utc.with_ymd_and_hms(2025, 9, 1, 10, 0, 0).unwrap();
    let mut case = FamilyCase::new(5, t0, "po");
    case.assign(Some(lw.id), t0, "po");
    store.save_family_case(&case).unwrap();
    store
        .add_case_note(&CaseNote {
            id: 0,
            family_id: 5,
            author_user_id: lw.id,
            written_at: t0,
            body: "Visited.".into(),
        })
        .unwrap();
    let people = [100, 200];
    let request = |case: CaseSource, with_evidence: bool, run_id: Option<i64>| FamilyViewRequest {
        family_id: 5,
        run_id,
        with_evidence,
        people: &people,
        case,
        evidence_restrictions: None,
    };
    let everything = FamilyReads {
        identifiers: true,
        notes: true,
        work: true,
    };

    // The case is read, and the viewer's access decided on it as stored.
    let mut seen = None;
    let view = store
        .family_view(request(CaseSource::Read, true, Some(run)), |c| {
            seen = c.cloned();
            Some(everything)
        })
        .unwrap();
    assert_eq!(seen.as_ref(), Some(&case));
    assert_eq!(view.case.as_ref(), Some(&case));
    assert_eq!(view.reads, Some(everything));
    assert_eq!(view.evidence, evidence);
    let mut trail_ids: Vec<RecordId> = view.trails.iter().map(|t| t.record_id).collect();
    trail_ids.sort();
    assert_eq!(
        trail_ids, ids,
        "the cited record and every member's records"
    );
    assert_eq!(
        view.record_people,
        vec![(ids[0].0, 100), (ids[1].0, 100), (ids[2].0, 200)]
    );
    assert!(view.identities.iter().any(|i| i.person_id == 100));
    assert!(view.identities.iter().any(|i| i.person_id == 200));
    assert_eq!(view.notes.as_ref().map(Vec::len), Some(1));
    assert_eq!(
        view.work.as_ref().map(|w| w.history.len()),
        Some(1),
        "the work with the family, with its history"
    );

    // Refused: nothing is read beyond the case.
    let view = store
        .family_view(request(CaseSource::Read, true, Some(run)), |_| None)
        .unwrap();
    assert_eq!(view.case.as_ref(), Some(&case));
    assert_eq!(view.reads, None);
    assert!(view.evidence.is_empty() && view.trails.is_empty() && view.identities.is_empty());
    assert!(view.record_people.is_empty() && view.notes.is_none() && view.work.is_none());

    // A case the caller knows is taken as given, not read again.
    let view = store
        .family_view(request(CaseSource::Known(None), false, Some(run)), |c| {
            assert!(c.is_none());
            Some(FamilyReads {
                identifiers: false,
                notes: false,
                work: false,
            })
        })
        .unwrap();
    assert_eq!(view.case, None);
    assert!(
        view.evidence.is_empty() && view.trails.is_empty(),
        "evidence not asked for"
    );
    assert!(
        view.identities.is_empty() && view.notes.is_none(),
        "not allowed"
    );

    // A family in no run: only the case.
    let view = store
        .family_view(request(CaseSource::Read, true, None), |_| Some(everything))
        .unwrap();
    assert_eq!(view.case.as_ref(), Some(&case));
    assert!(view.evidence.is_empty() && view.identities.is_empty() && view.notes.is_none());
}
