//! The OpenAPI 3.1 document that describes `/api`, kept beside the routes it describes (a
//! test checks the two against each other both ways).
//!
//! A description only: it routes and checks nothing.

use serde_json::{json, Value};

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
                "description": "404 also for a family the caller has no need to know of (not eligible in the latest run and with no case, for the performance officer and the analyst)",
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
                    "problems": {"type": "array", "description": "the evidence for each problem with the partner records behind it; a record's file_name and source_row, and reference attributes (e.g. occurrence_ref, tenancy_ref) in its attributes, only for roles that may see identifiers", "items": {"type": "object"}},
                    "timeline": {"type": "array", "description": "every partner record of the members, newest first (facts only)", "items": {"type": "object", "properties": {
                        "person_id": {"type": "integer"}, "date": {"type": ["string", "null"], "format": "date"}, "source": {"type": "string"},
                        "agency": {"type": "string"}, "event_type": {"type": "string"}, "details": {"type": "string", "description": "the record's attributes; reference attributes only for roles that may see identifiers"}}}},
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
    crate::api::referrals::document(&mut doc);
    doc
}
