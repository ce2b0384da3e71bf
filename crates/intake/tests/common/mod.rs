//! Helpers shared by the integration tests.
#![allow(dead_code)]

use hearth_intake::{read_file_with, FileImport, Mapping, ReadOptions};
use hearth_model::QuarantinedRow;
use std::path::PathBuf;

/// The synthetic borough's "as at" date, used as the day of import.
pub fn options() -> ReadOptions {
    ReadOptions {
        today: chrono::NaiveDate::from_ymd_opt(2025, 9, 1).unwrap(),
    }
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn mappings_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../mappings")
}

pub fn shipped(source: &str) -> Mapping {
    Mapping::load(mappings_dir().join(format!("{source}.toml"))).unwrap()
}

pub fn read(fixture_name: &str, mapping: &Mapping) -> FileImport {
    read_file_with(fixture(fixture_name), mapping, &options()).unwrap()
}

/// The quarantined row with this spreadsheet row number.
pub fn quarantined(import: &FileImport, row: u64) -> &QuarantinedRow {
    import
        .quarantined
        .iter()
        .find(|q| q.source_row == row)
        .unwrap_or_else(|| panic!("row {row} not quarantined: {:#?}", import.quarantined))
}

/// Asserts row `row` was quarantined for `field` with exactly `reason`.
pub fn assert_quarantined(import: &FileImport, row: u64, field: Option<&str>, reason: &str) {
    let q = quarantined(import, row);
    assert_eq!(q.field.as_deref(), field, "field of row {row}");
    assert_eq!(q.reason, reason, "reason of row {row}");
}

pub fn imported_rows(import: &FileImport) -> Vec<u64> {
    import.rows.iter().map(|r| r.source_row).collect()
}

/// A small mapping: a person ID, a surname and a free-text case note.
pub fn case_note_mapping() -> Mapping {
    Mapping::parse(
        r#"
        source = "x"
        files = ["*"]
        event_type = "x"
        [identity]
        source_person_id = "Person ID"
        family_name = "Surname"
        [attributes.note]
        column = "Case Note"
        type = "text"
        "#,
        "x.toml",
    )
    .unwrap()
}
