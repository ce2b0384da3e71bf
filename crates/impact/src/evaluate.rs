//! The whole evaluation: match, then estimate.

use crate::estimate::{estimate, Estimate};
use crate::history::FamilyHistory;
use crate::logistic::FitError;
use crate::matching::{match_families, BalanceRow, MatchSummary};
use crate::rules::Rules;
use chrono::NaiveDate;
use serde::Serialize;

/// The evaluation's input: the cohort's families (programme families and eligible families
/// not worked with) as at a date.
#[derive(Debug, Clone, PartialEq)]
pub struct Cohort {
    /// The families.
    pub families: Vec<FamilyHistory>,
    /// Outcomes are counted up to this date; later attachments are ignored.
    pub as_at: NaiveDate,
}

/// The evaluation's result (not yet protected for publication: see [`crate::publish`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// The as-at date.
    pub as_at: NaiveDate,
    /// How the matching went.
    pub summary: MatchSummary,
    /// The balance table.
    pub balance: Vec<BalanceRow>,
    /// Every outcome in every band with enough data.
    pub estimates: Vec<Estimate>,
}

/// Runs the evaluation.
pub fn evaluate(rules: &Rules, cohort: &Cohort) -> Result<Evaluation, FitError> {
    let matched = match_families(rules, &cohort.families, cohort.as_at)?;
    let estimates = estimate(rules, &cohort.families, &matched.families, cohort.as_at);
    Ok(Evaluation {
        as_at: cohort.as_at,
        summary: matched.summary,
        balance: matched.balance,
        estimates,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::history::{add_months, Event};
    use crate::rules::tests::shipped;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// A simulated borough: each family has a latent need; need raises the chance of every
    /// outcome and of being attached (so a naive comparison is biased); the programme lowers
    /// the monthly chance of outcome `o` by `effect[o]` (relative) after attachment.
    pub(crate) fn simulate(seed: u64, families: usize, effect: &[f64]) -> Cohort {
        let rules = shipped();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let start: NaiveDate = "2015-01-01".parse().unwrap();
        let as_at: NaiveDate = "2019-06-30".parse().unwrap();
        let mut out = Vec::new();
        for id in 0..families {
            let need: f64 = rng.random::<f64>();
            let mut f = FamilyHistory::new(id as i64, &rules);
            f.eligible = true;
            f.members = 2 + rng.random_range(0..4);
            f.children = f.members - 1;
            f.area = Some(format!("AB{} 1", rng.random_range(0..3)));
            if need > 0.6 {
                f.problems.push("crime".into());
            }
            // Attached with a chance rising with need, some time in 2016–2017.
            if rng.random::<f64>() < 0.1 + 0.5 * need {
                f.attached_on = Some(add_months(
                    "2016-01-10".parse().unwrap(),
                    rng.random_range(0..24),
                ));
            }
            for (o, rule) in rules.outcome.iter().enumerate() {
                let base = 0.01 + 0.05 * need;
                for m in 0..54 {
                    let day = add_months(start, m);
                    let after = f.attached_on.is_some_and(|a| day >= a);
                    let e = if after { effect[o] } else { 0.0 };
                    if rule.measure == crate::rules::Measure::Absence {
                        if m % 4 == 0 {
                            let missed_share = (0.05 + 0.15 * need) * (1.0 + e);
                            f.events[o].push(Event {
                                start: day,
                                end: Some(day),
                                possible: 100.0,
                                missed: (100.0 * missed_share).round(),
                                amount: 1.0,
                            });
                        }
                    } else if rng.random::<f64>() < base * (1.0 + e) {
                        f.events[o].push(Event {
                            start: day,
                            end: Some(day),
                            possible: 0.0,
                            missed: 0.0,
                            amount: 1.0,
                        });
                    }
                }
            }
            f.sort();
            out.push(f);
        }
        Cohort {
            families: out,
            as_at,
        }
    }

    #[test]
    fn the_matched_estimate_recovers_a_planted_effect_that_a_naive_comparison_gets_wrong() {
        let rules = shipped();
        let mut effect = vec![0.0; rules.outcome.len()];
        effect[0] = -0.5; // children looked after: half the monthly chance
        let cohort = simulate(11, 4000, &effect);
        let ev = evaluate(&rules, &cohort).unwrap();
        assert!(ev.summary.matched as f64 > 0.9 * ev.summary.programme_families as f64);
        // Matching removes the imbalance in what families were like before.
        let before = &ev.balance[0];
        assert!(before.smd_before.abs() > 0.1, "{before:?}");
        assert!(before.smd_after.abs() < 0.05, "{before:?}");
        let e = ev
            .estimates
            .iter()
            .find(|e| e.outcome == "looked_after" && e.band == "7–12")
            .unwrap();
        assert!(e.difference < 0.0 && e.interval.high < 0.0, "{e:?}");
        // The true relative effect on "any in six months" is a little under -0.5.
        assert!(
            e.relative.unwrap() < -0.3 && e.relative.unwrap() > -0.6,
            "{e:?}"
        );
    }

    #[test]
    fn with_no_effect_the_95_interval_covers_zero_about_95_times_in_100() {
        let rules = Rules {
            bootstrap: crate::rules::Bootstrap {
                replicates: 200,
                ..shipped().bootstrap
            },
            ..shipped()
        };
        let effect = vec![0.0; rules.outcome.len()];
        let (mut covered, mut total) = (0, 0);
        for seed in 0..8 {
            let cohort = simulate(100 + seed, 1200, &effect);
            let ev = evaluate(&rules, &cohort).unwrap();
            for e in &ev.estimates {
                total += 1;
                covered += usize::from(e.interval.covers(0.0));
            }
        }
        let rate = covered as f64 / total as f64;
        assert!(total > 100, "{total}");
        assert!(rate > 0.88, "{covered} of {total}");
    }

    #[test]
    fn the_same_cohort_and_seed_give_the_same_evaluation() {
        let rules = shipped();
        let cohort = simulate(5, 800, &vec![-0.3; rules.outcome.len()]);
        assert_eq!(
            evaluate(&rules, &cohort).unwrap(),
            evaluate(&rules, &cohort).unwrap()
        );
    }
}
