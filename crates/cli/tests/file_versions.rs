//! Black-box tests of file versions (`hearth import --replace`, `--as-new`) and of
//! `hearth import --dry-run`, on SQLite and PostgreSQL.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn hearth() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
    c.env_remove("HEARTH_STORE")
        .env_remove("HEARTH_PG_SCHEMA")
        .env_remove("HEARTH_LOG")
        .env_remove("HEARTH_CONFIG");
    c
}

fn run(cmd: &mut Command) -> (bool, String, String) {
    let out: Output = cmd.output().expect("run hearth");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const MAPPING: &str = r#"
source = "cases"
files = ["cases*.csv"]
event_type = "case"
[identity]
source_person_id = "Person ID"
family_name = "Surname"
[fact]
event_date = "Opened"
"#;

/// A folder with `mappings/cases.toml`.
fn setup() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let mappings = tmp.path().join("mappings");
    std::fs::create_dir(&mappings).unwrap();
    std::fs::write(mappings.join("cases.toml"), MAPPING).unwrap();
    (tmp, mappings)
}

/// `rows` case rows numbered from `from`, with `line_end`; row `bad` (if any) has a date that
/// does not exist, so it is quarantined.
fn cases(from: usize, rows: usize, line_end: &str, bad: Option<usize>) -> String {
    let mut s = format!("Person ID,Surname,Opened{line_end}");
    for i in from..from + rows {
        let date = if Some(i) == bad {
            "31/02/2024"
        } else {
            "01/02/2024"
        };
        s.push_str(&format!("P{i},Name{i},{date}{line_end}"));
    }
    s
}

/// How the store is given to hearth: a SQLite file, or PostgreSQL in a schema.
struct At {
    args: Vec<String>,
    pg: Option<(String, String)>,
    sqlite: Option<PathBuf>,
}

impl At {
    fn sqlite(dir: &Path) -> At {
        let path = dir.join("store/hearth.sqlite");
        At {
            args: vec!["--store".into(), path.display().to_string()],
            pg: None,
            sqlite: Some(path),
        }
    }

    fn postgres(url: &str, schema: &str) -> At {
        At {
            args: vec![
                "--store".into(),
                url.into(),
                "--pg-schema".into(),
                schema.into(),
            ],
            pg: Some((url.into(), schema.into())),
            sqlite: None,
        }
    }

    fn count(&self, table: &str) -> i64 {
        let sql = format!("SELECT count(*) FROM {table}");
        match (&self.sqlite, &self.pg) {
            (Some(path), _) => rusqlite::Connection::open(path)
                .unwrap()
                .query_row(&sql, [], |r| r.get(0))
                .unwrap(),
            (_, Some((url, schema))) => {
                let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
                c.batch_execute(&format!("SET search_path TO \"{schema}\""))
                    .unwrap();
                c.query_one(&sql, &[]).unwrap().get(0)
            }
            _ => unreachable!(),
        }
    }

    fn import(&self, mappings: &Path, extra: &[&str], files: &[&Path]) -> (bool, String, String) {
        run(hearth()
            .args(["import", "--today", "2025-09-01", "--mappings"])
            .arg(mappings)
            .args(&self.args)
            .args(extra)
            .args(files))
    }
}

fn a_resaved_copy_is_recognised_and_replaces_its_batch(at: &At, dir: &Path, mappings: &Path) {
    // Sixty rows with CRLF line ends, one with a date that does not exist.
    let v1 = dir.join("cases-2025-08.csv");
    std::fs::write(&v1, cases(1, 60, "\r\n", Some(7))).unwrap();
    let (ok, out, err) = at.import(mappings, &[], &[&v1]);
    assert!(ok, "{out}{err}");
    assert_eq!((at.count("record"), at.count("quarantine")), (59, 1));

    // Re-saved with LF line ends and the bad row corrected: not imported again in full.
    let v2 = dir.join("cases-2025-08-corrected.csv");
    std::fs::write(&v2, cases(1, 60, "\n", None)).unwrap();
    let (ok, out, err) = at.import(mappings, &[], &[&v2]);
    assert!(!ok, "a new version must not import silently: {out}");
    assert!(out.contains("looks like a new version"), "{out}");
    assert!(
        out.contains("batch 1 (cases-2025-08.csv, imported "),
        "{out}"
    );
    assert!(out.contains("59 of its 60 rows"), "{out}");
    assert!(
        out.contains("--replace") && out.contains("--as-new"),
        "{out}"
    );
    assert!(err.contains("1 of 1 files could not be imported"), "{err}");
    assert_eq!((at.count("record"), at.count("quarantine")), (59, 1));

    // --replace: the new version's rows instead of the earlier batch's, quarantine included.
    let (ok, out, err) = at.import(mappings, &["--replace"], &[&v2]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("Batch 2 replaces batch 1"), "{out}");
    assert_eq!((at.count("record"), at.count("quarantine")), (60, 0));
    assert_eq!(at.count("identity"), 60);
    assert_eq!(at.count("import_batch"), 2);

    // Next month's data is new data: imported without asking.
    let v3 = dir.join("cases-2025-09.csv");
    std::fs::write(&v3, cases(100, 20, "\n", None)).unwrap();
    let (ok, out, err) = at.import(mappings, &[], &[&v3]);
    assert!(ok, "{out}{err}");
    assert_eq!(at.count("record"), 80);

    // --as-new imports a look-alike beside its earlier batch when that is really meant.
    let v4 = dir.join("cases-2025-09-other-team.csv");
    std::fs::write(&v4, cases(100, 19, "\r\n", None)).unwrap();
    let (ok, out, _) = at.import(mappings, &[], &[&v4]);
    assert!(!ok && out.contains("batch 3 (cases-2025-09.csv"), "{out}");
    let (ok, out, err) = at.import(mappings, &["--as-new"], &[&v4]);
    assert!(ok, "{out}{err}");
    assert_eq!(at.count("record"), 99);
    let (ok, _, err) = at.import(mappings, &["--as-new", "--replace"], &[&v4]);
    assert!(!ok && err.contains("cannot be used with"), "{err}");
}

