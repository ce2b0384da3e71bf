//! Workbook cells that read as empty but are not (a formula saved without its value, a cell
//! covered by a merged cell) are warned of, naming the sheet, row and column.

mod common;

use common::*;
use hearth_intake::read_bytes;
use rust_xlsxwriter::{Format, Formula, Workbook};

#[test]
fn formulas_without_values_and_merged_cells_are_warned_of() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Cases").unwrap();
    // As a program (not Excel) writes a formula: no value saved with it.
    sheet.set_formula_result_default("");
    for (c, h) in ["Person ID", "Surname", "Case Note", "Unmapped"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "P2").unwrap();
    sheet.write_string(1, 1, "Amy").unwrap();
    sheet.write_string(2, 0, "P3").unwrap();
    sheet
        .write_formula(2, 1, Formula::new("=UPPER(B2)"))
        .unwrap();
    sheet.write_string(3, 0, "P4").unwrap();
    sheet.write_string(4, 0, "P5").unwrap();
    sheet
        .merge_range(3, 2, 4, 2, "one note for two rows", &Format::new())
        .unwrap();
    // Unmapped columns do not matter.
    sheet.write_formula(1, 3, Formula::new("=1+1")).unwrap();
    let bytes = book.save_to_buffer().unwrap();

    let import = read_bytes("cases.xlsx", &bytes, &case_note_mapping(), &options()).unwrap();
    assert_eq!(imported_rows(&import), [2, 3, 4, 5]);
    let summary = import.summary.to_string();
    assert!(
        summary.contains(
            "Surname: formula with no saved value, read as empty — 1 row (e.g. row 3). \
             Sheet \"Cases\", column Surname:"
        ),
        "{summary}"
    );
    assert!(
        summary.contains(
            "Case Note: part of a merged cell, read as empty — 1 row (e.g. row 5). \
             Sheet \"Cases\", column Case Note:"
        ),
        "{summary}"
    );
    assert!(!summary.contains("Unmapped"), "{summary}");
}
