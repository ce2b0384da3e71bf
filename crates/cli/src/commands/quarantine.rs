//! `hearth quarantine`: the rows Hearth could not take, by batch, and a CSV per partner to
//! send back. Shows the partner's cells (the reasons quote them): for the data team's
//! terminal, never for logs.

use hearth_pipeline::quarantine;
use std::path::PathBuf;

/// Arguments of `hearth quarantine`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: QuarantineCommand,
}

#[derive(clap::Subcommand)]
enum QuarantineCommand {
    /// The quarantined rows of the batches the store holds, by batch: row, column, reason.
    List {
        #[command(flatten)]
        store: super::StoreArg,
        /// Only this source (e.g. `police`).
        #[arg(long)]
        source: Option<String>,
    },
    /// Writes one CSV per partner source (`<source>-quarantine.csv`: file, row, column,
    /// value, reason and the row's cells) into a folder, to send back for correction.
    Export {
        #[command(flatten)]
        store: super::StoreArg,
        /// The folder to write into (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Only this source (e.g. `police`).
        #[arg(long)]
        source: Option<String>,
    },
}

/// Runs `hearth quarantine`.
pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        QuarantineCommand::List { store, source } => {
            let mut store = store.open()?;
            let batches = quarantine::list(&mut store, source.as_deref())?;
            if batches.is_empty() {
                println!("No quarantined rows in the batches the store holds.");
            }
            for b in &batches {
                let i = &b.batch;
                println!(
                    "batch {} ({}, {}, imported {} by {}): {} of {} rows quarantined",
                    i.id.0,
                    i.source,
                    i.file_name,
                    i.imported_at.format("%Y-%m-%d %H:%M UTC"),
                    i.imported_by,
                    b.rows.len(),
                    i.rows_read
                );
                for q in &b.rows {
                    println!(
                        "  row {}: {}: {}",
                        q.source_row,
                        q.field.as_deref().unwrap_or("whole row"),
                        q.reason
                    );
                }
            }
        }
        QuarantineCommand::Export { store, out, source } => {
            let mut store = store.open()?;
            let batches = quarantine::list(&mut store, source.as_deref())?;
            let written = quarantine::export(&batches, &out)?;
            if written.is_empty() {
                println!("No quarantined rows to export; nothing written.");
            }
            for (path, rows) in written {
                println!("{}: {rows} rows", path.display());
            }
        }
    }
    Ok(())
}
