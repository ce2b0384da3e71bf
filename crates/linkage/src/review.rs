//! The clerical review queue: which uncertain pairs a person is asked to decide, and in what
//! order.
//!
//! [`crate::link`] puts forward every pair in the review band (and vetoed pairs above it);
//! this module chooses among them once the people are known. It does not score or cluster
//! (that happens before), store the queue or apply reviewers' decisions (the next run takes
//! them as constraints).

use crate::model::ScoredPair;
use std::cmp::Reverse;
use std::collections::HashMap;

/// The pairs to put to a reviewer, from `candidates` (linkage's `review` pairs):
///
/// * only pairs whose records ended up as two different people — a pair inside one person
///   is already settled by stronger links;
/// * one pair per two people, the most likely (ties: the pair of lowest record indices), so
///   a reviewer sees each question once;
/// * in record order (by `left`, then `right`).
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
    let mut queue: Vec<&ScoredPair> = best.into_values().collect();
    queue.sort_by_key(|p| (p.left, p.right));
    queue
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
    fn the_queue_is_in_record_order() {
        let candidates = [pair(4, 5, 0.7), pair(0, 5, 0.2), pair(2, 3, 0.5)];
        let queue = review_queue(&candidates, &[0, 1, 2, 3, 4, 5]);
        assert_eq!(ends(&queue), [(0, 5), (2, 3), (4, 5)]);
    }
}
