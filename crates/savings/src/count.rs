//! Counting one item's service use by one family in one window, the way the item says
//! (Appendix 2's way). No prices here: `calculate` prices the counts.

use crate::rules::{Count, Dates, Item};
use chrono::NaiveDate;
use hearth_identification::{FactRef, Who};
use hearth_model::{standardise::age::age_on, AttrValue};
use std::collections::{BTreeSet, HashSet};

/// A family member, as the calculator reads them.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// Linkage's stable person ID.
    pub person_id: u64,
    /// Best-known date of birth (without it, only `who = "anyone"` items count the person).
    pub date_of_birth: Option<NaiveDate>,
    /// The person's facts from every partner source.
    pub facts: Vec<FactRef>,
}

/// An attached family: its members and the date it joined the programme.
#[derive(Debug, Clone, PartialEq)]
pub struct SavingsFamily {
    /// Linkage's stable family ID.
    pub family_id: u64,
    /// The date the family was attached to the programme.
    pub attached_on: NaiveDate,
    /// Its members (frozen at attachment where the caller has a baseline).
    pub members: Vec<Member>,
}

/// A half-open window of dates, `[from, to)`, seen as at a date: nothing after `as_at` is
/// known, so an open episode runs to `as_at` and facts dated later are not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First day, inclusive.
    pub from: NaiveDate,
    /// Day after the last, exclusive.
    pub to: NaiveDate,
    /// The data's as-at date.
    pub as_at: NaiveDate,
}

impl Window {
    /// Days of `[start, end]` (inclusive; `end` None: open) inside the window.
    fn overlap_days(&self, start: NaiveDate, end: Option<NaiveDate>) -> i64 {
        let last_known = self.as_at.succ_opt().unwrap_or(self.as_at);
        let stop = self.to.min(last_known);
        let end_excl = end
            .and_then(|e| e.succ_opt())
            .unwrap_or(last_known)
            .min(stop);
        let begin = start.max(self.from);
        (end_excl - begin).num_days().max(0)
    }

    fn contains(&self, d: NaiveDate) -> bool {
        d >= self.from && d < self.to && d <= self.as_at
    }
}

/// Whether `item` counts `m` on `date` (by age then).
fn counts_person(item: &Item, m: &Member, date: NaiveDate, adult_from: u32) -> bool {
    let age = m.date_of_birth.and_then(|b| age_on(b, date));
    let who = match (item.who, age) {
        (Who::Anyone, _) => true,
        (_, None) => false,
        (Who::Child, Some(a)) => a < adult_from,
        (Who::Adult, Some(a)) => a >= adult_from,
    };
    let bounds = match age {
        Some(a) => item.min_age.is_none_or(|lo| a >= lo) && item.max_age.is_none_or(|hi| a <= hi),
        None => item.min_age.is_none() && item.max_age.is_none(),
    };
    who && bounds
}

/// Whether a fact is of the item's kind and meets its condition (a condition that cannot be
/// evaluated for the fact, e.g. an attribute the partner does not send, does not match).
fn matches(item: &Item, f: &FactRef) -> bool {
    *f.source == *item.source
        && f.fact.event_type == item.event_type
        && item
            .missing
            .iter()
            .all(|a| !f.fact.attributes.contains_key(a))
        && item
            .condition
            .as_ref()
            .is_none_or(|c| c.holds(&f.fact).unwrap_or(false))
}

/// Whether the data can measure the item at all: a fact of its source and type that carries
/// every attribute its condition reads. An item the data cannot measure is reported as "not
/// measured", never as no use.
pub fn measurable(item: &Item, f: &FactRef) -> bool {
    *f.source == *item.source
        && f.fact.event_type == item.event_type
        && item.condition.as_ref().is_none_or(|c| {
            c.variables()
                .iter()
                .all(|v| f.fact.attributes.contains_key(v))
        })
}

fn attr_key(v: &AttrValue) -> String {
    match v {
        AttrValue::Text(t) => t.clone(),
        AttrValue::Number(n) => n.to_string(),
        AttrValue::Bool(b) => b.to_string(),
    }
}

/// A fact's identity for "the same fact recorded twice counts once".
fn fact_key(person: u64, f: &FactRef) -> String {
    let attrs: Vec<String> = f
        .fact
        .attributes
        .iter()
        .map(|(k, v)| format!("{k}={}", attr_key(v)))
        .collect();
    format!(
        "{person}|{:?}|{:?}|{}",
        f.fact.event_date,
        f.fact.end_date,
        attrs.join("|")
    )
}

