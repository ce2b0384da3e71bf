//! Hearth's storage: one interface, [`Store`], over two backends.
//!
//! * **SQLite** (the embedded default): a single file, WAL mode, foreign keys on. Open with a
//!   plain path or `sqlite:PATH` (`sqlite::memory:` for a throw-away store).
//! * **PostgreSQL** (multi-user): open with `postgres://…` or `postgresql://…`. Bulk writes use
//!   `COPY … FROM STDIN`. [`OpenOptions::pg_schema`] puts the store in a schema of its own
//!   (created if missing), so that tests and several boroughs can share one database.
//!
//! Opening a store applies any pending migrations (versioned SQL per backend, recorded in
//! `schema_migrations`). The API is synchronous; the web layer calls it from a blocking task.
//!
//! ```
//! use hearth_model::{Fact, Identity, ImportedRow, QuarantinedRow};
//! use hearth_store::{NewBatch, Store, WriteOutcome};
//!
//! let mut store = Store::open("sqlite::memory:")?;
//! let batch = NewBatch {
//!     source: "police".into(),
//!     file_name: "police.csv".into(),
//!     file_sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
//!     imported_by: "data.officer".into(),
//!     imported_at: chrono::Utc::now(),
//!     rows_read: 2,
//! };
//! let row = ImportedRow {
//!     source_row: 2,
//!     identity: Identity { family_name: Some("Example".into()), ..Identity::default() },
//!     fact: Fact { event_type: "incident".into(), ..Fact::default() },
//! };
//! let bad = QuarantinedRow {
//!     source_row: 3,
//!     field: Some("date_of_birth".into()),
//!     reason: "not a date".into(),
//!     raw: vec!["x".into()],
//! };
//! let WriteOutcome::Imported(info) = store.write_batch(&batch, &[row], &[bad])? else {
//!     unreachable!("a new file")
//! };
//! assert_eq!((info.rows_imported, info.rows_quarantined), (1, 1));
//! // The same file again is a no-op.
//! assert!(matches!(
//!     store.write_batch(&batch, &[], &[])?,
//!     WriteOutcome::AlreadyImported(_)
//! ));
//! let facts = store.load_facts()?;
//! assert_eq!(facts[0].1, "police");
//! # Ok::<(), hearth_store::StoreError>(())
//! ```
//!
//! # Invariants
//!
//! * **Identity apart from facts.** The `identity` table holds identifiers only (names, date
//!   of birth, sex, address, postcode, NHS/NI numbers, UPN, the agency's person reference);
//!   the `record` table holds facts only (source, row, event type, dates, attributes). They
//!   share nothing but the internal key `record_id`, so that a later stage can move identity
//!   into an encrypted store without touching the facts, and extracts built from `record`
//!   are pseudonymised by construction. Never add an identifier to `record`, nor a fact to
//!   `identity`.
//! * **A batch is all or nothing.** [`Store::write_batch`] writes the batch row, every
//!   identity, record and quarantined row in one transaction. A file already imported
//!   (same source and SHA-256) is a no-op; a crash mid-import leaves nothing behind; a unique
//!   constraint on `(source, file_sha256)` makes concurrent imports of one file safe.
//! * **No foreign keys on the bulk tables** (`record.batch_id`, `identity.record_id`): the
//!   store is their only writer and keeps them in step inside one transaction. A per-row
//!   foreign-key check costs PostgreSQL about 4 s per million rows, and identity must be able
//!   to move where no foreign key reaches. So anything that deletes (a batch, a person) must
//!   delete from `identity`, `record` and `quarantine` explicitly, in one transaction.
//! * **Record keys are never reused**, even after deletion (SQLite `AUTOINCREMENT`, a
//!   PostgreSQL sequence), so an old reference can never point at a different person.
//! * **No personal data in errors or logs**: see [`StoreError`].
//!
//! # What it does not do
//!
//! No linkage, no identification, no encryption (yet), no TLS to PostgreSQL (yet): it stores
//! and loads.
//!
//! # Testing hook
//!
//! If the environment variable `HEARTH_TEST_CRASH_AFTER_ROWS=N` is set, [`Store::write_batch`]
//! calls [`std::process::abort`] straight after inserting its N-th row, inside the
//! transaction (N = 0: right after the batch row). A batch with fewer than N rows is written
//! normally. It exists so that tests can prove that a killed import leaves no half batch;
//! nobody sets it in production.
#![deny(missing_docs)]

