//! The application's state: settings, a small pool of store connections, the templates, the
//! clock and a cache of the latest identification run.

use crate::error::WebError;
use crate::views::{Cases, FamilyFacts, IdMap};
use chrono::{DateTime, Utc};
use hearth_store::{
    AuditEntry, FamilyAssessment, IdentificationRun, OpenOptions, SessionRecord, Store, StoreError,
    StoredFamily, UserRecord,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

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
    /// PostgreSQL connections to keep open (SQLite always uses one: see `AppState::open`).
    pub connections: usize,
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// How long each step of the work with a family may take (the caseload's due dates).
    pub due: hearth_casework::DueRules,
}

impl Config {
    /// The defaults for a store: 30 minutes' idle timeout, four connections, 64 KiB bodies,
    /// cookies not marked `Secure`.
    pub fn new(store: impl Into<String>) -> Config {
        Config {
            store: store.into(),
            pg_schema: None,
            secure_cookies: false,
            idle_timeout: chrono::Duration::minutes(30),
            connections: 4,
            body_limit: 64 * 1024,
            due: hearth_casework::DueRules::default(),
        }
    }
}

/// The settings handlers need (the store's address stays out of them).
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub secure_cookies: bool,
    pub idle_timeout: chrono::Duration,
    pub body_limit: usize,
    pub due: hearth_casework::DueRules,
}

/// The latest identification run, with its families, kept until a newer run appears.
pub(crate) struct RunData {
    pub run: IdentificationRun,
    pub assessments: Vec<FamilyAssessment>,
    pub by_family: IdMap<usize>,
    pub families: IdMap<StoredFamily>,
    /// The assessments with a priority rank (the eligible families), as indices into
    /// `assessments`, in its (priority) order: lists look at these only.
    pub ranked: Vec<usize>,
    pub problems: Vec<String>,
    /// The areas (postcode sectors) of the run's families, sorted: the area filter's
    /// choices.
    pub areas: Vec<String>,
    /// Each assessment's area, as an index into `areas` (filters compare numbers).
    pub area_of: Vec<Option<u16>>,
}

/// Shared by every request; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    stores: Mutex<Vec<Store>>,
    permits: tokio::sync::Semaphore,
    templates: minijinja::Environment<'static>,
    settings: Settings,
    clock: Clock,
    run: Mutex<Option<Arc<RunData>>>,
    /// When the store was last asked for a newer run (at most once a second).
    run_checked: Mutex<Option<std::time::Instant>>,
    /// Every case and account (see [`AppState::cases`]).
    cases: Mutex<Option<(std::time::Instant, Arc<Cases>)>>,
    /// Bumped by every change of a case or an account made here: a load that began before
    /// a change is not cached.
    cases_generation: std::sync::atomic::AtomicU64,
    /// Audit lines waiting to be written (see [`AppState::audit`]).
    audit: Mutex<AuditQueue>,
    /// Families' evidence in one run (see [`AppState::family_evidence`]).
    evidence: Mutex<EvidenceCache>,
    /// Sessions looked up in the last second (see [`AppState::cached_session`]).
    sessions: Mutex<HashMap<String, (std::time::Instant, SessionRecord, UserRecord)>>,
    /// Bumped whenever sessions are forgotten: a look-up that began before is not kept.
    sessions_generation: std::sync::atomic::AtomicU64,
}

/// How long a looked-up session is taken as it was without asking the store again. Sign-out,
/// deactivation and password changes made through this server take effect at once (they
/// forget the cached sessions); a session ended by another process (`hearth users add
/// --replace`, a second server on the same PostgreSQL store) within this time.
const SESSION_TTL: std::time::Duration = std::time::Duration::from_secs(1);

/// A run's evidence, timeline and agencies by family, as shown: they never change for a run.
#[derive(Default)]
struct EvidenceCache {
    run_id: i64,
    families: HashMap<i64, FamilyFacts>,
}

/// The most families whose evidence, timeline and page part are kept (tens of kilobytes
/// each: at most about 100 MB). More than a day's browsing; when full, the cache starts again.
const EVIDENCE_CACHED: usize = 2_000;

/// Audit lines waiting for the writer, each with the request waiting for it.
#[derive(Default)]
struct AuditQueue {
    pending: Vec<(AuditEntry, tokio::sync::oneshot::Sender<Result<(), String>>)>,
    /// A writer task is running: it takes what is pending until nothing is.
    writing: bool,
}

