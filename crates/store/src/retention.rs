//! Retention and destruction: counting and purging what a retention policy says has expired,
//! one class of data per transaction, and the proof reports that are kept afterwards.
//!
//! The store knows no policy: the caller (the pipeline, from `hearth_governance::retention`)
//! passes each class's scope and the first day still kept. A purge of partner records removes
//! them from identity and facts and from every result that points at them (person links,
//! people's identifier sets, family members of people left with no record, identification
//! evidence rows naming a removed record, review pairs). The append-only tables refuse
//! deletes except inside a purge's transaction (`retention_permit`, migration 12); a purge of
//! the audit log removes its oldest lines only and records the last removed line's hash as an
//! anchor, so that `hearth audit verify` still holds.

use crate::backend::Backend;
use crate::error::{Context, Result};
use crate::handle::{Inner, Store};
use crate::sql::{corrupt, int, time, ts, Tx, Val};
use chrono::{DateTime, NaiveDate, Utc};

/// Partner records removed by the first transaction of a sliced purge on SQLite (see
/// [`Store::retention_purge`]); later slices are sized from the time the last one took.
pub const PURGE_SLICE: u64 = 5_000;

/// The work a sliced purge aims to do per transaction: a page waiting on the write lock waits
/// about this long.
const SLICE_TARGET: std::time::Duration = std::time::Duration::from_millis(200);

/// How a purge of partner records is cut into transactions.
#[derive(Clone, Copy)]
enum Slicing {
    /// One transaction.
    Whole,
    /// This many records per transaction.
    Fixed(u64),
    /// Starting with this many, then sized towards [`SLICE_TARGET`].
    Adaptive(u64),
}

/// The pause between two slices, so that writers queued behind the lock (SQLite's busy
/// handler sleeps up to 100 ms between tries) get it before the next slice.
const SLICE_PAUSE: std::time::Duration = std::time::Duration::from_millis(100);

/// Which partner sources a rule covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceFilter {
    /// Every source.
    All,
    /// One source.
    Only(String),
    /// Every source but these (which have rules of their own).
    AllBut(Vec<String>),
}

/// A class of data as the store purges it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PurgeScope {
    /// Partner records (identity, record and the results pointing at them) of the sources
    /// `sources`, dated by their batch's import date or (`by_record_date`) by their own end
    /// date, else event date, else import date.
    PartnerRecords {
        /// Which sources.
        sources: SourceFilter,
        /// Dated by the record's own date rather than its import.
        by_record_date: bool,
    },
    /// Quarantined rows, by their batch's import date.
    Quarantine,
    /// Closed cases and all their work, by the date the case was closed.
    CaseRecords,
    /// The audit log's oldest lines, by the date each was written.
    Audit,
    /// The log of extracts sent outside the council, by the date sent.
    Transfers,
    /// The recipients' research copies of extracts, by the date sent: counted, never deleted
    /// (Hearth holds none).
    ResearchCopies,
}

/// Rows of one class whose dating event fell in one month.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MonthCount {
    /// `YYYY-MM`.
    pub month: String,
    /// Rows (records, quarantined rows, cases, audit lines, transfers).
    pub count: u64,
}

/// One class's line of a proof report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClassCounts {
    /// The class's key, e.g. `partner_records`.
    pub class: String,
    /// For partner records with a rule of their own: the source.
    pub source: Option<String>,
    /// The event the period runs from, e.g. `import`.
    pub from: String,
    /// The first day kept: everything dated before it went.
    pub before: NaiveDate,
    /// What went (or would go), by month.
    pub months: Vec<MonthCount>,
}

/// A proof report: what one retention run destroyed (or, a dry run, would have). Holds no
/// personal data: classes, dates and counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionReport {
    /// Its key (0 before it is saved).
    pub id: i64,
    /// When it ran.
    pub run_at: DateTime<Utc>,
    /// Who ran it (an account name, or `hearth serve` for the daily run).
    pub run_by: String,
    /// Whether it destroyed (true) or only counted (false).
    pub applied: bool,
    /// SHA-256 of the policy file.
    pub policy_sha256: String,
    /// Each class.
    pub classes: Vec<ClassCounts>,
}

impl RetentionReport {
    /// Everything it counted.
    pub fn total(&self) -> u64 {
        self.classes
            .iter()
            .flat_map(|c| &c.months)
            .map(|m| m.count)
            .sum()
    }
}

/// The SQL fragments that differ between the backends: a text `YYYY-MM-DD…` clock for
/// columns typed as dates and timestamps on PostgreSQL, and reading a JSON array.
struct Dialect(Backend);

