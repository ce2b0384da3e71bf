//! Intake: batches written all or nothing, every field round-trips, a file imports once
//! (also under concurrency), quarantine keeps raw cells, identity and record tables hold
//! only their own, and rows the store cannot hold are refused without data in the message.

use crate::fixtures::*;
use crate::harness::TestDb;
use chrono::Utc;
use hearth_model::AttrValue;
use hearth_store::{RecordId, Store, StoreError, WriteOutcome};

both!(
    round_trip_of_every_field,
    reimport_is_a_no_op,
    concurrent_imports_of_one_file_write_it_once,
    unique_constraint_guards_the_batch,
    quarantine_is_stored_with_raw_cells,
    identity_and_record_tables_hold_only_their_own,
    rows_the_store_cannot_hold_are_refused_without_data_in_the_message,
    empty_batches_and_listings,
);

fn round_trip_of_every_field(store: &mut Store, _db: &TestDb) {
    let rows = vec![full_row(2), empty_row(3), full_row(5)];
    let meta = batch("police", "0123abcd", 4);
    let info = imported(store.write_batch(&meta, &rows, &[quarantined(4)]).unwrap());
    assert_eq!(info.source, meta.source);
    assert_eq!(info.file_name, meta.file_name);
    assert_eq!(info.file_sha256, meta.file_sha256);
    assert_eq!(info.imported_by, meta.imported_by);
    assert_eq!(info.imported_at, meta.imported_at, "microseconds kept");
    assert_eq!(
        (info.rows_read, info.rows_imported, info.rows_quarantined),
        (4, 3, 1)
    );
    assert_eq!(
        store.find_batch("police", "0123abcd").unwrap(),
        Some(info.clone())
    );
    assert_eq!(store.find_batch("police", "other").unwrap(), None);
    assert_eq!(store.find_batch("health", "0123abcd").unwrap(), None);
    assert_eq!(store.batches().unwrap(), vec![info]);

    let identities = store.load_identities().unwrap();
    let facts = store.load_facts().unwrap();
    assert_eq!(identities.len(), 3);
    assert_eq!(facts.len(), 3);
    for ((i_key, i_source, identity), ((f_key, f_source, fact), row)) in
        identities.iter().zip(facts.iter().zip(&rows))
    {
        assert_eq!(i_key, f_key, "one key for identity and fact");
        assert_eq!((i_source.as_str(), f_source.as_str()), ("police", "police"));
        assert_eq!(identity, &row.identity);
        assert_eq!(fact, &row.fact);
    }
    let keys: Vec<RecordId> = facts.iter().map(|f| f.0).collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "ordered by key");

    // A second batch: keys keep rising, and loads come back in key order across batches.
    imported(
        store
            .write_batch(&batch("health", "ffff", 1), &[full_row(2)], &[])
            .unwrap(),
    );
    let facts = store.load_facts().unwrap();
    assert_eq!(facts.len(), 4);
    assert!(facts.windows(2).all(|w| w[0].0 < w[1].0));
    assert_eq!(facts[3].1, "health");
    let identities = store.load_identities().unwrap();
    assert_eq!(identities[3].0, facts[3].0);
}

