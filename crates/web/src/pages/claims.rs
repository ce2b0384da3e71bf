//! Payment-by-results claims: `/claims` (payments against the cap and the batches),
//! `/claims/batches/{id}` (a batch's families and their status), its internal audit
//! sample, `/claims/{id}` (a claim's printable evidence pack, with withdrawal for the
//! performance officer), `/claims/{id}/audit` (the auditor's spot check) and the claim
//! return as CSV or `.xlsx`.

use crate::actor::CurrentUser;
use crate::auth::CsrfForm;
use crate::error::WebError;
use crate::render::{self, field_errors, form_errors, FieldError, Page};
use crate::service::claims::{self, BatchView, ClaimView, Overview};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use hearth_model::Role;
use serde::{Deserialize, Serialize};

use super::see_other;

form_errors!(
    /// The batch preparation form's messages.
    PrepareErrors { window }
);

form_errors!(
    /// The withdrawal form's messages.
    WithdrawErrors { reason }
);

form_errors!(
    /// The spot check form's messages.
    FindingErrors { outcome, notes }
);

#[derive(Serialize)]
struct ClaimsPage {
    title: &'static str,
    errors: Vec<FieldError>,
    error: PrepareErrors,
    #[serde(flatten)]
    overview: Overview,
    officer: bool,
    windows: Vec<claims::WindowChoice>,
    /// The window chosen (or, first, the one open today).
    window: String,
}

async fn claims_page(
    state: &AppState,
    user: &CurrentUser,
    window: Option<String>,
    errors: &[(String, String)],
) -> Result<Page, WebError> {
    let overview = claims::overview(state, user).await?;
    let windows = claims::windows(state);
    let window = window
        .or_else(|| windows.iter().find(|w| w.open).map(|w| w.key.clone()))
        .unwrap_or_default();
    let ctx = ClaimsPage {
        title: "Claims",
        errors: field_errors(errors),
        error: PrepareErrors::from_pairs(errors),
        overview,
        officer: user.role == Role::PerformanceOfficer,
        windows,
        window,
    };
    render::page(state, "claims.html", Some(user), "/claims", &ctx)
}

