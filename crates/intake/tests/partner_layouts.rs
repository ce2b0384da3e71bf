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
    let import = read_bytes(
        "rent.csv",
        csv.as_bytes(),
        &housing("windows-1252"),
        &options(),
    )
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
    assert_eq!(
        import.rows[0].identity.full_name.as_deref(),
        Some("Zoë Brontë")
    );
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
    assert!(
        msg.starts_with("h.csv: mapping mappings/health.toml"),
        "{msg}"
    );
    assert!(
        msg.contains("names column(s) \"Contact Type\" that the file's header does not have"),
        "{msg}"
    );
    // Shown so that it does not look like "Contact Type"; a tab as \t.
    assert!(
        msg.contains(
            r#"the header has: "Name", "Contact<U+200B> Type", "Contact\tDate", "Other\tColumn""#
        ),
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

/// `health()` with extra top-level settings.
fn health_with(settings: &str) -> Mapping {
    let text = r#"
        source = "health"
        files = ["h*.csv"]
        SETTINGS
        event_type = "health_contact"
        [identity]
        full_name = "Name"
        address = "Address"
        [fact]
        event_date = "Contact Date"
        [attributes.note]
        column = "Note"
        type = "text"
        "#
    .replace("SETTINGS", settings);
    Mapping::parse(&text, "mappings/health.toml").unwrap()
}

#[test]
fn a_semicolon_file_reads_with_its_delimiter_and_fails_with_a_hint_without() {
    let csv = "Name;Address;Contact Date;Note\r\n\
               Amy Lee;\"Flat 3, 45 High St; Oldtown\";03/04/2026;ok\r\n\
               Bob Lee;1 A St;04/04/2026;\"two\r\nlines\"\r\n\
               Cat Lee;1 A St;05/04/2026;x;extra\r\n";
    let err = read_bytes("h.csv", csv.as_bytes(), &health_with(""), &options()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with("h.csv: mapping mappings/health.toml names column(s)"),
        "{msg}"
    );
    assert!(
        msg.ends_with("; the file looks semicolon-separated: set delimiter = \";\" in the mapping"),
        "{msg}"
    );

    let import = read_bytes(
        "h.csv",
        csv.as_bytes(),
        &health_with("delimiter = \";\""),
        &options(),
    )
    .unwrap();
    assert_eq!(imported_rows(&import), [2, 3]);
    assert_eq!(
        import.rows[0].identity.address.as_deref(),
        Some("Flat 3, 45 High St; Oldtown")
    );
    assert_eq!(
        import.rows[1].fact.attributes["note"],
        AttrValue::Text("two\r\nlines".into())
    );
    // A value with the separator in it: the advice names the semicolon.
    assert_quarantined(
        &import,
        4,
        None,
        "Row has 5 values but the header has 4 columns; a value probably contains a \
         semicolon: put that value in double quotes",
    );
}

#[test]
fn a_tab_separated_file_reads_with_its_delimiter() {
    let tsv = "Name\tAddress\tContact Date\tNote\nAmy Lee\t1 A St, Oldtown\t03/04/2026\tok\n";
    let err = read_bytes("h.txt", tsv.as_bytes(), &health_with(""), &options()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains(r#"the header has: "Name\tAddress\tContact Date\tNote""#),
        "{msg}"
    );
    assert!(
        msg.ends_with("; the file looks tab-separated: set delimiter = \"\\t\" in the mapping"),
        "{msg}"
    );
    let import = read_bytes(
        "h.txt",
        tsv.as_bytes(),
        &health_with("delimiter = \"\\t\""),
        &options(),
    )
    .unwrap();
    assert_eq!(imported_rows(&import), [2]);
    assert_eq!(
        import.rows[0].identity.address.as_deref(),
        Some("1 A St, Oldtown")
    );
}

#[test]
fn title_rows_above_the_header_are_skipped_with_header_row_and_hinted_without() {
    let csv = "Health contacts report\r\nRun on 01/08/2026 by SYSTEM\r\n\r\n\
               Name,Address,Contact Date,Note\r\n\
               Amy Lee,1 A St,03/04/2026,ok\r\n\
               \r\n\
               Bob Lee,1 A St,31/02/2026,ok\r\n";
    let err = read_bytes("h.csv", csv.as_bytes(), &health_with(""), &options()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("the header has: \"Health contacts report\""),
        "{msg}"
    );
    assert!(
        msg.ends_with("; the header seems to be on row 4: set header_row = 4 in the mapping"),
        "{msg}"
    );

    let import = read_bytes(
        "h.csv",
        csv.as_bytes(),
        &health_with("header_row = 4"),
        &options(),
    )
    .unwrap();
    // Row numbers stay what a spreadsheet shows.
    assert_eq!(imported_rows(&import), [5]);
    assert_eq!(import.quarantined[0].source_row, 7);
    assert_eq!(import.rows_read, 2);

    // A header row that is blank or past the end.
    for row in [3, 9] {
        let err = read_bytes(
            "h.csv",
            csv.as_bytes(),
            &health_with(&format!("header_row = {row}")),
            &options(),
        )
        .unwrap_err();
        assert!(matches!(err, IntakeError::NoHeaderRow { .. }), "{err}");
        assert_eq!(
            err.to_string(),
            format!(
                "h.csv has no header on row {row}, which mapping mappings/health.toml gives as \
                 its header_row: that row is blank or past the end of the file"
            )
        );
    }
}

#[test]
fn a_time_with_am_or_pm_after_the_date_is_ignored() {
    let csv = "Name,Address,Contact Date,Note\n\
               Amy Lee,1 A St,3/4/2026 12:00 PM,ok\n\
               Bob Lee,1 A St,03/04/2026 9:30am,ok\n";
    let import = read_bytes("h.csv", csv.as_bytes(), &health_with(""), &options()).unwrap();
    assert_eq!(imported_rows(&import), [2, 3]);
    let day = chrono::NaiveDate::from_ymd_opt(2026, 4, 3);
    assert!(import.rows.iter().all(|r| r.fact.event_date == day));
}
