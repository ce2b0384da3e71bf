use super::*;

/// A comparison family: (family, value, years observed, pre-period value, the programme
/// family's value over the same part).
fn control<P>(family: usize, value: f64, years: f64, pre: P, programme: f64) -> Control<P> {
    Control {
        family,
        value,
        years,
        pre,
        programme,
    }
}

/// A matched set: (programme value, comparison mean, weight, their pre-period values).
fn pair(programme: f64, comparison: f64, weight: f64, pre_t: f64, pre_c: f64) -> Pair {
    Pair {
        programme,
        comparison,
        weight,
        pre_programme: pre_t,
        pre_comparison: pre_c,
    }
}

/// A matched set before its pre-period values are filled.
fn raw_set(
    programme: f64,
    comparison: f64,
    weight: f64,
    pre: Option<f64>,
    pre_controls: Vec<(Option<f64>, f64)>,
) -> RawSet {
    RawSet {
        programme,
        comparison,
        weight,
        pre,
        pre_controls,
    }
}

/// Sets each with a comparison family of its own (no reuse).
fn own(pairs: &[Pair]) -> Vec<Set> {
    pairs
        .iter()
        .enumerate()
        .map(|(i, p)| Set {
            w: p.weight,
            xt: p.pre_programme,
            controls: vec![control(i, p.comparison, 1.0, p.pre_comparison, p.programme)],
        })
        .collect()
}

/// `n` programme families each matched to 3 of only `pool` comparison families (with
/// replacement, so each comparison family stands in about 3n/pool sets); every family's
/// value is 5 + noise, lowered by `effect` for the programme families.
fn reused_sets(n: usize, pool: usize, effect: f64, seed: u64) -> Vec<Set> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let comparison: Vec<f64> = (0..pool)
        .map(|_| 5.0 + rng.random_range(-2.0..2.0))
        .collect();
    (0..n)
        .map(|_| {
            let yt = 5.0 - effect + rng.random_range(-2.0..2.0);
            Set {
                w: 1.0,
                xt: 0.0,
                controls: (0..3)
                    .map(|_| {
                        let c = rng.random_range(0..pool);
                        control(c, comparison[c], 1.0, 0.0, yt)
                    })
                    .collect(),
            }
        })
        .collect()
}

#[test]
fn the_interval_carries_comparison_families_reused_across_sets() {
    // 400 programme families share 100 comparison families: the comparison mean rests on
    // 100 values, not 1,200. Resampling the sets alone would cover the effect far less
    // often than 95 in 100; weighting each comparison family once per replicate keeps
    // coverage (a little over, being conservative).
    let covered = (0..100)
        .filter(|&s| {
            let sets = reused_sets(400, 100, 1.0, 500 + s);
            bootstrap(&sets, 200, 0.95, s).0.covers(-1.0)
        })
        .count();
    assert!(covered >= 90, "{covered} of 100");
    // The same sets with the comparison families treated as independent places, as the
    // sets-only bootstrap did: the interval is narrower by far.
    let sets = reused_sets(400, 100, 1.0, 9);
    let independent: Vec<Set> = sets
        .iter()
        .enumerate()
        .map(|(i, s)| Set {
            controls: s
                .controls
                .iter()
                .enumerate()
                .map(|(k, c)| Control {
                    family: 3 * i + k,
                    ..*c
                })
                .collect(),
            ..s.clone()
        })
        .collect();
    let (reused, _) = bootstrap(&sets, 300, 0.95, 1);
    let (apart, _) = bootstrap(&independent, 300, 0.95, 1);
    assert!(
        reused.high - reused.low > 1.5 * (apart.high - apart.low),
        "{reused:?} vs {apart:?}"
    );
}

