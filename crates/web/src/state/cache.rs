//! What the server keeps in memory for speed (see ARCHITECTURE.md, "Caching in the web
//! server"): the latest identification run, every case and account for a second, sessions
//! looked up in the last second, and a run's facts per family.
//!
//! Never identifiers: those are read for each page. Access is never decided on what is kept
//! here, except that lists use the cached cases.

use crate::error::WebError;
use crate::facts::FamilyFacts;
use crate::run::{Cases, IdMap, RunData};
use crate::state::store::StoreHandle;
use hearth_store::{SessionRecord, UserRecord};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a looked-up session is taken as it was without asking the store again. Sign-out,
/// deactivation and password changes made through this server take effect at once (they
/// forget the cached sessions); a session ended by another process (`hearth users add
/// --replace`, a second server on the same PostgreSQL store) within this time.
const SESSION_TTL: Duration = Duration::from_secs(1);

/// How long cases and accounts are cached: changes made through this server show at once;
/// those made by another process (another server on the same PostgreSQL store, `hearth
/// users`) within this time.
const CASES_TTL: Duration = Duration::from_secs(1);

/// How often the store is asked whether there is a newer identification run.
const RUN_CHECK: Duration = Duration::from_secs(1);

/// The most families whose facts and page part are kept (tens of kilobytes each: at most
/// about 100 MB). More than a day's browsing; when full, the cache starts again.
const FACTS_CACHED: usize = 2_000;

/// The caches.
#[derive(Default)]
pub(crate) struct Caches {
    run: Mutex<Option<Arc<RunData>>>,
    /// When the store was last asked for a newer run (at most once a second).
    run_checked: Mutex<Option<Instant>>,
    /// Every case and account (see [`Caches::cases`]).
    cases: Mutex<Option<(Instant, Arc<Cases>)>>,
    /// Bumped by every change of a case or an account made here: a load that began before
    /// a change is not cached.
    cases_generation: AtomicU64,
    /// Families' facts in one run (see [`Caches::family_facts`]).
    facts: Mutex<FactsCache>,
    /// Sessions looked up in the last second (see [`Caches::session`]).
    sessions: Mutex<HashMap<String, (Instant, SessionRecord, UserRecord)>>,
    /// Bumped whenever sessions are forgotten: a look-up that began before is not kept.
    sessions_generation: AtomicU64,
}

/// A run's facts by family, as shown: they never change for a run.
#[derive(Default)]
struct FactsCache {
    run_id: i64,
    families: HashMap<i64, FamilyFacts>,
}

impl Caches {
    /// The latest identification run and its families (cached until a newer run), or `None`
    /// when no run has happened yet.
    pub(crate) async fn latest_run(
        &self,
        store: &StoreHandle,
    ) -> Result<Option<Arc<RunData>>, WebError> {
        let cached = self.run.lock().ok().and_then(|c| c.clone());
        let fresh = self
            .run_checked
            .lock()
            .ok()
            .and_then(|t| *t)
            .is_some_and(|t| t.elapsed() < RUN_CHECK);
        if cached.is_some() && fresh {
            return Ok(cached);
        }
        if let Ok(mut t) = self.run_checked.lock() {
            *t = Some(Instant::now());
        }
        let cached_id = cached.as_ref().map(|c| c.run.id);
        let loaded = store
            .run(move |s| {
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
                Ok(Some(Some(RunData::new(run, assessments, families))))
            })
            .await?;
        match loaded {
            None => Ok(None),
            Some(None) => Ok(cached),
            Some(Some(data)) => {
                let data = Arc::new(data);
                if let Ok(mut c) = self.run.lock() {
                    *c = Some(data.clone());
                }
                Ok(Some(data))
            }
        }
    }

