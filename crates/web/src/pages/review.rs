//! Clerical review of uncertain record pairs: `/review` (the queue and its progress) and
//! `/review/{pair}` (a pair side by side with its waterfall chart, and the decision form).

use super::see_other;
use crate::actor::CurrentUser;
use crate::auth::CsrfForm;
use crate::error::WebError;
use crate::render::{self, form_errors, FieldError, Page};
use crate::service::review::{self, DecisionInput, Verdict, REASON_LIMIT};
use crate::state::AppState;
use crate::views::review::{
    pair_view, parse_pair_key, queue_row, waterfall, PairView, QueueRow, Waterfall,
};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hearth_store::RunLabels;
use serde::{Deserialize, Serialize};

/// The most pairs the queue page lists (the queue's size is always shown).
const QUEUE_PAGE: usize = 100;

/// `review_queue.html`'s context.
#[derive(Serialize)]
struct QueuePage {
    title: &'static str,
    errors: Vec<FieldError>,
    pending: usize,
    decided: usize,
    /// Decided as a share of all pairs, e.g. `40%`.
    progress: String,
    rows: Vec<QueueRow>,
    more: usize,
    saved: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub(super) struct Saved {
    #[serde(default)]
    saved: Option<String>,
}

fn saved_label(saved: &Saved) -> Option<&'static str> {
    saved
        .saved
        .as_deref()
        .and_then(Verdict::parse)
        .map(Verdict::label)
}

/// `GET /review`: the pairs waiting, most likely matches first, and the progress.
pub(super) async fn queue(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(saved): Query<Saved>,
) -> Result<Page, WebError> {
    let q = review::queue(&state, &user).await?;
    let total = q.pending.len() + q.decided;
    let ctx = QueuePage {
        title: "Record review",
        errors: Vec::new(),
        pending: q.pending.len(),
        decided: q.decided,
        progress: if total == 0 {
            "0%".into()
        } else {
            format!("{:.0}%", q.decided as f64 * 100.0 / total as f64)
        },
        rows: q.pending.iter().take(QUEUE_PAGE).map(queue_row).collect(),
        more: q.pending.len().saturating_sub(QUEUE_PAGE),
        saved: saved_label(&saved),
    };
    render::page(&state, "review_queue.html", Some(&user), "/review", &ctx)
}

form_errors!(
    /// The decision form's messages.
    DecisionErrors { decision, reason }
);

/// A verdict to choose.
#[derive(Serialize)]
struct VerdictChoice {
    key: &'static str,
    label: &'static str,
    hint: &'static str,
}

/// `review_pair.html`'s context.
#[derive(Serialize)]
struct PairPage<'a> {
    title: &'static str,
    errors: Vec<FieldError>,
    error: DecisionErrors,
    pair: PairView,
    chart: Waterfall,
    verdicts: Vec<VerdictChoice>,
    decision: &'a str,
    reason: &'a str,
    reason_limit: usize,
    saved: Option<&'static str>,
}

fn pair_key(raw: &str) -> Result<(hearth_store::RecordId, hearth_store::RecordId), WebError> {
    parse_pair_key(raw).ok_or(WebError::NotFound)
}

#[allow(clippy::too_many_arguments)]
async fn pair_page(
    state: &AppState,
    user: &CurrentUser,
    raw: &str,
    decision: &str,
    reason: &str,
    errors: &[(String, String)],
    saved: Option<&'static str>,
) -> Result<Page, WebError> {
    let (l, r) = pair_key(raw)?;
    let detail = review::pair(state, user, l, r).await?;
    let labels = state
        .latest_run()
        .await?
        .map(|run| run.run.labels.clone())
        .unwrap_or_else(RunLabels::default);
    let pair = pair_view(&detail, &labels);
    let chart = waterfall(&pair.contributions, pair.match_weight);
    let ctx = PairPage {
        title: "Are these records the same person?",
        errors: render::field_errors(errors),
        error: DecisionErrors::from_pairs(errors),
        pair,
        chart,
        verdicts: Verdict::ALL
            .iter()
            .map(|v| VerdictChoice {
                key: v.key(),
                label: v.label(),
                hint: match v {
                    Verdict::Same => "The next link keeps these records together as one person.",
                    Verdict::Different => "The next link keeps these records apart.",
                    Verdict::NotSure => {
                        "Nothing changes: the pair stays in the queue for someone else."
                    }
                },
            })
            .collect(),
        decision,
        reason,
        reason_limit: REASON_LIMIT,
        saved,
    };
    render::page(state, "review_pair.html", Some(user), "/review", &ctx)
}

/// `GET /review/{pair}`: a pair side by side, with the decision form.
pub(super) async fn pair(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(raw): Path<String>,
    Query(saved): Query<Saved>,
) -> Result<Page, WebError> {
    pair_page(&state, &user, &raw, "", "", &[], saved_label(&saved)).await
}

#[derive(Deserialize)]
pub(super) struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

/// `POST /review/{pair}`: records a decision, then shows the next pair (or the queue).
pub(super) async fn decide(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    f: CsrfForm<DecisionForm>,
) -> Result<Response, WebError> {
    let (l, r) = pair_key(&raw)?;
    let input = DecisionInput {
        verdict: &f.form.decision,
        reason: &f.form.reason,
    };
    match review::decide(&state, &f.user, l, r, &input).await {
        Ok(done) => {
            let saved = done.verdict.key();
            Ok(match done.next {
                Some((nl, nr)) => see_other(&format!(
                    "/review/{}?saved={saved}",
                    crate::views::review::pair_key(nl, nr)
                )),
                None => see_other(&format!("/review?saved={saved}")),
            })
        }
        Err(WebError::Invalid(errors)) => Ok(pair_page(
            &state,
            &f.user,
            &raw,
            &f.form.decision,
            &f.form.reason,
            &errors,
            None,
        )
        .await?
        .with_status(StatusCode::BAD_REQUEST)
        .into_response()),
        Err(e) => Err(e),
    }
}
