//! Retention: a purge removes exactly the expired data, from identity, facts and every
//! result pointing at it, and nothing else; counting changes nothing; the append-only tables
//! refuse deletes outside a purge; the audit chain still verifies after its oldest lines go.

use crate::accounts::web_user;
use crate::fixtures::*;
use crate::harness::TestDb;
use chrono::{DateTime, TimeZone, Utc};
use hearth_model::{CaseStatus, CloseReason, MemberRole, RelationshipBasis, Role};
use hearth_store::*;

both!(
    a_purge_removes_exactly_the_expired_data_and_nothing_else,
    counting_changes_nothing,
    append_only_tables_refuse_deletes_outside_a_purge,
    a_source_of_its_own_and_record_dates_choose_what_goes,
    proof_reports_are_kept,
    partner_records_purged_a_slice_at_a_time_leave_what_one_transaction_leaves,
);

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 10, 0, 0).unwrap()
}

fn audit_line(store: &mut Store, when: DateTime<Utc>, target: &str) {
    store
        .append_audit(&AuditEntry {
            id: 0,
            at: when,
            user_id: None,
            user_name: "po".into(),
            action: "view family".into(),
            target_kind: "family".into(),
            target_id: target.into(),
            client_ip: "127.0.0.1".into(),
            detail: String::new(),
        })
        .unwrap();
}

/// Batch 1 (police, 2019): records 1–3 and a quarantined row; batch 2 (police, 2025-08):
/// records 4–5 and a quarantined row. Person 100 = {1, 4}, person 200 = {2, 3} (all old),
/// person 300 = {5}. Family 1 = {100, 200}, family 2 = {300}. Evidence for each. Audit
/// lines in 2018 and 2025. A case closed in 2019 and one open.
fn borough(store: &mut Store) {
    let mut old = batch("police", "01", 4);
    old.imported_at = at(2019, 6, 1);
    imported(
        store
            .write_batch(&old, &sample_rows(3), &[quarantined(9)])
            .unwrap(),
    );
    let mut new = batch("police", "02", 3);
    new.imported_at = at(2025, 8, 15);
    imported(
        store
            .write_batch(&new, &sample_rows(2), &[quarantined(9)])
            .unwrap(),
    );
    let summary = LinkRunSummary {
        records: 5,
        people: 3,
        candidate_pairs: 2,
        matched_pairs: 1,
        review_pairs: 2,
        threshold: 0.0,
        families: 2,
        as_at: date(2025, 9, 1),
        report: "{}".into(),
    };
    let member = |p: i64| FamilyMember {
        person_id: p,
        role: MemberRole::Adult,
        age: Some(30),
    };
    let pair = |l: i64, r: i64| ReviewPair {
        record_l: RecordId(l),
        record_r: RecordId(r),
        match_probability: 0.5,
        match_weight: 0.0,
        explanation: "{}".into(),
    };
    let link_run = store
        .save_linkage(&LinkageResults {
            summary: &summary,
            assignment: &[
                (RecordId(1), 100),
                (RecordId(4), 100),
                (RecordId(2), 200),
                (RecordId(3), 200),
                (RecordId(5), 300),
            ],
            changes: &[],
            review: &[pair(2, 5), pair(4, 5)],
            families: &[
                StoredFamily {
                    family_id: 1,
                    members: vec![member(100), member(200)],
                    relationships: vec![FamilyRelationship {
                        parent_person_id: 100,
                        child_person_id: 200,
                        basis: RelationshipBasis::AgeGap,
                    }],
                    area: None,
                },
                StoredFamily {
                    family_id: 2,
                    members: vec![member(300)],
                    relationships: vec![],
                    area: None,
                },
            ],
        })
        .unwrap();
    let evidence = |family_id: i64, person_id: i64, record_ids: Vec<i64>| EvidenceRow {
        family_id,
        problem_key: "crime_asb".into(),
        indicator_key: format!("crime.{person_id}.{}", record_ids[0]),
        person_id,
        record_ids,
        value: None,
    };
    store
        .save_identification(
            &IdentificationRun {
                id: 0,
                as_at: date(2025, 9, 1),
                profile: "p".into(),
                rules_sha256: "ab".repeat(32),
                link_run_id: link_run,
                families_assessed: 2,
                families_eligible: 1,
                labels: RunLabels::default(),
            },
            &[],
            &[
                evidence(1, 100, vec![1]),
                evidence(1, 100, vec![4]),
                evidence(1, 200, vec![2, 3]),
                evidence(2, 300, vec![5]),
            ],
        )
        .unwrap();
    audit_line(store, at(2018, 1, 1), "1");
    audit_line(store, at(2018, 2, 1), "1");
    audit_line(store, at(2025, 8, 1), "2");
    let lw = web_user(store, "lw", Role::LeadWorker);
    let mut closed = FamilyCase::new(1, at(2018, 3, 1), "po");
    closed.set_status(CaseStatus::Agreed, at(2018, 4, 1), "lw");
    store.save_family_case(&closed).unwrap();
    closed.close(CloseReason::Declined, at(2019, 5, 1), "lw");
    store.save_family_case(&closed).unwrap();
    store
        .add_case_note(&CaseNote {
            id: 0,
            family_id: 1,
            author_user_id: lw.id,
            written_at: at(2018, 4, 1),
            body: "Visited".into(),
        })
        .unwrap();
    store
        .add_assessment(&[AssessmentEntry {
            id: 0,
            family_id: 1,
            person_id: Some(100),
            problem_key: "crime_asb".into(),
            happening: "a".into(),
            strengths: "b".into(),
            needs: "c".into(),
            evidence_seen: "d".into(),
            written_by: lw.id,
            written_at: at(2018, 4, 2),
        }])
        .unwrap();
    let open = FamilyCase::new(2, at(2019, 3, 1), "po");
    store.save_family_case(&open).unwrap();
}

