//! Identification results: each run's header, every family's assessment, the evidence for
//! each problem; and the reads identification and the family pages need of the intake
//! tables without loading whole rows (record trails, event dates, dates of birth). Written
//! once over the portable [`Tx`] for both backends.
//!
//! It does not evaluate rules: runs are computed elsewhere and stored here as they are.

use crate::error::Result;
use crate::handle::Store;
use crate::intake::RecordId;
use crate::sql::{corrupt, date, int, placeholders, Tx, Val};
use chrono::{NaiveDate, Utc};

/// One family's result in an identification run.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilyAssessment {
    /// The family.
    pub family_id: i64,
    /// Meets the eligibility rule.
    pub eligible: bool,
    /// Headline problem keys found.
    pub problems: Vec<String>,
    /// Estimated annual cost to the public purse, £.
    pub estimated_cost: f64,
    /// Priority score from the ranking formula.
    pub score: f64,
    /// 1 = first; `None` when not eligible.
    pub priority_rank: Option<i64>,
}

/// One piece of evidence for a family's problem.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceRow {
    /// The family.
    pub family_id: i64,
    /// The headline problem.
    pub problem_key: String,
    /// The indicator that evidenced it.
    pub indicator_key: String,
    /// The family member it concerns.
    pub person_id: i64,
    /// The partner records that evidence it.
    pub record_ids: Vec<i64>,
    /// The computed value (count, sum, ratio), if any.
    pub value: Option<f64>,
}

/// An identification run's header.
#[derive(Debug, Clone, PartialEq)]
pub struct IdentificationRun {
    /// The run's key (filled in when read back).
    pub id: i64,
    /// The as-at date.
    pub as_at: NaiveDate,
    /// The rules profile's name.
    pub profile: String,
    /// SHA-256 of the rules file.
    pub rules_sha256: String,
    /// The linkage run whose families were assessed.
    pub link_run_id: i64,
    /// Families assessed.
    pub families_assessed: u64,
    /// Families eligible.
    pub families_eligible: u64,
    /// The words for the run's keys: its rules' headline problems and its sources.
    pub labels: RunLabels,
}

/// The words a run's pages show for its keys, kept with the run so that a council's own
/// problems and sources are named as the council names them, and an old run keeps the words
/// it was made with.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct RunLabels {
    /// Headline problem key → its short label and full title (from the rules file).
    pub problems: std::collections::BTreeMap<String, ProblemLabel>,
    /// Partner source key → the source's name for people (from its mapping), where given.
    pub sources: std::collections::BTreeMap<String, String>,
    /// Indicator key → what it means, for people (its rules' `description`); empty for a
    /// run made before runs kept them.
    pub indicators: std::collections::BTreeMap<String, String>,
}

/// A headline problem's words.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ProblemLabel {
    /// Short, for lists and tags (e.g. `School attendance`).
    pub label: String,
    /// In full, as the programme words it.
    pub title: String,
}

/// A partner record's provenance and facts, for an evidence trail (no identifiers).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordTrail {
    /// The record's key.
    pub record_id: RecordId,
    /// The partner source.
    pub source: String,
    /// The row in the partner's file (header = row 1).
    pub source_row: u64,
    /// The file it came from.
    pub file_name: String,
    /// That file's SHA-256 (lower-case hex): the file itself, whatever it is called.
    pub file_sha256: String,
    /// When that file was imported (RFC 3339).
    pub imported_at: String,
    /// The event type.
    pub event_type: String,
    /// Event date.
    pub event_date: Option<NaiveDate>,
    /// End date.
    pub end_date: Option<NaiveDate>,
    /// The attributes as stored (a JSON object).
    pub attributes: String,
}

/// A partner file the store holds now (no later version supersedes it), with how far its
/// records reach: what a judgement on the store's data read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataFile {
    /// The partner source.
    pub source: String,
    /// The file's name.
    pub file_name: String,
    /// Its SHA-256 (lower-case hex).
    pub file_sha256: String,
    /// The day it was imported.
    pub imported_on: Option<NaiveDate>,
    /// Rows stored from it.
    pub rows: u64,
    /// The earliest and latest event (or spell start) date of its records.
    pub first_event: Option<NaiveDate>,
    /// See `first_event`.
    pub latest_event: Option<NaiveDate>,
}

/// When a record places a person: its event date, its end date, and whether it is an open
/// spell (a kind of event that has end dates, with none yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordDates {
    /// The record.
    pub record_id: RecordId,
    /// The event (or spell start) date.
    pub event_date: Option<NaiveDate>,
    /// The spell's end date, if it has ended.
    pub end_date: Option<NaiveDate>,
    /// An open spell: the partner still placed the person there when it sent the file.
    pub open: bool,
}

