//! The families list: `/families` (searched, filtered, sorted, with bulk assignment for the
//! performance officer) and `/families/export.xlsx`.

use super::{Choice, Person};
use crate::access::{permits, sees_identifiers, Permission};
use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::labels::problem_label;
use crate::render::{self, form_errors, FieldError, Page};
use crate::service::families::{self, Listing, Via};
use crate::service::workload;
use crate::state::AppState;
use crate::views::{self, Filters, ListRow, SortKey};
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
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

/// A column heading that sorts the list.
#[derive(Serialize)]
struct SortLink {
    label: &'static str,
    /// The query string that sorts by this column (the other way if it is sorted by it).
    href: String,
    /// `ascending`, `descending` or `none` (for `aria-sort`).
    aria_sort: &'static str,
    numeric: bool,
}

/// A row with its family's name (for roles that may see identifiers) and whether it is
/// ticked for bulk assignment.
#[derive(Serialize)]
struct Row<'a> {
    #[serde(flatten)]
    row: ListRow<'a>,
    /// `Smith family`, or `Family 123` where names are not shown.
    name: String,
    checked: bool,
}

form_errors!(
    /// The list's messages: filters it does not know, a search it cannot make, and the bulk
    /// assignment form.
    ListErrors { problem, status, area, lead_worker, sort, q, families, bulk_lead_worker }
);

/// `families.html`'s context.
#[derive(Serialize)]
struct FamiliesPage<'a> {
    title: &'static str,
    errors: Vec<FieldError>,
    error: ListErrors,
    run: Option<RunSummary<'a>>,
    total: usize,
    /// Families the workbook holds, and those it leaves out (objection or restriction).
    exported: usize,
    left_out: usize,
    page: usize,
    pages: usize,
    prev: Option<String>,
    next: Option<String>,
    filters: &'a Filters,
    /// The query string of the list as shown, for the export link.
    query: String,
    problems: Vec<ProblemChoice<'a>>,
    areas: &'a [String],
    statuses: Vec<Choice<'static>>,
    lead_workers: Vec<Person>,
    sorts: Vec<SortLink>,
    rows: Vec<Row<'a>>,
    /// The performance officer may tick families and assign them in one go.
    bulk: bool,
    bulk_lead_worker: &'a str,
    search_hint: &'static str,
}

/// The bulk assignment form as sent, shown again with its errors.
#[derive(Default)]
pub(super) struct BulkForm {
    pub families: Vec<i64>,
    pub lead_worker: String,
    pub errors: Vec<(String, String)>,
}

fn sort_links(filters: &Filters) -> Vec<SortLink> {
    [
        (SortKey::Priority, "Priority", true),
        (SortKey::Family, "Family", false),
        (SortKey::Area, "Area", false),
        (SortKey::Members, "Members", false),
        (SortKey::Cost, "Estimated cost a year", true),
        (SortKey::Status, "Status", false),
        (SortKey::LeadWorker, "Lead worker", false),
    ]
    .into_iter()
    .map(|(key, label, numeric)| {
        let current = SortKey::parse(&filters.sort).unwrap_or(SortKey::Priority) == key;
        let desc = filters.dir == "desc";
        let href = serde_urlencoded::to_string(Filters {
            sort: key.key().to_string(),
            dir: if current && !desc {
                "desc".into()
            } else {
                String::new()
            },
            page: None,
            ..filters.clone()
        })
        .unwrap_or_default();
        SortLink {
            label,
            href,
            aria_sort: match (current, desc) {
                (false, _) => "none",
                (true, false) => "ascending",
                (true, true) => "descending",
            },
            numeric,
        }
    })
    .collect()
}

/// `GET /families`: the eligible families of the latest identification run in priority
/// order (or sorted by a column), searched, and filtered by problem, area, status and lead
/// worker.
pub(super) async fn families(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(filters): Query<Filters>,
) -> Result<Page, WebError> {
    families_page(&state, &user, &filters, BulkForm::default()).await
}

/// The families page, with the bulk form as sent (after a mistake in it).
pub(super) async fn families_page(
    state: &AppState,
    user: &CurrentUser,
    filters: &Filters,
    bulk: BulkForm,
) -> Result<Page, WebError> {
    let listing: Listing =
        families::list(state, user, filters, Via::Page(filters.page.unwrap_or(1))).await?;
    let keys = listing.shown_keys();
    let run = listing.run.as_deref();
    let cases = &listing.cases;
    let ids: Vec<i64> = keys.iter().map(|k| k.assessment.family_id).collect();
    let names = match run {
        Some(run) => families::family_names(state, user, run, &ids).await?,
        None => Default::default(),
    };
    let rows: Vec<Row> = match run {
        Some(run) => keys
            .iter()
            .map(|k| {
                let row = views::list_row(
                    run,
                    cases,
                    k,
                    sees_identifiers(user.role),
                    &listing.withheld,
                );
                Row {
                    name: names
                        .get(&row.family_id)
                        .cloned()
                        .unwrap_or_else(|| format!("Family {}", row.family_id)),
                    checked: bulk.families.contains(&row.family_id),
                    row,
                }
            })
            .collect(),
        None => Vec::new(),
    };
    let applied = &listing.applied;
    let query = |p: Option<usize>| {
        serde_urlencoded::to_string(Filters {
            page: p,
            ..applied.clone()
        })
        .unwrap_or_default()
    };
    let (page_no, pages) = (listing.page, listing.pages);
    let mut errors = listing.errors.clone();
    errors.extend(bulk.errors.iter().map(|(f, m)| {
        let f = if f == "lead_worker" {
            "bulk_lead_worker"
        } else {
            f
        };
        (f.to_string(), m.clone())
    }));
    let may_assign = permits(user.role, Permission::AssignLeadWorker);
    let left_out = workload::left_out_of_export(state, &listing).await?;
    let ctx = FamiliesPage {
        title: "Families",
        errors: render::field_errors(&errors),
        error: ListErrors::from_pairs(&errors),
        run: run.map(|r| RunSummary {
            id: r.run.id,
            as_at: r.run.as_at.format("%-d %B %Y").to_string(),
            profile: &r.run.profile,
        }),
        total: listing.matching.len(),
        exported: listing.matching.len() - left_out,
        left_out,
        page: page_no,
        pages,
        prev: (page_no > 1).then(|| query(Some(page_no - 1))),
        next: (page_no < pages).then(|| query(Some(page_no + 1))),
        filters,
        query: query(None),
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
            .lead_workers_labelled(sees_identifiers(user.role))
            .into_iter()
            .map(|(u, name)| Person {
                id: u.id.to_string(),
                name,
            })
            .collect(),
        sorts: sort_links(applied),
        rows,
        bulk: may_assign,
        bulk_lead_worker: &bulk.lead_worker,
        search_hint: if crate::access::sees_identifiers(user.role) {
            "A name, a family reference (for example 1234) or an NHS number"
        } else {
            "A family reference, for example 1234"
        },
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else if bulk.errors.is_empty() {
        // Unknown filter values: the list is shown, with what it could not do.
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok(render::page(state, "families.html", Some(user), "/families", &ctx)?.with_status(status))
}

/// `GET /families/export.xlsx`: the list as filtered, searched and sorted, as a
/// spreadsheet (family names only for roles that may see identifiers). Audited.
pub(super) async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(filters): Query<Filters>,
) -> Result<Response, WebError> {
    let bytes = workload::export(&state, &user, &filters).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"families.xlsx\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        bytes,
    )
        .into_response())
}
