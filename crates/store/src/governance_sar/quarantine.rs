//! The quarantine's rows about a subject: rows of partner files that failed validation were
//! not imported and are linked to nobody, but they are personal data the council holds, so
//! subject access searches them. A row is the subject's when one of its cells is one of
//! their numbers (NHS, National Insurance, unique pupil number: letters and digits compared,
//! case and spaces ignored), or when its cells hold every word of one of their names (case,
//! accents and punctuation ignored) and one cell is their date of birth written in a way
//! partners write dates (`2014-06-01`, `01/06/2014`, `1/6/14`, `1 June 2014`, `01-Jun-2014`,
//! `20140601`, an Excel serial). A name alone, or a date alone, is not enough: the pack
//! must not hold someone else's row.

use crate::error::Result;
use crate::handle::Store;
use crate::sql::Tx;
use chrono::NaiveDate;
use hearth_model::standardise::names::name_words;
use std::collections::BTreeSet;

/// What a subject is known by, to find their quarantined rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuarantineQuery {
    /// Their names as written (each with its words: given and family, or a whole name)
    /// with their date of birth.
    pub names: Vec<(String, NaiveDate)>,
    /// Their numbers as written (NHS, National Insurance, unique pupil number).
    pub numbers: Vec<String>,
}

impl QuarantineQuery {
    /// Whether there is nothing to look for.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty() && self.numbers.is_empty()
    }
}

impl Store {
    /// The keys of the quarantined rows that name the subject `query` describes (see the
    /// module's documentation). The caller audits the read.
    pub fn quarantined_rows_naming(&mut self, query: &QuarantineQuery) -> Result<Vec<i64>> {
        self.with_read(|tx| rows_naming(tx, query))
            .map(|s| s.into_iter().collect())
    }
}

/// Letters and digits only, upper case: how numbers are compared.
fn number_key(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The ways partners write `day`, in lower case.
fn written_dates(day: NaiveDate) -> Vec<String> {
    const FORMATS: &[&str] = &[
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%Y%m%d",
        "%d/%m/%Y",
        "%-d/%-m/%Y",
        "%d/%m/%y",
        "%-d/%-m/%y",
        "%d-%m-%Y",
        "%-d-%-m-%Y",
        "%d.%m.%Y",
        "%-d.%-m.%Y",
        "%d %B %Y",
        "%-d %B %Y",
        "%d %b %Y",
        "%-d %b %Y",
        "%d-%b-%Y",
        "%-d-%b-%Y",
        "%d-%b-%y",
        "%-d-%b-%y",
    ];
    let mut out: Vec<String> = FORMATS
        .iter()
        .map(|f| day.format(f).to_string().to_lowercase())
        .collect();
    if let Some(epoch) = NaiveDate::from_ymd_opt(1899, 12, 30) {
        out.push((day - epoch).num_days().to_string());
    }
    out
}

/// Whether a quarantined row's cells name the subject.
pub(super) fn names_subject(cells: &[String], query: &QuarantineQuery) -> bool {
    let numbers: Vec<String> = query
        .numbers
        .iter()
        .map(|n| number_key(n))
        .filter(|n| n.len() >= 8)
        .collect();
    if cells
        .iter()
        .any(|c| numbers.iter().any(|n| *n == number_key(c)))
    {
        return true;
    }
    let words: BTreeSet<String> = cells.iter().flat_map(|c| name_words(c)).collect();
    let lower: Vec<String> = cells.iter().map(|c| c.trim().to_lowercase()).collect();
    query.names.iter().any(|(name, born)| {
        let wanted = name_words(name);
        let dates = written_dates(*born);
        let iso = born.format("%Y-%m-%d").to_string();
        !wanted.is_empty()
            && wanted.iter().all(|w| words.contains(w))
            && lower.iter().any(|c| {
                dates.contains(c)
                    || c.strip_prefix(&iso)
                        .is_some_and(|rest| rest.starts_with([' ', 't']))
            })
    })
}

pub(super) fn rows_naming(tx: &mut dyn Tx, query: &QuarantineQuery) -> Result<BTreeSet<i64>> {
    let mut out = BTreeSet::new();
    if query.is_empty() {
        return Ok(out);
    }
    for r in tx.query("SELECT id, raw FROM quarantine ORDER BY id", &[])? {
        let Some(id) = r[0].int() else { continue };
        let cells: Vec<String> =
            serde_json::from_str(&r[1].text().unwrap_or_default()).unwrap_or_default();
        if names_subject(&cells, query) {
            out.insert(id);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn a_row_is_the_subjects_by_a_number_or_by_every_name_word_with_the_date_of_birth() {
        let born = NaiveDate::from_ymd_opt(2014, 6, 1).unwrap();
        let q = QuarantineQuery {
            names: vec![("Zoë O'Brien".into(), born)],
            numbers: vec!["943 476 5919".into()],
        };
        assert!(names_subject(&row(&["ZOE", "OBRIEN", "01/06/2014"]), &q));
        assert!(names_subject(
            &row(&["Zoë O'Brien", "1 June 2014", "x"]),
            &q
        ));
        assert!(names_subject(
            &row(&["O'Brien, Zoe", "2014-06-01 00:00:00"]),
            &q
        ));
        assert!(names_subject(&row(&["someone", "9434765919"]), &q));
        assert!(!names_subject(&row(&["Zoe", "Smith", "01/06/2014"]), &q));
        assert!(!names_subject(&row(&["Zoe", "O'Brien", "02/06/2014"]), &q));
        assert!(!names_subject(&row(&["Zoe", "O'Brien"]), &q));
    }
}
