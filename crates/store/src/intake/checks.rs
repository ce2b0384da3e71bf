//! What neither backend can hold faithfully, refused before a batch is written: NUL
//! characters in text, row numbers beyond 64 bits, numbers that are not finite. Errors name
//! the row and field, never the value.
//!
//! It reads nothing and writes nothing.

use super::batch::NewBatch;
use crate::error::{Result, StoreError};
use hearth_model::{ImportedRow, QuarantinedRow};

/// Rejects batch metadata or quarantine notes that PostgreSQL cannot hold (NUL characters).
/// Raw cells are stored as JSON text, where a NUL is escaped, so they may hold anything.
pub(crate) fn check_batch(meta: &NewBatch, quarantined: &[QuarantinedRow]) -> Result<()> {
    const NUL: &str = "contains a NUL character";
    for (field, value) in [
        ("source", &meta.source),
        ("file_name", &meta.file_name),
        ("file_sha256", &meta.file_sha256),
        ("imported_by", &meta.imported_by),
    ] {
        if value.contains('\0') {
            return Err(StoreError::InvalidRow {
                partner_source: meta.source.replace('\0', "?"),
                source_row: 0,
                field: format!("the batch's {field}"),
                problem: NUL,
            });
        }
    }
    for q in quarantined {
        let bad_field = q.field.as_deref().is_some_and(|f| f.contains('\0'));
        if bad_field || q.reason.contains('\0') || i64::try_from(q.source_row).is_err() {
            return Err(StoreError::InvalidRow {
                partner_source: meta.source.clone(),
                source_row: q.source_row,
                field: "quarantine field or reason".into(),
                problem: "contains a NUL character or a row number too large",
            });
        }
    }
    Ok(())
}

/// Rejects what neither backend can hold faithfully, naming the field, never the value.
pub(crate) fn check_row(source: &str, row: &ImportedRow) -> Result<()> {
    let bad = |field: &str, problem: &'static str| StoreError::InvalidRow {
        partner_source: source.to_string(),
        source_row: row.source_row,
        field: field.to_string(),
        problem,
    };
    const NUL: &str = "contains a NUL character";
    let id = &row.identity;
    for (field, value) in [
        ("source_person_id", &id.source_person_id),
        ("given_name", &id.given_name),
        ("middle_name", &id.middle_name),
        ("family_name", &id.family_name),
        ("full_name", &id.full_name),
        ("address", &id.address),
    ] {
        if value.as_deref().is_some_and(|v| v.contains('\0')) {
            return Err(bad(field, NUL));
        }
    }
    if row.fact.event_type.contains('\0') {
        return Err(bad("event_type", NUL));
    }
    if i64::try_from(row.source_row).is_err() {
        return Err(bad("source_row", "is too large"));
    }
    for (key, value) in &row.fact.attributes {
        if key.contains('\0') {
            return Err(bad("an attribute name", NUL));
        }
        match value {
            hearth_model::AttrValue::Text(t) if t.contains('\0') => return Err(bad(key, NUL)),
            hearth_model::AttrValue::Number(n) if !n.is_finite() => {
                return Err(bad(key, "is not a finite number"))
            }
            _ => {}
        }
    }
    Ok(())
}
