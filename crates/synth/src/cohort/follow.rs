//! One household's follow-up: what happens between the as-at date and the end of the
//! follow-up, carrying on from what happened before (a pupil's absence, a person's offending,
//! a claim or a social care episode still open) and from the household's hidden risk, with
//! the planted effect applied from the attachment date on.

use super::{Effects, EmploymentSpell};
use crate::dates::{add_days, age_on, all_terms, ymd, AS_AT, FOLLOW_END};
use crate::events::{
    pick, poisson, weighted, ASB_OFFENCES, CRIME_OFFENCES, DA_OFFENCES, YJ_OUTCOMES,
};
use crate::model::{
    Attendance, BenefitClaim, BenefitType, CareEpisode, ContactType, EpisodeType, Facts,
    HealthContact, Household, HouseholdKind, Incident, IncidentCategory, Involvement, Person,
    YouthOffence,
};
use chrono::NaiveDate;
use hearth_model::Sex;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The youth justice outcome that is custody.
pub const CUSTODY: &str = "Detention and Training Order";

/// What a person's past says about their future (from the period's true facts).
#[derive(Debug, Clone, Default)]
pub(crate) struct Past {
    /// Sessions missed and possible over the three terms before the as-at date.
    pub missed: u32,
    /// Possible sessions over those terms.
    pub possible: u32,
    /// Crime/ASB incidents as suspect or offender in the period.
    pub offending: u32,
    /// Domestic abuse incidents the person was in.
    pub domestic_abuse: u32,
    /// Claims still open at the end of the period.
    pub open_claims: Vec<(BenefitType, NaiveDate)>,
    /// Episodes still open at the end of the period.
    pub open_episodes: Vec<(EpisodeType, NaiveDate)>,
}

fn days(from: NaiveDate, to: NaiveDate) -> f64 {
    (to - from).num_days().max(0) as f64
}

fn random_day(rng: &mut ChaCha8Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0);
    add_days(from, rng.random_range(0..=span))
}

/// Event dates in `from..=to` at `per_year`, multiplied by `mult` from `attached` on.
fn events(
    rng: &mut ChaCha8Rng,
    from: NaiveDate,
    to: NaiveDate,
    per_year: f64,
    attached: Option<NaiveDate>,
    mult: f64,
) -> Vec<NaiveDate> {
    if from > to || per_year <= 0.0 {
        return Vec::new();
    }
    let split = attached.filter(|a| *a > from && *a <= to);
    let mut out = Vec::new();
    let mut segment = |rng: &mut ChaCha8Rng, a: NaiveDate, b: NaiveDate, rate: f64| {
        let lambda = rate * (days(a, b) + 1.0) / 365.25;
        for _ in 0..poisson(rng, lambda) {
            out.push(random_day(rng, a, b));
        }
    };
    match (split, attached) {
        (Some(a), _) => {
            segment(rng, from, add_days(a, -1), per_year);
            segment(rng, a, to, per_year * mult);
        }
        (None, Some(a)) if a <= from => segment(rng, from, to, per_year * mult),
        _ => segment(rng, from, to, per_year),
    }
    out.sort();
    out
}

/// The first exit from a state left at `per_year` (multiplied by `mult` from `attached`),
/// starting at `from`; `None` if still in it at the end of the follow-up.
fn exit(
    rng: &mut ChaCha8Rng,
    from: NaiveDate,
    per_year: f64,
    attached: Option<NaiveDate>,
    mult: f64,
) -> Option<NaiveDate> {
    let mut day = from;
    // Draw by fortnights: exact enough, and cheap.
    while day <= FOLLOW_END {
        let m = if attached.is_some_and(|a| day >= a) {
            mult
        } else {
            1.0
        };
        let p = 1.0 - (-per_year * m * 14.0 / 365.25).exp();
        if rng.random_bool(p.clamp(0.0, 1.0)) {
            let d = add_days(day, rng.random_range(0..14));
            return (d <= FOLLOW_END).then_some(d);
        }
        day = add_days(day, 14);
    }
    None
}

fn end_within(d: NaiveDate) -> Option<NaiveDate> {
    (d <= FOLLOW_END).then_some(d)
}

