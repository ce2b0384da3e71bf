//! The posts of the work with a family — assessment, plan goals, actions and reviews, the
//! team, progress — each back to its sub-page, or that page again with the form as typed
//! and a message beside each field; and the cohort's progress (`/progress`).

use super::family::{done, family_page, Editing, FamilyForms, Section};
use super::family_id;
use crate::actor::CurrentUser;
use crate::auth::CsrfForm;
use crate::error::WebError;
use crate::render::{self, Page};
use crate::service::work;
use crate::service::work_input::{
    ActionChangeForm, ActionForm, AssessmentForm, GoalChangeForm, GoalForm, ProgressForm,
    RemoveForm, ReviewForm, TeamEndForm, TeamForm,
};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use hearth_store::PlanItem;
use serde::Serialize;
use std::collections::BTreeMap;

/// The goal form shares field names with the assessment and action forms: its messages
/// are named for its own fields on the page (`goal_action`…), so each sits beside its field.
fn goal_fields(outcome: Result<(), WebError>) -> Result<(), WebError> {
    outcome.map_err(|e| match e {
        WebError::Invalid(errors) => WebError::Invalid(
            errors
                .into_iter()
                .map(|(f, m)| match f.as_str() {
                    "problem" | "action" | "owner" | "due" => (format!("goal_{f}"), m),
                    _ => (f, m),
                })
                .collect(),
        ),
        e => e,
    })
}

/// `POST /families/{id}/assessment`: adds to the whole-family assessment.
pub(super) async fn add_assessment(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<AssessmentForm>,
) -> Result<Response, WebError> {
    let family_id = family_id(&id)?;
    let outcome = work::add_assessment(&state, &f.user, family_id, f.form.clone()).await;
    let forms = FamilyForms {
        assessment: f.form,
        form: Some(crate::render::Saved::Assessment),
        ..FamilyForms::default()
    };
    done(
        &state,
        &f.user,
        family_id,
        Section::Problems,
        outcome,
        forms,
        "problems#assessment",
    )
    .await
}

/// `POST /families/{id}/plan/goals`: adds a goal (with its first action) to the plan.
pub(super) async fn add_goal(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<GoalForm>,
) -> Result<Response, WebError> {
    let family_id = family_id(&id)?;
    let outcome = goal_fields(work::add_goal(&state, &f.user, family_id, f.form.clone()).await);
    let forms = FamilyForms {
        goal: f.form,
        form: Some(crate::render::Saved::Goal),
        ..FamilyForms::default()
    };
    done(
        &state,
        &f.user,
        family_id,
        Section::Plan,
        outcome,
        forms,
        "plan",
    )
    .await
}

/// `POST /families/{id}/plan/actions`: adds an action to a goal of the plan.
pub(super) async fn add_action(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<ActionForm>,
) -> Result<Response, WebError> {
    let family_id = family_id(&id)?;
    let outcome = work::add_action(&state, &f.user, family_id, f.form.clone()).await;
    let forms = FamilyForms {
        action: f.form,
        form: Some(crate::render::Saved::Action),
        ..FamilyForms::default()
    };
    done(
        &state,
        &f.user,
        family_id,
        Section::Plan,
        outcome,
        forms,
        "plan",
    )
    .await
}

#[derive(serde::Deserialize)]
pub(super) struct NoFields {}

/// `POST /families/{id}/plan/actions/{action}/done`: records an action as done today.
pub(super) async fn action_done(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    f: CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    let family_id = family_id(&id)?;
    let action: i64 = action.parse().map_err(|_| WebError::NotFound)?;
    let outcome = work::action_done(&state, &f.user, family_id, action).await;
    done(
        &state,
        &f.user,
        family_id,
        Section::Plan,
        outcome,
        FamilyForms::default(),
        "plan",
    )
    .await
}

/// The family and the goal, action or team member in a path.
fn item_path(id: &str, item: &str) -> Result<(i64, i64), WebError> {
    Ok((
        family_id(id)?,
        item.parse().map_err(|_| WebError::NotFound)?,
    ))
}