/// `GET /claims`.
pub(super) async fn overview(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Page, WebError> {
    claims_page(&state, &user, None, &[]).await
}

/// The batch preparation form.
#[derive(Deserialize)]
pub(super) struct PrepareForm {
    #[serde(default)]
    window: String,
}

#[derive(Serialize)]
struct PreparedPage {
    title: &'static str,
    errors: Vec<FieldError>,
    #[serde(flatten)]
    prepared: claims::PreparedView,
}

/// `POST /claims/batches` (the performance officer): prepares a batch in the window chosen
/// from the results in the store, and shows what was claimed and what was left out, why.
pub(super) async fn prepare(
    State(state): State<AppState>,
    f: CsrfForm<PrepareForm>,
) -> Result<Response, WebError> {
    match claims::prepare_batch(&state, &f.user, &f.form.window).await {
        Ok(prepared) => {
            let ctx = PreparedPage {
                title: if prepared.batch_id.is_some() {
                    "Claim batch prepared"
                } else {
                    "Nothing to claim"
                },
                errors: Vec::new(),
                prepared,
            };
            Ok(render::page(
                &state,
                "claims_prepared.html",
                Some(&f.user),
                "/claims",
                &ctx,
            )?
            .into_response())
        }
        Err(WebError::Invalid(errors)) => {
            Ok(
                claims_page(&state, &f.user, Some(f.form.window.clone()), &errors)
                    .await?
                    .with_status(StatusCode::BAD_REQUEST)
                    .into_response(),
            )
        }
        Err(e) => Err(e),
    }
}

#[derive(Serialize)]
struct BatchPage {
    title: String,
    errors: Vec<FieldError>,
    #[serde(flatten)]
    view: BatchView,
    /// The claims shown: `from` to `to` (1-based) of `total`.
    from: usize,
    to: usize,
    total: usize,
    /// The previous and next pages' numbers, where there are any.
    prev: Option<usize>,
    next: Option<usize>,
}

/// Claims shown on one page of a batch: a batch can hold the whole cap (about 1,930
/// families), over 1 MB of table on one page.
const CLAIMS_PER_PAGE: usize = 100;

/// The page number typed in the address: anything but a positive number is page 1.
fn page_number(raw: Option<&str>) -> usize {
    raw.and_then(|p| p.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .max(1)
}

/// `?page=N` of a batch's page.
#[derive(Deserialize)]
pub(super) struct BatchQuery {
    page: Option<String>,
}

/// `GET /claims/batches/{id}?page=N` (100 claims a page; a page past the end shows the last).
pub(super) async fn batch(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<BatchQuery>,
) -> Result<Page, WebError> {
    let page = page_number(q.page.as_deref());
    let view = claims::batch(
        &state,
        &user,
        claims::key(&id)?,
        claims::Shown::Page {
            page,
            per_page: CLAIMS_PER_PAGE,
        },
    )
    .await?;
    let total = usize::try_from(view.batch.claims).unwrap_or(0);
    let shown = claims::paging(total, page, CLAIMS_PER_PAGE);
    let ctx = BatchPage {
        title: format!("Claim batch {}", view.batch.id),
        errors: Vec::new(),
        from: if total == 0 { 0 } else { shown.start + 1 },
        to: shown.start + view.claims.len(),
        total,
        prev: shown.prev,
        next: shown.next,
        view,
    };
    render::page(&state, "claim_batch.html", Some(&user), "/claims", &ctx)
}

/// `GET /claims/batches/{id}/sample`.
pub(super) async fn sample(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Page, WebError> {
    let view = claims::batch(&state, &user, claims::key(&id)?, claims::Shown::Sample).await?;
    let total = view.claims.len();
    let ctx = BatchPage {
        title: format!("Internal audit sample: batch {}", view.batch.id),
        errors: Vec::new(),
        from: total.min(1),
        to: total,
        total,
        prev: None,
        next: None,
        view,
    };
    render::page(&state, "claim_sample.html", Some(&user), "/claims", &ctx)
}

#[derive(Serialize)]
struct ClaimPage {
    title: String,
    errors: Vec<FieldError>,
    error: WithdrawErrors,
    reason: String,
    #[serde(flatten)]
    view: ClaimView,
    officer: bool,
    auditor: bool,
}

async fn claim_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    reason: String,
    errors: &[(String, String)],
) -> Result<Page, WebError> {
    let view = claims::claim(state, user, id).await?;
    let ctx = ClaimPage {
        title: format!("Evidence pack: claim {id}"),
        errors: field_errors(errors),
        error: WithdrawErrors::from_pairs(errors),
        reason,
        view,
        officer: user.role == Role::PerformanceOfficer,
        auditor: user.role == Role::Auditor,
    };
    render::page(state, "claim.html", Some(user), "/claims", &ctx)
}

/// `GET /claims/{id}`: the claim's evidence pack, printable.
pub(super) async fn claim(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Page, WebError> {
    claim_page(&state, &user, claims::key(&id)?, String::new(), &[]).await
}

/// The withdrawal form.
#[derive(Deserialize)]
pub(super) struct WithdrawForm {
    #[serde(default)]
    reason: String,
}

/// `POST /claims/{id}/withdraw` (the performance officer).
pub(super) async fn withdraw(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<WithdrawForm>,
) -> Result<Response, WebError> {
    let id = claims::key(&id)?;
    match claims::withdraw(&state, &f.user, id, &f.form.reason).await {
        Ok(()) => Ok(see_other(&crate::render::with_confirmation(
            &format!("/claims/{id}"),
            crate::render::Saved::ClaimWithdrawn,
        ))),
        Err(WebError::Invalid(errors)) => {
            Ok(
                claim_page(&state, &f.user, id, f.form.reason.clone(), &errors)
                    .await?
                    .with_status(StatusCode::BAD_REQUEST)
                    .into_response(),
            )
        }
        Err(e) => Err(e),
    }
}

#[derive(Serialize)]
struct AuditPage {
    title: String,
    errors: Vec<FieldError>,
    error: FindingErrors,
    outcome: String,
    notes: String,
    #[serde(flatten)]
    view: ClaimView,
}

async fn audit_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    form: FindingForm,
    errors: &[(String, String)],
) -> Result<Page, WebError> {
    let view = claims::claim(state, user, id).await?;
    let ctx = AuditPage {
        title: format!("Spot check: claim {id}"),
        errors: field_errors(errors),
        error: FindingErrors::from_pairs(errors),
        outcome: form.outcome,
        notes: form.notes,
        view,
    };
    render::page(state, "claim_audit.html", Some(user), "/claims", &ctx)
}

/// `GET /claims/{id}/audit`: the auditor's spot check of a claim.
pub(super) async fn audit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Page, WebError> {
    audit_page(
        &state,
        &user,
        claims::key(&id)?,
        FindingForm::default(),
        &[],
    )
    .await
}

/// The spot check form.
#[derive(Deserialize, Default)]
pub(super) struct FindingForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    notes: String,
}

/// `POST /claims/{id}/audit` (the internal auditor).
pub(super) async fn record_finding(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<FindingForm>,
) -> Result<Response, WebError> {
    let id = claims::key(&id)?;
    match claims::record_finding(&state, &f.user, id, &f.form.outcome, &f.form.notes).await {
        Ok(()) => Ok(see_other(&crate::render::with_confirmation(
            &format!("/claims/{id}/audit"),
            crate::render::Saved::Finding,
        ))),
        Err(WebError::Invalid(errors)) => Ok(audit_page(&state, &f.user, id, f.form, &errors)
            .await?
            .with_status(StatusCode::BAD_REQUEST)
            .into_response()),
        Err(e) => Err(e),
    }
}

/// The claim return as a download.
pub(crate) fn download(body: Vec<u8>, content_type: &str, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

/// `GET /claims/export.csv`: the claim return as CSV.
pub(crate) async fn export_csv(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let rows = claims::claim_return(&state, &user, "csv").await?;
    let body = claims::export::csv(&rows)
        .map_err(|e| WebError::Internal(format!("writing the claim return: {e}")))?;
    Ok(download(
        body,
        "text/csv; charset=utf-8",
        "claim-return.csv",
    ))
}

/// `GET /claims/export.xlsx`: the claim return as a workbook.
pub(crate) async fn export_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let rows = claims::claim_return(&state, &user, "xlsx").await?;
    let body = claims::export::xlsx(&rows)
        .map_err(|e| WebError::Internal(format!("writing the claim return: {e}")))?;
    Ok(download(
        body,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "claim-return.xlsx",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use claims::{paging, Paging};

    #[test]
    fn a_batch_is_shown_a_hundred_claims_a_page() {
        let p = |total, raw| paging(total, page_number(raw), 100);
        let page = |start, prev, next| Paging { start, prev, next };
        assert_eq!(p(0, None), page(0, None, None));
        assert_eq!(p(100, None), page(0, None, None));
        assert_eq!(p(101, None), page(0, None, Some(2)));
        assert_eq!(p(101, Some("2")), page(100, Some(1), None));
        assert_eq!(p(1315, Some("7")), page(600, Some(6), Some(8)));
        // Past the end: the last page; nonsense or zero: the first.
        assert_eq!(p(1315, Some("99")), page(1300, Some(13), None));
        assert_eq!(p(1315, Some("0")), page(0, None, Some(2)));
        assert_eq!(p(1315, Some("two")), page(0, None, Some(2)));
        assert_eq!(p(1315, Some("-1")), page(0, None, Some(2)));
    }
}
