//! Reading CSV partner files with the shipped mappings: good rows kept, bad rows quarantined
//! with the exact field and reason.

mod common;

use common::*;
use hearth_intake::{read_bytes, IntakeError, Mapping, Problem};
use hearth_model::{AttrValue, Sex};

#[test]
fn police_good_rows_are_kept_and_bad_rows_quarantined() {
    let import = read("police_mixed.csv", &shipped("police"));
    assert_eq!(import.source, "police");
    assert_eq!(import.file_name, "police_mixed.csv");
    assert_eq!(import.rows_read, 14);
    assert_eq!(imported_rows(&import), [2, 4, 14]);
    assert_eq!(import.quarantined.len(), 10);
    assert_eq!(import.sha256.len(), 64);

    let first = &import.rows[0];
    assert_eq!(first.identity.family_name.as_deref(), Some("SMITH"));
    assert_eq!(first.identity.given_name.as_deref(), Some("Amy"));
    assert_eq!(
        first.identity.address.as_deref(),
        Some("1 High Street, Town")
    );
    assert_eq!(first.identity.postcode.as_ref().unwrap().as_str(), "M1 1AE");
    assert_eq!(first.identity.sex, Some(Sex::Female));
    assert_eq!(
        first.identity.date_of_birth.unwrap().to_string(),
        "1990-02-01"
    );
    assert_eq!(first.fact.event_type, "incident");
    assert_eq!(first.fact.event_date.unwrap().to_string(), "2024-03-05");
    assert_eq!(
        first.fact.attributes["incident_category"],
        AttrValue::Text("Crime".into())
    );
    assert_eq!(
        first.fact.attributes["offence"],
        AttrValue::Text("Theft".into())
    );

    // d/m/yyyy, an empty optional DOB and a postcode in odd case are fine.
    let second = &import.rows[1];
    assert_eq!(second.identity.date_of_birth, None);
    assert_eq!(
        second.identity.postcode.as_ref().unwrap().as_str(),
        "B33 8TH"
    );
    assert!(!second.fact.attributes.contains_key("offence"));

    // Allowed values match case-insensitively and are stored as listed; an unknown sex is
    // dropped with a warning.
    let third = &import.rows[2];
    assert_eq!(
        third.fact.attributes["incident_category"],
        AttrValue::Text("Domestic Abuse".into())
    );
    assert_eq!(
        third.fact.attributes["involvement"],
        AttrValue::Text("Victim".into())
    );
    assert_eq!(third.identity.sex, None);

    assert_quarantined(
        &import,
        3,
        Some("DOB"),
        r#"DOB "31/02/2011" is not a real date; use dd-mmm-yyyy or dd/mm/yyyy"#,
    );
    // The shipped mapping translates the police system's codes; a value neither a code nor
    // one of the programme's values is named with what the table lists.
    assert_quarantined(
        &import,
        5,
        Some("Incident Category"),
        "Incident Category \"Burglary\" is not in the mapping's translation table for Incident \
         Category, which lists asb, crime, domestic_abuse (or ASB, Crime, Domestic Abuse); add it \
         to the table or correct the value",
    );
    assert_quarantined(
        &import,
        6,
        Some("Occurrence Date"),
        "Occurrence Date is empty, but every row needs it; fill it in",
    );
    assert_quarantined(
        &import,
        7,
        None,
        "Row has 9 values but the header has 11 columns; a value is missing or the row was cut \
         short: check the separators on this row",
    );
    assert_quarantined(
        &import,
        8,
        None,
        "Row has 12 values but the header has 11 columns; a value probably contains a comma: \
         put that value in double quotes",
    );
    assert_quarantined(
        &import,
        9,
        Some("Postcode"),
        r#"Postcode "ZZ" is not a valid UK postcode: a UK postcode looks like M1 1AE, B33 8TH or SW1A 2AA"#,
    );
    assert_quarantined(
        &import,
        10,
        Some("DOB"),
        r#"DOB "01/01/2030" is a date of birth in the future; correct it or leave it empty if unknown"#,
    );
    assert_quarantined(
        &import,
        11,
        Some("DOB"),
        r#"DOB "01/01/1850" has an impossible year (1850); dates must fall between 1900 and 2035"#,
    );
    assert_quarantined(
        &import,
        12,
        Some("Occurrence Date"),
        r#"Occurrence Date "yesterday" is not a date in an accepted format; use dd-mmm-yyyy or dd/mm/yyyy"#,
    );
    assert_quarantined(
        &import,
        15,
        Some("Occurrence Date"),
        r#"Occurrence Date "05/03/24" is not a date in an accepted format; use dd-mmm-yyyy or dd/mm/yyyy"#,
    );
    // The raw cells are kept so the officer can correct and re-send the row.
    assert_eq!(quarantined(&import, 7).raw.len(), 9);
    assert_eq!(quarantined(&import, 3).raw[7], "31/02/2011");

    let s = &import.summary;
    assert_eq!(
        (s.rows_read, s.rows_imported, s.rows_quarantined),
        (14, 3, 10)
    );
    let dob_future = s
        .problems
        .iter()
        .find(|g| g.problem == Problem::FutureBirth)
        .unwrap();
    assert_eq!(
        (
            dob_future.field.as_deref(),
            dob_future.rows,
            dob_future.example_row
        ),
        (Some("DOB"), 1, 10)
    );
    // A short row and a long one: each its own group, with its own advice.
    let short = s
        .problems
        .iter()
        .find(|g| g.problem == Problem::TooFewCells)
        .unwrap();
    assert_eq!(
        (short.field.as_deref(), short.rows, short.example_row),
        (None, 1, 7)
    );
    assert!(
        short
            .hint
            .starts_with("Check these rows for a missing comma"),
        "{}",
        short.hint
    );
    let long = s
        .problems
        .iter()
        .find(|g| g.problem == Problem::TooManyCells)
        .unwrap();
    assert_eq!(
        (long.field.as_deref(), long.rows, long.example_row),
        (None, 1, 8)
    );
    assert!(
        long.hint.starts_with("A value contains a comma"),
        "{}",
        long.hint
    );
    let dates = s
        .problems
        .iter()
        .find(|g| g.problem == Problem::DateFormat)
        .unwrap();
    assert_eq!((dates.rows, dates.example_row), (2, 12));
    assert_eq!(dates.hint, "Write dates as dd-mmm-yyyy or dd/mm/yyyy.");
    assert!(s
        .warnings
        .iter()
        .any(|g| g.problem == Problem::BlankRow && g.example_row == 13));
    assert!(s
        .warnings
        .iter()
        .any(|g| g.problem == Problem::SexNotRecognised && g.field.as_deref() == Some("Sex")));
    // The printed summary quotes no cell value.
    let printed = s.to_string();
    for value in [
        "31/02/2011",
        "Burglary",
        "ZZ",
        "2030",
        "yesterday",
        "Smith",
        "SMITH",
    ] {
        assert!(!printed.contains(value), "{value} in summary:\n{printed}");
    }
    assert!(printed.contains("police_mixed.csv (police): 14 rows read, 3 imported, 10 quarantined"));
}