#[test]
fn a_resaved_copy_is_recognised_and_replaces_its_batch_on_sqlite() {
    let (tmp, mappings) = setup();
    let at = At::sqlite(tmp.path());
    a_resaved_copy_is_recognised_and_replaces_its_batch(&at, tmp.path(), &mappings);
}

#[test]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
fn a_resaved_copy_is_recognised_and_replaces_its_batch_on_postgresql() {
    let url = std::env::var("HEARTH_TEST_POSTGRES_URL")
        .expect("HEARTH_TEST_POSTGRES_URL was set when this test was built but is not now");
    let (tmp, mappings) = setup();
    let schema = format!("hearth_versions_test_{}", std::process::id());
    let at = At::postgres(&url, &schema);
    a_resaved_copy_is_recognised_and_replaces_its_batch(&at, tmp.path(), &mappings);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .batch_execute(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .unwrap();
}

#[test]
fn a_dry_run_shows_rows_quarantine_and_undated_facts_and_writes_nothing() {
    let (tmp, mappings) = setup();
    let dir = tmp.path();
    let file = dir.join("cases.csv");
    std::fs::write(
        &file,
        "Person ID,Surname,Opened\nP1,Ellery,01/02/2024\nP2,Brown,31/02/2024\nP3,Cole,03/02/2024\n",
    )
    .unwrap();
    // A register with no date column: its facts have no date.
    std::fs::write(
        mappings.join("register.toml"),
        "source = \"register\"\nfiles = [\"register*.csv\"]\nevent_type = \"listed\"\n\
         [identity]\nsource_person_id = \"Ref\"\nfamily_name = \"Surname\"\n",
    )
    .unwrap();
    let register = dir.join("register.csv");
    std::fs::write(&register, "Ref,Surname\nR1,Ellery\nR2,Brown\n").unwrap();
    let at = At::sqlite(dir);
    let (ok, out, err) = at.import(&mappings, &["--dry-run"], &[&file, &register]);
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("DRY RUN (nothing written) — cases.csv"),
        "{out}"
    );
    assert!(
        out.contains("3 rows read, 2 imported, 1 quarantined"),
        "{out}"
    );
    assert!(
        out.contains("Opened: not a real date — 1 row (e.g. row 3)"),
        "{out}"
    );
    assert!(out.contains("Every fact has a date"), "{out}");
    assert!(
        out.contains("row 2: given \"-\", middle \"-\", family \"Ellery\""),
        "{out}"
    );
    assert!(out.contains("case 2024-02-01 to -; ref P1"), "{out}");
    assert!(out.contains("row 4:"), "{out}");
    assert!(out.contains("Facts with no date: 2 of 2"), "{out}");
    // Nothing written: not even a store file.
    assert!(!dir.join("store").exists(), "a dry run created the store");
}

#[test]
fn the_quarantine_is_listed_by_batch_and_exported_per_partner() {
    let (tmp, mappings) = setup();
    let dir = tmp.path();
    let at = At::sqlite(dir);
    let v1 = dir.join("cases-1.csv");
    std::fs::write(&v1, cases(1, 10, "\n", Some(3))).unwrap();
    assert!(at.import(&mappings, &[], &[&v1]).0);
    // A new version with another bad row supersedes the first batch and its quarantine.
    let v2 = dir.join("cases-2.csv");
    std::fs::write(&v2, cases(1, 10, "\r\n", Some(5))).unwrap();
    let (ok, out, err) = at.import(&mappings, &["--replace"], &[&v2]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = run(hearth().args(["quarantine", "list"]).args(&at.args));
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("batch 2 (cases, cases-2.csv, imported "),
        "{out}"
    );
    assert!(out.contains("1 of 10 rows quarantined"), "{out}");
    assert!(out.contains("  row 6: Opened: "), "{out}");
    assert!(
        !out.contains("batch 1"),
        "the superseded batch's quarantine is gone: {out}"
    );

    let folder = dir.join("returns/2025-09");
    let (ok, out, err) = run(hearth()
        .args(["quarantine", "export", "--out"])
        .arg(&folder)
        .args(&at.args));
    assert!(ok, "{out}{err}");
    assert!(out.contains("cases-quarantine.csv: 1 rows"), "{out}");
    let csv = std::fs::read_to_string(folder.join("cases-quarantine.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("file,row,column,value,reason,cell 1,cell 2,cell 3")
    );
    let line = lines.next().unwrap();
    assert!(
        line.starts_with("cases-2.csv,6,Opened,31/02/2024,")
            && line.ends_with(",P5,Name5,31/02/2024"),
        "{line}"
    );
    assert_eq!(lines.next(), None);
}
