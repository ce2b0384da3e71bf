//! `hearth retention`: the council's retention policy (`rules/retention.toml`) applied to the
//! store. `--dry-run` lists what would go (counts by class and month; no personal data);
//! `--apply` destroys it, one class per transaction, and keeps a proof report; `--reports`
//! lists the proof reports kept.

use anyhow::bail;
use std::path::PathBuf;

/// Arguments of `hearth retention`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: super::StoreArg,
    #[command(flatten)]
    config: crate::config::ConfigArg,
    /// The retention policy (default: rules/retention.toml in the configuration folder).
    #[arg(long)]
    policy: Option<PathBuf>,
    /// List what would be destroyed today, changing nothing.
    #[arg(long, conflicts_with_all = ["apply", "reports"])]
    dry_run: bool,
    /// Destroy what has expired and keep a proof report.
    #[arg(long, conflicts_with = "reports")]
    apply: bool,
    /// List the proof reports kept (newest first).
    #[arg(long)]
    reports: bool,
    /// The day to apply the policy on (yyyy-mm-dd; default today).
    #[arg(long, value_parser = super::parse_date)]
    today: Option<chrono::NaiveDate>,
    /// SQLite: rewrite the file afterwards to give the freed space back to the disk
    /// (`VACUUM`; holds the write lock while it runs). Without it, freed space is reused.
    #[arg(long)]
    vacuum: bool,
    /// Who is running it (recorded in the proof report and the audit log).
    #[arg(long = "as", value_name = "USER")]
    user: Option<String>,
}

/// Runs `hearth retention`.
pub fn run(args: Args) -> anyhow::Result<()> {
    // Every run but the listing of reports writes a proof report.
    let mut store = if args.reports {
        args.store.open()?
    } else {
        args.store.open_to_write("retention")?
    };
    if args.reports {
        let reports = store.retention_reports(50)?;
        println!("{} proof reports", reports.len());
        for r in reports {
            println!(
                "{:>5}  {}  by {}  {}  {} rows  policy {}",
                r.id,
                r.run_at.format("%Y-%m-%d %H:%M UTC"),
                r.run_by,
                if r.applied { "applied" } else { "dry run" },
                r.total(),
                r.policy_sha256
            );
        }
        return Ok(());
    }
    if args.dry_run == args.apply {
        bail!("say --dry-run (list what would go) or --apply (destroy it)");
    }
    let found = args.config.resolve()?;
    let path = found.path(args.policy.as_deref(), "rules/retention.toml");
    let policy = hearth_pipeline::retention::load_policy(&path)?;
    let now = chrono::Utc::now();
    let today = args.today.unwrap_or_else(|| now.date_naive());
    let by = args.user.unwrap_or_else(super::current_user);
    let outcome = if args.apply {
        hearth_pipeline::retention::apply(&mut store, &policy, today, &by, now, args.vacuum)?
    } else {
        hearth_pipeline::retention::dry_run(&mut store, &policy, today, &by, now)?
    };
    print!("{outcome}");
    Ok(())
}
