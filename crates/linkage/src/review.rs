//! The clerical review queue: which uncertain pairs a person is asked to decide, and in what
//! order.
//!
//! [`crate::link`] puts forward every pair in the review band (and vetoed pairs above it);
//! this module chooses among them once the people are known, and orders them by what a
//! decision is worth ([`review_order`]). It does not score or cluster (that happens
//! before), store the queue or apply reviewers' decisions (the next run takes them as
//! constraints).

use crate::model::ScoredPair;
use std::cmp::Reverse;
use std::collections::HashMap;

/// Orders pairs for a reviewer, the decisions worth most first. Every queued pair is between
/// two people today, so only a "same person" answer changes anything: a decision is worth
/// about the chance that the answer is "same". So: pairs the model calls likelier first; a
/// vetoed pair (plainly different forenames or dates of birth, no agreeing identifier — mostly
/// siblings, sometimes a replaced forename) after every pair that is not, since its
/// probability overstates that chance; ties: the more records the answer would join
/// (`size_l × size_r`), then by position. Measured against other orders (uncertainty ×
/// records joined, probability × records) with a simulated reviewer: bench/RESULTS.md.
///
/// `pairs` gives each pair's probability, whether it is vetoed and the sizes (records) of its
/// two people; returns the positions in order.
pub fn review_order(pairs: &[(f64, bool, usize, usize)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..pairs.len()).collect();
    order.sort_by(|&x, &y| {
        let ((px, vx, ax, bx), (py, vy, ay, by)) = (pairs[x], pairs[y]);
        vx.cmp(&vy)
            .then(py.total_cmp(&px))
            .then((ay * by).cmp(&(ax * bx)))
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
/// * the decisions worth most first ([`review_order`], with the people's sizes in records).
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
        let mut vetoed = pair(0, 9, 0.99);
        vetoed.vetoed = true;
        let candidates = [
            pair(6, 7, 0.5),
            pair(2, 3, 0.5), // as likely, and joins 9 record pairs, not 1
            pair(8, 9, 0.7),
            vetoed, // likelier, but vetoed: after the rest
            pair(0, 8, 0.3),
        ];
        let queue = review_queue(&candidates, &person_of);
        assert_eq!(ends(&queue), [(8, 9), (2, 3), (6, 7), (0, 8), (0, 9)]);
    }

    #[test]
    fn ties_go_to_the_pair_earlier_in_the_list() {
        let f = false;
        assert_eq!(
            review_order(&[
                (0.4, f, 1, 1),
                (0.6, f, 1, 1),
                (0.6, f, 1, 1),
                (0.9, true, 1, 1)
            ]),
            [1, 2, 0, 3]
        );
    }
}
