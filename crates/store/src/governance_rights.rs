//! A person's rights (issue 13): rectification of an identifier, restriction of processing,
//! erasure with a tombstone, and keeping an objection with the person when a partner re-sends
//! a file. Each change is one transaction; the caller audits it (the audit line names the
//! person, the field or the lawful ground, never an identifier's value).

use crate::error::{Result, StoreError};
use crate::governance_keys::{IdentityKeys, KeyFields};
use crate::handle::Store;
use crate::intake::RecordId;
use crate::sql::{corrupt, date, ts, Tx, Val};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{BTreeSet, HashMap};

/// An identifier that can be rectified, and the `identity` column it lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentifierField {
    /// Given name.
    GivenName,
    /// Family name.
    FamilyName,
    /// A whole name.
    FullName,
    /// Date of birth (`YYYY-MM-DD`).
    DateOfBirth,
    /// Address.
    Address,
    /// Postcode.
    Postcode,
    /// NHS number.
    NhsNumber,
    /// National Insurance number.
    NiNumber,
}

impl IdentifierField {
    /// Every field, in the order forms list them.
    pub const ALL: &'static [IdentifierField] = &[
        IdentifierField::GivenName,
        IdentifierField::FamilyName,
        IdentifierField::FullName,
        IdentifierField::DateOfBirth,
        IdentifierField::Address,
        IdentifierField::Postcode,
        IdentifierField::NhsNumber,
        IdentifierField::NiNumber,
    ];

    /// The `identity` column (also the field's key on forms and the command line).
    pub fn key(self) -> &'static str {
        match self {
            IdentifierField::GivenName => "given_name",
            IdentifierField::FamilyName => "family_name",
            IdentifierField::FullName => "full_name",
            IdentifierField::DateOfBirth => "date_of_birth",
            IdentifierField::Address => "address",
            IdentifierField::Postcode => "postcode",
            IdentifierField::NhsNumber => "nhs_number",
            IdentifierField::NiNumber => "ni_number",
        }
    }

    /// The field named by its key.
    pub fn parse(key: &str) -> Option<IdentifierField> {
        IdentifierField::ALL
            .iter()
            .copied()
            .find(|f| f.key() == key)
    }

    /// Whether `person_identity` (what pages read) has this column too.
    fn on_pages(self) -> bool {
        !matches!(self, IdentifierField::NhsNumber | IdentifierField::NiNumber)
    }
}

/// A rectification to make: every record of the person gets the new value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRectification {
    /// The person.
    pub person_id: i64,
    /// Which identifier.
    pub field: IdentifierField,
    /// The corrected value, already checked and normalised by the caller.
    pub value: String,
    /// Why (e.g. "birth certificate seen").
    pub reason: String,
    /// Who.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// What a rectification changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rectified {
    /// Its key in the rectification register.
    pub id: i64,
    /// Records whose value changed.
    pub records: u64,
}

/// A restriction or an erasure: who asked for what, why and on what lawful ground.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RightsRequest {
    /// The person.
    pub person_id: i64,
    /// Why, in the officer's words.
    pub reason: String,
    /// The lawful ground (UK GDPR Art. 17(1) or 18(1) …).
    pub ground: String,
    /// Who.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// What an erasure removed (counts only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Erased {
    /// Its key in the erasure register.
    pub id: i64,
    /// Partner records removed (identity and facts).
    pub records: u64,
    /// Keyed hashes kept as the tombstone.
    pub tombstones: u64,
}

/// The erasure tombstones, to check partner rows against before they are written.
#[derive(Debug, Clone)]
pub struct Tombstones {
    keys: IdentityKeys,
    erased: HashMap<String, NaiveDate>,
}

impl Tombstones {
    /// The day the person these identifiers name was erased, if they were.
    pub fn erased_on(&self, fields: &KeyFields) -> Option<NaiveDate> {
        if self.erased.is_empty() {
            return None;
        }
        self.keys
            .keys(fields)
            .iter()
            .find_map(|k| self.erased.get(k).copied())
    }

    /// No one has been erased.
    pub fn is_empty(&self) -> bool {
        self.erased.is_empty()
    }
}

