//! Linkage and identification results: people, families, the review queue, identification
//! runs with their evidence. Written once over [`Tx`](crate::portable::Tx) for both backends.
//!
//! Person and family IDs are pseudonymous keys; nothing in these tables is an identifier.

use crate::error::{Result, StoreError};
use crate::portable::{Tx, Val};
use crate::RecordId;
use chrono::{NaiveDate, Utc};

/// What a linkage run found, for its row in `link_run`.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkRunSummary {
    /// Records linked.
    pub records: u64,
    /// People found.
    pub people: u64,
    /// Candidate pairs compared.
    pub candidate_pairs: u64,
    /// Pairs scored as matches.
    pub matched_pairs: u64,
    /// Pairs sent to clerical review.
    pub review_pairs: u64,
    /// The match-weight threshold used.
    pub threshold: f64,
    /// Families formed.
    pub families: u64,
    /// The date households and families were formed at.
    pub as_at: NaiveDate,
    /// A JSON report (blocking, model parameters, timings): counts and parameters only.
    pub report: String,
}

/// A change to a person between runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonChange {
    /// `new`, `merged` or `split`.
    pub kind: String,
    /// The person concerned.
    pub person_id: i64,
    /// Which IDs were involved (keys only).
    pub detail: String,
}

/// A pair of records in the uncertain band, for a person to decide.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewPair {
    /// The lower record key.
    pub record_l: RecordId,
    /// The higher record key.
    pub record_r: RecordId,
    /// Posterior match probability.
    pub match_probability: f64,
    /// Match weight (log2 Bayes factor).
    pub match_weight: f64,
    /// JSON: each comparison's level and weight.
    pub explanation: String,
}

/// A reviewer's decision on a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewDecision {
    /// The lower record key.
    pub record_l: RecordId,
    /// The higher record key.
    pub record_r: RecordId,
    /// `true`: the same person (must link); `false`: different people (cannot link).
    pub is_match: bool,
}

/// A member of a stored family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyMember {
    /// The person.
    pub person_id: i64,
    /// `adult` or `child`.
    pub role: String,
    /// Age at the as-at date, if known.
    pub age: Option<i64>,
}

/// An inferred parent/child relationship in a stored family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyRelationship {
    /// The parent.
    pub parent_person_id: i64,
    /// The child.
    pub child_person_id: i64,
    /// Why (e.g. `age gap and family name`).
    pub basis: String,
}

/// A family as stored by a linkage run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFamily {
    /// The family's stable ID.
    pub family_id: i64,
    /// Its members.
    pub members: Vec<FamilyMember>,
    /// Inferred relationships.
    pub relationships: Vec<FamilyRelationship>,
    /// Where the family lives, coarsely: its household's postcode sector (`WA7 2`), for
    /// filters and counts by area. Not an identifier: a sector holds thousands of homes.
    pub area: Option<String>,
}

/// Everything one linkage run writes. The current people and families are replaced; the
/// run, the changes and reviewers' decisions are kept.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkageResults<'a> {
    /// The run's summary.
    pub summary: &'a LinkRunSummary,
    /// Every record's person.
    pub assignment: &'a [(RecordId, i64)],
    /// Changes to people since the last run.
    pub changes: &'a [PersonChange],
    /// Pairs for clerical review.
    pub review: &'a [ReviewPair],
    /// Families.
    pub families: &'a [StoredFamily],
}

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
}

fn corrupt(table: &'static str, column: &'static str, key: i64) -> StoreError {
    StoreError::Corrupt { table, column, key }
}

/// Column `i` of a result row as an integer, or a [`StoreError::Corrupt`] naming it.
pub(crate) fn int(row: &[Val], i: usize, table: &'static str, column: &'static str) -> Result<i64> {
    row[i].int().ok_or_else(|| corrupt(table, column, 0))
}

fn date(v: &Val, table: &'static str, column: &'static str) -> Result<NaiveDate> {
    v.text()
        .and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok())
        .ok_or_else(|| corrupt(table, column, 0))
}

