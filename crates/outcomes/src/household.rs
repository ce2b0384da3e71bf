//! People who join an attached family's household after its baseline was frozen
//! ("joiners"): the plan's `[household]` section.
//!
//! A joiner is someone recorded at the family's home (an address its members' dated records
//! give: postcode and address line, as [`address_key`] compares them) while the family lives
//! there (between the members' first and last records at that home), from the plan's months
//! before attachment to the day judged, who is in no attached family. Their records from the
//! day they are first recorded there until they are recorded elsewhere (moved away) count
//! for progress and non-regression, never toward continuous employment (an adult the
//! council never worked with did not move off benefits with the family).
//!
//! Pure: the caller reads the dated addresses; a rule switched off finds nobody.

use crate::facts::Event;
use crate::types::{Baseline, OutcomeEvidence, PersonId};
use chrono::{Months, NaiveDate};
use hearth_model::standardise::address::address_key;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// The plan's `[household]` section.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HouseholdRule {
    /// Whether people who join the household count (`false`: the baseline's members only).
    pub joiners: bool,
    /// How many months before attachment a record at the home can make someone a joiner.
    pub months_before_attachment: u32,
}

/// The evidence kind a joiner is shown under in a family's outcome evidence.
pub const JOINED_HOUSEHOLD: &str = "joined_household";

/// One partner record's address, dated: what a joiner is found from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedAddress {
    /// The person (latest linkage run).
    pub person_id: PersonId,
    /// The partner record.
    pub record_id: i64,
    /// The partner source (its key).
    pub source: String,
    /// The record's date.
    pub on: NaiveDate,
    /// The address as recorded.
    pub address: Option<String>,
    /// The postcode as recorded.
    pub postcode: Option<String>,
}

/// Someone who joined the family's household.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joiner {
    /// The person.
    pub person_id: PersonId,
    /// The day they were first recorded at the home (in the window).
    pub from: NaiveDate,
    /// The day they were first recorded elsewhere after their last record at the home
    /// (moved away): their records from then on do not count.
    pub until: Option<NaiveDate>,
    /// The record that shows them at the home on `from`, and its source.
    pub record_id: i64,
    /// The source of that record.
    pub source: String,
}

impl Joiner {
    /// Whether a record of theirs counts: dated (or a spell open) from the day they joined,
    /// and begun before they moved away.
    pub fn counts(&self, e: &Event) -> bool {
        let before_leaving = self.until.is_none_or(|u| e.start < u);
        let since_joining = e.start >= self.from || e.end.is_none_or(|end| end >= self.from);
        before_leaving && since_joining
    }

    /// The joiner as outcome evidence (kind [`JOINED_HOUSEHOLD`]): the person, the days and
    /// the record with its source; no identifier.
    pub fn evidence(&self, as_at: NaiveDate) -> OutcomeEvidence {
        OutcomeEvidence {
            problem_key: None,
            measure_key: JOINED_HOUSEHOLD.to_string(),
            person_id: Some(self.person_id),
            from: self.from,
            to: self.until.map_or(as_at, |u| u.pred_opt().unwrap_or(u)),
            baseline: None,
            value: 1.0,
            threshold: 0.0,
            met: true,
            record_ids: vec![self.record_id],
            source: Some(self.source.clone()),
        }
    }
}