/// The records of a person now: linked ones, and those a restriction in force holds.
pub(crate) fn person_records(tx: &mut dyn Tx, person: i64) -> Result<Vec<i64>> {
    let rows = tx.query(
        "SELECT record_id FROM person_record WHERE person_id = $1 \
         UNION SELECT rr.record_id FROM restriction_record rr \
         JOIN restriction r ON r.id = rr.restriction_id WHERE r.person_id = $1 \
         ORDER BY 1",
        &[person.into()],
    )?;
    Ok(rows.iter().filter_map(|r| r[0].int()).collect())
}

fn returning_id(rows: Vec<Vec<Val>>, table: &'static str) -> Result<i64> {
    rows.first()
        .and_then(|r| r[0].int())
        .ok_or_else(|| corrupt(table, "id", 0))
}

pub(crate) fn in_list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Corrects one identifier on every record of a person (the next linkage run reads the
    /// corrected value), and on the identifiers pages show at once; keeps the old values in
    /// the rectification register (identity-side, shown to the person, erased with them).
    /// NotFound when the person has no records.
    pub fn rectify(&mut self, r: &NewRectification) -> Result<Rectified> {
        // The new value as the column's type: PostgreSQL keeps dates of birth as DATE.
        let value = match (self.backend(), r.field) {
            (crate::Backend::Postgres, IdentifierField::DateOfBirth) => {
                "CAST(CAST($1 AS TEXT) AS DATE)"
            }
            _ => "CAST($1 AS TEXT)",
        };
        self.with_tx(|tx| {
            let records = person_records(tx, r.person_id)?;
            if records.is_empty() {
                return Err(StoreError::NotFound(format!("person {}", r.person_id)));
            }
            let col = r.field.key();
            let mut old = BTreeSet::new();
            let mut changed = 0;
            for chunk in records.chunks(500) {
                let list = in_list(chunk);
                for row in tx.query(
                    &format!(
                        "SELECT DISTINCT CAST({col} AS TEXT) FROM identity \
                         WHERE record_id IN ({list})"
                    ),
                    &[],
                )? {
                    if let Some(v) = row[0].text() {
                        if v != r.value {
                            old.insert(v);
                        }
                    }
                }
                changed += tx.exec(
                    &format!(
                        "UPDATE identity SET {col} = {value} WHERE record_id IN ({list}) \
                         AND ({col} IS NULL OR CAST({col} AS TEXT) <> CAST($1 AS TEXT))"
                    ),
                    &[r.value.as_str().into()],
                )?;
            }
            if r.field.on_pages() {
                tx.exec(
                    &format!("UPDATE person_identity SET {col} = {value} WHERE person_id = $2"),
                    &[r.value.as_str().into(), r.person_id.into()],
                )?;
            }
            let old_json = serde_json::to_string(&old).unwrap_or_else(|_| "[]".into());
            let id = returning_id(
                tx.query(
                    "INSERT INTO rectification (person_id, field, old_values, new_value, records, \
                     reason, rectified_by, rectified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     RETURNING id",
                    &[
                        r.person_id.into(),
                        col.into(),
                        old_json.into(),
                        r.value.as_str().into(),
                        (changed as i64).into(),
                        r.reason.as_str().into(),
                        r.by.as_str().into(),
                        ts(r.at).into(),
                    ],
                )?,
                "rectification",
            )?;
            Ok(Rectified {
                id,
                records: changed,
            })
        })
    }

    /// Restricts the processing of a person: their records are kept (and held by the
    /// restriction), taken out of the current people and families at once (their place kept
    /// on the restriction), withheld from every view of a family from now on
    /// ([`crate::Restricted`], read by `family_view`), and left out of every later linkage
    /// run (so of families, identification, extracts and pages) until the restriction is
    /// lifted. Returns the restriction's key; NotFound for an unknown person.
    pub fn restrict(&mut self, r: &RightsRequest) -> Result<i64> {
        self.restrict_with(r, None)
    }

    /// [`Store::restrict`], keeping how the request was received.
    pub(crate) fn restrict_with(
        &mut self,
        r: &RightsRequest,
        received: Option<&str>,
    ) -> Result<i64> {
        self.with_tx(|tx| {
            let records = person_records(tx, r.person_id)?;
            if records.is_empty() {
                return Err(StoreError::NotFound(format!("person {}", r.person_id)));
            }
            let id = returning_id(
                tx.query(
                    "INSERT INTO restriction (person_id, reason, ground, restricted_by, \
                     restricted_at, received_how) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    &[
                        r.person_id.into(),
                        r.reason.as_str().into(),
                        r.ground.as_str().into(),
                        r.by.as_str().into(),
                        ts(r.at).into(),
                        received.map(str::to_string).into(),
                    ],
                )?,
                "restriction",
            )?;
            tx.bulk(
                "restriction_record",
                &["restriction_id", "record_id"],
                &mut records.iter().map(|&rec| vec![id.into(), rec.into()]),
            )?;
            crate::restricted::keep_place(tx, id, r.person_id)?;
            leave_current_results(tx, r.person_id)?;
            Ok(id)
        })
    }

    /// Lifts a restriction (kept in the register, marked lifted): the person is put back as
    /// they were (records, identifiers for pages, place in their family), shown again at
    /// once, and the next linkage run takes the records in again. False when there is no
    /// such restriction in force.
    pub fn lift_restriction(&mut self, id: i64, by: &str, at: DateTime<Utc>) -> Result<bool> {
        self.with_tx(|tx| {
            let n = tx.exec(
                "UPDATE restriction SET lifted_at = $1, lifted_by = $2 \
                 WHERE id = $3 AND lifted_at IS NULL",
                &[ts(at).into(), by.into(), id.into()],
            )?;
            if n == 1 {
                crate::restricted::restore_place(tx, id)?;
            }
            Ok(n == 1)
        })
    }

    /// The records held by a restriction in force: linkage leaves them out.
    pub fn restricted_records(&mut self) -> Result<BTreeSet<i64>> {
        self.with_read(|tx| {
            Ok(tx
                .query(
                    "SELECT rr.record_id FROM restriction_record rr \
                     JOIN restriction r ON r.id = rr.restriction_id WHERE r.lifted_at IS NULL",
                    &[],
                )?
                .iter()
                .filter_map(|r| r[0].int())
                .collect())
        })
    }

    /// The people under a restriction in force (for pages that list people).
    pub fn restricted_people(&mut self) -> Result<BTreeSet<i64>> {
        self.with_read(|tx| {
            Ok(tx
                .query(
                    "SELECT DISTINCT person_id FROM restriction WHERE lifted_at IS NULL",
                    &[],
                )?
                .iter()
                .filter_map(|r| r[0].int())
                .collect())
        })
    }

    /// Erases a person, in one transaction: their partner records' identity and facts, their
    /// place in the current people and families, the evidence naming them, their review
    /// pairs, rectifications, restrictions' record lists and objections' record lists, and
    /// their matches to referrals. Keeps the erasure (who, when, why, lawful ground, counts;
    /// no identifier) and a tombstone of keyed hashes of their identifiers, so that a
    /// re-import of the same partner rows is quarantined. NotFound for an unknown person.
    ///
    /// Not removed: the family's case records (notes, plan, assessments) — the family's,
    /// under their own retention; the audit log (append-only, keys only).
    pub fn erase(&mut self, r: &RightsRequest) -> Result<Erased> {
        self.with_tx(|tx| {
            let records = person_records(tx, r.person_id)?;
            if records.is_empty() {
                return Err(StoreError::NotFound(format!("person {}", r.person_id)));
            }
            let keys = IdentityKeys::read(tx)?;
            let ids: Vec<RecordId> = records.iter().map(|&r| RecordId(r)).collect();
            // The values corrected away count too: a partner re-sending its uncorrected row
            // must still be recognised.
            let mut corrected: Vec<(String, Vec<String>)> = Vec::new();
            for row in tx.query(
                "SELECT field, old_values FROM rectification WHERE person_id = $1",
                &[r.person_id.into()],
            )? {
                let field = row[0].text().unwrap_or_default();
                let old: Vec<String> = row[1]
                    .text()
                    .and_then(|t| serde_json::from_str(&t).ok())
                    .unwrap_or_default();
                corrected.push((field, old));
            }
            // Every combination of current and corrected-away values (a partner re-sending
            // its row from before two corrections has both old values), at most 256 a record.
            let mut hashes = BTreeSet::new();
            for identity in crate::lookup::record_identities(tx, &ids)? {
                let mut variants = vec![identity];
                for (field, old) in &corrected {
                    let mut more = Vec::new();
                    for was in &variants {
                        for value in old {
                            let mut v = was.clone();
                            let slot = match field.as_str() {
                                "given_name" => &mut v.given_name,
                                "family_name" => &mut v.family_name,
                                "full_name" => &mut v.full_name,
                                "date_of_birth" => &mut v.date_of_birth,
                                "nhs_number" => &mut v.nhs_number,
                                "ni_number" => &mut v.ni_number,
                                _ => continue,
                            };
                            *slot = Some(value.clone());
                            more.push(v);
                        }
                    }
                    variants.extend(more);
                    variants.truncate(256);
                }
                for v in &variants {
                    hashes.extend(keys.keys(&KeyFields::of_record(v)));
                }
            }
            let id = returning_id(
                tx.query(
                    "INSERT INTO erasure (person_id, reason, ground, erased_by, erased_at, \
                     erased_on, records) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    &[
                        r.person_id.into(),
                        r.reason.as_str().into(),
                        r.ground.as_str().into(),
                        r.by.as_str().into(),
                        ts(r.at).into(),
                        r.at.date_naive().format("%Y-%m-%d").to_string().into(),
                        (records.len() as i64).into(),
                    ],
                )?,
                "erasure",
            )?;
            let mut tombstones = 0;
            for h in &hashes {
                tombstones += tx.exec(
                    "INSERT INTO erasure_tombstone (key_hash, erasure_id) VALUES ($1, $2) \
                     ON CONFLICT DO NOTHING",
                    &[h.as_str().into(), id.into()],
                )?;
            }
            let mut removed = 0;
            for chunk in records.chunks(500) {
                let list = in_list(chunk);
                removed += tx.exec(&format!("DELETE FROM identity WHERE record_id IN ({list})"), &[])?;
                tx.exec(&format!("DELETE FROM record WHERE record_id IN ({list})"), &[])?;
                for sql in [
                    "DELETE FROM person_record WHERE record_id IN ({list})",
                    "DELETE FROM review_pair WHERE record_id_l IN ({list}) OR record_id_r IN ({list})",
                    "DELETE FROM objection_record WHERE record_id IN ({list})",
                    "DELETE FROM restriction_record WHERE record_id IN ({list})",
                ] {
                    tx.exec(&sql.replace("{list}", &list), &[])?;
                }
            }
            leave_current_results(tx, r.person_id)?;
            for sql in [
                "DELETE FROM evidence WHERE person_id = $1",
                "DELETE FROM person_change WHERE person_id = $1",
                "DELETE FROM rectification WHERE person_id = $1",
                "DELETE FROM referral_person WHERE person_id = $1",
            ] {
                tx.exec(sql, &[r.person_id.into()])?;
            }
            Ok(Erased {
                id,
                records: removed,
                tombstones,
            })
        })
    }

    /// The tombstones, with the store's key, for checking partner rows before import.
    pub fn tombstones(&mut self) -> Result<Tombstones> {
        self.with_read(|tx| {
            let keys = IdentityKeys::read(tx)?;
            let mut erased = HashMap::new();
            for row in tx.query(
                "SELECT t.key_hash, e.erased_on FROM erasure_tombstone t \
                 JOIN erasure e ON e.id = t.erasure_id",
                &[],
            )? {
                if let Some(k) = row[0].text() {
                    erased.insert(k, date(&row[1], "erasure", "erased_on")?);
                }
            }
            Ok(Tombstones { keys, erased })
        })
    }

    /// Keeps every objection in force with its person after a linkage run, in one
    /// transaction: records whose identifiers match an objection's keyed hashes (a partner's
    /// re-sent file gives new records) and every record of a person holding a covered record
    /// join its coverage; then the covered records' keys are kept. Returns the records added.
    pub fn refresh_objection_coverage(&mut self) -> Result<u64> {
        self.with_tx(|tx| {
            let keys = IdentityKeys::read(tx)?;
            let mut by_key: HashMap<String, Vec<i64>> = HashMap::new();
            for row in tx.query(
                "SELECT k.key_hash, k.objection_id FROM objection_key k \
                 JOIN objection o ON o.id = k.objection_id WHERE o.withdrawn_at IS NULL",
                &[],
            )? {
                if let (Some(k), Some(o)) = (row[0].text(), row[1].int()) {
                    by_key.entry(k).or_default().push(o);
                }
            }
            let mut added = 0;
            if !by_key.is_empty() {
                let all: Vec<RecordId> = tx
                    .query("SELECT record_id FROM identity", &[])?
                    .iter()
                    .filter_map(|r| r[0].int().map(RecordId))
                    .collect();
                let mut pairs = BTreeSet::new();
                for identity in crate::lookup::record_identities(tx, &all)? {
                    for k in keys.keys(&KeyFields::of_record(&identity)) {
                        for &o in by_key.get(&k).into_iter().flatten() {
                            pairs.insert((o, identity.record_id.0));
                        }
                    }
                }
                for (o, rec) in pairs {
                    added += tx.exec(
                        "INSERT INTO objection_record (objection_id, record_id) VALUES ($1, $2) \
                         ON CONFLICT DO NOTHING",
                        &[o.into(), rec.into()],
                    )?;
                }
            }
            added += tx.exec(
                "INSERT INTO objection_record (objection_id, record_id) \
                 SELECT DISTINCT c.objection_id, p2.record_id FROM objection_record c \
                 JOIN objection o ON o.id = c.objection_id AND o.withdrawn_at IS NULL \
                 JOIN person_record p1 ON p1.record_id = c.record_id \
                 JOIN person_record p2 ON p2.person_id = p1.person_id \
                 WHERE NOT EXISTS (SELECT 1 FROM objection_record x \
                                   WHERE x.objection_id = c.objection_id \
                                   AND x.record_id = p2.record_id)",
                &[],
            )?;
            keep_objection_keys(tx, &keys, None)?;
            Ok(added)
        })
    }
}

