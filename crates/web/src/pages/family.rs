//! A family's record and its forms: `/families/{id}` and the posts that assign a lead
//! worker, move the case on and add a note.

use super::{family_id, see_other, Choice, Person};
use crate::access::{permits, FamilyAccess, Permission};
use crate::actor::CurrentUser;
use crate::auth::CsrfForm;
use crate::domain::NoteText;
use crate::error::WebError;
use crate::render::{self, form_errors, FieldError, Page};
use crate::service::{casework, family, invalid};
use crate::state::AppState;
use crate::views::FamilyDetail;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hearth_casework::StatusOrder;
use hearth_model::CaseStatus;
use serde::{Deserialize, Serialize};

form_errors!(
    /// The family page's forms' messages.
    FamilyErrors { lead_worker, status, note }
);

/// What was typed into the family page's forms, shown again with their messages.
#[derive(Default, Serialize)]
struct FamilyForms {
    lead_worker: String,
    status: String,
    note: String,
    error: FamilyErrors,
}

/// What the viewer may do, as the template asks.
#[derive(Serialize)]
struct AccessView {
    identifiers: bool,
    casework: bool,
    assign: bool,
}

impl From<FamilyAccess> for AccessView {
    fn from(a: FamilyAccess) -> AccessView {
        AccessView {
            identifiers: a.identifiers,
            casework: a.casework,
            assign: a.assign,
        }
    }
}

/// `family.html`'s context.
#[derive(Serialize)]
struct FamilyPage<'a> {
    title: String,
    errors: Vec<FieldError>,
    access: AccessView,
    lead_workers: Vec<Person<'a>>,
    next_statuses: Vec<Choice<'static>>,
    forms: FamilyForms,
    family: &'a FamilyDetail,
    facts_html: minijinja::Value,
}

async fn family_page(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    forms: FamilyForms,
    errors: &[(String, String)],
    status: StatusCode,
) -> Result<Page, WebError> {
    let (access, detail) = family::record(state, user, family_id).await?;
    let cases = if access.assign {
        Some(state.cases().await?)
    } else {
        None
    };
    let lead_workers: Vec<Person> = cases
        .as_ref()
        .map(|c| {
            c.lead_workers()
                .into_iter()
                .map(|u| Person {
                    id: u.id.to_string(),
                    name: &u.display_name,
                })
                .collect()
        })
        .unwrap_or_default();
    let current = CaseStatus::parse(&detail.status).unwrap_or(CaseStatus::Identified);
    let ctx = FamilyPage {
        title: format!("Family {family_id}"),
        errors: render::field_errors(errors),
        access: access.into(),
        lead_workers,
        next_statuses: current
            .next()
            .map(|s| Choice {
                key: s.key(),
                label: s.label(),
            })
            .collect(),
        forms: FamilyForms {
            error: FamilyErrors::from_pairs(errors),
            ..forms
        },
        facts_html: detail.facts_html.clone(),
        family: &detail,
    };
    let active = if permits(user.role, Permission::Caseload) {
        "/caseload"
    } else {
        "/families"
    };
    Ok(render::page(state, "family.html", Some(user), active, &ctx)?.with_status(status))
}

/// `GET /families/{id}`: a family's record: members (names only for roles that may see
/// identifiers), problems with evidence and record trails, status, lead worker, notes.
pub(super) async fn family(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Page, WebError> {
    family_page(
        &state,
        &user,
        family_id(&id)?,
        FamilyForms::default(),
        &[],
        StatusCode::OK,
    )
    .await
}

/// After a post: back to the family, or — for a mistake in the form — the family page with
/// the form as typed and its messages.
async fn done(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    outcome: Result<(), WebError>,
    forms: FamilyForms,
    to: String,
) -> Result<Response, WebError> {
    match outcome {
        Ok(()) => Ok(see_other(&to)),
        Err(WebError::Invalid(errors)) => Ok(family_page(
            state,
            user,
            family_id,
            forms,
            &errors,
            StatusCode::BAD_REQUEST,
        )
        .await?
        .into_response()),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub(super) struct LeadWorkerForm {
    #[serde(default)]
    lead_worker: String,
}

/// `POST /families/{id}/lead-worker`: assigns a lead worker.
pub(super) async fn assign_lead_worker(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<LeadWorkerForm>,
) -> Result<Response, WebError> {
    let family_id = family_id(&id)?;
    let outcome = match f.form.lead_worker.trim().parse::<i64>() {
        Ok(lw) => casework::assign(&state, &f.user, family_id, Some(lw))
            .await
            .map(|_| ()),
        Err(_) => Err(invalid("lead_worker", "Select a lead worker")),
    };
    let forms = FamilyForms {
        lead_worker: f.form.lead_worker,
        ..FamilyForms::default()
    };
    let to = format!("/families/{family_id}");
    done(&state, &f.user, family_id, outcome, forms, to).await
}

#[derive(Deserialize)]
pub(super) struct StatusForm {
    #[serde(default)]
    status: String,
}

/// `POST /families/{id}/status`: moves the case on (performance officer or the family's
/// lead worker); statuses only go forward.
pub(super) async fn change_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<StatusForm>,
) -> Result<Response, WebError> {
    let family_id = family_id(&id)?;
    let outcome = match CaseStatus::parse(&f.form.status) {
        Ok(status) => casework::change_status(&state, &f.user, family_id, status).await,
        Err(_) => Err(invalid("status", "Select the family's new status")),
    };
    let forms = FamilyForms {
        status: f.form.status,
        ..FamilyForms::default()
    };
    let to = format!("/families/{family_id}");
    done(&state, &f.user, family_id, outcome, forms, to).await
}

#[derive(Deserialize)]
pub(super) struct NoteForm {
    #[serde(default)]
    note: String,
}

/// `POST /families/{id}/notes`: adds a note (performance officer or the family's lead
/// worker).
pub(super) async fn add_note(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<NoteForm>,
) -> Result<Response, WebError> {
    let family_id = family_id(&id)?;
    let outcome = match NoteText::parse(&f.form.note) {
        Ok(note) => casework::add_note(&state, &f.user, family_id, note).await,
        Err(message) => Err(invalid("note", message)),
    };
    let forms = FamilyForms {
        note: f.form.note,
        ..FamilyForms::default()
    };
    let to = format!("/families/{family_id}#notes");
    done(&state, &f.user, family_id, outcome, forms, to).await
}
