//! Estimating the model: u-probabilities from random record pairs, m-probabilities (and the
//! match prior) by expectation maximisation over training sessions' comparison patterns,
//! refinement of m by reviewers' labelled matches, and the [`TrainedModel`] built from them.
//! It does not choose the training pairs (that is `train`) or score pairs (`score`).

use crate::compare::{level, COMPARISONS, MAX_LEVELS, N_COMP};
use crate::model::{
    log2_odds, probability, ComparisonParams, EmSession, LevelParams, TrainedModel,
};
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

/// m or u: per comparison, per level.
pub(crate) type Table = [[f64; MAX_LEVELS]; N_COMP];

/// Prior m-probabilities that seed EM: identifiers agree for matches, names mostly agree.
fn m_seed() -> Table {
    let mut t = [[0.0; MAX_LEVELS]; N_COMP];
    let seeds: [&[f64]; N_COMP] = [
        &[0.0, 0.80, 0.06, 0.06, 0.03, 0.02, 0.03],
        &[0.0, 0.85, 0.03, 0.06, 0.03, 0.03],
        &[0.0, 0.85, 0.03, 0.07, 0.02, 0.03],
        &[0.0, 0.97, 0.03],
        &[0.0, 0.55, 0.10, 0.05, 0.05, 0.05, 0.05, 0.15],
        &[0.0, 0.94, 0.03, 0.01, 0.02],
        &[0.0, 0.94, 0.03, 0.01, 0.02],
        &[0.0, 0.94, 0.03, 0.01, 0.02],
        &[0.0, 0.94, 0.03, 0.01, 0.02],
    ];
    for k in 0..N_COMP {
        t[k][..seeds[k].len()].copy_from_slice(seeds[k]);
    }
    t
}

/// u from uniformly sampled record pairs, with add-one smoothing per level.
pub(crate) fn u_random(
    n: usize,
    samples: usize,
    seed: u64,
    compare: impl Fn(usize, usize) -> u32 + Sync,
) -> (Table, usize) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut pairs = Vec::with_capacity(if n >= 2 { samples } else { 0 });
    if n >= 2 {
        for _ in 0..samples {
            let i = rng.random_range(0..n);
            let mut j = rng.random_range(0..n - 1);
            if j >= i {
                j += 1;
            }
            pairs.push((i.min(j), i.max(j)));
        }
    }
    let done = pairs.len();
    let counts = pairs
        .par_iter()
        .fold(
            || [[0u64; MAX_LEVELS]; N_COMP],
            |mut acc, &(i, j)| {
                let p = compare(i, j);
                for (k, row) in acc.iter_mut().enumerate() {
                    row[level(p, k)] += 1;
                }
                acc
            },
        )
        .reduce(
            || [[0u64; MAX_LEVELS]; N_COMP],
            |mut a, b| {
                for k in 0..N_COMP {
                    for l in 0..MAX_LEVELS {
                        a[k][l] += b[k][l];
                    }
                }
                a
            },
        );
    let mut t = [[0.0; MAX_LEVELS]; N_COMP];
    for k in 0..N_COMP {
        let nl = COMPARISONS[k].levels.len();
        let total: u64 = counts[k][1..nl].iter().sum();
        for l in 1..nl {
            t[k][l] = (counts[k][l] as f64 + 1.0) / (total as f64 + nl as f64 - 1.0);
        }
    }
    (t, done)
}

/// Result of training.
#[derive(Debug, Clone)]
pub(crate) struct EmResult {
    pub m: Table,
    pub prior: f64,
    pub iterations: usize,
    pub converged: bool,
    /// How each EM session ended.
    pub sessions: Vec<EmSession>,
}

/// Pseudo-pairs of prior (seed) m-probabilities added to each comparison's counts in EM.
const PSEUDO_PAIRS: f64 = 10.0;

/// How many labelled pairs the EM estimate of m is worth when labelled matches refine it.
pub(crate) const LABELLED_PRIOR_PAIRS: f64 = 100.0;

