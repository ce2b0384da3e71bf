//! `hearth claims`: payment-by-results claims for the performance team.
//!
//! * `prepare --window KEY [--results FILE]`: a claim batch of the results achieved by today
//!   (those `hearth outcomes` kept in the store, or a JSON file of them; `--today` to prepare
//!   on another day, e.g. a past window), each with its evidence pack
//!   frozen; a family is claimed once (one already claimed is named and left out).
//! * `list [--batch N] [--today DATE]`: the batches (with the families attached by today), or
//!   one batch's claims.
//! * `export --format csv|xlsx --out FILE`: the claim return.
//! * `withdraw CLAIM --reason TEXT`: withdraws a claim; it stays on record.
//! * `sample --batch N`: internal audit's reproducible sample of a batch.
//!
//! Rules from `rules/claims.toml` in the configuration folder (or `--rules`). Prints keys,
//! dates and amounts, never personal data.

use anyhow::{bail, Context};
use hearth_claims::{audit_sample, batch_seed, pounds, summarise, ClaimRules, RulesSnapshot};
use hearth_web::claims::{
    prepare_claims, rows as return_rows, PrepareRequest, Prepared, ResultsFile, RETURN_COLUMNS,
};
use std::path::PathBuf;

/// Arguments of `hearth claims`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct RulesFiles {
    /// The claim rules [default: rules/claims.toml in the configuration folder].
    #[arg(long)]
    rules: Option<PathBuf>,
    #[command(flatten)]
    config: crate::config::ConfigArg,
}

impl RulesFiles {
    /// The rules, with the file's name and text for the evidence packs.
    fn load(&self) -> anyhow::Result<(ClaimRules, RulesSnapshot, crate::config::Config)> {
        let found = self.config.resolve()?;
        let path = found.path(self.rules.as_deref(), "rules/claims.toml");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading the claim rules {}", path.display()))?;
        let rules =
            ClaimRules::from_toml(&text).with_context(|| format!("in {}", path.display()))?;
        let name = if self.rules.is_some() {
            path.display().to_string()
        } else {
            "rules/claims.toml".to_string()
        };
        Ok((rules, RulesSnapshot::of(&name, &text), found))
    }
}

