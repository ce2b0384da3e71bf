//! Referrals: a partner's referral (facts in `referral`, the people it names in
//! `referral_member`, identifiers only), the linked people they matched (`referral_person`),
//! and the double check: a decision written only on the version it was made from, with the
//! known family's case opened in the same transaction; a returned referral corrected and sent
//! again, once, as a new referral naming it (`resubmits`; the returned one unchanged). Written
//! once over the portable [`Tx`] for both backends.
//!
//! It decides nothing: the rules (criteria, flags, reasons) are `hearth_referrals`', access is
//! the web's. Vocabularies (status, channel, consent, relationship) cross as their keys; the
//! schema refuses an unknown status.

use crate::casework::FamilyCase;
use crate::error::Result;
use crate::handle::Store;
use crate::sql::{corrupt, date, int, placeholders, time, ts, Tx, Val};
use chrono::{DateTime, NaiveDate, Utc};

/// A member of a referred family: identifiers and their place in the family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralMember {
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// Address.
    pub address: String,
    /// Postcode, if given.
    pub postcode: Option<String>,
    /// The relationship's key.
    pub relationship: String,
    /// Names and date of birth normalised, for finding earlier referrals of them.
    pub match_key: String,
}

/// A referral as stored (without its members: [`Store::referral_members`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReferral {
    /// Its key (0 for one not yet stored).
    pub id: i64,
    /// The partner account whose referral it is (`None`: entered on a referrer's behalf).
    pub referrer_user_id: Option<i64>,
    /// Who typed or imported it (account name).
    pub entered_by: String,
    /// The referrer's organisation.
    pub agency: String,
    /// The referrer's name.
    pub referrer_name: String,
    /// The referrer's email.
    pub referrer_email: String,
    /// The referrer's telephone.
    pub referrer_phone: String,
    /// The channel's key.
    pub channel: String,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// The consent's key.
    pub consent: String,
    /// The problems and evidence (JSON).
    pub problems: String,
    /// Whether it met the criteria as referred.
    pub criteria_met: bool,
    /// Each member's matched person (JSON, keys only).
    pub matches: String,
    /// The flags (JSON).
    pub flags: String,
    /// `submitted`, `accepted` or `returned`.
    pub status: String,
    /// How many decisions were written (0 until decided).
    pub version: i64,
    /// Who decided (account name).
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
    /// The return reason's key.
    pub return_reason: Option<String>,
    /// The officer's note to the referrer.
    pub decision_note: Option<String>,
    /// The known family it entered the programme as.
    pub family_id: Option<i64>,
    /// The returned referral this one corrects and sends again, if it does.
    pub resubmits: Option<i64>,
    /// The referral that corrected this one and sent it again, if any (read only: found
    /// through the other's `resubmits`; ignored when storing).
    pub resent_as: Option<i64>,
}

/// An earlier referral of some of the same people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierReferral {
    /// Its key.
    pub id: i64,
    /// Its status key.
    pub status: String,
    /// The people its members matched.
    pub person_ids: Vec<i64>,
    /// Its members' match keys.
    pub match_keys: Vec<String>,
}

/// A performance officer's decision on a referral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralDecision {
    /// The referral.
    pub referral_id: i64,
    /// The version the officer saw: the decision is written only if it is still current.
    pub version: i64,
    /// `accepted` or `returned`.
    pub status: String,
    /// Who decided (account name).
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The return reason's key (returns only).
    pub return_reason: Option<String>,
    /// A note to the referrer.
    pub note: Option<String>,
    /// Accepting a known family: its case, opened if it has none.
    pub case: Option<FamilyCase>,
}

/// What became of sending a returned referral again ([`Store::resubmit_referral`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResubmitOutcome {
    /// Stored: the new referral's key.
    Added(i64),
    /// The referral was not returned (waiting to be checked, or accepted): nothing stored.
    NotReturned(Box<StoredReferral>),
    /// It was already sent again, as this referral: nothing stored.
    AlreadyResent(i64),
    /// No such referral.
    NotFound,
}

/// What became of a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecisionOutcome {
    /// Written.
    Decided,
    /// Someone else decided first (or the version was not current): the referral as it is.
    AlreadyDecided(Box<StoredReferral>),
    /// No such referral.
    NotFound,
}

