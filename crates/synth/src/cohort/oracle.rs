//! The cohort's truth: which attached family achieved which result on which date under the
//! shipped Outcomes Plan (`rules/outcomes-cheshire-east-2015.toml`), judged on the **true**
//! facts as at the end of the follow-up, and each eligible family's true service use in the
//! 12 months before its attachment (or reference) date and in months 0–6, 7–12, 13–18 and
//! 19–24 after it.
//!
//! An independent reading of the shipped plan (Hearth implements it from the rules file,
//! over linked partner data; comparing the two measures the whole chain). Change the two
//! together. The reading:
//! * a family's members are the household's at the as-at date; its problems at entry are
//!   its true problems as at the identification date (`truth/families.csv`);
//! * **significant and sustained progress** on day `d` (at the earliest six months after
//!   attachment): over the six months up to `d` (from `d` less six months, plus a day, to
//!   `d`, wholly on or after the attachment date), for every headline problem whether present
//!   at entry (progress) or not (no regression): no member a suspect or offender in a crime or
//!   ASB incident and no proven youth offence; no domestic abuse incident involving a member;
//!   no child in need, protection plan or looked-after episode open; no out-of-work benefit
//!   claim open; no member with two or more A&E attendances; and, for families with pupils,
//!   the three latest terms ended by `d` all ended after the attachment date and every pupil
//!   attended at least 85% of possible sessions across them (with fewer than three fixed-term
//!   exclusions and no permanent exclusion);
//! * **continuous employment** on day `d`: an adult with an out-of-work claim open on the
//!   attachment date has at least 26 weeks in work (whole weeks: days in work on or after
//!   attachment ÷ 7) out of the last 30 (JSA, UC) or 13 out of 15 (ESA, IS, IB), and no
//!   out-of-work claim open on `d`;
//! * each result's date is the earliest such day up to the end of the follow-up.

use super::{Attachment, FollowUp};
use crate::borough::Borough;
use crate::dates::{add_days, all_terms, FOLLOW_END, PERIOD_START};
use crate::model::{BenefitType, ContactType, EpisodeType, IncidentCategory, Involvement};
use crate::truth::FamilyTruth;
use chrono::{Months, NaiveDate};
use std::collections::BTreeMap;

/// The result kinds, as `truth/outcomes.csv` names them.
pub const SSP: &str = "significant_and_sustained_progress";
/// Continuous employment.
pub const CE: &str = "continuous_employment";

/// A result a family truly achieved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrueResult {
    /// The household.
    pub household: usize,
    /// [`SSP`] or [`CE`].
    pub kind: &'static str,
    /// The earliest date the plan is met.
    pub achieved_on: NaiveDate,
}

/// Everything that happened to one family, from both sets of facts.
#[derive(Default)]
struct Life {
    offending: Vec<NaiveDate>,
    domestic_abuse: Vec<NaiveDate>,
    episodes: Vec<(usize, EpisodeType, NaiveDate, Option<NaiveDate>)>,
    claims: Vec<(usize, BenefitType, NaiveDate, Option<NaiveDate>)>,
    a_and_e: BTreeMap<usize, Vec<NaiveDate>>,
    /// (person, term) → (missed, possible, fixed-term exclusions, permanent)
    attendance: BTreeMap<(usize, usize), (u32, u32, u32, bool)>,
    jobs: Vec<(usize, NaiveDate, Option<NaiveDate>)>,
    custody: Vec<NaiveDate>,
}

fn lives(b: &Borough, fu: &FollowUp) -> BTreeMap<usize, Life> {
    let mut out: BTreeMap<usize, Life> = BTreeMap::new();
    let hh = |p: usize| b.people[p].household;
    for facts in [&b.facts, &fu.facts] {
        let followup = std::ptr::eq(facts, &fu.facts);
        for i in &facts.incidents {
            for &(p, inv) in &i.people {
                let l = out.entry(hh(p)).or_default();
                match i.category {
                    IncidentCategory::DomesticAbuse => l.domestic_abuse.push(i.date),
                    _ if matches!(inv, Involvement::Suspect | Involvement::Offender) => {
                        l.offending.push(i.date)
                    }
                    _ => {}
                }
            }
        }
        for o in &facts.offences {
            let l = out.entry(hh(o.person)).or_default();
            if o.proven {
                l.offending.push(o.date);
            }
            if o.outcome == super::follow::CUSTODY {
                l.custody.push(o.date);
            }
        }
        for e in &facts.episodes {
            // An episode open at the end of the period is restated in the follow-up.
            if !followup && e.end.is_none() {
                continue;
            }
            out.entry(hh(e.person))
                .or_default()
                .episodes
                .push((e.person, e.episode, e.start, e.end));
        }
        for c in &facts.claims {
            if !followup && c.end.is_none() {
                continue;
            }
            out.entry(hh(c.person))
                .or_default()
                .claims
                .push((c.person, c.benefit, c.start, c.end));
        }
        for h in facts
            .health
            .iter()
            .filter(|h| h.contact == ContactType::AandE)
        {
            out.entry(hh(h.person))
                .or_default()
                .a_and_e
                .entry(h.person)
                .or_default()
                .push(h.date);
        }
        for a in &facts.attendance {
            out.entry(hh(a.person)).or_default().attendance.insert(
                (a.person, a.term),
                (
                    a.missed,
                    a.possible,
                    a.fixed_term_exclusions,
                    a.permanent_exclusion,
                ),
            );
        }
    }
    for j in &fu.employment {
        out.entry(hh(j.person))
            .or_default()
            .jobs
            .push((j.person, j.start, j.end));
    }
    for l in out.values_mut() {
        l.offending.sort();
        l.domestic_abuse.sort();
        l.custody.sort();
        for v in l.a_and_e.values_mut() {
            v.sort();
        }
    }
    out
}

