//! Age in whole years: the one calculation every crate uses (households' ages, the
//! identification rules' age bands, the synthetic population).
//!
//! It does not decide who counts as a child or an adult; the rules that use ages do.

use chrono::{Datelike, NaiveDate};

/// Whole years from `dob` to `on`: the number of birthdays that have passed. Negative when
/// `on` is before `dob` (−1 in the year before birth, and so on). A 29 February birthday
/// passes on 1 March in common years.
#[inline]
pub fn whole_years(dob: NaiveDate, on: NaiveDate) -> i32 {
    let mut years = on.year() - dob.year();
    if (on.month(), on.day()) < (dob.month(), dob.day()) {
        years -= 1;
    }
    years
}

/// Age in whole years on `on`; `None` when `on` is before the date of birth.
#[inline]
pub fn age_on(dob: NaiveDate, on: NaiveDate) -> Option<u32> {
    u32::try_from(whole_years(dob, on)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn ages() {
        assert_eq!(age_on(d(2007, 9, 1), d(2025, 9, 1)), Some(18));
        assert_eq!(age_on(d(2007, 9, 2), d(2025, 9, 1)), Some(17));
        assert_eq!(age_on(d(2025, 9, 1), d(2025, 9, 1)), Some(0));
        assert_eq!(age_on(d(2026, 1, 1), d(2025, 9, 1)), None);
        assert_eq!(age_on(d(2025, 9, 2), d(2025, 9, 1)), None);
        assert_eq!(whole_years(d(2026, 1, 1), d(2025, 9, 1)), -1);
        assert_eq!(age_on(d(2008, 2, 29), d(2025, 2, 28)), Some(16));
        assert_eq!(age_on(d(2008, 2, 29), d(2025, 3, 1)), Some(17));
    }

    proptest! {
        #[test]
        fn agrees_with_chrono(a in 0i64..60_000, b in 0i64..60_000) {
            let base = d(1900, 1, 1);
            let dob = base + chrono::Days::new(a as u64);
            let on = base + chrono::Days::new(b as u64);
            prop_assert_eq!(age_on(dob, on), on.years_since(dob));
            prop_assert_eq!(age_on(dob, on).is_some(), dob <= on);
        }
    }
}