impl Store {
    /// Stores a new referral with its members and matched people in one transaction;
    /// returns its key. `referral.status` should be `submitted` and `version` 0.
    pub fn add_referral(
        &mut self,
        referral: &StoredReferral,
        members: &[ReferralMember],
        person_ids: &[i64],
    ) -> Result<i64> {
        self.with_tx(|tx| add_referral(tx, referral, members, person_ids))
    }

    /// Stores a new referral that corrects and sends again the returned referral `original`
    /// (its `resubmits`), in one transaction, only if that one is returned and was not sent
    /// again already (a unique index backs the "once"); the returned one is not changed.
    pub fn resubmit_referral(
        &mut self,
        original: i64,
        referral: &StoredReferral,
        members: &[ReferralMember],
        person_ids: &[i64],
    ) -> Result<ResubmitOutcome> {
        let referral = StoredReferral {
            resubmits: Some(original),
            ..referral.clone()
        };
        self.with_tx(|tx| {
            // Takes the returned referral's row lock (PostgreSQL; SQLite's write lock is the
            // transaction's), so that of two sending it again at once the second waits and
            // then sees the first.
            tx.exec(
                "UPDATE referral SET version = version WHERE referral_id = $1",
                &[original.into()],
            )?;
            let Some(old) = referral_row(tx, original)? else {
                return Ok(ResubmitOutcome::NotFound);
            };
            if let Some(id) = old.resent_as {
                return Ok(ResubmitOutcome::AlreadyResent(id));
            }
            if old.status != "returned" {
                return Ok(ResubmitOutcome::NotReturned(Box::new(old)));
            }
            add_referral(tx, &referral, members, person_ids).map(ResubmitOutcome::Added)
        })
    }

    /// A referral, if it exists.
    pub fn referral(&mut self, id: i64) -> Result<Option<StoredReferral>> {
        self.with_read(|tx| referral_row(tx, id))
    }

    /// A referral's members, in the referral's order.
    pub fn referral_members(&mut self, id: i64) -> Result<Vec<ReferralMember>> {
        self.with_read(|tx| referral_members(tx, id))
    }

    /// Referrals, newest first: all, or one referrer's (`Some(user)`).
    pub fn referrals(&mut self, referrer_user_id: Option<i64>) -> Result<Vec<StoredReferral>> {
        self.with_read(|tx| referrals(tx, referrer_user_id))
    }

    /// Referrals naming any of these people or members with any of these match keys.
    pub fn earlier_referrals(
        &mut self,
        person_ids: &[i64],
        match_keys: &[String],
    ) -> Result<Vec<EarlierReferral>> {
        self.with_read(|tx| earlier_referrals(tx, person_ids, match_keys))
    }

    /// The latest linkage run's key and its report (JSON, with the trained model's
    /// parameters since referrals came: what a lookup scores with), if there is a run.
    pub fn latest_link_report(&mut self) -> Result<Option<(i64, String)>> {
        self.with_read(|tx| {
            tx.query(
                "SELECT id, report FROM link_run ORDER BY id DESC LIMIT 1",
                &[],
            )?
            .first()
            .map(|r| {
                Ok((
                    int(r, 0, "link_run", "id")?,
                    r[1].text().unwrap_or_default(),
                ))
            })
            .transpose()
        })
    }

    /// Writes a decision if the referral is still `submitted` at `decision.version`, and
    /// opens the known family's case if it has none, in one transaction.
    pub fn decide_referral(&mut self, decision: &ReferralDecision) -> Result<DecisionOutcome> {
        self.with_tx(|tx| decide(tx, decision))
    }
}

const COLUMNS: &str = "referral_id, referrer_user_id, entered_by, agency, referrer_name, \
     referrer_email, referrer_phone, channel, submitted_at, consent, problems, criteria_met, \
     matches, flags, status, version, decided_by, decided_at, return_reason, decision_note, \
     family_id, resubmits, \
     (SELECT s.referral_id FROM referral s WHERE s.resubmits = referral.referral_id) AS resent_as";

