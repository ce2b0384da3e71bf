//! Cells as read: a CSV cell is text, a workbook cell carries its type. Both readers hand
//! rows of these to the row checks.
//!
//! It does not read files (see `read`) or judge values (see `validate`).

use crate::values;
use chrono::NaiveDate;
use std::borrow::Cow;

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

/// Every cell of a row as text, for a quarantined row's `raw`.
pub(crate) fn raw<R: Row + ?Sized>(row: &R) -> Vec<String> {
    (0..row.width())
        .map(|i| cell_text(&row.cell(i)).into_owned())
        .collect()
}
