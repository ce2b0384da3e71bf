//! The web application's tables (migration 3): accounts, sessions, sign-in failures, the
//! append-only audit log and each family's case. Written once over [`Tx`] for both backends.
//!
//! Times are stored as RFC 3339 text in UTC with microseconds, so that they compare as text.
//! Session tokens are stored as digests only; the caller hashes them.

use crate::error::{Result, StoreError};
use crate::portable::{Tx, Val};
use crate::results::int;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

/// An account as stored (the role is the web layer's key, e.g. `lead_worker`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// The account's key.
    pub id: i64,
    /// The sign-in name (lower case).
    pub user_name: String,
    /// The name shown to other users.
    pub display_name: String,
    /// The role's key: `referrer`, `lead_worker`, `performance_officer`, `data_analyst`,
    /// `ig_officer` or `administrator`.
    pub role: String,
    /// The password's PHC hash string.
    pub password_hash: String,
    /// Whether the account may sign in.
    pub active: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// A new account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// The sign-in name (lower case).
    pub user_name: String,
    /// The name shown to other users.
    pub display_name: String,
    /// The role's key (see [`UserRecord::role`]).
    pub role: String,
    /// The password's PHC hash string.
    pub password_hash: String,
}

/// A signed-in session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Hex SHA-256 of the session cookie's token.
    pub token_sha256: String,
    /// The account.
    pub user_id: i64,
    /// The session's CSRF token (sent in every form).
    pub csrf_token: String,
    /// When the session began.
    pub created_at: DateTime<Utc>,
    /// The last request seen.
    pub last_seen_at: DateTime<Utc>,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// The line's key (0 for a new entry).
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// The account, if the actor was signed in.
    pub user_id: Option<i64>,
    /// The account's name (or what was typed at sign-in).
    pub user_name: String,
    /// What happened, e.g. `view family`.
    pub action: String,
    /// What it concerned: `family`, `user`, `session`, …
    pub target_kind: String,
    /// Which one: a pseudonymous key, never a name.
    pub target_id: String,
    /// The client's address.
    pub client_ip: String,
    /// More about it (no personal data).
    pub detail: String,
}

/// A search of the audit log; empty fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Only this account's lines.
    pub user_name: Option<String>,
    /// Only lines about this kind of target…
    pub target_kind: Option<String>,
    /// …and this one.
    pub target_id: Option<String>,
    /// From this time (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Before this time.
    pub to: Option<DateTime<Utc>>,
    /// At most this many lines, newest first (0: 500).
    pub limit: u32,
}

/// The work with a family: status and lead worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyCase {
    /// The family.
    pub family_id: i64,
    /// `identified`, `referred`, `engaged`, `in_progress` or `closed`.
    pub status: String,
    /// The lead worker's account, if one is assigned.
    pub lead_worker_user_id: Option<i64>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Who changed it (account name).
    pub updated_by: String,
    /// When the status last changed (or the case began).
    pub status_since: DateTime<Utc>,
    /// When the current lead worker was assigned (`None`: no one is).
    pub assigned_at: Option<DateTime<Utc>>,
}

impl FamilyCase {
    /// A new case: `identified`, no lead worker, both clocks starting `at`.
    pub fn new(family_id: i64, at: DateTime<Utc>, by: &str) -> FamilyCase {
        FamilyCase {
            family_id,
            status: "identified".into(),
            lead_worker_user_id: None,
            updated_at: at,
            updated_by: by.into(),
            status_since: at,
            assigned_at: None,
        }
    }

    /// Moves the case to `status` (its clock restarts if the status changes).
    pub fn set_status(&mut self, status: &str, at: DateTime<Utc>, by: &str) {
        if self.status != status {
            self.status = status.into();
            self.status_since = at;
        }
        self.touch(at, by);
    }

    /// Gives the case to `lead_worker` (`None`: no one); the assignment clock restarts if
    /// the lead worker changes.
    pub fn assign(&mut self, lead_worker: Option<i64>, at: DateTime<Utc>, by: &str) {
        if self.lead_worker_user_id != lead_worker {
            self.lead_worker_user_id = lead_worker;
            self.assigned_at = lead_worker.map(|_| at);
        }
        self.touch(at, by);
    }

    fn touch(&mut self, at: DateTime<Utc>, by: &str) {
        self.updated_at = at;
        self.updated_by = by.into();
    }
}

