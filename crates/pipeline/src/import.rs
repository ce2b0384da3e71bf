//! Import partner files into the store: read and validate with `hearth-intake`, write each
//! file as one batch.
//!
//! It does not read or check rows itself (intake does), and it prints nothing: each file's
//! [`FileOutcome`] is returned for the caller to report.

use crate::hash::hex_sha256;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use hearth_intake::{ImportSummary, Mapping, ReadOptions};
use hearth_store::{NewBatch, Store, WriteOutcome};
use std::path::{Path, PathBuf};

/// What happened to one file.
pub enum FileOutcome {
    /// Imported as a new batch.
    Imported(ImportSummary),
    /// The same file was imported before (same source and SHA-256): nothing written.
    AlreadyImported {
        /// The file.
        file: String,
        /// The earlier batch's key.
        batch: i64,
    },
    /// The file could not be imported at all (no mapping, unreadable, header wrong…).
    Failed {
        /// The file.
        file: String,
        /// Why, naming the file and column; never a cell value.
        error: String,
    },
}

/// Every partner file under `paths`: files as given; folders' `.csv` and `.xlsx` files,
/// sorted by name.
pub fn partner_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("reading folder {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.is_file()
                        && f.extension().is_some_and(|e| {
                            e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("xlsx")
                        })
                })
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Imports each file with the mapping in `mappings` that applies to it. One failing file
/// does not stop the others.
pub fn import_files(
    store: &mut Store,
    files: &[PathBuf],
    mappings: &Path,
    user: &str,
    today: Option<NaiveDate>,
) -> Result<Vec<FileOutcome>> {
    import_files_each(store, files, mappings, user, today, |_| {})
}

/// [`import_files`], calling `on_file` with each file's outcome as soon as that file is done
/// (so that a caller can report progress file by file).
pub fn import_files_each(
    store: &mut Store,
    files: &[PathBuf],
    mappings: &Path,
    user: &str,
    today: Option<NaiveDate>,
    mut on_file: impl FnMut(&FileOutcome),
) -> Result<Vec<FileOutcome>> {
    let all = Mapping::load_dir(mappings)
        .with_context(|| format!("loading mappings from {}", mappings.display()))?;
    let options = ReadOptions {
        today: today.unwrap_or_else(|| chrono::Local::now().date_naive()),
    };
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let outcome = match import_one(store, file, &name, &all, user, &options) {
            Ok(o) => o,
            Err(e) => FileOutcome::Failed {
                file: file.display().to_string(),
                error: format!("{e:#}"),
            },
        };
        on_file(&outcome);
        out.push(outcome);
    }
    Ok(out)
}

fn import_one(
    store: &mut Store,
    file: &Path,
    name: &str,
    mappings: &[Mapping],
    user: &str,
    options: &ReadOptions,
) -> Result<FileOutcome> {
    if !file.exists() {
        anyhow::bail!("{} does not exist", file.display());
    }
    let matching: Vec<&Mapping> = mappings.iter().filter(|m| m.applies_to(name)).collect();
    let mapping = match matching.as_slice() {
        [m] => *m,
        [] => anyhow::bail!(
            "no mapping applies to {name}: add a mapping file whose `files` patterns match it \
             (sources known: {})",
            mappings
                .iter()
                .map(Mapping::source)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        many => anyhow::bail!(
            "{} mappings apply to {name} ({}): make their `files` patterns distinct",
            many.len(),
            many.iter()
                .map(|m| m.path().display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    // Hash first: an unchanged file is recognised without reading it row by row.
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let sha = hex_sha256(&bytes);
    if let Some(batch) = store.find_batch(mapping.source(), &sha)? {
        return Ok(FileOutcome::AlreadyImported {
            file: name.to_string(),
            batch: batch.id.0,
        });
    }
    let import = hearth_intake::read_bytes(file, &bytes, mapping, options)?;
    drop(bytes);
    let meta = NewBatch {
        source: import.source.clone(),
        file_name: import.file_name.clone(),
        file_sha256: import.sha256.clone(),
        imported_by: user.to_string(),
        imported_at: chrono::Utc::now(),
        rows_read: import.rows_read,
        source_name: mapping.name().map(str::to_string),
    };
    tracing::info!(
        source = %meta.source,
        rows = import.rows.len(),
        quarantined = import.quarantined.len(),
        "writing batch"
    );
    match store.write_batch(&meta, &import.rows, &import.quarantined)? {
        WriteOutcome::Imported(_) => Ok(FileOutcome::Imported(import.summary)),
        WriteOutcome::AlreadyImported(b) => Ok(FileOutcome::AlreadyImported {
            file: name.to_string(),
            batch: b.id.0,
        }),
    }
}
