//! `hearth family show ID`: a family's evidence trail from the latest identification run.

use anyhow::{bail, Context};
use hearth_store::RecordId;

/// Arguments of `hearth family`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: FamilyCommand,
}

#[derive(clap::Subcommand)]
enum FamilyCommand {
    /// Why a family qualified: members, problems, indicators and the partner records behind
    /// each one (source, file, row). Pseudonymous: person IDs, no names.
    Show {
        #[command(flatten)]
        store: super::StoreArg,
        /// The family's ID (as in `hearth identify` output and exports).
        family_id: i64,
        /// Which identification run (default: the latest).
        #[arg(long)]
        run: Option<i64>,
    },
}

/// Runs `hearth family`.
pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        FamilyCommand::Show {
            store,
            family_id,
            run,
        } => show(&store, family_id, run),
    }
}

fn show(store: &super::StoreArg, family_id: i64, run: Option<i64>) -> anyhow::Result<()> {
    let mut store = store.open()?;
    let runs = store.identification_runs()?;
    let run = match run {
        Some(id) => runs
            .iter()
            .find(|r| r.id == id)
            .with_context(|| format!("there is no identification run {id}"))?,
        None => runs
            .last()
            .context("no identification run yet: run `hearth identify` first")?,
    };
    let Some(assessment) = store
        .assessments(run.id)?
        .into_iter()
        .find(|a| a.family_id == family_id)
    else {
        bail!(
            "family {family_id} was not assessed in identification run {}",
            run.id
        );
    };
    println!(
        "Family {family_id} — identification run {} as at {} ({} rules, rules file sha256 {}…)",
        run.id,
        run.as_at,
        run.profile,
        &run.rules_sha256[..run.rules_sha256.len().min(12)]
    );
    match assessment.priority_rank {
        Some(rank) => println!(
            "Eligible: yes, priority #{rank} (score {:.2}); {} problems; estimated cost £{:.0} a year",
            assessment.score,
            assessment.problems.len(),
            assessment.estimated_cost
        ),
        None => println!(
            "Eligible: no; {} problem(s): {}",
            assessment.problems.len(),
            assessment.problems.join(", ")
        ),
    }
    let family = store
        .families()?
        .into_iter()
        .find(|f| f.family_id == family_id);
    let members: Vec<i64> = family
        .iter()
        .flat_map(|f| f.members.iter().map(|m| m.person_id))
        .collect();
    if let Some(previous) = runs.iter().rev().find(|r| r.id < run.id) {
        compare(&mut store, family_id, &assessment, run, previous, &members)?;
    }
    if let Some(f) = family {
        println!("Members (current linkage):");
        for m in &f.members {
            let age = m
                .age
                .map_or("age unknown".to_string(), |a| format!("age {a}"));
            println!("  person {:<8} {:<5} {age}", m.person_id, m.role);
        }
        for r in &f.relationships {
            println!(
                "  person {} is taken to be a parent of person {} ({})",
                r.parent_person_id, r.child_person_id, r.basis
            );
        }
    }
    let evidence = store.evidence(run.id, Some(family_id))?;
    let mut current = String::new();
    for e in &evidence {
        if e.problem_key != current {
            println!("Problem: {}", e.problem_key);
            current = e.problem_key.clone();
        }
        let value = e
            .value
            .map(|v| format!(" (value {v:.3})"))
            .unwrap_or_default();
        println!(
            "  indicator {} met by person {}{value}",
            e.indicator_key, e.person_id
        );
        let ids: Vec<RecordId> = e.record_ids.iter().map(|&r| RecordId(r)).collect();
        for t in store.record_trails(&ids)? {
            let date = t.event_date.map(|d| d.to_string()).unwrap_or_default();
            println!(
                "    {} {} {date}: {} row {} (record {}, imported {}) {}",
                t.source,
                t.event_type,
                t.file_name,
                t.source_row,
                t.record_id.0,
                &t.imported_at[..t.imported_at.len().min(10)],
                t.attributes
            );
        }
    }
    if evidence.is_empty() {
        println!("No evidence recorded for this family.");
    }
    Ok(())
}

/// What changed for the family since the `previous` run: eligibility, problems met then and
/// not now (with each indicator's person and why it may no longer count), problems new.
fn compare(
    store: &mut hearth_store::Store,
    family_id: i64,
    now: &hearth_store::FamilyAssessment,
    run: &hearth_store::IdentificationRun,
    previous: &hearth_store::IdentificationRun,
    members: &[i64],
) -> anyhow::Result<()> {
    let Some(before) = store
        .assessments(previous.id)?
        .into_iter()
        .find(|a| a.family_id == family_id)
    else {
        println!(
            "Not assessed in the previous identification run ({}, as at {}): a new family since",
            previous.id, previous.as_at
        );
        return Ok(());
    };
    let (was, is) = (before.eligible, now.eligible);
    let change = match (was, is) {
        (true, false) => "eligible then, NOT ELIGIBLE NOW",
        (false, true) => "not eligible then, eligible now",
        (true, true) => "eligible then and now",
        (false, false) => "not eligible then or now",
    };
    println!(
        "Since the previous identification run ({}, as at {}, problems: {}): {change}",
        previous.id,
        previous.as_at,
        list(&before.problems)
    );
    let gained: Vec<String> = now
        .problems
        .iter()
        .filter(|p| !before.problems.contains(p))
        .cloned()
        .collect();
    if !gained.is_empty() {
        println!("  Problems met now and not then: {}", list(&gained));
    }
    if previous.rules_sha256 != run.rules_sha256 {
        println!("  The rules file changed between the two runs");
    }
    let evidence = store.evidence(previous.id, Some(family_id))?;
    for problem in before.problems.iter().filter(|p| !now.problems.contains(p)) {
        println!("  No longer met: {problem}. Then it was met by:");
        for e in evidence.iter().filter(|e| &e.problem_key == problem) {
            let ids: Vec<RecordId> = e.record_ids.iter().map(|&r| RecordId(r)).collect();
            let held = store.record_trails(&ids)?.len();
            let why = if !members.contains(&e.person_id) {
                "that person is no longer in the family".to_string()
            } else if held == 0 {
                format!(
                    "not met as at {} by the records held now (its records were in a file \
                     since replaced by a new version, or were removed)",
                    run.as_at
                )
            } else {
                format!(
                    "not met as at {} by the records held now ({held} of its {} records are \
                     still held: outside the rules' window now, or corrected)",
                    run.as_at,
                    ids.len()
                )
            };
            println!(
                "    indicator {} by person {}: {why}",
                e.indicator_key, e.person_id
            );
        }
    }
    if before.problems.iter().all(|p| now.problems.contains(p)) {
        return Ok(());
    }
    println!(
        "  `hearth family show {family_id} --run {}` shows that run's evidence",
        previous.id
    );
    Ok(())
}

fn list(problems: &[String]) -> String {
    if problems.is_empty() {
        "none".to_string()
    } else {
        problems.join(", ")
    }
}
