//! Reading everything held on a subject, table by table, by the register: rows reached
//! through the subject's [`PersonScope`], of tables about several people only the subject's
//! own ([`OWN_ROWS`]), without the columns [`LEFT_OUT`] names, and a review pair's other
//! record shown as no key.

use super::own_parts::own_parts;
use super::quarantine::{rows_naming, QuarantineQuery};
use super::scope::{scope, PersonScope, SarSubject};
use super::{ids, left_out, Reach, SarSection, SubjectAccess, OWN_PARTS, OWN_ROWS, SAR_TABLES};
use crate::backend::Backend;
use crate::error::Result;
use crate::handle::Store;
use crate::sql::Tx;
use std::collections::BTreeSet;

impl Store {
    /// Every table of the store with its columns, in name order.
    pub fn schema_tables(&mut self) -> Result<Vec<(String, Vec<String>)>> {
        let backend = self.backend();
        self.with_read(|tx| schema_tables(tx, backend))
    }

    /// Everything the store holds on `person` (a person key, current or held by a
    /// restriction), with the referral entries matched to them; `None` when the store knows
    /// no such person. The caller audits the read.
    pub fn subject_access(&mut self, person: i64) -> Result<Option<SubjectAccess>> {
        self.subject_access_of(&SarSubject {
            person: Some(person),
            ..SarSubject::default()
        })
    }

    /// Everything the store holds on `subject`: a linked person, people named in referrals,
    /// or both; `None` when nothing is held. The caller audits the read.
    pub fn subject_access_of(&mut self, subject: &SarSubject) -> Result<Option<SubjectAccess>> {
        let backend = self.backend();
        self.with_read(|tx| subject_access(tx, backend, subject))
    }
}

pub(super) fn schema_tables(
    tx: &mut dyn Tx,
    backend: Backend,
) -> Result<Vec<(String, Vec<String>)>> {
    let (tables_sql, columns_sql) = match backend {
        Backend::Sqlite => (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             ORDER BY name",
            "SELECT name FROM pragma_table_info($1) ORDER BY cid",
        ),
        Backend::Postgres => (
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
            "SELECT column_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name::text = $1 ORDER BY ordinal_position",
        ),
    };
    let tables: Vec<String> = tx
        .query(tables_sql, &[])?
        .iter()
        .filter_map(|r| r[0].text())
        .collect();
    let mut out = Vec::with_capacity(tables.len());
    for t in tables {
        let cols = tx
            .query(columns_sql, &[t.as_str().into()])?
            .iter()
            .filter_map(|r| r[0].text())
            .collect();
        out.push((t, cols));
    }
    Ok(out)
}

