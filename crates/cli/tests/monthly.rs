//! Black-box tests of a data officer's monthly cycle: last month's files imported, linked and
//! identified, then this month's — a partner's full re-send replacing its earlier file,
//! previewed first with `--dry-run` — on SQLite and PostgreSQL.

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
source = "health"
files = ["health*.csv"]
event_type = "health_contact"
[identity]
given_name = "Forename"
family_name = "Surname"
date_of_birth = "DOB"
address = "Address"
postcode = "Postcode"
[fact]
event_date = "Seen"
[attributes.contact_type]
column = "Contact Type"
type = "text"
"#;

/// A folder with `mappings/health.toml` and the store argument (SQLite in the folder, or
/// PostgreSQL in `schema`).
fn setup(pg: Option<(&str, &str)>) -> (tempfile::TempDir, PathBuf, Vec<String>) {
    let tmp = tempfile::tempdir().unwrap();
    let mappings = tmp.path().join("mappings");
    std::fs::create_dir(&mappings).unwrap();
    std::fs::write(mappings.join("health.toml"), MAPPING).unwrap();
    let store = match pg {
        None => vec![
            "--store".into(),
            tmp.path().join("hearth.sqlite").display().to_string(),
        ],
        Some((url, schema)) => vec![
            "--store".into(),
            url.into(),
            "--pg-schema".into(),
            schema.into(),
        ],
    };
    (tmp, mappings, store)
}

/// Two families of four, each member with two A&E attendances, except: in August's file the
/// Okafors' Ada has a mental health contact in September 2024 (a health problem until the
/// window moves past it); in September's, the Lindqvists' Ada has one in June 2025.
fn health(month: u32) -> String {
    let mut s = String::from("Forename,Surname,DOB,Address,Postcode,Contact Type,Seen\n");
    let families = [
        ("Okafor", "12 Mill Lane", "WA7 2ES"),
        ("Lindqvist", "3 Quarry Street", "WA8 7AE"),
    ];
    let members = [
        ("Grace", "14/03/1987"),
        ("Samuel", "02/11/1985"),
        ("Ada", "09/06/2012"),
        ("Tobi", "21/01/2016"),
    ];
    for (surname, address, postcode) in families {
        for (forename, dob) in members {
            for seen in ["03/09/2024", "17/06/2025"] {
                let mental_health = forename == "Ada"
                    && match month {
                        8 => surname == "Okafor" && seen == "03/09/2024",
                        _ => surname == "Lindqvist" && seen == "17/06/2025",
                    };
                let kind = if mental_health {
                    "Mental health contact"
                } else {
                    "A&E attendance"
                };
                s.push_str(&format!(
                    "{forename},{surname},{dob},{address},{postcode},{kind},{seen}\n"
                ));
            }
        }
    }
    s
}

/// The family ID of the family whose problems are exactly `problems`, from an export.
fn family_with(export: &Path, problems: &str) -> String {
    let text = std::fs::read_to_string(export).unwrap();
    let row = text
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|c| c.get(4) == Some(&problems))
        .unwrap_or_else(|| panic!("no family with {problems}: {text}"));
    row[1].to_string()
}

