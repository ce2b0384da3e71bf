//! The JSON API under `/api`: the same operations as the pages, the same access rules, the
//! same audit log. Signed in by the same session cookie; a POST carries the session's CSRF
//! token in the `X-CSRF-Token` header (from `GET /api/session`). Errors are JSON problems
//! (RFC 9457). Described by the OpenAPI document at `/api/openapi.json`.

use crate::auth::{same_token, CurrentUser};
use crate::error::WebError;
use crate::pages;
use crate::state::AppState;
use crate::views::{self, Filters};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method};
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

/// Every API route: (method, path as in the OpenAPI document, handler). The router is built
/// from this list and a test checks it against the document both ways.
pub(crate) fn api_routes() -> Vec<(Method, &'static str, MethodRouter<AppState>)> {
    vec![
        (Method::GET, "/openapi.json", get(openapi)),
        (Method::GET, "/session", get(session)),
        (Method::GET, "/families", get(families)),
        (Method::GET, "/families/{id}", get(family)),
        (Method::POST, "/families/{id}/lead-worker", post(assign)),
        (Method::GET, "/caseload", get(caseload)),
    ]
}

pub(crate) fn routes() -> Router<AppState> {
    api_routes()
        .into_iter()
        .fold(Router::new(), |r, (_, path, handler)| {
            r.route(path, handler)
        })
        .fallback(|| async { WebError::NotFound })
}

/// `GET /api/openapi.json`: this API's description.
async fn openapi() -> Json<Value> {
    Json(openapi_document())
}

/// `GET /api/session`: who is signed in and the CSRF token for POSTs.
async fn session(user: CurrentUser) -> Json<Value> {
    Json(json!({
        "user_name": user.user.user_name,
        "display_name": user.user.display_name,
        "role": user.role.key(),
        "csrf_token": user.session.csrf_token,
    }))
}

/// `GET /api/families`: eligible families of the latest run, filtered (performance officers
/// and data analysts).
async fn families(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(filters): Query<Filters>,
) -> Result<Json<Value>, WebError> {
    if !user.role.may_list_families() {
        return Err(WebError::Forbidden);
    }
    let run = state.latest_run().await?;
    let cases = state.cases().await?;
    let rows = match &run {
        Some(run) => {
            let f = filters.resolve(run);
            views::family_rows(run, &cases, run.ranked.iter().copied(), |r| {
                views::matches(r, &f)
            })
        }
        None => Vec::new(),
    };
    pages::audit_event(
        &state,
        Some(&user),
        &user.user.user_name,
        &user.client_ip,
        "list families",
        ("family", "*".into()),
        format!("{} families listed (API)", rows.len()),
    )
    .await?;
    Ok(Json(json!({
        "identification_run": run.as_ref().map(|r| r.run.id),
        "families": rows,
    })))
}

/// `GET /api/families/{id}`: a family's record as the caller's role may see it.
async fn family(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<views::FamilyDetail>, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let (_, detail) = pages::family_record(&state, &user, id).await?;
    Ok(Json(detail))
}

#[derive(Deserialize)]
struct Assignment {
    lead_worker_user_id: Option<i64>,
}

/// `POST /api/families/{id}/lead-worker`: assigns a lead worker (performance officers);
/// `{"lead_worker_user_id": null}` unassigns.
async fn assign(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<Assignment>, JsonRejection>,
) -> Result<Json<Value>, WebError> {
    let token = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !same_token(token, &user.session.csrf_token) {
        return Err(WebError::Csrf);
    }
    let Json(body) = body.map_err(|e| match e {
        JsonRejection::MissingJsonContentType(_) => WebError::UnsupportedMediaType,
        JsonRejection::BytesRejection(_) => WebError::PayloadTooLarge,
        _ => WebError::Invalid(vec![(
            "lead_worker_user_id".into(),
            "Send {\"lead_worker_user_id\": <user id or null>}".into(),
        )]),
    })?;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    match pages::assign(&state, &user, id, body.lead_worker_user_id).await? {
        Ok(case) => Ok(Json(json!({
            "family_id": case.family_id,
            "status": case.status,
            "lead_worker_user_id": case.lead_worker_user_id,
        }))),
        Err(message) => Err(WebError::Invalid(vec![(
            "lead_worker_user_id".into(),
            message,
        )])),
    }
}