/// The people who joined `baseline`'s household by `as_at`. `addresses` holds the dated
/// addresses of its members and of everyone recorded at their postcodes; `attached` the
/// members of every attached family (none of whom is a joiner).
pub fn joiners(
    rule: Option<&HouseholdRule>,
    baseline: &Baseline,
    as_at: NaiveDate,
    addresses: &[DatedAddress],
    attached: &BTreeSet<PersonId>,
) -> Vec<Joiner> {
    let Some(rule) = rule.filter(|r| r.joiners) else {
        return Vec::new();
    };
    let Some(window_from) = baseline
        .attached_on
        .checked_sub_months(Months::new(rule.months_before_attachment))
    else {
        return Vec::new();
    };
    let members: BTreeSet<PersonId> = baseline.members.iter().map(|m| m.person_id).collect();
    // The family's homes: each address its members were recorded at, first to last record.
    let mut homes: BTreeMap<String, (NaiveDate, NaiveDate)> = BTreeMap::new();
    let mut others: BTreeMap<PersonId, Vec<(&DatedAddress, Option<String>)>> = BTreeMap::new();
    for a in addresses {
        let key = address_key(a.address.as_deref(), a.postcode.as_deref());
        if members.contains(&a.person_id) {
            if let Some(k) = key {
                let stay = homes.entry(k).or_insert((a.on, a.on));
                stay.0 = stay.0.min(a.on);
                stay.1 = stay.1.max(a.on);
            }
        } else if !attached.contains(&a.person_id) {
            others.entry(a.person_id).or_default().push((a, key));
        }
    }
    let at_home = |key: &Option<String>, on: NaiveDate| {
        key.as_ref()
            .and_then(|k| homes.get(k))
            .is_some_and(|(first, last)| *first <= on && on <= *last)
    };
    let mut out = Vec::new();
    for (person, mut records) in others {
        records.sort_by_key(|(a, _)| (a.on, a.record_id));
        let Some((first, _)) = records
            .iter()
            .find(|(a, k)| a.on >= window_from && a.on <= as_at && at_home(k, a.on))
        else {
            continue;
        };
        let is_home = |k: &Option<String>| k.as_ref().is_some_and(|k| homes.contains_key(k));
        let last_home = records
            .iter()
            .filter(|(a, k)| is_home(k) && a.on <= as_at)
            .map(|(a, _)| a.on)
            .max()
            .unwrap_or(first.on);
        let until = records
            .iter()
            .find(|(a, k)| a.on > last_home && k.is_some() && !is_home(k))
            .map(|(a, _)| a.on);
        out.push(Joiner {
            person_id: person,
            from: first.on,
            until,
            record_id: first.record_id,
            source: first.source.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::BaselineMember;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const ON: HouseholdRule = HouseholdRule {
        joiners: true,
        months_before_attachment: 12,
    };

    fn at(person: PersonId, record: i64, on: NaiveDate, line: &str, pc: &str) -> DatedAddress {
        DatedAddress {
            person_id: person,
            record_id: record,
            source: "dwp_followup".into(),
            on,
            address: Some(line.into()),
            postcode: Some(pc.into()),
        }
    }

    /// A family (members 10, 11) attached on 2025-10-01, recorded at 4 Mill Lane from
    /// 2023-01-01 to 2027-06-01.
    fn family() -> (Baseline, Vec<DatedAddress>) {
        let member = |p| BaselineMember {
            person_id: p,
            role: "adult".into(),
            age_at_attachment: Some(30),
            school_age: None,
        };
        let b = Baseline {
            family_id: 7,
            attached_on: d(2025, 10, 1),
            run_id: Some(1),
            members: vec![member(10), member(11)],
            problems: vec![],
            indicators: vec![],
            measures: vec![],
        };
        let home = vec![
            at(10, 1, d(2023, 1, 1), "4 Mill Lane", "WA7 2ES"),
            at(11, 2, d(2027, 6, 1), "4, Mill Lane, Runcorn", "wa7 2es"),
        ];
        (b, home)
    }

    fn found(rule: Option<&HouseholdRule>, extra: &[DatedAddress]) -> Vec<Joiner> {
        let (b, mut all) = family();
        all.extend_from_slice(extra);
        let attached = [10, 11, 30].into_iter().collect();
        joiners(rule, &b, d(2027, 8, 31), &all, &attached)
    }

    #[test]
    fn recorded_at_home_on_the_windows_first_day_joins_and_a_day_before_does_not() {
        // The window opens 12 months before attachment: 2024-10-01.
        let on_first_day = [at(20, 5, d(2024, 10, 1), "4 Mill Lane", "WA7 2ES")];
        let j = found(Some(&ON), &on_first_day);
        assert_eq!(j.len(), 1);
        assert_eq!(
            (j[0].person_id, j[0].from, j[0].until),
            (20, d(2024, 10, 1), None)
        );
        let e = j[0].evidence(d(2027, 8, 31));
        assert_eq!(e.measure_key, JOINED_HOUSEHOLD);
        assert_eq!((e.person_id, e.record_ids.clone()), (Some(20), vec![5]));
        assert_eq!(e.source.as_deref(), Some("dwp_followup"));
        let day_before = [at(20, 5, d(2024, 9, 30), "4 Mill Lane", "WA7 2ES")];
        assert!(found(Some(&ON), &day_before).is_empty());
    }

    #[test]
    fn someone_in_another_attached_family_or_at_another_home_is_no_joiner() {
        let in_other_family = [at(30, 5, d(2026, 1, 1), "4 Mill Lane", "WA7 2ES")];
        assert!(found(Some(&ON), &in_other_family).is_empty());
        let next_door = [at(20, 5, d(2026, 1, 1), "6 Mill Lane", "WA7 2ES")];
        assert!(found(Some(&ON), &next_door).is_empty());
        // At the home after the family's last record there: someone else's home now.
        let after_they_left = [at(20, 5, d(2027, 6, 2), "4 Mill Lane", "WA7 2ES")];
        assert!(found(Some(&ON), &after_they_left).is_empty());
        // After the day judged.
        let (b, mut all) = family();
        all.push(at(20, 5, d(2026, 1, 1), "4 Mill Lane", "WA7 2ES"));
        let none = BTreeSet::new();
        assert!(joiners(Some(&ON), &b, d(2025, 12, 31), &all, &none).is_empty());
    }

    #[test]
    fn switched_off_finds_nobody() {
        let joiner = [at(20, 5, d(2026, 1, 1), "4 Mill Lane", "WA7 2ES")];
        assert_eq!(found(Some(&ON), &joiner).len(), 1);
        let off = HouseholdRule {
            joiners: false,
            ..ON
        };
        assert!(found(Some(&off), &joiner).is_empty());
        assert!(found(None, &joiner).is_empty());
    }

    #[test]
    fn a_joiner_who_moves_away_counts_only_until_they_leave() {
        let moved = [
            at(20, 5, d(2026, 1, 1), "4 Mill Lane", "WA7 2ES"),
            at(20, 6, d(2026, 3, 1), "4 Mill Lane", "WA7 2ES"),
            at(20, 7, d(2026, 5, 1), "9 Park Road", "M1 2AB"),
        ];
        let j = found(Some(&ON), &moved);
        assert_eq!(j[0].until, Some(d(2026, 5, 1)));
        let event = |start, end| Event {
            record_id: 9,
            person_id: 20,
            event_type: "benefit_claim".into(),
            start,
            end,
            attributes: BTreeMap::new(),
        };
        assert!(j[0].counts(&event(d(2026, 4, 30), None)));
        assert!(!j[0].counts(&event(d(2026, 5, 1), None)));
        // Begun before they joined: counts if still open then.
        assert!(j[0].counts(&event(d(2025, 6, 1), None)));
        assert!(!j[0].counts(&event(d(2025, 6, 1), Some(d(2025, 12, 31)))));
    }
}
