//! The error that stops a whole file being read.

use crate::mapping::MappingError;
use std::path::PathBuf;

/// A failure that stops a whole file being read. Messages name the file and columns, never
/// cell values, so they are safe to log.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The file could not be read.
    #[error("cannot read {path}: {error}")]
    Io {
        /// The partner file.
        path: PathBuf,
        /// The underlying error (shown in the message, so not also its `source`: a report
        /// of the error's chain would say it twice).
        error: std::io::Error,
    },
    /// The mapping says UTF-8 but the file is not.
    #[error(
        "{path} is not valid UTF-8 (first bad byte on line {line}); if it came from an older \
         Windows system, set encoding = \"windows-1252\" (or \"auto\") in mapping {mapping}"
    )]
    NotUtf8 {
        /// The partner file.
        path: PathBuf,
        /// The line (1-based) holding the first byte that is not UTF-8.
        line: u64,
        /// The mapping file.
        mapping: PathBuf,
    },
    /// The file is UTF-16 text (as Excel's "Unicode Text" and some exports write), which
    /// Hearth does not read.
    #[error(
        "{path} is UTF-16 text; save it as UTF-8 (in Excel: Save As, \"CSV UTF-8 (Comma \
         delimited)\") and import it again"
    )]
    Utf16 {
        /// The partner file.
        path: PathBuf,
    },
    /// The workbook could not be opened or read.
    #[error("cannot read workbook {path}: {message}; open it in Excel and save it again as .xlsx")]
    Workbook {
        /// The partner file.
        path: PathBuf,
        /// What the workbook reader said.
        message: String,
    },
    /// The mapping names a worksheet the workbook does not have.
    #[error("workbook {path} has no sheet \"{sheet}\" (mapping {mapping}); its sheets are: {}", sheets.join(", "))]
    SheetNotFound {
        /// The partner file.
        path: PathBuf,
        /// The sheet the mapping names.
        sheet: String,
        /// The sheets the workbook has.
        sheets: Vec<String>,
        /// The mapping file.
        mapping: PathBuf,
    },
    /// The file has no header row.
    #[error("{path} is empty: it has no header row")]
    Empty {
        /// The partner file.
        path: PathBuf,
    },
    /// The CSV text could not be parsed.
    #[error("cannot parse {path} as CSV: {message}")]
    Csv {
        /// The partner file.
        path: PathBuf,
        /// What the CSV reader said.
        message: String,
    },
    /// The header does not have the columns the mapping names.
    #[error("{path}: {error}{}", hints.iter().map(|h| format!("; {h}")).collect::<String>())]
    Header {
        /// The partner file.
        path: PathBuf,
        /// Which columns are missing or duplicated (shown in the message, so not also its
        /// `source`; boxed: it is large, and every result of reading a file carries room for
        /// its error).
        error: Box<MappingError>,
        /// What may be wrong (another separator, title rows above the header, another
        /// sheet) and the mapping setting that would read the file.
        hints: Vec<String>,
    },
    /// A date column is written month first (`04/25/2025`), as American systems write
    /// dates, while the mapping reads it day first: the dates that read both ways would have
    /// their day and month swapped, so nothing is imported.
    #[error("{path}: {column}")]
    MonthFirst {
        /// The partner file.
        path: PathBuf,
        /// The column and what shows it (boxed: it is large, and every result of reading a
        /// file carries room for its error).
        column: Box<MonthFirstColumn>,
    },
    /// The mapping's `header_row` is blank or past the end of the file.
    #[error(
        "{path} has no header on row {row}, which mapping {mapping} gives as its header_row: \
         that row is blank or past the end of the file{}",
        sheet.as_ref().map(|s| format!(" (sheet \"{s}\")")).unwrap_or_default()
    )]
    NoHeaderRow {
        /// The partner file.
        path: PathBuf,
        /// The header row the mapping gives (1-based).
        row: u64,
        /// The worksheet read, for a workbook.
        sheet: Option<String>,
        /// The mapping file.
        mapping: PathBuf,
    },
}

/// A date column written month first while its mapping reads it day first: some values read
/// only with day and month swapped, and none with a day above 12 written first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{column} seems to be written month first: {count} row(s) (e.g. {}) read only with day and \
     month swapped, and no row has a day above 12 written first, so the dates that do read as \
     {formats} would have their day and month swapped; nothing was imported. If the partner \
     writes dates month first, set date_formats = [{month_first_formats}] in mapping \
     {mapping} (or formats = [{month_first_formats}] on {column}'s field alone); if those \
     rows are typing errors, have them corrected",
    rows.iter().map(|r| format!("row {r}")).collect::<Vec<_>>().join(", "),
    mapping = mapping.display()
)]
pub struct MonthFirstColumn {
    /// The mapping file.
    pub mapping: PathBuf,
    /// The column, as the mapping names it.
    pub column: String,
    /// How many rows read only month first.
    pub count: u64,
    /// The first few of them (numbered as a spreadsheet shows).
    pub rows: Vec<u64>,
    /// The formats the mapping gives, as a person reads them (`dd/mm/yyyy or yyyy-mm-dd`).
    pub formats: String,
    /// The formats that read the column, as a mapping writes them: the field's formats with
    /// the first day-first one written month first (`"%m/%d/%Y", "%Y-%m-%d"`).
    pub month_first_formats: String,
}