/// Keeps the keyed hashes of the records covered by objections in force (one objection, or
/// all), so that coverage survives the records being replaced.
pub(crate) fn keep_objection_keys(
    tx: &mut dyn Tx,
    keys: &IdentityKeys,
    objection: Option<i64>,
) -> Result<()> {
    let (filter, params): (&str, Vec<Val>) = match objection {
        Some(o) => ("AND o.id = $1", vec![o.into()]),
        None => ("", vec![]),
    };
    let covered = tx.query(
        &format!(
            "SELECT c.objection_id, c.record_id FROM objection_record c \
             JOIN objection o ON o.id = c.objection_id \
             WHERE o.withdrawn_at IS NULL {filter} ORDER BY c.record_id"
        ),
        &params,
    )?;
    let mut objections_of: HashMap<i64, Vec<i64>> = HashMap::new();
    for r in &covered {
        if let (Some(o), Some(rec)) = (r[0].int(), r[1].int()) {
            objections_of.entry(rec).or_default().push(o);
        }
    }
    let ids: Vec<RecordId> = objections_of.keys().map(|&r| RecordId(r)).collect();
    let mut rows = BTreeSet::new();
    for identity in crate::lookup::record_identities(tx, &ids)? {
        for k in keys.keys(&KeyFields::of_record(&identity)) {
            for &o in &objections_of[&identity.record_id.0] {
                rows.insert((o, k.clone()));
            }
        }
    }
    for (o, k) in rows {
        tx.exec(
            "INSERT INTO objection_key (objection_id, key_hash) VALUES ($1, $2) \
             ON CONFLICT DO NOTHING",
            &[o.into(), k.into()],
        )?;
    }
    Ok(())
}

/// Takes a person out of the current linkage results (people, pages' identifiers, families).
fn leave_current_results(tx: &mut dyn Tx, person: i64) -> Result<()> {
    for sql in [
        "DELETE FROM person_record WHERE person_id = $1",
        "DELETE FROM person_identity WHERE person_id = $1",
        "DELETE FROM family_member WHERE person_id = $1",
        "DELETE FROM family_relationship WHERE parent_person_id = $1 OR child_person_id = $1",
    ] {
        tx.exec(sql, &[person.into()])?;
    }
    Ok(())
}
