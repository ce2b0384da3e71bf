//! Referral forms part-filled ("Add another member", "Check the criteria"), kept between the
//! form's post and the page the browser is then sent to (post/redirect/get), so that the
//! browser's Back and reload ask nothing ("Confirm form resubmission"). Kept in the store
//! (`referral_draft`), so that a restart of the server loses none: only for the account that
//! typed them, found by a random token (the store keeps its SHA-256, never the token), for two
//! hours, then deleted. Never logged.

use super::session::{random_token, sha256_hex};
use crate::error::WebError;
use crate::state::AppState;
use chrono::Duration;
use hearth_referrals::ReferralInput;
use hearth_store::ReferralDraft;

/// How long a draft is kept (the store's rule, which the daily retention run also applies).
pub(crate) const KEEP: Duration = hearth_store::REFERRAL_DRAFT_KEPT;

/// Keeps `input` (typed by `user_id` in `form`, e.g. `/referrals/new`), returning its token.
pub(crate) async fn keep(
    state: &AppState,
    user_id: i64,
    form: &str,
    input: &ReferralInput,
    focus: Option<String>,
) -> Result<String, WebError> {
    let token = random_token();
    let now = state.now();
    let draft = ReferralDraft {
        token_sha256: sha256_hex(&token),
        user_id,
        form: form.to_string(),
        input: serde_json::to_string(input)
            .map_err(|e| WebError::Internal(format!("keeping a draft: {e}")))?,
        focus,
        created_at: now,
    };
    state
        .store()
        .run(move |s| s.keep_referral_draft(&draft, now - KEEP))
        .await?;
    Ok(token)
}

/// The draft `token` names, if `user_id` typed it in `form` and it is still kept (it stays,
/// for Back and reload). A draft that cannot be read back is as none: the form opens empty.
pub(crate) async fn get(
    state: &AppState,
    token: &str,
    user_id: i64,
    form: &str,
) -> Result<Option<(ReferralInput, Option<String>)>, WebError> {
    let (digest, form, since) = (sha256_hex(token), form.to_string(), state.now() - KEEP);
    let draft = state
        .store()
        .run(move |s| s.referral_draft(&digest, user_id, &form, since))
        .await?;
    Ok(draft.and_then(|d| {
        let input = serde_json::from_str::<ReferralInput>(&d.input).ok()?;
        Some((input, d.focus))
    }))
}
