//! A runaway quoted value in a CSV file: a cell that opens a quote (`"`) and never closes it
//! where it should, so that the CSV reader reads the rows after it into that one cell (to the
//! end of the file, or to the next quote). Left alone, those rows vanish: imported as one
//! row's unmapped cell, or hidden in one quarantined cell.
//!
//! Hearth accounts for every physical line instead: the row where the quote opens and every
//! row it swallowed are quarantined, one quarantined row each, naming the column and the row
//! where the quote opens (`MAPPINGS.md`, "Quotes").
//!
//! A record that spans lines is runaway when its quotes do not pair up (the quote runs to
//! the end of the file), or when one of its continuation lines, read alone, has exactly the
//! header's number of cells (at least three): a whole row, not a line of a note or address.
//! A quoted note or address over several lines is one row, as a spreadsheet shows it.

use crate::cells::bounded;
use crate::import::FileImport;
use crate::summary::{ImportSummary, Problem};
use hearth_model::QuarantinedRow;
use std::borrow::Cow;

/// A record that swallowed the rows after it.
pub(crate) struct Runaway<'t> {
    /// The header of the column where the quote opens.
    column: String,
    /// The physical lines the record spans, the first being the row where the quote opens.
    lines: Vec<&'t str>,
    /// The file's separator (the mapping's `delimiter`).
    delimiter: u8,
}

/// The runaway quoted value in `record`, if it is one. `text[start..end]` is the record's
/// text (with any blank lines before it); `header` is the file's header row.
pub(crate) fn find<'t>(
    record: &csv::StringRecord,
    text: &'t str,
    (start, end): (usize, usize),
    header: &[String],
    delimiter: u8,
) -> Option<Runaway<'t>> {
    let col = record
        .iter()
        .position(|c| c.contains('\n') || c.contains('\r'))?;
    let slice = text
        .get(start..end)?
        .trim_start_matches(['\r', '\n'])
        .trim_end_matches(['\r', '\n']);
    let lines: Vec<&str> = slice
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let unpaired = slice.bytes().filter(|&b| b == b'"').count() % 2 == 1;
    let width = header.len();
    let swallows_a_row = width >= 3
        && lines[1..]
            .iter()
            .any(|l| cells(l, delimiter).len() == width);
    (unpaired || swallows_a_row).then(|| Runaway {
        // Any column, mapped or not: a NUL in its header would make the row unstorable.
        column: header.get(col).map_or("", |h| h.trim()).replace('\0', ""),
        lines,
        delimiter,
    })
}

/// A line's cells, read alone.
fn cells(line: &str, delimiter: u8) -> Vec<String> {
    let mut reader = crate::csv_rows::reader(line, delimiter);
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => record
            .iter()
            .map(|c| bounded(Cow::Borrowed(c.trim())))
            .collect(),
        _ => vec![bounded(Cow::Borrowed(line))],
    }
}

impl Runaway<'_> {
    /// Quarantines every non-blank line, the first being row `first_row`; returns the row
    /// number of the last line.
    pub(crate) fn quarantine(self, first_row: u64, out: &mut FileImport) -> u64 {
        let last_row = first_row + self.lines.len() as u64 - 1;
        let column = &self.column;
        for (i, line) in self.lines.iter().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let row = first_row + i as u64;
            out.rows_read += 1;
            ImportSummary::count(
                &mut out.summary.problems,
                Some(column),
                Problem::UnclosedQuote,
                row,
                || {
                    format!(
                        "Close the quote that opens in {column} on row {first_row} (a value \
                         that starts with \" must end with \"), or remove it, and import the \
                         file again."
                    )
                },
            );
            let reason = if i == 0 {
                format!(
                    "{column} opens a quoted value (\") on this row that is not closed, so \
                     rows {first_row} to {last_row} were read as one value; close the quote \
                     or remove it, and import the file again"
                )
            } else {
                format!(
                    "This row was read into a quoted value (\") that opens in {column} on row \
                     {first_row} and is not closed; close that quote or remove it, and import \
                     the file again"
                )
            };
            out.quarantined.push(QuarantinedRow {
                source_row: row,
                field: Some(column.clone()),
                reason,
                raw: cells(line, self.delimiter),
            });
        }
        last_row
    }
}