fn any_in(dates: &[NaiveDate], from: NaiveDate, to: NaiveDate) -> bool {
    let i = dates.partition_point(|d| *d < from);
    dates.get(i).is_some_and(|d| *d <= to)
}

fn count_in(dates: &[NaiveDate], from: NaiveDate, to: NaiveDate) -> usize {
    dates.partition_point(|d| *d <= to) - dates.partition_point(|d| *d < from)
}

fn overlaps(start: NaiveDate, end: Option<NaiveDate>, from: NaiveDate, to: NaiveDate) -> bool {
    start <= to && end.is_none_or(|e| e >= from)
}

fn sustained(l: &Life, attached: NaiveDate, d: NaiveDate, terms: &[crate::dates::Term]) -> bool {
    let Some(from) = d.checked_sub_months(Months::new(6)).map(|x| add_days(x, 1)) else {
        return false;
    };
    if from < attached {
        return false;
    }
    if any_in(&l.offending, from, d) || any_in(&l.domestic_abuse, from, d) {
        return false;
    }
    let statutory =
        |e: EpisodeType| matches!(e, EpisodeType::Cin | EpisodeType::Cpp | EpisodeType::Lac);
    if l.episodes
        .iter()
        .any(|&(_, t, s, e)| statutory(t) && overlaps(s, e, from, d))
    {
        return false;
    }
    if l.claims.iter().any(|&(_, _, s, e)| overlaps(s, e, from, d)) {
        return false;
    }
    if l.a_and_e.values().any(|v| count_in(v, from, d) >= 2) {
        return false;
    }
    attendance_met(l, attached, d, terms)
}

fn attendance_met(
    l: &Life,
    attached: NaiveDate,
    d: NaiveDate,
    terms: &[crate::dates::Term],
) -> bool {
    let year_before = add_days(attached, -365);
    let pupils = l
        .attendance
        .keys()
        .any(|&(_, t)| terms[t].end > year_before && terms[t].end <= d);
    if !pupils {
        return true;
    }
    let ended: Vec<usize> = (0..terms.len()).filter(|&t| terms[t].end <= d).collect();
    if ended.len() < 3 {
        return false;
    }
    let last3 = &ended[ended.len() - 3..];
    if last3.iter().any(|&t| terms[t].end <= attached) {
        return false;
    }
    let mut per: BTreeMap<usize, (u32, u32, u32, bool)> = BTreeMap::new();
    for (&(p, t), &(missed, possible, fte, perm)) in &l.attendance {
        if last3.contains(&t) {
            let e = per.entry(p).or_default();
            e.0 += missed;
            e.1 += possible;
            e.2 += fte;
            e.3 |= perm;
        }
    }
    per.values().all(|&(missed, possible, fte, perm)| {
        (possible - missed) * 100 >= 85 * possible && fte < 3 && !perm
    })
}

fn employment_on(l: &Life, attached: NaiveDate) -> Option<NaiveDate> {
    let mut best: Option<NaiveDate> = None;
    for &(person, benefit, s, e) in &l.claims {
        if !overlaps(s, e, attached, attached) {
            continue;
        }
        let (need, window) = match benefit {
            BenefitType::Jsa | BenefitType::Uc => (26, 30),
            BenefitType::Esa | BenefitType::Is | BenefitType::Ib => (13, 15),
        };
        let jobs: Vec<_> = l.jobs.iter().filter(|j| j.0 == person).collect();
        if jobs.is_empty() {
            continue;
        }
        let mut d = attached;
        while d <= FOLLOW_END && best.is_none_or(|b| d < b) {
            let from = add_days(d, -(7 * window) + 1).max(attached);
            let worked: i64 = jobs
                .iter()
                .map(|&&(_, js, je)| {
                    let a = js.max(from);
                    let b = je.unwrap_or(FOLLOW_END).min(d);
                    ((b - a).num_days() + 1).max(0)
                })
                .sum();
            let on_benefit = l
                .claims
                .iter()
                .any(|c| c.0 == person && overlaps(c.2, c.3, d, d));
            if worked / 7 >= need && !on_benefit {
                best = Some(d);
                break;
            }
            d = add_days(d, 1);
        }
    }
    best
}

