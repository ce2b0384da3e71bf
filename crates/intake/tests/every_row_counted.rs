//! Every physical row of a partner file is imported or quarantined, never lost: runaway
//! quotes, NUL characters, overlong cells; and files Hearth cannot read are named.

mod common;

use common::*;
use hearth_intake::{read_bytes, FileImport};

fn read_text(name: &str, text: &[u8]) -> FileImport {
    read_bytes(name, text, &case_note_mapping(), &options()).unwrap()
}

/// The quarantined rows whose reason says `what`.
fn rows(import: &FileImport, what: &str) -> Vec<u64> {
    import
        .quarantined
        .iter()
        .filter(|q| q.reason.contains(what))
        .map(|q| q.source_row)
        .collect()
}

#[test]
fn an_unclosed_quote_in_an_unmapped_column_quarantines_every_row_it_swallows() {
    // 60 data rows; row 4's unmapped column opens a quote that never closes.
    let mut csv = String::from("Person ID,Surname,Free Text,Case Note\n");
    for i in 2..=61 {
        let free = if i == 4 { "\"5 inch screen" } else { "ok" };
        csv.push_str(&format!("P{i},Surname{i},{free},note {i}\n"));
    }
    let import = read_text("x.csv", csv.as_bytes());
    assert_eq!(imported_rows(&import), [2, 3]);
    assert_eq!(import.rows_read, 60);
    assert_eq!(import.quarantined.len(), 58);
    assert_eq!(rows(&import, "quoted value"), (4..=61).collect::<Vec<_>>());
    assert_quarantined(
        &import,
        4,
        Some("Free Text"),
        "Free Text opens a quoted value (\") on this row that is not closed, so rows 4 to 61 \
         were read as one value; close the quote or remove it, and import the file again",
    );
    let later = quarantined(&import, 30);
    assert!(
        later.reason.contains("opens in Free Text on row 4"),
        "{}",
        later.reason
    );
    assert_eq!(later.raw, ["P30", "Surname30", "ok", "note 30"]);
    let summary = import.summary.to_string();
    assert!(summary.contains("58 quarantined"), "{summary}");
    assert!(
        summary.contains(
            "Free Text: inside a quoted value that is never closed — 58 rows (e.g. row 4)"
        ),
        "{summary}"
    );
}

#[test]
fn an_unclosed_quote_in_a_mapped_column_up_to_the_next_quote_quarantines_those_rows() {
    let csv = "Person ID,Surname,Free Text,Case Note\n\
               P2,Amy,ok,fine\n\
               P3,\"Brown,ok,fine\n\
               P4,Green,ok,fine\n\
               P5,White,\"a, b\",fine\n\
               P6,Black,ok,\"two\nlines\"\n\
               P7,Grey,ok,fine\n";
    let import = read_text("x.csv", csv.as_bytes());
    // Row 6's note over two lines is one row, as a spreadsheet shows it: row 7 follows.
    assert_eq!(imported_rows(&import), [2, 6, 7]);
    assert_eq!(rows(&import, "quoted value"), [3, 4, 5]);
    assert_eq!(quarantined(&import, 3).field.as_deref(), Some("Surname"));
    assert_eq!(import.rows_read, 6);
}

#[test]
fn a_nul_character_quarantines_its_row_only_naming_the_partners_column() {
    let csv = b"Person ID,Surname,Free Text,Case Note\n\
                P2,Amy,ok,fine\n\
                P3,Bro\0wn,ok,fine\n\
                P4,Green,o\0k,fine\n";
    let import = read_text("x.csv", csv);
    assert_eq!(imported_rows(&import), [2, 4]);
    assert_quarantined(
        &import,
        3,
        Some("Surname"),
        "Surname contains a NUL character (an invisible control character, usually from a \
         faulty export); remove it and import the file again",
    );
    assert_eq!(rows(&import, "NUL"), [3]);
}

#[test]
fn overlong_cells_are_quarantined_naming_the_column() {
    let long_name = "A".repeat(1_000 + 1);
    let long_note = "n".repeat(10_000 + 1);
    let fine_note = "n".repeat(1_000 * 5);
    let csv = format!(
        "Person ID,Surname,Free Text,Case Note\n\
         P2,{long_name},ok,fine\n\
         P3,Amy,ok,{fine_note}\n\
         P4,Amy,ok,{long_note}\n"
    );
    let import = read_text("x.csv", csv.as_bytes());
    assert_eq!(imported_rows(&import), [3]);
    assert_quarantined(
        &import,
        2,
        Some("Surname"),
        "Surname is 1001 characters long; Hearth accepts at most 1000 in this column: \
         correct the value",
    );
    assert_eq!(quarantined(&import, 4).field.as_deref(), Some("Case Note"));
    // What is kept of a quarantined row is bounded too.
    let raw = &quarantined(&import, 4).raw[3];
    assert!(raw.len() < 10_000 + 100, "{}", raw.len());
    assert!(raw.ends_with("[1 more characters cut by Hearth]"), "{raw}");
}

#[test]
fn a_utf16_file_is_named_as_utf16() {
    let text = "Person ID,Surname,Free Text,Case Note\r\nP2,Amy,ok,fine\r\n";
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let with_bom = [&[0xFF, 0xFE][..], &le].concat();
    for bytes in [with_bom, le, be] {
        let err = read_bytes(
            "police-export.csv",
            &bytes,
            &case_note_mapping(),
            &options(),
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("police-export.csv is UTF-16"), "{msg}");
        assert!(msg.contains("save it as UTF-8"), "{msg}");
    }
}
