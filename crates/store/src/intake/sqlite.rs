//! The import path on SQLite: a batch's rows through prepared statements inside one
//! immediate transaction (which also makes the duplicate check race-free), and the bulk
//! loads that feed linkage and identification.
//!
//! SQLite only; PostgreSQL's import is in `intake::pg`.

use super::attributes::parse_attributes;
use super::batch::{
    batch_context, micros, to_i64, BatchId, BatchInfo, BatchVersion, CrashHook, Importer, NewBatch,
    RecordId, SourceCount, WriteOutcome,
};
use crate::error::{Context, Result, StoreError};
use crate::sqlite::SqliteStore;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use hearth_model::{
    AttrValue, Fact, Identity, ImportedRow, NhsNumber, NiNumber, Postcode, QuarantinedRow, Sex, Upn,
};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::collections::BTreeMap;

const BATCH_COLUMNS: &str = "id, source, file_name, file_sha256, imported_by, imported_at, \
                             rows_read, rows_imported, rows_quarantined";

impl Importer for SqliteStore {
    fn find_batch(&mut self, source: &str, sha: &str) -> Result<Option<BatchInfo>> {
        find_batch(&self.conn, source, sha)
    }

    fn write_batch(
        &mut self,
        meta: &NewBatch,
        rows: &[ImportedRow],
        quarantined: &[QuarantinedRow],
        version: &BatchVersion,
        hook: CrashHook,
    ) -> Result<WriteOutcome> {
        let op = || batch_context("writing a batch", meta);
        // IMMEDIATE takes the write lock now, so the duplicate check below cannot race.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context(op)?;
        if let Some(earlier) = find_batch(&tx, &meta.source, &meta.file_sha256)? {
            return Ok(WriteOutcome::AlreadyImported(earlier));
        }
        let inserted = tx.execute(
            "INSERT INTO import_batch (source, file_name, file_sha256, imported_by, imported_at,
                                       rows_read, rows_imported, rows_quarantined, source_name)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                meta.source,
                meta.file_name,
                meta.file_sha256,
                meta.imported_by,
                timestamp(meta.imported_at),
                to_i64(meta.rows_read),
                to_i64(rows.len() as u64),
                to_i64(quarantined.len() as u64),
                meta.source_name,
            ],
        );
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                drop(tx);
                return match find_batch(&self.conn, &meta.source, &meta.file_sha256)? {
                    Some(earlier) => Ok(WriteOutcome::AlreadyImported(earlier)),
                    None => Err(e).context(op),
                };
            }
            Err(e) => return Err(e).context(op),
        }
        let batch_id = tx.last_insert_rowid();
        let carried = super::versions::apply(
            &mut crate::sqlite::SqliteTx(&tx),
            &meta.source,
            batch_id,
            version,
        )?;
        hook.after_rows(0, || ());
        {
            let mut record = tx
                .prepare(
                    "INSERT INTO record (batch_id, source, source_row, event_type, event_date,
                                         end_date, attributes)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .context(op)?;
            let mut identity = tx
                .prepare(
                    "INSERT INTO identity (record_id, source_person_id, given_name, middle_name,
                         family_name, full_name, date_of_birth, sex, address, postcode,
                         nhs_number, ni_number, upn)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                )
                .context(op)?;
            for (n, row) in rows.iter().enumerate() {
                let f = &row.fact;
                let attributes =
                    serde_json::to_string(&f.attributes).map_err(|_| StoreError::InvalidRow {
                        partner_source: meta.source.clone(),
                        source_row: row.source_row,
                        field: "attributes".into(),
                        problem: "cannot be written as JSON",
                    })?;
                record
                    .execute(params![
                        batch_id,
                        meta.source,
                        to_i64(row.source_row),
                        f.event_type,
                        f.event_date.map(iso_date),
                        f.end_date.map(iso_date),
                        attributes,
                    ])
                    .context(op)?;
                let record_id = tx.last_insert_rowid();
                let i = &row.identity;
                identity
                    .execute(params![
                        record_id,
                        i.source_person_id,
                        i.given_name,
                        i.middle_name,
                        i.family_name,
                        i.full_name,
                        i.date_of_birth.map(iso_date),
                        i.sex.map(Sex::code),
                        i.address,
                        i.postcode.as_ref().map(Postcode::as_str),
                        i.nhs_number.as_ref().map(NhsNumber::as_str),
                        i.ni_number.as_ref().map(NiNumber::as_str),
                        i.upn.as_ref().map(Upn::as_str),
                    ])
                    .context(op)?;
                hook.after_rows(n as u64 + 1, || ());
            }
            let mut quarantine = tx
                .prepare(
                    "INSERT INTO quarantine (batch_id, source, file_name, source_row, field,
                                             reason, raw)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .context(op)?;
            for q in quarantined {
                let raw = serde_json::to_string(&q.raw).unwrap_or_else(|_| "[]".into());
                quarantine
                    .execute(params![
                        batch_id,
                        meta.source,
                        meta.file_name,
                        to_i64(q.source_row),
                        q.field,
                        q.reason,
                        raw,
                    ])
                    .context(op)?;
            }
        }
        super::versions::carry_people(&mut crate::sqlite::SqliteTx(&tx), batch_id, &carried)?;
        let info = batch_by_id(&tx, batch_id)?;
        tx.commit().context(op)?;
        Ok(WriteOutcome::Imported(info))
    }

    fn batches(&mut self) -> Result<Vec<BatchInfo>> {
        let op = || "listing batches".to_string();
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {BATCH_COLUMNS} FROM import_batch ORDER BY id"
            ))
            .context(op)?;
        let rows = stmt.query_map([], batch_from_row).context(op)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(r.context(op)??);
        }
        Ok(out)
    }

    fn source_counts(&mut self) -> Result<Vec<SourceCount>> {
        let op = || "counting per source".to_string();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT source, count(*), sum(rows_read), sum(rows_imported),
                        sum(rows_quarantined)
                 FROM import_batch WHERE superseded_by IS NULL
                 GROUP BY source ORDER BY source",
            )
            .context(op)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(SourceCount {
                    source: r.get(0)?,
                    batches: r.get::<_, i64>(1)? as u64,
                    rows_read: r.get::<_, i64>(2)? as u64,
                    rows_imported: r.get::<_, i64>(3)? as u64,
                    rows_quarantined: r.get::<_, i64>(4)? as u64,
                })
            })
            .context(op)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().context(op)
    }

    fn quarantine_for(&mut self, batch: BatchId) -> Result<Vec<QuarantinedRow>> {
        let op = || format!("reading the quarantine of {batch}");
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, source_row, field, reason, raw FROM quarantine
                 WHERE batch_id = ?1 ORDER BY source_row, id",
            )
            .context(op)?;
        let rows = stmt
            .query_map([batch.0], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })
            .context(op)?;
        let mut out = Vec::new();
        for r in rows {
            let (id, source_row, field, reason, raw) = r.context(op)?;
            let raw = serde_json::from_str(&raw).map_err(|_| StoreError::Corrupt {
                table: "quarantine",
                column: "raw",
                key: id,
            })?;
            out.push(QuarantinedRow {
                source_row: source_row as u64,
                field,
                reason,
                raw,
            });
        }
        Ok(out)
    }

    fn load_identities(&mut self) -> Result<Vec<(RecordId, String, Identity)>> {
        let op = || "loading identities".to_string();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT i.record_id, r.source, i.source_person_id, i.given_name, i.middle_name,
                        i.family_name, i.full_name, i.date_of_birth, i.sex, i.address,
                        i.postcode, i.nhs_number, i.ni_number, i.upn
                 FROM identity i JOIN record r ON r.record_id = i.record_id
                 ORDER BY i.record_id",
            )
            .context(op)?;
        let mut rows = stmt.query([]).context(op)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().context(op)? {
            let key: i64 = r.get(0).context(op)?;
            let corrupt = |column| StoreError::Corrupt {
                table: "identity",
                column,
                key,
            };
            let text = |i: usize| r.get::<_, Option<String>>(i).context(op);
            let identity = Identity {
                source_person_id: text(2)?,
                given_name: text(3)?,
                middle_name: text(4)?,
                family_name: text(5)?,
                full_name: text(6)?,
                date_of_birth: parse_opt(text(7)?, |s| s.parse::<NaiveDate>().ok())
                    .map_err(|_| corrupt("date_of_birth"))?,
                sex: parse_opt(text(8)?, |s| Sex::parse(&s)).map_err(|_| corrupt("sex"))?,
                address: text(9)?,
                postcode: parse_opt(text(10)?, |s| Postcode::parse(&s).ok())
                    .map_err(|_| corrupt("postcode"))?,
                nhs_number: parse_opt(text(11)?, |s| NhsNumber::parse(&s).ok())
                    .map_err(|_| corrupt("nhs_number"))?,
                ni_number: parse_opt(text(12)?, |s| NiNumber::parse(&s).ok())
                    .map_err(|_| corrupt("ni_number"))?,
                upn: parse_opt(text(13)?, |s| Upn::parse(&s).ok()).map_err(|_| corrupt("upn"))?,
            };
            out.push((RecordId(key), r.get(1).context(op)?, identity));
        }
        Ok(out)
    }

    fn load_facts(&mut self) -> Result<Vec<(RecordId, String, Fact)>> {
        let op = || "loading facts".to_string();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT record_id, source, event_type, event_date, end_date, attributes
                 FROM record ORDER BY record_id",
            )
            .context(op)?;
        let mut rows = stmt.query([]).context(op)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().context(op)? {
            let key: i64 = r.get(0).context(op)?;
            let corrupt = |column| StoreError::Corrupt {
                table: "record",
                column,
                key,
            };
            let date = |i: usize, column| {
                parse_opt(r.get::<_, Option<String>>(i).context(op)?, |s| {
                    s.parse::<NaiveDate>().ok()
                })
                .map_err(|_| corrupt(column))
            };
            let attributes: BTreeMap<String, AttrValue> = {
                let json = r.get_ref(5).context(op)?;
                let bytes = json.as_bytes().map_err(|_| corrupt("attributes"))?;
                parse_attributes(bytes).ok_or_else(|| corrupt("attributes"))?
            };
            let fact = Fact {
                event_type: r.get(2).context(op)?,
                event_date: date(3, "event_date")?,
                end_date: date(4, "end_date")?,
                attributes,
            };
            out.push((RecordId(key), r.get(1).context(op)?, fact));
        }
        Ok(out)
    }

    fn record_batches(&mut self) -> Result<Vec<(RecordId, BatchId)>> {
        let op = || "reading each record's batch".to_string();
        let mut stmt = self
            .conn
            .prepare("SELECT record_id, batch_id FROM record ORDER BY record_id")
            .context(op)?;
        let rows = stmt
            .query_map([], |r| Ok((RecordId(r.get(0)?), BatchId(r.get(1)?))))
            .context(op)?;
        rows.map(|r| r.context(op)).collect()
    }
}

