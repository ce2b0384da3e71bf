//! The store handle: a small pool of connections, and every store call run on tokio's
//! blocking pool, never on a worker thread.
//!
//! A request groups the calls it makes into one closure ([`StoreHandle::run`]) so that it
//! hops to a blocking thread once, not once per call. This module does not cache anything
//! and knows nothing of requests or access.

use crate::error::WebError;
use hearth_store::{OpenOptions, Store, StoreError};
use std::sync::{Arc, Mutex};

/// A pool of store connections; cheap to clone.
#[derive(Clone)]
pub(crate) struct StoreHandle {
    pool: Arc<Pool>,
}

struct Pool {
    stores: Mutex<Vec<Store>>,
    permits: Arc<tokio::sync::Semaphore>,
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

impl StoreHandle {
    /// Opens the store at `address` (applying migrations). SQLite: one connection. The store
    /// takes its write lock for every transaction (reads too), so several connections only
    /// wait on each other in SQLite's busy handler; queueing on the pool is faster.
    /// PostgreSQL: `connections` (at least one).
    pub(crate) fn open(
        address: &str,
        options: &OpenOptions,
        connections: usize,
    ) -> Result<StoreHandle, WebError> {
        let sqlite = !(address.starts_with("postgres://") || address.starts_with("postgresql://"));
        let n = if sqlite { 1 } else { connections.max(1) };
        let stores = (0..n)
            .map(|_| Store::open_with(address, options))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(StoreHandle {
            pool: Arc::new(Pool {
                permits: Arc::new(tokio::sync::Semaphore::new(stores.len())),
                stores: Mutex::new(stores),
            }),
        })
    }

    /// Runs `f` on a store connection in a blocking task, after waiting asynchronously for
    /// a free connection. Put every call a request makes at one point into one `f`.
    pub(crate) async fn run<R, F>(&self, f: F) -> Result<R, WebError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Store) -> Result<R, StoreError> + Send + 'static,
    {
        let permit = self
            .pool
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| WebError::Internal("the store pool is closed".into()))?;
        let pool = self.pool.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let store = pool
                .stores
                .lock()
                .map_err(|_| WebError::Internal("the store pool is poisoned".into()))?
                .pop()
                .ok_or_else(|| WebError::Internal("no store connection free".into()))?;
            let mut lease = Lease {
                store: Some(store),
                pool: &pool.stores,
            };
            match lease.store.as_mut() {
                Some(store) => Ok(f(store)?),
                None => Err(WebError::Internal("no store connection".into())),
            }
        })
        .await;
        drop(permit);
        joined.map_err(|_| WebError::Internal("a store task failed".into()))?
    }
}
