//! Black-box test of `hearth demo --no-serve`: the whole job on a small synthetic borough
//! with a programme cohort leaves the store holding referrals, frozen baselines, judged
//! outcomes and results, a claim batch, a savings run and an impact evaluation; running it
//! again adds none of them twice.

use std::path::Path;
use std::process::Command;

fn demo(dir: &Path) -> String {
    demo_in(dir, &[])
}

fn demo_in(dir: &Path, store: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .env_remove("HEARTH_STORE")
        .env_remove("HEARTH_PG_SCHEMA")
        .env_remove("HEARTH_CONFIG")
        .args([
            "demo",
            "--people",
            "3000",
            "--seed",
            "2",
            "--no-serve",
            "--dir",
        ])
        .arg(dir)
        .args(store)
        .output()
        .expect("run hearth");
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "hearth demo failed: {out}");
    out
}

fn count(db: &rusqlite::Connection, table: &str) -> i64 {
    db.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn demo_runs_the_whole_job_and_a_second_run_adds_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let out = demo(dir.path());
    for stage in [
        "Partners' referrals",
        "Attach the programme cohort",
        "Judge outcomes (as at 2027-08-31)",
        "Claim results",
        "Cost savings",
        "Local impact evaluation",
        "Retention policy (dry run",
        "Web application",
    ] {
        assert!(out.contains(stage), "no stage {stage:?}: {out}");
    }
    assert!(out.contains("batch 1: "), "no claim batch: {out}");

    let db = rusqlite::Connection::open(dir.path().join("hearth.sqlite")).unwrap();
    let tables = [
        "referral",
        "outcome_baseline",
        "family_outcome",
        "outcome_result",
        "claim_batch",
        "claim",
        "savings_run",
        "savings_family",
        "impact_evaluation",
    ];
    let first: Vec<i64> = tables.iter().map(|t| count(&db, t)).collect();
    for (t, n) in tables.iter().zip(&first) {
        assert!(*n > 0, "{t} is empty after the demo");
    }
    assert_eq!(first[4], 1, "one claim batch");
    // Every claim is one of the judged results, claimed once.
    let unclaimed: i64 = db
        .query_row(
            "SELECT count(*) FROM claim c WHERE NOT EXISTS (SELECT 1 FROM outcome_result r \
             WHERE r.family_id = c.family_id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(unclaimed, 0, "claims of families with no judged result");
    drop(db);
    assert!(dir.path().join("demo-sign-ins.json").exists());

    // Again on the same folder: files, referrals, baselines and claims are not added twice;
    // outcomes are judged, and savings and the evaluation run, once more.
    let again = demo(dir.path());
    assert!(
        again.contains("nothing to claim in window 2027-28-q2"),
        "{again}"
    );
    let db = rusqlite::Connection::open(dir.path().join("hearth.sqlite")).unwrap();
    let second: Vec<i64> = tables.iter().map(|t| count(&db, t)).collect();
    for (i, t) in tables.iter().enumerate() {
        match *t {
            "savings_run" | "impact_evaluation" => assert_eq!(second[i], first[i] + 1, "{t}"),
            "family_outcome" | "savings_family" => assert!(second[i] >= first[i], "{t}"),
            _ => assert_eq!(second[i], first[i], "{t} changed on a second run"),
        }
    }
    drop(db);

    // `hearth savings` on the demo's store names what it cannot measure: the items with no
    // record of their kind, and those whose data stop before the families' months after end
    // (the synthetic housing partner sends no later extract), apart from the measured ones.
    let o = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .env_remove("HEARTH_STORE")
        .env_remove("HEARTH_CONFIG")
        .current_dir(dir.path())
        .arg("savings")
        .arg("--store")
        .arg(dir.path().join("hearth.sqlite"))
        .args(["--as-at", "2027-08-31"])
        .output()
        .expect("run hearth savings");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(text.contains("items are not measured (shown [x]"), "{text}");
    assert!(
        text.contains("no record of their kind in the partners' files: "),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("  notices_seeking_possession: not measured (data reach ")),
        "{text}"
    );
    assert!(text.contains("Gross change per family: mean £"), "{text}");
}

/// The same job on PostgreSQL (attaching by name and date of birth casts the days to DATE).
#[test]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
fn demo_runs_the_whole_job_on_postgresql() {
    let url = std::env::var("HEARTH_TEST_POSTGRES_URL")
        .expect("HEARTH_TEST_POSTGRES_URL was set when this test was built but is not now");
    let schema = format!("hearth_demo_test_{}", std::process::id());
    let dir = tempfile::tempdir().unwrap();
    let out = demo_in(dir.path(), &["--store", &url, "--pg-schema", &schema]);
    assert!(out.contains("batch 1: "), "no claim batch: {out}");
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    for table in [
        "family_outcome",
        "claim",
        "savings_family",
        "impact_evaluation",
    ] {
        let n: i64 = client
            .query_one(&format!("SELECT count(*) FROM \"{schema}\".{table}"), &[])
            .unwrap()
            .get(0);
        assert!(n > 0, "{table} is empty after the demo on PostgreSQL");
    }
    client
        .batch_execute(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .unwrap();
}
