//! `/api/claims`: the claims pages' operations (the same service, permissions and audit), as
//! JSON. Documented in the OpenAPI document by [`document`].

use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::service::claims::{self, BatchView, ClaimView, Overview};
use crate::service::session::same_token;
use crate::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

fn csrf(headers: &HeaderMap, user: &CurrentUser) -> Result<(), WebError> {
    let token = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if same_token(token, &user.session.csrf_token) {
        Ok(())
    } else {
        Err(WebError::Csrf)
    }
}

fn body<T>(body: Result<Json<T>, JsonRejection>, shape: &str) -> Result<T, WebError> {
    body.map(|Json(b)| b).map_err(|e| match e {
        JsonRejection::MissingJsonContentType(_) => WebError::UnsupportedMediaType,
        JsonRejection::BytesRejection(_) => WebError::PayloadTooLarge,
        _ => WebError::Invalid(vec![("body".into(), format!("Send {shape}"))]),
    })
}

/// `GET /api/claims`: payments against the cap and the batches.
pub(super) async fn overview(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Overview>, WebError> {
    Ok(Json(claims::overview(&state, &user).await?))
}

/// `GET /api/claims/batches/{id}`: a batch's claims and internal audit's sample.
pub(super) async fn batch(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<BatchView>, WebError> {
    Ok(Json(
        claims::batch(&state, &user, claims::key(&id)?, claims::Shown::All).await?,
    ))
}

/// `GET /api/claims/batches/{id}/sample`: internal audit's sample of a batch.
pub(super) async fn sample(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let view = claims::batch(&state, &user, claims::key(&id)?, claims::Shown::Sample).await?;
    let sampled: Vec<_> = view.claims.iter().filter(|c| c.in_sample).collect();
    Ok(Json(json!({
        "batch_id": view.batch.id,
        "seed": view.sample_seed,
        "size": view.batch.sample_size,
        "claims": sampled,
    })))
}

/// `GET /api/claims/{id}`: a claim with its evidence pack as frozen and its findings.
pub(super) async fn claim(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ClaimView>, WebError> {
    Ok(Json(claims::claim(&state, &user, claims::key(&id)?).await?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ApiWithdrawal {
    reason: String,
}

/// `POST /api/claims/{id}/withdraw`: withdraws a claim with a reason (performance officer);
/// 409 if it was already withdrawn.
pub(super) async fn withdraw(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    b: Result<Json<ApiWithdrawal>, JsonRejection>,
) -> Result<Json<Value>, WebError> {
    csrf(&headers, &user)?;
    let b = body(b, "{\"reason\": \"why the claim is withdrawn\"}")?;
    let id = claims::key(&id)?;
    claims::withdraw(&state, &user, id, &b.reason).await?;
    Ok(Json(json!({ "id": id, "status": "withdrawn" })))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ApiBatch {
    window: String,
}

/// `POST /api/claims/batches`: prepares a batch in a window from the results in the store
/// (performance officer); 201 with the batch, or 200 with `batch_id: null` when nothing could
/// be claimed; what was left out, and why, either way.
pub(super) async fn prepare(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    b: Result<Json<ApiBatch>, JsonRejection>,
) -> Result<axum::response::Response, WebError> {
    use axum::response::IntoResponse;
    csrf(&headers, &user)?;
    let b = body(b, "{\"window\": \"2016-17-q1\"}")?;
    let p = claims::prepare_batch(&state, &user, &b.window).await?;
    let status = if p.batch_id.is_some() {
        axum::http::StatusCode::CREATED
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, Json(json!(p))).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ApiFinding {
    outcome: String,
    notes: String,
}

/// `POST /api/claims/{id}/audit`: records internal audit's finding (the auditor).
pub(super) async fn record_finding(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    b: Result<Json<ApiFinding>, JsonRejection>,
) -> Result<Json<Value>, WebError> {
    csrf(&headers, &user)?;
    let b = body(b, "{\"outcome\": \"pass\" | \"fail\", \"notes\"}")?;
    let id = claims::key(&id)?;
    claims::record_finding(&state, &user, id, &b.outcome, &b.notes).await?;
    Ok(Json(json!({ "id": id, "outcome": b.outcome })))
}

/// `GET /api/claims/export.csv`.
pub(super) async fn export_csv(
    state: State<AppState>,
    user: CurrentUser,
) -> Result<Response, WebError> {
    crate::pages::claims_export_csv(state, user).await
}

/// `GET /api/claims/export.xlsx`.
pub(super) async fn export_xlsx(
    state: State<AppState>,
    user: CurrentUser,
) -> Result<Response, WebError> {
    crate::pages::claims_export_xlsx(state, user).await
}

/// Adds the claims paths and schemas to the OpenAPI document.
pub(crate) fn document(doc: &mut Value) {
    let problem = json!({"$ref": "#/components/responses/Problem"});
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    let token = json!({"name": "X-CSRF-Token", "in": "header", "required": true, "schema": {"type": "string"}});
    let ok = |schema: &str| json!({"description": "OK", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
    let file = |mime: &str| json!({"description": "OK", "content": {mime: {"schema": {"type": "string", "format": "binary"}}}});
    let paths = json!({
        "/claims": {"get": {"summary": "Payments against the cap and the claim batches (performance officer, internal auditor)", "operationId": "claimsOverview",
            "responses": {"200": ok("ClaimsOverview"), "401": problem, "403": problem}}},
        "/claims/export.csv": {"get": {"summary": "The claim return as CSV", "operationId": "claimReturnCsv",
            "responses": {"200": file("text/csv"), "401": problem, "403": problem}}},
        "/claims/export.xlsx": {"get": {"summary": "The claim return as an Excel workbook", "operationId": "claimReturnXlsx",
            "responses": {"200": file("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), "401": problem, "403": problem}}},
        "/claims/batches": {"post": {"summary": "Prepare a claim batch in a window from the results `hearth outcomes` kept (performance officer)", "operationId": "prepareClaimBatch",
            "description": "Claims every result achieved by today not already claimed, each with its evidence pack frozen, in one transaction. 201 with the batch; 200 with batch_id null when nothing can be claimed; passed_over says why each result was left out. 422 for a window not open today, no window or no results; 409 when another batch claimed a family meanwhile (nothing written).",
            "parameters": [token],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClaimBatchRequest"}}}},
            "responses": {"200": ok("PreparedBatch"), "201": ok("PreparedBatch"), "401": problem, "403": problem, "409": problem, "415": problem, "422": problem}}},
        "/claims/batches/{id}": {"get": {"summary": "A batch's claims with their status and findings", "operationId": "claimBatch",
            "parameters": [id], "responses": {"200": ok("ClaimBatch"), "401": problem, "403": problem, "404": problem}}},
        "/claims/batches/{id}/sample": {"get": {"summary": "Internal audit's reproducible sample of a batch", "operationId": "claimSample",
            "parameters": [id], "responses": {"200": ok("ClaimSample"), "401": problem, "403": problem, "404": problem}}},
        "/claims/{id}": {"get": {"summary": "A claim with its evidence pack as frozen when it was made, and its findings", "operationId": "getClaim",
            "parameters": [id], "responses": {"200": ok("Claim"), "401": problem, "403": problem, "404": problem}}},
        "/claims/{id}/withdraw": {"post": {"summary": "Withdraw a claim with a reason (performance officer); it stays on record", "operationId": "withdrawClaim",
            "parameters": [id, token],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClaimWithdrawal"}}}},
            "responses": {"200": ok("ClaimChanged"), "401": problem, "403": problem, "404": problem, "409": problem, "415": problem, "422": problem}}},
        "/claims/{id}/audit": {"post": {"summary": "Record internal audit's finding on a claim (internal auditor)", "operationId": "recordClaimFinding",
            "parameters": [id, token],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClaimFinding"}}}},
            "responses": {"200": ok("ClaimChanged"), "401": problem, "403": problem, "404": problem, "415": problem, "422": problem}}},
    });
    let text = json!({"type": "string"});
    let schemas = json!({
        "ClaimsOverview": {"type": "object", "properties": {
            "payments": {"type": "object", "description": "attached_families, attachment_total, claimed_families, results_total, total (pounds), cap, cap_remaining, cap_percent, and labels"},
            "batches": {"type": "array", "items": {"type": "object"}}}},
        "ClaimBatch": {"type": "object", "properties": {"batch": {"type": "object"}, "sample_seed": text, "claims": {"type": "array", "items": {"type": "object"}}, "sample": {"type": "array", "items": {"type": "integer"}}}},
        "ClaimSample": {"type": "object", "properties": {"batch_id": {"type": "integer"}, "seed": text, "size": {"type": "integer"}, "claims": {"type": "array", "items": {"type": "object"}}}},
        "Claim": {"type": "object", "description": "claim, batch, pack (the evidence pack: data as at, result and evidence, baseline, plan, lead worker, rules with SHA-256), pack_sha256, pack_intact, findings"},
        "ClaimBatchRequest": {"type": "object", "required": ["window"], "properties": {"window": {"type": "string", "description": "a claim window's key in rules/claims.toml"}}},
        "PreparedBatch": {"type": "object", "properties": {"batch_id": {"type": ["integer", "null"]}, "window_label": text, "claimed": {"type": "integer"}, "payment_label": text,
            "passed_over": {"type": "array", "items": {"type": "object", "properties": {"family_id": {"type": "integer"}, "result": text, "reason": text}}}}},
        "ClaimWithdrawal": {"type": "object", "required": ["reason"], "properties": {"reason": text}},
        "ClaimFinding": {"type": "object", "required": ["outcome"], "properties": {"outcome": {"type": "string", "enum": ["pass", "fail"]}, "notes": {"type": "string", "description": "required for a fail"}}},
        "ClaimChanged": {"type": "object", "properties": {"id": {"type": "integer"}, "status": text, "outcome": text}},
    });
    if let (Some(p), Value::Object(add)) = (doc["paths"].as_object_mut(), paths) {
        p.extend(add);
    }
    if let (Some(s), Value::Object(add)) = (doc["components"]["schemas"].as_object_mut(), schemas) {
        s.extend(add);
    }
}
