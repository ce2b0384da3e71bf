//! File versions: a batch's row fingerprints kept, and a new version superseding an earlier
//! batch — its identities, records and quarantined rows — in the new batch's own
//! transaction; a refused or killed replacement changes nothing.

use crate::fixtures::*;
use crate::harness::TestDb;
use hearth_store::{
    BatchId, BatchVersion, OpenOptions, RowFingerprints, Store, StoreError, CRASH_AFTER_ROWS_ENV,
};

both!(
    a_new_version_supersedes_its_batch_and_its_quarantine,
    superseding_a_batch_not_current_writes_nothing,
    a_replacement_killed_part_way_leaves_the_earlier_batch_whole,
);

fn version(prints: Vec<u64>, supersedes: &[i64]) -> BatchVersion {
    BatchVersion {
        fingerprints: Some(RowFingerprints::new(prints)),
        supersedes: supersedes.iter().copied().map(BatchId).collect(),
        seen_up_to: None,
    }
}

fn a_new_version_supersedes_its_batch_and_its_quarantine(store: &mut Store, db: &TestDb) {
    let other = imported(
        store
            .write_batch(&batch("dwp", "other", 2), &sample_rows(2), &[])
            .unwrap(),
    );
    let first = imported(
        store
            .write_batch_version(
                &batch("police", "v1", 12),
                &sample_rows(10),
                &[quarantined(20), quarantined(21)],
                &version((0..12).collect(), &[]),
            )
            .unwrap(),
    );
    let current = store.current_batches("police").unwrap();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].batch, first);
    assert_eq!(
        current[0].fingerprints,
        Some(RowFingerprints::new((0..12).collect()))
    );

    let second = imported(
        store
            .write_batch_version(
                &batch("police", "v2", 9),
                &sample_rows(8),
                &[quarantined(30)],
                &version((0..9).collect(), &[first.id.0]),
            )
            .unwrap(),
    );
    // Only the new version's rows remain, beside the other source's.
    assert_eq!(db.count("record"), 8 + 2);
    assert_eq!(db.count("identity"), 8 + 2);
    assert_eq!(db.count("quarantine"), 1);
    assert!(store.quarantine_for(first.id).unwrap().is_empty());
    assert_eq!(store.quarantine_for(second.id).unwrap().len(), 1);
    assert_eq!(store.load_facts().unwrap().len(), 10);
    // The earlier batch stays as history, superseded.
    assert_eq!(store.batches().unwrap().len(), 3);
    assert_eq!(store.superseded_by(first.id).unwrap(), Some(second.id));
    assert_eq!(store.superseded_by(second.id).unwrap(), None);
    let current: Vec<_> = store
        .current_batches("police")
        .unwrap()
        .into_iter()
        .map(|c| c.batch.id)
        .collect();
    assert_eq!(current, vec![second.id]);
    let police = store
        .source_counts()
        .unwrap()
        .into_iter()
        .find(|c| c.source == "police")
        .unwrap();
    assert_eq!((police.batches, police.rows_imported), (1, 8));
    assert_eq!(store.current_batches("dwp").unwrap()[0].batch, other);
    assert_eq!(
        store.current_batches_all().unwrap(),
        vec![other, second.clone()]
    );
}