impl Store {
    /// Writes an identification run with every family's assessment and evidence in one
    /// transaction; earlier runs are kept. Returns the run's key.
    pub fn save_identification(
        &mut self,
        run: &IdentificationRun,
        assessments: &[FamilyAssessment],
        evidence: &[EvidenceRow],
    ) -> Result<i64> {
        let id = self.with_tx(|tx| save_identification(tx, run, assessments, evidence))?;
        self.analyze(&["family_assessment", "evidence"])?;
        Ok(id)
    }

    /// Every identification run, oldest first.
    pub fn identification_runs(&mut self) -> Result<Vec<IdentificationRun>> {
        self.with_tx(identification_runs)
    }

    /// A run's family assessments, eligible families in priority order first.
    pub fn assessments(&mut self, run_id: i64) -> Result<Vec<FamilyAssessment>> {
        self.with_tx(|tx| assessments(tx, run_id))
    }

    /// The partner files the store holds now, by source, with their records' date range: what
    /// a judgement on today's data read (an evidence pack keeps it).
    pub fn data_files(&mut self) -> Result<Vec<DataFile>> {
        self.with_read(|tx| {
            let day = |v: &Val| {
                v.text()
                    .and_then(|t| NaiveDate::parse_from_str(&t[..t.len().min(10)], "%Y-%m-%d").ok())
            };
            tx.query(
                "SELECT b.source, b.file_name, b.file_sha256, CAST(b.imported_at AS TEXT), \
                 b.rows_imported, CAST(MIN(r.event_date) AS TEXT), \
                 CAST(MAX(r.event_date) AS TEXT) \
                 FROM import_batch b LEFT JOIN record r ON r.batch_id = b.id \
                 WHERE b.superseded_by IS NULL \
                 GROUP BY b.id, b.source, b.file_name, b.file_sha256, b.imported_at, \
                 b.rows_imported ORDER BY b.source, b.id",
                &[],
            )?
            .iter()
            .map(|r| {
                Ok(DataFile {
                    source: r[0].text().unwrap_or_default(),
                    file_name: r[1].text().unwrap_or_default(),
                    file_sha256: r[2].text().unwrap_or_default(),
                    imported_on: day(&r[3]),
                    rows: int(r, 4, "import_batch", "rows_imported")?.max(0) as u64,
                    first_event: day(&r[5]),
                    latest_event: day(&r[6]),
                })
            })
            .collect()
        })
    }

    /// Where each record came from (source, row, file, import time) and its facts: the
    /// evidence trail behind a family's problems. Unknown keys are left out.
    pub fn record_trails(&mut self, ids: &[RecordId]) -> Result<Vec<RecordTrail>> {
        self.with_tx(|tx| record_trails(tx, ids))
    }

    /// Every record's dates, by record key: when a partner record placed a person at its
    /// address, until when, and whether the spell is still open (households use them without
    /// loading whole facts).
    pub fn event_dates(&mut self) -> Result<Vec<RecordDates>> {
        self.with_tx(event_dates)
    }

    /// Every record's date of birth, where it gives one (identification needs no more of
    /// the identifiers than this).
    pub fn dates_of_birth(&mut self) -> Result<Vec<(RecordId, NaiveDate)>> {
        self.with_tx(dates_of_birth)
    }

    /// The earliest event date of any record (`None` when no record has one): one
    /// aggregate, not a read of every record.
    pub fn earliest_event_date(&mut self) -> Result<Option<NaiveDate>> {
        self.with_tx(|tx| {
            let rows = tx.query(
                "SELECT CAST(MIN(event_date) AS TEXT) FROM record WHERE event_date IS NOT NULL",
                &[],
            )?;
            Ok(rows
                .first()
                .and_then(|r| r[0].text())
                .and_then(|t| NaiveDate::parse_from_str(&t[..t.len().min(10)], "%Y-%m-%d").ok()))
        })
    }

    /// Each source's name for people, as its latest import that gave one named it.
    pub fn source_names(&mut self) -> Result<Vec<(String, String)>> {
        self.with_tx(|tx| {
            let mut names = std::collections::BTreeMap::new();
            for r in tx.query(
                "SELECT source, source_name FROM import_batch \
                 WHERE source_name IS NOT NULL AND source_name <> '' ORDER BY id",
                &[],
            )? {
                if let (Some(source), Some(name)) = (r[0].text(), r[1].text()) {
                    names.insert(source, name);
                }
            }
            Ok(names.into_iter().collect())
        })
    }

