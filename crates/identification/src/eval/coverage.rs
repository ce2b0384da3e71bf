//! What identification could see, so that a silent zero is never silent: per indicator, how
//! many facts of its source and event type it looked at, and the text values of the
//! attributes its condition compares that no indicator mentions (a partner's
//! `domestic_abuse` where the rules say `"Domestic Abuse"`); and warnings when an
//! indicator's `source` or `event_type` matches no fact (a typo turns it off), when the
//! as-at date is long after a source's newest fact, and when open-ended facts (claims,
//! episodes with no end date) started implausibly long ago.
//!
//! Pure: it reads the facts it is given and returns counts, keys, dates and codes. The
//! values it reports are those of attributes that conditions compare with text literals
//! (codes and categories), never identifiers.

use crate::input::FactRef;
use crate::rules::Rules;
use chrono::{Months, NaiveDate};
use hearth_model::AttrValue;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A source's newest fact this long before the as-at date is warned of.
pub const STALE_SOURCE_MONTHS: u32 = 12;
/// An open-ended fact (no end date) that started this long before the as-at date is warned of.
pub const OLD_OPEN_ENDED_YEARS: u32 = 10;
/// At most this many unmentioned values are listed per indicator and attribute.
const UNMENTIONED_SHOWN: usize = 5;

/// What one indicator looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorCoverage {
    /// The indicator's key.
    pub indicator: String,
    /// Its source and event type.
    pub source: String,
    /// Its event type.
    pub event_type: String,
    /// Facts of that source and type it looked at (before its window and condition).
    pub facts: u64,
    /// Values of attributes its condition compares with text that no indicator of the same
    /// source and type mentions: (attribute, value, facts with it), most frequent first.
    pub unmentioned: Vec<(String, String, u64)>,
}

/// What identification could see.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Per indicator, in rules order.
    pub indicators: Vec<IndicatorCoverage>,
    /// Plain-English warnings, each naming what to check.
    pub warnings: Vec<String>,
}

#[derive(Default)]
struct Seen {
    facts: u64,
    newest: Option<NaiveDate>,
    old_open: u64,
    oldest_open: Option<NaiveDate>,
    /// (attribute, text value) → facts, for the attributes some condition compares with text.
    values: BTreeMap<(String, String), u64>,
}

/// What `rules` could see in `facts_by_person` as at `as_at`.
pub fn coverage(rules: &Rules, facts_by_person: &[Vec<FactRef>], as_at: NaiveDate) -> Coverage {
    // Per (source, event type): the attributes compared with text, and the text mentioned.
    let mut compared: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let mut mentioned: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for ind in rules.indicators() {
        let key = (ind.source.clone(), ind.event_type.clone());
        if let Some(cond) = &ind.condition {
            let literals = cond.text_literals();
            if !literals.is_empty() {
                compared
                    .entry(key.clone())
                    .or_default()
                    .extend(cond.variables().iter().cloned());
                mentioned
                    .entry(key)
                    .or_default()
                    .extend(literals.into_iter().map(str::to_string));
            }
        }
    }
    let open_cutoff = as_at
        .checked_sub_months(Months::new(OLD_OPEN_ENDED_YEARS * 12))
        .unwrap_or(NaiveDate::MIN);
    let mut seen: BTreeMap<(String, String), Seen> = BTreeMap::new();
    for f in facts_by_person.iter().flatten() {
        let key = (f.source.to_string(), f.fact.event_type.clone());
        let attrs = compared.get(&key);
        let s = seen.entry(key).or_default();
        s.facts += 1;
        let latest = f.fact.end_date.max(f.fact.event_date);
        s.newest = s.newest.max(latest);
        if let (None, Some(start)) = (f.fact.end_date, f.fact.event_date) {
            if start < open_cutoff {
                s.old_open += 1;
                s.oldest_open = Some(s.oldest_open.map_or(start, |o| o.min(start)));
            }
        }
        for a in attrs.into_iter().flatten() {
            if let Some(AttrValue::Text(t)) = f.fact.attributes.get(a) {
                *s.values.entry((a.clone(), t.clone())).or_default() += 1;
            }
        }
    }

    let mut out = Coverage::default();
    for ind in rules.indicators() {
        let key = (ind.source.clone(), ind.event_type.clone());
        let s = seen.get(&key);
        let facts = s.map_or(0, |s| s.facts);
        let words = mentioned.get(&key);
        let mut unmentioned: Vec<(String, String, u64)> = s
            .zip(words)
            .map(|(s, words)| {
                s.values
                    .iter()
                    .filter(|((a, v), _)| {
                        ind.condition
                            .as_ref()
                            .is_some_and(|c| c.variables().contains(a))
                            && !words.contains(v)
                    })
                    .map(|((a, v), n)| (a.clone(), v.clone(), *n))
                    .collect()
            })
            .unwrap_or_default();
        unmentioned.sort_by(|x, y| y.2.cmp(&x.2).then_with(|| (&x.0, &x.1).cmp(&(&y.0, &y.1))));
        unmentioned.truncate(UNMENTIONED_SHOWN);
        if facts == 0 {
            out.warnings.push(nothing_matches(ind, &seen));
        }
        out.indicators.push(IndicatorCoverage {
            indicator: ind.key.clone(),
            source: ind.source.clone(),
            event_type: ind.event_type.clone(),
            facts,
            unmentioned,
        });
    }
    let stale_cutoff = as_at
        .checked_sub_months(Months::new(STALE_SOURCE_MONTHS))
        .unwrap_or(NaiveDate::MIN);
    for ((source, event_type), s) in &seen {
        if let Some(newest) = s.newest.filter(|n| *n < stale_cutoff) {
            out.warnings.push(format!(
                "the newest `{source}` `{event_type}` fact is dated {newest}, more than \
                 {STALE_SOURCE_MONTHS} months before the as-at date {as_at}: indicators over \
                 recent months find nothing in it; import newer data or give an earlier --as-at"
            ));
        }
        if let Some(oldest) = s.oldest_open {
            out.warnings.push(format!(
                "{} `{source}` `{event_type}` facts have no end date and started more than \
                 {OLD_OPEN_ENDED_YEARS} years before the as-at date (the oldest on {oldest}): \
                 they count as still open; check the partner's end dates",
                s.old_open
            ));
        }
    }
    out
}

/// The warning for an indicator whose source and event type match no fact, with what the
/// data does hold.
fn nothing_matches(
    ind: &crate::rules::Indicator,
    seen: &BTreeMap<(String, String), Seen>,
) -> String {
    let types_of_source: Vec<&str> = seen
        .keys()
        .filter(|(s, _)| *s == ind.source)
        .map(|(_, t)| t.as_str())
        .collect();
    let hint = if types_of_source.is_empty() {
        let sources: BTreeSet<&str> = seen.keys().map(|(s, _)| s.as_str()).collect();
        format!(
            "no fact comes from a source named `{}` (its `source` must be a mapping's source \
             name; the data has: {})",
            ind.source,
            sources.into_iter().collect::<Vec<_>>().join(", ")
        )
    } else {
        format!(
            "`{}` facts have event types {}, not `{}`",
            ind.source,
            types_of_source.join(", "),
            ind.event_type
        )
    };
    format!(
        "indicator {} looks at no fact, so nobody can meet it: {hint}",
        ind.key
    )
}
