//! File versions: a partner's re-sent file recognised by its rows, not only by its bytes, and
//! a new version superseding the batch it replaces.
//!
//! Each batch keeps a short fingerprint of every row ([`RowFingerprints`], computed by the
//! caller). [`Store::current_batches`] returns a source's batches that nothing has
//! superseded, with their fingerprints, so that the importer can tell a new version from new
//! data. [`apply`] runs inside the batch's own transaction (both backends call it from their
//! `write_batch`): it stores the new batch's fingerprints and deletes the superseded
//! batches' identities, records and quarantined rows, marking each batch `superseded_by`.
//! [`carry_people`] then gives each new record written exactly as a superseded one (the same
//! identity) that record's person, so that the next `hearth link` keeps people's IDs.
//! Written once over the portable [`Tx`]; no backend-specific SQL.

use super::batch::{BatchId, BatchInfo, BatchVersion, CurrentBatch, RowFingerprints};
use crate::error::{Result, StoreError};
use crate::handle::Store;
use crate::sql::{int, Tx, Val};
use std::collections::HashMap;

impl Store {
    /// The batches of `source` that no later batch supersedes, oldest first, with their row
    /// fingerprints.
    pub fn current_batches(&mut self, source: &str) -> Result<Vec<CurrentBatch>> {
        let all = self.batches()?;
        let prints = self.with_read(|tx| {
            tx.query(
                "SELECT id, row_fingerprints FROM import_batch
                 WHERE source = $1 AND superseded_by IS NULL ORDER BY id",
                &[source.into()],
            )
        })?;
        let mut out = Vec::with_capacity(prints.len());
        for row in prints {
            let id = int(&row, 0, "import_batch", "id")?;
            let fingerprints = match row[1].text() {
                None => None,
                Some(t) => Some(RowFingerprints::from_text(&t).ok_or(StoreError::Corrupt {
                    table: "import_batch",
                    column: "row_fingerprints",
                    key: id,
                })?),
            };
            if let Some(batch) = all.iter().find(|b| b.id.0 == id) {
                out.push(CurrentBatch {
                    batch: batch.clone(),
                    fingerprints,
                });
            }
        }
        Ok(out)
    }

    /// Every batch that no later batch supersedes, of every source, oldest first: what the
    /// store holds now (e.g. the quarantine to send back).
    pub fn current_batches_all(&mut self) -> Result<Vec<BatchInfo>> {
        let all = self.batches()?;
        let current = self.with_read(|tx| {
            tx.query(
                "SELECT id FROM import_batch WHERE superseded_by IS NULL",
                &[],
            )
        })?;
        let ids: std::collections::BTreeSet<i64> =
            current.iter().filter_map(|r| r[0].int()).collect();
        Ok(all.into_iter().filter(|b| ids.contains(&b.id.0)).collect())
    }

    /// The batch that superseded `batch`, if one did.
    pub fn superseded_by(&mut self, batch: BatchId) -> Result<Option<BatchId>> {
        let rows = self.with_read(|tx| {
            tx.query(
                "SELECT superseded_by FROM import_batch WHERE id = $1",
                &[batch.0.into()],
            )
        })?;
        Ok(rows.first().and_then(|r| r[0].int()).map(BatchId))
    }
}

