//! Partner exports in layouts Hearth's authors did not design (helper `intakeqa`'s findings,
//! /work/notes/intakeqa.md): dates written month first by an American-built system, the
//! header repeated where two exports were joined, dates of birth written "N/K" or 01/01/1900.

mod common;

use common::*;
use hearth_intake::{read_bytes, IntakeError, Mapping};

/// A health mapping reading every date with the defaults (`dd/mm/yyyy`, `yyyy-mm-dd`).
fn health() -> Mapping {
    Mapping::parse(
        r#"
        source = "health"
        files = ["*"]
        event_type = "health_contact"
        [identity]
        given_name = "Forename"
        family_name = "Surname"
        date_of_birth = "DOB"
        [fact]
        event_date = "Contact Date"
        "#,
        "health.toml",
    )
    .unwrap()
}

/// An American-built system writes 04/25/2025. Read day first, 03/04/2025 would be 3 April
/// (it is 4 March) while 04/25/2025 is quarantined: the file is refused instead, naming the
/// column, the rows that show it and the format that reads it.
#[test]
fn a_column_written_month_first_is_refused_not_read_with_day_and_month_swapped() {
    let csv = "Forename,Surname,DOB,Contact Date\n\
        Amy,Lee,01/02/1980,03/04/2025\n\
        Bob,Ray,02/03/1981,04/25/2025\n\
        Cal,Fox,03/04/1982,05/06/2025\n\
        Dee,Kay,04/05/1983,07/30/2025\n";
    let err = read_bytes("h.csv", csv.as_bytes(), &health(), &options()).unwrap_err();
    assert!(matches!(err, IntakeError::MonthFirst { .. }), "{err}");
    let msg = err.to_string();
    for part in [
        "Contact Date seems to be written month first",
        "2 row(s) (e.g. row 3, row 5)",
        "date_formats = [\"%m/%d/%Y\", \"%Y-%m-%d\"]",
        "health.toml",
        "nothing was imported",
    ] {
        assert!(msg.contains(part), "{part:?} in {msg}");
    }
    // Whole-file errors carry no cell values.
    assert!(!msg.contains("04/25/2025"), "{msg}");

    // With the month-first format the same file imports, each date the right way round.
    let text = r#"
        source = "health"
        files = ["*"]
        event_type = "health_contact"
        date_formats = ["%m/%d/%Y"]
        [identity]
        given_name = "Forename"
        family_name = "Surname"
        date_of_birth = "DOB"
        [fact]
        event_date = "Contact Date"
        "#;
    let import = read_bytes(
        "h.csv",
        csv.as_bytes(),
        &Mapping::parse(text, "health.toml").unwrap(),
        &options(),
    )
    .unwrap();
    assert_eq!(imported_rows(&import), [2, 3, 4, 5]);
    assert_eq!(
        import.rows[0].fact.event_date,
        chrono::NaiveDate::from_ymd_opt(2025, 3, 4)
    );
}

/// A day-first file with a typing error or two is not taken for a month-first one: one row
/// with a day above 12 written first settles it, and one month-first value alone is a typo.
#[test]
fn a_day_first_file_with_a_stray_month_first_value_is_read_day_first() {
    let csv = "Forename,Surname,DOB,Contact Date\n\
        Amy,Lee,01/02/1980,03/04/2025\n\
        Bob,Ray,02/03/1981,04/25/2025\n\
        Cal,Fox,03/04/1982,05/06/2025\n\
        Dee,Kay,04/05/1983,07/30/2025\n\
        Eve,Day,04/05/1983,25/07/2025\n";
    let import = read_bytes("h.csv", csv.as_bytes(), &health(), &options()).unwrap();
    assert_eq!(imported_rows(&import), [2, 4, 6]);
    let one_typo = "Forename,Surname,DOB,Contact Date\n\
        Amy,Lee,01/02/1980,03/04/2025\n\
        Bob,Ray,02/03/1981,04/25/2025\n";
    let import = read_bytes("h.csv", one_typo.as_bytes(), &health(), &options()).unwrap();
    assert_eq!(imported_rows(&import), [2]);
}

/// Two monthly exports joined into one file repeat the header half-way down. Where every
/// mapped column is text (a snapshot with a fixed date), that row was imported as a tenant
/// called "Tenant" living at "Address"; it is quarantined, saying what it is.
#[test]
fn a_header_repeated_below_the_first_is_quarantined_not_read_as_a_person() {
    let mapping = Mapping::parse(
        r#"
        source = "housing"
        files = ["*"]
        event_type = "housing_account"
        [identity]
        full_name = { column = "Tenant", pattern = "detect" }
        address = "Address"
        [fact]
        event_date = { value = "2025-08-31" }
        [attributes.notice_type]
        column = "Notice"
        type = "text"
        "#,
        "housing.toml",
    )
    .unwrap();
    let csv = "Tenant,Address,Notice,Unmapped\n\
        \"SMITH, Zoe\",1 Mill Lane,NOSP,x\n\
        TENANT , address,Notice,other\n\
        \"NOWAK, Mia\",3 Mill Lane,,\n";
    let import = read_bytes("rent.csv", csv.as_bytes(), &mapping, &options()).unwrap();
    assert_eq!(imported_rows(&import), [2, 4]);
    assert_quarantined(
        &import,
        3,
        None,
        "Row repeats the header (files joined into one?); delete it",
    );
    let g = &import.summary.problems[0];
    assert_eq!(
        (g.problem, g.rows, g.example_row),
        (hearth_intake::Problem::RepeatedHeader, 1, 3)
    );
}

