//! Black-box tests: run the `hearth` binary as a data officer would, against a fresh store.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn hearth() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
    c.env_remove("HEARTH_STORE").env_remove("HEARTH_PG_SCHEMA");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run hearth")
}

fn ok(cmd: &mut Command) -> String {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "hearth failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn synth(dir: &Path, people: usize) {
    ok(hearth()
        .args([
            "synth",
            "--people",
            &people.to_string(),
            "--seed",
            "7",
            "--out",
        ])
        .arg(dir));
}

fn store_path(dir: &Path) -> String {
    dir.join("hearth.sqlite").to_string_lossy().into_owned()
}

fn sources(dir: &Path) -> PathBuf {
    dir.join("sources")
}

#[test]
fn synth_import_link_identify_and_show_a_family() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    synth(dir, 3000);
    let store = store_path(dir);

    let out = ok(hearth()
        .args(["import", "--store", &store])
        .arg(sources(dir)));
    for source in [
        "schools",
        "police",
        "dwp",
        "health",
        "social_care",
        "housing",
        "youth_justice",
    ] {
        assert!(
            out.contains(&format!("({source}):")),
            "{source} missing in:\n{out}"
        );
    }
    assert!(out.contains("0 quarantined"));

    // Re-importing the same files is a no-op.
    let again = ok(hearth()
        .args(["import", "--store", &store])
        .arg(sources(dir)));
    assert_eq!(again.matches("already imported").count(), 7, "{again}");

    let linked = ok(hearth().args(["link", "--store", &store, "--as-at", "2025-09-01"]));
    assert!(linked.contains("Linked"), "{linked}");
    assert!(linked.contains("families with children"), "{linked}");

    let identified = ok(hearth().args(["identify", "--store", &store]));
    assert!(
        identified.contains("Identification as at 2025-09-01"),
        "{identified}"
    );
    assert!(
        identified.contains("First identification run"),
        "{identified}"
    );
    // The highest-priority family's evidence trail names partner files and rows.
    let first = identified
        .lines()
        .find(|l| l.trim_start().starts_with("#1 "))
        .expect("a ranked family");
    let family_id = first.split_whitespace().nth(2).unwrap();
    let shown = ok(hearth().args(["family", "show", "--store", &store, family_id]));
    assert!(shown.contains("Eligible: yes, priority #1"), "{shown}");
    assert!(shown.contains("Problem: "), "{shown}");
    assert!(shown.contains(" row "), "{shown}");

    // A second run on unchanged data changes nothing and keeps IDs.
    ok(hearth().args(["link", "--store", &store, "--as-at", "2025-09-01"]));
    let second = ok(hearth().args(["identify", "--store", &store]));
    assert!(
        second.contains("0 newly eligible, 0 no longer eligible, 0 with new evidence"),
        "{second}"
    );
    assert!(second.contains(first.trim()), "same top family:\n{second}");

    // Exports carry pseudonymous IDs only.
    let csv = dir.join("ranked.csv");
    ok(hearth()
        .args(["identify", "--store", &store, "--export"])
        .arg(&csv));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.lines().count() > 1);
    let people = std::fs::read_to_string(dir.join("truth/people.csv")).unwrap();
    for line in people.lines().skip(1).take(200) {
        let family_name = line.split(',').nth(2).unwrap();
        assert!(!text.contains(family_name), "a name reached the export");
    }
}

#[test]
fn bad_rows_are_quarantined_with_file_row_and_field_and_good_rows_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = dir.join("police.csv");
    std::fs::write(
        &file,
        "Occurrence Ref,Occurrence Date,Incident Category,Offence Description,Involvement,Surname,Forename,DOB,Sex,Address,Postcode\n\
         OC1,01/03/2025,Crime,Theft,Suspect,SMITH,John,01/02/1990,M,1 High Street,M1 1AE\n\
         OC2,31/02/2025,ASB,,Suspect,JONES,Amy,,F,2 High Street,M1 1AE\n\
         OC3,02/03/2025,Crime,Theft,Suspect,BROWN,Sam,03/04/1991,M,3 High Street\n\
         OC4,03/03/2025,Burglary?,Theft,Suspect,GREEN,Ali,03/04/1992,M,4 High Street,M1 1AE\n",
    )
    .unwrap();
    let store = store_path(dir);
    let out = ok(hearth().args(["import", "--store", &store]).arg(&file));
    assert!(
        out.contains("4 rows read, 1 imported, 3 quarantined"),
        "{out}"
    );
    assert!(out.contains("Occurrence Date"), "names the field:\n{out}");
    assert!(out.contains("row 3"), "names the row:\n{out}");
    // Nothing personal is printed: not the bad date, not a name.
    assert!(
        !out.contains("JONES") && !out.contains("31/02/2025"),
        "{out}"
    );
}

#[test]
fn a_file_without_a_mapping_or_with_a_wrong_header_fails_clearly_and_others_import() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("unknown.csv"), "a,b\n1,2\n").unwrap();
    std::fs::write(
        dir.join("dwp.csv"),
        "NINO,First Name,Surname\nAB123456C,Jo,Bloggs\n",
    )
    .unwrap();
    synth(&dir.join("b"), 300);
    std::fs::copy(dir.join("b/sources/police.csv"), dir.join("police.csv")).unwrap();
    let store = store_path(dir);
    let out = run(hearth().args(["import", "--store", &store]).arg(dir));
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("unknown.csv: NOT IMPORTED: no mapping applies to unknown.csv"),
        "{stdout}"
    );
    assert!(stdout.contains("dwp.csv: NOT IMPORTED"), "{stdout}");
    assert!(
        stdout.contains("Benefit Type"),
        "names a missing column:\n{stdout}"
    );
    assert!(
        stdout.contains("(police):"),
        "the good file is imported:\n{stdout}"
    );
    assert!(
        stderr.contains("2 of 3 files could not be imported"),
        "{stderr}"
    );
}