/// Refines m from labelled matches (reviewers' "same person" decisions): for each comparison,
/// the EM estimate counts as `prior_pairs` observations and each labelled pair's level as one
/// more, so a handful of decisions nudge the model and many of them take it over. Levels where
/// a labelled pair has no value (null) teach nothing. Each m row still sums to one.
pub(crate) fn refine_m(mut em: EmResult, labelled: &[u32], prior_pairs: f64) -> EmResult {
    for (k, (comparison, row)) in COMPARISONS.iter().zip(em.m.iter_mut()).enumerate() {
        let nl = comparison.levels.len();
        let mut counts = [0.0f64; MAX_LEVELS];
        for &p in labelled {
            let l = level(p, k);
            if l != 0 {
                counts[l] += 1.0;
            }
        }
        let n: f64 = counts[1..nl].iter().sum();
        if n == 0.0 {
            continue;
        }
        for (m, c) in row[1..nl].iter_mut().zip(&counts[1..nl]) {
            *m = (prior_pairs * *m + c) / (prior_pairs + n);
        }
    }
    em
}

/// When EM stops.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EmLimits {
    /// Iteration limit.
    pub max_iter: usize,
    /// Stop when no parameter moves more than this.
    pub tol: f64,
}

/// One EM session over patterns with u fixed: estimates m for the `active` comparisons and
/// the session's own match proportion. Comparisons not active do not enter the likelihood
/// (they are the ones the session's pairs were selected on, as in Splink's training).
pub(crate) fn em_session(
    patterns: &[(u32, u64)],
    u: &Table,
    active: &[bool; N_COMP],
    update: &[bool; N_COMP],
    m0: &Table,
    prior0: f64,
    limits: EmLimits,
) -> (Table, f64, EmSession) {
    let EmLimits { max_iter, tol } = limits;
    let mut m = *m0;
    let mut prior = prior0;
    let alpha = 1e-3;
    let mut report = EmSession {
        name: "",
        pairs: patterns.iter().map(|x| x.1).sum(),
        iterations: 0,
        converged: false,
        last_change: f64::NAN,
        last_change_in: String::new(),
        log_likelihood: f64::NAN,
        last_log_likelihood_gain: f64::NAN,
        stopped: String::new(),
    };
    let mut last_ll = f64::NAN;
    for it in 0..max_iter {
        let mut mc = [[0.0f64; MAX_LEVELS]; N_COMP];
        let (mut sm, mut total, mut ll) = (0.0, 0.0, 0.0);
        let lp = log2_odds(prior);
        for &(p, c) in patterns {
            let mut w = lp;
            let mut ln_u = 0.0;
            for k in 0..N_COMP {
                let l = level(p, k);
                if l != 0 && active[k] {
                    w += (m[k][l] / u[k][l]).log2();
                    ln_u += u[k][l].ln();
                }
            }
            let g = probability(w);
            let c = c as f64;
            // ln P(pattern) = ln u(pattern) + ln(1 - prior) + ln(1 + 2^w): the mixture's
            // log-likelihood under the parameters this iteration starts from.
            ll += c * (ln_u + (1.0 - prior).ln() + w.exp2().ln_1p());
            sm += g * c;
            total += c;
            for (k, row) in mc.iter_mut().enumerate() {
                row[level(p, k)] += g * c;
            }
        }
        let new_prior = (sm / total.max(1.0)).clamp(1e-9, 1.0 - 1e-9);
        let mut delta = (new_prior - prior).abs();
        let mut moved = String::from("the match proportion");
        for k in 0..N_COMP {
            if !active[k] || !update[k] {
                continue;
            }
            let nl = COMPARISONS[k].levels.len();
            // A few pseudo-pairs spread as the seed (prior) keeps a level that a small or
            // one-sided session never sees from getting m = 0 (an infinite penalty).
            let dm: f64 = mc[k][1..nl].iter().sum::<f64>() + PSEUDO_PAIRS + alpha * (nl - 1) as f64;
            for l in 1..nl {
                let nm = (mc[k][l] + PSEUDO_PAIRS * m0[k][l] + alpha) / dm;
                if (nm - m[k][l]).abs() > delta {
                    delta = (nm - m[k][l]).abs();
                    moved = format!(
                        "m of {} \"{}\"",
                        COMPARISONS[k].name, COMPARISONS[k].levels[l]
                    );
                }
                m[k][l] = nm;
            }
        }
        prior = new_prior;
        report.iterations = it + 1;
        report.last_change = delta;
        report.last_change_in = moved;
        report.log_likelihood = ll;
        report.last_log_likelihood_gain = if it == 0 { f64::NAN } else { ll - last_ll };
        last_ll = ll;
        if delta < tol {
            report.converged = true;
            report.stopped =
                format!("converged: no parameter moved more than {tol:e} in the last iteration");
            return (m, prior, report);
        }
    }
    report.stopped = format!(
        "not converged: stopped at the limit of {max_iter} iterations while {} still moved \
         by {:.1e} per iteration (tolerance {tol:e}); the log-likelihood gained {:.2e} in the \
         last iteration, so the fit is nearly flat in that direction: the session's pairs \
         hardly tell matches from non-matches on it",
        report.last_change_in, report.last_change, report.last_log_likelihood_gain
    );
    (m, prior, report)
}

