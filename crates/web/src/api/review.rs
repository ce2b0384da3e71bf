//! The clerical review queue in the API: `GET /api/review`, `GET /api/review/{pair}`,
//! `POST /api/review/{pair}` — the same service calls, permissions and audit as the pages.

use super::csrf;
use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::service::review::{self, DecisionInput};
use crate::state::AppState;
use crate::views::review::{pair_key, pair_view, parse_pair_key, queue_row, PairView};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use hearth_store::RunLabels;
use serde::Deserialize;
use serde_json::{json, Value};

/// `GET /api/review`: the pairs waiting (most likely matches first) and how many were
/// decided.
pub(super) async fn queue(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Value>, WebError> {
    let q = review::queue(&state, &user).await?;
    Ok(Json(json!({
        "pending": q.pending.len(),
        "decided": q.decided,
        "pairs": q.pending.iter().map(queue_row).collect::<Vec<_>>(),
    })))
}

/// `GET /api/review/{pair}`: a pair with both records (identifiers only for roles that may
/// see them) and each comparison's weight.
pub(super) async fn pair(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(raw): Path<String>,
) -> Result<Json<PairView>, WebError> {
    let (l, r) = parse_pair_key(&raw).ok_or(WebError::NotFound)?;
    let detail = review::pair(&state, &user, l, r).await?;
    let labels = state
        .latest_run()
        .await?
        .map(|run| run.run.labels.clone())
        .unwrap_or_else(RunLabels::default);
    Ok(Json(pair_view(&detail, &labels)))
}

#[derive(Deserialize)]
pub(super) struct Decision {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

/// `POST /api/review/{pair}`: `{"decision": "same" | "different" | "not_sure", "reason":
/// "…"}`.
pub(super) async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(raw): Path<String>,
    body: Result<Json<Decision>, JsonRejection>,
) -> Result<Json<Value>, WebError> {
    csrf(&headers, &user)?;
    let Json(body) = body.map_err(|e| match e {
        JsonRejection::MissingJsonContentType(_) => WebError::UnsupportedMediaType,
        JsonRejection::BytesRejection(_) => WebError::PayloadTooLarge,
        _ => WebError::Invalid(vec![(
            "decision".into(),
            "Send {\"decision\": \"same\" | \"different\" | \"not_sure\", \"reason\": \"...\"}"
                .into(),
        )]),
    })?;
    let (l, r) = parse_pair_key(&raw).ok_or(WebError::NotFound)?;
    let done = review::decide(
        &state,
        &user,
        l,
        r,
        &DecisionInput {
            verdict: &body.decision,
            reason: &body.reason,
        },
    )
    .await?;
    Ok(Json(json!({
        "pair": pair_key(l, r),
        "decision": done.verdict.key(),
        "applied_by_next_link": done.verdict != review::Verdict::NotSure,
        "next": done.next.map(|(a, b)| pair_key(a, b)),
    })))
}

/// This module's paths for the OpenAPI document.
pub(super) fn document(
    paths: &mut serde_json::Map<String, Value>,
    schemas: &mut serde_json::Map<String, Value>,
) {
    let problem = json!({"$ref": "#/components/responses/Problem"});
    let pair = json!({"name": "pair", "in": "path", "required": true, "description": "the two record keys, e.g. 12-34", "schema": {"type": "string"}});
    let ok = |schema: &str| json!({"description": "OK", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
    paths.insert("/review".into(), json!({"get": {"summary": "The clerical review queue: pairs of records waiting for a decision, most likely matches first, and how many were decided", "operationId": "reviewQueue",
        "responses": {"200": ok("ReviewQueue"), "401": problem, "403": problem}}}));
    paths.insert("/review/{pair}".into(), json!({
        "get": {"summary": "A pair waiting for review: both records (identifiers only for roles that may see them) and each comparison's weight", "operationId": "reviewPair",
            "parameters": [pair],
            "responses": {"200": ok("ReviewPair"), "401": problem, "403": problem, "404": problem}},
        "post": {"summary": "Decide a pair: the same person or different people (applied by the next link), or not sure (the pair stays in the queue); audited with the reason", "operationId": "decideReviewPair",
            "parameters": [pair, {"name": "X-CSRF-Token", "in": "header", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReviewDecision"}}}},
            "responses": {"200": ok("ReviewDecided"), "401": problem, "403": problem, "404": problem, "413": problem, "415": problem, "422": problem}}}));
    let row = json!({"type": "object", "properties": {
        "record_l": {"type": "integer"}, "record_r": {"type": "integer"}, "key": {"type": "string"},
        "match_probability": {"type": "number"}, "probability_label": {"type": "string"}, "match_weight": {"type": "number"},
        "agreeing": {"type": "string", "description": "the comparisons that add weight, in plain words"},
        "disagreeing": {"type": "string", "description": "the comparisons that take weight away"}}});
    schemas.insert("ReviewQueueRow".into(), row);
    schemas.insert(
        "ReviewQueue".into(),
        json!({"type": "object", "properties": {
        "pending": {"type": "integer"}, "decided": {"type": "integer"},
        "pairs": {"type": "array", "items": {"$ref": "#/components/schemas/ReviewQueueRow"}}}}),
    );
    let side = json!({"type": "object", "properties": {
        "record_id": {"type": "integer"}, "agency": {"type": "string"}, "event": {"type": "string"},
        "identifiers": {"type": "array", "description": "empty for roles that may not see identifiers", "items": {"type": "object", "properties": {"label": {"type": "string"}, "value": {"type": "string"}}}}}});
    schemas.insert("ReviewPair".into(), json!({"type": "object", "properties": {
        "record_l": {"type": "integer"}, "record_r": {"type": "integer"}, "key": {"type": "string"},
        "match_probability": {"type": "number"}, "probability_label": {"type": "string"}, "match_weight": {"type": "number"}, "weight_label": {"type": "string"},
        "contributions": {"type": "array", "items": {"type": "object", "properties": {
            "comparison": {"type": "string"}, "label": {"type": "string"}, "level": {"type": "string"}, "level_label": {"type": "string"},
            "weight": {"type": "number"}, "running": {"type": "number"}, "weight_label": {"type": "string"}, "running_label": {"type": "string"}}}},
        "identifiers_shown": {"type": "boolean"}, "left": side, "right": side,
        "position": {"type": "integer"}, "pending": {"type": "integer"}, "decided": {"type": "integer"}, "next": {"type": ["string", "null"]}}}));
    schemas.insert("ReviewDecision".into(), json!({"type": "object", "required": ["decision", "reason"], "properties": {
        "decision": {"type": "string", "enum": ["same", "different", "not_sure"]}, "reason": {"type": "string", "maxLength": 1000}}}));
    schemas.insert("ReviewDecided".into(), json!({"type": "object", "properties": {
        "pair": {"type": "string"}, "decision": {"type": "string"}, "applied_by_next_link": {"type": "boolean"}, "next": {"type": ["string", "null"]}}}));
}
