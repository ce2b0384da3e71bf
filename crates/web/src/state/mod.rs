//! The application's state, in three parts: the store handle ([`store`]: every store call
//! on a store thread of its own), the caches ([`cache`]) and the audit writer ([`audit`]); with the
//! settings, the templates and the clock.
//!
//! The state holds and hands out; it decides nothing about requests or access (that is the
//! service layer's job).

pub(crate) mod audit;
pub(crate) mod cache;
pub(crate) mod lookup;
pub(crate) mod metrics;
pub(crate) mod store;
pub(crate) mod throttle;

use crate::error::WebError;
use chrono::{DateTime, Utc};
use hearth_store::OpenOptions;
use std::sync::Arc;

/// What time it is: the system clock in production, a settable one in tests.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// How to run the web application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The store's address (a SQLite path or `postgres://…`).
    pub store: String,
    /// PostgreSQL only: the schema the store lives in.
    pub pg_schema: Option<String>,
    /// Mark the session cookie `Secure` (set when served over TLS).
    pub secure_cookies: bool,
    /// Sign a session out after this long without a request.
    pub idle_timeout: chrono::Duration,
    /// Sign a session out this long after it started, however busy it is.
    pub session_lifetime: chrono::Duration,
    /// PostgreSQL connections to keep open (SQLite always uses one: see
    /// `StoreHandle::open`).
    pub connections: usize,
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// The reverse proxies in front of the server, as addresses or CIDR ranges (a load
    /// balancer's subnet): for a connection from one of these, the client's address
    /// (audited, and throttled at sign-in) is taken from `X-Forwarded-For`. Empty by
    /// default: the header is ignored.
    pub trusted_proxies: Vec<crate::IpRange>,
    /// How long each step of the work with a family may take (the caseload's due dates).
    pub due: hearth_casework::DueRules,
    /// A token that lets a scraper read `/metrics` (`Authorization: Bearer TOKEN`).
    pub metrics_token: Option<String>,
    /// Client addresses that may read `/metrics` without the token. With neither this nor
    /// the token, `/metrics` answers nobody (404).
    pub metrics_from: Vec<crate::IpRange>,
    /// The council's Outcomes Plan measures that plan goals are tied to.
    pub outcome_measures: Arc<hearth_casework::OutcomeMeasures>,
    /// The progress measures families' positions are recorded on.
    pub progress_measures: Arc<hearth_casework::ProgressMeasures>,
    /// Single sign-on through an OpenID Connect provider, besides local accounts (off when
    /// `None`: its routes answer 404).
    pub oidc: Option<crate::sso::OidcConfig>,
    /// The referral form's criteria and the reasons for returning a referral.
    pub referral_rules: hearth_referrals::ReferralRules,
    /// Payment-by-results claims: windows, payments, the cap, internal audit's sample.
    pub claim_rules: hearth_claims::ClaimRules,
    /// The claim rules' file as read (name, hash and text), quoted by each evidence pack.
    pub claim_rules_file: hearth_claims::RulesSnapshot,
    /// The Outcomes Plan's file the results were judged under, if known, quoted likewise.
    pub outcomes_plan_file: Option<hearth_claims::RulesSnapshot>,
    /// The partner sources' mappings, for their data sharing agreements and lawful bases
    /// (the register page and subject access documents).
    pub mappings: Mappings,
    /// When the server runs the retention policy each day (`"02:00 UTC"`), for the retention
    /// page to say; `None`: it does not run it by itself.
    pub retention_daily: Option<String>,
    /// A demonstration's day (`hearth demo`): the server runs as if today were this date
    /// (the time of day and the passing of time are real), and every page says so. `None`,
    /// as in production: today is today.
    pub demo_today: Option<chrono::NaiveDate>,
    /// The council's retention policy, for the retention page's preview of what it would
    /// destroy (`None`: none is configured, and the page says so).
    pub retention_policy: Option<Arc<hearth_governance::RetentionPolicy>>,
}

/// The partner sources' mappings, shared (equal when they are the same list).
#[derive(Debug, Clone, Default)]
pub struct Mappings(pub Arc<Vec<hearth_intake::Mapping>>);

