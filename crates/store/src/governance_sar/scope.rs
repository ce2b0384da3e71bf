//! The one rule of what concerns a person beyond their own key: their partner records, the
//! families they are in now or were in (an earlier identification run's evidence, a
//! referral that entered them as a known family, a restriction that kept their place), the
//! referrals naming them, their objections and restrictions. Subject access reads by it
//! ([`super::read`]), and the audit log's search by person shows the lines about each
//! ([`PersonScope::audit_targets`]), so the two never disagree.

use super::ids;
use crate::error::Result;
use crate::handle::Store;
use crate::sql::Tx;
use serde::Serialize;
use std::collections::BTreeSet;

/// A member of a referral: the referral's key and the member's position in it (from 0).
pub type ReferralMemberKey = (i64, i64);

/// Whom a subject access request is about: a linked person, people named in referrals
/// (the same person, written alike), or both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SarSubject {
    /// The linked person, if there is one.
    pub person: Option<i64>,
    /// Referral members who are this person, beyond those the referrals matched to them.
    pub referral_members: Vec<ReferralMemberKey>,
    /// Quarantined rows found naming them by what the request gave (beyond those their
    /// records' identifiers find).
    pub quarantined: Vec<i64>,
}

/// A member of a referral found by name and date of birth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedMember {
    /// The referral.
    pub referral_id: i64,
    /// The member's position in it (from 0).
    pub position: i64,
    /// The linked person the referral matched them to, if any.
    pub person: Option<i64>,
    /// Their names and date of birth, normalised (`ann|smith|2012-03-27`).
    pub match_key: String,
}

/// Everything that concerns a subject: see the module's documentation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PersonScope {
    /// The linked person, if any.
    pub person: Option<i64>,
    /// Their partner records (linked, or held by a restriction).
    pub records: BTreeSet<i64>,
    /// The families they are a member of in the current linkage run.
    pub families_now: BTreeSet<i64>,
    /// Families they were in (an earlier run's evidence, a referral, a restriction) and are
    /// not in now.
    pub families_before: BTreeSet<i64>,
    /// The referrals naming them.
    pub referrals: BTreeSet<i64>,
    /// Their own entries in those referrals.
    pub referral_members: BTreeSet<ReferralMemberKey>,
    /// Objections covering them or one of their families.
    pub objections: BTreeSet<i64>,
    /// Restrictions of their processing.
    pub restrictions: BTreeSet<i64>,
}

impl PersonScope {
    /// Every family, now or before.
    pub fn families(&self) -> BTreeSet<i64> {
        self.families_now
            .union(&self.families_before)
            .copied()
            .collect()
    }

    /// Whether nothing at all is held.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty() && self.restrictions.is_empty() && self.referrals.is_empty()
    }

    /// The audit lines about the subject: `(target kind, keys)` — the person, each family,
    /// referral, objection and restriction.
    pub fn audit_targets(&self) -> Vec<(String, Vec<String>)> {
        let keys = |s: &BTreeSet<i64>| s.iter().map(i64::to_string).collect::<Vec<_>>();
        let mut out = Vec::new();
        if let Some(p) = self.person {
            out.push(("person".to_string(), vec![p.to_string()]));
        }
        for (kind, set) in [
            ("family", self.families()),
            ("referral", self.referrals.clone()),
            ("objection", self.objections.clone()),
            ("restriction", self.restrictions.clone()),
        ] {
            if !set.is_empty() {
                out.push((kind.to_string(), keys(&set)));
            }
        }
        out
    }
}

impl Store {
    /// What concerns `person` (see [`PersonScope`]): for the audit log's search by person.
    pub fn person_scope(&mut self, person: i64) -> Result<PersonScope> {
        let subject = SarSubject {
            person: Some(person),
            ..SarSubject::default()
        };
        self.with_read(|tx| scope(tx, &subject))
    }

