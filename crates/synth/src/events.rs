//! What truly happens to a household during the period: school attendance, police incidents,
//! benefit claims, health contacts, social care, housing accounts and youth offences.
//!
//! A household's hidden `risk` drives every kind of need, so problems cluster in families
//! (domestic abuse raises the chance of social care; teenage offending comes with police
//! incidents and youth justice records), and most families have none.

use crate::dates::{
    add_days, age_on, avoid_window_edge, random_date, terms, ymd, AS_AT, PERIOD_END, PERIOD_START,
};
use crate::model::{
    Attendance, BenefitClaim, BenefitType, CareEpisode, ContactType, EpisodeType, Facts,
    HealthContact, Household, HousingRecord, Incident, IncidentCategory, Involvement, Person,
    YouthOffence,
};
use crate::population::Traits;
use chrono::{Datelike, NaiveDate};
use hearth_model::Sex;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

pub(crate) const DA_OFFENCES: &[&str] = &[
    "Common assault",
    "Assault occasioning actual bodily harm",
    "Harassment",
    "Controlling or coercive behaviour",
    "Criminal damage",
    "Verbal altercation - no offence",
    "Breach of non-molestation order",
];
pub(crate) const CRIME_OFFENCES: &[&str] = &[
    "Shoplifting",
    "Theft",
    "Criminal damage",
    "Common assault",
    "Possession of cannabis",
    "Burglary - residential",
    "Theft of motor vehicle",
    "Robbery of personal property",
    "Possession of a bladed article",
    "Public order offence",
];
pub(crate) const ASB_OFFENCES: &[&str] = &[
    "Rowdy or inconsiderate behaviour",
    "Nuisance neighbours",
    "Street drinking",
    "Vehicle nuisance",
    "Begging",
];
const VICTIM_OFFENCES: &[&str] = &[
    "Burglary - residential",
    "Theft from motor vehicle",
    "Criminal damage",
    "Theft of pedal cycle",
    "Fraud",
];
pub(crate) const YJ_OUTCOMES: &[(&str, f64)] = &[
    ("Youth Caution", 0.3),
    ("Youth Conditional Caution", 0.18),
    ("Referral Order", 0.2),
    ("Youth Rehabilitation Order", 0.1),
    ("No Further Action", 0.22),
];

pub(crate) fn pick<R: Rng, T: Copy>(rng: &mut R, list: &[T]) -> T {
    list[rng.random_range(0..list.len())]
}

pub(crate) fn poisson<R: Rng>(rng: &mut R, lambda: f64) -> u32 {
    let l = (-lambda).exp();
    let mut k = 0;
    let mut p = 1.0;
    loop {
        p *= rng.random::<f64>();
        if p <= l {
            return k;
        }
        k += 1;
    }
}

