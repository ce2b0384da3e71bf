//! `hearth review`: the clerical review queue of uncertain record pairs.

use hearth_store::{RecordId, ReviewDecision};

/// Arguments of `hearth review`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: ReviewCommand,
}

#[derive(clap::Subcommand)]
enum ReviewCommand {
    /// Pairs waiting for a decision, most likely matches first, with the weight each
    /// comparison contributed. Shows record keys and comparison levels, not identifiers.
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
            println!("{} pairs waiting for review", pending.len());
            for p in pending.iter().take(limit) {
                println!(
                    "records {} and {}: match probability {:.3}, weight {:+.2}",
                    p.record_l.0, p.record_r.0, p.match_probability, p.match_weight
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
            let mut store = store.open()?;
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