mod error;
mod migrations;
mod pg;
mod portable;
mod results;
mod sqlite;
mod web;

use chrono::{DateTime, Utc};
use hearth_model::{AttrValue, Fact, Identity, ImportedRow, QuarantinedRow};
use std::collections::BTreeMap;
use std::fmt;

pub use error::{Result, StoreError};
pub use migrations::LATEST_VERSION;
pub use results::{
    EvidenceRow, FamilyAssessment, FamilyMember, FamilyRelationship, IdentificationRun,
    LinkRunSummary, LinkageResults, PersonChange, RecordDates, RecordTrail, ReviewDecision,
    ReviewPair, StoredFamily,
};
pub use web::{
    AuditEntry, AuditQuery, CaseNote, FamilyCase, FamilyReads, FamilyView, NewUser, PersonIdentity,
    SessionRecord, UserRecord,
};

/// The environment variable of the crash-testing hook (see the crate docs).
pub const CRASH_AFTER_ROWS_ENV: &str = "HEARTH_TEST_CRASH_AFTER_ROWS";

/// Which database a [`Store`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        })
    }
}

/// Options for [`Store::open_with`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// PostgreSQL only: keep the store in this schema (created if missing) instead of the
    /// connection's default search path. Must be a plain lower-case identifier
    /// (`[a-z_][a-z0-9_]*`, at most 63 characters). Ignored for SQLite.
    pub pg_schema: Option<String>,
}

/// The internal key of one imported row: the same in the identity store and in the facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordId(pub i64);

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "R{}", self.0)
    }
}

/// The key of one import batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BatchId(pub i64);

impl fmt::Display for BatchId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "batch {}", self.0)
    }
}

/// What the importer knows about a file before writing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBatch {
    /// The partner source (file stem, e.g. `police`).
    pub source: String,
    /// The file's name as given (no folder).
    pub file_name: String,
    /// The file's SHA-256, lower-case hex: with `source`, identifies the file.
    pub file_sha256: String,
    /// Who ran the import (user name).
    pub imported_by: String,
    /// When; stored to the microsecond.
    pub imported_at: DateTime<Utc>,
    /// Data rows read from the file (imported + quarantined + any skipped, e.g. blank).
    pub rows_read: u64,
}

/// An import batch as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchInfo {
    /// The batch's key.
    pub id: BatchId,
    /// The partner source.
    pub source: String,
    /// The file's name.
    pub file_name: String,
    /// The file's SHA-256 (lower-case hex).
    pub file_sha256: String,
    /// Who imported it.
    pub imported_by: String,
    /// When (UTC, microseconds).
    pub imported_at: DateTime<Utc>,
    /// Data rows read.
    pub rows_read: u64,
    /// Rows stored as identity + record.
    pub rows_imported: u64,
    /// Rows quarantined.
    pub rows_quarantined: u64,
}

/// What [`Store::write_batch`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOutcome {
    /// The file was new and is now stored.
    Imported(BatchInfo),
    /// The same file (source and SHA-256) was imported before: nothing was written. Carries
    /// the earlier batch.
    AlreadyImported(BatchInfo),
}

impl WriteOutcome {
    /// The batch, new or earlier.
    pub fn batch(&self) -> &BatchInfo {
        match self {
            WriteOutcome::Imported(b) | WriteOutcome::AlreadyImported(b) => b,
        }
    }
}

/// Totals per partner source, from the batches imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceCount {
    /// The partner source.
    pub source: String,
    /// Batches (files) imported.
    pub batches: u64,
    /// Data rows read.
    pub rows_read: u64,
    /// Rows stored.
    pub rows_imported: u64,
    /// Rows quarantined.
    pub rows_quarantined: u64,
}

