//! The performance pages: the dashboard (`/dashboard`, its workbook) and the local impact
//! evaluation's printable report (`/evaluation`).

use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::render::{self, FieldError, Page};
use crate::service::dashboard::{self, Dashboard, DashboardFilters};
use crate::service::impact::{self, EvaluationView};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// `evaluation.html`'s context.
#[derive(Serialize)]
struct EvaluationPage {
    title: &'static str,
    errors: Vec<FieldError>,
    #[serde(flatten)]
    view: EvaluationView,
}

/// `GET /evaluation`: the latest impact evaluation report, printable.
pub(super) async fn evaluation(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Page, WebError> {
    let view = impact::latest(&state, &user).await?;
    let ctx = EvaluationPage {
        title: "Local impact evaluation",
        errors: Vec::new(),
        view,
    };
    render::page(&state, "evaluation.html", Some(&user), "/evaluation", &ctx)
}

/// `dashboard.html`'s context.
#[derive(Serialize)]
struct DashboardPage {
    title: &'static str,
    errors: Vec<FieldError>,
    dashboard: Dashboard,
    export: String,
}

/// `GET /dashboard`: the performance dashboard, filtered by area and problem.
pub(super) async fn dashboard(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(filters): Query<DashboardFilters>,
) -> Result<Page, WebError> {
    let dashboard = dashboard::dashboard(&state, &user, filters).await?;
    // The workbook of the filters as applied (values the run does not know left out).
    let export = format!(
        "/dashboard/export.xlsx?{}",
        serde_urlencoded::to_string(&dashboard.filters).unwrap_or_default()
    );
    let ctx = DashboardPage {
        title: "Dashboard",
        errors: render::field_errors(&dashboard.errors),
        dashboard,
        export,
    };
    render::page(&state, "dashboard.html", Some(&user), "/dashboard", &ctx)
}

/// `GET /dashboard/export.xlsx`: the dashboard's tables as a workbook.
pub(super) async fn dashboard_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(filters): Query<DashboardFilters>,
) -> Result<Response, WebError> {
    let d = dashboard::dashboard(&state, &user, filters).await?;
    let bytes = dashboard::xlsx(&d)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"dashboard.xlsx\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /evaluation/export.xlsx`: the latest evaluation's tables as a workbook (one that says
/// there is none yet, before any evaluation was made).
pub(super) async fn evaluation_export(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let report = impact::latest(&state, &user).await?.report;
    let bytes = crate::service::impact_export::xlsx(report.as_ref())?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"impact-evaluation.xlsx\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        bytes,
    )
        .into_response())
}
