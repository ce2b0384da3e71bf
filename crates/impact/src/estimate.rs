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

/// The shortest observed part of a censored band that counts (four weeks).
const MIN_OBSERVED_DAYS: i64 = 28;

/// A family's value over `[from, to)` of a band: as measured for a whole band, or for a
/// censored band over the observed `[from, end)` as a rate per year (events per 100 families
/// a year; absence is a rate already), with the years observed as its weight. `None` when
/// not measured (no school term, too short, or an `any` outcome over unequal periods).
fn band_value(
    rules: &Rules,
    f: &FamilyHistory,
    o: usize,
    from: NaiveDate,
    end: NaiveDate,
    censored: bool,
) -> Option<(f64, f64)> {
    if !censored {
        return f.value(rules, o, from, end).map(|v| (v, 1.0));
    }
    let days = (end - from).num_days();
    if days < MIN_OBSERVED_DAYS {
        return None;
    }
    let years = days as f64 / 365.25;
    match rules.outcome[o].measure {
        Measure::Any => None,
        Measure::Count => f.value(rules, o, from, end).map(|v| (v / years, years)),
        Measure::Absence => f.value(rules, o, from, end).map(|v| (v, years)),
    }
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
            if band.censored && rule.measure == Measure::Any {
                continue;
            }
            // (programme value, comparison mean, the matched set's weight)
            let mut pairs: Vec<Pair> = Vec::new();
            let mut controls_used = std::collections::BTreeSet::new();
            let mut comparison_with = 0.0;
            for m in matched {
                let f = &families[m.family];
                let from = add_months(m.index, band.start);
                let to = add_months(m.index, band.end);
                let end = if band.censored {
                    to.min(as_at)
                } else if observed(f, to, as_at, false) {
                    to
                } else {
                    continue;
                };
                let Some((yt, w)) = band_value(rules, f, o, from, end, band.censored) else {
                    continue;
                };
                let mut ys = Vec::new();
                for &(c, index) in &m.controls {
                    let cf = &families[c];
                    let cfrom = add_months(index, band.start);
                    let cto = add_months(index, band.end);
                    let cend = if band.censored {
                        let own = cf.attached_on.unwrap_or(NaiveDate::MAX);
                        cto.min(as_at).min(own)
                    } else if observed(cf, cto, as_at, true) {
                        cto
                    } else {
                        continue;
                    };
                    if let Some(v) = band_value(rules, cf, o, cfrom, cend, band.censored) {
                        ys.push((c, v));
                    }
                }
                if ys.is_empty() {
                    continue;
                }
                // The comparison families' rate, each weighted by the time it was observed.
                let cw = ys.iter().map(|y| y.1 .1).sum::<f64>();
                let yc = ys.iter().map(|y| y.1 .0 * y.1 .1).sum::<f64>() / cw;
                comparison_with +=
                    ys.iter().filter(|y| y.1 .0 > 0.0).count() as f64 / ys.len() as f64;
                controls_used.extend(ys.iter().map(|y| y.0));
                pairs.push((yt, yc, w));
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

/// A matched set: the programme family's value, its comparison families' mean, and the set's
/// weight (1, or for a censored band the programme family's years observed).
type Pair = (f64, f64, f64);

/// The weighted means of the programme and comparison values.
fn means(pairs: impl Iterator<Item = Pair>) -> (f64, f64) {
    let (mut n, mut t, mut c) = (0.0, 0.0, 0.0);
    for (a, b, w) in pairs {
        n += w;
        t += w * a;
        c += w * b;
    }
    (t / n, c / n)
}

/// Percentile bootstrap of the difference and the relative difference.
fn bootstrap(
    pairs: &[Pair],
    replicates: usize,
    level: f64,
    seed: u64,
) -> (Interval, Option<Interval>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = pairs.len();
    let mut diffs = Vec::with_capacity(replicates);
    let mut rels = Vec::with_capacity(replicates);
    for _ in 0..replicates {
        let (mut t, mut c, mut w) = (0.0, 0.0, 0.0);
        for _ in 0..n {
            let p = pairs[rng.random_range(0..n)];
            t += p.2 * p.0;
            c += p.2 * p.1;
            w += p.2;
        }
        diffs.push((t - c) / w);
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
        let pairs: Vec<Pair> = (0..200)
            .map(|i| {
                (
                    if i % 4 == 0 { 100.0 } else { 0.0 },
                    if i % 3 == 0 { 100.0 } else { 0.0 },
                    1.0,
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

    use crate::history::Event;
    use crate::matching::match_families;
    use crate::rules::tests::shipped;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn event(day: NaiveDate, amount: f64) -> Event {
        Event {
            start: day,
            end: Some(day),
            possible: 100.0,
            missed: 10.0,
            amount,
        }
    }

    fn key(rules: &Rules, k: &str) -> usize {
        rules.outcome.iter().position(|o| o.key == k).unwrap()
    }

    /// A family with `per_term` exclusions (and a term's attendance) at each term's start.
    fn pupil_family(
        rules: &Rules,
        id: i64,
        attached: Option<&str>,
        per_term: f64,
    ) -> FamilyHistory {
        let mut f = FamilyHistory::new(id, rules);
        f.eligible = true;
        f.members = 3;
        f.children = 1;
        f.attached_on = attached.map(d);
        for term in [
            "2019-09-03",
            "2020-01-06",
            "2020-04-20",
            "2020-09-03",
            "2021-01-05",
            "2021-04-19",
            "2021-09-02",
            "2022-01-05",
        ] {
            f.events[key(rules, "exclusions")].push(event(d(term), per_term));
            f.events[key(rules, "absence")].push(event(d(term), 1.0));
        }
        f.sort();
        f
    }

    #[test]
    fn comparison_families_are_counted_over_the_programme_familys_own_window() {
        // Every family alike, with one exclusion a term: no effect. A family attached on 10
        // September has one term starting in its first six months (January's); counted from
        // the 1st of the month, its comparison families had September's term too, and the
        // programme looked to halve exclusions.
        let rules = shipped();
        let mut families: Vec<FamilyHistory> = (0..10)
            .map(|i| pupil_family(&rules, i, Some("2020-09-10"), 1.0))
            .collect();
        families.extend((10..40).map(|i| pupil_family(&rules, i, None, 1.0)));
        let as_at = d("2022-03-01");
        let matched = match_families(&rules, &families, as_at).unwrap();
        assert_eq!(matched.summary.matched, 10);
        let est = estimate(&rules, &families, &matched.families, as_at);
        let e = est
            .iter()
            .find(|e| e.outcome == "exclusions" && e.band == "0–6")
            .unwrap();
        assert_eq!((e.programme, e.comparison), (100.0, 100.0), "{e:?}");
        assert_eq!(e.relative, Some(0.0));
    }

    #[test]
    fn the_whole_follow_up_is_a_rate_per_year_over_each_familys_observed_time() {
        // One exclusion a term for everyone. The programme family is followed for a year;
        // its comparison family only until its own attachment four months in (one term).
        // Counted over unequal periods the programme would look to have three times as many.
        let rules = shipped();
        let families = vec![
            pupil_family(&rules, 1, Some("2020-08-20"), 1.0),
            pupil_family(&rules, 2, Some("2020-12-20"), 1.0),
            pupil_family(&rules, 3, None, 1.0),
        ];
        let as_at = d("2021-08-20");
        let m = |controls: Vec<(usize, NaiveDate)>| MatchedFamily {
            family: 0,
            index: d("2020-08-20"),
            controls,
        };
        let whole = |matched: &[MatchedFamily]| {
            estimate(&rules, &families, matched, as_at)
                .into_iter()
                .find(|e| e.outcome == "exclusions" && e.band == "0–24 to date")
                .unwrap()
        };
        // Three terms a year: 300 per 100 families a year whoever is compared.
        let e = whole(&[m(vec![(1, d("2020-08-20"))])]);
        assert!((e.programme - 300.0).abs() < 1.0, "{e:?}");
        assert!(e.relative.unwrap().abs() < 0.01, "{e:?}");
        let e = whole(&[m(vec![(2, d("2020-08-20"))])]);
        assert!((e.programme - 300.0).abs() < 1.0 && (e.comparison - 300.0).abs() < 1.0);
        // Outcomes measured as "any" are not compared over unequal periods.
        assert!(
            estimate(&rules, &families, &[m(vec![(2, d("2020-08-20"))])], as_at)
                .iter()
                .all(|e| e.band != "0–24 to date" || e.measure != Measure::Any)
        );
    }

    #[test]
    fn percentiles_interpolate() {
        let mut v: Vec<f64> = (0..=100).map(f64::from).collect();
        let i = percentiles(&mut v, 0.025);
        assert!((i.low - 2.5).abs() < 1e-9 && (i.high - 97.5).abs() < 1e-9);
    }
}
