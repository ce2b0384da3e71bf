//! Identification results: runs kept with their assessments and evidence, record trails
//! naming source, row and file, and event dates marking open spells only where a kind of
//! event has end dates.

use crate::fixtures::*;
use crate::harness::TestDb;
use hearth_store::*;

both!(
    identification_runs_are_kept_with_their_evidence,
    record_trails_name_source_row_and_file,
    event_dates_mark_open_spells_only_for_kinds_of_event_with_end_dates,
);

fn identification_runs_are_kept_with_their_evidence(store: &mut Store, _db: &TestDb) {
    let summary = LinkRunSummary {
        records: 0,
        people: 0,
        candidate_pairs: 0,
        matched_pairs: 0,
        review_pairs: 0,
        threshold: 0.0,
        families: 0,
        as_at: date(2025, 9, 1),
        report: "{}".into(),
    };
    let link_run = store
        .save_linkage(&LinkageResults {
            summary: &summary,
            assignment: &[],
            changes: &[],
            review: &[],
            families: &[],
        })
        .unwrap();
    let run = IdentificationRun {
        id: 0,
        as_at: date(2025, 9, 1),
        profile: "expanded-2015".into(),
        rules_sha256: "ab".repeat(32),
        link_run_id: link_run,
        families_assessed: 2,
        families_eligible: 1,
        labels: {
            let mut l = hearth_store::RunLabels::default();
            l.problems.insert(
                "crime_asb".into(),
                hearth_store::ProblemLabel {
                    label: "Crime".into(),
                    title: "Parents or children involved in crime".into(),
                },
            );
            l.sources.insert("police".into(), "Police".into());
            l
        },
    };
    let assessments = vec![
        FamilyAssessment {
            family_id: 9,
            eligible: true,
            problems: vec!["crime_asb".into(), "health".into()],
            estimated_cost: 1234.5,
            score: 3.25,
            priority_rank: Some(1),
        },
        FamilyAssessment {
            family_id: 3,
            eligible: false,
            problems: vec!["health".into()],
            estimated_cost: 0.0,
            score: 1.0,
            priority_rank: None,
        },
    ];
    let evidence = vec![
        EvidenceRow {
            family_id: 9,
            problem_key: "crime_asb".into(),
            indicator_key: "crime.police".into(),
            person_id: 11,
            record_ids: vec![4, 5],
            value: None,
        },
        EvidenceRow {
            family_id: 9,
            problem_key: "health".into(),
            indicator_key: "health.mental".into(),
            person_id: 12,
            record_ids: vec![7],
            value: Some(0.125),
        },
    ];
    let id1 = store
        .save_identification(&run, &assessments, &evidence)
        .unwrap();
    let id2 = store
        .save_identification(&run, &assessments[1..], &[])
        .unwrap();
    let runs = store.identification_runs().unwrap();
    assert_eq!(store.earliest_event_date().unwrap(), None);
    assert_eq!(
        runs.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![id1, id2]
    );
    assert_eq!(runs[0].profile, "expanded-2015");
    // The words for the run's keys come back as they were saved.
    assert_eq!(runs[0].labels, run.labels);
    assert_eq!(runs[0].labels.problems["crime_asb"].label, "Crime");
    assert_eq!(runs[0].as_at, date(2025, 9, 1));
    assert_eq!(store.assessments(id1).unwrap(), assessments);
    assert_eq!(store.assessments(id2).unwrap(), assessments[1..].to_vec());
    assert_eq!(store.evidence(id1, None).unwrap(), evidence);
    assert_eq!(store.evidence(id1, Some(9)).unwrap().len(), 2);
    assert!(store.evidence(id1, Some(3)).unwrap().is_empty());
    assert!(store.evidence(id2, None).unwrap().is_empty());
}

fn record_trails_name_source_row_and_file(store: &mut Store, _db: &TestDb) {
    let rows = sample_rows(3);
    let info = imported(
        store
            .write_batch(&batch("police", &"c".repeat(64), 3), &rows, &[])
            .unwrap(),
    );
    let ids: Vec<RecordId> = store.load_facts().unwrap().iter().map(|f| f.0).collect();
    let trails = store.record_trails(&[ids[1], RecordId(999_999)]).unwrap();
    assert_eq!(trails.len(), 1, "unknown keys are left out");
    let t = &trails[0];
    assert_eq!(t.record_id, ids[1]);
    assert_eq!(t.source, "police");
    assert_eq!(t.source_row, rows[1].source_row);
    assert_eq!(t.file_name, info.file_name);
    assert_eq!(t.file_sha256, info.file_sha256);
    assert_eq!(t.event_type, rows[1].fact.event_type);
    assert_eq!(t.event_date, rows[1].fact.event_date);
    assert!(t.imported_at.starts_with("20"), "{}", t.imported_at);
    assert!(t.attributes.starts_with('{'));
    // The files held now, with how far their records reach (what an evidence pack names).
    let files = store.data_files().unwrap();
    assert_eq!(files.len(), 1);
    let f = &files[0];
    assert_eq!(
        (f.source.as_str(), f.file_name.as_str(), f.rows),
        ("police", info.file_name.as_str(), 3)
    );
    assert_eq!(f.file_sha256, info.file_sha256);
    let event_dates: Vec<_> = rows.iter().filter_map(|r| r.fact.event_date).collect();
    assert_eq!(f.first_event, event_dates.iter().min().copied());
    assert_eq!(f.latest_event, event_dates.iter().max().copied());
    assert!(f.imported_on.is_some());
    let dates = store.event_dates().unwrap();
    assert_eq!(dates.len(), 3);
    assert_eq!(dates[1].record_id, ids[1]);
    assert_eq!(dates[1].event_date, rows[1].fact.event_date);
    assert_eq!(dates[1].end_date, rows[1].fact.end_date);
}

fn event_dates_mark_open_spells_only_for_kinds_of_event_with_end_dates(
    store: &mut Store,
    _db: &TestDb,
) {
    let mut rows = sample_rows(4);
    for (i, row) in rows.iter_mut().enumerate() {
        row.fact.event_date = Some(date(2016, 1, 1 + i as u32));
        row.fact.end_date = None;
        row.fact.event_type = if i < 2 { "benefit_claim" } else { "incident" }.into();
    }
    rows[0].fact.end_date = Some(date(2020, 5, 1));
    store
        .write_batch(&batch("dwp", &"e".repeat(64), 4), &rows, &[])
        .unwrap();
    let dates = store.event_dates().unwrap();
    assert_eq!(dates.len(), 4);
    // A claim that ended, a claim still open, and two incidents (which never have ends).
    assert_eq!(dates[0].end_date, Some(date(2020, 5, 1)));
    assert!(!dates[0].open);
    assert_eq!(dates[1].event_date, Some(date(2016, 1, 2)));
    assert!(dates[1].open, "an open claim");
    assert!(!dates[2].open && !dates[3].open, "incidents are not spells");
    // The earliest event date is the smallest of every record's.
    let earliest = store
        .event_dates()
        .unwrap()
        .into_iter()
        .filter_map(|d| d.event_date)
        .min();
    assert!(earliest.is_some());
    assert_eq!(store.earliest_event_date().unwrap(), earliest);
}
