//! `hearth review`: the clerical review queue of uncertain record pairs.

use hearth_store::{RecordId, ReviewDecision};
use std::collections::HashMap;

/// Arguments of `hearth review`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: ReviewCommand,
}

#[derive(clap::Subcommand)]
enum ReviewCommand {
    /// Pairs waiting for a decision, the decisions worth most first (likelier matches first,
    /// vetoed pairs after the rest, ties to the pair joining more records), each with its
    /// files and rows and the weight each comparison contributed. Shows files, rows and
    /// comparison levels, not identifiers.
    List {
        #[command(flatten)]
        store: super::StoreArg,
        /// At most this many pairs.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Record a decision on a pair; the next `hearth link` applies it (must-link or
    /// cannot-link).
    Decide {
        #[command(flatten)]
        store: super::StoreArg,
        /// The pair's first record key.
        left: i64,
        /// The pair's second record key.
        right: i64,
        /// The two records are the same person.
        #[arg(
            long,
            conflicts_with = "different",
            required_unless_present = "different"
        )]
        same: bool,
        /// The two records are different people.
        #[arg(long)]
        different: bool,
        /// Who decided (recorded with the decision).
        #[arg(long = "as", value_name = "USER")]
        user: Option<String>,
    },
}

/// Runs `hearth review`.
pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        ReviewCommand::List { store, limit } => {
            let mut store = store.open()?;
            let pending = store.pending_review()?;
            let mut size: HashMap<i64, usize> = HashMap::new();
            let person: HashMap<i64, i64> = store
                .person_assignment()?
                .into_iter()
                .map(|(r, p)| {
                    *size.entry(p).or_default() += 1;
                    (r.0, p)
                })
                .collect();
            let people = |r: RecordId| person.get(&r.0).map_or(1, |p| size[p]);
            // A vetoed pair's explanation has a "veto" line.
            let vetoed = |e: &str| {
                serde_json::from_str::<Vec<serde_json::Value>>(e)
                    .unwrap_or_default()
                    .iter()
                    .any(|l| l["comparison"] == "veto")
            };
            let keys: Vec<(f64, bool, usize, usize)> = pending
                .iter()
                .map(|p| {
                    (
                        p.match_probability,
                        vetoed(&p.explanation),
                        people(p.record_l),
                        people(p.record_r),
                    )
                })
                .collect();
            let order = hearth_linkage::review_order(&keys);
            let shown: Vec<usize> = order.into_iter().take(limit).collect();
            let ids: Vec<RecordId> = shown
                .iter()
                .flat_map(|&i| [pending[i].record_l, pending[i].record_r])
                .collect();
            let origin: HashMap<i64, (String, u64)> = store
                .record_trails(&ids)?
                .into_iter()
                .map(|t| (t.record_id.0, (t.file_name, t.source_row)))
                .collect();
            let place = |r: RecordId| match origin.get(&r.0) {
                Some((file, row)) => format!("{file} row {row}"),
                None => format!("record {}", r.0),
            };
            println!(
                "{} pairs waiting for review, the decisions worth most first",
                pending.len()
            );
            for (n, &i) in shown.iter().enumerate() {
                let p = &pending[i];
                println!(
                    "{}. {} and {}: match probability {:.3}, weight {:+.2}{}; people of {} and {} records",
                    n + 1,
                    place(p.record_l),
                    place(p.record_r),
                    p.match_probability,
                    p.match_weight,
                    if keys[i].1 { " (vetoed)" } else { "" },
                    keys[i].2,
                    keys[i].3
                );
                let lines: Vec<serde_json::Value> =
                    serde_json::from_str(&p.explanation).unwrap_or_default();
                for l in lines {
                    let level = l["level"].as_str().unwrap_or("");
                    println!(
                        "    {:<16} {:<28} {:+.2}",
                        l["comparison"].as_str().unwrap_or(""),
                        level,
                        l["weight"].as_f64().unwrap_or(0.0)
                    );
                }
                println!(
                    "    decide: hearth review decide {} {} --same (or --different)",
                    p.record_l.0, p.record_r.0
                );
            }
            Ok(())
        }
        ReviewCommand::Decide {
            store,
            left,
            right,
            same,
            different: _,
            user,
        } => {
            let mut store = store.open_to_write("review")?;
            let decision = ReviewDecision {
                record_l: RecordId(left.min(right)),
                record_r: RecordId(left.max(right)),
                is_match: same,
            };
            let user = user.unwrap_or_else(super::current_user);
            if !store.decide_review(&decision, &user)? {
                anyhow::bail!(
                    "records {left} and {right} are not a pair in the review queue \
                     (see `hearth review list`)"
                );
            }
            println!(
                "Recorded: records {left} and {right} are {}. Run `hearth link` to apply it.",
                if same {
                    "the same person"
                } else {
                    "different people"
                }
            );
            Ok(())
        }
    }
}
