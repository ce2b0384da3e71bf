//! The period, the as-at date, school terms and date helpers.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use rand::Rng;

pub(crate) const fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(d) => d,
        None => panic!("invalid constant date"),
    }
}

/// First day of the period (start of school year 2022/23).
pub const PERIOD_START: NaiveDate = ymd(2022, 9, 1);
/// Last day of the period (end of school year 2024/25).
pub const PERIOD_END: NaiveDate = ymd(2025, 8, 31);
/// The identification "as at" date.
pub const AS_AT: NaiveDate = ymd(2025, 9, 1);
/// Last day of the programme cohort's follow-up (end of school year 2026/27): attachments,
/// and what happened after the as-at date, run to here.
pub const FOLLOW_END: NaiveDate = ymd(2027, 8, 31);
/// First day of the 12-month window up to the as-at date.
pub const WINDOW_START: NaiveDate = ymd(2024, 9, 1);

/// One school term: academic year's first calendar year, name, first and last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    /// Calendar year the academic year starts in (2023 for 2023/24).
    pub year: i32,
    /// `Autumn`, `Spring` or `Summer`.
    pub name: &'static str,
    /// First day of term.
    pub start: NaiveDate,
    /// Last day of term.
    pub end: NaiveDate,
}

impl Term {
    /// `2023/24`.
    pub fn academic_year(&self) -> String {
        format!("{}/{:02}", self.year, (self.year + 1) % 100)
    }

    /// Possible sessions: two a weekday, less a half-term week.
    pub fn possible_sessions(&self) -> u32 {
        let mut d = self.start;
        let mut weekdays = 0;
        while d <= self.end {
            if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                weekdays += 1;
            }
            d = d + Days::new(1);
        }
        (weekdays - 5) * 2
    }
}

/// The nine terms of the period, in order.
pub fn terms() -> Vec<Term> {
    terms_of(2022..=2024)
}

/// The nine terms of the period then the six of the programme cohort's two follow-up school
/// years (2025/26, 2026/27), in order: indices 0 to 8 are [`terms`]'s.
pub fn all_terms() -> Vec<Term> {
    terms_of(2022..=2026)
}

fn terms_of(years: std::ops::RangeInclusive<i32>) -> Vec<Term> {
    let mut v = Vec::new();
    for year in years {
        v.push(Term {
            year,
            name: "Autumn",
            start: ymd(year, 9, 1),
            end: ymd(year, 12, 20),
        });
        v.push(Term {
            year,
            name: "Spring",
            start: ymd(year + 1, 1, 4),
            end: ymd(year + 1, 3, 28),
        });
        v.push(Term {
            year,
            name: "Summer",
            start: ymd(year + 1, 4, 14),
            end: ymd(year + 1, 7, 22),
        });
    }
    v
}

/// Whole years of age on `on` (negative before birth): the one age calculation,
/// `hearth_model::standardise::age::whole_years`.
pub use hearth_model::standardise::age::whole_years as age_on;

pub(crate) fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 {
        d + Days::new(n as u64)
    } else {
        d - Days::new(n.unsigned_abs())
    }
}

/// A uniformly random date in `from..=to` that is never within a day of the window start, so
/// that "in the 12 months up to the as-at date" reads the same whether the window's first day
/// is counted or not.
pub(crate) fn random_date<R: Rng>(rng: &mut R, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let to = to.max(from);
    let span = (to - from).num_days();
    let d = add_days(from, rng.random_range(0..=span));
    avoid_window_edge(d)
}

pub(crate) fn avoid_window_edge(d: NaiveDate) -> NaiveDate {
    let edge = (d - WINDOW_START).num_days();
    match edge {
        -1 => add_days(d, -3),
        0 | 1 => add_days(d, 3),
        _ => d,
    }
}

/// A date of birth for someone `age` whole years old on the as-at date.
pub(crate) fn dob_for_age<R: Rng>(rng: &mut R, age: i32) -> NaiveDate {
    let latest = ymd(AS_AT.year() - age, AS_AT.month(), AS_AT.day());
    let d = add_days(latest, -(rng.random_range(0..365)));
    // Stay exactly `age` (leap years): step back a day if needed.
    if age_on(d, AS_AT) != age {
        add_days(d, 1)
    } else {
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_and_ages() {
        let t = terms();
        assert_eq!(t.len(), 9);
        assert_eq!(t[6].academic_year(), "2024/25");
        assert!(t
            .iter()
            .all(|t| (100..=150).contains(&t.possible_sessions())));
        assert_eq!(age_on(ymd(2010, 9, 1), AS_AT), 15);
        assert_eq!(age_on(ymd(2010, 9, 2), AS_AT), 14);
        assert_eq!(avoid_window_edge(WINDOW_START), ymd(2024, 9, 4));
    }
}
