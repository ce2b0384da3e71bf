//! Black-box tests of placeholder addresses and postcodes (a tester's report): strangers
//! recorded "No fixed abode", "Unknown" or "Address withheld" are not made one family, and
//! health rows with the NHS pseudo-postcode for no fixed abode (ZZ99 3VZ) are kept. All the
//! people here are invented.

use std::path::Path;
use std::process::{Command, Output};

fn hearth(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
    c.env_remove("HEARTH_STORE")
        .env_remove("HEARTH_PG_SCHEMA")
        .env_remove("HEARTH_LOG")
        .env_remove("HEARTH_CONFIG")
        .current_dir(dir);
    c
}

fn ok(cmd: &mut Command) -> String {
    let out: Output = cmd.output().expect("run hearth");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "hearth failed: {stdout}\n{stderr}");
    stdout
}

const POLICE: &str = r#"
source = "police"
files = ["Police*Extract*.csv"]
event_type = "incident"
date_formats = ["dd/mm/yyyy"]

[identity]
family_name = "Surname"
given_name = "Forename"
date_of_birth = { column = "D.O.B", formats = ["dd/mm/yyyy"] }
address = "Home Address"

[fact]
event_date = "Recorded Date/Time"

[attributes.incident_category]
column = "Offence Type"
type = "text"
required = true
allowed = ["Crime", "ASB", "Domestic Abuse"]
translate = { burglary = "Crime", "domestic abuse" = "Domestic Abuse", asb = "ASB" }

[attributes.involvement]
column = "Role"
type = "text"
required = true
allowed = ["Suspect", "Offender", "Victim", "Witness"]
"#;

const POLICE_FILE: &str = "\
Crime No,Recorded Date/Time,Offence Type,Role,SURNAME ,Forename ,D.O.B,Home Address
CR/1,03/04/2026,Burglary,Suspect,PRATT,Kevin,01/01/1980,No Fixed Abode
CR/2,04/04/2026,ASB,Offender,JONES,Dean,02/02/2010,NO FIXED ABODE
CR/3,05/04/2026,Domestic Abuse,Victim,HUSSAIN,Amira,03/03/1985,no fixed abode
CR/4,06/04/2026,Burglary,Suspect,WALSH,Ryan,04/04/2011,Unknown
CR/5,07/04/2026,Burglary,Suspect,KHAN,Sara,05/05/1990,Unknown
CR/6,08/04/2026,ASB,Suspect,BROWN,Lee,06/06/2012,\"Address withheld, ne4 7qt\"
CR/7,08/04/2026,ASB,Suspect,GREEN,Amy,06/06/1982,\"Address withheld, NE4 7QT\"
";

const HEALTH: &str = r#"
source = "health"
files = ["h*.csv"]
event_type = "health_contact"
date_formats = ["dd/mm/yyyy"]

[identity]
nhs_number = "NHS Number"
full_name = { column = "Name", pattern = "detect" }
date_of_birth = "DOB"
sex = "Sex"
address = "Address"
postcode = "Postcode"

[fact]
event_date = "Contact Date"

[attributes.contact_type]
column = "Contact Type"
type = "text"
required = true
"#;

const HEALTH_FILE: &str = "\
NHS Number,Name,DOB,Sex,Address,Postcode,Contact Type,Contact Date
4010232145,Karen Lee,03/04/1987,F,,ZZ99 3VZ,A&E attendance,03/04/2026
4010232153,Tyler Ross,05/09/2012,M,,ZZ99 3VZ,Substance misuse,05/05/2026
4010232188,Amy Kerr,05/09/1980,F,No fixed abode,NFA,Mental health contact,05/05/2026
4010232196,Bob Kerr,05/09/1981,M,Unknown,UNKNOWN,Mental health contact,05/05/2026
";

/// A folder holding `mappings/` with `mapping` as `name`, and the file `file_name`.
fn folder(name: &str, mapping: &str, file_name: &str, file: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("mappings")).unwrap();
    std::fs::write(tmp.path().join("mappings").join(name), mapping).unwrap();
    std::fs::write(tmp.path().join(file_name), file).unwrap();
    tmp
}

fn import(dir: &Path, file: &str) -> String {
    ok(hearth(dir).args([
        "import",
        "--today",
        "2026-05-10",
        "--store",
        "hearth.sqlite",
        "--mappings",
        "mappings",
        file,
    ]))
}

#[test]
fn strangers_with_no_fixed_abode_are_not_one_eligible_family() {
    let tmp = folder("police.toml", POLICE, "Police NFA Extract.csv", POLICE_FILE);
    let dir = tmp.path();
    let imported = import(dir, "Police NFA Extract.csv");
    assert!(
        imported.contains("7 rows read, 7 imported, 0 quarantined"),
        "{imported}"
    );
    assert!(imported.contains("says there is no address"), "{imported}");
    let linked =
        ok(hearth(dir).args(["link", "--store", "hearth.sqlite", "--as-at", "2026-05-01"]));
    assert!(linked.contains("into 7 people"), "{linked}");
    assert!(
        linked.contains("0 households, 0 families with children; 7 people with no usable address"),
        "{linked}"
    );
    let identified = ok(hearth(dir).args(["identify", "--store", "hearth.sqlite"]));
    assert!(
        identified.contains("0 families assessed, 0 eligible"),
        "{identified}"
    );
}

#[test]
fn health_rows_with_pseudo_postcodes_are_imported_not_quarantined() {
    let tmp = folder("h.toml", HEALTH, "h-zz.csv", HEALTH_FILE);
    let dir = tmp.path();
    let imported = import(dir, "h-zz.csv");
    assert!(
        imported.contains("4 rows read, 4 imported, 0 quarantined"),
        "{imported}"
    );
    assert!(imported.contains("stands for no postcode"), "{imported}");
    assert!(!imported.contains("not a valid UK postcode"), "{imported}");
    let linked =
        ok(hearth(dir).args(["link", "--store", "hearth.sqlite", "--as-at", "2026-05-31"]));
    assert!(
        linked.contains("0 households, 0 families with children; 4 people with no usable address"),
        "{linked}"
    );
}
