//! `hearth demo`: the whole job on a synthetic borough, in one command.

use anyhow::Context;
use hearth_pipeline::{identify, impact, import, link, outcomes};
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `hearth demo`.
#[derive(clap::Args)]
pub struct Args {
    /// People in the synthetic borough.
    #[arg(long, default_value_t = 20_000)]
    people: usize,
    /// Seed for the synthetic borough.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Folder for the borough's files and, unless --store says otherwise, its store.
    #[arg(long, default_value = "data/demo")]
    dir: PathBuf,
    /// The store (default: DIR/hearth.sqlite).
    #[arg(long, env = "HEARTH_STORE", hide_env_values = true)]
    store: Option<String>,
    /// PostgreSQL only: the schema to keep the store in.
    #[arg(long, env = "HEARTH_PG_SCHEMA")]
    pg_schema: Option<String>,
    #[command(flatten)]
    config: crate::config::ConfigArg,
    #[command(flatten)]
    rules: super::RulesArg,
    /// Folder of mapping files (default: `mappings` in the configuration folder).
    #[arg(long)]
    mappings: Option<PathBuf>,
    /// Stop after the pipeline and the demo accounts, without serving the web application.
    #[arg(long)]
    no_serve: bool,
    /// Where to serve the web application.
    #[arg(long, env = "HEARTH_ADDR", default_value = "127.0.0.1:8080")]
    addr: std::net::SocketAddr,
}

/// The claim window the demo prepares its batch in. The shipped windows are the 2015-2020
/// programme's, and the synthetic cohort's results fall in 2026-2027: the demo claims in a
/// window of the cohort's years, added to the configuration folder's rules (its evidence
/// packs keep the rules as used, window included). The demo's web application serves with
/// the same rules, so that its Claims page has the window open on the demo's today (the
/// follow-up's end); `hearth serve` keeps the folder's rules as they are.
const DEMO_WINDOW: &str = "\n# Added by `hearth demo` for the synthetic cohort's years.\n\
    [[window]]\nkey = \"2027-28-q2\"\nlabel = \"July to September 2027 (synthetic cohort)\"\n\
    opens = \"2027-07-01\"\ncloses = \"2027-09-30\"\nsource = \"default\"\n";

/// Prints a stage's heading and starts its clock.
fn stage(heading: &str) -> Instant {
    println!("\n== {heading}");
    Instant::now()
}

/// Prints a stage's time.
fn took(t: Instant) {
    println!("Time: {:.1} s", t.elapsed().as_secs_f64());
}