/// A note on a family's case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseNote {
    /// The note's key.
    pub id: i64,
    /// The family.
    pub family_id: i64,
    /// Who wrote it.
    pub author_user_id: i64,
    /// When.
    pub written_at: DateTime<Utc>,
    /// What it says.
    pub body: String,
}

/// A person's identifiers from one partner record (the identity store), for the few roles
/// that may see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonIdentity {
    /// The person (pseudonymous key).
    pub person_id: i64,
    /// The (first) partner record the identifiers come from.
    pub record_id: i64,
    /// How many of the person's records give exactly these identifiers (a school's termly
    /// returns repeat them): the same identifiers are read once.
    pub records: i64,
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// A full name, where the source gave one whole.
    pub full_name: Option<String>,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// Address.
    pub address: Option<String>,
    /// Postcode.
    pub postcode: Option<String>,
}

/// A time as stored: RFC 3339, UTC, microseconds.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn corrupt(table: &'static str, column: &'static str, key: i64) -> StoreError {
    StoreError::Corrupt { table, column, key }
}

fn time(v: &Val, table: &'static str, column: &'static str) -> Result<DateTime<Utc>> {
    v.text()
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| corrupt(table, column, 0))
}

const USER_COLUMNS: &str = "id, user_name, display_name, role, password_hash, active, created_at";

fn user(r: &[Val]) -> Result<UserRecord> {
    Ok(UserRecord {
        id: int(r, 0, "web_user", "id")?,
        user_name: r[1].text().unwrap_or_default(),
        display_name: r[2].text().unwrap_or_default(),
        role: r[3].text().unwrap_or_default(),
        password_hash: r[4].text().unwrap_or_default(),
        active: r[5].int() == Some(1),
        created_at: time(&r[6], "web_user", "created_at")?,
    })
}

pub(crate) fn create_user(tx: &mut dyn Tx, u: &NewUser, at: DateTime<Utc>) -> Result<UserRecord> {
    let rows = tx.query(
        &format!(
            "INSERT INTO web_user (user_name, display_name, role, password_hash, active, created_at) \
             VALUES ($1, $2, $3, $4, 1, $5) RETURNING {USER_COLUMNS}"
        ),
        &[
            u.user_name.as_str().into(),
            u.display_name.as_str().into(),
            u.role.as_str().into(),
            u.password_hash.as_str().into(),
            ts(at).into(),
        ],
    )?;
    rows.first()
        .map(|r| user(r))
        .unwrap_or_else(|| Err(corrupt("web_user", "id", 0)))
}

pub(crate) fn users(tx: &mut dyn Tx) -> Result<Vec<UserRecord>> {
    tx.query(
        &format!("SELECT {USER_COLUMNS} FROM web_user ORDER BY user_name"),
        &[],
    )?
    .iter()
    .map(|r| user(r))
    .collect()
}

pub(crate) fn user_by_name(tx: &mut dyn Tx, name: &str) -> Result<Option<UserRecord>> {
    tx.query(
        &format!("SELECT {USER_COLUMNS} FROM web_user WHERE user_name = $1"),
        &[name.into()],
    )?
    .first()
    .map(|r| user(r))
    .transpose()
}

pub(crate) fn user_by_id(tx: &mut dyn Tx, id: i64) -> Result<Option<UserRecord>> {
    tx.query(
        &format!("SELECT {USER_COLUMNS} FROM web_user WHERE id = $1"),
        &[id.into()],
    )?
    .first()
    .map(|r| user(r))
    .transpose()
}

pub(crate) fn update_user(tx: &mut dyn Tx, id: i64, role: &str, active: bool) -> Result<bool> {
    let n = tx.exec(
        "UPDATE web_user SET role = $1, active = $2 WHERE id = $3",
        &[role.into(), (active as i64).into(), id.into()],
    )?;
    if !active {
        tx.exec("DELETE FROM web_session WHERE user_id = $1", &[id.into()])?;
    }
    Ok(n == 1)
}

pub(crate) fn set_password(tx: &mut dyn Tx, id: i64, hash: &str) -> Result<bool> {
    let n = tx.exec(
        "UPDATE web_user SET password_hash = $1 WHERE id = $2",
        &[hash.into(), id.into()],
    )?;
    tx.exec("DELETE FROM web_session WHERE user_id = $1", &[id.into()])?;
    Ok(n == 1)
}