    /// A run's evidence, for one family or all.
    pub fn evidence(&mut self, run_id: i64, family_id: Option<i64>) -> Result<Vec<EvidenceRow>> {
        self.with_tx(|tx| evidence(tx, run_id, family_id))
    }
}

fn save_identification(
    tx: &mut dyn Tx,
    run: &IdentificationRun,
    assessments: &[FamilyAssessment],
    evidence: &[EvidenceRow],
) -> Result<i64> {
    let rows = tx.query(
        "INSERT INTO identification_run (run_at, as_at, profile, rules_sha256, link_run_id, \
         families_assessed, families_eligible, labels) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         RETURNING id",
        &[
            Utc::now().to_rfc3339().into(),
            run.as_at.format("%Y-%m-%d").to_string().into(),
            run.profile.as_str().into(),
            run.rules_sha256.as_str().into(),
            run.link_run_id.into(),
            (run.families_assessed as i64).into(),
            (run.families_eligible as i64).into(),
            serde_json::to_string(&run.labels)
                .unwrap_or_else(|_| "{}".into())
                .into(),
        ],
    )?;
    let run_id = rows
        .first()
        .and_then(|r| r[0].int())
        .ok_or_else(|| corrupt("identification_run", "id", 0))?;
    tx.bulk(
        "family_assessment",
        &[
            "run_id",
            "family_id",
            "eligible",
            "problem_count",
            "problems",
            "estimated_cost",
            "score",
            "priority_rank",
        ],
        &mut assessments.iter().map(|a| {
            vec![
                run_id.into(),
                a.family_id.into(),
                (a.eligible as i64).into(),
                (a.problems.len() as i64).into(),
                a.problems.join(";").into(),
                a.estimated_cost.into(),
                a.score.into(),
                a.priority_rank.into(),
            ]
        }),
    )?;
    tx.bulk(
        "evidence",
        &[
            "run_id",
            "family_id",
            "problem_key",
            "indicator_key",
            "person_id",
            "record_ids",
            "value",
        ],
        &mut evidence.iter().map(|e| {
            vec![
                run_id.into(),
                e.family_id.into(),
                e.problem_key.as_str().into(),
                e.indicator_key.as_str().into(),
                e.person_id.into(),
                serde_json::to_string(&e.record_ids)
                    .unwrap_or_else(|_| "[]".into())
                    .into(),
                e.value.into(),
            ]
        }),
    )?;
    Ok(run_id)
}

fn identification_runs(tx: &mut dyn Tx) -> Result<Vec<IdentificationRun>> {
    tx.query(
        "SELECT id, as_at, profile, rules_sha256, link_run_id, families_assessed, \
         families_eligible, labels FROM identification_run ORDER BY id",
        &[],
    )?
    .iter()
    .map(|r| {
        Ok(IdentificationRun {
            id: int(r, 0, "identification_run", "id")?,
            as_at: date(&r[1], "identification_run", "as_at")?,
            profile: r[2].text().unwrap_or_default(),
            rules_sha256: r[3].text().unwrap_or_default(),
            link_run_id: int(r, 4, "identification_run", "link_run_id")?,
            families_assessed: int(r, 5, "identification_run", "families_assessed")? as u64,
            families_eligible: int(r, 6, "identification_run", "families_eligible")? as u64,
            labels: serde_json::from_str(&r[7].text().unwrap_or_default())
                .map_err(|_| corrupt("identification_run", "labels", 0))?,
        })
    })
    .collect()
}

