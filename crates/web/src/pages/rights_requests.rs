//! The information governance officer's pages for a person's requests (issue 13), reached
//! from the Subject access page: the person (`/rights/people/{id}`: the identifiers held and
//! their restrictions), then "Correct an identifier" (`…/rectify`), "Restrict processing"
//! (`…/restrict`), "Lift a restriction" (`…/lift`) and "Erase" (`…/erase`: the request, a
//! confirmation step saying what will be removed, then the result). Every check and change is
//! the pipeline's (`service::rights_requests`).

use super::see_other;
use crate::actor::CurrentUser;
use crate::auth::CsrfForm;
use crate::error::WebError;
use crate::render::{self, field_errors, form_errors, FieldError, Page};
use crate::service::rights_requests::{
    self as service, field_label, grounds, LiftForm, RectifyForm, RequestForm,
};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hearth_pipeline::rights::requests::{ErasurePreview, PersonHeld};
use serde::{Deserialize, Serialize};

form_errors!(
    /// The rectification form's messages.
    RectifyErrors { field, value, reason }
);
form_errors!(
    /// The restriction and erasure forms' messages.
    RequestErrors { ground, reason, received_how }
);
form_errors!(
    /// The lifting form's messages.
    LiftErrors { restriction, reason, received_how }
);

/// An identifier as the pages show it.
#[derive(Serialize)]
struct IdentifierRow {
    key: &'static str,
    label: &'static str,
    values: Vec<String>,
}

/// A restriction as the pages show it.
#[derive(Serialize)]
pub(crate) struct RestrictionRow {
    pub id: i64,
    pub ground: String,
    pub reason: String,
    pub received_how: Option<String>,
    pub restricted_by: String,
    pub restricted_on: String,
    pub lifted_on: Option<String>,
    pub in_force: bool,
}

/// The person as every request page shows them.
#[derive(Serialize)]
struct Person {
    id: i64,
    records: u64,
    identifiers: Vec<IdentifierRow>,
    restrictions: Vec<RestrictionRow>,
    in_force: usize,
}

fn day(ts: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(ts)
        .map(|t| t.format("%-d %B %Y").to_string())
        .unwrap_or_else(|_| ts.chars().take(10).collect())
}

pub(crate) fn restriction_rows(held: &PersonHeld) -> Vec<RestrictionRow> {
    held.restrictions
        .iter()
        .map(|r| RestrictionRow {
            id: r.id,
            ground: r.ground.clone(),
            reason: r.reason.clone(),
            received_how: r.received_how.clone(),
            restricted_by: r.restricted_by.clone(),
            restricted_on: day(&r.restricted_at),
            lifted_on: r.lifted_at.as_deref().map(day),
            in_force: r.in_force(),
        })
        .collect()
}

fn person_view(held: &PersonHeld) -> Person {
    let restrictions = restriction_rows(held);
    Person {
        id: held.identifiers.person_id,
        records: held.identifiers.records,
        identifiers: held
            .identifiers
            .values
            .iter()
            .map(|(f, v)| IdentifierRow {
                key: f.key(),
                label: field_label(*f),
                values: v.clone(),
            })
            .collect(),
        in_force: restrictions.iter().filter(|r| r.in_force).count(),
        restrictions,
    }
}

fn person_id(id: &str) -> Result<i64, WebError> {
    id.parse::<i64>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or(WebError::NotFound)
}

/// A ground as radios show it.
#[derive(Serialize)]
struct GroundChoice {
    key: &'static str,
    text: &'static str,
}

fn ground_choices(erasure: bool) -> Vec<GroundChoice> {
    grounds(erasure)
        .into_iter()
        .map(|(key, text)| GroundChoice { key, text })
        .collect()
}

/// Every request page's context: the person, the form as typed and its messages.
#[derive(Serialize)]
struct RequestPage<F: Serialize, E: Serialize> {
    title: &'static str,
    errors: Vec<FieldError>,
    error: E,
    form: F,
    person: Person,
    grounds: Vec<GroundChoice>,
    done: Option<&'static str>,
}

/// One request's form page: its template, title, grounds (a restriction's, an erasure's or
/// none) and messages.
struct FormPage<E> {
    template: &'static str,
    title: &'static str,
    erasure: Option<bool>,
    messages: fn(&[(String, String)]) -> E,
}