impl Dialect {
    fn batch_day(&self) -> &'static str {
        match self.0 {
            Backend::Sqlite => "substr(b.imported_at, 1, 10)",
            Backend::Postgres => "to_char(b.imported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
        }
    }
    fn record_day(&self) -> String {
        let own = match self.0 {
            Backend::Sqlite => "COALESCE(r.end_date, r.event_date)",
            Backend::Postgres => "to_char(COALESCE(r.end_date, r.event_date), 'YYYY-MM-DD')",
        };
        format!("COALESCE({own}, {})", self.batch_day())
    }
    /// True for an evidence row naming a record in `retention_record`.
    fn evidence_names_gone_record(&self) -> &'static str {
        match self.0 {
            Backend::Sqlite => {
                "EXISTS (SELECT 1 FROM json_each(evidence.record_ids) j \
                 JOIN retention_record g ON g.record_id = j.value)"
            }
            Backend::Postgres => {
                "EXISTS (SELECT 1 FROM jsonb_array_elements_text(evidence.record_ids::jsonb) j(v) \
                 JOIN retention_record g ON g.record_id = j.v::bigint)"
            }
        }
    }
}

/// `(FROM … WHERE … clause, its day expression, parameters)` selecting a scope's rows.
fn partner_selection(
    d: &Dialect,
    sources: &SourceFilter,
    by_record_date: bool,
    before: NaiveDate,
) -> (String, String, Vec<Val>) {
    let day = if by_record_date {
        d.record_day()
    } else {
        d.batch_day().to_string()
    };
    let mut params: Vec<Val> = vec![before.to_string().into()];
    let filter = match sources {
        SourceFilter::All => String::new(),
        SourceFilter::Only(s) => {
            params.push(s.clone().into());
            " AND b.source = $2".into()
        }
        SourceFilter::AllBut(v) if v.is_empty() => String::new(),
        SourceFilter::AllBut(v) => {
            let list = (0..v.len())
                .map(|i| format!("${}", i + 2))
                .collect::<Vec<_>>()
                .join(", ");
            params.extend(v.iter().map(|s| Val::from(s.clone())));
            format!(" AND b.source NOT IN ({list})")
        }
    };
    let from =
        format!("FROM record r JOIN import_batch b ON b.id = r.batch_id WHERE {day} < $1{filter}");
    (from, day, params)
}

fn months(rows: Vec<Vec<Val>>) -> Result<Vec<MonthCount>> {
    rows.iter()
        .map(|r| {
            Ok(MonthCount {
                month: r[0].text().unwrap_or_default(),
                count: u64::try_from(int(r, 1, "retention", "count")?).unwrap_or(0),
            })
        })
        .collect()
}

const CLOSED_CASES: &str = "SELECT family_id FROM family_case WHERE status = 'closed' \
                            AND COALESCE(status_since, updated_at) < $1";

/// What a scope would remove, by month (reads only).
fn count(
    tx: &mut dyn Tx,
    d: &Dialect,
    scope: &PurgeScope,
    before: NaiveDate,
) -> Result<Vec<MonthCount>> {
    let b: Val = before.to_string().into();
    let rows = match scope {
        PurgeScope::PartnerRecords {
            sources,
            by_record_date,
        } => {
            let (from, day, params) = partner_selection(d, sources, *by_record_date, before);
            tx.query(
                &format!("SELECT substr({day}, 1, 7) AS m, count(*) {from} GROUP BY 1 ORDER BY 1"),
                &params,
            )?
        }
        PurgeScope::Quarantine => {
            let day = d.batch_day();
            tx.query(
                &format!(
                    "SELECT substr({day}, 1, 7) AS m, count(*) FROM quarantine q \
                     JOIN import_batch b ON b.id = q.batch_id WHERE {day} < $1 \
                     GROUP BY 1 ORDER BY 1"
                ),
                &[b],
            )?
        }
        PurgeScope::CaseRecords => tx.query(
            "SELECT substr(COALESCE(status_since, updated_at), 1, 7) AS m, count(*) \
             FROM family_case WHERE status = 'closed' \
             AND COALESCE(status_since, updated_at) < $1 GROUP BY 1 ORDER BY 1",
            &[b],
        )?,
        PurgeScope::Audit => {
            let Some(cut) = audit_cut(tx, before)? else {
                return Ok(Vec::new());
            };
            tx.query(
                "SELECT substr(at, 1, 7) AS m, count(*) FROM audit_log WHERE id <= $1 \
                 GROUP BY 1 ORDER BY 1",
                &[cut.into()],
            )?
        }
        PurgeScope::Transfers | PurgeScope::ResearchCopies => tx.query(
            "SELECT substr(made_at, 1, 7) AS m, count(*) FROM extract_transfer \
             WHERE made_at < $1 GROUP BY 1 ORDER BY 1",
            &[b],
        )?,
    };
    months(rows)
}

