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
}

/// Runs `hearth link`.
pub fn run(args: Args) -> anyhow::Result<()> {
    match args.spec {
        Some(spec) => {
            let summary = hearth_linkage::spec::run(&spec, &args.out)?;
            println!("{summary}");
            println!("wrote {} and {}", args.out.join("clusters.csv").display(), args.out.join("pairs.csv").display());
            Ok(())
        }
        None => anyhow::bail!(
            "pipeline linking is not wired yet: use `hearth link --spec FILE --out DIR` to link CSV files"
        ),
    }
}