/// A police system writes "N/K" or 01/01/1900 where it does not know a date of birth. The
/// row was quarantined (the incident lost) for "N/K", and 01/01/1900 was kept as a real date
/// of birth (a 125-year-old). Both are read as no date of birth, the row kept with a warning;
/// a required date of birth is still quarantined as empty.
#[test]
fn a_date_of_birth_written_as_not_known_is_none_and_the_row_is_kept() {
    let csv = "Forename,Surname,DOB,Contact Date\n\
        Amy,Lee,N/K,03/04/2025\n\
        Bob,Ray,01/01/1900,13/04/2025\n\
        Cal,Fox,Not known,13/04/2025\n\
        Dee,Kay,1900-01-01,13/04/2025\n\
        Eve,Day,02/01/1900,13/04/2025\n\
        Fay,Orr,31/02/2011,13/04/2025\n";
    let import = read_bytes("h.csv", csv.as_bytes(), &health(), &options()).unwrap();
    assert_eq!(imported_rows(&import), [2, 3, 4, 5, 6]);
    let dobs: Vec<_> = import
        .rows
        .iter()
        .map(|r| r.identity.date_of_birth)
        .collect();
    assert_eq!(
        dobs,
        [
            None,
            None,
            None,
            None,
            chrono::NaiveDate::from_ymd_opt(1900, 1, 2)
        ]
    );
    let w = import
        .summary
        .warnings
        .iter()
        .find(|w| w.problem == hearth_intake::Problem::BirthPlaceholder)
        .expect("a warning");
    assert_eq!(
        (w.field.as_deref(), w.rows, w.example_row),
        (Some("DOB"), 4, 2)
    );
    // A real mistake is still quarantined.
    assert_eq!(quarantined(&import, 7).field.as_deref(), Some("DOB"));

    let required = Mapping::parse(
        r#"
        source = "health"
        files = ["*"]
        event_type = "health_contact"
        [identity]
        given_name = "Forename"
        family_name = "Surname"
        date_of_birth = { column = "DOB", required = true }
        [fact]
        event_date = "Contact Date"
        "#,
        "health.toml",
    )
    .unwrap();
    let import = read_bytes("h.csv", csv.as_bytes(), &required, &options()).unwrap();
    assert_eq!(imported_rows(&import), [6]);
    assert_quarantined(
        &import,
        2,
        Some("DOB"),
        "DOB \"N/K\" means not known, but every row needs a date of birth; fill it in",
    );
}

/// A CSV saved from a workbook holds dates as Excel's numbers (45123). Every row was
/// quarantined "not a date in an accepted format" with no word of what they are; the reason
/// now says so and names the setting that reads them.
#[test]
fn excel_date_numbers_in_a_csv_are_named_as_such() {
    let csv = "Forename,Surname,DOB,Contact Date\n\
        Amy,Lee,29221,45731\n\
        Bob,Ray,,1234567\n";
    let import = read_bytes("h.csv", csv.as_bytes(), &health(), &options()).unwrap();
    assert_quarantined(
        &import,
        2,
        Some("DOB"),
        "DOB \"29221\" is not a date in an accepted format; use dd/mm/yyyy or yyyy-mm-dd (it \
         looks like an Excel date number: if the file holds them, add \"excel-serial\" to the \
         mapping's date_formats). Also: Contact Date \"45731\" is not a date in an accepted \
         format; use dd/mm/yyyy or yyyy-mm-dd (it looks like an Excel date number: if the file \
         holds them, add \"excel-serial\" to the mapping's date_formats)",
    );
    // A number that is no plausible date is just not a date.
    assert_quarantined(
        &import,
        3,
        Some("Contact Date"),
        "Contact Date \"1234567\" is not a date in an accepted format; use dd/mm/yyyy or \
         yyyy-mm-dd",
    );
}

/// A police extract of the header alone (an export that failed, or filtered everything out)
/// was recorded as "0 rows read" and nothing more, like a quiet month; the summary says so.
#[test]
fn a_file_with_no_data_rows_says_so() {
    for csv in [
        "Forename,Surname,DOB,Contact Date\r\n",
        "Forename,Surname,DOB,Contact Date\n\n,,,\n",
    ] {
        let import = read_bytes("h.csv", csv.as_bytes(), &health(), &options()).unwrap();
        assert_eq!(import.rows.len() + import.quarantined.len(), 0);
        assert!(
            import.summary.to_string().contains(
                "Note: The file has no data rows below its header: if the partner meant to send \
                 data, ask them to export it again"
            ),
            "{}",
            import.summary
        );
    }
    let one = "Forename,Surname,DOB,Contact Date\nAmy,Lee,,03/04/2025\n";
    let import = read_bytes("h.csv", one.as_bytes(), &health(), &options()).unwrap();
    assert!(import.summary.notes.is_empty());
}

/// A rent account report ends with a totals row. With a fixed snapshot date and the total in
/// the arrears column, it was imported as a tenant called "Total" owing the whole estate's
/// arrears (so "in arrears of £500 or more"); it is quarantined, saying what it is.
#[test]
fn a_totals_row_is_quarantined_not_read_as_a_person() {
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
        \"TOTALLY, Amy\",£1.00\n\
        Total Amy,£2.00\n\
        Total,\"£12,345.00\"\n\
        ,\n\
        Grand Total:,\"£12,345.00\"\n";
    let import = read_bytes("rent.csv", csv.as_bytes(), &mapping, &options()).unwrap();
    assert_eq!(imported_rows(&import), [2, 3, 4]);
    assert_quarantined(
        &import,
        5,
        None,
        "Row looks like a totals row (\"Total\" in its first filled cell); delete it",
    );
    assert_eq!(
        quarantined(&import, 7).reason,
        "Row looks like a totals row (\"Grand Total:\" in its first filled cell); delete it"
    );
}
