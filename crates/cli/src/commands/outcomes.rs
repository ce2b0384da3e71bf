//! `hearth outcomes`: attach families to the programme (freezing each one's baseline: those
//! of a list, and those attached in the casework without one) and judge every attached
//! family under the Outcomes Plan.

use anyhow::Context;
use hearth_pipeline::outcomes;
use std::path::PathBuf;

/// Arguments of `hearth outcomes`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: super::StoreArg,
    #[command(flatten)]
    config: crate::config::ConfigArg,
    /// The Outcomes Plan (TOML): `rules/outcomes-cheshire-east-2015.toml` in the
    /// configuration folder (default), or the council's own.
    #[arg(long)]
    plan: Option<PathBuf>,
    /// First attach the families of this list (CSV: `Attachment Ref`, `NHS Number` of a
    /// member, `Attached On` dd/mm/yyyy), freezing each one's baseline from the latest
    /// identification run. A family attached before keeps its baseline.
    #[arg(long)]
    attach: Option<PathBuf>,
    /// Judge as at this date (default: today).
    #[arg(long, value_parser = super::parse_date)]
    as_at: Option<chrono::NaiveDate>,
}

/// The plan used when `--plan` is not given, inside the configuration folder.
pub const DEFAULT_PLAN: &str = "rules/outcomes-cheshire-east-2015.toml";

/// Runs `hearth outcomes`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let config = args.config.resolve()?;
    let path = config.path(args.plan.as_deref(), DEFAULT_PLAN);
    let (plan, sha) = outcomes::load_plan(&path)?;
    let rows = match &args.attach {
        Some(file) => Some(outcomes::read_attachments(file)?),
        None => None,
    };
    let mut store = args.store.open_to_write("outcomes")?;
    let now = chrono::Utc::now();
    if let Some(rows) = rows {
        let report = outcomes::attach(&mut store, &plan, &rows, now, &super::current_user())
            .context("attaching families")?;
        print!("{report}");
    }
    // Families a lead worker recorded as agreeing to take part, not yet on a list.
    let report = outcomes::attach_from_casework(&mut store, &plan, now, &super::current_user())
        .context("attaching the families attached in the casework")?;
    print!("{report}");
    let as_at = args.as_at.unwrap_or_else(|| now.date_naive());
    let report = outcomes::evaluate(&mut store, &plan, &sha, as_at, now)?;
    println!("{report}");
    Ok(())
}