/// The newest audit line written before `before`: lines up to it go (the oldest lines only,
/// so that the chain stays whole from an anchor).
fn audit_cut(tx: &mut dyn Tx, before: NaiveDate) -> Result<Option<i64>> {
    let rows = tx.query(
        "SELECT max(id) FROM audit_log WHERE at < $1",
        &[before.to_string().into()],
    )?;
    Ok(rows.first().and_then(|r| r[0].int()))
}

fn purge(
    tx: &mut dyn Tx,
    d: &Dialect,
    scope: &PurgeScope,
    before: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<MonthCount>> {
    let counted = count(tx, d, scope, before)?;
    if counted.is_empty() {
        return Ok(counted);
    }
    let b: Val = before.to_string().into();
    tx.exec("INSERT INTO retention_permit (id) VALUES (1)", &[])?;
    match scope {
        PurgeScope::PartnerRecords {
            sources,
            by_record_date,
        } => {
            let (from, _, params) = partner_selection(d, sources, *by_record_date, before);
            purge_records(tx, d, &format!("SELECT r.record_id {from}"), &params)?;
        }
        PurgeScope::Quarantine => {
            let day = d.batch_day();
            tx.exec(
                &format!(
                    "DELETE FROM quarantine WHERE batch_id IN \
                     (SELECT b.id FROM import_batch b WHERE {day} < $1)"
                ),
                &[b],
            )?;
        }
        PurgeScope::CaseRecords => {
            tx.exec(
                &format!(
                    "DELETE FROM progress_position WHERE reading_id IN \
                     (SELECT id FROM progress_reading WHERE family_id IN ({CLOSED_CASES}))"
                ),
                std::slice::from_ref(&b),
            )?;
            for table in [
                "progress_reading",
                "team_member",
                "plan_review",
                "plan_action",
                "plan_goal",
                "assessment_entry",
                "case_status_change",
                "case_note",
            ] {
                tx.exec(
                    &format!("DELETE FROM {table} WHERE family_id IN ({CLOSED_CASES})"),
                    std::slice::from_ref(&b),
                )?;
            }
            tx.exec(
                &format!("DELETE FROM family_case WHERE family_id IN ({CLOSED_CASES})"),
                &[b],
            )?;
        }
        PurgeScope::Audit => {
            if let Some(cut) = audit_cut(tx, before)? {
                let hash = tx
                    .query("SELECT hash FROM audit_log WHERE id = $1", &[cut.into()])?
                    .first()
                    .and_then(|r| r[0].text());
                if let Some(hash) = hash {
                    tx.exec(
                        "INSERT INTO audit_chain_anchor (hash, recorded_at, reason) \
                         VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                        &[
                            hash.into(),
                            ts(now).into(),
                            format!("retention purge of lines up to {cut}").into(),
                        ],
                    )?;
                }
                tx.exec("DELETE FROM audit_log WHERE id <= $1", &[cut.into()])?;
            }
        }
        PurgeScope::Transfers => {
            tx.exec("DELETE FROM extract_transfer WHERE made_at < $1", &[b])?;
        }
        PurgeScope::ResearchCopies => {}
    }
    tx.exec("DELETE FROM retention_permit", &[])?;
    Ok(counted)
}