#[test]
fn health_with_bom_splits_names_and_checks_nhs_numbers() {
    let import = read("health_bom.csv", &shipped("health"));
    assert_eq!(imported_rows(&import), [2, 4]);
    let amy = &import.rows[0].identity;
    assert_eq!(amy.nhs_number.as_ref().unwrap().as_str(), "9434765919");
    assert_eq!(amy.full_name.as_deref(), Some("Amy Jane Smith"));
    assert_eq!(amy.given_name.as_deref(), Some("Amy"));
    assert_eq!(amy.middle_name.as_deref(), Some("Jane"));
    assert_eq!(amy.family_name.as_deref(), Some("Smith"));
    // A missing NHS number is fine; a one-word name is kept whole with a warning.
    let cher = &import.rows[1];
    assert_eq!(cher.identity.nhs_number, None);
    assert_eq!(cher.identity.full_name.as_deref(), Some("Cher"));
    assert_eq!(cher.identity.given_name, None);
    assert!(!cher.fact.attributes.contains_key("outcome"));
    assert!(import
        .summary
        .warnings
        .iter()
        .any(|g| g.problem == Problem::NameNotSplit && g.example_row == 4));

    assert_quarantined(
        &import,
        3,
        Some("NHS Number"),
        r#"NHS Number "9434765918" is not a valid NHS number: the NHS number's check digit is wrong (a typing error?)"#,
    );
    assert_quarantined(
        &import,
        5,
        Some("Contact Type"),
        r#"Contact Type "Dentist" is not one of the allowed values: A&E attendance, Mental health contact, Substance misuse, Missed appointment, Health visitor review"#,
    );
}

