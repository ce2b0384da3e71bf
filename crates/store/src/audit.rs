//! The audit log: who saw or changed what, when and from where. Append-only (the schema
//! refuses updates and deletes) and hash-chained (`chain`: any edit, deletion or insertion
//! shows in [`Store::verify_audit_chain`]); searched newest first. Written once over the
//! portable [`Tx`] for both backends.
//!
//! It decides nothing about what to audit, and a line never carries personal data: the
//! callers write pseudonymous keys.

use crate::error::Result;
use crate::handle::Store;
use crate::sql::{corrupt, int, time, ts, Tx, Val};
use chrono::{DateTime, Utc};

mod chain;
pub use chain::{ChainBreak, ChainReport, ChainedLine};

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
    /// Only lines about one of these: `(target kind, keys)` (empty: no such condition), e.g.
    /// a person and their families ([`crate::PersonScope::audit_targets`]).
    pub any_of: Vec<(String, Vec<String>)>,
    /// From this time (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Before this time.
    pub to: Option<DateTime<Utc>>,
    /// Only accounts whose name contains this, in any case (`%` and `_` match themselves).
    pub user_contains: Option<String>,
    /// Only actions containing this, in any case.
    pub action_contains: Option<String>,
    /// Only lines older than this line (the next page after a page ending at it).
    pub before_id: Option<i64>,
    /// At most this many lines, newest first (0: 500).
    pub limit: u32,
}

/// `text` as a `LIKE … ESCAPE '\'` pattern matching it anywhere, lower-cased.
fn contains_pattern(text: &str) -> String {
    let mut p = String::from("%");
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

impl Store {
    /// Appends a line to the audit log (which refuses updates and deletes); returns its key.
    pub fn append_audit(&mut self, entry: &AuditEntry) -> Result<i64> {
        self.with_tx(|tx| append_audit(tx, entry))
    }

    /// Appends several lines to the audit log, all or none, in one transaction that holds
    /// the chain's head (so concurrent writers, in this process or another, chain in one
    /// order).
    pub fn append_audits(&mut self, entries: &[AuditEntry]) -> Result<()> {
        self.with_tx(|tx| append_audits(tx, entries))
    }

    /// Searches the audit log, newest first.
    pub fn audit_log(&mut self, query: &AuditQuery) -> Result<Vec<AuditEntry>> {
        self.with_read(|tx| audit_log(tx, query))
    }
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

fn append_audit(tx: &mut dyn Tx, e: &AuditEntry) -> Result<i64> {
    let mut head = chain::lock_head(tx)?;
    let (prev, hash) = head.link(&audit_values(e));
    let mut params = audit_values(e).to_vec();
    params.extend([Val::from(prev), Val::from(hash)]);
    let rows = tx.query(
        "INSERT INTO audit_log (at, user_id, user_name, action, target_kind, target_id, \
         client_ip, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         RETURNING id",
        &params,
    )?;
    let id = rows
        .first()
        .and_then(|r| r[0].int())
        .ok_or_else(|| corrupt("audit_log", "id", 0))?;
    head.save(tx, id)?;
    Ok(id)
}

fn audit_log(tx: &mut dyn Tx, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
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
    if let Some(u) = &q.user_contains {
        params.push(contains_pattern(u).into());
        sql.push_str(&format!(
            " AND lower(user_name) LIKE ${} ESCAPE '\\'",
            params.len()
        ));
    }
    if let Some(a) = &q.action_contains {
        params.push(contains_pattern(a).into());
        sql.push_str(&format!(
            " AND lower(action) LIKE ${} ESCAPE '\\'",
            params.len()
        ));
    }
    if let Some(b) = q.before_id {
        params.push(b.into());
        sql.push_str(&format!(" AND id < ${}", params.len()));
    }
    if !q.any_of.is_empty() {
        let mut parts = Vec::new();
        for (kind, keys) in q.any_of.iter().filter(|(_, keys)| !keys.is_empty()) {
            params.push(kind.as_str().into());
            let k = params.len();
            let mut list = Vec::new();
            for key in keys {
                params.push(key.as_str().into());
                list.push(format!("${}", params.len()));
            }
            parts.push(format!(
                "(target_kind = ${k} AND target_id IN ({}))",
                list.join(", ")
            ));
        }
        if parts.is_empty() {
            sql.push_str(" AND 1 = 0");
        } else {
            sql.push_str(&format!(" AND ({})", parts.join(" OR ")));
        }
    }
    let limit = if q.limit == 0 { 500 } else { q.limit };
    sql.push_str(&format!(" ORDER BY id DESC LIMIT {limit}"));
    tx.query(&sql, &params)?.iter().map(|r| entry(r)).collect()
}

/// A line from a row of `id, at, user_id, user_name, action, target_kind, target_id,
/// client_ip, detail`.
fn entry(r: &[Val]) -> Result<AuditEntry> {
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
}

/// The most audit lines written by one statement.
const AUDIT_CHUNK: usize = 32;

/// Appends several lines to the audit log, [`AUDIT_CHUNK`] to a statement, each chained to
/// the one before.
fn append_audits(tx: &mut dyn Tx, entries: &[AuditEntry]) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut head = chain::lock_head(tx)?;
    let mut last_id = 0;
    for chunk in entries.chunks(AUDIT_CHUNK) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p: Vec<String> = (1..=10).map(|c| format!("${}", i * 10 + c)).collect();
                format!("({})", p.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO audit_log (at, user_id, user_name, action, target_kind, target_id, \
             client_ip, detail, prev_hash, hash) VALUES {} RETURNING id",
            rows.join(", ")
        );
        let mut params: Vec<Val> = Vec::with_capacity(chunk.len() * 10);
        for e in chunk {
            let values = audit_values(e);
            let (prev, hash) = head.link(&values);
            params.extend(values);
            params.extend([Val::from(prev), Val::from(hash)]);
        }
        let ids = tx.query(&sql, &params)?;
        if ids.len() != chunk.len() {
            return Err(corrupt("audit_log", "id", 0));
        }
        for r in &ids {
            last_id = last_id.max(r[0].int().unwrap_or(0));
        }
    }
    head.save(tx, last_id)
}
