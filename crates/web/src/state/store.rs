//! The store handle: each store connection owned by a thread of its own, and every store
//! call run there, never on a tokio worker thread.
//!
//! A request groups the calls it makes into one closure ([`StoreHandle::run`]) so that it
//! hands over to a store thread once, not once per call. The closures wait in one queue that
//! the store threads take from in turn: under load the next one is already waiting when a
//! thread finishes, so a connection is never idle while a thread is woken for it (handing
//! each call to tokio's general blocking pool left the one SQLite connection idle for a
//! thread hand-over per request, and cost about a third of the pages per second). This
//! module does not cache anything and knows nothing of requests or access.
//!
//! A PostgreSQL connection the server closed (a restart, a failover, an idle-session
//! timeout) is noticed before the next closure runs on it (`Store::connection_lost`: closed
//! under an earlier closure, or not answering a check after half a second unused) and opened
//! again, a few times with a pause between ([`RECONNECT_WAITS`]); if the database still
//! cannot be reached, that closure's request fails with the store's error and the next one
//! tries again. A closure under way when its connection breaks fails (its transaction rolled
//! back by the server).

use crate::error::WebError;
use hearth_store::{OpenOptions, Store, StoreError};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A closure for a store thread: given the thread's connection, or the error that kept the
/// thread from opening it again.
type Job = Box<dyn FnOnce(Result<&mut Store, StoreError>) + Send>;

/// The pauses before each attempt to open a lost connection again, for one closure: three
/// attempts within about a second, so that a request (and `/readyz`, which waits 2 s) gets
/// its answer promptly while the database is down.
const RECONNECT_WAITS: [Duration; 3] = [
    Duration::ZERO,
    Duration::from_millis(200),
    Duration::from_millis(800),
];

/// The store threads' queue; cheap to clone. The threads end when the last handle is
/// dropped (the queue closes), each closing its connection.
#[derive(Clone)]
pub(crate) struct StoreHandle {
    queue: Arc<mpsc::Sender<Job>>,
    /// Closures sent and not yet taken by a store thread (for `/metrics`).
    waiting: Arc<AtomicUsize>,
}

impl StoreHandle {
    /// Opens the store at `address` (applying migrations) and starts a thread per
    /// connection. SQLite: one connection (the store takes its write lock for every
    /// transaction, reads too, so several connections would only wait on each other in
    /// SQLite's busy handler). PostgreSQL: `connections` (at least one).
    pub(crate) fn open(
        address: &str,
        options: &OpenOptions,
        connections: usize,
    ) -> Result<StoreHandle, WebError> {
        let sqlite = !(address.starts_with("postgres://") || address.starts_with("postgresql://"));
        let n = if sqlite { 1 } else { connections.max(1) };
        let mut stores = (0..n)
            .map(|_| Store::open_with(address, options))
            .collect::<Result<Vec<_>, _>>()?;
        // Every sign-in and view is audited: a role that may only read would serve pages
        // that fail on their first write, so it is refused here, saying what it lacks.
        if let Some(first) = stores.first_mut() {
            first.check_write_access()?;
        }
        let (queue, jobs) = mpsc::channel::<Job>();
        let jobs = Arc::new(Mutex::new(jobs));
        let waiting = Arc::new(AtomicUsize::new(0));
        for (i, store) in stores.into_iter().enumerate() {
            let (jobs, waiting) = (jobs.clone(), waiting.clone());
            std::thread::Builder::new()
                .name(format!("hearth-store-{i}"))
                .spawn(move || serve_jobs(store, &jobs, &waiting))
                .map_err(|e| WebError::Internal(format!("starting a store thread: {e}")))?;
        }
        Ok(StoreHandle {
            queue: Arc::new(queue),
            waiting,
        })
    }

    /// How many store calls are waiting for a store thread now.
    pub(crate) fn queue_depth(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }

