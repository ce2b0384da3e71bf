//! Reads of identifiers for the pages that need them, by key: the records of a clerical
//! review pair as a reviewer compares them ([`Store::record_identities`]), and the people a
//! search by name or NHS number finds ([`Store::find_people`]).
//!
//! Only for roles that may see identifiers (the web layer decides who); it writes nothing.

use crate::error::Result;
use crate::handle::Store;
use crate::intake::RecordId;
use crate::sql::{int, placeholders, Tx, Val};

/// One partner record's identifiers as recorded (text as stored), with its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordIdentity {
    /// The record's key.
    pub record_id: RecordId,
    /// The partner source (its key).
    pub source: String,
    /// The agency's own reference for the person.
    pub source_person_id: Option<String>,
    /// Given name.
    pub given_name: Option<String>,
    /// Middle names.
    pub middle_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// A whole name, where the source gave one.
    pub full_name: Option<String>,
    /// Date of birth, `YYYY-MM-DD`.
    pub date_of_birth: Option<String>,
    /// `F`, `M` or `U`.
    pub sex: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Postcode.
    pub postcode: Option<String>,
    /// NHS number.
    pub nhs_number: Option<String>,
    /// National Insurance number.
    pub ni_number: Option<String>,
    /// Unique Pupil Number.
    pub upn: Option<String>,
}

/// What to look people up by: any of these, all of them met by one record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeopleQuery {
    /// Words every one of which a record's given, middle, family or full name must contain
    /// (case and accents ignored: "Zoe" finds "Zoë").
    pub name_words: Vec<String>,
    /// Words every one of which a record's middle names (or, where the source gave a whole
    /// name, its full name) must contain (case and accents ignored).
    pub middle_words: Vec<String>,
    /// An NHS number, ten digits.
    pub nhs_number: Option<String>,
    /// A unique pupil number, as `hearth_model::Upn` writes it.
    pub upn: Option<String>,
}

impl Store {
    /// The identifiers of these records, by record key (keys not stored are left out).
    pub fn record_identities(&mut self, ids: &[RecordId]) -> Result<Vec<RecordIdentity>> {
        self.with_read(|tx| record_identities(tx, ids))
    }

    /// The people (of the latest linkage run) with a record matching `query`, by person key;
    /// empty for an empty query.
    pub fn find_people(&mut self, query: &PeopleQuery) -> Result<Vec<i64>> {
        let backend = self.backend();
        self.with_read(|tx| find_people(tx, backend, query))
    }

    /// The people with a record giving one of these dates of birth, as (person key, the
    /// record's given, family and full names in lower case joined by spaces, date of birth):
    /// a list's names matched in memory, not one read of the identities per name.
    pub fn people_born_on(
        &mut self,
        days: &[chrono::NaiveDate],
    ) -> Result<Vec<(i64, String, chrono::NaiveDate)>> {
        // PostgreSQL keeps dates of birth as DATE: each day is given as text and cast there
        // (SQLite keeps the text).
        let pg = self.backend() == crate::Backend::Postgres;
        self.with_read(|tx| {
            let mut out = Vec::new();
            for chunk in days.chunks(500) {
                let list = if pg {
                    (1..=chunk.len())
                        .map(|i| format!("CAST(CAST(${i} AS TEXT) AS DATE)"))
                        .collect::<Vec<_>>()
                        .join(", ")
                } else {
                    placeholders(chunk.len())
                };
                let sql = format!(
                    "SELECT DISTINCT pr.person_id, LOWER(COALESCE(i.given_name, '') || ' ' || \
                     COALESCE(i.family_name, '') || ' ' || COALESCE(i.full_name, '')), \
                     CAST(i.date_of_birth AS TEXT) FROM identity i \
                     JOIN person_record pr ON pr.record_id = i.record_id \
                     WHERE i.date_of_birth IN ({list})"
                );
                let params: Vec<Val> = chunk.iter().map(|d| Val::Text(d.to_string())).collect();
                for r in tx.query(&sql, &params)? {
                    let person = int(&r, 0, "person_record", "person_id")?;
                    let born = r[2]
                        .text()
                        .and_then(|t| chrono::NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok());
                    if let Some(born) = born {
                        out.push((person, r[1].text().unwrap_or_default(), born));
                    }
                }
            }
            Ok(out)
        })
    }

