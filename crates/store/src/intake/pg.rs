//! The import path on PostgreSQL: a batch's rows through `COPY … FROM STDIN` (text format)
//! under an advisory lock per schema, record keys reserved as a block, statistics refreshed
//! afterwards; and the bulk loads that feed linkage and identification.
//!
//! PostgreSQL only; SQLite's import is in `intake::sqlite`.

use super::attributes::parse_attributes;
use super::batch::{
    batch_context, micros, to_i64, BatchId, BatchInfo, BatchVersion, CrashHook, Importer, NewBatch,
    RecordId, SourceCount, WriteOutcome,
};
use crate::backend::Backend;
use crate::error::{pg_error, Context, Result, StoreError};
use crate::pg::{copy_escape, lock, PgStore, LOCK_IMPORT};
use chrono::{DateTime, NaiveDate, Utc};
use hearth_model::{
    AttrValue, Fact, Identity, ImportedRow, NhsNumber, NiNumber, Postcode, QuarantinedRow, Sex, Upn,
};
use postgres::fallible_iterator::FallibleIterator;
use postgres::GenericClient;
use std::collections::BTreeMap;
use std::io::Write;

const BATCH_COLUMNS: &str = "id, source, file_name, file_sha256, imported_by, imported_at, \
                             rows_read, rows_imported, rows_quarantined";

