//! Referral pages: the list (`/referrals`: a referrer's own, or all for the performance
//! officer), the form (`/referrals/new`: "add another member" and "check the criteria" work
//! without JavaScript; with it, `referrals.js` counts the problems as they are ticked), a
//! referral (`/referrals/{id}`, with the officer's double check), the decision, and a returned
//! referral corrected and sent again (`/referrals/{id}/resend`: the form filled in as it was
//! sent, under the reason it was returned).

use super::see_other;
use crate::actor::CurrentUser;
use crate::auth::CsrfForm;
use crate::error::WebError;
use crate::render::{self, form_errors, FieldError, Page};
use crate::service::referrals::view::{ReferralDetail, ReferralRow, ReturnedView};
use crate::service::referrals::{self, referral_id, resend, DecisionInput, OFFICER_CHANNELS};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hearth_model::Role;
use hearth_referrals::form::{MemberInput, MAX_MEMBERS};
use hearth_referrals::{check, Consent, CriteriaCheck, ReferralInput, Relationship};
use serde::Serialize;

/// A choice: its key and label.
#[derive(Serialize)]
struct Choice {
    key: &'static str,
    label: &'static str,
}

/// `referrals.html`'s context.
#[derive(Serialize)]
struct ListPage {
    title: &'static str,
    errors: Vec<FieldError>,
    officer: bool,
    rows: Vec<ReferralRow>,
}

/// `GET /referrals`: the referrals the user may see.
pub(super) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Page, WebError> {
    let officer = user.role == Role::PerformanceOfficer;
    let rows = referrals::list(&state, &user).await?;
    let ctx = ListPage {
        title: if officer {
            "Referrals"
        } else {
            "Your referrals"
        },
        errors: Vec::new(),
        officer,
        rows,
    };
    render::page(&state, "referrals.html", Some(&user), "/referrals", &ctx)
}

form_errors!(
    /// The referral form's messages for fields other than members and problems.
    ReferralErrors { problems, consent, referrer_name, referrer_organisation, referrer_email, referrer_phone, channel, members }
);

/// A member's row as typed, with its messages.
#[derive(Serialize)]
struct MemberRow {
    index: usize,
    number: usize,
    values: MemberInput,
    given_name: Option<String>,
    family_name: Option<String>,
    date_of_birth: Option<String>,
    address: Option<String>,
    postcode: Option<String>,
    relationship: Option<String>,
}

/// A problem's checkbox and evidence, as typed.
#[derive(Serialize)]
struct ProblemRow {
    key: String,
    label: String,
    hint: String,
    checked: bool,
    evidence: String,
    error: Option<String>,
}

/// `referral_form.html`'s context.
#[derive(Serialize)]
struct FormPage {
    title: &'static str,
    /// Where the form posts: `/referrals/new`, or `/referrals/{id}/resend`.
    action: String,
    /// The returned referral this form corrects, with its reason.
    resend: Option<ReturnedView>,
    errors: Vec<FieldError>,
    officer: bool,
    input: ReferralInput,
    members: Vec<MemberRow>,
    problems: Vec<ProblemRow>,
    check: CriteriaCheck,
    error: ReferralErrors,
    channels: Vec<Choice>,
    relationships: Vec<Choice>,
    consents: Vec<Choice>,
    can_add: bool,
    /// The field that takes the focus when the page loads: a member just added's given name
    /// (without it the page opened at the top, away from the new fields).
    focus: Option<String>,
}

fn choices<T: Copy>(
    all: &[T],
    key: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|&v| Choice {
            key: key(v),
            label: label(v),
        })
        .collect()
}

fn form_page(
    state: &AppState,
    user: &CurrentUser,
    input: ReferralInput,
    errors: &[(String, String)],
    status: StatusCode,
) -> Result<Page, WebError> {
    form_page_focused(state, user, input, errors, status, None, None)
}

