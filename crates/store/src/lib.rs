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
//!     source_name: Some("Police".into()),
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
//! # Code map
//!
//! * `handle`: [`Store`], opening, migrating, and the one dispatch to a backend.
//! * One module per area, each with its public types and its own `impl Store` block:
//!   `intake` (batches, identities, records, quarantine), `linkage` (runs, people, person
//!   identities, families), `review` (clerical review pairs and decisions), `lookup` (identifiers by record
//!   key for a review pair; people by name or NHS number for a search),
//!   `identification` (runs, assessments, evidence, trails, dates), `accounts` (users,
//!   sessions, sign-in throttling), `identities` (single sign-on identities), `audit`, `governance` (objections, extract log), `governance_rights` (rectification, restriction, erasure with tombstones, objection coverage), `governance_sar` (subject access and the register of personal tables), `governance_keys` (keyed hashes of identifiers), `casework` (cases, notes, caseload, a family's
//!   record for a viewer), `referrals` (referrals, their members and matched people, the
//!   double check's conditional decision), `retention` (counting and purging expired data
//!   one class per transaction; proof reports), `claims` (payment-by-results batches, claims with
//!   their frozen evidence packs, withdrawals, internal audit's findings).
//! * `sql`: the backend-neutral layer the areas write their SQL over once; `sqlite` and
//!   `pg`: each backend's connection and transactions; `intake::sqlite` and `intake::pg`:
//!   each backend's tuned import path.
//! * `backup`: a SQLite store copied with SQLite's online backup API while it is in use,
//!   checked, and restored ([`backup::backup_sqlite`], [`backup::restore_sqlite`]).
//!
//! The model's vocabularies ([`hearth_model::Role`], [`hearth_model::CaseStatus`],
//! [`hearth_model::MemberRole`], [`hearth_model::RelationshipBasis`],
//! [`hearth_model::PersonChangeKind`]) cross this API typed; they are stored by key, and a
//! stored value that is none of them reads as a [`StoreError::Corrupt`] naming its table and
//! column.
//!
//! # Testing hook
//!
//! With the cargo feature `test-hooks` (off by default: release builds do not have it), if
//! the environment variable `HEARTH_TEST_CRASH_AFTER_ROWS=N` is set, [`Store::write_batch`]
//! calls [`std::process::abort`] straight after inserting its N-th row, inside the
//! transaction (N = 0: right after the batch row). A batch with fewer than N rows is written
//! normally. It exists so that tests can prove that a killed import leaves no half batch.
#![deny(missing_docs)]

mod accounts;
mod addresses;
mod attachment;
mod audit;
mod backend;
pub mod backup;
mod casework;
mod claims;
mod error;
mod fold;
mod governance;
mod governance_keys;
mod governance_requests;
mod governance_rights;
mod governance_sar;
mod handle;
mod identification;
mod identities;
mod impact;
mod intake;
mod linkage;
mod lookup;
mod migrations;
mod outcomes;
mod pg;
mod referral_drafts;
mod referrals;
mod restricted;
mod retention;
mod review;
mod savings;
mod sql;
mod sqlite;

pub use accounts::{NewUser, SessionRecord, UserRecord};
pub use addresses::DatedAddress;
pub use audit::{AuditEntry, AuditQuery, ChainBreak, ChainReport, ChainedLine};
pub use backend::Backend;
pub use casework::history::StatusChange;
pub use casework::work::{
    AssessmentEntry, CaseWork, PlanAction, PlanChange, PlanEdit, PlanField, PlanFields, PlanGoal,
    PlanItem, PlanReview, ProgressReading, TeamEnd, TeamMember,
};
pub use casework::{CaseNote, CaseSource, FamilyCase, FamilyReads, FamilyView, FamilyViewRequest};
pub use claims::{
    AuditFinding, BatchOutcome, ClaimBatch, ClaimCasework, ClaimPlanGoal, ClaimedFamily, NewClaim,
    NewClaimBatch, StoredClaim, WithdrawOutcome,
};
pub use error::{Result, StoreError};
pub use fold::fold_text;
pub use governance::{
    ExtractTransfer, IdentifierVariant, NewObjection, Objection, ObjectionSubject,
    PersonIdentifiers,
};
pub use governance_keys::{IdentityKeys, KeyFields};
pub use governance_requests::{IdentifierValues, Restriction, ERASED_TABLES};
pub use governance_rights::{
    Erased, IdentifierField, NewRectification, Rectified, RightsRequest, Tombstones,
};
pub use governance_sar::{
    column_could_hold_personal_data, left_out, sar_coverage_gaps, NamedMember, PersonScope,
    QuarantineQuery, Reach, ReferralMemberKey, SarSection, SarSubject, SarTable, SubjectAccess,
    LEFT_OUT, NOT_PERSONAL, OWN_PARTS, OWN_ROWS, SAR_TABLES,
};
pub use handle::{OpenOptions, Store};
pub use identification::{
    DataFile, EvidenceRow, FamilyAssessment, IdentificationRun, ProblemLabel, RecordDates,
    RecordTrail, RunLabels,
};
pub use identities::{ExternalOutcome, ExternalSignIn, NO_PASSWORD};
pub use impact::ImpactReport;
#[cfg(feature = "test-hooks")]
pub use intake::CRASH_AFTER_ROWS_ENV;
pub use intake::{
    BatchId, BatchInfo, BatchVersion, CurrentBatch, NewBatch, RecordId, RowFingerprints,
    SourceCount, WriteOutcome,
};
pub use linkage::{
    FamilyMember, FamilyRelationship, LinkRunSummary, LinkageResults, PersonChange, PersonIdentity,
    StoredFamily,
};
pub use lookup::{PeopleQuery, RecordIdentity};
pub use migrations::{LATEST_VERSION, MIGRATION_COUNT};
pub use outcomes::{
    Frozen, GoalAchieved, NewBaseline, StoredBaseline, StoredOutcome, StoredResult,
};
pub use referral_drafts::{ReferralDraft, REFERRAL_DRAFT_KEPT};
pub use referrals::{
    DecisionOutcome, EarlierReferral, ReferralDecision, ReferralMember, ResubmitOutcome,
    StoredReferral,
};
pub use restricted::Restricted;
pub use retention::{ClassCounts, MonthCount, PurgeScope, RetentionReport, SourceFilter};
pub use review::{ReviewDecision, ReviewPair};
pub use savings::SavingsRun;
