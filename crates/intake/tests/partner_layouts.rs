//! Partner files in layouts Hearth's authors did not design: a UTF-8 file under a
//! `windows-1252` mapping, headers with invisible differences, values already allowed under
//! a translation table, other separators, title rows above the header, times with AM/PM.

mod common;

use common::{imported_rows, options};
use hearth_intake::{read_bytes, Mapping};
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
