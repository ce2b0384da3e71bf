//! `hearth serve`: the web application.

use anyhow::Context;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Arguments of `hearth serve`. Every setting can also come from a `HEARTH_*` environment
/// variable or the `--settings` file: a flag wins over the environment, which wins over the
/// file, which wins over the default (see docs/operations.md).
#[derive(clap::Args)]
pub struct Args {
    /// A settings file (TOML) with any of the settings below, named as the flags with `_`
    /// for `-` (e.g. `idle_timeout_minutes = 20`).
    #[arg(long, env = "HEARTH_SETTINGS", value_name = "FILE")]
    settings: Option<PathBuf>,
    /// The store: a SQLite file path or a postgres://… URL [default: data/hearth.sqlite].
    #[arg(long, env = "HEARTH_STORE", hide_env_values = true)]
    store: Option<String>,
    /// PostgreSQL only: the schema to keep the store in.
    #[arg(long, env = "HEARTH_PG_SCHEMA")]
    pg_schema: Option<String>,
    /// The address to listen on (loopback by default; put a TLS proxy in front for others)
    /// [default: 127.0.0.1:8080].
    #[arg(long, env = "HEARTH_ADDR")]
    addr: Option<SocketAddr>,
    /// Mark the session cookie Secure (with the __Host- prefix and HSTS): set this when users
    /// reach Hearth over HTTPS. `--secure-cookies=false` turns it off.
    #[arg(
        long,
        env = "HEARTH_SECURE_COOKIES",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true"
    )]
    secure_cookies: Option<bool>,
    /// Sign users out after this many minutes without a request [default: 30].
    #[arg(long, env = "HEARTH_IDLE_TIMEOUT_MINUTES", value_parser = clap::value_parser!(i64).range(1..=1440))]
    idle_timeout_minutes: Option<i64>,
    /// End every session this many hours after sign-in, however active [default: 12].
    #[arg(long, env = "HEARTH_SESSION_LIFETIME_HOURS", value_parser = clap::value_parser!(i64).range(1..=168))]
    session_lifetime_hours: Option<i64>,
    /// The address of a reverse proxy in front of Hearth, or a CIDR range of them (e.g. a
    /// load balancers' subnet, 10.20.0.0/24 or fd00:1::/64; repeat for several, or separate
    /// with commas): for connections from it, the client's address is taken from
    /// `X-Forwarded-For` for the audit log and sign-in throttling. Without it the header is
    /// ignored, and behind a proxy every user would share the proxy's address.
    #[arg(
        long = "trusted-proxy",
        env = "HEARTH_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_name = "IP|CIDR"
    )]
    trusted_proxies: Vec<String>,
    #[command(flatten)]
    config: crate::config::ConfigArg,
    /// The time limits of each step of the work with a family (TOML), from which caseloads
    /// show what is due: `rules/casework.toml` in the configuration folder (the default), or
    /// a council's own file.
    #[arg(long, env = "HEARTH_CASEWORK_RULES")]
    casework_rules: Option<PathBuf>,
    /// A token that lets a metrics scraper read `/metrics` (sent as `Authorization: Bearer
    /// TOKEN`). Prefer the environment or the file to the command line, where other users of
    /// the machine can see it.
    #[arg(long, env = "HEARTH_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
    /// A client address or CIDR range that may read `/metrics` without the token (repeat, or
    /// separate with commas). With neither this nor a token, `/metrics` answers nobody.
    #[arg(
        long,
        env = "HEARTH_METRICS_FROM",
        value_delimiter = ',',
        value_name = "IP|CIDR"
    )]
    metrics_from: Vec<String>,
    /// The council's Outcomes Plan measures that family plan goals are tied to (TOML)
    /// [default: rules/outcome-measures-cheshire-east-2015.toml in the configuration folder].
    #[arg(long, env = "HEARTH_OUTCOME_MEASURES")]
    outcome_measures: Option<PathBuf>,
    /// The progress measures families' positions are recorded on (TOML) [default:
    /// rules/progress-measures.toml in the configuration folder].
    #[arg(long, env = "HEARTH_PROGRESS_MEASURES")]
    progress_measures: Option<PathBuf>,
    /// The council's referral rules (TOML: the problems a referral may name, how many it
    /// needs, the reasons to return one) [default: rules/referrals.toml in the
    /// configuration folder].
    #[arg(long, env = "HEARTH_REFERRAL_RULES")]
    referral_rules: Option<PathBuf>,
    /// When the retention policy runs each day (HH:MM, UTC), destroying what has expired and
    /// keeping a proof report; `off` to run it only by hand (`hearth retention --apply`)
    /// [default: 02:00].
    #[arg(long, env = "HEARTH_RETENTION_AT")]
    retention_at: Option<String>,
    /// The retention policy (TOML) [default: rules/retention.toml in the configuration
    /// folder].
    #[arg(long, env = "HEARTH_RETENTION_POLICY")]
    retention_policy: Option<PathBuf>,
    #[command(flatten)]
    oidc: super::oidc::OidcArgs,
}

