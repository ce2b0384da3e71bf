//! Times `identify` on a synthetic borough of 300,000 people and about a million facts.
//!
//! ```text
//! cargo run --release -p hearth-identification --example bench_identify [-- PEOPLE]
//! ```
//! Results are recorded in RULES.md ("Performance").

use chrono::NaiveDate;
use hearth_identification::{identify, FactRef, Family, Person, Rules};
use hearth_model::{AttrValue, Fact};
use std::sync::Arc;
use std::time::Instant;

/// A small deterministic generator (xorshift), so the benchmark needs no extra crates.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(300_000);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    let rules = Rules::load(&root.join("expanded-2015.toml")).expect("rules");
    let as_at = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
    let day0 = NaiveDate::from_ymd_opt(2022, 9, 1).unwrap();
    let sources: Vec<Arc<str>> = [
        "schools",
        "police",
        "dwp",
        "health",
        "social_care",
        "housing",
        "youth_justice",
    ]
    .iter()
    .map(|s| Arc::from(*s))
    .collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut record = 0u64;
    let mut people = Vec::with_capacity(n);
    let mut facts: Vec<Vec<FactRef>> = Vec::with_capacity(n);
    let text = |s: &str| AttrValue::Text(s.to_string());
    for i in 0..n {
        let child = i % 3 != 0;
        let age_days = if child {
            365 * (1 + rng.below(17))
        } else {
            365 * (18 + rng.below(60))
        };
        people.push(Person {
            person_id: i as u64 + 1,
            date_of_birth: Some(as_at - chrono::Duration::days(age_days as i64)),
        });
        let mut mine = Vec::new();
        let k = rng.below(7); // 0..6 facts, mean 3 (plus terms for children)
        let mut push = |src: usize,
                        et: &str,
                        start: NaiveDate,
                        end: Option<NaiveDate>,
                        attrs: Vec<(&str, AttrValue)>| {
            record += 1;
            mine.push(FactRef {
                record_id: record,
                source: sources[src].clone(),
                fact: Fact {
                    event_type: et.to_string(),
                    event_date: Some(start),
                    end_date: end,
                    attributes: attrs.into_iter().map(|(a, v)| (a.to_string(), v)).collect(),
                },
            });
        };
        for _ in 0..k {
            let start = day0 + chrono::Duration::days(rng.below(1095) as i64);
            match rng.below(6) {
                0 => push(
                    1,
                    "incident",
                    start,
                    None,
                    vec![
                        (
                            "incident_category",
                            text(rng.pick(&["Crime", "ASB", "Domestic Abuse"])),
                        ),
                        (
                            "involvement",
                            text(rng.pick(&["Suspect", "Offender", "Victim", "Witness"])),
                        ),
                        ("occurrence_ref", text("OCC")),
                        ("offence", text("")),
                    ],
                ),
                1 => push(
                    2,
                    "benefit_claim",
                    start,
                    if rng.below(2) == 0 {
                        None
                    } else {
                        Some(start + chrono::Duration::days(200))
                    },
                    vec![("benefit_type", text(rng.pick(&["JSA", "ESA", "UC"])))],
                ),
                2 => push(
                    3,
                    "health_contact",
                    start,
                    None,
                    vec![
                        (
                            "contact_type",
                            text(rng.pick(&[
                                "A&E attendance",
                                "Mental health contact",
                                "Substance misuse",
                                "Missed appointment",
                            ])),
                        ),
                        ("outcome", text("Discharged")),
                    ],
                ),
                3 => push(
                    4,
                    "care_episode",
                    start,
                    Some(start + chrono::Duration::days(300)),
                    vec![(
                        "episode_type",
                        text(rng.pick(&["CIN", "CPP", "LAC", "Early Help"])),
                    )],
                ),
                4 => push(
                    5,
                    "housing_account",
                    start,
                    None,
                    vec![
                        ("tenancy_ref", text("T")),
                        (
                            "notice_type",
                            text(rng.pick(&["", "", "", "NOSP", "Eviction"])),
                        ),
                        ("arrears_balance", AttrValue::Number(rng.below(1000) as f64)),
                    ],
                ),
                _ => push(
                    6,
                    "youth_offence",
                    start,
                    None,
                    vec![
                        ("outcome", text("Referral Order")),
                        ("proven", AttrValue::Bool(rng.below(2) == 0)),
                    ],
                ),
            }
        }
        if child && i % 4 == 0 {
            for t in 0..3 {
                let start = day0 + chrono::Duration::days(730 + 120 * t);
                push(
                    0,
                    "attendance",
                    start,
                    Some(start + chrono::Duration::days(90)),
                    vec![
                        ("sessions_possible", AttrValue::Number(120.0)),
                        ("sessions_missed", AttrValue::Number(rng.below(30) as f64)),
                        (
                            "fixed_term_exclusions",
                            AttrValue::Number(rng.below(2) as f64),
                        ),
                        ("permanent_exclusion", AttrValue::Bool(false)),
                        ("academic_year", text("2024/25")),
                        ("term", text("Autumn")),
                        ("unauthorised_absences", AttrValue::Number(0.0)),
                    ],
                );
            }
        }
        facts.push(mine);
    }
    let families: Vec<Family> = (0..n)
        .step_by(3)
        .map(|i| Family {
            family_id: i as u64 / 3 + 1,
            members: (i..(i + 3).min(n)).collect(),
        })
        .collect();
    let total: usize = facts.iter().map(Vec::len).sum();
    println!(
        "{} people, {} facts, {} families, {} threads",
        n,
        total,
        families.len(),
        rayon::current_num_threads()
    );
    for run in 1..=3 {
        let t = Instant::now();
        let id = identify(&rules, &people, &facts, &families, as_at).expect("identify");
        let el = t.elapsed();
        println!(
            "run {run}: {:.2?}; {} eligible families, {} people with evidence",
            el,
            id.eligible().count(),
            id.people.len()
        );
    }
}
