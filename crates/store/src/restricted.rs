//! The restrictions of processing in force, as every view of a family reads them
//! ([`Restricted`]): from the moment a restriction is recorded (`Store::restrict`) until it
//! is lifted, the person's records, and the facts from them, are withheld from casework
//! pages, exports and the API (UK GDPR Art. 18) — not only from the next linkage run.
//!
//! Read in the same transaction as the rest of a family's view (`casework::family_view`),
//! so what a viewer is shown and the restrictions it was filtered by agree. Only the
//! information governance officer's rights pages read a restriction itself.

use crate::error::Result;
use crate::handle::Store;
use crate::identification::EvidenceRow;
use crate::sql::Tx;
use std::collections::{BTreeMap, BTreeSet};

/// The restrictions in force: who, which records, and the family each person was in when
/// restricted (their place in the current families goes at once, so a family's view would
/// otherwise lose sight of them without a word).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Restricted {
    /// The restrictions' keys: two reads under the same restrictions have the same keys.
    pub ids: BTreeSet<i64>,
    /// The people restricted.
    pub people: BTreeSet<i64>,
    /// The records the restrictions hold.
    pub records: BTreeSet<i64>,
    /// (family, person): the family each restricted person was a member of when restricted
    /// (none for restrictions recorded before families were kept with them).
    pub families: BTreeSet<(i64, i64)>,
}

impl Restricted {
    /// Whether anything is restricted.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Whether this person's processing is restricted.
    pub fn hides_person(&self, person: i64) -> bool {
        self.people.contains(&person)
    }

    /// Whether this record is held by a restriction.
    pub fn hides_record(&self, record: i64) -> bool {
        self.records.contains(&record)
    }

    /// The members of `family_id` whose processing is restricted: those of `members` (the
    /// family's members in a run) under a restriction, and anyone restricted while a member
    /// of it.
    pub fn withheld_in(&self, family_id: i64, members: &[i64]) -> BTreeSet<i64> {
        members
            .iter()
            .copied()
            .filter(|&p| self.hides_person(p))
            .chain(
                self.families
                    .range((family_id, i64::MIN)..=(family_id, i64::MAX))
                    .map(|&(_, p)| p),
            )
            .collect()
    }
}

impl Restricted {
    /// A family's evidence split into what may be shown (not from a restricted person or
    /// record) and the problems (keys) whose every piece of evidence is withheld.
    pub(crate) fn split_evidence(
        &self,
        all: Vec<EvidenceRow>,
    ) -> (Vec<EvidenceRow>, BTreeSet<String>) {
        let (kept, gone): (Vec<EvidenceRow>, Vec<EvidenceRow>) = all.into_iter().partition(|e| {
            !self.hides_person(e.person_id) && !e.record_ids.iter().any(|&r| self.hides_record(r))
        });
        let withheld = gone
            .into_iter()
            .map(|e| e.problem_key)
            .filter(|p| !kept.iter().any(|e| e.problem_key == *p))
            .collect();
        (kept, withheld)
    }
}

impl Store {
    /// The restrictions of processing in force (see [`Restricted`]).
    pub fn restrictions_in_force(&mut self) -> Result<Restricted> {
        self.with_read(restricted)
    }

    /// For each of `family_ids` that has any, the problems (keys) of run `run_id` whose every
    /// piece of evidence is withheld by the restrictions in force: what a list of families
    /// does not show, as the family's own page does not (`FamilyView::withheld_problems`).
    pub fn withheld_problems(
        &mut self,
        run_id: i64,
        family_ids: &[i64],
    ) -> Result<BTreeMap<i64, BTreeSet<String>>> {
        self.with_read(|tx| {
            let in_force = restricted(tx)?;
            let mut out = BTreeMap::new();
            if in_force.is_empty() {
                return Ok(out);
            }
            for &family in family_ids {
                let all = crate::identification::evidence(tx, run_id, Some(family))?;
                let (_, withheld) = in_force.split_evidence(all);
                if !withheld.is_empty() {
                    out.insert(family, withheld);
                }
            }
            Ok(out)
        })
    }
}