/// Runs `hearth serve`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let trusted_proxies = ranges_given(
        &args.trusted_proxies,
        "--trusted-proxy",
        "HEARTH_TRUSTED_PROXIES",
    )?;
    let metrics_from = ranges_given(&args.metrics_from, "--metrics-from", "HEARTH_METRICS_FROM")?;
    let file = match &args.settings {
        Some(path) => super::config::ServeFile::read(path)?,
        None => super::config::ServeFile::default(),
    };
    let store = args
        .store
        .or(file.store.clone())
        .unwrap_or_else(|| "data/hearth.sqlite".into());
    let mut config = hearth_web::Config::new(store);
    config.pg_schema = args.pg_schema.or(file.pg_schema.clone());
    config.secure_cookies = args.secure_cookies.or(file.secure_cookies).unwrap_or(false);
    config.idle_timeout = chrono::Duration::minutes(
        args.idle_timeout_minutes
            .or(file.idle_timeout_minutes)
            .unwrap_or(30),
    );
    config.session_lifetime = chrono::Duration::hours(
        args.session_lifetime_hours
            .or(file.session_lifetime_hours)
            .unwrap_or(12),
    );
    config.trusted_proxies = non_empty(trusted_proxies)
        .or(file.trusted_proxies.clone())
        .unwrap_or_default();
    config.metrics_token = args
        .metrics_token
        .or(file.metrics_token.clone())
        .filter(|t| !t.is_empty());
    config.metrics_from = non_empty(metrics_from)
        .or(file.metrics_from.clone())
        .unwrap_or_default();
    let found = args.config.resolve()?;
    web_config(
        &mut config,
        &found,
        &WebFiles {
            casework_rules: args.casework_rules.or(file.casework_rules.clone()),
            outcome_measures: args.outcome_measures.or(file.outcome_measures.clone()),
            progress_measures: args.progress_measures.or(file.progress_measures.clone()),
            referral_rules: args.referral_rules.or(file.referral_rules.clone()),
            mappings: None,
        },
    )?;
    config.oidc = args
        .oidc
        .config(std::env::var(super::oidc::CLIENT_SECRET_ENV).ok(), &file)?;
    if let Some(warning) = config
        .oidc
        .as_ref()
        .and_then(super::oidc::missing_secret_warning)
    {
        eprintln!("{warning}");
        tracing::warn!("single sign-on has no client secret");
    }
    let addr = args
        .addr
        .or(file.addr)
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
    let retention_at = args
        .retention_at
        .or(file.retention_at)
        .unwrap_or_else(|| "02:00".into());
    // The policy in force: the retention page previews it, and the daily run applies it.
    let policy_path = args.retention_policy.or(file.retention_policy);
    let path = found.path(policy_path.as_deref(), "rules/retention.toml");
    let policy = if policy_path.is_some() || path.exists() {
        Some(hearth_pipeline::retention::load_policy(&path)?)
    } else {
        None
    };
    config.retention_policy = policy.clone().map(std::sync::Arc::new);
    let mut daily = None;
    if retention_at.trim() != "off" {
        let at: hearth_pipeline::retention::DailyAt = retention_at
            .parse()
            .map_err(|e: String| anyhow::anyhow!("retention_at: {e}"))?;
        match policy {
            // A configuration folder made before retention existed: say so, and serve.
            None => eprintln!(
                "warning: no retention policy at {}: nothing is destroyed until one is added \
                 (`hearth init` writes the shipped one) or --retention-at off is set",
                path.display()
            ),
            Some(policy) => {
                daily = Some((policy, at));
                config.retention_daily = Some(format!("{} UTC", retention_at.trim()));
            }
        }
    }
    // Everything is read: the built-in copies' temporary folder goes now, not when the
    // server stops (a server killed with SIGKILL would leave it behind).
    drop(found);
    serve_with(&config, addr, daily)
}