/// A member's facts with repeats merged: records of one source, type, first day and
/// attributes are one thing that happened, ending on the latest end date any of them gives
/// (an empty end date is overruled by a given one). A partner's later extract restates a
/// claim or episode that was open in the earlier one with its end; counted as two, the open
/// copy would run on to the as-at date and count use after the spell had ended. The same
/// rule as the Outcomes Plan's `hearth_outcomes::facts::tidy`.
pub fn tidy(facts: &[FactRef]) -> Vec<FactRef> {
    let mut keyed: Vec<(String, &FactRef)> = facts
        .iter()
        .map(|f| (format!("{:?}", f.fact.attributes), f))
        .collect();
    keyed.sort_by(|(ka, a), (kb, b)| {
        (
            &*a.source,
            &a.fact.event_type,
            a.fact.event_date,
            ka,
            a.fact.end_date,
            a.record_id,
        )
            .cmp(&(
                &*b.source,
                &b.fact.event_type,
                b.fact.event_date,
                kb,
                b.fact.end_date,
                b.record_id,
            ))
    });
    let mut out: Vec<(String, &FactRef)> = Vec::with_capacity(keyed.len());
    for (k, f) in keyed {
        if let Some((lk, last)) = out.last_mut() {
            if last.source == f.source
                && last.fact.event_type == f.fact.event_type
                && last.fact.event_date == f.fact.event_date
                && *lk == k
            {
                // Sorted by end (`None` first): the last one seen has the latest end.
                if f.fact.end_date.is_some() {
                    *last = f;
                }
                continue;
            }
        }
        out.push((k, f));
    }
    out.into_iter().map(|(_, f)| f.clone()).collect()
}

/// The item's units of service use by the family in the window (`months` long). `adult_from`
/// decides who is an adult.
pub fn units(item: &Item, family: &SavingsFamily, w: Window, months: u32, adult_from: u32) -> f64 {
    let in_window = |f: &FactRef| -> Option<NaiveDate> {
        let start = f.fact.event_date?;
        match item.dates {
            Dates::EventDate => w.contains(start).then_some(start),
            Dates::Overlaps => {
                (w.overlap_days(start, f.fact.end_date) > 0).then_some(start.max(w.from))
            }
        }
    };
    match item.count {
        Count::Incidents => {
            let mut seen: HashSet<String> = HashSet::new();
            for m in &family.members {
                for f in &m.facts {
                    if !matches(item, f) {
                        continue;
                    }
                    let Some(on) = in_window(f) else { continue };
                    if !counts_person(item, m, on, adult_from) {
                        continue;
                    }
                    let key = match item
                        .distinct_by
                        .as_deref()
                        .and_then(|a| f.fact.attributes.get(a))
                    {
                        Some(v) => format!("ref|{}", attr_key(v)),
                        None => fact_key(m.person_id, f),
                    };
                    seen.insert(key);
                }
            }
            seen.len() as f64
        }
        Count::People => {
            let mut n = 0usize;
            for m in &family.members {
                let mut any = false;
                let mut total = 0.0;
                let mut seen: BTreeSet<String> = BTreeSet::new();
                for f in &m.facts {
                    if !matches(item, f) {
                        continue;
                    }
                    let Some(on) = in_window(f) else { continue };
                    if !counts_person(item, m, on, adult_from) {
                        continue;
                    }
                    if !seen.insert(fact_key(m.person_id, f)) {
                        continue;
                    }
                    any = true;
                    if let Some(t) = &item.threshold {
                        total += t.sum.number(&f.fact).unwrap_or(0.0);
                    }
                }
                let reached = match &item.threshold {
                    None => any,
                    Some(t) => any && total + 1e-9 >= t.at_least,
                };
                if reached {
                    n += 1;
                }
            }
            // A per-year cost counts a person for the window's length.
            match item.unit {
                hearth_identification::CostUnit::Year => n as f64 * f64::from(months) / 12.0,
                _ => n as f64,
            }
        }
        Count::FirstTime => {
            let mut n = 0usize;
            for m in &family.members {
                let first = m
                    .facts
                    .iter()
                    .filter(|f| matches(item, f))
                    .filter_map(|f| f.fact.event_date)
                    .filter(|d| *d <= w.as_at)
                    .min();
                if let Some(d) = first {
                    if w.contains(d) && counts_person(item, m, d, adult_from) {
                        n += 1;
                    }
                }
            }
            n as f64
        }
        Count::Weeks | Count::Months => {
            let mut days = 0i64;
            for m in &family.members {
                let mut seen: BTreeSet<String> = BTreeSet::new();
                for f in &m.facts {
                    if !matches(item, f) {
                        continue;
                    }
                    let Some(start) = f.fact.event_date else {
                        continue;
                    };
                    let d = w.overlap_days(start, f.fact.end_date);
                    if d <= 0 || !counts_person(item, m, start.max(w.from), adult_from) {
                        continue;
                    }
                    if seen.insert(fact_key(m.person_id, f)) {
                        days += d;
                    }
                }
            }
            if item.count == Count::Weeks {
                days as f64 / 7.0
            } else {
                days as f64 / (365.25 / 12.0)
            }
        }
    }
}