pub(crate) fn save_linkage(tx: &mut dyn Tx, r: &LinkageResults<'_>) -> Result<i64> {
    let s = r.summary;
    let run_at = Utc::now().to_rfc3339();
    let run = tx.query(
        "INSERT INTO link_run (run_at, records, people, candidate_pairs, matched_pairs, \
         review_pairs, threshold, families, as_at, report) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        &[
            run_at.into(),
            (s.records as i64).into(),
            (s.people as i64).into(),
            (s.candidate_pairs as i64).into(),
            (s.matched_pairs as i64).into(),
            (s.review_pairs as i64).into(),
            s.threshold.into(),
            (s.families as i64).into(),
            s.as_at.format("%Y-%m-%d").to_string().into(),
            s.report.clone().into(),
        ],
    )?;
    let run_id = run
        .first()
        .and_then(|r| r[0].int())
        .ok_or_else(|| corrupt("link_run", "id", 0))?;

    tx.exec("DELETE FROM person_record", &[])?;
    tx.bulk(
        "person_record",
        &["record_id", "person_id"],
        &mut r
            .assignment
            .iter()
            .map(|(rec, p)| vec![rec.0.into(), (*p).into()]),
    )?;
    // Each person's distinct identifier sets, for pages (see `web::person_identities`).
    tx.exec("DELETE FROM person_identity", &[])?;
    tx.exec(
        "INSERT INTO person_identity (person_id, record_id, given_name, family_name, \
         full_name, date_of_birth, address, postcode, records) \
         SELECT pr.person_id, MIN(i.record_id), i.given_name, i.family_name, i.full_name, \
         i.date_of_birth, i.address, i.postcode, COUNT(*) \
         FROM person_record pr JOIN identity i ON i.record_id = pr.record_id \
         GROUP BY pr.person_id, i.given_name, i.family_name, i.full_name, i.date_of_birth, \
                  i.address, i.postcode \
         ORDER BY pr.person_id",
        &[],
    )?;
    tx.bulk(
        "person_change",
        &["run_id", "kind", "person_id", "detail"],
        &mut r.changes.iter().map(|c| {
            vec![
                run_id.into(),
                c.kind.as_str().into(),
                c.person_id.into(),
                c.detail.as_str().into(),
            ]
        }),
    )?;
    // Pending pairs are replaced by this run's; decided pairs are kept (their decisions feed
    // the next run), so a new pair that was already decided is not queued again.
    tx.exec("DELETE FROM review_pair WHERE status = 'pending'", &[])?;
    let decided: std::collections::HashSet<(i64, i64)> = tx
        .query("SELECT record_id_l, record_id_r FROM review_pair", &[])?
        .iter()
        .filter_map(|row| Some((row[0].int()?, row[1].int()?)))
        .collect();
    tx.bulk(
        "review_pair",
        &[
            "record_id_l",
            "record_id_r",
            "run_id",
            "match_probability",
            "match_weight",
            "explanation",
        ],
        &mut r
            .review
            .iter()
            .filter(|p| !decided.contains(&(p.record_l.0, p.record_r.0)))
            .map(|p| {
                vec![
                    p.record_l.0.into(),
                    p.record_r.0.into(),
                    run_id.into(),
                    p.match_probability.into(),
                    p.match_weight.into(),
                    p.explanation.as_str().into(),
                ]
            }),
    )?;
    tx.exec("DELETE FROM family_relationship", &[])?;
    tx.exec("DELETE FROM family_member", &[])?;
    tx.exec("DELETE FROM family", &[])?;
    tx.bulk(
        "family",
        &["family_id", "run_id", "adults", "children", "area"],
        &mut r.families.iter().map(|f| {
            let children = f.members.iter().filter(|m| m.role == "child").count() as i64;
            vec![
                f.family_id.into(),
                run_id.into(),
                (f.members.len() as i64 - children).into(),
                children.into(),
                f.area.as_deref().into(),
            ]
        }),
    )?;
    tx.bulk(
        "family_member",
        &["family_id", "person_id", "role", "age"],
        &mut r.families.iter().flat_map(|f| {
            f.members.iter().map(move |m| {
                vec![
                    f.family_id.into(),
                    m.person_id.into(),
                    m.role.as_str().into(),
                    m.age.into(),
                ]
            })
        }),
    )?;
    tx.bulk(
        "family_relationship",
        &["family_id", "parent_person_id", "child_person_id", "basis"],
        &mut r.families.iter().flat_map(|f| {
            f.relationships.iter().map(move |rel| {
                vec![
                    f.family_id.into(),
                    rel.parent_person_id.into(),
                    rel.child_person_id.into(),
                    rel.basis.as_str().into(),
                ]
            })
        }),
    )?;
    Ok(run_id)
}

