//! Outcomes at each band after the index date, the difference between the programme families
//! and their matched comparison families, and a seeded percentile bootstrap interval
//! (resampling programme families with their matched comparison families).

use crate::history::{add_months, FamilyHistory};
use crate::matching::MatchedFamily;
use crate::rules::{Measure, Rules};
use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// A confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

impl Interval {
    /// Whether `v` lies in the interval (bounds included).
    pub fn covers(&self, v: f64) -> bool {
        self.low <= v && v <= self.high
    }
}

/// One outcome in one band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The outcome's key.
    pub outcome: String,
    /// The outcome's label.
    pub label: String,
    /// How it is measured.
    pub measure: Measure,
    /// The band's label.
    pub band: String,
    /// Programme families with a value in the band and a matched comparison value.
    pub programme_n: usize,
    /// Distinct comparison families contributing.
    pub comparison_n: usize,
    /// Programme families with the outcome (any event in the band).
    pub programme_with: usize,
    /// Comparison families with the outcome, weighted as matched (rounded).
    pub comparison_with: usize,
    /// The programme families' mean (per cent, or events per 100 families).
    pub programme: f64,
    /// The matched comparison families' mean.
    pub comparison: f64,
    /// Programme minus comparison.
    pub difference: f64,
    /// Its interval.
    pub interval: Interval,
    /// The difference relative to the comparison mean (e.g. -0.32 for 32% fewer); `None` when
    /// the comparison mean is 0.
    pub relative: Option<f64>,
    /// Its interval.
    pub relative_interval: Option<Interval>,
}

/// Whether a comparison family's band is observed: over by the as-at date and before its own
/// attachment, if it was attached later.
fn observed(f: &FamilyHistory, band_end: NaiveDate, as_at: NaiveDate, control: bool) -> bool {
    band_end <= as_at && (!control || f.attached_on.is_none_or(|a| a >= band_end))
}

/// Estimates every outcome in every band.
pub fn estimate(
    rules: &Rules,
    families: &[FamilyHistory],
    matched: &[MatchedFamily],
    as_at: NaiveDate,
) -> Vec<Estimate> {
    let mut out = Vec::new();
    for (o, rule) in rules.outcome.iter().enumerate() {
        for (b, band) in rules.bands.iter().enumerate() {
            // (programme value, comparison mean, comparison families with their weights)
            let mut pairs: Vec<(f64, f64)> = Vec::new();
            let mut controls_used = std::collections::BTreeSet::new();
            let mut comparison_with = 0.0;
            for m in matched {
                let f = &families[m.family];
                let from = add_months(m.index, band.start);
                let to = add_months(m.index, band.end);
                if !observed(f, to, as_at, false) {
                    continue;
                }
                let Some(yt) = f.value(rules, o, from, to) else {
                    continue;
                };
                let mut ys = Vec::new();
                for &(c, index) in &m.controls {
                    let cf = &families[c];
                    let cfrom = add_months(index, band.start);
                    let cto = add_months(index, band.end);
                    if !observed(cf, cto, as_at, true) {
                        continue;
                    }
                    if let Some(v) = cf.value(rules, o, cfrom, cto) {
                        ys.push((c, v));
                    }
                }
                if ys.is_empty() {
                    continue;
                }
                let yc = ys.iter().map(|y| y.1).sum::<f64>() / ys.len() as f64;
                comparison_with += ys.iter().filter(|y| y.1 > 0.0).count() as f64 / ys.len() as f64;
                controls_used.extend(ys.iter().map(|y| y.0));
                pairs.push((yt, yc));
            }
            if pairs.is_empty() {
                continue;
            }
            let seed = rules
                .bootstrap
                .seed
                .wrapping_add((o as u64) << 32 | b as u64)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let (interval, relative_interval) = bootstrap(
                &pairs,
                rules.bootstrap.replicates,
                rules.bootstrap.level,
                seed,
            );
            let (mt, mc) = means(pairs.iter().copied());
            out.push(Estimate {
                outcome: rule.key.clone(),
                label: rule.label.clone(),
                measure: rule.measure,
                band: band.label.clone(),
                programme_n: pairs.len(),
                comparison_n: controls_used.len(),
                programme_with: pairs.iter().filter(|p| p.0 > 0.0).count(),
                comparison_with: comparison_with.round() as usize,
                programme: mt,
                comparison: mc,
                difference: mt - mc,
                interval,
                relative: (mc > 0.0).then(|| (mt - mc) / mc),
                relative_interval,
            });
        }
    }
    out
}

fn means(pairs: impl Iterator<Item = (f64, f64)>) -> (f64, f64) {
    let (mut n, mut t, mut c) = (0.0, 0.0, 0.0);
    for (a, b) in pairs {
        n += 1.0;
        t += a;
        c += b;
    }
    (t / n, c / n)
}

/// Percentile bootstrap of the difference and the relative difference.
fn bootstrap(
    pairs: &[(f64, f64)],
    replicates: usize,
    level: f64,
    seed: u64,
) -> (Interval, Option<Interval>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = pairs.len();
    let mut diffs = Vec::with_capacity(replicates);
    let mut rels = Vec::with_capacity(replicates);
    for _ in 0..replicates {
        let (mut t, mut c) = (0.0, 0.0);
        for _ in 0..n {
            let p = pairs[rng.random_range(0..n)];
            t += p.0;
            c += p.1;
        }
        diffs.push((t - c) / n as f64);
        if c > 0.0 {
            rels.push((t - c) / c);
        }
    }
    let alpha = (1.0 - level) / 2.0;
    let interval = percentiles(&mut diffs, alpha);
    // The relative interval only when (nearly) every resample has a comparison mean.
    let relative = (rels.len() * 100 >= replicates * 99).then(|| percentiles(&mut rels, alpha));
    (interval, relative)
}

fn percentiles(v: &mut [f64], alpha: f64) -> Interval {
    v.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let pos = q * (v.len() - 1) as f64;
        let (i, frac) = (pos.floor() as usize, pos.fract());
        if i + 1 < v.len() {
            v[i] * (1.0 - frac) + v[i + 1] * frac
        } else {
            v[i]
        }
    };
    Interval {
        low: at(alpha),
        high: at(1.0 - alpha),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bootstrap_is_reproducible_for_a_seed_and_brackets_the_estimate() {
        let pairs: Vec<(f64, f64)> = (0..200)
            .map(|i| {
                (
                    if i % 4 == 0 { 100.0 } else { 0.0 },
                    if i % 3 == 0 { 100.0 } else { 0.0 },
                )
            })
            .collect();
        let a = bootstrap(&pairs, 500, 0.95, 1);
        let b = bootstrap(&pairs, 500, 0.95, 1);
        assert_eq!(a, b);
        let (mt, mc) = means(pairs.iter().copied());
        assert!(a.0.covers(mt - mc));
        assert!(a.0.low < a.0.high);
        let c = bootstrap(&pairs, 500, 0.95, 2);
        assert_ne!(a, c);
    }

    #[test]
    fn percentiles_interpolate() {
        let mut v: Vec<f64> = (0..=100).map(f64::from).collect();
        let i = percentiles(&mut v, 0.025);
        assert!((i.low - 2.5).abs() < 1e-9 && (i.high - 97.5).abs() < 1e-9);
    }
}
