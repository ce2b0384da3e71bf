//! A person's requests in the API (issue 13), for the information governance officer only:
//! `GET /api/rights/people/{id}` (the identifiers held and the restrictions), `POST …/rectify`,
//! `…/restrict`, `…/lift`, `GET …/erasure` (what an erasure would remove) and `POST …/erase`
//! (with `"confirm": true`) — the same service calls, checks, permissions and audit as the
//! pages.

use super::csrf;
use super::governance::json_body;
use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::pages::rights_requests::restriction_rows;
use crate::service::rights_requests::{
    self as service, field_label, LiftForm, RectifyForm, RequestForm,
};
use crate::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

fn person_id(id: &str) -> Result<i64, WebError> {
    id.parse::<i64>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or(WebError::NotFound)
}

/// `GET /api/rights/people/{id}`.
pub(super) async fn person(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let held = service::person(&state, &user, person_id(&id)?).await?;
    Ok(Json(json!({
        "person_id": held.identifiers.person_id,
        "records": held.identifiers.records,
        "identifiers": held.identifiers.values.iter().map(|(f, v)| json!({
            "field": f.key(), "label": field_label(*f), "values": v,
        })).collect::<Vec<_>>(),
        "restrictions": restriction_rows(&held).iter().map(|r| json!({
            "id": r.id, "ground": r.ground, "reason": r.reason, "received_how": r.received_how,
            "restricted_by": r.restricted_by, "restricted_on": r.restricted_on,
            "lifted_on": r.lifted_on, "in_force": r.in_force,
        })).collect::<Vec<_>>(),
    })))
}

/// `POST /api/rights/people/{id}/rectify`: `{"field", "value", "reason"}`.
pub(super) async fn rectify(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<RectifyForm>, JsonRejection>,
) -> Result<Json<Value>, WebError> {
    csrf(&headers, &user)?;
    let p = person_id(&id)?;
    let form = json_body(body, "{\"field\": …, \"value\": …, \"reason\": …}")?;
    let done = service::rectify(&state, &user, p, &form).await?;
    Ok(Json(
        json!({"person_id": p, "rectification": done.id, "records": done.records}),
    ))
}

/// `POST /api/rights/people/{id}/restrict`: `{"ground", "reason", "received_how"}`.
pub(super) async fn restrict(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<RequestForm>, JsonRejection>,
) -> Result<Json<Value>, WebError> {
    csrf(&headers, &user)?;
    let p = person_id(&id)?;
    let form = json_body(body, "{\"ground\": …, \"reason\": …, \"received_how\": …}")?;
    let id = service::restrict(&state, &user, p, &form).await?;
    Ok(Json(json!({"person_id": p, "restriction": id})))
}

/// The lifting request: the restriction's key as a number or text.
#[derive(Deserialize)]
pub(super) struct Lift {
    #[serde(default)]
    restriction: Value,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    received_how: String,
}

/// `POST /api/rights/people/{id}/lift`: `{"restriction", "reason", "received_how"}`.
pub(super) async fn lift(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<Lift>, JsonRejection>,
) -> Result<Json<Value>, WebError> {
    csrf(&headers, &user)?;
    let p = person_id(&id)?;
    let b = json_body(
        body,
        "{\"restriction\": …, \"reason\": …, \"received_how\": …}",
    )?;
    let form = LiftForm {
        restriction: match b.restriction {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s,
            _ => String::new(),
        },
        reason: b.reason,
        received_how: b.received_how,
    };
    let id = service::lift(&state, &user, p, &form).await?;
    Ok(Json(
        json!({"person_id": p, "restriction": id, "lifted": true}),
    ))
}

/// `GET /api/rights/people/{id}/erasure`: what an erasure would remove and keep.
pub(super) async fn erasure(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let p = service::preview_only(&state, person_id(&id)?).await?;
    let lines = |v: &[hearth_pipeline::rights::requests::ErasureLine]| {
        v.iter()
            .map(|l| json!({"title": l.title, "rows": l.rows}))
            .collect::<Vec<_>>()
    };
    Ok(Json(json!({
        "records": p.records, "sources": p.sources, "families": p.families,
        "removed": lines(&p.removed), "kept": lines(&p.kept),
    })))
}

