//! The decimal mark of each number column of a semicolon-separated file whose mapping does
//! not set `decimal`: decided per column from the column's values before any row is checked,
//! so that every value of a column is read the same way.
//!
//! A value read only with a comma as the decimal mark (`87,5`, `1.234,5`, `0,500`, and a
//! percentage `1,500`) counts for the comma; one read only with a point (`87.5`, `1,234.5`,
//! `1,234,567`) for the point. A value read either way to different numbers (`1,500`: 1.5 or
//! 1,500) shows nothing. The column takes the mark more of its values show; when none show
//! one, or as many each, the comma — as Excel writes numbers in a semicolon-separated file.
//! Values that do not read with the column's mark are quarantined as not numbers.

use super::field::Attr;
use crate::mapping::AttrType;
use crate::values::{parse_money_in, parse_number_in, parse_percentage_in, Decimal};

/// What one column's values show of its decimal mark.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Tally {
    /// Values read only with a comma as the decimal mark.
    pub comma: u64,
    /// Values read only with a point.
    pub point: u64,
    /// Values read either way, to different numbers (`1,500`).
    pub either: u64,
}

impl Tally {
    /// The column's mark: the one more values show; the comma when neither shows more.
    pub fn mark(&self) -> Decimal {
        if self.point > self.comma {
            Decimal::Point
        } else {
            Decimal::Comma
        }
    }
}

/// How an attribute's column reads its numbers, if it is a number column read from the file.
fn reader(a: &Attr<'_>) -> Option<Reader> {
    if a.field.fixed.is_some() || a.field.translate.is_some() || a.field.cols.is_empty() {
        return None;
    }
    match a.spec.ty {
        AttrType::Number if a.spec.percent_of.is_some() => Some(parse_percentage_in),
        AttrType::Number => Some(parse_number_in),
        AttrType::Money => Some(parse_money_in),
        _ => None,
    }
}

/// Adds `text`, a value of a column read by `read`, to `tally`.
fn count(tally: &mut Tally, text: &str, read: Reader) {
    if !text.contains(',') && !text.contains('.') {
        return;
    }
    match (read(text, Decimal::Comma), read(text, Decimal::Point)) {
        (Some(_), None) => tally.comma += 1,
        (None, Some(_)) => tally.point += 1,
        (Some(c), Some(p)) if c != p => tally.either += 1,
        _ => {}
    }
}

type Reader = fn(&str, Decimal) -> Option<f64>;

/// The number columns of a file being tallied: attribute index, column, reader, tally.
pub(crate) struct DecimalColumns {
    columns: Vec<(usize, usize, Reader, Tally)>,
}

impl DecimalColumns {
    /// The number attributes of `attrs` read from columns; `None` when there are none.
    pub(super) fn new(attrs: &[Attr<'_>]) -> Option<DecimalColumns> {
        let columns: Vec<_> = attrs
            .iter()
            .enumerate()
            .filter_map(|(i, a)| Some((i, a.field.cols[0], reader(a)?, Tally::default())))
            .collect();
        (!columns.is_empty()).then_some(DecimalColumns { columns })
    }

    /// Counts one data row's values.
    pub(crate) fn add(&mut self, row: &csv::StringRecord) {
        for (_, col, read, tally) in &mut self.columns {
            if let Some(text) = row.get(*col) {
                count(tally, text.trim(), *read);
            }
        }
    }

    /// Sets each column's decimal mark in `attrs`. Returns, for the summary's notes, a
    /// sentence for each column with values read either way (no cell values: notes may be
    /// logged).
    pub(super) fn decide(self, attrs: &mut [Attr<'_>]) -> Vec<String> {
        let mut notes = Vec::new();
        for (i, _, _, t) in self.columns {
            let mark = t.mark();
            let a = &mut attrs[i];
            a.field.decimal = mark;
            if t.either == 0 {
                continue;
            }
            let (read_as, why, other) = match (mark, t.comma > 0) {
                (Decimal::Comma, true) => ("1.5", "as the column's other numbers show", "."),
                (Decimal::Comma, false) => (
                    "1.5",
                    "as numbers in a semicolon-separated file are written",
                    ".",
                ),
                (Decimal::Point, _) => ("1500", "as the column's other numbers show", ","),
            };
            let mark_name = match mark {
                Decimal::Comma => "a comma",
                Decimal::Point => "a point",
            };
            notes.push(format!(
                "{}: {} value(s) such as 1,500 could be read two ways; read with {mark_name} as \
                 the decimal mark (1,500 = {read_as}), {why}. If that is wrong, set decimal = \
                 \"{other}\" in the mapping",
                a.field.name, t.either
            ));
        }
        notes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(values: &[&str], read: Reader) -> Tally {
        let mut t = Tally::default();
        for v in values {
            count(&mut t, v, read);
        }
        t
    }

    #[test]
    fn each_column_takes_the_mark_its_values_show() {
        let t = tally(&["87,5", "1,500", "12", "0,25"], parse_number_in);
        assert_eq!((t.comma, t.point, t.either), (2, 0, 1));
        assert_eq!(t.mark(), Decimal::Comma);
        let t = tally(&["1,500", "2,250.5", "1,234,567"], parse_number_in);
        assert_eq!((t.comma, t.point, t.either), (0, 2, 1));
        assert_eq!(t.mark(), Decimal::Point);
        // Nothing shows: a semicolon-separated file's comma.
        let t = tally(&["1,500", "12"], parse_number_in);
        assert_eq!(t.mark(), Decimal::Comma);
        // A percentage of 1,500 is no percentage: 1,5.
        let t = tally(&["1,500"], parse_percentage_in);
        assert_eq!((t.comma, t.either), (1, 0));
        let t = tally(&["£1.234,50", "12,00"], parse_money_in);
        assert_eq!((t.comma, t.point), (2, 0));
    }
}
