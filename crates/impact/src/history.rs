//! Each family's dated outcome events, from its members' partner facts, and what they say
//! about a period: whether anything happened (an event, or a spell that overlaps it), how
//! many times, and the share of school sessions attended.

use crate::rules::{Measure, Rules, Source};
use chrono::{Months, NaiveDate};
use hearth_model::Fact;
use serde::Serialize;

/// Children's age bands at the index date, as school phases: (label, below this age). A
/// child over the last is counted in none.
pub const AGE_BANDS: [(&str, f64); 4] = [
    ("under 5", 5.0),
    ("aged 5 to 10 (primary school)", 11.0),
    ("aged 11 to 15 (secondary school)", 16.0),
    ("aged 16 or over", 19.0),
];

/// One dated event (or spell) that counts towards an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Event {
    /// The event's date, or the spell's first day.
    pub start: NaiveDate,
    /// A spell's last day (`None` while open); an event's own date.
    pub end: Option<NaiveDate>,
    /// For attendance: sessions possible (else 0).
    pub possible: f64,
    /// For attendance: sessions missed (else 0).
    pub missed: f64,
    /// How many events it is (1, or a source's `amount`).
    pub amount: f64,
}

/// A family in the evaluation's cohort, with what the evaluation needs and nothing else (no
/// identifiers: person IDs are not even kept).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FamilyHistory {
    /// Hearth's family ID (never published).
    pub family_id: i64,
    /// The family's area (postcode sector), if known.
    pub area: Option<String>,
    /// Members.
    pub members: u32,
    /// Of which children.
    pub children: u32,
    /// The children's ages in whole years on `ages_on` (children whose date of birth is not
    /// known are left out): the school phase the synthetic and real rates of exclusion and
    /// absence depend on, which the number of children alone does not give.
    pub child_ages: Vec<u32>,
    /// The date `child_ages` are at (the linkage run's as-at date).
    pub ages_on: Option<NaiveDate>,
    /// Headline problems at identification (keys).
    pub problems: Vec<String>,
    /// Eligible in the identification run (so a possible comparison family).
    pub eligible: bool,
    /// When the programme's work with the family began, if it has.
    pub attached_on: Option<NaiveDate>,
    /// `[outcome]`: the events that count towards each of the rules' outcomes, by start.
    pub events: Vec<Vec<Event>>,
}

impl FamilyHistory {
    /// A family with no events yet, for `rules`.
    pub fn new(family_id: i64, rules: &Rules) -> FamilyHistory {
        FamilyHistory {
            family_id,
            area: None,
            members: 0,
            children: 0,
            child_ages: Vec::new(),
            ages_on: None,
            problems: Vec::new(),
            eligible: false,
            attached_on: None,
            events: vec![Vec::new(); rules.outcome.len()],
        }
    }

    /// Adds a member's fact to the outcomes it counts towards (a fact without a date is
    /// left out: it cannot be placed before or after attachment).
    pub fn add_fact(&mut self, rules: &Rules, fact: &Fact) {
        let Some(start) = fact.event_date else {
            return;
        };
        for (o, s) in rules.classify(fact) {
            let source: &Source = &rules.outcome[o].from[s];
            let end = if source.spell {
                fact.end_date
            } else {
                Some(start)
            };
            let (possible, missed) = match (&source.possible, &source.missed) {
                (Some(p), Some(m)) => (
                    Source::number(fact, p).unwrap_or(0.0),
                    Source::number(fact, m).unwrap_or(0.0),
                ),
                _ => (0.0, 0.0),
            };
            let amount = source
                .amount
                .as_deref()
                .map_or(1.0, |a| Source::number(fact, a).unwrap_or(0.0));
            self.events[o].push(Event {
                start,
                end,
                possible,
                missed,
                amount,
            });
        }
    }

    /// How many of the children with a known age are in each of [`AGE_BANDS`] on `on`
    /// (an age in whole years taken as its middle, moved on by the time since `ages_on`).
    pub fn children_by_age(&self, on: NaiveDate) -> [u32; AGE_BANDS.len()] {
        let mut out = [0; AGE_BANDS.len()];
        let Some(at) = self.ages_on else {
            return out;
        };
        let since = (on - at).num_days() as f64 / 365.25;
        for &a in &self.child_ages {
            let age = f64::from(a) + 0.5 + since;
            if let Some(b) = AGE_BANDS.iter().position(|&(_, up_to)| age < up_to) {
                out[b] += 1;
            }
        }
        out
    }

    /// Sorts the events (call once after the last `add_fact`).
    pub fn sort(&mut self) {
        for e in &mut self.events {
            e.sort_by_key(|e| (e.start, e.end));
        }
    }

    /// Events (or spells) of outcome `o` that touch `[from, to)`.
    pub fn count(&self, o: usize, from: NaiveDate, to: NaiveDate) -> usize {
        self.events[o]
            .iter()
            .take_while(|e| e.start < to)
            .filter(|e| e.end.is_none_or(|end| end >= from))
            .count()
    }

