//! Outcomes at each band after the index date, the difference between the programme families
//! and their matched comparison families, adjusted for each family's own level of the same
//! outcome before the index date, and a seeded percentile bootstrap interval (resampling
//! programme families with their matched comparison families).
//!
//! **Regression adjustment on the matched sets (ANCOVA).** Matching on the propensity score
//! balances the groups' pre-programme characteristics on average, not set by set, and counts
//! such as offending or A&E attendances persist: a family's own count before the programme is
//! the best single predictor of its count after. The estimate is therefore the intercept of
//! the regression of each matched set's outcome difference (programme − comparison mean) on
//! its pre-period difference of the same outcome: regression adjustment of matched samples
//! (Rubin 1973, 1979, who found matching followed by regression on the matched differences
//! the most robust of the combinations; akin to Abadie and Imbens' 2011 bias correction,
//! with the slope from the matched differences rather than the comparison families alone),
//! i.e. the "ANCOVA" analysis recommended over change scores for outcomes that persist
//! (Senn 2006; Frison and Pocock 1992): the difference expected between families alike in
//! their own past. It removes the imbalance
//! that remains after matching (bias) and the outcome's persistence from the noise
//! (variance). The slope is re-estimated in every bootstrap replicate, so the intervals carry
//! its uncertainty. The published comparison mean is the adjusted one (programme mean minus
//! the adjusted difference).

use crate::history::{add_months, sub_months, FamilyHistory};
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
    /// The matched comparison families' mean, adjusted to the programme families' own
    /// pre-period level of the outcome (the programme mean minus the adjusted difference).
    pub comparison: f64,
    /// The matched comparison families' mean as observed (before the adjustment).
    pub comparison_observed: f64,
    /// Programme minus comparison, adjusted for the pre-period level of the outcome.
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
        Measure::Any | Measure::StillOpen => None,
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
            if band.censored && matches!(rule.measure, Measure::Any | Measure::StillOpen) {
                continue;
            }
            // Each matched set's values, with the pre-period values of the same outcome.
            let mut raw: Vec<RawSet> = Vec::new();
            // Each set's comparison families, as in `raw`'s `pre_controls`.
            let mut members: Vec<Vec<Control>> = Vec::new();
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
                // Over a band that is not censored every family is observed for the whole
                // band; over a censored one, each pair of programme and comparison family over
                // the part both were observed (a comparison family attached later stops at its
                // own attachment, and rates that change with the calendar — children ageing
                // out of school — would otherwise be compared over different months).
                let whole = if band.censored {
                    None
                } else {
                    match band_value(rules, f, o, from, end, false) {
                        Some(v) => Some(v),
                        None => continue,
                    }
                };
                let xt = pre_value(rules, f, o, m.index);
                let mut ys: Vec<Control> = Vec::new();
                for &(c, index) in &m.controls {
                    let cf = &families[c];
                    let cfrom = add_months(index, band.start);
                    let cto = add_months(index, band.end);
                    let cend = if band.censored {
                        let own = cf.attached_on.unwrap_or(NaiveDate::MAX);
                        cto.min(as_at).min(own).min(end)
                    } else if observed(cf, cto, as_at, true) {
                        cto
                    } else {
                        continue;
                    };
                    let programme = match whole {
                        Some((v, _)) => Some(v),
                        None => band_value(rules, f, o, from, cend, true).map(|v| v.0),
                    };
                    let (Some(yt), Some(v)) = (
                        programme,
                        band_value(rules, cf, o, cfrom, cend, band.censored),
                    ) else {
                        continue;
                    };
                    ys.push(Control {
                        family: c,
                        value: v.0,
                        years: v.1,
                        pre: pre_value(rules, cf, o, index),
                        programme: yt,
                    });
                }
                if ys.is_empty() {
                    continue;
                }
                // The comparison families' rate, each weighted by the time it was observed, and
                // the programme family's over the same parts.
                let cw = ys.iter().map(|y| y.years).sum::<f64>();
                let yc = ys.iter().map(|y| y.value * y.years).sum::<f64>() / cw;
                let yt = ys.iter().map(|y| y.programme * y.years).sum::<f64>() / cw;
                let w = whole.map_or(cw / ys.len() as f64, |v| v.1);
                comparison_with +=
                    ys.iter().filter(|y| y.value > 0.0).count() as f64 / ys.len() as f64;
                controls_used.extend(ys.iter().map(|y| y.family));
                raw.push(RawSet {
                    programme: yt,
                    comparison: yc,
                    weight: w,
                    pre: xt,
                    pre_controls: ys.iter().map(|y| (y.pre, y.years)).collect(),
                });
                members.push(ys);
            }
            if raw.is_empty() {
                continue;
            }
            let sets = matched_sets(&raw, &members);
            let pairs = fill_pre_values(raw);
            let seed = rules
                .bootstrap
                .seed
                .wrapping_add((o as u64) << 32 | b as u64)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let (interval, relative_interval) = bootstrap(
                &sets,
                rules.bootstrap.replicates,
                rules.bootstrap.level,
                seed,
            );
            let (mt, mc) = adjusted_means(pairs.iter().copied());
            let (_, observed) = means(pairs.iter().copied());
            out.push(Estimate {
                outcome: rule.key.clone(),
                label: rule.label.clone(),
                measure: rule.measure,
                band: band.label.clone(),
                programme_n: pairs.len(),
                comparison_n: controls_used.len(),
                programme_with: pairs.iter().filter(|p| p.programme > 0.0).count(),
                comparison_with: comparison_with.round() as usize,
                programme: mt,
                comparison: mc,
                comparison_observed: observed,
                difference: mt - mc,
                interval,
                relative: (mc > 0.0).then(|| (mt - mc) / mc),
                relative_interval,
            });
        }
    }
    out
}

