//! How far each item's data reach. A partner whose file is not sent again stops at its last
//! extract: an item counted from it falls to 0 after that date, which is no data, not a
//! saving. So each item's reach is worked out from the facts of its kind (its source, event
//! type and condition) across the whole store, and an item whose data do not reach the last
//! day of a family's months after attachment is "not measured" for that family (not zero).
//!
//! The reach of a kind is the latest of its records' dates in the files (import batches) that
//! hold something new of it: a file counts if it is the first to hold the kind, or if a record
//! of the kind starts in it later than in every file imported before it. A later extract that
//! only restates earlier records with their ends (episodes open at the first extract, closed
//! since) shows when those closed, not that new ones would have been recorded. It is made
//! robust: end dates after the store's latest event date are ignored (a planned end is not
//! data), the latest thousandth
//! (`outliers`) of dates is dropped as mistyped, and a source with regular quiet spells
//! (schools in the summer holiday) gets `quiet_days` more. A benefit closed to new claims
//! (Income Support, Incapacity Benefit) has no new starts to show how far its file reaches,
//! so it is measured by its claims' ends only. The settings are `[coverage]` in
//! `rules/savings.toml`.

use crate::rules::{Item, SavingsRules};
use chrono::{Days, NaiveDate};
use hearth_model::Fact;
use std::collections::{BTreeMap, HashMap};

/// Each item's data reach, in the rules' item order: the last day its data are taken to
/// cover (`None`: no fact of its kind at all).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Coverage {
    reach: Vec<Option<NaiveDate>>,
}

/// Dates counted: each date once per record that gives it.
type Histogram = BTreeMap<NaiveDate, u64>;

/// The latest date once the latest `share` of them is dropped (at least the latest one is
/// kept: fewer than 1/share dates drop none).
fn robust_latest(h: &Histogram, share: f64) -> Option<NaiveDate> {
    let n: u64 = h.values().sum();
    let mut drop = (n as f64 * share).floor() as u64;
    for (d, c) in h.iter().rev() {
        if *c > drop {
            return Some(*d);
        }
        drop -= c;
    }
    None
}

/// A kind's reach from its records per batch (starts, ends): the latest date of the batches
/// holding something new of it (the first batch, or one with a start later than every earlier
/// batch's). `ends_only`: a kind closed to new records, measured by its ends in every batch.
fn reach_of_kind(
    batches: &BTreeMap<i64, (Histogram, Histogram)>,
    ends_only: bool,
    share: f64,
) -> Option<NaiveDate> {
    let mut dates = Histogram::new();
    let mut latest_start: Option<NaiveDate> = None;
    for (i, (starts, ends)) in batches.values().enumerate() {
        let own = robust_latest(starts, share);
        let new = i == 0 || ends_only || own > latest_start;
        latest_start = latest_start.max(own);
        if !new {
            continue;
        }
        let mut add = |h: &Histogram| {
            for (d, c) in h {
                *dates.entry(*d).or_default() += c;
            }
        };
        if !ends_only {
            add(starts);
        }
        add(ends);
    }
    robust_latest(&dates, share)
}

/// Whether a fact is of the item's kind: its source, event type and condition (the item's
/// ages, `missing` attributes and thresholds say whom it counts, not what the file holds).
fn of_kind(item: &Item, source: &str, f: &Fact) -> bool {
    source == item.source
        && f.event_type == item.event_type
        && item
            .condition
            .as_ref()
            .is_none_or(|c| c.holds(f).unwrap_or(false))
}