fn cutoff() -> chrono::NaiveDate {
    date(2020, 9, 1)
}

fn all_sources() -> PurgeScope {
    PurgeScope::PartnerRecords {
        sources: SourceFilter::All,
        by_record_date: false,
    }
}

fn ids(db: &TestDb, sql: &str) -> Vec<i64> {
    match &db.pg {
        None => {
            let c = db.sqlite_conn();
            let mut st = c.prepare(sql).unwrap();
            st.query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        }
        Some(_) => db
            .pg_client()
            .query(sql, &[])
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect(),
    }
}

fn a_purge_removes_exactly_the_expired_data_and_nothing_else(store: &mut Store, db: &TestDb) {
    borough(store);
    let now = at(2025, 9, 1);
    let went = store
        .retention_purge(&all_sources(), cutoff(), now)
        .unwrap();
    assert_eq!(
        went,
        [MonthCount {
            month: "2019-06".into(),
            count: 3
        }]
    );
    assert_eq!(ids(db, "SELECT record_id FROM record ORDER BY 1"), [4, 5]);
    assert_eq!(ids(db, "SELECT record_id FROM identity ORDER BY 1"), [4, 5]);
    assert_eq!(
        store.person_assignment().unwrap(),
        [(RecordId(4), 100), (RecordId(5), 300)]
    );
    // Person 200 had only expired records: gone from the family and its relationships.
    let families = store.families().unwrap();
    let members: Vec<Vec<i64>> = families
        .iter()
        .map(|f| f.members.iter().map(|m| m.person_id).collect())
        .collect();
    assert_eq!(members, [vec![100], vec![300]]);
    assert!(families[0].relationships.is_empty());
    // Evidence naming an expired record, or about person 200, is gone; the rest stays.
    let run = store.identification_runs().unwrap()[0].id;
    let evidence: Vec<(i64, Vec<i64>)> = store
        .evidence(run, None)
        .unwrap()
        .into_iter()
        .map(|e| (e.person_id, e.record_ids))
        .collect();
    assert_eq!(evidence, [(100, vec![4]), (300, vec![5])]);
    assert_eq!(
        ids(db, "SELECT record_id_l FROM review_pair ORDER BY 1"),
        [4]
    );
    // Person 100's identifier sets now come from record 4 only.
    let identities = store.person_identities(&[100, 200, 300]).unwrap();
    assert_eq!(
        identities
            .iter()
            .map(|i| (i.person_id, i.record_id, i.records))
            .collect::<Vec<_>>(),
        [(100, 4, 1), (300, 5, 1)]
    );
    // Other classes untouched by this one.
    assert_eq!(db.count("quarantine"), 2);
    assert_eq!(db.count("audit_log"), 3);
    assert_eq!(db.count("family_case"), 2);
    assert_eq!(
        db.count("retention_record") + db.count("retention_person"),
        0
    );
    assert_eq!(db.count("retention_permit"), 0);

    // Quarantine: by import date.
    let q = store
        .retention_purge(&PurgeScope::Quarantine, date(2025, 6, 3), now)
        .unwrap();
    assert_eq!(q.iter().map(|m| m.count).sum::<u64>(), 1);
    assert_eq!(db.count("quarantine"), 1);

    // Case records: the case closed in 2019 and all its work; the open case stays.
    let c = store
        .retention_purge(&PurgeScope::CaseRecords, cutoff(), now)
        .unwrap();
    assert_eq!(
        c,
        [MonthCount {
            month: "2019-05".into(),
            count: 1
        }]
    );
    assert_eq!(ids(db, "SELECT family_id FROM family_case"), [2]);
    assert_eq!(db.count("case_note"), 0);
    assert_eq!(db.count("assessment_entry"), 0);
    assert_eq!(
        ids(db, "SELECT family_id FROM case_status_change ORDER BY 1"),
        [2]
    );

    // Audit: the two 2018 lines go; the chain still verifies from the recorded anchor.
    let a = store
        .retention_purge(&PurgeScope::Audit, cutoff(), now)
        .unwrap();
    assert_eq!(a.iter().map(|m| m.count).sum::<u64>(), 2);
    assert_eq!(db.count("audit_log"), 1);
    let report = store.verify_audit_chain().unwrap();
    assert!(report.broken.is_none(), "{report:?}");
    assert_eq!(report.lines, 1);
    // New lines still chain on.
    audit_line(store, at(2025, 9, 1), "2");
    let report = store.verify_audit_chain().unwrap();
    assert!(report.broken.is_none(), "{report:?}");
    // Nothing more has expired: a second run removes nothing.
    for scope in [all_sources(), PurgeScope::CaseRecords, PurgeScope::Audit] {
        assert!(store
            .retention_purge(&scope, cutoff(), now)
            .unwrap()
            .is_empty());
    }
}