const RECTIFY: FormPage<RectifyErrors> = FormPage {
    template: "rights_rectify.html",
    title: "Correct an identifier",
    erasure: None,
    messages: RectifyErrors::from_pairs,
};
const RESTRICT: FormPage<RequestErrors> = FormPage {
    template: "rights_restrict.html",
    title: "Restrict processing",
    erasure: Some(false),
    messages: RequestErrors::from_pairs,
};
const LIFT: FormPage<LiftErrors> = FormPage {
    template: "rights_lift.html",
    title: "Lift a restriction",
    erasure: None,
    messages: LiftErrors::from_pairs,
};
const ERASE: FormPage<RequestErrors> = FormPage {
    template: "rights_erase.html",
    title: "Erase a person's data",
    erasure: Some(true),
    messages: RequestErrors::from_pairs,
};

impl<E: Serialize> FormPage<E> {
    /// The page with the person, the form as typed and its messages (none: 200; some: 400).
    async fn show<F: Serialize>(
        &self,
        state: &AppState,
        user: &CurrentUser,
        person: i64,
        form: F,
        errors: &[(String, String)],
    ) -> Result<Response, WebError> {
        let held = service::person(state, user, person).await?;
        let ctx = RequestPage {
            title: self.title,
            errors: field_errors(errors),
            error: (self.messages)(errors),
            form,
            person: person_view(&held),
            grounds: self.erasure.map(ground_choices).unwrap_or_default(),
            done: None,
        };
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        };
        Ok(
            render::page(state, self.template, Some(user), "/subject-access", &ctx)?
                .with_status(status)
                .into_response(),
        )
    }

    /// `GET`: the form, empty.
    async fn blank<F: Serialize + Default>(
        &self,
        state: &AppState,
        user: &CurrentUser,
        id: &str,
    ) -> Result<Response, WebError> {
        self.show(state, user, person_id(id)?, F::default(), &[])
            .await
    }

    /// After a `POST`: the person's page saying it is `done`, or the form again as typed with
    /// what is wrong.
    async fn answer<F: Serialize, T>(
        &self,
        state: &AppState,
        user: &CurrentUser,
        person: i64,
        outcome: Result<T, WebError>,
        form: F,
        done: &str,
    ) -> Result<Response, WebError> {
        match outcome {
            Ok(_) => Ok(see_other(&format!("/rights/people/{person}?done={done}"))),
            Err(WebError::Invalid(e)) => self.show(state, user, person, form, &e).await,
            Err(e) => Err(e),
        }
    }
}

/// What the person page says after a change.
#[derive(Deserialize, Default)]
pub(super) struct DoneQuery {
    #[serde(default)]
    done: String,
}

/// `GET /rights/people/{id}`: the identifiers held on a person, their restrictions, and the
/// actions.
pub(super) async fn person(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Page, WebError> {
    let person = person_id(&id)?;
    let held = service::person(&state, &user, person).await?;
    let done = match q.done.as_str() {
        "rectified" => Some("The identifier was corrected on every record of this person. The next linkage run uses it."),
        "restricted" => Some("Processing is restricted: from now until the restriction is lifted, the person's records and the facts from them are withheld from every family page, export and API answer (their family shows them only as \"Restricted: details withheld\") and left out of linkage, identification and extracts. The records are kept."),
        "lifted" => Some("The restriction was lifted: the person's records are shown on their family's pages again at once, and the next linkage run processes them again."),
        _ => None,
    };
    let ctx = RequestPage {
        title: "A person's requests",
        errors: Vec::new(),
        error: RequestErrors::default(),
        form: RequestForm::default(),
        person: person_view(&held),
        grounds: Vec::new(),
        done,
    };
    render::page(
        &state,
        "rights_person.html",
        Some(&user),
        "/subject-access",
        &ctx,
    )
}

/// `GET /rights/people/{id}/rectify`.
pub(super) async fn rectify_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    RECTIFY.blank::<RectifyForm>(&state, &user, &id).await
}