fn people_keep_their_ids_when_a_partner_resends_its_file(
    dir: &Path,
    mappings: &Path,
    store: &[String],
) {
    let import = |file: &Path, extra: &[&str]| {
        run(hearth()
            .args(["import", "--today", "2025-09-01", "--mappings"])
            .arg(mappings)
            .args(store)
            .args(extra)
            .arg(file))
    };
    let link = |at: &str| run(hearth().args(["link", "--as-at", at]).args(store));
    let identify = |export: &Path| {
        run(hearth()
            .args(["identify", "--export"])
            .arg(export)
            .args(store))
    };
    let show = |family: &str| run(hearth().args(["family", "show", family]).args(store));

    let august = dir.join("health-2025-08.csv");
    std::fs::write(&august, health(8)).unwrap();
    let (ok, out, err) = import(&august, &[]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = link("2025-09-01");
    assert!(ok, "{out}{err}");
    assert!(out.contains("since the last run: 8 new people"), "{out}");
    // Linked pairs count exact duplicates, which are never compared: say so, so that more
    // linked than compared does not read as an error.
    assert!(
        out.contains("record pairs linked, exact duplicate records included;"),
        "{out}"
    );
    let (ok, out, err) = identify(&dir.join("august.csv"));
    assert!(ok, "{out}{err}");
    let okafors = family_with(&dir.join("august.csv"), "health");

    // September's full re-send, one row corrected. A dry run says what the import would
    // do with it, as with August's file sent again, and writes nothing.
    let september = dir.join("health-2025-09.csv");
    std::fs::write(&september, health(9)).unwrap();
    let (ok, out, err) = import(&august, &["--dry-run"]);
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("Already imported (batch 1): importing it would change nothing"),
        "{out}"
    );
    let (ok, out, err) = import(&september, &["--dry-run"]);
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("It looks like a new version of a file already imported")
            && out.contains("batch 1 (health-2025-08.csv, imported ")
            && out.contains("14 of its 16 rows are in this file")
            && out.contains("Importing it would stop and write nothing"),
        "{out}"
    );
    let (ok, out, err) = import(&september, &["--dry-run", "--replace"]);
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("With --replace, importing it would replace that batch"),
        "{out}"
    );
    let (ok, out, err) = import(&september, &["--replace"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("Batch 2 replaces batch 1"), "{out}");
    let (ok, out, err) = link("2025-10-01");
    assert!(ok, "{out}{err}");
    // An address last seen long ago places no one: the count says what "no usable" covers.
    assert!(
        out.contains(
            "people with no usable address (none, a placeholder such as \"No fixed abode\", \
             or none seen in the 36 months before the as-at date)"
        ),
        "{out}"
    );
    assert!(
        out.contains("since the last run: 0 new people, 0 merges, 0 splits"),
        "the same people must keep their IDs: {out}"
    );

    // A file of changes that repeats two rows already sent: said, in the preview and the import.
    let changes = dir.join("health-2025-10-changes.csv");
    let september_rows: Vec<String> = health(9).lines().map(str::to_string).collect();
    let mut text = september_rows[..3].join("\n") + "\n";
    for day in 20..25 {
        text.push_str(&format!(
            "Nia,Okafor,05/05/2020,12 Mill Lane,WA7 2ES,A&E attendance,{day}/08/2025\n"
        ));
    }
    std::fs::write(&changes, text).unwrap();
    let repeated = "2 of its rows are already in batch 2 (health-2025-09.csv): imported again, \
                    they count twice";
    let (ok, out, err) = import(&changes, &["--dry-run"]);
    assert!(ok && out.contains(repeated), "{out}{err}");
    let (ok, out, err) = import(&changes, &[]);
    assert!(ok && out.contains(repeated), "{out}{err}");

    // The family that no longer has the problem, and the family that has it now, say so.
    let (ok, out, err) = identify(&dir.join("september.csv"));
    assert!(ok, "{out}{err}");
    let lindqvists = family_with(&dir.join("september.csv"), "health");
    assert_ne!(okafors, lindqvists, "{out}");
    let (ok, out, err) = show(&okafors);
    assert!(ok, "{out}{err}");
    assert!(
        out.contains(
            "Since the previous identification run (1, as at 2025-09-01, problems: health): \
             not eligible then or now"
        ) && out.contains("No longer met: health. Then it was met by:")
            && out.contains("indicator health.mental_health by person ")
            && out.contains(
                "not met as at 2025-10-01 by the records held now (its records were in a file \
                 since replaced by a new version"
            ),
        "{out}"
    );
    let (ok, out, err) = show(&lindqvists);
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("problems: none): not eligible then or now")
            && out.contains("Problems met now and not then: health"),
        "{out}"
    );
}

#[test]
fn people_keep_their_ids_when_a_partner_resends_its_file_on_sqlite() {
    let (tmp, mappings, store) = setup(None);
    people_keep_their_ids_when_a_partner_resends_its_file(tmp.path(), &mappings, &store);
}

#[test]
#[cfg_attr(
    not(hearth_pg),
    ignore = "set HEARTH_TEST_POSTGRES_URL to run on PostgreSQL"
)]
fn people_keep_their_ids_when_a_partner_resends_its_file_on_postgresql() {
    let url = std::env::var("HEARTH_TEST_POSTGRES_URL")
        .expect("HEARTH_TEST_POSTGRES_URL was set when this test was built but is not now");
    let schema = format!("hearth_monthly_test_{}", std::process::id());
    let (tmp, mappings, store) = setup(Some((&url, &schema)));
    people_keep_their_ids_when_a_partner_resends_its_file(tmp.path(), &mappings, &store);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .batch_execute(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .unwrap();
}