/// A handle on a Hearth store. Opened from an address with [`Store::open`]; `Send`, so it can
/// move into a blocking task, but not shared between threads (open one per thread).
pub struct Store {
    inner: Inner,
    /// Where it was opened, for [`Store::open_another`] (never shown: it may hold a password).
    address: String,
    options: OpenOptions,
}

enum Inner {
    Sqlite(sqlite::SqliteStore),
    Postgres(Box<pg::PgStore>),
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the address: it may hold a password.
        f.debug_struct("Store")
            .field("backend", &self.backend())
            .finish_non_exhaustive()
    }
}

macro_rules! dispatch {
    ($self:ident, $s:ident => $e:expr) => {
        match &mut $self.inner {
            Inner::Sqlite($s) => $e,
            Inner::Postgres($s) => $e,
        }
    };
}

impl Store {
    /// Opens (creating if needed) the store at `address` and applies pending migrations.
    ///
    /// * `postgres://…` or `postgresql://…`: PostgreSQL (libpq-style URL);
    /// * `sqlite:PATH`, `sqlite://PATH` or a plain path: SQLite (the folder is created if
    ///   missing); `sqlite::memory:` for an in-memory store.
    pub fn open(address: &str) -> Result<Store> {
        Store::open_with(address, &OpenOptions::default())
    }