/// One household's follow-up facts and employment spells.
#[allow(clippy::too_many_arguments)]
pub(crate) fn follow_up(
    people: &[Person],
    hh: &Household,
    risk: f64,
    past: &[Past],
    attached: Option<NaiveDate>,
    fx: &Effects,
    rng: &mut ChaCha8Rng,
) -> (Facts, Vec<EmploymentSpell>) {
    let r = risk;
    let start = add_days(AS_AT, 1);
    let mut f = Facts::default();
    let mut jobs = Vec::new();
    let age = |p: &Person, d: NaiveDate| age_on(p.date_of_birth, d);

    // Benefit claims still open, restated with their end; some leave for work.
    for (p, pp) in people.iter().zip(past) {
        for &(benefit, claim_start) in &pp.open_claims {
            let end = exit(
                rng,
                start,
                0.45 * (1.0 - 0.5 * r),
                attached,
                fx.benefit_exit,
            );
            f.claims.push(BenefitClaim {
                person: p.index,
                benefit,
                start: claim_start,
                end,
            });
            if let Some(e) = end {
                into_work(rng, p, e, Some(benefit), &mut f, &mut jobs);
            }
        }
    }
    // New claims of adults not claiming.
    for (p, pp) in people.iter().zip(past) {
        if !pp.open_claims.is_empty() || age(p, AS_AT) < 18 || age(p, AS_AT) > 64 {
            continue;
        }
        if let Some(&d) = events(
            rng,
            start,
            add_days(FOLLOW_END, -30),
            0.03 + 0.2 * r,
            None,
            1.0,
        )
        .first()
        {
            let benefit = weighted(
                rng,
                &[
                    (BenefitType::Uc, 0.85),
                    (BenefitType::Esa, 0.1),
                    (BenefitType::Jsa, 0.05),
                ],
            );
            let end = exit(
                rng,
                add_days(d, 30),
                0.45 * (1.0 - 0.5 * r),
                attached,
                fx.benefit_exit,
            );
            f.claims.push(BenefitClaim {
                person: p.index,
                benefit,
                start: d,
                end,
            });
            if let Some(e) = end {
                into_work(rng, p, e, Some(benefit), &mut f, &mut jobs);
            }
        }
    }

    // Offending, with youth justice records (and, rarely, custody).
    for (p, pp) in people.iter().zip(past) {
        let from = start.max(crate::events::years_after(p.date_of_birth, 10));
        if from > FOLLOW_END || age(p, AS_AT) > 64 {
            continue;
        }
        let sex = if p.sex == Sex::Male { 1.5 } else { 0.6 };
        let rate = 0.6 * pp.offending as f64 / 3.0 + (0.003 + 0.03 * r + 0.2 * r * r) * sex;
        for date in events(rng, from, FOLLOW_END, rate, attached, fx.offending) {
            let crime = rng.random_bool(0.65);
            let inv = if rng.random_bool(0.6) {
                Involvement::Suspect
            } else {
                Involvement::Offender
            };
            f.incidents.push(Incident {
                household: hh.index,
                date,
                category: if crime {
                    IncidentCategory::Crime
                } else {
                    IncidentCategory::Asb
                },
                offence: pick(rng, if crime { CRIME_OFFENCES } else { ASB_OFFENCES }),
                people: vec![(p.index, inv)],
            });
            if age(p, date) < 18 && rng.random_bool(if crime { 0.7 } else { 0.15 }) {
                let after = attached.is_some_and(|a| date >= a);
                let p_custody = 0.06
                    * if after {
                        fx.custody / fx.offending
                    } else {
                        1.0
                    };
                let outcome = if crime && rng.random_bool(p_custody.min(1.0)) {
                    CUSTODY
                } else {
                    weighted(rng, YJ_OUTCOMES)
                };
                f.offences.push(YouthOffence {
                    person: p.index,
                    date,
                    outcome,
                    proven: outcome != "No Further Action",
                });
            }
        }
    }

    // Domestic abuse.
    let couple = matches!(
        hh.kind,
        HouseholdKind::Couple
            | HouseholdKind::CoupleWithChildren
            | HouseholdKind::CoupleWithAdultChildren
            | HouseholdKind::MultiGeneration
    );
    let lone = hh.kind == HouseholdKind::LoneParent;
    let past_da: u32 = past.iter().map(|p| p.domestic_abuse).max().unwrap_or(0);
    let da_rate = if past_da > 0 {
        0.5 * past_da as f64 / 3.0 + 0.15
    } else if couple || lone {
        0.005 + 0.05 * r * r
    } else {
        0.0
    };
    for date in events(rng, start, FOLLOW_END, da_rate, attached, fx.domestic_abuse) {
        let mut who = vec![(
            people[if couple { 1 } else { 0 }].index,
            Involvement::Victim,
        )];
        if couple {
            who.push((people[0].index, Involvement::Suspect));
        }
        f.incidents.push(Incident {
            household: hh.index,
            date,
            category: IncidentCategory::DomesticAbuse,
            offence: pick(rng, DA_OFFENCES),
            people: who,
        });
    }

    // Children's social care: open episodes restated with their end; new ones.
    for (p, pp) in people.iter().zip(past) {
        for &(episode, s) in &pp.open_episodes {
            let end = end_within(add_days(start, rng.random_range(20..=600)));
            f.episodes.push(CareEpisode {
                person: p.index,
                episode,
                start: s,
                end,
            });
        }
    }
    let child_at = |p: &Person, d: NaiveDate| p.date_of_birth < d && age(p, d) < 18;
    let kinds = [
        (EpisodeType::Cin, 0.004 + 0.12 * r, 1.0),
        (EpisodeType::Cpp, 0.002 + 0.05 * r, fx.child_protection),
        (EpisodeType::Lac, 0.0005 + 0.015 * r, fx.looked_after),
    ];
    if people.iter().any(|p| child_at(p, AS_AT)) {
        for (episode, rate, mult) in kinds {
            for d in events(rng, start, FOLLOW_END, rate, attached, mult) {
                for c in people.iter().filter(|c| child_at(c, d)) {
                    let end = end_within(add_days(d, rng.random_range(90..=500)));
                    f.episodes.push(CareEpisode {
                        person: c.index,
                        episode,
                        start: d,
                        end,
                    });
                }
            }
        }
    }

    // School attendance: six more terms.
    let terms = all_terms();
    for (p, pp) in people.iter().zip(past).filter(|(p, _)| p.upn.is_some()) {
        let base = if pp.possible > 0 {
            pp.missed as f64 / pp.possible as f64
        } else {
            0.03 + 0.2 * r * rng.random::<f64>()
        };
        for (ti, t) in terms.iter().enumerate().skip(9) {
            let year_age = age_on(p.date_of_birth, ymd(t.year, 8, 31));
            if !(4..=15).contains(&year_age) {
                continue;
            }
            let after = attached.is_some_and(|a| t.start >= a);
            let secondary = year_age >= 11;
            let rate =
                (base * rng.random_range(0.6..1.4) * if after { fx.absence } else { 1.0 }).min(0.9);
            let possible = t.possible_sessions();
            let missed = (possible as f64 * rate).round() as u32;
            let unauth =
                ((missed as f64) * (0.15 + 0.5 * r + 0.2 * rng.random::<f64>())).round() as u32;
            let p_fte = (0.003 + 0.1 * r)
                * if secondary { 1.0 } else { 0.2 }
                * if after { fx.exclusions } else { 1.0 };
            let fte = if rng.random_bool(p_fte.min(1.0)) {
                1 + rng.random_bool(0.25) as u32
            } else {
                0
            };
            let perm = secondary && rng.random_bool(0.0004 + 0.004 * r);
            f.attendance.push(Attendance {
                person: p.index,
                term: ti,
                possible,
                missed,
                unauthorised: unauth.min(missed),
                fixed_term_exclusions: fte,
                permanent_exclusion: perm,
            });
        }
    }

    // A&E.
    for p in people {
        for date in events(rng, start, FOLLOW_END, 0.15 + 0.9 * r, attached, fx.a_and_e) {
            let outcome = weighted(
                rng,
                &[("Discharged", 0.75), ("Admitted", 0.15), ("Referred", 0.1)],
            );
            f.health.push(HealthContact {
                person: p.index,
                contact: ContactType::AandE,
                date,
                outcome,
            });
        }
    }
    (f, jobs)
}

