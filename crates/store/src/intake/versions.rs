//! File versions: a partner's re-sent file recognised by its rows, not only by its bytes, and
//! a new version superseding the batch it replaces.
//!
//! Each batch keeps a short fingerprint of every row ([`RowFingerprints`], computed by the
//! caller). [`Store::current_batches`] returns a source's batches that nothing has
//! superseded, with their fingerprints, so that the importer can tell a new version from new
//! data. [`apply`] runs inside the batch's own transaction (both backends call it from their
//! `write_batch`): it stores the new batch's fingerprints and deletes the superseded
//! batches' identities, records and quarantined rows, marking each batch `superseded_by`.
//! Written once over the portable [`Tx`]; no backend-specific SQL.

use super::batch::{BatchId, BatchInfo, BatchVersion, CurrentBatch, RowFingerprints};
use crate::error::{Result, StoreError};
use crate::handle::Store;
use crate::sql::{int, Tx, Val};

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
/// superseded (e.g. by another import at the same moment).
pub(crate) fn apply(
    tx: &mut dyn Tx,
    source: &str,
    new_batch: i64,
    version: &BatchVersion,
) -> Result<()> {
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
    Ok(())
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
