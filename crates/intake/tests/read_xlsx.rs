//! Reading Excel workbooks: date cells, serial numbers, typed text dates, sheet choice.
//! The workbooks are generated here with rust_xlsxwriter, so no binary fixture is committed.

mod common;

use common::*;
use hearth_intake::{read_bytes, IntakeError, Mapping};
use hearth_model::AttrValue;
use proptest::prelude::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

const HEADER: [&str; 10] = [
    "Person ID",
    "First Name",
    "Last Name",
    "DOB",
    "Gender",
    "Address",
    "Postcode",
    "Episode Type",
    "Start Date",
    "End Date",
];

/// A cell to write.
enum C {
    Text(&'static str),
    Num(f64),
    Date(u16, u8, u8),
    Blank,
}

fn workbook(sheets: &[(&str, Vec<Vec<C>>)]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    C::Text(s) => {
                        ws.write_string(r, c, *s).unwrap();
                    }
                    C::Num(v) => {
                        ws.write_number(r, c, *v).unwrap();
                    }
                    C::Date(y, m, d) => {
                        let dt = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                        ws.write_date_with_format(r, c, &dt, &date_format).unwrap();
                    }
                    C::Blank => {}
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn header() -> Vec<C> {
    HEADER.iter().map(|h| C::Text(h)).collect()
}

#[allow(clippy::too_many_arguments)]
fn episode(id: C, first: &'static str, dob: C, episode: &'static str, start: C, end: C) -> Vec<C> {
    vec![
        id,
        C::Text(first),
        C::Text("Smith"),
        dob,
        C::Text("F"),
        C::Text("1 High Street"),
        C::Text("M1 1AE"),
        C::Text(episode),
        start,
        end,
    ]
}

fn social_care_book() -> Vec<u8> {
    let rows = vec![
        header(),
        // 2: numeric Person ID, date cells, open episode.
        episode(
            C::Num(1001.0),
            "Amy",
            C::Date(2012, 5, 1),
            "CIN",
            C::Date(2024, 1, 10),
            C::Blank,
        ),
        // 3: text Person ID, end date as a bare serial number.
        episode(
            C::Text("P-77"),
            "Bea",
            C::Date(2013, 6, 2),
            "cpp",
            C::Date(2023, 1, 1),
            C::Num(45123.0),
        ),
        // 4: a DOB typed as text that is not a real date.
        episode(
            C::Num(1003.0),
            "Cal",
            C::Text("31/02/2011"),
            "LAC",
            C::Date(2024, 1, 10),
            C::Blank,
        ),
        // 5: an episode type not in the list.
        episode(
            C::Num(1004.0),
            "Dee",
            C::Date(2012, 5, 1),
            "Foster",
            C::Date(2024, 1, 10),
            C::Blank,
        ),
        // 6: no Person ID (required).
        episode(
            C::Blank,
            "Eve",
            C::Date(2012, 5, 1),
            "CIN",
            C::Date(2024, 1, 10),
            C::Blank,
        ),
        // 7: a date-of-birth cell in the future.
        episode(
            C::Num(1007.0),
            "Fay",
            C::Date(2030, 1, 1),
            "CIN",
            C::Date(2024, 1, 10),
            C::Blank,
        ),
        // 8: dates typed as ISO text and UK text.
        episode(
            C::Num(1008.0),
            "Gus",
            C::Text("2012-05-01"),
            "Early Help",
            C::Text("10/01/2024"),
            C::Text("2024-03-01"),
        ),
    ];
    workbook(&[
        ("Cover", vec![vec![C::Text("Synthetic data only")]]),
        ("Episodes", rows),
    ])
}

#[test]
fn social_care_workbook_with_date_cells_and_serials() {
    let import = read_bytes(
        "social_care.xlsx",
        &social_care_book(),
        &shipped("social_care"),
        &options(),
    )
    .unwrap();
    assert_eq!(import.rows_read, 7);
    assert_eq!(imported_rows(&import), [2, 3, 8]);

    let amy = &import.rows[0];
    assert_eq!(amy.identity.source_person_id.as_deref(), Some("1001"));
    assert_eq!(
        amy.identity.date_of_birth.unwrap().to_string(),
        "2012-05-01"
    );
    assert_eq!(amy.fact.event_type, "care_episode");
    assert_eq!(amy.fact.event_date.unwrap().to_string(), "2024-01-10");
    assert_eq!(amy.fact.end_date, None);
    assert_eq!(
        amy.fact.attributes["episode_type"],
        AttrValue::Text("CIN".into())
    );

    let bea = &import.rows[1];
    assert_eq!(bea.identity.source_person_id.as_deref(), Some("P-77"));
    assert_eq!(bea.fact.end_date.unwrap().to_string(), "2023-07-16");
    assert_eq!(
        bea.fact.attributes["episode_type"],
        AttrValue::Text("CPP".into())
    );

    let gus = &import.rows[2];
    assert_eq!(
        gus.identity.date_of_birth.unwrap().to_string(),
        "2012-05-01"
    );
    assert_eq!(gus.fact.event_date.unwrap().to_string(), "2024-01-10");
    assert_eq!(gus.fact.end_date.unwrap().to_string(), "2024-03-01");

    assert_quarantined(
        &import,
        4,
        Some("DOB"),
        r#"DOB "31/02/2011" is not a real date; use dd/mm/yyyy, yyyy-mm-dd or an Excel date"#,
    );
    assert_quarantined(
        &import,
        5,
        Some("Episode Type"),
        r#"Episode Type "Foster" is not one of the allowed values: CIN, CPP, LAC, Early Help"#,
    );
    assert_quarantined(
        &import,
        6,
        Some("Person ID"),
        "Person ID is empty, but every row needs it; fill it in",
    );
    assert_quarantined(
        &import,
        7,
        Some("DOB"),
        r#"DOB "01/01/2030" is a date of birth in the future; correct it or leave it empty if unknown"#,
    );
    // Raw cells show dates as a person sees them.
    assert_eq!(quarantined(&import, 7).raw[3], "01/01/2030");
    assert_eq!(quarantined(&import, 7).raw[0], "1007");
}

#[test]
fn first_sheet_by_default_and_missing_sheet_is_an_error() {
    let rows = vec![
        header(),
        episode(
            C::Num(1.0),
            "Amy",
            C::Date(2012, 5, 1),
            "CIN",
            C::Date(2024, 1, 10),
            C::Blank,
        ),
    ];
    let book = workbook(&[("Sheet1", rows)]);
    let text = std::fs::read_to_string(mappings_dir().join("social_care.toml"))
        .unwrap()
        .replace("sheet = \"Episodes\"\n", "");
    let first_sheet = Mapping::parse(&text, "social_care.toml").unwrap();
    let import = read_bytes("social_care.xlsx", &book, &first_sheet, &options()).unwrap();
    assert_eq!(imported_rows(&import), [2]);

    let err = read_bytes(
        "social_care.xlsx",
        &book,
        &shipped("social_care"),
        &options(),
    )
    .unwrap_err();
    assert!(matches!(err, IntakeError::SheetNotFound { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains("no sheet \"Episodes\"") && msg.contains("Sheet1"),
        "{msg}"
    );
}

#[test]
fn workbook_header_must_have_the_mapped_columns() {
    let mut rows = vec![
        header(),
        episode(
            C::Num(1.0),
            "Amy",
            C::Date(2012, 5, 1),
            "CIN",
            C::Date(2024, 1, 10),
            C::Blank,
        ),
    ];
    rows[0][3] = C::Text("Date of Birth");
    let book = workbook(&[("Episodes", rows)]);
    let err = read_bytes(
        "social_care.xlsx",
        &book,
        &shipped("social_care"),
        &options(),
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("social_care.xlsx") && msg.contains("social_care.toml"),
        "{msg}"
    );
    assert!(
        msg.contains("column(s) \"DOB\"") && msg.contains("\"Date of Birth\""),
        "{msg}"
    );
}

#[test]
fn title_rows_and_other_sheets_are_named_when_the_header_is_not_found() {
    let amy = || {
        episode(
            C::Num(1.0),
            "Amy",
            C::Date(2012, 5, 1),
            "CIN",
            C::Date(2024, 1, 10),
            C::Blank,
        )
    };
    // Sheet "Episodes": a title on row 1, a blank row 2, the header on row 3.
    let titled = vec![
        vec![C::Text("Episodes report, run 01/08/2026")],
        vec![],
        header(),
        amy(),
    ];
    let book = workbook(&[
        ("Notes", vec![vec![C::Text("Synthetic")]]),
        ("Episodes", titled),
    ]);
    let err = read_bytes(
        "social_care.xlsx",
        &book,
        &shipped("social_care"),
        &options(),
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains(
            "the header has: \"Episodes report, run 01/08/2026\"; the header seems to \
                      be on row 3 of sheet \"Episodes\": set header_row = 3 in the mapping; \
                      Hearth read sheet \"Episodes\" (the mapping's `sheet`), header on row 1; \
                      the workbook's other sheets are \"Notes\""
        ),
        "{msg}"
    );
    let text = std::fs::read_to_string(mappings_dir().join("social_care.toml"))
        .unwrap()
        .replace(
            "sheet = \"Episodes\"\n",
            "sheet = \"Episodes\"\nheader_row = 3\n",
        );
    let mapping = Mapping::parse(&text, "social_care.toml").unwrap();
    let import = read_bytes("social_care.xlsx", &book, &mapping, &options()).unwrap();
    // Row numbers as Excel shows them.
    assert_eq!(imported_rows(&import), [4]);
    let text = text.replace("header_row = 3", "header_row = 2");
    let mapping = Mapping::parse(&text, "social_care.toml").unwrap();
    let err = read_bytes("social_care.xlsx", &book, &mapping, &options()).unwrap_err();
    assert!(
        matches!(err, IntakeError::NoHeaderRow { row: 2, .. }),
        "{err}"
    );
    assert!(
        err.to_string()
            .ends_with("blank or past the end of the file (sheet \"Episodes\")"),
        "{err}"
    );

    // The first sheet read by default; the header is on another.
    let book = workbook(&[
        ("Notes", vec![vec![C::Text("Synthetic")]]),
        ("Data", vec![header(), amy()]),
    ]);
    let text = std::fs::read_to_string(mappings_dir().join("social_care.toml"))
        .unwrap()
        .replace("sheet = \"Episodes\"\n", "");
    let mapping = Mapping::parse(&text, "social_care.toml").unwrap();
    let msg = read_bytes("social_care.xlsx", &book, &mapping, &options())
        .unwrap_err()
        .to_string();
    assert!(
        msg.ends_with(
            "the header has: \"Synthetic\"; the header seems to be on sheet \"Data\" \
                       (row 1): set sheet = \"Data\" in the mapping; Hearth read sheet \"Notes\" \
                       (the first; `sheet` in the mapping chooses another), header on row 1; the \
                       workbook's other sheets are \"Data\""
        ),
        "{msg}"
    );
}

#[test]
fn a_corrupt_workbook_is_a_whole_file_error() {
    let err = read_bytes(
        "social_care.xlsx",
        b"PK\x03\x04 not really a zip",
        &shipped("social_care"),
        &options(),
    )
    .unwrap_err();
    assert!(matches!(err, IntakeError::Workbook { .. }), "{err}");
    assert!(err.to_string().contains("social_care.xlsx"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Real workbooks with arbitrary text, numbers and dates in every cell never panic, and
    /// every data row is accounted for.
    #[test]
    fn arbitrary_workbook_cells_never_panic(
        cells in proptest::collection::vec(
            prop_oneof![
                "\\PC{0,12}".prop_map(|s| (Some(s), None, None)),
                proptest::num::f64::ANY.prop_map(|v| (None, Some(v), None)),
                (1900u16..2100, 1u8..13, 1u8..29).prop_map(|d| (None, None, Some(d))),
            ],
            0..60,
        )
    ) {
        let mut wb = Workbook::new();
        let fmt = Format::new().set_num_format("dd/mm/yyyy");
        let ws = wb.add_worksheet();
        ws.set_name("Episodes").unwrap();
        for (c, h) in HEADER.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (i, cell) in cells.iter().enumerate() {
            let (r, c) = (1 + (i / 10) as u32, (i % 10) as u16);
            match cell {
                (Some(s), _, _) => { ws.write_string(r, c, s.as_str()).unwrap(); }
                (_, Some(v), _) if v.is_finite() => { ws.write_number(r, c, *v).unwrap(); }
                (_, _, Some((y, m, d))) => {
                    ws.write_date_with_format(r, c, ExcelDateTime::from_ymd(*y, *m, *d).unwrap(), &fmt).unwrap();
                }
                _ => {}
            }
        }
        let book = wb.save_to_buffer().unwrap();
        let import = read_bytes("social_care.xlsx", &book, &shipped("social_care"), &options()).unwrap();
        prop_assert!(import.rows.len() + import.quarantined.len() <= import.rows_read as usize);
    }
}
