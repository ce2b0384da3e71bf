//! Casework: each family's case (status and lead worker, with the clocks of both), the
//! notes on it, a lead worker's caseload, and a family's record read for one viewer in one
//! go ([`Store::family_view`]). Written once over the portable [`Tx`] for both backends.
//!
//! It decides no access: the caller says, from the case, what the viewer may read.
//!
//! Submodules: [`history`] (every status a case has had: who, when, why; saving a case
//! appends to it when its status changes) and [`work`] (the assessment, the plan, the team
//! around the family and the progress data), [`action`] (the plan's actions) and
//! [`plan_change`] (the plan's changes after it is written, kept with why, who and when).

pub(crate) mod action;
pub(crate) mod history;
pub(crate) mod plan_change;
pub(crate) mod work;

use crate::error::Result;
use crate::handle::Store;
use crate::identification::{evidence, record_trails, EvidenceRow, RecordTrail};
use crate::intake::RecordId;
use crate::linkage::{members_records, person_identities, PersonIdentity};
use crate::restricted::{restricted, Restricted};
use crate::sql::{corrupt, date, int, time, ts, vocab, Tx, Val};
use chrono::{DateTime, NaiveDate, Utc};
use hearth_model::{CaseStatus, CloseReason};
use std::collections::BTreeSet;

/// The work with a family: status and lead worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyCase {
    /// The family.
    pub family_id: i64,
    /// Where the work has reached.
    pub status: CaseStatus,
    /// The lead worker's account, if one is assigned.
    pub lead_worker_user_id: Option<i64>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Who changed it (account name).
    pub updated_by: String,
    /// When the status last changed (or the case began).
    pub status_since: DateTime<Utc>,
    /// When the current lead worker was assigned (`None`: no one is).
    pub assigned_at: Option<DateTime<Utc>>,
    /// Why the case was closed (only while it is; `None` for cases closed before reasons
    /// were kept).
    pub close_reason: Option<CloseReason>,
    /// The lead worker's home service (e.g. `Early Help`), as recorded when assigned.
    pub home_service: Option<String>,
}

impl FamilyCase {
    /// A new case: `identified`, no lead worker, both clocks starting `at`.
    pub fn new(family_id: i64, at: DateTime<Utc>, by: &str) -> FamilyCase {
        FamilyCase {
            family_id,
            status: CaseStatus::Identified,
            lead_worker_user_id: None,
            updated_at: at,
            updated_by: by.into(),
            status_since: at,
            assigned_at: None,
            close_reason: None,
            home_service: None,
        }
    }

    /// Moves the case to `status` (its clock restarts if the status changes); a closing
    /// reason is kept only while the case is closed.
    pub fn set_status(&mut self, status: CaseStatus, at: DateTime<Utc>, by: &str) {
        if self.status != status {
            self.status = status;
            self.status_since = at;
        }
        if status != CaseStatus::Closed {
            self.close_reason = None;
        }
        self.touch(at, by);
    }

    /// Closes the case for `reason`.
    pub fn close(&mut self, reason: CloseReason, at: DateTime<Utc>, by: &str) {
        self.set_status(CaseStatus::Closed, at, by);
        self.close_reason = Some(reason);
    }

    /// Records that the family was attached to the programme at `at` (its outcomes
    /// baseline frozen): a case not yet at "agreed to take part" moves there, its clock
    /// starting `at` (never before its current status began), so that its status says what
    /// every count of families worked with says; a case agreed or further on, or closed, is
    /// left as it is. Whether it moved.
    pub fn attach(&mut self, at: DateTime<Utc>, by: &str) -> bool {
        if self.status >= CaseStatus::Agreed {
            return false;
        }
        let at = at.max(self.status_since);
        self.set_status(CaseStatus::Agreed, at, by);
        true
    }

    /// Restarts the status clock without changing the status (a plan review: the next
    /// review is due from this one).
    pub fn restart_clock(&mut self, at: DateTime<Utc>, by: &str) {
        self.status_since = at;
        self.touch(at, by);
    }

    /// Gives the case to `lead_worker` (`None`: no one); the assignment clock restarts if
    /// the lead worker changes.
    pub fn assign(&mut self, lead_worker: Option<i64>, at: DateTime<Utc>, by: &str) {
        if self.lead_worker_user_id != lead_worker {
            self.lead_worker_user_id = lead_worker;
            self.assigned_at = lead_worker.map(|_| at);
        }
        self.touch(at, by);
    }

    fn touch(&mut self, at: DateTime<Utc>, by: &str) {
        self.updated_at = at;
        self.updated_by = by.into();
    }
}