impl Importer for PgStore {
    fn find_batch(&mut self, source: &str, sha: &str) -> Result<Option<BatchInfo>> {
        find_batch(&mut self.client, source, sha)
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
        let mut tx = self.client.transaction().context(op)?;
        // One import at a time per schema: makes the duplicate check and the block allocation
        // of record keys race-free. The unique constraint stays as the last line of defence.
        lock(&mut tx, LOCK_IMPORT).context(op)?;
        if let Some(earlier) = find_batch(&mut tx, &meta.source, &meta.file_sha256)? {
            return Ok(WriteOutcome::AlreadyImported(earlier));
        }
        let inserted = tx.query_one(
            "INSERT INTO import_batch (source, file_name, file_sha256, imported_by, imported_at,
                                       rows_read, rows_imported, rows_quarantined, source_name)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            &[
                &meta.source,
                &meta.file_name,
                &meta.file_sha256,
                &meta.imported_by,
                &micros(meta.imported_at),
                &to_i64(meta.rows_read),
                &to_i64(rows.len() as u64),
                &to_i64(quarantined.len() as u64),
                &meta.source_name,
            ],
        );
        let batch_id: i64 = match inserted {
            Ok(row) => row.get(0),
            Err(e) if e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION) => {
                drop(tx); // rolls back
                return match find_batch(&mut self.client, &meta.source, &meta.file_sha256)? {
                    Some(earlier) => Ok(WriteOutcome::AlreadyImported(earlier)),
                    None => Err(pg_error(op(), &e)),
                };
            }
            Err(e) => return Err(pg_error(op(), &e)),
        };
        let carried = super::versions::apply(
            &mut crate::pg::PgTx {
                client: &mut tx,
                statements: &mut self.statements,
            },
            &meta.source,
            batch_id,
            version,
        )?;
        hook.after_rows(0, || ());

        // Reserve a block of record keys. Sequences are not transactional: a rolled-back
        // import burns its keys, which is what we want (keys are never reused).
        let first_id: i64 = if rows.is_empty() {
            0
        } else {
            let n = to_i64(rows.len() as u64);
            let last: i64 = tx
                .query_one(
                    "SELECT setval('record_id_seq', nextval('record_id_seq') + $1 - 1)",
                    &[&n],
                )
                .context(op)?
                .get(0);
            last - n + 1
        };

        let mut buf = Vec::with_capacity(512);
        {
            let mut copy = tx
                .copy_in(
                    "COPY record (record_id, batch_id, source, source_row, event_type, \
                     event_date, end_date, attributes) FROM STDIN",
                )
                .context(op)?;
            for (n, row) in rows.iter().enumerate() {
                let f = &row.fact;
                buf.clear();
                field_int(&mut buf, first_id + n as i64);
                field_int(&mut buf, batch_id);
                field_text(&mut buf, Some(&meta.source));
                field_int(&mut buf, to_i64(row.source_row));
                field_text(&mut buf, Some(&f.event_type));
                field_date(&mut buf, f.event_date);
                field_date(&mut buf, f.end_date);
                let json =
                    serde_json::to_string(&f.attributes).map_err(|_| StoreError::InvalidRow {
                        partner_source: meta.source.clone(),
                        source_row: row.source_row,
                        field: "attributes".into(),
                        problem: "cannot be written as JSON",
                    })?;
                field_text(&mut buf, Some(&json));
                end_line(&mut buf);
                copy.write_all(&buf).map_err(|e| copy_error(op(), e))?;
                hook.after_rows(n as u64 + 1, || {
                    let _ = copy.flush();
                });
            }
            copy.finish().context(op)?;
        }
        {
            let mut copy = tx
                .copy_in(
                    "COPY identity (record_id, source_person_id, given_name, middle_name, \
                     family_name, full_name, date_of_birth, sex, address, postcode, nhs_number, \
                     ni_number, upn) FROM STDIN",
                )
                .context(op)?;
            for (n, row) in rows.iter().enumerate() {
                let i = &row.identity;
                buf.clear();
                field_int(&mut buf, first_id + n as i64);
                field_text(&mut buf, i.source_person_id.as_deref());
                field_text(&mut buf, i.given_name.as_deref());
                field_text(&mut buf, i.middle_name.as_deref());
                field_text(&mut buf, i.family_name.as_deref());
                field_text(&mut buf, i.full_name.as_deref());
                field_date(&mut buf, i.date_of_birth);
                field_text(&mut buf, i.sex.map(Sex::code));
                field_text(&mut buf, i.address.as_deref());
                field_text(&mut buf, i.postcode.as_ref().map(Postcode::as_str));
                field_text(&mut buf, i.nhs_number.as_ref().map(NhsNumber::as_str));
                field_text(&mut buf, i.ni_number.as_ref().map(NiNumber::as_str));
                field_text(&mut buf, i.upn.as_ref().map(Upn::as_str));
                end_line(&mut buf);
                copy.write_all(&buf).map_err(|e| copy_error(op(), e))?;
            }
            copy.finish().context(op)?;
        }
        if !quarantined.is_empty() {
            let mut copy = tx
                .copy_in(
                    "COPY quarantine (batch_id, source, file_name, source_row, field, reason, \
                     raw) FROM STDIN",
                )
                .context(op)?;
            for q in quarantined {
                let raw = serde_json::to_string(&q.raw).unwrap_or_else(|_| "[]".into());
                buf.clear();
                field_int(&mut buf, batch_id);
                field_text(&mut buf, Some(&meta.source));
                field_text(&mut buf, Some(&meta.file_name));
                field_int(&mut buf, to_i64(q.source_row));
                field_text(&mut buf, q.field.as_deref());
                field_text(&mut buf, Some(&q.reason));
                field_text(&mut buf, Some(&raw));
                end_line(&mut buf);
                copy.write_all(&buf).map_err(|e| copy_error(op(), e))?;
            }
            copy.finish().context(op)?;
        }
        super::versions::carry_people(
            &mut crate::pg::PgTx {
                client: &mut tx,
                statements: &mut self.statements,
            },
            batch_id,
            &carried,
        )?;
        let info = batch_by_id(&mut tx, batch_id)?;
        tx.commit().context(op)?;
        self.analyze(&["record", "identity", "import_batch"])?;
        Ok(WriteOutcome::Imported(info))
    }

    fn batches(&mut self) -> Result<Vec<BatchInfo>> {
        let op = || "listing batches".to_string();
        self.client
            .query(
                &format!("SELECT {BATCH_COLUMNS} FROM import_batch ORDER BY id"),
                &[],
            )
            .context(op)?
            .iter()
            .map(batch_from_row)
            .collect()
    }

    fn source_counts(&mut self) -> Result<Vec<SourceCount>> {
        let op = || "counting per source".to_string();
        let rows = self
            .client
            .query(
                "SELECT source, count(*)::bigint, sum(rows_read)::bigint,
                        sum(rows_imported)::bigint, sum(rows_quarantined)::bigint
                 FROM import_batch WHERE superseded_by IS NULL
                 GROUP BY source ORDER BY source",
                &[],
            )
            .context(op)?;
        rows.iter()
            .map(|r| {
                Ok(SourceCount {
                    source: r.try_get(0).context(op)?,
                    batches: r.try_get::<_, i64>(1).context(op)? as u64,
                    rows_read: r.try_get::<_, i64>(2).context(op)? as u64,
                    rows_imported: r.try_get::<_, i64>(3).context(op)? as u64,
                    rows_quarantined: r.try_get::<_, i64>(4).context(op)? as u64,
                })
            })
            .collect()
    }

    fn quarantine_for(&mut self, batch: BatchId) -> Result<Vec<QuarantinedRow>> {
        let op = || format!("reading the quarantine of {batch}");
        let rows = self
            .client
            .query(
                "SELECT id, source_row, field, reason, raw FROM quarantine
                 WHERE batch_id = $1 ORDER BY source_row, id",
                &[&batch.0],
            )
            .context(op)?;
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get(0).context(op)?;
                let raw: String = r.try_get(4).context(op)?;
                Ok(QuarantinedRow {
                    source_row: r.try_get::<_, i64>(1).context(op)? as u64,
                    field: r.try_get(2).context(op)?,
                    reason: r.try_get(3).context(op)?,
                    raw: serde_json::from_str(&raw).map_err(|_| StoreError::Corrupt {
                        table: "quarantine",
                        column: "raw",
                        key: id,
                    })?,
                })
            })
            .collect()
    }

    fn load_identities(&mut self) -> Result<Vec<(RecordId, String, Identity)>> {
        let op = || "loading identities".to_string();
        let mut rows = self
            .client
            .query_raw(
                "SELECT i.record_id, r.source, i.source_person_id, i.given_name, i.middle_name,
                        i.family_name, i.full_name, i.date_of_birth, i.sex, i.address,
                        i.postcode, i.nhs_number, i.ni_number, i.upn
                 FROM identity i JOIN record r ON r.record_id = i.record_id
                 ORDER BY i.record_id",
                std::iter::empty::<i64>(),
            )
            .context(op)?;
        let mut out = Vec::with_capacity(rows.size_hint().0);
        while let Some(r) = rows.next().context(op)? {
            let key: i64 = r.try_get(0).context(op)?;
            let corrupt = |column| StoreError::Corrupt {
                table: "identity",
                column,
                key,
            };
            let text = |i: usize| r.try_get::<_, Option<&str>>(i).context(op);
            let identity = Identity {
                source_person_id: text(2)?.map(str::to_owned),
                given_name: text(3)?.map(str::to_owned),
                middle_name: text(4)?.map(str::to_owned),
                family_name: text(5)?.map(str::to_owned),
                full_name: text(6)?.map(str::to_owned),
                date_of_birth: r.try_get::<_, Option<NaiveDate>>(7).context(op)?,
                sex: match text(8)? {
                    None => None,
                    Some(s) => Some(Sex::parse(s).ok_or_else(|| corrupt("sex"))?),
                },
                address: text(9)?.map(str::to_owned),
                postcode: text(10)?
                    .map(|s| Postcode::parse(s).map_err(|_| corrupt("postcode")))
                    .transpose()?,
                nhs_number: text(11)?
                    .map(|s| NhsNumber::parse(s).map_err(|_| corrupt("nhs_number")))
                    .transpose()?,
                ni_number: text(12)?
                    .map(|s| NiNumber::parse(s).map_err(|_| corrupt("ni_number")))
                    .transpose()?,
                upn: text(13)?
                    .map(|s| Upn::parse(s).map_err(|_| corrupt("upn")))
                    .transpose()?,
            };
            out.push((RecordId(key), r.try_get(1).context(op)?, identity));
        }
        Ok(out)
    }

    fn load_facts(&mut self) -> Result<Vec<(RecordId, String, Fact)>> {
        let op = || "loading facts".to_string();
        let mut rows = self
            .client
            .query_raw(
                "SELECT record_id, source, event_type, event_date, end_date, attributes::text
                 FROM record ORDER BY record_id",
                std::iter::empty::<i64>(),
            )
            .context(op)?;
        let mut out = Vec::with_capacity(rows.size_hint().0);
        while let Some(r) = rows.next().context(op)? {
            let key: i64 = r.try_get(0).context(op)?;
            let json: &str = r.try_get(5).context(op)?;
            let attributes: BTreeMap<String, AttrValue> =
                parse_attributes(json.as_bytes()).ok_or(StoreError::Corrupt {
                    table: "record",
                    column: "attributes",
                    key,
                })?;
            let fact = Fact {
                event_type: r.try_get(2).context(op)?,
                event_date: r.try_get(3).context(op)?,
                end_date: r.try_get(4).context(op)?,
                attributes,
            };
            out.push((RecordId(key), r.try_get(1).context(op)?, fact));
        }
        Ok(out)
    }

    fn record_batches(&mut self) -> Result<Vec<(RecordId, BatchId)>> {
        let op = || "reading each record's batch".to_string();
        let rows = self
            .client
            .query(
                "SELECT record_id, batch_id FROM record ORDER BY record_id",
                &[],
            )
            .context(op)?;
        rows.iter()
            .map(|r| {
                Ok((
                    RecordId(r.try_get(0).context(op)?),
                    BatchId(r.try_get(1).context(op)?),
                ))
            })
            .collect()
    }
}