/// How long cases and accounts are cached: changes made through this server show at once;
/// those made by another process (another server on the same PostgreSQL store, `hearth
/// users`) within this time.
const CASES_TTL: std::time::Duration = std::time::Duration::from_secs(1);

/// A connection taken from the pool; goes back when dropped (also if the caller panics).
struct Lease<'a> {
    store: Option<Store>,
    pool: &'a Mutex<Vec<Store>>,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let (Some(store), Ok(mut pool)) = (self.store.take(), self.pool.lock()) {
            pool.push(store);
        }
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

impl AppState {
    /// Opens the store (applying migrations) and builds the state, on the system clock.
    pub fn open(config: &Config) -> Result<AppState, WebError> {
        AppState::open_with_clock(config, Arc::new(Utc::now))
    }

    /// Like [`AppState::open`] with a clock of the caller's (for tests of timeouts).
    pub fn open_with_clock(config: &Config, clock: Clock) -> Result<AppState, WebError> {
        let options = OpenOptions {
            pg_schema: config.pg_schema.clone(),
        };
        // SQLite: one connection. The store takes its write lock for every transaction
        // (reads too), so several connections only wait on each other in SQLite's busy
        // handler; queueing on the pool is faster. PostgreSQL: a few.
        let sqlite =
            !(config.store.starts_with("postgres://") || config.store.starts_with("postgresql://"));
        let n = if sqlite { 1 } else { config.connections.max(1) };
        let stores = (0..n)
            .map(|_| Store::open_with(&config.store, &options))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(AppState {
            inner: Arc::new(Inner {
                permits: tokio::sync::Semaphore::new(stores.len()),
                stores: Mutex::new(stores),
                templates: crate::render::templates(),
                settings: Settings {
                    secure_cookies: config.secure_cookies,
                    idle_timeout: config.idle_timeout,
                    body_limit: config.body_limit,
                    due: config.due,
                },
                clock,
                run: Mutex::new(None),
                run_checked: Mutex::new(None),
                cases: Mutex::new(None),
                cases_generation: Default::default(),
                audit: Mutex::new(AuditQueue::default()),
                evidence: Mutex::new(EvidenceCache::default()),
                sessions: Mutex::new(HashMap::new()),
                sessions_generation: Default::default(),
            }),
        })
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    pub(crate) fn templates(&self) -> &minijinja::Environment<'static> {
        &self.inner.templates
    }

