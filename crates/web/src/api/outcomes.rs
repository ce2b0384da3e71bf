//! A family's outcomes in the API: `GET /api/families/{id}/outcomes`, the latest judgement
//! against the Outcomes Plan (per problem: where it stands, what is missing, the earliest
//! date, distance travelled; the results and the earliest claim), for whoever may open the
//! family — the same need-to-know check, audit and view as the family's Outcomes page.

use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::service::{family, outcomes};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

/// `GET /api/families/{id}/outcomes`: `null` while the family has not been judged (after the
/// need-to-know check and its audit).
pub(super) async fn family_outcomes(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let (_, detail) = family::record_part(&state, &user, id, "outcomes").await?;
    let Some((outcome, sha)) = outcomes::family(&state, id).await? else {
        return Ok(Json(Value::Null));
    };
    let settings = state.settings();
    let view = crate::views::outcomes::family(
        &outcome,
        &sha,
        &detail,
        &settings.outcome_measures,
        settings.outcomes_plan_file.as_ref(),
    );
    Ok(Json(json!(view)))
}

/// The outcomes path and schema of the OpenAPI document.
pub(super) fn document(
    paths: &mut serde_json::Map<String, Value>,
    schemas: &mut serde_json::Map<String, Value>,
) {
    let problem = json!({"$ref": "#/components/responses/Problem"});
    paths.insert("/families/{id}/outcomes".into(), json!({"get": {"summary": "A family's progress against the Outcomes Plan (latest judgement)", "operationId": "familyOutcomes",
        "description": "For whoever may open the family (the same need-to-know check and audit as the record). Per headline problem at entry: state (achieved, in_progress, not_regressed, regressed), what is still missing, the earliest date it could count and the distance travelled on each measure; the results achieved and the earliest date a claim could be made. Members are named only for roles that may see identifiers. While a restriction of processing on a member's data is in force, `withheld` says so and the family-level figures (results, earliest claim date, each problem's state — null —, what is missing, the family-wide measures) are withheld: they count that member's records. `null` while the family has not been judged (`hearth outcomes`).",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FamilyOutcomes"}}}}, "401": problem, "403": problem, "404": problem}}}));
    schemas.insert("FamilyOutcomes".into(), json!({"type": "object", "properties": {
        "as_at": {"type": "string", "format": "date"}, "rules_sha256": {"type": "string"},
        "withheld": {"type": ["string", "null"], "description": "while a restriction on a member's data is in force: \"Some figures are withheld while a restriction on a family member's data is in force.\" (the family-level figures are then withheld)"},
        "earliest_claim_on": {"type": ["string", "null"], "format": "date"},
        "results": {"type": "array", "items": {"type": "object", "description": "kind, label, achieved_on"}},
        "problems": {"type": "array", "items": {"type": "object", "description": "key, label, state (null while withheld), state_label, missing (plain words), earliest_on, distance (measure_key, measure, who, baseline, latest, threshold, direction)"}}}}));
}
