//! `hearth import`.

use hearth_pipeline::import::{self, FileOutcome, ImportOptions, Versions};
use std::path::PathBuf;

/// Arguments of `hearth import`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: super::StoreArg,
    #[command(flatten)]
    config: crate::config::ConfigArg,
    /// Folder of mapping files, one per partner source (default: `mappings` in the
    /// configuration folder).
    #[arg(long)]
    mappings: Option<PathBuf>,
    /// Who is importing (recorded with each batch).
    #[arg(long = "as", value_name = "USER")]
    user: Option<String>,
    /// Dates of birth after this date are rejected (default: today).
    #[arg(long, value_parser = super::parse_date)]
    today: Option<chrono::NaiveDate>,
    /// A file that looks like a new version of one already imported (most of its rows are
    /// in an earlier batch of its source) supersedes that batch: its records and quarantined
    /// rows are replaced by the new file's, in one transaction.
    #[arg(long, conflicts_with = "as_new")]
    replace: bool,
    /// Import files that look like new versions of earlier ones as new data, beside them.
    #[arg(long)]
    as_new: bool,
    /// Read and check the files and show what importing them would do (first rows as parsed,
    /// quarantine by reason, facts with no date); write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Partner files (CSV or xlsx) or folders of them.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

/// Runs `hearth import`: exits with an error if any file could not be imported at all.
pub fn run(args: Args) -> anyhow::Result<()> {
    let files = import::partner_files(&args.paths)?;
    if files.is_empty() {
        anyhow::bail!("no .csv or .xlsx files found in the paths given");
    }
    // A dry run writes nothing: it looks in the store read-only, if there is one, and never
    // creates it.
    let mut store = if args.dry_run {
        args.store.open_for_preview()
    } else {
        Some(args.store.open_to_write("import")?)
    };
    let config = args.config.resolve()?;
    let mappings = config.path(args.mappings.as_deref(), "mappings");
    let user = args.user.unwrap_or_else(super::current_user);
    let options = ImportOptions {
        today: args.today,
        versions: if args.replace {
            Versions::Replace
        } else if args.as_new {
            Versions::AsNew
        } else {
            Versions::Ask
        },
        dry_run: args.dry_run,
    };
    let outcomes = import::import_files_with(
        store.as_mut(),
        &files,
        &mappings,
        &user,
        &options,
        print_outcome,
    )?;
    let refused = outcomes.iter().filter(|o| o.is_refused()).count();
    if refused > 0 {
        anyhow::bail!(
            "{refused} of {} files could not be imported (see above)",
            outcomes.len()
        );
    }
    Ok(())
}

/// Prints what happened to each file, then a total. Never prints cell values.
pub fn print_outcomes(outcomes: &[FileOutcome]) {
    for o in outcomes {
        print_outcome(o);
    }
}

/// Prints what happened to one file. Never prints cell values.
pub fn print_outcome(outcome: &FileOutcome) {
    use std::io::Write;
    match outcome {
        FileOutcome::Imported(s) => print!("{s}"),
        FileOutcome::AlreadyImported { file, batch } => {
            println!("{file}: already imported (batch {batch}); nothing to do")
        }
        FileOutcome::Replaced {
            summary,
            batch,
            superseded,
        } => {
            print!("{summary}");
            println!(
                "  Batch {batch} replaces {}: their records and quarantined rows are gone; \
                 run `hearth link` and `hearth identify` again",
                batch_list(superseded)
            );
        }
        FileOutcome::NewVersion {
            file,
            source,
            earlier,
        } => {
            println!(
                "{file}: NOT IMPORTED: it looks like a new version of a file already imported:"
            );
            for e in earlier {
                println!(
                    "  batch {} ({}, imported {}): {} of its {} rows are in {file}",
                    e.batch, e.file_name, e.imported_at, e.shared, e.rows
                );
            }
            println!(
                "  To replace {} with this file (its records and quarantined rows), run the \
                 import again with --replace; if it really is new {source} data, use --as-new.",
                batch_list(&earlier.iter().map(|e| e.batch).collect::<Vec<_>>())
            );
        }
        FileOutcome::Previewed(p) => print!("{p}"),
        FileOutcome::Failed { file, error } => println!("{file}: NOT IMPORTED: {error}"),
    }
    // Shown as each file finishes, also when the output is a pipe or a file.
    let _ = std::io::stdout().flush();
}

/// "batch 3" or "batches 3, 5".
fn batch_list(batches: &[i64]) -> String {
    let ids: Vec<String> = batches.iter().map(i64::to_string).collect();
    match ids.len() {
        1 => format!("batch {}", ids[0]),
        _ => format!("batches {}", ids.join(", ")),
    }
}