    /// The current time.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        (self.inner.clock)()
    }

    /// Runs `f` on a store connection. SQLite answers in well under a millisecond from its
    /// page cache, so `f` runs right here (after waiting asynchronously for the connection):
    /// a hop to a blocking thread for every query cost more than the query. PostgreSQL goes
    /// over the network, so there `f` runs in a blocking task.
    pub(crate) async fn db<R, F>(&self, f: F) -> Result<R, WebError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Store) -> Result<R, StoreError> + Send + 'static,
    {
        let permit = self
            .inner
            .permits
            .acquire()
            .await
            .map_err(|_| WebError::Internal("the store pool is closed".into()))?;
        let mut lease = Lease {
            store: Some(
                self.inner
                    .stores
                    .lock()
                    .map_err(|_| WebError::Internal("the store pool is poisoned".into()))?
                    .pop()
                    .ok_or_else(|| WebError::Internal("no store connection free".into()))?,
            ),
            pool: &self.inner.stores,
        };
        let out = match lease.store.as_mut() {
            Some(store) if store.backend() == hearth_store::Backend::Sqlite => f(store),
            _ => {
                let mut store = lease
                    .store
                    .take()
                    .ok_or_else(|| WebError::Internal("no store connection".into()))?;
                let joined = tokio::task::spawn_blocking(move || {
                    let out = f(&mut store);
                    (store, out)
                })
                .await;
                match joined {
                    Ok((store, out)) => {
                        lease.store = Some(store);
                        out
                    }
                    Err(_) => {
                        // The connection is lost with the task; the pool shrinks by one.
                        permit.forget();
                        return Err(WebError::Internal("a store task failed".into()));
                    }
                }
            }
        };
        drop(lease);
        drop(permit);
        Ok(out?)
    }

    /// The latest identification run and its families (cached until a newer run), or `None`
    /// when no run has happened yet.
    pub(crate) async fn latest_run(&self) -> Result<Option<Arc<RunData>>, WebError> {
        let cached = self.inner.run.lock().ok().and_then(|c| c.clone());
        let fresh = self
            .inner
            .run_checked
            .lock()
            .ok()
            .and_then(|t| *t)
            .is_some_and(|t| t.elapsed() < std::time::Duration::from_secs(1));
        if cached.is_some() && fresh {
            return Ok(cached);
        }
        if let Ok(mut t) = self.inner.run_checked.lock() {
            *t = Some(std::time::Instant::now());
        }
        let cached_id = cached.as_ref().map(|c| c.run.id);
        let loaded = self
            .db(move |s| {
                let Some(run) = s.identification_runs()?.pop() else {
                    return Ok(None);
                };
                if Some(run.id) == cached_id {
                    return Ok(Some(None));
                }
                let assessments = s.assessments(run.id)?;
                let families = s
                    .families()?
                    .into_iter()
                    .map(|f| (f.family_id, f))
                    .collect::<IdMap<_>>();
                Ok(Some(Some((run, assessments, families))))
            })
            .await?;
        match loaded {
            None => Ok(None),
            Some(None) => Ok(cached),
            Some(Some((run, assessments, families))) => {
                let by_family = assessments
                    .iter()
                    .enumerate()
                    .map(|(i, a)| (a.family_id, i))
                    .collect();
                let mut problems: Vec<String> = assessments
                    .iter()
                    .flat_map(|a| a.problems.iter().cloned())
                    .collect();
                problems.sort();
                problems.dedup();
                let ranked: Vec<usize> = assessments
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| a.priority_rank.is_some())
                    .map(|(i, _)| i)
                    .collect();
                let area = |a: &FamilyAssessment| families.get(&a.family_id)?.area.clone();
                let mut areas: Vec<String> = assessments.iter().filter_map(area).collect();
                areas.sort();
                areas.dedup();
                let area_of = assessments
                    .iter()
                    .map(|a| {
                        let i = areas.binary_search(&area(a)?).ok()?;
                        u16::try_from(i).ok()
                    })
                    .collect();
                let data = Arc::new(RunData {
                    ranked,
                    areas,
                    area_of,
                    run,
                    assessments,
                    by_family,
                    families,
                    problems,
                });
                if let Ok(mut c) = self.inner.run.lock() {
                    *c = Some(data.clone());
                }
                Ok(Some(data))
            }
        }
    }

    /// Every case and account, shared by the requests of a second. A change made through
    /// this server ([`AppState::cases_changed`]) shows in the next request; one made by
    /// another process within [`CASES_TTL`]. Lists only: access to a family is always
    /// decided on its case as stored.
    pub(crate) async fn cases(&self) -> Result<Arc<Cases>, WebError> {
        use std::sync::atomic::Ordering;
        if let Ok(mut c) = self.inner.cases.lock() {
            if let Some((at, cases)) = c.as_mut() {
                if at.elapsed() < CASES_TTL {
                    return Ok(cases.clone());
                }
                // Expired: this request reloads; the others keep using these meanwhile
                // (rather than all reloading at once).
                *at = std::time::Instant::now();
            }
        }
        let generation = self.inner.cases_generation.load(Ordering::SeqCst);
        let started = std::time::Instant::now();
        let cases = Arc::new(Cases::load(self).await?);
        if let Ok(mut c) = self.inner.cases.lock() {
            if self.inner.cases_generation.load(Ordering::SeqCst) == generation {
                *c = Some((started, cases.clone()));
            }
        }
        Ok(cases)
    }

    /// Forgets the cached cases and accounts: call after changing either.
    pub(crate) fn cases_changed(&self) {
        self.inner
            .cases_generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if let Ok(mut c) = self.inner.cases.lock() {
            *c = None;
        }
    }

    /// Appends `entry` to the audit log and returns once it is committed.
    ///
    /// Group commit: lines from concurrent requests are written together, in one
    /// transaction, by one writer task; each request still waits for its own line to be
    /// committed, and fails (so shows nothing) if it was not. A line is never dropped
    /// silently: if the writer's transaction fails, every request in it fails.
    pub(crate) async fn audit(&self, entry: AuditEntry) -> Result<(), WebError> {
        let (done, wait) = tokio::sync::oneshot::channel();
        let start_writer = {
            let mut q = self
                .inner
                .audit
                .lock()
                .map_err(|_| WebError::Internal("the audit queue is poisoned".into()))?;
            q.pending.push((entry, done));
            !std::mem::replace(&mut q.writing, true)
        };
        if start_writer {
            let state = self.clone();
            tokio::spawn(async move { state.write_audit().await });
        }
        match wait.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(WebError::Internal(format!("writing the audit log: {e}"))),
            Err(_) => Err(WebError::Internal(
                "the audit log writer stopped before writing".into(),
            )),
        }
    }

    /// The audit writer: writes what is pending, in one transaction per round, until
    /// nothing is.
    async fn write_audit(&self) {
        /// If the writer stops early (a panic, the runtime shutting down), the next line
        /// starts a new one, and the requests it was holding fail rather than wait forever.
        struct Stop<'a>(&'a Mutex<AuditQueue>, bool);
        impl Drop for Stop<'_> {
            fn drop(&mut self) {
                if !self.1 {
                    if let Ok(mut q) = self.0.lock() {
                        q.writing = false;
                        q.pending.clear();
                    }
                }
            }
        }
        let mut stop = Stop(&self.inner.audit, false);
        loop {
            let batch = match self.inner.audit.lock() {
                Ok(mut q) if q.pending.is_empty() => {
                    q.writing = false;
                    stop.1 = true;
                    return;
                }
                Ok(mut q) => std::mem::take(&mut q.pending),
                // Poisoned: the waiting requests see their senders dropped and fail.
                Err(_) => return,
            };
            let (entries, waiting): (Vec<AuditEntry>, Vec<_>) = batch.into_iter().unzip();
            let written = self.db(move |s| s.append_audits(&entries)).await;
            match written {
                Ok(()) => {
                    for done in waiting {
                        let _ = done.send(Ok(()));
                    }
                }
                Err(e) => {
                    tracing::error!(lines = waiting.len(), "writing the audit log failed");
                    let e = e.to_string();
                    for done in waiting {
                        let _ = done.send(Err(e.clone()));
                    }
                }
            }
        }
    }

    /// A family's evidence in run `run_id` as shown, if it was read before. Only ever
    /// consulted after the viewer's access to the family was checked.
    pub(crate) fn family_evidence(&self, run_id: i64, family_id: i64) -> Option<FamilyFacts> {
        let cache = self.inner.evidence.lock().ok()?;
        (cache.run_id == run_id)
            .then(|| cache.families.get(&family_id).cloned())
            .flatten()
    }

    /// Keeps a family's evidence in run `run_id` (forgetting another run's).
    pub(crate) fn keep_family_evidence(&self, run_id: i64, family_id: i64, evidence: FamilyFacts) {
        if let Ok(mut cache) = self.inner.evidence.lock() {
            if cache.run_id != run_id || cache.families.len() >= EVIDENCE_CACHED {
                cache.run_id = run_id;
                cache.families.clear();
            }
            cache.families.insert(family_id, evidence);
        }
    }

    /// The session with this token digest and its account as looked up less than
    /// [`SESSION_TTL`] ago, if it was. The caller still checks the idle timeout.
    pub(crate) fn cached_session(&self, digest: &str) -> Option<(SessionRecord, UserRecord)> {
        let cache = self.inner.sessions.lock().ok()?;
        let (at, session, user) = cache.get(digest)?;
        (at.elapsed() < SESSION_TTL).then(|| (session.clone(), user.clone()))
    }

    /// Where the sessions' generation is: pass it to [`AppState::keep_session`].
    pub(crate) fn sessions_generation(&self) -> u64 {
        self.inner
            .sessions_generation
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Keeps a session just looked up (active account, not idle), unless sessions were
    /// forgotten since the look-up began (`generation`).
    pub(crate) fn keep_session(
        &self,
        generation: u64,
        digest: &str,
        session: &SessionRecord,
        user: &UserRecord,
    ) {
        if let Ok(mut cache) = self.inner.sessions.lock() {
            if self.sessions_generation() != generation {
                return;
            }
            if cache.len() >= 10_000 {
                cache.retain(|_, (at, _, _)| at.elapsed() < SESSION_TTL);
            }
            cache.insert(
                digest.to_string(),
                (std::time::Instant::now(), session.clone(), user.clone()),
            );
        }
    }

    /// Forgets a session (signed out, expired, refused).
    pub(crate) fn forget_session(&self, digest: &str) {
        if let Ok(mut cache) = self.inner.sessions.lock() {
            self.inner
                .sessions_generation
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            cache.remove(digest);
        }
    }

    /// Forgets every cached session: call after changing an account (role, active,
    /// password), so that its sessions are looked up again.
    pub(crate) fn forget_sessions(&self) {
        if let Ok(mut cache) = self.inner.sessions.lock() {
            self.inner
                .sessions_generation
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            cache.clear();
        }
    }
}
