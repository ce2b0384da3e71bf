//! Black-box tests of `hearth retention` on a small synthetic borough: the dry run lists
//! what would go and changes nothing; applying it destroys exactly that, keeps a proof
//! report holding no personal data, and leaves the audit chain verifiable.

use std::path::Path;
use std::process::Command;

fn hearth(store: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
    c.env_remove("HEARTH_PG_SCHEMA")
        .env_remove("HEARTH_CONFIG")
        .env("HEARTH_STORE", store);
    c
}

fn ok(c: &mut Command) -> String {
    let o = c.output().expect("run hearth");
    assert!(
        o.status.success(),
        "hearth failed: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn count(db: &rusqlite::Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_dry_run_changes_nothing_and_applying_destroys_exactly_what_it_listed() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("h.sqlite");
    let borough = dir.path().join("borough");
    ok(hearth(&store)
        .args(["synth", "--people", "1500", "--seed", "5", "--out"])
        .arg(&borough));
    ok(hearth(&store).arg("import").arg(borough.join("sources")));
    ok(hearth(&store).args(["link", "--as-at", "2025-09-01"]));
    ok(hearth(&store).arg("identify"));
    // The policy: partner records five years from their own date.
    let config = dir.path().join("config");
    ok(hearth(&store).arg("init").arg(&config));
    let policy = config.join("rules/retention.toml");
    let text = std::fs::read_to_string(&policy).unwrap().replace(
        "[partner_records]\nyears = 5\nfrom = \"import\"",
        "[partner_records]\nyears = 5\nfrom = \"record_date\"",
    );
    std::fs::write(&policy, text).unwrap();
    let db = rusqlite::Connection::open(&store).unwrap();
    let expired_sql =
        "SELECT count(*) FROM record WHERE COALESCE(end_date, event_date) < '2021-01-01'";
    let expired = count(&db, expired_sql);
    let records = count(&db, "SELECT count(*) FROM record");
    assert!(expired > 0 && expired < records, "{expired} of {records}");
    let dump = |db: &rusqlite::Connection| {
        [
            "record",
            "identity",
            "person_record",
            "family_member",
            "evidence",
            "audit_log",
        ]
        .map(|t| count(db, &format!("SELECT count(*) FROM {t}")))
    };
    let before = dump(&db);
    let args = ["retention", "--config"];
    let listed =
        ok(hearth(&store)
            .args(args)
            .arg(&config)
            .args(["--dry-run", "--today", "2026-01-01"]));
    assert!(listed.contains("would destroy"), "{listed}");
    assert!(listed.contains("nothing changed (dry run)"), "{listed}");
    let listed_records: i64 = listed
        .lines()
        .find(|l| l.trim_start().starts_with("partner_records"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert_eq!(listed_records, expired, "{listed}");
    assert_eq!(dump(&db), before, "the dry run changed nothing");

    let applied = ok(hearth(&store).args(args).arg(&config).args([
        "--apply",
        "--vacuum",
        "--today",
        "2026-01-01",
        "--as",
        "ig.officer",
    ]));
    assert!(applied.contains("proof report 1"), "{applied}");
    assert_eq!(count(&db, expired_sql), 0);
    assert_eq!(count(&db, "SELECT count(*) FROM record"), records - expired);
    assert_eq!(
        count(&db, "SELECT count(*) FROM identity"),
        records - expired
    );
    // No person link, family member or evidence points at a destroyed record.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM person_record WHERE record_id NOT IN (SELECT record_id FROM record)"
        ),
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM family_member WHERE person_id NOT IN (SELECT person_id FROM person_record)"
        ),
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM evidence e WHERE EXISTS (SELECT 1 FROM json_each(e.record_ids) j \
             WHERE j.value NOT IN (SELECT record_id FROM record))"
        ),
        0
    );
    // The proof report: counts, dates, the policy's hash, who — and no identifier.
    let report: String = db
        .query_row(
            "SELECT counts || run_by || policy_sha256 FROM retention_report",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(report.contains("ig.officer") && report.contains("partner_records"));
    let mut names = db
        .prepare("SELECT family_name FROM identity WHERE family_name IS NOT NULL LIMIT 200")
        .unwrap();
    for name in names.query_map([], |r| r.get::<_, String>(0)).unwrap() {
        let name = name.unwrap();
        assert!(!report.contains(&name), "{name} in the proof report");
    }
    let reports = ok(hearth(&store).args(["retention", "--reports"]));
    assert!(
        reports.contains("applied") && reports.contains("by ig.officer"),
        "{reports}"
    );
    let verify = ok(hearth(&store).args(["audit", "verify"]));
    assert!(verify.contains("the chain holds"), "{verify}");
    // Again: nothing more has expired.
    let again =
        ok(hearth(&store)
            .args(args)
            .arg(&config)
            .args(["--dry-run", "--today", "2026-01-01"]));
    assert!(again.contains("would destroy 0 rows"), "{again}");
}
