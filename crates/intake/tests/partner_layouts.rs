//! Partner files in layouts Hearth's authors did not design: a UTF-8 file under a
//! `windows-1252` mapping, headers with invisible differences, values already allowed under
//! a translation table, other separators, title rows above the header, times with AM/PM.

mod common;

use common::{assert_quarantined, imported_rows, options};
use hearth_intake::{read_bytes, IntakeError, Mapping, Problem};
use hearth_model::AttrValue;

fn housing(encoding: &str) -> Mapping {
    Mapping::parse(
        &format!(
            r#"
            source = "housing"
            files = ["rent*.csv"]
            encoding = "{encoding}"
            event_type = "housing_account"
            [identity]
            full_name = {{ column = "Lead Tenant", pattern = "detect" }}
            [fact]
            event_date = "Snapshot Date"
            [attributes.arrears_balance]
            column = "Arrears"
            type = "money"
            required = true
            "#
        ),
        "mappings/housing.toml",
    )
    .unwrap()
}

#[test]
fn a_utf8_file_under_a_windows_1252_mapping_is_read_as_utf8_and_says_so() {
    let csv = "Lead Tenant,Snapshot Date,Arrears\nZoë Brontë,31/07/2026,£900.00\n";
    let import = read_bytes("rent.csv", csv.as_bytes(), &housing("windows-1252"), &options())
        .unwrap();
    assert_eq!(imported_rows(&import), [2]);
    let row = &import.rows[0];
    assert_eq!(row.identity.full_name.as_deref(), Some("Zoë Brontë"));
    assert_eq!(
        row.fact.attributes["arrears_balance"],
        AttrValue::Number(900.0)
    );
    let summary = import.summary.to_string();
    assert!(
        summary.contains(
            "Note: The mapping (housing.toml) says encoding = \"windows-1252\" but the file is \
             UTF-8; read as UTF-8."
        ),
        "{summary}"
    );

    // A real Windows-1252 file is still read as one, and plain ASCII needs no note.
    let import = read_bytes(
        "rent.csv",
        b"Lead Tenant,Snapshot Date,Arrears\nZo\xEB Bront\xEB,31/07/2026,\xA3900.00\n",
        &housing("windows-1252"),
        &options(),
    )
    .unwrap();
    assert_eq!(import.rows[0].identity.full_name.as_deref(), Some("Zoë Brontë"));
    assert!(import.summary.notes.is_empty());
}

fn health() -> Mapping {
    Mapping::parse(
        r#"
        source = "health"
        files = ["h*.csv"]
        event_type = "health_contact"
        [identity]
        full_name = "Name"
        [fact]
        event_date = "Contact Date"
        [attributes.contact_type]
        column = "Contact Type"
        type = "text"
        required = true
        allowed = ["A&E attendance", "Mental health contact"]
        "#,
        "mappings/health.toml",
    )
    .unwrap()
}

#[test]
fn headers_match_across_non_breaking_and_repeated_spaces() {
    let csv = "NAME,contact\u{a0}type,Contact  Date\nAmy Lee,a&e  ATTENDANCE,03/04/2026\n";
    let import = read_bytes("h.csv", csv.as_bytes(), &health(), &options()).unwrap();
    assert_eq!(imported_rows(&import), [2]);
    assert_eq!(
        import.rows[0].fact.attributes["contact_type"],
        AttrValue::Text("A&E attendance".into())
    );
}

#[test]
fn a_header_differing_only_by_invisible_characters_names_them() {
    let csv = "Name,Contact\u{200b} Type,Contact\tDate,Other\tColumn\nAmy Lee,A&E attendance,03/04/2026,x\n";
    let err = read_bytes("h.csv", csv.as_bytes(), &health(), &options()).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, IntakeError::Header { .. }), "{msg}");
    assert!(msg.starts_with("h.csv: mapping mappings/health.toml"), "{msg}");
    assert!(
        msg.contains("names column(s) \"Contact Type\" that the file's header does not have"),
        "{msg}"
    );
    // Shown so that it does not look like "Contact Type"; a tab as \t.
    assert!(
        msg.contains(r#"the header has: "Name", "Contact<U+200B> Type", "Contact\tDate", "Other\tColumn""#),
        "{msg}"
    );
    assert!(
        msg.contains(
            "the header \"Contact<U+200B> Type\" differs from \"Contact Type\" only by invisible \
             characters (U+200B (zero-width space)): retype that header in the file"
        ),
        "{msg}"
    );
}

#[test]
fn a_value_already_allowed_passes_a_translation_table() {
    let mapping = Mapping::parse(
        r#"
        source = "police"
        files = ["police*.csv"]
        event_type = "incident"
        [identity]
        family_name = "Surname"
        [fact]
        event_date = "Date"
        [attributes.incident_category]
        column = "Offence Type"
        type = "text"
        required = true
        allowed = ["Crime", "ASB", "Domestic Abuse"]
        translate = { burglary = "Crime", "criminal damage" = "Crime" }
        "#,
        "police.toml",
    )
    .unwrap();
    let csv = "Surname,Date,Offence Type\n\
               Smith,03/04/2026,Burglary\n\
               Bronte,03/04/2026,Domestic Abuse\n\
               Obrien,03/04/2026,asb\n\
               Pratt,03/04/2026,domestic  abuse\n\
               Kay,03/04/2026,Theft\n";
    let import = read_bytes("police.csv", csv.as_bytes(), &mapping, &options()).unwrap();
    assert_eq!(imported_rows(&import), [2, 3, 4, 5]);
    let got: Vec<_> = import
        .rows
        .iter()
        .map(|r| r.fact.attributes["incident_category"].clone())
        .collect();
    assert_eq!(
        got,
        ["Crime", "Domestic Abuse", "ASB", "Domestic Abuse"].map(|s| AttrValue::Text(s.into()))
    );
    assert_quarantined(
        &import,
        6,
        Some("Offence Type"),
        "Offence Type \"Theft\" is not in the mapping's translation table for Offence Type, \
         which lists burglary, criminal damage (or ASB, Crime, Domestic Abuse); add it to the \
         table or correct the value",
    );
    assert!(import
        .summary
        .problems
        .iter()
        .all(|g| g.problem == Problem::NotInTable && g.rows == 1));
}