/// A note on a family's case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseNote {
    /// The note's key.
    pub id: i64,
    /// The family.
    pub family_id: i64,
    /// Who wrote it.
    pub author_user_id: i64,
    /// When.
    pub written_at: DateTime<Utc>,
    /// What it says.
    pub body: String,
}

/// What a viewer may read of a family's record, decided from its case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FamilyReads {
    /// The members' identifiers (names, dates of birth, addresses).
    pub identifiers: bool,
    /// The case notes.
    pub notes: bool,
    /// The work with the family: status history, assessment, plan, team, progress
    /// ([`work::CaseWork`]).
    pub work: bool,
}

/// A family's record as read for a viewer (see [`Store::family_view`]): its case and, if
/// the viewer may open it, the evidence of one identification run, the records behind it,
/// and what [`FamilyReads`] allows.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilyView {
    /// The family's case, if it has one.
    pub case: Option<FamilyCase>,
    /// What the viewer may read (`None`: the viewer may not open the family, and nothing
    /// else was read).
    pub reads: Option<FamilyReads>,
    /// The run's evidence for the family (empty unless asked for).
    pub evidence: Vec<EvidenceRow>,
    /// The partner records the evidence cites, and every record of the members (read with
    /// the evidence: the family's timeline and the agencies involved).
    pub trails: Vec<RecordTrail>,
    /// Whose each member's record is: (record key, person), for the records in `trails`
    /// linked to a member.
    pub record_people: Vec<(i64, i64)>,
    /// The members' identifiers (empty unless `reads.identifiers`).
    pub identities: Vec<PersonIdentity>,
    /// The case notes (`None` unless `reads.notes`).
    pub notes: Option<Vec<CaseNote>>,
    /// The work with the family (`None` unless `reads.work`).
    pub work: Option<work::CaseWork>,
    /// The restrictions of processing in force when this was read: everything above is
    /// already filtered by them (see [`Store::family_view`]).
    pub restricted: Restricted,
    /// The members withheld: those of the request's `people` whose processing is
    /// restricted, and anyone restricted while a member of this family
    /// ([`Restricted::withheld_in`]).
    pub withheld: BTreeSet<i64>,
    /// Whether the evidence was read (asked for, or read again because the restrictions in
    /// force are not those the caller's evidence was read under).
    pub evidence_read: bool,
    /// The problems (keys) whose every piece of evidence was withheld (a fact from
    /// restricted records only; empty unless the evidence was read).
    pub withheld_problems: BTreeSet<String>,
}

/// Where [`Store::family_view`] takes the family's case from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseSource {
    /// Read it with the rest: the viewer's access depends on the case as stored now.
    Read,
    /// The caller knows it already (from a cache of every case; `None`: the family has no
    /// case), for viewers whose access does not depend on it; it is not read again.
    Known(Option<FamilyCase>),
}

/// What [`Store::family_view`] reads of one family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyViewRequest<'a> {
    /// The family.
    pub family_id: i64,
    /// The identification run the family is in (`None`: it is in none, and nothing is read
    /// beyond the case).
    pub run_id: Option<i64>,
    /// Read the run's evidence for the family, the records it cites and every record of
    /// `people` with whose each is (a run's evidence never changes, so a caller may have it
    /// already and leave this `false`).
    pub with_evidence: bool,
    /// The family's members (person keys) in that run.
    pub people: &'a [i64],
    /// Where the case comes from.
    pub case: CaseSource,
    /// When the caller has the evidence already (`with_evidence` false): the restrictions
    /// in force when it was read ([`Restricted::ids`]). If those in force now are others, the
    /// evidence is read all the same, filtered by them ([`FamilyView::evidence_read`]).
    pub evidence_restrictions: Option<&'a BTreeSet<i64>>,
}

impl Store {
    /// Every family's case that has one, by family.
    pub fn family_cases(&mut self) -> Result<Vec<FamilyCase>> {
        self.with_read(family_cases)
    }

    /// A family's case, if it has one (a family without one is `identified`, unassigned).
    pub fn family_case(&mut self, family_id: i64) -> Result<Option<FamilyCase>> {
        self.with_read(|tx| family_case(tx, family_id))
    }

    /// Creates or replaces a family's case; if its status changed (or the case is new), the
    /// change is added to its history with no reason given.
    pub fn save_family_case(&mut self, case: &FamilyCase) -> Result<()> {
        self.with_tx(|tx| history::save_case(tx, case, ""))
    }

    /// Creates or replaces a family's case, adding the change of status to its history
    /// with `reason` (why: required by the rules for moving back), in one transaction.
    pub fn save_family_case_because(&mut self, case: &FamilyCase, reason: &str) -> Result<()> {
        self.with_tx(|tx| history::save_case(tx, case, reason))
    }