/// Removes the records `select` names (a `SELECT record_id …` over `params`) from identity,
/// facts and every result pointing at them; returns the largest record ID removed (`None`
/// when `select` named none).
fn purge_records(
    tx: &mut dyn Tx,
    d: &Dialect,
    select: &str,
    params: &[Val],
) -> Result<Option<i64>> {
    const GONE: &str = "SELECT record_id FROM retention_record";
    if tx.exec(
        &format!("INSERT INTO retention_record (record_id) {select}"),
        params,
    )? == 0
    {
        return Ok(None);
    }
    let last = tx
        .query("SELECT max(record_id) FROM retention_record", &[])?
        .first()
        .and_then(|r| r[0].int());
    tx.exec(
        &format!(
            "INSERT INTO retention_person (person_id) SELECT DISTINCT person_id \
             FROM person_record WHERE record_id IN ({GONE})"
        ),
        &[],
    )?;
    tx.exec(
        &format!("DELETE FROM identity WHERE record_id IN ({GONE})"),
        &[],
    )?;
    tx.exec(
        &format!("DELETE FROM record WHERE record_id IN ({GONE})"),
        &[],
    )?;
    tx.exec(
        &format!("DELETE FROM person_record WHERE record_id IN ({GONE})"),
        &[],
    )?;
    tx.exec(
        &format!(
            "DELETE FROM review_pair WHERE record_id_l IN ({GONE}) OR record_id_r IN ({GONE})"
        ),
        &[],
    )?;
    // Evidence naming a removed record, or about a person left with none.
    tx.exec(
        &format!(
            "DELETE FROM evidence WHERE person_id IN (SELECT person_id FROM retention_person) \
             AND ({} OR person_id NOT IN (SELECT person_id FROM person_record))",
            d.evidence_names_gone_record()
        ),
        &[],
    )?;
    // People left with no record leave their families.
    const EMPTIED: &str = "SELECT person_id FROM retention_person \
                           WHERE person_id NOT IN (SELECT person_id FROM person_record)";
    tx.exec(
        &format!("DELETE FROM family_member WHERE person_id IN ({EMPTIED})"),
        &[],
    )?;
    tx.exec(
        &format!(
            "DELETE FROM family_relationship WHERE parent_person_id IN ({EMPTIED}) \
             OR child_person_id IN ({EMPTIED})"
        ),
        &[],
    )?;
    // People's identifier sets, rebuilt from the records they keep.
    tx.exec(
        "DELETE FROM person_identity WHERE person_id IN (SELECT person_id FROM retention_person)",
        &[],
    )?;
    tx.exec(
        "INSERT INTO person_identity (person_id, record_id, given_name, family_name, full_name, \
                                      date_of_birth, address, postcode, records) \
         SELECT pr.person_id, MIN(i.record_id), i.given_name, i.family_name, i.full_name, \
                i.date_of_birth, i.address, i.postcode, COUNT(*) \
         FROM person_record pr JOIN identity i ON i.record_id = pr.record_id \
         WHERE pr.person_id IN (SELECT person_id FROM retention_person) \
         GROUP BY pr.person_id, i.given_name, i.family_name, i.full_name, i.date_of_birth, \
                  i.address, i.postcode",
        &[],
    )?;
    tx.exec("DELETE FROM retention_person", &[])?;
    tx.exec("DELETE FROM retention_record", &[])?;
    Ok(last)
}

impl Store {
    /// What `scope` would remove today, by month, changing nothing.
    pub fn retention_counts(
        &mut self,
        scope: &PurgeScope,
        before: NaiveDate,
    ) -> Result<Vec<MonthCount>> {
        let d = Dialect(self.backend());
        self.with_read(|tx| count(tx, &d, scope, before))
    }

