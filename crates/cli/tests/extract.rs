//! Black-box tests of the national evaluation extract and the objection register: run the
//! binary on a small synthetic borough, decrypt what it wrote with the recipient's key, and
//! look for the objectors.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::process::Command;

fn hearth(store: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
    c.env_remove("HEARTH_PG_SCHEMA").env("HEARTH_STORE", store);
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

/// Reads one file out of the decrypted zip.
fn member(zip: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut s = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    s
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(bytes))
}

/// The members of the first few eligible families, from the store, with one identifier each
/// (family name + date of birth) to look for in the extract.
fn eligible_members(store: &Path) -> Vec<(i64, i64, String)> {
    let db = rusqlite::Connection::open(store).unwrap();
    let mut q = db
        .prepare(
            "SELECT fm.family_id, fm.person_id, i.family_name || '|' || i.date_of_birth \
             FROM family_assessment a JOIN family_member fm ON fm.family_id = a.family_id \
             JOIN person_record pr ON pr.person_id = fm.person_id \
             JOIN identity i ON i.record_id = pr.record_id \
             WHERE a.eligible = 1 AND a.run_id = (SELECT max(id) FROM identification_run) \
             AND i.family_name IS NOT NULL AND i.date_of_birth IS NOT NULL \
             ORDER BY a.priority_rank, fm.person_id",
        )
        .unwrap();
    q.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn the_national_evaluation_extract_leaves_objectors_out_and_only_the_recipient_can_read_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let store = dir.join("hearth.sqlite");
    ok(hearth(&store)
        .args(["synth", "--people", "3000", "--seed", "11", "--out"])
        .arg(dir.join("borough")));
    ok(hearth(&store)
        .arg("import")
        .arg(dir.join("borough/sources")));
    ok(hearth(&store).args(["link", "--as-at", "2025-09-01"]));
    ok(hearth(&store).arg("identify"));

    let members = eligible_members(&store);
    let families: Vec<i64> = members
        .iter()
        .map(|m| m.0)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(families.len() >= 3, "a few eligible families");
    // One family objects as a family; one person of another family objects alone (to all
    // sharing); a third family's objection is recorded and withdrawn.
    let (family_a, family_b, family_c) = (families[0], families[1], families[2]);
    let person_b = members.iter().find(|m| m.0 == family_b).unwrap().1;
    let person_c = members.iter().find(|m| m.0 == family_c).unwrap().1;
    ok(hearth(&store).args([
        "objections",
        "add",
        "--family",
        &family_a.to_string(),
        "--scope",
        "research",
        "--received-on",
        "2025-10-01",
        "--how",
        "letter",
    ]));
    ok(hearth(&store).args([
        "objections",
        "add",
        "--person",
        &person_b.to_string(),
        "--scope",
        "all",
        "--received-on",
        "2025-10-02",
        "--how",
        "phone",
    ]));
    let c = ok(hearth(&store).args([
        "objections",
        "add",
        "--person",
        &person_c.to_string(),
        "--scope",
        "research",
        "--received-on",
        "2025-10-03",
        "--how",
        "email",
    ]));
    let c_id = c.split_whitespace().nth(1).unwrap().to_owned();
    ok(hearth(&store).args(["objections", "withdraw", &c_id]));
    let list = ok(hearth(&store).args(["objections", "list"]));
    assert!(
        list.contains("3 objections") && list.contains("withdrawn"),
        "{list}"
    );
    let unknown = fails(hearth(&store).args([
        "objections",
        "add",
        "--person",
        "999999999",
        "--scope",
        "all",
        "--received-on",
        "2025-10-02",
        "--how",
        "phone",
    ]));
    assert!(
        unknown.contains("there is no person 999999999"),
        "{unknown}"
    );

    // Re-linking keeps the objections: they follow the records.
    ok(hearth(&store).args(["link", "--as-at", "2025-09-01"]));
    ok(hearth(&store).arg("identify"));

    let key = age::x25519::Identity::generate();
    let out = dir.join("outbox");
    std::fs::create_dir(&out).unwrap();
    let bad = fails(
        hearth(&store)
            .args([
                "extract",
                "national-evaluation",
                "--recipient",
                "not-a-key",
                "--out",
            ])
            .arg(&out),
    );
    assert!(bad.contains("age public key"), "{bad}");
    let report = ok(hearth(&store)
        .args([
            "extract",
            "national-evaluation",
            "--recipient",
            &key.to_public().to_string(),
            "--out",
        ])
        .arg(&out));
    assert!(
        report.contains("left out because they object: "),
        "{report}"
    );
    let files: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(
        files.len(),
        1,
        "one encrypted file, nothing in the clear: {files:?}"
    );
    let encrypted = std::fs::read(&files[0]).unwrap();
    assert!(
        report.contains(&sha256_hex(&encrypted)),
        "the report names the file's hash"
    );
    let other = age::x25519::Identity::generate();
    assert!(
        age::decrypt(&other, &encrypted).is_err(),
        "another key cannot read it"
    );
    let zip = age::decrypt(&key, &encrypted).unwrap();

    let identifiers = member(&zip, "identifiers.csv");
    let attributes = member(&zip, "attributes.csv");
    let manifest: serde_json::Value = serde_json::from_str(&member(&zip, "manifest.json")).unwrap();
    assert_eq!(
        manifest["files"][0]["sha256"],
        sha256_hex(identifiers.as_bytes())
    );
    assert_eq!(
        manifest["files"][1]["sha256"],
        sha256_hex(attributes.as_bytes())
    );
    assert_eq!(manifest["counts"]["families_excluded"], 2, "{manifest}");
    assert!(identifiers.starts_with(
        "reference,given_name,family_name,date_of_birth,gender,address,postcode,ni_number"
    ));
    assert!(attributes.starts_with("reference,family_reference,role,problems,worked_with"));
    // The two files share reference numbers and nothing else.
    let refs = |t: &str| {
        t.lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_owned())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(refs(&identifiers), refs(&attributes));
    assert_eq!(
        refs(&identifiers).len() as u64,
        manifest["counts"]["people"].as_u64().unwrap()
    );

    // No objector, and no one of an objecting family, is in it; the withdrawn one is.
    let found = |fid: i64| {
        members.iter().filter(|m| m.0 == fid).any(|m| {
            let (name, dob) = m.2.split_once('|').unwrap();
            identifiers.lines().any(|l| {
                l.contains(&format!(",{dob},")) && l.to_lowercase().contains(&name.to_lowercase())
            })
        })
    };
    assert!(!found(family_a), "the objecting family is in the extract");
    assert!(
        !found(family_b),
        "the objecting person's family is in the extract"
    );
    assert!(
        found(family_c),
        "a family whose objection was withdrawn is sent again"
    );

    let transfers = rusqlite::Connection::open(&store)
        .unwrap()
        .query_row(
            "SELECT count(*), max(file_sha256) FROM extract_transfer",
            [],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
        )
        .unwrap();
    assert_eq!(transfers, (1, sha256_hex(&encrypted)));
    let verify = ok(hearth(&store).args(["audit", "verify"]));
    assert!(verify.contains("the chain holds"), "{verify}");
}

