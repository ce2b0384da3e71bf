//! The seven partner sources and their tables as generated: each [`Source`]'s file name and
//! columns, the [`Cell`]s of a row, and a [`SourceTable`]. Rendering the true facts as rows
//! (with recording errors) is in `rows`; writing files is in `write`.

use crate::errors::{ErrorKind, ErrorRates, SourceErrors};
use chrono::NaiveDate;

/// One of the seven partner sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// Education: attendance per pupil per term.
    Schools,
    /// Police occurrences.
    Police,
    /// DWP out-of-work benefit claims.
    Dwp,
    /// NHS contacts.
    Health,
    /// Children's social care episodes.
    SocialCare,
    /// Council housing tenancy snapshots.
    Housing,
    /// Youth offending service.
    YouthJustice,
}

impl Source {
    /// All sources in the order files are listed in the contract.
    pub const ALL: [Source; 7] = [
        Source::Schools,
        Source::Police,
        Source::Dwp,
        Source::Health,
        Source::SocialCare,
        Source::Housing,
        Source::YouthJustice,
    ];

    /// File stem, as used in `truth/records.csv` (`police`).
    pub fn stem(self) -> &'static str {
        match self {
            Source::Schools => "schools",
            Source::Police => "police",
            Source::Dwp => "dwp",
            Source::Health => "health",
            Source::SocialCare => "social_care",
            Source::Housing => "housing",
            Source::YouthJustice => "youth_justice",
        }
    }

    /// File name under `sources/`.
    pub fn file_name(self) -> String {
        match self {
            Source::SocialCare => "social_care.xlsx".to_string(),
            s => format!("{}.csv", s.stem()),
        }
    }

    /// Column headers, in order.
    pub fn header(self) -> &'static [&'static str] {
        match self {
            Source::Schools => &[
                "UPN",
                "Legal Surname",
                "Forename",
                "Middle Names",
                "DOB",
                "Gender",
                "Address",
                "Postcode",
                "Academic Year",
                "Term",
                "Term Start",
                "Term End",
                "Possible Sessions",
                "Sessions Missed",
                "Unauthorised Absences",
                "Fixed Term Exclusions",
                "Permanent Exclusion",
            ],
            Source::Police => &[
                "Occurrence Ref",
                "Occurrence Date",
                "Incident Category",
                "Offence Description",
                "Involvement",
                "Surname",
                "Forename",
                "DOB",
                "Sex",
                "Address",
                "Postcode",
            ],
            Source::Dwp => &[
                "NINO",
                "Title",
                "First Name",
                "Surname",
                "Date of Birth",
                "Address",
                "Postcode",
                "Benefit Type",
                "Claim Start",
                "Claim End",
            ],
            Source::Health => &[
                "NHS Number",
                "Patient Name",
                "Date of Birth",
                "Gender",
                "Address",
                "Postcode",
                "Contact Type",
                "Contact Date",
                "Outcome",
            ],
            Source::SocialCare => &[
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
            ],
            Source::Housing => &[
                "Tenancy Ref",
                "Tenant Name",
                "Date of Birth",
                "Address",
                "Record Date",
                "Arrears Balance",
                "Notice Type",
            ],
            Source::YouthJustice => &[
                "YOT Ref",
                "Forename",
                "Surname",
                "DOB",
                "Gender",
                "Postcode",
                "Offence Date",
                "Outcome",
                "Proven",
            ],
        }
    }

    /// Whether dates in this source's file are ISO `yyyy-mm-dd` (else `dd/mm/yyyy`, or
    /// `31-Mar-2025` for police).
    pub fn iso_dates(self) -> bool {
        self == Source::Dwp
    }

    /// The strftime format of dates in this source's CSV file.
    pub fn date_format(self) -> &'static str {
        match self {
            Source::Dwp => "%Y-%m-%d",
            Source::Police => "%d-%b-%Y",
            _ => "%d/%m/%Y",
        }
    }

    pub(crate) fn rates(self, e: &SourceErrors) -> &ErrorRates {
        match self {
            Source::Schools => &e.schools,
            Source::Police => &e.police,
            Source::Dwp => &e.dwp,
            Source::Health => &e.health,
            Source::SocialCare => &e.social_care,
            Source::Housing => &e.housing,
            Source::YouthJustice => &e.youth_justice,
        }
    }
}

/// One cell of a source table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Nothing recorded.
    Empty,
    /// Text.
    Text(String),
    /// Text from a fixed vocabulary.
    Static(&'static str),
    /// A date: text in the source's date format in CSV files, a date cell in Excel.
    Date(NaiveDate),
    /// A whole number.
    Int(u32),
}

impl Cell {
    /// The cell as it appears in a CSV file of `source`.
    pub fn render(&self, source: Source) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(s) => Cow::Borrowed(s),
            Cell::Static(s) => Cow::Borrowed(s),
            Cell::Date(d) => Cow::Owned(d.format(source.date_format()).to_string()),
            Cell::Int(n) => Cow::Owned(n.to_string()),
        }
    }
}

/// A partner source table: rows in file order, each with the true person it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceTable {
    /// Which source.
    pub source: Source,
    /// Data rows (no header); data row `i` is spreadsheet row `i + 2`.
    pub rows: Vec<Vec<Cell>>,
    /// Index into `Borough::people` of the true person of each row.
    pub people: Vec<usize>,
    /// How many of each [`ErrorKind`] were injected (indexed like [`ErrorKind::ALL`]).
    pub errors: [usize; 11],
}

impl SourceTable {
    /// Injected errors of one kind.
    pub fn error_count(&self, kind: ErrorKind) -> usize {
        self.errors[kind as usize]
    }
}
