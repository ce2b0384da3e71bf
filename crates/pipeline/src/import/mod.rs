//! Import partner files into the store: read and validate with `hearth-intake`, write each
//! file as one batch.
//!
//! A file already imported byte for byte is skipped; a file whose rows are mostly those of a
//! batch already imported (`versions`) is a new version of it: by default nothing is written
//! and the caller is told which batch it resembles ([`FileOutcome::NewVersion`]);
//! [`Versions::Replace`] supersedes that batch in the new batch's own transaction, and
//! [`Versions::AsNew`] imports it beside it. A dry run ([`ImportOptions::dry_run`]) reads
//! and checks each file and writes nothing (`preview`).
//!
//! It does not read or check rows itself (intake does), and it prints nothing: each file's
//! [`FileOutcome`] is returned for the caller to report.

mod preview;
mod versions;

pub use preview::{InStore, Preview};
pub use versions::{
    earlier_versions, fingerprints, repeated_rows, EarlierVersion, Versions, NEW_VERSION_SHARE,
};

use crate::hash::hex_sha256;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use hearth_intake::{ImportSummary, Mapping, ReadOptions};
use hearth_store::{BatchId, BatchVersion, NewBatch, Store, StoreError, WriteOutcome};
use std::path::{Path, PathBuf};

/// How to import: the day dates of birth are checked against, what to do with new versions
/// of files already imported, and whether to write at all.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Dates of birth after this day are refused (default: today).
    pub today: Option<NaiveDate>,
    /// What to do with a file that looks like a new version of an earlier batch.
    pub versions: Versions,
    /// Read and check each file and report what an import would do; write nothing (the
    /// store is not touched, and need not exist).
    pub dry_run: bool,
}

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
    /// Imported as a new batch that supersedes earlier batches of its source (their records
    /// and quarantined rows were deleted in the same transaction).
    Replaced {
        /// What was imported.
        summary: ImportSummary,
        /// The new batch's key.
        batch: i64,
        /// The batches it superseded.
        superseded: Vec<i64>,
    },
    /// The file looks like a new version of earlier batches of its source: nothing written.
    NewVersion {
        /// The file.
        file: String,
        /// Its source.
        source: String,
        /// The batches it resembles.
        earlier: Vec<EarlierVersion>,
    },
    /// A dry run: what importing the file would do. Nothing written.
    Previewed(Box<Preview>),
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

impl FileOutcome {
    /// Whether the file was left out: it could not be read, or it looks like a new version
    /// of an earlier batch and the caller did not say what to do.
    pub fn is_refused(&self) -> bool {
        matches!(
            self,
            FileOutcome::Failed { .. } | FileOutcome::NewVersion { .. }
        )
    }
}

/// [`import_files`], calling `on_file` with each file's outcome as soon as that file is done
/// (so that a caller can report progress file by file).
pub fn import_files_each(
    store: &mut Store,
    files: &[PathBuf],
    mappings: &Path,
    user: &str,
    today: Option<NaiveDate>,
    on_file: impl FnMut(&FileOutcome),
) -> Result<Vec<FileOutcome>> {
    let options = ImportOptions {
        today,
        ..ImportOptions::default()
    };
    import_files_with(Some(store), files, mappings, user, &options, on_file)
}

/// [`import_files_each`] with every option. `store` may be `None` only for a dry run.
pub fn import_files_with(
    mut store: Option<&mut Store>,
    files: &[PathBuf],
    mappings: &Path,
    user: &str,
    import_options: &ImportOptions,
    mut on_file: impl FnMut(&FileOutcome),
) -> Result<Vec<FileOutcome>> {
    if store.is_none() && !import_options.dry_run {
        anyhow::bail!("no store to import into (only a dry run needs none)");
    }
    let today = import_options.today;
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
        let result = match (import_options.dry_run, store.as_deref_mut()) {
            (false, Some(store)) => import_one(
                store,
                file,
                &name,
                &all,
                user,
                &options,
                import_options.versions,
            ),
            (true, Some(store)) => {
                preview_against(store, file, &name, &all, &options, import_options.versions)
            }
            _ => preview_one(file, &name, &all, &options),
        };
        let outcome = match result {
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

/// The mapping that applies to `file` (named `name`): exactly one, or an error naming the
/// mapping files.
fn mapping_for<'m>(file: &Path, name: &str, mappings: &'m [Mapping]) -> Result<&'m Mapping> {
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
    Ok(mapping)
}

fn preview_one(
    file: &Path,
    name: &str,
    mappings: &[Mapping],
    options: &ReadOptions,
) -> Result<FileOutcome> {
    let mapping = mapping_for(file, name, mappings)?;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let import = hearth_intake::read_bytes(file, &bytes, mapping, options)?;
    Ok(FileOutcome::Previewed(Box::new(Preview::of(&import))))
}

