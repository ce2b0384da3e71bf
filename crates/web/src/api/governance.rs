//! The information governance officer's API: the audit log (`GET /api/audit`, a page at a
//! time), the objection register (`GET`/`POST /api/objections`, `POST
//! /api/objections/{id}/withdraw`), the national evaluation extract (`POST /api/extract`,
//! the encrypted file; `GET /api/extract/transfers`) and the retention proof reports (`GET
//! /api/retention/reports`) — the same service calls, permissions and audit as the pages.

use super::csrf;
use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::service::audit::{self, Search, Typed};
use crate::service::governance::{self, ObjectionInput};
use crate::state::AppState;
use crate::views::governance::{encrypted_download, objection_row, report_row, transfer_row};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

/// The audit search's query, as on the page.
#[derive(Deserialize, Default)]
pub(super) struct AuditQuery {
    #[serde(default)]
    user_name: String,
    #[serde(default)]
    family: String,
    #[serde(default)]
    person: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    before: String,
}

/// `GET /api/audit`: a page of the audit log, newest first; `next` is the `before` of the
/// next page (null: no older lines).
pub(super) async fn audit_log(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Value>, WebError> {
    let search = Search::parse(&Typed {
        user_name: &q.user_name,
        family: &q.family,
        person: &q.person,
        action: &q.action,
        from: &q.from,
        to: &q.to,
        before: &q.before,
    })
    .map_err(WebError::Invalid)?;
    let found = audit::search(&state, &user, Some(search)).await?;
    let next = found
        .more
        .then(|| found.entries.last().map(|e| e.id))
        .flatten();
    Ok(Json(json!({
        "lines": found.entries.iter().map(|e| json!({
            "id": e.id,
            "at": e.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "user_name": e.user_name,
            "action": e.action,
            "target_kind": e.target_kind,
            "target_id": e.target_id,
            "client_ip": e.client_ip,
            "detail": e.detail,
        })).collect::<Vec<_>>(),
        "next": next,
        "covers": found.scope,
    })))
}

/// `GET /api/objections`: the register, newest first.
pub(super) async fn objections(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Value>, WebError> {
    let list = governance::objections(&state, &user).await?;
    Ok(Json(json!({
        "objections": list.into_iter().map(objection_row).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize)]
pub(super) struct NewObjection {
    #[serde(default)]
    subject_kind: String,
    #[serde(default)]
    subject_id: Value,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    received_on: String,
    #[serde(default)]
    received_how: String,
}

pub(super) fn json_body<T>(
    body: Result<Json<T>, JsonRejection>,
    shape: &str,
) -> Result<T, WebError> {
    body.map(|Json(b)| b).map_err(|e| match e {
        JsonRejection::MissingJsonContentType(_) => WebError::UnsupportedMediaType,
        JsonRejection::BytesRejection(_) => WebError::PayloadTooLarge,
        _ => WebError::Invalid(vec![("body".into(), format!("Send {shape}"))]),
    })
}

/// `POST /api/objections`: `{"subject_kind": "person" | "family", "subject_id": 42,
/// "scope": "research" | "all", "received_on": "01/09/2025", "received_how": "letter"}`.
pub(super) async fn add_objection(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Result<Json<NewObjection>, JsonRejection>,
) -> Result<Json<Value>, WebError> {
    csrf(&headers, &user)?;
    let b = json_body(
        body,
        "{\"subject_kind\", \"subject_id\", \"scope\", \"received_on\", \"received_how\"}",
    )?;
    let id_text = match &b.subject_id {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => String::new(),
    };
    let input = ObjectionInput::parse(
        &b.subject_kind,
        &id_text,
        &b.scope,
        &b.received_on,
        &b.received_how,
        state.now().date_naive(),
    )
    .map_err(WebError::Invalid)?;
    let id = governance::add_objection(&state, &user, input).await?;
    Ok(Json(json!({"id": id})))
}

/// `POST /api/objections/{id}/withdraw`: withdraws an objection in force (404 otherwise).
pub(super) async fn withdraw_objection(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    csrf(&headers, &user)?;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    governance::withdraw_objection(&state, &user, id).await?;
    Ok(Json(json!({"id": id, "withdrawn": true})))
}

/// `GET /api/extract/transfers`: every extract sent, newest first.
pub(super) async fn transfers(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Value>, WebError> {
    let list = governance::transfers(&state, &user).await?;
    Ok(Json(json!({
        "transfers": list.into_iter().map(transfer_row).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize)]
pub(super) struct ExtractRequest {
    #[serde(default)]
    recipient: String,
}

/// `POST /api/extract`: `{"recipient": "age1…"}`; answers the encrypted extract.
pub(super) async fn make_extract(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Result<Json<ExtractRequest>, JsonRejection>,
) -> Result<Response, WebError> {
    csrf(&headers, &user)?;
    let b = json_body(body, "{\"recipient\": \"age1…\"}")?;
    let made = governance::national_evaluation(&state, &user, &b.recipient).await?;
    Ok(encrypted_download(made))
}

/// `GET /api/retention/reports`: the retention proof reports, newest first.
pub(super) async fn retention_reports(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Value>, WebError> {
    let list = governance::retention_reports(&state, &user).await?;
    Ok(Json(json!({
        "reports": list.into_iter().map(report_row).collect::<Vec<_>>(),
    })))
}

/// This module's paths and schemas in the OpenAPI document.
pub(super) fn document(
    paths: &mut serde_json::Map<String, Value>,
    schemas: &mut serde_json::Map<String, Value>,
) {
    let problem = json!({"$ref": "#/components/responses/Problem"});
    let csrf = json!({"name": "X-CSRF-Token", "in": "header", "required": true, "schema": {"type": "string"}});
    let ok = |schema: &str| json!({"description": "OK", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
    let q = |name: &str, d: &str| json!({"name": name, "in": "query", "description": d, "schema": {"type": "string"}});
    let text = |d: &str| json!({"type": "string", "description": d});
    paths.insert("/audit".into(), json!({"get": {"summary": "A page of the audit log, newest first (information governance officer)", "operationId": "auditLog",
        "description": "500 lines a page; follow `next` as `before` for older lines. Dates as people type them: 01/09/2025, 1/9/2025, 1 September 2025, 2025-09-01.",
        "parameters": [q("user_name", "part of an account name, any case"), q("action", "part of an action, e.g. view"), q("family", "a family ID"), q("person", "a person ID: lines about them and about their families, referrals, objections and restrictions"),
            q("from", "from the start of this day"), q("to", "to the end of this day"), q("before", "lines older than this line (the previous page's next)")],
        "responses": {"200": ok("AuditPage"), "401": problem, "403": problem, "422": problem}}}));
    paths.insert("/objections".into(), json!({
        "get": {"summary": "The objection register, newest first", "operationId": "objections",
            "responses": {"200": ok("Objections"), "401": problem, "403": problem}},
        "post": {"summary": "Record an objection by a person or a family; every extract leaves them out from then on", "operationId": "addObjection",
            "parameters": [csrf],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewObjection"}}}},
            "responses": {"200": {"description": "Recorded", "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "integer"}}}}}}, "401": problem, "403": problem, "413": problem, "415": problem, "422": problem}}}));
    paths.insert("/objections/{id}/withdraw".into(), json!({"post": {"summary": "Withdraw an objection in force (kept in the register, marked withdrawn)", "operationId": "withdrawObjection",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}, csrf],
        "responses": {"200": {"description": "Withdrawn", "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "integer"}, "withdrawn": {"type": "boolean"}}}}}}, "401": problem, "403": problem, "404": problem}}}));
    paths.insert("/extract".into(), json!({"post": {"summary": "Make the national evaluation extract, encrypted for the recipient's age public key; logged as a transfer and audited", "operationId": "makeExtract",
        "parameters": [csrf],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["recipient"], "properties": {"recipient": text("the recipient's age public key, age1…")}}}}},
        "responses": {"200": {"description": "The encrypted zip (age format)", "content": {"application/octet-stream": {}}}, "401": problem, "403": problem, "413": problem, "415": problem, "422": problem}}}));
    paths.insert("/extract/transfers".into(), json!({"get": {"summary": "Every extract sent outside the council, newest first", "operationId": "transfers",
        "responses": {"200": ok("Transfers"), "401": problem, "403": problem}}}));
    paths.insert("/retention/reports".into(), json!({"get": {"summary": "The retention proof reports: what each run destroyed, by class and month (no personal data)", "operationId": "retentionReports",
        "responses": {"200": ok("RetentionReports"), "401": problem, "403": problem}}}));
    paths.insert("/progress/export.csv".into(), json!({"get": {"summary": "The cohort's progress as CSV with disclosure control: counts under 5 suppressed, and enough others that none can be worked out from the totals ([c])", "operationId": "progressCohortExport",
        "responses": {"200": {"description": "CSV", "content": {"text/csv": {}}}, "401": problem, "403": problem}}}));
    schemas.insert("AuditPage".into(), json!({"type": "object", "properties": {
        "lines": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "at": {"type": "string", "format": "date-time"}, "user_name": {"type": "string"}, "action": {"type": "string"},
            "target_kind": {"type": "string"}, "target_id": {"type": "string"}, "client_ip": {"type": "string"}, "detail": {"type": "string"}}}},
        "next": {"type": ["integer", "null"]},
        "covers": {"type": ["string", "null"], "description": "a search by person: the families, referrals, objections and restrictions whose lines are included too"}}}));
    schemas.insert("NewObjection".into(), json!({"type": "object", "required": ["subject_kind", "subject_id", "scope", "received_on", "received_how"], "properties": {
        "subject_kind": {"type": "string", "enum": ["person", "family"]}, "subject_id": {"type": ["integer", "string"]},
        "scope": {"type": "string", "enum": ["research", "all"]}, "received_on": text("01/09/2025, 1 September 2025 or 2025-09-01"),
        "received_how": text("letter, phone, email, in person…")}}));
    schemas.insert("Objections".into(), json!({"type": "object", "properties": {"objections": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "subject": {"type": "string"}, "scope": {"type": "string"}, "scope_label": {"type": "string"}, "received_on": {"type": "string"},
        "received_how": {"type": "string"}, "recorded_by": {"type": "string"}, "records": {"type": "integer"}, "withdrawn": {"type": ["string", "null"]}}}}}}));
    schemas.insert("Transfers".into(), json!({"type": "object", "properties": {"transfers": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "made_at": {"type": "string"}, "made_by": {"type": "string"}, "recipient": {"type": "string"}, "identification_run": {"type": "integer"},
        "families": {"type": "integer"}, "people": {"type": "integer"}, "objectors_excluded": {"type": "integer"}, "file_name": {"type": "string"}, "file_sha256": {"type": "string"}}}}}}));
    schemas.insert("RetentionReports".into(), json!({"type": "object", "properties": {"reports": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "run_at": {"type": "string"}, "run_by": {"type": "string"}, "applied": {"type": "boolean"}, "policy_sha256": {"type": "string"}, "total": {"type": "integer"},
        "classes": {"type": "array", "items": {"type": "object", "properties": {"class": {"type": "string"}, "from": {"type": "string"}, "before": {"type": "string"}, "count": {"type": "integer"},
            "months": {"type": "array", "items": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}]}}}}}}}}}}));
}