/// The family IDs in an identification export (`hearth identify --export FILE.csv`).
fn exported_families(file: &Path) -> BTreeSet<i64> {
    let mut r = csv::Reader::from_path(file).unwrap();
    let col = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "family_id")
        .expect("a family_id column");
    r.records()
        .map(|rec| rec.unwrap()[col].parse().unwrap())
        .collect()
}

#[test]
fn the_identification_export_leaves_out_families_objecting_to_all_sharing_not_research_only() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let store = dir.join("hearth.sqlite");
    ok(hearth(&store)
        .args(["synth", "--people", "3000", "--seed", "11", "--out"])
        .arg(dir.join("borough")));
    ok(hearth(&store)
        .arg("import")
        .arg(dir.join("borough/sources")));
    ok(hearth(&store).args(["link", "--as-at", "2025-09-01"]));
    ok(hearth(&store).arg("identify"));
    let members = eligible_members(&store);
    let families: Vec<i64> = members
        .iter()
        .map(|m| m.0)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(families.len() >= 5, "a few eligible families");
    let person_of = |f: i64| members.iter().find(|m| m.0 == f).unwrap().1.to_string();
    // Family-level and person-level objections, each scope; family 4 objects to nothing.
    let objections = [
        ("--family", families[0].to_string(), "all"),
        ("--person", person_of(families[1]), "all"),
        ("--family", families[2].to_string(), "research"),
        ("--person", person_of(families[3]), "research"),
    ];
    for (kind, id, scope) in &objections {
        ok(hearth(&store).args([
            "objections",
            "add",
            kind,
            id,
            "--scope",
            scope,
            "--received-on",
            "2025-10-01",
            "--how",
            "letter",
        ]));
    }
    let file = dir.join("ranked.csv");
    let said = ok(hearth(&store).arg("identify").arg("--export").arg(&file));
    assert!(
        said.contains("2 families left out because of an objection to sharing"),
        "{said}"
    );
    let exported = exported_families(&file);
    assert!(
        !exported.contains(&families[0]),
        "family-level, all sharing"
    );
    assert!(
        !exported.contains(&families[1]),
        "person-level, all sharing"
    );
    assert!(
        exported.contains(&families[2]),
        "family-level, research only"
    );
    assert!(
        exported.contains(&families[3]),
        "person-level, research only"
    );
    assert!(exported.contains(&families[4]), "no objection");
    // The evidence file does not name the objectors either.
    let mut evidence = csv::Reader::from_path(dir.join("ranked-evidence.csv")).unwrap();
    let col = evidence
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "person_id")
        .unwrap();
    let person_b = person_of(families[1]);
    assert!(
        !evidence
            .records()
            .any(|r| r.unwrap()[col] == *person_b.as_str()),
        "the person-level objector's rows are gone"
    );
    // Audited, counts only.
    let db = rusqlite::Connection::open(&store).unwrap();
    let detail: String = db
        .query_row(
            "SELECT detail FROM audit_log WHERE action = 'objections honoured: identification export'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(detail.contains("2 left out"), "{detail}");
    assert!(!detail.contains(&families[0].to_string()), "{detail}");
}