pub(crate) fn change_password(
    tx: &mut dyn Tx,
    id: i64,
    hash: &str,
    keep_session: &str,
) -> Result<Option<u64>> {
    let n = tx.exec(
        "UPDATE web_user SET password_hash = $1 WHERE id = $2",
        &[hash.into(), id.into()],
    )?;
    if n != 1 {
        return Ok(None);
    }
    let ended = tx.exec(
        "DELETE FROM web_session WHERE user_id = $1 AND token_sha256 <> $2",
        &[id.into(), keep_session.into()],
    )?;
    Ok(Some(ended))
}

pub(crate) fn create_session(tx: &mut dyn Tx, s: &SessionRecord) -> Result<()> {
    tx.exec(
        "INSERT INTO web_session (token_sha256, user_id, csrf_token, created_at, last_seen_at) \
         VALUES ($1, $2, $3, $4, $5)",
        &[
            s.token_sha256.as_str().into(),
            s.user_id.into(),
            s.csrf_token.as_str().into(),
            ts(s.created_at).into(),
            ts(s.last_seen_at).into(),
        ],
    )?;
    Ok(())
}

pub(crate) fn session(tx: &mut dyn Tx, token_sha256: &str) -> Result<Option<SessionRecord>> {
    tx.query(
        "SELECT token_sha256, user_id, csrf_token, created_at, last_seen_at FROM web_session \
         WHERE token_sha256 = $1",
        &[token_sha256.into()],
    )?
    .first()
    .map(|r| {
        Ok(SessionRecord {
            token_sha256: r[0].text().unwrap_or_default(),
            user_id: int(r, 1, "web_session", "user_id")?,
            csrf_token: r[2].text().unwrap_or_default(),
            created_at: time(&r[3], "web_session", "created_at")?,
            last_seen_at: time(&r[4], "web_session", "last_seen_at")?,
        })
    })
    .transpose()
}

pub(crate) fn touch_session(tx: &mut dyn Tx, token_sha256: &str, at: DateTime<Utc>) -> Result<()> {
    tx.exec(
        "UPDATE web_session SET last_seen_at = $1 WHERE token_sha256 = $2",
        &[ts(at).into(), token_sha256.into()],
    )?;
    Ok(())
}

pub(crate) fn delete_session(tx: &mut dyn Tx, token_sha256: &str) -> Result<bool> {
    Ok(tx.exec(
        "DELETE FROM web_session WHERE token_sha256 = $1",
        &[token_sha256.into()],
    )? == 1)
}

pub(crate) fn record_sign_in_failure(tx: &mut dyn Tx, name: &str, at: DateTime<Utc>) -> Result<()> {
    tx.exec(
        "INSERT INTO sign_in_failure (user_name, failed_at) VALUES ($1, $2)",
        &[name.into(), ts(at).into()],
    )?;
    Ok(())
}

pub(crate) fn sign_in_failures_since(
    tx: &mut dyn Tx,
    name: &str,
    since: DateTime<Utc>,
) -> Result<u64> {
    let rows = tx.query(
        "SELECT count(*) FROM sign_in_failure WHERE user_name = $1 AND failed_at >= $2",
        &[name.into(), ts(since).into()],
    )?;
    Ok(rows.first().and_then(|r| r[0].int()).unwrap_or(0) as u64)
}

pub(crate) fn clear_sign_in_failures(tx: &mut dyn Tx, name: &str) -> Result<()> {
    tx.exec(
        "DELETE FROM sign_in_failure WHERE user_name = $1",
        &[name.into()],
    )?;
    Ok(())
}

/// An audit line's values, in the column order of `audit_log`'s inserts.
fn audit_values(e: &AuditEntry) -> [Val; 8] {
    [
        ts(e.at).into(),
        e.user_id.into(),
        e.user_name.as_str().into(),
        e.action.as_str().into(),
        e.target_kind.as_str().into(),
        e.target_id.as_str().into(),
        e.client_ip.as_str().into(),
        e.detail.as_str().into(),
    ]
}

pub(crate) fn append_audit(tx: &mut dyn Tx, e: &AuditEntry) -> Result<i64> {
    let rows = tx.query(
        "INSERT INTO audit_log (at, user_id, user_name, action, target_kind, target_id, \
         client_ip, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        &audit_values(e),
    )?;
    rows.first()
        .and_then(|r| r[0].int())
        .ok_or_else(|| corrupt("audit_log", "id", 0))
}

