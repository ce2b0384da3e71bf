//! The backend-neutral SQL layer that every area but intake is written over: plain values
//! ([`Val`]), one transaction ([`Tx`]: statements written once with `$1, $2, …`
//! placeholders, which SQLite reads as numbered parameters too, and bulk inserts), and the
//! conversions of stored text to typed values (times, dates, the model's vocabularies), each
//! failing with a [`StoreError::Corrupt`] that names the table and column.
//!
//! It holds no backend-specific code: `sqlite` and `pg` implement [`Tx`], and the import
//! path keeps its own tuned SQL per backend in `intake`.

use crate::error::{Result, StoreError};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use hearth_model::{
    CaseStatus, CloseReason, MemberRole, PersonChangeKind, ProgressStage, RelationshipBasis, Role,
};

/// A value in or out of a statement.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl Val {
    pub(crate) fn int(&self) -> Option<i64> {
        match self {
            Val::Int(v) => Some(*v),
            Val::Real(v) => Some(*v as i64),
            Val::Text(s) => s.parse().ok(),
            Val::Null => None,
        }
    }
    pub(crate) fn real(&self) -> Option<f64> {
        match self {
            Val::Int(v) => Some(*v as f64),
            Val::Real(v) => Some(*v),
            Val::Text(s) => s.parse().ok(),
            Val::Null => None,
        }
    }
    pub(crate) fn text(&self) -> Option<String> {
        match self {
            Val::Text(s) => Some(s.clone()),
            Val::Int(v) => Some(v.to_string()),
            Val::Real(v) => Some(v.to_string()),
            Val::Null => None,
        }
    }
}

impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::Int(v)
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::Real(v)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Val {
        Val::Text(v.to_string())
    }
}
impl From<String> for Val {
    fn from(v: String) -> Val {
        Val::Text(v)
    }
}
impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(v: Option<T>) -> Val {
        v.map_or(Val::Null, Into::into)
    }
}

/// One transaction on either backend.
pub(crate) trait Tx {
    /// Runs a statement; returns rows changed.
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64>;
    /// Runs a query; every row as values.
    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Vec<Val>>>;
    /// Inserts many rows into `table (columns)`.
    fn bulk(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &mut dyn Iterator<Item = Vec<Val>>,
    ) -> Result<()>;
}

/// A [`StoreError::Corrupt`]: the value in `table.column` of the row with key `key` (0 where
/// the row has none to hand) cannot be read back.
pub(crate) fn corrupt(table: &'static str, column: &'static str, key: i64) -> StoreError {
    StoreError::Corrupt { table, column, key }
}

/// Column `i` of a result row as an integer, or a [`StoreError::Corrupt`] naming it.
pub(crate) fn int(row: &[Val], i: usize, table: &'static str, column: &'static str) -> Result<i64> {
    row[i].int().ok_or_else(|| corrupt(table, column, 0))
}

/// A stored `YYYY-MM-DD` date, or a [`StoreError::Corrupt`] naming its column.
pub(crate) fn date(v: &Val, table: &'static str, column: &'static str) -> Result<NaiveDate> {
    v.text()
        .and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok())
        .ok_or_else(|| corrupt(table, column, 0))
}

/// A time as stored: RFC 3339, UTC, microseconds (so that times compare as text).
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// A stored RFC 3339 time, or a [`StoreError::Corrupt`] naming its column.
pub(crate) fn time(v: &Val, table: &'static str, column: &'static str) -> Result<DateTime<Utc>> {
    v.text()
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| corrupt(table, column, 0))
}

/// `$1, $2, …, $n`: placeholders for an `IN (…)` list (both backends read them).
pub(crate) fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One of the model's closed vocabularies, as the store reads and writes it: by its key.
pub(crate) trait Vocabulary: Copy + 'static {
    /// Every value.
    fn all() -> &'static [Self];
    /// The stored key.
    fn key(self) -> &'static str;
    /// The model's forgiving parse (case, `-` and spaces), for text written otherwise.
    fn parse_text(text: &str) -> Option<Self>;
}

macro_rules! vocabulary {
    ($($t:ty),*) => {$(
        impl Vocabulary for $t {
            fn all() -> &'static [Self] {
                <$t>::ALL
            }
            fn key(self) -> &'static str {
                <$t>::key(self)
            }
            fn parse_text(text: &str) -> Option<Self> {
                <$t>::parse(text).ok()
            }
        }
    )*};
}

vocabulary!(
    Role,
    CaseStatus,
    CloseReason,
    ProgressStage,
    MemberRole,
    RelationshipBasis,
    PersonChangeKind
);

/// A stored vocabulary value: its key (compared without allocating: a linkage run reads a
/// member role per person), else any text the model's parse accepts (e.g. the relationship
/// bases stored before they were typed, `age gap and family name`), else a
/// [`StoreError::Corrupt`] naming the table and column.
pub(crate) fn vocab<T: Vocabulary>(
    v: &Val,
    table: &'static str,
    column: &'static str,
    key: i64,
) -> Result<T> {
    let found = match v {
        Val::Text(s) => T::all()
            .iter()
            .copied()
            .find(|t| t.key() == s)
            .or_else(|| T::parse_text(s)),
        _ => None,
    };
    found.ok_or_else(|| corrupt(table, column, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_read_keys_and_older_text_and_name_the_column_otherwise() {
        let text = |s: &str| Val::Text(s.into());
        assert_eq!(
            vocab::<Role>(&text("lead_worker"), "web_user", "role", 1).unwrap(),
            Role::LeadWorker
        );
        assert_eq!(
            vocab::<RelationshipBasis>(&text("age gap and family name"), "t", "c", 0).unwrap(),
            RelationshipBasis::AgeGapAndFamilyName
        );
        assert_eq!(
            vocab::<RelationshipBasis>(&text("age gap"), "t", "c", 0).unwrap(),
            RelationshipBasis::AgeGap
        );
        let err = vocab::<CaseStatus>(&text("sleeping"), "family_case", "status", 7).unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Corrupt {
                    table: "family_case",
                    column: "status",
                    key: 7
                }
            ),
            "{err:?}"
        );
        assert!(vocab::<MemberRole>(&Val::Null, "family_member", "role", 0).is_err());
        assert!(vocab::<PersonChangeKind>(&Val::Int(1), "person_change", "kind", 0).is_err());
    }
}
