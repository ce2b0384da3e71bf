//! What the judge reads of a family: its members' partner records as dated events and spells,
//! and the lead worker's evidence. Restated spells are merged and repeated rows dropped here,
//! once, so each rule sees one record per thing that happened.

use chrono::NaiveDate;
use hearth_model::AttrValue;
use std::collections::BTreeMap;

/// One partner record of a member.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The record's key (for the evidence trail).
    pub record_id: i64,
    /// The member.
    pub person_id: i64,
    /// `Fact::event_type`.
    pub event_type: String,
    /// Its date, or a spell's first day.
    pub start: NaiveDate,
    /// A spell's last day; `None` while open (or for a dated event).
    pub end: Option<NaiveDate>,
    /// The record's attributes.
    pub attributes: BTreeMap<String, AttrValue>,
}

impl Event {
    /// An attribute as text (`true`/`false` for flags; numbers as written).
    pub fn text(&self, key: &str) -> Option<String> {
        self.attributes.get(key).map(|v| match v {
            AttrValue::Bool(b) => b.to_string(),
            AttrValue::Number(n) => n.to_string(),
            AttrValue::Text(s) => s.clone(),
        })
    }

    /// An attribute as a number.
    pub fn number(&self, key: &str) -> Option<f64> {
        match self.attributes.get(key)? {
            AttrValue::Number(n) => Some(*n),
            AttrValue::Text(s) => s.trim().parse().ok(),
            AttrValue::Bool(b) => Some(f64::from(u8::from(*b))),
        }
    }

    /// Whether it is a spell open at any time in `from..=to`.
    pub fn open_in(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.start <= to && self.end.is_none_or(|e| e >= from)
    }
}

/// Evidence the lead worker recorded: a plan goal tied to a measure, achieved on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerEvidence {
    /// The plan's measure key (e.g. `progress_towards_work`).
    pub measure_key: String,
    /// When it was achieved.
    pub on: NaiveDate,
}

/// The school term calendar (first and last day of each term, in order), as the borough's
/// attendance records give it.
pub fn calendar<'a>(
    events: impl IntoIterator<Item = &'a Event>,
    event_type: &str,
) -> Vec<(NaiveDate, NaiveDate)> {
    let mut terms: Vec<(NaiveDate, NaiveDate)> = events
        .into_iter()
        .filter(|e| e.event_type == event_type)
        .filter_map(|e| e.end.map(|end| (e.start, end)))
        .collect();
    terms.sort();
    terms.dedup();
    terms
}

/// Drops repeated rows (same member, type, first day and attributes) and merges a spell
/// restated by a later extract: records of one member, type, first day and attributes are
/// one thing that happened, ending on the latest end date any of them gives (an empty end
/// date is overruled by a given one).
pub fn tidy(events: Vec<Event>) -> Vec<Event> {
    let mut keyed: Vec<(String, Event)> = events
        .into_iter()
        .map(|e| (format!("{:?}", e.attributes), e))
        .collect();
    keyed.sort_by(|(ka, a), (kb, b)| {
        (a.person_id, &a.event_type, a.start, ka, a.end, a.record_id).cmp(&(
            b.person_id,
            &b.event_type,
            b.start,
            kb,
            b.end,
            b.record_id,
        ))
    });
    let mut out: Vec<(String, Event)> = Vec::with_capacity(keyed.len());
    for (k, e) in keyed {
        if let Some((lk, last)) = out.last_mut() {
            if last.person_id == e.person_id
                && last.event_type == e.event_type
                && last.start == e.start
                && *lk == k
            {
                // Sorted by end (`None` first): the last one seen has the latest end.
                if e.end.is_some() {
                    *last = e;
                }
                continue;
            }
        }
        out.push((k, e));
    }
    out.into_iter().map(|(_, e)| e).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: i64, start: (i32, u32, u32), end: Option<(i32, u32, u32)>) -> Event {
        let d = |(y, m, dd)| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        Event {
            record_id: id,
            person_id: 1,
            event_type: "benefit_claim".into(),
            start: d(start),
            end: end.map(d),
            attributes: [("benefit_type".to_string(), AttrValue::Text("JSA".into()))].into(),
        }
    }

    #[test]
    fn a_restated_claim_is_closed_and_repeats_dropped() {
        let t = tidy(vec![
            ev(1, (2024, 1, 1), None),
            ev(2, (2024, 1, 1), Some((2026, 3, 1))),
            ev(3, (2024, 1, 1), None),
            ev(4, (2025, 1, 1), None),
        ]);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].record_id, 2);
        assert_eq!(t[0].end, NaiveDate::from_ymd_opt(2026, 3, 1));
        assert_eq!(t[1].end, None);
    }
}
