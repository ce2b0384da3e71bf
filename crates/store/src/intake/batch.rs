//! The import's vocabulary: record and batch keys, a file's batch as given and as stored,
//! what a write did, totals per source; and [`Importer`], the operations each backend
//! implements in its own file (`sqlite`, `pg`), with the crash-testing hook they call.
//!
//! No SQL here, and no checks of rows (see `checks`).

use crate::error::Result;
use chrono::{DateTime, Utc};
use hearth_model::{Fact, Identity, ImportedRow, QuarantinedRow};
use std::fmt;

/// The internal key of one imported row: the same in the identity store and in the facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordId(pub i64);

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "R{}", self.0)
    }
}

/// The key of one import batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BatchId(pub i64);

impl fmt::Display for BatchId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "batch {}", self.0)
    }
}

/// What the importer knows about a file before writing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBatch {
    /// The partner source (file stem, e.g. `police`).
    pub source: String,
    /// The file's name as given (no folder).
    pub file_name: String,
    /// The file's SHA-256, lower-case hex: with `source`, identifies the file.
    pub file_sha256: String,
    /// Who ran the import (user name).
    pub imported_by: String,
    /// When; stored to the microsecond.
    pub imported_at: DateTime<Utc>,
    /// Data rows read from the file (imported + quarantined + any skipped, e.g. blank).
    pub rows_read: u64,
    /// The source's name for people (the mapping's `name`, e.g. `Police`), if it gives one:
    /// pages show it instead of the key ([`Store::source_names`](crate::Store::source_names)).
    pub source_name: Option<String>,
}

/// An import batch as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchInfo {
    /// The batch's key.
    pub id: BatchId,
    /// The partner source.
    pub source: String,
    /// The file's name.
    pub file_name: String,
    /// The file's SHA-256 (lower-case hex).
    pub file_sha256: String,
    /// Who imported it.
    pub imported_by: String,
    /// When (UTC, microseconds).
    pub imported_at: DateTime<Utc>,
    /// Data rows read.
    pub rows_read: u64,
    /// Rows stored as identity + record.
    pub rows_imported: u64,
    /// Rows quarantined.
    pub rows_quarantined: u64,
}

/// What [`Store::write_batch`](crate::Store::write_batch) did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOutcome {
    /// The file was new and is now stored.
    Imported(BatchInfo),
    /// The same file (source and SHA-256) was imported before: nothing was written. Carries
    /// the earlier batch.
    AlreadyImported(BatchInfo),
}

impl WriteOutcome {
    /// The batch, new or earlier.
    pub fn batch(&self) -> &BatchInfo {
        match self {
            WriteOutcome::Imported(b) | WriteOutcome::AlreadyImported(b) => b,
        }
    }
}

/// Totals per partner source, from the batches imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceCount {
    /// The partner source.
    pub source: String,
    /// Batches (files) imported.
    pub batches: u64,
    /// Data rows read.
    pub rows_read: u64,
    /// Rows stored.
    pub rows_imported: u64,
    /// Rows quarantined.
    pub rows_quarantined: u64,
}

/// The fingerprints of a file's rows: 64-bit hashes, sorted and without repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowFingerprints(Vec<u64>);

impl RowFingerprints {
    /// The set of `hashes` (sorted, repeats dropped).
    pub fn new(mut hashes: Vec<u64>) -> RowFingerprints {
        hashes.sort_unstable();
        hashes.dedup();
        RowFingerprints(hashes)
    }

    /// How many distinct rows.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many rows the two sets share.
    pub fn shared_with(&self, other: &RowFingerprints) -> usize {
        let (mut i, mut j, mut n) = (0, 0, 0);
        while i < self.0.len() && j < other.0.len() {
            match self.0[i].cmp(&other.0[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    n += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        n
    }

    /// As stored: 16 lower-case hex digits a row, no separator.
    pub(crate) fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut s = String::with_capacity(self.0.len() * 16);
        for h in &self.0 {
            let _ = write!(s, "{h:016x}");
        }
        s
    }

    /// From the stored text; `None` if it is not whole 16-digit hex numbers.
    pub(crate) fn from_text(text: &str) -> Option<RowFingerprints> {
        if !text.len().is_multiple_of(16) || !text.is_ascii() {
            return None;
        }
        let hashes = (0..text.len() / 16)
            .map(|i| u64::from_str_radix(&text[i * 16..i * 16 + 16], 16).ok())
            .collect::<Option<Vec<u64>>>()?;
        Some(RowFingerprints::new(hashes))
    }
}

/// What a batch adds to its rows: its fingerprints, and the batches it supersedes (all of the
/// same source, none superseded yet; checked inside the write's transaction).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchVersion {
    /// The file's row fingerprints (`None`: not kept).
    pub fingerprints: Option<RowFingerprints>,
    /// The batches this file is a new version of.
    pub supersedes: Vec<BatchId>,
    /// The newest batch of the source the caller compared the file with (`BatchId(0)`: none):
    /// if another import of the source has finished since, the write is refused
    /// ([`StoreError::SourceChanged`](crate::StoreError::SourceChanged)), so that two
    /// overlapping files imported at once cannot both go in. `None`: not checked.
    pub seen_up_to: Option<BatchId>,
}

/// A batch that nothing has superseded, with its row fingerprints (`None` for batches
/// imported before fingerprints were kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentBatch {
    /// The batch.
    pub batch: BatchInfo,
    /// Its rows' fingerprints.
    pub fingerprints: Option<RowFingerprints>,
}

