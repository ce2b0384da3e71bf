//! The performance officer's lead-worker pages: `/workload` (each lead worker's families),
//! `POST /families/assign` (one lead worker for the families ticked on the list) and
//! `/families/{id}/unassign` (taking a lead worker off a family, with a reason).

use super::families::{families_page, BulkForm};
use super::{family_id, see_other};
use crate::actor::CurrentUser;
use crate::auth::CsrfForm;
use crate::error::WebError;
use crate::render::{self, form_errors, FieldError, Page};
use crate::service::workload::{self, Workload, REASON_LIMIT};
use crate::state::AppState;
use crate::views::Filters;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// `workload.html`'s context.
#[derive(Serialize)]
struct WorkloadPage {
    title: &'static str,
    errors: Vec<FieldError>,
    statuses: Vec<&'static str>,
    workers: Vec<Workload>,
    unassigned: usize,
}

/// `GET /workload`: each lead worker's open families by status, and how many are overdue.
pub(super) async fn workload(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Page, WebError> {
    let (workers, unassigned) = workload::workloads(&state, &user).await?;
    let ctx = WorkloadPage {
        title: "Lead workers' workload",
        errors: Vec::new(),
        statuses: workers
            .first()
            .map(|w| w.by_status.iter().map(|(s, _)| *s).collect())
            .unwrap_or_default(),
        workers,
        unassigned,
    };
    render::page(&state, "workload.html", Some(&user), "/workload", &ctx)
}

/// `POST /families/assign`: assigns the lead worker to every family ticked (`family`,
/// repeated), or to none if anything is wrong; back to the list as it was (`back`: its
/// query string).
pub(super) async fn assign_many(
    State(state): State<AppState>,
    f: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let field = |name: &str| {
        f.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let families: Vec<i64> = f
        .form
        .iter()
        .filter(|(k, _)| k == "family")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let lead_worker = field("lead_worker");
    let back = field("back");
    let filters: Filters = serde_urlencoded::from_str(&back).unwrap_or_default();
    match workload::assign_many(&state, &f.user, &families, lead_worker.parse().ok()).await {
        Ok(_) => Ok(see_other(&crate::render::with_confirmation(
            &format!("/families?{back}"),
            crate::render::Saved::Assigned,
        ))),
        Err(WebError::Invalid(errors)) => Ok(families_page(
            &state,
            &f.user,
            &filters,
            BulkForm {
                families,
                lead_worker,
                errors,
            },
        )
        .await?
        .into_response()),
        Err(e) => Err(e),
    }
}

form_errors!(
    /// The unassign form's messages.
    UnassignErrors { reason }
);

/// `unassign.html`'s context.
#[derive(Serialize)]
struct UnassignPage<'a> {
    title: &'static str,
    errors: Vec<FieldError>,
    error: UnassignErrors,
    family_id: i64,
    family_name: String,
    lead_worker: Option<String>,
    reason: &'a str,
    reason_limit: usize,
}

async fn unassign_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    reason: &str,
    errors: &[(String, String)],
) -> Result<Page, WebError> {
    let run = state.latest_run().await?.ok_or(WebError::NotFound)?;
    let cases = state.cases().await?;
    let case = cases.cases.get(&id);
    if !run.by_family.contains_key(&id)
        || !(crate::service::family::eligible_in(Some(&run), id) || case.is_some())
    {
        return Err(WebError::NotFound);
    }
    let names = crate::service::families::family_names(state, user, &run, &[id]).await?;
    let ctx = UnassignPage {
        title: "Take the lead worker off this family",
        errors: render::field_errors(errors),
        error: UnassignErrors::from_pairs(errors),
        family_id: id,
        family_name: names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("Family {id}")),
        lead_worker: case
            .and_then(|c| c.lead_worker_user_id)
            .and_then(|u| cases.users.get(&u))
            .map(|u| u.display_name.clone()),
        reason,
        reason_limit: REASON_LIMIT,
    };
    render::page(state, "unassign.html", Some(user), "/families", &ctx)
}

/// `GET /families/{id}/unassign`: asks why, before taking the lead worker off.
pub(super) async fn unassign_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Page, WebError> {
    unassign_page(&state, &user, family_id(&id)?, "", &[]).await
}

#[derive(Deserialize)]
pub(super) struct UnassignForm {
    #[serde(default)]
    reason: String,
}

/// `POST /families/{id}/unassign`: takes the lead worker off the family, with the reason.
pub(super) async fn unassign(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<UnassignForm>,
) -> Result<Response, WebError> {
    let id = family_id(&id)?;
    match workload::unassign(&state, &f.user, id, &f.form.reason).await {
        Ok(()) => Ok(see_other(&crate::render::with_confirmation(
            &format!("/families/{id}"),
            crate::render::Saved::Unassigned,
        ))),
        Err(WebError::Invalid(errors)) => {
            Ok(unassign_page(&state, &f.user, id, &f.form.reason, &errors)
                .await?
                .with_status(StatusCode::BAD_REQUEST)
                .into_response())
        }
        Err(e) => Err(e),
    }
}
