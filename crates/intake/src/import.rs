//! What reading one partner file gives ([`FileImport`]) and the settings it is read with
//! ([`ReadOptions`]).
//!
//! Plain data; it neither reads files (see `read`) nor checks rows (see `validate`).

use crate::summary::ImportSummary;
use chrono::NaiveDate;
use hearth_model::{ImportedRow, QuarantinedRow};

/// Settings for reading; [`ReadOptions::default`] uses today's date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// The day of import: a date of birth after it is quarantined, and so is any date more
    /// than ten years after it.
    pub today: NaiveDate,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            today: chrono::Local::now().date_naive(),
        }
    }
}

/// The result of reading one partner file: its good rows and its quarantined rows.
///
/// `rows_read == rows.len() + quarantined.len() + blank rows skipped` (the blank rows are
/// counted in `summary.warnings`). Rows are in file order. `quarantined[..].reason` may
/// quote the bad cell: store it, show it to the data officer, but never log it.
#[derive(Debug, Clone, PartialEq)]
pub struct FileImport {
    /// The source, from the mapping (e.g. `police`).
    pub source: String,
    /// The file's name, without its directory.
    pub file_name: String,
    /// SHA-256 of the file's bytes, lower-case hex: the same file imported twice has the same.
    pub sha256: String,
    /// Data rows read, not counting the header.
    pub rows_read: u64,
    /// The rows that passed every check.
    pub rows: Vec<ImportedRow>,
    /// The rows that did not, with the first failing field and the reasons.
    pub quarantined: Vec<QuarantinedRow>,
    /// Counts of problems and warnings by field, safe to print.
    pub summary: ImportSummary,
}
