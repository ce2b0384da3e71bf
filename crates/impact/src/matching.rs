//! The comparison group: for each programme family, the eligible families not (yet) worked
//! with that were most like it before the programme, by propensity score, within the month it
//! was attached; and the balance table that shows how alike the groups are.
//!
//! A comparison family is eligible in the identification run and either never attached or
//! attached later than the month it is compared in ("families attached later, before their
//! attachment"): its outcomes count only for bands that end before its own attachment.

use crate::covariates::Design;
use crate::history::{add_months, FamilyHistory};
use crate::logistic::{FitError, Logistic};
use crate::rules::Rules;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One programme family and the comparison families matched to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchedFamily {
    /// Index of the programme family in the cohort.
    pub family: usize,
    /// Its attachment date.
    pub index: NaiveDate,
    /// Indexes of the comparison families and the date each is compared from.
    pub controls: Vec<(usize, NaiveDate)>,
}

/// One characteristic's balance: standardised mean differences before and after matching.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalanceRow {
    /// The characteristic.
    pub characteristic: String,
    /// Programme families' mean.
    pub programme_mean: f64,
    /// All possible comparison families' mean (before matching).
    pub pool_mean: f64,
    /// The matched comparison families' mean.
    pub matched_mean: f64,
    /// Standardised mean difference before matching.
    pub smd_before: f64,
    /// After matching.
    pub smd_after: f64,
}

/// How the matching went (counts only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchSummary {
    /// Programme families attached by the as-at date.
    pub programme_families: usize,
    /// Programme families with at least one comparison family within the caliper.
    pub matched: usize,
    /// Programme families with none (left out of the estimates).
    pub unmatched: usize,
    /// Distinct eligible families that could be compared (in any month).
    pub pool_families: usize,
    /// Distinct comparison families used.
    pub comparison_families: usize,
    /// The caliper in log-odds.
    pub caliper: f64,
    /// Newton steps of the propensity model.
    pub model_iterations: usize,
}

/// The matching's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Matched {
    /// The programme families with their comparison families.
    pub families: Vec<MatchedFamily>,
    /// Balance, one row per characteristic.
    pub balance: Vec<BalanceRow>,
    /// Counts.
    pub summary: MatchSummary,
}

/// (family index, row in the characteristics matrix).
type Rows = Vec<(usize, usize)>;

fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("day 1 exists")
}

/// Matches the programme families of `families` attached by `as_at`.
pub fn match_families(
    rules: &Rules,
    families: &[FamilyHistory],
    as_at: NaiveDate,
) -> Result<Matched, FitError> {
    let design = Design::new(rules, families);
    // Programme families by the month they were attached.
    let mut months: BTreeMap<NaiveDate, Vec<usize>> = BTreeMap::new();
    for (i, f) in families.iter().enumerate() {
        if let Some(a) = f.attached_on.filter(|&a| a <= as_at) {
            months.entry(month_start(a)).or_default().push(i);
        }
    }
    let mut x: Vec<Vec<f64>> = Vec::new();
    let mut y: Vec<bool> = Vec::new();
    // (month, treated rows, candidate rows): (family, row number in x).
    let mut groups: Vec<(NaiveDate, Rows, Rows)> = Vec::new();
    let mut pool = std::collections::BTreeSet::new();
    for (&month, treated) in &months {
        let next = add_months(month, 1);
        let mut t_rows = Vec::new();
        for &i in treated {
            let index = families[i].attached_on.expect("attached");
            t_rows.push((i, x.len()));
            x.push(design.row(rules, &families[i], index));
            y.push(true);
        }
        let mut c_rows = Vec::new();
        for (i, f) in families.iter().enumerate() {
            if f.eligible && f.attached_on.is_none_or(|a| a >= next) {
                c_rows.push((i, x.len()));
                pool.insert(i);
                x.push(design.row(rules, f, month));
                y.push(false);
            }
        }
        groups.push((month, t_rows, c_rows));
    }
    let programme_families = months.values().map(Vec::len).sum();
    let model = Logistic::fit(&x, &y, rules.matching.ridge)?;
    let logits: Vec<f64> = x.iter().map(|r| model.logit(r)).collect();
    let n = logits.len() as f64;
    let mean = logits.iter().sum::<f64>() / n;
    let sd = (logits.iter().map(|l| (l - mean) * (l - mean)).sum::<f64>() / n).sqrt();
    let caliper = rules.matching.caliper_sd * sd.max(1e-9);
    let k = rules.matching.neighbours;
    let mut matched_families = Vec::new();
    let mut used = std::collections::BTreeSet::new();
    // Matched comparison rows, weighted 1/k per programme family, for the balance table.
    let mut matched_rows: Vec<(usize, f64)> = Vec::new();
    let mut treated_rows: Vec<usize> = Vec::new();
    for (_, t_rows, c_rows) in &groups {
        let mut cands: Vec<(f64, usize, usize)> =
            c_rows.iter().map(|&(i, r)| (logits[r], i, r)).collect();
        cands.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for &(i, r) in t_rows {
            let chosen = nearest(&cands, logits[r], k, caliper);
            if chosen.is_empty() {
                continue;
            }
            treated_rows.push(r);
            let w = 1.0 / chosen.len() as f64;
            // Outcomes are counted from the programme family's own attachment date for its
            // comparison families too: the same windows for both groups (a window starting
            // at the 1st of the month would give the comparison family a school term, or
            // days of events, the programme family's window does not have).
            let index = families[i].attached_on.expect("attached");
            let controls = chosen
                .iter()
                .map(|&c| {
                    let (_, fam, row) = cands[c];
                    used.insert(fam);
                    matched_rows.push((row, w));
                    (fam, index)
                })
                .collect();
            matched_families.push(MatchedFamily {
                family: i,
                index,
                controls,
            });
        }
    }
    let all_treated: Vec<usize> = groups
        .iter()
        .flat_map(|g| g.1.iter().map(|&(_, r)| r))
        .collect();
    let all_pool: Vec<usize> = groups
        .iter()
        .flat_map(|g| g.2.iter().map(|&(_, r)| r))
        .collect();
    let balance = balance(
        &design,
        &x,
        &all_treated,
        &all_pool,
        &treated_rows,
        &matched_rows,
    );
    let matched = matched_families.len();
    Ok(Matched {
        families: matched_families,
        balance,
        summary: MatchSummary {
            programme_families,
            matched,
            unmatched: programme_families - matched,
            pool_families: pool.len(),
            comparison_families: used.len(),
            caliper,
            model_iterations: model.iterations,
        },
    })
}

