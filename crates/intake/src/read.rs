//! Reading partner files: bytes to decoded text to rows of cells, CSV or workbook.

use crate::cells::{cell_text, Cell, Row};
use crate::csv_rows::CsvRows;
use crate::decode::decode;
use crate::header;
use crate::import::{FileImport, ReadOptions};
use crate::mapping::{Mapping, MappingError};
use crate::runaway;
use crate::summary::{ImportSummary, Problem};
use crate::validate::Plan;
use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use std::path::Path;

pub use crate::error::IntakeError;

/// Reads and validates a partner file with its mapping, with today's date as the day of
/// import.
pub fn read_file(path: impl AsRef<Path>, mapping: &Mapping) -> Result<FileImport, IntakeError> {
    read_file_with(path, mapping, &ReadOptions::default())
}

/// [`read_file`] with explicit [`ReadOptions`].
pub fn read_file_with(
    path: impl AsRef<Path>,
    mapping: &Mapping,
    options: &ReadOptions,
) -> Result<FileImport, IntakeError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|error| IntakeError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    read_bytes(path, &bytes, mapping, options)
}

/// Reads and validates a partner file already in memory; `path` names it in errors and gives
/// its file name (and `.xlsx`/`.xlsm` extension, if it is a workbook).
pub fn read_bytes(
    path: impl AsRef<Path>,
    bytes: &[u8],
    mapping: &Mapping,
    options: &ReadOptions,
) -> Result<FileImport, IntakeError> {
    let path = path.as_ref();
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let is_workbook = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"))
        || bytes.starts_with(b"PK\x03\x04");
    let sha256 = hex(&Sha256::digest(bytes));
    let mut out = FileImport {
        source: mapping.source.clone(),
        file_name: file_name.clone(),
        sha256,
        rows_read: 0,
        rows: Vec::new(),
        quarantined: Vec::new(),
        summary: ImportSummary {
            source: mapping.source.clone(),
            file_name,
            ..ImportSummary::default()
        },
    };
    if is_workbook {
        read_workbook(path, bytes, mapping, options, &mut out)?;
    } else {
        read_csv(path, bytes, mapping, options, &mut out)?;
    }
    if out.rows.is_empty() && out.quarantined.is_empty() {
        // A failed or filtered-out export looks like a quiet month: say so.
        out.summary.notes.push(
            "The file has no data rows below its header: if the partner meant to send data, \
             ask them to export it again"
                .to_string(),
        );
    }
    out.summary.rows_read = out.rows_read;
    out.summary.rows_imported = out.rows.len() as u64;
    out.summary.rows_quarantined = out.quarantined.len() as u64;
    tracing::info!(
        source = %out.source,
        file = %out.file_name,
        rows_read = out.rows_read,
        imported = out.rows.len(),
        quarantined = out.quarantined.len(),
        "partner file read"
    );
    Ok(out)
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

impl Row for csv::StringRecord {
    fn width(&self) -> usize {
        self.len()
    }
    fn cell(&self, i: usize) -> Cell<'_> {
        match self.get(i) {
            Some(s) => Cell::Text(s),
            None => Cell::Empty,
        }
    }
}

fn read_csv(
    path: &Path,
    bytes: &[u8],
    mapping: &Mapping,
    options: &ReadOptions,
    out: &mut FileImport,
) -> Result<(), IntakeError> {
    let decoded = decode(path, bytes, mapping)?;
    out.summary.notes.extend(decoded.note);
    let text = decoded.text;
    let csv_err = |e: csv::Error| IntakeError::Csv {
        path: path.to_path_buf(),
        // csv's messages give positions and kinds of problem, not field contents.
        message: e.to_string(),
    };
    let mut rows = CsvRows::new(&text, mapping.delimiter);
    if !rows.next().map_err(csv_err)? {
        return Err(IntakeError::Empty {
            path: path.to_path_buf(),
        });
    }
    // Title rows above the header: skipped, but counted in the row numbers.
    if let Some(want) = mapping.header_row.map(u64::from) {
        while rows.row_no < want && rows.next().map_err(csv_err)? {}
        if rows.row_no != want {
            return Err(IntakeError::NoHeaderRow {
                path: path.to_path_buf(),
                row: want,
                sheet: None,
                mapping: mapping.path.clone(),
            });
        }
    }
    let header: Vec<String> = rows.record.iter().map(str::to_string).collect();
    let mut plan = Plan::new(mapping, &header, false, options).map_err(|error| {
        let hints = match error {
            MappingError::MissingColumns { .. } => {
                header::csv_hints(&text, mapping, &header, rows.row_no)
            }
            _ => Vec::new(),
        };
        IntakeError::Header {
            path: path.to_path_buf(),
            error: Box::new(error),
            hints,
        }
    })?;
    if let Some(mut columns) = plan.decimal_columns(mapping) {
        // Each number column's decimal mark, from all its values, before any row is read.
        let mut all = CsvRows::new(&text, mapping.delimiter);
        while let Ok(true) = all.next() {
            if all.row_no > rows.row_no {
                columns.add(&all.record);
            }
        }
        out.summary.notes.extend(plan.set_decimals(columns));
    }
    while rows.next().map_err(csv_err)? {
        let span = rows.span();
        let found = runaway::find(&rows.record, &text, span, &header, mapping.delimiter);
        if let Some(runaway) = found {
            rows.row_no = runaway.quarantine(rows.row_no, out);
            continue;
        }
        out.rows_read += 1;
        plan.check_row(&rows.record, rows.row_no, out);
    }
    month_first(&plan, path, mapping)
}

