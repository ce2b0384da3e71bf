//! Referral forms part-filled, kept between a form's post and the page it sends the browser
//! to (the web application's `service::drafts`), so that they outlive a restart of the server.
//! Each is the account's that typed it, found by the SHA-256 of a random token (never the
//! token itself), and deleted once older than the caller keeps drafts. The form's fields are
//! JSON the store does not interpret; nothing here is logged.

use crate::error::Result;
use crate::handle::Store;
use crate::sql::{int, time, ts, Tx};
use chrono::{DateTime, Duration, Utc};

/// How long a part-filled referral form is kept: long enough to finish it, short enough
/// that what a partner typed about a family does not linger.
pub const REFERRAL_DRAFT_KEPT: Duration = Duration::hours(2);

/// A part-filled referral form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralDraft {
    /// Hex SHA-256 of the draft's token.
    pub token_sha256: String,
    /// The account that typed it.
    pub user_id: i64,
    /// The form it was typed in (its path, e.g. `/referrals/new`).
    pub form: String,
    /// What was typed (JSON).
    pub input: String,
    /// The field to put the cursor in.
    pub focus: Option<String>,
    /// When it was kept.
    pub created_at: DateTime<Utc>,
}

impl Store {
    /// Keeps `draft`, deleting in the same transaction every draft kept before
    /// `expired_before`.
    pub fn keep_referral_draft(
        &mut self,
        draft: &ReferralDraft,
        expired_before: DateTime<Utc>,
    ) -> Result<()> {
        self.with_tx(|tx| {
            tx.exec(
                "DELETE FROM referral_draft WHERE created_at < $1",
                &[ts(expired_before).into()],
            )?;
            tx.exec(
                "INSERT INTO referral_draft \
                 (token_sha256, user_id, form, input, focus, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    draft.token_sha256.as_str().into(),
                    draft.user_id.into(),
                    draft.form.as_str().into(),
                    draft.input.as_str().into(),
                    draft.focus.clone().into(),
                    ts(draft.created_at).into(),
                ],
            )?;
            Ok(())
        })
    }

    /// Deletes every draft kept before `expired_before` (each new draft does the same, and the
    /// daily retention run, so none outlives its time when no one is typing); how many.
    pub fn purge_referral_drafts(&mut self, expired_before: DateTime<Utc>) -> Result<u64> {
        self.with_tx(|tx| {
            tx.exec(
                "DELETE FROM referral_draft WHERE created_at < $1",
                &[ts(expired_before).into()],
            )
        })
    }

    /// The draft whose token has this digest, if `user_id` typed it in `form` and it was
    /// kept at or after `since` (it stays, for Back and reload).
    pub fn referral_draft(
        &mut self,
        token_sha256: &str,
        user_id: i64,
        form: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<ReferralDraft>> {
        self.with_read(|tx| read(tx, token_sha256, user_id, form, since))
    }
}

fn read(
    tx: &mut dyn Tx,
    token_sha256: &str,
    user_id: i64,
    form: &str,
    since: DateTime<Utc>,
) -> Result<Option<ReferralDraft>> {
    tx.query(
        "SELECT token_sha256, user_id, form, input, focus, created_at FROM referral_draft \
         WHERE token_sha256 = $1 AND user_id = $2 AND form = $3 AND created_at >= $4",
        &[
            token_sha256.into(),
            user_id.into(),
            form.into(),
            ts(since).into(),
        ],
    )?
    .first()
    .map(|r| {
        Ok(ReferralDraft {
            token_sha256: r[0].text().unwrap_or_default(),
            user_id: int(r, 1, "referral_draft", "user_id")?,
            form: r[2].text().unwrap_or_default(),
            input: r[3].text().unwrap_or_default(),
            focus: r[4].text(),
            created_at: time(&r[5], "referral_draft", "created_at")?,
        })
    })
    .transpose()
}
