//! `hearth backup` and `hearth restore`: a SQLite store copied with SQLite's online backup
//! API while the server may be writing, and put back after checking. A PostgreSQL store is
//! backed up with PostgreSQL's own tools: the commands say how (docs/operations.md).

use anyhow::{bail, Context};
use hearth_store::backup;
use std::path::PathBuf;

/// Arguments of `hearth backup`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: super::StoreArg,
    /// The backup file to write (must not exist yet).
    #[arg(long)]
    out: PathBuf,
}

/// Arguments of `hearth restore`.
#[derive(clap::Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    store: super::StoreArg,
    /// The backup file to restore from (written by `hearth backup`).
    #[arg(long)]
    from: PathBuf,
    /// Replace an existing store. Stop `hearth serve` first: a server still running keeps
    /// what it has cached and would go on writing over the restored store.
    #[arg(long)]
    force: bool,
}

/// What to do for a PostgreSQL store instead (also in docs/operations.md).
fn postgres_advice(args: &super::StoreArg) -> String {
    let schema = args
        .pg_schema
        .as_deref()
        .map(|s| format!(" --schema={s}"))
        .unwrap_or_default();
    format!(
        "hearth backup and restore copy SQLite stores only. For a PostgreSQL store use \
         PostgreSQL's own tools (see docs/operations.md), e.g.\n  \
         pg_dump --format=custom{schema} --file=hearth.dump \"$HEARTH_STORE\"\n  \
         pg_restore --clean --if-exists --single-transaction{schema} --dbname=\"$HEARTH_STORE\" hearth.dump"
    )
}

/// Runs `hearth backup`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let Some(path) = backup::sqlite_path(&args.store.store) else {
        bail!("{}", postgres_advice(&args.store));
    };
    let info = backup::backup_sqlite(path.as_ref(), &args.out)
        .with_context(|| format!("backing up {}", args.store.store_label()))?;
    // A backup holds what the store holds: readable by its owner only, whatever the umask.
    super::private(&args.out);
    println!(
        "Backed up {} to {} ({} bytes, schema version {}).",
        args.store.store_label(),
        args.out.display(),
        info.bytes,
        info.schema_version
    );
    Ok(())
}

/// Runs `hearth restore`.
pub fn restore(args: RestoreArgs) -> anyhow::Result<()> {
    let Some(path) = backup::sqlite_path(&args.store.store) else {
        bail!("{}", postgres_advice(&args.store));
    };
    let target = std::path::Path::new(path);
    // Check first, so that a bad backup is reported before anything else is said or done.
    backup::check_backup(&args.from)?;
    if target.exists() && !args.force {
        bail!(
            "the store {} already exists: stop `hearth serve`, then run again with --force to \
             replace it with {}",
            args.store.store_label(),
            args.from.display()
        );
    }
    let info = backup::restore_sqlite(&args.from, target)?;
    super::private(target);
    // The restored store opens (migrations applied if the backup is older than this build).
    let mut store = args.store.open()?;
    let version = store.schema_version()?;
    println!(
        "Restored {} into {} (backed up at schema version {}, now {}).",
        args.from.display(),
        args.store.store_label(),
        info.schema_version,
        version
    );
    Ok(())
}