/// The restrictions in force, read in the caller's transaction.
pub(crate) fn restricted(tx: &mut dyn Tx) -> Result<Restricted> {
    let mut out = Restricted::default();
    for row in tx.query(
        "SELECT id, person_id, family_id FROM restriction WHERE lifted_at IS NULL",
        &[],
    )? {
        let (Some(id), Some(person)) = (row[0].int(), row[1].int()) else {
            continue;
        };
        out.ids.insert(id);
        out.people.insert(person);
        if let Some(family) = row[2].int() {
            out.families.insert((family, person));
        }
    }
    if out.ids.is_empty() {
        return Ok(out);
    }
    out.records = tx
        .query(
            "SELECT rr.record_id FROM restriction_record rr \
             JOIN restriction r ON r.id = rr.restriction_id WHERE r.lifted_at IS NULL",
            &[],
        )?
        .iter()
        .filter_map(|r| r[0].int())
        .collect();
    Ok(out)
}

/// Keeps, on restriction `id`, the person's place in the current families (family, role,
/// age) before it goes: from their family_member row, else (restricted again while already
/// out of the families) from their latest restriction that kept one.
pub(crate) fn keep_place(tx: &mut dyn Tx, id: i64, person: i64) -> Result<()> {
    let place = tx
        .query(
            "SELECT family_id, role, age FROM family_member WHERE person_id = $1 \
             ORDER BY family_id",
            &[person.into()],
        )?
        .into_iter()
        .next();
    let place = match place {
        Some(p) => Some(p),
        None => tx
            .query(
                "SELECT family_id, member_role, member_age FROM restriction \
                 WHERE person_id = $1 AND family_id IS NOT NULL AND id <> $2 \
                 ORDER BY id DESC",
                &[person.into(), id.into()],
            )?
            .into_iter()
            .next(),
    };
    let Some(place) = place else {
        return Ok(());
    };
    let mut params = place;
    params.push(id.into());
    tx.exec(
        "UPDATE restriction SET family_id = $1, member_role = $2, member_age = $3 \
         WHERE id = $4",
        &params,
    )?;
    Ok(())
}

/// After restriction `id` was lifted, and unless another restriction of the person is still
/// in force: puts the person back as they were when restricted — their records linked to
/// them (those no linkage run has placed since), their identifiers for pages, and their
/// place in their family if it still exists and they are in none. The next linkage run
/// places them afresh, as everyone.
pub(crate) fn restore_place(tx: &mut dyn Tx, id: i64) -> Result<()> {
    let Some(row) = tx
        .query(
            "SELECT person_id, family_id, member_role, member_age FROM restriction \
             WHERE id = $1",
            &[id.into()],
        )?
        .into_iter()
        .next()
    else {
        return Ok(());
    };
    let Some(person) = row[0].int() else {
        return Ok(());
    };
    let still = tx.query(
        "SELECT 1 FROM restriction WHERE person_id = $1 AND lifted_at IS NULL",
        &[person.into()],
    )?;
    if !still.is_empty() {
        return Ok(());
    }
    tx.exec(
        "INSERT INTO person_record (record_id, person_id) \
         SELECT DISTINCT rr.record_id, r.person_id FROM restriction_record rr \
         JOIN restriction r ON r.id = rr.restriction_id \
         JOIN record rec ON rec.record_id = rr.record_id \
         WHERE r.person_id = $1 \
         AND NOT EXISTS (SELECT 1 FROM person_record pr WHERE pr.record_id = rr.record_id)",
        &[person.into()],
    )?;
    tx.exec(
        "DELETE FROM person_identity WHERE person_id = $1",
        &[person.into()],
    )?;
    tx.exec(
        "INSERT INTO person_identity (person_id, record_id, given_name, family_name, full_name, \
                                      date_of_birth, address, postcode, records) \
         SELECT pr.person_id, MIN(i.record_id), i.given_name, i.family_name, i.full_name, \
                i.date_of_birth, i.address, i.postcode, COUNT(*) \
         FROM person_record pr JOIN identity i ON i.record_id = pr.record_id \
         WHERE pr.person_id = $1 \
         GROUP BY pr.person_id, i.given_name, i.family_name, i.full_name, i.date_of_birth, \
                  i.address, i.postcode",
        &[person.into()],
    )?;
    if let (Some(family), Some(role)) = (row[1].int(), row[2].text()) {
        let family_there = !tx
            .query(
                "SELECT 1 FROM family WHERE family_id = $1",
                &[family.into()],
            )?
            .is_empty();
        let placed = !tx
            .query(
                "SELECT 1 FROM family_member WHERE person_id = $1",
                &[person.into()],
            )?
            .is_empty();
        if family_there && !placed {
            tx.exec(
                "INSERT INTO family_member (family_id, person_id, role, age) \
                 VALUES ($1, $2, $3, $4)",
                &[family.into(), person.into(), role.into(), row[3].clone()],
            )?;
        }
    }
    Ok(())
}