pub(crate) fn person_assignment(tx: &mut dyn Tx) -> Result<Vec<(RecordId, i64)>> {
    tx.query(
        "SELECT record_id, person_id FROM person_record ORDER BY record_id",
        &[],
    )?
    .iter()
    .map(|r| {
        Ok((
            RecordId(int(r, 0, "person_record", "record_id")?),
            int(r, 1, "person_record", "person_id")?,
        ))
    })
    .collect()
}

pub(crate) fn families(tx: &mut dyn Tx) -> Result<Vec<StoredFamily>> {
    let mut out: Vec<StoredFamily> = tx
        .query("SELECT family_id, area FROM family ORDER BY family_id", &[])?
        .iter()
        .map(|r| {
            Ok(StoredFamily {
                family_id: int(r, 0, "family", "family_id")?,
                members: Vec::new(),
                relationships: Vec::new(),
                area: r[1].text(),
            })
        })
        .collect::<Result<_>>()?;
    let index: std::collections::HashMap<i64, usize> = out
        .iter()
        .enumerate()
        .map(|(i, f)| (f.family_id, i))
        .collect();
    for r in tx.query(
        "SELECT family_id, person_id, role, age FROM family_member ORDER BY family_id, person_id",
        &[],
    )? {
        let f = int(&r, 0, "family_member", "family_id")?;
        let i = *index
            .get(&f)
            .ok_or_else(|| corrupt("family_member", "family_id", f))?;
        out[i].members.push(FamilyMember {
            person_id: int(&r, 1, "family_member", "person_id")?,
            role: r[2].text().unwrap_or_default(),
            age: r[3].int(),
        });
    }
    for r in tx.query(
        "SELECT family_id, parent_person_id, child_person_id, basis FROM family_relationship \
         ORDER BY family_id, parent_person_id, child_person_id",
        &[],
    )? {
        let f = int(&r, 0, "family_relationship", "family_id")?;
        let i = *index
            .get(&f)
            .ok_or_else(|| corrupt("family_relationship", "family_id", f))?;
        out[i].relationships.push(FamilyRelationship {
            parent_person_id: int(&r, 1, "family_relationship", "parent_person_id")?,
            child_person_id: int(&r, 2, "family_relationship", "child_person_id")?,
            basis: r[3].text().unwrap_or_default(),
        });
    }
    Ok(out)
}

pub(crate) fn pending_review(tx: &mut dyn Tx) -> Result<Vec<ReviewPair>> {
    tx.query(
        "SELECT record_id_l, record_id_r, match_probability, match_weight, explanation \
         FROM review_pair WHERE status = 'pending' ORDER BY match_probability DESC, record_id_l, record_id_r",
        &[],
    )?
    .iter()
    .map(|r| {
        Ok(ReviewPair {
            record_l: RecordId(int(r, 0, "review_pair", "record_id_l")?),
            record_r: RecordId(int(r, 1, "review_pair", "record_id_r")?),
            match_probability: r[2].real().unwrap_or(0.0),
            match_weight: r[3].real().unwrap_or(0.0),
            explanation: r[4].text().unwrap_or_default(),
        })
    })
    .collect()
}

