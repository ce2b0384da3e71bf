//! The cost savings calculator in the API: `GET /api/savings` (the cohort's figures as
//! published), `GET /api/savings.xlsx` (the same as a workbook) and
//! `GET /api/families/{id}/savings` (one family's service use before and after, for whoever
//! may open the family) — the same service calls, permissions and audit as the pages.

use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::service::{family, savings};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// `GET /api/savings`: the latest savings run's published figures; 404 before the first run.
pub(super) async fn cohort(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Value>, WebError> {
    let p = savings::cohort(&state, &user, "view cost savings")
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(Json(json!({
        "run_id": p.run_id,
        "run_at": p.run_at,
        "status": hearth_savings::export::status_line(&p.cohort),
        "cohort": p.cohort,
    })))
}

/// `GET /api/savings.xlsx`: the same as a workbook.
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

/// `GET /api/families/{id}/savings`: one family's result in the latest run; 404 when it was
/// not attached by then (after the need-to-know check and its audit).
pub(super) async fn family_savings(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let (_, detail) = family::record_part(&state, &user, id, "savings").await?;
    let f = savings::family(&state, id)
        .await?
        .ok_or(WebError::NotFound)?;
    // A member's processing restricted: the family's figures count their records too.
    if detail.figures_withheld([]) {
        return Ok(Json(json!({
            "run_id": f.run_id,
            "as_at": f.as_at,
            "price_year": f.price_year,
            "withheld": crate::views::FIGURES_WITHHELD,
            "result": null,
        })));
    }
    let labels: serde_json::Map<String, Value> = f
        .items
        .iter()
        .map(|(k, (label, sourced))| (k.clone(), json!({"label": label, "sourced": sourced})))
        .collect();
    Ok(Json(json!({
        "run_id": f.run_id,
        "as_at": f.as_at,
        "price_year": f.price_year,
        "indicative": f.result.indicative,
        "result": f.result,
        "items": labels,
    })))
}

/// The savings paths and schemas of the OpenAPI document.
pub(super) fn document(
    paths: &mut serde_json::Map<String, Value>,
    schemas: &mut serde_json::Map<String, Value>,
) {
    let problem = json!({"$ref": "#/components/responses/Problem"});
    let family_id =
        json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    let ok = |schema: &str| json!({"description": "OK", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
    paths.insert("/savings".into(), json!({"get": {"summary": "The cost savings calculator's cohort figures, as published (performance officer, analyst)", "operationId": "costSavings",
        "description": "The latest `hearth savings` run: attached families' service use in the 12 months before and after attachment by agency and by Appendix 2 item, priced, with the appraisal (deadweight, optimism bias, 3.5% discounting, fiscal return on investment, payback). Counts of families pass disclosure control ([c] suppressed); money is shown only where the counts behind it are; items the data cannot measure are [x]. `status` says whether the figures are indicative. 404 before the first run. No family is named.",
        "responses": {"200": ok("CostSavings"), "401": problem, "403": problem, "404": problem}}}));
    paths.insert("/savings.xlsx".into(), json!({"get": {"summary": "The same figures as an Excel workbook (Read me, Items, Agencies, Appraisal)", "operationId": "costSavingsWorkbook",
        "responses": {"200": {"description": "OK", "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}, "401": problem, "403": problem, "404": problem}}}));
    paths.insert("/families/{id}/savings".into(), json!({"get": {"summary": "A family's service use before and after attachment, priced (latest savings run)", "operationId": "familySavings",
        "description": "For whoever may open the family (the same need-to-know check and audit as the record). While a restriction of processing on a member's data is in force, `withheld` says so and `result` is null (the family's figures count that member's records). 404 when the family was not attached by the latest run, or no run yet.",
        "parameters": [family_id],
        "responses": {"200": ok("FamilySavings"), "401": problem, "403": problem, "404": problem}}}));
    schemas.insert("CostSavings".into(), json!({"type": "object", "properties": {
        "run_id": {"type": "integer"}, "run_at": {"type": "string"},
        "status": {"type": "string", "description": "whether the figures are indicative (any unit cost behind them not checked against its source)"},
        "cohort": {"type": "object", "description": "as_at, price_year, months_before, months_after, families and not_yet_complete (cells: {kind: shown, value} or {kind: confidential | not_available | not_applicable}), items (label, appendix, data_source, agency, cost, unit_value, unit, confidence, measured, data_reach (the last day the item's data reach, or null), coverage (\"measured\", or \"not measured (data reach …)\": an item whose data stop before a family's 12 months after attachment end is left out of that family's figures, never counted as no use), families_before/after cells, units, cost_before/after and attributable: null when suppressed), agencies (families cells, cost_before/after, attributable, present_value), appraisal (gross, deadweight, optimism_bias, attributable, present_value, economic_social_present_value, programme_cost, net_present_value, fiscal_roi, payback_years, stream; null when the cohort is too small), change_per_family (n, mean, standard_error, low, high), indicative, policy"}}}));
    schemas.insert("FamilySavings".into(), json!({"type": "object", "properties": {
        "run_id": {"type": "integer"}, "as_at": {"type": "string", "format": "date"}, "price_year": {"type": "string"}, "indicative": {"type": "boolean"},
        "withheld": {"type": "string", "description": "only while a restriction on a member's data is in force: \"Some figures are withheld while a restriction on a family member's data is in force.\""},
        "result": {"type": ["object", "null"], "description": "family_id, attached_on, complete, items (item, before, after, cost_before, cost_after), agencies (agency, before, after, attributable), fiscal_before, fiscal_after, economic_social_before, economic_social_after, attributable, indicative"},
        "items": {"type": "object", "description": "each item's label and whether its unit cost is sourced, by item key", "additionalProperties": {"type": "object", "properties": {"label": {"type": "string"}, "sourced": {"type": "boolean"}}}}}}));
}
