//! A case's statuses and the moves between them.
//!
//! The issue's words: "Statuses with their history (who, when, why): identified or referred →
//! contacted → agreed to take part → assessed → plan in place → reviews → closed, with a
//! closing reason (progress achieved, declined, moved away, stepped up to social care,
//! disengaged, no longer eligible). Moving back is possible with a reason; the history is
//! never rewritten." So: a case may move forward to any later status (a family may agree
//! at first contact); back to any earlier one only with a reason; to closed only with a
//! closing reason (and only then). Reopening a closed case is a move back.

use hearth_model::{CaseStatus, CloseReason};

/// The order of the work. Casework's rules for [`hearth_model::CaseStatus`] (the vocabulary
/// lives in `hearth_model`, the rules here).
pub trait StatusOrder: Sized {
    /// Its position in the order, from 0.
    fn index(self) -> usize;
    /// Whether `to` is further on than this status.
    fn goes_forward_to(self, to: Self) -> bool;
    /// Every other status (where a case at this one may be moved, forward or back).
    fn others(self) -> impl Iterator<Item = Self>;
}

impl StatusOrder for CaseStatus {
    fn index(self) -> usize {
        self as usize
    }

    fn goes_forward_to(self, to: CaseStatus) -> bool {
        to > self
    }

    fn others(self) -> impl Iterator<Item = CaseStatus> {
        CaseStatus::ALL.iter().copied().filter(move |s| *s != self)
    }
}

/// What kind of move a status change is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// On to a later status (not closed).
    Forward,
    /// Back to an earlier status, with a reason (from closed: reopening the case).
    Back,
    /// Closing the case, with a closing reason.
    Close(CloseReason),
}

/// Why a status change is not allowed; each names the form field to correct.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    /// The case is at that status already.
    #[error("The case is already at this status: choose a different one")]
    Same,
    /// Moving back needs a reason.
    #[error("Say why the case is moving back to an earlier status")]
    ReasonNeeded,
    /// Closing needs a closing reason.
    #[error("Select why the case is closing")]
    CloseReasonNeeded,
    /// A closing reason was given for a move that does not close the case.
    #[error("Only give a closing reason when closing the case")]
    CloseReasonNotClosing,
}

impl MoveError {
    /// The form field the message belongs beside.
    pub fn field(self) -> &'static str {
        match self {
            MoveError::Same => "status",
            MoveError::ReasonNeeded => "reason",
            MoveError::CloseReasonNeeded | MoveError::CloseReasonNotClosing => "close_reason",
        }
    }
}

/// Whether a case at `from` may move to `to`, with `close_reason` (only when closing) and
/// `reason` (the why, required when moving back; trimmed, may be empty otherwise).
pub fn check_move(
    from: CaseStatus,
    to: CaseStatus,
    close_reason: Option<CloseReason>,
    reason: &str,
) -> Result<Move, MoveError> {
    if from == to {
        return Err(MoveError::Same);
    }
    match (to, close_reason) {
        (CaseStatus::Closed, None) => return Err(MoveError::CloseReasonNeeded),
        (CaseStatus::Closed, Some(r)) => return Ok(Move::Close(r)),
        (_, Some(_)) => return Err(MoveError::CloseReasonNotClosing),
        (_, None) => {}
    }
    if from.goes_forward_to(to) {
        Ok(Move::Forward)
    } else if reason.trim().is_empty() {
        Err(MoveError::ReasonNeeded)
    } else {
        Ok(Move::Back)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use CaseStatus as S;

    #[test]
    fn statuses_have_keys_labels_and_the_order_of_the_work() {
        for (i, &s) in S::ALL.iter().enumerate() {
            assert_eq!(S::parse(s.key()), Ok(s));
            assert_eq!(s.index(), i);
        }
        assert_eq!(S::Agreed.label(), "Agreed to take part");
        assert!(S::parse("engaged").is_err());
        assert_eq!(S::Contacted.others().count(), S::ALL.len() - 1);
    }

    #[test]
    fn forward_is_free_back_needs_a_reason_and_closing_a_closing_reason() {
        assert_eq!(
            check_move(S::Identified, S::Contacted, None, ""),
            Ok(Move::Forward)
        );
        // A family may agree at first contact: forward may skip.
        assert_eq!(
            check_move(S::Referred, S::Agreed, None, ""),
            Ok(Move::Forward)
        );
        assert_eq!(
            check_move(S::Assessed, S::Contacted, None, "  "),
            Err(MoveError::ReasonNeeded)
        );
        assert_eq!(
            check_move(
                S::Assessed,
                S::Contacted,
                None,
                "The family asked for a pause"
            ),
            Ok(Move::Back)
        );
        assert_eq!(
            check_move(S::PlanInPlace, S::Closed, None, "done"),
            Err(MoveError::CloseReasonNeeded)
        );
        assert_eq!(
            check_move(S::PlanInPlace, S::Closed, Some(CloseReason::MovedAway), ""),
            Ok(Move::Close(CloseReason::MovedAway))
        );
        assert_eq!(
            check_move(S::Contacted, S::Agreed, Some(CloseReason::Declined), ""),
            Err(MoveError::CloseReasonNotClosing)
        );
        assert_eq!(
            check_move(S::Closed, S::Closed, None, ""),
            Err(MoveError::Same)
        );
        // Reopening is a move back.
        assert_eq!(
            check_move(S::Closed, S::Reviewing, None, ""),
            Err(MoveError::ReasonNeeded)
        );
        assert_eq!(MoveError::ReasonNeeded.field(), "reason");
        assert_eq!(MoveError::CloseReasonNeeded.field(), "close_reason");
    }

    proptest! {
        #[test]
        fn a_move_with_a_reason_is_refused_only_for_the_same_status_or_a_wrong_closing_reason(
            from in 0usize..8, to in 0usize..8, reason in 0usize..7,
        ) {
            let (from, to) = (S::ALL[from], S::ALL[to]);
            let close = CloseReason::ALL.get(reason).copied();
            let result = check_move(from, to, close, "why");
            let expected_ok = from != to && ((to == S::Closed) == close.is_some());
            prop_assert_eq!(result.is_ok(), expected_ok);
            if let Ok(Move::Back) = result {
                prop_assert!(to < from);
                // Without a reason the same move back is refused.
                prop_assert_eq!(check_move(from, to, close, ""), Err(MoveError::ReasonNeeded));
            }
        }
    }
}