#[test]
fn matched_sets_fill_pre_values_as_the_pairs_do_and_share_comparison_families() {
    let raw: Vec<RawSet> = vec![
        raw_set(
            1.0,
            2.0,
            1.0,
            Some(2.0),
            vec![(None, 1.0), (Some(4.0), 3.0)],
        ),
        raw_set(3.0, 1.0, 1.0, None, vec![(Some(6.0), 1.0)]),
    ];
    let members = vec![
        vec![
            control(70, 2.0, 1.0, None, 1.0),
            control(90, 2.0, 3.0, Some(4.0), 1.0),
        ],
        vec![control(70, 1.0, 1.0, Some(6.0), 3.0)],
    ];
    let sets = matched_sets(&raw, &members);
    // Cohort family 70 is one comparison family in both sets.
    assert_eq!(sets[0].controls[0].family, sets[1].controls[0].family);
    assert_ne!(sets[0].controls[0].family, sets[0].controls[1].family);
    let pairs = fill_pre_values(raw);
    for (set, pair) in sets.iter().zip(&pairs) {
        let p = set.pair(|_| 1.0).unwrap();
        assert!((p.pre_programme - pair.pre_programme).abs() < 1e-12);
        assert!((p.pre_comparison - pair.pre_comparison).abs() < 1e-12);
    }
    // The programme family's value is taken over each comparison family's part, alike.
    for (set, pair) in sets.iter().zip(&pairs) {
        let p = set.pair(|_| 1.0).unwrap();
        assert!((p.programme - pair.programme).abs() < 1e-12);
        assert!((p.comparison - pair.comparison).abs() < 1e-12);
    }
    // A set whose comparison families all weigh nothing drops out of a replicate.
    assert_eq!(sets[1].pair(|_| 0.0), None);
}

#[test]
fn the_bootstrap_is_reproducible_for_a_seed_and_brackets_the_estimate() {
    let pairs: Vec<Pair> = (0..200)
        .map(|i| {
            pair(
                if i % 4 == 0 { 100.0 } else { 0.0 },
                if i % 3 == 0 { 100.0 } else { 0.0 },
                1.0,
                0.0,
                0.0,
            )
        })
        .collect();
    let a = bootstrap(&own(&pairs), 500, 0.95, 1);
    let b = bootstrap(&own(&pairs), 500, 0.95, 1);
    assert_eq!(a, b);
    let (mt, mc) = adjusted_means(pairs.iter().copied());
    assert_eq!((mt, mc), means(pairs.iter().copied()));
    assert!(a.0.covers(mt - mc));
    assert!(a.0.low < a.0.high);
    let c = bootstrap(&own(&pairs), 500, 0.95, 2);
    assert_ne!(a, c);
}

/// Matched sets whose outcome follows their own past: y = 2 + 0.8 × x + noise, lowered by
/// `effect` for the programme family; the programme families' past `imbalance` higher.
fn persistent_sets(n: usize, effect: f64, imbalance: f64, seed: u64) -> Vec<Pair> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let xt: f64 = rng.random_range(0.0..10.0) + imbalance;
            let xc: f64 = rng.random_range(0.0..10.0);
            let noise = |rng: &mut ChaCha8Rng| rng.random_range(-1.0..1.0);
            let yt = 2.0 + 0.8 * xt + noise(&mut rng) - effect;
            let yc = 2.0 + 0.8 * xc + noise(&mut rng);
            pair(yt, yc, 1.0, xt, xc)
        })
        .collect()
}

#[test]
fn the_adjustment_removes_a_pre_period_imbalance_left_after_matching() {
    // Programme families' own past is 2 higher than their comparison families': the
    // observed difference is 1.6 too high (0.8 × 2); adjusted, the effect of 1.5 is found.
    let sets = persistent_sets(2000, 1.5, 2.0, 7);
    let (mt, observed) = means(sets.iter().copied());
    assert!(
        (mt - observed - (-1.5 + 1.6)).abs() < 0.15,
        "{}",
        mt - observed
    );
    let (mt, adjusted) = adjusted_means(sets.iter().copied());
    assert!((mt - adjusted + 1.5).abs() < 0.1, "{}", mt - adjusted);
    let (interval, _) = bootstrap(&own(&sets), 300, 0.95, 3);
    assert!(interval.covers(-1.5), "{interval:?}");
    assert!(!interval.covers(0.1), "{interval:?}");
}

