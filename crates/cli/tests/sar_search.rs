//! `hearth sar` finds its subject as the web's subject access search does: by unique pupil
//! number (`--upn`, checked as one), and by name with middle names (`--middle-name`, only
//! with `--name`) and a date of birth. Black-box, on a small synthetic borough.

use std::path::Path;
use std::process::{Command, Output};

fn hearth(store: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
    c.env_remove("HEARTH_PG_SCHEMA")
        .env_remove("HEARTH_CONFIG")
        .env("HEARTH_STORE", store);
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(c: &mut Command) -> Output {
    c.output().expect("run hearth")
}

fn ok(c: &mut Command) -> String {
    let o = run(c);
    assert!(
        o.status.success(),
        "hearth failed: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn fails(c: &mut Command) -> String {
    let o = run(c);
    assert!(
        !o.status.success(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Rows of `sql`, each row's columns joined by `|`.
fn query(store: &Path, sql: &str) -> Vec<String> {
    let db = rusqlite::Connection::open(store).unwrap();
    let mut q = db.prepare(sql).unwrap();
    q.query_map([], |r| r.get::<_, Option<String>>(0))
        .unwrap()
        .map(|r| r.unwrap().unwrap_or_default())
        .collect()
}

#[test]
fn sar_finds_its_subject_by_upn_and_by_middle_names_as_the_web_does() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let store = dir.join("hearth.sqlite");
    ok(hearth(&store)
        .args(["synth", "--people", "400", "--seed", "7", "--out"])
        .arg(dir.join("borough")));
    ok(hearth(&store)
        .arg("import")
        .arg(dir.join("borough/sources")));
    ok(hearth(&store).args(["link", "--as-at", "2025-09-01"]));
    let out = dir.join("sar.json");

    // By unique pupil number: a UPN that only one person's records carry.
    let upns = query(
        &store,
        "SELECT MIN(pr.person_id) || '|' || i.upn FROM person_record pr \
         JOIN identity i ON i.record_id = pr.record_id WHERE i.upn IS NOT NULL \
         GROUP BY i.upn HAVING COUNT(DISTINCT pr.person_id) = 1 ORDER BY i.upn",
    );
    let (pupil, upn) = upns[0].split_once('|').expect("a pupil with a UPN");
    let said = ok(hearth(&store)
        .args(["sar", "--upn", upn, "--format", "json", "--out"])
        .arg(&out));
    assert!(
        said.contains(&format!("subject access for person {pupil}")),
        "{said}"
    );
    // Written in lower case, as people type it, it is the same number.
    let said = ok(hearth(&store)
        .args([
            "sar",
            "--upn",
            &upn.to_lowercase(),
            "--format",
            "json",
            "--out",
        ])
        .arg(&out));
    assert!(said.contains(&format!("person {pupil}")), "{said}");
    let err = fails(
        hearth(&store)
            .args(["sar", "--upn", "not-a-upn", "--out"])
            .arg(&out),
    );
    assert!(err.contains("unique pupil number"), "{err}");

    // By name, middle names and date of birth.
    let named = query(
        &store,
        "SELECT pr.person_id || '|' || i.family_name || '|' || i.middle_name || '|' || \
         i.date_of_birth FROM person_record pr JOIN identity i ON i.record_id = pr.record_id \
         WHERE i.middle_name IS NOT NULL AND i.middle_name <> '' AND i.family_name IS NOT NULL \
         AND i.date_of_birth IS NOT NULL ORDER BY pr.person_id",
    );
    let found = named.iter().find_map(|row| {
        let parts: Vec<&str> = row.split('|').collect();
        let [person, family, middle, dob] = parts[..] else {
            return None;
        };
        let middle = middle.split_whitespace().next()?;
        let o = run(hearth(&store)
            .args([
                "sar",
                "--name",
                family,
                "--middle-name",
                middle,
                "--dob",
                dob,
                "--format",
                "json",
                "--out",
            ])
            .arg(&out));
        let said = String::from_utf8_lossy(&o.stdout).into_owned();
        (o.status.success() && said.contains(&format!("person {person}")))
            .then(|| (family.to_string(), dob.to_string()))
    });
    let (family, dob) = found.expect("someone found by name, middle name and date of birth");
    // A middle name nobody has finds nobody: the middle names are searched, not ignored.
    let err = fails(
        hearth(&store)
            .args([
                "sar",
                "--name",
                &family,
                "--middle-name",
                "Qxzzyv",
                "--dob",
                &dob,
                "--out",
            ])
            .arg(&out),
    );
    assert!(err.contains("nobody found"), "{err}");
    // Middle names only with a name.
    let err = fails(
        hearth(&store)
            .args(["sar", "--middle-name", "Qxzzyv", "--out"])
            .arg(&out),
    );
    assert!(err.contains("--name"), "{err}");
}