pub(crate) fn audit_log(tx: &mut dyn Tx, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
    let mut sql = String::from(
        "SELECT id, at, user_id, user_name, action, target_kind, target_id, client_ip, detail \
         FROM audit_log WHERE 1 = 1",
    );
    let mut params: Vec<Val> = Vec::new();
    let mut add = |sql: &mut String, clause: &str, v: Val| {
        params.push(v);
        sql.push_str(&format!(" AND {clause} ${}", params.len()));
    };
    if let Some(u) = &q.user_name {
        add(&mut sql, "user_name =", u.as_str().into());
    }
    if let Some(k) = &q.target_kind {
        add(&mut sql, "target_kind =", k.as_str().into());
    }
    if let Some(t) = &q.target_id {
        add(&mut sql, "target_id =", t.as_str().into());
    }
    if let Some(f) = q.from {
        add(&mut sql, "at >=", ts(f).into());
    }
    if let Some(t) = q.to {
        add(&mut sql, "at <", ts(t).into());
    }
    let limit = if q.limit == 0 { 500 } else { q.limit };
    sql.push_str(&format!(" ORDER BY id DESC LIMIT {limit}"));
    tx.query(&sql, &params)?
        .iter()
        .map(|r| {
            Ok(AuditEntry {
                id: int(r, 0, "audit_log", "id")?,
                at: time(&r[1], "audit_log", "at")?,
                user_id: r[2].int(),
                user_name: r[3].text().unwrap_or_default(),
                action: r[4].text().unwrap_or_default(),
                target_kind: r[5].text().unwrap_or_default(),
                target_id: r[6].text().unwrap_or_default(),
                client_ip: r[7].text().unwrap_or_default(),
                detail: r[8].text().unwrap_or_default(),
            })
        })
        .collect()
}

/// The columns [`family_case_row`] reads, in order.
const CASE_COLUMNS: &str =
    "family_id, status, lead_worker_user_id, updated_at, updated_by, status_since, assigned_at";

fn family_case_row(r: &[Val]) -> Result<FamilyCase> {
    let updated_at = time(&r[3], "family_case", "updated_at")?;
    Ok(FamilyCase {
        family_id: int(r, 0, "family_case", "family_id")?,
        status: r[1].text().unwrap_or_default(),
        lead_worker_user_id: r[2].int(),
        updated_at,
        updated_by: r[4].text().unwrap_or_default(),
        status_since: match &r[5] {
            Val::Null => updated_at,
            v => time(v, "family_case", "status_since")?,
        },
        assigned_at: match &r[6] {
            Val::Null => None,
            v => Some(time(v, "family_case", "assigned_at")?),
        },
    })
}

pub(crate) fn family_cases(tx: &mut dyn Tx) -> Result<Vec<FamilyCase>> {
    tx.query(
        &format!("SELECT {CASE_COLUMNS} FROM family_case ORDER BY family_id"),
        &[],
    )?
    .iter()
    .map(|r| family_case_row(r))
    .collect()
}

pub(crate) fn family_case(tx: &mut dyn Tx, family_id: i64) -> Result<Option<FamilyCase>> {
    tx.query(
        &format!("SELECT {CASE_COLUMNS} FROM family_case WHERE family_id = $1"),
        &[family_id.into()],
    )?
    .first()
    .map(|r| family_case_row(r))
    .transpose()
}

pub(crate) fn save_family_case(tx: &mut dyn Tx, c: &FamilyCase) -> Result<()> {
    // Placeholders appear in order: SQLite numbers `$N` by first appearance.
    let params = [
        c.status.as_str().into(),
        c.lead_worker_user_id.into(),
        ts(c.updated_at).into(),
        c.updated_by.as_str().into(),
        ts(c.status_since).into(),
        c.assigned_at.map(ts).into(),
        c.family_id.into(),
    ];
    let n = tx.exec(
        "UPDATE family_case SET status = $1, lead_worker_user_id = $2, updated_at = $3, \
         updated_by = $4, status_since = $5, assigned_at = $6 WHERE family_id = $7",
        &params,
    )?;
    if n == 0 {
        tx.exec(
            "INSERT INTO family_case (status, lead_worker_user_id, updated_at, updated_by, \
             status_since, assigned_at, family_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &params,
        )?;
    }
    Ok(())
}

