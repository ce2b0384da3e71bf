//! The API of the case's life and the work with a family: the same service calls as the
//! pages, the same permissions (declared in `api::routes`), the same checks; a form's
//! mistakes come back as a 422 problem listing each field. Reads are in `GET
//! /api/families/{id}` (its `work`) and `GET /api/progress`.

use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::service::casework::{self, StatusMove};
use crate::service::session::same_token;
use crate::service::work;
use crate::service::work_input::{
    ActionChangeForm, ActionForm, AssessmentForm, GoalChangeForm, GoalForm, ProgressForm,
    RemoveForm, ReviewForm, TeamEndForm, TeamForm,
};
use crate::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use hearth_store::PlanItem;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The CSRF header checked and the JSON body read (415, 413, or 422 naming `expected`).
fn body<T: DeserializeOwned>(
    user: &CurrentUser,
    headers: &HeaderMap,
    body: Result<Json<T>, JsonRejection>,
    expected: &str,
) -> Result<T, WebError> {
    let token = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !same_token(token, &user.session.csrf_token) {
        return Err(WebError::Csrf);
    }
    body.map(|Json(b)| b).map_err(|e| match e {
        JsonRejection::MissingJsonContentType(_) => WebError::UnsupportedMediaType,
        JsonRejection::BytesRejection(_) => WebError::PayloadTooLarge,
        _ => WebError::Invalid(vec![("body".into(), format!("Send {expected}"))]),
    })
}

fn id(raw: &str) -> Result<i64, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

fn ok(family_id: i64) -> Json<Value> {
    Json(json!({ "family_id": family_id }))
}

/// The status change's body.
#[derive(Deserialize)]
pub(super) struct StatusBody {
    status: String,
    #[serde(default)]
    close_reason: Option<String>,
    #[serde(default)]
    reason: String,
}

/// `POST /api/families/{id}/status`: moves the case (forward freely, back with a reason,
/// closed with a closing reason).
pub(super) async fn change_status(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(raw): Path<String>,
    b: Result<Json<StatusBody>, JsonRejection>,
) -> Result<Json<Value>, WebError> {
    let b = body(
        &user,
        &headers,
        b,
        "{\"status\": …, \"close_reason\": …, \"reason\": …}",
    )?;
    let family_id = id(&raw)?;
    let status = hearth_model::CaseStatus::parse(&b.status)
        .map_err(|e| WebError::Invalid(vec![("status".into(), e.to_string())]))?;
    let close_reason = b
        .close_reason
        .filter(|r| !r.trim().is_empty())
        .map(|r| hearth_model::CloseReason::parse(&r))
        .transpose()
        .map_err(|e| WebError::Invalid(vec![("close_reason".into(), e.to_string())]))?;
    let reason = b.reason.trim().to_string();
    if reason.chars().count() > crate::domain::NOTE_LIMIT
        || crate::domain::has_control(&reason, true)
    {
        return Err(WebError::Invalid(vec![(
            "reason".into(),
            "Reason must be 5000 characters or fewer, without control characters".into(),
        )]));
    }
    casework::change_status(
        &state,
        &user,
        family_id,
        StatusMove {
            status,
            close_reason,
            reason,
        },
    )
    .await?;
    Ok(ok(family_id))
}

macro_rules! form_post {
    ($name:ident, $form:ty, $call:path, $doc:literal) => {
        #[doc = $doc]
        pub(super) async fn $name(
            State(state): State<AppState>,
            user: CurrentUser,
            headers: HeaderMap,
            Path(raw): Path<String>,
            b: Result<Json<$form>, JsonRejection>,
        ) -> Result<Json<Value>, WebError> {
            let form = body(
                &user,
                &headers,
                b,
                "the fields documented for this operation",
            )?;
            let family_id = id(&raw)?;
            $call(&state, &user, family_id, form).await?;
            Ok(ok(family_id))
        }
    };
}

