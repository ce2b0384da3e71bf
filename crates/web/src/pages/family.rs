//! A family's pages: a summary at the top (`/families/{id}`) and one sub-page per part —
//! members, problems and assessment, plan, team, progress, timeline, notes — under a
//! sub-navigation, each with the family page's permission (and need to know per family,
//! audited as a view naming the part); and the posts that assign a lead worker and move the
//! case. The note's post is `family_notes`'s; the work's posts are `family_work`'s.

use super::{family_id, see_other, Choice, Person};
use crate::access::{permits, FamilyAccess, Permission};
use crate::actor::CurrentUser;
use crate::auth::CsrfForm;
use crate::error::WebError;
use crate::render::{self, form_errors, FieldError, Page};
use crate::service::casework::{self, StatusMove};
use crate::service::work_input::{
    ActionChangeForm, ActionForm, AssessmentForm, GoalChangeForm, GoalForm, ProgressForm,
    RemoveForm, ReviewForm, TeamEndForm, TeamForm,
};
use crate::service::{family, invalid};
use crate::state::AppState;
use crate::views::FamilyDetail;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hearth_casework::StatusOrder;
use hearth_model::{CaseStatus, CloseReason, ProgressStage};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A part of the family's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Section {
    Summary,
    Members,
    Problems,
    Plan,
    Team,
    Progress,
    Outcomes,
    Timeline,
    Savings,
    Notes,
}

impl Section {
    const ALL: [Section; 10] = [
        Section::Summary,
        Section::Members,
        Section::Problems,
        Section::Plan,
        Section::Team,
        Section::Progress,
        Section::Outcomes,
        Section::Timeline,
        Section::Savings,
        Section::Notes,
    ];

    /// The path's tail (`""` for the summary) and its template.
    fn slug(self) -> &'static str {
        match self {
            Section::Summary => "",
            Section::Members => "members",
            Section::Problems => "problems",
            Section::Plan => "plan",
            Section::Team => "team",
            Section::Progress => "progress",
            Section::Outcomes => "outcomes",
            Section::Timeline => "timeline",
            Section::Savings => "savings",
            Section::Notes => "notes",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Section::Summary => "Summary",
            Section::Members => "Members",
            Section::Problems => "Problems and assessment",
            Section::Plan => "Plan",
            Section::Team => "Team",
            Section::Progress => "Progress",
            Section::Outcomes => "Outcomes",
            Section::Timeline => "Timeline",
            Section::Savings => "Cost savings",
            Section::Notes => "Notes",
        }
    }

    fn path(self, family_id: i64) -> String {
        match self {
            Section::Summary => format!("/families/{family_id}"),
            s => format!("/families/{family_id}/{}", s.slug()),
        }
    }

    fn template(self) -> String {
        match self {
            Section::Summary => "family.html".into(),
            s => format!("family_{}.html", s.slug()),
        }
    }
}

form_errors!(
    /// The family pages' forms' messages.
    FamilyErrors {
        lead_worker, home_service, status, close_reason, reason, note,
        subject, problem, happening, strengths, needs, evidence_seen,
        goal_problem, measure, goal, goal_action, goal_owner, goal_due,
        goal_id, action, owner, due, reviewed_on, what_changed,
        name, agency, role, from, to, stage, read_on,
        change_reason, remove_reason,
    }
);

/// What was typed into the family pages' forms, shown again with their messages.
#[derive(Default, Serialize)]
pub(super) struct FamilyForms {
    pub lead_worker: String,
    pub home_service: String,
    pub status: String,
    pub close_reason: String,
    pub reason: String,
    pub note: String,
    pub assessment: AssessmentForm,
    pub goal: GoalForm,
    pub action: ActionForm,
    pub review: ReviewForm,
    pub team: TeamForm,
    pub progress: ProgressForm,
    pub goal_change: GoalChangeForm,
    pub action_change: ActionChangeForm,
    pub remove: RemoveForm,
    pub team_end: TeamEndForm,
    /// The goal, action or team member being changed (its page: `family_change.html`).
    pub editing: Option<Editing>,
    /// Which form the messages are for (`goal`, `action`…), so one form's fields are not
    /// marked on another that shares their names.
    pub form: Option<crate::render::Saved>,
    pub error: FamilyErrors,
    /// Messages for the progress form's positions, by measure key.
    pub position_errors: BTreeMap<String, String>,
}

/// A goal, action or team member being changed.
#[derive(Debug, Clone, Copy, Serialize)]
pub(super) struct Editing {
    /// `goal`, `action` or `team`.
    pub kind: &'static str,
    pub id: i64,
}

