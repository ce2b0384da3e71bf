//! Cells as read: a CSV cell is text, a workbook cell carries its type. Both readers hand
//! rows of these to the row checks.
//!
//! It does not read files (see `read`) or judge values (see `validate`).

use crate::values;
use chrono::NaiveDate;
use std::borrow::Cow;

/// The most characters Hearth accepts in a cell mapped to an identifier, a name, a date, an
/// address part or a number: longer is not a real value (a 50 MB surname once made linkage
/// take seconds and hundreds of megabytes), so the row is quarantined naming the column.
pub const MAX_VALUE_CHARS: usize = 1_000;

/// The most characters Hearth accepts in a cell mapped to a free-text attribute (notes,
/// descriptions). Also the most of any cell kept in a quarantined row's `raw`: longer cells
/// are cut there, saying how many characters were cut.
pub const MAX_FREE_TEXT_CHARS: usize = 10_000;

/// One cell as read: CSV cells are always text; workbook cells carry their type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell<'a> {
    Empty,
    Text(&'a str),
    Number(f64),
    Bool(bool),
    /// A date-formatted workbook cell; `None` if it holds no real date.
    Date(Option<NaiveDate>),
    /// A workbook error value such as `#REF!`.
    Error,
}

/// A row of cells, from a CSV record or a worksheet row.
pub(crate) trait Row {
    fn width(&self) -> usize;
    fn cell(&self, i: usize) -> Cell<'_>;
}

/// The text a person sees in a cell, trimmed.
pub(crate) fn cell_text<'a>(c: &Cell<'a>) -> Cow<'a, str> {
    match *c {
        Cell::Empty => Cow::Borrowed(""),
        Cell::Text(s) => Cow::Borrowed(s.trim()),
        Cell::Number(v) => Cow::Owned(values::number_text(v)),
        Cell::Bool(b) => Cow::Borrowed(if b { "TRUE" } else { "FALSE" }),
        Cell::Date(Some(d)) => Cow::Owned(d.format("%d/%m/%Y").to_string()),
        Cell::Date(None) => Cow::Borrowed("#DATE?"),
        Cell::Error => Cow::Borrowed("#ERROR"),
    }
}

/// Every cell of a row as text, for a quarantined row's `raw`; a cell over
/// [`MAX_FREE_TEXT_CHARS`] is cut to that length, saying how much was cut.
pub(crate) fn raw<R: Row + ?Sized>(row: &R) -> Vec<String> {
    (0..row.width())
        .map(|i| bounded(cell_text(&row.cell(i))))
        .collect()
}

/// `text`, cut to [`MAX_FREE_TEXT_CHARS`] characters if longer (saying how many were cut).
pub(crate) fn bounded(text: Cow<'_, str>) -> String {
    if text.len() <= MAX_FREE_TEXT_CHARS {
        return text.into_owned();
    }
    let total = text.chars().count();
    if total <= MAX_FREE_TEXT_CHARS {
        return text.into_owned();
    }
    let mut kept: String = text.chars().take(MAX_FREE_TEXT_CHARS).collect();
    kept.push_str(&format!(
        "… [{} more characters cut by Hearth]",
        total - MAX_FREE_TEXT_CHARS
    ));
    kept
}