    /// Like [`Store::open`], with options (e.g. a PostgreSQL schema).
    pub fn open_with(address: &str, options: &OpenOptions) -> Result<Store> {
        let inner = if address.starts_with("postgres://") || address.starts_with("postgresql://") {
            let schema = options.pg_schema.as_deref();
            if let Some(s) = schema {
                validate_schema_name(s)?;
            }
            Inner::Postgres(Box::new(pg::PgStore::open(address, schema)?))
        } else {
            let path = if let Some(rest) = address.strip_prefix("sqlite://") {
                rest
            } else if let Some(rest) = address.strip_prefix("sqlite:") {
                rest
            } else if address.contains("://") || address.is_empty() {
                return Err(StoreError::UnsupportedAddress);
            } else {
                address
            };
            if path.is_empty() {
                return Err(StoreError::UnsupportedAddress);
            }
            Inner::Sqlite(sqlite::SqliteStore::open(path)?)
        };
        let mut store = Store {
            inner,
            address: address.to_string(),
            options: options.clone(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// A second connection to the same store (to read two tables at once on two threads).
    pub fn open_another(&self) -> Result<Store> {
        Store::open_with(&self.address, &self.options)
    }

    /// Which backend this store uses.
    pub fn backend(&self) -> Backend {
        match self.inner {
            Inner::Sqlite(_) => Backend::Sqlite,
            Inner::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies any pending migrations (done by `open`; calling it again is a no-op).
    pub fn migrate(&mut self) -> Result<()> {
        dispatch!(self, s => s.migrate())
    }

    /// The highest migration applied (0 for an empty database).
    pub fn schema_version(&mut self) -> Result<i64> {
        dispatch!(self, s => s.schema_version())
    }

    /// The batch that imported this file (source and SHA-256), if any.
    pub fn find_batch(&mut self, source: &str, file_sha256: &str) -> Result<Option<BatchInfo>> {
        dispatch!(self, s => s.find_batch(source, file_sha256))
    }

    /// Writes one file's import in one transaction: the batch row, an identity and a record per
    /// row, and the quarantined rows. If the file (source and SHA-256) is already in the store,
    /// writes nothing and returns [`WriteOutcome::AlreadyImported`] — also when another
    /// process imports the same file at the same moment.
    ///
    /// Refuses (with [`StoreError::InvalidRow`], writing nothing) a row whose text holds a NUL
    /// character or whose number attribute is not finite: neither survives both backends.
    pub fn write_batch(
        &mut self,
        meta: &NewBatch,
        rows: &[ImportedRow],
        quarantined: &[QuarantinedRow],
    ) -> Result<WriteOutcome> {
        check_batch(meta, quarantined)?;
        for row in rows {
            check_row(&meta.source, row)?;
        }
        let crash_after = crash_after_rows();
        let started = std::time::Instant::now();
        let outcome = dispatch!(self, s => s.write_batch(meta, rows, quarantined, crash_after))?;
        match &outcome {
            WriteOutcome::Imported(b) => tracing::info!(
                batch = b.id.0,
                source = %b.source,
                rows_imported = b.rows_imported,
                rows_quarantined = b.rows_quarantined,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "batch written"
            ),
            WriteOutcome::AlreadyImported(b) => tracing::info!(
                batch = b.id.0,
                source = %b.source,
                "file already imported; nothing written"
            ),
        }
        Ok(outcome)
    }

    /// Every batch, oldest first.
    pub fn batches(&mut self) -> Result<Vec<BatchInfo>> {
        dispatch!(self, s => s.batches())
    }

    /// Totals per source, sorted by source.
    pub fn source_counts(&mut self) -> Result<Vec<SourceCount>> {
        dispatch!(self, s => s.source_counts())
    }

    /// The quarantined rows of one batch, in row order.
    pub fn quarantine_for(&mut self, batch: BatchId) -> Result<Vec<QuarantinedRow>> {
        dispatch!(self, s => s.quarantine_for(batch))
    }

    /// Every identity with its record key and source, ordered by record key. Feeds linkage.
    pub fn load_identities(&mut self) -> Result<Vec<(RecordId, String, Identity)>> {
        dispatch!(self, s => s.load_identities())
    }

    /// Every fact with its record key and source, ordered by record key. Feeds
    /// identification.
    pub fn load_facts(&mut self) -> Result<Vec<(RecordId, String, Fact)>> {
        dispatch!(self, s => s.load_facts())
    }

    fn with_tx<R>(&mut self, f: impl FnOnce(&mut dyn portable::Tx) -> Result<R>) -> Result<R> {
        dispatch!(self, s => s.with_tx(f))
    }

    /// Runs reads only: a deferred transaction on SQLite (no write lock), no transaction on
    /// PostgreSQL (no BEGIN and COMMIT round trips; each statement sees what was committed
    /// when it started, as in a READ COMMITTED transaction).
    fn with_read<R>(&mut self, f: impl FnOnce(&mut dyn portable::Tx) -> Result<R>) -> Result<R> {
        dispatch!(self, s => s.with_read(f))
    }

    /// Writes a linkage run in one transaction: the run, every record's person, changes to
    /// people, the review queue (pending pairs replaced, decided pairs kept) and the families
    /// (replaced). Returns the run's key.
    pub fn save_linkage(&mut self, results: &LinkageResults<'_>) -> Result<i64> {
        let run = self.with_tx(|tx| results::save_linkage(tx, results))?;
        self.analyze(&[
            "person_record",
            "person_identity",
            "review_pair",
            "family",
            "family_member",
            "family_relationship",
        ])?;
        Ok(run)
    }

    /// PostgreSQL: refresh planner statistics after a bulk write (SQLite needs none).
    fn analyze(&mut self, tables: &[&str]) -> Result<()> {
        match &mut self.inner {
            Inner::Sqlite(_) => Ok(()),
            Inner::Postgres(s) => s.analyze(tables),
        }
    }

    /// Every record's person from the latest linkage run, by record key.
    pub fn person_assignment(&mut self) -> Result<Vec<(RecordId, i64)>> {
        self.with_tx(results::person_assignment)
    }

    /// The families of the latest linkage run, by family ID, members by person ID.
    pub fn families(&mut self) -> Result<Vec<StoredFamily>> {
        self.with_tx(results::families)
    }

    /// The latest linkage run's key and as-at date, if any run has happened.
    pub fn latest_link_run(&mut self) -> Result<Option<(i64, chrono::NaiveDate)>> {
        self.with_tx(results::latest_link_run)
    }

    /// Pairs waiting for clerical review, most likely matches first.
    pub fn pending_review(&mut self) -> Result<Vec<ReviewPair>> {
        self.with_tx(results::pending_review)
    }

    /// Records a reviewer's decision; `false` if the pair is not in the queue.
    pub fn decide_review(&mut self, decision: &ReviewDecision, decided_by: &str) -> Result<bool> {
        self.with_tx(|tx| results::decide_review(tx, decision, decided_by))
    }

    /// Every decision reviewers have made: must-link and cannot-link for the next run.
    pub fn review_decisions(&mut self) -> Result<Vec<ReviewDecision>> {
        self.with_tx(results::review_decisions)
    }

    /// Writes an identification run with every family's assessment and evidence in one
    /// transaction; earlier runs are kept. Returns the run's key.
    pub fn save_identification(
        &mut self,
        run: &IdentificationRun,
        assessments: &[FamilyAssessment],
        evidence: &[EvidenceRow],
    ) -> Result<i64> {
        let id = self.with_tx(|tx| results::save_identification(tx, run, assessments, evidence))?;
        self.analyze(&["family_assessment", "evidence"])?;
        Ok(id)
    }

    /// Every identification run, oldest first.
    pub fn identification_runs(&mut self) -> Result<Vec<IdentificationRun>> {
        self.with_tx(results::identification_runs)
    }

    /// A run's family assessments, eligible families in priority order first.
    pub fn assessments(&mut self, run_id: i64) -> Result<Vec<FamilyAssessment>> {
        self.with_tx(|tx| results::assessments(tx, run_id))
    }

    /// Where each record came from (source, row, file, import time) and its facts: the
    /// evidence trail behind a family's problems. Unknown keys are left out.
    pub fn record_trails(&mut self, ids: &[RecordId]) -> Result<Vec<RecordTrail>> {
        self.with_tx(|tx| results::record_trails(tx, ids))
    }

    /// Every record's dates, by record key: when a partner record placed a person at its
    /// address, until when, and whether the spell is still open (households use them without
    /// loading whole facts).
    pub fn event_dates(&mut self) -> Result<Vec<RecordDates>> {
        self.with_tx(results::event_dates)
    }

    /// Every record's date of birth, where it gives one (identification needs no more of
    /// the identifiers than this).
    pub fn dates_of_birth(&mut self) -> Result<Vec<(RecordId, chrono::NaiveDate)>> {
        self.with_tx(results::dates_of_birth)
    }

    /// A run's evidence, for one family or all.
    pub fn evidence(&mut self, run_id: i64, family_id: Option<i64>) -> Result<Vec<EvidenceRow>> {
        self.with_tx(|tx| results::evidence(tx, run_id, family_id))
    }

    // ---- The web application's tables (migration 3) ----

    /// Creates an account (active). Fails with a database error if the name is taken.
    pub fn create_user(&mut self, user: &NewUser, at: DateTime<Utc>) -> Result<UserRecord> {
        self.with_tx(|tx| web::create_user(tx, user, at))
    }

    /// Every account, by name.
    pub fn users(&mut self) -> Result<Vec<UserRecord>> {
        self.with_read(web::users)
    }

    /// The account with this sign-in name.
    pub fn user_by_name(&mut self, user_name: &str) -> Result<Option<UserRecord>> {
        self.with_read(|tx| web::user_by_name(tx, user_name))
    }

    /// The account with this key.
    pub fn user(&mut self, id: i64) -> Result<Option<UserRecord>> {
        self.with_read(|tx| web::user_by_id(tx, id))
    }

    /// Changes an account's role and whether it is active; deactivating ends its sessions.
    /// `false` if there is no such account.
    pub fn update_user(&mut self, id: i64, role: &str, active: bool) -> Result<bool> {
        self.with_tx(|tx| web::update_user(tx, id, role, active))
    }

    /// Replaces an account's password hash and ends its sessions. `false` if there is no such
    /// account.
    pub fn set_password(&mut self, id: i64, password_hash: &str) -> Result<bool> {
        self.with_tx(|tx| web::set_password(tx, id, password_hash))
    }

    /// Replaces an account's password hash and ends its sessions except the one whose token
    /// has the digest `keep_session` (the one changing it), in one transaction: the number of
    /// sessions ended, or `None` if there is no such account.
    pub fn change_password(
        &mut self,
        id: i64,
        password_hash: &str,
        keep_session: &str,
    ) -> Result<Option<u64>> {
        self.with_tx(|tx| web::change_password(tx, id, password_hash, keep_session))
    }

    /// Stores a new session.
    pub fn create_session(&mut self, session: &SessionRecord) -> Result<()> {
        self.with_tx(|tx| web::create_session(tx, session))
    }

    /// The session whose token has this digest.
    pub fn session(&mut self, token_sha256: &str) -> Result<Option<SessionRecord>> {
        self.with_read(|tx| web::session(tx, token_sha256))
    }

    /// Records a request on a session (for the idle timeout).
    pub fn touch_session(&mut self, token_sha256: &str, at: DateTime<Utc>) -> Result<()> {
        self.with_tx(|tx| web::touch_session(tx, token_sha256, at))
    }

    /// Ends a session; `false` if there was none.
    pub fn delete_session(&mut self, token_sha256: &str) -> Result<bool> {
        self.with_tx(|tx| web::delete_session(tx, token_sha256))
    }

    /// Records a failed sign-in for a name (whether or not the account exists).
    pub fn record_sign_in_failure(&mut self, user_name: &str, at: DateTime<Utc>) -> Result<()> {
        self.with_tx(|tx| web::record_sign_in_failure(tx, user_name, at))
    }

    /// Failed sign-ins for a name since a time.
    pub fn sign_in_failures_since(&mut self, user_name: &str, since: DateTime<Utc>) -> Result<u64> {
        self.with_read(|tx| web::sign_in_failures_since(tx, user_name, since))
    }

    /// Forgets a name's failed sign-ins (after a successful one).
    pub fn clear_sign_in_failures(&mut self, user_name: &str) -> Result<()> {
        self.with_tx(|tx| web::clear_sign_in_failures(tx, user_name))
    }

    /// Appends a line to the audit log (which refuses updates and deletes); returns its key.
    pub fn append_audit(&mut self, entry: &AuditEntry) -> Result<i64> {
        self.with_tx(|tx| web::append_audit(tx, entry))
    }

    /// Searches the audit log, newest first.
    pub fn audit_log(&mut self, query: &AuditQuery) -> Result<Vec<AuditEntry>> {
        self.with_read(|tx| web::audit_log(tx, query))
    }

    /// Every family's case that has one, by family.
    pub fn family_cases(&mut self) -> Result<Vec<FamilyCase>> {
        self.with_read(web::family_cases)
    }

    /// A family's case, if it has one (a family without one is `identified`, unassigned).
    pub fn family_case(&mut self, family_id: i64) -> Result<Option<FamilyCase>> {
        self.with_read(|tx| web::family_case(tx, family_id))
    }

    /// Creates or replaces a family's case.
    pub fn save_family_case(&mut self, case: &FamilyCase) -> Result<()> {
        self.with_tx(|tx| web::save_family_case(tx, case))
    }

    /// Adds a note to a family's case; returns its key.
    pub fn add_case_note(&mut self, note: &CaseNote) -> Result<i64> {
        self.with_tx(|tx| web::add_case_note(tx, note))
    }

    /// A family's notes, oldest first.
    pub fn case_notes(&mut self, family_id: i64) -> Result<Vec<CaseNote>> {
        self.with_read(|tx| web::case_notes(tx, family_id))
    }

    /// The identifiers of these people, one entry per partner record, from the identity
    /// store through the current linkage. Only for roles that may see identifiers.
    pub fn person_identities(&mut self, person_ids: &[i64]) -> Result<Vec<PersonIdentity>> {
        self.with_read(|tx| web::person_identities(tx, person_ids))
    }

    /// The session whose token has this digest, with its account, in one query.
    pub fn session_with_user(
        &mut self,
        token_sha256: &str,
    ) -> Result<Option<(SessionRecord, UserRecord)>> {
        self.with_read(|tx| web::session_with_user(tx, token_sha256))
    }

    /// Appends several lines to the audit log, all or none: in one transaction, or on
    /// PostgreSQL, when they fit in one statement, in that statement alone (as atomic, and
    /// two round trips fewer).
    pub fn append_audits(&mut self, entries: &[AuditEntry]) -> Result<()> {
        match &mut self.inner {
            Inner::Postgres(s) if entries.len() <= web::AUDIT_CHUNK => {
                s.with_read(|tx| web::append_audits(tx, entries))
            }
            _ => self.with_tx(|tx| web::append_audits(tx, entries)),
        }
    }

    /// The cases assigned to this lead worker, by family.
    pub fn lead_worker_cases(&mut self, user_id: i64) -> Result<Vec<FamilyCase>> {
        self.with_read(|tx| web::lead_worker_cases(tx, user_id))
    }

    /// A family's record for a viewer, read together: the case first; then `decide` says
    /// from the case what the viewer may read (`None`: not open it, and nothing more is
    /// read); then, for run `run_id` (`None`: the family is in no run, nothing more is
    /// read), the evidence, the records it cites and every record of `people` with whose
    /// each is (if `with_evidence`: a run's evidence never changes, so a caller may have it
    /// already), the identifiers of `people` and the notes, as allowed. `known_case`: the case as the caller knows it, not read again
    /// (for viewers whose access does not depend on it).
    pub fn family_view(
        &mut self,
        family_id: i64,
        run_id: Option<i64>,
        with_evidence: bool,
        people: &[i64],
        decide: impl FnOnce(Option<&FamilyCase>) -> Option<FamilyReads>,
        known_case: Option<Option<FamilyCase>>,
    ) -> Result<FamilyView> {
        self.with_read(|tx| {
            web::family_view(
                tx,
                family_id,
                run_id,
                with_evidence,
                people,
                decide,
                known_case,
            )
        })
    }
}

fn validate_schema_name(s: &str) -> Result<()> {
    let ok = !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !s.starts_with("pg_");
    if ok {
        Ok(())
    } else {
        Err(StoreError::InvalidSchemaName(s.to_string()))
    }
}

/// The crash hook's row count, if set (see the crate docs).
fn crash_after_rows() -> Option<u64> {
    std::env::var(CRASH_AFTER_ROWS_ENV)
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Rejects batch metadata or quarantine notes that PostgreSQL cannot hold (NUL characters).
/// Raw cells are stored as JSON text, where a NUL is escaped, so they may hold anything.
fn check_batch(meta: &NewBatch, quarantined: &[QuarantinedRow]) -> Result<()> {
    const NUL: &str = "contains a NUL character";
    for (field, value) in [
        ("source", &meta.source),
        ("file_name", &meta.file_name),
        ("file_sha256", &meta.file_sha256),
        ("imported_by", &meta.imported_by),
    ] {
        if value.contains('\0') {
            return Err(StoreError::InvalidRow {
                partner_source: meta.source.replace('\0', "?"),
                source_row: 0,
                field: format!("the batch's {field}"),
                problem: NUL,
            });
        }
    }
    for q in quarantined {
        let bad_field = q.field.as_deref().is_some_and(|f| f.contains('\0'));
        if bad_field || q.reason.contains('\0') || i64::try_from(q.source_row).is_err() {
            return Err(StoreError::InvalidRow {
                partner_source: meta.source.clone(),
                source_row: q.source_row,
                field: "quarantine field or reason".into(),
                problem: "contains a NUL character or a row number too large",
            });
        }
    }
    Ok(())
}

/// Rejects what neither backend can hold faithfully, naming the field, never the value.
fn check_row(source: &str, row: &ImportedRow) -> Result<()> {
    let bad = |field: &str, problem: &'static str| StoreError::InvalidRow {
        partner_source: source.to_string(),
        source_row: row.source_row,
        field: field.to_string(),
        problem,
    };
    const NUL: &str = "contains a NUL character";
    let id = &row.identity;
    for (field, value) in [
        ("source_person_id", &id.source_person_id),
        ("given_name", &id.given_name),
        ("middle_name", &id.middle_name),
        ("family_name", &id.family_name),
        ("full_name", &id.full_name),
        ("address", &id.address),
    ] {
        if value.as_deref().is_some_and(|v| v.contains('\0')) {
            return Err(bad(field, NUL));
        }
    }
    if row.fact.event_type.contains('\0') {
        return Err(bad("event_type", NUL));
    }
    if i64::try_from(row.source_row).is_err() {
        return Err(bad("source_row", "is too large"));
    }
    for (key, value) in &row.fact.attributes {
        if key.contains('\0') {
            return Err(bad("an attribute name", NUL));
        }
        match value {
            hearth_model::AttrValue::Text(t) if t.contains('\0') => return Err(bad(key, NUL)),
            hearth_model::AttrValue::Number(n) if !n.is_finite() => {
                return Err(bad(key, "is not a finite number"))
            }
            _ => {}
        }
    }
    Ok(())
}

/// Converts a count or row number for storage (both backends store signed 64-bit integers).
fn to_i64(n: u64) -> i64 {
    // Row counts come from slices and files; checked in `check_row` for row numbers.
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The context string of write operations: source and a short file hash, never file content.
fn batch_context(op: &str, meta: &NewBatch) -> String {
    let short: String = meta.file_sha256.chars().take(12).collect();
    format!("{op} (source {}, file sha256 {short}…)", meta.source)
}

/// An `imported_at` truncated to microseconds, as both backends store it.
fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

/// Parses a stored attributes object straight into typed values. (The model's untagged
/// `Deserialize` buffers every value and tries each variant in turn: several times slower
/// over a million facts.) `None` if the text is not a JSON object of bools, numbers and text.
fn parse_attributes(json: &[u8]) -> Option<BTreeMap<String, AttrValue>> {
    use serde::de::{self, Deserializer, MapAccess, Visitor};

    struct Value(AttrValue);
    struct ValueVisitor;
    impl<'de> Visitor<'de> for ValueVisitor {
        type Value = Value;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a bool, number or string")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
            Ok(Value(AttrValue::Bool(v)))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
            Ok(Value(AttrValue::Number(v as f64)))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
            Ok(Value(AttrValue::Number(v as f64)))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
            Ok(Value(AttrValue::Number(v)))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
            Ok(Value(AttrValue::Text(v.to_owned())))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
            Ok(Value(AttrValue::Text(v)))
        }
    }
    impl<'de> serde::Deserialize<'de> for Value {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
            d.deserialize_any(ValueVisitor)
        }
    }

    struct MapVisitor;
    impl<'de> Visitor<'de> for MapVisitor {
        type Value = BTreeMap<String, AttrValue>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, Value(v))) = map.next_entry::<String, Value>()? {
                out.insert(k, v);
            }
            Ok(out)
        }
    }

    let mut de = serde_json::Deserializer::from_slice(json);
    let map = (&mut de).deserialize_map(MapVisitor).ok()?;
    de.end().ok()?;
    Some(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_parse_like_the_model() {
        let mut m = BTreeMap::new();
        m.insert("b".to_string(), AttrValue::Bool(false));
        m.insert("n".to_string(), AttrValue::Number(7.0));
        m.insert("f".to_string(), AttrValue::Number(-0.25));
        m.insert("big".to_string(), AttrValue::Number(1e300));
        m.insert("t".to_string(), AttrValue::Text("true".into()));
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(parse_attributes(json.as_bytes()), Some(m.clone()));
        // jsonb's spacing and integer forms.
        assert_eq!(
            parse_attributes(br#"{"n": 7, "b": false, "t": "true", "f": -0.25, "big": 1e300}"#),
            Some(m)
        );
        for bad in [
            &b"[]"[..],
            b"{\"x\": null}",
            b"{\"x\": [1]}",
            b"{} x",
            b"nope",
        ] {
            assert_eq!(parse_attributes(bad), None);
        }
    }

    #[test]
    fn schema_names() {
        assert!(validate_schema_name("hearth_test_1").is_ok());
        assert!(validate_schema_name("_x").is_ok());
        for bad in ["", "A", "1x", "a-b", "pg_x", &"a".repeat(64)] {
            assert!(validate_schema_name(bad).is_err(), "{bad}");
        }
    }
}