/// The page that changes a goal, action or team member (casework roles; 404 for one the
/// family does not have).
async fn change_page(
    state: AppState,
    user: CurrentUser,
    (family_id, id): (i64, i64),
    kind: &'static str,
) -> Result<crate::render::Page, WebError> {
    let section = if kind == "team" {
        Section::Team
    } else {
        Section::Plan
    };
    let forms = FamilyForms {
        editing: Some(Editing { kind, id }),
        ..FamilyForms::default()
    };
    family_page(
        &state,
        &user,
        family_id,
        section,
        forms,
        &[],
        StatusCode::OK,
    )
    .await
}

/// `GET /families/{id}/plan/goals/{goal}`: change a goal, or remove it with a reason.
pub(super) async fn goal_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, goal)): Path<(String, String)>,
) -> Result<crate::render::Page, WebError> {
    change_page(state, user, item_path(&id, &goal)?, "goal").await
}

/// `GET /families/{id}/plan/actions/{action}`: change an action, or remove it with a reason.
pub(super) async fn action_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, action)): Path<(String, String)>,
) -> Result<crate::render::Page, WebError> {
    change_page(state, user, item_path(&id, &action)?, "action").await
}

/// `GET /families/{id}/team/{member}`: end a team member's involvement.
pub(super) async fn team_member_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, member)): Path<(String, String)>,
) -> Result<crate::render::Page, WebError> {
    change_page(state, user, item_path(&id, &member)?, "team").await
}

/// `POST /families/{id}/plan/goals/{goal}`: changes a goal's text (kept in the plan's
/// history).
pub(super) async fn change_goal(
    State(state): State<AppState>,
    Path((id, goal)): Path<(String, String)>,
    f: CsrfForm<GoalChangeForm>,
) -> Result<Response, WebError> {
    let (family_id, goal) = item_path(&id, &goal)?;
    let outcome = work::change_goal(&state, &f.user, family_id, goal, f.form.clone()).await;
    let forms = FamilyForms {
        goal_change: f.form,
        form: Some(crate::render::Saved::GoalChange),
        editing: Some(Editing {
            kind: "goal",
            id: goal,
        }),
        ..FamilyForms::default()
    };
    done(
        &state,
        &f.user,
        family_id,
        Section::Plan,
        outcome,
        forms,
        &format!("plan#goal-{goal}"),
    )
    .await
}

/// `POST /families/{id}/plan/actions/{action}`: changes an action's text, owner or due date
/// (each change kept in the plan's history).
pub(super) async fn change_action(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    f: CsrfForm<ActionChangeForm>,
) -> Result<Response, WebError> {
    let (family_id, action) = item_path(&id, &action)?;
    let outcome = work::change_action(&state, &f.user, family_id, action, f.form.clone()).await;
    let forms = FamilyForms {
        action_change: f.form,
        form: Some(crate::render::Saved::ActionChange),
        editing: Some(Editing {
            kind: "action",
            id: action,
        }),
        ..FamilyForms::default()
    };
    done(
        &state,
        &f.user,
        family_id,
        Section::Plan,
        outcome,
        forms,
        "plan",
    )
    .await
}

async fn remove(
    state: AppState,
    f: CsrfForm<RemoveForm>,
    family_id: i64,
    item: PlanItem,
) -> Result<Response, WebError> {
    let outcome = work::remove(&state, &f.user, family_id, item, f.form.clone()).await;
    let editing = match item {
        PlanItem::Goal(id) => Editing { kind: "goal", id },
        PlanItem::Action(id) => Editing { kind: "action", id },
    };
    let forms = FamilyForms {
        remove: f.form,
        form: Some(crate::render::Saved::Remove),
        editing: Some(editing),
        ..FamilyForms::default()
    };
    done(
        &state,
        &f.user,
        family_id,
        Section::Plan,
        outcome,
        forms,
        "plan#changes",
    )
    .await
}

