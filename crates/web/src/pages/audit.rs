//! The audit log's search, pages and export: `/audit`, `/audit/export.csv`.

use crate::actor::CurrentUser;
use crate::domain::{for_the_record, SIGN_IN_NAME_LIMIT};
use crate::error::WebError;
use crate::render::{self, form_errors, FieldError, Page};
use crate::service::audit::{self, Search, Typed};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

/// The search as typed (shown again in the form).
#[derive(Deserialize, Default, Serialize, Clone)]
pub(super) struct AuditSearch {
    #[serde(default)]
    user_name: String,
    #[serde(default)]
    family: String,
    #[serde(default)]
    person: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    before: String,
}

impl AuditSearch {
    fn typed(&self) -> Typed<'_> {
        Typed {
            user_name: &self.user_name,
            family: &self.family,
            person: &self.person,
            action: &self.action,
            from: &self.from,
            to: &self.to,
            before: &self.before,
        }
    }

    /// The search as a query string, without the page (`before`).
    fn query_string(&self) -> String {
        let pairs: Vec<(&str, &str)> = [
            ("user_name", &self.user_name),
            ("family", &self.family),
            ("person", &self.person),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k, v.as_str()))
        .collect();
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }
}

form_errors!(
    /// The search form's messages.
    AuditErrors { user_name, family, person, action, from, to }
);

/// An audit line as shown.
#[derive(Serialize)]
struct Line {
    at: String,
    user_name: String,
    action: String,
    target: String,
    client_ip: String,
    detail: String,
}

/// `audit.html`'s context.
#[derive(Serialize)]
struct AuditPage {
    title: &'static str,
    search: AuditSearch,
    errors: Vec<FieldError>,
    error: AuditErrors,
    entries: Vec<Line>,
    /// The query string of the search (for the export and the next page's links).
    query: String,
    /// The next page's `before`, when older lines follow.
    next: Option<i64>,
    /// Whether this is a later page.
    paged: bool,
    /// A search by person: what else the lines found are about.
    scope: Option<String>,
}

/// `GET /audit`: searches the audit log, a page at a time (information governance officers).
pub(super) async fn audit(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditSearch>,
) -> Result<Page, WebError> {
    let parsed = Search::parse(&q.typed());
    let errors = parsed.as_ref().err().cloned().unwrap_or_default();
    let paged = parsed.as_ref().is_ok_and(|s| s.before.is_some());
    let found = audit::search(&state, &user, parsed.ok()).await?;
    let next = found
        .more
        .then(|| found.entries.last().map(|e| e.id))
        .flatten();
    let ctx = AuditPage {
        title: "Audit log",
        query: q.query_string(),
        search: q,
        errors: render::field_errors(&errors),
        error: AuditErrors::from_pairs(&errors),
        entries: found
            .entries
            .into_iter()
            .map(|e| Line {
                at: e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                target: format!("{} {}", e.target_kind, e.target_id),
                // Lines written before names were bounded may hold anything.
                user_name: for_the_record(&e.user_name, SIGN_IN_NAME_LIMIT),
                action: e.action,
                client_ip: e.client_ip,
                detail: e.detail,
            })
            .collect(),
        next,
        paged,
        scope: found.scope,
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok(render::page(&state, "audit.html", Some(&user), "/audit", &ctx)?.with_status(status))
}

/// `GET /audit/export.csv`: every line the search finds, as CSV; a search that is not
/// valid goes back to the page, which names what is wrong.
pub(super) async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditSearch>,
) -> Result<Response, WebError> {
    let Ok(search) = Search::parse(&q.typed()) else {
        return Ok(Redirect::to(&format!("/audit?{}", q.query_string())).into_response());
    };
    let csv = audit::export_csv(&state, &user, search).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit-log.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        csv,
    )
        .into_response())
}
