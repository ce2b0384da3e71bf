//! Black-box tests of issue 14's import defects: rows lost or refused, concurrent first use,
//! and the small defects of `hearth import` and `hearth identify`.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn hearth() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
    c.env_remove("HEARTH_STORE")
        .env_remove("HEARTH_PG_SCHEMA")
        .env_remove("HEARTH_LOG");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run hearth");
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "hearth failed: {stdout}\n{stderr}");
    stdout
}

fn fails(cmd: &mut Command) -> (String, String) {
    let out = cmd.output().expect("run hearth");
    let (stdout, stderr) = text(&out);
    assert!(
        !out.status.success(),
        "hearth succeeded: {stdout}\n{stderr}"
    );
    (stdout, stderr)
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

/// A folder with a `mappings/` folder holding the `cases` mapping.
fn setup() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let mappings = tmp.path().join("mappings");
    std::fs::create_dir(&mappings).unwrap();
    std::fs::write(mappings.join("cases.toml"), MAPPING).unwrap();
    (tmp, mappings)
}

fn import(dir: &Path, mappings: &Path, store: &str, files: &[&Path]) -> Command {
    let mut c = hearth();
    c.args([
        "import",
        "--today",
        "2025-09-01",
        "--store",
        store,
        "--mappings",
    ])
    .arg(mappings)
    .args(files);
    c.current_dir(dir);
    c
}