#[test]
fn an_import_killed_part_way_leaves_no_half_batch_and_can_be_rerun() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    synth(dir, 2000);
    let store = store_path(dir);
    let schools = sources(dir).join("schools.csv");
    let out = run(hearth()
        .args(["import", "--store", &store])
        .arg(&schools)
        .env("HEARTH_TEST_CRASH_AFTER_ROWS", "500"));
    assert!(!out.status.success(), "the import was killed");
    // The store has no batch and no rows from it.
    let conn = rusqlite::Connection::open(&store).unwrap();
    for table in ["import_batch", "record", "identity", "quarantine"] {
        let n: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0, "{table} after a killed import");
    }
    drop(conn);
    let out = ok(hearth().args(["import", "--store", &store]).arg(&schools));
    assert!(
        out.contains("(schools):") && out.contains("0 quarantined"),
        "{out}"
    );
}

#[test]
fn link_and_identify_need_their_inputs_and_say_so() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_path(tmp.path());
    let out = run(hearth().args(["identify", "--store", &store]));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("run `hearth link` first"));
    let out = run(hearth().args(["identify", "--store", &store, "--rules", "no/such.toml"]));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such.toml"));
    let out = run(hearth().args(["link", "--store", &store, "--as-at", "2025-02-30"]));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a date"));
}

/// The whole pipeline on PostgreSQL, when configured.
#[test]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
fn the_pipeline_runs_on_postgresql() {
    let url = std::env::var("HEARTH_TEST_POSTGRES_URL")
        .expect("HEARTH_TEST_POSTGRES_URL was set when this test was built but is not now");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    synth(dir, 1500);
    let schema = format!("hearth_cli_test_{}", std::process::id());
    let with_pg = |c: &mut Command| {
        c.env("HEARTH_STORE", &url).env("HEARTH_PG_SCHEMA", &schema);
    };
    let mut c = hearth();
    with_pg(&mut c);
    let out = ok(c.arg("import").arg(sources(dir)));
    assert!(out.contains("(schools):"), "{out}");
    let mut c = hearth();
    with_pg(&mut c);
    ok(c.args(["link", "--as-at", "2025-09-01"]));
    let mut c = hearth();
    with_pg(&mut c);
    let out = ok(c.arg("identify"));
    assert!(out.contains("eligible"), "{out}");
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .batch_execute(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .unwrap();
}

#[test]
fn reviewers_decide_uncertain_pairs_and_the_next_link_applies_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    synth(dir, 3000);
    let store = store_path(dir);
    ok(hearth()
        .args(["import", "--store", &store])
        .arg(sources(dir)));
    ok(hearth().args(["link", "--store", &store, "--as-at", "2025-09-01"]));
    let listed = ok(hearth().args(["review", "list", "--store", &store, "--limit", "1"]));
    let waiting: usize = listed.split_whitespace().next().unwrap().parse().unwrap();
    assert!(waiting > 0, "{listed}");
    let pair = listed
        .lines()
        .find(|l| l.starts_with("1. "))
        .expect("a pair");
    // Each record named by its partner file and row, not by a store key.
    assert!(
        pair.matches(" row ").count() == 2
            && pair.matches(".csv").count() + pair.matches(".xlsx").count() == 2,
        "files and rows: {pair}"
    );
    let decide = listed
        .lines()
        .find_map(|l| l.trim().strip_prefix("decide: hearth review decide "))
        .expect("how to decide");
    let words: Vec<&str> = decide.split_whitespace().collect();
    let (l, r) = (words[0], words[1]);
    assert!(listed.contains("prior"), "explained: {listed}");

    let out = run(hearth().args(["review", "decide", "--store", &store, "1", "2", "--same"]));
    assert!(!out.status.success(), "a pair not in the queue is refused");
    ok(hearth().args([
        "review",
        "decide",
        "--store",
        &store,
        l,
        r,
        "--different",
        "--as",
        "reviewer",
    ]));

    let linked = ok(hearth().args(["link", "--store", &store, "--as-at", "2025-09-01"]));
    assert!(linked.contains("1 reviewer decisions applied"), "{linked}");
    let after = ok(hearth().args(["review", "list", "--store", &store, "--limit", "100000"]));
    assert!(
        !after.contains(&format!("review decide {l} {r} ")),
        "a decided pair is not asked again"
    );
    // The decisions worth most come first: pairs that are not vetoed before vetoed ones, each
    // the likeliest first (probabilities printed to 3 decimals keep that order).
    let worth: Vec<(bool, f64)> = after
        .lines()
        .filter(|l| l.contains(": match probability "))
        .map(|l| {
            let p: f64 = l.split("match probability ").nth(1).unwrap()[..5]
                .parse()
                .unwrap();
            (l.contains("(vetoed)"), -p)
        })
        .collect();
    assert!(worth.len() > 1, "{after}");
    assert!(
        worth.windows(2).all(|w| w[0] <= w[1]),
        "ordered by worth: {worth:?}"
    );
}
