//! The family plan: goals per problem, each tied to a measure of the council's Outcomes Plan
//! ([`crate::measures`]); actions with an owner and a due date; reviews that record what
//! changed. Here: where an action stands on a day, so the plan can show what is overdue.

use crate::due::Urgency;
use chrono::NaiveDate;
use serde::Serialize;

/// Where a plan action stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionState {
    /// Done (on that date or before the day asked about).
    Done,
    /// Not done, and as [`Urgency`] says of its due date.
    Open(Urgency),
}

/// Where an action due on `due`, done on `done_on` (`None`: not yet), stands on `today`;
/// `due_soon_days` as in [`crate::DueRules`]. An action done after its due date is done, not
/// overdue: the plan shows what still needs doing.
pub fn action_urgency(
    due: NaiveDate,
    done_on: Option<NaiveDate>,
    today: NaiveDate,
    due_soon_days: i64,
) -> ActionState {
    if done_on.is_some_and(|d| d <= today) {
        return ActionState::Done;
    }
    let days_left = (due - today).num_days();
    ActionState::Open(if days_left < 0 {
        Urgency::Overdue
    } else if days_left <= due_soon_days {
        Urgency::DueSoon
    } else {
        Urgency::OnTrack
    })
}

impl ActionState {
    /// Whether the action is overdue.
    pub fn is_overdue(self) -> bool {
        self == ActionState::Open(Urgency::Overdue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn an_action_is_overdue_after_its_due_date_until_done() {
        let due = d(2026, 3, 10);
        let state = |today, done| action_urgency(due, done, today, 7);
        assert!(state(d(2026, 3, 11), None).is_overdue());
        assert_eq!(
            state(d(2026, 3, 10), None),
            ActionState::Open(Urgency::DueSoon)
        );
        assert_eq!(
            state(d(2026, 3, 3), None),
            ActionState::Open(Urgency::DueSoon)
        );
        assert_eq!(
            state(d(2026, 3, 2), None),
            ActionState::Open(Urgency::OnTrack)
        );
        assert_eq!(
            state(d(2026, 4, 1), Some(d(2026, 3, 20))),
            ActionState::Done
        );
        // Done in the future (a date typed ahead) does not count yet.
        assert!(state(d(2026, 3, 12), Some(d(2026, 3, 20))).is_overdue());
    }

    proptest! {
        #[test]
        fn overdue_exactly_when_not_done_and_past_due(due in 0i64..1000, today in 0i64..1000, done in proptest::option::of(0i64..1000)) {
            let base = d(2024, 1, 1);
            let at = |n: i64| base + chrono::Duration::days(n);
            let s = action_urgency(at(due), done.map(at), at(today), 7);
            let done_by_today = done.is_some_and(|x| x <= today);
            prop_assert_eq!(s.is_overdue(), !done_by_today && today > due);
            prop_assert_eq!(s == ActionState::Done, done_by_today);
        }
    }
}
