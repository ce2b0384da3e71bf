//! The quarantine for the data team: `/quarantine` lists, by batch, the rows that could not
//! be imported; `/quarantine/csv` downloads them (`?batch=N`: one batch's) to send back.

use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::render::{self, FieldError, Page};
use crate::service::quarantine;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// One batch as shown.
#[derive(Serialize)]
struct Batch {
    id: i64,
    source: String,
    file_name: String,
    imported_at: String,
    imported_by: String,
    rows_read: u64,
    rows: Vec<Row>,
}

/// One quarantined row as shown.
#[derive(Serialize)]
struct Row {
    row: u64,
    column: String,
    reason: String,
}

/// `quarantine.html`'s context.
#[derive(Serialize)]
struct QuarantinePage {
    title: &'static str,
    errors: Vec<FieldError>,
    batches: Vec<Batch>,
}

/// `GET /quarantine`: the quarantined rows by batch.
pub(super) async fn quarantine(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Page, WebError> {
    let batches = quarantine::list(&state, &user).await?;
    let ctx = QuarantinePage {
        title: "Rows not imported",
        errors: Vec::new(),
        batches: batches
            .into_iter()
            .map(|(b, rows)| Batch {
                id: b.id.0,
                source: b.source,
                file_name: b.file_name,
                imported_at: b.imported_at.format("%Y-%m-%d %H:%M").to_string(),
                imported_by: b.imported_by,
                rows_read: b.rows_read,
                rows: rows
                    .into_iter()
                    .map(|q| Row {
                        row: q.source_row,
                        column: q.field.unwrap_or_else(|| "whole row".into()),
                        reason: q.reason,
                    })
                    .collect(),
            })
            .collect(),
    };
    render::page(&state, "quarantine.html", Some(&user), "/quarantine", &ctx)
}

/// The download's query: a batch, or every batch.
#[derive(serde::Deserialize)]
pub(super) struct Which {
    #[serde(default)]
    batch: Option<String>,
}

/// `GET /quarantine/csv[?batch=N]`: the quarantined rows (of one batch) as CSV.
pub(super) async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(which): Query<Which>,
) -> Result<Response, WebError> {
    let batch = match which.batch.as_deref() {
        None | Some("") => None,
        Some(b) => Some(b.parse::<i64>().map_err(|_| WebError::NotFound)?),
    };
    let (info, csv) = quarantine::csv(&state, &user, batch).await?;
    let name = match info {
        Some(info) => format!("{}-batch-{}-quarantine.csv", info.source, info.id.0),
        None => "quarantine.csv".to_string(),
    };
    // Source keys are plain names; keep the header safe whatever they hold.
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        csv,
    )
        .into_response())
}
