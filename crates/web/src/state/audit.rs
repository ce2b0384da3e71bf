//! The audit writer: appends audit lines with group commit, so that concurrent requests
//! share one transaction, while each still waits until its own line is written.
//!
//! It writes what it is given; what to write (who, what, which target) is the service
//! layer's decision (`service::audit`).

use crate::error::WebError;
use crate::state::store::StoreHandle;
use hearth_store::AuditEntry;
use std::sync::{Arc, Mutex};

/// Appends to the audit log; cheap to clone.
#[derive(Clone)]
pub(crate) struct AuditWriter {
    queue: Arc<Mutex<AuditQueue>>,
    store: StoreHandle,
}

/// Audit lines waiting for the writer, each with the request waiting for it.
#[derive(Default)]
struct AuditQueue {
    pending: Vec<(AuditEntry, tokio::sync::oneshot::Sender<Result<(), String>>)>,
    /// A writer task is running: it takes what is pending until nothing is.
    writing: bool,
}

impl AuditWriter {
    /// A writer into `store`.
    pub(crate) fn new(store: StoreHandle) -> AuditWriter {
        AuditWriter {
            queue: Arc::default(),
            store,
        }
    }

    /// Appends `entry` to the audit log and returns once it is committed.
    ///
    /// Group commit: lines from concurrent requests are written together, in one
    /// transaction, by one writer task; each request still waits for its own line to be
    /// committed, and fails (so shows nothing) if it was not. A line is never dropped
    /// silently: if the writer's transaction fails, every request in it fails.
    pub(crate) async fn append(&self, entry: AuditEntry) -> Result<(), WebError> {
        let (done, wait) = tokio::sync::oneshot::channel();
        let start_writer = {
            let mut q = self
                .queue
                .lock()
                .map_err(|_| WebError::Internal("the audit queue is poisoned".into()))?;
            q.pending.push((entry, done));
            !std::mem::replace(&mut q.writing, true)
        };
        if start_writer {
            let writer = self.clone();
            tokio::spawn(async move { writer.write().await });
        }
        match wait.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(WebError::Internal(format!("writing the audit log: {e}"))),
            Err(_) => Err(WebError::Internal(
                "the audit log writer stopped before writing".into(),
            )),
        }
    }

    /// The writer: writes what is pending, in one transaction per round, until nothing is.
    async fn write(&self) {
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
        let mut stop = Stop(&self.queue, false);
        loop {
            let batch = match self.queue.lock() {
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
            let written = self.store.run(move |s| s.append_audits(&entries)).await;
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
}
