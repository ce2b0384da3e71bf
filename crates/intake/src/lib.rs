//! Reading and validating partner files: the front door of Hearth.
//!
//! A council receives files from partners (police, schools, DWP, NHS, social care, housing,
//! youth justice) as CSV or Excel workbooks. For each partner source a **mapping file**
//! (TOML, format in `crates/intake/MAPPINGS.md`, shipped ones in `mappings/`) says which of
//! its columns are who the row is about ([`hearth_model::Identity`]) and which are what
//! happened ([`hearth_model::Fact`]). This crate:
//!
//! * loads and checks mappings ([`Mapping::load`], [`Mapping::find_for`]), with errors that
//!   name the mapping file, the column and the columns the file does have;
//! * reads CSV (UTF-8 with or without BOM, or Windows-1252 — but a UTF-8 file is read as
//!   UTF-8 whatever the mapping says, with a note; a UTF-16 file is named as such; separated
//!   by commas or the mapping's `delimiter`, the header on the mapping's `header_row`) and
//!   `.xlsx` workbooks (warning of formulas saved without a value and merged cells);
//! * matches headers without case, with non-breaking spaces and runs of spaces as one space,
//!   and when the header still lacks a mapped column says why it may be: another separator,
//!   title rows above the header, another sheet, invisible characters;
//! * accounts for every physical row: a quoted value that is never closed quarantines the
//!   row where it opens and each row it swallowed; a NUL character or a cell over its limit
//!   ([`MAX_VALUE_CHARS`], [`MAX_FREE_TEXT_CHARS`]) quarantines its row, naming the column;
//! * checks every row: dates (UK, ISO, Excel serials and date cells; impossible dates,
//!   future births and impossible years are caught), NHS numbers (check digit), NI numbers,
//!   UPNs (check letter), postcodes, required fields, allowed values, numbers, money, yes/no,
//!   the number of cells;
//! * returns a [`FileImport`]: the good rows as [`hearth_model::ImportedRow`], the bad ones as
//!   [`hearth_model::QuarantinedRow`] with a plain-English reason that says how to fix it,
//!   and an [`ImportSummary`] of problems by field for the command line.
//!
//! It does **not** touch the database, link records, or decide families: the store persists
//! a `FileImport`, identification works on stored rows.
//!
//! Rows are numbered as a spreadsheet shows them: the header is row 1.
//!
//! **Personal data.** Whole-file errors ([`IntakeError`], [`MappingError`]) and the
//! [`ImportSummary`] never contain cell values, so they may be logged. A quarantined row's
//! `reason` and `raw` do quote cell values: store them and show them to the data officer who
//! fixes the file, but never write them to logs.
//!
//! ```
//! use hearth_intake::{read_bytes, Mapping, ReadOptions};
//!
//! let mapping = Mapping::parse(r#"
//!     source = "youth_justice"
//!     files = ["youth_justice*.csv"]
//!     encoding = "utf-8"
//!     event_type = "youth_offence"
//!     date_formats = ["dd/mm/yyyy"]
//!     [identity]
//!     source_person_id = "YOT Ref"
//!     family_name = "Surname"
//!     date_of_birth = "DOB"
//!     [fact]
//!     event_date = "Offence Date"
//!     [attributes.proven]
//!     column = "Proven"
//!     type = "bool"
//!     required = true
//! "#, "youth_justice.toml").unwrap();
//!
//! let csv = "YOT Ref,Surname,DOB,Offence Date,Proven\n\
//!            Y1,Smith,01/02/2010,03/04/2024,Y\n\
//!            Y2,Jones,31/02/2011,03/04/2024,N\n";
//! let options = ReadOptions { today: chrono::NaiveDate::from_ymd_opt(2025, 9, 1).unwrap() };
//! let import = read_bytes("youth_justice.csv", csv.as_bytes(), &mapping, &options).unwrap();
//!
//! assert_eq!(import.rows.len(), 1);
//! assert_eq!(import.rows[0].source_row, 2);
//! let bad = &import.quarantined[0];
//! assert_eq!(bad.source_row, 3);
//! assert_eq!(bad.field.as_deref(), Some("DOB"));
//! assert_eq!(bad.reason, r#"DOB "31/02/2011" is not a real date; use dd/mm/yyyy"#);
//! println!("{}", import.summary); // safe to print: no cell values
//! ```
#![deny(missing_docs)]

mod cells;
mod csv_rows;
mod decode;
mod error;
mod header;
mod import;
mod mapping;
mod read;
mod returns;
mod runaway;
mod summary;
mod validate;
mod values;

pub use cells::{MAX_FREE_TEXT_CHARS, MAX_VALUE_CHARS};
pub use error::MonthFirstColumn;
pub use hearth_model::standardise::dates::DateFormat;
pub use hearth_model::standardise::names::NamePattern;
pub use import::{FileImport, ReadOptions};
pub use mapping::{AttrType, Encoding, InvalidIdentifiers, Mapping, MappingError, Sharing};
pub use read::{read_bytes, read_file, read_file_with, IntakeError};
pub use returns::{quarantine_csv, ReturnedRow};
pub use summary::{ImportSummary, Problem, ProblemCount};