fn superseding_a_batch_not_current_writes_nothing(store: &mut Store, db: &TestDb) {
    let police = imported(
        store
            .write_batch(&batch("police", "p1", 3), &sample_rows(3), &[])
            .unwrap(),
    );
    let dwp = imported(
        store
            .write_batch(&batch("dwp", "d1", 3), &sample_rows(3), &[])
            .unwrap(),
    );
    let before = (db.count("record"), db.count("import_batch"));
    // Another source's batch, a missing batch: refused, nothing written.
    for target in [dwp.id.0, 999] {
        let err = store
            .write_batch_version(
                &batch("police", &format!("p2-{target}"), 3),
                &sample_rows(3),
                &[],
                &version(vec![1], &[target]),
            )
            .unwrap_err();
        assert!(
            matches!(err, StoreError::NotCurrent { batch, .. } if batch == target),
            "{err:?}"
        );
        assert_eq!((db.count("record"), db.count("import_batch")), before);
    }
    // Superseded once, it cannot be superseded again.
    imported(
        store
            .write_batch_version(
                &batch("police", "p3", 3),
                &sample_rows(3),
                &[],
                &version(vec![1], &[police.id.0]),
            )
            .unwrap(),
    );
    let err = store
        .write_batch_version(
            &batch("police", "p4", 3),
            &sample_rows(3),
            &[],
            &version(vec![1], &[police.id.0]),
        )
        .unwrap_err();
    assert!(err.to_string().contains("not a current batch"), "{err}");
    assert_eq!(store.current_batches("police").unwrap().len(), 1);

    // A file compared with the source's batches up to one that is no longer the newest (an
    // import of the source finished meanwhile) is refused: it is compared again next time.
    let before = (db.count("record"), db.count("import_batch"));
    let mut stale = version(vec![42], &[]);
    stale.seen_up_to = Some(police.id);
    let err = store
        .write_batch_version(&batch("police", "p5", 3), &sample_rows(3), &[], &stale)
        .unwrap_err();
    assert!(matches!(err, StoreError::SourceChanged { .. }), "{err:?}");
    assert_eq!((db.count("record"), db.count("import_batch")), before);
    let newest = store.current_batches("police").unwrap()[0].batch.id;
    stale.seen_up_to = Some(newest);
    imported(
        store
            .write_batch_version(&batch("police", "p5", 3), &sample_rows(3), &[], &stale)
            .unwrap(),
    );
}

const CHILD_ADDRESS_ENV: &str = "HEARTH_TEST_REPLACE_CHILD_ADDRESS";
const CHILD_SCHEMA_ENV: &str = "HEARTH_TEST_REPLACE_CHILD_SCHEMA";
const CHILD_SUPERSEDES_ENV: &str = "HEARTH_TEST_REPLACE_CHILD_BATCH";

fn a_replacement_killed_part_way_leaves_the_earlier_batch_whole(store: &mut Store, db: &TestDb) {
    use std::process::Command;
    let first = imported(
        store
            .write_batch_version(
                &batch("police", "v1", 502),
                &sample_rows(500),
                &[quarantined(600), quarantined(601)],
                &version((0..502).collect(), &[]),
            )
            .unwrap(),
    );
    let before: Vec<Vec<String>> = ["import_batch", "record", "identity", "quarantine"]
        .iter()
        .map(|t| db.dump(t))
        .collect();
    let schema = db.options.pg_schema.clone().unwrap_or_default();
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "versions::replace_child_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ADDRESS_ENV, &db.address)
        .env(CHILD_SCHEMA_ENV, &schema)
        .env(CHILD_SUPERSEDES_ENV, first.id.0.to_string())
        .env(CRASH_AFTER_ROWS_ENV, "300")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the child should have crashed");
    assert!(
        stderr.contains("child: replacing"),
        "the child reached the write: {stderr}"
    );
    // The earlier batch is whole: every table as it was, nothing superseded.
    let after: Vec<Vec<String>> = ["import_batch", "record", "identity", "quarantine"]
        .iter()
        .map(|t| db.dump(t))
        .collect();
    assert_eq!(after, before);
    let mut reopened = db.open();
    assert_eq!(reopened.superseded_by(first.id).unwrap(), None);
    assert_eq!(reopened.load_facts().unwrap().len(), 500);
}

/// Not a test on its own: does nothing unless
/// `a_replacement_killed_part_way_leaves_the_earlier_batch_whole` runs this binary again with
/// the child's variables (and the crash hook) set, when it starts a replacement that aborts
/// the process part-way through.
#[test]
fn replace_child_process() {
    let Ok(address) = std::env::var(CHILD_ADDRESS_ENV) else {
        return;
    };
    let schema = std::env::var(CHILD_SCHEMA_ENV).unwrap_or_default();
    let supersedes: i64 = std::env::var(CHILD_SUPERSEDES_ENV)
        .unwrap()
        .parse()
        .unwrap();
    let options = OpenOptions {
        pg_schema: (!schema.is_empty()).then_some(schema),
    };
    let mut store = Store::open_with(&address, &options).unwrap();
    eprintln!("child: replacing");
    let outcome = store.write_batch_version(
        &batch("police", "v2", 1_000),
        &sample_rows(1_000),
        &[],
        &version((0..1_000).collect(), &[supersedes]),
    );
    panic!(
        "the crash hook did not fire: {:?}",
        outcome.map(|o| o.batch().id)
    );
}
