//! Information governance: the objection register, the best-known identifiers of the people
//! an extract is about, and the log of extracts sent outside the council.
//!
//! An objection is kept with the partner records that were the person's (or the family's
//! members') when it was recorded, so that it follows them through later re-links.

use crate::error::{Result, StoreError};
use crate::handle::Store;
use crate::sql::{corrupt, date, int, time, ts, Tx, Val};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeSet;

/// Who an objection is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectionSubject {
    /// A linked person (by person ID).
    Person(i64),
    /// A family (by family ID): every member at the time.
    Family(i64),
}

/// A new objection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewObjection {
    /// Who objects.
    pub subject: ObjectionSubject,
    /// `research` or `all` (all sharing).
    pub scope: String,
    /// When the council received it.
    pub received_on: NaiveDate,
    /// How: letter, phone, email, in person…
    pub received_how: String,
    /// Who recorded it.
    pub recorded_by: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// An objection in the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Objection {
    /// Its key.
    pub id: i64,
    /// Who objects (as recorded; IDs may since have been re-linked).
    pub subject: ObjectionSubject,
    /// `research` or `all`.
    pub scope: String,
    /// When the council received it.
    pub received_on: NaiveDate,
    /// How.
    pub received_how: String,
    /// Who recorded it.
    pub recorded_by: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// Partner records it covers.
    pub records: i64,
    /// When and by whom it was withdrawn, if it was.
    pub withdrawn: Option<(DateTime<Utc>, String)>,
}

/// The identifiers of one person as the national evaluation asks for them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PersonIdentifiers {
    /// The person.
    pub person_id: i64,
    /// Each value with the event date of the record giving it (most recent first is the
    /// caller's choice): given name, family name, date of birth, sex, address, postcode,
    /// NI number.
    pub variants: Vec<IdentifierVariant>,
}

/// One record's identifiers for a person.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IdentifierVariant {
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// `F`, `M` or `U`.
    pub sex: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Postcode.
    pub postcode: Option<String>,
    /// National Insurance number.
    pub ni_number: Option<String>,
    /// The record's event date, for "last known".
    pub event_date: Option<NaiveDate>,
}

/// An extract sent outside the council, as logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractTransfer {
    /// Its key (0 for a new one).
    pub id: i64,
    /// What kind, e.g. `national_evaluation`.
    pub kind: String,
    /// When.
    pub made_at: DateTime<Utc>,
    /// Who.
    pub made_by: String,
    /// The recipient's public key.
    pub recipient: String,
    /// The identification run it drew on.
    pub identification_run: i64,
    /// Families in it.
    pub families: i64,
    /// People in it.
    pub people: i64,
    /// People left out because they object.
    pub objectors_excluded: i64,
    /// The file written.
    pub file_name: String,
    /// SHA-256 of the encrypted file.
    pub file_sha256: String,
}

impl Store {
    /// Records an objection with the partner records it covers now; returns its key.
    /// Refuses a person or family that Hearth does not know.
    pub fn add_objection(&mut self, o: &NewObjection) -> Result<i64> {
        self.with_tx(|tx| {
            let (kind, id, sql) = match o.subject {
                ObjectionSubject::Person(p) => (
                    "person",
                    p,
                    "SELECT record_id FROM person_record WHERE person_id = $1",
                ),
                ObjectionSubject::Family(f) => (
                    "family",
                    f,
                    "SELECT pr.record_id FROM family_member fm \
                     JOIN person_record pr ON pr.person_id = fm.person_id WHERE fm.family_id = $1",
                ),
            };
            let records = tx.query(sql, &[id.into()])?;
            if records.is_empty() {
                return Err(StoreError::NotFound(format!("{kind} {id}")));
            }
            let rows = tx.query(
                "INSERT INTO objection (subject_kind, subject_id, scope, received_on, \
                 received_how, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 RETURNING id",
                &[
                    kind.into(),
                    id.into(),
                    o.scope.as_str().into(),
                    o.received_on.format("%Y-%m-%d").to_string().into(),
                    o.received_how.as_str().into(),
                    o.recorded_by.as_str().into(),
                    ts(o.recorded_at).into(),
                ],
            )?;
            let objection = rows
                .first()
                .and_then(|r| r[0].int())
                .ok_or_else(|| corrupt("objection", "id", 0))?;
            for r in &records {
                tx.exec(
                    "INSERT INTO objection_record (objection_id, record_id) VALUES ($1, $2)",
                    &[objection.into(), r[0].clone()],
                )?;
            }
            // Its records' keyed identifiers, so that it follows the person when a partner
            // re-sends a file (new records) — see `Store::refresh_objection_coverage`.
            let keys = crate::governance_keys::IdentityKeys::read(tx)?;
            crate::governance_rights::keep_objection_keys(tx, &keys, Some(objection))?;
            Ok(objection)
        })
    }

