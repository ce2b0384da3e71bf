//! "Correct and send again": a referral the performance officer returned, with a reason, is
//! opened in the referral form as it was sent (people, problems and evidence, consent,
//! contact details) under the reason, so the referrer changes what was asked and sends it
//! again. That makes a new referral naming the one it resubmits (`referral.resubmits`); the
//! returned one stays as it was decided.
//!
//! Need to know as for reading a referral: the referrer whose referral it is, or the
//! performance officer (who enters referrals on any referrer's behalf); for anyone else it is
//! not found, and the refusal audited. Only a returned referral is sent again, and only once
//! (checked again in the store's transaction, backed by a unique index): otherwise
//! [`WebError::Conflict`] says why, and nothing is stored. The new referral belongs to the
//! same referrer as the returned one, so they see both, linked both ways.

use super::view::{self, ReturnedView};
use super::{checked, prepare, Author};
use crate::actor::CurrentUser;
use crate::error::WebError;
use crate::service::audit;
use crate::state::AppState;
use hearth_model::Role;
use hearth_referrals::form::MemberInput;
use hearth_referrals::{Flag, ReferralInput, ReferralStatus};
use hearth_store::{ReferralMember, ResubmitOutcome, StoredReferral};

/// A returned referral ready to be corrected: the form's fields as it was sent, and its
/// return.
pub(crate) struct Resendable {
    pub input: ReferralInput,
    pub returned: ReturnedView,
}

/// Whether `user` may see (so send again) referral `r`.
fn theirs(user: &CurrentUser, r: &StoredReferral) -> bool {
    user.role == Role::PerformanceOfficer || r.referrer_user_id == Some(user.user.id)
}

/// Why a referral cannot be sent again, in words, or `None` if it can.
pub(crate) fn refusal(r: &StoredReferral) -> Option<String> {
    if let Some(n) = r.resent_as {
        return Some(format!(
            "Referral {} was already corrected and sent again, as referral {n}. A returned \
             referral can be sent again only once: open referral {n} to see where it stands.",
            r.id
        ));
    }
    match ReferralStatus::parse(&r.status) {
        Some(ReferralStatus::Returned) => None,
        Some(ReferralStatus::Accepted) => Some(format!(
            "Referral {} was accepted, so there is nothing to correct: only a referral the \
             council returned can be corrected and sent again.",
            r.id
        )),
        _ => Some(format!(
            "Referral {} is waiting to be checked: only a referral the council returned can \
             be corrected and sent again.",
            r.id
        )),
    }
}

/// The referral as the form takes it: every field as it was sent.
fn input_of(r: &StoredReferral, members: &[ReferralMember]) -> ReferralInput {
    let problems = view::problems_of(r);
    ReferralInput {
        members: members
            .iter()
            .map(|m| MemberInput {
                given_name: m.given_name.clone(),
                family_name: m.family_name.clone(),
                date_of_birth: m.date_of_birth.format("%-d/%-m/%Y").to_string(),
                address: m.address.clone(),
                postcode: m.postcode.clone().unwrap_or_default(),
                relationship: m.relationship.clone(),
            })
            .collect(),
        problems: problems.iter().map(|p| p.key.clone()).collect(),
        evidence: problems.into_iter().map(|p| (p.key, p.evidence)).collect(),
        consent: r.consent.clone(),
        referrer_name: r.referrer_name.clone(),
        referrer_organisation: r.agency.clone(),
        referrer_email: r.referrer_email.clone(),
        referrer_phone: r.referrer_phone.clone(),
        channel: r.channel.clone(),
    }
}

async fn refuse(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    why: String,
    error: WebError,
) -> WebError {
    match audit::record(
        state,
        user,
        "resend referral refused",
        ("referral", id.to_string()),
        why,
    )
    .await
    {
        Ok(()) => error,
        Err(e) => e,
    }
}

