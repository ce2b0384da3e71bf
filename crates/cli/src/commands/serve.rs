//! `hearth serve`: the web application.

use anyhow::Context;
use std::net::SocketAddr;

/// Arguments of `hearth serve`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: super::StoreArg,
    /// The address to listen on (loopback by default; put a TLS proxy in front for others).
    #[arg(long, env = "HEARTH_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Mark the session cookie Secure: set this when users reach Hearth over HTTPS.
    #[arg(long)]
    secure_cookies: bool,
    /// Sign users out after this many minutes without a request.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(i64).range(1..=1440))]
    idle_timeout_minutes: i64,
    /// End every session this many hours after sign-in, however active.
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(i64).range(1..=168))]
    session_lifetime_hours: i64,
    /// The address of a reverse proxy in front of Hearth (repeat for several, or separate with
    /// commas): for connections from it, the client's address is taken from
    /// `X-Forwarded-For` for the audit log and sign-in throttling. Without it the header is
    /// ignored, and behind a proxy every user would share the proxy's address.
    #[arg(
        long = "trusted-proxy",
        env = "HEARTH_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// The time limits of each step of the work with a family (TOML), from which caseloads
    /// show what is due: `rules/casework.toml` (the defaults), or a council's own.
    #[arg(long, default_value = "rules/casework.toml")]
    casework_rules: std::path::PathBuf,
    #[command(flatten)]
    oidc: super::oidc::OidcArgs,
}

/// Runs `hearth serve`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let mut config = hearth_web::Config::new(args.store.store.clone());
    config.pg_schema = args.store.pg_schema.clone();
    config.secure_cookies = args.secure_cookies;
    config.idle_timeout = chrono::Duration::minutes(args.idle_timeout_minutes);
    config.session_lifetime = chrono::Duration::hours(args.session_lifetime_hours);
    config.trusted_proxies = args.trusted_proxies;
    config.due = casework_rules(&args.casework_rules)?;
    config.oidc = args
        .oidc
        .config(std::env::var(super::oidc::CLIENT_SECRET_ENV).ok())?;
    serve(&config, args.addr)
}

/// Reads the casework time limits from `path` (see `rules/casework.toml`).
pub fn casework_rules(path: &std::path::Path) -> anyhow::Result<hearth_casework::DueRules> {
    let path = super::shipped(path);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading the casework rules {}", path.display()))?;
    hearth_casework::DueRules::from_toml(&text)
        .with_context(|| format!("in the casework rules {}", path.display()))
}

/// Serves the web application on `addr` until Ctrl-C.
pub fn serve(config: &hearth_web::Config, addr: SocketAddr) -> anyhow::Result<()> {
    let state = hearth_web::AppState::open(config).context("opening the store")?;
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
        hearth_web::serve(listener, router).await.context("serving")
    });
    drop(runtime);
    drop(state);
    served
}