/// A dry run with a store to look in (opened read-only): the preview, and what the store
/// already holds of the file — the same file, or an earlier version of it.
fn preview_against(
    store: &mut Store,
    file: &Path,
    name: &str,
    mappings: &[Mapping],
    options: &ReadOptions,
    versions: Versions,
) -> Result<FileOutcome> {
    let mapping = mapping_for(file, name, mappings)?;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let sha = hex_sha256(&bytes);
    let import = hearth_intake::read_bytes(file, &bytes, mapping, options)?;
    let mut preview = Preview::of(&import);
    preview.in_store = if let Some(batch) = store.find_batch(mapping.source(), &sha)? {
        Some(InStore::AlreadyImported(batch.id.0))
    } else if versions == Versions::AsNew {
        None
    } else {
        let current = store.current_batches(mapping.source())?;
        let prints = fingerprints(&import);
        let earlier = earlier_versions(&prints, &current);
        if earlier.is_empty() {
            preview
                .summary
                .notes
                .extend(repeated_rows(&prints, &current));
        }
        (!earlier.is_empty()).then_some(InStore::NewVersion(earlier, versions))
    };
    Ok(FileOutcome::Previewed(Box::new(preview)))
}

fn import_one(
    store: &mut Store,
    file: &Path,
    name: &str,
    mappings: &[Mapping],
    user: &str,
    options: &ReadOptions,
    versions: Versions,
) -> Result<FileOutcome> {
    let mapping = mapping_for(file, name, mappings)?;
    // Hash first: an unchanged file is recognised without reading it row by row.
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let sha = hex_sha256(&bytes);
    if let Some(batch) = store.find_batch(mapping.source(), &sha)? {
        return Ok(FileOutcome::AlreadyImported {
            file: name.to_string(),
            batch: batch.id.0,
        });
    }
    let mut import = hearth_intake::read_bytes(file, &bytes, mapping, options)?;
    drop(bytes);
    // Rows naming someone erased are quarantined ("erased on <date>"), their cells not kept.
    crate::rights::quarantine_erased(store, &mut import)?;
    let prints = fingerprints(&import);
    let meta = NewBatch {
        source: import.source.clone(),
        file_name: import.file_name.clone(),
        file_sha256: import.sha256.clone(),
        imported_by: user.to_string(),
        imported_at: chrono::Utc::now(),
        rows_read: import.rows_read,
        source_name: mapping.name().map(str::to_string),
    };
    // Compare with the source's batches, then write; if another import of the source
    // finished in between, compare again with it included.
    let mut attempts = 0;
    loop {
        attempts += 1;
        let mut seen_up_to = None;
        let mut repeated = Vec::new();
        let earlier = match versions {
            Versions::AsNew => Vec::new(),
            Versions::Ask | Versions::Replace => {
                let current = store.current_batches(mapping.source())?;
                seen_up_to = Some(
                    current
                        .iter()
                        .map(|c| c.batch.id)
                        .max()
                        .unwrap_or(BatchId(0)),
                );
                // The same file, imported by another process since the hash was looked up.
                if let Some(same) = current.iter().find(|c| c.batch.file_sha256 == sha) {
                    return Ok(FileOutcome::AlreadyImported {
                        file: name.to_string(),
                        batch: same.batch.id.0,
                    });
                }
                let earlier = earlier_versions(&prints, &current);
                if earlier.is_empty() {
                    repeated = repeated_rows(&prints, &current);
                }
                earlier
            }
        };
        if versions == Versions::Ask && !earlier.is_empty() {
            return Ok(FileOutcome::NewVersion {
                file: name.to_string(),
                source: mapping.source().to_string(),
                earlier,
            });
        }
        let version = BatchVersion {
            fingerprints: Some(prints.clone()),
            supersedes: earlier.iter().map(|e| BatchId(e.batch)).collect(),
            seen_up_to,
        };
        tracing::info!(
            source = %meta.source,
            rows = import.rows.len(),
            quarantined = import.quarantined.len(),
            "writing batch"
        );
        let written =
            match store.write_batch_version(&meta, &import.rows, &import.quarantined, &version) {
                Err(StoreError::SourceChanged { .. }) if attempts < 10 => continue,
                other => other?,
            };
        return match written {
            WriteOutcome::Imported(b) if !version.supersedes.is_empty() => {
                Ok(FileOutcome::Replaced {
                    summary: import.summary,
                    batch: b.id.0,
                    superseded: version.supersedes.iter().map(|b| b.0).collect(),
                })
            }
            WriteOutcome::Imported(_) => {
                import.summary.notes.extend(repeated);
                Ok(FileOutcome::Imported(import.summary))
            }
            WriteOutcome::AlreadyImported(b) => Ok(FileOutcome::AlreadyImported {
                file: name.to_string(),
                batch: b.id.0,
            }),
        };
    }
}
