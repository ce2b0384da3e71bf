//! The HTML pages. Each handler's doc comment names its route; authorisation is checked at
//! the top of each handler, through [`crate::access`].

use crate::access::{family_access, Role};
use crate::auth::{
    self, check_sign_in, cookie, form_bytes, same_token, set_cookie, start_session, CsrfForm,
    CurrentUser, SignIn, SESSION_COOKIE, SIGN_IN_COOKIE,
};
use crate::error::WebError;
use crate::render::{page, page_with, Page};
use crate::state::AppState;
use crate::views::{self, Cases, Filters};
use axum::extract::{FromRequestParts, Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;
use hearth_casework::Status;
use hearth_store::{AuditEntry, AuditQuery, CaseNote, FamilyCase, FamilyReads, NewUser};
use serde::Deserialize;
use serde_json::json;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/sign-in", get(sign_in_page).post(sign_in))
        .route("/sign-out", post(sign_out))
        .route("/families", get(families))
        .route("/families/{id}", get(family))
        .route("/families/{id}/lead-worker", post(assign_lead_worker))
        .route("/families/{id}/status", post(change_status))
        .route("/families/{id}/notes", post(add_note))
        .route("/caseload", get(caseload))
        .route("/referrals", get(referrals))
        .route("/audit", get(audit))
        .route("/admin/users", get(users).post(add_user))
        .route("/admin/users/{id}", post(update_user))
        .route(
            "/account/password",
            get(password_page).post(change_password),
        )
}

/// Appends to the audit log. Targets are keys, never names.
pub(crate) async fn audit_event(
    state: &AppState,
    user: Option<&CurrentUser>,
    user_name: &str,
    client_ip: &str,
    action: &str,
    target: (&str, String),
    detail: String,
) -> Result<(), WebError> {
    let entry = AuditEntry {
        id: 0,
        at: state.now(),
        user_id: user.map(|u| u.user.id),
        user_name: user_name.to_string(),
        action: action.to_string(),
        target_kind: target.0.to_string(),
        target_id: target.1,
        client_ip: client_ip.to_string(),
        detail,
    };
    state.audit(entry).await?;
    Ok(())
}

