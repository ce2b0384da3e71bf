//! `/api/dashboard` and `/api/evaluation`: the same figures as the pages, protected the same
//! way.

use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::service::dashboard::{self, DashboardFilters};
use crate::service::impact;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::Json;
use serde_json::{json, Map, Value};

/// `GET /api/dashboard`.
pub(super) async fn dashboard(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(filters): Query<DashboardFilters>,
) -> Result<Json<Value>, WebError> {
    let d = dashboard::dashboard(&state, &user, filters).await?;
    let panels: Vec<Value> = d
        .panels
        .iter()
        .map(|p| {
            json!({"id": p.id, "title": p.title, "row_header": p.row_header, "columns": p.columns,
                "rows": p.rows.iter().map(|r| json!({"label": r.label, "cells": r.cells, "total": r.total})).collect::<Vec<_>>(),
                "totals": p.totals, "total": p.total})
        })
        .collect();
    // Filter values the run does not know: ignored, and said so field by field.
    let errors: Vec<Value> = d
        .errors
        .iter()
        .map(|(field, message)| json!({"field": field, "message": message}))
        .collect();
    Ok(Json(json!({
        "as_at": d.as_at, "filters": d.filters, "errors": errors, "panels": panels,
        "claims_cap": d.claims_cap, "threshold": d.threshold,
    })))
}

/// `GET /api/evaluation`: the latest report as published, or `null`.
pub(super) async fn evaluation(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Value>, WebError> {
    let v = impact::latest(&state, &user).await?;
    Ok(Json(match v.report {
        None => json!({"report": null}),
        Some(r) => json!({"report": {
            "id": r.id, "as_at": r.as_at, "made_at": r.made_at, "rules_sha256": r.rules_sha256,
            "published": r.published}}),
    }))
}

/// The OpenAPI description of these paths.
pub(super) fn document(paths: &mut Map<String, Value>, schemas: &mut Map<String, Value>) {
    let problem = json!({"$ref": "#/components/responses/Problem"});
    let filter = |name: &str, d: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": "string"}, "description": d});
    paths.insert("/dashboard".into(), json!({"get": {"summary": "The performance dashboard's tables (performance officer, analyst), every figure through disclosure control", "operationId": "dashboard",
        "description": "Panels: families by stage, problem, area; caseloads and overdue steps (lead workers named only for roles that see identifiers); referrals by decision and return reason; referrals and starts by month. Cells are numbers as text, or [c] when withheld.",
        "parameters": [filter("area", "a postcode sector, in any case (`wa8 8`)"), filter("problem", "a headline problem key or its words")],
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Dashboard"}}}}, "401": problem, "403": problem}}}));
    paths.insert("/evaluation".into(), json!({"get": {"summary": "The latest local impact evaluation as published (performance officer, analyst)", "operationId": "evaluation",
        "description": "Made by `hearth evaluate`: programme families against a matched comparison group of eligible families not worked with, at month bands after attachment; differences with bootstrap intervals; the balance table. Figures over small counts are withheld.",
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Evaluation"}}}}, "401": problem, "403": problem}}}));
    schemas.insert("Dashboard".into(), json!({"type": "object", "required": ["panels"], "properties": {
        "as_at": {"type": ["string", "null"], "format": "date"}, "filters": {"type": "object", "description": "the filters as applied"},
        "errors": {"type": "array", "description": "filter values the run does not know, each ignored", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
        "panels": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "string"}, "title": {"type": "string"}, "row_header": {"type": "string"},
            "columns": {"type": "array", "items": {"type": "string"}},
            "rows": {"type": "array", "items": {"type": "object", "properties": {"label": {"type": "string"}, "cells": {"type": "array", "items": {"type": "string"}}, "total": {"type": "string"}}}},
            "totals": {"type": "array", "items": {"type": "string"}}, "total": {"type": "string"}}}},
        "claims_cap": {"type": "integer", "description": "the cap on families claimed for results (the claims panel counts against it)"}, "threshold": {"type": "integer"}}}));
    schemas.insert("Evaluation".into(), json!({"type": "object", "required": ["report"], "properties": {
        "report": {"type": ["object", "null"], "properties": {
            "id": {"type": "integer"}, "as_at": {"type": "string", "format": "date"}, "made_at": {"type": "string"},
            "rules_sha256": {"type": "string"},
            "published": {"type": "object", "description": "programme and comparison group sizes (protected tables), the balance table (standardised mean differences before and after matching), and per outcome and band: group sizes and counts as cells ({kind: shown, value} or {kind: confidential}) and figures (rates in per cent, the difference in percentage points with its interval, the relative difference) or null when withheld"}}}}}));
}