    /// The members of referrals born on `date_of_birth` whose given and family names hold
    /// every one of `name_words` (case and accents ignored).
    pub fn referral_members_named(
        &mut self,
        name_words: &[String],
        date_of_birth: chrono::NaiveDate,
    ) -> Result<Vec<NamedMember>> {
        let words: Vec<String> = name_words
            .iter()
            .map(|w| crate::fold::fold_text(w))
            .collect();
        self.with_read(|tx| {
            let rows = tx.query(
                "SELECT m.referral_id, m.position, m.given_name, m.family_name, r.matches, \
                 m.match_key \
                 FROM referral_member m JOIN referral r ON r.referral_id = m.referral_id \
                 WHERE CAST(m.date_of_birth AS TEXT) = $1 ORDER BY 1, 2",
                &[date_of_birth.to_string().into()],
            )?;
            let mut out = Vec::new();
            for r in rows {
                let (Some(referral), Some(position)) = (r[0].int(), r[1].int()) else {
                    continue;
                };
                let name = crate::fold::fold_text(&format!(
                    "{} {}",
                    r[2].text().unwrap_or_default(),
                    r[3].text().unwrap_or_default()
                ));
                if words.is_empty() || !words.iter().all(|w| name.contains(w.as_str())) {
                    continue;
                }
                let matched = matched_people(&r[4].text().unwrap_or_default())
                    .into_iter()
                    .find(|(m, _)| *m == position)
                    .map(|(_, p)| p);
                out.push(NamedMember {
                    referral_id: referral,
                    position,
                    person: matched,
                    match_key: r[5].text().unwrap_or_default(),
                });
            }
            Ok(out)
        })
    }
}

/// A referral's `matches` (JSON: `[{"member": 0, "person_id": 101, …}]`) as
/// `(position, person)` pairs; nothing when it cannot be read.
fn matched_people(matches: &str) -> Vec<(i64, i64)> {
    serde_json::from_str::<Vec<serde_json::Value>>(matches)
        .unwrap_or_default()
        .iter()
        .filter_map(|m| Some((m["member"].as_i64()?, m["person_id"].as_i64()?)))
        .collect()
}

/// The scope of `subject` (the one rule: see the module's documentation).
pub(super) fn scope(tx: &mut dyn Tx, subject: &SarSubject) -> Result<PersonScope> {
    let mut s = PersonScope {
        person: subject.person,
        referral_members: subject.referral_members.iter().copied().collect(),
        ..PersonScope::default()
    };
    s.referrals = s.referral_members.iter().map(|m| m.0).collect();
    let mut families = BTreeSet::new();
    if let Some(p) = subject.person {
        let one = |tx: &mut dyn Tx, sql: &str| -> Result<BTreeSet<i64>> {
            Ok(tx
                .query(sql, &[p.into()])?
                .iter()
                .filter_map(|r| r[0].int())
                .collect())
        };
        s.records = one(
            tx,
            "SELECT record_id FROM person_record WHERE person_id = $1 \
             UNION SELECT rr.record_id FROM restriction_record rr \
             JOIN restriction r ON r.id = rr.restriction_id WHERE r.person_id = $1",
        )?;
        s.restrictions = one(tx, "SELECT id FROM restriction WHERE person_id = $1")?;
        s.families_now = one(
            tx,
            "SELECT family_id FROM family_member WHERE person_id = $1",
        )?;
        families = one(
            tx,
            "SELECT family_id FROM evidence WHERE person_id = $1 \
             UNION SELECT family_id FROM restriction WHERE person_id = $1 \
             AND family_id IS NOT NULL",
        )?;
        let matched = one(
            tx,
            "SELECT referral_id FROM referral_person WHERE person_id = $1",
        )?;
        if !matched.is_empty() {
            let sql = format!(
                "SELECT referral_id, family_id, matches FROM referral WHERE referral_id IN ({})",
                ids(&matched)
            );
            for r in tx.query(&sql, &[])? {
                let Some(referral) = r[0].int() else { continue };
                families.extend(r[1].int());
                for (position, person) in matched_people(&r[2].text().unwrap_or_default()) {
                    if person == p {
                        s.referral_members.insert((referral, position));
                    }
                }
                s.referrals.insert(referral);
            }
        }
        s.objections = one(
            tx,
            "SELECT id FROM objection WHERE subject_kind = 'person' AND subject_id = $1",
        )?;
    }
    s.families_before = families.difference(&s.families_now).copied().collect();
    if !s.records.is_empty() {
        let sql = format!(
            "SELECT DISTINCT objection_id FROM objection_record WHERE record_id IN ({})",
            ids(&s.records)
        );
        s.objections
            .extend(tx.query(&sql, &[])?.iter().filter_map(|r| r[0].int()));
    }
    let all = s.families();
    if !all.is_empty() {
        let sql = format!(
            "SELECT id FROM objection WHERE subject_kind = 'family' AND subject_id IN ({})",
            ids(&all)
        );
        s.objections
            .extend(tx.query(&sql, &[])?.iter().filter_map(|r| r[0].int()));
    }
    Ok(s)
}