/// The files the web application's rules and mappings are read from: each one named here, or
/// (`None`) its usual place in the configuration folder.
#[derive(Debug, Default, Clone)]
pub struct WebFiles {
    /// The casework time limits [default: `rules/casework.toml`].
    pub casework_rules: Option<PathBuf>,
    /// The Outcomes Plan measures [default: `rules/outcome-measures-cheshire-east-2015.toml`].
    pub outcome_measures: Option<PathBuf>,
    /// The progress measures [default: `rules/progress-measures.toml`].
    pub progress_measures: Option<PathBuf>,
    /// The referral rules [default: `rules/referrals.toml`].
    pub referral_rules: Option<PathBuf>,
    /// The folder of mappings, for the sharing register [default: `mappings`].
    pub mappings: Option<PathBuf>,
}

/// Reads into `config` everything the web application takes from the configuration folder
/// `found`: the casework time limits, the outcome and progress measures, the referral rules,
/// the claim rules and the Outcomes Plan's file (for evidence packs), and the mappings (for
/// the sharing register). `hearth serve` and `hearth demo` both configure the web
/// application with it, so the demo serves exactly what `hearth serve` would.
pub fn web_config(
    config: &mut hearth_web::Config,
    found: &crate::config::Config,
    files: &WebFiles,
) -> anyhow::Result<()> {
    config.due =
        casework_rules(&found.path(files.casework_rules.as_deref(), "rules/casework.toml"))?;
    measures(
        config,
        &found.path(
            files.outcome_measures.as_deref(),
            "rules/outcome-measures-cheshire-east-2015.toml",
        ),
        &found.path(
            files.progress_measures.as_deref(),
            "rules/progress-measures.toml",
        ),
    )?;
    config.referral_rules =
        referral_rules(&found.path(files.referral_rules.as_deref(), "rules/referrals.toml"))?;
    claim_rules(config, found)?;
    let mappings = found.path(files.mappings.as_deref(), "mappings");
    config.mappings = hearth_web::Mappings(std::sync::Arc::new(
        hearth_intake::Mapping::load_dir(&mappings)
            .with_context(|| format!("loading the mappings in {}", mappings.display()))?,
    ));
    Ok(())
}

/// A list given on the command line or in the environment, or `None` when empty (so that
/// the file's is used).
/// The addresses and ranges given as `flag` or in the environment variable `env` (the
/// settings file's are read with it: `config::ServeFile`), a mistake named under where it
/// was written.
fn ranges_given(
    values: &[String],
    flag: &str,
    env: &str,
) -> anyhow::Result<Vec<hearth_web::IpRange>> {
    ranges_from(values, flag, env, std::env::var(env).ok().as_deref())
}

/// [`ranges_given`], with the environment variable's value (`None`: not set). clap takes the
/// values from the variable only when the flag is not given, so values equal to the
/// variable's, split at its commas, came from it.
fn ranges_from(
    values: &[String],
    flag: &str,
    env: &str,
    env_value: Option<&str>,
) -> anyhow::Result<Vec<hearth_web::IpRange>> {
    let from_env = !values.is_empty()
        && env_value.is_some_and(|e| e.split(',').eq(values.iter().map(String::as_str)));
    values
        .iter()
        .map(|v| {
            v.parse::<hearth_web::IpRange>().map_err(|e| {
                if from_env {
                    anyhow::anyhow!("the environment variable {env}: {e}")
                } else {
                    anyhow::anyhow!("{flag}: {e}")
                }
            })
        })
        .collect()
}

fn non_empty<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

