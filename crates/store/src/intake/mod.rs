//! Intake: import batches (one partner file each, all or nothing), the identity and record
//! rows they hold, their quarantined rows, and the bulk loads that feed linkage and
//! identification.
//!
//! The public types are in `batch`, the refusals in `checks`; each backend's SQL is in its
//! own file (`sqlite`, `pg`), reached through the handle's `dispatch!`. Nothing here links,
//! identifies or deletes.

mod attributes;
mod batch;
mod checks;
mod pg;
mod sqlite;
mod versions;

#[cfg(feature = "test-hooks")]
pub use batch::CRASH_AFTER_ROWS_ENV;
pub use batch::{
    BatchId, BatchInfo, BatchVersion, CurrentBatch, NewBatch, RecordId, RowFingerprints,
    SourceCount, WriteOutcome,
};

use crate::error::Result;
use crate::handle::{dispatch, Store};
use batch::{CrashHook, Importer};
use checks::{check_batch, check_row};
use hearth_model::{Fact, Identity, ImportedRow, QuarantinedRow};

impl Store {
    /// The batch that imported this file (source and SHA-256), if any.
    pub fn find_batch(&mut self, source: &str, file_sha256: &str) -> Result<Option<BatchInfo>> {
        dispatch!(self, s => s.find_batch(source, file_sha256))
    }

    /// Writes one file's import in one transaction: the batch row, an identity and a record per
    /// row, and the quarantined rows. If the file (source and SHA-256) is already in the store,
    /// writes nothing and returns [`WriteOutcome::AlreadyImported`] — also when another
    /// process imports the same file at the same moment.
    ///
    /// Refuses (with [`StoreError::InvalidRow`](crate::StoreError::InvalidRow), writing
    /// nothing) a row whose text holds a NUL character or whose number attribute is not
    /// finite: neither survives both backends.
    pub fn write_batch(
        &mut self,
        meta: &NewBatch,
        rows: &[ImportedRow],
        quarantined: &[QuarantinedRow],
    ) -> Result<WriteOutcome> {
        self.write_batch_version(meta, rows, quarantined, &BatchVersion::default())
    }

    /// [`Store::write_batch`], also keeping the file's row fingerprints and superseding the
    /// batches it is a new version of — their identities, records and quarantined rows are
    /// deleted and each is marked `superseded_by` the new batch — all in the same
    /// transaction: either the new batch replaces them or nothing changes. Fails with
    /// [`StoreError::NotCurrent`](crate::StoreError::NotCurrent) if a batch to supersede is
    /// not a current batch of the same source.
    pub fn write_batch_version(
        &mut self,
        meta: &NewBatch,
        rows: &[ImportedRow],
        quarantined: &[QuarantinedRow],
        version: &BatchVersion,
    ) -> Result<WriteOutcome> {
        check_batch(meta, quarantined)?;
        for row in rows {
            check_row(&meta.source, row)?;
        }
        let hook = CrashHook::from_env();
        let started = std::time::Instant::now();
        let outcome = dispatch!(self, s => s.write_batch(meta, rows, quarantined, version, hook))?;
        match &outcome {
            WriteOutcome::Imported(b) => tracing::info!(
                batch = b.id.0,
                source = %b.source,
                rows_imported = b.rows_imported,
                rows_quarantined = b.rows_quarantined,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "batch written"
            ),
            WriteOutcome::AlreadyImported(b) => tracing::info!(
                batch = b.id.0,
                source = %b.source,
                "file already imported; nothing written"
            ),
        }
        Ok(outcome)
    }

    /// Every batch, oldest first.
    pub fn batches(&mut self) -> Result<Vec<BatchInfo>> {
        dispatch!(self, s => s.batches())
    }

    /// Totals per source, sorted by source.
    pub fn source_counts(&mut self) -> Result<Vec<SourceCount>> {
        dispatch!(self, s => s.source_counts())
    }

    /// The quarantined rows of one batch, in row order.
    pub fn quarantine_for(&mut self, batch: BatchId) -> Result<Vec<QuarantinedRow>> {
        dispatch!(self, s => s.quarantine_for(batch))
    }

    /// Every identity with its record key and source, ordered by record key. Feeds linkage.
    pub fn load_identities(&mut self) -> Result<Vec<(RecordId, String, Identity)>> {
        dispatch!(self, s => s.load_identities())
    }

    /// Every fact with its record key and source, ordered by record key. Feeds
    /// identification.
    pub fn load_facts(&mut self) -> Result<Vec<(RecordId, String, Fact)>> {
        dispatch!(self, s => s.load_facts())
    }

    /// Every record's import batch (the file it came in), by record key: which extract holds
    /// what (the savings calculator's coverage asks whether a file holds anything new).
    pub fn record_batches(&mut self) -> Result<Vec<(RecordId, BatchId)>> {
        dispatch!(self, s => s.record_batches())
    }
}