    /// Withdraws an objection (it stays in the register, marked withdrawn). False when there
    /// is no such objection in force.
    pub fn withdraw_objection(&mut self, id: i64, by: &str, at: DateTime<Utc>) -> Result<bool> {
        self.with_tx(|tx| {
            let n = tx.exec(
                "UPDATE objection SET withdrawn_at = $1, withdrawn_by = $2 \
                 WHERE id = $3 AND withdrawn_at IS NULL",
                &[ts(at).into(), by.into(), id.into()],
            )?;
            Ok(n == 1)
        })
    }

    /// The whole register, newest first.
    pub fn objections(&mut self) -> Result<Vec<Objection>> {
        self.with_read(|tx| {
            tx.query(
                "SELECT o.id, o.subject_kind, o.subject_id, o.scope, o.received_on, \
                 o.received_how, o.recorded_by, o.recorded_at, o.withdrawn_at, o.withdrawn_by, \
                 (SELECT count(*) FROM objection_record r WHERE r.objection_id = o.id) \
                 FROM objection o ORDER BY o.id DESC",
                &[],
            )?
            .iter()
            .map(|r| objection_row(r))
            .collect()
        })
    }

    /// The people (current person IDs) covered by an objection in force whose scope is one
    /// of `scopes`: anyone with at least one partner record an objection covers.
    pub fn objecting_people(&mut self, scopes: &[&str]) -> Result<BTreeSet<i64>> {
        self.with_read(|tx| objecting_people(tx, scopes))
    }

    /// The families (current family IDs) with at least one of `people` as a member, or that
    /// one of them was a member of when their processing was restricted (still in force).
    pub fn families_of(&mut self, people: &BTreeSet<i64>) -> Result<BTreeSet<i64>> {
        let ids: Vec<i64> = people.iter().copied().collect();
        self.with_read(|tx| {
            let mut out = BTreeSet::new();
            for chunk in ids.chunks(500) {
                let list = crate::governance_rights::in_list(chunk);
                let rows = tx.query(
                    &format!(
                        "SELECT DISTINCT family_id FROM family_member WHERE person_id IN ({list})"
                    ),
                    &[],
                )?;
                out.extend(rows.iter().filter_map(|r| r[0].int()));
                // A restricted person is out of the current families, but still withheld
                // from the family they were in (`restricted::Restricted::families`).
                let rows = tx.query(
                    &format!(
                        "SELECT DISTINCT family_id FROM restriction WHERE person_id IN ({list}) \
                         AND lifted_at IS NULL AND family_id IS NOT NULL"
                    ),
                    &[],
                )?;
                out.extend(rows.iter().filter_map(|r| r[0].int()));
            }
            Ok(out)
        })
    }

    /// Every identity record of each of `people`, with its event date.
    pub fn person_identifiers(&mut self, people: &[i64]) -> Result<Vec<PersonIdentifiers>> {
        self.with_read(|tx| person_identifiers(tx, people))
    }

