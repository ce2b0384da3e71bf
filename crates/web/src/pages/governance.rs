//! The information governance officer's pages: the objection register (`/objections`), the
//! national evaluation extract and its transfer log (`/extract`), and the retention proof
//! reports (`/retention`).

use super::see_other;
use crate::actor::CurrentUser;
use crate::auth::CsrfForm;
use crate::error::WebError;
use crate::render::{self, form_errors, FieldError, Page};
use crate::service::governance::{self, ObjectionInput};
use crate::state::AppState;
use crate::views::governance::{
    encrypted_download, objection_row, report_row, transfer_row, ObjectionRow, ReportRow,
    TransferRow,
};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// The objection form as typed.
#[derive(Deserialize, Default, Clone, Serialize)]
pub(super) struct ObjectionForm {
    #[serde(default)]
    subject_kind: String,
    #[serde(default)]
    subject_id: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    received_on: String,
    #[serde(default)]
    received_how: String,
}

form_errors!(
    /// The objection form's messages.
    ObjectionErrors { subject_kind, subject_id, scope, received_on, received_how }
);

/// `objections.html`'s context.
#[derive(Serialize)]
struct ObjectionsPage {
    title: &'static str,
    objections: Vec<ObjectionRow>,
    form: ObjectionForm,
    errors: Vec<FieldError>,
    error: ObjectionErrors,
}

async fn objections_page(
    state: &AppState,
    user: &CurrentUser,
    form: ObjectionForm,
    errors: Vec<(String, String)>,
) -> Result<Page, WebError> {
    let list = governance::objections(state, user).await?;
    let ctx = ObjectionsPage {
        title: "Objections",
        objections: list.into_iter().map(objection_row).collect(),
        form,
        errors: render::field_errors(&errors),
        error: ObjectionErrors::from_pairs(&errors),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok(
        render::page(state, "objections.html", Some(user), "/objections", &ctx)?
            .with_status(status),
    )
}

/// `GET /objections`: the register and the form to record one.
pub(super) async fn objections(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Page, WebError> {
    objections_page(&state, &user, ObjectionForm::default(), Vec::new()).await
}

/// `POST /objections`: records an objection.
pub(super) async fn add_objection(
    State(state): State<AppState>,
    f: CsrfForm<ObjectionForm>,
) -> Result<Response, WebError> {
    let form = f.form;
    let today = state.now().date_naive();
    let parsed = ObjectionInput::parse(
        &form.subject_kind,
        &form.subject_id,
        &form.scope,
        &form.received_on,
        &form.received_how,
        today,
    );
    let outcome = match parsed {
        Ok(input) => governance::add_objection(&state, &f.user, input)
            .await
            .map(|_| ()),
        Err(errors) => Err(WebError::Invalid(errors)),
    };
    match outcome {
        Ok(()) => Ok(see_other(&crate::render::with_confirmation(
            "/objections",
            crate::render::Saved::Objection,
        ))),
        Err(WebError::Invalid(errors)) => Ok(objections_page(&state, &f.user, form, errors)
            .await?
            .into_response()),
        Err(e) => Err(e),
    }
}

/// `POST /objections/{id}/withdraw`: withdraws an objection in force.
pub(super) async fn withdraw_objection(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<super::family_work::NoFields>,
) -> Result<Response, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    governance::withdraw_objection(&state, &f.user, id).await?;
    Ok(see_other(&crate::render::with_confirmation(
        "/objections",
        crate::render::Saved::ObjectionWithdrawn,
    )))
}

/// The extract form as typed.
#[derive(Deserialize, Default, Clone, Serialize)]
pub(super) struct ExtractForm {
    #[serde(default)]
    recipient: String,
}

form_errors!(
    /// The extract form's message.
    ExtractErrors { recipient }
);

/// `extract.html`'s context.
#[derive(Serialize)]
struct ExtractPage {
    title: &'static str,
    transfers: Vec<TransferRow>,
    form: ExtractForm,
    errors: Vec<FieldError>,
    error: ExtractErrors,
}

async fn extract_page(
    state: &AppState,
    user: &CurrentUser,
    form: ExtractForm,
    errors: Vec<(String, String)>,
) -> Result<Page, WebError> {
    let list = governance::transfers(state, user).await?;
    let ctx = ExtractPage {
        title: "National evaluation extract",
        transfers: list.into_iter().map(transfer_row).collect(),
        form,
        errors: render::field_errors(&errors),
        error: ExtractErrors::from_pairs(&errors),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok(render::page(state, "extract.html", Some(user), "/extract", &ctx)?.with_status(status))
}

/// `GET /extract`: the transfer log and the form to make the extract.
pub(super) async fn extract(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Page, WebError> {
    extract_page(&state, &user, ExtractForm::default(), Vec::new()).await
}

/// `POST /extract`: makes the extract for the recipient's key and downloads it, encrypted.
pub(super) async fn make_extract(
    State(state): State<AppState>,
    f: CsrfForm<ExtractForm>,
) -> Result<Response, WebError> {
    match governance::national_evaluation(&state, &f.user, &f.form.recipient).await {
        Ok(made) => Ok(encrypted_download(made)),
        Err(WebError::Invalid(errors)) => Ok(extract_page(&state, &f.user, f.form, errors)
            .await?
            .into_response()),
        Err(e) => Err(e),
    }
}

/// `retention.html`'s context.
#[derive(Serialize)]
struct RetentionPage {
    title: &'static str,
    errors: Vec<FieldError>,
    reports: Vec<ReportRow>,
    /// When the server runs the policy each day, if it does.
    daily: Option<String>,
    /// What the policy would destroy today and soon (`None`: no policy configured).
    preview: Option<governance::RetentionPreview>,
}

/// `GET /retention`: the proof reports of the retention runs.
pub(super) async fn retention(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Page, WebError> {
    let reports = governance::retention_reports(&state, &user).await?;
    let preview = governance::retention_preview(&state, &user).await?;
    let ctx = RetentionPage {
        preview,
        title: "Retention and destruction",
        errors: Vec::new(),
        reports: reports.into_iter().map(report_row).collect(),
        daily: state.settings().retention_daily.clone(),
    };
    render::page(&state, "retention.html", Some(&user), "/retention", &ctx)
}

/// `GET /progress/export.csv` (and `/api/progress/export.csv`): the cohort's progress with
/// small numbers suppressed, as it may leave Hearth.
pub(crate) async fn cohort_export(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let csv = governance::cohort_csv(&state, &user).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"progress-cohort.csv\"",
            ),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        csv,
    )
        .into_response())
}