/// Trains m and the prior without labels.
///
/// u is fixed (random sampling). m is estimated by EM in two sessions, as Splink's
/// documentation recommends, each on its own pairs (not the candidate pairs, which other
/// rules have biased): `names` are pairs sharing exact given and family names and train every
/// comparison except the names and the address; `dobs` are pairs sharing a date of birth and train every
/// comparison except the date of birth; comparisons trained in both take the mean. The prior (the chance two comparable records match) is then found by
/// EM over *all* comparable pairs with m and u fixed, counting pairs outside the candidate
/// set as non-matches.
pub(crate) fn train(
    patterns: &[(u32, u64)],
    names: &[(u32, u64)],
    dobs: &[(u32, u64)],
    ids: &[(u32, u64)],
    u: &Table,
    total_pairs: f64,
    limits: EmLimits,
) -> EmResult {
    use crate::compare::{DOB, FAMILY, GIVEN};
    let seed = m_seed();
    let mut act_names = [true; N_COMP];
    act_names[GIVEN] = false;
    act_names[FAMILY] = false;
    // Pairs sharing a whole name include parents and children of one name at one address:
    // left in, the address would pull them into the match class. The address is trained on
    // the date-of-birth session only.
    act_names[crate::compare::ADDRESS] = false;
    let mut act_dob = [true; N_COMP];
    act_dob[DOB] = false;
    // A session learns only from pairs that show it something: at least one strong active
    // comparison (not sex) present on both sides. Pairs with nothing but sex to compare would
    // otherwise drag the session's match proportion towards "everything matches".
    let informative = |v: &[(u32, u64)], act: &[bool; N_COMP]| -> Vec<(u32, u64)> {
        v.iter()
            .copied()
            .filter(|&(p, _)| (0..N_COMP).any(|k| act[k] && k != 3 && level(p, k) != 0))
            .collect()
    };
    let names = &informative(names, &act_names);
    let dobs = &informative(dobs, &act_dob);
    let enough = |v: &[(u32, u64)]| v.iter().map(|x| x.1).sum::<u64>() >= 20;
    let (mut iterations, mut converged) = (0, true);
    // Pairs sharing an identifier exactly are nearly all matches: where there are enough, they
    // give the date of birth's m directly (as labels would). The names session cannot learn it
    // on its own: with the names and address set aside, the date of birth and sex are too
    // little for a two-class mixture to be identified.
    let mut m_ids: Option<[f64; MAX_LEVELS]> = None;
    let with_dob: Vec<(u32, u64)> = ids
        .iter()
        .copied()
        .filter(|&(p, _)| level(p, DOB) != 0)
        .collect();
    if with_dob.iter().map(|x| x.1).sum::<u64>() >= 200 {
        let nl = COMPARISONS[DOB].levels.len();
        let mut counts = [0.0f64; MAX_LEVELS];
        for &(p, c) in &with_dob {
            counts[level(p, DOB)] += c as f64;
        }
        let total: f64 = counts[1..nl].iter().sum::<f64>() + PSEUDO_PAIRS;
        let mut row = seed[DOB];
        for l in 1..nl {
            row[l] = (counts[l] + PSEUDO_PAIRS * seed[DOB][l]) / total;
        }
        m_ids = Some(row);
    }
    let mut m_a0 = seed;
    let mut update_names = act_names;
    if let Some(row) = m_ids {
        m_a0[DOB] = row;
        update_names[DOB] = false;
    }
    let sa =
        enough(names).then(|| em_session(names, u, &act_names, &update_names, &m_a0, 0.1, limits));
    let sb = enough(dobs).then(|| em_session(dobs, u, &act_dob, &act_dob, &seed, 0.1, limits));
    let mut sessions = Vec::new();
    for (name, s) in [("names", &sa), ("dob", &sb)] {
        if let Some(s) = s {
            iterations += s.2.iterations;
            converged &= s.2.converged;
            sessions.push(EmSession {
                name,
                ..s.2.clone()
            });
            tracing::debug!(
                session = name,
                prior = s.1,
                iterations = s.2.iterations,
                m_dob_exact = s.0[DOB][1],
                m_given_exact = s.0[GIVEN][1],
                id_pairs_for_dob = m_ids.is_some(),
                "EM session"
            );
        }
    }
    let mut m = seed;
    for k in 0..N_COMP {
        let from_a = sa.as_ref().filter(|_| act_names[k]).map(|s| s.0[k]);
        let from_b = sb.as_ref().filter(|_| act_dob[k]).map(|s| s.0[k]);
        m[k] = match (from_a, from_b) {
            (Some(a), Some(b)) => {
                let mut r = [0.0; MAX_LEVELS];
                for l in 0..MAX_LEVELS {
                    r[l] = (a[l] + b[l]) / 2.0;
                }
                r
            }
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => seed[k],
        };
    }
    // Prior over all comparable pairs: fixed point of lambda = E[matches] / pairs.
    let lr: Vec<(f64, f64)> = patterns
        .iter()
        .map(|&(p, c)| {
            let mut w = 0.0;
            for k in 0..N_COMP {
                let l = level(p, k);
                if l != 0 {
                    w += (m[k][l] / u[k][l]).log2();
                }
            }
            (w, c as f64)
        })
        .collect();
    let candidates: f64 = lr.iter().map(|x| x.1).sum();
    let total = total_pairs.max(candidates).max(1.0);
    let mut prior = (candidates / total / 10.0).clamp(1e-12, 0.5);
    for _ in 0..200 {
        let lp = log2_odds(prior);
        let expected: f64 = lr.iter().map(|&(w, c)| probability(w + lp) * c).sum();
        let next = (expected / total).clamp(1e-12, 1.0 - 1e-9);
        let done = (next - prior).abs() <= prior * 1e-6;
        prior = next;
        if done {
            break;
        }
    }
    EmResult {
        m,
        prior,
        iterations,
        converged,
        sessions,
    }
}

