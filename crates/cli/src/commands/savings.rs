//! `hearth savings`: the cost savings calculator. Prints the cohort's figures as published
//! (every count through disclosure control), by agency, and the appraisal; optionally writes
//! the workbook.

use anyhow::Context;
use chrono::NaiveDate;
use hearth_governance::disclosure::{Cell, Policy};
use hearth_pipeline::savings;
use hearth_savings::{export, publish, PublishedCohort};
use std::path::PathBuf;

/// Arguments of `hearth savings`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: super::StoreArg,
    #[command(flatten)]
    config: crate::config::ConfigArg,
    /// The calculator's rules (default: rules/savings.toml in the configuration folder).
    #[arg(long)]
    savings_rules: Option<PathBuf>,
    /// Count service use as at this date (default: the latest linkage run's date).
    #[arg(long, value_parser = super::parse_date)]
    as_at: Option<NaiveDate>,
    /// Attachment dates from a CSV file (columns family_id, attached_on) instead of the
    /// store's: the date frozen with a family's outcomes baseline (`hearth outcomes
    /// --attach`), else the day its case first moved to "agreed to take part" or later.
    #[arg(long)]
    attachments: Option<PathBuf>,
    /// Also write the published figures as an Excel workbook.
    #[arg(long)]
    xlsx: Option<PathBuf>,
    /// Also write the published figures as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
}

/// Runs `hearth savings`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let config = args.config.resolve()?;
    let rules_path = config.path(args.savings_rules.as_deref(), "rules/savings.toml");
    let (rules, sha) = savings::load_rules(&rules_path)?;
    let attachments = args
        .attachments
        .as_deref()
        .map(savings::read_attachments)
        .transpose()?;
    let mut store = args.store.open_to_write("savings")?;
    let as_at = match args.as_at {
        Some(d) => d,
        None => store
            .latest_link_run()?
            .map(|(_, d)| d)
            .context("no linkage results in the store yet: run `hearth link` first")?,
    };
    let report = savings::savings_store(&mut store, &rules, &sha, as_at, attachments)?;
    println!("{report}");
    let published = publish(&report.calculation.cohort, Policy::default());
    print!("{}", summary(&published));
    if let Some(path) = args.xlsx {
        let bytes = export::xlsx(&published).context("writing the workbook")?;
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        println!("Wrote {}", path.display());
    }
    if let Some(path) = args.json {
        std::fs::write(&path, serde_json::to_vec_pretty(&published)?)
            .with_context(|| format!("writing {}", path.display()))?;
        println!("Wrote {}", path.display());
    }
    Ok(())
}

fn pounds(v: Option<f64>) -> String {
    match v {
        Some(v) => format!("£{:.0}", v),
        None => "[c]".into(),
    }
}

fn count(c: Cell) -> String {
    c.to_string()
}

/// Which items are not measured, and which only for some families, in two plain lists (no
/// data is not a saving, so both are left out of the figures): each item as (key, measured,
/// how far its data reach, its coverage in words).
fn coverage_lines<'a>(
    items: impl Iterator<Item = (&'a str, bool, Option<NaiveDate>, &'a str)>,
) -> String {
    let (mut total, mut no_data, mut stopped, mut partly) = (0, Vec::new(), Vec::new(), Vec::new());
    for (key, measured, reach, coverage) in items {
        total += 1;
        match (measured, reach) {
            (false, None) => no_data.push(key),
            (false, Some(_)) => stopped.push(format!("  {key}: {coverage}\n")),
            (true, Some(reach)) if coverage != "measured" => partly.push(format!(
                "  {key}: data reach {}\n",
                hearth_savings::long_date(reach)
            )),
            _ => {}
        }
    }
    let mut s = format!(
        "\n{} of {total} items are not measured (shown [x]; not counted as no use; see rules/savings.toml)\n",
        no_data.len() + stopped.len()
    );
    if !no_data.is_empty() {
        s.push_str(&format!(
            "  no record of their kind in the partners' files: {}\n",
            no_data.join(", ")
        ));
    }
    s.extend(stopped);
    if !partly.is_empty() {
        s.push_str(&format!(
            "{} items are measured only for the families whose 12 months after attachment end by the day their data reach (left out for the others):\n",
            partly.len()
        ));
        s.extend(partly);
    }
    s
}

/// The published figures as text.
pub fn summary(p: &PublishedCohort) -> String {
    let mut s = String::new();
    s.push_str(export::status_line(p));
    s.push('\n');
    s.push_str("\nBy agency (families before → after; annual cost before → after; attributable saving; present value)\n");
    for a in &p.agencies {
        s.push_str(&format!(
            "  {}: {} → {} families; {} → {}; saving {}; present value {}\n",
            a.agency,
            count(a.families_before),
            count(a.families_after),
            pounds(a.cost_before),
            pounds(a.cost_after),
            pounds(a.attributable),
            pounds(a.present_value),
        ));
    }
    s.push_str(&coverage_lines(p.items.iter().map(|i| {
        (
            i.key.as_str(),
            i.measured,
            i.data_reach,
            i.coverage.as_str(),
        )
    })));
    match &p.appraisal {
        None => s.push_str("Appraisal: [c] (too few families to publish)\n"),
        Some(a) => {
            s.push_str(&format!(
                "Appraisal: gross annual change {}; less deadweight {}; less optimism bias {}; attributable {}\n",
                pounds(Some(a.gross)),
                pounds(Some(a.deadweight)),
                pounds(Some(a.optimism_bias)),
                pounds(Some(a.attributable)),
            ));
            s.push_str(&format!(
                "  present value {}; cost {}; net present value {}; fiscal ROI {}; payback {}\n",
                pounds(Some(a.present_value)),
                pounds(Some(a.programme_cost)),
                pounds(Some(a.net_present_value)),
                a.fiscal_roi
                    .map_or("[z]".into(), |r| format!("£{r:.2} per £1")),
                a.payback_years
                    .map_or("not within the appraisal's years".into(), |y| format!(
                        "{y:.1} years"
                    )),
            ));
        }
    }
    if let Some(e) = &p.change_per_family {
        s.push_str(&format!(
            "Gross change per family: mean {} (95% interval {} to {}, n = {})\n",
            pounds(Some(e.mean)),
            pounds(Some(e.low)),
            pounds(Some(e.high)),
            e.n
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_not_measured_and_measured_for_some_families_are_listed_apart() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let text = coverage_lines(
            [
                ("arrests", false, None, "not measured (no data)"),
                ("evictions", false, Some(d("2025-07-01")), "not measured (data reach 1 July 2025)"),
                ("shoplifting", true, Some(d("2027-08-27")), "measured where its data reach the end of a family's months after attachment; not measured for the others (data reach 27 August 2027)"),
                ("exclusions", true, Some(d("2027-10-15")), "measured"),
            ]
            .into_iter(),
        );
        assert!(text.contains("2 of 4 items are not measured"), "{text}");
        assert!(text.contains("partners' files: arrests\n"), "{text}");
        assert!(
            text.contains("  evictions: not measured (data reach 1 July 2025)\n"),
            "{text}"
        );
        assert!(
            text.contains("1 items are measured only for the families"),
            "{text}"
        );
        assert!(
            text.contains("  shoplifting: data reach 27 August 2027\n"),
            "{text}"
        );
        assert!(!text.contains("exclusions"), "{text}");
    }
}