fn form_page_focused(
    state: &AppState,
    user: &CurrentUser,
    input: ReferralInput,
    errors: &[(String, String)],
    status: StatusCode,
    focus: Option<String>,
    resend: Option<ReturnedView>,
) -> Result<Page, WebError> {
    let message = |field: String| {
        errors
            .iter()
            .rev()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.clone())
    };
    let rules = &state.settings().referral_rules;
    let members = input
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let e = |f: &str| message(format!("member_{i}_{f}"));
            MemberRow {
                index: i,
                number: i + 1,
                values: m.clone(),
                given_name: e("given_name"),
                family_name: e("family_name"),
                date_of_birth: e("date_of_birth"),
                address: e("address"),
                postcode: e("postcode"),
                relationship: e("relationship"),
            }
        })
        .collect();
    let problems = rules
        .problems
        .iter()
        .map(|p| ProblemRow {
            key: p.key.clone(),
            label: p.label.clone(),
            hint: p.hint.clone(),
            checked: input.problems.contains(&p.key),
            evidence: input.evidence_for(&p.key).to_string(),
            error: message(format!("evidence_{}", p.key)),
        })
        .collect();
    let officer = user.role == Role::PerformanceOfficer;
    let ctx = FormPage {
        title: match (&resend, officer) {
            (Some(_), _) => "Correct and send again",
            (None, true) => "Enter a referral",
            (None, false) => "Make a referral",
        },
        action: resend.as_ref().map_or_else(
            || "/referrals/new".to_string(),
            |r| format!("/referrals/{}/resend", r.id),
        ),
        resend,
        errors: render::field_errors(errors),
        officer,
        check: check(rules, input.problems.iter().map(String::as_str)),
        can_add: input.members.len() < MAX_MEMBERS,
        focus,
        members,
        problems,
        error: ReferralErrors::from_pairs(errors),
        channels: OFFICER_CHANNELS
            .iter()
            .map(|c| Choice {
                key: c.key(),
                label: c.label(),
            })
            .collect(),
        relationships: choices(Relationship::ALL, Relationship::key, Relationship::label),
        consents: choices(Consent::ALL, Consent::key, Consent::label),
        input,
    };
    Ok(
        render::page(state, "referral_form.html", Some(user), "/referrals", &ctx)?
            .with_status(status),
    )
}

/// `?draft=`: a part-filled form kept on the server (see [`keep_draft`]).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct DraftQuery {
    draft: String,
}

/// The draft `q` names, typed by `user` in `form`.
async fn draft(
    state: &AppState,
    user: &CurrentUser,
    form: &str,
    q: &DraftQuery,
) -> Result<Option<(ReferralInput, Option<String>)>, WebError> {
    if q.draft.is_empty() {
        return Ok(None);
    }
    crate::service::drafts::get(state, &q.draft, user.user.id, form).await
}

/// "Add another member" and "Check the criteria" answer with a redirect to the form with
/// what was typed kept on the server (post/redirect/get), so that Back and reload ask
/// nothing: the form at `form` is shown again from the draft.
async fn keep_draft(
    state: &AppState,
    user: &CurrentUser,
    form: &str,
    mut input: ReferralInput,
    action: &str,
) -> Result<Response, WebError> {
    let focus = if action == "add_member" {
        add_member(&mut input)
    } else {
        None
    };
    let token = crate::service::drafts::keep(state, user.user.id, form, &input, focus).await?;
    Ok(see_other(&format!("{form}?draft={token}")))
}

/// `GET /referrals/new`: an empty form with one member, or the draft `?draft=` names.
pub(super) async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<DraftQuery>,
) -> Result<Page, WebError> {
    if let Some((input, focus)) = draft(&state, &user, "/referrals/new", &q).await? {
        return form_page_focused(&state, &user, input, &[], StatusCode::OK, focus, None);
    }
    let input = ReferralInput {
        members: vec![MemberInput::default()],
        ..ReferralInput::default()
    };
    form_page(&state, &user, input, &[], StatusCode::OK)
}

