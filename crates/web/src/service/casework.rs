//! The work with a family: assigning a lead worker, moving a case on, writing notes, and a
//! lead worker's caseload with what is due next.
//!
//! The rules of the work (the order of statuses, due dates) are `hearth_casework`'s; this
//! module applies them to stored cases, checks need to know per family and audits.

use crate::access::{family_access, FamilyRefusal, FamilyStanding};
use crate::actor::CurrentUser;
use crate::domain::NoteText;
use crate::error::WebError;
use crate::run::Cases;
use crate::service::{audit, family, invalid};
use crate::state::AppState;
use crate::views::{self, CaseloadRow};
use hearth_casework::{check_move, Move};
use hearth_model::{CaseStatus, CloseReason};
use hearth_store::{CaseNote, FamilyCase};

/// Assigns (or, with `None`, unassigns) a lead worker to a family of the latest run that
/// the user may open (need to know: `access::family_access`; refused as a view is
/// otherwise); the account must be an active lead worker's (`Invalid` on `lead_worker`
/// otherwise).
pub(crate) async fn assign(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    lead_worker: Option<i64>,
) -> Result<FamilyCase, WebError> {
    assign_from(state, user, family_id, lead_worker, None).await
}

/// [`assign`], recording the lead worker's home service (`None`: as recorded before;
/// unassigning forgets it).
pub(crate) async fn assign_from(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    lead_worker: Option<i64>,
    home_service: Option<String>,
) -> Result<FamilyCase, WebError> {
    let run = state.latest_run().await?.ok_or(WebError::NotFound)?;
    if !run.by_family.contains_key(&family_id) {
        return Err(WebError::NotFound);
    }
    let eligible = family::eligible_in(Some(&run), family_id);
    let now = state.now();
    let actor = user.clone();
    let by = user.user.user_name.clone();
    // The need-to-know check, the account's check and the change in one hop.
    let case = state
        .store()
        .run(move |s| {
            let stored = s.family_case(family_id)?;
            let standing = FamilyStanding {
                eligible,
                case: stored.as_ref(),
            };
            match family_access(actor.role, &actor.user, standing) {
                Err(refusal) => return Ok(Err(Refusal::Family(refusal))),
                Ok(a) if !a.assign => return Ok(Err(Refusal::Casework)),
                Ok(_) => {}
            }
            if let Some(id) = lead_worker {
                let found = s.user(id)?;
                if !found.is_some_and(|u| u.active && u.role == hearth_model::Role::LeadWorker) {
                    return Ok(Err(Refusal::Invalid(invalid(
                        "lead_worker",
                        "Select a lead worker from the list",
                    ))));
                }
            }
            let mut case = stored.unwrap_or_else(|| FamilyCase::new(family_id, now, &by));
            case.assign(lead_worker, now, &by);
            if lead_worker.is_none() {
                case.home_service = None;
            } else if home_service.is_some() {
                case.home_service = home_service;
            }
            s.save_family_case(&case)?;
            Ok(Ok(case))
        })
        .await?;
    let case = match case {
        Ok(case) => case,
        Err(refusal) => return Err(refusal.into_error(state, user, family_id).await),
    };
    state.caches().cases_changed();
    audit::record(
        state,
        user,
        "assign lead worker",
        ("family", family_id.to_string()),
        lead_worker.map_or_else(
            || "unassigned".into(),
            |id| format!("lead worker user {id}"),
        ),
    )
    .await?;
    tracing::info!(family = family_id, "lead worker assigned");
    Ok(case)
}

/// Why a change to a case was not made (decided in the store hop, answered after it).
pub(crate) enum Refusal {
    /// The viewer may not open the family (audited as a refused view).
    Family(FamilyRefusal),
    /// The viewer may open it but not do casework.
    Casework,
    /// The change itself is not allowed.
    Invalid(WebError),
}

impl Refusal {
    pub(crate) async fn into_error(
        self,
        state: &AppState,
        user: &CurrentUser,
        family_id: i64,
    ) -> WebError {
        match self {
            Refusal::Family(refusal) => {
                family::refuse_because(state, user, family_id, Some(refusal)).await
            }
            Refusal::Casework => WebError::Forbidden,
            Refusal::Invalid(e) => e,
        }
    }
}

/// Whether `user` may do casework on a family (`eligible` in the latest run) whose case is
/// `case`.
pub(crate) fn may_work_on(
    user: &CurrentUser,
    eligible: bool,
    case: Option<&FamilyCase>,
) -> Result<(), Refusal> {
    match family_access(user.role, &user.user, FamilyStanding { eligible, case }) {
        Err(refusal) => Err(Refusal::Family(refusal)),
        Ok(a) if !a.casework => Err(Refusal::Casework),
        Ok(_) => Ok(()),
    }
}

/// Whether the family is eligible in the latest run.
pub(crate) async fn eligible(state: &AppState, family_id: i64) -> Result<bool, WebError> {
    let run = state.latest_run().await?;
    Ok(family::eligible_in(run.as_deref(), family_id))
}