#[derive(clap::Subcommand)]
enum Command {
    /// Prepare a claim batch in a claim window.
    Prepare {
        #[command(flatten)]
        store: super::StoreArg,
        #[command(flatten)]
        rules: RulesFiles,
        /// The claim window's key (see rules/claims.toml).
        #[arg(long)]
        window: String,
        /// The families' results (JSON, as `hearth outcomes` writes them) [default: the
        /// results `hearth outcomes` kept in the store].
        #[arg(long)]
        results: Option<PathBuf>,
        /// The Outcomes Plan the results were judged under [default:
        /// rules/outcomes-cheshire-east-2015.toml in the configuration folder, if there].
        #[arg(long)]
        outcomes_plan: Option<PathBuf>,
        /// The day the batch is prepared (yyyy-mm-dd) [default: today].
        #[arg(long, value_parser = super::parse_date)]
        today: Option<chrono::NaiveDate>,
        /// Who prepares it (recorded with the batch).
        #[arg(long = "as", value_name = "USER")]
        user: Option<String>,
    },
    /// List the batches, or one batch's claims.
    List {
        #[command(flatten)]
        store: super::StoreArg,
        #[command(flatten)]
        rules: RulesFiles,
        /// A batch's key: list its claims.
        #[arg(long)]
        batch: Option<i64>,
        /// The day the list is made (yyyy-mm-dd): families attached by then count
        /// [default: today].
        #[arg(long, value_parser = super::parse_date)]
        today: Option<chrono::NaiveDate>,
    },
    /// Write the claim return.
    Export {
        #[command(flatten)]
        store: super::StoreArg,
        /// csv or xlsx.
        #[arg(long, value_parser = ["csv", "xlsx"])]
        format: String,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Withdraw a claim with a reason (it is never deleted).
    Withdraw {
        #[command(flatten)]
        store: super::StoreArg,
        /// The claim's key.
        claim: i64,
        /// Why it is withdrawn.
        #[arg(long)]
        reason: String,
        /// Who withdraws it.
        #[arg(long = "as", value_name = "USER")]
        user: Option<String>,
    },
    /// Internal audit's sample of a batch.
    Sample {
        #[command(flatten)]
        store: super::StoreArg,
        /// The batch's key.
        #[arg(long)]
        batch: i64,
    },
}

/// Runs `hearth claims`.
pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        Command::Prepare {
            store,
            rules,
            window,
            results,
            outcomes_plan,
            today,
            user,
        } => {
            let (rules, snapshot, found) = rules.load()?;
            let mut store = store.open_to_write("claims prepare")?;
            let plan_path = found.path(
                outcomes_plan.as_deref(),
                "rules/outcomes-cheshire-east-2015.toml",
            );
            let outcomes_plan = match std::fs::read_to_string(&plan_path) {
                Ok(text) => Some(RulesSnapshot::of(
                    &match &outcomes_plan {
                        Some(p) => p.display().to_string(),
                        None => "rules/outcomes-cheshire-east-2015.toml".to_string(),
                    },
                    &text,
                )),
                Err(_) if outcomes_plan.is_none() => None,
                Err(e) => bail!("reading {}: {e}", plan_path.display()),
            };
            let now = chrono::Utc::now();
            let user = user.unwrap_or_else(super::current_user);
            let prepared = prepare(
                &mut store,
                &PrepareRequest {
                    rules: &rules,
                    claim_rules: snapshot,
                    outcomes_plan,
                    window_key: &window,
                    today: today.unwrap_or_else(|| now.date_naive()),
                    now,
                    by: &user,
                },
                results.as_deref(),
            )?;
            for p in &prepared.passed_over {
                println!(
                    "family {}: {} not claimed: {}",
                    p.family_id,
                    p.kind.title().to_lowercase(),
                    p.reason
                );
            }
            println!("{}", prepared_line(&prepared, &window, "see above"));
            Ok(())
        }
        Command::List {
            store,
            rules,
            batch,
            today,
        } => {
            let (rules, _, _) = rules.load()?;
            let mut store = store.open()?;
            let today = today.unwrap_or_else(|| chrono::Utc::now().date_naive());
            list(&mut store, &rules, batch, today)
        }
        Command::Export { store, format, out } => {
            let mut store = store.open()?;
            let claims = store.all_claims()?;
            let ids: Vec<i64> = claims.iter().map(|c| c.id).collect();
            // The return goes to the national team: claims about families objecting to all
            // sharing are kept without their key (hearth_web::claims::rows says why).
            let output = hearth_governance::sharing::Output::ClaimReturn;
            let excluded = hearth_pipeline::sharing::excluded(&mut store, output)?;
            let rows = return_rows(
                &store.claim_batches()?,
                &claims,
                &store.audit_findings(&ids)?,
                &excluded.families,
            );
            let withheld = claims
                .iter()
                .filter(|c| excluded.family(c.family_id))
                .count();
            hearth_pipeline::sharing::audit(
                &mut store,
                output,
                &excluded,
                rows.len() - withheld,
                withheld,
                &super::current_user(),
                chrono::Utc::now(),
            )?;
            let bytes = if format == "csv" {
                hearth_web::claims::csv(&rows)?
            } else {
                hearth_web::claims::xlsx(&rows)?
            };
            std::fs::write(&out, bytes).with_context(|| format!("writing {}", out.display()))?;
            println!(
                "{}: the claim return, {} claims ({} columns)",
                out.display(),
                rows.len(),
                RETURN_COLUMNS.len()
            );
            Ok(())
        }
        Command::Withdraw {
            store,
            claim,
            reason,
            user,
        } => {
            let reason = reason.trim();
            if reason.is_empty() {
                bail!("give the reason the claim is withdrawn with --reason");
            }
            let user = user.unwrap_or_else(super::current_user);
            let mut store = store.open_to_write("claims withdraw")?;
            match store.withdraw_claim(claim, &user, chrono::Utc::now(), reason)? {
                hearth_store::WithdrawOutcome::Withdrawn => {
                    println!("claim {claim} withdrawn; it stays on record with your reason");
                    Ok(())
                }
                hearth_store::WithdrawOutcome::AlreadyWithdrawn => {
                    bail!("claim {claim} was already withdrawn; a withdrawal is final")
                }
                hearth_store::WithdrawOutcome::NotFound => bail!("there is no claim {claim}"),
            }
        }
        Command::Sample { store, batch } => {
            let mut store = store.open()?;
            let Some(b) = store.claim_batch(batch)? else {
                bail!("there is no claim batch {batch}");
            };
            let claims = store.claims_in_batch(batch, false)?;
            let ids: Vec<i64> = claims.iter().map(|c| c.id).collect();
            let seed = batch_seed(b.sample_seed, b.id);
            let sample = audit_sample(&ids, usize::try_from(b.sample_size).unwrap_or(0), seed);
            println!(
                "batch {batch}: internal audit sample of {} of {} claims (seed {seed})",
                sample.len(),
                claims.len()
            );
            println!("claim,family,result,status");
            for c in claims.iter().filter(|c| sample.contains(&c.id)) {
                println!("{},{},{},{}", c.id, c.family_id, c.result_kind, c.status);
            }
            Ok(())
        }
    }
}