fn row(r: &[Val]) -> Result<StoredReferral> {
    let t = |i: usize| r[i].text().unwrap_or_default();
    Ok(StoredReferral {
        id: int(r, 0, "referral", "referral_id")?,
        referrer_user_id: r[1].int(),
        entered_by: t(2),
        agency: t(3),
        referrer_name: t(4),
        referrer_email: t(5),
        referrer_phone: t(6),
        channel: t(7),
        submitted_at: time(&r[8], "referral", "submitted_at")?,
        consent: t(9),
        problems: t(10),
        criteria_met: int(r, 11, "referral", "criteria_met")? != 0,
        matches: t(12),
        flags: t(13),
        status: t(14),
        version: int(r, 15, "referral", "version")?,
        decided_by: r[16].text(),
        decided_at: match &r[17] {
            Val::Null => None,
            v => Some(time(v, "referral", "decided_at")?),
        },
        return_reason: r[18].text(),
        decision_note: r[19].text(),
        family_id: r[20].int(),
        resubmits: r[21].int(),
        resent_as: r[22].int(),
    })
}

fn add_referral(
    tx: &mut dyn Tx,
    r: &StoredReferral,
    members: &[ReferralMember],
    person_ids: &[i64],
) -> Result<i64> {
    let rows = tx.query(
        "INSERT INTO referral (referrer_user_id, entered_by, agency, referrer_name, \
         referrer_email, referrer_phone, channel, submitted_at, consent, problems, \
         criteria_met, matches, flags, status, version, resubmits) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
         RETURNING referral_id",
        &[
            r.referrer_user_id.into(),
            r.entered_by.as_str().into(),
            r.agency.as_str().into(),
            r.referrer_name.as_str().into(),
            r.referrer_email.as_str().into(),
            r.referrer_phone.as_str().into(),
            r.channel.as_str().into(),
            ts(r.submitted_at).into(),
            r.consent.as_str().into(),
            r.problems.as_str().into(),
            i64::from(r.criteria_met).into(),
            r.matches.as_str().into(),
            r.flags.as_str().into(),
            r.status.as_str().into(),
            r.version.into(),
            r.resubmits.into(),
        ],
    )?;
    let id = rows
        .first()
        .and_then(|r| r[0].int())
        .ok_or_else(|| corrupt("referral", "referral_id", 0))?;
    for (i, m) in members.iter().enumerate() {
        tx.exec(
            "INSERT INTO referral_member (referral_id, position, given_name, family_name, \
             date_of_birth, address, postcode, relationship, match_key) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                id.into(),
                (i as i64).into(),
                m.given_name.as_str().into(),
                m.family_name.as_str().into(),
                m.date_of_birth.to_string().into(),
                m.address.as_str().into(),
                m.postcode.as_deref().into(),
                m.relationship.as_str().into(),
                m.match_key.as_str().into(),
            ],
        )?;
    }
    let mut people = person_ids.to_vec();
    people.sort_unstable();
    people.dedup();
    for p in people {
        tx.exec(
            "INSERT INTO referral_person (referral_id, person_id) VALUES ($1, $2)",
            &[id.into(), p.into()],
        )?;
    }
    Ok(id)
}

fn referral_row(tx: &mut dyn Tx, id: i64) -> Result<Option<StoredReferral>> {
    tx.query(
        &format!("SELECT {COLUMNS} FROM referral WHERE referral_id = $1"),
        &[id.into()],
    )?
    .first()
    .map(|r| row(r))
    .transpose()
}

fn referral_members(tx: &mut dyn Tx, id: i64) -> Result<Vec<ReferralMember>> {
    tx.query(
        "SELECT given_name, family_name, date_of_birth, address, postcode, relationship, \
         match_key FROM referral_member WHERE referral_id = $1 ORDER BY position",
        &[id.into()],
    )?
    .iter()
    .map(|r| {
        Ok(ReferralMember {
            given_name: r[0].text().unwrap_or_default(),
            family_name: r[1].text().unwrap_or_default(),
            date_of_birth: date(&r[2], "referral_member", "date_of_birth")?,
            address: r[3].text().unwrap_or_default(),
            postcode: r[4].text(),
            relationship: r[5].text().unwrap_or_default(),
            match_key: r[6].text().unwrap_or_default(),
        })
    })
    .collect()
}

