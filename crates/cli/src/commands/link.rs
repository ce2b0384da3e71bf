//! `hearth link`.

use std::path::PathBuf;

/// Arguments of `hearth link`.
#[derive(clap::Args)]
pub struct Args {
    /// Link any CSV files described by a spec (TOML; see crates/linkage/SPEC.md) instead of
    /// the store.
    #[arg(long)]
    spec: Option<PathBuf>,
    /// Output folder for clusters.csv and pairs.csv (with --spec).
    #[arg(long, default_value = "link-out")]
    out: PathBuf,
    #[command(flatten)]
    store: super::StoreArg,
    /// Form households and families as at this date (default: today).
    #[arg(long, value_parser = super::parse_date)]
    as_at: Option<chrono::NaiveDate>,
    /// Link only the records imported since the last run, into its people (existing person
    /// IDs kept), under its model. Falls back to linking every record, saying why, when the
    /// last run's model is missing or its settings differ, a file was replaced or removed, or
    /// reviewers decided pairs since. Run a full `hearth link` at least monthly.
    #[arg(long, conflicts_with = "spec")]
    incremental: bool,
}

/// Runs `hearth link`.
pub fn run(args: Args) -> anyhow::Result<()> {
    match args.spec {
        Some(spec) => {
            let summary = hearth_linkage::spec::run(&spec, &args.out)?;
            println!("{summary}");
            println!(
                "wrote {} and {}",
                args.out.join("clusters.csv").display(),
                args.out.join("pairs.csv").display()
            );
            Ok(())
        }
        None => {
            let mut store = args.store.open_to_write("link")?;
            let as_at = args
                .as_at
                .unwrap_or_else(|| chrono::Local::now().date_naive());
            let mode = if args.incremental {
                hearth_pipeline::link::LinkMode::Incremental
            } else {
                hearth_pipeline::link::LinkMode::Full
            };
            let report = hearth_pipeline::link::link_store_with(&mut store, as_at, mode)?;
            println!("{report}");
            Ok(())
        }
    }
}