/// Generates the facts of one household.
pub(crate) fn happen(
    people: &[Person],
    hh: &Household,
    traits: Traits,
    rng: &mut ChaCha8Rng,
) -> Facts {
    let r = traits.risk;
    let mut f = Facts::default();
    let age = |p: &Person| age_on(p.date_of_birth, AS_AT);
    let children: Vec<&Person> = people.iter().filter(|p| age(p) < 18).collect();
    let adults: Vec<&Person> = people.iter().filter(|p| age(p) >= 18).collect();

    // Domestic abuse: the second adult of a couple (or a lone parent) as victim.
    let couple = matches!(
        hh.kind,
        crate::model::HouseholdKind::Couple
            | crate::model::HouseholdKind::CoupleWithChildren
            | crate::model::HouseholdKind::CoupleWithAdultChildren
            | crate::model::HouseholdKind::MultiGeneration
    );
    let lone = hh.kind == crate::model::HouseholdKind::LoneParent;
    let mut domestic_abuse = false;
    if (couple || lone) && rng.random_bool((0.008 + 0.12 * r + 0.5 * r * r).min(0.9)) {
        domestic_abuse = true;
        let (victim, suspect) = if couple {
            (people[1].index, Some(people[0].index))
        } else {
            (people[0].index, None)
        };
        for _ in 0..rng.random_range(1..=(1 + (r * 5.0) as u32)) {
            let date = random_date(rng, PERIOD_START, PERIOD_END);
            let mut who = vec![(victim, Involvement::Victim)];
            if let Some(s) = suspect {
                let inv = if rng.random_bool(0.3) {
                    Involvement::Offender
                } else {
                    Involvement::Suspect
                };
                who.push((s, inv));
            }
            if let Some(c) = children.iter().find(|c| c.date_of_birth < date) {
                if rng.random_bool(0.25) {
                    who.push((c.index, Involvement::Witness));
                }
            }
            f.incidents.push(Incident {
                household: hh.index,
                date,
                category: IncidentCategory::DomesticAbuse,
                offence: pick(rng, DA_OFFENCES),
                people: who,
            });
        }
    }

    // Youth crime and anti-social behaviour, with youth justice records.
    for c in people.iter().filter(|p| age(p) < 20) {
        let from = add_days(PERIOD_START.max(years_after(c.date_of_birth, 10)), 0);
        let to = PERIOD_END.min(add_days(years_after(c.date_of_birth, 18), -1));
        if from > to {
            continue;
        }
        let sex_factor = if c.sex == Sex::Male { 1.5 } else { 0.6 };
        let p = ((0.004 + 0.05 * r + 0.3 * r * r) * sex_factor).min(0.9);
        if !rng.random_bool(p) {
            continue;
        }
        for _ in 0..rng.random_range(1..=3) {
            let date = random_date(rng, from, to);
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
                people: vec![(c.index, inv)],
            });
            if rng.random_bool(if crime { 0.7 } else { 0.15 }) {
                let outcome = weighted(rng, YJ_OUTCOMES);
                f.offences.push(YouthOffence {
                    person: c.index,
                    date,
                    outcome,
                    proven: outcome != "No Further Action",
                });
            }
        }
    }

    // Adult offending.
    for a in adults.iter().filter(|a| age(a) <= 65) {
        let sex_factor = if a.sex == Sex::Male { 1.4 } else { 0.6 };
        if !rng.random_bool(((0.003 + 0.02 * r + 0.15 * r * r) * sex_factor).min(0.9)) {
            continue;
        }
        for _ in 0..rng.random_range(1..=2) {
            let crime = rng.random_bool(0.6);
            let date = random_date(
                rng,
                PERIOD_START.max(years_after(a.date_of_birth, 18)),
                PERIOD_END,
            );
            f.incidents.push(Incident {
                household: hh.index,
                date,
                category: if crime {
                    IncidentCategory::Crime
                } else {
                    IncidentCategory::Asb
                },
                offence: pick(rng, if crime { CRIME_OFFENCES } else { ASB_OFFENCES }),
                people: vec![(
                    a.index,
                    if rng.random_bool(0.5) {
                        Involvement::Suspect
                    } else {
                        Involvement::Offender
                    },
                )],
            });
        }
    }

    // Victims and witnesses: common, and not a headline problem.
    if rng.random_bool(0.10) && !adults.is_empty() {
        let date = random_date(rng, PERIOD_START, PERIOD_END);
        let mut who = vec![(adults[0].index, Involvement::Victim)];
        if adults.len() > 1 && rng.random_bool(0.4) {
            who.push((adults[1].index, Involvement::Victim));
        }
        let crime = rng.random_bool(0.75);
        f.incidents.push(Incident {
            household: hh.index,
            date,
            category: if crime {
                IncidentCategory::Crime
            } else {
                IncidentCategory::Asb
            },
            offence: pick(rng, if crime { VICTIM_OFFENCES } else { ASB_OFFENCES }),
            people: who,
        });
    }
    if rng.random_bool(0.04) {
        let w = &people[rng.random_range(0..people.len())];
        let date = random_date(
            rng,
            PERIOD_START.max(years_after(w.date_of_birth, 8)),
            PERIOD_END,
        );
        if date > w.date_of_birth {
            f.incidents.push(Incident {
                household: hh.index,
                date,
                category: IncidentCategory::Crime,
                offence: pick(rng, CRIME_OFFENCES),
                people: vec![(w.index, Involvement::Witness)],
            });
        }
    }

    // Out-of-work benefits.
    for a in adults.iter().filter(|a| age(a) <= 66) {
        let boost = if lone { 0.1 } else { 0.0 };
        if !rng.random_bool((0.03 + boost + 0.4 * r).min(0.95)) {
            continue;
        }
        let earliest = years_after(a.date_of_birth, 18).max(ymd(2016, 1, 1));
        let latest = add_days(PERIOD_END, -30);
        if earliest > latest {
            continue;
        }
        let mut start = random_date(rng, earliest, latest);
        for _ in 0..rng.random_range(1..=2) {
            let benefit = if start < ymd(2019, 1, 1) {
                weighted(
                    rng,
                    &[
                        (BenefitType::Jsa, 0.3),
                        (BenefitType::Esa, 0.35),
                        (BenefitType::Is, 0.25),
                        (BenefitType::Ib, 0.1),
                    ],
                )
            } else {
                weighted(
                    rng,
                    &[
                        (BenefitType::Uc, 0.82),
                        (BenefitType::Esa, 0.1),
                        (BenefitType::Jsa, 0.08),
                    ],
                )
            };
            let open = rng.random_bool(0.3 + 0.4 * r);
            let end = (!open)
                .then(|| add_days(start, rng.random_range(60..=900)))
                .filter(|e| *e <= PERIOD_END);
            if end.is_none_or(|e| e >= PERIOD_START) {
                f.claims.push(BenefitClaim {
                    person: a.index,
                    benefit,
                    start,
                    end,
                });
            }
            match end {
                Some(e) if e < add_days(PERIOD_END, -60) => {
                    start = random_date(rng, add_days(e, 30), PERIOD_END.min(add_days(e, 400)));
                }
                _ => break,
            }
        }
    }

    // Health.
    for p in people {
        let from = PERIOD_START.max(p.date_of_birth);
        let years = (PERIOD_END - from).num_days() as f64 / 365.0;
        let child = age(p) < 18;
        for _ in 0..poisson(rng, (0.15 + 0.9 * r) * years) {
            let outcome = weighted(
                rng,
                &[("Discharged", 0.75), ("Admitted", 0.15), ("Referred", 0.1)],
            );
            f.health.push(contact(
                p,
                ContactType::AandE,
                random_date(rng, from, PERIOD_END),
                outcome,
            ));
        }
        let mh = if child {
            if age(p) >= 11 {
                0.02 + 0.15 * r
            } else {
                0.0
            }
        } else {
            0.03 + 0.3 * r
        };
        if rng.random_bool(mh) {
            let start = random_date(rng, from, PERIOD_END);
            for _ in 0..rng.random_range(1..=6) {
                let date = random_date(rng, start, add_days(start, 200).min(PERIOD_END));
                let outcome = weighted(
                    rng,
                    &[
                        ("Discharged", 0.5),
                        ("Referred", 0.3),
                        ("Did not attend", 0.2),
                    ],
                );
                f.health
                    .push(contact(p, ContactType::MentalHealth, date, outcome));
            }
        }
        let sm = if child {
            0.0
        } else {
            0.006 + 0.03 * r + 0.2 * r * r
        };
        if rng.random_bool(sm) {
            let start = random_date(rng, from, PERIOD_END);
            for _ in 0..rng.random_range(1..=5) {
                let date = random_date(rng, start, add_days(start, 300).min(PERIOD_END));
                let outcome = weighted(
                    rng,
                    &[
                        ("Referred", 0.4),
                        ("Discharged", 0.35),
                        ("Did not attend", 0.25),
                    ],
                );
                f.health
                    .push(contact(p, ContactType::SubstanceMisuse, date, outcome));
            }
        }
        if rng.random_bool(0.04 + 0.2 * r) {
            for _ in 0..rng.random_range(1..=3) {
                let date = random_date(rng, from, PERIOD_END);
                f.health.push(contact(
                    p,
                    ContactType::MissedAppointment,
                    date,
                    "Did not attend",
                ));
            }
        }
        // Health visiting: the Healthy Child Programme's mandated reviews of every young
        // child (new birth visit, 6–8 weeks, 1 year, 2–2½ years), at national coverage.
        let reviews = [
            (add_days(p.date_of_birth, 14), 0.97),
            (add_days(p.date_of_birth, 49), 0.85),
            (years_after(p.date_of_birth, 1), 0.80),
            (add_days(years_after(p.date_of_birth, 2), 90), 0.75),
        ];
        for (date, coverage) in reviews {
            if (PERIOD_START..=PERIOD_END).contains(&date) && rng.random_bool(coverage) {
                let outcome = if rng.random_bool(0.05) {
                    "Did not attend"
                } else {
                    "Seen"
                };
                f.health
                    .push(contact(p, ContactType::HealthVisitorReview, date, outcome));
            }
        }
    }

    // Children's social care: one family pathway, an episode for each child.
    let p_sc = (0.008 + 0.3 * r + if domestic_abuse { 0.35 } else { 0.0 }).min(0.95);
    let pathway = if !children.is_empty() && rng.random_bool(p_sc) {
        Some(true)
    } else if !children.is_empty() && rng.random_bool(0.02) {
        Some(false)
    } else {
        None
    };
    if let Some(escalates) = pathway {
        let start = random_date(rng, PERIOD_START, add_days(PERIOD_END, -20));
        let mut steps = vec![(EpisodeType::EarlyHelp, rng.random_range(60..=240))];
        if escalates && rng.random_bool((0.45 + 0.4 * r).min(1.0)) {
            steps.push((EpisodeType::Cin, rng.random_range(90..=500)));
            if rng.random_bool(if domestic_abuse { 0.55 } else { 0.25 }) {
                steps.push((EpisodeType::Cpp, rng.random_range(120..=450)));
                if rng.random_bool(0.12) {
                    steps.push((EpisodeType::Lac, rng.random_range(90..=700)));
                }
            }
        }
        let last_open = rng.random_bool(0.3);
        for c in &children {
            if c.date_of_birth >= start {
                continue;
            }
            let mut s = start;
            for (i, &(episode, days)) in steps.iter().enumerate() {
                if s > PERIOD_END {
                    break;
                }
                let mut end =
                    Some(avoid_window_edge(add_days(s, days))).filter(|e| *e <= PERIOD_END);
                if i + 1 == steps.len() && last_open {
                    end = None;
                }
                f.episodes.push(CareEpisode {
                    person: c.index,
                    episode,
                    start: s,
                    end,
                });
                match end {
                    Some(e) => s = avoid_window_edge(add_days(e, 1)),
                    None => break,
                }
            }
        }
    }

    // School attendance.
    let all_terms = terms();
    for c in people.iter().filter(|p| p.upn.is_some()) {
        let u1: f64 = rng.random();
        let u2: f64 = rng.random();
        let base = 0.02 + 0.055 * u1 * u1 + 0.4 * r * u2 * u2;
        for (ti, t) in all_terms.iter().enumerate() {
            let year_age = age_on(c.date_of_birth, ymd(t.year, 8, 31));
            if !(4..=15).contains(&year_age) {
                continue;
            }
            let secondary = year_age >= 11;
            let rate =
                (base * if secondary { 1.25 } else { 1.0 } * rng.random_range(0.5..1.6)).min(0.9);
            let possible = t.possible_sessions();
            let missed = (possible as f64 * rate).round() as u32;
            let unauth =
                ((missed as f64) * (0.15 + 0.5 * r + 0.2 * rng.random::<f64>())).round() as u32;
            let p_fte = (0.003 + 0.1 * r) * if secondary { 1.0 } else { 0.2 };
            let fte = if rng.random_bool(p_fte) {
                1 + rng.random_bool(0.25) as u32
            } else {
                0
            };
            let perm = secondary && rng.random_bool(0.0004 + 0.004 * r);
            f.attendance.push(Attendance {
                person: c.index,
                term: ti,
                possible,
                missed,
                unauthorised: unauth.min(missed),
                fixed_term_exclusions: fte,
                permanent_exclusion: perm,
            });
        }
    }

    // Council housing: quarterly snapshots of the lead tenant's account.
    if hh.council_tenant {
        let lead = &people[0];
        let mut balance: u64 = if rng.random_bool(0.15 + 0.4 * r) {
            rng.random_range(0..30_000)
        } else {
            0
        };
        let mut had_nosp = false;
        let mut tenancy_no = 0;
        for q in 0..12 {
            let (y, m) = (2022 + (q + 3) / 4, [10, 1, 4, 7][q as usize % 4]);
            let date = ymd(y, m, 1);
            let moved = hh.moved_from.is_some_and(|(_, d)| date >= d);
            if moved && tenancy_no == 0 {
                tenancy_no = 1;
                balance = 0;
                had_nosp = false;
            }
            let u: f64 = rng.random();
            if u < 0.2 + 0.5 * r {
                balance += rng.random_range(3_000..(15_000 + (60_000.0 * r) as u64));
            } else if u < 0.75 {
                balance = (balance as f64 * rng.random_range(0.0..0.7)) as u64;
            }
            let notice = if balance >= 250_000 && had_nosp && rng.random_bool(0.15) {
                "Eviction"
            } else if balance >= 100_000 && rng.random_bool(0.4) {
                had_nosp = true;
                "NOSP"
            } else {
                ""
            };
            f.housing.push(HousingRecord {
                person: lead.index,
                tenancy: (hh.index, tenancy_no),
                address: hh.address_on(date),
                date,
                arrears_pence: balance,
                notice,
            });
        }
    }
    f
}

fn contact(p: &Person, c: ContactType, date: NaiveDate, outcome: &'static str) -> HealthContact {
    HealthContact {
        person: p.index,
        contact: c,
        date,
        outcome,
    }
}

pub(crate) fn weighted<R: Rng, T: Copy>(rng: &mut R, options: &[(T, f64)]) -> T {
    let total: f64 = options.iter().map(|o| o.1).sum();
    let mut u = rng.random::<f64>() * total;
    for &(v, w) in options {
        if u < w {
            return v;
        }
        u -= w;
    }
    options[options.len() - 1].0
}

/// The `n`th birthday (28 February for 29 February births in common years).
pub(crate) fn years_after(dob: NaiveDate, n: i32) -> NaiveDate {
    dob.with_year(dob.year() + n)
        .unwrap_or_else(|| ymd(dob.year() + n, 2, 28))
}
