//! What the information governance officer's pages read and record about a person's requests
//! (issue 13): the identifiers held on a person now (each field's distinct values, for
//! "correct an identifier"), the person's restrictions, a restriction with how it was
//! received, and lifting one with why and how that request came. The changes themselves are
//! `governance_rights`' (one transaction each); the caller audits.

use crate::error::Result;
use crate::governance_rights::{in_list, person_records, IdentifierField, RightsRequest};
use crate::handle::Store;
use crate::sql::ts;
use chrono::{DateTime, Utc};

/// The identifiers held on a person's records now: each field's distinct values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentifierValues {
    /// The person.
    pub person_id: i64,
    /// Their partner records (linked, or held by a restriction).
    pub records: u64,
    /// Every field, in [`IdentifierField::ALL`] order, with its distinct values (sorted).
    pub values: Vec<(IdentifierField, Vec<String>)>,
}

/// A restriction in the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restriction {
    /// Its key.
    pub id: i64,
    /// The lawful ground, as stored.
    pub ground: String,
    /// Why, in the officer's words.
    pub reason: String,
    /// How the request was received (None: recorded on the command line).
    pub received_how: Option<String>,
    /// Who recorded it.
    pub restricted_by: String,
    /// When (RFC 3339).
    pub restricted_at: String,
    /// When it was lifted; None while in force.
    pub lifted_at: Option<String>,
    /// Who lifted it.
    pub lifted_by: Option<String>,
}

impl Restriction {
    /// Whether it is in force.
    pub fn in_force(&self) -> bool {
        self.lifted_at.is_none()
    }
}

impl Store {
    /// The identifiers a person's records hold now; `None` when the person has no records.
    pub fn identifier_values(&mut self, person: i64) -> Result<Option<IdentifierValues>> {
        self.with_read(|tx| {
            let records = person_records(tx, person)?;
            if records.is_empty() {
                return Ok(None);
            }
            let mut values = Vec::new();
            for field in IdentifierField::ALL {
                let col = field.key();
                let mut found = std::collections::BTreeSet::new();
                for chunk in records.chunks(500) {
                    for row in tx.query(
                        &format!(
                            "SELECT DISTINCT CAST({col} AS TEXT) FROM identity \
                             WHERE record_id IN ({}) AND {col} IS NOT NULL",
                            in_list(chunk)
                        ),
                        &[],
                    )? {
                        found.extend(row[0].text().filter(|v| !v.trim().is_empty()));
                    }
                }
                values.push((*field, found.into_iter().collect()));
            }
            Ok(Some(IdentifierValues {
                person_id: person,
                records: records.len() as u64,
                values,
            }))
        })
    }

    /// A person's restrictions, oldest first (lifted ones included).
    pub fn restrictions(&mut self, person: i64) -> Result<Vec<Restriction>> {
        self.with_read(|tx| {
            let rows = tx.query(
                "SELECT id, ground, reason, received_how, restricted_by, restricted_at, \
                 lifted_at, lifted_by FROM restriction WHERE person_id = $1 ORDER BY id",
                &[person.into()],
            )?;
            Ok(rows
                .iter()
                .map(|r| Restriction {
                    id: r[0].int().unwrap_or_default(),
                    ground: r[1].text().unwrap_or_default(),
                    reason: r[2].text().unwrap_or_default(),
                    received_how: r[3].text(),
                    restricted_by: r[4].text().unwrap_or_default(),
                    restricted_at: r[5].text().unwrap_or_default(),
                    lifted_at: r[6].text(),
                    lifted_by: r[7].text(),
                })
                .collect())
        })
    }

    /// [`Store::restrict`], keeping how the request was received (in the same transaction).
    pub fn restrict_as_received(&mut self, r: &RightsRequest, received_how: &str) -> Result<i64> {
        self.restrict_with(r, Some(received_how))
    }

    /// Lifts restriction `id` of `person` with why and how the request came. False when the
    /// person has no such restriction in force.
    pub fn lift_restriction_of(
        &mut self,
        person: i64,
        id: i64,
        by: &str,
        at: DateTime<Utc>,
        reason: &str,
        received_how: &str,
    ) -> Result<bool> {
        self.with_tx(|tx| {
            let n = tx.exec(
                "UPDATE restriction SET lifted_at = $1, lifted_by = $2, lift_reason = $3, \
                 lift_received_how = $4 WHERE id = $5 AND person_id = $6 AND lifted_at IS NULL",
                &[
                    ts(at).into(),
                    by.into(),
                    reason.into(),
                    received_how.into(),
                    id.into(),
                    person.into(),
                ],
            )?;
            if n == 1 {
                crate::restricted::restore_place(tx, id)?;
            }
            Ok(n == 1)
        })
    }
}

/// The tables [`Store::erase`] removes a person's rows from (the rest of what a subject
/// access shows is kept: the family's case records under their own retention, the
/// append-only audit log, the registers of requests). Kept beside `erase` for the officer's
/// confirmation page: a test erases a person and checks each of these holds nothing of them.
pub const ERASED_TABLES: &[&str] = &[
    "identity",
    "record",
    "person_record",
    "person_identity",
    "person_change",
    "review_pair",
    "rectification",
    "family_member",
    "family_relationship",
    "evidence",
    "referral_person",
    "objection_record",
    "restriction_record",
];
