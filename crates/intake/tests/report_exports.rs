//! Partner exports as reporting tools and spreadsheets write them: totals rows with long
//! labels, addresses typed over several lines, names written as not known, and numbers with
//! a decimal comma. Good rows beside the odd ones are always imported.

mod common;

use common::*;
use hearth_intake::{read_bytes, Mapping, Problem};
use hearth_model::AttrValue;

/// Surname, forename, date of birth, address, postcode, NHS and NI numbers, contact date.
fn contacts() -> Mapping {
    Mapping::parse(
        r#"
        source = "health"
        files = ["*"]
        event_type = "health_contact"
        [identity]
        family_name = "Surname"
        given_name = "Forename"
        date_of_birth = "DOB"
        address = "Address"
        postcode = "Postcode"
        nhs_number = "NHS Number"
        ni_number = "NI Number"
        [fact]
        event_date = "Contact Date"
        "#,
        "contacts.toml",
    )
    .unwrap()
}

const HEADER: &str = "Surname,Forename,DOB,Address,Postcode,NHS Number,NI Number,Contact Date\n";

/// Totals rows with labels longer than "Total" were imported as people; a person whose
/// family name is "Total" or "Counts" (with a forename and a date of birth) was quarantined
/// as a totals row. Now each is told from the other.
#[test]
fn totals_rows_with_long_labels_are_quarantined_and_people_called_total_are_kept() {
    let csv = format!(
        "{HEADER}\
        Lee,Amy,01/02/1980,,,,,03/04/2025\n\
        Total,Amy,01/02/2010,,,,,03/04/2025\n\
        Counts,Bob,05/06/2011,,,,,03/04/2025\n\
        Total episodes 30,,,,,,,03/04/2025\n\
        Grand total: 412,,,,,,,03/04/2025\n\
        TOTAL RECORDS = 58,,,,,,,03/04/2025\n\
        Count of rows 12,,,,,,,03/04/2025\n\
        Total,,,,,412,,03/04/2025\n"
    );
    let import = read_bytes("contacts.csv", csv.as_bytes(), &contacts(), &options()).unwrap();
    assert_eq!(
        imported_rows(&import),
        [2, 3, 4],
        "{:#?}",
        import.quarantined
    );
    assert_eq!(
        import.rows[1].identity.family_name.as_deref(),
        Some("Total")
    );
    assert_eq!(
        import.rows[2].identity.family_name.as_deref(),
        Some("Counts")
    );
    for (row, label) in [
        (5, "Total episodes 30"),
        (6, "Grand total: 412"),
        (7, "TOTAL RECORDS = 58"),
        (8, "Count of rows 12"),
        (9, "Total"),
    ] {
        assert_quarantined(
            &import,
            row,
            None,
            &format!(
                "Row looks like a totals row (\"{label}\" in its first filled cell); delete it"
            ),
        );
    }

    // A whole-name column: "Total Amy" is a person, "Total episodes 30" and "Sum of
    // arrears" are not.
    let mapping = Mapping::parse(
        r#"
        source = "housing"
        files = ["*"]
        event_type = "housing_account"
        [identity]
        full_name = { column = "Tenant", pattern = "detect" }
        [fact]
        event_date = { value = "2025-08-31" }
        [attributes.arrears_balance]
        column = "Arrears"
        type = "money"
        "#,
        "housing.toml",
    )
    .unwrap();
    let csv = "Tenant,Arrears\n\
        \"SMITH, Zoe\",£12.00\n\
        Total Amy,£2.00\n\
        Total episodes 30,\"£12,345.00\"\n\
        Sum of arrears,\"£12,345.00\"\n";
    let import = read_bytes("rent.csv", csv.as_bytes(), &mapping, &options()).unwrap();
    assert_eq!(imported_rows(&import), [2, 3], "{:#?}", import.quarantined);
    assert_eq!(
        quarantined(&import, 5).reason,
        "Row looks like a totals row (\"Sum of arrears\" in its first filled cell); delete it"
    );
}