/// Problem keys are stored `;`-separated.
fn problems(v: &Val) -> Vec<String> {
    v.text()
        .map(|t| {
            t.split(';')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn assessments(tx: &mut dyn Tx, run_id: i64) -> Result<Vec<FamilyAssessment>> {
    tx.query(
        "SELECT family_id, eligible, problems, estimated_cost, score, priority_rank \
         FROM family_assessment WHERE run_id = $1 \
         ORDER BY priority_rank IS NULL, priority_rank, family_id",
        &[run_id.into()],
    )?
    .iter()
    .map(|r| {
        Ok(FamilyAssessment {
            family_id: int(r, 0, "family_assessment", "family_id")?,
            eligible: r[1].int() == Some(1),
            problems: problems(&r[2]),
            estimated_cost: r[3].real().unwrap_or(0.0),
            score: r[4].real().unwrap_or(0.0),
            priority_rank: r[5].int(),
        })
    })
    .collect()
}

pub(crate) fn evidence(
    tx: &mut dyn Tx,
    run_id: i64,
    family_id: Option<i64>,
) -> Result<Vec<EvidenceRow>> {
    let (sql, params): (&str, Vec<Val>) = match family_id {
        Some(f) => (
            "SELECT family_id, problem_key, indicator_key, person_id, record_ids, value \
             FROM evidence WHERE run_id = $1 AND family_id = $2 \
             ORDER BY family_id, problem_key, indicator_key, person_id",
            vec![run_id.into(), f.into()],
        ),
        None => (
            "SELECT family_id, problem_key, indicator_key, person_id, record_ids, value \
             FROM evidence WHERE run_id = $1 \
             ORDER BY family_id, problem_key, indicator_key, person_id",
            vec![run_id.into()],
        ),
    };
    tx.query(sql, &params)?
        .iter()
        .map(|r| {
            Ok(EvidenceRow {
                family_id: int(r, 0, "evidence", "family_id")?,
                problem_key: r[1].text().unwrap_or_default(),
                indicator_key: r[2].text().unwrap_or_default(),
                person_id: int(r, 3, "evidence", "person_id")?,
                record_ids: r[4]
                    .text()
                    .and_then(|t| serde_json::from_str(&t).ok())
                    .ok_or_else(|| corrupt("evidence", "record_ids", 0))?,
                value: r[5].real(),
            })
        })
        .collect()
}

pub(crate) fn record_trails(tx: &mut dyn Tx, ids: &[RecordId]) -> Result<Vec<RecordTrail>> {
    let mut out = Vec::with_capacity(ids.len());
    // One query per few hundred keys: a family page's evidence costs one round trip.
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT r.record_id, r.source, r.source_row, b.file_name, \
             CAST(b.imported_at AS TEXT), r.event_type, CAST(r.event_date AS TEXT), \
             CAST(r.end_date AS TEXT), CAST(r.attributes AS TEXT), b.file_sha256 \
             FROM record r JOIN import_batch b ON b.id = r.batch_id \
             WHERE r.record_id IN ({}) ORDER BY r.record_id",
            placeholders(chunk.len())
        );
        let params: Vec<Val> = chunk.iter().map(|id| Val::Int(id.0)).collect();
        for r in tx.query(&sql, &params)? {
            let opt_date = |v: &Val| {
                v.text()
                    .and_then(|t| NaiveDate::parse_from_str(&t[..t.len().min(10)], "%Y-%m-%d").ok())
            };
            out.push(RecordTrail {
                record_id: RecordId(int(&r, 0, "record", "record_id")?),
                source: r[1].text().unwrap_or_default(),
                source_row: int(&r, 2, "record", "source_row")? as u64,
                file_name: r[3].text().unwrap_or_default(),
                imported_at: r[4].text().unwrap_or_default(),
                event_type: r[5].text().unwrap_or_default(),
                event_date: opt_date(&r[6]),
                end_date: opt_date(&r[7]),
                attributes: r[8].text().unwrap_or_default(),
                file_sha256: r[9].text().unwrap_or_default(),
            });
        }
    }
    // In the order asked for.
    let order: std::collections::HashMap<i64, usize> =
        ids.iter().enumerate().map(|(i, id)| (id.0, i)).collect();
    out.sort_by_key(|t| order.get(&t.record_id.0).copied().unwrap_or(usize::MAX));
    Ok(out)
}

fn event_dates(tx: &mut dyn Tx) -> Result<Vec<RecordDates>> {
    // An empty end date means "still open" only for kinds of event that have end dates at
    // all (a benefit claim, a care episode); a police incident has none.
    tx.query(
        "SELECT record_id, CAST(event_date AS TEXT), CAST(end_date AS TEXT), \
                CASE WHEN end_date IS NULL AND event_type IN \
                    (SELECT DISTINCT event_type FROM record WHERE end_date IS NOT NULL) \
                THEN 1 ELSE 0 END \
         FROM record ORDER BY record_id",
        &[],
    )?
    .iter()
    .map(|r| {
        let date = |i: usize| {
            r[i].text()
                .and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok())
        };
        Ok(RecordDates {
            record_id: RecordId(int(r, 0, "record", "record_id")?),
            event_date: date(1),
            end_date: date(2),
            open: int(r, 3, "record", "open")? != 0,
        })
    })
    .collect()
}

fn dates_of_birth(tx: &mut dyn Tx) -> Result<Vec<(RecordId, NaiveDate)>> {
    let rows = tx.query(
        "SELECT record_id, CAST(date_of_birth AS TEXT) FROM identity \
         WHERE date_of_birth IS NOT NULL ORDER BY record_id",
        &[],
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        if let Some(d) = r[1]
            .text()
            .and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok())
        {
            out.push((RecordId(int(r, 0, "identity", "record_id")?), d));
        }
    }
    Ok(out)
}
