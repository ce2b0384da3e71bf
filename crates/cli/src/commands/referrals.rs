//! `hearth referrals import FILE --mapping M`: a batch of referrals (CSV or xlsx) read with
//! intake's reader and a referral mapping, each referral checked (`hearth_referrals`),
//! looked up against the linked people and flagged like one typed in, and stored for the
//! performance officer's double check. A bad row or referral is reported by file, row and
//! field and left out; the good ones are kept. Never prints cell values.

use hearth_referrals::{referrals_from_rows, ReferralRules};
use std::path::PathBuf;

/// Arguments of `hearth referrals`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Import a batch of referrals from a CSV or xlsx file.
    Import {
        #[command(flatten)]
        store: super::StoreArg,
        /// The referral mapping [default: mappings/referrals/referrals.toml in the
        /// configuration folder].
        #[arg(long)]
        mapping: Option<PathBuf>,
        #[command(flatten)]
        config: crate::config::ConfigArg,
        /// Who is importing (recorded with each referral).
        #[arg(long = "as", value_name = "USER")]
        user: Option<String>,
        /// Also write each recorded referral's reference, key and flags to this CSV file
        /// (no personal data), e.g. for `bench/referrals.sh`.
        #[arg(long)]
        report: Option<PathBuf>,
        /// The file.
        file: PathBuf,
    },
}

/// Runs `hearth referrals`.
pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        Command::Import {
            store,
            mapping,
            config,
            user,
            report,
            file,
        } => {
            let found = config.resolve()?;
            let mapping = found.path(mapping.as_deref(), "mappings/referrals/referrals.toml");
            let rules = super::serve::referral_rules(&found.path(None, "rules/referrals.toml"))?;
            import(store, &mapping, &rules, user, &file, report.as_deref())
        }
    }
}

fn import(
    store: super::StoreArg,
    mapping: &std::path::Path,
    rules: &ReferralRules,
    user: Option<String>,
    file: &std::path::Path,
    report: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let checked = check(mapping, rules, file)?;
    for problem in &checked.problems {
        println!("{problem}");
    }
    let user = user.unwrap_or_else(super::current_user);
    let mut store = store.open_to_write("referrals import")?;
    println!(
        "{}",
        record(&mut store, &checked, &user, report, "see above")?
    );
    Ok(())
}

/// A batch of referrals read and checked: the good ones, and where the others went wrong.
pub struct Checked {
    /// The file's name.
    name: String,
    /// The referrals that passed the checks.
    good: Vec<hearth_referrals::Referral>,
    /// Their references, in the same order.
    references: Vec<String>,
    /// How many referrals were refused.
    refused: usize,
    /// How many rows intake left out.
    rows_left_out: usize,
    /// One line per problem: file, row and field, never a cell value.
    pub problems: Vec<String>,
}

/// Reads `file` with the referral mapping at `mapping` and checks each referral against
/// `rules` (as at today).
pub fn check(
    mapping: &std::path::Path,
    rules: &ReferralRules,
    file: &std::path::Path,
) -> anyhow::Result<Checked> {
    use anyhow::Context;
    let mapping = hearth_intake::Mapping::load(mapping)?;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let read = hearth_intake::read_bytes(file, &bytes, &mapping, &Default::default())?;
    let name = read.file_name.clone();
    let mut problems = Vec::new();
    for q in &read.quarantined {
        // The field only: intake's reasons may quote the cell.
        problems.push(format!(
            "{name}: row {}: {}: not valid (row left out)",
            q.source_row,
            q.field.as_deref().unwrap_or("row"),
        ));
    }
    let today = chrono::Utc::now().date_naive();
    let mut good = Vec::new();
    let mut references = Vec::new();
    let mut refused = 0;
    for r in referrals_from_rows(&read.rows) {
        match r.input.validate(rules, today, false) {
            Ok(referral) => {
                good.push(referral);
                references.push(r.reference.clone());
            }
            Err(errors) => {
                refused += 1;
                for (field, message) in errors {
                    // `member_{i}_…` is the i-th row of the referral.
                    let row = field
                        .strip_prefix("member_")
                        .and_then(|f| f.split('_').next()?.parse::<usize>().ok())
                        .and_then(|i| r.source_rows.get(i).copied())
                        .unwrap_or(r.source_rows[0]);
                    problems.push(format!("{name}: row {row}: {field}: {message}"));
                }
            }
        }
    }
    Ok(Checked {
        name,
        good,
        references,
        refused,
        rows_left_out: read.quarantined.len(),
        problems,
    })
}

/// Records the good referrals of `checked` (each looked up against the linked people and
/// flagged like one typed in), writes the optional `report`, and says what was done
/// (`where_told`: where the problems are listed).
pub fn record(
    store: &mut hearth_store::Store,
    checked: &Checked,
    user: &str,
    report: Option<&std::path::Path>,
    where_told: &str,
) -> anyhow::Result<String> {
    use anyhow::Context;
    let recorded = hearth_web::import_referrals(store, &checked.good, user, chrono::Utc::now())?;
    let flagged = recorded.iter().filter(|(_, f)| !f.is_empty()).count();
    if let Some(path) = report {
        let mut text = String::from("reference,referral_id,flags\n");
        for (reference, (id, flags)) in checked.references.iter().zip(&recorded) {
            let flags: Vec<String> = flags
                .iter()
                .map(|f| serde_json::to_value(f).map(|v| v["flag"].to_string().replace('"', "")))
                .collect::<Result<_, _>>()?;
            text.push_str(&format!("{reference},{id},{}\n", flags.join(";")));
        }
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(format!(
        "{}: {} referrals recorded ({flagged} flagged for the officer: known, open, \
         already referred or below the criteria); {} referrals and {} rows left out \
         ({where_told})",
        checked.name,
        recorded.len(),
        checked.refused,
        checked.rows_left_out
    ))
}
