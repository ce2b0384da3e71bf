//! The cost savings calculator's pages (performance officer, analyst): `/savings`, the
//! cohort's service use before and after attachment by agency and by Appendix 2 item, with the
//! appraisal, as published (disclosure control), and `/savings.xlsx`, the same as a workbook.
//! A family's own figures are a section of its record (`/families/{id}/savings`, `family`).

use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::render::{self, FieldError, Page};
use crate::service::savings;
use crate::state::AppState;
use crate::views::savings::{cohort as cohort_view, CohortView};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// `savings.html`'s context.
#[derive(Serialize)]
struct SavingsPage {
    title: &'static str,
    errors: Vec<FieldError>,
    savings: Option<CohortView>,
}

/// `GET /savings`: the latest savings run's cohort figures.
pub(super) async fn cohort(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Page, WebError> {
    let published = savings::cohort(&state, &user, "view cost savings").await?;
    let ctx = SavingsPage {
        title: "Cost savings",
        errors: Vec::new(),
        savings: published.as_ref().map(cohort_view),
    };
    render::page(&state, "savings.html", Some(&user), "/savings", &ctx)
}

/// `GET /savings.xlsx`: the same figures as a workbook.
pub(super) async fn xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let bytes = savings::xlsx(&state, &user).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"cost-savings.xlsx\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        bytes,
    )
        .into_response())
}