/// The form's fields as a referral typed: `member_{i}_{field}` (members up to the highest
/// index sent), `problems` (repeated), `evidence_{key}`, the rest by name.
pub(crate) fn parse_form(fields: &[(String, String)]) -> (ReferralInput, String) {
    let mut input = ReferralInput::default();
    let mut action = String::new();
    for (name, value) in fields {
        if let Some(rest) = name.strip_prefix("member_") {
            let Some((i, field)) = rest.split_once('_') else {
                continue;
            };
            let Ok(i) = i.parse::<usize>() else { continue };
            if i >= MAX_MEMBERS {
                continue;
            }
            if input.members.len() <= i {
                input.members.resize(i + 1, MemberInput::default());
            }
            let m = &mut input.members[i];
            let slot = match field {
                "given_name" => &mut m.given_name,
                "family_name" => &mut m.family_name,
                "date_of_birth" => &mut m.date_of_birth,
                "address" => &mut m.address,
                "postcode" => &mut m.postcode,
                "relationship" => &mut m.relationship,
                _ => continue,
            };
            *slot = value.clone();
        } else if let Some(key) = name.strip_prefix("evidence_") {
            input.evidence.push((key.to_string(), value.clone()));
        } else {
            match name.as_str() {
                "problems" => input.problems.push(value.clone()),
                "consent" => input.consent = value.clone(),
                "referrer_name" => input.referrer_name = value.clone(),
                "referrer_organisation" => input.referrer_organisation = value.clone(),
                "referrer_email" => input.referrer_email = value.clone(),
                "referrer_phone" => input.referrer_phone = value.clone(),
                "channel" => input.channel = value.clone(),
                "action" => action = value.clone(),
                _ => {}
            }
        }
    }
    if input.members.is_empty() {
        input.members.push(MemberInput::default());
    }
    (input, action)
}

/// "Add another member" on a form: a new row, which takes the focus.
fn add_member(input: &mut ReferralInput) -> Option<String> {
    if input.members.len() < MAX_MEMBERS {
        input.members.push(MemberInput::default());
        return Some(format!("member_{}_given_name", input.members.len() - 1));
    }
    None
}

/// `POST /referrals/new`: adds a member row, checks the criteria, or sends the referral (a
/// mistake shows the form again as typed, with its messages; nothing is stored).
pub(super) async fn submit(
    State(state): State<AppState>,
    f: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (input, action) = parse_form(&f.form);
    if matches!(action.as_str(), "add_member" | "check") {
        return keep_draft(&state, &f.user, "/referrals/new", input, &action).await;
    }
    match referrals::submit(&state, &f.user, input.clone()).await {
        Ok((id, _)) => Ok(see_other(&crate::render::with_confirmation(
            &format!("/referrals/{id}"),
            crate::render::Saved::ReferralSent,
        ))),
        Err(WebError::Invalid(errors)) => {
            Ok(
                form_page(&state, &f.user, input, &errors, StatusCode::BAD_REQUEST)?
                    .into_response(),
            )
        }
        Err(e) => Err(e),
    }
}

form_errors!(
    /// The decision form's messages.
    DecisionErrors { decision, reason, note }
);

/// `referral.html`'s context.
#[derive(Serialize)]
struct DetailPage<'a> {
    title: String,
    errors: Vec<FieldError>,
    officer: bool,
    referral: ReferralDetail,
    reasons: &'a [hearth_referrals::ReturnReason],
    /// Why the referral could not be corrected and sent again (a refused attempt).
    refused: Option<String>,
    decision: String,
    reason: String,
    note: String,
    error: DecisionErrors,
}

async fn detail_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    typed: DecisionInput,
    errors: &[(String, String)],
    status: StatusCode,
) -> Result<Page, WebError> {
    detail_page_refused(state, user, id, typed, errors, status, None).await
}

async fn detail_page_refused(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    typed: DecisionInput,
    errors: &[(String, String)],
    status: StatusCode,
    refused: Option<String>,
) -> Result<Page, WebError> {
    let referral = referrals::get(state, user, id).await?;
    let ctx = DetailPage {
        title: format!("Referral {id}: {}", referral.family),
        errors: render::field_errors(errors),
        officer: user.role == Role::PerformanceOfficer,
        referral,
        reasons: &state.settings().referral_rules.return_reasons,
        refused,
        decision: typed.decision,
        reason: typed.reason,
        note: typed.note,
        error: DecisionErrors::from_pairs(errors),
    };
    Ok(render::page(state, "referral.html", Some(user), "/referrals", &ctx)?.with_status(status))
}

