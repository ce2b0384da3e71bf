//! A family's record as the viewer may see it, and the need-to-know check for one family
//! (`access::family_access`: a lead worker opens only the families assigned to them, the
//! others only eligible families and those with a case; identifiers and partner references
//! only for the roles that need them), every view and every refusal audited.

use crate::access::{
    family_access, opens_families_by_the_run, FamilyAccess, FamilyRefusal, FamilyStanding,
};
use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::facts::{FamilyFacts, Withheld};
use crate::run::RunData;
use crate::service::audit;
use crate::state::AppState;
use crate::views::{self, FamilyDetail};
use hearth_store::{CaseSource, FamilyReads, FamilyViewRequest};

/// Audits a refused view of a family by a role that may not open families at all: the error
/// to return (403, or the audit's failure).
pub(crate) async fn refuse(state: &AppState, user: &CurrentUser, family_id: i64) -> WebError {
    refuse_because(state, user, family_id, None).await
}

/// Audits a refused view of a family, with why: the error to return (403, or 404 for a
/// family the viewer has no need to know of, or the audit's failure).
pub(crate) async fn refuse_because(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    refusal: Option<FamilyRefusal>,
) -> WebError {
    if let Err(e) = audit::record(
        state,
        user,
        "view family refused",
        ("family", family_id.to_string()),
        refusal.map_or("", FamilyRefusal::reason).to_string(),
    )
    .await
    {
        return e;
    }
    tracing::warn!(user = %user.user.user_name, family = family_id, "family refused");
    match refusal {
        Some(FamilyRefusal::NoNeedToKnow) => WebError::NotFound,
        Some(FamilyRefusal::NotAssigned) | None => WebError::Forbidden,
    }
}

/// Whether the family is eligible in `run` (the latest; `false` if it is not in it).
pub(crate) fn eligible_in(run: Option<&RunData>, family_id: i64) -> bool {
    run.and_then(|r| {
        r.by_family
            .get(&family_id)
            .map(|&i| r.assessments[i].eligible)
    })
    .unwrap_or(false)
}

/// The family's record as the viewer may see it, audited. The case, the access check and
/// everything the viewer may see are read together, in one store hop; nothing the viewer
/// may not see is read.
pub(crate) async fn record(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
) -> Result<(FamilyAccess, FamilyDetail), WebError> {
    record_part(state, user, family_id, "record").await
}

/// [`record`] for one part of the family's pages (`summary`, `plan`…), named in the audit
/// line.
pub(crate) async fn record_part(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    part: &str,
) -> Result<(FamilyAccess, FamilyDetail), WebError> {
    let run = state
        .latest_run()
        .await?
        .filter(|r| r.by_family.contains_key(&family_id));
    let run_id = run.as_ref().map(|r| r.run.id);
    let eligible = eligible_in(run.as_deref(), family_id);
    let people: Vec<i64> = run
        .as_ref()
        .and_then(|r| r.families.get(&family_id))
        .map(|f| f.members.iter().map(|m| m.person_id).collect())
        .unwrap_or_default();
    let (role, me) = (user.role, user.user.clone());
    let cached = run_id.and_then(|r| state.caches().family_facts(r, family_id));
    let with_evidence = cached.is_none();
    // Cached facts are used only if the restrictions in force are still those they were
    // read under (else the store reads the evidence again, filtered afresh).
    let read_under = cached.as_ref().map(|f| f.read_under().clone());
    let cases = state.cases().await?;
    // A viewer who opens families by the run gets the case (status, lead worker) from the
    // shared cache; whether a lead worker may open a family is decided on the case as
    // stored, read with the rest.
    let known_case = opens_families_by_the_run(role).then(|| cases.cases.get(&family_id).cloned());
    let mut view = state
        .store()
        .run(move |s| {
            s.family_view(
                FamilyViewRequest {
                    family_id,
                    run_id,
                    with_evidence,
                    people: &people,
                    case: known_case.map_or(CaseSource::Read, CaseSource::Known),
                    evidence_restrictions: read_under.as_ref(),
                },
                |case| {
                    family_access(role, &me, FamilyStanding { eligible, case })
                        .ok()
                        .map(|a| FamilyReads {
                            identifiers: a.identifiers,
                            notes: a.casework,
                            work: true,
                        })
                },
            )
        })
        .await?;
    let standing = FamilyStanding {
        eligible,
        case: view.case.as_ref(),
    };
    let access = match family_access(user.role, &user.user, standing) {
        Ok(a) if view.reads.is_some() => a,
        Ok(_) => return Err(refuse(state, user, family_id).await),
        Err(refusal) => return Err(refuse_because(state, user, family_id, Some(refusal)).await),
    };
    let run = run.ok_or(WebError::NotFound)?;
    let facts = match cached {
        Some(f) if !view.evidence_read => f,
        _ => {
            let (evidence, trails) = (
                std::mem::take(&mut view.evidence),
                std::mem::take(&mut view.trails),
            );
            let f = FamilyFacts::new(
                evidence,
                trails,
                &view.record_people,
                &run.run.labels,
                state.templates(),
                Withheld {
                    restrictions: view.restricted.ids.clone(),
                    problems: std::mem::take(&mut view.withheld_problems),
                },
            )
            .map_err(|e| WebError::Internal(format!("rendering family_facts.html: {e}")))?;
            state
                .caches()
                .keep_family_facts(run.run.id, family_id, f.clone());
            f
        }
    };
    let due = views::Due::of(
        view.case.as_ref(),
        state.now().date_naive(),
        &state.settings().due,
    );
    // The facts with the partners' references only for roles that may see identifiers.
    let facts = facts.shown(access.identifiers);
    let detail = views::family_detail(
        &run,
        family_id,
        access,
        view,
        facts,
        views::DetailContext {
            cases: &cases,
            due,
            settings: state.settings(),
            today: state.now().date_naive(),
        },
    )
    .ok_or(WebError::NotFound)?;
    audit::record(
        state,
        user,
        "view family",
        ("family", family_id.to_string()),
        format!(
            "{}; {part}",
            if access.identifiers {
                "identifiers shown"
            } else {
                "pseudonymised"
            }
        ),
    )
    .await?;
    Ok((access, detail))
}
