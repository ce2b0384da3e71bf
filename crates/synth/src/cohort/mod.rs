//! The programme cohort: what happens after the identification date.
//!
//! With [`Config::cohort`](crate::Config) set, the borough runs on from the as-at date
//! (2025-09-01) to [`FOLLOW_END`] (2027-08-31, two more school years): eligible families are
//! attached to the programme on dates over those two years (the rest are the natural
//! comparison group), and the seven partners' later extracts record what happened next —
//! six more terms of attendance, incidents, benefit claims (restating claims still open at the
//! as-at date with their end), social care episodes, A&E attendances, youth offences — plus a
//! new DWP/HMRC-like file of employment spells. A **planted effect** of known size
//! ([`Effects`]) multiplies the rate of each outcome's events in attached families from their
//! attachment date on.
//!
//! Written as `sources/<source>_followup.*` (the shipped mappings' file patterns take them),
//! `sources/employment.csv` (`mappings/employment.toml`), `programme/attachments.csv` (the
//! council's attachment list) and, never imported, `truth/attachments.csv`,
//! `truth/outcomes.csv`, `truth/service_use.csv`, `truth/effects.toml` and
//! `truth/followup_records.csv`.
//!
//! Drawn from streams of their own (3 and 4 of each household), so the period's files are
//! byte-for-byte those of a borough without a cohort.

mod follow;
pub mod oracle;
pub(crate) mod write;

use crate::dates::{add_days, ymd, AS_AT, FOLLOW_END};
use crate::model::{BenefitType, Facts};
use crate::sources::SourceTable;
use chrono::NaiveDate;

pub use crate::dates::FOLLOW_END as FOLLOW_UP_END;
pub(crate) use follow::{follow_up, Past};

/// What the cohort is asked to be.
#[derive(Debug, Clone, PartialEq)]
pub struct Cohort {
    /// The share of eligible families attached to the programme (the rest are the
    /// comparison group).
    pub attach_share: f64,
    /// The first day a family can be attached.
    pub attach_from: NaiveDate,
    /// The last day a family can be attached.
    pub attach_to: NaiveDate,
    /// The planted effect.
    pub effects: Effects,
}

impl Default for Cohort {
    fn default() -> Self {
        Cohort {
            attach_share: 0.6,
            attach_from: add_days(AS_AT, 7),
            attach_to: ymd(2027, 6, 30),
            effects: Effects::default(),
        }
    }
}

/// The planted effect of the programme: for an attached family, from its attachment date on,
/// the rate of each outcome's events is multiplied by these factors (1 = no effect; below 1
/// fewer events). The comparison group and attached families before attachment run at 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Effects {
    /// Sessions missed from school (per pupil per term).
    pub absence: f64,
    /// Crime and anti-social behaviour incidents as suspect or offender, and youth offences.
    pub offending: f64,
    /// Juvenile custody (youth offences ending in a Detention and Training Order), overall.
    pub custody: f64,
    /// Domestic abuse incidents.
    pub domestic_abuse: f64,
    /// The hazard of leaving an out-of-work benefit (above 1: more leave).
    pub benefit_exit: f64,
    /// Children starting to be looked after.
    pub looked_after: f64,
    /// Children starting a child protection plan (the national study found these
    /// temporarily higher).
    pub child_protection: f64,
    /// Fixed-term exclusions.
    pub exclusions: f64,
    /// A&E attendances.
    pub a_and_e: f64,
}

impl Default for Effects {
    fn default() -> Self {
        Effects {
            absence: 0.75,
            offending: 0.70,
            custody: 0.62,
            domestic_abuse: 0.75,
            benefit_exit: 1.40,
            looked_after: 0.68,
            child_protection: 1.15,
            exclusions: 0.80,
            a_and_e: 0.85,
        }
    }
}

impl Effects {
    /// `(key, multiplier, what it multiplies)` for the truth file.
    pub fn rows(&self) -> [(&'static str, f64, &'static str); 9] {
        [
            (
                "absence",
                self.absence,
                "sessions missed per pupil per term",
            ),
            (
                "offending",
                self.offending,
                "crime/ASB incidents as suspect or offender, and youth offences, per year",
            ),
            (
                "custody",
                self.custody,
                "youth offences ending in custody (Detention and Training Order) per year",
            ),
            (
                "domestic_abuse",
                self.domestic_abuse,
                "domestic abuse incidents per year",
            ),
            (
                "benefit_exit",
                self.benefit_exit,
                "hazard of leaving an out-of-work benefit claim",
            ),
            (
                "looked_after",
                self.looked_after,
                "children starting to be looked after per year",
            ),
            (
                "child_protection",
                self.child_protection,
                "children starting a child protection plan per year",
            ),
            (
                "exclusions",
                self.exclusions,
                "fixed-term exclusions per pupil per term",
            ),
            (
                "a_and_e",
                self.a_and_e,
                "A&E attendances per person per year",
            ),
        ]
    }
}

/// An eligible family's place in the cohort.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The household (family `F…` of the same index).
    pub household: usize,
    /// Attached to the programme (else in the comparison group).
    pub attached: bool,
    /// The attachment date; for the comparison group a reference date drawn the same way,
    /// from which its months 0–24 are counted.
    pub date: NaiveDate,
}