/// `POST /rights/people/{id}/rectify`: corrects it, or the form again with what is wrong.
pub(super) async fn rectify(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<RectifyForm>,
) -> Result<Response, WebError> {
    let p = person_id(&id)?;
    let outcome = service::rectify(&state, &f.user, p, &f.form).await;
    RECTIFY
        .answer(&state, &f.user, p, outcome, f.form, "rectified")
        .await
}

/// `GET /rights/people/{id}/restrict`.
pub(super) async fn restrict_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    RESTRICT.blank::<RequestForm>(&state, &user, &id).await
}

/// `POST /rights/people/{id}/restrict`.
pub(super) async fn restrict(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<RequestForm>,
) -> Result<Response, WebError> {
    let p = person_id(&id)?;
    let outcome = service::restrict(&state, &f.user, p, &f.form).await;
    RESTRICT
        .answer(&state, &f.user, p, outcome, f.form, "restricted")
        .await
}

/// `GET /rights/people/{id}/lift`.
pub(super) async fn lift_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    LIFT.blank::<LiftForm>(&state, &user, &id).await
}

/// `POST /rights/people/{id}/lift`.
pub(super) async fn lift(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<LiftForm>,
) -> Result<Response, WebError> {
    let p = person_id(&id)?;
    let outcome = service::lift(&state, &f.user, p, &f.form).await;
    LIFT.answer(&state, &f.user, p, outcome, f.form, "lifted")
        .await
}

/// `GET /rights/people/{id}/erase`.
pub(super) async fn erase_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ERASE.blank::<RequestForm>(&state, &user, &id).await
}

/// The confirmation step's and the result's context.
#[derive(Serialize)]
struct ErasePage {
    title: &'static str,
    errors: Vec<FieldError>,
    person: i64,
    form: RequestForm,
    ground: &'static str,
    preview: Option<PreviewView>,
    erased: Option<ErasedView>,
}

#[derive(Serialize)]
struct Line {
    title: String,
    rows: usize,
}

#[derive(Serialize)]
struct PreviewView {
    records: usize,
    sources: Vec<String>,
    families: Vec<i64>,
    removed: Vec<Line>,
    kept: Vec<Line>,
}

#[derive(Serialize)]
struct ErasedView {
    id: i64,
    records: u64,
    tombstones: u64,
}

fn preview_view(p: ErasurePreview) -> PreviewView {
    let lines = |v: Vec<hearth_pipeline::rights::requests::ErasureLine>| {
        v.into_iter()
            .map(|l| Line {
                title: l.title,
                rows: l.rows,
            })
            .collect()
    };
    PreviewView {
        records: p.records,
        sources: p.sources,
        families: p.families,
        removed: lines(p.removed),
        kept: lines(p.kept),
    }
}

/// `POST /rights/people/{id}/erase`: the request checked and what will be removed shown to
/// confirm (`confirm=yes` then erases and shows the result), or the form with what is wrong.
pub(super) async fn erase(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<RequestForm>,
) -> Result<Response, WebError> {
    let p = person_id(&id)?;
    let confirmed = f.form.confirm == "yes";
    let outcome = if confirmed {
        service::erase(&state, &f.user, p, &f.form)
            .await
            .map(|done| (None, Some(done)))
    } else {
        service::erasure_preview(&state, p, &f.form)
            .await
            .map(|(_, preview)| (Some(preview), None))
    };
    match outcome {
        Ok((preview, erased)) => {
            let ground = hearth_governance::rights::erasure_ground(&f.form.ground).unwrap_or("");
            let ctx = ErasePage {
                title: if confirmed {
                    "Person erased"
                } else {
                    "Check the erasure"
                },
                errors: Vec::new(),
                person: p,
                ground,
                form: f.form,
                preview: preview.map(preview_view),
                erased: erased.map(|e| ErasedView {
                    id: e.id,
                    records: e.records,
                    tombstones: e.tombstones,
                }),
            };
            let template = if confirmed {
                "rights_erased.html"
            } else {
                "rights_erase_confirm.html"
            };
            Ok(
                render::page(&state, template, Some(&f.user), "/subject-access", &ctx)?
                    .into_response(),
            )
        }
        Err(WebError::Invalid(e)) => ERASE.show(&state, &f.user, p, f.form, &e).await,
        Err(e) => Err(e),
    }
}
