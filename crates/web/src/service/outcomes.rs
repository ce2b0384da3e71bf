//! A family's latest judgement against the Outcomes Plan, as `hearth outcomes` kept it. The
//! caller has already checked, and audited, that the viewer may open the family.

use crate::error::WebError;
use crate::state::AppState;
use hearth_outcomes::FamilyOutcome;

/// The family's latest judgement and the plan's SHA-256 (`None`: not attached, or not
/// judged yet).
pub(crate) async fn family(
    state: &AppState,
    family_id: i64,
) -> Result<Option<(FamilyOutcome, String)>, WebError> {
    let Some(stored) = state
        .store()
        .run(move |s| s.family_outcome(family_id))
        .await?
    else {
        return Ok(None);
    };
    let outcome: FamilyOutcome = serde_json::from_str(&stored.outcome)
        .map_err(|_| WebError::Internal("a stored outcome cannot be read".into()))?;
    Ok(Some((outcome, stored.rules_sha256)))
}
