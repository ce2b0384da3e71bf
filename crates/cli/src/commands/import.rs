//! `hearth import`.

use super::shipped;
use hearth_pipeline::import::{self, FileOutcome};
use std::path::PathBuf;

/// Arguments of `hearth import`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: super::StoreArg,
    /// Folder of mapping files, one per partner source.
    #[arg(long, default_value = "mappings")]
    mappings: PathBuf,
    /// Who is importing (recorded with each batch).
    #[arg(long = "as", value_name = "USER")]
    user: Option<String>,
    /// Dates of birth after this date are rejected (default: today).
    #[arg(long, value_parser = super::parse_date)]
    today: Option<chrono::NaiveDate>,
    /// Partner files (CSV or xlsx) or folders of them.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

/// Runs `hearth import`: exits with an error if any file could not be imported at all.
pub fn run(args: Args) -> anyhow::Result<()> {
    let mut store = args.store.open()?;
    let files = import::partner_files(&args.paths)?;
    if files.is_empty() {
        anyhow::bail!("no .csv or .xlsx files found in the paths given");
    }
    let user = args.user.unwrap_or_else(super::current_user);
    let outcomes = import::import_files_each(
        &mut store,
        &files,
        &shipped(&args.mappings),
        &user,
        args.today,
        print_outcome,
    )?;
    let failed = outcomes
        .iter()
        .filter(|o| matches!(o, FileOutcome::Failed { .. }))
        .count();
    if failed > 0 {
        anyhow::bail!(
            "{failed} of {} files could not be imported (see above)",
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
        FileOutcome::Failed { file, error } => println!("{file}: NOT IMPORTED: {error}"),
    }
    // Shown as each file finishes, also when the output is a pipe or a file.
    let _ = std::io::stdout().flush();
}
