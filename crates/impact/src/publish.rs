//! The evaluation as it may be published: every count through
//! `hearth_governance::disclosure::protect` (the one disclosure-control module), and every
//! rate, difference and interval withheld where a count under it is suppressed (DOMAIN.md
//! §13: "percentages of small bases count as disclosive too").

use crate::estimate::Interval;
use crate::evaluate::Evaluation;
use crate::matching::BalanceRow;
use crate::rules::Measure;
use chrono::NaiveDate;
use hearth_governance::disclosure::{protect, Cell, Policy, Protected, Table};
use serde::{Deserialize, Serialize};

/// One outcome in one band, as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedEstimate {
    /// The outcome's key.
    pub outcome: String,
    /// Its label.
    pub label: String,
    /// How it is measured.
    pub measure: Measure,
    /// The band.
    pub band: String,
    /// Programme families in the estimate.
    pub programme_n: Cell,
    /// Comparison families in the estimate.
    pub comparison_n: Cell,
    /// For `any`: programme families with the outcome.
    pub programme_with: Cell,
    /// For `any`: comparison families with the outcome (weighted as matched).
    pub comparison_with: Cell,
    /// The figures, unless a count under them is suppressed.
    pub figures: Option<Figures>,
}

/// The rates and the difference.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Programme families' rate (per cent) or mean attendance.
    pub programme: f64,
    /// Comparison families'.
    pub comparison: f64,
    /// The difference (percentage points).
    pub difference: f64,
    /// Its interval.
    pub interval: Interval,
    /// The relative difference, if the comparison rate is above 0.
    pub relative: Option<f64>,
    /// Its interval.
    pub relative_interval: Option<Interval>,
}

impl Figures {
    /// Whether the interval leaves out zero.
    pub fn significant(&self) -> bool {
        !self.interval.covers(0.0)
    }

    /// The smallest change, relative to the comparison rate, that an evaluation of this size
    /// would show clearly four times in five (80% power at the 5% level, either way): 2.8
    /// standard errors of the difference, the standard error read off the 95% interval (its
    /// width ÷ 3.92). `None` when the comparison rate is 0. A rare outcome's figure can be
    /// well over 100%: then even the programme halving it, or doubling it, would likely go
    /// unseen, and its estimate describes, it does not show an effect.
    pub fn detectable(&self) -> Option<f64> {
        let se = (self.interval.high - self.interval.low) / (2.0 * 1.96);
        (self.comparison > 0.0).then(|| 2.8 * se / self.comparison)
    }
}

/// The evaluation, protected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Published {
    /// As at.
    pub as_at: NaiveDate,
    /// Programme families: matched and not matched.
    pub programme: Protected,
    /// Eligible families: compared and not compared.
    pub comparison: Protected,
    /// The balance table (empty when the groups are too small to publish means of).
    pub balance: Vec<BalanceRow>,
    /// Every estimate.
    pub estimates: Vec<PublishedEstimate>,
    /// The policy applied.
    pub policy: Policy,
}

