//! The quarantine of the batches the store holds now (superseded batches' rows are gone):
//! listed by batch, and exported as one CSV per partner source to send back
//! (`hearth_intake::quarantine_csv`: file, row, column, value, reason, the row's cells).

use anyhow::{Context, Result};
use hearth_intake::{quarantine_csv, ReturnedRow};
use hearth_model::QuarantinedRow;
use hearth_store::{BatchInfo, Store};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One batch's quarantined rows.
pub struct BatchQuarantine {
    /// The batch.
    pub batch: BatchInfo,
    /// Its quarantined rows, in row order.
    pub rows: Vec<QuarantinedRow>,
}

/// The current batches with quarantined rows, oldest first (of `source` only, if given).
pub fn list(store: &mut Store, source: Option<&str>) -> Result<Vec<BatchQuarantine>> {
    let mut out = Vec::new();
    for batch in store.current_batches_all()? {
        if batch.rows_quarantined == 0 || source.is_some_and(|s| s != batch.source) {
            continue;
        }
        let rows = store.quarantine_for(batch.id)?;
        out.push(BatchQuarantine { batch, rows });
    }
    Ok(out)
}

/// Writes `<source>-quarantine.csv` into `dir` (created if missing) for each source with
/// quarantined rows; returns each file written with its number of rows.
pub fn export(quarantine: &[BatchQuarantine], dir: &Path) -> Result<Vec<(PathBuf, usize)>> {
    let mut by_source: BTreeMap<&str, Vec<ReturnedRow<'_>>> = BTreeMap::new();
    for b in quarantine {
        let rows = by_source.entry(&b.batch.source).or_default();
        rows.extend(b.rows.iter().map(|row| ReturnedRow {
            file_name: &b.batch.file_name,
            row,
        }));
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut written = Vec::new();
    for (source, rows) in by_source {
        let path = dir.join(format!("{source}-quarantine.csv"));
        let file =
            std::fs::File::create(&path).with_context(|| format!("writing {}", path.display()))?;
        quarantine_csv(std::io::BufWriter::new(file), &rows)
            .with_context(|| format!("writing {}", path.display()))?;
        written.push((path, rows.len()));
    }
    Ok(written)
}
