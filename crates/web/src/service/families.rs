//! The families list: the eligible families of the latest identification run in priority
//! order, filtered, for the roles that may list them (the route's permission).
//!
//! Returns which families match; building the rows a page or the API shows is `views`'.

use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::run::{Cases, RunData};
use crate::service::audit;
use crate::state::AppState;
use crate::views::{self, Filters};
use std::sync::Arc;

/// Families shown on one page of the list.
pub(crate) const PAGE_SIZE: usize = 50;

/// Who asks for the list: a page shows one page of it, the API all of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via {
    /// The families page, at this page (from 1; clamped to the pages there are).
    Page(usize),
    /// The API.
    Api,
}

/// The families that match, and which of them are shown.
pub(crate) struct Listing {
    /// The latest run (`None`: no run yet, so no families).
    pub run: Option<Arc<RunData>>,
    pub cases: Arc<Cases>,
    /// The matching families, as indices into the run's assessments, in priority order.
    pub matching: Vec<usize>,
    /// The page shown (from 1) and how many pages there are.
    pub page: usize,
    pub pages: usize,
    /// The part of `matching` shown.
    pub shown: std::ops::Range<usize>,
}

impl Listing {
    /// The shown families' filter keys.
    pub(crate) fn shown_keys(&self) -> Vec<views::RowKey<'_>> {
        let Some(run) = &self.run else {
            return Vec::new();
        };
        self.matching[self.shown.clone()]
            .iter()
            .filter_map(|&i| views::row_key(run, &self.cases, i))
            .collect()
    }
}

/// The eligible families matching `filters`, audited with how many were shown.
pub(crate) async fn list(
    state: &AppState,
    user: &CurrentUser,
    filters: &Filters,
    via: Via,
) -> Result<Listing, WebError> {
    let run = state.latest_run().await?;
    let cases = state.cases().await?;
    let matching: Vec<usize> = match &run {
        Some(run) => {
            let f = filters.resolve(run);
            run.ranked
                .iter()
                .copied()
                .filter(|&i| views::row_key(run, &cases, i).is_some_and(|k| views::matches(&k, &f)))
                .collect()
        }
        None => Vec::new(),
    };
    let (page, pages, shown) = match via {
        Via::Page(requested) => {
            let pages = matching.len().div_ceil(PAGE_SIZE).max(1);
            let page = requested.clamp(1, pages);
            let start = ((page - 1) * PAGE_SIZE).min(matching.len());
            let end = (start + PAGE_SIZE).min(matching.len());
            (page, pages, start..end)
        }
        Via::Api => (1, 1, 0..matching.len()),
    };
    let detail = match via {
        Via::Page(_) => format!("{} families listed", shown.len()),
        Via::Api => format!("{} families listed (API)", shown.len()),
    };
    audit::record(state, user, "list families", ("family", "*".into()), detail).await?;
    Ok(Listing {
        run,
        cases,
        matching,
        page,
        pages,
        shown,
    })
}