    /// The people with a record carrying one of these NHS numbers, as (number, person key)
    /// pairs: many numbers in a few statements (a list of a council's attached families),
    /// where [`Store::find_people`] would read the identities once per number.
    pub fn people_by_nhs_numbers(&mut self, numbers: &[String]) -> Result<Vec<(String, i64)>> {
        self.with_read(|tx| {
            let mut out = Vec::new();
            for chunk in numbers.chunks(500) {
                let sql = format!(
                    "SELECT DISTINCT i.nhs_number, pr.person_id FROM identity i \
                     JOIN person_record pr ON pr.record_id = i.record_id \
                     WHERE i.nhs_number IN ({}) ORDER BY pr.person_id",
                    placeholders(chunk.len())
                );
                let params: Vec<Val> = chunk.iter().map(|n| Val::Text(n.clone())).collect();
                for r in tx.query(&sql, &params)? {
                    out.push((
                        r[0].text().unwrap_or_default(),
                        int(&r, 1, "person_record", "person_id")?,
                    ));
                }
            }
            Ok(out)
        })
    }
}

pub(crate) fn record_identities(tx: &mut dyn Tx, ids: &[RecordId]) -> Result<Vec<RecordIdentity>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT i.record_id, r.source, i.source_person_id, i.given_name, i.middle_name, \
             i.family_name, i.full_name, CAST(i.date_of_birth AS TEXT), i.sex, i.address, \
             i.postcode, i.nhs_number, i.ni_number, i.upn \
             FROM identity i JOIN record r ON r.record_id = i.record_id \
             WHERE i.record_id IN ({}) ORDER BY i.record_id",
            placeholders(chunk.len())
        );
        let params: Vec<Val> = chunk.iter().map(|r| Val::Int(r.0)).collect();
        for r in tx.query(&sql, &params)? {
            out.push(RecordIdentity {
                record_id: RecordId(int(&r, 0, "identity", "record_id")?),
                source: r[1].text().unwrap_or_default(),
                source_person_id: r[2].text(),
                given_name: r[3].text(),
                middle_name: r[4].text(),
                family_name: r[5].text(),
                full_name: r[6].text(),
                date_of_birth: r[7].text(),
                sex: r[8].text(),
                address: r[9].text(),
                postcode: r[10].text(),
                nhs_number: r[11].text(),
                ni_number: r[12].text(),
                upn: r[13].text(),
            });
        }
    }
    Ok(out)
}

fn find_people(tx: &mut dyn Tx, backend: crate::Backend, q: &PeopleQuery) -> Result<Vec<i64>> {
    let mut conditions = Vec::new();
    let mut params: Vec<Val> = Vec::new();
    let names = crate::fold::fold_sql(
        backend,
        "COALESCE(i.given_name, '') || ' ' || COALESCE(i.middle_name, '') || ' ' || \
         COALESCE(i.family_name, '') || ' ' || COALESCE(i.full_name, '')",
    );
    let middle = crate::fold::fold_sql(
        backend,
        "COALESCE(i.middle_name, '') || ' ' || COALESCE(i.full_name, '')",
    );
    let words = q
        .name_words
        .iter()
        .map(|w| (w, &names))
        .chain(q.middle_words.iter().map(|w| (w, &middle)));
    for (w, within) in words.filter(|(w, _)| !w.trim().is_empty()) {
        // The words are text, not patterns: `%`, `_` and `\` match only themselves.
        let escaped: String = crate::fold::fold_text(w.trim())
            .chars()
            .flat_map(|c| match c {
                '%' | '_' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        params.push(Val::Text(format!("%{escaped}%")));
        conditions.push(format!("{within} LIKE ${} ESCAPE '\\'", params.len()));
    }
    if let Some(u) = &q.upn {
        params.push(Val::Text(u.clone()));
        conditions.push(format!("i.upn = ${}", params.len()));
    }
    if let Some(n) = &q.nhs_number {
        params.push(Val::Text(n.clone()));
        conditions.push(format!("i.nhs_number = ${}", params.len()));
    }
    if conditions.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT DISTINCT pr.person_id FROM identity i \
         JOIN person_record pr ON pr.record_id = i.record_id \
         WHERE {} ORDER BY pr.person_id",
        conditions.join(" AND ")
    );
    tx.query(&sql, &params)?
        .iter()
        .map(|r| int(r, 0, "person_record", "person_id"))
        .collect()
}
