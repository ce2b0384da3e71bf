//! `hearth evaluate`: the local impact evaluation, kept in the store for the web's report page
//! and written as JSON (every figure through disclosure control).

use anyhow::Context;
use hearth_pipeline::impact;
use std::path::PathBuf;

/// Arguments of `hearth evaluate`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: super::StoreArg,
    #[command(flatten)]
    config: crate::config::ConfigArg,
    /// The evaluation's rules (default: rules/impact-evaluation.toml in the configuration
    /// folder).
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Count outcomes up to this date (default: today).
    #[arg(long, value_parser = super::parse_date)]
    as_at: Option<chrono::NaiveDate>,
    /// Also write the published report as JSON to this file.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Who is running it (recorded with the report).
    #[arg(long = "as", value_name = "USER")]
    user: Option<String>,
}

/// Runs `hearth evaluate`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let config = args.config.resolve()?;
    let path = config.path(args.rules.as_deref(), "rules/impact-evaluation.toml");
    let (rules, sha) = impact::load_rules(&path)?;
    let mut store = args.store.open_to_write("evaluate")?;
    let now = chrono::Utc::now();
    let as_at = args.as_at.unwrap_or_else(|| now.date_naive());
    let made_by = args.user.unwrap_or_else(super::current_user);
    let report = impact::evaluate_store(&mut store, &rules, &sha, as_at, &made_by, now)?;
    println!("{report}");
    if let Some(out) = args.out {
        std::fs::write(&out, serde_json::to_vec_pretty(&report.published)?)
            .with_context(|| format!("writing {}", out.display()))?;
        println!("Written: {}", out.display());
    }
    Ok(())
}
