//! A mapped field resolved to header positions, and what checking a row's fields found.
//!
//! Plain data shared by the checks, the builder and the plan; no checking happens here.

use crate::cells::{Cell, Row};
use crate::mapping::{AttributeMapping, Untranslated};
use crate::summary::Problem;
use crate::values::{fold, Decimal};
use hearth_model::standardise::dates::DateFormat;
use std::collections::BTreeMap;

/// A mapped field resolved to header positions.
#[derive(Debug)]
pub(super) struct Field {
    /// Positions in the row (several only for address).
    pub cols: Vec<usize>,
    /// The column name(s) as the mapping writes them, for messages.
    pub name: String,
    pub required: bool,
    pub formats: Vec<DateFormat>,
    /// `formats` with day and month swapped (those with a numeric month): a value only they
    /// read is written month first.
    pub swapped: Vec<DateFormat>,
    /// The same text for every row, instead of a column (`cols` is then empty).
    pub fixed: Option<String>,
    /// The mapping's translation table for this field.
    pub translate: Option<Translation>,
    /// The decimal mark of the field's numbers.
    pub decimal: Decimal,
}

impl Field {
    /// This field's cell in `row` (its first column), or its fixed value.
    pub fn cell<'a, R: Row + ?Sized>(&'a self, row: &'a R) -> Cell<'a> {
        match (&self.fixed, self.cols.first()) {
            (Some(v), _) => Cell::Text(v),
            (None, Some(&c)) => row.cell(c),
            (None, None) => Cell::Empty,
        }
    }
}

/// A translation table: a partner's codes (compared folded: trimmed, without case, runs of
/// spaces as one) and the values Hearth stores for them.
#[derive(Debug)]
pub(super) struct Translation {
    codes: BTreeMap<String, String>,
    /// The table's values themselves and the attribute's `allowed` values, folded: a partner
    /// that already writes `Domestic Abuse` (or another allowed value) needs no code.
    values: BTreeMap<String, String>,
    pub untranslated: Untranslated,
}

impl Translation {
    /// The table for a field whose `allowed` values (if any) are accepted as they are.
    pub fn new(
        table: &BTreeMap<String, String>,
        untranslated: Untranslated,
        allowed: Option<&[String]>,
    ) -> Translation {
        let entry = |v: &String| (fold(v), v.trim().to_string());
        Translation {
            codes: table
                .iter()
                .map(|(c, v)| (fold(c), v.trim().to_string()))
                .collect(),
            values: table
                .values()
                .chain(allowed.unwrap_or_default())
                .map(entry)
                .collect(),
            untranslated,
        }
    }

    /// The table's codes and values, as a person reads them: `asb, crime (or ASB, Crime)`.
    pub fn accepted(&self) -> String {
        let codes: Vec<&str> = self.codes.keys().map(String::as_str).collect();
        let mut values: Vec<&str> = self.values.values().map(String::as_str).collect();
        values.dedup();
        format!("{} (or {})", codes.join(", "), values.join(", "))
    }

    /// Hearth's value for `text`, if the table lists it as a code or as a value, or it is
    /// an allowed value.
    pub fn get(&self, text: &str) -> Option<&str> {
        let k = fold(text);
        self.codes
            .get(&k)
            .or_else(|| self.values.get(&k))
            .map(String::as_str)
    }
}

/// An attribute of the fact, resolved.
#[derive(Debug)]
pub(super) struct Attr<'m> {
    pub name: &'m str,
    pub field: Field,
    pub spec: &'m AttributeMapping,
    /// Allowed values, folded (`values::fold`), with their listed spelling.
    pub allowed: Option<Vec<(String, &'m str)>>,
}

/// Which way round a date's day and month are written, where the value itself shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DateOrder {
    /// Read by the field's formats with a day above 12: written day first.
    DayFirst,
    /// Not read by the field's formats, read with day and month swapped (`04/25/2025`).
    MonthFirst,
}

/// The field's formats with day and month swapped, where that makes another format.
pub(super) fn swapped_formats(formats: &[DateFormat]) -> Vec<DateFormat> {
    formats
        .iter()
        .filter_map(DateFormat::month_day_swapped)
        .collect()
}

/// One thing wrong with a row.
pub(super) struct Issue {
    pub field: Option<String>,
    pub problem: Problem,
    pub reason: String,
    pub hint: String,
}

/// What one row's checks found.
#[derive(Default)]
pub(super) struct Findings {
    pub issues: Vec<Issue>,
    pub warnings: Vec<Issue>,
    /// The date fields (by name) whose value shows which way round it is written.
    pub date_order: Vec<(String, DateOrder)>,
}

impl Findings {
    pub fn add(&mut self, f: &Field, problem: Problem, reason: String, hint: String) {
        self.issues.push(Issue {
            field: Some(f.name.clone()),
            problem,
            reason,
            hint,
        });
    }

    /// Notes a warning on field `f` (the row is kept): counted by problem, with `hint`.
    pub fn warn(&mut self, f: &Field, problem: Problem, hint: String) {
        self.warnings.push(Issue {
            field: Some(f.name.clone()),
            problem,
            reason: String::new(),
            hint,
        });
    }
}

/// The accepted formats as a person reads them: `dd/mm/yyyy, yyyy-mm-dd or an Excel date`.
pub(super) fn formats_text(formats: &[DateFormat]) -> String {
    let labels: Vec<&str> = formats.iter().map(|f| f.label()).collect();
    match labels.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_reads_codes_and_its_own_values_without_case() {
        let table: BTreeMap<String, String> = [("DA", "Domestic Abuse"), ("asb ", "ASB")]
            .into_iter()
            .map(|(c, v)| (c.to_string(), v.to_string()))
            .collect();
        let t = Translation::new(&table, Untranslated::Quarantine, None);
        assert_eq!(t.get("da"), Some("Domestic Abuse"));
        assert_eq!(t.get("Domestic\u{a0} abuse"), Some("Domestic Abuse"));
        assert_eq!(t.get(" ASB"), Some("ASB"));
        assert_eq!(t.get("domestic abuse"), Some("Domestic Abuse"));
        assert_eq!(t.get("burglary"), None);
        assert_eq!(t.get(""), None);
        assert_eq!(t.accepted(), "asb, da (or ASB, Domestic Abuse)");
    }

    #[test]
    fn an_allowed_value_passes_a_table_that_does_not_list_it() {
        let table: BTreeMap<String, String> = [("burglary", "Crime")]
            .into_iter()
            .map(|(c, v)| (c.to_string(), v.to_string()))
            .collect();
        let allowed: Vec<String> = ["Crime", "ASB", "Domestic Abuse"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let t = Translation::new(&table, Untranslated::Quarantine, Some(&allowed));
        assert_eq!(t.get("Domestic Abuse"), Some("Domestic Abuse"));
        assert_eq!(t.get(" domestic  ABUSE "), Some("Domestic Abuse"));
        assert_eq!(t.get("asb"), Some("ASB"));
        assert_eq!(t.get("Burglary"), Some("Crime"));
        assert_eq!(t.get("theft"), None);
        assert_eq!(t.accepted(), "burglary (or ASB, Crime, Domestic Abuse)");
        // Without `allowed`, only the table's own codes and values.
        let t = Translation::new(&table, Untranslated::Quarantine, None);
        assert_eq!(t.get("ASB"), None);
    }
}