/// Reads the Outcomes Plan measures and the progress measures into `config`.
fn measures(
    config: &mut hearth_web::Config,
    outcome: &std::path::Path,
    progress: &std::path::Path,
) -> anyhow::Result<()> {
    let read = |path: &std::path::Path, what: &str| {
        let path = path.to_path_buf();
        std::fs::read_to_string(&path)
            .with_context(|| format!("reading the {what} {}", path.display()))
            .map(|t| (t, path))
    };
    let (text, path) = read(outcome, "outcome measures")?;
    config.outcome_measures = std::sync::Arc::new(
        hearth_casework::OutcomeMeasures::from_toml(&text)
            .with_context(|| format!("in the outcome measures {}", path.display()))?,
    );
    let (text, path) = read(progress, "progress measures")?;
    config.progress_measures = std::sync::Arc::new(
        hearth_casework::ProgressMeasures::from_toml(&text)
            .with_context(|| format!("in the progress measures {}", path.display()))?,
    );
    Ok(())
}

/// Reads the council's claim rules (`rules/claims.toml`) and notes the Outcomes Plan's file
/// (`rules/outcomes-cheshire-east-2015.toml`) for evidence packs, from the configuration
/// folder; a folder made before claims existed keeps the shipped rules.
fn claim_rules(
    config: &mut hearth_web::Config,
    found: &crate::config::Config,
) -> anyhow::Result<()> {
    let path = found.path(None, "rules/claims.toml");
    if path.exists() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading the claim rules {}", path.display()))?;
        config.claim_rules = hearth_claims::ClaimRules::from_toml(&text)
            .with_context(|| format!("in the claim rules {}", path.display()))?;
        config.claim_rules_file = hearth_claims::RulesSnapshot::of("rules/claims.toml", &text);
    }
    let plan = found.path(None, super::outcomes::DEFAULT_PLAN);
    if let Ok(text) = std::fs::read_to_string(&plan) {
        config.outcomes_plan_file = Some(hearth_claims::RulesSnapshot::of(
            super::outcomes::DEFAULT_PLAN,
            &text,
        ));
    }
    Ok(())
}

/// Reads the council's referral rules from `path` (see `rules/referrals.toml`).
pub fn referral_rules(path: &std::path::Path) -> anyhow::Result<hearth_referrals::ReferralRules> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the referral rules {}", path.display()))?;
    hearth_referrals::ReferralRules::from_toml(&text)
        .with_context(|| format!("in the referral rules {}", path.display()))
}

/// Reads the casework time limits from `path` (see `rules/casework.toml`).
pub fn casework_rules(path: &std::path::Path) -> anyhow::Result<hearth_casework::DueRules> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the casework rules {}", path.display()))?;
    hearth_casework::DueRules::from_toml(&text)
        .with_context(|| format!("in the casework rules {}", path.display()))
}

/// Why `hearth serve` refuses a store it cannot write.
const READ_ONLY_SERVE: &str = "hearth serve records every sign-in and every view of a family in \
    the audit log, so it needs a store it can write, and this one is read-only. To look at a \
    read-only store, use the command-line verbs (they open it for viewing, e.g. `hearth family \
    show`, `hearth quarantine list`, `hearth audit verify`), or serve a writable copy \
    (`hearth backup`, then `hearth serve --store` the copy)";

/// The store's error behind `e`, if there is one.
fn store_cause<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a hearth_store::StoreError> {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if let Some(s) = c.downcast_ref::<hearth_store::StoreError>() {
            return Some(s);
        }
        // The web's error holds the store's transparently (its source is the store error's).
        if let Some(hearth_web::WebError::Store(s)) = c.downcast_ref::<hearth_web::WebError>() {
            return Some(s);
        }
        cause = c.source();
    }
    None
}

