//! The cost savings calculator's results, as `hearth savings` stored them: the cohort's
//! figures published through disclosure control (every count of families through
//! `governance::disclosure::protect`, money only where the counts behind it are shown) for the
//! performance officer and the analyst, and one family's service use before and after for
//! whoever may open the family. Every view is audited.

use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::service::audit;
use crate::state::AppState;
use crate::views::savings::{FamilyResult, Published};
use hearth_governance::disclosure::Policy;
use hearth_savings::{export, publish, CohortSavings, FamilySavings};

/// The latest run's cohort, published; `None` before the first `hearth savings`. Audited.
pub(crate) async fn cohort(
    state: &AppState,
    user: &CurrentUser,
    what: &str,
) -> Result<Option<Published>, WebError> {
    let run = state.store().run(|s| s.latest_savings_run()).await?;
    let Some(run) = run else {
        return Ok(None);
    };
    let c: CohortSavings = serde_json::from_str(&run.cohort)
        .map_err(|_| WebError::Internal("a stored savings run cannot be read".into()))?;
    let cohort = publish(&c, Policy::default());
    audit::record(
        state,
        user,
        what,
        ("family", "*".into()),
        format!("savings run {}", run.id),
    )
    .await?;
    Ok(Some(Published {
        run_id: run.id,
        run_at: run.run_at,
        cohort,
    }))
}

/// The latest run's published figures as a workbook; 404 before the first run.
pub(crate) async fn xlsx(state: &AppState, user: &CurrentUser) -> Result<Vec<u8>, WebError> {
    let p = cohort(state, user, "export cost savings")
        .await?
        .ok_or(WebError::NotFound)?;
    export::xlsx(&p.cohort).map_err(|e| WebError::Internal(format!("writing the workbook: {e}")))
}

/// One family's result in the latest run, if it was attached by then. The caller has already
/// checked (and audited) that the viewer may open the family.
pub(crate) async fn family(
    state: &AppState,
    family_id: i64,
) -> Result<Option<FamilyResult>, WebError> {
    let found = state
        .store()
        .run(move |s| {
            let Some(run) = s.latest_savings_run()? else {
                return Ok(None);
            };
            Ok(s.savings_family(run.id, family_id)?.map(|r| (run, r)))
        })
        .await?;
    let Some((run, json)) = found else {
        return Ok(None);
    };
    let bad = |_| WebError::Internal("a stored savings result cannot be read".into());
    let result: FamilySavings = serde_json::from_str(&json).map_err(bad)?;
    let cohort: CohortSavings = serde_json::from_str(&run.cohort).map_err(bad)?;
    Ok(Some(FamilyResult {
        run_id: run.id,
        as_at: run.as_at,
        result,
        items: cohort
            .items
            .into_iter()
            .map(|i| {
                let sourced = i.confidence == hearth_identification::Confidence::Sourced;
                (i.key, (i.label, sourced))
            })
            .collect(),
        price_year: cohort.price_year,
    }))
}