fn audit_user(u: &CurrentUser) -> (Option<&CurrentUser>, &str, &str) {
    (Some(u), u.user.user_name.as_str(), u.client_ip.as_str())
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// `GET /`: the signed-in user's home for their role, or the sign-in page.
async fn home(State(state): State<AppState>, req: Request) -> Result<Response, WebError> {
    let (mut parts, _) = req.into_parts();
    match CurrentUser::from_request_parts(&mut parts, &state).await {
        Ok(u) => Ok(see_other(u.role.home())),
        Err(_) => Ok(see_other("/sign-in")),
    }
}

#[derive(Deserialize, Default)]
struct SignInQuery {
    #[serde(default)]
    expired: Option<String>,
}

fn sign_in_form(
    state: &AppState,
    token: &str,
    user_name: &str,
    errors: &[(&str, &str)],
    notice: Option<&str>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let mut p = page(
        state,
        "sign_in.html",
        None,
        "",
        json!({
            "title": "Sign in",
            "csrf_token": token,
            "user_name": user_name,
            "notice": notice,
            "errors": errors.iter().map(|(f, m)| json!({"field": f, "message": m})).collect::<Vec<_>>(),
            "error": errors.iter().map(|(f, m)| (f.to_string(), m.to_string())).collect::<std::collections::BTreeMap<_, _>>(),
        }),
    )?;
    p.status = status;
    let mut r = p.into_response();
    if let Ok(v) = set_cookie(state, SIGN_IN_COOKIE, token, None).parse() {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(r)
}

/// `GET /sign-in`: the sign-in form.
async fn sign_in_page(
    State(state): State<AppState>,
    Query(q): Query<SignInQuery>,
) -> Result<Response, WebError> {
    let notice = q.expired.map(|_| {
        "You were signed out because you had not done anything for a while. Sign in again."
    });
    sign_in_form(
        &state,
        &auth::random_token(),
        "",
        &[],
        notice,
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    user_name: String,
    #[serde(default)]
    password: String,
}

/// `POST /sign-in`: checks the form's CSRF token against its cookie, throttles failures and
/// starts a session.
async fn sign_in(State(state): State<AppState>, req: Request) -> Result<Response, WebError> {
    let (parts, body) = req.into_parts();
    let ip = auth::client_ip(&parts);
    let expected = cookie(&parts, SIGN_IN_COOKIE).map(str::to_string);
    let bytes = form_bytes(parts, body, &state).await?;
    let form: SignInForm = serde_urlencoded::from_bytes(&bytes)
        .map_err(|_| WebError::BadRequest("the form's fields are not as expected".into()))?;
    if !expected.is_some_and(|e| !e.is_empty() && same_token(&e, &form.csrf_token)) {
        return Err(WebError::Csrf);
    }
    let token = auth::random_token();
    let name = form.user_name.trim().to_lowercase();
    let mut errors = Vec::new();
    if name.is_empty() {
        errors.push(("user_name", "Enter your user name"));
    }
    if form.password.is_empty() {
        errors.push(("password", "Enter your password"));
    }
    if !errors.is_empty() {
        return sign_in_form(
            &state,
            &token,
            &form.user_name,
            &errors,
            None,
            StatusCode::BAD_REQUEST,
        );
    }
    match check_sign_in(&state, &name, &form.password).await? {
        SignIn::Ok(user) => {
            let session = start_session(&state, &user).await?;
            let role = Role::parse(&user.role).ok_or(WebError::Forbidden)?;
            audit_event(
                &state,
                None,
                &user.user_name,
                &ip,
                "sign in",
                ("user", user.id.to_string()),
                String::new(),
            )
            .await?;
            tracing::info!(user = %user.user_name, "signed in");
            let mut r = see_other(role.home());
            if let Ok(v) = set_cookie(&state, SESSION_COOKIE, &session, None).parse() {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
            if let Ok(v) = set_cookie(&state, SIGN_IN_COOKIE, "", Some(0)).parse() {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(r)
        }
        SignIn::Wrong => {
            audit_event(
                &state,
                None,
                &name,
                &ip,
                "sign in failed",
                ("user", "-".into()),
                String::new(),
            )
            .await?;
            sign_in_form(
                &state,
                &token,
                &form.user_name,
                &[("user_name", "Enter a correct user name and password")],
                None,
                StatusCode::UNAUTHORIZED,
            )
        }
        SignIn::Throttled => {
            audit_event(
                &state,
                None,
                &name,
                &ip,
                "sign in throttled",
                ("user", "-".into()),
                String::new(),
            )
            .await?;
            tracing::warn!("sign-in throttled");
            sign_in_form(
                &state,
                &token,
                &form.user_name,
                &[("user_name", "You have entered the wrong password too many times. Wait 15 minutes and try again")],
                None,
                StatusCode::TOO_MANY_REQUESTS,
            )
        }
    }
}

#[derive(Deserialize)]
struct Empty {}

/// `POST /sign-out`: ends the session.
async fn sign_out(State(state): State<AppState>, f: CsrfForm<Empty>) -> Result<Response, WebError> {
    let digest = f.user.session.token_sha256.clone();
    state.forget_session(&digest);
    let key = digest.clone();
    state.db(move |s| s.delete_session(&digest)).await?;
    state.forget_session(&key);
    let (u, n, ip) = audit_user(&f.user);
    audit_event(
        &state,
        u,
        n,
        ip,
        "sign out",
        ("user", f.user.user.id.to_string()),
        String::new(),
    )
    .await?;
    let mut r = see_other("/sign-in");
    if let Ok(v) = set_cookie(&state, SESSION_COOKIE, "", Some(0)).parse() {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(r)
}

const PAGE_SIZE: usize = 50;

/// `GET /families`: the eligible families of the latest identification run in priority
/// order, filtered by problem, area, status and lead worker. Performance officers and data
/// analysts.
async fn families(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(filters): Query<Filters>,
) -> Result<Page, WebError> {
    if !user.role.may_list_families() {
        return Err(WebError::Forbidden);
    }
    let run = state.latest_run().await?;
    let cases = state.cases().await?;
    let keys = match &run {
        Some(run) => {
            let f = filters.resolve(run);
            views::family_keys(run, &cases, run.ranked.iter().copied(), |r| {
                views::matches(r, &f)
            })
        }
        None => Vec::new(),
    };
    let pages = keys.len().div_ceil(PAGE_SIZE).max(1);
    let page_no = filters.page.unwrap_or(1).clamp(1, pages);
    let shown: Vec<views::ListRow> = match &run {
        Some(run) => keys
            .iter()
            .skip((page_no - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|k| views::list_row(run, &cases, k))
            .collect(),
        None => Vec::new(),
    };
    let (u, n, ip) = audit_user(&user);
    audit_event(
        &state,
        u,
        n,
        ip,
        "list families",
        ("family", "*".into()),
        format!("{} families listed", shown.len()),
    )
    .await?;
    let query = |p: usize| {
        serde_urlencoded::to_string(Filters {
            page: Some(p),
            ..filters.clone()
        })
        .unwrap_or_default()
    };
    page_with(
        &state,
        "families.html",
        Some(&user),
        "/families",
        json!({
            "title": "Families",
            "run": run.as_ref().map(|r| json!({"id": r.run.id, "as_at": r.run.as_at.format("%-d %B %Y").to_string(), "profile": r.run.profile})),
            "total": keys.len(),
            "page": page_no,
            "pages": pages,
            "prev": (page_no > 1).then(|| query(page_no - 1)),
            "next": (page_no < pages).then(|| query(page_no + 1)),
            "filters": filters,
            "problems": run.as_ref().map(|r| r.problems.iter().map(|p| json!({"key": p, "label": crate::access::problem_label(p)})).collect::<Vec<_>>()).unwrap_or_default(),
            "areas": run.as_ref().map(|r| r.areas.clone()).unwrap_or_default(),
            "statuses": Status::ALL.iter().map(|s| json!({"key": s.key(), "label": s.label()})).collect::<Vec<_>>(),
            "lead_workers": cases.lead_workers().iter().map(|u| json!({"id": u.id.to_string(), "name": u.display_name})).collect::<Vec<_>>(),
        }),
        Some(minijinja::context! { rows => shown }),
    )
}

/// Loads a family's case and checks the viewer may open it (403 otherwise, 404 if unknown).
pub(crate) async fn open_family(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
) -> Result<(crate::access::FamilyAccess, Option<FamilyCase>), WebError> {
    let case = state.db(move |s| s.family_case(family_id)).await?;
    let Some(access) = family_access(user.role, &user.user, case.as_ref()) else {
        return Err(refuse_family(state, user, family_id).await);
    };
    Ok((access, case))
}

/// Audits a refused view of a family: the error to return (403, or the audit's failure).
async fn refuse_family(state: &AppState, user: &CurrentUser, family_id: i64) -> WebError {
    let (u, n, ip) = audit_user(user);
    if let Err(e) = audit_event(
        state,
        u,
        n,
        ip,
        "view family refused",
        ("family", family_id.to_string()),
        String::new(),
    )
    .await
    {
        return e;
    }
    tracing::warn!(user = %user.user.user_name, family = family_id, "family refused");
    WebError::Forbidden
}

/// The family's record as the viewer may see it, audited. The case, the access check and
/// everything the viewer may see are read together; nothing the viewer may not see is read.
pub(crate) async fn family_record(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
) -> Result<(crate::access::FamilyAccess, views::FamilyDetail), WebError> {
    let run = state
        .latest_run()
        .await?
        .filter(|r| r.by_family.contains_key(&family_id));
    let run_id = run.as_ref().map(|r| r.run.id);
    let people: Vec<i64> = run
        .as_ref()
        .and_then(|r| r.families.get(&family_id))
        .map(|f| f.members.iter().map(|m| m.person_id).collect())
        .unwrap_or_default();
    let (role, me) = (user.role, user.user.clone());
    let cached = run_id.and_then(|r| state.family_evidence(r, family_id));
    let with_evidence = cached.is_none();
    let cases = state.cases().await?;
    // A viewer who may open every family gets the case (status, lead worker) from the
    // shared cache; whether a lead worker may open a family is decided on the case as
    // stored, read with the rest.
    let known_case = role
        .opens_every_family()
        .then(|| cases.cases.get(&family_id).cloned());
    let mut view = state
        .db(move |s| {
            s.family_view(
                family_id,
                run_id,
                with_evidence,
                &people,
                |case| {
                    family_access(role, &me, case).map(|a| FamilyReads {
                        identifiers: a.identifiers,
                        notes: a.casework,
                    })
                },
                known_case,
            )
        })
        .await?;
    let access = view
        .reads
        .and_then(|_| family_access(user.role, &user.user, view.case.as_ref()));
    let Some(access) = access else {
        return Err(refuse_family(state, user, family_id).await);
    };
    let run = run.ok_or(WebError::NotFound)?;
    let facts = match cached {
        Some(f) => f,
        None => {
            let (evidence, trails) = (
                std::mem::take(&mut view.evidence),
                std::mem::take(&mut view.trails),
            );
            let f =
                views::FamilyFacts::new(evidence, trails, &view.record_people, state.templates())
                    .map_err(|e| WebError::Internal(format!("rendering family_facts.html: {e}")))?;
            state.keep_family_evidence(run.run.id, family_id, f.clone());
            f
        }
    };
    let due = views::Due::of(
        view.case.as_ref(),
        state.now().date_naive(),
        &state.settings().due,
    );
    let detail = views::family_detail(&run, family_id, access, view, facts, &cases.users, due)
        .ok_or(WebError::NotFound)?;
    let (u, n, ip) = audit_user(user);
    audit_event(
        state,
        u,
        n,
        ip,
        "view family",
        ("family", family_id.to_string()),
        if access.identifiers {
            "identifiers shown".into()
        } else {
            "pseudonymised".into()
        },
    )
    .await?;
    Ok((access, detail))
}

#[derive(Default, Clone, serde::Serialize)]
struct FamilyForms {
    lead_worker: String,
    status: String,
    note: String,
    errors: Vec<serde_json::Value>,
    error: std::collections::BTreeMap<String, String>,
}

async fn family_page(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    forms: FamilyForms,
    status: StatusCode,
) -> Result<Page, WebError> {
    let (access, detail) = family_record(state, user, family_id).await?;
    let lead_workers = if access.assign {
        state
            .cases()
            .await?
            .lead_workers()
            .iter()
            .map(|u| json!({"id": u.id.to_string(), "name": u.display_name}))
            .collect()
    } else {
        Vec::new()
    };
    let current = Status::parse(&detail.status).unwrap_or(Status::Identified);
    let mut p = page_with(
        state,
        "family.html",
        Some(user),
        if user.role.has_caseload() {
            "/caseload"
        } else {
            "/families"
        },
        json!({
            "title": format!("Family {family_id}"),
            "access": {"identifiers": access.identifiers, "casework": access.casework, "assign": access.assign},
            "lead_workers": lead_workers,
            "next_statuses": current.next().map(|s| json!({"key": s.key(), "label": s.label()})).collect::<Vec<_>>(),
            "forms": forms,
            "errors": forms.errors,
        }),
        Some(minijinja::context! { facts_html => detail.facts_html.clone(), family => detail }),
    )?;
    p.status = status;
    Ok(p)
}

fn family_id(raw: &str) -> Result<i64, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

/// `GET /families/{id}`: a family's record: members (names only for roles that may see
/// identifiers), problems with evidence and record trails, status, lead worker, notes.
async fn family(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Page, WebError> {
    family_page(
        &state,
        &user,
        family_id(&id)?,
        FamilyForms::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
struct LeadWorkerForm {
    #[serde(default)]
    lead_worker: String,
}

/// Assigns (or, with `None`, unassigns) a lead worker; validates the account. Shared with
/// the API.
pub(crate) async fn assign(
    state: &AppState,
    user: &CurrentUser,
    family_id: i64,
    lead_worker: Option<i64>,
) -> Result<Result<FamilyCase, String>, WebError> {
    if !user.role.may_assign() {
        return Err(WebError::Forbidden);
    }
    let run = state.latest_run().await?.ok_or(WebError::NotFound)?;
    if !run.by_family.contains_key(&family_id) {
        return Err(WebError::NotFound);
    }
    if let Some(id) = lead_worker {
        let found = state.db(move |s| s.user(id)).await?;
        if !found.is_some_and(|u| u.active && u.role == "lead_worker") {
            return Ok(Err("Select a lead worker from the list".into()));
        }
    }
    let now = state.now();
    let by = user.user.user_name.clone();
    let case = state
        .db(move |s| {
            let mut case = s
                .family_case(family_id)?
                .unwrap_or_else(|| FamilyCase::new(family_id, now, &by));
            case.assign(lead_worker, now, &by);
            s.save_family_case(&case)?;
            Ok(case)
        })
        .await?;
    state.cases_changed();
    let (u, n, ip) = audit_user(user);
    audit_event(
        state,
        u,
        n,
        ip,
        "assign lead worker",
        ("family", family_id.to_string()),
        lead_worker.map_or_else(
            || "unassigned".into(),
            |id| format!("lead worker user {id}"),
        ),
    )
    .await?;
    tracing::info!(family = family_id, "lead worker assigned");
    Ok(Ok(case))
}

/// `POST /families/{id}/lead-worker`: assigns a lead worker (performance officers).
async fn assign_lead_worker(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<LeadWorkerForm>,
) -> Result<Response, WebError> {
    let family_id = family_id(&id)?;
    let chosen = f.form.lead_worker.trim().parse::<i64>().ok();
    let outcome = match chosen {
        Some(lw) => assign(&state, &f.user, family_id, Some(lw)).await?,
        None if !f.user.role.may_assign() => return Err(WebError::Forbidden),
        None => Err("Select a lead worker".to_string()),
    };
    match outcome {
        Ok(_) => Ok(see_other(&format!("/families/{family_id}"))),
        Err(message) => {
            let forms = FamilyForms {
                lead_worker: f.form.lead_worker.clone(),
                errors: vec![json!({"field": "lead_worker", "message": message})],
                error: [("lead_worker".to_string(), message)].into(),
                ..FamilyForms::default()
            };
            Ok(
                family_page(&state, &f.user, family_id, forms, StatusCode::BAD_REQUEST)
                    .await?
                    .into_response(),
            )
        }
    }
}

#[derive(Deserialize)]
struct StatusForm {
    #[serde(default)]
    status: String,
}

/// `POST /families/{id}/status`: moves the case on (performance officer or the family's
/// lead worker); statuses only go forward.
async fn change_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<StatusForm>,
) -> Result<Response, WebError> {
    let family_id = family_id(&id)?;
    let (access, case) = open_family(&state, &f.user, family_id).await?;
    if !access.casework {
        return Err(WebError::Forbidden);
    }
    let current = case.as_ref().map_or("identified", |c| c.status.as_str());
    let message = match (Status::parse(&f.form.status), Status::parse(current)) {
        (None, _) => Some("Select the family's new status"),
        (Some(new), Some(old)) if !old.may_move_to(new) => {
            Some("Select a status after the current one")
        }
        _ => None,
    };
    if let Some(message) = message {
        let forms = FamilyForms {
            status: f.form.status.clone(),
            errors: vec![json!({"field": "status", "message": message})],
            error: [("status".to_string(), message.to_string())].into(),
            ..FamilyForms::default()
        };
        return Ok(
            family_page(&state, &f.user, family_id, forms, StatusCode::BAD_REQUEST)
                .await?
                .into_response(),
        );
    }
    let now = state.now();
    let by = f.user.user.user_name.clone();
    let status = f.form.status.clone();
    state
        .db(move |s| {
            let mut case = case.unwrap_or_else(|| FamilyCase::new(family_id, now, &by));
            case.set_status(&status, now, &by);
            s.save_family_case(&case)
        })
        .await?;
    state.cases_changed();
    let (u, n, ip) = audit_user(&f.user);
    audit_event(
        &state,
        u,
        n,
        ip,
        "change status",
        ("family", family_id.to_string()),
        f.form.status.clone(),
    )
    .await?;
    Ok(see_other(&format!("/families/{family_id}")))
}

#[derive(Deserialize)]
struct NoteForm {
    #[serde(default)]
    note: String,
}

const NOTE_LIMIT: usize = 5000;

/// `POST /families/{id}/notes`: adds a note (performance officer or the family's lead
/// worker).
async fn add_note(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<NoteForm>,
) -> Result<Response, WebError> {
    let family_id = family_id(&id)?;
    let (access, _) = open_family(&state, &f.user, family_id).await?;
    if !access.casework {
        return Err(WebError::Forbidden);
    }
    let body = f.form.note.trim().to_string();
    let message = if body.is_empty() {
        Some("Enter a note".to_string())
    } else if body.chars().count() > NOTE_LIMIT {
        Some(format!("Note must be {NOTE_LIMIT} characters or fewer"))
    } else {
        None
    };
    if let Some(message) = message {
        let forms = FamilyForms {
            note: f.form.note.clone(),
            errors: vec![json!({"field": "note", "message": message})],
            error: [("note".to_string(), message)].into(),
            ..FamilyForms::default()
        };
        return Ok(
            family_page(&state, &f.user, family_id, forms, StatusCode::BAD_REQUEST)
                .await?
                .into_response(),
        );
    }
    let note = CaseNote {
        id: 0,
        family_id,
        author_user_id: f.user.user.id,
        written_at: state.now(),
        body,
    };
    let note_id = state.db(move |s| s.add_case_note(&note)).await?;
    let (u, n, ip) = audit_user(&f.user);
    audit_event(
        &state,
        u,
        n,
        ip,
        "add note",
        ("family", family_id.to_string()),
        format!("note {note_id}"),
    )
    .await?;
    Ok(see_other(&format!("/families/{family_id}#notes")))
}

/// The lead worker's families: shared with the API.
/// The signed-in lead worker's families, what is due next for each, soonest (most overdue)
/// first; families with nothing due last, in priority order.
pub(crate) async fn caseload_rows(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<views::CaseloadRow>, WebError> {
    if !user.role.has_caseload() {
        return Err(WebError::Forbidden);
    }
    let run = state.latest_run().await?;
    let me = user.user.id;
    // This lead worker's cases as stored (not the shared cache): an assignment ended by
    // another process leaves the caseload at once.
    let mine = state.db(move |s| s.lead_worker_cases(me)).await?;
    let users = state.cases().await?.users.clone();
    let cases = Cases {
        cases: mine.into_iter().map(|c| (c.family_id, c)).collect(),
        users,
    };
    let rows = match &run {
        Some(run) => {
            let mut indices: Vec<usize> = cases
                .cases
                .keys()
                .filter_map(|f| run.by_family.get(f).copied())
                .collect();
            indices.sort_unstable();
            let today = state.now().date_naive();
            let rules = &state.settings().due;
            let mut rows: Vec<views::CaseloadRow> =
                views::family_rows(run, &cases, indices, |r| r.lead_worker_user_id == Some(me))
                    .into_iter()
                    .map(|family| {
                        let case = cases.cases.get(&family.family_id);
                        let due = views::Due::of(case, today, rules);
                        views::CaseloadRow { family, due }
                    })
                    .collect();
            // Stable: equal due dates keep priority order.
            rows.sort_by_key(|r| (r.due.due.is_none(), r.due.due));
            rows
        }
        None => Vec::new(),
    };
    let (u, n, ip) = audit_user(user);
    audit_event(
        state,
        u,
        n,
        ip,
        "list caseload",
        ("family", "*".into()),
        format!("{} families listed", rows.len()),
    )
    .await?;
    Ok(rows)
}

/// `GET /caseload`: the families assigned to the signed-in lead worker.
async fn caseload(State(state): State<AppState>, user: CurrentUser) -> Result<Page, WebError> {
    let rows = caseload_rows(&state, &user).await?;
    page(
        &state,
        "caseload.html",
        Some(&user),
        "/caseload",
        json!({"title": "Your caseload", "rows": rows, "due_soon_days": state.settings().due.due_soon_days}),
    )
}

/// `GET /referrals`: a partner referrer's referrals (a later issue: the page says so).
async fn referrals(State(state): State<AppState>, user: CurrentUser) -> Result<Page, WebError> {
    if !user.role.may_refer() {
        return Err(WebError::Forbidden);
    }
    page(
        &state,
        "referrals.html",
        Some(&user),
        "/referrals",
        json!({"title": "Your referrals"}),
    )
}

#[derive(Deserialize, Default, serde::Serialize)]
struct AuditSearch {
    #[serde(default)]
    user_name: String,
    #[serde(default)]
    family: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// `GET /audit`: searches the audit log (information governance officers).
async fn audit(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditSearch>,
) -> Result<Page, WebError> {
    if !user.role.may_read_audit() {
        return Err(WebError::Forbidden);
    }
    let mut errors = Vec::new();
    let mut error = std::collections::BTreeMap::new();
    let date = |field: &str,
                raw: &str,
                errors: &mut Vec<serde_json::Value>,
                error: &mut std::collections::BTreeMap<String, String>| {
        if raw.trim().is_empty() {
            return None;
        }
        match chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d") {
            Ok(d) => Some(
                d.and_hms_opt(0, 0, 0)
                    .map(|t| t.and_utc())
                    .unwrap_or_else(Utc::now),
            ),
            Err(_) => {
                let m = "Enter a date in the format 2025-09-01";
                errors.push(json!({"field": field, "message": m}));
                error.insert(field.to_string(), m.to_string());
                None
            }
        }
    };
    let from = date("from", &q.from, &mut errors, &mut error);
    let to = date("to", &q.to, &mut errors, &mut error).map(|t| t + chrono::Duration::days(1));
    let family = q.family.trim().to_string();
    if !family.is_empty() && family.parse::<i64>().is_err() {
        let m = "Enter a family ID as a number, like 42";
        errors.push(json!({"field": "family", "message": m}));
        error.insert("family".into(), m.into());
    }
    let query = AuditQuery {
        user_name: Some(q.user_name.trim().to_lowercase()).filter(|s| !s.is_empty()),
        target_kind: (!family.is_empty()).then(|| "family".to_string()),
        target_id: Some(family).filter(|s| !s.is_empty()),
        from,
        to,
        limit: 500,
    };
    let entries = if errors.is_empty() {
        state.db(move |s| s.audit_log(&query)).await?
    } else {
        Vec::new()
    };
    let (u, n, ip) = audit_user(&user);
    audit_event(
        &state,
        u,
        n,
        ip,
        "search audit log",
        ("audit_log", "*".into()),
        String::new(),
    )
    .await?;
    let mut p = page(
        &state,
        "audit.html",
        Some(&user),
        "/audit",
        json!({
            "title": "Audit log",
            "search": q,
            "errors": errors,
            "error": error,
            "entries": entries.iter().map(|e| json!({
                "at": e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                "user_name": e.user_name, "action": e.action,
                "target": format!("{} {}", e.target_kind, e.target_id),
                "client_ip": e.client_ip, "detail": e.detail,
            })).collect::<Vec<_>>(),
        }),
    )?;
    if !errors.is_empty() {
        p.status = StatusCode::BAD_REQUEST;
    }
    Ok(p)
}

#[derive(Deserialize, Default, Clone, serde::Serialize)]
struct NewUserForm {
    #[serde(default)]
    user_name: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default, skip_serializing)]
    password: String,
}

/// The minimum password length.
pub(crate) const MIN_PASSWORD: usize = 12;

/// The rule for every new password (accounts added here or by `hearth users`, and passwords
/// changed by their owners): at least [`MIN_PASSWORD`] characters.
pub(crate) fn password_long_enough(password: &str) -> bool {
    password.chars().count() >= MIN_PASSWORD
}

async fn users_page(
    state: &AppState,
    user: &CurrentUser,
    form: NewUserForm,
    errors: Vec<(String, String)>,
) -> Result<Page, WebError> {
    let users = state.db(|s| s.users()).await?;
    let mut p = page(
        state,
        "users.html",
        Some(user),
        "/admin/users",
        json!({
            "title": "Accounts",
            "users": users.iter().map(|u| json!({
                "id": u.id, "user_name": u.user_name, "display_name": u.display_name,
                "role": u.role, "role_label": Role::parse(&u.role).map_or("Unknown", |r| r.label()),
                "active": u.active, "me": u.id == user.user.id,
            })).collect::<Vec<_>>(),
            "roles": Role::ALL.iter().map(|r| json!({"key": r.key(), "label": r.label()})).collect::<Vec<_>>(),
            "form": form,
            "errors": errors.iter().map(|(f, m)| json!({"field": f, "message": m})).collect::<Vec<_>>(),
            "error": errors.iter().cloned().collect::<std::collections::BTreeMap<_, _>>(),
        }),
    )?;
    if !errors.is_empty() {
        p.status = StatusCode::BAD_REQUEST;
    }
    Ok(p)
}

/// `GET /admin/users`: accounts and roles (administrators).
async fn users(State(state): State<AppState>, user: CurrentUser) -> Result<Page, WebError> {
    if !user.role.may_administer() {
        return Err(WebError::Forbidden);
    }
    users_page(&state, &user, NewUserForm::default(), Vec::new()).await
}

/// Checks a user name: 3–64 characters, lower-case letters, digits, `.`, `-`, `_`.
pub(crate) fn valid_user_name(name: &str) -> bool {
    (3..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// `POST /admin/users`: adds an account (administrators).
async fn add_user(
    State(state): State<AppState>,
    f: CsrfForm<NewUserForm>,
) -> Result<Response, WebError> {
    if !f.user.role.may_administer() {
        return Err(WebError::Forbidden);
    }
    let form = f.form;
    let name = form.user_name.trim().to_lowercase();
    let mut errors: Vec<(String, String)> = Vec::new();
    if !valid_user_name(&name) {
        errors.push((
            "user_name".into(),
            "Enter a user name of 3 to 64 lower-case letters, digits, dots, hyphens or underscores"
                .into(),
        ));
    } else {
        let n = name.clone();
        if state.db(move |s| s.user_by_name(&n)).await?.is_some() {
            errors.push((
                "user_name".into(),
                "An account with this user name already exists".into(),
            ));
        }
    }
    if form.display_name.trim().is_empty() || form.display_name.chars().count() > 100 {
        errors.push((
            "display_name".into(),
            "Enter the person's name, 100 characters or fewer".into(),
        ));
    }
    let role = Role::parse(&form.role);
    if role.is_none() {
        errors.push(("role".into(), "Select a role".into()));
    }
    if !password_long_enough(&form.password) {
        errors.push((
            "password".into(),
            format!("Enter a password of at least {MIN_PASSWORD} characters"),
        ));
    }
    let Some(role) = role.filter(|_| errors.is_empty()) else {
        return Ok(users_page(&state, &f.user, form, errors)
            .await?
            .into_response());
    };
    let hash = hash_blocking(form.password.clone()).await?;
    let new = NewUser {
        user_name: name.clone(),
        display_name: form.display_name.trim().to_string(),
        role: role.key().to_string(),
        password_hash: hash,
    };
    let now = state.now();
    let created = state.db(move |s| s.create_user(&new, now)).await?;
    state.cases_changed();
    let (u, n, ip) = audit_user(&f.user);
    audit_event(
        &state,
        u,
        n,
        ip,
        "add account",
        ("user", created.id.to_string()),
        format!("role {}", role.key()),
    )
    .await?;
    Ok(see_other("/admin/users"))
}

/// Hashes a password off the async threads.
pub(crate) async fn hash_blocking(password: String) -> Result<String, WebError> {
    tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|_| WebError::Internal("hashing task failed".into()))?
}

#[derive(Deserialize)]
struct UpdateUserForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    active: Option<String>,
}

/// `POST /admin/users/{id}`: changes an account's role or deactivates it (administrators;
/// not their own account).
async fn update_user(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<UpdateUserForm>,
) -> Result<Response, WebError> {
    if !f.user.role.may_administer() {
        return Err(WebError::Forbidden);
    }
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let role = Role::parse(&f.form.role);
    let active = f.form.active.as_deref() == Some("yes");
    let mut errors = Vec::new();
    if role.is_none() {
        errors.push(("role".to_string(), "Select a role".to_string()));
    }
    if id == f.user.user.id {
        errors.push((
            "role".to_string(),
            "You cannot change your own account".to_string(),
        ));
    }
    let Some(role) = role.filter(|_| errors.is_empty()) else {
        return Ok(users_page(&state, &f.user, NewUserForm::default(), errors)
            .await?
            .into_response());
    };
    let key = role.key();
    let updated = state.db(move |s| s.update_user(id, key, active)).await?;
    state.cases_changed();
    state.forget_sessions();
    if !updated {
        return Err(WebError::NotFound);
    }
    let (u, n, ip) = audit_user(&f.user);
    audit_event(
        &state,
        u,
        n,
        ip,
        "change account",
        ("user", id.to_string()),
        format!("role {key}, active {active}"),
    )
    .await?;
    Ok(see_other("/admin/users"))
}

#[derive(Deserialize, Default)]
struct PasswordQuery {
    #[serde(default)]
    changed: Option<String>,
}

/// The change-your-password page: the form (never with the passwords typed) and its errors,
/// or the confirmation.
fn password_form(
    state: &AppState,
    user: &CurrentUser,
    errors: &[(&str, String)],
    changed: bool,
    status: StatusCode,
) -> Result<Page, WebError> {
    let mut p = page(
        state,
        "account_password.html",
        Some(user),
        ACCOUNT_PASSWORD,
        json!({
            "title": if changed { "Password changed" } else { "Change your password" },
            "changed": changed,
            "home": user.role.home(),
            "min_password": MIN_PASSWORD,
            "errors": errors.iter().map(|(f, m)| json!({"field": f, "message": m})).collect::<Vec<_>>(),
            "error": errors.iter().map(|(f, m)| (f.to_string(), m.clone())).collect::<std::collections::BTreeMap<_, _>>(),
        }),
    )?;
    p.status = status;
    Ok(p)
}

/// The change-your-password page's path (linked from every signed-in page's header).
pub(crate) const ACCOUNT_PASSWORD: &str = "/account/password";

/// `GET /account/password`: the form to change your own password (every role); with
/// `?changed=1`, the confirmation after a change.
async fn password_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PasswordQuery>,
) -> Result<Page, WebError> {
    password_form(&state, &user, &[], q.changed.is_some(), StatusCode::OK)
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

/// `POST /account/password`: changes the signed-in user's own password (every role). The
/// current password is checked as a sign-in is, so wrong ones count towards the sign-in
/// throttle; the new one follows the rule for new accounts ([`password_long_enough`]). On
/// success every other session of the account ends; this one continues.
async fn change_password(
    State(state): State<AppState>,
    f: CsrfForm<PasswordForm>,
) -> Result<Response, WebError> {
    let user = f.user;
    let form = f.form;
    let mut errors: Vec<(&str, String)> = Vec::new();
    if form.current_password.is_empty() {
        errors.push((
            "current_password",
            "Enter your current password".to_string(),
        ));
    }
    if form.new_password.is_empty() {
        errors.push(("new_password", "Enter a new password".to_string()));
    } else if !password_long_enough(&form.new_password) {
        errors.push((
            "new_password",
            format!("Enter a new password of at least {MIN_PASSWORD} characters"),
        ));
    } else if form.new_password == form.current_password {
        errors.push((
            "new_password",
            "Enter a new password that is different from your current password".to_string(),
        ));
    }
    if form.confirm_password.is_empty() {
        if !form.new_password.is_empty() {
            errors.push(("confirm_password", "Confirm your new password".to_string()));
        }
    } else if form.confirm_password != form.new_password {
        errors.push((
            "confirm_password",
            "Enter the same new password in both boxes".to_string(),
        ));
    }
    let mut status = StatusCode::BAD_REQUEST;
    if !form.current_password.is_empty() {
        let (u, n, ip) = audit_user(&user);
        match check_sign_in(&state, n, &form.current_password).await? {
            SignIn::Ok(_) => {}
            SignIn::Wrong => {
                audit_event(
                    &state,
                    u,
                    n,
                    ip,
                    "change password failed",
                    ("user", user.user.id.to_string()),
                    String::new(),
                )
                .await?;
                errors.insert(
                    0,
                    (
                        "current_password",
                        "Your current password is not correct".to_string(),
                    ),
                );
            }
            SignIn::Throttled => {
                audit_event(
                    &state,
                    u,
                    n,
                    ip,
                    "change password throttled",
                    ("user", user.user.id.to_string()),
                    String::new(),
                )
                .await?;
                tracing::warn!(user = %n, "password change throttled");
                errors.insert(
                    0,
                    (
                        "current_password",
                        "You have entered the wrong password too many times. Wait 15 minutes and try again".to_string(),
                    ),
                );
                status = StatusCode::TOO_MANY_REQUESTS;
            }
        }
    }
    if !errors.is_empty() {
        return Ok(password_form(&state, &user, &errors, false, status)?.into_response());
    }
    let hash = hash_blocking(form.new_password).await?;
    let (id, keep) = (user.user.id, user.session.token_sha256.clone());
    let ended = state
        .db(move |s| s.change_password(id, &hash, &keep))
        .await?
        .ok_or(WebError::SignInRequired)?;
    // The other sessions were ended in the store; forget the cached ones so that they stop
    // working with the very next request.
    state.forget_sessions();
    let (u, n, ip) = audit_user(&user);
    audit_event(
        &state,
        u,
        n,
        ip,
        "change password",
        ("user", id.to_string()),
        format!("other sessions ended: {ended}"),
    )
    .await?;
    tracing::info!(user = %n, ended, "password changed");
    Ok(see_other(&format!("{ACCOUNT_PASSWORD}?changed=1")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn user_names() {
        assert!(super::valid_user_name("lead.worker-2"));
        assert!(!super::valid_user_name("Lead"));
        assert!(!super::valid_user_name("ab"));
        assert!(!super::valid_user_name("a b c"));
    }
}
