//! The information governance officer's pages for a person's rights: subject access
//! (`/subject-access`: say who, get everything Hearth holds on them as a page to print and
//! send, or as JSON) and the register of data sharing agreements (`/sharing`).

use super::claims::download;
use crate::actor::CurrentUser;
use crate::auth::CsrfForm;
use crate::error::WebError;
use crate::render::{self, field_errors, form_errors, FieldError, Page};
use crate::service::rights::{self, SarForm};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

form_errors!(
    /// The subject access form's messages.
    SarErrors { person, nhs_number, upn, name, middle_name, date_of_birth }
);

#[derive(Serialize)]
struct SarPage {
    title: &'static str,
    errors: Vec<FieldError>,
    error: SarErrors,
    form: SarForm,
}

fn sar_page(
    state: &AppState,
    user: &CurrentUser,
    form: SarForm,
    errors: &[(String, String)],
) -> Result<Page, WebError> {
    let ctx = SarPage {
        title: "Subject access",
        errors: field_errors(errors),
        error: SarErrors::from_pairs(errors),
        form,
    };
    render::page(
        state,
        "subject_access.html",
        Some(user),
        "/subject-access",
        &ctx,
    )
}

/// `GET /subject-access`: the form.
pub(super) async fn form(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Page, WebError> {
    sar_page(&state, &user, SarForm::default(), &[])
}

/// `POST /subject-access`: the document as a download (a page to print, or JSON), or the
/// form again with what is wrong.
pub(super) async fn make(
    State(state): State<AppState>,
    f: CsrfForm<SarForm>,
) -> Result<Response, WebError> {
    if f.form.action == "find" {
        return match rights::find(&state, &f.form).await {
            Ok(person) => Ok(super::see_other(&format!("/rights/people/{person}"))),
            Err(WebError::Invalid(errors)) => {
                Ok(sar_page(&state, &f.user, f.form.clone(), &errors)?
                    .with_status(StatusCode::BAD_REQUEST)
                    .into_response())
            }
            Err(e) => Err(e),
        };
    }
    match rights::subject_access(&state, &f.user, &f.form).await {
        Ok(file) => Ok(download(file.body, file.content_type, &file.name)),
        Err(WebError::Invalid(errors)) => Ok(sar_page(&state, &f.user, f.form.clone(), &errors)?
            .with_status(StatusCode::BAD_REQUEST)
            .into_response()),
        Err(e) => Err(e),
    }
}

#[derive(Serialize)]
struct SharingPage {
    title: &'static str,
    errors: Vec<FieldError>,
    sources: Vec<hearth_pipeline::rights::SourceSharing>,
    overdue: usize,
    examples: usize,
}

/// `GET /sharing`: the register of data sharing agreements.
pub(super) async fn sharing(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Page, WebError> {
    let sources = rights::register(&state, &user).await?;
    let ctx = SharingPage {
        title: "Data sharing agreements",
        errors: Vec::new(),
        overdue: sources.iter().filter(|s| s.review_overdue).count(),
        examples: sources
            .iter()
            .filter(|s| s.sharing.as_ref().is_some_and(|a| a.example))
            .count(),
        sources,
    };
    render::page(&state, "sharing.html", Some(&user), "/sharing", &ctx)
}