form_post!(
    add_assessment,
    AssessmentForm,
    work::add_assessment,
    "`POST /api/families/{id}/assessment`."
);
form_post!(
    add_goal,
    GoalForm,
    work::add_goal,
    "`POST /api/families/{id}/plan/goals`."
);
form_post!(
    add_action,
    ActionForm,
    work::add_action,
    "`POST /api/families/{id}/plan/actions`."
);
form_post!(
    add_review,
    ReviewForm,
    work::add_review,
    "`POST /api/families/{id}/plan/reviews`."
);
form_post!(
    add_team_member,
    TeamForm,
    work::add_team_member,
    "`POST /api/families/{id}/team`."
);

/// `POST /api/families/{id}/plan/actions/{action}/done`: records an action as done today.
pub(super) async fn action_done(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path((raw, action)): Path<(String, String)>,
) -> Result<Json<Value>, WebError> {
    let token = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !same_token(token, &user.session.csrf_token) {
        return Err(WebError::Csrf);
    }
    let family_id = id(&raw)?;
    work::action_done(&state, &user, family_id, id(&action)?).await?;
    Ok(ok(family_id))
}

macro_rules! item_post {
    ($name:ident, $form:ty, |$state:ident, $user:ident, $family:ident, $item:ident, $f:ident| $call:expr, $doc:literal) => {
        #[doc = $doc]
        pub(super) async fn $name(
            State($state): State<AppState>,
            $user: CurrentUser,
            headers: HeaderMap,
            Path((raw, item)): Path<(String, String)>,
            b: Result<Json<$form>, JsonRejection>,
        ) -> Result<Json<Value>, WebError> {
            let $f = body(
                &$user,
                &headers,
                b,
                "the fields documented for this operation",
            )?;
            let $family = id(&raw)?;
            let $item = id(&item)?;
            $call.await?;
            Ok(ok($family))
        }
    };
}

item_post!(
    change_goal,
    GoalChangeForm,
    |state, user, family_id, goal, form| work::change_goal(&state, &user, family_id, goal, form),
    "`POST /api/families/{id}/plan/goals/{goal}`: changes a goal's text."
);
item_post!(
    remove_goal,
    RemoveForm,
    |state, user, family_id, goal, form| work::remove(
        &state,
        &user,
        family_id,
        PlanItem::Goal(goal),
        form
    ),
    "`POST /api/families/{id}/plan/goals/{goal}/remove`: removes a goal and its actions."
);
item_post!(
    change_action,
    ActionChangeForm,
    |state, user, family_id, action, form| work::change_action(
        &state, &user, family_id, action, form
    ),
    "`POST /api/families/{id}/plan/actions/{action}`: changes an action."
);
item_post!(
    remove_action,
    RemoveForm,
    |state, user, family_id, action, form| work::remove(
        &state,
        &user,
        family_id,
        PlanItem::Action(action),
        form
    ),
    "`POST /api/families/{id}/plan/actions/{action}/remove`: removes an action."
);
item_post!(
    end_team_member,
    TeamEndForm,
    |state, user, family_id, member, form| work::end_team_member(
        &state, &user, family_id, member, form
    ),
    "`POST /api/families/{id}/team/{member}/end`: ends a team member's involvement."
);

/// The progress reading's body: positions by measure key, as numbers or text.
#[derive(Deserialize)]
pub(super) struct ProgressBody {
    #[serde(default)]
    stage: String,
    #[serde(default)]
    read_on: String,
    #[serde(default)]
    positions: BTreeMap<String, Value>,
}

/// `POST /api/families/{id}/progress`: records the family's positions on the progress
/// measures.
pub(super) async fn add_progress(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(raw): Path<String>,
    b: Result<Json<ProgressBody>, JsonRejection>,
) -> Result<Json<Value>, WebError> {
    let b = body(
        &user,
        &headers,
        b,
        "{\"stage\": …, \"read_on\": …, \"positions\": {…}}",
    )?;
    let family_id = id(&raw)?;
    let form = ProgressForm {
        stage: b.stage,
        read_on: b.read_on,
        positions: b
            .positions
            .into_iter()
            .map(|(k, v)| {
                let text = match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                (k, text)
            })
            .collect(),
    };
    work::add_progress(&state, &user, family_id, form).await?;
    Ok(ok(family_id))
}

/// `GET /api/progress`: the cohort's progress on each measure.
pub(super) async fn cohort(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<work::Cohort>, WebError> {
    Ok(Json(work::cohort(&state, &user).await?))
}