/// `GET /referrals/{id}`: a referral as the user may see it.
pub(super) async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Page, WebError> {
    let id = referral_id(&id)?;
    detail_page(
        &state,
        &user,
        id,
        DecisionInput::default(),
        &[],
        StatusCode::OK,
    )
    .await
}

#[derive(serde::Deserialize)]
pub(super) struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    version: String,
}

/// `POST /referrals/{id}/decision`: accepts or returns a referral (the performance officer).
pub(super) async fn decide(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<DecisionForm>,
) -> Result<Response, WebError> {
    let id = referral_id(&id)?;
    let typed = DecisionInput {
        decision: f.form.decision,
        reason: f.form.reason,
        note: f.form.note,
        version: f.form.version,
    };
    match referrals::decide(&state, &f.user, id, typed.clone()).await {
        Ok(_) => Ok(see_other(&crate::render::with_confirmation(
            &format!("/referrals/{id}"),
            crate::render::Saved::Decision,
        ))),
        Err(WebError::Invalid(errors)) => {
            Ok(
                detail_page(&state, &f.user, id, typed, &errors, StatusCode::BAD_REQUEST)
                    .await?
                    .into_response(),
            )
        }
        Err(e) => Err(e),
    }
}

/// A refused "correct and send again" (not returned, or sent again already): the referral's
/// own page, saying why (with its link to the referral that sent it again), as 409.
async fn resend_refused(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    error: WebError,
) -> Result<Response, WebError> {
    let WebError::Conflict(message) = error else {
        return Err(error);
    };
    let page = detail_page_refused(
        state,
        user,
        id,
        DecisionInput::default(),
        &[],
        StatusCode::CONFLICT,
        Some(message),
    )
    .await?;
    Ok(page.into_response())
}

/// `GET /referrals/{id}/resend`: the returned referral in the form, as it was sent, under
/// the reason it was returned.
pub(super) async fn resend_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<DraftQuery>,
) -> Result<Response, WebError> {
    let id = referral_id(&id)?;
    match resend::form(&state, &user, id).await {
        Ok(r) => {
            let (input, focus) = draft(&state, &user, &format!("/referrals/{id}/resend"), &q)
                .await?
                .unwrap_or((r.input, None));
            Ok(form_page_focused(
                &state,
                &user,
                input,
                &[],
                StatusCode::OK,
                focus,
                Some(r.returned),
            )?
            .into_response())
        }
        Err(e) => resend_refused(&state, &user, id, e).await,
    }
}

/// `POST /referrals/{id}/resend`: as `POST /referrals/new` (another member, the criteria
/// check, sending), sending a new referral that names the returned one.
pub(super) async fn resend(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id = referral_id(&id)?;
    let (input, action) = parse_form(&f.form);
    let returned = match resend::returned_view(&state, &f.user, id).await {
        Ok(r) => r,
        Err(e) => return resend_refused(&state, &f.user, id, e).await,
    };
    let again = |input, errors: &[(String, String)], status, focus| {
        form_page_focused(
            &state,
            &f.user,
            input,
            errors,
            status,
            focus,
            Some(returned.clone()),
        )
        .map(IntoResponse::into_response)
    };
    if matches!(action.as_str(), "add_member" | "check") {
        let form = format!("/referrals/{id}/resend");
        return keep_draft(&state, &f.user, &form, input, &action).await;
    }
    match resend::send(&state, &f.user, id, input.clone()).await {
        Ok((new, _)) => Ok(see_other(&crate::render::with_confirmation(
            &format!("/referrals/{new}"),
            crate::render::Saved::ReferralResent,
        ))),
        Err(WebError::Invalid(errors)) => again(input, &errors, StatusCode::BAD_REQUEST, None),
        Err(e) => resend_refused(&state, &f.user, id, e).await,
    }
}