/// Every attached family's true results, in household order then kind.
pub fn outcomes(b: &Borough, fu: &FollowUp) -> Vec<TrueResult> {
    let lives = lives(b, fu);
    let terms = all_terms();
    let empty = Life::default();
    let mut out = Vec::new();
    for a in fu.attachments.iter().filter(|a| a.attached) {
        let l = lives.get(&a.household).unwrap_or(&empty);
        let mut d = a.date;
        while d <= FOLLOW_END {
            if sustained(l, a.date, d, &terms) {
                out.push(TrueResult {
                    household: a.household,
                    kind: SSP,
                    achieved_on: d,
                });
                break;
            }
            d = add_days(d, 1);
        }
        if let Some(d) = employment_on(l, a.date) {
            out.push(TrueResult {
                household: a.household,
                kind: CE,
                achieved_on: d,
            });
        }
    }
    out
}

/// The bands service use is counted in: name, months from the reference date (from, to).
pub const BANDS: [(&str, i32, i32); 5] = [
    ("before_12", -12, 0),
    ("months_0_6", 0, 6),
    ("months_7_12", 6, 12),
    ("months_13_18", 12, 18),
    ("months_19_24", 18, 24),
];

fn shift(d: NaiveDate, months: i32) -> NaiveDate {
    if months >= 0 {
        d.checked_add_months(Months::new(months as u32))
            .unwrap_or(d)
    } else {
        d.checked_sub_months(Months::new((-months) as u32))
            .unwrap_or(d)
    }
}

/// `truth/service_use.csv`: per eligible family and band, what it truly used.
pub fn service_use_csv(b: &Borough, fu: &FollowUp, families: &[FamilyTruth]) -> String {
    use std::fmt::Write as _;
    let lives = lives(b, fu);
    let terms = all_terms();
    let empty = Life::default();
    let children: BTreeMap<usize, usize> = families
        .iter()
        .map(|f| (f.household, f.members.len()))
        .collect();
    let mut s = String::from(
        "family_id,group,reference_date,band,from,to,observed_days,members,absence_sessions,possible_sessions,exclusions,offending,custody,domestic_abuse,benefit_claimants,benefit_days,children_looked_after,child_protection_plans,a_and_e,looked_after_starts,child_protection_starts\r\n",
    );
    for a in &fu.attachments {
        let l = lives.get(&a.household).unwrap_or(&empty);
        for (band, m0, m1) in BANDS {
            let from = shift(a.date, m0);
            let to = add_days(shift(a.date, m1), -1);
            let (of, ot) = (from.max(PERIOD_START), to.min(FOLLOW_END));
            let observed = ((ot - of).num_days() + 1).max(0);
            let (mut missed, mut possible, mut excl) = (0u32, 0u32, 0u32);
            for (&(_, t), &(mi, po, fte, _)) in &l.attendance {
                if terms[t].start >= from && terms[t].start <= to {
                    missed += mi;
                    possible += po;
                    excl += fte;
                }
            }
            let claimants: std::collections::BTreeSet<usize> = l
                .claims
                .iter()
                .filter(|c| overlaps(c.2, c.3, from, to))
                .map(|c| c.0)
                .collect();
            let benefit_days: i64 = l
                .claims
                .iter()
                .map(|&(_, _, cs, ce)| {
                    let a = cs.max(of);
                    let b = ce.unwrap_or(FOLLOW_END).min(ot);
                    ((b - a).num_days() + 1).max(0)
                })
                .sum();
            let kids = |k: EpisodeType| {
                l.episodes
                    .iter()
                    .filter(|e| e.1 == k && overlaps(e.2, e.3, from, to))
                    .map(|e| e.0)
                    .collect::<std::collections::BTreeSet<_>>()
                    .len()
            };
            // Spells starting in the band, one per child and spell (the evaluation's `count`
            // of "children starting to be looked after"): not the children with one open.
            let starts = |k: EpisodeType| {
                l.episodes
                    .iter()
                    .filter(|e| e.1 == k && e.2 >= from && e.2 <= to)
                    .count()
            };
            let ae: usize = l.a_and_e.values().map(|v| count_in(v, from, to)).sum();
            let _ = write!(
                s,
                "{},{},{},{band},{from},{to},{observed},{},{missed},{possible},{excl},{},{},{},{},{benefit_days},{},{},{ae},{},{}\r\n",
                crate::model::family_id(a.household),
                group(a),
                a.date,
                children.get(&a.household).copied().unwrap_or(0),
                count_in(&l.offending, from, to),
                count_in(&l.custody, from, to),
                count_in(&l.domestic_abuse, from, to),
                claimants.len(),
                kids(EpisodeType::Lac),
                kids(EpisodeType::Cpp),
                starts(EpisodeType::Lac),
                starts(EpisodeType::Cpp),
            );
        }
    }
    s
}

fn group(a: &Attachment) -> &'static str {
    if a.attached {
        "attached"
    } else {
        "comparison"
    }
}
