//! What a lead worker must do next for a family and by when.
//!
//! Each status has one next step with a time limit counted from when the case reached it
//! (or, for a family not yet contacted, from when its lead worker was given it). The limits
//! are the council's local choice ([`DueRules`]); the defaults follow common early help
//! practice: first contact within 10 days, agreement to take part within 20, the
//! whole-family assessment within 6 weeks and the plan 2 weeks after it, a plan review every
//! 12 weeks, and a check that progress has lasted 6 months after closing (the "sustained"
//! of "significant and sustained progress", which a results claim must show).

use chrono::{Duration, NaiveDate};
use hearth_model::CaseStatus;
use serde::{Deserialize, Serialize};

/// How long each next step may take, in days: the council's choice (`rules/casework.toml`
/// holds the defaults; [`DueRules::from_toml`] reads a council's own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DueRules {
    /// From a lead worker being given an identified family to first contact.
    pub first_contact_days: i64,
    /// From referral to the family agreeing to take part.
    pub engagement_days: i64,
    /// From the family agreeing to take part to the whole-family assessment.
    pub assessment_days: i64,
    /// From the assessment to the family plan being agreed.
    pub plan_days: i64,
    /// From the plan starting to its first review.
    pub review_days: i64,
    /// From closing to checking that progress has lasted.
    pub sustained_check_days: i64,
    /// Steps due within this many days are "due soon".
    pub due_soon_days: i64,
}

impl Default for DueRules {
    fn default() -> Self {
        DueRules {
            first_contact_days: 10,
            engagement_days: 20,
            assessment_days: 42,
            plan_days: 14,
            review_days: 84,
            sustained_check_days: 182,
            due_soon_days: 7,
        }
    }
}

/// Why a casework rules file was refused.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// Not TOML, or a setting this build does not know.
    #[error("{0}")]
    Toml(#[from] toml::de::Error),
    /// A time limit out of range.
    #[error("{field} must be between 0 and 3650 days, not {value}")]
    OutOfRange {
        /// The setting.
        field: &'static str,
        /// What the file said.
        value: i64,
    },
}

impl DueRules {
    /// Reads rules from TOML text: any setting left out keeps its default.
    pub fn from_toml(text: &str) -> Result<DueRules, RulesError> {
        let rules: DueRules = toml::from_str(text)?;
        for (field, value) in [
            ("first_contact_days", rules.first_contact_days),
            ("engagement_days", rules.engagement_days),
            ("assessment_days", rules.assessment_days),
            ("plan_days", rules.plan_days),
            ("review_days", rules.review_days),
            ("sustained_check_days", rules.sustained_check_days),
            ("due_soon_days", rules.due_soon_days),
        ] {
            if !(0..=3650).contains(&value) {
                return Err(RulesError::OutOfRange { field, value });
            }
        }
        Ok(rules)
    }
}

/// Where a step stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Past its due date.
    Overdue,
    /// Due today or within [`DueRules::due_soon_days`].
    DueSoon,
    /// Due later.
    OnTrack,
}

/// What a lead worker must do next for a family, and by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextStep {
    /// The step, in plain words.
    pub action: &'static str,
    /// The date it is due.
    pub due: NaiveDate,
    /// Where it stands on the day asked about.
    pub urgency: Urgency,
    /// Days from that day to the due date (negative: days late).
    pub days_left: i64,
}

impl NextStep {
    /// How a page says when it is due: `Overdue by 3 days`, `Due today`, `Due in 5 days`.
    pub fn when(&self) -> String {
        let days = |n: i64| {
            if n == 1 {
                "1 day".to_string()
            } else {
                format!("{n} days")
            }
        };
        match self.days_left {
            0 => "Due today".into(),
            n if n < 0 => format!("Overdue by {}", days(-n)),
            n => format!("Due in {}", days(n)),
        }
    }
}