/// A matched set as the estimate uses it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Pair {
    /// The programme family's value.
    programme: f64,
    /// Its comparison families' mean.
    comparison: f64,
    /// 1, or for a censored band the programme family's years observed.
    weight: f64,
    /// The programme family's value of the same outcome over the pre-period.
    pre_programme: f64,
    /// Its comparison families' mean value over the pre-period.
    pre_comparison: f64,
}

/// A matched set before missing pre-period values are filled.
#[derive(Debug, Clone, PartialEq)]
struct RawSet {
    programme: f64,
    comparison: f64,
    weight: f64,
    /// The programme family's pre-period value (`None`: not measured).
    pre: Option<f64>,
    /// Each comparison family's pre-period value with its weight (years observed).
    pre_controls: Vec<(Option<f64>, f64)>,
}

/// A family's value of outcome `o` over the pre-period before `index`, on the scale of the
/// bands' values (a count as a rate per year); `None` when not measured (no school term).
fn pre_value(rules: &Rules, f: &FamilyHistory, o: usize, index: NaiveDate) -> Option<f64> {
    let months = rules.pre_period_months;
    let v = f.value(rules, o, sub_months(index, months), index)?;
    Some(match rules.outcome[o].measure {
        Measure::Count => v * 12.0 / f64::from(months),
        Measure::Any | Measure::Absence | Measure::StillOpen => v,
    })
}

/// The value a missing pre-period value is filled with: the mean of the known ones, programme
/// and comparison families' alike (0 when none is known).
fn pre_fill(raw: &[RawSet]) -> f64 {
    let known = raw
        .iter()
        .flat_map(|r| std::iter::once(r.pre).chain(r.pre_controls.iter().map(|c| c.0)))
        .flatten();
    let (n, sum) = known.fold((0.0, 0.0), |(n, s), v| (n + 1.0, s + v));
    if n > 0.0 {
        sum / n
    } else {
        0.0
    }
}

/// Fills a missing pre-period value (absence without a school term before) with the mean of
/// the known ones (mean imputation: such a family then adds nothing to the slope and is
/// adjusted by nothing of its own), and takes each set's comparison mean of them.
fn fill_pre_values(raw: Vec<RawSet>) -> Vec<Pair> {
    let fill = pre_fill(&raw);
    raw.into_iter()
        .map(|r| {
            let cw: f64 = r.pre_controls.iter().map(|c| c.1).sum();
            let weighted = r.pre_controls.iter().map(|c| c.0.unwrap_or(fill) * c.1);
            Pair {
                programme: r.programme,
                comparison: r.comparison,
                weight: r.weight,
                pre_programme: r.pre.unwrap_or(fill),
                pre_comparison: weighted.sum::<f64>() / cw,
            }
        })
        .collect()
}

/// The weighted means of the programme and comparison values, as observed.
fn means(pairs: impl Iterator<Item = Pair>) -> (f64, f64) {
    let (mut n, mut t, mut c) = (0.0, 0.0, 0.0);
    for p in pairs {
        n += p.weight;
        t += p.weight * p.programme;
        c += p.weight * p.comparison;
    }
    (t / n, c / n)
}

/// Weighted sums for the regression of the sets' outcome differences on their pre-period
/// differences.
#[derive(Default, Clone, Copy)]
struct Sums {
    w: f64,
    t: f64,
    d: f64,
    e: f64,
    de: f64,
    ee: f64,
}

impl Sums {
    fn add(&mut self, p: Pair) {
        let (d, e) = (
            p.programme - p.comparison,
            p.pre_programme - p.pre_comparison,
        );
        let w = p.weight;
        self.w += w;
        self.t += w * p.programme;
        self.d += w * d;
        self.e += w * e;
        self.de += w * d * e;
        self.ee += w * e * e;
    }

    /// The programme mean and the adjusted comparison mean: the programme mean minus the
    /// intercept of the weighted least-squares line of `d` on `e` (the difference expected
    /// where the pre-period difference is 0).
    fn adjusted(&self) -> (f64, f64) {
        let (mt, md, me) = (self.t / self.w, self.d / self.w, self.e / self.w);
        let var = self.ee / self.w - me * me;
        let cov = self.de / self.w - md * me;
        // Without spread in the pre-period differences there is nothing to adjust by.
        let slope = if var > 1e-9 * (1.0 + me * me) {
            cov / var
        } else {
            0.0
        };
        let difference = md - slope * me;
        (mt, mt - difference)
    }
}

