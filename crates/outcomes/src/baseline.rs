//! Freezing a family's baseline at attachment: who was in it, its problems and their
//! evidence (from the identification run), and each measure's starting value — the
//! 12 months before attachment for counted measures, the plan's number of terms ended
//! before attachment for each pupil's attendance. Frozen once: later re-links and runs do
//! not move it.

use crate::facts::Event;
use crate::judge::measure_value;
use crate::plan::Plan;
use crate::types::{
    Baseline, BaselineIndicator, BaselineMeasure, BaselineMember, BaselineProblem, FamilyId,
};
use chrono::{Days, Months, NaiveDate};
use std::collections::BTreeMap;

/// What a baseline is frozen from.
#[derive(Debug, Clone)]
pub struct FreezeInput<'a> {
    /// The family.
    pub family_id: FamilyId,
    /// The attachment date.
    pub attached_on: NaiveDate,
    /// The identification run the problems come from.
    pub run_id: Option<i64>,
    /// The members at attachment.
    pub members: Vec<BaselineMember>,
    /// Every headline problem of the rules, present or not.
    pub problems: Vec<BaselineProblem>,
    /// The run's evidence for the family.
    pub indicators: Vec<BaselineIndicator>,
    /// The members' records (tidied).
    pub events: &'a [Event],
    /// The borough's school terms.
    pub calendar: &'a [(NaiveDate, NaiveDate)],
}

/// When a child born on `born` is of compulsory school age in England, first and last day:
/// from the prescribed day (31 March, 31 August or 31 December) on or after their fifth
/// birthday, to the last Friday of June of the school year (September to August) in which they
/// turn 16. The attendance rule asks a record for every term such a member is of school age.
pub fn compulsory_school_age(born: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    use chrono::Datelike;
    let fifth = born.checked_add_months(Months::new(60))?;
    let y = fifth.year();
    let first = [(y, 3, 31), (y, 8, 31), (y, 12, 31)]
        .into_iter()
        .filter_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
        .find(|p| *p >= fifth)?;
    let sixteenth = born.checked_add_months(Months::new(192))?;
    let june_of = if sixteenth.month() >= 9 {
        sixteenth.year() + 1
    } else {
        sixteenth.year()
    };
    let mut last = NaiveDate::from_ymd_opt(june_of, 6, 30)?;
    while last.weekday() != chrono::Weekday::Fri {
        last = last.pred_opt()?;
    }
    Some((first, last))
}

/// The months before attachment a counted measure's baseline covers.
pub const BASELINE_MONTHS: u32 = 12;

/// Freezes the baseline.
pub fn freeze(plan: &Plan, input: FreezeInput<'_>) -> Baseline {
    let a = input.attached_on;
    let to = a - Days::new(1);
    let from = a
        .checked_sub_months(Months::new(BASELINE_MONTHS))
        .unwrap_or(a);
    let mut measures = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for p in &plan.problems {
        for m in &p.measures {
            // A key shared by two measures (offending: incidents and youth offences) adds up.
            let (value, _) = measure_value(m, input.events, from, to);
            if seen.insert(m.key.clone()) {
                measures.push(BaselineMeasure {
                    measure_key: m.key.clone(),
                    person_id: None,
                    from,
                    to,
                    value,
                });
            } else if let Some(b) = measures.iter_mut().find(|b| b.measure_key == m.key) {
                b.value += value;
            }
        }
    }
    // Attendance over the terms ended before attachment.
    let r = &plan.attendance;
    let before: Vec<&(NaiveDate, NaiveDate)> = input.calendar.iter().filter(|t| t.1 < a).collect();
    if before.len() >= r.terms {
        let last = &before[before.len() - r.terms..];
        let mut per: BTreeMap<i64, (f64, f64)> = BTreeMap::new();
        for e in input.events.iter().filter(|e| e.event_type == r.event_type) {
            if last.iter().any(|t| t.0 == e.start && Some(t.1) == e.end) {
                let p = per.entry(e.person_id).or_default();
                p.0 += e.number(&r.possible).unwrap_or(0.0);
                p.1 += e.number(&r.missed).unwrap_or(0.0);
            }
        }
        for (person, (possible, missed)) in per {
            if possible > 0.0 {
                measures.push(BaselineMeasure {
                    measure_key: r.measure.clone(),
                    person_id: Some(person),
                    from: last[0].0,
                    to: last[r.terms - 1].1,
                    value: (possible - missed) / possible,
                });
            }
        }
    }
    Baseline {
        family_id: input.family_id,
        attached_on: a,
        run_id: input.run_id,
        members: input.members,
        problems: input.problems,
        indicators: input.indicators,
        measures,
    }
}

#[cfg(test)]
mod tests {
    use super::compulsory_school_age;
    use chrono::NaiveDate;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn compulsory_school_age_runs_from_the_prescribed_day_after_five_to_the_june_of_sixteen() {
        // Five on 9 August 2026: of school age from 31 August 2026; sixteen on 9 August 2037,
        // in the school year 2036/37: to the last Friday of June 2037 (26 June).
        assert_eq!(
            compulsory_school_age(d(2021, 8, 9)),
            Some((d(2026, 8, 31), d(2037, 6, 26)))
        );
        // Five on 2 September: from 31 December; sixteen on 2 September 2036, in the school
        // year 2036/37: June 2037.
        assert_eq!(
            compulsory_school_age(d(2020, 9, 2)),
            Some((d(2025, 12, 31), d(2037, 6, 26)))
        );
        // Five on 31 March: from that day.
        assert_eq!(
            compulsory_school_age(d(2020, 3, 31)).map(|r| r.0),
            Some(d(2025, 3, 31))
        );
    }
}