/// `POST /families/{id}/plan/goals/{goal}/remove`: removes a goal and its actions, with why.
pub(super) async fn remove_goal(
    State(state): State<AppState>,
    Path((id, goal)): Path<(String, String)>,
    f: CsrfForm<RemoveForm>,
) -> Result<Response, WebError> {
    let (family_id, goal) = item_path(&id, &goal)?;
    remove(state, f, family_id, PlanItem::Goal(goal)).await
}

/// `POST /families/{id}/plan/actions/{action}/remove`: removes an action, with why.
pub(super) async fn remove_action(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    f: CsrfForm<RemoveForm>,
) -> Result<Response, WebError> {
    let (family_id, action) = item_path(&id, &action)?;
    remove(state, f, family_id, PlanItem::Action(action)).await
}

/// `POST /families/{id}/team/{member}/end`: ends a team member's involvement (once).
pub(super) async fn end_team_member(
    State(state): State<AppState>,
    Path((id, member)): Path<(String, String)>,
    f: CsrfForm<TeamEndForm>,
) -> Result<Response, WebError> {
    let (family_id, member) = item_path(&id, &member)?;
    let outcome = work::end_team_member(&state, &f.user, family_id, member, f.form.clone()).await;
    let forms = FamilyForms {
        team_end: f.form,
        form: Some(crate::render::Saved::TeamEnd),
        editing: Some(Editing {
            kind: "team",
            id: member,
        }),
        ..FamilyForms::default()
    };
    done(
        &state,
        &f.user,
        family_id,
        Section::Team,
        outcome,
        forms,
        "team",
    )
    .await
}

/// `POST /families/{id}/plan/reviews`: records a review of the plan.
pub(super) async fn add_review(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<ReviewForm>,
) -> Result<Response, WebError> {
    let family_id = family_id(&id)?;
    let outcome = work::add_review(&state, &f.user, family_id, f.form.clone()).await;
    let forms = FamilyForms {
        review: f.form,
        form: Some(crate::render::Saved::Review),
        ..FamilyForms::default()
    };
    done(
        &state,
        &f.user,
        family_id,
        Section::Plan,
        outcome,
        forms,
        "plan#reviews",
    )
    .await
}

/// `POST /families/{id}/team`: adds a practitioner or service to the team.
pub(super) async fn add_team_member(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<TeamForm>,
) -> Result<Response, WebError> {
    let family_id = family_id(&id)?;
    let outcome = work::add_team_member(&state, &f.user, family_id, f.form.clone()).await;
    let forms = FamilyForms {
        team: f.form,
        form: Some(crate::render::Saved::Team),
        ..FamilyForms::default()
    };
    done(
        &state,
        &f.user,
        family_id,
        Section::Team,
        outcome,
        forms,
        "team",
    )
    .await
}

/// `POST /families/{id}/progress`: records the family's positions on the progress
/// measures (fields `stage`, `read_on`, `position_<measure key>`).
pub(super) async fn add_progress(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let family_id = family_id(&id)?;
    let form = ProgressForm::from_fields(&f.form);
    let outcome = work::add_progress(&state, &f.user, family_id, form.clone()).await;
    let forms = FamilyForms {
        progress: form,
        form: Some(crate::render::Saved::Progress),
        ..FamilyForms::default()
    };
    done(
        &state,
        &f.user,
        family_id,
        Section::Progress,
        outcome,
        forms,
        "progress",
    )
    .await
}

/// `progress_cohort.html`'s context.
#[derive(Serialize)]
struct CohortPage {
    title: &'static str,
    errors: Vec<render::FieldError>,
    cohort: work::Cohort,
}

/// `GET /progress`: the cohort's progress on each measure (performance officer, analyst).
pub(super) async fn cohort(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Page, WebError> {
    let cohort = work::cohort(&state, &user).await?;
    let ctx = CohortPage {
        title: "Families' progress",
        errors: Vec::new(),
        cohort,
    };
    render::page(
        &state,
        "progress_cohort.html",
        Some(&user),
        "/progress",
        &ctx,
    )
}