fn find_batch(
    client: &mut impl GenericClient,
    source: &str,
    sha: &str,
) -> Result<Option<BatchInfo>> {
    client
        .query_opt(
            &format!(
                "SELECT {BATCH_COLUMNS} FROM import_batch WHERE source = $1 AND file_sha256 = $2"
            ),
            &[&source, &sha],
        )
        .context(|| format!("looking up a batch (source {source})"))?
        .as_ref()
        .map(batch_from_row)
        .transpose()
}

fn batch_by_id(client: &mut impl GenericClient, id: i64) -> Result<BatchInfo> {
    let row = client
        .query_one(
            &format!("SELECT {BATCH_COLUMNS} FROM import_batch WHERE id = $1"),
            &[&id],
        )
        .context(|| format!("reading batch {id}"))?;
    batch_from_row(&row)
}

fn batch_from_row(r: &postgres::Row) -> Result<BatchInfo> {
    let op = || "reading a batch".to_string();
    Ok(BatchInfo {
        id: BatchId(r.try_get(0).context(op)?),
        source: r.try_get(1).context(op)?,
        file_name: r.try_get(2).context(op)?,
        file_sha256: r.try_get(3).context(op)?,
        imported_by: r.try_get(4).context(op)?,
        imported_at: r.try_get::<_, DateTime<Utc>>(5).context(op)?,
        rows_read: r.try_get::<_, i64>(6).context(op)? as u64,
        rows_imported: r.try_get::<_, i64>(7).context(op)? as u64,
        rows_quarantined: r.try_get::<_, i64>(8).context(op)? as u64,
    })
}

fn copy_error(operation: String, e: std::io::Error) -> StoreError {
    StoreError::Database {
        operation,
        backend: Backend::Postgres,
        code: None,
        message: format!("COPY stream: {}", e.kind()),
    }
}

// COPY text format: tab-separated, `\N` for NULL, backslash escapes, one line per row.

fn sep(buf: &mut Vec<u8>) {
    if !buf.is_empty() {
        buf.push(b'\t');
    }
}

fn field_int(buf: &mut Vec<u8>, v: i64) {
    sep(buf);
    let _ = write!(buf, "{v}");
}

fn field_date(buf: &mut Vec<u8>, v: Option<NaiveDate>) {
    sep(buf);
    match v {
        Some(d) => {
            let _ = write!(buf, "{}", d.format("%Y-%m-%d"));
        }
        None => buf.extend_from_slice(b"\\N"),
    }
}

fn field_text(buf: &mut Vec<u8>, v: Option<&str>) {
    sep(buf);
    match v {
        Some(s) => copy_escape(buf, s),
        None => buf.extend_from_slice(b"\\N"),
    }
}

fn end_line(buf: &mut Vec<u8>) {
    buf.push(b'\n');
}
