//! Logistic regression for the propensity score, fitted by iteratively reweighted least
//! squares (Newton's method) with a small ridge penalty, on standardised characteristics.
//!
//! Why hand-written: the Rust crates that fit a logistic regression (`linfa-logistic`,
//! `smartcore`) bring `ndarray`, `argmin` or a whole machine-learning framework into a
//! workspace that builds on two cores, for a model with a few dozen columns whose Newton step
//! is one small Cholesky solve. The fit is checked against a known answer in the tests.

/// A fitted model.
#[derive(Debug, Clone, PartialEq)]
pub struct Logistic {
    /// Intercept, then one coefficient per column, on the standardised scale.
    pub coefficients: Vec<f64>,
    means: Vec<f64>,
    scales: Vec<f64>,
    /// Newton steps taken.
    pub iterations: usize,
}

/// The model could not be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    /// Nothing to fit on, or only one group.
    #[error(
        "the model needs families in both groups (programme: {treated}, comparison: {control})"
    )]
    OneGroup {
        /// Rows with y = 1.
        treated: usize,
        /// Rows with y = 0.
        control: usize,
    },
    /// The normal equations are singular even with the ridge penalty.
    #[error("the characteristics are collinear; raise `matching.ridge`")]
    Singular,
}

impl Logistic {
    /// Fits `y ~ x` (rows of equal length) with ridge penalty `ridge` × rows on the
    /// standardised coefficients (not the intercept).
    pub fn fit(x: &[Vec<f64>], y: &[bool], ridge: f64) -> Result<Logistic, FitError> {
        let treated = y.iter().filter(|&&t| t).count();
        if treated == 0 || treated == y.len() {
            return Err(FitError::OneGroup {
                treated,
                control: y.len() - treated,
            });
        }
        let n = x.len();
        let k = x.first().map_or(0, Vec::len);
        let (means, scales) = standardisation(x, k);
        let p = k + 1;
        let z = |row: &[f64], j: usize| -> f64 {
            if j == 0 {
                1.0
            } else {
                (row[j - 1] - means[j - 1]) / scales[j - 1]
            }
        };
        let mut beta = vec![0.0; p];
        let base = treated as f64 / n as f64;
        beta[0] = (base / (1.0 - base)).ln();
        let lambda = ridge * n as f64;
        let mut iterations = 0;
        let mut zi = vec![0.0; p];
        for _ in 0..50 {
            iterations += 1;
            let mut h = vec![0.0; p * p];
            let mut g = vec![0.0; p];
            for (row, &yi) in x.iter().zip(y) {
                for (j, v) in zi.iter_mut().enumerate() {
                    *v = z(row, j);
                }
                let eta: f64 = zi.iter().zip(&beta).map(|(a, b)| a * b).sum();
                let mu = sigmoid(eta);
                let w = (mu * (1.0 - mu)).max(1e-10);
                let r = f64::from(u8::from(yi)) - mu;
                for a in 0..p {
                    g[a] += zi[a] * r;
                    let wa = w * zi[a];
                    for b in 0..=a {
                        h[a * p + b] += wa * zi[b];
                    }
                }
            }
            for a in 1..p {
                h[a * p + a] += lambda;
                g[a] -= lambda * beta[a];
            }
            for a in 0..p {
                for b in 0..a {
                    h[b * p + a] = h[a * p + b];
                }
            }
            let step = cholesky_solve(&mut h, &g, p).ok_or(FitError::Singular)?;
            let mut biggest: f64 = 0.0;
            for (b, s) in beta.iter_mut().zip(&step) {
                *b += s;
                biggest = biggest.max(s.abs());
            }
            if biggest < 1e-8 {
                break;
            }
        }
        Ok(Logistic {
            coefficients: beta,
            means,
            scales,
            iterations,
        })
    }

    /// The log-odds of being in the programme for a row.
    pub fn logit(&self, row: &[f64]) -> f64 {
        self.coefficients[0]
            + row
                .iter()
                .zip(&self.means)
                .zip(&self.scales)
                .zip(&self.coefficients[1..])
                .map(|(((x, m), s), b)| (x - m) / s * b)
                .sum::<f64>()
    }