/// The erasure request.
#[derive(Deserialize)]
pub(super) struct Erase {
    #[serde(default)]
    ground: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    confirm: bool,
}

/// `POST /api/rights/people/{id}/erase`: `{"ground", "reason", "confirm": true}`.
pub(super) async fn erase(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<Erase>, JsonRejection>,
) -> Result<Json<Value>, WebError> {
    csrf(&headers, &user)?;
    let p = person_id(&id)?;
    let b = json_body(body, "{\"ground\": …, \"reason\": …, \"confirm\": true}")?;
    let form = RequestForm {
        ground: b.ground,
        reason: b.reason,
        ..RequestForm::default()
    };
    if !b.confirm {
        // Check the rest first, so every mistake comes back at once.
        let mut errors = match service::erasure_preview(&state, p, &form).await {
            Err(WebError::Invalid(v)) => v,
            Err(e) => return Err(e),
            Ok(_) => Vec::new(),
        };
        errors.push((
            "confirm".into(),
            "Confirm the erasure with \"confirm\": true, after reading what it removes (GET …/erasure)".into(),
        ));
        return Err(WebError::Invalid(errors));
    }
    let done = service::erase(&state, &user, p, &form).await?;
    Ok(Json(json!({
        "person_id": p, "erasure": done.id, "records": done.records, "tombstones": done.tombstones,
    })))
}