/// Prepares a batch in `request`'s window from the results in the file `results`, or (`None`)
/// those `hearth outcomes` judged and kept in the store; refuses when the store has none.
pub fn prepare(
    store: &mut hearth_store::Store,
    request: &PrepareRequest<'_>,
    results: Option<&std::path::Path>,
) -> anyhow::Result<Prepared> {
    let mut source = match results {
        Some(results) => {
            let text = std::fs::read_to_string(results)
                .with_context(|| format!("reading {}", results.display()))?;
            ResultsFile::from_json(&text)
                .map_err(|e| anyhow::anyhow!("{}: not a list of results: {e}", results.display()))?
                .with_store_baselines(store)
                .map_err(|e| anyhow::anyhow!("reading the baselines in the store: {e}"))?
        }
        None => ResultsFile::from_store(store)
            .map_err(|e| anyhow::anyhow!("reading the results in the store: {e}"))?,
    };
    if results.is_none() && source.results.is_empty() {
        bail!(
            "the store has no results to claim: run `hearth outcomes` first (it judges \
             the attached families against the Outcomes Plan and keeps their results), \
             or give them with --results FILE"
        );
    }
    Ok(prepare_claims(store, request, &mut source)?)
}

/// One line on a prepared batch: its key, the families claimed and the payment, and how many
/// results were not claimed (`where_told`: where the reasons are).
pub fn prepared_line(prepared: &Prepared, window: &str, where_told: &str) -> String {
    match prepared.batch_id {
        Some(id) => format!(
            "batch {id}: {} families claimed ({} results payments); {} results not \
             claimed ({where_told})",
            prepared.claimed.len(),
            pounds(prepared.payment),
            prepared.passed_over.len()
        ),
        None => format!(
            "nothing to claim in window {window}: no batch written; {} results not \
             claimed ({where_told})",
            prepared.passed_over.len()
        ),
    }
}

fn list(
    store: &mut hearth_store::Store,
    rules: &ClaimRules,
    batch: Option<i64>,
    today: chrono::NaiveDate,
) -> anyhow::Result<()> {
    match batch {
        None => {
            let batches = store.claim_batches()?;
            let active = store.active_claims()?.len() as u64;
            let s = summarise(rules, store.attached_family_count(today)?, active);
            println!(
                "{} of {} families claimed for results ({}%); {} attached; payments {} \
                 (attachment {}, results {})",
                s.claimed_families,
                s.cap,
                s.cap_percent,
                s.attached_families,
                pounds(s.total),
                pounds(s.attachment_total),
                pounds(s.results_total)
            );
            println!("batch,window,data_as_at,claims,withdrawn,prepared_by");
            for b in batches {
                println!(
                    "{},{},{},{},{},{}",
                    b.id, b.window_key, b.prepared_on, b.claims, b.withdrawn, b.prepared_by
                );
            }
        }
        Some(id) => {
            if store.claim_batch(id)?.is_none() {
                bail!("there is no claim batch {id}");
            }
            println!("claim,family,result,achieved_on,payment,status,withdrawal_reason");
            for c in store.claims_in_batch(id, false)? {
                println!(
                    "{},{},{},{},{},{},{}",
                    c.id,
                    c.family_id,
                    c.result_kind,
                    c.achieved_on,
                    c.payment,
                    c.status,
                    c.withdrawal_reason
                        .unwrap_or_default()
                        .replace([',', '\n'], " ")
                );
            }
        }
    }
    Ok(())
}