/// Inside a batch's transaction, after its `import_batch` row (key `new_batch`) is written:
/// stores its fingerprints and supersedes `version.supersedes`. Fails, so that the caller's
/// transaction rolls back, if a batch to supersede is missing, of another source, or already
/// superseded (e.g. by another import at the same moment). Returns the superseded records'
/// people by identity, for [`carry_people`].
pub(crate) fn apply(
    tx: &mut dyn Tx,
    source: &str,
    new_batch: i64,
    version: &BatchVersion,
) -> Result<Carried> {
    let mut carried = Carried::default();
    if let Some(seen) = version.seen_up_to {
        let newer = tx.query(
            "SELECT id FROM import_batch
             WHERE source = $1 AND id > $2 AND id <> $3 AND superseded_by IS NULL
             ORDER BY id",
            &[source.into(), seen.0.into(), new_batch.into()],
        )?;
        if let Some(batch) = newer.first().and_then(|r| r[0].int()) {
            return Err(StoreError::SourceChanged {
                partner_source: source.to_string(),
                batch,
            });
        }
    }
    if let Some(f) = &version.fingerprints {
        tx.exec(
            "UPDATE import_batch SET row_fingerprints = $1 WHERE id = $2",
            &[f.to_text().into(), new_batch.into()],
        )?;
    }
    for old in &version.supersedes {
        let found = tx.query(
            "SELECT source, superseded_by FROM import_batch WHERE id = $1",
            &[old.0.into()],
        )?;
        let current = found
            .first()
            .is_some_and(|r| r[0].text().as_deref() == Some(source) && r[1] == Val::Null);
        if !current || old.0 == new_batch {
            return Err(StoreError::NotCurrent {
                batch: old.0,
                partner_source: source.to_string(),
            });
        }
        for row in tx.query(
            &format!(
                "SELECT {IDENTITY_KEY}, pr.person_id FROM record r
                 JOIN identity i ON i.record_id = r.record_id
                 JOIN person_record pr ON pr.record_id = r.record_id
                 WHERE r.batch_id = $1"
            ),
            &[old.0.into()],
        )? {
            let person = int(&row, KEY_COLUMNS, "person_record", "person_id")?;
            let id = carried.0.entry(identity_key(&row)).or_insert(person);
            *id = (*id).min(person);
        }
        tx.exec(
            "DELETE FROM identity WHERE record_id IN
                 (SELECT record_id FROM record WHERE batch_id = $1)",
            &[old.0.into()],
        )?;
        tx.exec("DELETE FROM record WHERE batch_id = $1", &[old.0.into()])?;
        tx.exec(
            "DELETE FROM quarantine WHERE batch_id = $1",
            &[old.0.into()],
        )?;
        tx.exec(
            "UPDATE import_batch SET superseded_by = $1, row_fingerprints = NULL WHERE id = $2",
            &[new_batch.into(), old.0.into()],
        )?;
    }
    Ok(carried)
}

/// The identity columns that say a record is written exactly as another
/// (as text on both backends: PostgreSQL keeps the date of birth as a date).
const IDENTITY_KEY: &str = "CAST(i.source_person_id AS TEXT), CAST(i.given_name AS TEXT),
     CAST(i.middle_name AS TEXT), CAST(i.family_name AS TEXT), CAST(i.full_name AS TEXT),
     CAST(i.date_of_birth AS TEXT), CAST(i.sex AS TEXT), CAST(i.address AS TEXT),
     CAST(i.postcode AS TEXT), CAST(i.nhs_number AS TEXT), CAST(i.ni_number AS TEXT),
     CAST(i.upn AS TEXT)";
const KEY_COLUMNS: usize = 12;

fn identity_key(row: &[Val]) -> Vec<Option<String>> {
    row[..KEY_COLUMNS].iter().map(Val::text).collect()
}

/// The people of superseded records, by their identity as written (the smallest person ID
/// when records written alike were in several people).
#[derive(Default)]
pub(crate) struct Carried(HashMap<Vec<Option<String>>, i64>);

/// Inside the batch's transaction, after its records are written: each new record whose
/// identity is written exactly as a superseded record's keeps that record's person, so that
/// people whose partner re-sent their rows keep their IDs at the next `hearth link` (stable IDs
/// follow records; the new version's records are new records).
pub(crate) fn carry_people(tx: &mut dyn Tx, new_batch: i64, carried: &Carried) -> Result<()> {
    if carried.0.is_empty() {
        return Ok(());
    }
    let rows = tx.query(
        &format!(
            "SELECT {IDENTITY_KEY}, r.record_id FROM record r
             JOIN identity i ON i.record_id = r.record_id WHERE r.batch_id = $1"
        ),
        &[new_batch.into()],
    )?;
    let mut people = Vec::new();
    for row in rows {
        if let Some(&person) = carried.0.get(&identity_key(&row)) {
            let record = int(&row, KEY_COLUMNS, "record", "record_id")?;
            people.push(vec![Val::Int(record), Val::Int(person)]);
        }
    }
    tx.bulk(
        "person_record",
        &["record_id", "person_id"],
        &mut people.into_iter(),
    )
}

#[cfg(test)]
mod tests {
    use super::RowFingerprints;

    #[test]
    fn fingerprints_round_trip_and_count_shared_rows() {
        let a = RowFingerprints::new(vec![5, 1, u64::MAX, 5, 0]);
        assert_eq!(a.len(), 4);
        assert_eq!(RowFingerprints::from_text(&a.to_text()), Some(a.clone()));
        let b = RowFingerprints::new(vec![1, 2, u64::MAX]);
        assert_eq!(a.shared_with(&b), 2);
        assert_eq!(b.shared_with(&a), 2);
        assert_eq!(RowFingerprints::from_text("12"), None);
        assert_eq!(RowFingerprints::from_text(&"g".repeat(16)), None);
    }
}