pub(crate) fn build_model(
    em: &EmResult,
    u_rand: &Table,
    threshold: Option<f64>,
    review: (f64, f64),
    u_sample_pairs: usize,
) -> TrainedModel {
    let comparisons = COMPARISONS
        .iter()
        .enumerate()
        .map(|(k, c)| ComparisonParams {
            name: c.name,
            levels: c
                .levels
                .iter()
                .enumerate()
                .map(|(l, &label)| {
                    let (m, u) = (em.m[k][l], u_rand[k][l]);
                    LevelParams {
                        label,
                        m,
                        u,
                        weight: if l == 0 { 0.0 } else { (m / u).log2() },
                    }
                })
                .collect(),
        })
        .collect();
    let (tp, method) = match threshold {
        Some(t) => (t, "set in settings"),
        None => (
            0.5,
            "automatic: posterior match probability 0.5 under the EM mixture (the Bayes decision \
             that minimises expected misclassifications)",
        ),
    };
    TrainedModel {
        comparisons,
        prior: em.prior,
        em_iterations: em.iterations,
        converged: em.converged,
        em_sessions: em.sessions.clone(),
        threshold_probability: tp,
        threshold_weight: log2_odds(tp),
        threshold_method: method,
        review_band: review,
        u_sample_pairs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack(levels: &[u32]) -> u32 {
        levels
            .iter()
            .enumerate()
            .fold(0, |a, (k, l)| a | (l << (3 * k)))
    }

    #[test]
    fn em_recovers_a_known_mixture() {
        // u known; 10% matches agreeing on names and dob; non-matches mostly disagreeing.
        let (mut u, _) = u_random(0, 0, 1, |_, _| 0);
        // u consistent with the non-match patterns below.
        u[0] = [0.0, 0.111, 0.0001, 0.0001, 0.0001, 0.0001, 0.8886, 0.0];
        u[1] = [0.0, 0.222, 0.0001, 0.0001, 0.0001, 0.7777, 0.0, 0.0];
        u[2] = [0.0, 0.0001, 0.0001, 0.0001, 0.0001, 0.9996, 0.0, 0.0];
        u[3] = [0.0, 0.222, 0.778, 0.0, 0.0, 0.0, 0.0, 0.0];
        let m_pat = pack(&[1, 1, 1, 1, 0, 0, 0, 0, 0]);
        let m_pat2 = pack(&[1, 1, 3, 1, 0, 0, 0, 0, 0]);
        let u_pat = pack(&[6, 5, 5, 2, 0, 0, 0, 0, 0]);
        let u_pat2 = pack(&[6, 1, 5, 1, 0, 0, 0, 0, 0]);
        let u_pat3 = pack(&[1, 5, 5, 2, 0, 0, 0, 0, 0]);
        let mut pats = vec![
            (m_pat, 900),
            (m_pat2, 100),
            (u_pat, 6000),
            (u_pat2, 2000),
            (u_pat3, 1000),
        ];
        pats.sort();
        let active = [true; N_COMP];
        let (m, prior, report) = em_session(
            &pats,
            &u,
            &active,
            &active,
            &m_seed(),
            0.5,
            EmLimits {
                max_iter: 500,
                tol: 1e-9,
            },
        );
        assert!(report.converged, "{}", report.stopped);
        assert!(report.last_change < 1e-9);
        assert!(
            report.last_log_likelihood_gain >= -1e-6,
            "EM never lowers the likelihood"
        );
        assert!((prior - 0.1).abs() < 0.01, "prior {prior}");
        assert!((m[2][1] - 0.9).abs() < 0.02, "m dob exact {}", m[2][1]);
        assert!((m[2][3] - 0.1).abs() < 0.02, "m dob one digit {}", m[2][3]);
        // Training as a whole converges and gives a small prior over all pairs.
        let r = train(
            &pats,
            &pats,
            &pats,
            &[],
            &u,
            1e6,
            EmLimits {
                max_iter: 200,
                tol: 1e-7,
            },
        );
        assert!(r.prior > 0.0 && r.prior < 0.01, "prior {}", r.prior);
    }

    #[test]
    fn a_session_stopped_at_its_limit_says_what_still_moved_and_why() {
        let u: Table = std::array::from_fn(m_seed_uniform);
        let (m_pat, u_pat) = (pack(&[1, 1, 1, 1, 1]), pack(&[6, 5, 5, 2, 7]));
        let pats = vec![(m_pat, 100), (u_pat, 900), (pack(&[1, 5, 1, 1, 7]), 50)];
        let active = [true; N_COMP];
        let limits = |max_iter| EmLimits {
            max_iter,
            tol: 1e-12,
        };
        let (_, _, short) = em_session(&pats, &u, &active, &active, &m_seed(), 0.5, limits(2));
        assert!(!short.converged);
        assert_eq!(short.iterations, 2);
        assert!(short.last_change > 1e-12);
        assert!(
            short
                .stopped
                .starts_with("not converged: stopped at the limit of 2 iterations while ")
                && short.stopped.contains(&short.last_change_in)
                && short.stopped.contains("log-likelihood gained"),
            "{}",
            short.stopped
        );
        // Given room, the same session converges, and EM never lowered its likelihood.
        let (_, _, long) = em_session(&pats, &u, &active, &active, &m_seed(), 0.5, limits(5000));
        assert!(long.converged, "{}", long.stopped);
        assert!(long.log_likelihood >= short.log_likelihood);
    }

    #[test]
    fn labelled_matches_refine_m_and_keep_rows_summing_to_one() {
        use crate::compare::DOB;
        let nl = COMPARISONS[DOB].levels.len();
        let m: Table = std::array::from_fn(m_seed_uniform);
        let em = EmResult {
            m,
            prior: 0.01,
            iterations: 1,
            converged: true,
            sessions: Vec::new(),
        };
        let before = em.m[DOB][2];
        // 100 labelled matches, all at the date of birth's second level (e.g. a day/month
        // swap), nothing else known.
        let pattern = 2u32 << (3 * DOB as u32);
        assert_eq!(level(pattern, DOB), 2);
        let refined = refine_m(em, &vec![pattern; 100], LABELLED_PRIOR_PAIRS);
        assert!(
            refined.m[DOB][2] > before + 0.3,
            "{} -> {}",
            before,
            refined.m[DOB][2]
        );
        let sum: f64 = refined.m[DOB][1..nl].iter().sum();
        assert!((sum - 1.0).abs() < 1e-9);
        // Comparisons the labelled pairs said nothing about are unchanged.
        let other = (DOB + 1) % N_COMP;
        assert_eq!(refined.m[other], m_seed_uniform(other));
    }

    fn m_seed_uniform(k: usize) -> [f64; MAX_LEVELS] {
        let mut row = m_seed()[k];
        let n = COMPARISONS[k].levels.len();
        row[1..n].fill(1.0 / (n - 1) as f64);
        row
    }
}