/// An employment spell: a job start and, once it has ended, its last day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmploymentSpell {
    /// The worker.
    pub person: usize,
    /// First day in work.
    pub start: NaiveDate,
    /// Last day in work; `None` while still in work at the end of the follow-up.
    pub end: Option<NaiveDate>,
    /// The out-of-work benefit the worker left for this job, if any.
    pub left: Option<BenefitType>,
}

/// The cohort as generated.
#[derive(Debug, Clone)]
pub struct FollowUp {
    /// What was asked.
    pub cohort: Cohort,
    /// Every eligible family, in household order.
    pub attachments: Vec<Attachment>,
    /// What happened after the as-at date (continuing claims and episodes restated with
    /// their end).
    pub facts: Facts,
    /// Employment spells.
    pub employment: Vec<EmploymentSpell>,
    /// The seven later extracts, in [`crate::Source::ALL`] order.
    pub sources: Vec<SourceTable>,
    /// The employment file: rows and the true person of each.
    pub employment_rows: (Vec<Vec<crate::Cell>>, Vec<usize>),
}

/// The last day of the follow-up.
pub fn follow_end() -> NaiveDate {
    FOLLOW_END
}

/// Builds the cohort of a generated borough (its household risks, and the period's source
/// references so the later extracts keep them).
pub(crate) fn build(
    b: &crate::Borough,
    risks: &[f64],
    refs: crate::rows::References,
    cohort: &Cohort,
) -> FollowUp {
    use crate::population::household_rng;
    use rand::Rng;
    use rayon::prelude::*;
    let seed = b.config.seed;
    let families = crate::truth::families(b);
    let mut attach: Vec<Option<NaiveDate>> = vec![None; b.households.len()];
    let mut attachments = Vec::new();
    for f in families.iter().filter(|f| f.eligible()) {
        let mut rng = household_rng(seed, f.household as u64, 4);
        let attached = rng.random_bool(cohort.attach_share);
        let span = (cohort.attach_to - cohort.attach_from).num_days().max(0);
        let date = add_days(cohort.attach_from, rng.random_range(0..=span));
        if attached {
            attach[f.household] = Some(date);
        }
        attachments.push(Attachment {
            household: f.household,
            attached,
            date,
        });
    }
    let past = past(b);
    let built: Vec<(Facts, Vec<EmploymentSpell>)> = b
        .households
        .par_iter()
        .map(|hh| {
            let (lo, hi) = span_of(hh);
            let mut rng = household_rng(seed, hh.index as u64, 3);
            follow_up(
                &b.people[lo..=hi],
                hh,
                risks[hh.index],
                &past[lo..=hi],
                attach[hh.index],
                &cohort.effects,
                &mut rng,
            )
        })
        .collect();
    let rows: Vec<_> = b
        .households
        .par_iter()
        .zip(&built)
        .map(|(hh, (facts, _))| {
            let (lo, hi) = span_of(hh);
            let mut rng = household_rng(seed, hh.index as u64, 5);
            crate::rows::household_rows(
                hh,
                &b.people[lo..=hi],
                facts,
                &b.geo,
                &b.config.errors,
                crate::rows::FOLLOW_UP_SALT,
                &mut rng,
            )
        })
        .collect();
    let (sources, _) = crate::rows::assemble_continuing(rows, refs);
    let mut facts = Facts::default();
    let mut employment = Vec::new();
    for (mut f, mut j) in built {
        facts.append(&mut f);
        employment.append(&mut j);
    }
    let employment_rows = write::employment_rows(b, &employment);
    FollowUp {
        cohort: cohort.clone(),
        attachments,
        facts,
        employment,
        sources,
        employment_rows,
    }
}

fn span_of(hh: &crate::Household) -> (usize, usize) {
    let lo = hh.members.iter().copied().min().unwrap_or(0);
    let hi = hh.members.iter().copied().max().unwrap_or(0);
    (lo, hi)
}

/// Each person's past, from the period's true facts.
fn past(b: &crate::Borough) -> Vec<Past> {
    use crate::model::{IncidentCategory, Involvement};
    let mut out = vec![Past::default(); b.people.len()];
    for a in b.facts.attendance.iter().filter(|a| a.term >= 6) {
        out[a.person].missed += a.missed;
        out[a.person].possible += a.possible;
    }
    for i in &b.facts.incidents {
        for &(p, inv) in &i.people {
            match i.category {
                IncidentCategory::DomesticAbuse => out[p].domestic_abuse += 1,
                _ if matches!(inv, Involvement::Suspect | Involvement::Offender) => {
                    out[p].offending += 1
                }
                _ => {}
            }
        }
    }
    for c in b.facts.claims.iter().filter(|c| c.end.is_none()) {
        out[c.person].open_claims.push((c.benefit, c.start));
    }
    for e in b.facts.episodes.iter().filter(|e| e.end.is_none()) {
        out[e.person].open_episodes.push((e.episode, e.start));
    }
    out
}

#[cfg(test)]
mod tests;
