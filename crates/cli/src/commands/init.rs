//! `hearth init DIR`: editable copies of the shipped mappings and rules.

use crate::config::{write_shipped, LOCAL_CONFIG};
use std::path::PathBuf;

/// Arguments of `hearth init`.
#[derive(clap::Args)]
pub struct Args {
    /// The folder to write `mappings/` and `rules/` into (created if missing).
    dir: PathBuf,
    /// Overwrite files of the same names already there.
    #[arg(long)]
    force: bool,
}

/// Runs `hearth init`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let written = write_shipped(&args.dir, args.force)?;
    println!("Wrote {} files into {}:", written.len(), args.dir.display());
    for p in &written {
        println!("  {}", p.display());
    }
    println!(
        "Edit them for your council's files and programme. Every command reads them when given \
         --config {dir} or HEARTH_CONFIG={dir}, or when run from the folder that holds a \
         folder named {LOCAL_CONFIG}.",
        dir = args.dir.display()
    );
    Ok(())
}
