//! The appraisal's arithmetic, the GMCA (New Economy) cost-benefit way that DCLG's cost savings
//! calculator used (DOMAIN.md §10): a gross change in service use, less deadweight (what would
//! have happened anyway) and optimism bias (a correction for confidence in the data), lasting
//! some years with a drop-off, discounted at the Green Book's 3.5%, set against the cost of
//! the work: net present value, fiscal return on investment and payback period.
//!
//! Conventions: year 0 is the first year after attachment, undiscounted; the programme's cost
//! is spent in year 0; a saving is positive (service use fell).

/// A value at one price year brought to another with the deflator indices of both.
pub fn uplift(value: f64, from_index: f64, to_index: f64) -> f64 {
    value * to_index / from_index
}

/// The part of a gross change attributable to the programme, after deadweight and optimism
/// bias (each a share from 0 to 1).
pub fn attributable(gross: f64, deadweight: f64, optimism_bias: f64) -> f64 {
    gross * (1.0 - deadweight) * (1.0 - optimism_bias)
}

/// The discount factor of year `t` at `rate`: 1 / (1 + rate)^t.
pub fn discount_factor(rate: f64, t: u32) -> f64 {
    1.0 / (1.0 + rate).powi(t as i32)
}

/// Each year's discounted saving: `annual` in year 0, then less `drop_off` a year, for
/// `years` years, discounted at `rate`.
pub fn benefit_stream(annual: f64, years: u32, drop_off: f64, rate: f64) -> Vec<f64> {
    (0..years)
        .map(|t| annual * (1.0 - drop_off).powi(t as i32) * discount_factor(rate, t))
        .collect()
}

/// The present value of a discounted stream.
pub fn present_value(stream: &[f64]) -> f64 {
    stream.iter().sum()
}

/// Fiscal return on investment: pounds saved for each pound spent (GMCA's "fiscal ROI");
/// `None` when nothing was spent.
pub fn roi(present_value_of_savings: f64, cost: f64) -> Option<f64> {
    (cost > 0.0).then(|| present_value_of_savings / cost)
}

/// Years until the discounted savings repay `cost`, counting within a year in proportion;
/// `None` when they never do within the stream. A cost of 0 is repaid at once.
pub fn payback_years(stream: &[f64], cost: f64) -> Option<f64> {
    if cost <= 0.0 {
        return Some(0.0);
    }
    let mut cumulative = 0.0;
    for (t, b) in stream.iter().enumerate() {
        if *b > 0.0 && cumulative + b >= cost {
            return Some(t as f64 + (cost - cumulative) / b);
        }
        cumulative += b;
    }
    None
}

/// A mean and its sampling uncertainty.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Estimate {
    /// Number of values.
    pub n: usize,
    /// Their mean.
    pub mean: f64,
    /// Standard error of the mean (sample standard deviation ÷ √n; 0 below two values).
    pub standard_error: f64,
    /// 95% confidence interval, mean ± 1.96 standard errors.
    pub low: f64,
    /// Upper end of the interval.
    pub high: f64,
}