pub(crate) fn add_case_note(tx: &mut dyn Tx, n: &CaseNote) -> Result<i64> {
    let rows = tx.query(
        "INSERT INTO case_note (family_id, author_user_id, written_at, body) \
         VALUES ($1, $2, $3, $4) RETURNING id",
        &[
            n.family_id.into(),
            n.author_user_id.into(),
            ts(n.written_at).into(),
            n.body.as_str().into(),
        ],
    )?;
    rows.first()
        .and_then(|r| r[0].int())
        .ok_or_else(|| corrupt("case_note", "id", 0))
}

pub(crate) fn case_notes(tx: &mut dyn Tx, family_id: i64) -> Result<Vec<CaseNote>> {
    tx.query(
        "SELECT id, family_id, author_user_id, written_at, body FROM case_note \
         WHERE family_id = $1 ORDER BY id",
        &[family_id.into()],
    )?
    .iter()
    .map(|r| {
        Ok(CaseNote {
            id: int(r, 0, "case_note", "id")?,
            family_id: int(r, 1, "case_note", "family_id")?,
            author_user_id: int(r, 2, "case_note", "author_user_id")?,
            written_at: time(&r[3], "case_note", "written_at")?,
            body: r[4].text().unwrap_or_default(),
        })
    })
    .collect()
}

pub(crate) fn person_identities(tx: &mut dyn Tx, people: &[i64]) -> Result<Vec<PersonIdentity>> {
    let mut out = Vec::new();
    for chunk in people.chunks(500) {
        // Written by each linkage run from `identity` and `person_record` (grouped there).
        let sql = format!(
            "SELECT person_id, record_id, given_name, family_name, full_name, \
             CAST(date_of_birth AS TEXT), address, postcode, records \
             FROM person_identity WHERE person_id IN ({}) ORDER BY person_id, record_id",
            crate::results::placeholders(chunk.len())
        );
        let params: Vec<Val> = chunk.iter().map(|&p| Val::Int(p)).collect();
        for r in tx.query(&sql, &params)? {
            out.push(PersonIdentity {
                person_id: int(&r, 0, "person_record", "person_id")?,
                record_id: int(&r, 1, "identity", "record_id")?,
                given_name: r[2].text(),
                family_name: r[3].text(),
                full_name: r[4].text(),
                date_of_birth: r[5].text().and_then(|t| {
                    NaiveDate::parse_from_str(&t[..t.len().min(10)], "%Y-%m-%d").ok()
                }),
                address: r[6].text(),
                postcode: r[7].text(),
                records: int(&r, 8, "identity", "count")?,
            });
        }
    }
    Ok(out)
}

/// A session with its account, in one query (the look-up of every signed-in request).
pub(crate) fn session_with_user(
    tx: &mut dyn Tx,
    token_sha256: &str,
) -> Result<Option<(SessionRecord, UserRecord)>> {
    tx.query(
        "SELECT u.id, u.user_name, u.display_name, u.role, u.password_hash, u.active, \
         u.created_at, s.token_sha256, s.user_id, s.csrf_token, s.created_at, s.last_seen_at \
         FROM web_session s JOIN web_user u ON u.id = s.user_id WHERE s.token_sha256 = $1",
        &[token_sha256.into()],
    )?
    .first()
    .map(|r| {
        let session = SessionRecord {
            token_sha256: r[7].text().unwrap_or_default(),
            user_id: int(r, 8, "web_session", "user_id")?,
            csrf_token: r[9].text().unwrap_or_default(),
            created_at: time(&r[10], "web_session", "created_at")?,
            last_seen_at: time(&r[11], "web_session", "last_seen_at")?,
        };
        Ok((session, user(&r[..7])?))
    })
    .transpose()
}

/// The most audit lines written by one statement.
pub(crate) const AUDIT_CHUNK: usize = 32;

/// Appends several lines to the audit log, [`AUDIT_CHUNK`] to a statement.
pub(crate) fn append_audits(tx: &mut dyn Tx, entries: &[AuditEntry]) -> Result<()> {
    for chunk in entries.chunks(AUDIT_CHUNK) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p: Vec<String> = (1..=8).map(|c| format!("${}", i * 8 + c)).collect();
                format!("({})", p.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO audit_log (at, user_id, user_name, action, target_kind, target_id, \
             client_ip, detail) VALUES {}",
            rows.join(", ")
        );
        let mut params: Vec<Val> = Vec::with_capacity(chunk.len() * 8);
        for e in chunk {
            params.extend(audit_values(e));
        }
        let n = tx.exec(&sql, &params)?;
        if n != chunk.len() as u64 {
            return Err(corrupt("audit_log", "id", 0));
        }
    }
    Ok(())
}