/// Runs `hearth demo`: the whole job on a synthetic borough with a programme cohort (synth →
/// import → link → identify → referrals → attach → judge outcomes → claim → savings → impact
/// evaluation → retention dry run), printing each stage's summary, then serves the web
/// application configured as `hearth serve` configures it.
pub fn run(args: Args) -> anyhow::Result<()> {
    let started = Instant::now();
    println!("== 1. Synthetic borough with a programme cohort");
    super::synth::run(super::synth::Args {
        people: args.people,
        seed: args.seed,
        out: args.dir.clone(),
        cohort: true,
    })?;
    let as_at = manifest_as_at(&args.dir)?;
    // The cohort's story runs two school years past identification (docs/outcomes.md).
    let follow_up_end = hearth_synth::cohort::FOLLOW_UP_END;

    let found = args.config.resolve()?;
    let store_arg = super::StoreArg {
        store: args.store.unwrap_or_else(|| {
            args.dir
                .join("hearth.sqlite")
                .to_string_lossy()
                .into_owned()
        }),
        pg_schema: args.pg_schema,
        read_only: false,
    };
    let mut store = store_arg.open_to_write("demo")?;
    let user = super::current_user();
    let t = stage(&format!(
        "2. Import partner files into {}",
        store_arg.store_label()
    ));
    let files = import::partner_files(&[args.dir.join("sources")])?;
    // The follow-up extracts are new data beside the period's files (`--as-new`), with dates
    // up to the end of the follow-up (`--today`), as bench/outcomes.sh imports them.
    let outcomes = import::import_files_with(
        Some(&mut store),
        &files,
        &found.path(args.mappings.as_deref(), "mappings"),
        &user,
        &import::ImportOptions {
            today: Some(follow_up_end),
            versions: import::Versions::AsNew,
            dry_run: false,
        },
        |_| {},
    )?;
    super::import::print_outcomes(&outcomes);
    took(t);

    println!("\n== 3. Link people and families (as at {as_at})");
    let report = link::link_store(&mut store, as_at)?;
    println!("{report}");

    println!("\n== 4. Identify and prioritise eligible families");
    let (rules, sha) = identify::load_rules(&args.rules.path(&found))?;
    let identified = identify::identify_store(&mut store, &rules, &sha, as_at)?;
    println!("{identified}");

    let t = stage("5. Partners' referrals");
    let referral_rules = super::serve::referral_rules(&found.path(None, "rules/referrals.toml"))?;
    let checked = super::referrals::check(
        &found.path(None, "mappings/referrals/referrals.toml"),
        &referral_rules,
        &args.dir.join("referrals/referrals.csv"),
    )?;
    // Imported once: a second demo on the same store finds the batch entered by the same
    // account and leaves it (as an unchanged partner file is not imported twice).
    let earlier = store
        .referrals(None)?
        .iter()
        .filter(|r| r.referrer_user_id.is_none() && r.entered_by == user)
        .count();
    if earlier > 0 {
        println!("{earlier} referrals imported before by {user}: nothing to do");
    } else {
        let told = format!(
            "{} problems: `hearth referrals import` lists them",
            checked.problems.len()
        );
        println!(
            "{}",
            super::referrals::record(&mut store, &checked, &user, None, &told)?
        );
    }
    took(t);

    let t = stage(&format!("6. Attach the programme cohort (as at {as_at})"));
    let plan_path = found.path(None, super::outcomes::DEFAULT_PLAN);
    let (plan, plan_sha) = outcomes::load_plan(&plan_path)?;
    let rows = outcomes::read_attachments(&args.dir.join("programme/attachments.csv"))?;
    let now = chrono::Utc::now();
    print!(
        "{}",
        outcomes::attach(&mut store, &plan, &rows, now, &user)?
    );
    took(t);

    println!("\n== 7. Judge outcomes (as at {follow_up_end})");
    let judged = outcomes::evaluate(&mut store, &plan, &plan_sha, follow_up_end, now)?;
    println!("{judged}");

    let t = stage(&format!(
        "8. Claim results (window 2027-28-q2, on {follow_up_end})"
    ));
    claim(&mut store, &found, &plan_path, follow_up_end, &user)?;
    took(t);

    let t = stage(&format!("9. Cost savings (as at {follow_up_end})"));
    let (savings_rules, savings_sha) =
        hearth_pipeline::savings::load_rules(&found.path(None, "rules/savings.toml"))?;
    // The cohort's attachment dates, as frozen with their baselines (the demo's families
    // have no casework yet, which is where `hearth savings` looks by default).
    let attached = store
        .baselines()?
        .into_iter()
        .map(|b| (b.family_id as u64, b.attached_on))
        .collect();
    let savings = hearth_pipeline::savings::savings_store(
        &mut store,
        &savings_rules,
        &savings_sha,
        follow_up_end,
        Some(attached),
    )?;
    println!("{savings}");
    let published = hearth_savings::publish(
        &savings.calculation.cohort,
        hearth_governance::disclosure::Policy::default(),
    );
    println!("{}", hearth_savings::export::status_line(&published));
    took(t);

    let t = stage(&format!(
        "10. Local impact evaluation (as at {follow_up_end})"
    ));
    let (impact_rules, impact_sha) =
        impact::load_rules(&found.path(None, "rules/impact-evaluation.toml"))?;
    let evaluation = impact::evaluate_store(
        &mut store,
        &impact_rules,
        &impact_sha,
        follow_up_end,
        &user,
        now,
    )?;
    println!("{evaluation}");
    took(t);

    let t = stage(&format!(
        "11. Retention policy (dry run as at {follow_up_end}: nothing destroyed)"
    ));
    let policy =
        hearth_pipeline::retention::load_policy(&found.path(None, "rules/retention.toml"))?;
    // As the demo's server will see it: today is the end of the follow-up (stage 12).
    print!(
        "{}",
        hearth_pipeline::retention::dry_run(&mut store, &policy, follow_up_end, &user, now)?
    );
    took(t);

    println!(
        "\nDone in {:.1} s. Try: hearth family show {} --store {}",
        started.elapsed().as_secs_f64(),
        identified
            .identification
            .eligible()
            .next()
            .map_or(1, |f| f.family_id),
        store_arg.store_label()
    );

    println!("\n== 12. Web application");
    super::users::create_demo_accounts(&mut store, &args.dir)?;
    drop(store);
    if args.no_serve {
        return Ok(());
    }
    let mut config = hearth_web::Config::new(store_arg.store.clone());
    config.pg_schema = store_arg.pg_schema.clone();
    // The borough's story ends at the follow-up's end, which is after the real today: the
    // server runs as if today were that day (claims, due dates, retention), and says so.
    config.demo_today = Some(follow_up_end);
    config.retention_policy = Some(std::sync::Arc::new(policy));
    super::serve::web_config(
        &mut config,
        &found,
        &super::serve::WebFiles {
            mappings: args.mappings.clone(),
            ..Default::default()
        },
    )?;
    // The claim rules the demo claimed with (its window included), as its packs keep them.
    let (claim_rules, claim_rules_file) = demo_claim_rules(&found)?;
    config.claim_rules = claim_rules;
    config.claim_rules_file = claim_rules_file;
    println!(
        "Sign in at http://{}/ with one of the accounts above. The server runs as if today \
         were {follow_up_end}, the end of the borough's follow-up.",
        args.addr
    );
    // Everything is read: the built-in copies' temporary folder goes before serving.
    drop(found);
    super::serve::serve(&config, args.addr)
}

