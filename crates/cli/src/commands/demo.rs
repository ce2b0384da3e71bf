//! `hearth demo`: the whole job on a synthetic borough, in one command.

use anyhow::Context;
use hearth_pipeline::{identify, import, link};
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
    #[arg(long, env = "HEARTH_STORE")]
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

/// Runs `hearth demo`: synth → import → link → identify, printing each stage's summary.
pub fn run(args: Args) -> anyhow::Result<()> {
    let started = Instant::now();
    println!("== 1. Synthetic borough");
    super::synth::run(super::synth::Args {
        people: args.people,
        seed: args.seed,
        out: args.dir.clone(),
        cohort: false,
    })?;
    let manifest = std::fs::read_to_string(args.dir.join("truth/manifest.toml"))
        .context("reading the borough's manifest")?;
    let manifest: toml::Table = toml::from_str(&manifest).context("reading the manifest")?;
    let as_at = manifest
        .get("as_at")
        .and_then(|v| match v {
            toml::Value::Datetime(d) => d.date.map(|d| {
                chrono::NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32)
            }),
            toml::Value::String(s) => Some(super::parse_date(s).ok()),
            _ => None,
        })
        .flatten()
        .context("the manifest has no as_at date")?;

    let found = args.config.resolve()?;
    let store_arg = super::StoreArg {
        store: args.store.unwrap_or_else(|| {
            args.dir
                .join("hearth.sqlite")
                .to_string_lossy()
                .into_owned()
        }),
        pg_schema: args.pg_schema,
    };
    let mut store = store_arg.open()?;
    println!(
        "\n== 2. Import partner files into {}",
        store_arg.store_label()
    );
    let files = import::partner_files(&[args.dir.join("sources")])?;
    let t = Instant::now();
    let outcomes = import::import_files(
        &mut store,
        &files,
        &found.path(args.mappings.as_deref(), "mappings"),
        &super::current_user(),
        None,
    )?;
    super::import::print_outcomes(&outcomes);
    println!("Import time: {:.1} s", t.elapsed().as_secs_f64());

    println!("\n== 3. Link people and families (as at {as_at})");
    let report = link::link_store(&mut store, as_at)?;
    println!("{report}");

    println!("\n== 4. Identify and prioritise eligible families");
    let (rules, sha) = identify::load_rules(&args.rules.path(&found))?;
    let report = identify::identify_store(&mut store, &rules, &sha, as_at)?;
    println!("{report}");

    println!(
        "\nDone in {:.1} s. Try: hearth family show {} --store {}",
        started.elapsed().as_secs_f64(),
        report
            .identification
            .eligible()
            .next()
            .map_or(1, |f| f.family_id),
        store_arg.store_label()
    );

    println!("\n== 5. Web application");
    super::users::create_demo_accounts(&mut store, &args.dir)?;
    drop(store);
    if args.no_serve {
        return Ok(());
    }
    let mut config = hearth_web::Config::new(store_arg.store.clone());
    config.pg_schema = store_arg.pg_schema.clone();
    config.due = super::serve::casework_rules(&found.path(None, "rules/casework.toml"))?;
    println!(
        "Sign in at http://{}/ with one of the accounts above.",
        args.addr
    );
    super::serve::serve(&config, args.addr)
}