/// Protects an evaluation for publication.
pub fn publish(ev: &Evaluation, policy: Policy) -> Published {
    let s = &ev.summary;
    let programme = protect(
        &Table::one_way(
            "Programme families",
            vec![
                ("Matched".into(), s.matched as u64),
                ("Not matched".into(), s.unmatched as u64),
            ],
        ),
        policy,
    );
    let comparison = protect(
        &Table::one_way(
            "Eligible families not worked with",
            vec![
                ("Compared".into(), s.comparison_families as u64),
                (
                    "Not compared".into(),
                    s.pool_families.saturating_sub(s.comparison_families) as u64,
                ),
            ],
        ),
        policy,
    );
    let big_enough = |n: usize| n as u64 >= policy.threshold.max(1);
    let balance = if big_enough(s.matched) && big_enough(s.comparison_families) {
        ev.balance.clone()
    } else {
        Vec::new()
    };
    let estimates = ev
        .estimates
        .iter()
        .map(|e| {
            let table = match e.measure {
                Measure::Any | Measure::Count | Measure::StillOpen => Table::new(
                    vec!["Programme".into(), "Comparison".into()],
                    vec!["With the outcome".into(), "Without".into()],
                    vec![
                        vec![
                            e.programme_with as u64,
                            (e.programme_n - e.programme_with.min(e.programme_n)) as u64,
                        ],
                        vec![
                            e.comparison_with as u64,
                            e.programme_n.saturating_sub(e.comparison_with) as u64,
                        ],
                    ],
                ),
                Measure::Absence => Table::new(
                    vec!["Programme".into(), "Comparison".into()],
                    vec!["Families".into()],
                    vec![vec![e.programme_n as u64], vec![e.comparison_n as u64]],
                ),
            }
            .expect("a two-row table is well formed");
            let p = protect(&table, policy);
            let hidden = p.cells.iter().flatten().any(|c| *c == Cell::Confidential)
                || e.comparison_n < policy.threshold as usize;
            let (programme_with, comparison_with) = match e.measure {
                Measure::Any | Measure::Count | Measure::StillOpen => {
                    (p.cells[0][0], p.cells[1][0])
                }
                Measure::Absence => (Cell::NotApplicable, Cell::NotApplicable),
            };
            let (programme_n, comparison_n) = match e.measure {
                Measure::Any | Measure::Count | Measure::StillOpen => {
                    (p.row_totals[0], counted(e.comparison_n, policy))
                }
                Measure::Absence => (p.cells[0][0], p.cells[1][0]),
            };
            PublishedEstimate {
                outcome: e.outcome.clone(),
                label: e.label.clone(),
                measure: e.measure,
                band: e.band.clone(),
                programme_n,
                comparison_n,
                programme_with,
                comparison_with,
                figures: (!hidden).then_some(Figures {
                    programme: e.programme,
                    comparison: e.comparison,
                    difference: e.difference,
                    interval: e.interval,
                    relative: e.relative,
                    relative_interval: e.relative_interval,
                }),
            }
        })
        .collect();
    Published {
        as_at: ev.as_at,
        programme,
        comparison,
        balance,
        estimates,
        policy,
    }
}

/// A single count, protected on its own.
fn counted(n: usize, policy: Policy) -> Cell {
    protect(&Table::one_way("n", vec![("n".into(), n as u64)]), policy).cells[0][0]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::{evaluate, tests::simulate};
    use crate::rules::tests::shipped;

    #[test]
    fn small_groups_have_their_rates_withheld_and_big_ones_shown() {
        let rules = shipped();
        let cohort = simulate(3, 600, &vec![0.0; rules.outcome.len()]);
        let ev = evaluate(&rules, &cohort).unwrap();
        let p = publish(&ev, Policy::default());
        assert!(p.estimates.iter().any(|e| e.figures.is_some()));
        for (e, raw) in p.estimates.iter().zip(&ev.estimates) {
            if raw.measure != Measure::Absence && (1..5).contains(&raw.programme_with) {
                assert_eq!(e.programme_with, Cell::Confidential);
                assert!(e.figures.is_none(), "{e:?}");
            }
        }
        // A tiny cohort: everything withheld, and the balance table too.
        let mut tiny = simulate(3, 8, &vec![0.0; rules.outcome.len()]);
        tiny.families.truncate(8);
        if let Ok(ev) = evaluate(&rules, &tiny) {
            let p = publish(&ev, Policy::default());
            assert!(p.estimates.iter().all(|e| e.figures.is_none()));
            let small = ev.summary.matched < 5 || ev.summary.comparison_families < 5;
            assert_eq!(p.balance.is_empty(), small);
        }
    }

    fn figures(comparison: f64, low: f64, high: f64) -> Figures {
        Figures {
            programme: comparison,
            comparison,
            difference: 0.0,
            interval: Interval { low, high },
            relative: Some(0.0),
            relative_interval: None,
        }
    }

    #[test]
    fn the_smallest_change_an_evaluation_could_show_grows_with_its_interval() {
        // A difference of ±1.96 around a rate of 10: one standard error is 1 (10%), so 2.8
        // standard errors are 28% of the rate.
        let f = figures(10.0, -1.96, 1.96);
        assert!((f.detectable().unwrap() - 0.28).abs() < 1e-9);
        // Four times the width (a quarter of the events): four times the change.
        let wide = figures(10.0, -7.84, 7.84);
        assert!((wide.detectable().unwrap() - 1.12).abs() < 1e-9);
        // Nothing to compare with.
        assert_eq!(figures(0.0, -1.0, 1.0).detectable(), None);
    }
}
