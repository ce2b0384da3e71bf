//! Counts of what went wrong in a file, grouped by field, for the CLI to print. Nothing here
//! holds a cell value, so a summary is safe to print and log.

use std::fmt;

/// A kind of problem found in a row. Describes the problem without quoting any value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Problem {
    /// The row has values beyond the header's columns (in a CSV file, usually a value with
    /// the separator in it that is not in double quotes).
    TooManyCells,
    /// The row has fewer cells than the header (a value or separator missing, or a row cut
    /// short by a line break).
    TooFewCells,
    /// The row has no name and no identifier, so nobody can tell who it is about.
    NoIdentity,
    /// A required field is empty.
    Missing,
    /// A date not in any accepted format.
    DateFormat,
    /// A date in an accepted format that does not exist (31/02/2024).
    DateNotReal,
    /// A date of birth after the day of import.
    FutureBirth,
    /// A date with a year before 1900 or far in the future.
    ImplausibleYear,
    /// An end date before the start (event) date.
    EndBeforeStart,
    /// An NHS number of the wrong length or with a wrong check digit.
    InvalidNhsNumber,
    /// An NI number of the wrong form.
    InvalidNiNumber,
    /// A UPN of the wrong form or with a wrong check letter.
    InvalidUpn,
    /// A postcode not in a UK form.
    InvalidPostcode,
    /// A value not in the mapping's list of allowed values.
    NotAllowed,
    /// A value that should be a number but is not.
    NotANumber,
    /// A value that should be an amount of money but is not.
    NotMoney,
    /// A value that should be yes or no but is not.
    NotYesNo,
    /// A workbook cell holding an Excel error such as `#REF!`.
    CellError,
    /// A quoted value that is never closed, so that the rows after it were read into it: the
    /// row where the quote opens and every row it swallowed are quarantined.
    UnclosedQuote,
    /// A cell holding a NUL character (an invisible control character from a faulty export).
    NulCharacter,
    /// A cell longer than Hearth accepts for its field (see `MAPPINGS.md`, "Limits").
    TooLong,
    /// Warning: a row with every cell empty, skipped.
    BlankRow,
    /// Warning: a sex/gender value Hearth does not recognise; the row is kept without it.
    SexNotRecognised,
    /// Warning: a whole name not in the mapping's pattern; kept as a whole name only.
    NameNotSplit,
    /// Warning: a workbook formula with no saved value; read as empty.
    FormulaWithoutValue,
    /// Warning: a cell covered by a merged cell (not its top-left cell); read as empty.
    MergedCell,
    /// A value a translation table does not list (`untranslated = "quarantine"`).
    NotInTable,
    /// Warning: a value a translation table does not list, kept as written
    /// (`untranslated = "keep"`).
    KeptUntranslated,
    /// A value that should be a percentage (0–100) but is not.
    NotAPercentage,
    /// A derived value (`percent_of`, `subtract_from`) that cannot be worked out: the value
    /// it comes from is missing, or the result is below zero.
    CannotDerive,
    /// Warning: a whole name with a comma where the mapping's pattern has none; split at the
    /// comma as `SURNAME, Forename`.
    NameOrderDiffers,
    /// Warning: a postcode that stands for none (an NHS pseudo-postcode such as `ZZ99 3VZ`,
    /// or "NFA"); the row is kept without a postcode.
    PostcodePlaceholder,
    /// Warning: an address that says there is none ("No fixed abode", "Unknown", "Address
    /// withheld"); kept as written, but it places nobody in a household and links nobody.
    AddressPlaceholder,
    /// Warning: an event dated after the day of import (a booked appointment, a typing
    /// error); kept, but no run as at an earlier day counts it.
    FutureEvent,
    /// A row that repeats the header (two exports joined into one file): quarantined, never
    /// read as a person called "Surname".
    RepeatedHeader,
    /// Warning: a date of birth written as not known ("N/K", 01/01/1900): read as none, the
    /// row kept.
    BirthPlaceholder,
    /// A totals or subtotals row at the foot of a report ("Total", "Grand total"):
    /// quarantined, never read as a person called "Total".
    TotalsRow,
    /// Warning: a name written as not known ("N/K", "Unknown", "-"): read as no name, the row
    /// kept if it has another name or an NHS number, NI number or UPN.
    NamePlaceholder,
}

impl Problem {
    /// A short value-free description, e.g. "not a real date".
    pub fn describe(self) -> &'static str {
        match self {
            Problem::TooManyCells => "more values than the header has columns",
            Problem::TooFewCells => "fewer values than the header has columns",
            Problem::NoIdentity => "no name or identifier",
            Problem::Missing => "empty, but required",
            Problem::DateFormat => "not a date in an accepted format",
            Problem::DateNotReal => "not a real date",
            Problem::FutureBirth => "date of birth in the future",
            Problem::ImplausibleYear => "impossible year",
            Problem::EndBeforeStart => "end date before the start date",
            Problem::InvalidNhsNumber => "not a valid NHS number",
            Problem::InvalidNiNumber => "not a valid National Insurance number",
            Problem::InvalidUpn => "not a valid Unique Pupil Number",
            Problem::InvalidPostcode => "not a valid UK postcode",
            Problem::NotAllowed => "not one of the allowed values",
            Problem::NotANumber => "not a number",
            Problem::NotMoney => "not an amount of money",
            Problem::NotYesNo => "not yes or no",
            Problem::CellError => "cell holds an Excel error",
            Problem::UnclosedQuote => "inside a quoted value that is never closed",
            Problem::NulCharacter => "holds a NUL character",
            Problem::TooLong => "value longer than Hearth accepts",
            Problem::BlankRow => "blank row, skipped",
            Problem::SexNotRecognised => "value not recognised, left blank",
            Problem::NameNotSplit => "name not in the mapping's pattern, kept whole",
            Problem::FormulaWithoutValue => "formula with no saved value, read as empty",
            Problem::MergedCell => "part of a merged cell, read as empty",
            Problem::NotInTable => "not in the mapping's translation table",
            Problem::KeptUntranslated => "not in the mapping's translation table, kept as written",
            Problem::NotAPercentage => "not a percentage from 0 to 100",
            Problem::CannotDerive => "cannot be worked out from the other values",
            Problem::NameOrderDiffers => "name written SURNAME, Forename, split at the comma",
            Problem::PostcodePlaceholder => "stands for no postcode, read as none",
            Problem::AddressPlaceholder => "says there is no address, so it places nobody",
            Problem::FutureEvent => "dated after the day of import, kept",
            Problem::RepeatedHeader => "the header repeated (files joined?)",
            Problem::BirthPlaceholder => "means not known, read as no date of birth",
            Problem::TotalsRow => "a totals row, not a person",
            Problem::NamePlaceholder => "means not known, read as no name",
        }
    }
}