/// The borough's identification date, from its manifest.
fn manifest_as_at(dir: &std::path::Path) -> anyhow::Result<chrono::NaiveDate> {
    let manifest = std::fs::read_to_string(dir.join("truth/manifest.toml"))
        .context("reading the borough's manifest")?;
    let manifest: toml::Table = toml::from_str(&manifest).context("reading the manifest")?;
    manifest
        .get("as_at")
        .and_then(|v| match v {
            toml::Value::Datetime(d) => d.date.map(|d| {
                chrono::NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32)
            }),
            toml::Value::String(s) => Some(super::parse_date(s).ok()),
            _ => None,
        })
        .flatten()
        .context("the manifest has no as_at date")
}

/// Prepares a claim batch of the judged results on `today`, in the demo's window, with the
/// configuration folder's claim rules and Outcomes Plan (as `hearth claims prepare` does).
fn claim(
    store: &mut hearth_store::Store,
    found: &crate::config::Config,
    plan_path: &std::path::Path,
    today: chrono::NaiveDate,
    user: &str,
) -> anyhow::Result<()> {
    use hearth_claims::RulesSnapshot;
    let (rules, claim_rules) = demo_claim_rules(found)?;
    let plan = std::fs::read_to_string(plan_path)
        .with_context(|| format!("reading {}", plan_path.display()))?;
    let prepared = super::claims::prepare(
        store,
        &hearth_web::claims::PrepareRequest {
            rules: &rules,
            claim_rules,
            outcomes_plan: Some(RulesSnapshot::of(super::outcomes::DEFAULT_PLAN, &plan)),
            window_key: "2027-28-q2",
            today,
            now: chrono::Utc::now(),
            by: user,
        },
        None,
    )?;
    println!(
        "{}",
        super::claims::prepared_line(
            &prepared,
            "2027-28-q2",
            "`hearth claims prepare` names each one and why"
        )
    );
    Ok(())
}

/// The configuration folder's claim rules with the demo's window added, and their text as
/// evidence packs keep it: what the demo claims with and its web application serves.
fn demo_claim_rules(
    found: &crate::config::Config,
) -> anyhow::Result<(hearth_claims::ClaimRules, hearth_claims::RulesSnapshot)> {
    let path = found.path(None, "rules/claims.toml");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading the claim rules {}", path.display()))?
        + DEMO_WINDOW;
    let rules = hearth_claims::ClaimRules::from_toml(&text)
        .with_context(|| format!("in {}", path.display()))?;
    Ok((
        rules,
        hearth_claims::RulesSnapshot::of("rules/claims.toml (with the demo's window)", &text),
    ))
}