/// Someone who left a claim on `left_on`: most find work within a fortnight; one job in four
/// is short (20 to 200 days, with a new claim after half of them), the rest last.
fn into_work(
    rng: &mut ChaCha8Rng,
    p: &Person,
    left_on: NaiveDate,
    benefit: Option<BenefitType>,
    f: &mut Facts,
    jobs: &mut Vec<EmploymentSpell>,
) {
    if p.ni_number.is_none() || !rng.random_bool(0.75) {
        return;
    }
    let start = add_days(left_on, rng.random_range(1..=14));
    if start > FOLLOW_END {
        return;
    }
    let short = rng.random_bool(0.25);
    let len = if short {
        rng.random_range(20..=200)
    } else {
        (-900.0 * (1.0 - rng.random::<f64>()).ln()) as i64 + 200
    };
    let end = end_within(add_days(start, len));
    jobs.push(EmploymentSpell {
        person: p.index,
        start,
        end,
        left: benefit,
    });
    if let Some(e) = end {
        if short && rng.random_bool(0.5) {
            let s = add_days(e, rng.random_range(7..=60));
            if s <= FOLLOW_END {
                let end = end_within(add_days(s, rng.random_range(60..=700)));
                f.claims.push(BenefitClaim {
                    person: p.index,
                    benefit: BenefitType::Uc,
                    start: s,
                    end,
                });
            }
        }
    }
}
