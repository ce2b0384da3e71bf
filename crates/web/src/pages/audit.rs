//! The audit log's search: `/audit`.

use crate::actor::CurrentUser;
use crate::domain::{for_the_record, SIGN_IN_NAME_LIMIT};
use crate::error::WebError;
use crate::render::{self, form_errors, FieldError, Page};
use crate::service::audit::{self, Search};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

/// The search as typed (shown again in the form).
#[derive(Deserialize, Default, Serialize)]
pub(super) struct AuditSearch {
    #[serde(default)]
    user_name: String,
    #[serde(default)]
    family: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

form_errors!(
    /// The search form's messages.
    AuditErrors { user_name, family, from, to }
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
}

/// `GET /audit`: searches the audit log (information governance officers).
pub(super) async fn audit(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditSearch>,
) -> Result<Page, WebError> {
    let parsed = Search::parse(&q.user_name, &q.family, &q.from, &q.to);
    let errors = parsed.as_ref().err().cloned().unwrap_or_default();
    let entries = audit::search(&state, &user, parsed.ok()).await?;
    let ctx = AuditPage {
        title: "Audit log",
        search: q,
        errors: render::field_errors(&errors),
        error: AuditErrors::from_pairs(&errors),
        entries: entries
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
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok(render::page(&state, "audit.html", Some(&user), "/audit", &ctx)?.with_status(status))
}
