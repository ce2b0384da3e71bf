//! Telling a new version of a partner's file from new data: each row's fingerprint (a hash of
//! its values as parsed, so that line endings, quoting, spacing and row order do not count),
//! and the earlier batches of the same source that share most of their rows with the file.

use hearth_intake::FileImport;
use hearth_store::{CurrentBatch, RowFingerprints};
use sha2::{Digest, Sha256};

/// A file is taken for a new version of an earlier batch of its source when at least this
/// share of the smaller of the two (in distinct rows) is in both. New data (next month's
/// incidents) shares almost none; a re-saved or corrected copy, or a cumulative extract,
/// shares most.
pub const NEW_VERSION_SHARE: f64 = 0.5;

/// What to do with a file that looks like a new version of a batch already imported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Versions {
    /// Stop, import nothing, and say which batch it resembles and how to proceed.
    #[default]
    Ask,
    /// Supersede the earlier batches it resembles (their records and quarantine), atomically.
    Replace,
    /// Import it as new data beside them.
    AsNew,
}

/// An earlier batch that a file looks like a new version of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierVersion {
    /// The batch's key.
    pub batch: i64,
    /// Its file's name.
    pub file_name: String,
    /// When it was imported (UTC, to the second, as text).
    pub imported_at: String,
    /// Distinct rows in it.
    pub rows: usize,
    /// Distinct rows it shares with the new file.
    pub shared: usize,
}

/// The fingerprints of every row of `import`: good rows by their identity and fact as
/// parsed; quarantined rows by their cells, trimmed. The row number is left out, so rows
/// that moved still match.
pub fn fingerprints(import: &FileImport) -> RowFingerprints {
    let mut out = Vec::with_capacity(import.rows.len() + import.quarantined.len());
    for row in &import.rows {
        let mut h = Sha256::new();
        h.update(b"row\0");
        // Serialising a parsed row cannot fail (strings, dates, numbers, a sorted map).
        if let Ok(json) = serde_json::to_vec(&(&row.identity, &row.fact)) {
            h.update(&json);
        }
        out.push(first_u64(&h.finalize()));
    }
    for q in &import.quarantined {
        let mut h = Sha256::new();
        h.update(b"quarantined\0");
        for cell in &q.raw {
            h.update(cell.trim().as_bytes());
            h.update([0x1f]);
        }
        out.push(first_u64(&h.finalize()));
    }
    RowFingerprints::new(out)
}

fn first_u64(digest: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(b)
}

/// The current batches that `file` looks like a new version of, oldest first.
pub fn earlier_versions(file: &RowFingerprints, current: &[CurrentBatch]) -> Vec<EarlierVersion> {
    current
        .iter()
        .filter_map(|c| {
            let old = c.fingerprints.as_ref()?;
            let smaller = file.len().min(old.len());
            if smaller == 0 {
                return None;
            }
            let shared = file.shared_with(old);
            (shared as f64 >= NEW_VERSION_SHARE * smaller as f64).then(|| EarlierVersion {
                batch: c.batch.id.0,
                file_name: c.batch.file_name.clone(),
                imported_at: c.batch.imported_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                rows: old.len(),
                shared,
            })
        })
        .collect()
}

/// Notes for a file imported as new data that still repeats rows of current batches: each
/// such row is imported again and would be counted twice.
pub fn repeated_rows(file: &RowFingerprints, current: &[CurrentBatch]) -> Vec<String> {
    current
        .iter()
        .filter_map(|c| {
            let shared = file.shared_with(c.fingerprints.as_ref()?);
            (shared > 0).then(|| {
                format!(
                    "{shared} of its rows are already in batch {} ({}): imported again, they \
                     count twice; if the partner repeated rows it had sent, ask for only the new \
                     ones or send the whole file again (--replace)",
                    c.batch.id.0, c.batch.file_name
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use hearth_store::{BatchId, BatchInfo};

    fn current(id: i64, prints: Vec<u64>) -> CurrentBatch {
        CurrentBatch {
            batch: BatchInfo {
                id: BatchId(id),
                source: "police".into(),
                file_name: format!("police-{id}.csv"),
                file_sha256: "x".into(),
                imported_by: "t".into(),
                imported_at: Utc::now(),
                rows_read: prints.len() as u64,
                rows_imported: prints.len() as u64,
                rows_quarantined: 0,
            },
            fingerprints: Some(RowFingerprints::new(prints)),
        }
    }

    #[test]
    fn a_file_sharing_most_rows_is_a_new_version_and_new_data_is_not() {
        let earlier = [
            current(1, (0..60).collect()),
            current(2, (100..160).collect()),
        ];
        // A corrected copy of batch 1: one row changed.
        let corrected = RowFingerprints::new((1..60).chain([999]).collect());
        let found = earlier_versions(&corrected, &earlier);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].batch, found[0].shared, found[0].rows),
            (1, 59, 60)
        );
        // Next month's data shares nothing.
        let next = RowFingerprints::new((200..260).collect());
        assert!(earlier_versions(&next, &earlier).is_empty());
        // A cumulative extract holding both earlier files and more is a new version of both.
        let cumulative = RowFingerprints::new((0..60).chain(100..160).chain(300..400).collect());
        assert_eq!(earlier_versions(&cumulative, &earlier).len(), 2);
        // Just under half shared is new data.
        let some = RowFingerprints::new((0..29).chain(500..531).collect());
        assert!(earlier_versions(&some, &earlier).is_empty());
    }

    #[test]
    fn batches_without_fingerprints_are_never_taken_for_versions() {
        let mut old = current(1, vec![1, 2, 3]);
        old.fingerprints = None;
        assert!(earlier_versions(&RowFingerprints::new(vec![1, 2, 3]), &[old]).is_empty());
    }
}
