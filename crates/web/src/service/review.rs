//! Clerical review of uncertain record pairs: the queue with its progress, one pair with
//! both records (identifiers only for roles that may see them), and a reviewer's decision
//! (same person, different people, or not sure) with a reason.
//!
//! Decisions are the store's (`Store::decide_review`): the next `hearth link` reads them as
//! must-link and cannot-link constraints. "Not sure" stores no decision (the pair stays in
//! the queue for someone else) but is audited with its reason like the others. Every read
//! of a pair and every decision is audited; targets are record keys, never names.

use crate::access::sees_identifiers;
use crate::actor::CurrentUser;
use crate::domain::is_control;
use crate::error::WebError;
use crate::service::audit;
use crate::state::AppState;
use crate::views::review::{pair_key, PairDetail, Queue, Side};
use hearth_store::{RecordId, ReviewDecision};

/// The longest reason kept, in characters.
pub(crate) const REASON_LIMIT: usize = 1000;

/// A reviewer's verdict on a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The same person: the next link keeps the two records together.
    Same,
    /// Different people: the next link keeps them apart.
    Different,
    /// Not sure: nothing is stored; the pair stays in the queue.
    NotSure,
}

impl Verdict {
    /// Every verdict, in the order the form offers them.
    pub(crate) const ALL: [Verdict; 3] = [Verdict::Same, Verdict::Different, Verdict::NotSure];

    /// The key forms and the API send.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Verdict::Same => "same",
            Verdict::Different => "different",
            Verdict::NotSure => "not_sure",
        }
    }

    /// What people read.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Verdict::Same => "The same person",
            Verdict::Different => "Different people",
            Verdict::NotSure => "Not sure",
        }
    }

    /// The verdict of a key.
    pub(crate) fn parse(key: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.key() == key)
    }
}

/// The queue, audited.
pub(crate) async fn queue(state: &AppState, user: &CurrentUser) -> Result<Queue, WebError> {
    let q = state
        .store()
        .run(|s| {
            Ok(Queue {
                pending: s.pending_review()?,
                decided: s.review_decisions()?.len(),
            })
        })
        .await?;
    audit::record(
        state,
        user,
        "list review pairs",
        ("record_pair", "*".into()),
        format!("{} pairs waiting", q.pending.len()),
    )
    .await?;
    Ok(q)
}

/// One pair waiting for review with both records; identifiers only for roles that may see
/// them. 404 for a pair not in the queue. Audited.
pub(crate) async fn pair(
    state: &AppState,
    user: &CurrentUser,
    left: RecordId,
    right: RecordId,
) -> Result<PairDetail, WebError> {
    let identifiers = sees_identifiers(user.role);
    let found = state
        .store()
        .run(move |s| {
            let pending = s.pending_review()?;
            let Some(position) = pending
                .iter()
                .position(|p| p.record_l == left && p.record_r == right)
            else {
                return Ok(None);
            };
            let decided = s.review_decisions()?.len();
            let mut trails = s.record_trails(&[left, right])?;
            let mut identities = if identifiers {
                s.record_identities(&[left, right])?
            } else {
                Vec::new()
            };
            let mut side = |id: RecordId| Side {
                record_id: id,
                trail: trails
                    .iter()
                    .position(|t| t.record_id == id)
                    .map(|i| trails.swap_remove(i)),
                identity: identities
                    .iter()
                    .position(|t| t.record_id == id)
                    .map(|i| identities.swap_remove(i)),
            };
            let (l, r) = (side(left), side(right));
            Ok(Some(PairDetail {
                pair: pending[position].clone(),
                position: position + 1,
                queue: Queue { pending, decided },
                left: l,
                right: r,
                identifiers,
            }))
        })
        .await?;
    let key = pair_key(left, right);
    let Some(detail) = found else {
        audit::record(
            state,
            user,
            "view record pair",
            ("record_pair", key),
            "refused: not in the queue".into(),
        )
        .await?;
        return Err(WebError::NotFound);
    };
    audit::record(
        state,
        user,
        "view record pair",
        ("record_pair", key),
        if identifiers {
            "identifiers shown".into()
        } else {
            "pseudonymised".into()
        },
    )
    .await?;
    Ok(detail)
}