/// The extract counts a family as on the programme only once attached by the day it is made
/// (`--today`, else the machine's date): the synthetic cohort's attachments run to 2027, and
/// one dated after the extract's day must not be sent as worked with.
#[test]
fn the_extract_counts_only_families_attached_by_its_day() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let store = dir.join("hearth.sqlite");
    ok(hearth(&store)
        .args([
            "synth", "--people", "3000", "--seed", "2", "--cohort", "--out",
        ])
        .arg(dir.join("borough")));
    ok(hearth(&store)
        .args(["import", "--as-new", "--today", "2027-08-31"])
        .arg(dir.join("borough/sources")));
    ok(hearth(&store).args(["link", "--as-at", "2025-09-01"]));
    ok(hearth(&store).args(["identify", "--as-at", "2025-09-01"]));
    ok(hearth(&store)
        .args(["outcomes", "--as-at", "2025-09-01", "--attach"])
        .arg(dir.join("borough/programme/attachments.csv")));
    let attached_by = |day: &str| -> u64 {
        rusqlite::Connection::open(&store)
            .unwrap()
            .query_row(
                "SELECT count(*) FROM outcome_baseline WHERE attached_on <= ?1",
                [day],
                |r| r.get::<_, i64>(0),
            )
            .unwrap() as u64
    };
    let key = age::x25519::Identity::generate();
    let programme = |today: Option<&str>| -> (u64, String) {
        let out = tempfile::tempdir_in(dir).unwrap();
        let mut c = hearth(&store);
        c.args(["extract", "national-evaluation", "--recipient"])
            .arg(key.to_public().to_string())
            .arg("--out")
            .arg(out.path());
        if let Some(day) = today {
            c.args(["--today", day]);
        }
        ok(&mut c);
        let file = std::fs::read_dir(out.path()).unwrap().next().unwrap();
        let zip = age::decrypt(&key, &std::fs::read(file.unwrap().path()).unwrap()).unwrap();
        let manifest: serde_json::Value =
            serde_json::from_str(&member(&zip, "manifest.json")).unwrap();
        (
            manifest["counts"]["programme_families"].as_u64().unwrap(),
            manifest["period"]["to"].as_str().unwrap().to_owned(),
        )
    };
    let (early, late) = (attached_by("2026-03-31"), attached_by("2027-08-31"));
    assert!(0 < early && early < late, "{early} then {late}");
    // A family attached early whose case closed on 15 January 2027: open on 31 March 2026.
    let closed: i64 = rusqlite::Connection::open(&store)
        .unwrap()
        .query_row(
            "SELECT family_id FROM outcome_baseline WHERE attached_on <= '2026-03-31' \
             ORDER BY family_id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    {
        let mut s = hearth_store::Store::open(store.to_str().unwrap()).unwrap();
        let mut case = s.family_case(closed).unwrap().expect("attached: a case");
        let on = chrono::NaiveDate::from_ymd_opt(2027, 1, 15).unwrap();
        let at = on.and_hms_opt(10, 0, 0).unwrap().and_utc();
        case.close(hearth_model::CloseReason::ProgressAchieved, at, "lw1");
        s.save_family_case_because(&case, "work done").unwrap();
    }
    let status_of = |today: &str| -> BTreeSet<(String, String)> {
        let out = tempfile::tempdir_in(dir).unwrap();
        ok(hearth(&store)
            .args(["extract", "national-evaluation", "--recipient"])
            .arg(key.to_public().to_string())
            .arg("--out")
            .arg(out.path())
            .args(["--today", today]));
        let file = std::fs::read_dir(out.path()).unwrap().next().unwrap();
        let zip = age::decrypt(&key, &std::fs::read(file.unwrap().path()).unwrap()).unwrap();
        let attributes = member(&zip, "attributes.csv");
        let mut rows = csv::Reader::from_reader(attributes.as_bytes());
        let headers = rows.headers().unwrap().clone();
        let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let (status, end) = (col("programme_status"), col("end_date"));
        rows.records()
            .map(|r| {
                let r = r.unwrap();
                (r[status].to_owned(), r[end].to_owned())
            })
            .filter(|(s, _)| s == "closed")
            .collect()
    };
    assert!(
        status_of("2026-03-31").is_empty(),
        "closed later: open then"
    );
    assert_eq!(
        status_of("2027-08-31"),
        BTreeSet::from([("closed".to_owned(), "2027-01-15".to_owned())])
    );
    assert_eq!(
        programme(Some("2026-03-31")),
        (early, "2026-03-31".to_owned())
    );
    assert_eq!(programme(Some("2027-08-31")).0, late);
    // Without --today: as at the machine's date.
    let today = chrono::Utc::now().date_naive().to_string();
    assert_eq!(programme(None).0, attached_by(&today));
}