/// An address typed over several lines (Alt+Enter in Excel: a quoted cell with CR/LF line
/// breaks) is stored on one line, its lines joined by ", " without doubled commas or spaces.
#[test]
fn an_address_over_several_lines_is_stored_on_one_line() {
    let csv = format!(
        "{HEADER}\
        Lee,Amy,01/02/1980,\"12 High St,\r\nFlat 2\r\n\r\n  Anytown \",M1 1AE,,,03/04/2025\n\
        Ray,Bob,02/03/1981,\"3 Low Rd\nAnytown,\",M1 1AE,,,03/04/2025\n\
        Fox,Cal,03/04/1982,\"4  Mill   Lane\rAnytown\",M1 1AE,,,03/04/2025\n\
        Kay,Dee,04/05/1983,5 Main St,M1 1AE,,,03/04/2025\n"
    );
    let import = read_bytes("contacts.csv", csv.as_bytes(), &contacts(), &options()).unwrap();
    assert_eq!(
        imported_rows(&import),
        [2, 3, 4, 5],
        "{:#?}",
        import.quarantined
    );
    let addresses: Vec<_> = import
        .rows
        .iter()
        .map(|r| r.identity.address.as_deref().unwrap_or_default())
        .collect();
    assert_eq!(
        addresses,
        [
            "12 High St, Flat 2, Anytown",
            "3 Low Rd, Anytown",
            "4 Mill Lane, Anytown",
            "5 Main St"
        ]
    );

    // With the postcode at the end of the address (no postcode column), it is still found.
    let text = std::fs::read_to_string(mappings_dir().join("housing.toml")).unwrap();
    let housing = Mapping::parse(&text, "housing.toml").unwrap();
    let csv =
        "Tenancy Ref,Tenant Name,Date of Birth,Address,Record Date,Arrears Balance,Notice Type\n\
        T1,\"SMITH, Zoe\",01/02/1980,\"1 Low Rd\r\nAnytown\r\nAB1 2DE\",31/07/2025,0.00,\n";
    let import = read_bytes("housing.csv", csv.as_bytes(), &housing, &options()).unwrap();
    assert_eq!(imported_rows(&import), [2], "{:#?}", import.quarantined);
    let id = &import.rows[0].identity;
    assert_eq!(id.address.as_deref(), Some("1 Low Rd, Anytown"));
    assert_eq!(id.postcode.as_ref().map(|p| p.as_str()), Some("AB1 2DE"));
}

/// A row whose only names are placeholders ("N/K", "Unknown", "-") was imported as a person
/// called "N/K". Placeholder names are read as no name (counted as a warning); a row left with
/// no name and no NHS number, NI number or UPN is quarantined saying why, naming the field;
/// one with a real number is kept.
#[test]
fn placeholder_names_are_no_name_and_a_row_with_nothing_else_is_quarantined() {
    let csv = format!(
        "{HEADER}\
        Lee,Amy,01/02/1980,,,,,03/04/2025\n\
        N/K,N/K,,,,,,03/04/2025\n\
        Not Known,UNKNOWN,01/01/2000,,,,,03/04/2025\n\
        NK,n/a,,,,,,03/04/2025\n\
        -,?,,,,,,03/04/2025\n\
        N/K,N/K,,,,943 476 5919,,03/04/2025\n\
        UNKNOWN,Not known,,,,,AB123456C,03/04/2025\n\
        Smith,Unknown,,,,,,03/04/2025\n"
    );
    let import = read_bytes("contacts.csv", csv.as_bytes(), &contacts(), &options()).unwrap();
    assert_eq!(
        imported_rows(&import),
        [2, 7, 8, 9],
        "{:#?}",
        import.quarantined
    );
    assert_quarantined(
        &import,
        3,
        Some("Forename"),
        "Forename \"N/K\" means the name is not known, and the row has no other name and no NHS \
         number, NI number or UPN, so Hearth cannot tell who it is about; fill in the person's \
         name or one of those numbers",
    );
    for (row, written) in [(4, "UNKNOWN"), (5, "n/a"), (6, "?")] {
        let q = quarantined(&import, row);
        assert_eq!(q.field.as_deref(), Some("Forename"), "row {row}");
        assert!(
            q.reason.starts_with(&format!(
                "Forename \"{written}\" means the name is not known"
            )),
            "row {row}: {}",
            q.reason
        );
    }
    let kept = |row: u64| {
        let r = import.rows.iter().find(|r| r.source_row == row).unwrap();
        &r.identity
    };
    assert_eq!(
        (kept(7).given_name.clone(), kept(7).family_name.clone()),
        (None, None)
    );
    assert_eq!(
        kept(7).nhs_number.as_ref().map(|n| n.as_str()),
        Some("9434765919")
    );
    assert!(kept(8).ni_number.is_some() && kept(8).family_name.is_none());
    assert_eq!(
        (
            kept(9).given_name.as_deref(),
            kept(9).family_name.as_deref()
        ),
        (None, Some("Smith"))
    );
    let w = import
        .summary
        .warnings
        .iter()
        .find(|w| w.problem == Problem::NamePlaceholder && w.field.as_deref() == Some("Forename"))
        .expect("placeholder names counted");
    assert_eq!((w.rows, w.example_row), (7, 3));

    // A whole name: "Not Known" is not a person called Known, "N/K N/K" not one called N/K.
    let csv = "NHS Number,Patient Name,Date of Birth,Gender,Address,Postcode,Contact Type,Contact Date,Outcome\n\
        ,Karen Lee,03/04/1987,F,,,A&E attendance,03/04/2025,\n\
        ,Not Known,03/04/1987,F,,,A&E attendance,03/04/2025,\n\
        ,N/K N/K,,,,,A&E attendance,03/04/2025,\n\
        943 476 5919,UNKNOWN,,,,,A&E attendance,03/04/2025,\n\
        ,Unknown Smith,,,,,A&E attendance,03/04/2025,\n";
    let import = read_bytes("h.csv", csv.as_bytes(), &shipped("health"), &options()).unwrap();
    assert_eq!(
        imported_rows(&import),
        [2, 5, 6],
        "{:#?}",
        import.quarantined
    );
    assert_eq!(
        quarantined(&import, 3).field.as_deref(),
        Some("Patient Name")
    );
    assert_eq!(
        quarantined(&import, 4).field.as_deref(),
        Some("Patient Name")
    );
    let smith = &import.rows[2].identity;
    assert_eq!(
        (smith.given_name.as_deref(), smith.family_name.as_deref()),
        (None, Some("Smith"))
    );
    assert_eq!(import.rows[1].identity.full_name, None);

    // A Unique Pupil Number tells who it is, too.
    let mapping = Mapping::parse(
        r#"
        source = "schools"
        files = ["*"]
        event_type = "attendance"
        [identity]
        family_name = "Surname"
        given_name = "Forename"
        upn = "UPN"
        [fact]
        event_date = { value = "2025-07-31" }
        "#,
        "schools.toml",
    )
    .unwrap();
    let csv = "Surname,Forename,UPN\nN/K,N/K,H820200100001\nN/K,N/K,\n";
    let import = read_bytes("s.csv", csv.as_bytes(), &mapping, &options()).unwrap();
    assert_eq!(imported_rows(&import), [2], "{:#?}", import.quarantined);
    assert_eq!(quarantined(&import, 3).field.as_deref(), Some("Forename"));
}