pub(crate) fn decide_review(tx: &mut dyn Tx, d: &ReviewDecision, decided_by: &str) -> Result<bool> {
    let status = if d.is_match { "match" } else { "non_match" };
    let n = tx.exec(
        "UPDATE review_pair SET status = $1, decided_by = $2, decided_at = $3 \
         WHERE record_id_l = $4 AND record_id_r = $5",
        &[
            status.into(),
            decided_by.into(),
            Utc::now().to_rfc3339().into(),
            d.record_l.0.into(),
            d.record_r.0.into(),
        ],
    )?;
    Ok(n == 1)
}

pub(crate) fn review_decisions(tx: &mut dyn Tx) -> Result<Vec<ReviewDecision>> {
    tx.query(
        "SELECT record_id_l, record_id_r, status FROM review_pair WHERE status <> 'pending' \
         ORDER BY record_id_l, record_id_r",
        &[],
    )?
    .iter()
    .map(|r| {
        Ok(ReviewDecision {
            record_l: RecordId(int(r, 0, "review_pair", "record_id_l")?),
            record_r: RecordId(int(r, 1, "review_pair", "record_id_r")?),
            is_match: r[2].text().as_deref() == Some("match"),
        })
    })
    .collect()
}

pub(crate) fn latest_link_run(tx: &mut dyn Tx) -> Result<Option<(i64, NaiveDate)>> {
    match tx
        .query(
            "SELECT id, as_at FROM link_run ORDER BY id DESC LIMIT 1",
            &[],
        )?
        .first()
    {
        None => Ok(None),
        Some(r) => Ok(Some((
            int(r, 0, "link_run", "id")?,
            date(&r[1], "link_run", "as_at")?,
        ))),
    }
}

pub(crate) fn save_identification(
    tx: &mut dyn Tx,
    run: &IdentificationRun,
    assessments: &[FamilyAssessment],
    evidence: &[EvidenceRow],
) -> Result<i64> {
    let rows = tx.query(
        "INSERT INTO identification_run (run_at, as_at, profile, rules_sha256, link_run_id, \
         families_assessed, families_eligible) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        &[
            Utc::now().to_rfc3339().into(),
            run.as_at.format("%Y-%m-%d").to_string().into(),
            run.profile.as_str().into(),
            run.rules_sha256.as_str().into(),
            run.link_run_id.into(),
            (run.families_assessed as i64).into(),
            (run.families_eligible as i64).into(),
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

pub(crate) fn identification_runs(tx: &mut dyn Tx) -> Result<Vec<IdentificationRun>> {
    tx.query(
        "SELECT id, as_at, profile, rules_sha256, link_run_id, families_assessed, \
         families_eligible FROM identification_run ORDER BY id",
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

pub(crate) fn assessments(tx: &mut dyn Tx, run_id: i64) -> Result<Vec<FamilyAssessment>> {
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

/// `$1, $2, …, $n`: placeholders for an `IN (…)` list (both backends read them).
pub(crate) fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn record_trails(tx: &mut dyn Tx, ids: &[RecordId]) -> Result<Vec<RecordTrail>> {
    let mut out = Vec::with_capacity(ids.len());
    // One query per few hundred keys: a family page's evidence costs one round trip.
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT r.record_id, r.source, r.source_row, b.file_name, \
             CAST(b.imported_at AS TEXT), r.event_type, CAST(r.event_date AS TEXT), \
             CAST(r.end_date AS TEXT), CAST(r.attributes AS TEXT) \
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
            });
        }
    }
    // In the order asked for.
    let order: std::collections::HashMap<i64, usize> =
        ids.iter().enumerate().map(|(i, id)| (id.0, i)).collect();
    out.sort_by_key(|t| order.get(&t.record_id.0).copied().unwrap_or(usize::MAX));
    Ok(out)
}

pub(crate) fn event_dates(tx: &mut dyn Tx) -> Result<Vec<RecordDates>> {
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

pub(crate) fn dates_of_birth(tx: &mut dyn Tx) -> Result<Vec<(RecordId, NaiveDate)>> {
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
