//! Why a file's header may lack the mapping's columns, for the whole-file error: another
//! separator, title rows above the header, another worksheet. Each hint says which mapping
//! setting (`delimiter`, `header_row`, `sheet`) would read the file; none quotes a cell
//! value other than the header's.
//!
//! It does not match the header (see `Mapping::header_index`) or read rows (see `read`).

use crate::cells::{cell_text, Row};
use crate::csv_rows::CsvRows;
use crate::mapping::{normalise_header, Mapping};
use std::collections::BTreeSet;

/// The rows searched for a header: title rows above one are few.
const ROWS_SEARCHED: usize = 50;

/// The separators Hearth reads, in the order tried.
const SEPARATORS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How many of the mapping's columns `cells` has.
fn matched<S: AsRef<str>>(mapping: &Mapping, cells: &[S]) -> usize {
    let have: BTreeSet<String> = cells.iter().map(|c| normalise_header(c.as_ref())).collect();
    mapping
        .columns()
        .iter()
        .filter(|c| have.contains(&normalise_header(c)))
        .count()
}

/// The first of the first rows holding the most of the mapping's columns, with how many:
/// only a row with more than `found` and at least half of them.
fn best_row(
    rows: impl Iterator<Item = (u64, Vec<String>)>,
    mapping: &Mapping,
    found: usize,
) -> Option<(u64, usize)> {
    let wanted = mapping.columns().len();
    let mut best: Option<(u64, usize)> = None;
    for (row, cells) in rows.take(ROWS_SEARCHED) {
        let n = matched(mapping, &cells);
        if n > best.map_or(found, |(_, b)| b) {
            best = Some((row, n));
        }
    }
    best.filter(|&(_, n)| n * 2 >= wanted)
}

/// A separator's name and how a mapping sets it.
fn separator(d: u8) -> (&'static str, &'static str) {
    match d {
        b';' => ("semicolon", "\";\""),
        b'\t' => ("tab", "\"\\t\""),
        b'|' => ("pipe", "\"|\""),
        _ => ("comma", "\",\""),
    }
}

fn separator_hint(d: u8) -> String {
    let (name, setting) = separator(d);
    format!("the file looks {name}-separated: set delimiter = {setting} in the mapping")
}

/// Hints for a CSV `text` whose header (`header`, on row `header_row`) lacks the mapping's
/// columns: the separator and the row that would give them.
pub(crate) fn csv_hints(
    text: &str,
    mapping: &Mapping,
    header: &[String],
    header_row: u64,
) -> Vec<String> {
    let found = matched(mapping, header);
    let mut best: Option<(u8, u64, usize)> = None;
    for d in std::iter::once(mapping.delimiter).chain(SEPARATORS) {
        let mut rows = CsvRows::new(text, d);
        let records = std::iter::from_fn(|| match rows.next() {
            Ok(true) => Some((
                rows.row_no,
                rows.record.iter().map(str::to_string).collect(),
            )),
            _ => None,
        });
        let floor = best.map_or(found, |(.., n)| n);
        if let Some((row, n)) = best_row(records, mapping, floor) {
            best = Some((d, row, n));
        }
    }
    let mut hints = Vec::new();
    match best {
        Some((d, row, _)) => {
            if d != mapping.delimiter {
                hints.push(separator_hint(d));
            }
            if row != header_row {
                hints.push(format!(
                    "the header seems to be on row {row}: set header_row = {row} in the mapping"
                ));
            }
        }
        // One cell holding another separator: say so even when its names are not the
        // mapping's.
        None => {
            let cells: Vec<&String> = header.iter().filter(|h| !h.trim().is_empty()).collect();
            if let [only] = cells.as_slice() {
                if let Some(&d) = SEPARATORS
                    .iter()
                    .find(|&&d| d != mapping.delimiter && only.contains(char::from(d)))
                {
                    hints.push(separator_hint(d));
                }
            }
        }
    }
    hints
}

/// A worksheet's rows as text, each with its row number as Excel shows it.
fn sheet_rows(
    range: &calamine::Range<calamine::Data>,
) -> impl Iterator<Item = (u64, Vec<String>)> + '_ {
    let first = range.start().map_or(0, |(r, _)| u64::from(r));
    range.rows().enumerate().map(move |(i, cells)| {
        let texts = (0..cells.width())
            .map(|c| cell_text(&cells.cell(c)).into_owned())
            .collect();
        (first + 1 + i as u64, texts)
    })
}