/// `GET /api/caseload`: the signed-in lead worker's families.
async fn caseload(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Value>, WebError> {
    let rows = pages::caseload_rows(&state, &user).await?;
    Ok(Json(json!({ "families": rows })))
}

/// The OpenAPI 3.1 document for `/api`.
pub fn openapi_document() -> Value {
    let problem = json!({"$ref": "#/components/responses/Problem"});
    let family_id =
        json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    let std = |ok: Value| {
        json!({
            "200": ok,
            "401": problem, "403": problem, "404": problem,
        })
    };
    let family_row = json!({
        "family_id": {"type": "integer"}, "priority_rank": {"type": ["integer", "null"]},
        "problems": {"type": "array", "items": {"type": "object", "properties": {"key": {"type": "string"}, "label": {"type": "string"}}}},
        "adults": {"type": "integer"}, "children": {"type": "integer"}, "estimated_cost": {"type": "number"}, "cost": {"type": "string", "description": "estimated_cost for people, e.g. £37,165"}, "score": {"type": "number"},
        "status": {"type": "string"}, "status_label": {"type": "string"},
        "lead_worker_user_id": {"type": ["integer", "null"]}, "lead_worker": {"type": ["string", "null"]},
        "area": {"type": ["string", "null"], "description": "the family's postcode sector, e.g. WA7 2"}});
    // What is due next on a case: in caseload rows and family records.
    let due = [
        (
            "next_step",
            json!({"type": ["string", "null"], "description": "what the lead worker must do next; null: nothing is due"}),
        ),
        ("due", json!({"type": ["string", "null"], "format": "date"})),
        (
            "due_label",
            json!({"type": ["string", "null"], "description": "the due date for people, e.g. 3 December 2026"}),
        ),
        (
            "due_when",
            json!({"type": ["string", "null"], "description": "e.g. Overdue by 3 days, Due today, Due in 5 days"}),
        ),
        (
            "urgency",
            json!({"type": ["string", "null"], "enum": ["overdue", "due_soon", "on_track", null]}),
        ),
    ];
    let with_due = |mut v: Value| {
        if let Value::Object(m) = &mut v {
            m.extend(due.iter().map(|(k, d)| (k.to_string(), d.clone())));
        }
        v
    };
    let caseload_row = with_due(family_row.clone());
    let ok = |schema: &str| json!({"description": "OK", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Hearth API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Families, family records, lead worker assignment and caseloads. Sign in through the web page (session cookie); POSTs carry the session's CSRF token in X-CSRF-Token (see /api/session). Need to know is enforced per role; identifiers appear only for roles that may see them.",
        },
        "servers": [{"url": "/api"}],
        "paths": {
            "/openapi.json": {"get": {"summary": "This document", "operationId": "openapi", "security": [],
                "responses": {"200": {"description": "OK", "content": {"application/json": {}}}}}},
            "/session": {"get": {"summary": "Who is signed in, and the CSRF token", "operationId": "session",
                "responses": {"200": ok("Session"), "401": problem}}},
            "/families": {"get": {"summary": "Eligible families of the latest identification run, in priority order", "operationId": "listFamilies",
                "parameters": [
                    {"name": "problem", "in": "query", "schema": {"type": "string"}},
                    {"name": "area", "in": "query", "description": "a postcode sector, e.g. WA7 2", "schema": {"type": "string"}},
                    {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["identified", "referred", "engaged", "in_progress", "closed"]}},
                    {"name": "lead_worker", "in": "query", "description": "a user id, or none for unassigned", "schema": {"type": "string"}},
                ],
                "responses": std(ok("FamilyList"))}},
            "/families/{id}": {"get": {"summary": "A family's record", "operationId": "getFamily",
                "parameters": [family_id],
                "responses": std(ok("FamilyDetail"))}},
            "/families/{id}/lead-worker": {"post": {"summary": "Assign a lead worker", "operationId": "assignLeadWorker",
                "parameters": [family_id, {"name": "X-CSRF-Token", "in": "header", "required": true, "schema": {"type": "string"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Assignment"}}}},
                "responses": {"200": ok("Case"), "401": problem, "403": problem, "404": problem, "413": problem, "415": problem, "422": problem}}},
            "/caseload": {"get": {"summary": "The signed-in lead worker's families and what is due next, most urgent first", "operationId": "caseload",
                "responses": {"200": ok("Caseload"), "401": problem, "403": problem}}},
        },
        "components": {
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "hearth_session"}},
            "responses": {"Problem": {"description": "A problem (RFC 9457)", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}},
            "schemas": {
                "Problem": {"type": "object", "properties": {
                    "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"},
                    "errors": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}}},
                "Session": {"type": "object", "properties": {"user_name": {"type": "string"}, "display_name": {"type": "string"}, "role": {"type": "string"}, "csrf_token": {"type": "string"}}},
                "Assignment": {"type": "object", "required": ["lead_worker_user_id"], "properties": {"lead_worker_user_id": {"type": ["integer", "null"]}}},
                "Case": {"type": "object", "properties": {"family_id": {"type": "integer"}, "status": {"type": "string"}, "lead_worker_user_id": {"type": ["integer", "null"]}}},
                "FamilyRow": {"type": "object", "properties": family_row},
                "CaseloadRow": {"type": "object", "properties": caseload_row},
                "Caseload": {"type": "object", "properties": {"families": {"type": "array", "items": {"$ref": "#/components/schemas/CaseloadRow"}}}},
                "FamilyList": {"type": "object", "properties": {"identification_run": {"type": ["integer", "null"]}, "families": {"type": "array", "items": {"$ref": "#/components/schemas/FamilyRow"}}}},
                "FamilyDetail": {"type": "object", "properties": {
                    "family_id": {"type": "integer"}, "identification_run": {"type": "integer"}, "as_at": {"type": "string"},
                    "eligible": {"type": "boolean"}, "priority_rank": {"type": ["integer", "null"]}, "score": {"type": "number"}, "estimated_cost": {"type": "number"}, "cost": {"type": "string"},
                    "status": {"type": "string"}, "status_label": {"type": "string"},
                    "lead_worker_user_id": {"type": ["integer", "null"]}, "lead_worker": {"type": ["string", "null"]},
                    "area": {"type": ["string", "null"], "description": "the family's postcode sector, e.g. WA7 2"},
                    "identifiers_shown": {"type": "boolean"},
                    "members": {"type": "array", "items": {"type": "object", "properties": {
                        "person_id": {"type": "integer"}, "role": {"type": "string"}, "age": {"type": ["integer", "null"]},
                        "name": {"type": "string", "description": "only for roles that may see identifiers"},
                        "date_of_birth": {"type": "string", "description": "only for roles that may see identifiers"},
                        "address": {"type": "string", "description": "only for roles that may see identifiers"}}}},
                    "relationships": {"type": "array", "items": {"type": "object", "properties": {
                        "parent_person_id": {"type": "integer"}, "child_person_id": {"type": "integer"}, "basis": {"type": "string"},
                        "parent_name": {"type": "string", "description": "only for roles that may see identifiers"},
                        "child_name": {"type": "string", "description": "only for roles that may see identifiers"}}}},
                    "problems": {"type": "array", "items": {"type": "object"}},
                    "timeline": {"type": "array", "description": "every partner record of the members, newest first (facts only)", "items": {"type": "object", "properties": {
                        "person_id": {"type": "integer"}, "date": {"type": ["string", "null"], "format": "date"}, "source": {"type": "string"},
                        "agency": {"type": "string"}, "event_type": {"type": "string"}, "details": {"type": "string"}}}},
                    "team": {"type": "array", "description": "the agencies whose records name the members (the team around the family)", "items": {"type": "object", "properties": {
                        "source": {"type": "string"}, "agency": {"type": "string"}, "records": {"type": "integer"}, "people": {"type": "integer"},
                        "latest": {"type": ["string", "null"], "format": "date"}}}},
                    "notes": {"type": "array", "items": {"type": "object"}, "description": "only for casework roles"}}},
            },
        },
        "security": [{"session": []}],
    });
    let detail = &mut doc["components"]["schemas"]["FamilyDetail"]["properties"];
    *detail = with_due(detail.take());
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_route_is_documented_and_every_documented_route_exists() {
        let routed: BTreeSet<(String, String)> = api_routes()
            .into_iter()
            .map(|(m, p, _)| (m.as_str().to_lowercase(), p.to_string()))
            .collect();
        let doc = openapi_document();
        let mut documented = BTreeSet::new();
        for (path, ops) in doc["paths"].as_object().unwrap() {
            for method in ops.as_object().unwrap().keys() {
                documented.insert((method.clone(), path.clone()));
            }
        }
        assert_eq!(routed, documented);
    }
}
