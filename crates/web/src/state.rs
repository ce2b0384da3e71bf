//! The application's state: settings, a small pool of store connections, the templates, the
//! clock and a cache of the latest identification run.

use crate::error::WebError;
use chrono::{DateTime, Utc};
use hearth_store::{
    FamilyAssessment, IdentificationRun, OpenOptions, Store, StoreError, StoredFamily,
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
        }
    }
}

/// The settings handlers need (the store's address stays out of them).
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub secure_cookies: bool,
    pub idle_timeout: chrono::Duration,
    pub body_limit: usize,
}

/// The latest identification run, with its families, kept until a newer run appears.
pub(crate) struct RunData {
    pub run: IdentificationRun,
    pub assessments: Vec<FamilyAssessment>,
    pub by_family: HashMap<i64, usize>,
    pub families: HashMap<i64, StoredFamily>,
    pub problems: Vec<String>,
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
}

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
                },
                clock,
                run: Mutex::new(None),
                run_checked: Mutex::new(None),
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
                    .collect::<HashMap<_, _>>();
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
                let data = Arc::new(RunData {
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
}