/// The `k` candidates nearest `target` within `caliper` (candidates sorted by log-odds);
/// ties broken by the lower family index, so the result is reproducible.
fn nearest(cands: &[(f64, usize, usize)], target: f64, k: usize, caliper: f64) -> Vec<usize> {
    let split = cands.partition_point(|c| c.0 < target);
    let (mut lo, mut hi) = (split, split); // lo: next to take is lo-1; hi: next is hi
    let mut out = Vec::with_capacity(k);
    while out.len() < k {
        let left = (lo > 0).then(|| target - cands[lo - 1].0);
        let right = (hi < cands.len()).then(|| cands[hi].0 - target);
        let take_left = match (left, right) {
            (Some(l), Some(r)) => l <= r,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let (dist, idx) = if take_left {
            lo -= 1;
            (left.unwrap_or(f64::MAX), lo)
        } else {
            hi += 1;
            (right.unwrap_or(f64::MAX), hi - 1)
        };
        if dist > caliper {
            break;
        }
        out.push(idx);
    }
    out
}

fn balance(
    design: &Design,
    x: &[Vec<f64>],
    treated_all: &[usize],
    pool: &[usize],
    treated_matched: &[usize],
    matched: &[(usize, f64)],
) -> Vec<BalanceRow> {
    let stats = |rows: &mut dyn Iterator<Item = (usize, f64)>, j: usize| -> (f64, f64) {
        let (mut sw, mut s, mut ss) = (0.0, 0.0, 0.0);
        for (r, w) in rows {
            let v = x[r][j];
            sw += w;
            s += w * v;
            ss += w * v * v;
        }
        if sw == 0.0 {
            return (0.0, 0.0);
        }
        let m = s / sw;
        (m, (ss / sw - m * m).max(0.0))
    };
    (0..design.len())
        .map(|j| {
            let (mt, vt) = stats(&mut treated_all.iter().map(|&r| (r, 1.0)), j);
            let (mp, vp) = stats(&mut pool.iter().map(|&r| (r, 1.0)), j);
            let (mtm, _) = stats(&mut treated_matched.iter().map(|&r| (r, 1.0)), j);
            let (mm, _) = stats(&mut matched.iter().copied(), j);
            // The same denominator before and after (the unmatched groups' pooled spread), so
            // the two differences compare like with like.
            let sd = ((vt + vp) / 2.0).sqrt();
            let smd = |a: f64, b: f64| if sd > 1e-12 { (a - b) / sd } else { 0.0 };
            BalanceRow {
                characteristic: design.names[j].clone(),
                programme_mean: mt,
                pool_mean: mp,
                matched_mean: mm,
                smd_before: smd(mt, mp),
                smd_after: smd(mtm, mm),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_takes_the_closest_on_either_side_within_the_caliper() {
        let c: Vec<(f64, usize, usize)> = [0.0, 1.0, 1.1, 1.5, 3.0]
            .iter()
            .enumerate()
            .map(|(i, &l)| (l, i, i))
            .collect();
        assert_eq!(nearest(&c, 1.2, 2, 1.0), vec![2, 1]);
        assert_eq!(nearest(&c, 1.2, 3, 1.0), vec![2, 1, 3]);
        assert_eq!(nearest(&c, 2.6, 3, 0.5), vec![4]);
        assert!(nearest(&c, 10.0, 3, 0.5).is_empty());
    }
}