/// In a workbook, Alt+Enter puts line breaks in an address cell, and a totals row may hold
/// number cells: the address is stored on one line, the totals row quarantined, and a person
/// called Total with a date of birth kept.
#[test]
fn a_workbook_address_over_lines_and_totals_row_with_number_cells() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let header = HEADER.trim_end().split(',').collect::<Vec<_>>();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let rows: [[&str; 8]; 3] = [
        [
            "Lee",
            "Amy",
            "01/02/1980",
            "12 High St,\nFlat 2\n\nAnytown",
            "M1 1AE",
            "",
            "",
            "03/04/2025",
        ],
        ["Total episodes", "", "", "", "", "", "", "03/04/2025"],
        ["Total", "Amy", "01/02/2010", "", "", "", "", "03/04/2025"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    ws.write_number(2, 5, 30.0).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let import = read_bytes("contacts.xlsx", &bytes, &contacts(), &options()).unwrap();
    assert_eq!(imported_rows(&import), [2, 4], "{:#?}", import.quarantined);
    assert_eq!(
        import.rows[0].identity.address.as_deref(),
        Some("12 High St, Flat 2, Anytown")
    );
    assert_eq!(
        quarantined(&import, 3).reason,
        "Row looks like a totals row (\"Total episodes\" in its first filled cell); delete it"
    );
}

/// A school attendance export, semicolon-separated with decimal commas.
fn attendance(extra: &str) -> Mapping {
    Mapping::parse(
        &format!(
            r#"
            source = "schools"
            files = ["*"]
            event_type = "attendance"
            delimiter = ";"
            {extra}
            [identity]
            family_name = "Surname"
            given_name = "Forename"
            [fact]
            event_date = {{ value = "2025-07-31" }}
            [attributes.sessions_possible]
            column = "Possible"
            type = "number"
            [attributes.sessions_missed]
            column = "Attendance %"
            type = "number"
            percent_of = "sessions_possible"
            percent_complement = true
            [attributes.hours]
            column = "Hours"
            type = "number"
            [attributes.visits]
            column = "Visits"
            type = "number"
            [attributes.fine]
            column = "Fine"
            type = "money"
            "#
        ),
        "schools.toml",
    )
    .unwrap()
}

fn number(import: &hearth_intake::FileImport, row: u64, attr: &str) -> Option<f64> {
    let r = import.rows.iter().find(|r| r.source_row == row)?;
    match r.fact.attributes.get(attr) {
        Some(AttrValue::Number(n)) => Some(*n),
        _ => None,
    }
}

/// "87,5" and "1,500" in a semicolon-separated file were refused or read as 1500. Each number
/// column's decimal mark is decided from its values: Hours shows a comma ("2,25"), so its
/// "1,500" is 1.5; Visits shows a point ("2,250.5"), so its "1,500" is 1500. A value against
/// its column's mark is quarantined, naming the field; the rows beside it are imported.
#[test]
fn decimal_commas_are_read_per_column_in_a_semicolon_file() {
    let csv = "Surname;Forename;Possible;Attendance %;Hours;Visits;Fine\n\
        Lee;Amy;190;87,5;1,500;1,500;1.234,50\n\
        Ray;Bob;190;100;2,25;2,250.5;12,00\n\
        Fox;Cal;190;92,5;12;3;0\n\
        Kay;Dee;190;90;3.5;4;0\n";
    let import = read_bytes("att.csv", csv.as_bytes(), &attendance(""), &options()).unwrap();
    assert_eq!(
        imported_rows(&import),
        [2, 3, 4],
        "{:#?}",
        import.quarantined
    );
    assert_eq!(number(&import, 2, "sessions_missed"), Some(23.75));
    assert_eq!(number(&import, 2, "hours"), Some(1.5));
    assert_eq!(number(&import, 2, "visits"), Some(1500.0));
    assert_eq!(number(&import, 2, "fine"), Some(1234.5));
    assert_eq!(number(&import, 3, "hours"), Some(2.25));
    assert_eq!(number(&import, 3, "visits"), Some(2250.5));
    assert_eq!(number(&import, 3, "fine"), Some(12.0));
    assert_eq!(number(&import, 4, "sessions_missed"), Some(14.25));
    assert_quarantined(
        &import,
        5,
        Some("Hours"),
        "Hours \"3.5\" is not a number; use digits only, e.g. 12 or 3,5 (a comma as the \
         decimal mark, as in this column)",
    );
    // The summary says how the values that read either way were read (no cell values).
    let notes = import.summary.notes.join("\n");
    assert!(notes.contains("Hours: 1 value(s) such as 1,500 could be read two ways; read with a comma as the decimal mark (1,500 = 1.5)"), "{notes}");
    assert!(notes.contains("Visits: 1 value(s) such as 1,500 could be read two ways; read with a point as the decimal mark (1,500 = 1500)"), "{notes}");

    // The mapping may say: decimal = "." reads 1,500 as 1500 in every column.
    let csv = "Surname;Forename;Possible;Attendance %;Hours;Visits;Fine\n\
        Lee;Amy;190;87.5;1,500;1,500;1,234.50\n";
    let import = read_bytes(
        "att.csv",
        csv.as_bytes(),
        &attendance("decimal = \".\""),
        &options(),
    )
    .unwrap();
    assert_eq!(imported_rows(&import), [2]);
    assert_eq!(number(&import, 2, "hours"), Some(1500.0));
    assert!(import.summary.notes.is_empty());

    // decimal = "," applies whatever the separator.
    let m = Mapping::parse(
        r#"
        source = "schools"
        files = ["*"]
        event_type = "attendance"
        delimiter = "\t"
        decimal = ","
        [identity]
        family_name = "Surname"
        [fact]
        event_date = { value = "2025-07-31" }
        [attributes.hours]
        column = "Hours"
        type = "number"
        "#,
        "schools.toml",
    )
    .unwrap();
    assert_eq!(m.decimal(), Some(','));
    let import = read_bytes(
        "att.tsv",
        "Surname\tHours\nLee\t1,500\n".as_bytes(),
        &m,
        &options(),
    )
    .unwrap();
    assert_eq!(number(&import, 2, "hours"), Some(1.5));

    let err = Mapping::parse(
        "source = \"x\"\nfiles = [\"*\"]\nevent_type = \"x\"\ndecimal = \";\"\n[identity]\nfamily_name = \"S\"\n",
        "m.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("m.toml") && err.contains("`decimal` must be"),
        "{err}"
    );
}