impl PartialEq for Mappings {
    fn eq(&self, other: &Mappings) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Mappings {}

impl std::ops::Deref for Mappings {
    type Target = [hearth_intake::Mapping];
    fn deref(&self) -> &[hearth_intake::Mapping] {
        &self.0
    }
}

impl Config {
    /// The defaults for a store: 30 minutes' idle timeout, sessions of at most 12 hours, four
    /// connections, 64 KiB bodies, cookies not marked `Secure`.
    pub fn new(store: impl Into<String>) -> Config {
        Config {
            store: store.into(),
            pg_schema: None,
            secure_cookies: false,
            idle_timeout: chrono::Duration::minutes(30),
            session_lifetime: chrono::Duration::hours(12),
            connections: 4,
            body_limit: 64 * 1024,
            trusted_proxies: Vec::new(),
            due: hearth_casework::DueRules::default(),
            metrics_token: None,
            metrics_from: Vec::new(),
            outcome_measures: Arc::new(hearth_casework::OutcomeMeasures::shipped()),
            progress_measures: Arc::new(hearth_casework::ProgressMeasures::shipped()),
            oidc: None,
            referral_rules: hearth_referrals::ReferralRules::shipped(),
            claim_rules: hearth_claims::ClaimRules::shipped(),
            claim_rules_file: hearth_claims::RulesSnapshot::of(
                "rules/claims.toml",
                hearth_claims::ClaimRules::shipped_text(),
            ),
            outcomes_plan_file: None,
            mappings: Mappings::default(),
            retention_daily: None,
            demo_today: None,
            retention_policy: None,
        }
    }
}

/// The settings handlers need (the store's address stays out of them).
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub secure_cookies: bool,
    pub idle_timeout: chrono::Duration,
    pub session_lifetime: chrono::Duration,
    pub body_limit: usize,
    pub trusted_proxies: Vec<crate::IpRange>,
    pub due: hearth_casework::DueRules,
    pub metrics_token: Option<String>,
    pub metrics_from: Vec<crate::IpRange>,
    pub outcome_measures: Arc<hearth_casework::OutcomeMeasures>,
    pub progress_measures: Arc<hearth_casework::ProgressMeasures>,
    pub referral_rules: hearth_referrals::ReferralRules,
    pub claim_rules: hearth_claims::ClaimRules,
    pub claim_rules_file: hearth_claims::RulesSnapshot,
    pub outcomes_plan_file: Option<hearth_claims::RulesSnapshot>,
    pub mappings: Mappings,
    pub retention_daily: Option<String>,
    pub demo_today: Option<chrono::NaiveDate>,
    pub retention_policy: Option<Arc<hearth_governance::RetentionPolicy>>,
}

/// The system clock, moved by whole days so that today is `demo_today` when there is one.
fn system_clock(demo_today: Option<chrono::NaiveDate>) -> Clock {
    match demo_today {
        Some(day) => {
            let shift = day - Utc::now().date_naive();
            Arc::new(move || Utc::now() + shift)
        }
        None => Arc::new(Utc::now),
    }
}

/// Shared by every request; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: store::StoreHandle,
    caches: cache::Caches,
    audit: audit::AuditWriter,
    templates: minijinja::Environment<'static>,
    settings: Settings,
    clock: Clock,
    sign_in_attempts: throttle::Attempts,
    anonymous_lines: throttle::AnonymousLines,
    metrics: metrics::Metrics,
    sso: Option<crate::sso::provider::Provider>,
    referral_lookup: Arc<lookup::LookupCache>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

impl AppState {
    /// Opens the store (applying migrations) and builds the state, on the system clock
    /// (moved by whole days to the demonstration's day, when the configuration has one).
    pub fn open(config: &Config) -> Result<AppState, WebError> {
        AppState::open_with_clock(config, system_clock(config.demo_today))
    }

