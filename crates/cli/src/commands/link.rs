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
            let mut store = args.store.open()?;
            let as_at = args
                .as_at
                .unwrap_or_else(|| chrono::Local::now().date_naive());
            let report = hearth_pipeline::link::link_store(&mut store, as_at)?;
            println!("{report}");
            Ok(())
        }
    }
}
