//! The audit log's hash chain: each line's `hash` is SHA-256 of the previous line's hash, a
//! newline, and the line's stored values as a JSON array (`at`, `user_id`, `user_name`,
//! `action`, `target_kind`, `target_id`, `client_ip`, `detail`). `audit_chain_head` holds
//! the newest line (so a cut-off end is seen) and is the row lock that orders writers.

use crate::error::Result;
use crate::handle::Store;
use crate::sql::{corrupt, Tx, Val};
use sha2::{Digest, Sha256};

/// The chain's head, locked for the rest of the transaction.
pub(super) struct Head {
    last_hash: String,
}

/// Locks the chain's head (an update of its one row: a row lock on PostgreSQL, the write
/// lock on SQLite) and reads the newest hash.
pub(super) fn lock_head(tx: &mut dyn Tx) -> Result<Head> {
    let rows = tx.query(
        "UPDATE audit_chain_head SET last_id = last_id WHERE id = 1 RETURNING last_hash",
        &[],
    )?;
    let last_hash = rows
        .first()
        .and_then(|r| r[0].text())
        .ok_or_else(|| corrupt("audit_chain_head", "last_hash", 1))?;
    Ok(Head { last_hash })
}

impl Head {
    /// The (previous, own) hashes of the next line, which becomes the newest.
    pub(super) fn link(&mut self, values: &[Val]) -> (String, String) {
        let hash = line_hash(&self.last_hash, values);
        let prev = std::mem::replace(&mut self.last_hash, hash.clone());
        (prev, hash)
    }

    /// Records the newest line.
    pub(super) fn save(self, tx: &mut dyn Tx, last_id: i64) -> Result<()> {
        tx.exec(
            "UPDATE audit_chain_head SET last_id = $1, last_hash = $2 WHERE id = 1",
            &[last_id.into(), self.last_hash.into()],
        )?;
        Ok(())
    }
}

fn line_hash(prev: &str, values: &[Val]) -> String {
    let json: Vec<serde_json::Value> = values
        .iter()
        .map(|v| match v {
            Val::Null => serde_json::Value::Null,
            Val::Int(i) => (*i).into(),
            Val::Real(r) => (*r).into(),
            Val::Text(t) => t.as_str().into(),
        })
        .collect();
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(serde_json::Value::Array(json).to_string().as_bytes());
    format!("{:x}", h.finalize())
}

/// What `hearth audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Lines checked, chained or not.
    pub lines: u64,
    /// Lines written before the chain began (no hash); only allowed before the first
    /// chained line.
    pub before_chain: u64,
    /// The newest line's id and hash, when the chain holds: a value to write down elsewhere,
    /// so that even a rewrite of the whole log would show.
    pub head: Option<(i64, String)>,
    /// The first broken link, if any.
    pub broken: Option<ChainBreak>,
}

/// Where and how the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The first line that does not follow from the one before (0: the end is missing).
    pub id: i64,
    /// What is wrong, in words.
    pub reason: String,
}

/// Lines read per page while verifying, so memory stays flat however long the log.
const PAGE: i64 = 10_000;

impl Store {
    /// Walks the whole audit log in order and checks every link of its hash chain.
    pub fn verify_audit_chain(&mut self) -> Result<ChainReport> {
        self.with_read(verify)
    }
}