fn store_in(dir: &Path) -> String {
    dir.join("store/hearth.sqlite")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn an_unclosed_quote_loses_no_row_and_says_where_it_opens() {
    let (tmp, mappings) = setup();
    let dir = tmp.path();
    let mut csv = String::from("Person ID,Surname,Opened,Notes\n");
    for i in 2..=61 {
        let note = if i == 4 { "\"12 inch TV" } else { "ok" };
        csv.push_str(&format!("P{i},Surname{i},01/02/2024,{note}\n"));
    }
    let file = dir.join("cases.csv");
    std::fs::write(&file, csv).unwrap();
    let out = ok(&mut import(dir, &mappings, &store_in(dir), &[&file]));
    assert!(
        out.contains("cases.csv (cases): 60 rows read, 2 imported, 58 quarantined"),
        "{out}"
    );
    assert!(
        out.contains("Notes: inside a quoted value that is never closed — 58 rows (e.g. row 4)"),
        "{out}"
    );
}

#[test]
fn a_nul_character_quarantines_one_row_not_the_file() {
    let (tmp, mappings) = setup();
    let dir = tmp.path();
    let file = dir.join("cases.csv");
    std::fs::write(
        &file,
        b"Person ID,Surname,Opened,Notes\nP2,Amy,01/02/2024,ok\nP3,Bro\0wn,01/02/2024,ok\n",
    )
    .unwrap();
    let out = ok(&mut import(dir, &mappings, &store_in(dir), &[&file]));
    assert!(
        out.contains("2 rows read, 1 imported, 1 quarantined"),
        "{out}"
    );
    assert!(
        out.contains("Surname: holds a NUL character — 1 row (e.g. row 3)"),
        "{out}"
    );
    assert!(
        !out.contains("given_name") && !out.contains("family_name"),
        "{out}"
    );
}

#[test]
fn two_imports_into_a_new_sqlite_store_at_once_both_succeed() {
    let (tmp, mappings) = setup();
    let dir = tmp.path();
    for (name, id) in [("cases-a.csv", "A"), ("cases-b.csv", "B")] {
        std::fs::write(
            dir.join(name),
            format!("Person ID,Surname,Opened,Notes\n{id}1,Amy,01/02/2024,ok\n"),
        )
        .unwrap();
    }
    // Four processes open each new store at once, ten times: turning a new file to WAL used
    // to fail with "database is locked" now and then (seen in CI).
    for attempt in 0..10 {
        let store = dir
            .join(format!("new-{attempt}/hearth.sqlite"))
            .to_string_lossy()
            .into_owned();
        let children: Vec<_> = ["cases-a.csv", "cases-b.csv", "cases-a.csv", "cases-b.csv"]
            .iter()
            .map(|f| {
                import(dir, &mappings, &store, &[&dir.join(f)])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            let (stdout, stderr) = text(&out);
            assert!(
                out.status.success(),
                "attempt {attempt}: {stdout}\n{stderr}"
            );
        }
    }
}

#[test]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
fn two_imports_into_a_new_postgresql_schema_at_once_both_succeed() {
    let url = std::env::var("HEARTH_TEST_POSTGRES_URL")
        .expect("HEARTH_TEST_POSTGRES_URL was set when this test was built but is not now");
    let (tmp, mappings) = setup();
    let dir = tmp.path();
    for (name, id) in [("cases-a.csv", "A"), ("cases-b.csv", "B")] {
        std::fs::write(
            dir.join(name),
            format!("Person ID,Surname,Opened,Notes\n{id}1,Amy,01/02/2024,ok\n"),
        )
        .unwrap();
    }
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    for attempt in 0..10 {
        let schema = format!("hearth_concurrent_{}_{attempt}", std::process::id());
        let children: Vec<_> = ["cases-a.csv", "cases-b.csv", "cases-a.csv", "cases-b.csv"]
            .iter()
            .map(|f| {
                import(dir, &mappings, &url, &[&dir.join(f)])
                    .env("HEARTH_PG_SCHEMA", &schema)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let outs: Vec<Output> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        client
            .batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
            .unwrap();
        for out in outs {
            let (stdout, stderr) = text(&out);
            assert!(
                out.status.success(),
                "attempt {attempt}: {stdout}\n{stderr}"
            );
        }
    }
}

#[test]
fn output_piped_to_a_reader_that_goes_away_ends_quietly() {
    let (tmp, mappings) = setup();
    let dir = tmp.path();
    let file = dir.join("cases.csv");
    std::fs::write(
        &file,
        "Person ID,Surname,Opened,Notes\nP2,Amy,01/02/2024,ok\n",
    )
    .unwrap();
    let mut child = import(dir, &mappings, &store_in(dir), &[&file])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // As `| head -0` does: the reader closes before hearth prints.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
}

#[test]
fn export_into_a_missing_folder_is_refused_before_running_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let missing = dir.join("no-such-folder");
    let (_, stderr) = fails(
        hearth()
            .args(["identify", "--store", &store_in(dir), "--export"])
            .arg(missing.join("ranked.csv")),
    );
    assert!(
        stderr.contains(&format!("the folder {} does not exist", missing.display())),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was run"), "{stderr}");
}

#[test]
fn an_as_at_before_1900_or_before_every_date_in_the_data_is_refused() {
    let (tmp, mappings) = setup();
    let dir = tmp.path();
    let store = store_in(dir);
    let (_, stderr) =
        fails(hearth().args(["identify", "--store", &store, "--as-at", "1800-01-01"]));
    assert!(
        stderr.contains("--as-at 1800-01-01 is before 1900"),
        "{stderr}"
    );

    let file = dir.join("cases.csv");
    std::fs::write(
        &file,
        "Person ID,Surname,Opened,Notes\nP2,Amy,01/02/2024,ok\nP3,Bo,05/06/2023,ok\n",
    )
    .unwrap();
    ok(&mut import(dir, &mappings, &store, &[&file]));
    let (_, stderr) =
        fails(hearth().args(["identify", "--store", &store, "--as-at", "2001-01-01"]));
    assert!(
        stderr.contains("--as-at 2001-01-01 is before every date in the store (the earliest event is on 2023-06-05)"),
        "{stderr}"
    );
}

#[test]
fn two_mappings_for_one_file_are_named_by_their_files() {
    let (tmp, mappings) = setup();
    let dir = tmp.path();
    std::fs::write(
        mappings.join("cases-copy.toml"),
        MAPPING.replace("\"cases\"", "\"cases2\""),
    )
    .unwrap();
    let file = dir.join("cases.csv");
    std::fs::write(
        &file,
        "Person ID,Surname,Opened,Notes\nP2,Amy,01/02/2024,ok\n",
    )
    .unwrap();
    let (stdout, _) = fails(&mut import(dir, &mappings, &store_in(dir), &[&file]));
    assert!(
        stdout.contains("2 mappings apply to cases.csv ("),
        "{stdout}"
    );
    assert!(stdout.contains("cases.toml"), "{stdout}");
    assert!(stdout.contains("cases-copy.toml"), "{stdout}");
}

#[test]
fn each_file_is_reported_as_it_finishes() {
    let (tmp, mappings) = setup();
    let dir = tmp.path();
    let first = dir.join("cases-1.csv");
    std::fs::write(
        &first,
        "Person ID,Surname,Opened,Notes\nP2,Amy,01/02/2024,ok\n",
    )
    .unwrap();
    // The second file is a pipe: hearth waits on it until the test writes it.
    let second = dir.join("cases-2.csv");
    assert!(Command::new("mkfifo")
        .arg(&second)
        .status()
        .unwrap()
        .success());
    let mut child = import(dir, &mappings, &store_in(dir), &[&first, &second])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let line = line.unwrap();
            let _ = tx.send(line);
        }
    });
    let first_line = rx.recv_timeout(Duration::from_secs(60));
    // Let hearth finish whatever happened.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&second)
        .unwrap()
        .write_all(b"Person ID,Surname,Opened,Notes\nP9,Bo,01/02/2024,ok\n")
        .unwrap();
    let status = child.wait().unwrap();
    reader.join().unwrap();
    let first_line = first_line.expect("the first file's result before the second was read");
    assert!(
        first_line.starts_with("cases-1.csv (cases): 1 rows read"),
        "{first_line}"
    );
    assert!(status.success());
}

#[test]
fn missing_columns_and_missing_files_are_reported_once() {
    let (tmp, mappings) = setup();
    let dir = tmp.path();
    let file = dir.join("cases.csv");
    std::fs::write(&file, "Person ID,Name,Opened\nP2,Amy,01/02/2024\n").unwrap();
    let (stdout, _) = fails(&mut import(dir, &mappings, &store_in(dir), &[&file]));
    assert_eq!(
        stdout.matches("names column(s) \"Surname\"").count(),
        1,
        "{stdout}"
    );

    let (_, stderr) = fails(&mut import(
        dir,
        &dir.join("nowhere"),
        &store_in(dir),
        &[&file],
    ));
    assert_eq!(stderr.matches("No such file").count(), 1, "{stderr}");
    assert!(stderr.contains("nowhere"), "{stderr}");

    let missing = dir.join("cases-missing.csv");
    let (stdout, _) = fails(&mut import(dir, &mappings, &store_in(dir), &[&missing]));
    assert_eq!(stdout.matches("cases-missing.csv").count(), 2, "{stdout}");
    assert!(
        stdout.contains("cases-missing.csv does not exist"),
        "{stdout}"
    );
}

/// Makes `path` read-only by its permissions (which `hearth` checks from the file's mode, so
/// this holds even for a test run as root, who could write it anyway).
fn make_read_only(path: &Path) {
    let mut perms = std::fs::metadata(path).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(path, perms).unwrap();
}

#[test]
fn a_read_only_store_can_be_viewed_and_is_never_changed() {
    let (tmp, mappings) = setup();
    let dir = tmp.path();
    let first = dir.join("cases.csv");
    std::fs::write(
        &first,
        "Person ID,Surname,Opened\n1,Smith,2025-01-02\n2,Jones,not a date\n",
    )
    .unwrap();
    let store = store_in(dir);
    ok(&mut import(dir, &mappings, &store, &[&first]));
    let store_file = PathBuf::from(&store);
    make_read_only(&store_file);
    let before = std::fs::read(&store_file).unwrap();

    // Viewing works, and says it is read-only.
    let out = hearth()
        .args(["quarantine", "list", "--store", &store])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stderr.contains("opening it read-only"), "{stderr}");
    assert!(
        stdout.contains("cases"),
        "the quarantined row is listed: {stdout}"
    );

    // A change stops with a plain message and writes nothing.
    let second = dir.join("cases2.csv");
    std::fs::write(&second, "Person ID,Surname,Opened\n3,Jones,2025-02-02\n").unwrap();
    let (stdout, stderr) = fails(&mut import(dir, &mappings, &store, &[&second]));
    assert!(
        format!("{stdout}{stderr}").contains("read-only"),
        "{stdout}\n{stderr}"
    );
    assert_eq!(
        std::fs::read(&store_file).unwrap(),
        before,
        "the store is unchanged"
    );

    // hearth serve needs to write (sign-ins, the audit of every view) and says so at once.
    let (_, stderr) = fails(
        hearth()
            .args(["serve", "--addr", "127.0.0.1:0", "--store", &store])
            .current_dir(dir),
    );
    assert!(stderr.contains("needs a store it can write"), "{stderr}");
    assert_eq!(
        std::fs::read(&store_file).unwrap(),
        before,
        "the store is unchanged"
    );
}

#[test]
fn read_only_opens_a_writable_store_for_viewing_without_changing_it() {
    let (tmp, mappings) = setup();
    let dir = tmp.path();
    let first = dir.join("cases.csv");
    std::fs::write(&first, "Person ID,Surname,Opened\n1,Smith,2025-01-02\n").unwrap();
    let store = store_in(dir);
    ok(&mut import(dir, &mappings, &store, &[&first]));
    let before = std::fs::read(&store).unwrap();
    let second = dir.join("cases2.csv");
    std::fs::write(&second, "Person ID,Surname,Opened\n3,Jones,2025-02-02\n").unwrap();
    let (stdout, stderr) = fails(import(dir, &mappings, &store, &[&second]).arg("--read-only"));
    assert!(
        format!("{stdout}{stderr}").contains("read-only"),
        "{stdout}\n{stderr}"
    );
    assert_eq!(std::fs::read(&store).unwrap(), before);
    // A store that does not exist is not created by a read-only open.
    let missing = dir.join("none/hearth.sqlite");
    fails(
        hearth()
            .args(["quarantine", "list", "--read-only", "--store"])
            .arg(&missing),
    );
    assert!(!missing.exists());
}