    /// Adds a note to a family's case; returns its key.
    pub fn add_case_note(&mut self, note: &CaseNote) -> Result<i64> {
        self.with_tx(|tx| add_case_note(tx, note))
    }

    /// A family's notes, oldest first.
    pub fn case_notes(&mut self, family_id: i64) -> Result<Vec<CaseNote>> {
        self.with_read(|tx| case_notes(tx, family_id))
    }

    /// The cases assigned to this lead worker, by family.
    pub fn lead_worker_cases(&mut self, user_id: i64) -> Result<Vec<FamilyCase>> {
        self.with_read(|tx| lead_worker_cases(tx, user_id))
    }

    /// A family's record for a viewer, read together: the case first (read, or as the
    /// caller knows it: [`CaseSource`]); then `decide` says from the case what the viewer
    /// may read (`None`: not open it, and nothing more is read); then, if the family is in
    /// a run, the evidence, the records it cites and every record of the members with whose
    /// each is (if [`FamilyViewRequest::with_evidence`]), the members' identifiers and the
    /// notes, as allowed.
    ///
    /// Everything is filtered by the restrictions of processing in force, read in the same
    /// transaction (UK GDPR Art. 18: from the moment a restriction is recorded until it is
    /// lifted): evidence about a restricted person or citing a record a restriction holds,
    /// those records and the person's other records, their identifiers and the assessment
    /// entries about them are left out; [`FamilyView::withheld`] says who was withheld. The
    /// one filter every view of a family passes (pages, API, outcomes).
    pub fn family_view(
        &mut self,
        request: FamilyViewRequest<'_>,
        decide: impl FnOnce(Option<&FamilyCase>) -> Option<FamilyReads>,
    ) -> Result<FamilyView> {
        self.with_read(|tx| family_view(tx, request, decide))
    }
}

/// The columns [`family_case_row`] reads, in order.
const CASE_COLUMNS: &str = "family_id, status, lead_worker_user_id, updated_at, updated_by, \
     status_since, assigned_at, close_reason, home_service";

fn family_case_row(r: &[Val]) -> Result<FamilyCase> {
    let family_id = int(r, 0, "family_case", "family_id")?;
    let updated_at = time(&r[3], "family_case", "updated_at")?;
    Ok(FamilyCase {
        family_id,
        status: vocab(&r[1], "family_case", "status", family_id)?,
        lead_worker_user_id: r[2].int(),
        updated_at,
        updated_by: r[4].text().unwrap_or_default(),
        status_since: match &r[5] {
            Val::Null => updated_at,
            v => time(v, "family_case", "status_since")?,
        },
        assigned_at: match &r[6] {
            Val::Null => None,
            v => Some(time(v, "family_case", "assigned_at")?),
        },
        close_reason: match &r[7] {
            Val::Null => None,
            v => Some(vocab(v, "family_case", "close_reason", family_id)?),
        },
        home_service: r[8].text(),
    })
}

fn family_cases(tx: &mut dyn Tx) -> Result<Vec<FamilyCase>> {
    tx.query(
        &format!("SELECT {CASE_COLUMNS} FROM family_case ORDER BY family_id"),
        &[],
    )?
    .iter()
    .map(|r| family_case_row(r))
    .collect()
}

pub(crate) fn family_case(tx: &mut dyn Tx, family_id: i64) -> Result<Option<FamilyCase>> {
    tx.query(
        &format!("SELECT {CASE_COLUMNS} FROM family_case WHERE family_id = $1"),
        &[family_id.into()],
    )?
    .first()
    .map(|r| family_case_row(r))
    .transpose()
}

pub(crate) fn save_family_case(tx: &mut dyn Tx, c: &FamilyCase) -> Result<()> {
    // Placeholders appear in order: SQLite numbers `$N` by first appearance.
    let params = [
        c.status.key().into(),
        c.lead_worker_user_id.into(),
        ts(c.updated_at).into(),
        c.updated_by.as_str().into(),
        ts(c.status_since).into(),
        c.assigned_at.map(ts).into(),
        c.close_reason.map(|r| r.key()).into(),
        c.home_service.as_deref().into(),
        c.family_id.into(),
    ];
    let n = tx.exec(
        "UPDATE family_case SET status = $1, lead_worker_user_id = $2, updated_at = $3, \
         updated_by = $4, status_since = $5, assigned_at = $6, close_reason = $7, \
         home_service = $8 WHERE family_id = $9",
        &params,
    )?;
    if n == 0 {
        tx.exec(
            "INSERT INTO family_case (status, lead_worker_user_id, updated_at, updated_by, \
             status_since, assigned_at, close_reason, home_service, family_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &params,
        )?;
    }
    Ok(())
}