fn referrals(tx: &mut dyn Tx, referrer: Option<i64>) -> Result<Vec<StoredReferral>> {
    let rows = match referrer {
        Some(u) => tx.query(
            &format!(
                "SELECT {COLUMNS} FROM referral WHERE referrer_user_id = $1 \
                 ORDER BY referral_id DESC"
            ),
            &[u.into()],
        )?,
        None => tx.query(
            &format!("SELECT {COLUMNS} FROM referral ORDER BY referral_id DESC"),
            &[],
        )?,
    };
    rows.iter().map(|r| row(r)).collect()
}

fn earlier_referrals(
    tx: &mut dyn Tx,
    person_ids: &[i64],
    match_keys: &[String],
) -> Result<Vec<EarlierReferral>> {
    let mut ids: Vec<i64> = Vec::new();
    if !person_ids.is_empty() {
        let sql = format!(
            "SELECT DISTINCT referral_id FROM referral_person WHERE person_id IN ({})",
            placeholders(person_ids.len())
        );
        let params: Vec<Val> = person_ids.iter().map(|&p| p.into()).collect();
        for r in tx.query(&sql, &params)? {
            ids.push(int(&r, 0, "referral_person", "referral_id")?);
        }
    }
    if !match_keys.is_empty() {
        let sql = format!(
            "SELECT DISTINCT referral_id FROM referral_member WHERE match_key IN ({})",
            placeholders(match_keys.len())
        );
        let params: Vec<Val> = match_keys.iter().map(|k| k.as_str().into()).collect();
        for r in tx.query(&sql, &params)? {
            ids.push(int(&r, 0, "referral_member", "referral_id")?);
        }
    }
    ids.sort_unstable();
    ids.dedup();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let status = tx
            .query(
                "SELECT status FROM referral WHERE referral_id = $1",
                &[id.into()],
            )?
            .first()
            .and_then(|r| r[0].text())
            .ok_or_else(|| corrupt("referral", "status", id))?;
        let person_ids = tx
            .query(
                "SELECT person_id FROM referral_person WHERE referral_id = $1 ORDER BY person_id",
                &[id.into()],
            )?
            .iter()
            .map(|r| int(r, 0, "referral_person", "person_id"))
            .collect::<Result<_>>()?;
        let match_keys = tx
            .query(
                "SELECT match_key FROM referral_member WHERE referral_id = $1 ORDER BY position",
                &[id.into()],
            )?
            .iter()
            .filter_map(|r| r[0].text())
            .collect();
        out.push(EarlierReferral {
            id,
            status,
            person_ids,
            match_keys,
        });
    }
    Ok(out)
}

fn decide(tx: &mut dyn Tx, d: &ReferralDecision) -> Result<DecisionOutcome> {
    let family_id = d.case.as_ref().map(|c| c.family_id);
    let changed = tx.exec(
        "UPDATE referral SET status = $1, version = version + 1, decided_by = $2, \
         decided_at = $3, return_reason = $4, decision_note = $5, family_id = $6 \
         WHERE referral_id = $7 AND version = $8 AND status = 'submitted'",
        &[
            d.status.as_str().into(),
            d.by.as_str().into(),
            ts(d.at).into(),
            d.return_reason.as_deref().into(),
            d.note.as_deref().into(),
            family_id.into(),
            d.referral_id.into(),
            d.version.into(),
        ],
    )?;
    if changed == 0 {
        return Ok(match referral_row(tx, d.referral_id)? {
            Some(r) => DecisionOutcome::AlreadyDecided(Box::new(r)),
            None => DecisionOutcome::NotFound,
        });
    }
    if let Some(case) = &d.case {
        let exists = !tx
            .query(
                "SELECT family_id FROM family_case WHERE family_id = $1",
                &[case.family_id.into()],
            )?
            .is_empty();
        if !exists {
            tx.exec(
                "INSERT INTO family_case (family_id, status, lead_worker_user_id, updated_at, \
                 updated_by, status_since, assigned_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    case.family_id.into(),
                    case.status.key().into(),
                    case.lead_worker_user_id.into(),
                    ts(case.updated_at).into(),
                    case.updated_by.as_str().into(),
                    ts(case.status_since).into(),
                    case.assigned_at.map(ts).into(),
                ],
            )?;
        }
    }
    Ok(DecisionOutcome::Decided)
}