    /// Runs `f` on a store connection, on a store thread, and waits asynchronously for its
    /// answer. Put every call a request makes at one point into one `f`.
    pub(crate) async fn run<R, F>(&self, f: F) -> Result<R, WebError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Store) -> Result<R, StoreError> + Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |store| {
            let _ = answer.send(store.and_then(f));
        });
        self.waiting.fetch_add(1, Ordering::Relaxed);
        if self.queue.send(job).is_err() {
            self.waiting.fetch_sub(1, Ordering::Relaxed);
            return Err(WebError::Internal("the store threads have stopped".into()));
        }
        match answered.await {
            Ok(result) => Ok(result?),
            // The closure panicked (its answer was dropped unsent).
            Err(_) => Err(WebError::Internal("a store task failed".into())),
        }
    }
}

/// A store thread: takes the next closure from the queue and runs it on its connection
/// (opened again first if it was lost: [`restore`]), until the queue closes. A closure that
/// panics fails its own request only (its open transaction, if any, is rolled back as it
/// unwinds); the thread goes on.
fn serve_jobs(mut store: Store, jobs: &Mutex<mpsc::Receiver<Job>>, waiting: &AtomicUsize) {
    loop {
        let job = match jobs.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else {
            return; // every handle dropped: close the connection with the thread
        };
        waiting.fetch_sub(1, Ordering::Relaxed);
        let store = restore(&mut store).map(|()| &mut store);
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || job(store)));
    }
}

/// Opens the connection again if the database closed it, trying after each of
/// [`RECONNECT_WAITS`]; the last error if every attempt failed. Logs the loss and the outcome
/// (no address: it may hold a password).
fn restore(store: &mut Store) -> Result<(), StoreError> {
    if !store.connection_lost() {
        return Ok(());
    }
    tracing::warn!("the store's connection was lost: opening it again");
    let mut last = None;
    for (attempt, wait) in RECONNECT_WAITS.into_iter().enumerate() {
        std::thread::sleep(wait);
        match store.reconnect_if_lost() {
            Ok(_) => {
                tracing::info!(
                    attempt = attempt + 1,
                    "the store's connection is open again"
                );
                return Ok(());
            }
            Err(e) => last = Some(e),
        }
    }
    let e = last.expect("at least one attempt");
    tracing::error!(
        error = %e,
        attempts = RECONNECT_WAITS.len(),
        "the store cannot be reached: this request fails, the next one tries again"
    );
    Err(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handle(connections: usize) -> (tempfile::TempDir, StoreHandle) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite");
        let h = StoreHandle::open(path.to_str().unwrap(), &OpenOptions::default(), connections)
            .unwrap();
        (dir, h)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn calls_run_off_the_runtime_and_answer_in_any_number() {
        let (_dir, h) = handle(4);
        let runtime_thread = std::thread::current().id();
        let mut answers = Vec::new();
        for i in 0..50u64 {
            let h = h.clone();
            answers.push(tokio::spawn(async move {
                h.run(move |s| {
                    let name = std::thread::current().name().map(str::to_owned);
                    Ok((i, name, s.schema_version()?))
                })
                .await
            }));
        }
        for (i, a) in answers.into_iter().enumerate() {
            let (n, thread, version) = a.await.unwrap().unwrap();
            assert_eq!(n, i as u64);
            assert!(thread.unwrap().starts_with("hearth-store-"));
            assert!(version > 0);
        }
        assert_eq!(std::thread::current().id(), runtime_thread);
    }

    #[tokio::test]
    async fn a_panicking_call_fails_alone_and_the_store_goes_on() {
        let (_dir, h) = handle(1);
        let failed = h
            .run(|_| -> Result<(), StoreError> { panic!("a bug in one request") })
            .await;
        assert!(matches!(failed, Err(WebError::Internal(_))));
        assert!(h.run(|s| s.schema_version()).await.unwrap() > 0);
    }
}
