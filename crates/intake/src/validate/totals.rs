//! Totals and summary rows at the foot of a report (`Total`, `Grand total: 412`, `TOTAL
//! RECORDS = 58`, `Count of rows 12`): told from people, so that neither is read as the other.
//!
//! A row is a totals row when its first filled cell is a totals label and every other mapped
//! identity cell is empty or a figure. A person whose family name is "Total" or "Counts" has a
//! given name, a date of birth or an identifier that is not a figure, and is kept.

use crate::cells::{cell_text, Cell, Row};
use crate::values::fold;

/// Words a totals label starts with (folded), longest first so that `totals` is not read as
/// `total` followed by `s`.
const KEYWORDS: [&str; 9] = [
    "grand total",
    "sub-total",
    "sub total",
    "subtotal",
    "totals",
    "total",
    "counts",
    "count",
    "sum",
];

/// Words that, first after the keyword, make a label of it without a figure: `Sum of
/// arrears`, `Total records`, `Count for period`. `Total Amy` is a person.
const REPORT_WORDS: [&str; 24] = [
    "of", "for", "all", "number", "no", "records", "record", "rows", "row", "episodes", "cases",
    "entries", "lines", "people", "persons", "families", "children", "pupils", "tenants",
    "accounts", "amount", "amounts", "balance", "arrears",
];

/// Whether `text` (a cell's text) labels a totals row: it starts with a keyword as a whole
/// word, and after it comes nothing, a colon, `=`, a bracket, a figure, or a report word.
pub(super) fn is_label(text: &str) -> bool {
    let folded = fold(text);
    let Some(rest) = KEYWORDS.iter().find_map(|k| folded.strip_prefix(k)) else {
        return false;
    };
    if rest.starts_with(|c: char| c.is_alphanumeric()) {
        return false; // "Totally", "Countess", "Summers"
    }
    let rest = rest.trim();
    if rest.is_empty()
        || rest.starts_with([':', '=', '('])
        || rest.contains(|c: char| c.is_ascii_digit())
    {
        return true;
    }
    let first = rest
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or_default();
    rest.starts_with(char::is_alphanumeric) && REPORT_WORDS.contains(&first)
}

/// Whether a cell is empty or holds only a figure (`412`, `12,345.00`, `£58`, `87.5%`).
fn empty_or_figure(c: &Cell<'_>) -> bool {
    match c {
        Cell::Empty | Cell::Number(_) => true,
        Cell::Text(_) => cell_text(c)
            .chars()
            .all(|ch| ch.is_ascii_digit() || " ,.-+%£=:()".contains(ch)),
        Cell::Bool(_) | Cell::Date(_) | Cell::Error => false,
    }
}

/// The column of `row`'s first filled cell when the row is a totals row: that cell is a
/// totals label ([`is_label`]) and each of `identity_cols` (the mapped identity columns)
/// other than it is empty or a figure.
pub(super) fn totals_label<R: Row + ?Sized>(row: &R, identity_cols: &[usize]) -> Option<usize> {
    let col = (0..row.width()).find(|&i| !cell_text(&row.cell(i)).is_empty())?;
    let label = is_label(&cell_text(&row.cell(col)));
    let others_figures = identity_cols
        .iter()
        .filter(|&&c| c != col)
        .all(|&c| empty_or_figure(&row.cell(c)));
    (label && others_figures).then_some(col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_long_and_short_are_told_from_names() {
        for label in [
            "Total",
            "TOTALS",
            "Subtotal",
            "Sub-total:",
            "Grand total",
            "Grand Total:",
            "Total: 60",
            "Total episodes 30",
            "Grand total: 412",
            "TOTAL RECORDS = 58",
            "Count of rows 12",
            "Count",
            "COUNT: 58",
            "Sum of arrears",
            "Total records",
            "Totals (all wards)",
        ] {
            assert!(is_label(label), "{label}");
        }
        for name in [
            "Total Amy",
            "TOTAL, Amy",
            "TOTALLY, Amy",
            "Totally",
            "Countess",
            "Count Dracula",
            "Summers",
            "Counts",
            "",
            "Amy Total",
        ] {
            assert_eq!(is_label(name), name == "Counts", "{name}");
        }
    }

    #[test]
    fn a_label_needs_the_other_identity_cells_empty_or_figures() {
        let row = |cells: &[&'static str]| -> Vec<calamine::Data> {
            cells
                .iter()
                .map(|c| match *c {
                    "" => calamine::Data::Empty,
                    c => calamine::Data::String(c.to_string()),
                })
                .collect()
        };
        // Surname, Forename, DOB.
        let ids = [0, 1, 2];
        let total = row(&["Total episodes 30", "", "", "x"]);
        assert_eq!(totals_label(total.as_slice(), &ids), Some(0));
        let figures = row(&["Grand total:", "412", "", "x"]);
        assert_eq!(totals_label(figures.as_slice(), &ids), Some(0));
        let person = row(&["Total", "Amy", "01/02/2010", "x"]);
        assert_eq!(totals_label(person.as_slice(), &ids), None);
        let counts = row(&["Counts", "", "03/04/1980", "x"]);
        assert_eq!(totals_label(counts.as_slice(), &ids), None);
        // The label in an unmapped first column.
        let first = row(&["", "", "", "Count of rows 12"]);
        assert_eq!(totals_label(first.as_slice(), &ids), Some(3));
    }
}
