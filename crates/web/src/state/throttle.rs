//! Counters kept in memory for sign-in: failed attempts per key in a sliding window, with
//! the attempts still being checked counted too, so that a check and the failure it may
//! record are one step ([`Attempts::reserve`]) however many requests arrive at once; and a
//! per-address, per-minute budget of audit lines for people not signed in
//! ([`AnonymousLines`]).
//!
//! It counts what it is told to; which keys and limits apply is the service layer's
//! decision (`service::session`).

use chrono::{DateTime, Duration, Utc};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// Above this many keys, keys with nothing recent and nothing being checked are dropped.
const SWEEP_ABOVE: usize = 10_000;

/// One key's failures (times, oldest first) and attempts being checked.
#[derive(Default)]
struct Count {
    failures: VecDeque<DateTime<Utc>>,
    checking: u64,
}

impl Count {
    fn forget_before(&mut self, since: DateTime<Utc>) {
        while self.failures.front().is_some_and(|t| *t < since) {
            self.failures.pop_front();
        }
    }

    fn total(&self) -> u64 {
        self.failures.len() as u64 + self.checking
    }
}

/// A key and the most failures (recorded plus being checked) it may have in the window.
pub(crate) type Limit = (String, u64);

/// Failed attempts per key in a sliding window.
#[derive(Default)]
pub(crate) struct Attempts {
    counts: Mutex<HashMap<String, Count>>,
}

/// An attempt let through by [`Attempts::reserve`]: its keys, to settle with
/// [`Attempts::settle`].
#[derive(Debug)]
pub(crate) struct Reservation {
    keys: Vec<String>,
}

impl Attempts {
    /// If every key is under its limit (failures since `since` plus attempts being checked),
    /// counts one more attempt as being checked for each and lets it through; otherwise
    /// the first key at its limit, and nothing changes.
    pub(crate) fn reserve(
        &self,
        limits: &[Limit],
        since: DateTime<Utc>,
    ) -> Result<Reservation, String> {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if counts.len() > SWEEP_ABOVE {
            counts.retain(|_, c| {
                c.forget_before(since);
                c.total() > 0
            });
        }
        for (key, limit) in limits {
            if let Some(c) = counts.get_mut(key) {
                c.forget_before(since);
                if c.total() >= *limit {
                    return Err(key.clone());
                }
            }
        }
        for (key, _) in limits {
            counts.entry(key.clone()).or_default().checking += 1;
        }
        Ok(Reservation {
            keys: limits.iter().map(|(k, _)| k.clone()).collect(),
        })
    }

    /// Ends a reserved attempt: a failure at `failed_at` is recorded for every key, a
    /// success (`None`) clears the keys in `clear`.
    pub(crate) fn settle(
        &self,
        reservation: Reservation,
        failed_at: Option<DateTime<Utc>>,
        clear: &[String],
    ) {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        for key in &reservation.keys {
            if let Some(c) = counts.get_mut(key) {
                c.checking = c.checking.saturating_sub(1);
                if let Some(at) = failed_at {
                    c.failures.push_back(at);
                }
            }
        }
        if failed_at.is_none() {
            for key in clear {
                if let Some(c) = counts.get_mut(key) {
                    c.failures.clear();
                }
            }
        }
        counts.retain(|_, c| c.total() > 0);
    }

    /// Forgets the failures of every key for which `matches` holds (an administrator clearing
    /// an account's throttle).
    pub(crate) fn clear_where(&self, matches: impl Fn(&str) -> bool) {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        for (key, c) in counts.iter_mut() {
            if matches(key) {
                c.failures.clear();
            }
        }
        counts.retain(|_, c| c.total() > 0);
    }
}

/// What to do with an audit line about someone not signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LineBudget {
    /// Write it.
    Write,
    /// Do not: it is counted, to be written as one line when its minute is over (`first`:
    /// the first counted in its minute).
    Counted { first: bool },
}

/// How many audit lines about people not signed in each address has had this minute, and
/// how many more were only counted.
#[derive(Default)]
pub(crate) struct AnonymousLines {
    minutes: Mutex<HashMap<String, Minute>>,
}

#[derive(Debug, Clone, Copy)]
struct Minute {
    started: DateTime<Utc>,
    written: u64,
    counted: u64,
}

impl AnonymousLines {
    /// Whether a line from `address` at `now` may be written (at most `per_minute` in a
    /// minute); also returns the addresses whose minute is over with lines only counted,
    /// each with its count and the minute's start, to be written as one line each.
    pub(crate) fn take(
        &self,
        address: &str,
        now: DateTime<Utc>,
        per_minute: u64,
    ) -> (LineBudget, Vec<(String, DateTime<Utc>, u64)>) {
        let mut minutes = self.minutes.lock().unwrap_or_else(|p| p.into_inner());
        let over = Self::over(&mut minutes, now);
        let m = minutes.entry(address.to_string()).or_insert(Minute {
            started: now,
            written: 0,
            counted: 0,
        });
        let budget = if m.written < per_minute {
            m.written += 1;
            LineBudget::Write
        } else {
            m.counted += 1;
            LineBudget::Counted {
                first: m.counted == 1,
            }
        };
        (budget, over)
    }

    /// The minutes over at `now` that have lines only counted (and forgets every minute
    /// that is over).
    pub(crate) fn due(&self, now: DateTime<Utc>) -> Vec<(String, DateTime<Utc>, u64)> {
        let mut minutes = self.minutes.lock().unwrap_or_else(|p| p.into_inner());
        Self::over(&mut minutes, now)
    }

    fn over(
        minutes: &mut HashMap<String, Minute>,
        now: DateTime<Utc>,
    ) -> Vec<(String, DateTime<Utc>, u64)> {
        let mut over = Vec::new();
        minutes.retain(|address, m| {
            if now - m.started < Duration::minutes(1) {
                return true;
            }
            if m.counted > 0 {
                over.push((address.clone(), m.started, m.counted));
            }
            false
        });
        over
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(s: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 9, 1, 9, 0, 0).unwrap() + Duration::seconds(s)
    }

    #[test]
    fn attempts_being_checked_count_towards_the_limit() {
        let a = Attempts::default();
        let limit = vec![("k".to_string(), 2)];
        let one = a.reserve(&limit, at(0)).unwrap();
        let two = a.reserve(&limit, at(0)).unwrap();
        assert_eq!(a.reserve(&limit, at(0)).unwrap_err(), "k");
        a.settle(one, None, &[]);
        let three = a.reserve(&limit, at(0)).unwrap();
        a.settle(two, Some(at(1)), &[]);
        a.settle(three, Some(at(2)), &[]);
        assert!(a.reserve(&limit, at(0)).is_err());
        // The window slides.
        assert!(a.reserve(&limit, at(2)).is_ok());
    }

    #[test]
    fn anonymous_lines_are_budgeted_per_address_and_minute() {
        let l = AnonymousLines::default();
        assert_eq!(l.take("a", at(0), 2).0, LineBudget::Write);
        assert_eq!(l.take("a", at(1), 2).0, LineBudget::Write);
        assert_eq!(l.take("a", at(2), 2).0, LineBudget::Counted { first: true });
        assert_eq!(l.take("b", at(3), 2).0, LineBudget::Write);
        assert_eq!(
            l.take("a", at(4), 2).0,
            LineBudget::Counted { first: false }
        );
        assert!(l.due(at(30)).is_empty());
        assert_eq!(l.due(at(61)), vec![("a".to_string(), at(0), 2)]);
        assert_eq!(l.take("a", at(62), 2).0, LineBudget::Write);
    }
}