impl Coverage {
    /// Works out every item's reach from all the store's facts (`(source, fact, the import
    /// batch it came in)`, batches numbered in import order), not only the attached
    /// families': a file's reach is a property of the file.
    pub fn from_facts<'a>(
        rules: &SavingsRules,
        facts: impl Iterator<Item = (&'a str, &'a Fact, i64)> + Clone,
    ) -> Coverage {
        let cov = &rules.coverage;
        // The store's latest event date (robust): an end date after it is planned, not seen.
        let mut events = Histogram::new();
        for (_, f, _) in facts.clone() {
            if let Some(d) = f.event_date {
                *events.entry(d).or_default() += 1;
            }
        }
        let latest_event = robust_latest(&events, cov.outliers);
        // Items by (source, event type), so that each fact is tried only against its own.
        let mut by_type: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (i, it) in rules.items.iter().enumerate() {
            by_type
                .entry((it.source.as_str(), it.event_type.as_str()))
                .or_default()
                .push(i);
        }
        // Per item, per batch: the starts and the ends of its records.
        let mut hist: Vec<BTreeMap<i64, (Histogram, Histogram)>> =
            vec![BTreeMap::new(); rules.items.len()];
        // Every record of a source and type: the reach of an item with no record of its own
        // kind at all (a kind so rare the whole store has none).
        let mut by_type_hist: HashMap<(&str, &str), Histogram> = HashMap::new();
        // Whether any record of the item's source and type carries the fields its condition
        // reads: if none does (no `arrest` field in the police file), the item has no data,
        // whatever its source's reach.
        let mut carries = vec![false; rules.items.len()];
        for (source, f, batch) in facts {
            let Some((key, items)) = by_type.get_key_value(&(source, f.event_type.as_str())) else {
                continue;
            };
            // A date after the store's latest event date is planned or mistyped, not seen.
            let seen = |d: &NaiveDate| latest_event.is_some_and(|l| *d <= l);
            let start = f.event_date.filter(seen);
            let end = f.end_date.filter(seen);
            let th = by_type_hist.entry(*key).or_default();
            for d in start.iter().chain(end.iter()) {
                *th.entry(*d).or_default() += 1;
            }
            for &i in items {
                carries[i] = carries[i]
                    || rules.items[i]
                        .condition
                        .as_ref()
                        .is_none_or(|c| c.variables().iter().all(|v| f.attributes.contains_key(v)));
                if !of_kind(&rules.items[i], source, f) {
                    continue;
                }
                let (starts, ends) = hist[i].entry(batch).or_default();
                if let Some(d) = start {
                    *starts.entry(d).or_default() += 1;
                }
                if let Some(e) = end {
                    *ends.entry(e).or_default() += 1;
                }
            }
        }
        let reach = rules
            .items
            .iter()
            .zip(&hist)
            .zip(&carries)
            .map(|((it, h), &carries)| {
                let ends_only_of = |it: &Item| cov.closed_to_new.contains(&it.key);
                let quiet = cov.quiet_days.get(&it.source).copied().unwrap_or(0);
                let type_hist = by_type_hist.get(&(it.source.as_str(), it.event_type.as_str()));
                reach_of_kind(h, ends_only_of(it), cov.outliers)
                    .or_else(|| {
                        type_hist
                            .filter(|_| carries)
                            .and_then(|t| robust_latest(t, cov.outliers))
                    })
                    .map(|d| d.checked_add_days(Days::new(quiet.into())).unwrap_or(d))
            })
            .collect();
        Coverage { reach }
    }

    /// Every item reaching `date` (for callers that know their data are complete, and tests).
    pub fn reaching(rules: &SavingsRules, date: NaiveDate) -> Coverage {
        Coverage {
            reach: vec![Some(date); rules.items.len()],
        }
    }

    /// The same, with the item `key`'s reach set to `reach` (an unknown key changes nothing).
    pub fn with_reach(mut self, rules: &SavingsRules, key: &str, reach: Option<NaiveDate>) -> Self {
        if let Some(i) = rules.items.iter().position(|it| it.key == key) {
            self.reach[i] = reach;
        }
        self
    }

    /// Item `i`'s reach (`None`: no data of its kind, or an index out of range).
    pub fn reach(&self, i: usize) -> Option<NaiveDate> {
        self.reach.get(i).copied().flatten()
    }

    /// Whether item `i`'s data reach `last_day` (inclusive).
    pub fn reaches(&self, i: usize, last_day: NaiveDate) -> bool {
        self.reach(i).is_some_and(|r| r >= last_day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_latest_thousandth_is_dropped_but_a_few_dates_keep_their_latest() {
        let mut h = Histogram::new();
        h.insert(d("2025-01-01"), 1998);
        h.insert(d("2099-01-01"), 2);
        assert_eq!(robust_latest(&h, 0.001), Some(d("2025-01-01")));
        let mut few = Histogram::new();
        few.insert(d("2025-01-01"), 5);
        few.insert(d("2025-02-01"), 1);
        assert_eq!(robust_latest(&few, 0.001), Some(d("2025-02-01")));
        assert_eq!(robust_latest(&Histogram::new(), 0.001), None);
    }
}
