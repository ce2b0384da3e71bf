//! `hearth identify`.

use anyhow::Context;
use hearth_pipeline::identify;
use std::path::PathBuf;

/// Arguments of `hearth identify`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: super::StoreArg,
    #[command(flatten)]
    config: crate::config::ConfigArg,
    #[command(flatten)]
    rules: super::RulesArg,
    /// Identify as at this date (default: the date of the latest linkage run's families).
    #[arg(long, value_parser = super::parse_date)]
    as_at: Option<chrono::NaiveDate>,
    /// Also export the ranked list: a .csv (with a sibling -evidence.csv) or an .xlsx file.
    /// Exports carry pseudonymous IDs only.
    #[arg(long)]
    export: Option<PathBuf>,
}

/// Runs `hearth identify`.
pub fn run(args: Args) -> anyhow::Result<()> {
    if let Some(path) = &args.export {
        check_export_folder(path)?;
    }
    let mut store = args.store.open_to_write("identify")?;
    let config = args.config.resolve()?;
    let rules_path = args.rules.path(&config);
    let (rules, sha) = identify::load_rules(&rules_path)?;
    let as_at = match args.as_at {
        Some(d) => check_as_at(&mut store, d)?,
        None => store
            .latest_link_run()?
            .map(|(_, d)| d)
            .context("no linkage results in the store yet: run `hearth link` first")?,
    };
    let report = identify::identify_store(&mut store, &rules, &sha, as_at)?;
    println!("{report}");
    if let Some(path) = args.export {
        // The file goes to partners: families with a member who objects to all sharing are
        // left out (hearth_governance::sharing), counted in the audit log.
        let (list, excluded, left_out) = hearth_pipeline::sharing::identification_for_export(
            &mut store,
            &report.identification,
        )?;
        export(&list, &path)?;
        hearth_pipeline::sharing::audit(
            &mut store,
            hearth_governance::sharing::Output::IdentificationExport,
            &excluded,
            list.families.len(),
            left_out,
            &super::current_user(),
            chrono::Utc::now(),
        )?;
        println!(
            "Exported the ranked list to {} ({left_out} families left out because of an \
             objection to sharing)",
            path.display()
        );
    }
    Ok(())
}

/// Refuses an export path whose folder does not exist, before anything is run or saved.
fn check_export_folder(path: &std::path::Path) -> anyhow::Result<()> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    if !folder.is_dir() {
        anyhow::bail!(
            "cannot export to {}: the folder {} does not exist; create it or give another \
             --export path (nothing was run)",
            path.display(),
            folder.display()
        );
    }
    Ok(())
}

/// Refuses an as-at date before 1900 or before every event date in the store: no family
/// could have a problem then, and the run would become the latest.
fn check_as_at(
    store: &mut hearth_store::Store,
    as_at: chrono::NaiveDate,
) -> anyhow::Result<chrono::NaiveDate> {
    use chrono::Datelike;
    if as_at.year() < 1900 {
        anyhow::bail!(
            "--as-at {as_at} is before 1900: give the date to identify families at, e.g. today's"
        );
    }
    let earliest = store.earliest_event_date()?;
    if let Some(earliest) = earliest.filter(|e| as_at < *e) {
        anyhow::bail!(
            "--as-at {as_at} is before every date in the store (the earliest event is on \
             {earliest}): no family could have a problem then; give a later date"
        );
    }
    Ok(as_at)
}

/// Writes the pseudonymised ranked list (and its evidence) to `path`.
pub fn export(
    id: &hearth_identification::Identification,
    path: &std::path::Path,
) -> anyhow::Result<()> {
    use hearth_identification::export::{self, ExportView, IdentifierAccess};
    let view = ExportView {
        access: IdentifierAccess::Pseudonymised,
        eligible_only: false,
    };
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
    {
        export::xlsx(id, path, &view)?;
    } else {
        let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
        export::csv(id, &mut w, &view)?;
        let evidence_path = path.with_file_name(format!(
            "{}-evidence.csv",
            path.file_stem()
                .map(|s| s.to_string_lossy())
                .unwrap_or_default()
        ));
        let mut w = std::io::BufWriter::new(std::fs::File::create(evidence_path)?);
        export::evidence_csv(id, &mut w, &view)?;
    }
    Ok(())
}
