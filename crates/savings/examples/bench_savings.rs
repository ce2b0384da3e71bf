//! Times the cost savings calculator on a synthetic borough (default 300,000 people in
//! 100,000 families, every family attached: the worst case) and checks that a planted
//! programme effect is recovered by the before/after change within its stated 95% interval.
//!
//! ```text
//! cargo run --release -p hearth-savings --example bench_savings [-- PEOPLE]
//! ```
//! Run by bench/savings.sh; results in bench/RESULTS.md.
//!
//! The planted effect: each family has anti-social behaviour incidents (a suspect or
//! offender) at a family-specific rate, the same before and after attachment apart from the
//! programme, which cuts the rate after attachment by EFFECT; and an adult on JSA at
//! attachment leaves it at attachment with probability JSA_EXIT. The expected change in annual
//! cost per family is then known exactly, and the calculator's mean change per family (with
//! its 95% interval) should cover it.

use chrono::{Days, NaiveDate};
use hearth_identification::FactRef;
use hearth_model::{AttrValue, Fact};
use hearth_savings::{calculate, Member, SavingsFamily, SavingsRules};
use std::sync::Arc;
use std::time::Instant;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// A Poisson count with mean `m` (Knuth; m is small here).
    fn poisson(&mut self, m: f64) -> u32 {
        let l = (-m).exp();
        let (mut k, mut p) = (0, 1.0);
        loop {
            p *= self.unit();
            if p <= l {
                return k;
            }
            k += 1;
        }
    }
}

const EFFECT: f64 = 0.30; // ASB incidents a year cut by 30% after attachment
const JSA_EXIT: f64 = 0.15; // 15% of JSA claimants leave at attachment
const ASB_RATE: f64 = 1.2; // mean ASB incidents a year before attachment (varies by family)

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(300_000);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    let rules = SavingsRules::load(&root.join("savings.toml")).expect("rules");
    let as_at = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
    let first = NaiveDate::from_ymd_opt(2023, 9, 1).unwrap();
    let (police, dwp, health, schools): (Arc<str>, Arc<str>, Arc<str>, Arc<str>) = (
        "police".into(),
        "dwp".into(),
        "health".into(),
        "schools".into(),
    );
    let text = |s: &str| AttrValue::Text(s.to_string());
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut record = 0u64;
    let mut families = Vec::with_capacity(n / 3);
    let mut facts_total = 0usize;
    let mut person = 0u64;
    let t0 = Instant::now();
    for f in 0..n / 3 {
        // Attached on a day over the year to 1 September 2024, so all have 12 months after.
        let attached = first + Days::new(rng.below(366));
        let rate = ASB_RATE * 2.0 * rng.unit(); // family-specific, mean ASB_RATE
        let mut members = Vec::with_capacity(3);
        for m in 0..3 {
            person += 1;
            let adult = m == 0;
            let dob = if adult {
                NaiveDate::from_ymd_opt(1980 + rng.below(15) as i32, 1, 1).unwrap()
            } else {
                NaiveDate::from_ymd_opt(2010 + rng.below(10) as i32, 6, 1).unwrap()
            };
            let mut facts = Vec::new();
            let mut push = |source: &Arc<str>,
                            event: &str,
                            start,
                            end,
                            attrs: Vec<(&str, AttrValue)>| {
                record += 1;
                facts.push(FactRef {
                    record_id: record,
                    source: source.clone(),
                    fact: Fact {
                        event_type: event.into(),
                        event_date: Some(start),
                        end_date: end,
                        attributes: attrs.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
                    },
                });
            };
            if adult {
                // ASB: Poisson before and (cut by the effect) after, on random days.
                for (from, rate) in [
                    (attached - Days::new(365), rate),
                    (attached, rate * (1.0 - EFFECT)),
                ] {
                    for _ in 0..rng.poisson(rate) {
                        let day = from + Days::new(rng.below(365));
                        let occurrence = format!("O{f}-{}", rng.next());
                        push(
                            &police,
                            "incident",
                            day,
                            None,
                            vec![
                                ("occurrence_ref", text(&occurrence)),
                                ("incident_category", text("ASB")),
                                ("offence", text("Nuisance neighbours")),
                                ("involvement", text("Suspect")),
                            ],
                        );
                    }
                }
                // JSA: a third claim through attachment; some leave at attachment.
                if rng.below(3) == 0 {
                    let end = if rng.unit() < JSA_EXIT {
                        Some(attached - Days::new(1))
                    } else {
                        None
                    };
                    push(
                        &dwp,
                        "benefit_claim",
                        attached - Days::new(800),
                        end,
                        vec![("benefit_type", text("JSA"))],
                    );
                }
                // Background use the programme does not change.
                if rng.below(4) == 0 {
                    push(
                        &health,
                        "health_contact",
                        attached - Days::new(rng.below(700)),
                        None,
                        vec![
                            ("contact_type", text("A&E attendance")),
                            ("outcome", text("Discharged")),
                        ],
                    );
                }
            } else {
                for t in 0..6u64 {
                    let start = attached - Days::new(365) + Days::new(t * 122);
                    push(
                        &schools,
                        "attendance",
                        start,
                        Some(start + Days::new(80)),
                        vec![
                            ("sessions_possible", AttrValue::Number(120.0)),
                            ("sessions_missed", AttrValue::Number(rng.below(30) as f64)),
                            ("permanent_exclusion", AttrValue::Bool(false)),
                        ],
                    );
                }
            }
            facts_total += facts.len();
            members.push(Member {
                person_id: person,
                date_of_birth: Some(dob),
                facts,
            });
        }
        families.push(SavingsFamily {
            family_id: f as u64 + 1,
            attached_on: attached,
            members,
        });
    }
    let gen_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    // Every item's data reach the as-at date (the example's facts run to it).
    let coverage = hearth_savings::Coverage::reaching(&rules, as_at);
    let calc = calculate(&rules, &families, as_at, &coverage);
    let calc_s = t1.elapsed().as_secs_f64();
    let c = &calc.cohort;
    let value = |key: &str| {
        rules
            .items
            .iter()
            .find(|i| i.key == key)
            .unwrap()
            .unit_value
    };
    // The expected change per family from the planted effect: ASB incidents fall by
    // ASB_RATE × EFFECT a year; a third of families have a JSA claimant, JSA_EXIT of whom
    // leave (a person-year each).
    let truth =
        ASB_RATE * EFFECT * value("asb_further_action") + JSA_EXIT / 3.0 * value("jsa_claimants");
    let e = c.change_per_family;
    println!(
        "{} people, {} families (all attached), {} facts; generated in {:.2} s",
        n,
        families.len(),
        facts_total,
        gen_s
    );
    println!(
        "calculate: {:.2} s ({:.0} families/s), 38 Appendix 2 items + {} local",
        calc_s,
        families.len() as f64 / calc_s,
        rules.items.len() - 38
    );
    println!(
        "planted effect: expected change per family £{truth:.2}; calculated mean £{:.2}, 95% interval £{:.2} to £{:.2} (n = {}) -> {}",
        e.mean,
        e.low,
        e.high,
        e.n,
        if e.low <= truth && truth <= e.high { "recovered within the interval" } else { "NOT within the interval" }
    );
    println!(
        "appraisal: attributable £{:.0} a year, present value £{:.0}, ROI {:.2}, payback {}",
        c.appraisal.attributable,
        c.appraisal.present_value,
        c.appraisal.fiscal_roi.unwrap_or(0.0),
        c.appraisal
            .payback_years
            .map_or("none".to_string(), |y| format!("{y:.2} years"))
    );
}