/// A change of a case's status as asked for.
#[derive(Debug, Clone)]
pub(crate) struct StatusMove {
    /// The new status.
    pub status: CaseStatus,
    /// Why it closes (only when closing).
    pub close_reason: Option<CloseReason>,
    /// Why (required when moving back).
    pub reason: String,
}

/// Moves a family's case to another status (performance officer or the family's lead
/// worker) by the rules of `hearth_casework::check_move`: forward freely, back only with a
/// reason, closed only with a closing reason (`Invalid` on the field to correct otherwise).
/// The case is read, checked and saved, and the change added to its history, in one store
/// hop and one transaction.
pub(crate) async fn change_status(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    change: StatusMove,
) -> Result<(), WebError> {
    let eligible = eligible(state, family_id).await?;
    let now = state.now();
    let actor = user.clone();
    let status = change.status;
    let done = state
        .store()
        .run(move |s| {
            let case = s.family_case(family_id)?;
            if let Err(refusal) = may_work_on(&actor, eligible, case.as_ref()) {
                return Ok(Err(refusal));
            }
            let from = case.as_ref().map_or(CaseStatus::Identified, |c| c.status);
            let moved = match check_move(from, change.status, change.close_reason, &change.reason) {
                Ok(m) => m,
                Err(e) => return Ok(Err(Refusal::Invalid(invalid(e.field(), e.to_string())))),
            };
            let by = &actor.user.user_name;
            let mut case = case.unwrap_or_else(|| FamilyCase::new(family_id, now, by));
            match moved {
                Move::Close(reason) => case.close(reason, now, by),
                Move::Forward | Move::Back => case.set_status(change.status, now, by),
            }
            s.save_family_case_because(&case, &change.reason)?;
            Ok(Ok(()))
        })
        .await?;
    if let Err(refusal) = done {
        return Err(refusal.into_error(state, user, family_id).await);
    }
    state.caches().cases_changed();
    audit::record(
        state,
        user,
        "change status",
        ("family", family_id.to_string()),
        status.key().to_string(),
    )
    .await
}

/// Adds a note to a family's case (performance officer or the family's lead worker); the
/// case is read and checked, and the note written, in one store hop.
pub(crate) async fn add_note(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    note: NoteText,
) -> Result<(), WebError> {
    let note = CaseNote {
        id: 0,
        family_id,
        author_user_id: user.user.id,
        written_at: state.now(),
        body: note.into_string(),
    };
    let eligible = eligible(state, family_id).await?;
    let actor = user.clone();
    let written = state
        .store()
        .run(move |s| {
            let case = s.family_case(family_id)?;
            if let Err(refusal) = may_work_on(&actor, eligible, case.as_ref()) {
                return Ok(Err(refusal));
            }
            Ok(Ok(s.add_case_note(&note)?))
        })
        .await?;
    let note_id = match written {
        Ok(id) => id,
        Err(refusal) => return Err(refusal.into_error(state, user, family_id).await),
    };
    audit::record(
        state,
        user,
        "add note",
        ("family", family_id.to_string()),
        format!("note {note_id}"),
    )
    .await
}

/// The signed-in lead worker's families, what is due next for each, soonest (most overdue)
/// first; families with nothing due last, in priority order.
pub(crate) async fn caseload(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<CaseloadRow>, WebError> {
    let run = state.latest_run().await?;
    let me = user.user.id;
    // This lead worker's cases as stored (not the shared cache): an assignment ended by
    // another process leaves the caseload at once.
    let mine = state.store().run(move |s| s.lead_worker_cases(me)).await?;
    let users = state.cases().await?.users.clone();
    let cases = Cases {
        cases: mine.into_iter().map(|c| (c.family_id, c)).collect(),
        users,
    };
    let rows = match &run {
        Some(run) => {
            let mut indices: Vec<usize> = cases
                .cases
                .keys()
                .filter_map(|f| run.by_family.get(f).copied())
                .collect();
            indices.sort_unstable();
            let today = state.now().date_naive();
            let rules = &state.settings().due;
            let withheld = crate::service::families::figures_withheld(state, run).await?;
            let mut rows: Vec<CaseloadRow> = views::family_rows(
                run,
                &cases,
                indices,
                |r| r.lead_worker_user_id == Some(me),
                &withheld,
            )
            .into_iter()
            .map(|family| {
                let case = cases.cases.get(&family.family_id);
                let due = views::Due::of(case, today, rules);
                CaseloadRow { family, due }
            })
            .collect();
            // Stable: equal due dates keep priority order.
            rows.sort_by_key(|r| (r.due.due.is_none(), r.due.due));
            rows
        }
        None => Vec::new(),
    };
    audit::record(
        state,
        user,
        "list caseload",
        ("family", "*".into()),
        format!("{} families listed", rows.len()),
    )
    .await?;
    Ok(rows)
}
