//! A family's record as the viewer may see it, and the need-to-know check for one family
//! (a lead worker opens only the families assigned to them; identifiers only for the roles
//! that need them), every view and every refusal audited.

use crate::access::{family_access, opens_every_family, FamilyAccess};
use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::facts::FamilyFacts;
use crate::service::audit;
use crate::state::AppState;
use crate::views::{self, FamilyDetail};
use hearth_store::{CaseSource, FamilyReads, FamilyViewRequest};

/// Audits a refused view of a family: the error to return (403, or the audit's failure).
pub(crate) async fn refuse(state: &AppState, user: &CurrentUser, family_id: i64) -> WebError {
    if let Err(e) = audit::record(
        state,
        user,
        "view family refused",
        ("family", family_id.to_string()),
        String::new(),
    )
    .await
    {
        return e;
    }
    tracing::warn!(user = %user.user.user_name, family = family_id, "family refused");
    WebError::Forbidden
}

/// The family's record as the viewer may see it, audited. The case, the access check and
/// everything the viewer may see are read together, in one store hop; nothing the viewer
/// may not see is read.
pub(crate) async fn record(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
) -> Result<(FamilyAccess, FamilyDetail), WebError> {
    let run = state
        .latest_run()
        .await?
        .filter(|r| r.by_family.contains_key(&family_id));
    let run_id = run.as_ref().map(|r| r.run.id);
    let people: Vec<i64> = run
        .as_ref()
        .and_then(|r| r.families.get(&family_id))
        .map(|f| f.members.iter().map(|m| m.person_id).collect())
        .unwrap_or_default();
    let (role, me) = (user.role, user.user.clone());
    let cached = run_id.and_then(|r| state.caches().family_facts(r, family_id));
    let with_evidence = cached.is_none();
    let cases = state.cases().await?;
    // A viewer who may open every family gets the case (status, lead worker) from the
    // shared cache; whether a lead worker may open a family is decided on the case as
    // stored, read with the rest.
    let known_case = opens_every_family(role).then(|| cases.cases.get(&family_id).cloned());
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
                },
                |case| {
                    family_access(role, &me, case).map(|a| FamilyReads {
                        identifiers: a.identifiers,
                        notes: a.casework,
                    })
                },
            )
        })
        .await?;
    let access = view
        .reads
        .and_then(|_| family_access(user.role, &user.user, view.case.as_ref()));
    let Some(access) = access else {
        return Err(refuse(state, user, family_id).await);
    };
    let run = run.ok_or(WebError::NotFound)?;
    let facts = match cached {
        Some(f) => f,
        None => {
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
    let detail = views::family_detail(&run, family_id, access, view, facts, &cases.users, due)
        .ok_or(WebError::NotFound)?;
    audit::record(
        state,
        user,
        "view family",
        ("family", family_id.to_string()),
        if access.identifiers {
            "identifiers shown".into()
        } else {
            "pseudonymised".into()
        },
    )
    .await?;
    Ok((access, detail))
}