    /// The probability of being in the programme for a row.
    pub fn probability(&self, row: &[f64]) -> f64 {
        sigmoid(self.logit(row))
    }
}

fn sigmoid(eta: f64) -> f64 {
    1.0 / (1.0 + (-eta).exp())
}

fn standardisation(x: &[Vec<f64>], k: usize) -> (Vec<f64>, Vec<f64>) {
    let n = x.len().max(1) as f64;
    let mut means = vec![0.0; k];
    for row in x {
        for (m, v) in means.iter_mut().zip(row) {
            *m += v / n;
        }
    }
    let mut scales = vec![0.0; k];
    for row in x {
        for ((s, v), m) in scales.iter_mut().zip(row).zip(&means) {
            *s += (v - m) * (v - m) / n;
        }
    }
    for s in &mut scales {
        // A constant column: scale 1 (its standardised value is 0 everywhere).
        *s = if *s > 1e-12 { s.sqrt() } else { 1.0 };
    }
    (means, scales)
}

/// Solves `a x = b` for a symmetric positive definite `a` (`p`×`p`, row-major), overwriting
/// `a` with its Cholesky factor; `None` if it is not positive definite.
fn cholesky_solve(a: &mut [f64], b: &[f64], p: usize) -> Option<Vec<f64>> {
    for j in 0..p {
        let mut d = a[j * p + j];
        for k in 0..j {
            d -= a[j * p + k] * a[j * p + k];
        }
        if d <= 1e-12 {
            return None;
        }
        let d = d.sqrt();
        a[j * p + j] = d;
        for i in j + 1..p {
            let mut s = a[i * p + j];
            for k in 0..j {
                s -= a[i * p + k] * a[j * p + k];
            }
            a[i * p + j] = s / d;
        }
    }
    let mut y = vec![0.0; p];
    for i in 0..p {
        let mut s = b[i];
        for k in 0..i {
            s -= a[i * p + k] * y[k];
        }
        y[i] = s / a[i * p + i];
    }
    let mut x = vec![0.0; p];
    for i in (0..p).rev() {
        let mut s = y[i];
        for k in i + 1..p {
            s -= a[k * p + i] * x[k];
        }
        x[i] = s / a[i * p + i];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn recovers_the_coefficients_it_was_simulated_with() {
        // y ~ Bernoulli(sigmoid(-1 + 0.8 x1 - 0.5 x2)), x standard normal-ish.
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut x = Vec::new();
        let mut y = Vec::new();
        for _ in 0..40_000 {
            let x1: f64 = (0..12).map(|_| rng.random::<f64>()).sum::<f64>() - 6.0;
            let x2: f64 = (0..12).map(|_| rng.random::<f64>()).sum::<f64>() - 6.0;
            let p = sigmoid(-1.0 + 0.8 * x1 - 0.5 * x2);
            y.push(rng.random::<f64>() < p);
            x.push(vec![x1, x2]);
        }
        let m = Logistic::fit(&x, &y, 0.0).unwrap();
        // Back to the original scale: b_j / scale_j.
        let b1 = m.coefficients[1] / m.scales[0];
        let b2 = m.coefficients[2] / m.scales[1];
        assert!((b1 - 0.8).abs() < 0.05, "{b1}");
        assert!((b2 + 0.5).abs() < 0.05, "{b2}");
        assert!((m.logit(&[0.0, 0.0]) + 1.0).abs() < 0.05);
        assert!(m.iterations < 15);
    }

    #[test]
    fn a_separating_or_constant_column_stays_finite_with_the_ridge() {
        let x: Vec<Vec<f64>> = (0..100).map(|i| vec![f64::from(i), 3.0]).collect();
        let y: Vec<bool> = (0..100).map(|i| i >= 50).collect();
        let m = Logistic::fit(&x, &y, 0.001).unwrap();
        assert!(m.coefficients.iter().all(|c| c.is_finite()));
        assert!(m.probability(&[99.0, 3.0]) > 0.9);
        assert!(m.probability(&[0.0, 3.0]) < 0.1);
    }

    #[test]
    fn one_group_is_refused() {
        let x = vec![vec![1.0]; 3];
        assert!(matches!(
            Logistic::fit(&x, &[true; 3], 0.0),
            Err(FitError::OneGroup { .. })
        ));
    }
}