/// SQLite purges partner records in slices (one transaction each, so pages wait at most one
/// slice): slices of one record must leave exactly what the whole class in one transaction
/// leaves, and report the same counts.
fn partner_records_purged_a_slice_at_a_time_leave_what_one_transaction_leaves(
    store: &mut Store,
    db: &TestDb,
) {
    borough(store);
    let went = store
        .retention_purge_in_slices(&all_sources(), cutoff(), at(2025, 9, 1), 1)
        .unwrap();
    assert_eq!(
        went,
        [MonthCount {
            month: "2019-06".into(),
            count: 3
        }]
    );
    assert_eq!(ids(db, "SELECT record_id FROM record ORDER BY 1"), [4, 5]);
    assert_eq!(ids(db, "SELECT record_id FROM identity ORDER BY 1"), [4, 5]);
    assert_eq!(
        store.person_assignment().unwrap(),
        [(RecordId(4), 100), (RecordId(5), 300)]
    );
    let members: Vec<Vec<i64>> = store
        .families()
        .unwrap()
        .iter()
        .map(|f| f.members.iter().map(|m| m.person_id).collect())
        .collect();
    assert_eq!(members, [vec![100], vec![300]]);
    let run = store.identification_runs().unwrap()[0].id;
    let evidence: Vec<(i64, Vec<i64>)> = store
        .evidence(run, None)
        .unwrap()
        .into_iter()
        .map(|e| (e.person_id, e.record_ids))
        .collect();
    assert_eq!(evidence, [(100, vec![4]), (300, vec![5])]);
    let identities = store.person_identities(&[100, 200, 300]).unwrap();
    assert_eq!(
        identities
            .iter()
            .map(|i| (i.person_id, i.record_id, i.records))
            .collect::<Vec<_>>(),
        [(100, 4, 1), (300, 5, 1)]
    );
    assert_eq!(
        db.count("retention_record") + db.count("retention_person") + db.count("retention_permit"),
        0
    );
    // Nothing left to go: another run removes nothing.
    assert!(store
        .retention_purge_in_slices(&all_sources(), cutoff(), at(2025, 9, 1), 1)
        .unwrap()
        .is_empty());
}