#[test]
fn housing_in_windows_1252_reads_pounds_and_accents() {
    let import = read("housing_1252.csv", &shipped("housing"));
    assert_eq!(imported_rows(&import), [2, 3, 5]);
    let smith = &import.rows[0];
    assert_eq!(smith.identity.full_name.as_deref(), Some("SMITH, Amélie"));
    assert_eq!(smith.identity.family_name.as_deref(), Some("SMITH"));
    assert_eq!(smith.identity.given_name.as_deref(), Some("Amélie"));
    assert_eq!(smith.identity.address.as_deref(), Some("1 Café Row"));
    assert_eq!(
        smith.fact.attributes["arrears_balance"],
        AttrValue::Number(1234.5)
    );
    assert_eq!(
        smith.fact.attributes["notice_type"],
        AttrValue::Text("NOSP".into())
    );
    assert_eq!(
        smith.fact.attributes["tenancy_ref"],
        AttrValue::Text("T1".into())
    );
    assert_eq!(import.rows[1].identity.given_name.as_deref(), Some("Seán"));
    assert_eq!(
        import.rows[1].identity.family_name.as_deref(),
        Some("O'BRIEN")
    );
    assert!(!import.rows[1].fact.attributes.contains_key("notice_type"));
    assert_eq!(
        import.rows[2].fact.attributes["arrears_balance"],
        AttrValue::Number(0.0)
    );
    assert_quarantined(
        &import,
        4,
        Some("Arrears Balance"),
        r#"Arrears Balance "£1.234,50" is not an amount of money; write it like 1234.50 or £1,234.50"#,
    );
}

#[test]
fn auto_encoding_reads_both_utf8_and_windows_1252() {
    let text = std::fs::read_to_string(mappings_dir().join("housing.toml"))
        .unwrap()
        .replace("encoding = \"windows-1252\"", "encoding = \"auto\"");
    let mapping = Mapping::parse(&text, "housing.toml").unwrap();
    let import = read("housing_1252.csv", &mapping);
    assert_eq!(
        import.rows[0].identity.given_name.as_deref(),
        Some("Amélie")
    );
    let utf8 = "Tenancy Ref,Tenant Name,Date of Birth,Address,Postcode,Record Date,Arrears Balance,Notice Type\n\
                T1,\"SMITH, Amélie\",,1 Café Row,M1 1AE,31/03/2025,£5.00,\n";
    let import = read_bytes("housing.csv", utf8.as_bytes(), &mapping, &options()).unwrap();
    assert_eq!(
        import.rows[0].identity.given_name.as_deref(),
        Some("Amélie")
    );
    assert_eq!(
        import.rows[0].fact.attributes["arrears_balance"],
        AttrValue::Number(5.0)
    );
}