fn verify(tx: &mut dyn Tx) -> Result<ChainReport> {
    let anchors: Vec<String> = tx
        .query("SELECT hash FROM audit_chain_anchor", &[])?
        .iter()
        .filter_map(|r| r[0].text())
        .collect();
    let head = tx.query(
        "SELECT last_id, last_hash FROM audit_chain_head WHERE id = 1",
        &[],
    )?;
    let (head_id, head_hash) = head
        .first()
        .and_then(|r| Some((r[0].int()?, r[1].text()?)))
        .ok_or_else(|| corrupt("audit_chain_head", "last_hash", 1))?;
    let mut report = ChainReport {
        lines: 0,
        before_chain: 0,
        head: None,
        broken: None,
    };
    let mut prev: Option<(i64, String)> = None;
    let mut after = 0i64;
    let fail = |report: &mut ChainReport, id: i64, reason: String| {
        report.broken = Some(ChainBreak { id, reason });
    };
    'pages: loop {
        let rows = tx.query(
            &format!(
                "SELECT id, at, user_id, user_name, action, target_kind, target_id, client_ip, \
                 detail, prev_hash, hash FROM audit_log WHERE id > $1 AND id <= $2 ORDER BY id \
                 LIMIT {PAGE}"
            ),
            // Only lines up to the head read first: writers commit their lines and the
            // head together, one writer at a time, so newer lines are simply not looked at.
            &[after.into(), head_id.into()],
        )?;
        if rows.is_empty() {
            break;
        }
        for r in &rows {
            let id = r[0].int().ok_or_else(|| corrupt("audit_log", "id", 0))?;
            after = id;
            report.lines += 1;
            let (stored_prev, stored_hash) = (r[9].text(), r[10].text());
            let Some(stored_hash) = stored_hash else {
                if prev.is_some() {
                    fail(
                        &mut report,
                        id,
                        "a line without a hash after the chain began".into(),
                    );
                    break 'pages;
                }
                report.before_chain += 1;
                continue;
            };
            let stored_prev = stored_prev.unwrap_or_default();
            let expected_prev = match &prev {
                Some((_, h)) => h == &stored_prev,
                None => anchors.contains(&stored_prev),
            };
            if !expected_prev {
                let why = match &prev {
                    Some((p, _)) => format!("does not follow line {p}: a line before it was changed, removed or inserted"),
                    None => "the chain's first line does not start from a recorded anchor".into(),
                };
                fail(&mut report, id, why);
                break 'pages;
            }
            if line_hash(&stored_prev, &r[1..9]) != stored_hash {
                fail(
                    &mut report,
                    id,
                    "its contents do not match its hash: it was changed".into(),
                );
                break 'pages;
            }
            prev = Some((id, stored_hash));
        }
    }
    if report.broken.is_none() {
        match &prev {
            Some((id, hash)) if *id == head_id && *hash == head_hash => {
                report.head = Some((*id, hash.clone()));
            }
            Some((id, _)) => fail(
                &mut report,
                0,
                format!("the log ends at line {id} but its head says line {head_id}: lines were cut off the end"),
            ),
            None if head_id > 0 && !anchors.contains(&head_hash) => fail(
                &mut report,
                0,
                format!("no chained line remains but the head says line {head_id}"),
            ),
            None => {}
        }
    }
    Ok(report)
}

/// One line of the audit log with its links, as exported for the data protection officer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainedLine {
    /// The line.
    pub entry: super::AuditEntry,
    /// The hash of the line before it (empty before the chain began).
    pub prev_hash: String,
    /// Its own hash (empty before the chain began).
    pub hash: String,
}

impl Store {
    /// The audit log in order, oldest first, `limit` lines after line `after`: a page of
    /// an export that can be checked line by line against the chain.
    pub fn audit_lines_after(&mut self, after: i64, limit: u32) -> Result<Vec<ChainedLine>> {
        self.with_read(|tx| {
            tx.query(
                &format!(
                    "SELECT id, at, user_id, user_name, action, target_kind, target_id, \
                     client_ip, detail, prev_hash, hash FROM audit_log WHERE id > $1 \
                     ORDER BY id LIMIT {limit}"
                ),
                &[after.into()],
            )?
            .iter()
            .map(|r| {
                Ok(ChainedLine {
                    entry: super::entry(r)?,
                    prev_hash: r[9].text().unwrap_or_default(),
                    hash: r[10].text().unwrap_or_default(),
                })
            })
            .collect()
        })
    }
}