/// How many rows had one kind of problem in one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemCount {
    /// The file's column (as the mapping names it), or `None` for whole-row problems.
    pub field: Option<String>,
    /// The kind of problem.
    pub problem: Problem,
    /// Number of rows with it. A row with several problems counts once in each group.
    pub rows: u64,
    /// The first row with it, numbered as a spreadsheet shows (header = row 1).
    pub example_row: u64,
    /// How to fix it, in plain English, without quoting any value.
    pub hint: String,
}

/// What happened to a file's rows, for the CLI to print. Holds no cell values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// The source, e.g. `police`.
    pub source: String,
    /// The file's name.
    pub file_name: String,
    /// Data rows read (not counting the header), including blank and quarantined rows.
    pub rows_read: u64,
    /// Rows returned as good.
    pub rows_imported: u64,
    /// Rows quarantined.
    pub rows_quarantined: u64,
    /// Why rows were quarantined, in order of first appearance.
    pub problems: Vec<ProblemCount>,
    /// Problems that did not stop a row being imported (blank rows, values dropped), in
    /// order of first appearance.
    pub warnings: Vec<ProblemCount>,
    /// What was done with the whole file otherwise than the mapping says (a UTF-8 file
    /// under a `windows-1252` mapping was read as UTF-8), each a sentence without values.
    pub notes: Vec<String>,
}

impl ImportSummary {
    pub(crate) fn count(
        list: &mut Vec<ProblemCount>,
        field: Option<&str>,
        problem: Problem,
        row: u64,
        hint: impl FnOnce() -> String,
    ) {
        if let Some(g) = list
            .iter_mut()
            .find(|g| g.problem == problem && g.field.as_deref() == field)
        {
            g.rows += 1;
        } else {
            list.push(ProblemCount {
                field: field.map(str::to_string),
                problem,
                rows: 1,
                example_row: row,
                hint: hint(),
            });
        }
    }
}

fn write_group(f: &mut fmt::Formatter<'_>, g: &ProblemCount) -> fmt::Result {
    let rows = if g.rows == 1 { "row" } else { "rows" };
    writeln!(
        f,
        "    {}: {} — {} {rows} (e.g. row {}). {}",
        g.field.as_deref().unwrap_or("whole row"),
        g.problem.describe(),
        g.rows,
        g.example_row,
        g.hint
    )
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} ({}): {} rows read, {} imported, {} quarantined",
            self.file_name, self.source, self.rows_read, self.rows_imported, self.rows_quarantined
        )?;
        for note in &self.notes {
            writeln!(f, "  Note: {note}")?;
        }
        if !self.problems.is_empty() {
            writeln!(f, "  Quarantined rows:")?;
            for g in &self.problems {
                write_group(f, g)?;
            }
        }
        if !self.warnings.is_empty() {
            writeln!(f, "  Warnings (rows kept):")?;
            for g in &self.warnings {
                write_group(f, g)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_count_rows_and_keep_the_first_example() {
        let mut s = ImportSummary {
            source: "police".into(),
            file_name: "police.csv".into(),
            rows_read: 10,
            rows_imported: 7,
            rows_quarantined: 3,
            ..ImportSummary::default()
        };
        for row in [4, 9] {
            ImportSummary::count(
                &mut s.problems,
                Some("DOB"),
                Problem::DateNotReal,
                row,
                || "Correct the day or month (dates are dd/mm/yyyy).".into(),
            );
        }
        ImportSummary::count(&mut s.problems, None, Problem::TooFewCells, 6, || {
            "Check the row for missing separators, or re-export the file.".into()
        });
        ImportSummary::count(&mut s.warnings, None, Problem::BlankRow, 11, || {
            "Delete blank rows from the file; they are skipped.".into()
        });
        assert_eq!(
            s.to_string(),
            "police.csv (police): 10 rows read, 7 imported, 3 quarantined\n\
             \x20 Quarantined rows:\n\
             \x20   DOB: not a real date — 2 rows (e.g. row 4). Correct the day or month (dates are dd/mm/yyyy).\n\
             \x20   whole row: fewer values than the header has columns — 1 row (e.g. row 6). Check the row for missing separators, or re-export the file.\n\
             \x20 Warnings (rows kept):\n\
             \x20   whole row: blank row, skipped — 1 row (e.g. row 11). Delete blank rows from the file; they are skipped.\n"
        );
    }
}