/// Hints for a workbook whose header (`header`, on row `header_row` of sheet `sheet`) lacks
/// the mapping's columns: the row of that sheet, or another sheet, that has them; and always
/// which sheet was read and what others the workbook has.
pub(crate) fn workbook_hints(
    mapping: &Mapping,
    (sheet, range): (&str, &calamine::Range<calamine::Data>),
    header: &[String],
    header_row: u64,
    others: &[(String, Option<calamine::Range<calamine::Data>>)],
) -> Vec<String> {
    let found = matched(mapping, header);
    let mut hints = Vec::new();
    if let Some((row, _)) = best_row(sheet_rows(range), mapping, found) {
        hints.push(format!(
            "the header seems to be on row {row} of sheet \"{sheet}\": set header_row = {row} \
             in the mapping"
        ));
    } else {
        let elsewhere = others.iter().find_map(|(name, range)| {
            let range = range.as_ref()?;
            let (row, _) = best_row(sheet_rows(range), mapping, found)?;
            let first = range.start().map_or(1, |(r, _)| u64::from(r) + 1);
            Some(if row == first {
                format!(
                    "the header seems to be on sheet \"{name}\" (row {row}): set sheet = \
                     \"{name}\" in the mapping"
                )
            } else {
                format!(
                    "the header seems to be on sheet \"{name}\", row {row}: set sheet = \
                     \"{name}\" and header_row = {row} in the mapping"
                )
            })
        });
        hints.extend(elsewhere);
    }
    let which = if mapping.sheet.is_some() {
        "the mapping's `sheet`"
    } else {
        "the first; `sheet` in the mapping chooses another"
    };
    let rest = if others.is_empty() {
        "the workbook has no other sheet".to_string()
    } else {
        let names: Vec<String> = others.iter().map(|(n, _)| format!("\"{n}\"")).collect();
        format!("the workbook's other sheets are {}", names.join(", "))
    };
    hints.push(format!(
        "Hearth read sheet \"{sheet}\" ({which}), header on row {header_row}; {rest}"
    ));
    hints
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping() -> Mapping {
        Mapping::parse(
            "source = \"x\"\nfiles = [\"*\"]\nevent_type = \"x\"\n[identity]\n\
             family_name = \"Surname\"\ngiven_name = \"Forename\"\n[fact]\n\
             event_date = \"Contact Date\"\n",
            "x.toml",
        )
        .unwrap()
    }

    fn hints(text: &str) -> Vec<String> {
        let mut rows = CsvRows::new(text, b',');
        rows.next().unwrap();
        let header: Vec<String> = rows.record.iter().map(str::to_string).collect();
        csv_hints(text, &mapping(), &header, rows.row_no)
    }

    #[test]
    fn another_separator_is_named() {
        assert_eq!(
            hints("Surname;Forename;Contact Date\nLee;Amy;03/04/2026\n"),
            ["the file looks semicolon-separated: set delimiter = \";\" in the mapping"]
        );
        assert_eq!(
            hints("Surname\tForename\tContact Date\n"),
            ["the file looks tab-separated: set delimiter = \"\\t\" in the mapping"]
        );
        // Names the mapping does not know, but one cell split by semicolons.
        assert_eq!(
            hints("Name;DOB;When\n"),
            ["the file looks semicolon-separated: set delimiter = \";\" in the mapping"]
        );
    }

    #[test]
    fn title_rows_above_the_header_are_counted_as_a_spreadsheet_does() {
        assert_eq!(
            hints("Contacts report\r\nRun on 01/08/2026\r\n\r\nSurname,Forename,Contact Date\r\n"),
            ["the header seems to be on row 4: set header_row = 4 in the mapping"]
        );
        assert_eq!(
            hints("Contacts report\n\nSurname;Forename;Contact Date\n"),
            [
                "the file looks semicolon-separated: set delimiter = \";\" in the mapping",
                "the header seems to be on row 3: set header_row = 3 in the mapping"
            ]
        );
        // A file that is simply another source's: no hint.
        assert!(hints("NINO,Title,Benefit\nAB123456C,Mr,JSA\n").is_empty());
    }
}
