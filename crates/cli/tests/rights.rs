//! Black-box tests of a person's rights (issue 13) on a small synthetic borough: subject
//! access as JSON and as a printable page (audited, with each source's agreement and lawful
//! basis), a correction honoured by the next link, restriction and its lifting, erasure
//! with a tombstone that quarantines a re-sent file's rows, an objection that follows its
//! person through a re-sent file, and the register of sharing agreements.

use std::path::Path;
use std::process::Command;

fn hearth(store: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
    c.env_remove("HEARTH_PG_SCHEMA")
        .env_remove("HEARTH_CONFIG")
        .env("HEARTH_STORE", store);
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
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

fn fails(c: &mut Command) -> String {
    let o = c.output().expect("run hearth");
    assert!(!o.status.success());
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn query(store: &Path, sql: &str) -> Vec<String> {
    let db = rusqlite::Connection::open(store).unwrap();
    let mut q = db.prepare(sql).unwrap();
    q.query_map([], |r| r.get::<_, Option<String>>(0))
        .unwrap()
        .map(|r| r.unwrap().unwrap_or_default())
        .collect()
}

/// A person with a police record, a name and a date of birth: (person, family name, dob).
fn police_person(store: &Path, skip: usize) -> (i64, String, String) {
    let rows = query(
        store,
        "SELECT pr.person_id || '|' || i.family_name || '|' || i.date_of_birth \
         FROM person_record pr JOIN identity i ON i.record_id = pr.record_id \
         JOIN record r ON r.record_id = pr.record_id \
         WHERE r.source = 'police' AND i.family_name IS NOT NULL AND i.date_of_birth IS NOT NULL \
         AND length(i.family_name) > 4 ORDER BY pr.person_id",
    );
    let mut seen = std::collections::BTreeSet::new();
    let row = rows
        .iter()
        .filter(|r| seen.insert(r.split('|').next().unwrap().to_string()))
        .nth(skip)
        .unwrap()
        .clone();
    let mut parts = row.split('|');
    (
        parts.next().unwrap().parse().unwrap(),
        parts.next().unwrap().to_string(),
        parts.next().unwrap().to_string(),
    )
}

/// The police file again as a partner re-sends it: the same rows, other line ends.
fn resend_police(dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(dir.join("borough/sources/police.csv")).unwrap();
    let resent = dir.join("resent");
    std::fs::create_dir_all(&resent).unwrap();
    let path = resent.join("police.csv");
    let resaved = if text.contains("\r\n") {
        text.replace("\r\n", "\n")
    } else {
        text.replace('\n', "\r\n")
    };
    std::fs::write(&path, resaved).unwrap();
    path
}

#[test]
fn subject_access_correction_restriction_erasure_and_objections_on_a_borough() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let store = dir.join("hearth.sqlite");
    ok(hearth(&store)
        .args(["synth", "--people", "800", "--seed", "13", "--out"])
        .arg(dir.join("borough")));
    ok(hearth(&store)
        .arg("import")
        .arg(dir.join("borough/sources")));
    ok(hearth(&store).args(["link", "--as-at", "2025-09-01"]));
    ok(hearth(&store).arg("identify"));

    // Subject access, as JSON and as a printable page.
    let (ann, ann_name, ann_dob) = police_person(&store, 0);
    let json_path = dir.join("sar.json");
    let said = ok(hearth(&store)
        .args([
            "sar",
            "--person",
            &ann.to_string(),
            "--format",
            "json",
            "--as",
            "dpo",
            "--out",
        ])
        .arg(&json_path));
    assert!(
        said.contains(&format!("subject access for person {ann}")),
        "{said}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    let text = json.to_string();
    assert!(text.contains(&ann_name) && text.contains(&ann_dob));
    assert!(
        text.contains("police information sharing agreement"),
        "the agreement per source"
    );
    assert!(text.contains("Art. 6(1)(e)"), "the lawful basis per source");
    let sections = json["held"]["sections"].as_array().unwrap();
    let rows = |t: &str| {
        sections.iter().find(|s| s["table"] == t).unwrap()["rows"]
            .as_array()
            .unwrap()
            .len()
    };
    assert!(rows("identity") >= 1 && rows("record") >= 1 && rows("family_member") >= 1);
    // Found by name and date of birth too; the page prints.
    let html_path = dir.join("sar.html");
    ok(hearth(&store)
        .args([
            "sar", "--name", &ann_name, "--dob", &ann_dob, "--format", "html", "--out",
        ])
        .arg(&html_path));
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.contains("@media print") && html.contains(&ann_name) && html.contains("<table"));
    let audit = query(
        &store,
        "SELECT action || '|' || target_id || '|' || detail FROM audit_log",
    );
    assert!(
        audit
            .iter()
            .any(|a| a.starts_with(&format!("subject access|{ann}|"))),
        "{audit:?}"
    );

    // A correction: every record of the person, honoured by the next link; the audit says
    // which field, never the value.
    let err = fails(hearth(&store).args([
        "rectify",
        "--person",
        &ann.to_string(),
        "--field",
        "date_of_birth",
        "--value",
        "2099-01-01",
        "--reason",
        "seen",
    ]));
    assert!(
        err.contains("date_of_birth") && !err.contains("2099"),
        "{err}"
    );
    ok(hearth(&store).args([
        "rectify",
        "--person",
        &ann.to_string(),
        "--field",
        "date_of_birth",
        "--value",
        "1901-02-03",
        "--reason",
        "birth certificate seen",
        "--as",
        "dpo",
    ]));
    ok(hearth(&store).args(["link", "--as-at", "2025-09-01"]));
    let dobs = query(
        &store,
        &format!(
            "SELECT DISTINCT i.date_of_birth FROM identity i JOIN person_record pr \
             ON pr.record_id = i.record_id WHERE pr.person_id = {ann}"
        ),
    );
    assert_eq!(
        dobs,
        vec!["1901-02-03".to_string()],
        "the next link linked the corrected value"
    );
    let shown = query(
        &store,
        &format!("SELECT DISTINCT date_of_birth FROM person_identity WHERE person_id = {ann}"),
    );
    assert_eq!(shown, vec!["1901-02-03".to_string()]);
    let audit = query(
        &store,
        "SELECT detail FROM audit_log WHERE action = 'rectify identifier'",
    );
    assert_eq!(audit.len(), 1);
    assert!(
        audit[0].contains("date_of_birth")
            && !audit[0].contains("1901")
            && !audit[0].contains(&ann_dob)
    );

    // Restriction: kept, but out of linkage until lifted.
    let (bob, _, _) = police_person(&store, 1);
    let said = ok(hearth(&store).args([
        "restrict",
        "--person",
        &bob.to_string(),
        "--ground",
        "18-1-a",
        "--reason",
        "accuracy contested",
    ]));
    let restriction: String = said
        .split_whitespace()
        .nth(1)
        .unwrap()
        .trim_end_matches(':')
        .into();
    ok(hearth(&store).args(["link", "--as-at", "2025-09-01"]));
    let held = |who: i64| {
        query(
            &store,
            &format!("SELECT person_id FROM person_record WHERE person_id = {who}"),
        )
        .len()
    };
    assert_eq!(held(bob), 0, "a restricted person is not linked");
    ok(hearth(&store)
        .args([
            "sar",
            "--person",
            &bob.to_string(),
            "--format",
            "json",
            "--out",
        ])
        .arg(dir.join("bob.json")));
    assert!(std::fs::read_to_string(dir.join("bob.json"))
        .unwrap()
        .contains("\"restricted\": true"));
    // A lifting needs why and how it came, kept with the restriction as the web keeps them.
    let refused = hearth(&store)
        .args([
            "restrict",
            "--person",
            &bob.to_string(),
            "--lift",
            &restriction,
        ])
        .output()
        .unwrap();
    assert!(
        !refused.status.success(),
        "a lifting without a reason is refused"
    );
    ok(hearth(&store).args([
        "restrict",
        "--person",
        &bob.to_string(),
        "--lift",
        &restriction,
        "--reason",
        "accuracy confirmed",
        "--received",
        "letter",
    ]));
    let kept = query(
        &store,
        &format!(
            "SELECT lift_reason || '|' || lift_received_how FROM restriction WHERE id = {restriction}"
        ),
    );
    assert_eq!(
        kept,
        vec!["accuracy confirmed|letter".to_string()],
        "why and how are kept"
    );
    ok(hearth(&store).args(["link", "--as-at", "2025-09-01"]));
    // Lifted: the records it held are linked again (to a person ID the next run gives).
    let relinked = query(
        &store,
        &format!(
            "SELECT CAST(pr.person_id AS TEXT) FROM restriction_record rr \
             JOIN person_record pr ON pr.record_id = rr.record_id WHERE rr.restriction_id = {restriction}"
        ),
    );
    assert!(!relinked.is_empty(), "lifted: linked again");

    // An objection follows its person through the partner's re-sent file.
    let (cat, cat_name, _) = police_person(&store, 2);
    ok(hearth(&store).args([
        "objections",
        "add",
        "--person",
        &cat.to_string(),
        "--scope",
        "research",
        "--received-on",
        "2025-10-01",
        "--how",
        "letter",
    ]));

    // Erasure: identity, facts and results go; a re-sent file's rows of theirs are
    // quarantined, not imported.
    let bad = fails(hearth(&store).args([
        "erase",
        "--person",
        &ann.to_string(),
        "--ground",
        "because",
        "--reason",
        "asked",
    ]));
    assert!(bad.contains("17-1-a"), "{bad}");
    ok(hearth(&store).args([
        "erase",
        "--person",
        &ann.to_string(),
        "--ground",
        "17-1-a",
        "--reason",
        "asked in writing",
        "--as",
        "dpo",
    ]));
    assert_eq!(held(ann), 0);
    let left = query(
        &store,
        &format!(
            "SELECT record_id FROM identity WHERE family_name = '{}' AND date_of_birth = '1901-02-03'",
            ann_name.replace('\'', "''")
        ),
    );
    assert!(left.is_empty(), "no identity left");
    let resent = resend_police(dir);
    let imported = ok(hearth(&store).args(["import", "--replace"]).arg(&resent));
    let quarantined = query(
        &store,
        "SELECT reason || '|' || raw FROM quarantine WHERE reason LIKE 'erased on %'",
    );
    assert!(
        !quarantined.is_empty(),
        "the erased person's re-sent rows are quarantined: {imported} {:?} {:?}",
        query(
            &store,
            "SELECT CAST(count(*) AS TEXT) FROM erasure_tombstone"
        ),
        query(&store, "SELECT reason FROM quarantine")
    );
    assert!(
        quarantined.iter().all(|q| q.ends_with("|[]")),
        "none of their cells kept: {quarantined:?}"
    );
    let back = query(
        &store,
        &format!(
            "SELECT record_id FROM identity WHERE family_name = '{}' AND date_of_birth = '{}'",
            ann_name.replace('\'', "''"),
            ann_dob
        ),
    );
    assert!(back.is_empty(), "the erased person did not come back");
    ok(hearth(&store).args(["link", "--as-at", "2025-09-01"]));
    let objecting = query(
        &store,
        &format!(
            "SELECT DISTINCT i.family_name FROM objection_record o \
             JOIN identity i ON i.record_id = o.record_id JOIN record r ON r.record_id = o.record_id \
             WHERE r.source = 'police' AND i.family_name = '{}'",
            cat_name.replace('\'', "''")
        ),
    );
    assert_eq!(
        objecting,
        vec![cat_name.clone()],
        "the re-sent records are covered"
    );

    // The register of sharing agreements.
    let register = ok(hearth(&store).arg("sharing"));
    assert!(
        register.contains("Police:") && register.contains("EXAMPLE"),
        "{register}"
    );
}

#[test]
fn the_sharing_register_flags_overdue_reviews_and_sources_without_an_agreement() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    std::fs::create_dir_all(config.join("mappings")).unwrap();
    std::fs::write(
        config.join("mappings/a.toml"),
        r#"source = "a"
name = "Agency A"
files = ["a*.csv"]
event_type = "x"
[identity]
family_name = "Surname"
[sharing]
agreement = "A's agreement"
reference = "ISA-1"
review_on = "2020-01-31"
lawful_basis = ["UK GDPR Art. 6(1)(e): public task"]
"#,
    )
    .unwrap();
    std::fs::write(
        config.join("mappings/b.toml"),
        "source = \"b\"\nfiles = [\"b*.csv\"]\nevent_type = \"x\"\n[identity]\nfamily_name = \"Surname\"\n",
    )
    .unwrap();
    let out = ok(hearth(&tmp.path().join("s.sqlite"))
        .arg("sharing")
        .arg("--config")
        .arg(&config));
    assert!(
        out.contains("Agency A: A's agreement (ISA-1); review OVERDUE since 2020-01-31"),
        "{out}"
    );
    assert!(out.contains("b: NO DATA SHARING AGREEMENT"), "{out}");
    // A [sharing] table with no lawful basis is refused, naming the file.
    std::fs::write(
        config.join("mappings/b.toml"),
        "source = \"b\"\nfiles = [\"b*.csv\"]\nevent_type = \"x\"\n[identity]\nfamily_name = \"Surname\"\n[sharing]\nagreement = \"B\"\n",
    )
    .unwrap();
    let err = fails(
        hearth(&tmp.path().join("s.sqlite"))
            .arg("sharing")
            .arg("--config")
            .arg(&config),
    );
    assert!(
        err.contains("b.toml") && err.contains("lawful_basis"),
        "{err}"
    );
}
