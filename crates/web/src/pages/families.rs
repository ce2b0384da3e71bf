//! The families list: `/families`.

use super::{Choice, Person};
use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::labels::problem_label;
use crate::render::{self, FieldError, Page};
use crate::service::families::{self, Via};
use crate::state::AppState;
use crate::views::{self, Filters, ListRow};
use axum::extract::{Query, State};
use hearth_model::CaseStatus;
use serde::Serialize;

/// The run the list comes from.
#[derive(Serialize)]
struct RunSummary<'a> {
    id: i64,
    as_at: String,
    profile: &'a str,
}

/// A problem to filter by.
#[derive(Serialize)]
struct ProblemChoice<'a> {
    key: &'a str,
    label: String,
}

/// `families.html`'s context.
#[derive(Serialize)]
struct FamiliesPage<'a> {
    title: &'static str,
    errors: Vec<FieldError>,
    run: Option<RunSummary<'a>>,
    total: usize,
    page: usize,
    pages: usize,
    prev: Option<String>,
    next: Option<String>,
    filters: &'a Filters,
    problems: Vec<ProblemChoice<'a>>,
    areas: &'a [String],
    statuses: Vec<Choice<'static>>,
    lead_workers: Vec<Person<'a>>,
    rows: Vec<ListRow<'a>>,
}

/// `GET /families`: the eligible families of the latest identification run in priority
/// order, filtered by problem, area, status and lead worker.
pub(super) async fn families(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(filters): Query<Filters>,
) -> Result<Page, WebError> {
    let listing = families::list(
        &state,
        &user,
        &filters,
        Via::Page(filters.page.unwrap_or(1)),
    )
    .await?;
    let keys = listing.shown_keys();
    let run = listing.run.as_deref();
    let cases = &listing.cases;
    let rows: Vec<ListRow> = match run {
        Some(run) => keys
            .iter()
            .map(|k| views::list_row(run, cases, k))
            .collect(),
        None => Vec::new(),
    };
    let query = |p: usize| {
        serde_urlencoded::to_string(Filters {
            page: Some(p),
            ..filters.clone()
        })
        .unwrap_or_default()
    };
    let (page_no, pages) = (listing.page, listing.pages);
    let ctx = FamiliesPage {
        title: "Families",
        errors: Vec::new(),
        run: run.map(|r| RunSummary {
            id: r.run.id,
            as_at: r.run.as_at.format("%-d %B %Y").to_string(),
            profile: &r.run.profile,
        }),
        total: listing.matching.len(),
        page: page_no,
        pages,
        prev: (page_no > 1).then(|| query(page_no - 1)),
        next: (page_no < pages).then(|| query(page_no + 1)),
        filters: &filters,
        problems: run
            .map(|r| {
                r.problems
                    .iter()
                    .map(|p| ProblemChoice {
                        key: p,
                        label: problem_label(&r.run.labels, p),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        areas: run.map(|r| r.areas.as_slice()).unwrap_or(&[]),
        statuses: CaseStatus::ALL
            .iter()
            .map(|s| Choice {
                key: s.key(),
                label: s.label(),
            })
            .collect(),
        lead_workers: cases
            .lead_workers()
            .into_iter()
            .map(|u| Person {
                id: u.id.to_string(),
                name: &u.display_name,
            })
            .collect(),
        rows,
    };
    render::page(&state, "families.html", Some(&user), "/families", &ctx)
}