fn reimport_is_a_no_op(store: &mut Store, db: &TestDb) {
    let rows = sample_rows(10);
    let meta = batch("schools", "5ca1ab1e", 11);
    let first = imported(store.write_batch(&meta, &rows, &[quarantined(12)]).unwrap());
    // The same file again, even with a different user, time and rows: nothing written.
    let mut again = meta.clone();
    again.imported_by = "someone.else".into();
    again.imported_at = Utc::now();
    match store.write_batch(&again, &sample_rows(3), &[]).unwrap() {
        WriteOutcome::AlreadyImported(b) => assert_eq!(b, first),
        WriteOutcome::Imported(_) => panic!("re-import wrote a batch"),
    }
    assert_eq!(db.count("import_batch"), 1);
    assert_eq!(db.count("record"), 10);
    assert_eq!(db.count("identity"), 10);
    assert_eq!(db.count("quarantine"), 1);
    // Same hash from another source, or another file of the same source: new batches.
    imported(
        store
            .write_batch(&batch("police", "5ca1ab1e", 10), &rows, &[])
            .unwrap(),
    );
    imported(
        store
            .write_batch(&batch("schools", "0ther", 10), &rows, &[])
            .unwrap(),
    );
    let counts = store.source_counts().unwrap();
    let summary: Vec<_> = counts
        .iter()
        .map(|c| {
            (
                c.source.as_str(),
                c.batches,
                c.rows_read,
                c.rows_imported,
                c.rows_quarantined,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![("police", 1, 10, 10, 0), ("schools", 2, 21, 20, 1)]
    );
}

fn concurrent_imports_of_one_file_write_it_once(store: &mut Store, db: &TestDb) {
    let rows = sample_rows(2_000);
    let meta = batch("dwp", "c0ffee", 2_000);
    let barrier = std::sync::Barrier::new(4);
    let outcomes: Vec<WriteOutcome> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = db.open();
                    barrier.wait();
                    mine.write_batch(&meta, &rows, &[]).unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let new = outcomes
        .iter()
        .filter(|o| matches!(o, WriteOutcome::Imported(_)))
        .count();
    assert_eq!(new, 1, "exactly one writer imports the file");
    let ids: Vec<_> = outcomes.iter().map(|o| o.batch().id).collect();
    assert!(ids.iter().all(|id| *id == ids[0]));
    assert_eq!(store.batches().unwrap().len(), 1);
    assert_eq!(db.count("record"), 2_000);
    assert_eq!(db.count("identity"), 2_000);
}

fn unique_constraint_guards_the_batch(store: &mut Store, db: &TestDb) {
    let info = imported(
        store
            .write_batch(&batch("police", "dup", 0), &[], &[])
            .unwrap(),
    );
    // Bypassing the store's own check, the database itself refuses a second copy.
    let insert = |sha: &str| {
        format!(
            "INSERT INTO import_batch (source, file_name, file_sha256, imported_by,
                 imported_at, rows_read, rows_imported, rows_quarantined)
             VALUES ('police', 'other.csv', '{sha}', 'u', '2025-01-01T00:00:00Z', 0, 0, 0)"
        )
    };
    match db.pg {
        None => {
            let err = db.sqlite_conn().execute(&insert("dup"), []).unwrap_err();
            assert!(err.to_string().contains("UNIQUE"), "{err}");
        }
        Some(_) => {
            let err = db.pg_client().execute(&insert("dup"), &[]).unwrap_err();
            assert_eq!(
                err.code(),
                Some(&postgres::error::SqlState::UNIQUE_VIOLATION)
            );
        }
    }
    assert_eq!(store.batches().unwrap(), vec![info]);

    // Another writer (not going through the store's lock) has the same file in flight,
    // uncommitted, while the store imports it: the store waits, then reports it as
    // already imported (on PostgreSQL through the unique violation) and writes nothing.
    let meta = batch("police", "inflight", 10);
    let rows = sample_rows(10);
    let (tx_started, started) = std::sync::mpsc::channel();
    let (tx_commit, commit) = std::sync::mpsc::channel::<()>();
    let sql = insert("inflight");
    let other = std::thread::scope(|s| {
        let rival = s.spawn(move || match db.pg {
            None => {
                let mut c = db.sqlite_conn();
                let tx = c
                    .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                    .unwrap();
                tx.execute(&sql, []).unwrap();
                tx_started.send(()).unwrap();
                commit.recv().unwrap();
                tx.commit().unwrap();
            }
            Some(_) => {
                let mut c = db.pg_client();
                let mut tx = c.transaction().unwrap();
                tx.execute(&sql, &[]).unwrap();
                tx_started.send(()).unwrap();
                commit.recv().unwrap();
                tx.commit().unwrap();
            }
        });
        started.recv().unwrap();
        let writer = s.spawn(|| {
            let mut mine = db.open();
            mine.write_batch(&meta, &rows, &[]).unwrap()
        });
        std::thread::sleep(std::time::Duration::from_millis(300));
        tx_commit.send(()).unwrap();
        rival.join().unwrap();
        writer.join().unwrap()
    });
    match other {
        WriteOutcome::AlreadyImported(b) => assert_eq!(b.file_name, "other.csv"),
        WriteOutcome::Imported(_) => panic!("imported a file that was already there"),
    }
    assert_eq!(db.count("record"), 0);
    assert_eq!(db.count("import_batch"), 2);
}

fn quarantine_is_stored_with_raw_cells(store: &mut Store, db: &TestDb) {
    let mut other = quarantined(3);
    other.field = None;
    other.raw = vec![];
    // Given out of order; read back in row order.
    let q = vec![quarantined(9), other.clone(), quarantined(4)];
    let info = imported(
        store
            .write_batch(&batch("health", "q1", 3), &[], &q)
            .unwrap(),
    );
    assert_eq!((info.rows_imported, info.rows_quarantined), (0, 3));
    let back = store.quarantine_for(info.id).unwrap();
    assert_eq!(back, vec![other, quarantined(4), quarantined(9)]);
    let second = imported(
        store
            .write_batch(&batch("health", "q2", 1), &[full_row(2)], &[])
            .unwrap(),
    );
    assert_eq!(store.quarantine_for(second.id).unwrap(), vec![]);
    assert_eq!(
        store.quarantine_for(hearth_store::BatchId(9_999)).unwrap(),
        vec![]
    );
    // Source and file name are kept beside each quarantined row.
    let dump = db.dump("quarantine");
    assert_eq!(dump.len(), 3);
    assert!(dump
        .iter()
        .all(|r| r.contains("health") && r.contains("health.csv")));
}

fn identity_and_record_tables_hold_only_their_own(store: &mut Store, db: &TestDb) {
    assert_eq!(
        db.columns("identity"),
        [
            "record_id",
            "source_person_id",
            "given_name",
            "middle_name",
            "family_name",
            "full_name",
            "date_of_birth",
            "sex",
            "address",
            "postcode",
            "nhs_number",
            "ni_number",
            "upn"
        ]
    );
    assert_eq!(
        db.columns("record"),
        [
            "record_id",
            "batch_id",
            "source",
            "source_row",
            "event_type",
            "event_date",
            "end_date",
            "attributes"
        ]
    );
    let row = full_row(2);
    imported(
        store
            .write_batch(
                &batch("social_care", "id1", 1),
                std::slice::from_ref(&row),
                &[],
            )
            .unwrap(),
    );
    assert_eq!(db.count("identity"), 1);
    assert_eq!(db.count("record"), 1);
    let record = db.dump("record").join("\n");
    let identity = db.dump("identity").join("\n");
    let id = &row.identity;
    for identifier in [
        "P-0001",
        "Zoë",
        "O'Brien",
        "High Street",
        "M33 7AB",
        id.nhs_number.as_ref().unwrap().as_str(),
        "AB123456C",
        id.upn.as_ref().unwrap().as_str(),
        "2010-02-28",
    ] {
        assert!(!record.contains(identifier), "record holds an identifier");
        assert!(identity.contains(identifier), "identity lacks {identifier}");
    }
    for fact in ["incident", "2024-12-31", "ASB", "social_care"] {
        assert!(!identity.contains(fact), "identity holds a fact: {fact}");
        assert!(record.contains(fact), "record lacks {fact}");
    }
}

fn rows_the_store_cannot_hold_are_refused_without_data_in_the_message(
    store: &mut Store,
    db: &TestDb,
) {
    let mut bad = full_row(7);
    bad.identity.family_name = Some("Secret\0Surname".into());
    let err = store
        .write_batch(&batch("police", "bad", 2), &[full_row(2), bad], &[])
        .unwrap_err();
    assert!(
        matches!(err, StoreError::InvalidRow { source_row: 7, .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("row 7") && msg.contains("family_name"),
        "{msg}"
    );
    assert!(!msg.contains("Secret"), "{msg}");

    let mut nan = full_row(3);
    nan.fact
        .attributes
        .insert("money".into(), AttrValue::Number(f64::NAN));
    let err = store
        .write_batch(&batch("police", "nan", 1), &[nan], &[])
        .unwrap_err();
    assert!(err.to_string().contains("money"), "{err}");
    assert_eq!(db.count("import_batch"), 0);
    assert_eq!(db.count("record"), 0);
}

fn empty_batches_and_listings(store: &mut Store, _db: &TestDb) {
    assert_eq!(store.batches().unwrap(), vec![]);
    assert_eq!(store.source_counts().unwrap(), vec![]);
    assert!(store.load_identities().unwrap().is_empty());
    assert!(store.load_facts().unwrap().is_empty());
    let a = imported(
        store
            .write_batch(&batch("housing", "e1", 0), &[], &[])
            .unwrap(),
    );
    let b = imported(
        store
            .write_batch(&batch("dwp", "e2", 5), &sample_rows(5), &[])
            .unwrap(),
    );
    assert!(a.id < b.id);
    assert_eq!(store.batches().unwrap(), vec![a, b]);
    assert_eq!(store.load_identities().unwrap().len(), 5);
    // A source's name for people: the latest import that gave one names it.
    assert_eq!(store.source_names().unwrap(), vec![]);
    let mut named = batch("dwp", "e3", 0);
    named.source_name = Some("DWP".into());
    store.write_batch(&named, &[], &[]).unwrap();
    named.file_sha256 = "e4".into();
    named.source_name = Some("DWP (Jobcentre Plus)".into());
    store.write_batch(&named, &[], &[]).unwrap();
    store.write_batch(&batch("dwp", "e5", 0), &[], &[]).unwrap();
    assert_eq!(
        store.source_names().unwrap(),
        vec![("dwp".to_string(), "DWP (Jobcentre Plus)".to_string())]
    );
}