    /// Every case and account, shared by the requests of a second. A change made through
    /// this server ([`Caches::cases_changed`]) shows in the next request; one made by
    /// another process within [`CASES_TTL`]. Lists only: access to a family is always
    /// decided on its case as stored.
    pub(crate) async fn cases(&self, store: &StoreHandle) -> Result<Arc<Cases>, WebError> {
        if let Ok(mut c) = self.cases.lock() {
            if let Some((at, cases)) = c.as_mut() {
                if at.elapsed() < CASES_TTL {
                    return Ok(cases.clone());
                }
                // Expired: this request reloads; the others keep using these meanwhile
                // (rather than all reloading at once).
                *at = Instant::now();
            }
        }
        let generation = self.cases_generation.load(Ordering::SeqCst);
        let started = Instant::now();
        let cases = store
            .run(|s| Ok(Cases::new(s.family_cases()?, s.users()?)))
            .await?;
        let cases = Arc::new(cases);
        if let Ok(mut c) = self.cases.lock() {
            if self.cases_generation.load(Ordering::SeqCst) == generation {
                *c = Some((started, cases.clone()));
            }
        }
        Ok(cases)
    }

    /// Forgets the cached cases and accounts: call after changing either.
    pub(crate) fn cases_changed(&self) {
        self.cases_generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut c) = self.cases.lock() {
            *c = None;
        }
    }

    /// A family's facts in run `run_id` as shown, if they were read before. Only ever
    /// consulted after the viewer's access to the family was checked.
    pub(crate) fn family_facts(&self, run_id: i64, family_id: i64) -> Option<FamilyFacts> {
        let cache = self.facts.lock().ok()?;
        (cache.run_id == run_id)
            .then(|| cache.families.get(&family_id).cloned())
            .flatten()
    }

    /// Forgets every family's facts and the latest run: call after data was destroyed
    /// (a retention purge), so that nothing destroyed is shown from memory.
    pub(crate) fn forget_results(&self) {
        if let Ok(mut cache) = self.facts.lock() {
            cache.families.clear();
        }
        if let Ok(mut c) = self.run.lock() {
            *c = None;
        }
        if let Ok(mut c) = self.run_checked.lock() {
            *c = None;
        }
        self.cases_changed();
    }

    /// Keeps a family's facts in run `run_id` (forgetting another run's).
    pub(crate) fn keep_family_facts(&self, run_id: i64, family_id: i64, facts: FamilyFacts) {
        if let Ok(mut cache) = self.facts.lock() {
            if cache.run_id != run_id || cache.families.len() >= FACTS_CACHED {
                cache.run_id = run_id;
                cache.families.clear();
            }
            cache.families.insert(family_id, facts);
        }
    }

    /// The session with this token digest and its account as looked up less than
    /// [`SESSION_TTL`] ago, if it was. The caller still checks the idle timeout.
    pub(crate) fn session(&self, digest: &str) -> Option<(SessionRecord, UserRecord)> {
        let cache = self.sessions.lock().ok()?;
        let (at, session, user) = cache.get(digest)?;
        (at.elapsed() < SESSION_TTL).then(|| (session.clone(), user.clone()))
    }

    /// Where the sessions' generation is: pass it to [`Caches::keep_session`].
    pub(crate) fn sessions_generation(&self) -> u64 {
        self.sessions_generation.load(Ordering::SeqCst)
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
        if let Ok(mut cache) = self.sessions.lock() {
            if self.sessions_generation() != generation {
                return;
            }
            if cache.len() >= 10_000 {
                cache.retain(|_, (at, _, _)| at.elapsed() < SESSION_TTL);
            }
            cache.insert(
                digest.to_string(),
                (Instant::now(), session.clone(), user.clone()),
            );
        }
    }

    /// Forgets a session (signed out, expired, refused).
    pub(crate) fn forget_session(&self, digest: &str) {
        if let Ok(mut cache) = self.sessions.lock() {
            self.sessions_generation.fetch_add(1, Ordering::SeqCst);
            cache.remove(digest);
        }
    }

    /// Forgets every cached session: call after changing an account (role, active,
    /// password), so that its sessions are looked up again.
    pub(crate) fn forget_sessions(&self) {
        if let Ok(mut cache) = self.sessions.lock() {
            self.sessions_generation.fetch_add(1, Ordering::SeqCst);
            cache.clear();
        }
    }
}