fn find_batch(conn: &Connection, source: &str, sha: &str) -> Result<Option<BatchInfo>> {
    let op = || format!("looking up a batch (source {source})");
    conn.query_row(
        &format!("SELECT {BATCH_COLUMNS} FROM import_batch WHERE source = ?1 AND file_sha256 = ?2"),
        params![source, sha],
        batch_from_row,
    )
    .optional()
    .context(op)?
    .transpose()
}

fn batch_by_id(conn: &Connection, id: i64) -> Result<BatchInfo> {
    conn.query_row(
        &format!("SELECT {BATCH_COLUMNS} FROM import_batch WHERE id = ?1"),
        [id],
        batch_from_row,
    )
    .context(|| format!("reading batch {id}"))?
}

/// Reads a batch row; the outer result is SQLite's, the inner one the timestamp's parse.
fn batch_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<BatchInfo>> {
    let id: i64 = r.get(0)?;
    let imported_at: String = r.get(5)?;
    let Ok(imported_at) = DateTime::parse_from_rfc3339(&imported_at) else {
        return Ok(Err(StoreError::Corrupt {
            table: "import_batch",
            column: "imported_at",
            key: id,
        }));
    };
    Ok(Ok(BatchInfo {
        id: BatchId(id),
        source: r.get(1)?,
        file_name: r.get(2)?,
        file_sha256: r.get(3)?,
        imported_by: r.get(4)?,
        imported_at: imported_at.with_timezone(&Utc),
        rows_read: r.get::<_, i64>(6)? as u64,
        rows_imported: r.get::<_, i64>(7)? as u64,
        rows_quarantined: r.get::<_, i64>(8)? as u64,
    }))
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
    )
}

/// RFC 3339, UTC, microseconds: sorts as text and matches PostgreSQL's precision.
fn timestamp(t: DateTime<Utc>) -> String {
    micros(t).to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn iso_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Parses an optional stored value; `Err(())` when present but unreadable.
fn parse_opt<T>(
    v: Option<String>,
    parse: impl FnOnce(String) -> Option<T>,
) -> Result<Option<T>, ()> {
    match v {
        None => Ok(None),
        Some(s) => parse(s).map(Some).ok_or(()),
    }
}