#[test]
fn adjusting_for_a_persistent_outcomes_past_narrows_the_interval_and_keeps_coverage() {
    let sets = persistent_sets(1000, 1.0, 0.0, 11);
    let unadjusted: Vec<Pair> = sets
        .iter()
        .map(|p| pair(p.programme, p.comparison, p.weight, 0.0, 0.0))
        .collect();
    let (wide, _) = bootstrap(&own(&unadjusted), 300, 0.95, 5);
    let (narrow, _) = bootstrap(&own(&sets), 300, 0.95, 5);
    assert!(
        narrow.high - narrow.low < 0.5 * (wide.high - wide.low),
        "{narrow:?} vs {wide:?}"
    );
    // Over many boroughs the adjusted 95% interval covers the true effect about 95 times
    // in 100.
    let covered = (0..100)
        .filter(|&s| {
            bootstrap(&own(&persistent_sets(300, 1.0, 0.0, 100 + s)), 200, 0.95, s)
                .0
                .covers(-1.0)
        })
        .count();
    assert!(covered >= 88, "{covered} of 100");
}

#[test]
fn missing_pre_period_values_take_the_mean_of_the_known_ones() {
    let raw: Vec<RawSet> = vec![
        raw_set(
            1.0,
            1.0,
            1.0,
            Some(2.0),
            vec![(None, 1.0), (Some(4.0), 3.0)],
        ),
        raw_set(1.0, 1.0, 1.0, None, vec![(Some(6.0), 1.0)]),
    ];
    let sets = fill_pre_values(raw);
    // Known: 2, 4, 6 → 4 for the missing.
    assert_eq!(sets[0].pre_programme, 2.0);
    assert_eq!(sets[0].pre_comparison, 4.0);
    assert_eq!((sets[1].pre_programme, sets[1].pre_comparison), (4.0, 6.0));
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
fn pupil_family(rules: &Rules, id: i64, attached: Option<&str>, per_term: f64) -> FamilyHistory {
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
fn over_the_whole_follow_up_each_pair_is_compared_over_the_months_both_were_observed() {
    // Every family alike and no effect, but the child leaves school after the spring term of
    // 2021: exclusions fall with the calendar. The comparison family is attached four months
    // in, so it is observed only over the autumn; the programme family for the year. Over
    // their own periods the comparison family's autumn rate (300 a year) against the
    // programme family's year (200) looked like a third fewer exclusions.
    let rules = shipped();
    let ex = key(&rules, "exclusions");
    let leaves = |mut f: FamilyHistory| {
        f.events[ex].retain(|e| e.start < d("2021-04-01"));
        f
    };
    let families = vec![
        leaves(pupil_family(&rules, 1, Some("2020-08-20"), 1.0)),
        leaves(pupil_family(&rules, 2, Some("2020-12-20"), 1.0)),
        leaves(pupil_family(&rules, 3, None, 1.0)),
    ];
    let as_at = d("2021-08-20");
    let whole = |controls: Vec<(usize, NaiveDate)>| {
        let m = MatchedFamily {
            family: 0,
            index: d("2020-08-20"),
            controls,
        };
        estimate(&rules, &families, &[m], as_at)
            .into_iter()
            .find(|e| e.outcome == "exclusions" && e.band == "0–24 to date")
            .unwrap()
    };
    let e = whole(vec![(1, d("2020-08-20"))]);
    assert!((e.programme - 300.0).abs() < 1.0, "{e:?}");
    assert!(e.relative.unwrap().abs() < 0.01, "{e:?}");
    // With a comparison family observed for the whole year as well, the programme family
    // is taken over the year against it and over the autumn against the other.
    let e = whole(vec![(1, d("2020-08-20")), (2, d("2020-08-20"))]);
    assert!(e.relative.unwrap().abs() < 0.01, "{e:?}");
}

#[test]
fn percentiles_interpolate() {
    let mut v: Vec<f64> = (0..=100).map(f64::from).collect();
    let i = percentiles(&mut v, 0.025);
    assert!((i.low - 2.5).abs() < 1e-9 && (i.high - 97.5).abs() < 1e-9);
}