/// Refuses a file whose date column is written month first while the mapping reads it day
/// first (see [`IntakeError::MonthFirst`]).
fn month_first(plan: &Plan<'_>, path: &Path, mapping: &Mapping) -> Result<(), IntakeError> {
    match plan.month_first(mapping) {
        None => Ok(()),
        Some(column) => Err(IntakeError::MonthFirst {
            path: path.to_path_buf(),
            column: Box::new(column),
        }),
    }
}

impl Row for [calamine::Data] {
    fn width(&self) -> usize {
        self.len()
    }
    fn cell(&self, i: usize) -> Cell<'_> {
        use calamine::Data;
        match self.get(i) {
            None | Some(Data::Empty) => Cell::Empty,
            Some(Data::String(s)) | Some(Data::DateTimeIso(s)) | Some(Data::DurationIso(s)) => {
                Cell::Text(s)
            }
            Some(Data::Int(v)) => Cell::Number(*v as f64),
            Some(Data::Float(v)) => Cell::Number(*v),
            Some(Data::Bool(b)) => Cell::Bool(*b),
            Some(Data::DateTime(dt)) if dt.is_datetime() => {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                Cell::Date(NaiveDate::from_ymd_opt(
                    i32::from(y),
                    u32::from(m),
                    u32::from(d),
                ))
            }
            Some(Data::DateTime(dt)) => Cell::Number(dt.as_f64()),
            Some(Data::Error(_)) => Cell::Error,
        }
    }
}

