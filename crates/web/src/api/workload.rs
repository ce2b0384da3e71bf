//! The performance officer's lead-worker operations in the API: `GET /api/workload`,
//! `POST /api/families/assign`, `POST /api/families/{id}/unassign`, and the families list as
//! a spreadsheet, `GET /api/families/export.xlsx` — the same service calls, permissions and
//! audit as the pages.

use super::{csrf, json_body};
use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::service::workload;
use crate::state::AppState;
use crate::views::Filters;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// `GET /api/workload`: each active lead worker's open families by status.
pub(super) async fn workloads(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Value>, WebError> {
    let (workers, unassigned) = workload::workloads(&state, &user).await?;
    let workers: Vec<Value> = workers
        .iter()
        .map(|w| {
            json!({
                "user_id": w.user_id, "name": w.name, "open": w.open, "closed": w.closed,
                "overdue": w.overdue,
                "by_status": w.by_status.iter().map(|(s, n)| json!({"status": s, "families": n})).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Json(
        json!({ "lead_workers": workers, "unassigned_families": unassigned }),
    ))
}

#[derive(Deserialize)]
pub(super) struct Bulk {
    #[serde(default)]
    family_ids: Vec<i64>,
    lead_worker_user_id: Option<i64>,
}

/// `POST /api/families/assign`: one lead worker for many families, all or none.
pub(super) async fn assign_many(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Result<Json<Bulk>, JsonRejection>,
) -> Result<Json<Value>, WebError> {
    csrf(&headers, &user)?;
    let Json(body) = json_body(
        body,
        "family_ids",
        "Send {\"family_ids\": [1, 2], \"lead_worker_user_id\": 3}",
    )?;
    let n = workload::assign_many(&state, &user, &body.family_ids, body.lead_worker_user_id)
        .await
        .map_err(|e| match e {
            WebError::Invalid(f) => WebError::Invalid(
                f.into_iter()
                    .map(|(k, m)| {
                        let k = match k.as_str() {
                            "families" => "family_ids".to_string(),
                            "lead_worker" => "lead_worker_user_id".to_string(),
                            _ => k,
                        };
                        (k, m)
                    })
                    .collect(),
            ),
            e => e,
        })?;
    Ok(Json(
        json!({"assigned": n, "lead_worker_user_id": body.lead_worker_user_id}),
    ))
}

#[derive(Deserialize)]
pub(super) struct Unassign {
    #[serde(default)]
    reason: String,
}

/// `POST /api/families/{id}/unassign`: takes the lead worker off, with a reason.
pub(super) async fn unassign(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<Unassign>, JsonRejection>,
) -> Result<Json<Value>, WebError> {
    csrf(&headers, &user)?;
    let Json(body) = json_body(body, "reason", "Send {\"reason\": \"...\"}")?;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    workload::unassign(&state, &user, id, &body.reason).await?;
    Ok(Json(json!({"family_id": id, "lead_worker_user_id": null})))
}

/// `GET /api/families/export.xlsx`: the list as a spreadsheet.
pub(super) async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(filters): Query<Filters>,
) -> Result<Response, WebError> {
    let bytes = workload::export(&state, &user, &filters).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"families.xlsx\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

/// This module's paths for the OpenAPI document.
pub(super) fn document(paths: &mut Map<String, Value>, schemas: &mut Map<String, Value>) {
    let problem = json!({"$ref": "#/components/responses/Problem"});
    let csrf = json!({"name": "X-CSRF-Token", "in": "header", "required": true, "schema": {"type": "string"}});
    let family_id =
        json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    let ok = |schema: &str| json!({"description": "OK", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
    let post = |summary: &str, id: &str, params: Value, body: &str, answer: &str| {
        json!({"post": {"summary": summary, "operationId": id, "parameters": params,
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{body}")}}}},
            "responses": {"200": ok(answer), "401": problem, "403": problem, "404": problem, "413": problem, "415": problem, "422": problem}}})
    };
    paths.insert("/workload".into(), json!({"get": {"summary": "Each active lead worker's open families by status, overdue and closed, and how many eligible families have no lead worker", "operationId": "workload",
        "responses": {"200": ok("Workload"), "401": problem, "403": problem}}}));
    paths.insert(
        "/families/assign".into(),
        post(
            "Assign one lead worker to many families: all of them, or none if any is wrong",
            "assignMany",
            json!([csrf.clone()]),
            "BulkAssignment",
            "BulkAssigned",
        ),
    );
    paths.insert(
        "/families/{id}/unassign".into(),
        post(
            "Take a family's lead worker off, with a reason (audited)",
            "unassign",
            json!([family_id, csrf]),
            "Unassignment",
            "Case",
        ),
    );
    paths.insert("/families/export.xlsx".into(), json!({"get": {"summary": "The families list (same query as /families) as an Excel workbook; family names only for roles that may see identifiers", "operationId": "exportFamilies",
        "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}, {"name": "sort", "in": "query", "schema": {"type": "string"}}, {"name": "dir", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}}],
        "responses": {"200": {"description": "OK", "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}, "401": problem, "403": problem}}}));
    schemas.insert("Workload".into(), json!({"type": "object", "properties": {
        "unassigned_families": {"type": "integer"},
        "lead_workers": {"type": "array", "items": {"type": "object", "properties": {
            "user_id": {"type": "integer"}, "name": {"type": "string"}, "open": {"type": "integer"}, "closed": {"type": "integer"}, "overdue": {"type": "integer"},
            "by_status": {"type": "array", "items": {"type": "object", "properties": {"status": {"type": "string"}, "families": {"type": "integer"}}}}}}}}}));
    schemas.insert("BulkAssignment".into(), json!({"type": "object", "required": ["family_ids", "lead_worker_user_id"], "properties": {
        "family_ids": {"type": "array", "items": {"type": "integer"}, "maxItems": workload::BULK_LIMIT}, "lead_worker_user_id": {"type": "integer"}}}));
    schemas.insert("BulkAssigned".into(), json!({"type": "object", "properties": {"assigned": {"type": "integer"}, "lead_worker_user_id": {"type": "integer"}}}));
    schemas.insert("Unassignment".into(), json!({"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string", "maxLength": workload::REASON_LIMIT}}}));
}
