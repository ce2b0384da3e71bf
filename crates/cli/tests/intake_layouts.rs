//! Black-box tests of `hearth import` with partner files in layouts Hearth's mappings did not
//! expect: a semicolon-separated file, a UTF-8 file under a `windows-1252` mapping, a header
//! with a non-breaking space.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn hearth() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
    c.env_remove("HEARTH_STORE")
        .env_remove("HEARTH_PG_SCHEMA")
        .env_remove("HEARTH_LOG");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(cmd: &mut Command) -> (bool, String) {
    let out: Output = cmd.output().expect("run hearth");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// A folder with `mappings/<name>.toml` holding `mapping`.
fn setup(name: &str, mapping: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let mappings = tmp.path().join("mappings");
    std::fs::create_dir(&mappings).unwrap();
    std::fs::write(mappings.join(format!("{name}.toml")), mapping).unwrap();
    (tmp, mappings)
}

/// `hearth import` of `file` into a fresh store in `dir`.
fn import(dir: &Path, mappings: &Path, file: &Path) -> (bool, String) {
    let store = dir.join("store.sqlite");
    run(hearth()
        .args(["import", "--today", "2026-09-01", "--store"])
        .arg(&store)
        .arg("--mappings")
        .arg(mappings)
        .arg(file))
}

const POLICE: &str = r#"
source = "police"
files = ["police*.csv"]
event_type = "incident"
date_formats = ["dd/mm/yyyy"]
DELIMITER
[identity]
family_name = "Surname"
given_name = "Forename"
address = "Home Address"
[fact]
event_date = "Recorded Date/Time"
[attributes.incident_category]
column = "Offence Type"
type = "text"
required = true
allowed = ["Crime", "ASB", "Domestic Abuse"]
translate = { burglary = "Crime", "criminal damage" = "Crime" }
"#;

#[test]
fn a_semicolon_file_imports_with_delimiter_set_and_says_how_without() {
    let csv = "Crime No;Recorded Date/Time;Offence Type;Surname;Forename;Home Address\r\n\
               CR/1;03/04/2026 14:35;Burglary;SMITH;John;\"12 Acacia Road, Newtown\"\r\n\
               CR/2;17/05/2026 10:10 PM;Domestic Abuse;LEE;Amy;\"Flat 3; 45 High Street\"\r\n\
               CR/3;01/06/2026;ASB;KAY;Sam;1 Mill Lane\r\n";
    let (tmp, mappings) = setup("police", &POLICE.replace("DELIMITER", ""));
    let file = tmp.path().join("police extract.csv");
    std::fs::write(&file, csv).unwrap();
    let (ok, out) = import(tmp.path(), &mappings, &file);
    assert!(!ok, "{out}");
    assert!(out.contains("police extract.csv"), "{out}");
    assert!(
        out.contains("the file looks semicolon-separated: set delimiter = \";\" in the mapping"),
        "{out}"
    );

    let (tmp, mappings) = setup("police", &POLICE.replace("DELIMITER", "delimiter = \";\""));
    let file = tmp.path().join("police extract.csv");
    std::fs::write(&file, csv).unwrap();
    let (ok, out) = import(tmp.path(), &mappings, &file);
    assert!(ok, "{out}");
    // Domestic Abuse and ASB are allowed values: no code needed in the table.
    assert!(
        out.contains("police extract.csv (police): 3 rows read, 3 imported, 0 quarantined"),
        "{out}"
    );
}

#[test]
fn a_utf8_file_under_a_windows_1252_mapping_is_read_as_utf8() {
    let mapping = r#"
source = "housing"
files = ["rent*.csv"]
encoding = "windows-1252"
event_type = "housing_account"
[identity]
full_name = { column = "Lead Tenant", pattern = "detect" }
[fact]
event_date = "Snapshot Date"
[attributes.arrears_balance]
column = "Arrears"
type = "money"
required = true
"#;
    let (tmp, mappings) = setup("housing", mapping);
    let file = tmp.path().join("rent arrears.csv");
    std::fs::write(
        &file,
        "Lead Tenant,Snapshot Date,Arrears\r\nZoë Brontë,31/07/2026,£900.00\r\n",
    )
    .unwrap();
    let (ok, out) = import(tmp.path(), &mappings, &file);
    assert!(ok, "{out}");
    assert!(
        out.contains("1 rows read, 1 imported, 0 quarantined"),
        "{out}"
    );
    assert!(
        out.contains(
            "Note: The mapping (housing.toml) says encoding = \"windows-1252\" but the file is \
             UTF-8; read as UTF-8."
        ),
        "{out}"
    );
}

#[test]
fn a_header_with_a_non_breaking_space_matches() {
    let mapping = r#"
source = "health"
files = ["health*.csv"]
event_type = "health_contact"
[identity]
full_name = "Name"
[fact]
event_date = "Contact Date"
[attributes.contact_type]
column = "Contact Type"
type = "text"
required = true
"#;
    let (tmp, mappings) = setup("health", mapping);
    let file = tmp.path().join("health contacts.csv");
    std::fs::write(
        &file,
        "NAME,contact\u{a0}type,Contact  Date\r\nAmy Lee,A&E attendance,03/04/2026\r\n",
    )
    .unwrap();
    let (ok, out) = import(tmp.path(), &mappings, &file);
    assert!(ok, "{out}");
    assert!(
        out.contains("1 rows read, 1 imported, 0 quarantined"),
        "{out}"
    );
}
