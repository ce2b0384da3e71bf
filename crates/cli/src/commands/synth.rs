//! `hearth synth`: generate a synthetic borough (partner source files plus ground truth).

use anyhow::Context;
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `hearth synth`.
#[derive(clap::Args)]
pub struct Args {
    /// Number of people in the borough.
    #[arg(long, default_value_t = 10_000)]
    pub people: usize,
    /// Seed: the same seed and number of people give byte-identical files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output folder; `sources/` and `truth/` are written inside it.
    #[arg(long)]
    pub out: PathBuf,
    /// Also run the borough on two school years past the identification date as a programme
    /// cohort: attachments (`programme/attachments.csv`), the partners' later extracts
    /// (`sources/*_followup.*`), employment spells (`sources/employment.csv`), a planted effect
    /// of the programme, and the cohort's truth (`truth/outcomes.csv`, `service_use.csv`,
    /// `attachments.csv`, `effects.toml`). Off: the files are exactly as before.
    #[arg(long)]
    pub cohort: bool,
}

/// Runs `hearth synth`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let config = hearth_synth::Config {
        people: args.people,
        seed: args.seed,
        cohort: args.cohort.then(hearth_synth::cohort::Cohort::default),
        ..Default::default()
    };
    let borough = hearth_synth::generate(&config).context("generating the borough")?;
    let generated = started.elapsed();
    let summary = hearth_synth::write(&borough, &args.out)
        .with_context(|| format!("writing the borough to {}", args.out.display()))?;
    let total = started.elapsed();
    tracing::info!(
        people = summary.people,
        households = summary.households,
        seconds = total.as_secs_f64(),
        "synthetic borough written"
    );
    println!(
        "Synthetic borough (seed {}): {} people in {} households; {} families with children, {} with 2+ problems",
        args.seed, summary.people, summary.households, summary.families, summary.eligible_families
    );
    let mut rows = 0;
    for (source, n) in &summary.rows {
        println!("  sources/{:<20} {:>10} rows", source.file_name(), n);
        rows += n;
    }
    println!("  {:<28} {:>10} rows", "total", rows);
    if let Some(fu) = borough.followup() {
        let attached = fu.attachments.iter().filter(|a| a.attached).count();
        println!(
            "Programme cohort to {}: {} families attached, {} in the comparison group; {} employment spells",
            hearth_synth::cohort::FOLLOW_UP_END,
            attached,
            fu.attachments.len() - attached,
            fu.employment.len()
        );
    }
    println!("Written to {}", summary.out_dir.display());
    println!(
        "Time: {:.2}s (generate {:.2}s, write {:.2}s)",
        total.as_secs_f64(),
        generated.as_secs_f64(),
        (total - generated).as_secs_f64()
    );
    Ok(())
}
