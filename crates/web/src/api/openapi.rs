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
        "adults": {"type": "integer"}, "children": {"type": "integer"}, "estimated_cost": {"type": ["number", "null"], "description": "null while a member's processing is restricted (see summary_withheld), as priority_rank and score"}, "cost": {"type": "string", "description": "estimated_cost for people, e.g. £37,165; Withheld while a member's processing is restricted"}, "score": {"type": ["number", "null"]},
        "summary_withheld": {"type": ["string", "null"], "description": "why priority_rank, score and estimated_cost are null: a member's processing is restricted"},
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
            "description": "Families (search, sort, export), family records, lead worker assignment (one or many; unassigning with a reason), workloads, caseloads and the clerical review of uncertain record pairs. Sign in through the web page (session cookie); POSTs carry the session's CSRF token in X-CSRF-Token (see /api/session). Need to know is enforced per role; identifiers appear only for roles that may see them.",
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
                    {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["identified", "referred", "contacted", "agreed", "assessed", "plan_in_place", "reviewing", "closed"]}},
                    {"name": "lead_worker", "in": "query", "description": "a user id, or none for unassigned", "schema": {"type": "string"}},
                    {"name": "q", "in": "query", "description": "a family reference; for roles that may see identifiers also a name or an NHS number", "schema": {"type": "string"}},
                    {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["priority", "family", "area", "members", "cost", "status", "lead_worker"]}},
                    {"name": "dir", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}},
                ],
                "responses": std(ok("FamilyList"))}},
            "/families/{id}": {"get": {"summary": "A family's record", "operationId": "getFamily",
                "description": "404 also for a family the caller has no need to know of (not eligible in the latest run and with no case, for the performance officer and the analyst)",
                "parameters": [family_id],
                "responses": std(ok("FamilyDetail"))}},
            "/families/{id}/lead-worker": {"post": {"summary": "Assign a lead worker (and record their home service)", "operationId": "assignLeadWorker",
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
                "Assignment": {"type": "object", "required": ["lead_worker_user_id"], "properties": {"lead_worker_user_id": {"type": ["integer", "null"]}, "home_service": {"type": ["string", "null"], "description": "the lead worker's home service, e.g. Early Help"}}},
                "Case": {"type": "object", "properties": {"family_id": {"type": "integer"}, "status": {"type": "string"}, "lead_worker_user_id": {"type": ["integer", "null"]}}},
                "FamilyRow": {"type": "object", "properties": family_row},
                "CaseloadRow": {"type": "object", "properties": caseload_row},
                "Caseload": {"type": "object", "properties": {"families": {"type": "array", "items": {"$ref": "#/components/schemas/CaseloadRow"}}}},
                "FamilyList": {"type": "object", "properties": {"identification_run": {"type": ["integer", "null"]}, "families": {"type": "array", "items": {"$ref": "#/components/schemas/FamilyRow"}},
                    "unknown_filters": {"type": "array", "description": "filter values the run does not know, left out (field and message)", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}}},
                "FamilyDetail": {"type": "object", "properties": {
                    "family_id": {"type": "integer"}, "name": {"type": "string", "description": "Smith family (for roles that may see identifiers) or Family 123"}, "identification_run": {"type": "integer"}, "as_at": {"type": "string"},
                    "eligible": {"type": "boolean"}, "priority_rank": {"type": ["integer", "null"], "description": "null while a member's processing is restricted (see summary_withheld)"}, "score": {"type": ["number", "null"]}, "estimated_cost": {"type": ["number", "null"]}, "cost": {"type": "string"}, "summary_withheld": {"type": ["string", "null"], "description": "why priority_rank, score and estimated_cost are null: a member's processing is restricted"},
                    "status": {"type": "string"}, "status_label": {"type": "string"},
                    "lead_worker_user_id": {"type": ["integer", "null"]}, "lead_worker": {"type": ["string", "null"]},
                    "area": {"type": ["string", "null"], "description": "the family's postcode sector, e.g. WA7 2"},
                    "identifiers_shown": {"type": "boolean"},
                    "members": {"type": "array", "description": "members whose processing is restricted are not listed (see restricted_members)", "items": {"type": "object", "properties": {
                        "person_id": {"type": "integer"}, "role": {"type": "string"}, "age": {"type": ["integer", "null"], "description": "whole years on the identification run's as-at date (as_at), not today"},
                        "name": {"type": "string", "description": "only for roles that may see identifiers"},
                        "date_of_birth": {"type": "string", "description": "only for roles that may see identifiers"},
                        "address": {"type": "string", "description": "only for roles that may see identifiers"}}}},
                    "restricted_members": {"type": "integer", "description": "how many members' processing is restricted (UK GDPR Art. 18): nothing of them, or of their records, is shown until the restriction is lifted"},
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
    add_work(&mut doc, &family_id, &problem);
    add_module_paths(&mut doc, super::review::document);
    add_module_paths(&mut doc, super::workload::document);
    add_module_paths(&mut doc, super::governance::document);
    add_module_paths(&mut doc, super::rights::document);
    add_module_paths(&mut doc, super::savings::document);
    add_module_paths(&mut doc, super::outcomes::document);
    add_module_paths(&mut doc, super::performance::document);
    crate::api::referrals::document(&mut doc);
    crate::api::claims::document(&mut doc);
    doc
}

/// The case's life and the work with a family: the status change, the assessment, the
/// plan, the team, progress, and the cohort's progress.
fn add_work(doc: &mut Value, family_id: &Value, problem: &Value) {
    let csrf = json!({"name": "X-CSRF-Token", "in": "header", "required": true, "schema": {"type": "string"}});
    let done = json!({"description": "Done", "content": {"application/json": {"schema": {"type": "object", "properties": {"family_id": {"type": "integer"}}}}}});
    let post = |summary: &str, op: &str, schema: &str, description: &str| {
        json!({"post": {"summary": summary, "operationId": op, "description": description,
            "parameters": [family_id, csrf],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}},
            "responses": {"200": done, "400": problem, "401": problem, "403": problem, "404": problem, "413": problem, "415": problem, "422": problem}}})
    };
    let who = "The performance officer, or the family's own lead worker (another lead worker: 403; a family the caller has no need to know of: 404). Every mistake comes back at once in the problem's errors, by field; nothing is stored unless all is well.";
    let paths = doc["paths"].as_object_mut().expect("paths");
    paths.insert("/families/{id}/status".into(), post("Move the case to another status", "changeStatus", "StatusChange",
        &format!("Forward to any later status freely; back to an earlier one only with a reason; closed only with a closing reason. Kept in the case's history (who, when, why). {who}")));
    paths.insert("/families/{id}/assessment".into(), post("Add to the whole-family assessment", "addAssessment", "AssessmentEntry",
        &format!("An entry for the family as a whole or one member, for one of the family's headline problems; a later entry for the same member and problem is a new version (earlier ones are kept). {who}")));
    paths.insert("/families/{id}/plan/goals".into(), post("Add a goal to the family plan", "addPlanGoal", "PlanGoal",
        &format!("A goal for one of the family's problems, tied to a measure of the council's Outcomes Plan, with its first action if given (all of action, owner and due, or none). {who}")));
    paths.insert(
        "/families/{id}/plan/actions".into(),
        post(
            "Add an action to a goal of the plan",
            "addPlanAction",
            "PlanAction",
            who,
        ),
    );
    paths.insert(
        "/families/{id}/plan/reviews".into(),
        post(
            "Record a review of the plan",
            "addPlanReview",
            "PlanReview",
            &format!(
                "A plan in place moves on to reviews; the next review is due from this one. {who}"
            ),
        ),
    );
    paths.insert(
        "/families/{id}/team".into(),
        post(
            "Add a practitioner or service to the team around the family",
            "addTeamMember",
            "TeamMember",
            who,
        ),
    );
    paths.insert(
        "/families/{id}/progress".into(),
        post(
            "Record the family's positions on the progress measures",
            "addProgress",
            "ProgressReading",
            who,
        ),
    );
    paths.insert("/families/{id}/plan/actions/{action}/done".into(), json!({"post": {"summary": "Record a plan action as done today", "operationId": "planActionDone", "description": who,
        "parameters": [family_id, {"name": "action", "in": "path", "required": true, "schema": {"type": "integer"}}, csrf],
        "responses": {"200": done, "401": problem, "403": problem, "404": problem}}}));
    let item_post = |summary: &str, op: &str, item: &str, schema: &str, description: &str| {
        json!({"post": {"summary": summary, "operationId": op, "description": description,
            "parameters": [family_id, {"name": item, "in": "path", "required": true, "schema": {"type": "integer"}}, csrf],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}},
            "responses": {"200": done, "400": problem, "401": problem, "403": problem, "404": problem, "413": problem, "415": problem, "422": problem}}})
    };
    let kept = "The plan keeps every change (what it was and became, why, who and when) and shows the changes made since the last review; the history is never rewritten. A goal or action not in the family's plan (or removed): 404.";
    paths.insert(
        "/families/{id}/plan/goals/{goal}".into(),
        item_post(
            "Change a goal's text",
            "changePlanGoal",
            "goal",
            "PlanGoalChange",
            &format!("{kept} {who}"),
        ),
    );
    paths.insert(
        "/families/{id}/plan/goals/{goal}/remove".into(),
        item_post(
            "Remove a goal (with its actions) from the plan, with why",
            "removePlanGoal",
            "goal",
            "PlanRemoval",
            &format!("{kept} {who}"),
        ),
    );
    paths.insert(
        "/families/{id}/plan/actions/{action}".into(),
        item_post(
            "Change an action's text, owner or due date",
            "changePlanAction",
            "action",
            "PlanActionChange",
            &format!("Each field that differs is one change. {kept} {who}"),
        ),
    );
    paths.insert(
        "/families/{id}/plan/actions/{action}/remove".into(),
        item_post(
            "Remove an action from the plan, with why",
            "removePlanAction",
            "action",
            "PlanRemoval",
            &format!("{kept} {who}"),
        ),
    );
    paths.insert("/families/{id}/team/{member}/end".into(), item_post("End a team member's involvement with the family", "endTeamMember", "member", "TeamEnd", &format!("Sets the \"to\" date once, on or after their \"from\" date (a date already recorded: 422, not rewritten). A team member the family does not have: 404. {who}")));
    paths.insert("/progress".into(), json!({"get": {"summary": "The cohort's progress on each progress measure (performance officer, analyst)", "operationId": "progressCohort",
        "description": "For each measure: families read on it at least twice, how many are better, the same or worse from their first reading to their latest, and the mean positions. No family is named.",
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Cohort"}}}}, "401": problem, "403": problem}}}));
    let text = |d: &str| json!({"type": "string", "description": d});
    let schemas = doc["components"]["schemas"]
        .as_object_mut()
        .expect("schemas");
    schemas.insert("StatusChange".into(), json!({"type": "object", "required": ["status"], "properties": {
        "status": {"type": "string", "enum": ["identified", "referred", "contacted", "agreed", "assessed", "plan_in_place", "reviewing", "closed"]},
        "close_reason": {"type": ["string", "null"], "enum": ["progress_achieved", "declined", "moved_away", "stepped_up", "disengaged", "no_longer_eligible", null], "description": "only, and always, when closing"},
        "reason": text("why; required when moving back")}}));
    schemas.insert("AssessmentEntry".into(), json!({"type": "object", "required": ["subject", "problem", "happening", "needs"], "properties": {
        "subject": text("family, or a member's person id (as text)"), "problem": text("one of the family's headline problem keys"),
        "happening": text("what is happening"), "strengths": text("strengths"), "needs": text("needs"), "evidence_seen": text("the evidence seen")}}));
    schemas.insert("PlanGoal".into(), json!({"type": "object", "required": ["problem", "measure", "goal"], "properties": {
        "problem": text("one of the family's headline problem keys"), "measure": text("an Outcomes Plan measure's key"), "goal": text("the goal"),
        "action": text("the first action (optional)"), "owner": text("who does it: a person or an agency"), "due": text("when it is due: 27 3 2026 or 2026-03-27")}}));
    schemas.insert("PlanAction".into(), json!({"type": "object", "required": ["goal_id", "action", "owner", "due"], "properties": {
        "goal_id": text("one of the family's goals (its id, as text)"), "action": text("the action"), "owner": text("a person or an agency"), "due": text("27 3 2026 or 2026-03-27")}}));
    schemas.insert(
        "PlanReview".into(),
        json!({"type": "object", "required": ["reviewed_on", "what_changed"], "properties": {
        "reviewed_on": text("27 3 2026 or 2026-03-27"), "what_changed": text("what changed")}}),
    );
    schemas.insert(
        "PlanGoalChange".into(),
        json!({"type": "object", "required": ["goal"], "properties": {
        "goal": text("the goal's new text"), "change_reason": text("why it changed (optional)")}}),
    );
    schemas.insert("PlanActionChange".into(), json!({"type": "object", "required": ["action", "owner", "due"], "properties": {
        "action": text("the action"), "owner": text("a person or an agency"), "due": text("27 3 2026 or 2026-03-27"), "change_reason": text("why it changed (optional)")}}));
    schemas.insert(
        "PlanRemoval".into(),
        json!({"type": "object", "required": ["remove_reason"], "properties": {
        "remove_reason": text("why it is being removed")}}),
    );
    schemas.insert(
        "TeamEnd".into(),
        json!({"type": "object", "required": ["to"], "properties": {
        "to": text("the date they stopped: 27 3 2026 or 2026-03-27")}}),
    );
    schemas.insert("TeamMember".into(), json!({"type": "object", "required": ["name", "agency", "role", "from"], "properties": {
        "name": text("the practitioner"), "agency": text("their agency"), "role": text("their role with the family"), "from": text("27 3 2026 or 2026-03-27"), "to": text("optional")}}));
    schemas.insert("ProgressReading".into(), json!({"type": "object", "required": ["stage", "read_on", "positions"], "properties": {
        "stage": {"type": "string", "enum": ["start", "review", "exit"]}, "read_on": text("27 3 2026 or 2026-03-27"),
        "positions": {"type": "object", "description": "position (1 = the scale's first, worst point) by progress measure key", "additionalProperties": {"type": ["integer", "string"]}}}}));
    schemas.insert("Cohort".into(), json!({"type": "object", "properties": {
        "families": {"type": "integer"}, "scale": {"type": "array", "items": {"type": "string"}},
        "measures": {"type": "array", "items": {"type": "object", "properties": {
            "key": {"type": "string"}, "theme": {"type": "string"}, "label": {"type": "string"}, "families": {"type": "integer"},
            "better": {"type": "integer"}, "same": {"type": "integer"}, "worse": {"type": "integer"},
            "mean_first": {"type": ["number", "null"]}, "mean_latest": {"type": ["number", "null"]}}}}}}));
    let detail = doc["components"]["schemas"]["FamilyDetail"]["properties"]
        .as_object_mut()
        .expect("FamilyDetail");
    detail.insert("close_reason".into(), json!({"type": ["string", "null"]}));
    detail.insert(
        "home_service".into(),
        json!({"type": ["string", "null"], "description": "the lead worker's home service"}),
    );
    detail.insert("problem_list".into(), json!({"type": "array", "items": {"type": "object", "properties": {"key": {"type": "string"}, "label": {"type": "string"}}}}));
    detail.insert("work".into(), json!({"type": "object", "description": "the work with the family: history (status changes: who, when, why), assessment (current entries with their versions), goals (with actions and whether each is overdue), overdue_actions, reviews (each with the plan_changes made before it), changes (every change to the plan: item, field, what, from, to, reason, by, at) and changes_since_review, team (with each member's id), readings and progress (each measure's positions, first, latest, change). Free text (reasons, assessment, goals, actions, owners, practitioners' names) only for roles that may see identifiers: null otherwise"}));
}

/// Adds a module's paths and schemas (each API area describes its own).
fn add_module_paths(
    doc: &mut Value,
    add: fn(&mut serde_json::Map<String, Value>, &mut serde_json::Map<String, Value>),
) {
    let mut paths = std::mem::take(doc["paths"].as_object_mut().expect("paths"));
    let mut schemas = std::mem::take(
        doc["components"]["schemas"]
            .as_object_mut()
            .expect("schemas"),
    );
    add(&mut paths, &mut schemas);
    doc["paths"] = Value::Object(paths);
    doc["components"]["schemas"] = Value::Object(schemas);
}