    /// The family's value of outcome `o` over `[from, to)`: 100 or 0 for `any` (whether
    /// anything happened); 100 × the events starting in the period for `count` (so a group's
    /// mean is events per 100 families); the percentage of possible sessions missed for
    /// `absence` (`None` without a school term starting in the period); for `still_open`, the
    /// percentage of the spells open on `from` (started before it) still open on the period's
    /// last day (`None` without one open).
    pub fn value(&self, rules: &Rules, o: usize, from: NaiveDate, to: NaiveDate) -> Option<f64> {
        match rules.outcome[o].measure {
            Measure::Any => Some(if self.count(o, from, to) > 0 {
                100.0
            } else {
                0.0
            }),
            Measure::Count => Some(
                100.0
                    * self.events[o]
                        .iter()
                        .take_while(|e| e.start < to)
                        .filter(|e| e.start >= from)
                        .map(|e| e.amount)
                        .sum::<f64>(),
            ),
            Measure::StillOpen => {
                let last = to.pred_opt().unwrap_or(to);
                let open: Vec<&Event> = self.events[o]
                    .iter()
                    .take_while(|e| e.start < from)
                    .filter(|e| e.end.is_none_or(|end| end >= from))
                    .collect();
                let still = open
                    .iter()
                    .filter(|e| e.end.is_none_or(|end| end >= last))
                    .count();
                (!open.is_empty()).then(|| 100.0 * still as f64 / open.len() as f64)
            }
            Measure::Absence => {
                let (mut possible, mut missed) = (0.0, 0.0);
                for e in self.events[o]
                    .iter()
                    .filter(|e| e.start >= from && e.start < to)
                {
                    possible += e.possible;
                    missed += e.missed;
                }
                (possible > 0.0).then(|| 100.0 * (missed / possible).clamp(0.0, 1.0))
            }
        }
    }
}

/// Merges spells restated by a later extract: a partner's first file gives a claim or an
/// episode still open (no end date); a later file gives the same one again with its end. Facts
/// of one `key` (the family's member), event type, first day and attributes are one spell,
/// ending on the latest end date any of them gives (an empty end date is overruled by a given
/// one) — the Outcomes Plan's rule (`hearth_outcomes::facts::tidy`). Without it the first
/// file's open copy would make every claim open at the first extract look open for ever.
pub fn merge_restated<K: Ord>(spells: Vec<(K, Fact)>) -> Vec<(K, Fact)> {
    let mut keyed: Vec<(String, K, Fact)> = spells
        .into_iter()
        .map(|(k, f)| (format!("{:?}", f.attributes), k, f))
        .collect();
    keyed.sort_by(|(aa, ka, a), (ab, kb, b)| {
        (ka, &a.event_type, a.event_date, aa, a.end_date).cmp(&(
            kb,
            &b.event_type,
            b.event_date,
            ab,
            b.end_date,
        ))
    });
    let mut out: Vec<(String, K, Fact)> = Vec::with_capacity(keyed.len());
    for (attrs, k, f) in keyed {
        if let Some((la, lk, last)) = out.last_mut() {
            if *lk == k
                && last.event_type == f.event_type
                && last.event_date == f.event_date
                && *la == attrs
            {
                // Sorted by end (`None` first): the last one seen has the latest end.
                if f.end_date.is_some() {
                    *last = f;
                }
                continue;
            }
        }
        out.push((attrs, k, f));
    }
    out.into_iter().map(|(_, k, f)| (k, f)).collect()
}