/// The mean of `values` with a normal-approximation 95% interval.
pub fn estimate(values: &[f64]) -> Estimate {
    let n = values.len();
    if n == 0 {
        return Estimate {
            n,
            mean: 0.0,
            standard_error: 0.0,
            low: 0.0,
            high: 0.0,
        };
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let se = if n < 2 {
        0.0
    } else {
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (var / n as f64).sqrt()
    };
    Estimate {
        n,
        mean,
        standard_error: se,
        low: mean - 1.96 * se,
        high: mean + 1.96 * se,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
    }

    #[test]
    fn green_book_discounting_at_three_and_a_half_percent() {
        assert_eq!(discount_factor(0.035, 0), 1.0);
        assert!(close(discount_factor(0.035, 1), 1.0 / 1.035));
        assert!(close(discount_factor(0.035, 3), 1.0 / 1.035f64.powi(3)));
        let s = benefit_stream(1000.0, 3, 0.0, 0.035);
        assert!(close(
            present_value(&s),
            1000.0 + 1000.0 / 1.035 + 1000.0 / 1.035f64.powi(2)
        ));
    }

    #[test]
    fn payback_within_a_year_is_proportional() {
        assert_eq!(payback_years(&[1000.0, 1000.0], 500.0), Some(0.5));
        assert_eq!(payback_years(&[1000.0, 1000.0], 1500.0), Some(1.5));
        assert_eq!(payback_years(&[1000.0, 1000.0], 2500.0), None);
        assert_eq!(payback_years(&[-5.0], 0.0), Some(0.0));
        assert_eq!(payback_years(&[-5.0, 10.0], 5.0), Some(2.0));
    }

    #[test]
    fn an_estimate_of_known_values() {
        let e = estimate(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(e.mean, 2.5);
        // sd = sqrt(5/3); se = sd / 2
        assert!(close(e.standard_error, (5.0f64 / 3.0).sqrt() / 2.0));
        assert!(close(e.high - e.mean, 1.96 * e.standard_error));
    }

    proptest! {
        #[test]
        fn discounting_never_adds_and_falls_with_time(rate in 0.0f64..0.5, t in 0u32..50) {
            let f = discount_factor(rate, t);
            prop_assert!(f > 0.0 && f <= 1.0);
            prop_assert!(discount_factor(rate, t + 1) <= f);
        }

        #[test]
        fn a_higher_discount_rate_lowers_present_value(
            annual in 0.0f64..1e6, years in 1u32..10, drop in 0.0f64..0.9,
            r1 in 0.0f64..0.2, extra in 0.0001f64..0.2,
        ) {
            let low = present_value(&benefit_stream(annual, years, drop, r1));
            let high = present_value(&benefit_stream(annual, years, drop, r1 + extra));
            prop_assert!(high <= low + 1e-6);
        }

        #[test]
        fn deadweight_and_optimism_bias_only_ever_take_away(
            gross in 0.0f64..1e7, dw in 0.0f64..1.0, ob in 0.0f64..1.0, more in 0.0f64..0.5,
        ) {
            let a = attributable(gross, dw, ob);
            prop_assert!(a <= gross + 1e-9 && a >= 0.0);
            let dw2 = (dw + more).min(0.999_999);
            prop_assert!(attributable(gross, dw2, ob) <= a + 1e-9);
            let ob2 = (ob + more).min(0.999_999);
            prop_assert!(attributable(gross, dw, ob2) <= a + 1e-9);
            // Zero deadweight and bias leave the change as it is.
            prop_assert!(close(attributable(gross, 0.0, 0.0), gross));
        }

        #[test]
        fn attributable_savings_are_linear_in_the_change(
            a in -1e6f64..1e6, b in -1e6f64..1e6, dw in 0.0f64..1.0, ob in 0.0f64..1.0,
        ) {
            prop_assert!(close(
                attributable(a + b, dw, ob),
                attributable(a, dw, ob) + attributable(b, dw, ob)
            ));
        }

        #[test]
        fn roi_is_savings_per_pound_and_grows_with_savings(
            pv in 0.0f64..1e8, cost in 1.0f64..1e7, more in 0.0f64..1e6,
        ) {
            let r = roi(pv, cost).unwrap();
            prop_assert!(close(r * cost, pv));
            prop_assert!(roi(pv + more, cost).unwrap() >= r);
            prop_assert_eq!(roi(pv, 0.0), None);
        }

        #[test]
        fn payback_is_when_cumulative_savings_reach_the_cost(
            annual in 1.0f64..1e6, years in 1u32..10, drop in 0.0f64..0.9,
            rate in 0.0f64..0.2, cost in 0.0f64..5e6,
        ) {
            let s = benefit_stream(annual, years, drop, rate);
            match payback_years(&s, cost) {
                Some(p) => {
                    prop_assert!(p >= 0.0 && p <= years as f64);
                    // By the whole year after payback the cost is repaid.
                    let k = (p.ceil() as usize).min(s.len());
                    let repaid: f64 = s[..k].iter().sum();
                    prop_assert!(repaid + 1e-6 >= cost);
                }
                None => prop_assert!(present_value(&s) < cost),
            }
            // Larger savings never take longer to pay back.
            let bigger = benefit_stream(annual * 2.0, years, drop, rate);
            if let (Some(a), Some(b)) = (payback_years(&s, cost), payback_years(&bigger, cost)) {
                prop_assert!(b <= a + 1e-9);
            }
        }

        #[test]
        fn uplift_round_trips_and_follows_the_deflator(
            value in 0.0f64..1e6, from in 10.0f64..200.0, to in 10.0f64..200.0,
        ) {
            let up = uplift(value, from, to);
            prop_assert!(close(uplift(up, to, from), value));
            if to >= from { prop_assert!(up + 1e-9 >= value); } else { prop_assert!(up <= value + 1e-9); }
            prop_assert!(close(uplift(value, from, from), value));
        }

        #[test]
        fn the_interval_holds_the_mean_and_shrinks_with_more_of_the_same(
            values in proptest::collection::vec(-1e4f64..1e4, 2..50),
        ) {
            let e = estimate(&values);
            prop_assert!(e.low <= e.mean && e.mean <= e.high);
            let doubled: Vec<f64> = values.iter().chain(values.iter()).copied().collect();
            let d = estimate(&doubled);
            prop_assert!(close(d.mean, e.mean));
            prop_assert!(d.standard_error <= e.standard_error + 1e-9);
        }
    }
}