/// Whether opening failed because the store cannot be written.
fn read_only_cause(e: &(dyn std::error::Error + 'static)) -> bool {
    matches!(
        store_cause(e),
        Some(hearth_store::StoreError::ReadOnly { .. })
    )
}

/// Serves the web application on `addr` until Ctrl-C.
pub fn serve(config: &hearth_web::Config, addr: SocketAddr) -> anyhow::Result<()> {
    serve_with(config, addr, None)
}

/// Serves the web application on `addr` until Ctrl-C, running the retention policy daily
/// (on a thread of its own, with its own connection) when one is given.
pub fn serve_with(
    config: &hearth_web::Config,
    addr: SocketAddr,
    daily: Option<(
        hearth_governance::RetentionPolicy,
        hearth_pipeline::retention::DailyAt,
    )>,
) -> anyhow::Result<()> {
    let unwritable = {
        let s = config.store.as_str();
        let path = s
            .strip_prefix("sqlite://")
            .or_else(|| s.strip_prefix("sqlite:"))
            .unwrap_or(s);
        if !s.starts_with("postgres") && !std::path::Path::new(path).exists() {
            // A mistyped or unmounted path would otherwise be served as a new, empty store.
            anyhow::bail!(
                "there is no store at {path}: check the path (--store, HEARTH_STORE or the settings file), or that its disk is mounted; `hearth import` or `hearth users add` creates a store"
            );
        }
        !s.starts_with("postgres")
            && std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly())
    };
    let state = match hearth_web::AppState::open(config) {
        Ok(_) if unwritable => anyhow::bail!(READ_ONLY_SERVE),
        Ok(state) => state,
        Err(e) if read_only_cause(&e) => anyhow::bail!(READ_ONLY_SERVE),
        Err(e)
            if matches!(
                store_cause(&e),
                Some(hearth_store::StoreError::CannotWrite { .. })
            ) =>
        {
            return Err(e).context(
                "hearth serve records every sign-in and every view of a family in the audit \
                 log, so it needs a PostgreSQL role that may write the store (`hearth audit \
                 verify` and other verbs that only read work with a read-only role)",
            )
        }
        Err(e) => return Err(e).context("opening the store"),
    };
    if let Some((policy, at)) = daily {
        let (address, schema) = (config.store.clone(), config.pg_schema.clone());
        let open = move || {
            let options = hearth_store::OpenOptions {
                pg_schema: schema.clone(),
            };
            Ok(hearth_store::Store::open_with(&address, &options)?)
        };
        let kept = state.clone();
        hearth_pipeline::retention::spawn_daily(open, policy, at, move |_| kept.data_destroyed())
            .context("starting the daily retention task")?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the web server's runtime")?;
    // The state's last reference is dropped here, outside the runtime: a PostgreSQL
    // connection closes with a blocking call that the runtime does not allow.
    let router = hearth_web::app(state.clone());
    let served = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("listening on {addr}"))?;
        let bound = listener.local_addr().context("reading the bound address")?;
        println!("Hearth is serving on http://{bound}/ (Ctrl-C to stop)");
        // For the service's log: where, on what kind of store, and the daily run (never the
        // store's address, which may hold a password).
        tracing::info!(
            addr = %bound,
            store = if config.store.starts_with("postgres") { "postgresql" } else { "sqlite" },
            retention_daily = config.retention_daily.as_deref().unwrap_or("off"),
            version = env!("CARGO_PKG_VERSION"),
            "serving"
        );
        let served = hearth_web::serve(listener, router).await.context("serving");
        tracing::info!("stopped");
        served
    });
    drop(runtime);
    drop(state);
    served
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `hearth serve` and `hearth demo` both read: with the shipped configuration, the
    /// web application gets the shipped claim rules and Outcomes Plan (for evidence packs),
    /// the mappings (for the sharing register) and the referral and casework rules.
    #[test]
    fn the_web_configuration_reads_every_rules_file_and_the_mappings() {
        // A configuration folder like `hearth init`'s, with the council's own claim rules.
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in crate::config::SHIPPED {
            let file = dir.path().join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, text).unwrap();
        }
        let claims = dir.path().join("rules/claims.toml");
        let own = std::fs::read_to_string(&claims).unwrap() + "\n# The council's own.\n";
        std::fs::write(&claims, &own).unwrap();
        let found = crate::config::ConfigArg {
            dir: Some(dir.path().to_path_buf()),
        }
        .resolve()
        .unwrap();
        let mut config = hearth_web::Config::new(String::from("unused.sqlite"));
        web_config(&mut config, &found, &WebFiles::default()).unwrap();
        assert_eq!(config.claim_rules_file.name, "rules/claims.toml");
        assert_eq!(config.claim_rules_file.text, own);
        assert_eq!(
            config.outcomes_plan_file.as_ref().map(|p| p.name.as_str()),
            Some(super::super::outcomes::DEFAULT_PLAN)
        );
        assert!(!config.mappings.0.is_empty());
        assert!(!config.referral_rules.problems.is_empty());
    }
}
