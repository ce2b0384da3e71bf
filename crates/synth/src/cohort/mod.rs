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

use crate::dates::{add_days, FOLLOW_END};
use crate::model::Facts;
use chrono::NaiveDate;

pub use crate::programme::{Attachment, Cohort, Effects, EmploymentSpell, FollowUp};

pub use crate::dates::FOLLOW_END as FOLLOW_UP_END;
pub(crate) use follow::{follow_up, Past};

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