/// The paths and schemas of a person's requests.
pub(super) fn document(
    paths: &mut serde_json::Map<String, Value>,
    schemas: &mut serde_json::Map<String, Value>,
) {
    let problem = json!({"$ref": "#/components/responses/Problem"});
    let csrf = json!({"name": "X-CSRF-Token", "in": "header", "required": true, "schema": {"type": "string"}});
    let id = json!({"name": "id", "in": "path", "required": true, "description": "a person ID", "schema": {"type": "integer"}});
    let text = |d: &str| json!({"type": "string", "description": d});
    let who = "The information governance officer only (others: 403). Every mistake comes back at once in the problem's errors, by field (never echoing a value); nothing is written unless all is well. Audited with the person's key and the field or ground, never a value.";
    let done = |props: Value| json!({"description": "Done", "content": {"application/json": {"schema": {"type": "object", "properties": props}}}});
    let post = |summary: &str, op: &str, schema: &str, ok: Value, description: &str| {
        json!({"post": {"summary": summary, "operationId": op, "description": format!("{description} {who}"),
            "parameters": [id, csrf],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}},
            "responses": {"200": ok, "401": problem, "403": problem, "404": problem, "413": problem, "415": problem, "422": problem}}})
    };
    paths.insert("/rights/people/{id}".into(), json!({"get": {"summary": "The identifiers Hearth holds on a person, and their restrictions", "operationId": "personRights",
        "description": format!("Each identifier's distinct values across the person's partner records; 404 when Hearth holds nothing on them. {who}"),
        "parameters": [id],
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PersonRights"}}}}, "401": problem, "403": problem, "404": problem}}}));
    paths.insert("/rights/people/{id}/rectify".into(), post("Correct an identifier on every record of a person (UK GDPR Art. 16)", "rectify", "Rectification",
        done(json!({"person_id": {"type": "integer"}, "rectification": {"type": "integer"}, "records": {"type": "integer"}})),
        "The values replaced are kept in the rectification register; the next linkage run uses the corrected one, as after `hearth rectify`."));
    paths.insert("/rights/people/{id}/restrict".into(), post("Restrict a person's processing (UK GDPR Art. 18)", "restrict", "Restriction",
        done(json!({"person_id": {"type": "integer"}, "restriction": {"type": "integer"}})),
        "The records are kept but out of linkage, identification, extracts and pages until lifted."));
    paths.insert("/rights/people/{id}/lift".into(), post("Lift one of a person's restrictions in force", "liftRestriction", "Lifting",
        done(json!({"person_id": {"type": "integer"}, "restriction": {"type": "integer"}, "lifted": {"type": "boolean"}})),
        "Kept in the register, marked lifted, with why and how the request came; the person is shown again at once and the next linkage run processes the records again. A restriction not the person's or not in force: 422."));
    paths.insert("/rights/people/{id}/erasure".into(), json!({"get": {"summary": "What erasing a person would remove and keep (counts only)", "operationId": "erasurePreview",
        "description": who, "parameters": [id],
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErasurePreview"}}}}, "401": problem, "403": problem, "404": problem}}}));
    paths.insert("/rights/people/{id}/erase".into(), post("Erase a person (UK GDPR Art. 17), keeping a tombstone", "erase", "Erasure",
        done(json!({"person_id": {"type": "integer"}, "erasure": {"type": "integer"}, "records": {"type": "integer"}, "tombstones": {"type": "integer"}})),
        "Needs \"confirm\": true (without it: 422, nothing removed). Identity, facts and results go in one transaction; keyed hashes of the identifiers are kept so a re-import of the person's rows is quarantined as erased."));
    schemas.insert("PersonRights".into(), json!({"type": "object", "properties": {
        "person_id": {"type": "integer"}, "records": {"type": "integer"},
        "identifiers": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "label": {"type": "string"}, "values": {"type": "array", "items": {"type": "string"}}}}},
        "restrictions": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "ground": {"type": "string"}, "reason": {"type": "string"}, "received_how": {"type": ["string", "null"]},
            "restricted_by": {"type": "string"}, "restricted_on": {"type": "string"}, "lifted_on": {"type": ["string", "null"]}, "in_force": {"type": "boolean"}}}}}}));
    schemas.insert("Rectification".into(), json!({"type": "object", "required": ["field", "value", "reason"], "properties": {
        "field": {"type": "string", "enum": ["given_name", "family_name", "full_name", "date_of_birth", "address", "postcode", "nhs_number", "ni_number"]},
        "value": text("the corrected value: a date of birth as 27 3 2011, 27/03/2011 or 2011-03-27; an NHS number of 10 digits with a valid check digit"),
        "reason": text("why (at most 2,000 characters)")}}));
    schemas.insert("Restriction".into(), json!({"type": "object", "required": ["ground", "reason", "received_how"], "properties": {
        "ground": {"type": "string", "enum": ["18-1-a", "18-1-b", "18-1-c", "18-1-d"]}, "reason": text("why (at most 2,000 characters)"),
        "received_how": text("how the request was received, e.g. letter (at most 200 characters)")}}));
    schemas.insert("Lifting".into(), json!({"type": "object", "required": ["restriction", "reason", "received_how"], "properties": {
        "restriction": {"type": ["integer", "string"], "description": "the restriction's ID"}, "reason": text("why it is lifted"),
        "received_how": text("how the request was received")}}));
    schemas.insert("Erasure".into(), json!({"type": "object", "required": ["ground", "reason", "confirm"], "properties": {
        "ground": {"type": "string", "enum": ["17-1-a", "17-1-b", "17-1-c", "17-1-d", "17-1-e", "17-1-f"]}, "reason": text("why (at most 2,000 characters)"),
        "confirm": {"type": "boolean", "description": "true: erase (after reading GET …/erasure)"}}}));
    let line = json!({"type": "array", "items": {"type": "object", "properties": {"title": {"type": "string"}, "rows": {"type": "integer"}}}});
    schemas.insert("ErasurePreview".into(), json!({"type": "object", "properties": {
        "records": {"type": "integer"}, "sources": {"type": "array", "items": {"type": "string"}}, "families": {"type": "array", "items": {"type": "integer"}},
        "removed": line, "kept": line}}));
}
