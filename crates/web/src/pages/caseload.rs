//! A lead worker's caseload (`/caseload`).

use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::render::{self, FieldError, Page};
use crate::service::casework;
use crate::state::AppState;
use crate::views::CaseloadRow;
use axum::extract::State;
use serde::Serialize;

/// `caseload.html`'s context.
#[derive(Serialize)]
struct CaseloadPage {
    title: &'static str,
    errors: Vec<FieldError>,
    rows: Vec<CaseloadRow>,
    due_soon_days: i64,
}

/// `GET /caseload`: the families assigned to the signed-in lead worker.
pub(super) async fn caseload(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Page, WebError> {
    let rows = casework::caseload(&state, &user).await?;
    let ctx = CaseloadPage {
        title: "Your caseload",
        errors: Vec::new(),
        rows,
        due_soon_days: state.settings().due.due_soon_days,
    };
    render::page(&state, "caseload.html", Some(&user), "/caseload", &ctx)
}
