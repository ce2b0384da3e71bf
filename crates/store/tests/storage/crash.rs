//! A killed import leaves nothing behind: the test binary runs itself again as a child
//! that aborts part-way through a batch (the store's `test-hooks` crash hook, on for these
//! tests), then checks that the store holds only what was there before.

use crate::fixtures::*;
use crate::harness::TestDb;
use hearth_model::{ImportedRow, QuarantinedRow};
use hearth_store::{NewBatch, OpenOptions, Store, CRASH_AFTER_ROWS_ENV};

both!(crash_mid_import_leaves_nothing);

fn crash_mid_import_leaves_nothing(store: &mut Store, db: &TestDb) {
    use std::process::Command;
    // Something already in the store must survive the crash untouched.
    let kept = imported(
        store
            .write_batch(&batch("police", "kept", 3), &sample_rows(3), &[])
            .unwrap(),
    );
    let schema = db.options.pg_schema.clone().unwrap_or_default();
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "crash::crash_child_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ADDRESS_ENV, &db.address)
        .env(CHILD_SCHEMA_ENV, &schema)
        .env(CRASH_AFTER_ROWS_ENV, "250")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "the child should have crashed: {stderr}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            output.status.signal(),
            Some(6),
            "SIGABRT expected: {stderr}"
        );
    }
    assert!(
        stderr.contains("child: writing"),
        "the child reached write_batch: {stderr}"
    );

    let mut reopened = db.open();
    assert_eq!(reopened.batches().unwrap(), vec![kept.clone()]);
    assert_eq!(reopened.find_batch(CHILD_SOURCE, CHILD_SHA).unwrap(), None);
    assert_eq!(db.count("import_batch"), 1);
    assert_eq!(db.count("record"), 3);
    assert_eq!(db.count("identity"), 3);
    assert_eq!(db.count("quarantine"), 0);
    // The same file imports cleanly afterwards.
    let (meta, rows, q) = child_batch();
    let info = imported(reopened.write_batch(&meta, &rows, &q).unwrap());
    assert_eq!((info.rows_imported, info.rows_quarantined), (1_000, 5));
    assert_eq!(reopened.load_facts().unwrap().len(), 1_003);
}

const CHILD_ADDRESS_ENV: &str = "HEARTH_TEST_CRASH_CHILD_ADDRESS";
const CHILD_SCHEMA_ENV: &str = "HEARTH_TEST_CRASH_CHILD_SCHEMA";
const CHILD_SOURCE: &str = "schools";
const CHILD_SHA: &str = "deadbeef";

fn child_batch() -> (NewBatch, Vec<ImportedRow>, Vec<QuarantinedRow>) {
    let q = (0..5).map(|i| quarantined(2_000 + i)).collect();
    (batch(CHILD_SOURCE, CHILD_SHA, 1_005), sample_rows(1_000), q)
}

/// Not a test on its own: does nothing unless `crash_mid_import_leaves_nothing` runs this
/// binary again with `HEARTH_TEST_CRASH_CHILD_ADDRESS` (and the crash hook) set, when it
/// starts an import that aborts the process part-way through.
#[test]
fn crash_child_process() {
    let Ok(address) = std::env::var(CHILD_ADDRESS_ENV) else {
        return;
    };
    let schema = std::env::var(CHILD_SCHEMA_ENV).unwrap_or_default();
    let options = OpenOptions {
        pg_schema: (!schema.is_empty()).then_some(schema),
    };
    let mut store = Store::open_with(&address, &options).unwrap();
    let (meta, rows, q) = child_batch();
    eprintln!("child: writing");
    let outcome = store.write_batch(&meta, &rows, &q);
    panic!(
        "the crash hook did not fire: {:?}",
        outcome.map(|o| o.batch().id)
    );
}
