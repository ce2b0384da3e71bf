//! A lead worker's caseload (`/caseload`).

use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::render::{self, FieldError, Page};
use crate::service::{casework, families};
use crate::state::AppState;
use crate::views::CaseloadRow;
use axum::extract::State;
use serde::Serialize;

/// `caseload.html`'s context.
#[derive(Serialize)]
struct CaseloadPage {
    title: &'static str,
    errors: Vec<FieldError>,
    rows: Vec<Row>,
    due_soon_days: i64,
}

/// A caseload row with what the worker calls the family ("Smith family", as its page's
/// heading says; "Family 382" where no name is known).
#[derive(Serialize)]
struct Row {
    #[serde(flatten)]
    row: CaseloadRow,
    name: String,
}

/// `GET /caseload`: the families assigned to the signed-in lead worker.
pub(super) async fn caseload(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Page, WebError> {
    let rows = casework::caseload(&state, &user).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.family.family_id).collect();
    let names = match state.latest_run().await? {
        Some(run) => families::family_names(&state, &user, &run, &ids).await?,
        None => Default::default(),
    };
    let rows = rows
        .into_iter()
        .map(|row| Row {
            name: names
                .get(&row.family.family_id)
                .cloned()
                .unwrap_or_else(|| format!("Family {}", row.family.family_id)),
            row,
        })
        .collect();
    let ctx = CaseloadPage {
        title: "Your caseload",
        errors: Vec::new(),
        rows,
        due_soon_days: state.settings().due.due_soon_days,
    };
    render::page(&state, "caseload.html", Some(&user), "/caseload", &ctx)
}