/// Keys as a comma-separated list of SQL text literals (audit targets are text).
fn quoted(keys: &[String]) -> String {
    keys.iter()
        .map(|k| format!("'{}'", k.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The audit lines about the scope, as a condition.
fn audit_filter(s: &PersonScope) -> Option<String> {
    let parts: Vec<String> = s
        .audit_targets()
        .iter()
        .map(|(kind, keys)| {
            format!(
                "(target_kind = '{kind}' AND target_id IN ({}))",
                quoted(keys)
            )
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" OR "))
}

/// The condition keeping only the subject's own rows of a table about several people.
fn own_rows(table: &str, s: &PersonScope) -> Option<String> {
    if table == "referral_member" {
        let each: Vec<String> = s
            .referral_members
            .iter()
            .map(|(r, p)| format!("(referral_id = {r} AND position = {p})"))
            .collect();
        return Some(if each.is_empty() {
            "1 = 0".into()
        } else {
            format!("({})", each.join(" OR "))
        });
    }
    if table == "objection_record" || table == "restriction_record" {
        // A family's objection covers every member's records: only the subject's are theirs.
        return Some(if s.records.is_empty() {
            "1 = 0".into()
        } else {
            format!("record_id IN ({})", ids(&s.records))
        });
    }
    let (_, cols) = OWN_ROWS.iter().find(|(t, _)| *t == table)?;
    Some(match s.person {
        None => "1 = 0".into(),
        Some(p) => format!(
            "({})",
            cols.iter()
                .map(|c| format!("{c} = {p}"))
                .collect::<Vec<_>>()
                .join(" OR ")
        ),
    })
}

fn subject_access(
    tx: &mut dyn Tx,
    backend: Backend,
    subject: &SarSubject,
) -> Result<Option<SubjectAccess>> {
    let s = scope(tx, subject)?;
    let mut quarantined: BTreeSet<i64> = subject.quarantined.iter().copied().collect();
    let known = known_by(tx, &s)?;
    quarantined.extend(rows_naming(tx, &known)?);
    if s.is_empty() && quarantined.is_empty() {
        return Ok(None);
    }
    let families = s.families();
    let mut batches = BTreeSet::new();
    let mut sources = BTreeSet::new();
    if !quarantined.is_empty() {
        let sql = format!(
            "SELECT DISTINCT source FROM quarantine WHERE id IN ({})",
            ids(&quarantined)
        );
        sources.extend(tx.query(&sql, &[])?.iter().filter_map(|r| r[0].text()));
    }
    if !s.records.is_empty() {
        let sql = format!(
            "SELECT DISTINCT batch_id, source FROM record WHERE record_id IN ({})",
            ids(&s.records)
        );
        for r in tx.query(&sql, &[])? {
            batches.extend(r[0].int());
            sources.extend(r[1].text());
        }
    }
    let mut readings = BTreeSet::new();
    if !families.is_empty() {
        let sql = format!(
            "SELECT id FROM progress_reading WHERE family_id IN ({})",
            ids(&families)
        );
        readings.extend(tx.query(&sql, &[])?.iter().filter_map(|r| r[0].int()));
    }
    let person: BTreeSet<i64> = s.person.into_iter().collect();
    let schema = schema_tables(tx, backend)?;
    let mut sections = Vec::with_capacity(SAR_TABLES.len());
    for t in SAR_TABLES {
        let Some((_, all_columns)) = schema.iter().find(|(name, _)| name == t.table) else {
            continue;
        };
        let any = |cols: &[&str], keys: &BTreeSet<i64>| -> Option<String> {
            (!keys.is_empty()).then(|| {
                cols.iter()
                    .map(|c| format!("{c} IN ({})", ids(keys)))
                    .collect::<Vec<_>>()
                    .join(" OR ")
            })
        };
        let filter = match t.reach {
            Reach::Records(cols) => any(cols, &s.records),
            Reach::Person(cols) => any(cols, &person),
            Reach::Families(c) => any(&[c], &families),
            Reach::Referrals(c) => any(&[c], &s.referrals),
            Reach::ProgressReadings(c) => any(&[c], &readings),
            Reach::Objections(c) => any(&[c], &s.objections),
            Reach::Restrictions(c) => any(&[c], &s.restrictions),
            Reach::Batches(c) => any(&[c], &batches),
            Reach::Quarantine(c) => any(&[c], &quarantined),
            Reach::Audit => audit_filter(&s),
        };
        let filter = match (filter, own_rows(t.table, &s)) {
            (Some(f), Some(own)) => Some(format!("({f}) AND {own}")),
            (f, _) => f,
        };
        let columns: Vec<String> = all_columns
            .iter()
            .filter(|c| !left_out(t.table, c))
            .cloned()
            .collect();
        let mut rows = Vec::new();
        if let Some(filter) = filter {
            let select = columns
                .iter()
                .map(|c| format!("CAST({c} AS TEXT)"))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!("SELECT {select} FROM {} WHERE {filter} ORDER BY 1", t.table);
            rows = tx
                .query(&sql, &[])?
                .into_iter()
                .map(|r| r.iter().map(|v| v.text()).collect())
                .collect();
        }
        if t.table == "review_pair" {
            hide_other_records(&columns, &mut rows, &s.records);
        }
        for (i, c) in columns.iter().enumerate() {
            if OWN_PARTS.contains(&(t.table, c.as_str())) {
                for row in rows.iter_mut() {
                    row[i] = row[i].take().and_then(|v| own_parts(&v, s.person));
                }
            }
        }
        sections.push(SarSection {
            table: t.table.to_string(),
            title: t.title.to_string(),
            columns,
            rows,
        });
    }
    let restricted = match s.person {
        Some(p) => !tx
            .query(
                "SELECT 1 FROM restriction WHERE person_id = $1 AND lifted_at IS NULL",
                &[p.into()],
            )?
            .is_empty(),
        None => false,
    };
    Ok(Some(SubjectAccess {
        person_id: s.person,
        referrals: s.referrals.iter().copied().collect(),
        records: s.records.iter().copied().collect(),
        families: families.into_iter().collect(),
        sources: sources.into_iter().collect(),
        restricted,
        quarantined: quarantined.into_iter().collect(),
        sections,
    }))
}

/// What the subject is known by, for the quarantine: their records' names with dates of
/// birth and numbers, and their entries in referrals.
fn known_by(tx: &mut dyn Tx, s: &PersonScope) -> Result<QuarantineQuery> {
    let mut q = QuarantineQuery::default();
    if !s.records.is_empty() {
        let sql = format!(
            "SELECT COALESCE(given_name, '') || ' ' || COALESCE(family_name, ''), full_name, \
             CAST(date_of_birth AS TEXT), nhs_number, ni_number, upn \
             FROM identity WHERE record_id IN ({})",
            ids(&s.records)
        );
        for r in tx.query(&sql, &[])? {
            let born = r[2]
                .text()
                .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
            if let Some(born) = born {
                for name in [r[0].text(), r[1].text()].into_iter().flatten() {
                    if !name.trim().is_empty() {
                        q.names.push((name, born));
                    }
                }
            }
            q.numbers
                .extend([3, 4, 5].iter().filter_map(|i| r[*i].text()));
        }
    }
    for (referral, position) in &s.referral_members {
        let rows = tx.query(
            "SELECT given_name || ' ' || family_name, CAST(date_of_birth AS TEXT) \
             FROM referral_member WHERE referral_id = $1 AND position = $2",
            &[(*referral).into(), (*position).into()],
        )?;
        for r in rows {
            let born = r[1]
                .text()
                .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
            if let (Some(name), Some(born)) = (r[0].text(), born) {
                q.names.push((name, born));
            }
        }
    }
    q.names.sort();
    q.names.dedup();
    q.numbers.sort();
    q.numbers.dedup();
    Ok(q)
}

/// A review pair compares one of the subject's records with another: the other record's
/// key is not the subject's, so it is shown as none.
fn hide_other_records(
    columns: &[String],
    rows: &mut [Vec<Option<String>>],
    records: &BTreeSet<i64>,
) {
    for (i, c) in columns.iter().enumerate() {
        if c != "record_id_l" && c != "record_id_r" {
            continue;
        }
        for row in rows.iter_mut() {
            let theirs = row[i]
                .as_deref()
                .and_then(|v| v.parse::<i64>().ok())
                .is_some_and(|r| records.contains(&r));
            if !theirs {
                row[i] = None;
            }
        }
    }
}