    /// Like [`AppState::open`] with a clock of the caller's (for tests of timeouts).
    pub fn open_with_clock(config: &Config, clock: Clock) -> Result<AppState, WebError> {
        let options = OpenOptions {
            pg_schema: config.pg_schema.clone(),
        };
        if let Some(oidc) = &config.oidc {
            oidc.validate()
                .map_err(|e| WebError::Internal(format!("single sign-on: {e}")))?;
        }
        let store = store::StoreHandle::open(&config.store, &options, config.connections)?;
        Ok(AppState {
            inner: Arc::new(Inner {
                audit: audit::AuditWriter::new(store.clone()),
                store,
                caches: cache::Caches::default(),
                templates: crate::templates::environment(),
                settings: Settings {
                    secure_cookies: config.secure_cookies,
                    idle_timeout: config.idle_timeout,
                    session_lifetime: config.session_lifetime,
                    body_limit: config.body_limit,
                    trusted_proxies: config.trusted_proxies.clone(),
                    due: config.due,
                    metrics_token: config.metrics_token.clone(),
                    metrics_from: config.metrics_from.clone(),
                    outcome_measures: config.outcome_measures.clone(),
                    progress_measures: config.progress_measures.clone(),
                    referral_rules: config.referral_rules.clone(),
                    claim_rules: config.claim_rules.clone(),
                    claim_rules_file: config.claim_rules_file.clone(),
                    outcomes_plan_file: config.outcomes_plan_file.clone(),
                    mappings: config.mappings.clone(),
                    retention_daily: config.retention_daily.clone(),
                    demo_today: config.demo_today,
                    retention_policy: config.retention_policy.clone(),
                },
                clock,
                sign_in_attempts: throttle::Attempts::default(),
                anonymous_lines: throttle::AnonymousLines::default(),
                metrics: metrics::Metrics::default(),
                sso: config.oidc.clone().map(crate::sso::provider::Provider::new),
                referral_lookup: Arc::default(),
            }),
        })
    }

    /// The store handle.
    pub(crate) fn store(&self) -> &store::StoreHandle {
        &self.inner.store
    }

    /// The caches.
    pub(crate) fn caches(&self) -> &cache::Caches {
        &self.inner.caches
    }

    /// The audit writer.
    pub(crate) fn audit_writer(&self) -> &audit::AuditWriter {
        &self.inner.audit
    }

    /// Failed sign-ins being counted (the throttle's counters).
    pub(crate) fn sign_in_attempts(&self) -> &throttle::Attempts {
        &self.inner.sign_in_attempts
    }

    /// The budget of audit lines about people not signed in.
    pub(crate) fn anonymous_lines(&self) -> &throttle::AnonymousLines {
        &self.inner.anonymous_lines
    }

    /// The request and sign-in counters (`/metrics`).
    pub(crate) fn metrics(&self) -> &metrics::Metrics {
        &self.inner.metrics
    }

    /// The single sign-on provider, when configured.
    pub(crate) fn sso(&self) -> Option<&crate::sso::provider::Provider> {
        self.inner.sso.as_ref()
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    pub(crate) fn templates(&self) -> &minijinja::Environment<'static> {
        &self.inner.templates
    }

    /// The latest identification run and its families (cached: see
    /// [`cache::Caches::latest_run`]).
    pub(crate) async fn latest_run(&self) -> Result<Option<Arc<crate::run::RunData>>, WebError> {
        self.inner.caches.latest_run(&self.inner.store).await
    }

    /// Every case and account (cached for a second: see [`cache::Caches::cases`]).
    pub(crate) async fn cases(&self) -> Result<Arc<crate::run::Cases>, WebError> {
        self.inner.caches.cases(&self.inner.store).await
    }

    /// The referral lookup's index (loaded on first use; used on store threads only).
    pub(crate) fn referral_lookup(&self) -> Arc<lookup::LookupCache> {
        self.inner.referral_lookup.clone()
    }

    /// Forgets what the server keeps in memory of the results (families' facts, the latest
    /// run, cases): call after a retention purge destroyed data, so that none of it is shown.
    pub fn data_destroyed(&self) {
        self.inner.caches.forget_results();
    }

    /// The current time.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        (self.inner.clock)()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_demonstrations_clock_shows_its_day_with_the_real_time_passing() {
        let day = chrono::NaiveDate::from_ymd_opt(2027, 8, 31).unwrap();
        let clock = system_clock(Some(day));
        let (demo, real) = (clock(), Utc::now());
        assert_eq!(demo.date_naive(), day);
        assert!((demo.time() - real.time()).num_seconds().abs() < 5);
        assert_eq!(system_clock(None)().date_naive(), Utc::now().date_naive());
    }
}
