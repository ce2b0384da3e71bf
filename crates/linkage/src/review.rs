//! The clerical review queue: which uncertain pairs a person is asked to decide, and in what
//! order.
//!
//! [`crate::link`] puts forward every pair in the review band (and vetoed pairs above it);
//! this module chooses among them once the people are known, and orders them by what a
//! decision is worth ([`decision_worth`]). It does not score or cluster (that happens
//! before), store the queue or apply reviewers' decisions (the next run takes them as
//! constraints).

use crate::model::ScoredPair;
use std::cmp::Reverse;
use std::collections::HashMap;

/// What deciding a pair is worth: how uncertain the engine is (1 at probability 0.5, 0 at 0
/// or at 1) times how many record pairs the answer settles — a "same person" joins the two
/// people's records, `size_l × size_r` pairs of them; a "different people" keeps them apart.
/// So a coin-flip between two people of three records each (9 pairs) comes before a
/// coin-flip between two single records (1 pair), and both before a near-certain pair.
///
/// A vetoed pair (plainly different forenames or dates of birth, no agreeing identifier:
/// twins, or one person whose forename was replaced) counts as a coin-flip whatever its
/// probability: the evidence says "same", the rule says "never without a person".
pub fn decision_worth(match_probability: f64, vetoed: bool, size_l: usize, size_r: usize) -> f64 {
    let p = if vetoed {
        0.5
    } else {
        match_probability.clamp(0.0, 1.0)
    };
    let uncertainty = 1.0 - (2.0 * p - 1.0).abs();
    uncertainty * size_l as f64 * size_r as f64
}

/// Orders pairs for a reviewer, most worth deciding first ([`decision_worth`]); ties: the more
/// likely match first, then by position. `pairs` gives each pair's probability, whether it is
/// vetoed and the sizes (records) of its two people; returns the positions in order.
pub fn review_order(pairs: &[(f64, bool, usize, usize)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..pairs.len()).collect();
    let worth: Vec<f64> = pairs
        .iter()
        .map(|&(p, v, a, b)| decision_worth(p, v, a, b))
        .collect();
    order.sort_by(|&x, &y| {
        worth[y]
            .total_cmp(&worth[x])
            .then(pairs[y].0.total_cmp(&pairs[x].0))
            .then(x.cmp(&y))
    });
    order
}

/// The pairs to put to a reviewer, from `candidates` (linkage's `review` pairs):
///
/// * only pairs whose records ended up as two different people — a pair inside one person
///   is already settled by stronger links;
/// * one pair per two people, the most likely (ties: the pair of lowest record indices), so
///   a reviewer sees each question once;
/// * most worth deciding first ([`review_order`], with the people's sizes in records).
///
/// `person_of[i]` is the person (e.g. the stable person ID) of record `i`.
///
/// # Panics
///
/// If a pair names a record with no entry in `person_of` (both come from the same
/// [`crate::link`] run).
pub fn review_queue<'a>(candidates: &'a [ScoredPair], person_of: &[u64]) -> Vec<&'a ScoredPair> {
    let mut best: HashMap<(u64, u64), &ScoredPair> = HashMap::new();
    for p in candidates {
        let (a, b) = (person_of[p.left as usize], person_of[p.right as usize]);
        if a == b {
            continue;
        }
        let slot = best.entry((a.min(b), a.max(b))).or_insert(p);
        if (p.match_probability, Reverse((p.left, p.right)))
            > (slot.match_probability, Reverse((slot.left, slot.right)))
        {
            *slot = p;
        }
    }
    let mut size: HashMap<u64, usize> = HashMap::new();
    for &p in person_of {
        *size.entry(p).or_default() += 1;
    }
    let mut queue: Vec<&ScoredPair> = best.into_values().collect();
    queue.sort_by_key(|p| (p.left, p.right));
    let keys: Vec<(f64, bool, usize, usize)> = queue
        .iter()
        .map(|p| {
            let (a, b) = (person_of[p.left as usize], person_of[p.right as usize]);
            (p.match_probability, p.vetoed, size[&a], size[&b])
        })
        .collect();
    review_order(&keys).into_iter().map(|i| queue[i]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(left: u32, right: u32, p: f64) -> ScoredPair {
        ScoredPair {
            left,
            right,
            pattern: 0,
            tf_given: 0.0,
            tf_family: 0.0,
            match_weight: 0.0,
            vetoed: false,
            match_probability: p,
        }
    }

    fn ends(queue: &[&ScoredPair]) -> Vec<(u32, u32)> {
        queue.iter().map(|p| (p.left, p.right)).collect()
    }

    #[test]
    fn pairs_inside_one_person_are_not_asked() {
        let candidates = [pair(0, 1, 0.5), pair(1, 2, 0.4)];
        // Records 0 and 1 are person 10; record 2 is person 20.
        let queue = review_queue(&candidates, &[10, 10, 20]);
        assert_eq!(ends(&queue), [(1, 2)]);
    }

    #[test]
    fn each_two_people_are_asked_about_once_with_their_most_likely_pair() {
        // Person 10: records 0, 1; person 20: records 2, 3; person 30: record 4.
        let candidates = [
            pair(0, 2, 0.3),
            pair(1, 3, 0.6),
            pair(0, 3, 0.6),
            pair(3, 4, 0.2),
            pair(1, 2, 0.5),
        ];
        let queue = review_queue(&candidates, &[10, 10, 20, 20, 30]);
        // (0, 3) and (1, 3) tie at 0.6: the lower indices win. Sorted by record.
        assert_eq!(ends(&queue), [(0, 3), (3, 4)]);
    }

    #[test]
    fn the_queue_puts_the_decisions_worth_most_first() {
        // Records 0-2 are person 0 (three records), 3-5 person 1 (three), the rest single.
        let person_of = [0, 0, 0, 1, 1, 1, 6, 7, 8, 9];
        let candidates = [
            pair(6, 7, 0.5),  // a coin-flip between single records: worth 1
            pair(2, 3, 0.5),  // a coin-flip between two people of three: worth 9
            pair(8, 9, 0.79), // less uncertain: worth 0.42
            pair(0, 8, 0.6),  // 0.8 × 3 × 1 = 2.4
        ];
        let queue = review_queue(&candidates, &person_of);
        assert_eq!(ends(&queue), [(2, 3), (0, 8), (6, 7), (8, 9)]);
    }

    #[test]
    fn worth_is_greatest_at_even_odds_and_grows_with_the_people() {
        let f = false;
        assert_eq!(decision_worth(0.5, f, 1, 1), 1.0);
        assert_eq!(decision_worth(0.0, f, 5, 5), 0.0);
        assert_eq!(decision_worth(1.0, f, 5, 5), 0.0);
        assert!(decision_worth(0.3, f, 1, 1) < decision_worth(0.45, f, 1, 1));
        assert!((decision_worth(0.25, f, 2, 3) - 3.0).abs() < 1e-12);
        // A vetoed pair the model calls a match is a coin-flip between evidence and rule.
        assert_eq!(decision_worth(0.999, true, 2, 2), 4.0);
        // Ties: the more likely match first, then by position.
        assert_eq!(
            review_order(&[(0.4, f, 1, 1), (0.6, f, 1, 1), (0.6, f, 1, 1)]),
            [1, 2, 0]
        );
    }
}