/// `date` plus `months` (the last day of a shorter month when the day does not exist).
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// `date` minus `months`.
pub fn sub_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::tests::shipped;
    use hearth_model::AttrValue;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn children_move_through_the_school_phases_from_the_date_their_ages_were_taken() {
        let mut f = FamilyHistory::new(1, &shipped());
        // Unknown ages date: no child is placed in a band.
        f.child_ages = vec![3, 10, 15];
        assert_eq!(f.children_by_age(d("2025-09-01")), [0, 0, 0, 0]);
        f.ages_on = Some(d("2025-09-01"));
        assert_eq!(f.children_by_age(d("2025-09-01")), [1, 1, 1, 0]);
        // A year on, the 10-year-old is at secondary age and the 15-year-old over it.
        assert_eq!(f.children_by_age(d("2026-09-01")), [1, 0, 1, 1]);
        // A year before, the 3-year-old (then 2) is still under 5.
        assert_eq!(f.children_by_age(d("2024-09-01")), [1, 1, 1, 0]);
        // Adults by the index date are counted in no band.
        f.child_ages = vec![17];
        assert_eq!(f.children_by_age(d("2028-09-01")), [0, 0, 0, 0]);
    }

    fn fact(kind: &str, start: &str, end: Option<&str>, attrs: &[(&str, AttrValue)]) -> Fact {
        Fact {
            event_type: kind.into(),
            event_date: Some(d(start)),
            end_date: end.map(d),
            attributes: attrs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        }
    }

    #[test]
    fn spells_count_in_every_period_they_overlap_and_events_only_on_their_day() {
        let r = shipped();
        let lac = r
            .outcome
            .iter()
            .position(|o| o.key == "looked_after")
            .unwrap();
        let ae = r.outcome.iter().position(|o| o.key == "a_and_e").unwrap();
        let mut f = FamilyHistory::new(1, &r);
        f.add_fact(
            &r,
            &fact(
                "care_episode",
                "2020-01-10",
                Some("2020-09-01"),
                &[("episode_type", AttrValue::Text("LAC".into()))],
            ),
        );
        f.add_fact(
            &r,
            &fact(
                "health_contact",
                "2020-03-01",
                None,
                &[("contact_type", AttrValue::Text("A&E attendance".into()))],
            ),
        );
        f.sort();
        // Looked after counts starts; the spell is still there for what a family was like.
        assert_eq!(
            f.value(&r, lac, d("2020-01-01"), d("2020-07-01")),
            Some(100.0)
        );
        assert_eq!(
            f.value(&r, lac, d("2020-06-01"), d("2020-12-01")),
            Some(0.0)
        );
        assert_eq!(f.count(lac, d("2020-06-01"), d("2020-12-01")), 1);
        assert_eq!(f.count(lac, d("2020-09-02"), d("2021-03-01")), 0);
        assert_eq!(
            f.value(&r, ae, d("2020-03-01"), d("2020-03-02")),
            Some(100.0)
        );
        assert_eq!(f.value(&r, ae, d("2020-03-02"), d("2020-09-01")), Some(0.0));
    }

    #[test]
    fn a_spell_restated_with_its_end_is_one_spell_that_ends() {
        let r = shipped();
        let ben = r
            .outcome
            .iter()
            .position(|o| o.key == "out_of_work_benefits")
            .unwrap();
        let uc = [("benefit_type", AttrValue::Text("UC".into()))];
        let claim = |end: Option<&str>| fact("benefit_claim", "2020-01-10", end, &uc);
        let merged = merge_restated(vec![
            // The first extract's open claim, the later extract's with its end, a repeat.
            (1, claim(None)),
            (1, claim(Some("2021-02-01"))),
            (1, claim(None)),
            // Another member's claim from the same day is their own.
            (2, claim(None)),
        ]);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].1.end_date, Some(d("2021-02-01")));
        assert_eq!(merged[1].1.end_date, None);
        let mut f = FamilyHistory::new(1, &r);
        for (_, fact) in merged.iter().filter(|m| m.0 == 1) {
            assert!(r.is_spell(fact));
            f.add_fact(&r, fact);
        }
        f.sort();
        // Ended: no claim open in the second half of 2021.
        assert_eq!(
            f.value(&r, ben, d("2021-07-01"), d("2022-01-01")),
            Some(0.0)
        );
        assert_eq!(
            f.value(&r, ben, d("2020-07-01"), d("2021-01-01")),
            Some(100.0)
        );
        // Events are not spells.
        assert!(!r.is_spell(&fact(
            "health_contact",
            "2020-03-01",
            None,
            &[("contact_type", AttrValue::Text("A&E attendance".into()))],
        )));
    }

    #[test]
    fn still_open_is_the_share_of_the_spells_open_at_the_start_still_open_at_the_end() {
        let r = shipped();
        let o = r
            .outcome
            .iter()
            .position(|o| o.key == "claims_still_open")
            .unwrap();
        assert_eq!(r.outcome[o].measure, Measure::StillOpen);
        let uc = [("benefit_type", AttrValue::Text("UC".into()))];
        let mut f = FamilyHistory::new(1, &r);
        for (start, end) in [
            ("2019-01-01", Some("2020-03-01")), // left within the period
            ("2019-06-01", None),               // still open
            ("2020-02-01", None),               // started in the period: not counted
            ("2018-01-01", Some("2019-12-31")), // ended before it
        ] {
            f.add_fact(&r, &fact("benefit_claim", start, end, &uc));
        }
        f.sort();
        assert_eq!(f.value(&r, o, d("2020-01-01"), d("2020-07-01")), Some(50.0));
        // Ending on the period's last day is still open on it.
        assert_eq!(
            f.value(&r, o, d("2020-01-01"), d("2020-03-02")),
            Some(100.0)
        );
        assert_eq!(f.value(&r, o, d("2017-01-01"), d("2017-07-01")), None);
    }

    #[test]
    fn absence_is_sessions_missed_over_sessions_possible_of_the_periods_terms() {
        let r = shipped();
        let att = r.outcome.iter().position(|o| o.key == "absence").unwrap();
        let mut f = FamilyHistory::new(1, &r);
        for (start, possible, missed) in [("2020-09-01", 100.0, 10.0), ("2021-01-04", 100.0, 30.0)]
        {
            f.add_fact(
                &r,
                &fact(
                    "attendance",
                    start,
                    None,
                    &[
                        ("sessions_possible", AttrValue::Number(possible)),
                        ("sessions_missed", AttrValue::Number(missed)),
                    ],
                ),
            );
        }
        f.sort();
        assert_eq!(
            f.value(&r, att, d("2020-08-01"), d("2021-08-01")),
            Some(20.0)
        );
        assert_eq!(f.value(&r, att, d("2022-01-01"), d("2022-08-01")), None);
    }
}