fn counting_changes_nothing(store: &mut Store, db: &TestDb) {
    borough(store);
    let tables = [
        "record",
        "identity",
        "person_record",
        "person_identity",
        "family_member",
        "evidence",
        "quarantine",
        "audit_log",
        "family_case",
        "case_status_change",
    ];
    let before: Vec<Vec<String>> = tables.iter().map(|t| db.dump(t)).collect();
    let scopes = [
        all_sources(),
        PurgeScope::Quarantine,
        PurgeScope::CaseRecords,
        PurgeScope::Audit,
        PurgeScope::Transfers,
        PurgeScope::ResearchCopies,
    ];
    let counted: Vec<u64> = scopes
        .iter()
        .map(|s| {
            store
                .retention_counts(s, cutoff())
                .unwrap()
                .iter()
                .map(|m| m.count)
                .sum()
        })
        .collect();
    assert_eq!(counted, [3, 1, 1, 2, 0, 0]);
    let after: Vec<Vec<String>> = tables.iter().map(|t| db.dump(t)).collect();
    assert_eq!(before, after);
    // What was counted is what a purge removes.
    for (s, n) in scopes.iter().zip(&counted) {
        let went: u64 = store
            .retention_purge(s, cutoff(), at(2025, 9, 1))
            .unwrap()
            .iter()
            .map(|m| m.count)
            .sum();
        assert_eq!(went, *n, "{s:?}");
    }
}

fn append_only_tables_refuse_deletes_outside_a_purge(store: &mut Store, db: &TestDb) {
    borough(store);
    for table in ["audit_log", "case_status_change", "assessment_entry"] {
        assert!(
            db.exec(&format!("DELETE FROM {table}")).is_err(),
            "{table} refused a delete"
        );
        assert!(
            db.exec(&format!("UPDATE {table} SET id = id")).is_err(),
            "{table} refused an update"
        );
    }
    assert_eq!(db.count("audit_log"), 3);
}

fn a_source_of_its_own_and_record_dates_choose_what_goes(store: &mut Store, db: &TestDb) {
    borough(store);
    let mut other = batch("schools", "03", 1);
    other.imported_at = at(2019, 1, 1);
    imported(store.write_batch(&other, &sample_rows(2), &[]).unwrap());
    let now = at(2025, 9, 1);
    // Every source but police: only the schools records go.
    let went = store
        .retention_purge(
            &PurgeScope::PartnerRecords {
                sources: SourceFilter::AllBut(vec!["police".into()]),
                by_record_date: false,
            },
            cutoff(),
            now,
        )
        .unwrap();
    assert_eq!(went.iter().map(|m| m.count).sum::<u64>(), 2);
    assert_eq!(
        ids(db, "SELECT record_id FROM record ORDER BY 1"),
        [1, 2, 3, 4, 5]
    );
    // Police by the record's own date: sample rows end 2025-01-01 (full rows) or have no
    // date (empty rows: their import date counts). Before 2025-06-01: the full rows of both
    // batches and the dateless rows of the 2019 batch.
    let went = store
        .retention_purge(
            &PurgeScope::PartnerRecords {
                sources: SourceFilter::Only("police".into()),
                by_record_date: true,
            },
            date(2025, 6, 1),
            now,
        )
        .unwrap();
    assert_eq!(
        went,
        [
            MonthCount {
                month: "2019-06".into(),
                count: 1
            },
            MonthCount {
                month: "2025-01".into(),
                count: 3
            }
        ]
    );
    assert_eq!(ids(db, "SELECT record_id FROM record ORDER BY 1"), [4]);
}

fn proof_reports_are_kept(store: &mut Store, _db: &TestDb) {
    let report = RetentionReport {
        id: 0,
        run_at: at(2025, 9, 1),
        run_by: "ig.officer".into(),
        applied: true,
        policy_sha256: "cd".repeat(32),
        classes: vec![ClassCounts {
            class: "partner_records".into(),
            source: None,
            from: "import".into(),
            before: cutoff(),
            months: vec![MonthCount {
                month: "2019-06".into(),
                count: 3,
            }],
        }],
    };
    let id = store.save_retention_report(&report).unwrap();
    let kept = store.retention_reports(10).unwrap();
    assert_eq!(kept, [RetentionReport { id, ..report }]);
    assert_eq!(kept[0].total(), 3);
}