fn add_case_note(tx: &mut dyn Tx, n: &CaseNote) -> Result<i64> {
    let rows = tx.query(
        "INSERT INTO case_note (family_id, author_user_id, written_at, body) \
         VALUES ($1, $2, $3, $4) RETURNING id",
        &[
            n.family_id.into(),
            n.author_user_id.into(),
            ts(n.written_at).into(),
            n.body.as_str().into(),
        ],
    )?;
    rows.first()
        .and_then(|r| r[0].int())
        .ok_or_else(|| corrupt("case_note", "id", 0))
}

fn case_notes(tx: &mut dyn Tx, family_id: i64) -> Result<Vec<CaseNote>> {
    tx.query(
        "SELECT id, family_id, author_user_id, written_at, body FROM case_note \
         WHERE family_id = $1 ORDER BY id",
        &[family_id.into()],
    )?
    .iter()
    .map(|r| {
        Ok(CaseNote {
            id: int(r, 0, "case_note", "id")?,
            family_id: int(r, 1, "case_note", "family_id")?,
            author_user_id: int(r, 2, "case_note", "author_user_id")?,
            written_at: time(&r[3], "case_note", "written_at")?,
            body: r[4].text().unwrap_or_default(),
        })
    })
    .collect()
}

/// The cases whose lead worker is this account, by family.
fn lead_worker_cases(tx: &mut dyn Tx, user_id: i64) -> Result<Vec<FamilyCase>> {
    tx.query(
        &format!(
            "SELECT {CASE_COLUMNS} FROM family_case WHERE lead_worker_user_id = $1 \
             ORDER BY family_id"
        ),
        &[user_id.into()],
    )?
    .iter()
    .map(|r| family_case_row(r))
    .collect()
}

fn family_view(
    tx: &mut dyn Tx,
    request: FamilyViewRequest<'_>,
    decide: impl FnOnce(Option<&FamilyCase>) -> Option<FamilyReads>,
) -> Result<FamilyView> {
    let FamilyViewRequest {
        family_id,
        run_id,
        with_evidence,
        people,
        case,
        evidence_restrictions,
    } = request;
    let case = match case {
        CaseSource::Known(case) => case,
        CaseSource::Read => family_case(tx, family_id)?,
    };
    let reads = decide(case.as_ref());
    // The one filter: read with the rest, so the view and the restrictions agree.
    let in_force = restricted(tx)?;
    let withheld = in_force.withheld_in(family_id, people);
    let with_evidence = with_evidence || evidence_restrictions.is_some_and(|r| *r != in_force.ids);
    let mut view = FamilyView {
        case,
        reads,
        evidence: Vec::new(),
        trails: Vec::new(),
        record_people: Vec::new(),
        identities: Vec::new(),
        notes: None,
        work: None,
        restricted: Restricted::default(),
        withheld,
        evidence_read: false,
        withheld_problems: BTreeSet::new(),
    };
    let (Some(reads), Some(run_id)) = (reads, run_id) else {
        view.restricted = in_force;
        return Ok(view);
    };
    let shown = |person: i64| !in_force.hides_person(person);
    if with_evidence {
        view.evidence_read = true;
        let all = evidence(tx, run_id, Some(family_id))?;
        (view.evidence, view.withheld_problems) = in_force.split_evidence(all);
        view.record_people = members_records(tx, people)?;
        view.record_people
            .retain(|&(r, p)| shown(p) && !in_force.hides_record(r));
        let mut ids: Vec<RecordId> = view
            .evidence
            .iter()
            .flat_map(|e| e.record_ids.iter().map(|&r| RecordId(r)))
            .chain(view.record_people.iter().map(|&(r, _)| RecordId(r)))
            .collect();
        ids.sort();
        ids.dedup();
        view.trails = record_trails(tx, &ids)?;
    }
    if reads.identifiers {
        view.identities = person_identities(tx, people)?;
        view.identities.retain(|i| shown(i.person_id));
    }
    if reads.notes {
        view.notes = Some(case_notes(tx, family_id)?);
    }
    if reads.work {
        let mut work = work::case_work(tx, family_id)?;
        work.assessment.retain(|e| e.person_id.is_none_or(shown));
        view.work = Some(work);
    }
    view.restricted = in_force;
    Ok(view)
}

fn opt_date(v: &Val, table: &'static str, column: &'static str) -> Result<Option<NaiveDate>> {
    match v {
        Val::Null => Ok(None),
        v => date(v, table, column).map(Some),
    }
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn returning_id(rows: Vec<Vec<Val>>, table: &'static str) -> Result<i64> {
    rows.first()
        .and_then(|r| r[0].int())
        .ok_or_else(|| corrupt(table, "id", 0))
}