impl Editing {
    /// Whether the family's work (as the viewer sees it) has it.
    fn found_in(self, detail: &FamilyDetail) -> bool {
        let Some(w) = &detail.work else {
            return false;
        };
        match self.kind {
            "goal" => w.goals.iter().any(|g| g.id == self.id),
            "action" => w
                .goals
                .iter()
                .any(|g| g.actions.iter().any(|a| a.id == self.id)),
            _ => w.team.iter().any(|t| t.id == self.id),
        }
    }
}

/// What the viewer may do, as the template asks.
#[derive(Serialize)]
struct AccessView {
    identifiers: bool,
    casework: bool,
    assign: bool,
}

impl From<FamilyAccess> for AccessView {
    fn from(a: FamilyAccess) -> AccessView {
        AccessView {
            identifiers: a.identifiers,
            casework: a.casework,
            assign: a.assign,
        }
    }
}

/// An item of the sub-navigation.
#[derive(Serialize)]
struct SubNav {
    href: String,
    label: &'static str,
    current: bool,
}

/// The family pages' context.
#[derive(Serialize)]
struct FamilyPage<'a> {
    title: String,
    errors: Vec<FieldError>,
    access: AccessView,
    section: &'static str,
    section_label: &'static str,
    subnav: Vec<SubNav>,
    lead_workers: Vec<Person>,
    statuses: Vec<Choice<'static>>,
    close_reasons: Vec<Choice<'static>>,
    stages: Vec<Choice<'static>>,
    forms: FamilyForms,
    family: &'a FamilyDetail,
    facts_html: minijinja::Value,
    outcome_measures: &'a hearth_casework::OutcomeMeasures,
    /// The Outcomes Plan's measures for each of the family's problems (a goal's measure is
    /// one of its problem's).
    measure_groups: Vec<MeasureGroup<'a>>,
    progress_measures: &'a hearth_casework::ProgressMeasures,
    today: String,
    /// The cost savings section's figures (that section only; None: not attached by the
    /// latest savings run, or no run yet).
    savings: Option<crate::views::savings::FamilyView>,
    /// The outcomes section's judgement (that section only; None: not judged yet).
    outcomes: Option<crate::views::outcomes::OutcomesView>,
}

/// The measures offered for goals under one headline problem.
#[derive(Serialize)]
struct MeasureGroup<'a> {
    key: &'a str,
    problem: &'a str,
    measures: Vec<Choice<'a>>,
}

fn choices<T: Copy + 'static>(
    all: &'static [T],
    key: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Choice<'static>> {
    all.iter()
        .map(|&v| Choice {
            key: key(v),
            label: label(v),
        })
        .collect()
}