/// The cases whose lead worker is this account, by family.
pub(crate) fn lead_worker_cases(tx: &mut dyn Tx, user_id: i64) -> Result<Vec<FamilyCase>> {
    tx.query(
        &format!(
            "SELECT {CASE_COLUMNS} FROM family_case WHERE lead_worker_user_id = $1 \
             ORDER BY family_id"
        ),
        &[user_id.into()],
    )?
    .iter()
    .map(|r| family_case_row(r))
    .collect()
}

/// What a viewer may read of a family's record, decided from its case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FamilyReads {
    /// The members' identifiers (names, dates of birth, addresses).
    pub identifiers: bool,
    /// The case notes.
    pub notes: bool,
}

/// A family's record as read for a page: its case and, if the viewer may open it, the
/// evidence of one identification run, the records behind it, and what [`FamilyReads`]
/// allows.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilyView {
    /// The family's case, if it has one.
    pub case: Option<FamilyCase>,
    /// What the viewer may read (`None`: the viewer may not open the family, and nothing
    /// else was read).
    pub reads: Option<FamilyReads>,
    /// The run's evidence for the family (empty unless asked for).
    pub evidence: Vec<crate::EvidenceRow>,
    /// The partner records the evidence cites, and every record of the members (read with
    /// the evidence: the family's timeline and the agencies involved).
    pub trails: Vec<crate::RecordTrail>,
    /// Whose each member's record is: (record key, person), for the records in `trails`
    /// linked to a member.
    pub record_people: Vec<(i64, i64)>,
    /// The members' identifiers (empty unless `reads.identifiers`).
    pub identities: Vec<PersonIdentity>,
    /// The case notes (`None` unless `reads.notes`).
    pub notes: Option<Vec<CaseNote>>,
}

/// Every record linked to these people: (record key, person).
fn members_records(tx: &mut dyn Tx, people: &[i64]) -> Result<Vec<(i64, i64)>> {
    let mut out = Vec::new();
    for chunk in people.chunks(500) {
        let sql = format!(
            "SELECT record_id, person_id FROM person_record WHERE person_id IN ({}) \
             ORDER BY record_id",
            crate::results::placeholders(chunk.len())
        );
        let params: Vec<Val> = chunk.iter().map(|&p| Val::Int(p)).collect();
        for r in tx.query(&sql, &params)? {
            out.push((
                int(&r, 0, "person_record", "record_id")?,
                int(&r, 1, "person_record", "person_id")?,
            ));
        }
    }
    Ok(out)
}

pub(crate) fn family_view(
    tx: &mut dyn Tx,
    family_id: i64,
    run_id: Option<i64>,
    with_evidence: bool,
    people: &[i64],
    decide: impl FnOnce(Option<&FamilyCase>) -> Option<FamilyReads>,
    known_case: Option<Option<FamilyCase>>,
) -> Result<FamilyView> {
    let case = match known_case {
        Some(case) => case,
        None => family_case(tx, family_id)?,
    };
    let reads = decide(case.as_ref());
    let mut view = FamilyView {
        case,
        reads,
        evidence: Vec::new(),
        trails: Vec::new(),
        record_people: Vec::new(),
        identities: Vec::new(),
        notes: None,
    };
    let (Some(reads), Some(run_id)) = (reads, run_id) else {
        return Ok(view);
    };
    if with_evidence {
        view.evidence = crate::results::evidence(tx, run_id, Some(family_id))?;
        view.record_people = members_records(tx, people)?;
        let mut ids: Vec<crate::RecordId> = view
            .evidence
            .iter()
            .flat_map(|e| e.record_ids.iter().map(|&r| crate::RecordId(r)))
            .chain(view.record_people.iter().map(|&(r, _)| crate::RecordId(r)))
            .collect();
        ids.sort();
        ids.dedup();
        view.trails = crate::results::record_trails(tx, &ids)?;
    }
    if reads.identifiers {
        view.identities = person_identities(tx, people)?;
    }
    if reads.notes {
        view.notes = Some(case_notes(tx, family_id)?);
    }
    Ok(view)
}
