//! Linkage results: each run's summary, every record's person, the people's distinct
//! identifier sets (`person_identity`, for the pages of the few roles that may see them),
//! the changes to people, and the families with their members and relationships. Written
//! once over the portable [`Tx`] for both backends.
//!
//! Person and family IDs are pseudonymous keys. The review queue is in `review`; nothing
//! here scores or links records.

use crate::error::Result;
use crate::handle::Store;
use crate::intake::RecordId;
use crate::review::ReviewPair;
use crate::sql::{corrupt, date, int, placeholders, vocab, Tx, Val};
use chrono::{NaiveDate, Utc};
use hearth_model::{MemberRole, PersonChangeKind, RelationshipBasis};

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
    /// New, merged or split.
    pub kind: PersonChangeKind,
    /// The person concerned.
    pub person_id: i64,
    /// Which IDs were involved (keys only).
    pub detail: String,
}

/// A member of a stored family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyMember {
    /// The person.
    pub person_id: i64,
    /// Adult or child.
    pub role: MemberRole,
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
    /// Why Hearth believes it.
    pub basis: RelationshipBasis,
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

/// A person's identifiers from one partner record (the identity store), for the few roles
/// that may see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonIdentity {
    /// The person (pseudonymous key).
    pub person_id: i64,
    /// The (first) partner record the identifiers come from.
    pub record_id: i64,
    /// How many of the person's records give exactly these identifiers (a school's termly
    /// returns repeat them): the same identifiers are read once.
    pub records: i64,
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// A full name, where the source gave one whole.
    pub full_name: Option<String>,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// Address.
    pub address: Option<String>,
    /// Postcode.
    pub postcode: Option<String>,
}

impl Store {
    /// Writes a linkage run in one transaction: the run, every record's person, changes to
    /// people, the review queue (pending pairs replaced, decided pairs kept) and the families
    /// (replaced). Returns the run's key.
    pub fn save_linkage(&mut self, results: &LinkageResults<'_>) -> Result<i64> {
        let run = self.with_tx(|tx| save_linkage(tx, results))?;
        self.analyze(&[
            "person_record",
            "person_identity",
            "review_pair",
            "family",
            "family_member",
            "family_relationship",
        ])?;
        Ok(run)
    }

    /// Every record's person from the latest linkage run, by record key.
    pub fn person_assignment(&mut self) -> Result<Vec<(RecordId, i64)>> {
        self.with_tx(person_assignment)
    }

    /// The families of the latest linkage run, by family ID, members by person ID.
    pub fn families(&mut self) -> Result<Vec<StoredFamily>> {
        self.with_tx(families)
    }

    /// The latest linkage run's key and as-at date, if any run has happened.
    pub fn latest_link_run(&mut self) -> Result<Option<(i64, NaiveDate)>> {
        self.with_tx(latest_link_run)
    }

    /// The identifiers of these people, one entry per partner record, from the identity
    /// store through the current linkage. Only for roles that may see identifiers.
    pub fn person_identities(&mut self, person_ids: &[i64]) -> Result<Vec<PersonIdentity>> {
        self.with_read(|tx| person_identities(tx, person_ids))
    }
}

fn save_linkage(tx: &mut dyn Tx, r: &LinkageResults<'_>) -> Result<i64> {
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
    // Each person's distinct identifier sets, for pages (see `person_identities`).
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
                c.kind.key().into(),
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
            let children = f
                .members
                .iter()
                .filter(|m| m.role == MemberRole::Child)
                .count() as i64;
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
                    m.role.key().into(),
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
                    rel.basis.key().into(),
                ]
            })
        }),
    )?;
    Ok(run_id)
}

fn person_assignment(tx: &mut dyn Tx) -> Result<Vec<(RecordId, i64)>> {
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

fn families(tx: &mut dyn Tx) -> Result<Vec<StoredFamily>> {
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
        let person_id = int(&r, 1, "family_member", "person_id")?;
        out[i].members.push(FamilyMember {
            person_id,
            role: vocab(&r[2], "family_member", "role", person_id)?,
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
            basis: vocab(&r[3], "family_relationship", "basis", f)?,
        });
    }
    Ok(out)
}

fn latest_link_run(tx: &mut dyn Tx) -> Result<Option<(i64, NaiveDate)>> {
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

pub(crate) fn person_identities(tx: &mut dyn Tx, people: &[i64]) -> Result<Vec<PersonIdentity>> {
    let mut out = Vec::new();
    for chunk in people.chunks(500) {
        // Written by each linkage run from `identity` and `person_record` (grouped there).
        let sql = format!(
            "SELECT person_id, record_id, given_name, family_name, full_name, \
             CAST(date_of_birth AS TEXT), address, postcode, records \
             FROM person_identity WHERE person_id IN ({}) ORDER BY person_id, record_id",
            placeholders(chunk.len())
        );
        let params: Vec<Val> = chunk.iter().map(|&p| Val::Int(p)).collect();
        for r in tx.query(&sql, &params)? {
            out.push(PersonIdentity {
                person_id: int(&r, 0, "person_record", "person_id")?,
                record_id: int(&r, 1, "identity", "record_id")?,
                given_name: r[2].text(),
                family_name: r[3].text(),
                full_name: r[4].text(),
                date_of_birth: r[5].text().and_then(|t| {
                    NaiveDate::parse_from_str(&t[..t.len().min(10)], "%Y-%m-%d").ok()
                }),
                address: r[6].text(),
                postcode: r[7].text(),
                records: int(&r, 8, "identity", "count")?,
            });
        }
    }
    Ok(out)
}

/// Every record linked to these people: (record key, person).
pub(crate) fn members_records(tx: &mut dyn Tx, people: &[i64]) -> Result<Vec<(i64, i64)>> {
    let mut out = Vec::new();
    for chunk in people.chunks(500) {
        let sql = format!(
            "SELECT record_id, person_id FROM person_record WHERE person_id IN ({}) \
             ORDER BY record_id",
            placeholders(chunk.len())
        );
        let params: Vec<Val> = chunk.iter().map(|&p| Val::Int(p)).collect();
        for r in tx.query(&sql, &params)? {
            out.push((
                int(&r, 0, "person_record", "record_id")?,
                int(&r, 1, "person_record", "person_id")?,
            ));
        }
    }
    Ok(out)
}