    /// Logs an extract sent outside the council; returns its key.
    pub fn log_transfer(&mut self, t: &ExtractTransfer) -> Result<i64> {
        self.with_tx(|tx| {
            let rows = tx.query(
                "INSERT INTO extract_transfer (kind, made_at, made_by, recipient, \
                 identification_run, families, people, objectors_excluded, file_name, \
                 file_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                &[
                    t.kind.as_str().into(),
                    ts(t.made_at).into(),
                    t.made_by.as_str().into(),
                    t.recipient.as_str().into(),
                    t.identification_run.into(),
                    t.families.into(),
                    t.people.into(),
                    t.objectors_excluded.into(),
                    t.file_name.as_str().into(),
                    t.file_sha256.as_str().into(),
                ],
            )?;
            rows.first()
                .and_then(|r| r[0].int())
                .ok_or_else(|| corrupt("extract_transfer", "id", 0))
        })
    }

    /// Every extract sent, newest first.
    pub fn transfers(&mut self) -> Result<Vec<ExtractTransfer>> {
        self.with_read(|tx| {
            tx.query(
                "SELECT id, kind, made_at, made_by, recipient, identification_run, families, \
                 people, objectors_excluded, file_name, file_sha256 FROM extract_transfer \
                 ORDER BY id DESC",
                &[],
            )?
            .iter()
            .map(|r| {
                let t = "extract_transfer";
                Ok(ExtractTransfer {
                    id: int(r, 0, t, "id")?,
                    kind: r[1].text().unwrap_or_default(),
                    made_at: time(&r[2], t, "made_at")?,
                    made_by: r[3].text().unwrap_or_default(),
                    recipient: r[4].text().unwrap_or_default(),
                    identification_run: int(r, 5, t, "identification_run")?,
                    families: int(r, 6, t, "families")?,
                    people: int(r, 7, t, "people")?,
                    objectors_excluded: int(r, 8, t, "objectors_excluded")?,
                    file_name: r[9].text().unwrap_or_default(),
                    file_sha256: r[10].text().unwrap_or_default(),
                })
            })
            .collect()
        })
    }
}

fn objection_row(r: &[Val]) -> Result<Objection> {
    let t = "objection";
    let id = int(r, 0, t, "id")?;
    let subject_id = int(r, 2, t, "subject_id")?;
    let subject = match r[1].text().as_deref() {
        Some("person") => ObjectionSubject::Person(subject_id),
        Some("family") => ObjectionSubject::Family(subject_id),
        _ => return Err(corrupt(t, "subject_kind", id)),
    };
    let withdrawn = match r[8].text() {
        Some(_) => Some((
            time(&r[8], t, "withdrawn_at")?,
            r[9].text().unwrap_or_default(),
        )),
        None => None,
    };
    Ok(Objection {
        id,
        subject,
        scope: r[3].text().unwrap_or_default(),
        received_on: date(&r[4], t, "received_on")?,
        received_how: r[5].text().unwrap_or_default(),
        recorded_by: r[6].text().unwrap_or_default(),
        recorded_at: time(&r[7], t, "recorded_at")?,
        records: int(r, 10, t, "records")?,
        withdrawn,
    })
}

fn objecting_people(tx: &mut dyn Tx, scopes: &[&str]) -> Result<BTreeSet<i64>> {
    let mut out = BTreeSet::new();
    for scope in scopes {
        let rows = tx.query(
            "SELECT DISTINCT pr.person_id FROM objection o \
             JOIN objection_record r ON r.objection_id = o.id \
             JOIN person_record pr ON pr.record_id = r.record_id \
             WHERE o.withdrawn_at IS NULL AND o.scope = $1",
            &[(*scope).into()],
        )?;
        out.extend(rows.iter().filter_map(|r| r[0].int()));
    }
    Ok(out)
}

fn person_identifiers(tx: &mut dyn Tx, people: &[i64]) -> Result<Vec<PersonIdentifiers>> {
    let mut out: Vec<PersonIdentifiers> = Vec::with_capacity(people.len());
    for chunk in people.chunks(500) {
        let list: Vec<String> = chunk.iter().map(|p| p.to_string()).collect();
        let rows = tx.query(
            &format!(
                "SELECT pr.person_id, i.given_name, i.family_name, i.date_of_birth, i.sex, \
                 i.address, i.postcode, i.ni_number, r.event_date \
                 FROM person_record pr JOIN identity i ON i.record_id = pr.record_id \
                 JOIN record r ON r.record_id = pr.record_id \
                 WHERE pr.person_id IN ({}) ORDER BY pr.person_id, pr.record_id",
                list.join(", ")
            ),
            &[],
        )?;
        for r in &rows {
            let person_id = int(r, 0, "person_record", "person_id")?;
            let optional_date = |v: &Val| {
                v.text()
                    .and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok())
            };
            let v = IdentifierVariant {
                given_name: r[1].text(),
                family_name: r[2].text(),
                date_of_birth: optional_date(&r[3]),
                sex: r[4].text(),
                address: r[5].text(),
                postcode: r[6].text(),
                ni_number: r[7].text(),
                event_date: optional_date(&r[8]),
            };
            match out.last_mut() {
                Some(p) if p.person_id == person_id => p.variants.push(v),
                _ => out.push(PersonIdentifiers {
                    person_id,
                    variants: vec![v],
                }),
            }
        }
    }
    Ok(out)
}