/// The import path of one backend, in its own file: tuned SQL (prepared statements on
/// SQLite, `COPY` on PostgreSQL) that the portable layer would slow down.
pub(crate) trait Importer {
    /// The batch that imported this file, if any.
    fn find_batch(&mut self, source: &str, sha: &str) -> Result<Option<BatchInfo>>;
    /// Writes one checked file in one transaction (see `Store::write_batch`).
    fn write_batch(
        &mut self,
        meta: &NewBatch,
        rows: &[ImportedRow],
        quarantined: &[QuarantinedRow],
        version: &BatchVersion,
        hook: CrashHook,
    ) -> Result<WriteOutcome>;
    /// Every batch, oldest first.
    fn batches(&mut self) -> Result<Vec<BatchInfo>>;
    /// Totals per source, sorted by source.
    fn source_counts(&mut self) -> Result<Vec<SourceCount>>;
    /// One batch's quarantined rows, in row order.
    fn quarantine_for(&mut self, batch: BatchId) -> Result<Vec<QuarantinedRow>>;
    /// Every identity with its record key and source, by record key.
    fn load_identities(&mut self) -> Result<Vec<(RecordId, String, Identity)>>;
    /// Every fact with its record key and source, by record key.
    fn load_facts(&mut self) -> Result<Vec<(RecordId, String, Fact)>>;
    /// Every record's import batch (the file it came in), by record key.
    fn record_batches(&mut self) -> Result<Vec<(RecordId, BatchId)>>;
}

/// The crash-testing hook, compiled only with the cargo feature `test-hooks` (off by
/// default, so a release build has no way to abort an import). With the feature, if the
/// environment variable [`CRASH_AFTER_ROWS_ENV`] is `N`, a write aborts the process
/// straight after inserting its N-th row, inside the transaction (N = 0: right after the
/// batch row), so that tests can prove that a killed import leaves no half batch.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CrashHook {
    #[cfg(feature = "test-hooks")]
    after_rows: Option<u64>,
}

/// The environment variable of the crash-testing hook (feature `test-hooks` only).
#[cfg(feature = "test-hooks")]
pub const CRASH_AFTER_ROWS_ENV: &str = "HEARTH_TEST_CRASH_AFTER_ROWS";

impl CrashHook {
    /// The hook as the environment sets it (always inert without `test-hooks`).
    pub(crate) fn from_env() -> CrashHook {
        #[cfg(feature = "test-hooks")]
        {
            CrashHook {
                after_rows: std::env::var(CRASH_AFTER_ROWS_ENV)
                    .ok()
                    .and_then(|v| v.trim().parse().ok()),
            }
        }
        #[cfg(not(feature = "test-hooks"))]
        {
            CrashHook {}
        }
    }

    /// Called after the `rows`-th row is written: if the hook is set to `rows`, runs
    /// `before` (e.g. to flush a `COPY` stream) and aborts. Without `test-hooks`, nothing.
    #[inline(always)]
    pub(crate) fn after_rows(self, rows: u64, before: impl FnOnce()) {
        #[cfg(feature = "test-hooks")]
        if self.after_rows == Some(rows) {
            before();
            std::process::abort();
        }
        #[cfg(not(feature = "test-hooks"))]
        let _ = (rows, before);
    }
}

/// Converts a count or row number for storage (both backends store signed 64-bit integers).
pub(crate) fn to_i64(n: u64) -> i64 {
    // Row counts come from slices and files; checked in `check_row` for row numbers.
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The context string of write operations: source and a short file hash, never file content.
pub(crate) fn batch_context(op: &str, meta: &NewBatch) -> String {
    let short: String = meta.file_sha256.chars().take(12).collect();
    format!("{op} (source {}, file sha256 {short}…)", meta.source)
}

/// An `imported_at` truncated to microseconds, as both backends store it.
pub(crate) fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}