/// Renders one of the family's pages with the forms as typed and their messages.
pub(super) async fn family_page(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    section: Section,
    mut forms: FamilyForms,
    errors: &[(String, String)],
    status: StatusCode,
) -> Result<Page, WebError> {
    let part = if section == Section::Summary {
        "summary"
    } else {
        section.slug()
    };
    let (access, detail) = family::record_part(state, user, family_id, part).await?;
    if (section == Section::Notes || forms.editing.is_some()) && !access.casework {
        return Err(WebError::Forbidden);
    }
    if forms.editing.is_some_and(|e| !e.found_in(&detail)) {
        return Err(WebError::NotFound);
    }
    let cases = if access.assign {
        Some(state.cases().await?)
    } else {
        None
    };
    let lead_workers: Vec<Person> = cases
        .as_ref()
        .map(|c| {
            c.lead_workers()
                .into_iter()
                .map(|u| Person {
                    id: u.id.to_string(),
                    name: u.display_name.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let current = CaseStatus::parse(&detail.status).unwrap_or(CaseStatus::Identified);
    forms.error = FamilyErrors::from_pairs(errors);
    forms.position_errors = errors
        .iter()
        .filter_map(|(f, m)| Some((f.strip_prefix("position_")?.to_string(), m.clone())))
        .collect();
    let settings = state.settings();
    for m in &settings.progress_measures.measures {
        forms.progress.positions.entry(m.key.clone()).or_default();
    }
    let savings = if section == Section::Savings {
        crate::service::savings::family(state, family_id)
            .await?
            .as_ref()
            .map(|f| crate::views::savings::family(f, detail.figures_withheld([])))
    } else {
        None
    };
    let outcomes = match section {
        Section::Outcomes => crate::service::outcomes::family(state, family_id)
            .await?
            .map(|(o, sha)| {
                let (measures, plan) = (&settings.outcome_measures, &settings.outcomes_plan_file);
                crate::views::outcomes::family(&o, &sha, &detail, measures, plan.as_ref())
            }),
        _ => None,
    };
    let facts_html = match section {
        Section::Problems => detail.facts_html.problems.clone(),
        Section::Team => detail.facts_html.team.clone(),
        Section::Timeline => detail.facts_html.timeline.clone(),
        _ => minijinja::Value::from(""),
    };
    // The cached part names people by marker: each is named here as this viewer may see
    // them (names only for roles that may see identifiers, read for this request).
    let names: BTreeMap<i64, String> = detail
        .members
        .iter()
        .filter_map(|m| Some((m.person_id, m.name.clone()?)))
        .collect();
    let facts_html = minijinja::Value::from_safe_string(crate::facts::name_people(
        facts_html.as_str().unwrap_or_default(),
        &names,
    ));
    let subnav = Section::ALL
        .iter()
        .filter(|s| **s != Section::Notes || access.casework)
        .map(|&s| SubNav {
            href: s.path(family_id),
            label: s.label(),
            current: s == section,
        })
        .collect();
    let ctx = FamilyPage {
        title: if let Some(e) = forms.editing {
            let what = match e.kind {
                "goal" => "Change a goal",
                "action" => "Change an action",
                _ => "End someone's involvement",
            };
            format!("{what}: family {family_id}")
        } else if section == Section::Summary {
            format!("Family {family_id}")
        } else {
            format!("{}: family {family_id}", section.label())
        },
        errors: render::field_errors(errors),
        access: access.into(),
        section: section.slug(),
        section_label: section.label(),
        subnav,
        lead_workers,
        statuses: current
            .others()
            .map(|s| Choice {
                key: s.key(),
                label: s.label(),
            })
            .collect(),
        close_reasons: choices(CloseReason::ALL, CloseReason::key, CloseReason::label),
        stages: choices(ProgressStage::ALL, ProgressStage::key, ProgressStage::label),
        forms,
        facts_html,
        family: &detail,
        outcome_measures: &settings.outcome_measures,
        measure_groups: detail
            .problem_list
            .iter()
            .map(|p| MeasureGroup {
                key: &p.key,
                problem: &p.label,
                measures: settings
                    .outcome_measures
                    .for_problem(&p.key)
                    .map(|m| Choice {
                        key: &m.key,
                        label: &m.title,
                    })
                    .collect(),
            })
            .collect(),
        progress_measures: &settings.progress_measures,
        today: state.now().date_naive().format("%-d %-m %Y").to_string(),
        savings,
        outcomes,
    };
    let active = if permits(user.role, Permission::Caseload) {
        "/caseload"
    } else {
        "/families"
    };
    let template = match ctx.forms.editing {
        Some(_) => "family_change.html".to_string(),
        None => section.template(),
    };
    Ok(render::page(state, &template, Some(user), active, &ctx)?.with_status(status))
}

async fn show(
    state: AppState,
    user: CurrentUser,
    id: String,
    section: Section,
) -> Result<Page, WebError> {
    family_page(
        &state,
        &user,
        family_id(&id)?,
        section,
        FamilyForms::default(),
        &[],
        StatusCode::OK,
    )
    .await
}

/// `GET /families/{id}`: the family's summary: key facts, status and its history, lead
/// worker, next step; the forms to assign and move the case.
pub(super) async fn family(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Page, WebError> {
    show(state, user, id, Section::Summary).await
}

macro_rules! section_page {
    ($name:ident, $section:expr, $doc:literal) => {
        #[doc = $doc]
        pub(super) async fn $name(
            State(state): State<AppState>,
            user: CurrentUser,
            Path(id): Path<String>,
        ) -> Result<Page, WebError> {
            show(state, user, id, $section).await
        }
    };
}

section_page!(
    members,
    Section::Members,
    "`GET /families/{id}/members`: members and relationships."
);
section_page!(
    problems,
    Section::Problems,
    "`GET /families/{id}/problems`: problems, evidence and the whole-family assessment."
);
section_page!(
    plan,
    Section::Plan,
    "`GET /families/{id}/plan`: the family plan: goals, actions (overdue first marked), reviews."
);
section_page!(
    team,
    Section::Team,
    "`GET /families/{id}/team`: the team around the family and the agencies in the records."
);
section_page!(
    progress,
    Section::Progress,
    "`GET /families/{id}/progress`: the family progress data over time."
);
section_page!(
    outcomes,
    Section::Outcomes,
    "`GET /families/{id}/outcomes`: progress against the Outcomes Plan and the earliest claim."
);
section_page!(
    timeline,
    Section::Timeline,
    "`GET /families/{id}/timeline`: every partner record of the members."
);
section_page!(
    savings,
    Section::Savings,
    "`GET /families/{id}/savings`: the family's service use before and after attachment, priced (the latest savings run)."
);
section_page!(
    notes,
    Section::Notes,
    "`GET /families/{id}/notes`: the case notes (casework roles)."
);

/// After a post: to the family's page `to` (the path under `/families/{id}/`, with its
/// anchor; empty for the summary), or — for a mistake in the form — the section's page with
/// the form as typed and its messages.
pub(super) async fn done(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    section: Section,
    outcome: Result<(), WebError>,
    forms: FamilyForms,
    to: &str,
) -> Result<Response, WebError> {
    // The page says what the form did.
    let key = forms.form.unwrap_or(crate::render::Saved::ActionDone);
    let page = match to {
        "" => format!("/families/{family_id}"),
        to => format!("/families/{family_id}/{to}"),
    };
    match outcome {
        Ok(()) => Ok(see_other(&crate::render::with_confirmation(&page, key))),
        Err(WebError::Invalid(errors)) => Ok(family_page(
            state,
            user,
            family_id,
            section,
            forms,
            &errors,
            StatusCode::BAD_REQUEST,
        )
        .await?
        .into_response()),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub(super) struct LeadWorkerForm {
    #[serde(default)]
    lead_worker: String,
    #[serde(default)]
    home_service: String,
}

/// `POST /families/{id}/lead-worker`: assigns a lead worker, with their home service.
pub(super) async fn assign_lead_worker(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<LeadWorkerForm>,
) -> Result<Response, WebError> {
    let family_id = family_id(&id)?;
    let service = f.form.home_service.trim();
    let outcome = match f.form.lead_worker.trim().parse::<i64>() {
        Err(_) => Err(invalid("lead_worker", "Select a lead worker")),
        Ok(_) if service.chars().count() > crate::service::work_input::SHORT_LIMIT => Err(invalid(
            "home_service",
            "Home service must be 200 characters or fewer",
        )),
        Ok(_) if crate::domain::has_control(service, false) => Err(invalid(
            "home_service",
            "Home service must not contain control or text-direction characters",
        )),
        Ok(lw) => casework::assign_from(
            &state,
            &f.user,
            family_id,
            Some(lw),
            (!service.is_empty()).then(|| service.to_string()),
        )
        .await
        .map(|_| ()),
    };
    let forms = FamilyForms {
        lead_worker: f.form.lead_worker.clone(),
        home_service: f.form.home_service.clone(),
        form: Some(crate::render::Saved::LeadWorker),
        ..FamilyForms::default()
    };
    done(
        &state,
        &f.user,
        family_id,
        Section::Summary,
        outcome,
        forms,
        "",
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct StatusForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    close_reason: String,
    #[serde(default)]
    reason: String,
}

/// `POST /families/{id}/status`: moves the case (performance officer or the family's lead
/// worker): forward freely, back with a reason, closed with a closing reason.
pub(super) async fn change_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<StatusForm>,
) -> Result<Response, WebError> {
    let family_id = family_id(&id)?;
    let reason = f.form.reason.trim();
    let close_reason = match f.form.close_reason.trim() {
        "" => Ok(None),
        k => CloseReason::parse(k).map(Some),
    };
    let outcome = match (CaseStatus::parse(&f.form.status), close_reason) {
        (Err(_), _) => Err(invalid("status", "Select the family's new status")),
        (_, Err(_)) => Err(invalid("close_reason", "Select why the case is closing")),
        _ if reason.chars().count() > crate::domain::NOTE_LIMIT => Err(invalid(
            "reason",
            format!(
                "Reason must be {} characters or fewer",
                crate::domain::NOTE_LIMIT
            ),
        )),
        _ if crate::domain::has_control(reason, true) => Err(invalid(
            "reason",
            "Reason must not contain control or text-direction characters",
        )),
        (Ok(status), Ok(close_reason)) => {
            casework::change_status(
                &state,
                &f.user,
                family_id,
                StatusMove {
                    status,
                    close_reason,
                    reason: reason.to_string(),
                },
            )
            .await
        }
    };
    let forms = FamilyForms {
        status: f.form.status.clone(),
        close_reason: f.form.close_reason.clone(),
        reason: f.form.reason.clone(),
        form: Some(crate::render::Saved::Status),
        ..FamilyForms::default()
    };
    done(
        &state,
        &f.user,
        family_id,
        Section::Summary,
        outcome,
        forms,
        "",
    )
    .await
}