fn read_workbook(
    path: &Path,
    bytes: &[u8],
    mapping: &Mapping,
    options: &ReadOptions,
    out: &mut FileImport,
) -> Result<(), IntakeError> {
    use calamine::Reader;
    let wb_err = |e: calamine::XlsxError| IntakeError::Workbook {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(wb_err)?;
    let sheets = workbook.sheet_names();
    let sheet = match &mapping.sheet {
        Some(want) => sheets
            .iter()
            .find(|s| s.trim().eq_ignore_ascii_case(want.trim()))
            .cloned()
            .ok_or_else(|| IntakeError::SheetNotFound {
                path: path.to_path_buf(),
                sheet: want.clone(),
                sheets: sheets.clone(),
                mapping: mapping.path.clone(),
            })?,
        None => sheets.first().cloned().ok_or_else(|| IntakeError::Empty {
            path: path.to_path_buf(),
        })?,
    };
    let range = workbook.worksheet_range(&sheet).map_err(wb_err)?;
    let Some((first_row, _)) = range.start() else {
        return Err(IntakeError::Empty {
            path: path.to_path_buf(),
        });
    };
    // The range starts at its first used cell: rows and columns are offset from A1.
    let first_col = range.start().map_or(0, |(_, c)| c as usize);
    // The header's row, 0-based: the mapping's `header_row`, else the first used row.
    let header_at = mapping.header_row.map_or(first_row, |n| n - 1);
    let no_header = || IntakeError::NoHeaderRow {
        path: path.to_path_buf(),
        row: u64::from(header_at) + 1,
        sheet: Some(sheet.clone()),
        mapping: mapping.path.clone(),
    };
    if header_at < first_row {
        return Err(no_header());
    }
    let mut rows = range.rows().skip((header_at - first_row) as usize);
    let Some(header_cells) = rows.next() else {
        return Err(match mapping.header_row {
            Some(_) => no_header(),
            None => IntakeError::Empty {
                path: path.to_path_buf(),
            },
        });
    };
    // Columns left of the range are empty in every row: pad so that positions match A, B, ...
    let pad = vec![calamine::Data::Empty; first_col];
    let header: Vec<String> = pad
        .iter()
        .chain(header_cells)
        .map(|c| cell_text(&c_cell(c)).into_owned())
        .collect();
    if header.iter().all(|h| h.is_empty()) {
        return Err(no_header());
    }
    let plan = Plan::new(mapping, &header, true, options).map_err(|error| {
        let hints = match error {
            MappingError::MissingColumns { .. } => {
                let others: Vec<_> = sheets
                    .iter()
                    .filter(|s| **s != sheet)
                    .enumerate()
                    .map(|(i, s)| {
                        // Searched for the header: the first twenty sheets.
                        let range = (i < 20).then(|| workbook.worksheet_range(s).ok());
                        (s.clone(), range.flatten())
                    })
                    .collect();
                let at = u64::from(header_at) + 1;
                header::workbook_hints(mapping, (&sheet, &range), &header, at, &others)
            }
            _ => Vec::new(),
        };
        IntakeError::Header {
            path: path.to_path_buf(),
            error: Box::new(error),
            hints,
        }
    })?;
    // Cells that read as empty but are not: warn, naming the sheet, row and column.
    let formulas = workbook.worksheet_formula(&sheet).ok();
    let merged = workbook
        .merge_cells_by_sheet_name(&sheet)
        .unwrap_or_default();
    let hidden = HiddenValues {
        sheet: &sheet,
        header: &header,
        plan: &plan,
        formulas: formulas.as_ref(),
        merged: &merged,
    };
    let mut padded: Vec<calamine::Data> = Vec::new();
    for (i, cells) in rows.enumerate() {
        hidden.warn(&range, header_at + 1 + i as u32, out);
        out.rows_read += 1;
        let row_no = u64::from(header_at) + 2 + i as u64;
        if first_col == 0 {
            plan.check_row(cells, row_no, out);
        } else {
            padded.clear();
            padded.extend(pad.iter().cloned());
            padded.extend(cells.iter().cloned());
            plan.check_row(padded.as_slice(), row_no, out);
        }
    }
    month_first(&plan, path, mapping)
}

/// What a worksheet holds that reads as empty: formulas saved without their value (written
/// by a program, not Excel) and the cells a merged cell covers.
struct HiddenValues<'a> {
    sheet: &'a str,
    header: &'a [String],
    plan: &'a Plan<'a>,
    formulas: Option<&'a calamine::Range<String>>,
    merged: &'a [calamine::Dimensions],
}

impl HiddenValues<'_> {
    /// Warns of each mapped cell of worksheet row `row` (0-based) that reads as empty but
    /// holds a formula without a value or is covered by a merged cell.
    fn warn(&self, values: &calamine::Range<calamine::Data>, row: u32, out: &mut FileImport) {
        let row_no = u64::from(row) + 1;
        for col in self.plan.mapped_columns() {
            let Ok(c) = u32::try_from(col) else { continue };
            let empty = values
                .get_value((row, c))
                .is_none_or(|v| cell_text(&c_cell(v)).is_empty());
            if !empty {
                continue;
            }
            let column = self.header.get(col).map_or("", |h| h.trim());
            let formula = self
                .formulas
                .and_then(|f| f.get_value((row, c)))
                .is_some_and(|f| !f.is_empty());
            let covered = self.merged.iter().any(|d| {
                d.start != (row, c)
                    && (d.start.0..=d.end.0).contains(&row)
                    && (d.start.1..=d.end.1).contains(&c)
            });
            let (problem, hint) = if formula {
                (
                    Problem::FormulaWithoutValue,
                    format!(
                        "Sheet \"{}\", column {column}: open the workbook in Excel and save it, \
                         so that each formula's value is saved with it.",
                        self.sheet
                    ),
                )
            } else if covered {
                (
                    Problem::MergedCell,
                    format!(
                        "Sheet \"{}\", column {column}: unmerge the cells and fill in the value \
                         on every row.",
                        self.sheet
                    ),
                )
            } else {
                continue;
            };
            ImportSummary::count(
                &mut out.summary.warnings,
                Some(column),
                problem,
                row_no,
                || hint,
            );
        }
    }
}

fn c_cell(d: &calamine::Data) -> Cell<'_> {
    std::slice::from_ref(d).cell(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_of_digest() {
        assert_eq!(
            hex(&Sha256::digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