#[test]
fn utf8_mapping_rejects_a_windows_1252_file_naming_the_line() {
    let err = read_bytes(
        "police.csv",
        &std::fs::read(fixture("not_utf8.csv")).unwrap(),
        &Mapping::parse(
            "source = \"x\"\nfiles = [\"*\"]\nencoding = \"utf-8\"\nevent_type = \"x\"\n[identity]\nfamily_name = \"Surname\"\n",
            "x.toml",
        )
        .unwrap(),
        &options(),
    )
    .unwrap_err();
    assert!(matches!(err, IntakeError::NotUtf8 { line: 2, .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "police.csv is not valid UTF-8 (first bad byte on line 2); if it came from an older \
         Windows system, set encoding = \"windows-1252\" (or \"auto\") in mapping x.toml"
    );
}

#[test]
fn dwp_iso_dates_ni_numbers_and_end_before_start() {
    let import = read("dwp.csv", &shipped("dwp"));
    assert_eq!(imported_rows(&import), [2]);
    let amy = &import.rows[0];
    assert_eq!(
        amy.identity.ni_number.as_ref().unwrap().as_str(),
        "AB123456C"
    );
    assert_eq!(amy.fact.end_date, None);
    assert_eq!(
        amy.fact.attributes["benefit_type"],
        AttrValue::Text("UC".into())
    );
    assert_quarantined(
        &import,
        3,
        Some("NINO"),
        r#"NINO "QQ123456C" is not a valid National Insurance number: a National Insurance number cannot start with QQ"#,
    );
    assert_quarantined(
        &import,
        4,
        Some("Claim End"),
        r#"Claim End "2024-01-01" is before Claim Start "2024-06-01"; check both dates"#,
    );
    assert_quarantined(
        &import,
        5,
        Some("Date of Birth"),
        r#"Date of Birth "01/02/1980" is not a date in an accepted format; use yyyy-mm-dd"#,
    );
}

#[test]
fn schools_upn_numbers_and_flags() {
    let import = read("schools.csv", &shipped("schools"));
    assert_eq!(imported_rows(&import), [2]);
    let amy = &import.rows[0];
    assert_eq!(amy.identity.upn.as_ref().unwrap().as_str(), "H820200100001");
    assert_eq!(amy.identity.middle_name.as_deref(), Some("Jane"));
    assert_eq!(amy.fact.end_date.unwrap().to_string(), "2023-12-20");
    let a = &amy.fact.attributes;
    assert_eq!(a["sessions_possible"], AttrValue::Number(140.0));
    assert_eq!(a["sessions_missed"], AttrValue::Number(12.0));
    assert_eq!(a["permanent_exclusion"], AttrValue::Bool(false));
    assert_eq!(a["academic_year"], AttrValue::Text("2023/24".into()));
    assert_eq!(a.len(), 7);
    assert_quarantined(
        &import,
        3,
        Some("UPN"),
        r#"UPN "A820200100001" is not a valid Unique Pupil Number: the Unique Pupil Number's check letter is wrong (a typing error?)"#,
    );
    assert_quarantined(
        &import,
        4,
        Some("Possible Sessions"),
        r#"Possible Sessions "1O" is not a number; use digits only, e.g. 12 or 3.5"#,
    );
    assert_quarantined(
        &import,
        5,
        Some("Permanent Exclusion"),
        r#"Permanent Exclusion "Maybe" is not yes or no; use Y or N"#,
    );
    assert_quarantined(
        &import,
        6,
        Some("Term"),
        r#"Term "Winter" is not one of the allowed values: Autumn, Spring, Summer"#,
    );
}

#[test]
fn several_problems_in_one_row_are_all_reported() {
    let csv = "YOT Ref,Forename,Surname,DOB,Gender,Postcode,Offence Date,Outcome,Proven\n\
               Y1,Amy,Smith,31/02/2011,F,ZZ,01/01/2024,Caution,\n";
    let import = read_bytes(
        "youth_justice.csv",
        csv.as_bytes(),
        &shipped("youth_justice"),
        &options(),
    )
    .unwrap();
    assert_quarantined(
        &import,
        2,
        Some("DOB"),
        "DOB \"31/02/2011\" is not a real date; use dd/mm/yyyy. \
         Also: Postcode \"ZZ\" is not a valid UK postcode: a UK postcode looks like M1 1AE, B33 8TH or SW1A 2AA. \
         Also: Outcome \"Caution\" is not one of the allowed values: Youth Caution, Youth Conditional Caution, Referral Order, Youth Rehabilitation Order, No Further Action, Detention and Training Order. \
         Also: Proven is empty, but every row needs it; fill it in",
    );
    let fields: Vec<_> = import
        .summary
        .problems
        .iter()
        .map(|g| g.field.as_deref().unwrap())
        .collect();
    assert_eq!(fields, ["DOB", "Postcode", "Outcome", "Proven"]);
}

#[test]
fn mixed_date_formats_and_excel_serials_in_csv() {
    let mapping = Mapping::parse(
        r#"
        source = "mixed"
        files = ["mixed.csv"]
        event_type = "contact"
        date_formats = ["dd/mm/yyyy", "yyyy-mm-dd", "excel-serial"]
        [identity]
        family_name = "Surname"
        [fact]
        event_date = "Date"
        "#,
        "mixed.toml",
    )
    .unwrap();
    let csv = "Surname,Date\nA,16/07/2023\nB,2023-07-16\nC,45123\nD,16-07-2023\nE,60\n";
    let import = read_bytes("mixed.csv", csv.as_bytes(), &mapping, &options()).unwrap();
    assert_eq!(imported_rows(&import), [2, 3, 4]);
    for r in &import.rows {
        assert_eq!(r.fact.event_date.unwrap().to_string(), "2023-07-16");
    }
    assert_quarantined(
        &import,
        5,
        Some("Date"),
        r#"Date "16-07-2023" is not a date in an accepted format; use dd/mm/yyyy, yyyy-mm-dd or an Excel date"#,
    );
    // Serial 60 is Excel's phantom 29/02/1900.
    assert_quarantined(
        &import,
        6,
        Some("Date"),
        r#"Date "60" is not a real date; use dd/mm/yyyy, yyyy-mm-dd or an Excel date"#,
    );
}

#[test]
fn date_formats_in_the_one_grammar_read_as_their_old_names() {
    let mapping = |formats: &str| {
        Mapping::parse(
            &format!(
                "source = \"mixed\"\nfiles = [\"mixed.csv\"]\nevent_type = \"contact\"\n\
                 date_formats = {formats}\n[identity]\nfamily_name = \"Surname\"\n\
                 [fact]\nevent_date = \"Date\"\n"
            ),
            "mixed.toml",
        )
        .unwrap()
    };
    let csv =
        "Surname,Date\nA,16/07/2023\nB,2023-07-16\nC,45123\nD,16-07-2023\nE,60\nF,16.07.2023\n";
    let old = mapping(r#"["dd/mm/yyyy", "yyyy-mm-dd", "excel-serial"]"#);
    let new = mapping(r#"["%d/%m/%Y", "%Y-%m-%d", "%E"]"#);
    let a = read_bytes("mixed.csv", csv.as_bytes(), &old, &options()).unwrap();
    let b = read_bytes("mixed.csv", csv.as_bytes(), &new, &options()).unwrap();
    assert_eq!(a.rows, b.rows);
    assert_eq!(a.quarantined, b.quarantined);
    assert_eq!(imported_rows(&b), [2, 3, 4]);
    // A format the old names could not say, shown to the data officer in the same words.
    let dotted = mapping(r#"["%d.%m.%Y"]"#);
    let c = read_bytes("mixed.csv", csv.as_bytes(), &dotted, &options()).unwrap();
    assert_eq!(imported_rows(&c), [7]);
    assert_quarantined(
        &c,
        2,
        Some("Date"),
        r#"Date "16/07/2023" is not a date in an accepted format; use dd.mm.yyyy"#,
    );
}

#[test]
fn row_numbers_match_a_spreadsheet_with_multiline_cells_and_blank_lines() {
    let mapping = Mapping::parse(
        "source = \"x\"\nfiles = [\"*\"]\nevent_type = \"x\"\n[identity]\nsource_person_id = \"Person ID\"\nfamily_name = \"Surname\"\npostcode = \"Postcode\"\n",
        "x.toml",
    )
    .unwrap();
    let import = read("multiline.csv", &mapping);
    // Header row 1; row 2 spans two lines; line 4 is blank (row 3); the bad row is row 4.
    assert_eq!(imported_rows(&import), [2]);
    assert_eq!(import.quarantined[0].source_row, 4);
    assert_eq!(import.quarantined[0].field.as_deref(), Some("Postcode"));
}

#[test]
fn missing_file_and_missing_columns_are_whole_file_errors() {
    let err = hearth_intake::read_file(fixture("nope.csv"), &shipped("police")).unwrap_err();
    assert!(matches!(err, IntakeError::Io { .. }));
    assert!(err.to_string().contains("nope.csv"), "{err}");

    // The DWP file read with the police mapping.
    let err = hearth_intake::read_file(fixture("dwp.csv"), &shipped("police")).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, IntakeError::Header { .. }));
    assert!(msg.contains("dwp.csv"), "{msg}");
    assert!(msg.contains("police.toml"), "{msg}");
    assert!(msg.contains("\"Occurrence Ref\""), "{msg}");
    assert!(msg.contains("the header has: \"NINO\", \"Title\""), "{msg}");

    let err = read_bytes("empty.csv", b"", &shipped("police"), &options()).unwrap_err();
    assert!(matches!(err, IntakeError::Empty { .. }), "{err}");
}

#[test]
fn find_for_picks_the_mapping_by_file_name() {
    let dir = mappings_dir();
    assert_eq!(
        Mapping::find_for(&dir, "/data/in/police.csv")
            .unwrap()
            .source(),
        "police"
    );
    assert_eq!(
        Mapping::find_for(&dir, "Social_Care.xlsx")
            .unwrap()
            .source(),
        "social_care"
    );
    let err = Mapping::find_for(&dir, "libraries.csv")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("libraries.csv") && err.contains("police (police*.csv)"),
        "{err}"
    );
}

#[test]
fn invalid_identifiers_can_be_dropped_with_a_warning_instead() {
    let text = std::fs::read_to_string(mappings_dir().join("health.toml"))
        .unwrap()
        .replace(
            "event_type =",
            "invalid_identifiers = \"drop\"\nevent_type =",
        );
    let mapping = Mapping::parse(&text, "health.toml").unwrap();
    let import = read("health_bom.csv", &mapping);
    assert_eq!(imported_rows(&import), [2, 3, 4]);
    assert_eq!(import.rows[1].identity.nhs_number, None);
    assert_eq!(
        import.rows[1].identity.family_name.as_deref(),
        Some("Jones")
    );
    let w = import
        .summary
        .warnings
        .iter()
        .find(|g| g.problem == Problem::InvalidNhsNumber)
        .unwrap();
    assert_eq!(
        (w.field.as_deref(), w.rows, w.example_row),
        (Some("NHS Number"), 1, 3)
    );
}

#[test]
fn crlf_blank_lines_and_trailing_empty_cells() {
    let mapping = Mapping::parse(
        "source = \"x\"\nfiles = [\"*\"]\nevent_type = \"x\"\n[identity]\nfamily_name = \"Surname\"\npostcode = \"Postcode\"\n",
        "x.toml",
    )
    .unwrap();
    let csv =
        "Surname,Postcode\r\n\r\nSmith,M1 1AE,,\r\n\r\n\r\nJones,BAD\r\nBrown,M1 1AE,extra\r\n";
    let import = read_bytes("x.csv", csv.as_bytes(), &mapping, &options()).unwrap();
    // Header row 1, blank row 2, Smith row 3 (trailing empty cells are fine), blank rows 4-5.
    assert_eq!(imported_rows(&import), [3]);
    assert_eq!(import.quarantined[0].source_row, 6);
    assert_eq!(import.quarantined[1].source_row, 7);
    assert_eq!(import.quarantined[1].field, None);
}

#[test]
fn header_matching_ignores_case_and_spaces() {
    let mapping = Mapping::parse(
        "source = \"x\"\nfiles = [\"*\"]\nevent_type = \"x\"\n[identity]\nfamily_name = \"Surname\"\n",
        "x.toml",
    )
    .unwrap();
    let import = read_bytes("x.csv", b" SURNAME ,Other\nSmith,1\n", &mapping, &options()).unwrap();
    assert_eq!(
        import.rows[0].identity.family_name.as_deref(),
        Some("Smith")
    );
    // No name and no identifier: nobody can tell who the row is about.
    let import = read_bytes("x.csv", b"Surname,Other\n,1\n", &mapping, &options()).unwrap();
    assert_quarantined(
        &import,
        2,
        None,
        "Row has no name and no identifier, so Hearth cannot tell who it is about; fill in the person's name",
    );
}