/// The next step of a case at `status`, reached on `status_since`, whose lead worker was
/// given it on `assigned_on` (`None`: no one has it), as it stands on `today`. `None` when
/// nothing is due: an identified or referred family with no lead worker (assigning one is
/// the performance team's step, shown on their list).
pub fn next_step(
    status: CaseStatus,
    status_since: NaiveDate,
    assigned_on: Option<NaiveDate>,
    today: NaiveDate,
    rules: &DueRules,
) -> Option<NextStep> {
    let (action, from, days) = match status {
        CaseStatus::Identified | CaseStatus::Referred => (
            "Contact the family",
            assigned_on?.max(status_since),
            rules.first_contact_days,
        ),
        CaseStatus::Contacted => (
            "Agree with the family that they take part",
            status_since,
            rules.engagement_days,
        ),
        CaseStatus::Agreed => (
            "Complete the whole-family assessment",
            status_since,
            rules.assessment_days,
        ),
        CaseStatus::Assessed => ("Agree the family plan", status_since, rules.plan_days),
        // The clock of a case under review restarts at each review (the caller's
        // `status_since` is the latest review's date).
        CaseStatus::PlanInPlace | CaseStatus::Reviewing => {
            ("Review the family plan", status_since, rules.review_days)
        }
        CaseStatus::Closed => (
            "Check that progress has been sustained",
            status_since,
            rules.sustained_check_days,
        ),
    };
    let due = from + Duration::days(days);
    let days_left = (due - today).num_days();
    let urgency = if days_left < 0 {
        Urgency::Overdue
    } else if days_left <= rules.due_soon_days {
        Urgency::DueSoon
    } else {
        Urgency::OnTrack
    };
    Some(NextStep {
        action,
        due,
        urgency,
        days_left,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn each_status_has_its_step_and_time_limit() {
        let r = DueRules::default();
        let since = d(2026, 1, 1);
        let step = |s| next_step(s, since, Some(since), since, &r).unwrap();
        assert_eq!(step(CaseStatus::Identified).due, d(2026, 1, 11));
        assert_eq!(step(CaseStatus::Referred).due, d(2026, 1, 11));
        assert_eq!(step(CaseStatus::Contacted).due, d(2026, 1, 21));
        assert_eq!(step(CaseStatus::Agreed).due, d(2026, 2, 12));
        assert_eq!(step(CaseStatus::Assessed).due, d(2026, 1, 15));
        assert_eq!(step(CaseStatus::PlanInPlace).due, d(2026, 3, 26));
        assert_eq!(step(CaseStatus::Reviewing).due, d(2026, 3, 26));
        assert_eq!(step(CaseStatus::Closed).due, d(2026, 7, 2));
        assert_eq!(
            step(CaseStatus::Agreed).action,
            "Complete the whole-family assessment"
        );
        assert_eq!(step(CaseStatus::Assessed).action, "Agree the family plan");
    }

    #[test]
    fn first_contact_counts_from_when_a_lead_worker_was_given_the_family() {
        let r = DueRules::default();
        let identified = d(2026, 1, 1);
        assert_eq!(
            next_step(CaseStatus::Identified, identified, None, identified, &r),
            None
        );
        let assigned = d(2026, 3, 1);
        let s = next_step(
            CaseStatus::Identified,
            identified,
            Some(assigned),
            assigned,
            &r,
        )
        .unwrap();
        assert_eq!(s.due, d(2026, 3, 11));
        // A referred family too: nothing is due until someone has it.
        assert_eq!(
            next_step(CaseStatus::Referred, identified, None, identified, &r),
            None
        );
        // A later status counts from when the case reached it, whoever holds it.
        let s = next_step(
            CaseStatus::Contacted,
            d(2026, 3, 5),
            Some(assigned),
            assigned,
            &r,
        )
        .unwrap();
        assert_eq!(s.due, d(2026, 3, 25));
    }

    #[test]
    fn urgency_and_wording_follow_the_days_left() {
        let r = DueRules::default();
        let since = d(2026, 1, 1); // contacted: due 21 January
        let on = |today| next_step(CaseStatus::Contacted, since, None, today, &r).unwrap();
        let s = on(d(2026, 1, 24));
        assert_eq!(
            (s.urgency, s.days_left, s.when()),
            (Urgency::Overdue, -3, "Overdue by 3 days".into())
        );
        assert_eq!(on(d(2026, 1, 22)).when(), "Overdue by 1 day");
        let s = on(d(2026, 1, 21));
        assert_eq!(
            (s.urgency, s.when()),
            (Urgency::DueSoon, "Due today".into())
        );
        assert_eq!(on(d(2026, 1, 14)).urgency, Urgency::DueSoon);
        let s = on(d(2026, 1, 13));
        assert_eq!(
            (s.urgency, s.when()),
            (Urgency::OnTrack, "Due in 8 days".into())
        );
    }

    #[test]
    fn rules_files_are_read_with_defaults_and_checked() {
        let shipped = include_str!("../../../rules/casework.toml");
        assert_eq!(DueRules::from_toml(shipped).unwrap(), DueRules::default());
        let r = DueRules::from_toml("assessment_days = 30").unwrap();
        assert_eq!((r.assessment_days, r.review_days), (30, 84));
        let e = DueRules::from_toml("assesment_days = 30")
            .unwrap_err()
            .to_string();
        assert!(e.contains("assesment_days"), "{e}");
        let e = DueRules::from_toml("review_days = -1")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "review_days must be between 0 and 3650 days, not -1");
    }

    proptest! {
        #[test]
        fn a_step_is_never_due_before_its_clock_starts_and_urgency_only_grows(
            status in 0usize..8, since in 0i64..3000, assigned in 0i64..3000, a in 0i64..4000, b in 0i64..4000,
        ) {
            let base = d(2020, 1, 1);
            let status = CaseStatus::ALL[status];
            let since = base + Duration::days(since);
            let assigned = base + Duration::days(assigned);
            let (early, late) = (base + Duration::days(a.min(b)), base + Duration::days(a.max(b)));
            let r = DueRules::default();
            let x = next_step(status, since, Some(assigned), early, &r).unwrap();
            let y = next_step(status, since, Some(assigned), late, &r).unwrap();
            prop_assert!(x.due > since);
            prop_assert_eq!(x.due, y.due);
            let rank = |u: Urgency| match u { Urgency::OnTrack => 0, Urgency::DueSoon => 1, Urgency::Overdue => 2 };
            prop_assert!(rank(x.urgency) <= rank(y.urgency));
        }
    }
}