    /// Removes everything of `scope` dated before `before`; returns what went, by month.
    /// Research copies are counted only.
    ///
    /// One transaction per class, except partner records on SQLite: SQLite has one writer, and
    /// a year of a 300,000-person borough's records (about 400,000) took 5 s in one
    /// transaction, during which every audited page waited for the write lock. There they go
    /// in slices in record order, each slice a transaction that removes its records from
    /// identity, facts and every result at once (no record is ever half-removed), sized to
    /// take about 200 ms and followed by a short pause, so a page waits at most about one
    /// slice. A purge stopped between slices has removed whole records only; the next run
    /// removes the rest. PostgreSQL takes row locks only, so one transaction blocks no page
    /// there.
    pub fn retention_purge(
        &mut self,
        scope: &PurgeScope,
        before: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Vec<MonthCount>> {
        let slice = if self.backend() == Backend::Sqlite {
            Slicing::Adaptive(PURGE_SLICE)
        } else {
            Slicing::Whole
        };
        self.purge_scope(scope, before, now, slice)
    }

    /// [`Store::retention_purge`] with partner records removed `slice` records per
    /// transaction (0: one transaction for the whole class). Public for tests.
    #[doc(hidden)]
    pub fn retention_purge_in_slices(
        &mut self,
        scope: &PurgeScope,
        before: NaiveDate,
        now: DateTime<Utc>,
        slice: u64,
    ) -> Result<Vec<MonthCount>> {
        let slice = match slice {
            0 => Slicing::Whole,
            n => Slicing::Fixed(n),
        };
        self.purge_scope(scope, before, now, slice)
    }

    /// One class purged: in one transaction, or (partner records only) in slices — resized
    /// towards [`SLICE_TARGET`] after each slice when adaptive, with [`SLICE_PAUSE`] between.
    fn purge_scope(
        &mut self,
        scope: &PurgeScope,
        before: NaiveDate,
        now: DateTime<Utc>,
        slicing: Slicing,
    ) -> Result<Vec<MonthCount>> {
        let d = Dialect(self.backend());
        let (sources, by_record_date, mut slice, adaptive) = match (scope, slicing) {
            (
                PurgeScope::PartnerRecords {
                    sources,
                    by_record_date,
                },
                Slicing::Fixed(n) | Slicing::Adaptive(n),
            ) => (
                sources,
                by_record_date,
                n,
                matches!(slicing, Slicing::Adaptive(_)),
            ),
            _ => return self.with_tx(|tx| purge(tx, &d, scope, before, now)),
        };
        let counted = self.with_read(|tx| count(tx, &d, scope, before))?;
        let (from, _, params) = partner_selection(&d, sources, *by_record_date, before);
        let mut after = i64::MIN;
        loop {
            let started = std::time::Instant::now();
            let mut p = params.clone();
            p.push(after.into());
            let select = format!(
                "SELECT r.record_id {from} AND r.record_id > ${} ORDER BY r.record_id LIMIT {slice}",
                p.len()
            );
            let last = self.with_tx(|tx| {
                tx.exec("INSERT INTO retention_permit (id) VALUES (1)", &[])?;
                let last = purge_records(tx, &d, &select, &p)?;
                tx.exec("DELETE FROM retention_permit", &[])?;
                Ok(last)
            })?;
            match last {
                Some(last) => after = last,
                None => break,
            }
            if adaptive {
                let took = started.elapsed().as_secs_f64().max(0.001);
                let scaled = slice as f64 * SLICE_TARGET.as_secs_f64() / took;
                slice = (scaled as u64)
                    .clamp(slice / 2, slice * 2)
                    .clamp(500, 100_000);
                std::thread::sleep(SLICE_PAUSE);
            }
        }
        Ok(counted)
    }

    /// Gives the space freed by a purge back: SQLite `VACUUM` when `full` (it rewrites the
    /// file and holds the write lock meanwhile), else an incremental vacuum where the file
    /// allows one (freed pages are otherwise reused by later writes); PostgreSQL `VACUUM`
    /// of the tables a purge touches (which does not lock out readers or writers).
    pub fn reclaim_space(&mut self, full: bool) -> Result<()> {
        let op = || "reclaiming space after a retention purge".to_string();
        match &mut self.inner {
            Inner::Sqlite(s) => {
                if full {
                    s.conn.execute_batch("VACUUM").context(op)?;
                } else {
                    s.conn
                        .execute_batch("PRAGMA incremental_vacuum")
                        .context(op)?;
                }
                s.conn
                    .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
                    .context(op)?;
            }
            Inner::Postgres(s) => {
                s.client
                    .batch_execute(
                        "VACUUM (ANALYZE) identity, record, person_record, person_identity, \
                         evidence, family_member, quarantine, audit_log, review_pair",
                    )
                    .context(op)?;
            }
        }
        Ok(())
    }

    /// Keeps a proof report; returns its key.
    pub fn save_retention_report(&mut self, report: &RetentionReport) -> Result<i64> {
        let counts = serde_json::to_string(&report.classes).unwrap_or_else(|_| "[]".into());
        self.with_tx(|tx| {
            let rows = tx.query(
                "INSERT INTO retention_report (run_at, run_by, applied, policy_sha256, counts) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[
                    ts(report.run_at).into(),
                    report.run_by.clone().into(),
                    i64::from(report.applied).into(),
                    report.policy_sha256.clone().into(),
                    counts.into(),
                ],
            )?;
            rows.first()
                .and_then(|r| r[0].int())
                .ok_or_else(|| corrupt("retention_report", "id", 0))
        })
    }

    /// The proof reports, newest first (at most `limit`).
    pub fn retention_reports(&mut self, limit: u32) -> Result<Vec<RetentionReport>> {
        self.with_read(|tx| {
            tx.query(
                &format!(
                    "SELECT id, run_at, run_by, applied, policy_sha256, counts \
                     FROM retention_report ORDER BY id DESC LIMIT {limit}"
                ),
                &[],
            )?
            .iter()
            .map(|r| {
                let id = int(r, 0, "retention_report", "id")?;
                let classes = r[5]
                    .text()
                    .and_then(|t| serde_json::from_str(&t).ok())
                    .ok_or_else(|| corrupt("retention_report", "counts", id))?;
                Ok(RetentionReport {
                    id,
                    run_at: time(&r[1], "retention_report", "run_at")?,
                    run_by: r[2].text().unwrap_or_default(),
                    applied: r[3].int() == Some(1),
                    policy_sha256: r[4].text().unwrap_or_default(),
                    classes,
                })
            })
            .collect()
        })
    }
}