/// The returned referral `id` with its members, if `user` may send it again; refusals
/// audited.
async fn returned_one(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<(StoredReferral, Vec<ReferralMember>), WebError> {
    let found = state
        .store()
        .run(move |s| {
            let Some(r) = s.referral(id)? else {
                return Ok(None);
            };
            let members = s.referral_members(id)?;
            Ok(Some((r, members)))
        })
        .await?;
    let Some((r, members)) = found.filter(|(r, _)| theirs(user, r)) else {
        let why = "not found or not theirs".to_string();
        return Err(refuse(state, user, id, why, WebError::NotFound).await);
    };
    if let Some(message) = refusal(&r) {
        let why = match r.resent_as {
            Some(n) => format!("already sent again as referral {n}"),
            None => format!("not returned: {}", r.status),
        };
        return Err(refuse(state, user, id, why, WebError::Conflict(message)).await);
    }
    Ok((r, members))
}

/// The form for correcting returned referral `id`, filled in as it was sent, with its
/// return. Audited as a view of the referral.
pub(crate) async fn form(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<Resendable, WebError> {
    let (r, members) = returned_one(state, user, id).await?;
    let rules = &state.settings().referral_rules;
    let returned = view::returned(&r, rules).ok_or(WebError::NotFound)?;
    audit::record(
        state,
        user,
        "view referral",
        ("referral", id.to_string()),
        "to correct and send again".into(),
    )
    .await?;
    Ok(Resendable {
        input: input_of(&r, &members),
        returned,
    })
}

/// The return of referral `id`, for the form shown again after a mistake (no audit: the
/// form's post is audited).
pub(crate) async fn returned_view(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<ReturnedView, WebError> {
    let (r, _) = returned_one(state, user, id).await?;
    view::returned(&r, &state.settings().referral_rules).ok_or(WebError::NotFound)
}

/// Sends returned referral `id` again as corrected in `input`: a new referral naming it, for
/// the same referrer (the officer may send one again on a referrer's behalf, with the channel
/// the correction came by). Mistakes: [`WebError::Invalid`], nothing stored. Audited.
pub(crate) async fn send(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    input: ReferralInput,
) -> Result<(i64, Vec<Flag>), WebError> {
    let (original, _) = returned_one(state, user, id).await?;
    let referral = checked(state, user, input)?;
    let owner = if user.role == Role::PerformanceOfficer {
        original.referrer_user_id
    } else {
        Some(user.user.id)
    };
    let entered_by = user.user.user_name.clone();
    let at = state.now();
    let cache = state.referral_lookup();
    let (outcome, flags) = state
        .store()
        .run(move |s| {
            let author = Author {
                referrer_user_id: owner,
                entered_by: &entered_by,
                at,
            };
            let p = prepare(s, &cache, &referral, &author)?;
            let outcome = s.resubmit_referral(id, &p.stored, &p.members, &p.people)?;
            Ok((outcome, p.flags))
        })
        .await?;
    let new = match outcome {
        ResubmitOutcome::Added(new) => new,
        ResubmitOutcome::NotFound => {
            let why = "not found".to_string();
            return Err(refuse(state, user, id, why, WebError::NotFound).await);
        }
        ResubmitOutcome::AlreadyResent(n) => {
            let message = refusal(&StoredReferral {
                resent_as: Some(n),
                ..original
            })
            .unwrap_or_default();
            let why = format!("already sent again as referral {n}");
            return Err(refuse(state, user, id, why, WebError::Conflict(message)).await);
        }
        ResubmitOutcome::NotReturned(r) => {
            let message = refusal(&r).unwrap_or_default();
            let why = format!("not returned: {}", r.status);
            return Err(refuse(state, user, id, why, WebError::Conflict(message)).await);
        }
    };
    audit::record(
        state,
        user,
        "resend referral",
        ("referral", new.to_string()),
        format!("resubmits referral {id}; {} flags", flags.len()),
    )
    .await?;
    tracing::info!(
        referral = new,
        resubmits = id,
        flags = flags.len(),
        "referral sent again"
    );
    Ok((new, flags))
}
