//! Black-box tests of `hearth backup` and `hearth restore`: a SQLite store backed up while
//! another connection keeps writing to it, restored into a new file, and everything written
//! before the backup started is there, with no half-written batch.

use chrono::{TimeZone, Utc};
use hearth_model::{Fact, Identity, ImportedRow};
use hearth_store::{NewBatch, Store};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

const ROWS_PER_BATCH: u64 = 50;

fn hearth() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
    c.env_remove("HEARTH_STORE").env_remove("HEARTH_PG_SCHEMA");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run hearth")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Batch `n`: `ROWS_PER_BATCH` synthetic people.
fn write_batch(store: &mut Store, n: usize) {
    let meta = NewBatch {
        source: "police".into(),
        file_name: format!("police-{n}.csv"),
        file_sha256: format!("{n:064x}"),
        imported_by: "test".into(),
        imported_at: Utc.with_ymd_and_hms(2025, 9, 1, 9, 0, 0).unwrap(),
        rows_read: ROWS_PER_BATCH,
        source_name: Some("Police".into()),
    };
    let rows: Vec<ImportedRow> = (0..ROWS_PER_BATCH)
        .map(|r| ImportedRow {
            source_row: r + 2,
            identity: Identity {
                given_name: Some(format!("Given{n}x{r}")),
                family_name: Some("Synthetic".into()),
                ..Identity::default()
            },
            fact: Fact {
                event_type: "incident".into(),
                ..Fact::default()
            },
        })
        .collect();
    store.write_batch(&meta, &rows, &[]).unwrap();
}

/// Every batch is whole (as many identities as batches × rows), and the batches are
/// returned by number.
fn batches_in(path: &Path) -> Vec<usize> {
    let mut store = Store::open(path.to_str().unwrap()).unwrap();
    let batches = store.batches().unwrap();
    let identities = store.load_identities().unwrap().len() as u64;
    assert_eq!(
        identities,
        batches.iter().map(|b| b.rows_imported).sum::<u64>(),
        "a half-written batch in {}",
        path.display()
    );
    assert!(batches.iter().all(|b| b.rows_imported == ROWS_PER_BATCH));
    let mut numbers: Vec<usize> = batches
        .iter()
        .map(|b| usize::from_str_radix(&b.file_sha256, 16).unwrap())
        .collect();
    numbers.sort();
    numbers
}

#[test]
fn a_store_backed_up_during_writes_restores_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let live = tmp.path().join("live.sqlite");
    let mut store = Store::open(live.to_str().unwrap()).unwrap();
    for n in 0..20 {
        write_batch(&mut store, n);
    }
    // Another connection keeps writing batches while the backups run.
    let written = Arc::new(AtomicUsize::new(20));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (written, stop) = (written.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                let n = written.load(Ordering::SeqCst);
                write_batch(&mut store, n);
                written.store(n + 1, Ordering::SeqCst);
            }
        })
    };
    let mut backups = Vec::new();
    for i in 0..3 {
        let before = written.load(Ordering::SeqCst);
        let out = tmp.path().join(format!("backup-{i}.sqlite"));
        let o = run(hearth()
            .args(["backup", "--store", live.to_str().unwrap(), "--out"])
            .arg(&out));
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("Backed up"), "{}", text(&o));
        backups.push((out, before));
    }
    stop.store(true, Ordering::SeqCst);
    writer.join().unwrap();
    assert!(
        written.load(Ordering::SeqCst) > 20,
        "the writer wrote nothing during the backups"
    );

    for (i, (backup, before)) in backups.iter().enumerate() {
        let restored = tmp.path().join(format!("restored-{i}.sqlite"));
        let o = run(hearth()
            .args(["restore", "--store", restored.to_str().unwrap(), "--from"])
            .arg(backup));
        assert!(o.status.success(), "{}", text(&o));
        let numbers = batches_in(&restored);
        // Every batch committed before the backup began, and a gapless run of batches.
        assert!(numbers.len() >= *before, "{} < {before}", numbers.len());
        assert_eq!(numbers, (0..numbers.len()).collect::<Vec<_>>());
    }
}

#[test]
fn restore_refuses_to_replace_a_store_without_force_and_refuses_bad_backups() {
    let tmp = tempfile::tempdir().unwrap();
    let live = tmp.path().join("live.sqlite");
    let mut store = Store::open(live.to_str().unwrap()).unwrap();
    write_batch(&mut store, 0);
    let backup = tmp.path().join("b.sqlite");
    let o = run(hearth()
        .args(["backup", "--store", live.to_str().unwrap(), "--out"])
        .arg(&backup));
    assert!(o.status.success(), "{}", text(&o));
    // A second backup to the same file is refused, the first kept.
    let o = run(hearth()
        .args(["backup", "--store", live.to_str().unwrap(), "--out"])
        .arg(&backup));
    assert!(!o.status.success());
    assert!(text(&o).contains("exists"), "{}", text(&o));

    write_batch(&mut store, 1);
    drop(store);
    let o = run(hearth()
        .args(["restore", "--store", live.to_str().unwrap(), "--from"])
        .arg(&backup));
    assert!(!o.status.success());
    assert!(text(&o).contains("--force"), "{}", text(&o));
    assert_eq!(batches_in(&live), vec![0, 1], "refused, yet changed");

    let o = run(hearth()
        .args(["restore", "--force", "--store", live.to_str().unwrap(), "--from"])
        .arg(&backup));
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(batches_in(&live), vec![0]);

    // Not a store: refused, naming the file, and the store is untouched.
    let junk = tmp.path().join("junk.sqlite");
    std::fs::write(&junk, "name,dob\nAlice,1985-03-02\n").unwrap();
    let o = run(hearth()
        .args(["restore", "--force", "--store", live.to_str().unwrap(), "--from"])
        .arg(&junk));
    assert!(!o.status.success());
    assert!(text(&o).contains("junk.sqlite"), "{}", text(&o));
    assert_eq!(batches_in(&live), vec![0]);
}

#[test]
fn backing_up_a_postgres_store_says_how_with_pg_dump() {
    let o = run(hearth().args([
        "backup",
        "--store",
        "postgres://hearth:secret@db.example/hearth",
        "--out",
        "x.dump",
    ]));
    assert!(!o.status.success());
    let t = text(&o);
    assert!(t.contains("pg_dump --format=custom"), "{t}");
    assert!(!t.contains("secret"), "{t}");
}