/// A decision as typed: checked by [`decide`].
pub(crate) struct DecisionInput<'a> {
    pub verdict: &'a str,
    pub reason: &'a str,
}

/// What a decision did.
pub(crate) struct Decided {
    pub verdict: Verdict,
    /// The pair to review next (after this one in the queue), if any.
    pub next: Option<(RecordId, RecordId)>,
}

/// Checks a decision's fields: every mistake, field by field.
fn check(input: &DecisionInput<'_>) -> Result<(Verdict, String), WebError> {
    let mut errors = Vec::new();
    let verdict = Verdict::parse(input.verdict.trim());
    if verdict.is_none() {
        errors.push((
            "decision".to_string(),
            "Select whether the two records are the same person, different people, or you are not sure".to_string(),
        ));
    }
    let reason = input.reason.trim();
    if reason.is_empty() {
        errors.push((
            "reason".to_string(),
            "Enter why you decided this".to_string(),
        ));
    } else if reason.chars().count() > REASON_LIMIT {
        errors.push((
            "reason".to_string(),
            format!("Reason must be {REASON_LIMIT} characters or fewer"),
        ));
    } else if reason
        .chars()
        .any(|c| is_control(c) && !matches!(c, '\n' | '\r' | '\t'))
    {
        errors.push((
            "reason".to_string(),
            "Reason must not contain control or text-direction characters".to_string(),
        ));
    }
    match verdict {
        Some(v) if errors.is_empty() => Ok((v, reason.to_string())),
        _ => Err(WebError::Invalid(errors)),
    }
}

/// Records a decision on a pair waiting in the queue (404 if it is not, e.g. decided by
/// someone else meanwhile), audited with its reason; "not sure" stores nothing.
pub(crate) async fn decide(
    state: &AppState,
    user: &CurrentUser,
    left: RecordId,
    right: RecordId,
    input: &DecisionInput<'_>,
) -> Result<Decided, WebError> {
    let (verdict, reason) = check(input)?;
    let by = user.user.user_name.clone();
    let outcome = state
        .store()
        .run(move |s| {
            let pending = s.pending_review()?;
            let Some(i) = pending
                .iter()
                .position(|p| p.record_l == left && p.record_r == right)
            else {
                return Ok(None);
            };
            let next = pending.get(i + 1).map(|p| (p.record_l, p.record_r));
            let is_match = match verdict {
                Verdict::Same => true,
                Verdict::Different => false,
                Verdict::NotSure => return Ok(Some(next)),
            };
            let d = ReviewDecision {
                record_l: left,
                record_r: right,
                is_match,
            };
            Ok(s.decide_review(&d, &by)?.then_some(next))
        })
        .await?;
    let key = pair_key(left, right);
    let Some(next) = outcome else {
        audit::record(
            state,
            user,
            "decide record pair",
            ("record_pair", key),
            "refused: not in the queue".into(),
        )
        .await?;
        return Err(WebError::NotFound);
    };
    audit::record(
        state,
        user,
        "decide record pair",
        ("record_pair", key),
        format!("{}: {}", verdict.label(), reason),
    )
    .await?;
    Ok(Decided { verdict, next })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_needs_a_verdict_and_a_reason() {
        let e = check(&DecisionInput {
            verdict: "",
            reason: " ",
        });
        match e {
            Err(WebError::Invalid(f)) => {
                let fields: Vec<&str> = f.iter().map(|(k, _)| k.as_str()).collect();
                assert_eq!(fields, ["decision", "reason"]);
            }
            _ => panic!("expected both fields refused"),
        }
        assert!(check(&DecisionInput {
            verdict: "maybe",
            reason: "x",
        })
        .is_err());
        assert!(check(&DecisionInput {
            verdict: "same",
            reason: "bad\u{202e}",
        })
        .is_err());
        let (v, r) = check(&DecisionInput {
            verdict: "not_sure",
            reason: "  dates differ by a year ",
        })
        .unwrap();
        assert_eq!(
            (v, r.as_str()),
            (Verdict::NotSure, "dates differ by a year")
        );
    }
}
