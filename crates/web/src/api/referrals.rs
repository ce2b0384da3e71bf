//! `/api/referrals`: the referral operations of the pages (the same service, permissions
//! and audit), as JSON. Documented in the OpenAPI document by [`document`].

use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::service::referrals::view::{ReferralDetail, ReferralRow};
use crate::service::referrals::{self, referral_id, resend, DecisionInput};
use crate::service::session::same_token;
use crate::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use hearth_referrals::form::MemberInput;
use hearth_referrals::ReferralInput;
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

/// `GET /api/referrals`: the referrals the caller may see (a referrer's own; all for the
/// performance officer).
pub(super) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Value>, WebError> {
    let rows: Vec<ReferralRow> = referrals::list(&state, &user).await?;
    Ok(Json(json!({ "referrals": rows })))
}

/// `GET /api/referrals/{id}`: a referral as the caller may see it.
pub(super) async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ReferralDetail>, WebError> {
    Ok(Json(
        referrals::get(&state, &user, referral_id(&id)?).await?,
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ApiProblem {
    key: String,
    evidence: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ApiReferrer {
    name: String,
    organisation: String,
    email: String,
    phone: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ApiMember {
    given_name: String,
    family_name: String,
    date_of_birth: String,
    address: String,
    postcode: String,
    relationship: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ApiReferral {
    members: Vec<ApiMember>,
    problems: Vec<ApiProblem>,
    consent: String,
    referrer: ApiReferrer,
    channel: String,
    /// A returned referral this one corrects and sends again.
    resubmits: Option<i64>,
}

/// `POST /api/referrals`: sends a referral (a referrer's own; the performance officer
/// records the channel it came by). Mistakes: 422 with each field's message. With
/// `resubmits`, it corrects and sends again that returned referral: 404 if the caller may not
/// see it, 409 if it is not returned or was sent again already.
pub(super) async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    b: Result<Json<ApiReferral>, JsonRejection>,
) -> Result<Json<Value>, WebError> {
    csrf(&headers, &user)?;
    let b = body(b, "a referral: see the OpenAPI document")?;
    let input = ReferralInput {
        members: b
            .members
            .into_iter()
            .map(|m| MemberInput {
                given_name: m.given_name,
                family_name: m.family_name,
                date_of_birth: m.date_of_birth,
                address: m.address,
                postcode: m.postcode,
                relationship: m.relationship,
            })
            .collect(),
        problems: b.problems.iter().map(|p| p.key.clone()).collect(),
        evidence: b
            .problems
            .into_iter()
            .map(|p| (p.key, p.evidence))
            .collect(),
        consent: b.consent,
        referrer_name: b.referrer.name,
        referrer_organisation: b.referrer.organisation,
        referrer_email: b.referrer.email,
        referrer_phone: b.referrer.phone,
        channel: b.channel,
    };
    let resubmits = b.resubmits;
    let (id, flags) = match resubmits {
        Some(original) => resend::send(&state, &user, original, input).await?,
        None => referrals::submit(&state, &user, input).await?,
    };
    // The referrer is not told what the partners' data shows.
    let flags = if user.role == hearth_model::Role::PerformanceOfficer {
        json!(flags)
    } else {
        json!(null)
    };
    Ok(Json(
        json!({ "id": id, "status": "submitted", "flags": flags, "resubmits": resubmits }),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ApiDecision {
    decision: String,
    reason: String,
    note: String,
    version: Option<i64>,
}

/// `POST /api/referrals/{id}/decision`: accepts or returns a referral (the performance
/// officer); 409 if another officer decided it first.
pub(super) async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    b: Result<Json<ApiDecision>, JsonRejection>,
) -> Result<Json<Value>, WebError> {
    csrf(&headers, &user)?;
    let b = body(
        b,
        "{\"decision\": \"accept\" | \"return\", \"reason\", \"note\", \"version\"}",
    )?;
    let id = referral_id(&id)?;
    let Some(version) = b.version else {
        return Err(WebError::Invalid(vec![(
            "version".into(),
            "Send the version of the referral you checked".into(),
        )]));
    };
    let input = DecisionInput {
        decision: b.decision,
        reason: b.reason,
        note: b.note,
        version: version.to_string(),
    };
    let status = referrals::decide(&state, &user, id, input).await?;
    Ok(Json(json!({ "id": id, "status": status.key() })))
}

/// Adds the referral paths and schemas to the OpenAPI document.
pub(crate) fn document(doc: &mut Value) {
    let problem = json!({"$ref": "#/components/responses/Problem"});
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    let token = json!({"name": "X-CSRF-Token", "in": "header", "required": true, "schema": {"type": "string"}});
    let ok = |schema: &str| json!({"description": "OK", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
    let paths = json!({
        "/referrals": {
            "get": {"summary": "Referrals: a referrer's own, or all for the performance officer", "operationId": "listReferrals",
                "responses": {"200": ok("ReferralList"), "401": problem, "403": problem}},
            "post": {"summary": "Send a referral (the performance officer enters one received by email, post or phone, with its channel), or correct a returned one and send it again (`resubmits`)", "operationId": "submitReferral",
                "description": "With `resubmits`: 404 if the caller may not see that referral, 409 if it was not returned or was already sent again (once only); the returned referral is not changed",
                "parameters": [token],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewReferral"}}}},
                "responses": {"200": ok("Submitted"), "401": problem, "403": problem, "404": problem, "409": problem, "413": problem, "415": problem, "422": problem}}},
        "/referrals/{id}": {"get": {"summary": "A referral; the officer also sees what partners' data shows (matches, known family, flags)", "operationId": "getReferral",
            "description": "404 for another referrer's referral",
            "parameters": [id],
            "responses": {"200": ok("Referral"), "401": problem, "403": problem, "404": problem}}},
        "/referrals/{id}/decision": {"post": {"summary": "Accept or return a referral (performance officer), once", "operationId": "decideReferral",
            "parameters": [id, token],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReferralDecision"}}}},
            "responses": {"200": ok("Decided"), "401": problem, "403": problem, "404": problem, "409": problem, "415": problem, "422": problem}}},
    });
    let text = json!({"type": "string"});
    let schemas = json!({
        "NewReferral": {"type": "object", "properties": {
            "members": {"type": "array", "items": {"type": "object", "properties": {
                "given_name": text, "family_name": text, "date_of_birth": {"type": "string", "description": "27/3/2012 or 2012-03-27"},
                "address": text, "postcode": text,
                "relationship": {"type": "string", "enum": ["parent_or_carer", "child", "partner", "other_relative", "other"]}}}},
            "problems": {"type": "array", "items": {"type": "object", "properties": {"key": text, "evidence": text}}},
            "consent": {"type": "string", "enum": ["given", "not_asked", "refused"]},
            "referrer": {"type": "object", "properties": {"name": text, "organisation": text, "email": text, "phone": text}},
            "channel": {"type": "string", "description": "performance officer only", "enum": ["secure_email", "post", "phone", "family_caf"]},
            "resubmits": {"type": ["integer", "null"], "description": "a returned referral this one corrects and sends again (once only)"}}},
        "Submitted": {"type": "object", "properties": {"id": {"type": "integer"}, "status": text, "flags": {"type": ["array", "null"], "description": "performance officer only"},
            "resubmits": {"type": ["integer", "null"], "description": "the returned referral it sends again"}}},
        "ReferralDecision": {"type": "object", "required": ["decision", "version"], "properties": {
            "decision": {"type": "string", "enum": ["accept", "return"]}, "reason": {"type": "string", "description": "a return reason's key (returns)"},
            "note": text, "version": {"type": "integer", "description": "the version read with the referral"}}},
        "Decided": {"type": "object", "properties": {"id": {"type": "integer"}, "status": text}},
        "ReferralList": {"type": "object", "properties": {"referrals": {"type": "array", "items": {"type": "object"}}}},
        "Referral": {"type": "object", "description": "status, decision (reason and guidance when returned), members, problems and evidence; for the performance officer also flags, known_families and each member's matches",
            "properties": {
                "resubmits": {"type": ["integer", "null"], "description": "the returned referral this one corrects and sends again"},
                "resubmission_of": {"type": ["object", "null"], "description": "that referral's return: id, returned_on, reason, guidance, note",
                    "properties": {"id": {"type": "integer"}, "returned_on": text, "reason": {"type": ["string", "null"]}, "guidance": {"type": ["string", "null"]}, "note": {"type": ["string", "null"]}}},
                "resent_as": {"type": ["integer", "null"], "description": "the referral that corrected this one and sent it again"}}},
    });
    if let (Some(p), Value::Object(add)) = (doc["paths"].as_object_mut(), paths) {
        p.extend(add);
    }
    if let (Some(s), Value::Object(add)) = (doc["components"]["schemas"].as_object_mut(), schemas) {
        s.extend(add);
    }
}