/// The programme mean and the comparison mean adjusted for the pre-period (see the module's
/// documentation).
fn adjusted_means(pairs: impl Iterator<Item = Pair>) -> (f64, f64) {
    let mut s = Sums::default();
    pairs.for_each(|p| s.add(p));
    s.adjusted()
}

/// One comparison family of a matched set: its value over its part of the band with the
/// years it was observed (1 for a band that is not censored), its pre-period value, and the
/// programme family's value over the same part. In a bootstrap [`Set`], `family` is a dense
/// index among the comparison families used and `pre` is filled as in `fill_pre_values`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Control<P = Option<f64>> {
    family: usize,
    value: f64,
    years: f64,
    pre: P,
    programme: f64,
}

/// A matched set as the bootstrap resamples it: the programme family's weight and
/// pre-period value, and its comparison families.
#[derive(Debug, Clone, PartialEq)]
struct Set {
    w: f64,
    xt: f64,
    controls: Vec<Control<f64>>,
}

impl Set {
    /// The set as a `Pair`, its comparison families weighted by `weight` (their time observed
    /// times their bootstrap weight); `None` when every comparison family weighs nothing.
    fn pair(&self, weight: impl Fn(usize) -> f64) -> Option<Pair> {
        let (mut cw, mut yt, mut yc, mut xc) = (0.0, 0.0, 0.0, 0.0);
        for c in &self.controls {
            let v = weight(c.family) * c.years;
            cw += v;
            yt += v * c.programme;
            yc += v * c.value;
            xc += v * c.pre;
        }
        (cw > 0.0).then(|| Pair {
            programme: yt / cw,
            comparison: yc / cw,
            weight: self.w,
            pre_programme: self.xt,
            pre_comparison: xc / cw,
        })
    }
}

/// The matched sets for the bootstrap, from the sets as collected and their comparison
/// families, with the same filled pre-period values as `fill_pre_values`.
fn matched_sets(raw: &[RawSet], members: &[Vec<Control>]) -> Vec<Set> {
    let fill = pre_fill(raw);
    let mut dense = std::collections::HashMap::new();
    raw.iter()
        .zip(members)
        .map(|(r, m)| Set {
            w: r.weight,
            xt: r.pre.unwrap_or(fill),
            controls: m
                .iter()
                .map(|c| {
                    let next = dense.len();
                    Control {
                        family: *dense.entry(c.family).or_insert(next),
                        value: c.value,
                        years: c.years,
                        pre: c.pre.unwrap_or(fill),
                        programme: c.programme,
                    }
                })
                .collect(),
        })
        .collect()
}

/// A draw from the Poisson distribution with mean 1 (by inversion).
fn poisson_one(rng: &mut ChaCha8Rng) -> f64 {
    let u: f64 = rng.random();
    let (mut k, mut p) = (0u32, (-1.0f64).exp());
    let mut cumulative = p;
    while u > cumulative && k < 30 {
        k += 1;
        p /= f64::from(k);
        cumulative += p;
    }
    f64::from(k)
}

/// Percentile bootstrap of the adjusted difference and the relative difference, refitting the
/// adjustment's slope in every replicate. Each replicate resamples the matched sets (each
/// programme family with its comparison families) **and** gives every comparison family a
/// weight of its own (Poisson with mean 1, the "Poisson bootstrap" of the comparison pool),
/// shared by every set it is matched into. Matching is with replacement, so one comparison
/// family can stand in several sets (at 300k, 2,094 programme families' 6,282 places are held
/// by 2,425 comparison families): resampling sets alone treats those places as independent and
/// understates the comparison side's variance (Abadie and Imbens 2008 show the plain bootstrap
/// is not valid for matching with replacement). Weighting each comparison family once per
/// replicate carries its reuse into the interval. It is conservative: the comparison
/// families' own variation is counted by both resamplings, once as if each place were
/// independent and once with their reuse, so the interval is, if anything, too wide by the
/// comparison side's share without reuse.
fn bootstrap(
    sets: &[Set],
    replicates: usize,
    level: f64,
    seed: u64,
) -> (Interval, Option<Interval>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = sets.len();
    let controls = sets
        .iter()
        .flat_map(|s| s.controls.iter().map(|c| c.family + 1))
        .max()
        .unwrap_or(0);
    let mut weights = vec![0.0; controls];
    let mut diffs = Vec::with_capacity(replicates);
    let mut rels = Vec::with_capacity(replicates);
    for _ in 0..replicates {
        for v in &mut weights {
            *v = poisson_one(&mut rng);
        }
        let mut s = Sums::default();
        for _ in 0..n {
            if let Some(p) = sets[rng.random_range(0..n)].pair(|c| weights[c]) {
                s.add(p);
            }
        }
        if s.w <= 0.0 {
            continue;
        }
        let (t, c) = s.adjusted();
        diffs.push(t - c);
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
    if v.is_empty() {
        return Interval {
            low: f64::NAN,
            high: f64::NAN,
        };
    }
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
mod tests;
